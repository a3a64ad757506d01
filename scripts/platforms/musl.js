// A musl runtime that loads Node-API addons, for the linux-*-musl targets.
// The registries have no musl build of Node, so this uses Bun's musl build
// (npm @oven/bun-linux-<arch>-musl), run by Debian trixie's musl loader:
// Bun needs DT_RELR, which bookworm's musl 1.2.3 lacks (it crashes), and
// trixie's 1.2.5 has. Bun also links libstdc++ and libgcc_s, which Debian
// builds only for glibc; musl builds of them come from a PyPI musllinux wheel
// (auditwheel bundles them, renamed, beside the extension it repairs).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const BUN_VERSION = '1.4.4'
// Any musllinux wheel with a C++ extension bundles the two libraries; this
// one was tried.
const WHEEL = { name: 'rapidfuzz', version: '3.14.6', python: '3.12' }

const ARCHES = {
  x64: { bun: 'x64', debian: 'amd64', musl: 'x86_64', wheel: 'x86_64' },
  arm64: { bun: 'aarch64', debian: 'arm64', musl: 'aarch64', wheel: 'aarch64' },
}

// Bun's musl binary for `arch` ('x64' or 'arm64').
function bun(lib, arch, log) {
  const spec = `@oven/bun-linux-${ARCHES[arch].bun}-musl@${BUN_VERSION}`
  return path.join(lib.npmPackage(spec, { log }), 'bin', 'bun')
}

// A folder whose lib/ holds musl's loader (under the names Bun and the
// addon ask for) and the C++ runtime; usable as qemu's -L root too.
function sysroot(lib, arch, log) {
  const a = ARCHES[arch]
  const debian = lib.debianRoot(`musl-${a.debian}`, { suite: 'trixie', arch: a.debian, packages: ['musl'], log })
  return lib.once(path.join(lib.CACHE, `musl-root-${arch}`), (root) => {
    const libDir = path.join(root, 'lib')
    fs.mkdirSync(libDir)
    // musl's libc.so is its dynamic loader too. Debian links the loader name
    // to it with an absolute path, which would point into this machine's
    // /usr, so real copies are made under every name.
    const libc = path.join(debian, 'usr', 'lib', `${a.musl}-linux-musl`, 'libc.so')
    for (const name of [`ld-musl-${a.musl}.so.1`, `libc.musl-${a.musl}.so.1`]) fs.copyFileSync(libc, path.join(libDir, name))
    // Under the plain names Bun needs and the wheel's names, by which the
    // wheel's libstdc++ asks for its libgcc_s.
    for (const [file, soname] of cxxRuntime(lib, a.wheel, log)) {
      for (const name of [soname, path.basename(file)]) fs.copyFileSync(file, path.join(libDir, name))
    }
  })
}

// [[file, soname]] of libstdc++ and libgcc_s from the musllinux wheel.
function cxxRuntime(lib, wheelArch, log) {
  const dir = lib.once(path.join(lib.CACHE, `musllinux-wheel-${wheelArch}`), (dir) => {
    const spec = `${WHEEL.name}==${WHEEL.version}`
    const platform = `musllinux_1_2_${wheelArch}`
    const pyArgs = ['--python-version', WHEEL.python, '--platform', platform, '--only-binary', ':all:', '--no-deps']
    lib.sh('python3', ['-m', 'pip', 'download', '-q', ...pyArgs, '-d', dir, spec], { log })
    const wheel = fs.readdirSync(dir).find((f) => f.endsWith('.whl'))
    lib.sh('python3', ['-m', 'zipfile', '-e', path.join(dir, wheel), path.join(dir, 'unpacked')])
  })
  const libs = path.join(dir, 'unpacked', `${WHEEL.name}.libs`)
  const files = fs.readdirSync(libs)
  const find = (stem) => {
    const file = files.find((f) => f.startsWith(`${stem}-`))
    if (!file) throw new Error(`${WHEEL.name} ${WHEEL.version} bundles no ${stem} in ${libs}`)
    return path.join(libs, file)
  }
  return [
    [find('libstdc++'), 'libstdc++.so.6'],
    [find('libgcc_s'), 'libgcc_s.so.1'],
  ]
}

// The command prefix that runs Bun (musl) for `arch` on this x64 machine:
// directly through musl's loader for x64, under qemu for arm64.
function bunCommand(lib, arch, log) {
  const root = sysroot(lib, arch, log)
  const bunBinary = bun(lib, arch, log)
  const libDir = path.join(root, 'lib')
  if (arch === 'x64') return [path.join(libDir, 'ld-musl-x86_64.so.1'), '--library-path', libDir, bunBinary]
  const { qemuAarch64 } = require('./qemu')
  return [qemuAarch64(lib, log), '-L', root, path.join(libDir, 'ld-musl-aarch64.so.1'), '--library-path', '/lib', bunBinary]
}

// A copy of the package without any binary beside it, so that the loader
// has nothing to fall back to when the binary it is given is refused. It is
// made outside the repository: a second package.json named phase-router
// inside it would confuse jest's module map.
function stagePackage(lib) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-router-refusal-'))
  for (const entry of ['lib', 'binding.js', 'package.json'])
    fs.cpSync(path.join(lib.ROOT, entry), path.join(dir, entry), { recursive: true })
  return dir
}

// Checks that Bun (musl) refuses the glibc binary of the same CPU with the
// loader's error; returns the table note.
function refusesGlibc(ctx, command, glibcSuffix) {
  const glibc = path.join(ctx.lib.outputDir(glibcSuffix), `phase-router.${glibcSuffix}.node`)
  if (!fs.existsSync(glibc)) return `glibc refusal not checked: build ${glibcSuffix} first`
  // PHASE_ROUTER_WASM=0: the loader must not fall back to WebAssembly, so
  // that the error is the native refusal.
  const env = { ...process.env, PHASE_ROUTER_NATIVE_PATH: glibc, PHASE_ROUTER_WASM: '0' }
  const staged = stagePackage(ctx.lib)
  let result
  try {
    result = ctx.lib.goldenCheck(command, { env, args: [staged], log: ctx.log })
  } finally {
    fs.rmSync(staged, { recursive: true, force: true })
  }
  const { loaded, failed } = result
  if (loaded === false && failed.includes('could not load the native addon')) {
    ctx.log(`the ${glibcSuffix} binary is refused: ${failed}`)
    return `${glibcSuffix} binary refused`
  }
  return `FAILED: ${glibcSuffix} binary not refused (${loaded === true ? 'it loaded' : failed || 'no output'})`
}

// The target module (see index.js) for linux-<arch>-musl: built by zig
// through napi's --cross-compile; golden check under Bun (musl), emulated
// for arm64; the glibc binary of the same CPU must be refused there. jest
// does not run: it needs Node.
function muslTarget(arch, triple) {
  const suffix = `linux-${arch}-musl`
  return {
    target: suffix,
    triple,
    async build(ctx) {
      const env = ctx.lib.zigEnv({ log: ctx.log })
      return ctx.lib.elfFacts(ctx.lib.napiBuild(triple, suffix, { args: ['--cross-compile'], env, log: ctx.log }))
    },
    async run(ctx, built) {
      const command = bunCommand(ctx.lib, arch, ctx.log)
      const env = { ...process.env, PHASE_ROUTER_NATIVE_PATH: built.file }
      const { loaded, golden, output } = ctx.lib.goldenCheck(command, { env, log: ctx.log })
      if (loaded !== true) return { loaded, golden, suites: `n/a (${output.trim().split('\n')[0]})` }
      const refusal = refusesGlibc(ctx, command, `linux-${arch}-gnu`)
      const note = `Bun ${BUN_VERSION} musl, no Node; ${refusal}`
      return { loaded, golden, suites: refusal.startsWith('FAILED') ? note : `n/a (${note})` }
    },
  }
}

module.exports = { bunCommand, sysroot, muslTarget, BUN_VERSION }
