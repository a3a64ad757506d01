// Rust and its standard library for a target, for `npm run platforms`.
//
// rustup is the usual source, but only crates.io, PyPI, Debian and npm are
// sure to be reachable from CI. When rustup cannot add a target (or when
// PHASE_ROUTER_RUST=debian asks for it, so this path can be tried while
// rustup works), a whole toolchain comes from Debian instead: bookworm's
// own rustc (1.63) is older than the MSRV, but bookworm-security carries
// rustc-web/cargo-web 1.96, which are unpacked with dpkg -x (no system
// install) under target/platforms/debian-rust/. Debian packages that
// toolchain's std for x86_64 and aarch64 Linux (glibc) only; every other
// target builds std from the shipped sources (rust-web-src) with
// -Zbuild-std, which stable cargo allows under RUSTC_BOOTSTRAP=1.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const DEBIAN_SUITES = ['bookworm', 'bookworm-security']

// The compiler, cargo, the std Debian packages (x86_64 and, Multi-Arch:
// same so it unpacks beside it, aarch64 glibc), rust-web-src (library/ and
// what it vendors, for -Zbuild-std) and what rustc and cargo link at run
// time. One folder for every target: the arm64 std adds little to 1.2 GB.
const DEBIAN_PACKAGES = [
  'rustc-web',
  'cargo-web',
  'libstd-rust-web-dev',
  'libstd-rust-web-1.96',
  'libstd-rust-web-dev:arm64',
  'libstd-rust-web-1.96:arm64',
  'rust-web-src',
  'rust-web-llvm',
  'libllvm22',
  'llvm-22',
  'libgit2-1.5',
  'libhttp-parser2.9',
  'libmbedcrypto7',
  'libmbedx509-1',
  'libmbedtls14',
]

// Targets whose std Debian packages.
const PACKAGED_STD = ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu']

const BUILD_STD = '-Zbuild-std=std,panic_abort'

// Whether `rustc` has a standard library for a target, judged by its files:
// rustup can call a target missing whose files are in place (an interrupted
// `rustup target add` leaves them unregistered, and the next add stops with
// "detected conflict"), so the sysroot decides, not rustup's list.
function hasRustStd(lib, triple, { env = process.env } = {}) {
  const r = lib.sh(env.RUSTC || 'rustc', ['--print', 'target-libdir', '--target', triple], { env, allowFail: true })
  const dir = r.stdout.trim()
  return r.status === 0 && fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^libstd-\w+\.rlib$/.test(f))
}

// Which source to use: 'debian' when forced by PHASE_ROUTER_RUST=debian or
// when rustup failed; otherwise 'installed' when std is there, else
// 'rustup'. `rustupFailed` is only known after trying.
function chooseSource({ forced, hasStd, rustupFailed = false }) {
  if (forced === 'debian' || rustupFailed) return 'debian'
  return hasStd ? 'installed' : 'rustup'
}

// PHASE_ROUTER_RUST's value, checked: unset, 'rustup' or 'debian'.
function forcedSource(env = process.env) {
  const value = env.PHASE_ROUTER_RUST
  if (value === undefined || value === '' || value === 'rustup' || value === 'debian') return value || undefined
  throw new RangeError(`PHASE_ROUTER_RUST must be 'rustup' or 'debian', got '${value}'`)
}

// { env, cargoArgs } that make cargo and napi use the toolchain unpacked at
// `root` for `triple`, on top of `base` (an environment). Debian's toolchain
// runs only on Linux, so its paths are POSIX ones wherever this is read.
function debianToolchain(root, triple, base = process.env) {
  const bin = path.posix.join(root, 'usr', 'bin')
  const libDir = path.posix.join(root, 'usr', 'lib', 'x86_64-linux-gnu')
  const env = {
    ...base,
    PATH: [bin, base.PATH].filter(Boolean).join(path.posix.delimiter),
    LD_LIBRARY_PATH: [libDir, base.LD_LIBRARY_PATH].filter(Boolean).join(path.posix.delimiter),
    RUSTC: path.posix.join(bin, 'rustc'),
    CARGO: path.posix.join(bin, 'cargo'),
  }
  if (PACKAGED_STD.includes(triple)) return { env, cargoArgs: [] }
  return { env: { ...env, RUSTC_BOOTSTRAP: '1' }, cargoArgs: [BUILD_STD] }
}

// Debian's toolchain, unpacked (downloaded on first use).
function debianRust(lib, log) {
  const dir = path.posix.join(lib.CACHE, 'debian-rust', 'bookworm-1.96')
  return lib.debianRoot('rust-1.96', { suite: DEBIAN_SUITES, arch: ['amd64', 'arm64'], packages: DEBIAN_PACKAGES, dir, log })
}

// Makes Rust's std for `triple` available and returns { env, cargoArgs }
// for the build, on top of `env`: the environment unchanged when rustup (or
// an earlier install) provides it, Debian's toolchain otherwise. rustup
// runs only when the sysroot lacks std: two rustup runs at once can corrupt
// its list of installed components.
function ensureRustTarget(lib, triple, { env = process.env, log } = {}) {
  const forced = forcedSource(env)
  let source = chooseSource({ forced, hasStd: forced !== 'debian' && hasRustStd(lib, triple, { env }) })
  if (source === 'rustup') {
    const r = lib.sh('rustup', ['target', 'add', triple], { env, log, allowFail: true })
    if (r.status !== 0) log?.(`rustup target add ${triple} failed, using Debian's rustc-web: ${(r.error?.message || r.stderr).trim()}`)
    source = chooseSource({ forced, hasStd: true, rustupFailed: r.status !== 0 })
  }
  if (source !== 'debian') return { env, cargoArgs: [] }
  const toolchain = debianToolchain(debianRust(lib, log), triple, env)
  log?.(`Rust from Debian: ${lib.sh(toolchain.env.RUSTC, ['--version'], { env: toolchain.env }).trim()} (${toolchain.env.RUSTC})`)
  return toolchain
}

module.exports = { hasRustStd, chooseSource, forcedSource, debianToolchain, ensureRustTarget, DEBIAN_PACKAGES }
