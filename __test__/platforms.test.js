// The pure parts of `npm run platforms` (scripts/platforms/): parsing tool
// output, summarising jest reports, finding target modules and the table.
// Nothing here downloads or builds.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const YAML = require('yaml')
const lib = require('../scripts/platforms/lib')
const napiCross = require('../scripts/platforms/napi-cross')
const qemu = require('../scripts/platforms/qemu')
const rust = require('../scripts/platforms/rust-toolchain')
const { discoverTargets, parseArgs, rowPassed, tableOf } = require('../scripts/platforms/index')

describe('glibc floor', () => {
  test('is the newest GLIBC version named in readelf -V output', () => {
    const readelf = [
      "Version needs section '.gnu.version_r' contains 2 entries:",
      '  000000: Version: 1  File: libc.so.6  Cnt: 3',
      '  0x0010:   Name: GLIBC_2.3.4  Flags: none  Version: 5',
      '  0x0020:   Name: GLIBC_2.17  Flags: none  Version: 4',
      '  0x0030:   Name: GLIBC_2.9  Flags: none  Version: 3',
      '  0x0040: Version: 1  File: libgcc_s.so.1  Cnt: 1',
      '  0x0050:   Name: GCC_4.2.0  Flags: none  Version: 2',
    ].join('\n')
    expect(lib.glibcFloor(readelf)).toBe('GLIBC_2.17')
  })

  test('compares versions numerically, not as text', () => {
    expect(lib.glibcFloor('GLIBC_2.9 GLIBC_2.34 GLIBC_2.4')).toBe('GLIBC_2.34')
    expect(lib.glibcFloor('GLIBC_2.2.5 GLIBC_2.2')).toBe('GLIBC_2.2.5')
  })

  test('is null for a binary that needs no glibc symbol', () => {
    expect(lib.glibcFloor('No version information found in this file.\n')).toBeNull()
  })

  test('shared libraries needed are read from readelf -d output', () => {
    const dynamic = [
      ' 0x0000000000000001 (NEEDED)             Shared library: [libgcc_s.so.1]',
      ' 0x0000000000000001 (NEEDED)             Shared library: [libc.so]',
      ' 0x000000000000000e (SONAME)             Library soname: [x.node]',
    ].join('\n')
    expect(lib.neededLibraries(dynamic)).toEqual(['libgcc_s.so.1', 'libc.so'])
  })
})

describe('golden check output', () => {
  test('a full match', () => {
    expect(lib.parseGoldenOutput('loaded /x/phase-router.linux-arm64-gnu.node\ngolden 13/13\n')).toEqual({
      loaded: true,
      golden: '13/13',
      failed: undefined,
    })
  })

  test('a refused binary', () => {
    const out = 'load failed: phase-router: could not load the native addon for linux-x64-musl / - x: Error relocating\ngolden 0/13\n'
    expect(lib.parseGoldenOutput(out)).toMatchObject({ loaded: false, golden: '0/13', failed: expect.stringContaining('Error relocating') })
  })

  test('a runtime that crashed before printing anything', () => {
    expect(lib.parseGoldenOutput('')).toEqual({ loaded: 'n/a', golden: 'n/a', failed: undefined })
  })
})

describe('jest summary', () => {
  const suite = (name, status, tests, message = '') => ({
    name,
    status,
    message,
    assertionResults: tests.map(([fullName, s]) => ({ fullName, status: s })),
  })

  test('counts suites with skipped tests and no failures as passed', () => {
    const report = {
      testResults: [
        suite('/w/__test__/a.test.js', 'passed', [['one', 'passed']]),
        suite('/w/__test__/b.test.js', 'passed', [
          ['two', 'passed'],
          ['three', 'pending'],
        ]),
        suite('/w/__test__/c.test.js', 'failed', [
          ['four', 'failed'],
          ['five', 'passed'],
        ]),
      ],
    }
    const summary = lib.summariseJest(report)
    expect(summary.text).toBe('2/3')
    expect(summary.tests).toBe('3/5')
    expect(summary.suites.find((s) => !s.passed)).toEqual({ name: '__test__/c.test.js', passed: false, failures: ['four'] })
  })

  test('a suite that failed before running any test fails with its message', () => {
    const report = { testResults: [suite('/w/__test__/d.test.js', 'failed', [], '\nCannot find module x\n  at y')] }
    expect(lib.summariseJest(report).suites).toEqual([{ name: '__test__/d.test.js', passed: false, failures: ['Cannot find module x'] }])
  })

  test('names Windows paths printed by jest under wine the same way', () => {
    expect(lib.suiteName('Z:\\work\\repo\\__test__\\golden.test.js')).toBe('__test__/golden.test.js')
    expect(lib.suiteName('C:\\r\\__test__\\e2e\\x.test.js')).toBe('__test__/e2e/x.test.js')
    expect(lib.suiteName('/work/repo/__test__/golden.test.js')).toBe('__test__/golden.test.js')
  })
})

describe('target modules', () => {
  test('are found in a fixed order, unknown ones last by name, helpers/ skipped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platforms-'))
    try {
      for (const name of ['zeta.js', 'win32-x64.js', 'linux-arm64-gnu.js', 'linux-x64-gnu.js', 'alpha.js', 'notes.md']) {
        fs.writeFileSync(path.join(dir, name), '')
      }
      fs.mkdirSync(path.join(dir, 'helpers'))
      fs.writeFileSync(path.join(dir, 'helpers', 'wine.js'), '')
      expect(discoverTargets(dir)).toEqual(['linux-x64-gnu', 'linux-arm64-gnu', 'win32-x64', 'alpha', 'zeta'])
    } finally {
      fs.rmSync(dir, { recursive: true })
    }
  })

  test('each module in the repository keeps the interface', () => {
    const names = discoverTargets()
    expect(names).toEqual(expect.arrayContaining(['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl']))
    for (const name of names) {
      const mod = require(`../scripts/platforms/targets/${name}`)
      expect([name, mod.target, typeof mod.triple, typeof mod.build, typeof mod.run]).toEqual([
        name,
        name,
        'string',
        'function',
        'function',
      ])
    }
  })

  test('arguments select targets and jest suites; unknown ones are refused', () => {
    const known = ['linux-x64-gnu', 'linux-arm64-gnu']
    expect(parseArgs([], known)).toEqual({ targets: known, jest: true, jestSuites: null, jestEmulated: false })
    expect(parseArgs(['linux-arm64-gnu', '--no-jest'], known)).toEqual({
      targets: ['linux-arm64-gnu'],
      jest: false,
      jestSuites: null,
      jestEmulated: false,
    })
    expect(parseArgs(['--jest-suites=golden,__test__/helpers.test.js'], known).jestSuites).toEqual([
      '__test__/golden.test.js',
      '__test__/helpers.test.js',
    ])
    expect(parseArgs(['--jest-emulated'], known).jestEmulated).toBe(true)
    expect(parseArgs(['--jest-emulated=greedy,walk'], known).jestEmulated).toEqual(['__test__/greedy.test.js', '__test__/walk.test.js'])
    expect(() => parseArgs(['linux-riscv64-gnu'], known)).toThrow(/unknown target linux-riscv64-gnu/)
    expect(() => parseArgs(['--jest'], known)).toThrow(/unknown option --jest/)
  })
})

describe('napi cross toolchain version', () => {
  test('is the pinned one where it is published', () => {
    expect(napiCross.pickVersion(['0.0.2', '0.0.16', '0.0.19', '1.0.3'], '1.0.3')).toBe('1.0.3')
  })

  test('is the newest older one where it is not (x86_64 stops at 1.0.0)', () => {
    expect(napiCross.pickVersion(['0.0.16', '1.0.0'], '1.0.3')).toBe('1.0.0')
    expect(napiCross.pickVersion(['0.0.16', '1.0.0', '1.0.5'], '1.0.3')).toBe('1.0.0')
    expect(napiCross.pickVersion(['0.0.10', '0.0.9'], '0.0.12')).toBe('0.0.10')
  })

  test('the workflow prepares it before building, for every glibc build', () => {
    const ci = YAML.parse(fs.readFileSync(path.join(__dirname, '..', '.github', 'workflows', 'CI.yml'), 'utf8'))
    const steps = ci.jobs.build.steps
    const prepare = steps.findIndex((s) => s.name === "Prepare napi's cross toolchain")
    expect(steps[prepare]).toMatchObject({ if: "endsWith(matrix.settings.target, 'linux-gnu')" })
    expect(steps[prepare].run).toMatch(/^node scripts\/platforms\/napi-cross\.js \$\{\{ matrix\.settings\.target \}\}$/)
    expect(prepare).toBeLessThan(steps.findIndex((s) => s.name === 'Build'))
  })

  test('is none when every published version is newer', () => {
    expect(napiCross.pickVersion(['1.0.5'], '1.0.3')).toBeNull()
  })
})

test('zig and cargo-zigbuild are the versions the workflow installs', () => {
  const ci = fs.readFileSync(path.join(__dirname, '..', '.github', 'workflows', 'CI.yml'), 'utf8')
  const pins = Object.entries(lib.ZIG).map(([name, version]) => `${name}==${version}`)
  expect(ci).toContain(`pip install ${pins.join(' ')}\n`)
})

describe('jest under emulation', () => {
  // What a suite would need to start another process (the emulated Node's
  // children cannot run here).
  const SPAWNS = /child_process|execPath|runInChild|spawn|execFile|fork\(|new Worker/

  test('runs only suites that exist and start no process', () => {
    expect(qemu.SUITES_WITHOUT_CHILDREN.length).toBeGreaterThan(10)
    for (const suite of qemu.SUITES_WITHOUT_CHILDREN) {
      const source = fs.readFileSync(path.join(__dirname, '..', suite), 'utf8')
      expect([suite, SPAWNS.test(source)]).toEqual([suite, false])
    }
  })

  test('runs what was asked for, else nothing without --jest-emulated', () => {
    const ctx = { jest: true, jestSuites: null, jestEmulated: false }
    expect(qemu.emulatedSuites(ctx)).toBeNull()
    expect(qemu.emulatedSuites({ ...ctx, jestEmulated: true })).toBe(qemu.SUITES_WITHOUT_CHILDREN)
    expect(qemu.emulatedSuites({ ...ctx, jestSuites: ['__test__/golden.test.js'] })).toEqual(['__test__/golden.test.js'])
    expect(qemu.emulatedSuites({ ...ctx, jest: false, jestEmulated: true })).toBeNull()
    const walk = ['__test__/walk.test.js']
    expect(qemu.emulatedSuites({ ...ctx, jestEmulated: walk, jestSuites: ['__test__/golden.test.js'] })).toBe(walk)
  })
})

describe('the table', () => {
  const built = { file: '/r/phase-router.linux-arm64-gnu.node', size: 975744, floor: 'GLIBC_2.17' }

  test('one row per target, with size and floor', () => {
    const rows = [
      { target: 'linux-arm64-gnu', built, loaded: true, golden: '13/13', suites: '12/12 (subset)' },
      { target: 'darwin-x64', built: null, why: 'zig: not found', loaded: 'n/a', golden: 'n/a', suites: 'n/a' },
      { target: 'linux-arm64-musl', built, why: 'bun: not found', loaded: 'n/a', golden: 'n/a', suites: 'n/a' },
    ]
    expect(tableOf(rows).split('\n')).toEqual([
      '| target | built (file, size, floor) | loaded | golden | jest suites |',
      '| --- | --- | --- | --- | --- |',
      '| linux-arm64-gnu | phase-router.linux-arm64-gnu.node, 975,744 B, GLIBC_2.17 | true | 13/13 | 12/12 (subset) |',
      '| darwin-x64 | failed: zig: not found | n/a | n/a | n/a |',
      '| linux-arm64-musl | phase-router.linux-arm64-gnu.node, 975,744 B, GLIBC_2.17 | n/a | n/a | failed: bun: not found |',
    ])
  })

  test('escapes pipes inside cells', () => {
    expect(lib.formatTable(['a'], [['x | y']])).toBe('| a |\n| --- |\n| x \\| y |')
  })

  test('a row passes only when built, loaded and complete', () => {
    const row = { built, loaded: true, golden: '13/13', suites: '33/33' }
    expect(rowPassed(row)).toBe(true)
    expect(rowPassed({ ...row, suites: 'n/a (--no-jest)' })).toBe(true)
    expect(rowPassed({ ...row, suites: '28/33' })).toBe(false)
    expect(rowPassed({ ...row, golden: '1/13' })).toBe(false)
    expect(rowPassed({ ...row, loaded: false })).toBe(false)
    expect(rowPassed({ ...row, built: null })).toBe(false)
    expect(rowPassed({ built, why: 'qemu: not found', loaded: 'n/a', golden: 'n/a', suites: 'n/a' })).toBe(false)
  })
})

describe('Rust toolchain source', () => {
  test('rustup only when std is missing; Debian when forced or when rustup failed', () => {
    expect(rust.chooseSource({ hasStd: true })).toBe('installed')
    expect(rust.chooseSource({ hasStd: false })).toBe('rustup')
    expect(rust.chooseSource({ hasStd: true, rustupFailed: true })).toBe('debian')
    expect(rust.chooseSource({ forced: 'debian', hasStd: true })).toBe('debian')
    expect(rust.chooseSource({ forced: 'rustup', hasStd: false })).toBe('rustup')
  })

  test('PHASE_ROUTER_RUST takes rustup or debian and refuses anything else', () => {
    expect(rust.forcedSource({})).toBeUndefined()
    expect(rust.forcedSource({ PHASE_ROUTER_RUST: 'debian' })).toBe('debian')
    expect(() => rust.forcedSource({ PHASE_ROUTER_RUST: 'apt' })).toThrow(/PHASE_ROUTER_RUST.*'apt'/)
  })

  test('the Debian packages hold the toolchain, its sources and the arm64 std', () => {
    const wanted = ['rustc-web', 'cargo-web', 'rust-web-src', 'libstd-rust-web-dev', 'libstd-rust-web-dev:arm64']
    expect(rust.DEBIAN_PACKAGES).toEqual(expect.arrayContaining(wanted))
  })

  test('the Debian env puts its rustc and cargo first and keeps the rest', () => {
    const base = { PATH: '/usr/bin', HOME: '/home/x' }
    const { env, cargoArgs } = rust.debianToolchain('/c/deb', 'aarch64-unknown-linux-gnu', base)
    expect(env).toEqual({
      PATH: '/c/deb/usr/bin:/usr/bin',
      HOME: '/home/x',
      LD_LIBRARY_PATH: '/c/deb/usr/lib/x86_64-linux-gnu',
      RUSTC: '/c/deb/usr/bin/rustc',
      CARGO: '/c/deb/usr/bin/cargo',
    })
    expect(cargoArgs).toEqual([])
    expect(base).toEqual({ PATH: '/usr/bin', HOME: '/home/x' })
  })

  test('targets without a packaged std build it with -Zbuild-std under RUSTC_BOOTSTRAP', () => {
    const { env, cargoArgs } = rust.debianToolchain('/c/deb', 'x86_64-unknown-linux-musl', { LD_LIBRARY_PATH: '/opt/lib' })
    expect(env.RUSTC_BOOTSTRAP).toBe('1')
    expect(env.LD_LIBRARY_PATH).toBe('/c/deb/usr/lib/x86_64-linux-gnu:/opt/lib')
    expect(cargoArgs).toEqual(['-Zbuild-std=std,panic_abort'])
  })
})

describe('ensureRustTarget', () => {
  // A stand-in for lib.js: rustc prints a libdir that has std or not,
  // rustup succeeds or fails, and debianRoot hands back a folder unpacked.
  const libdirs = []
  afterAll(() => {
    for (const dir of libdirs) fs.rmSync(dir, { recursive: true, force: true })
  })
  function fakeLib({ hasStd, rustupStatus = 0 }) {
    const libdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustlib-'))
    libdirs.push(libdir)
    if (hasStd) fs.writeFileSync(path.join(libdir, 'libstd-0123abcd.rlib'), '')
    const calls = []
    const sh = (cmd, args) => {
      calls.push([path.basename(cmd), ...args].join(' '))
      if (args[0] === '--print') return { status: 0, stdout: `${libdir}\n`, stderr: '' }
      if (cmd === 'rustup') return { status: rustupStatus, stdout: '', stderr: 'could not reach static.rust-lang.org' }
      return 'rustc 1.96.0\n'
    }
    const debianRoot = (name, opts) => {
      calls.push(`debianRoot ${name} ${opts.dir} ${opts.arch.join(',')} ${opts.suite.join(',')}`)
      return '/c/deb'
    }
    return { lib: { CACHE: '/c', sh, debianRoot }, calls }
  }
  const triple = 'aarch64-unknown-linux-gnu'
  const env = { PATH: '/usr/bin' }

  test('std in the sysroot: neither rustup nor Debian runs', () => {
    const { lib: fake, calls } = fakeLib({ hasStd: true })
    expect(rust.ensureRustTarget(fake, triple, { env })).toEqual({ env, cargoArgs: [] })
    expect(calls.filter((c) => !c.startsWith('rustc --print'))).toEqual([])
  })

  test('std missing: rustup adds it and the env is unchanged', () => {
    const { lib: fake, calls } = fakeLib({ hasStd: false })
    expect(rust.ensureRustTarget(fake, triple, { env })).toEqual({ env, cargoArgs: [] })
    expect(calls).toContain(`rustup target add ${triple}`)
    expect(calls.some((c) => c.startsWith('debianRoot'))).toBe(false)
  })

  test('rustup failing falls back to Debian', () => {
    const { lib: fake, calls } = fakeLib({ hasStd: false, rustupStatus: 1 })
    const got = rust.ensureRustTarget(fake, triple, { env })
    expect(got.env.RUSTC).toBe('/c/deb/usr/bin/rustc')
    expect(calls).toContain('debianRoot rust-1.96 /c/debian-rust/bookworm-1.96 amd64,arm64 bookworm,bookworm-security')
  })

  test('PHASE_ROUTER_RUST=debian skips rustup even when std is installed', () => {
    const { lib: fake, calls } = fakeLib({ hasStd: true })
    const got = rust.ensureRustTarget(fake, 'x86_64-unknown-linux-musl', { env: { ...env, PHASE_ROUTER_RUST: 'debian' } })
    expect(got.cargoArgs).toEqual(['-Zbuild-std=std,panic_abort'])
    expect(calls.some((c) => c.startsWith('rustup'))).toBe(false)
    expect(calls).toContain('debianRoot rust-1.96 /c/debian-rust/bookworm-1.96 amd64,arm64 bookworm,bookworm-security')
  })
})
