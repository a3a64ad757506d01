// The WebAssembly fallback against the native addon, in one process and one
// run, at n = 4096 and k = 16: sync calls with automatic and explicit
// permutations, routing from degrees, and the async form. Both bindings are
// loaded side by side (the native .node built for this machine and
// phase-router.wasi.cjs), get the same inputs, must return the same routes,
// and are timed in alternating rounds so that both see the same machine load.
// Prints the median time per call of each and the ratio wasm / native.
//
// Needs both builds: npm run build:native && npm run build:wasm
// Run with: node benches/wasm-vs-native.js [--rounds=15]

'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { degrees } = require('phase-router-cli/lib/bench')
const { median, seededShuffle } = require('./support')

const ROOT = path.join(__dirname, '..')
const N = 4096
const K = 16
const SEED = 42n
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 15)
// Each round times a batch of calls lasting about this long on the native addon.
const BATCH_MS = 50

function loadBindings() {
  const native = fs.readdirSync(ROOT).find((f) => /^phase-router\.[\w-]+\.node$/.test(f))
  const wasm = path.join(ROOT, 'phase-router.wasi.cjs')
  if (!native || !fs.existsSync(wasm)) throw new Error('build both first: npm run build:native && npm run build:wasm')
  return { native: require(path.join(ROOT, native)), wasm: require(wasm) }
}

// Density-0.3 inputs with the strong capacity profile, as benches/js.bench.js uses.
function inputs(api) {
  const sDegrees = degrees(new Float64Array(N).fill(1), N, 0.3)
  const tDegrees = degrees(api.capacityProfile('strong', N, SEED), N, 0.3)
  return {
    sDegrees,
    tDegrees,
    sBits: api.buildBits(sDegrees, N),
    tBits: api.buildBits(tDegrees, N),
    permS: seededShuffle(N, 1),
    permT: seededShuffle(N, 2),
  }
}

const CASES = {
  'phaseRouterAuto (sync)': (api, x) => api.phaseRouterAuto(x.sBits, x.tBits, N, K, SEED),
  'phaseRouter, explicit perms (sync)': (api, x) => api.phaseRouter(x.sBits, x.tBits, N, K, x.permS, x.permT, SEED),
  'phaseRouterDegrees (sync)': (api, x) => api.phaseRouterDegrees(x.sDegrees, x.tDegrees, K, x.permS, x.permT, SEED),
  'phaseRouterAutoAsync (one at a time)': (api, x) => api.phaseRouterAutoAsync(x.sBits, x.tBits, N, K, SEED),
}

// Milliseconds per call of `calls` calls in a row (awaited one by one when async).
async function perCall(fn, calls) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) {
    const result = fn()
    if (result instanceof Promise) await result
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / calls
}

async function measure(name, bindings, x) {
  const fn = CASES[name]
  const first = {}
  for (const [which, api] of Object.entries(bindings)) first[which] = Buffer.from((await fn(api, x)).buffer)
  if (!first.native.equals(first.wasm)) throw new Error(`${name}: the two builds return different routes`)
  const calls = Math.max(1, Math.round(BATCH_MS / (await perCall(() => fn(bindings.native, x), 3))))
  const times = { native: [], wasm: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of ['native', 'wasm']) times[which].push(await perCall(() => fn(bindings[which], x), calls))
  }
  return { name, native: median(times.native), wasm: median(times.wasm), calls }
}

async function main() {
  const bindings = loadBindings()
  const x = inputs(bindings.native)
  console.log(`n = ${N}, k = ${K}, ${ROUNDS} alternating rounds per case; median ms per call`)
  console.log('| call | native | wasm | wasm / native |\n| --- | --- | --- | --- |')
  for (const name of Object.keys(CASES)) {
    const r = await measure(name, bindings, x)
    console.log(`| ${r.name} | ${r.native.toFixed(3)} | ${r.wasm.toFixed(3)} | ${(r.wasm / r.native).toFixed(1)}x |`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
