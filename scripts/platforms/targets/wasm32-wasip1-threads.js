// wasm32-wasip1-threads: the WebAssembly fallback, built by napi with emnapi
// and placed at the repository root as npm run build:wasm places it (where
// the loader looks for a local WebAssembly build), then run by this
// machine's Node through its loader phase-router.wasi.cjs: the golden check,
// then every jest suite
// that applies to it (wasm-suites.js lists the others, with reasons), each
// loading only the WebAssembly build (PHASE_ROUTER_WASM=1, so a failure to
// load it cannot hide behind the native binary).
const fs = require('node:fs')
const path = require('node:path')
const { INAPPLICABLE, ignorePattern } = require('../wasm-suites')

const triple = 'wasm32-wasip1-threads'

// What napi writes for this target that the loader needs: the module (and
// the debug copy, which phase-router.wasi.cjs prefers when present), the
// loader and its thread worker.
const OUTPUTS = ['phase-router.wasm32-wasi.wasm', 'phase-router.wasm32-wasi.debug.wasm', 'phase-router.wasi.cjs', 'wasi-worker.mjs']

// Copies the build from napi's output folder to the repository root,
// removing any root copy the new build did not write.
function placeAtRoot(from, root) {
  for (const name of OUTPUTS) {
    const source = path.join(from, name)
    const target = path.join(root, name)
    if (source === target) continue
    if (fs.existsSync(source)) fs.copyFileSync(source, target)
    else fs.rmSync(target, { force: true })
  }
}

module.exports = {
  target: triple,
  triple,
  async build(ctx) {
    // napiBuild names a .node file in napi's output folder; the build is the .wasm beside it.
    const dir = path.dirname(ctx.lib.napiBuild(triple, 'wasm32-wasi', { log: ctx.log }))
    const file = path.join(dir, OUTPUTS[0])
    placeAtRoot(dir, ctx.root)
    return { file, size: fs.statSync(file).size, floor: 'WASI preview1 with threads (Node >= 22)' }
  },
  async run(ctx) {
    const loader = path.join(ctx.root, 'phase-router.wasi.cjs')
    const golden = ctx.lib.goldenCheck([process.execPath], {
      env: { ...process.env, PHASE_ROUTER_NATIVE_PATH: loader },
      log: ctx.log,
    })
    if (golden.loaded !== true) return { loaded: golden.loaded, golden: golden.golden, suites: 'n/a (did not load)' }
    if (!ctx.jest) return { loaded: true, golden: golden.golden, suites: 'n/a (--no-jest)' }
    // The loader and package suites also check the native binary for this machine.
    if (!fs.readdirSync(ctx.root).some((f) => /^phase-router\.[\w-]+\.node$/.test(f))) {
      ctx.lib.sh('npm', ['run', 'build:native'], { log: ctx.log, logFile: path.join(ctx.cache, 'logs', 'host-native.log') })
    }
    const jest = ctx.lib.runJest([process.execPath], {
      name: triple,
      env: { ...process.env, PHASE_ROUTER_NATIVE_PATH: '', PHASE_ROUTER_WASM: '1' },
      // The option last: jest would take suite paths after it as more patterns.
      suites: [...(ctx.jestSuites || []), `--testPathIgnorePatterns=${ignorePattern()}`],
      inBand: false,
      log: ctx.log,
    })
    const skipped = Object.keys(INAPPLICABLE)
    return { loaded: true, golden: golden.golden, suites: `${jest.text} (not applicable: ${skipped.join(', ')})` }
  },
}
