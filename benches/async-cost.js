// What an async router call costs the JavaScript thread, and the memory a
// burst of them leaves behind. Run with `node benches/async-cost.js`; prints
// a small table. Figures vary with the machine and its load.
//
// 1. The synchronous part of `phaseRouterAsync` (from the call to the return
//    of its promise: argument checks and whatever is prepared for the pool)
//    at n = 4096, k = 16, against a whole sync `phaseRouter` call in fast
//    mode, medians over many calls, and their ratio.
// 2. The event-loop stall of eight `phaseRouterAsync` calls issued in a row:
//    the time of the synchronous loop that issues them, and the largest
//    event-loop delay `monitorEventLoopDelay` records while they run.
// 3. The resident set after a burst of ten concurrent calls, once they have
//    all been awaited (and after a forced collection).

'use strict'

const v8 = require('node:v8')
const vm = require('node:vm')
const { performance, monitorEventLoopDelay } = require('node:perf_hooks')
const api = require('..')
const { median, seededShuffle } = require('./support')

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc')

const N = 4096
const K = 16
const SEED = 42n
const CALLS = Number(process.env.ASYNC_COST_CALLS ?? 200)
const MiB = 1 << 20

/** Density-0.3 degrees sized by relative weights, as `route` sizes them. */
function degrees(weights, n, density) {
  const mean = weights.reduce((a, b) => a + b, 0) / weights.length
  return Uint32Array.from(weights, (w) => Math.min(n, Math.max(1, Math.round((w / mean) * density * n))))
}

const sBits = api.buildBits(degrees(new Float64Array(N).fill(1), N, 0.3), N)
const tBits = api.buildBits(degrees(api.capacityProfile('strong', N, 42), N, 0.3), N)
const permS = seededShuffle(N, 1)
const permT = seededShuffle(N, 2)
const callAsync = (seed) => api.phaseRouterAsync(sBits, tBits, N, K, permS, permT, seed, { mode: 'fast' })

async function settledRss() {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().rss
}

async function main() {
  // Warm-up: libuv's and Rayon's threads, V8's code caches.
  for (let i = 0; i < 20; i++) {
    api.phaseRouter(sBits, tBits, N, K, permS, permT, SEED, { mode: 'fast' })
    await callAsync(SEED)
  }

  // 1. One call at a time, so that the pool is idle while each is timed.
  const syncPart = []
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now()
    const pending = callAsync(BigInt(i))
    syncPart.push(performance.now() - t0)
    await pending
  }
  const whole = []
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now()
    api.phaseRouter(sBits, tBits, N, K, permS, permT, BigInt(i), { mode: 'fast' })
    whole.push(performance.now() - t0)
  }

  // 2. Eight calls in a row, ten rounds.
  const issue = []
  const delays = []
  for (let round = 0; round < 10; round++) {
    const histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
    // The histogram records the gap between two ticks of its timer: let it tick first.
    await new Promise((resolve) => setTimeout(resolve, 10))
    const t0 = performance.now()
    const calls = []
    for (let i = 0; i < 8; i++) calls.push(callAsync(BigInt(round * 8 + i)))
    issue.push(performance.now() - t0)
    await Promise.all(calls)
    await new Promise((resolve) => setTimeout(resolve, 5))
    histogram.disable()
    delays.push(histogram.max / 1e6)
  }

  // 3. Ten concurrent calls.
  const before = await settledRss()
  const burst = Array.from({ length: 10 }, (_, i) => callAsync(BigInt(1000 + i)))
  const afterIssue = process.memoryUsage().rss
  const results = await Promise.all(burst)
  const afterAwait = process.memoryUsage().rss
  const afterGc = await settledRss()
  if (results.length !== 10) throw new Error('lost a result')

  const syncMs = median(syncPart)
  const wholeMs = median(whole)
  const rows = [
    ['phaseRouterAsync, synchronous part (median ms)', syncMs.toFixed(4)],
    ["phaseRouter, whole call, mode 'fast' (median ms)", wholeMs.toFixed(4)],
    ['ratio (goal <= 0.3)', (syncMs / wholeMs).toFixed(3)],
    ['8 calls in a row: issuing loop (median ms)', median(issue).toFixed(3)],
    ['8 calls in a row: event-loop delay max (median ms)', median(delays).toFixed(3)],
    ['RSS before 10 concurrent calls (MiB)', (before / MiB).toFixed(1)],
    ['RSS right after issuing them (MiB)', (afterIssue / MiB).toFixed(1)],
    ['RSS after awaiting them (MiB)', (afterAwait / MiB).toFixed(1)],
    ['RSS after a collection (MiB)', (afterGc / MiB).toFixed(1)],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  console.log(`async cost at n = ${N}, k = ${K}, ${CALLS} calls per median`)
  console.log(`| ${'measure'.padEnd(width)} | value |`)
  console.log(`| ${'-'.repeat(width)} | ----- |`)
  for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value} |`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
