// The loader (binding.js) must pick the binary for the running platform,
// prefer a local build, and fail with a message naming the platform it
// looked for and the cause of every failed attempt. Each case runs the real
// loader in a child process from a temp copy, with the platform faked by a
// preload script, so nothing here depends on the test machine's platform.
// Stand-in modules (plain JavaScript files) play the native and WebAssembly
// builds where only the loader's choice is tested.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
let dir

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-router-loader-'))
  fs.copyFileSync(path.join(root, 'binding.js'), path.join(dir, 'binding.js'))
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

// Runs `require('./binding.js')` in `dir` as if on `platform`/`arch`, with
// /usr/bin/ldd reading as musl or glibc when `musl` is given (left as it is
// otherwise, so the real platform is seen by default). Returns the error message
// the require threw, or 'loaded: <exported names>'.
function loadAs({ platform = process.platform, arch = process.arch, musl, env = {} } = {}) {
  const preload = path.join(dir, 'fake-platform.js')
  fs.writeFileSync(
    preload,
    `Object.defineProperty(process, 'platform', { value: ${JSON.stringify(platform)} })
     Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} })
     const musl = ${JSON.stringify(musl)}
     const fs = require('node:fs')
     const real = fs.readFileSync
     fs.readFileSync = (f, ...rest) => {
       if (f !== '/usr/bin/ldd' || musl === undefined) return real(f, ...rest)
       if (musl === 'no-ldd') throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })
       return musl ? 'musl libc (x86_64)' : 'GNU C Library ldd'
     }
     process.on('warning', (w) => process.stderr.write('warning ' + w.code + ' ' + JSON.stringify(w.message) + '\\n'))
     // Records whether network details were excluded when a report was taken.
     const getReport = process.report.getReport.bind(process.report)
     process.report.getReport = () => {
       process.stderr.write('report excludeNetwork=' + process.report.excludeNetwork + '\\n')
       return getReport()
     }`,
  )
  const script = `try { console.log('loaded: ' + Object.keys(require('./binding.js')).sort().join(',')) }
                  catch (e) { console.log(e.code + '\\n' + e.message) }`
  const result = spawnSync(process.execPath, ['-r', preload, '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PHASE_ROUTER_NATIVE_PATH: '', PHASE_ROUTER_WASM: '', NAPI_RS_FORCE_WASI: '', ...env },
  })
  if (result.status !== 0) throw new Error(`loader child failed: ${result.stderr}`)
  const lines = result.stderr.split('\n')
  reportsTaken = lines.filter((line) => line.startsWith('report '))
  warnings = lines.filter((line) => line.startsWith('warning ')).map((line) => line.replace(/^warning /, ''))
  return result.stdout.trim()
}

// The `report excludeNetwork=...` lines of the last loadAs call.
let reportsTaken = []
// The process warnings of the last loadAs call, each as `<code> <JSON message>`.
let warnings = []

test('with no binary anywhere, the error names the platform and each attempt with its cause', () => {
  const msg = loadAs({ platform: 'linux', arch: 'arm64', musl: false })
  expect(msg).toMatch(/^ERR_PHASE_ROUTER_NATIVE\n/)
  expect(msg).toContain('native addon for linux-arm64-gnu (aarch64-unknown-linux-gnu)')
  expect(msg).toMatch(/local build \(.*phase-router\.linux-arm64-gnu\.node\): Cannot find module/)
  expect(msg).toMatch(/prebuilt package \(phase-router-linux-arm64-gnu\): Cannot find module 'phase-router-linux-arm64-gnu'/)
  expect(msg).toContain('npm installs its optional dependency phase-router-linux-arm64-gnu')
  // Then the WebAssembly fallback, both places it can be.
  expect(msg).toContain('native addon for linux-arm64-gnu (aarch64-unknown-linux-gnu), nor its WebAssembly fallback')
  expect(msg).toMatch(/WebAssembly build \(.*phase-router\.wasi\.cjs\): Cannot find module/)
  expect(msg).toMatch(/WebAssembly package \(phase-router-wasm32-wasi\): Cannot find module 'phase-router-wasm32-wasi'/)
  expect(msg).toContain('The WebAssembly build is the optional dependency phase-router-wasm32-wasi')
  expect(warnings).toEqual([])
})

test('musl is detected at run time and changes the triple looked for', () => {
  const msg = loadAs({ platform: 'linux', arch: 'x64', musl: true })
  expect(msg).toContain('native addon for linux-x64-musl (x86_64-unknown-linux-musl)')
  expect(msg).toContain('phase-router-linux-x64-musl')
  expect(msg).not.toContain('-gnu')
})

test('without /usr/bin/ldd, the C library comes from a report taken without network lookups', () => {
  const msg = loadAs({ platform: 'linux', arch: 'arm64', musl: 'no-ldd' })
  // This machine's node is glibc-linked, so the report says gnu.
  expect(msg).toContain('native addon for linux-arm64-gnu')
  expect(reportsTaken).toEqual(['report excludeNetwork=true'])
})

test('with /usr/bin/ldd, no report is taken at all', () => {
  loadAs({ platform: 'linux', arch: 'arm64', musl: false })
  expect(reportsTaken).toEqual([])
})

test.each([
  ['darwin', 'arm64', 'darwin-arm64 (aarch64-apple-darwin)'],
  ['darwin', 'x64', 'darwin-x64 (x86_64-apple-darwin)'],
  ['win32', 'x64', 'win32-x64-msvc (x86_64-pc-windows-msvc)'],
  ['win32', 'arm64', 'win32-arm64-msvc (aarch64-pc-windows-msvc)'],
])('%s/%s looks for %s', (platform, arch, wanted) => {
  expect(loadAs({ platform, arch })).toContain(`native addon for ${wanted}`)
})

test('a platform without a prebuilt binary says so', () => {
  const msg = loadAs({ platform: 'freebsd', arch: 'x64' })
  expect(msg).toContain('freebsd-x64 (no prebuilt binary is published for this platform)')
  expect(msg).toContain('linux-x64-gnu, linux-arm64-gnu')
})

test('a broken binary reports the dynamic loader error, not "not found"', () => {
  fs.writeFileSync(path.join(dir, 'phase-router.linux-x64-gnu.node'), 'not an ELF file')
  const msg = loadAs({ platform: 'linux', arch: 'x64', musl: false })
  const line = msg.split('\n').find((l) => l.includes('local build'))
  expect(line).toContain('phase-router.linux-x64-gnu.node): ')
  // The dynamic loader's own complaint (wording differs by OS).
  expect(line).not.toContain('Cannot find module')
})

// A stand-in for one build: a module whose only export is named `name`.
// `throws` makes requiring it fail with that message instead.
function standIn(file, name, throws) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, throws ? `throw new Error(${JSON.stringify(throws)})` : `module.exports = { ${name}: true }`)
}
const localWasm = () => path.join(dir, 'phase-router.wasi.cjs')
// The package napi publishes for the WebAssembly build, installed next to the loader.
function wasmPackage() {
  const pkg = path.join(dir, 'node_modules', 'phase-router-wasm32-wasi')
  standIn(path.join(pkg, 'phase-router.wasi.cjs'), 'wasmPackage')
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'phase-router-wasm32-wasi', main: 'phase-router.wasi.cjs' }))
}
// A native binary the loader can find: PHASE_ROUTER_NATIVE_PATH naming a stand-in.
function nativeStandIn() {
  const file = path.join(dir, 'native-stand-in.js')
  standIn(file, 'native')
  return { PHASE_ROUTER_NATIVE_PATH: file }
}
const FALLBACK = /^PHASE_ROUTER_FALLBACK /

test('with no native binary, the local WebAssembly build loads with one warning that says why', () => {
  standIn(localWasm(), 'wasmLocal')
  wasmPackage()
  expect(loadAs({ platform: 'linux', arch: 'arm64', musl: false })).toBe('loaded: wasmLocal')
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(FALLBACK)
  const message = JSON.parse(warnings[0].replace(FALLBACK, ''))
  expect(message).toContain('no native addon loaded for linux-arm64-gnu (aarch64-unknown-linux-gnu); using the WebAssembly build')
  expect(message).toMatch(/prebuilt package \(phase-router-linux-arm64-gnu\): Cannot find module/)
  expect(message).toContain('PHASE_ROUTER_WASM=1')
})

test('without a local WebAssembly build, the phase-router-wasm32-wasi package is the fallback', () => {
  wasmPackage()
  expect(loadAs({ platform: 'freebsd', arch: 'x64' })).toBe('loaded: wasmPackage')
  const message = JSON.parse(warnings[0].replace(FALLBACK, ''))
  expect(warnings).toHaveLength(1)
  expect(message).toContain('freebsd-x64 (no prebuilt binary is published for this platform)')
  expect(message).toMatch(/WebAssembly build \(.*phase-router\.wasi\.cjs\): Cannot find module/)
})

test('a native binary that loads wins over the WebAssembly build, without a warning', () => {
  standIn(localWasm(), 'wasmLocal')
  expect(loadAs({ env: nativeStandIn() })).toBe('loaded: native')
  expect(warnings).toEqual([])
})

test.each([
  ['PHASE_ROUTER_WASM', '1'],
  ['NAPI_RS_FORCE_WASI', 'error'],
])('%s=%s loads the WebAssembly build even where a native one loads, without a warning', (name, value) => {
  standIn(localWasm(), 'wasmLocal')
  expect(loadAs({ env: { ...nativeStandIn(), [name]: value } })).toBe('loaded: wasmLocal')
  expect(warnings).toEqual([])
})

test.each([
  ['PHASE_ROUTER_WASM', '1'],
  ['NAPI_RS_FORCE_WASI', 'error'],
])('%s=%s fails when the WebAssembly build does not load, never trying native', (name, value) => {
  const msg = loadAs({ env: { ...nativeStandIn(), [name]: value } })
  expect(msg).toMatch(/^ERR_PHASE_ROUTER_NATIVE\n/)
  expect(msg).toContain('could not load the WebAssembly build (asked for by PHASE_ROUTER_WASM=1 or NAPI_RS_FORCE_WASI=error)')
  expect(msg).toMatch(/WebAssembly package \(phase-router-wasm32-wasi\): Cannot find module/)
  expect(msg).not.toContain('PHASE_ROUTER_NATIVE_PATH')
  expect(msg).toContain('optional dependency phase-router-wasm32-wasi, or a local npm run build:wasm')
  expect(msg).not.toContain('build:native')
})

test.each(['1', 'true'])('NAPI_RS_FORCE_WASI=%s prefers WebAssembly, and falls back to native with a warning', (value) => {
  standIn(localWasm(), 'wasmLocal')
  expect(loadAs({ env: { ...nativeStandIn(), NAPI_RS_FORCE_WASI: value } })).toBe('loaded: wasmLocal')
  expect(warnings).toEqual([])
  fs.rmSync(localWasm())
  expect(loadAs({ env: { ...nativeStandIn(), NAPI_RS_FORCE_WASI: value } })).toBe('loaded: native')
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(FALLBACK)
  expect(warnings[0]).toContain('NAPI_RS_FORCE_WASI asks for the WebAssembly build, which did not load; using the native addon')
  const msg = loadAs({ platform: 'linux', arch: 'arm64', musl: false, env: { NAPI_RS_FORCE_WASI: value } })
  expect(msg).toContain('could not load the WebAssembly build (NAPI_RS_FORCE_WASI), nor the native addon for linux-arm64-gnu')
  // WebAssembly was tried first.
  expect(msg.indexOf('WebAssembly build (')).toBeLessThan(msg.indexOf('local build ('))
})

test('PHASE_ROUTER_WASM=0 never falls back, and wins over NAPI_RS_FORCE_WASI', () => {
  standIn(localWasm(), 'wasmLocal')
  const msg = loadAs({ platform: 'linux', arch: 'arm64', musl: false, env: { PHASE_ROUTER_WASM: '0', NAPI_RS_FORCE_WASI: '1' } })
  expect(msg).toMatch(/^ERR_PHASE_ROUTER_NATIVE\n/)
  expect(msg).toContain('the native addon for linux-arm64-gnu (aarch64-unknown-linux-gnu) (PHASE_ROUTER_WASM=0 rules out')
  expect(msg).not.toContain('WebAssembly build (')
  expect(msg).not.toContain('build:wasm')
  expect(loadAs({ env: { ...nativeStandIn(), PHASE_ROUTER_WASM: '0', NAPI_RS_FORCE_WASI: '1' } })).toBe('loaded: native')
})

test('when native and WebAssembly both fail, one error lists every cause', () => {
  standIn(localWasm(), 'wasmLocal', 'WebAssembly threads are not supported here')
  const msg = loadAs({ platform: 'linux', arch: 'x64', musl: true })
  expect(msg).toMatch(/^ERR_PHASE_ROUTER_NATIVE\n/)
  expect(msg).toContain('native addon for linux-x64-musl (x86_64-unknown-linux-musl), nor its WebAssembly fallback')
  expect(msg).toMatch(/local build \(.*phase-router\.linux-x64-musl\.node\): Cannot find module/)
  expect(msg).toMatch(/prebuilt package \(phase-router-linux-x64-musl\): Cannot find module/)
  expect(msg).toMatch(/WebAssembly build \(.*phase-router\.wasi\.cjs\): WebAssembly threads are not supported here/)
  expect(msg).toMatch(/WebAssembly package \(phase-router-wasm32-wasi\): Cannot find module/)
  expect(warnings).toEqual([])
})

test('PHASE_ROUTER_WASM other than 1 or 0 is refused by name', () => {
  standIn(localWasm(), 'wasmLocal')
  const msg = loadAs({ env: { PHASE_ROUTER_WASM: 'yes' } })
  expect(msg).toContain('PHASE_ROUTER_WASM must be 1 or 0, not "yes"')
})

// The rest need a binary built for this machine: the one the loader takes
// here, which is PHASE_ROUTER_NATIVE_PATH when it is set (a stand-in under
// test: the windows-gnu build in CI and under Wine) and otherwise the local
// build, the one .node file at the package root (npm run build:native, or
// the CI artifact).
const localBuild = fs.readdirSync(root).find((f) => /^phase-router\.[\w-]+\.node$/.test(f))
const builtBinary = process.env.PHASE_ROUTER_NATIVE_PATH
  ? path.resolve(process.env.PHASE_ROUTER_NATIVE_PATH)
  : path.join(root, localBuild || 'phase-router.<none built>.node')

// The platform suffix the loader looks for on this machine (win32-x64-msvc
// on Windows, whichever binary stands in), read from its error in the
// still empty temp folder.
function loaderSuffix() {
  const msg = loadAs()
  const suffix = msg.match(/native addon for (\S+) /)?.[1]
  if (!suffix) throw new Error(`the loader named no platform in an empty folder: ${msg}`)
  return suffix
}

test('a local build next to the loader is used', () => {
  fs.copyFileSync(builtBinary, path.join(dir, `phase-router.${loaderSuffix()}.node`))
  expect(loadAs()).toMatch(/^loaded: .*hashRoute.*phaseRouter/)
})

test('PHASE_ROUTER_NATIVE_PATH wins over the local build', () => {
  fs.writeFileSync(path.join(dir, `phase-router.${loaderSuffix()}.node`), 'broken local build')
  expect(loadAs({ env: { PHASE_ROUTER_NATIVE_PATH: builtBinary } })).toMatch(/^loaded: .*phaseRouter/)
  const msg = loadAs({ env: { PHASE_ROUTER_NATIVE_PATH: path.join(dir, 'missing.node') } })
  expect(msg).toMatch(/PHASE_ROUTER_NATIVE_PATH \(.*missing\.node\): Cannot find module/)
  expect(msg).toMatch(/local build \(.*\): /)
  expect(msg).not.toMatch(/local build \(.*\): Cannot find module/)
})

test('the prebuilt package is used when there is no local build', () => {
  const suffix = loaderSuffix()
  const pkg = path.join(dir, 'node_modules', `phase-router-${suffix}`)
  fs.mkdirSync(pkg, { recursive: true })
  fs.copyFileSync(builtBinary, path.join(pkg, 'binary.node'))
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: `phase-router-${suffix}`, main: 'binary.node' }))
  expect(loadAs()).toMatch(/^loaded: .*phaseRouter/)
})
