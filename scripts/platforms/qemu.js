// Running Linux arm64 binaries on this x64 machine: qemu-user from Debian
// (qemu-user-static, unpacked, no binfmt_misc registration and no system
// install) with a sysroot of Debian arm64 libraries for the guest's dynamic
// loader. Used by the linux-arm64-* targets.
const fs = require('node:fs')
const path = require('node:path')

const SUITE = 'bookworm'

// The path of qemu-aarch64-static.
function qemuAarch64(lib, log) {
  const root = lib.debianRoot('qemu-user-static', { suite: SUITE, arch: 'amd64', packages: ['qemu-user-static'], log })
  return path.join(root, 'usr', 'bin', 'qemu-aarch64-static')
}

// An arm64 glibc sysroot: the loader, libc and the C++ runtime Node links.
function glibcSysroot(lib, log) {
  return lib.debianRoot('arm64-glibc', { suite: SUITE, arch: 'arm64', packages: ['libc6', 'libstdc++6', 'libgcc-s1'], log })
}

// The command prefix that runs an arm64 program with `sysroot` as its `/`
// for libraries: [qemu, '-L', sysroot].
function aarch64Command(lib, sysroot, log) {
  return [qemuAarch64(lib, log), '-L', sysroot]
}

// What jest itself needs under an emulated Node: jest 30 resolves modules
// with unrs-resolver, a native addon whose arm64 binary npm did not install
// on this x64 machine. It is fetched (same version) and named through
// NAPI_RS_NATIVE_LIBRARY_PATH, which napi-rs loaders such as unrs-resolver's
// try first.
function jestEnv(lib, log) {
  const manifest = require.resolve('unrs-resolver/package.json', { paths: [lib.ROOT] })
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'))
  const dir = lib.npmPackage(`@unrs/resolver-binding-linux-arm64-gnu@${version}`, { log })
  const binary = fs.readdirSync(dir).find((f) => f.endsWith('.node'))
  return { NAPI_RS_NATIVE_LIBRARY_PATH: path.join(dir, binary) }
}

// The jest suites an emulated Node can run: those that never start another
// process. A child of an emulated Node is the arm64 binary at
// process.execPath, which this x64 kernel cannot exec without binfmt_misc.
// __test__/platforms.test.js checks that none of these spawns anything.
const SUITES_WITHOUT_CHILDREN = [
  'abort',
  'async',
  'fuzz',
  'gate-quality',
  'goal',
  'greedy',
  'helpers',
  'huge',
  'input-rules',
  'keyed',
  'modes',
  'reproduction',
  'serving',
  'strategies',
  'walk',
].map((name) => `__test__/${name}.test.js`)

// The suites to run on an emulated target, or null for none: those given
// with --jest-emulated=a,b or else --jest-suites, else with a bare
// --jest-emulated the ones above.
function emulatedSuites(ctx) {
  if (!ctx.jest) return null
  if (Array.isArray(ctx.jestEmulated)) return ctx.jestEmulated
  if (ctx.jestSuites) return ctx.jestSuites
  return ctx.jestEmulated ? SUITES_WITHOUT_CHILDREN : null
}

module.exports = { qemuAarch64, glibcSysroot, aarch64Command, jestEnv, emulatedSuites, SUITES_WITHOUT_CHILDREN }
