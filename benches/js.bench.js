// JavaScript-side benchmarks with benchmark.js: the cost of crossing into the
// addon, sync against async calls, and the native router against hashing and
// a plain JavaScript walk. Prints a table and writes results/bench-js.json.
// Run with `npm run bench:js`; figures vary with the machine and its load.

'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const Benchmark = require('benchmark')
const { buildBits, capacityProfile, hashRoute, phaseRouter, phaseRouterAsync } = require('..')
const { walkRoute } = require('./walk')

const SEED = 42
const MAX_TIME = Number(process.env.BENCH_MAX_TIME ?? 2) // seconds per case

/** Density-0.3 matrices with the strong profile and random permutations, as `phase-router bench` uses. */
function inputs(n) {
  const caps = capacityProfile('strong', n, SEED + 1)
  const mean = caps.reduce((a, b) => a + b, 0) / n
  const clampRound = (x) => Math.min(n, Math.max(1, Math.round(x)))
  const sBits = buildBits(new Uint32Array(n).fill(clampRound(0.3 * n)), n)
  const tBits = buildBits(Uint32Array.from(caps, (c) => clampRound((c / mean) * 0.3 * n)), n)
  const shuffled = (salt) => {
    const perm = Uint32Array.from({ length: n }, (_, i) => i)
    let state = salt
    for (let i = n - 1; i > 0; i--) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      const j = state % (i + 1)
      ;[perm[i], perm[j]] = [perm[j], perm[i]]
    }
    return perm
  }
  return { sBits, tBits, permS: shuffled(1), permT: shuffled(2) }
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function group(title, n, k, cases) {
  const x = inputs(n)
  const suite = new Benchmark.Suite(title)
  for (const [name, fn, defer] of cases) {
    suite.add(name, defer ? { defer: true, fn: (d) => fn(x, n, k).then(() => d.resolve()) } : () => fn(x, n, k), { maxTime: MAX_TIME })
  }
  return new Promise((resolve) => {
    const rows = []
    suite
      .on('cycle', (event) => {
        const b = event.target
        process.stderr.write(`${title}: ${String(b)}\n`)
        rows.push({ group: title, name: b.name, n, k, medianUs: median(b.stats.sample) * 1e6, meanUs: b.stats.mean * 1e6, opsPerSec: b.hz, rmePercent: b.stats.rme, samples: b.stats.sample.length })
      })
      .on('complete', () => resolve(rows))
      .run({ async: true })
  })
}

const native = (x, n, k) => phaseRouter(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED)
const nativeAsync = (x, n, k) => phaseRouterAsync(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED)
const hash = (_x, n, k) => hashRoute(n, k, SEED)
const jsWalk = (x, n, k) => walkRoute(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED)

function formatRows(rows) {
  const header = ['group', 'case', 'n', 'k', 'median µs', 'mean µs', '±%', 'samples']
  const cells = rows.map((r) => [r.group, r.name, r.n, r.k, r.medianUs.toFixed(1), r.meanUs.toFixed(1), r.rmePercent.toFixed(1), r.samples].map(String))
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

async function main() {
  const rows = [
    ...(await group('call overhead', 64, 4, [['phaseRouter', native], ['hashRoute', hash]])),
    ...(await group('sync vs async', 4096, 16, [['phaseRouter', native], ['phaseRouterAsync', nativeAsync, true]])),
    ...(await group('native vs JS', 1024, 4, [['phaseRouter', native], ['hashRoute', hash], ['JS walk', jsWalk]])),
    ...(await group('native vs JS', 4096, 16, [['phaseRouter', native], ['hashRoute', hash], ['JS walk', jsWalk]])),
  ]
  console.log(formatRows(rows))
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, maxTimeSeconds: MAX_TIME }
  const file = path.join(__dirname, '..', 'results', 'bench-js.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ machine, rows }, null, 2) + '\n')
  console.log(`Wrote ${path.relative(process.cwd(), file)}`)
}

main()
