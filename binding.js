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
//      installed from optionalDependencies).
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

// Where to look, in order: [description, module specifier].
function candidates(suffix, dir = __dirname, env = process.env) {
  const list = []
  if (env.PHASE_ROUTER_NATIVE_PATH) {
    list.push(['PHASE_ROUTER_NATIVE_PATH', path.resolve(env.PHASE_ROUTER_NATIVE_PATH)])
  }
  list.push(['local build', path.join(dir, `${BINARY_NAME}.${suffix}.node`)])
  list.push(['prebuilt package', `${BINARY_NAME}-${suffix}`])
  return list
}

// Loads the first candidate that works, or throws one error listing all
// attempts. `load` is injectable so tests can simulate other platforms.
function loadBinding({ suffix = platformSuffix(), dir = __dirname, env = process.env, load = require } = {}) {
  const failures = []
  for (const [what, specifier] of candidates(suffix, dir, env)) {
    try {
      return load(specifier)
    } catch (err) {
      failures.push(`  - ${what} (${specifier}): ${err?.message ? err.message.split('\n')[0] : String(err)}`)
    }
  }
  const triple = PREBUILT[suffix]
  const wanted = triple ? `${suffix} (${triple})` : `${suffix} (no prebuilt binary is published for this platform)`
  const hint = triple
    ? `Reinstall phase-router so that npm installs its optional dependency ${BINARY_NAME}-${suffix}` +
      ' (it is skipped by --omit=optional / --no-optional), or build from source with Rust: npm run build:native.'
    : `Build from source with Rust (npm run build:native) or run on one of: ${Object.keys(PREBUILT).join(', ')}.`
  const error = new Error(`phase-router: could not load the native addon for ${wanted}. Tried:\n${failures.join('\n')}\n${hint}`)
  error.code = 'ERR_PHASE_ROUTER_NATIVE'
  throw error
}

module.exports = loadBinding()
