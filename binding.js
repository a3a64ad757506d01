// Finds and loads the compiled addon for the running platform.
//
// Hand-written instead of napi's generated loader so that a failure says
// which platform it looked for and why each attempt failed, in the message
// itself (the generated one puts the causes in a nested `cause` chain and
// suggests an npm bug whatever the reason).
//
// Order of attempts, first that loads wins:
//   1. $PHASE_ROUTER_NATIVE_PATH, when set (a binary built elsewhere);
//   2. ./phase-router.<platform>.node next to this file (a local build);
//   3. the package phase-router-<platform> (the prebuilt binary npm
//      installed from optionalDependencies);
//   4. the WebAssembly build, when no native binary loads: ./phase-router.wasi.cjs
//      (a local npm run build:wasm), then the package phase-router-wasm32-wasi.
//      Falling back to it emits one warning (code PHASE_ROUTER_FALLBACK) that
//      says why, since it is about ten times slower.
// The environment can reorder this (see wasmChoice).
'use strict'

const { readFileSync } = require('node:fs')
const path = require('node:path')

const BINARY_NAME = 'phase-router'

// Platforms that get a prebuilt package (package.json `napi.targets`),
// keyed by the suffix napi uses in file and package names.
const PREBUILT = {
  'linux-x64-gnu': 'x86_64-unknown-linux-gnu',
  'linux-arm64-gnu': 'aarch64-unknown-linux-gnu',
  'linux-x64-musl': 'x86_64-unknown-linux-musl',
  'linux-arm64-musl': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64-msvc': 'x86_64-pc-windows-msvc',
  'win32-arm64-msvc': 'aarch64-pc-windows-msvc',
}

// glibc and musl builds are not interchangeable, and both report
// process.platform === 'linux', so the C library is detected at run time.
function isMusl() {
  try {
    // /usr/bin/ldd is a script on glibc systems and a link to musl's loader
    // on Alpine; reading it is the cheapest test.
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    // No ldd (slim images): ask node which C library it runs on.
  }
  const report = diagnosticReport()
  if (!report) return false
  if (report.header?.glibcVersionRuntime) return false
  return (report.sharedObjects || []).some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))
}

// Node's diagnostic report, which names the C library node was linked with.
// By default a report resolves the host name of every network interface, on
// this thread: that can freeze the first require for minutes on hosts with
// slow DNS, so network details are switched off while it is taken.
function diagnosticReport() {
  const reporter = process.report
  if (typeof reporter?.getReport !== 'function') return null
  const excluded = reporter.excludeNetwork
  reporter.excludeNetwork = true
  try {
    return reporter.getReport()
  } finally {
    reporter.excludeNetwork = excluded
  }
}

// The napi platform suffix, e.g. "linux-x64-musl" or "darwin-arm64".
function platformSuffix(platform = process.platform, arch = process.arch, musl = platform === 'linux' && isMusl()) {
  if (platform === 'linux') return `${platform}-${arch}-${musl ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `${platform}-${arch}-msvc`
  return `${platform}-${arch}`
}

// Where to look for a native binary, in order: [description, module specifier].
function candidates(suffix, dir = __dirname, env = process.env) {
  const list = []
  if (env.PHASE_ROUTER_NATIVE_PATH) {
    list.push(['PHASE_ROUTER_NATIVE_PATH', path.resolve(env.PHASE_ROUTER_NATIVE_PATH)])
  }
  list.push(['local build', path.join(dir, `${BINARY_NAME}.${suffix}.node`)])
  list.push(['prebuilt package', `${BINARY_NAME}-${suffix}`])
  return list
}

// Where to look for the WebAssembly build, in order (napi's file and package names).
function wasmCandidates(dir = __dirname) {
  return [
    ['WebAssembly build', path.join(dir, `${BINARY_NAME}.wasi.cjs`)],
    ['WebAssembly package', `${BINARY_NAME}-wasm32-wasi`],
  ]
}

// What the environment asks of the WebAssembly build:
//   'fallback' (default): native first, WebAssembly when no native binary loads;
//   'only':  PHASE_ROUTER_WASM=1, or napi-rs's NAPI_RS_FORCE_WASI=error;
//   'first': NAPI_RS_FORCE_WASI=1 or true, napi-rs's meaning: WebAssembly,
//            or the native binary when the WebAssembly build cannot load;
//   'never': PHASE_ROUTER_WASM=0: the native binary or an error.
// PHASE_ROUTER_WASM wins over NAPI_RS_FORCE_WASI.
function wasmChoice(env = process.env) {
  const own = env.PHASE_ROUTER_WASM
  if (own === '1') return 'only'
  if (own === '0') return 'never'
  if (own) throw new RangeError(`phase-router: PHASE_ROUTER_WASM must be 1 or 0, not ${JSON.stringify(own)}`)
  const napi = env.NAPI_RS_FORCE_WASI
  if (napi === 'error') return 'only'
  if (napi === '1' || napi === 'true') return 'first'
  return 'fallback'
}

// Requires each candidate in turn; the first export that loads, or null with
// one line per failure appended to `failures`.
function attempt(list, load, failures) {
  for (const [what, specifier] of list) {
    try {
      return load(specifier)
    } catch (err) {
      failures.push(`  - ${what} (${specifier}): ${err?.message ? err.message.split('\n')[0] : String(err)}`)
    }
  }
  return null
}

// Loads the addon as `wasmChoice` says, or throws one error listing every
// attempt. `load` and `warn` are injectable so tests can simulate other
// platforms.
function loadBinding({ suffix = platformSuffix(), dir = __dirname, env = process.env, load = require, warn = process.emitWarning } = {}) {
  const choice = wasmChoice(env)
  const failures = []
  const wasm = () => attempt(wasmCandidates(dir), load, failures)
  const native = () => attempt(candidates(suffix, dir, env), load, failures)
  const fallback = (message) => warn(`${message}\n${failures.join('\n')}`, { code: 'PHASE_ROUTER_FALLBACK' })
  let binding = null
  if (choice === 'only' || choice === 'first') binding = wasm()
  if (!binding && choice !== 'only') {
    binding = native()
    if (binding && failures.length && choice === 'first') {
      fallback('phase-router: NAPI_RS_FORCE_WASI asks for the WebAssembly build, which did not load; using the native addon.')
    }
  }
  if (!binding && choice === 'fallback') {
    binding = wasm()
    if (binding) {
      fallback(
        `phase-router: no native addon loaded for ${wanted(suffix)}; using the WebAssembly build, which is about ten times ` +
          'slower. Set PHASE_ROUTER_WASM=1 to choose it without this warning, or PHASE_ROUTER_WASM=0 to fail instead. Tried:',
      )
    }
  }
  if (binding) return binding
  throw loadError(suffix, choice, failures)
}

// The platform and Rust triple looked for, as the messages name them.
function wanted(suffix) {
  const triple = PREBUILT[suffix]
  return triple ? `${suffix} (${triple})` : `${suffix} (no prebuilt binary is published for this platform)`
}

// The error when nothing loads: what was wanted, every attempt, what to do.
function loadError(suffix, choice, failures) {
  const what = {
    fallback: `the native addon for ${wanted(suffix)}, nor its WebAssembly fallback`,
    first: `the WebAssembly build (NAPI_RS_FORCE_WASI), nor the native addon for ${wanted(suffix)}`,
    only: 'the WebAssembly build (asked for by PHASE_ROUTER_WASM=1 or NAPI_RS_FORCE_WASI=error)',
    never: `the native addon for ${wanted(suffix)} (PHASE_ROUTER_WASM=0 rules out the WebAssembly fallback)`,
  }[choice]
  const wasmHint = `The WebAssembly build is the optional dependency ${BINARY_NAME}-wasm32-wasi, or a local npm run build:wasm.`
  const nativeHint = PREBUILT[suffix]
    ? `Reinstall phase-router so that npm installs its optional dependency ${BINARY_NAME}-${suffix}` +
      ' (it is skipped by --omit=optional / --no-optional), or build from source with Rust: npm run build:native.'
    : `Build from source with Rust (npm run build:native) or run on one of: ${Object.keys(PREBUILT).join(', ')}.`
  const hint = { fallback: `${nativeHint} ${wasmHint}`, first: `${wasmHint} ${nativeHint}`, only: wasmHint, never: nativeHint }[choice]
  const error = new Error(`phase-router: could not load ${what}. Tried:\n${failures.join('\n')}\n${hint}`)
  error.code = 'ERR_PHASE_ROUTER_NATIVE'
  return error
}

module.exports = loadBinding()
