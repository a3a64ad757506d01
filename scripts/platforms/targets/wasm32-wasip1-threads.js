// wasm32-wasip1-threads: the WebAssembly fallback, built by napi with emnapi
// (npm run build:wasm does the same) and run by this machine's Node through
// its loader phase-router.wasi.cjs: the golden check, then every jest suite
// that applies to it (wasm-suites.js lists the others, with reasons), each
// loading only the WebAssembly build (PHASE_ROUTER_WASM=1, so a failure to
// load it cannot hide behind the native binary).
const fs = require('node:fs')
const path = require('node:path')
const { INAPPLICABLE, ignorePattern } = require('../wasm-suites')

const triple = 'wasm32-wasip1-threads'

module.exports = {
  target: triple,
  triple,
  async build(ctx) {
    const file = path.join(ctx.root, 'phase-router.wasm32-wasi.wasm')
    fs.rmSync(file, { force: true })
    ctx.lib.napiBuild(triple, 'wasm32-wasi', { log: ctx.log })
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
      suites: [`--testPathIgnorePatterns=${ignorePattern()}`, ...(ctx.jestSuites || [])],
      inBand: false,
      log: ctx.log,
    })
    for (const suite of jest.suites.filter((s) => !s.passed)) ctx.log(`${suite.name}: ${suite.failures.join('; ')}`)
    const skipped = Object.keys(INAPPLICABLE)
    return { loaded: true, golden: golden.golden, suites: `${jest.text} (not applicable: ${skipped.join(', ')})` }
  },
}
