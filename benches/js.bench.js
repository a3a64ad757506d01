// JavaScript-side benchmarks with benchmark.js: every mode and input form of
// the router, the cost of crossing into the addon, sync against async calls,
// and the native router against hashing and a plain JavaScript walk. Prints a
// table and writes results/bench-js.json, which `npm run perf:report` reads.
// Run with `npm run bench:js`; figures vary with the machine and its load.

'use strict'

const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const Benchmark = require('benchmark')
const api = require('..')
const { median, seededShuffle } = require('./support')
const { degrees } = require('phase-router-cli/lib/bench')
const { walkRoute } = require('./walk')

const SEED = 42
const MAX_TIME = Number(process.env.BENCH_MAX_TIME ?? 2) // seconds per case

/**
 * Density-0.3 inputs with the strong profile, the same degrees as the kernel's
 * Criterion benches (`benches/common/mod.rs`), so that `phaseRouterAuto` here
 * does exactly the work of the `call` group in `benches/scaling.rs`. The
 * explicit permutations are seeded shuffles (benches/support.js).
 */
function inputs(n, k) {
  const sDegrees = degrees(new Float64Array(n).fill(1), n, 0.3)
  const capacities = api.capacityProfile('strong', n, SEED)
  const tDegrees = degrees(capacities, n, 0.3)
  const sBits = api.buildBits(sDegrees, n)
  const tBits = api.buildBits(tDegrees, n)
  return {
    sBits,
    tBits,
    sDegrees,
    tDegrees,
    capacities,
    permS: seededShuffle(n, 1),
    permT: seededShuffle(n, 2),
    out: new Int32Array(n * k),
  }
}

function group(title, n, k, cases) {
  const x = inputs(n, k)
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
        rows.push({
          group: title,
          name: b.name,
          n,
          k,
          medianUs: median(b.stats.sample) * 1e6,
          meanUs: b.stats.mean * 1e6,
          opsPerSec: b.hz,
          rmePercent: b.stats.rme,
          samples: b.stats.sample.length,
        })
      })
      .on('complete', () => resolve(rows))
      .run({ async: true })
  })
}

// Each case is [name, fn(inputs, n, k), async?]. `out` reuses caller-owned
// output, so the call allocates nothing on the JavaScript side.
const fast = { mode: 'fast' }
const bits = (options) => (x, n, k) => api.phaseRouter(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED, options?.(x))
const bitsAsync = (options) => (x, n, k) => api.phaseRouterAsync(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED, options)
const auto = (options) => (x, n, k) => api.phaseRouterAuto(x.sBits, x.tBits, n, k, SEED, options?.(x))
const fromDegrees = (options) => (x, _n, k) => api.phaseRouterDegrees(x.sDegrees, x.tDegrees, k, x.permS, x.permT, SEED, options?.(x))
const withOut = (x) => ({ out: x.out })
const fastWithOut = (x) => ({ mode: 'fast', out: x.out })
const hash = (_x, n, k) => api.hashRoute(n, k, SEED)
const stride = (x, _n, k) => api.route({ targetCapacities: x.capacities, k, seed: SEED, strategy: 'stride' })
const jsWalk = (x, n, k) => walkRoute(x.sBits, x.tBits, n, k, x.permS, x.permT, SEED)

function formatRows(rows) {
  const header = ['group', 'case', 'n', 'k', 'median µs', 'mean µs', '±%', 'samples']
  const cells = rows.map((r) =>
    [r.group, r.name, r.n, r.k, r.medianUs.toFixed(1), r.meanUs.toFixed(1), r.rmePercent.toFixed(1), r.samples].map(String),
  )
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

async function main() {
  const rows = [
    ...(await group('call overhead', 64, 4, [
      ['phaseRouterAuto', auto()],
      ['phaseRouterAuto out', auto(withOut)],
      ['phaseRouterAuto fast out', auto(fastWithOut)],
      ['phaseRouter out', bits(withOut)],
      ['phaseRouterDegrees out', fromDegrees(withOut)],
      ['phaseRouterDegrees fast out', fromDegrees(fastWithOut)],
      ['hashRoute', hash],
    ])),
    ...(await group('sync vs async', 4096, 16, [
      ['phaseRouter', bits()],
      ['phaseRouterAsync', bitsAsync(), true],
      ['phaseRouter fast', bits(() => fast)],
      ['phaseRouterAsync fast', bitsAsync(fast), true],
    ])),
    ...(await group('input forms', 4096, 16, [
      ['phaseRouterAuto', auto()],
      ['phaseRouterAuto out', auto(withOut)],
      ['phaseRouterDegrees', fromDegrees()],
      ['phaseRouterDegrees fast', fromDegrees(() => fast)],
      ['hashRoute', hash],
      ['route stride', stride],
    ])),
    ...(await group('native vs JS', 1024, 4, [
      ['phaseRouter', bits()],
      ['hashRoute', hash],
      ['JS walk', jsWalk],
    ])),
    ...(await group('native vs JS', 4096, 16, [
      ['phaseRouter', bits()],
      ['hashRoute', hash],
      ['JS walk', jsWalk],
    ])),
  ]
  console.log(formatRows(rows))
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, maxTimeSeconds: MAX_TIME }
  const file = path.join(__dirname, '..', 'results', 'bench-js.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ machine, rows }, null, 2) + '\n')
  console.log(`Wrote ${path.relative(process.cwd(), file)}`)
}

main()
