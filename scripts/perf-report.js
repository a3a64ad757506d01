// Writes docs/performance.md and docs/img/perf-*.png from the medians of the
// last Criterion run (target/criterion) and of the last `npm run bench:js`
// (results/bench-js.json). It measures nothing itself, so the page always
// shows one run's figures; see REGENERATE below for the whole sequence.
// Run with `npm run perf:report` after `npm run build` (it needs the CLI's
// charts, built into packages/cli/lib).

'use strict'

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { timingChart } = require('phase-router-cli/lib/charts')
const { writeChartPng } = require('phase-router-cli/lib/render')

const ROOT = path.join(__dirname, '..')
const CRITERION = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'criterion')
const JS_RESULTS = path.join(ROOT, 'results', 'bench-js.json')
const DOC = path.join(ROOT, 'docs', 'performance.md')
const IMG = path.join(ROOT, 'docs', 'img')

const REGENERATE = [
  'npm ci   # builds the addon and lib/',
  'cargo bench -p phase-router-kernel --bench scaling --bench router',
  'npm run bench:js',
  'npm run perf:report',
]

/** Methods of benches/scaling.rs in legend order, with what each one times. */
const METHODS = [
  ['walk', 'the straightforward walk (`walk::route`), on a prepared layout: the baseline'],
  ['reference', 'reference kernel (`Mode::Reference`), on a prepared layout'],
  ['fast', 'fast kernel (`Mode::Fast`), on a prepared layout'],
  ['reference_matrices', 'whole bit-matrix call, reference (`phase_route_with`: checks, popcounts, layout, routing)'],
  ['fast_matrices', 'whole bit-matrix call, fast'],
  ['degrees', 'whole degree-vector call, reference (`route_degrees`)'],
  ['degrees_fast', 'whole degree-vector call, fast'],
  ['hash', 'uniform hashing (`hash::hash_route`)'],
  ['stride', 'stride strategy (`strategy::route_batch`, `Strategy::Stride`)'],
  ['popcount', 'popcount pass over both matrices (`BitMatrices::degrees`): the floor of matrix input'],
]
const METHOD_NAMES = METHODS.map(([m]) => m)

const SWEEPS = [
  { group: 'scaling_n', label: 'n', title: 'Time vs n (k = 16, density 0.3)', xTitle: 'n (sources = targets)', logX: true },
  { group: 'scaling_k', label: 'k', title: 'Time vs k (n = 4096, density 0.3)', xTitle: 'k (slots per source)', logX: true },
  {
    group: 'scaling_density',
    label: 'density',
    title: 'Time vs density (n = 4096, k = 16)',
    xTitle: 'density (ones per row / n)',
    logX: true,
  },
  {
    group: 'scaling_threads',
    label: 'threads',
    title: 'Time vs Rayon threads (n = 4096, k = 16, density 0.3)',
    xTitle: 'threads',
    logX: false,
  },
]

/**
 * Every `new/` result under target/criterion: `{ group, fn, value, ns, ciNs, time }`,
 * the median and half the width of its 95% confidence interval in nanoseconds.
 */
function criterionResults() {
  const found = []
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (!entry.isDirectory()) continue
      if (entry.name !== 'new') visit(full)
      else if (fs.existsSync(path.join(full, 'estimates.json'))) {
        const bench = JSON.parse(fs.readFileSync(path.join(full, 'benchmark.json'), 'utf8'))
        const estimates = JSON.parse(fs.readFileSync(path.join(full, 'estimates.json'), 'utf8'))
        found.push({
          group: bench.group_id,
          fn: bench.function_id,
          value: bench.value_str,
          ns: estimates.median.point_estimate,
          ciNs: (estimates.median.confidence_interval.upper_bound - estimates.median.confidence_interval.lower_bound) / 2,
          time: fs.statSync(path.join(full, 'estimates.json')).mtime,
        })
      }
    }
  }
  if (!fs.existsSync(CRITERION)) throw new Error(`${CRITERION} does not exist: run the Criterion benches first (see docs/performance.md)`)
  visit(CRITERION)
  return found
}

/** Milliseconds per call of `group/fn/value`, or undefined when it was not measured. */
function lookup(results, group, fn, value) {
  const hit = results.find((r) => r.group === group && r.fn === fn && (value === undefined || r.value === String(value)))
  return hit && hit.ns / 1e6
}

/** Three significant digits, without exponent notation. */
function sig(x) {
  if (x === undefined || !Number.isFinite(x)) return 'n/a'
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))))
  return x.toFixed(Math.min(digits, 6))
}

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

function command(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

function machine() {
  const cpus = os.cpus()
  return [
    ['CPUs (`nproc`)', command('nproc', [])],
    ['CPU model', cpus[0]?.model.trim() ?? 'unknown'],
    ['vector features the kernels pick at run time', simdFeatures()],
    ['memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
    [
      'load average when the report was written (1, 5, 15 min)',
      os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(', '),
    ],
    ['Node.js', process.version],
    ['rustc', command('rustc', ['-V'])],
  ]
}

/**
 * Which of the instruction sets the kernel crate detects at run time this
 * CPU has (Linux only): with AVX-512 the kernels take their vector-lane
 * paths, without it the portable ones, which are several times slower.
 */
function simdFeatures() {
  let flags
  try {
    flags = new Set(
      fs
        .readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)[1]
        .trim()
        .split(/\s+/),
    )
  } catch {
    return 'unknown'
  }
  const wanted = ['popcnt', 'bmi2', 'avx2', 'avx512f', 'avx512cd', 'avx512dq', 'avx512bw', 'avx512vl', 'avx512_vpopcntdq', 'avx512_bitalg']
  const present = wanted.filter((flag) => flags.has(flag))
  return present.length > 0 ? present.join(', ') : 'none of ' + wanted.join(', ')
}

/** Values of a sweep in numeric order, as Criterion wrote them. */
function sweepValues(results, group) {
  return [...new Set(results.filter((r) => r.group === group).map((r) => r.value))].sort((a, b) => Number(a) - Number(b))
}

function sweepSection(results, sweep) {
  const values = sweepValues(results, sweep.group)
  const methods = METHOD_NAMES.filter((m) => results.some((r) => r.group === sweep.group && r.fn === m))
  const rows = values.map((v) => [v, ...methods.map((m) => sig(lookup(results, sweep.group, m, v)))])
  const img = `img/perf-${sweep.label}.png`
  return [
    `### ${sweep.title}`,
    '',
    `Median ms per call, Criterion group \`${sweep.group}\`.`,
    '',
    table([sweep.label, ...methods], rows),
    '',
    `![${sweep.title}](${img})`,
  ].join('\n')
}

async function writeCharts(results) {
  fs.mkdirSync(IMG, { recursive: true })
  for (const sweep of SWEEPS) {
    const points = results
      .filter((r) => r.group === sweep.group && METHOD_NAMES.includes(r.fn))
      .map((r) => ({ x: Number(r.value), method: r.fn, ms: r.ns / 1e6 }))
    const methods = METHOD_NAMES.filter((m) => points.some((p) => p.method === m))
    await writeChartPng(timingChart(sweep.title, sweep.xTitle, points, methods, sweep.logX), path.join(IMG, `perf-${sweep.label}.png`))
  }
}

/** The headline point, n = 4096, k = 16, density 0.3, as measured by the n sweep. */
function headline(results) {
  const ms = (m) => lookup(results, 'scaling_n', m, 4096)
  const walk = ms('walk')
  const popcount = ms('popcount')
  const rows = METHODS.map(([m, what]) => [`\`${m}\``, what, sig(ms(m)), sig(walk / ms(m)), sig(ms(m) / popcount)])
  return { ms, rows }
}

function jsRows() {
  if (!fs.existsSync(JS_RESULTS)) return undefined
  return JSON.parse(fs.readFileSync(JS_RESULTS, 'utf8'))
}

/** JavaScript cases at n = 64, k = 4 and the kernel call (group `call`) that does the same work. */
const OVERHEAD = [
  ['phaseRouterAuto', 'auto'],
  ['phaseRouterAuto out', 'auto'],
  ['phaseRouterAuto fast out', 'auto_fast'],
  ['phaseRouterDegrees out', 'degrees'],
  ['phaseRouterDegrees fast out', 'degrees_fast'],
]

/**
 * The overhead is a difference of medians from two processes, so it carries
 * the uncertainty of both: the half-width of Criterion's confidence interval
 * plus benchmark.js's margin of error (`rme`, percent of the mean).
 */
function overheadSection(results, js) {
  if (!js) return { text: '`results/bench-js.json` is missing: run `npm run bench:js` and regenerate.', best: undefined }
  const rows = []
  let best
  for (const [name, kernelFn] of OVERHEAD) {
    const row = js.rows.find((r) => r.group === 'call overhead' && r.name === name)
    const kernel = results.find((r) => r.group === 'call' && r.fn === kernelFn && r.value === '64')
    if (!row || !kernel) continue
    const kernelUs = kernel.ns / 1e3
    const overhead = row.medianUs - kernelUs
    const uncertainty = kernel.ciNs / 1e3 + (row.rmePercent / 100) * row.meanUs
    if (name === 'phaseRouterAuto out') best = { overhead, uncertainty, jsUs: row.medianUs, kernelUs }
    rows.push([`\`${name}\``, `\`call/${kernelFn}\``, sig(row.medianUs), sig(kernelUs), `${sig(overhead)} ± ${sig(uncertainty)}`])
  }
  const text = [
    'Median µs per call at n = 64, k = 4 (the same inputs on both sides; the explicit permutations of',
    'the degree calls differ, which does not change their cost measurably). The overhead is the',
    'JavaScript median minus the Criterion median of the same call (group `call`); its ± adds the',
    'uncertainty of both, and a 2 µs overhead can only be confirmed or refuted when that is small.',
    'The two runs also meet different load from the rest of the machine, which no ± covers.',
    '',
    table(['JavaScript call', 'kernel call', 'JS µs', 'kernel µs', 'overhead µs'], rows),
  ].join('\n')
  return { text, best }
}

function jsSection(js) {
  if (!js) return '`results/bench-js.json` is missing: run `npm run bench:js` and regenerate.'
  const rows = js.rows.map((r) => [r.group, `\`${r.name}\``, r.n, r.k, sig(r.medianUs), sig(r.rmePercent), r.samples])
  return [
    `\`benches/js.bench.js\` with benchmark.js (${js.machine.maxTimeSeconds} s per case), Node ${js.machine.node}.`,
    '`out` passes caller-owned output; `JS walk` is `benches/walk.js`, the walk in plain JavaScript.',
    '',
    table(['group', 'case', 'n', 'k', 'median µs', '± %', 'samples'], rows),
  ].join('\n')
}

/** Met or not only when the whole uncertainty band lies on one side of 2 µs. */
function overheadStatus(o) {
  if (!o) return 'not measured'
  if (o.overhead + o.uncertainty < 2) return 'met'
  if (o.overhead - o.uncertainty >= 2) return '**not met**'
  return `**not resolved**: the noise (± ${sig(o.uncertainty)} µs) is wider than the goal`
}

function goals(h, million, overhead) {
  const status = (ok) => (ok === undefined ? 'not measured' : ok ? 'met' : '**not met**')
  const walkOver = (m) => h.ms('walk') / h.ms(m)
  const overPopcount = (m) => h.ms(m) / h.ms('popcount')
  const rows = [
    [
      'reference >= 5x the walk',
      `walk / reference = ${sig(walkOver('reference'))}x (whole matrix call: ${sig(walkOver('reference_matrices'))}x)`,
      status(walkOver('reference') >= 5),
    ],
    [
      'fast >= 50x the walk',
      `walk / fast = ${sig(walkOver('fast'))}x (whole matrix call: ${sig(walkOver('fast_matrices'))}x)`,
      status(walkOver('fast') >= 50),
    ],
    [
      'fast <= 1.5x the popcount pass',
      `whole fast matrix call / popcount = ${sig(overPopcount('fast_matrices'))}x (routing a prepared layout alone: ${sig(overPopcount('fast'))}x)`,
      status(overPopcount('fast_matrices') <= 1.5),
    ],
    ...million.map(({ mode, ms }) => [
      `degrees, n = 10^6, k = 4, average degree 64, < 100 ms (${mode})`,
      ms === undefined ? 'not measured' : `${sig(ms)} ms`,
      status(ms === undefined ? undefined : ms < 100),
    ]),
    [
      'per-call overhead < 2 µs',
      overhead
        ? `\`phaseRouterAuto\` with \`out\`: ${sig(overhead.jsUs)} µs in JS - ${sig(overhead.kernelUs)} µs in the kernel = ${sig(overhead.overhead)} ± ${sig(overhead.uncertainty)} µs`
        : 'not measured',
      overheadStatus(overhead),
    ],
  ]
  return table(['goal', 'measured', 'status'], rows)
}

async function main() {
  const results = criterionResults()
  const h = headline(results)
  if (h.ms('walk') === undefined) throw new Error('no scaling_n results: run `cargo bench -p phase-router-kernel --bench scaling` first')
  const million = ['Reference', 'Fast'].map((mode) => ({
    mode,
    ms: results.find((r) => r.group === 'degrees_1m' && r.fn?.startsWith(`${mode}/`))?.ns / 1e6,
  }))
  const js = jsRows()
  const overhead = overheadSection(results, js)
  const used = results.filter((r) => r.group.startsWith('scaling_') || r.group === 'call' || r.group === 'degrees_1m')
  const times = used.map((r) => r.time.getTime())
  const measured = `${new Date(Math.min(...times)).toISOString()} to ${new Date(Math.max(...times)).toISOString()}`
  await writeCharts(results)

  const doc = [
    '# Performance',
    '',
    '<!-- Generated by scripts/perf-report.js (`npm run perf:report`); edit the script, not this file. -->',
    '',
    'Every figure here is a median from one run of the Criterion benches in',
    '`crates/phase-router-kernel/benches/` (`scaling.rs` for the sweeps, the',
    '`degrees_1m` group of `router.rs` for the million-row case) and one run of',
    "`benches/js.bench.js`. Inputs are the published benchmark's strong profile",
    '([the published benchmark](algorithm.md#the-published-benchmark)): every source row has `round(density * n)` ones, target rows',
    'in proportion to capacity, permutations drawn from seed 42. Ratios compare',
    'figures of the same run. The machine is shared with other builds and',
    'benches, so single figures move by 10 to 30% between runs; ratios of 2x or',
    `more are what to read. Criterion results dated ${measured}.`,
    '',
    'Regenerate (about 20 minutes):',
    '',
    '```sh',
    ...REGENERATE,
    '```',
    '',
    '## Machine',
    '',
    table(['', ''], machine()),
    '',
    '## Goals',
    '',
    goals(h, million, overhead.best),
    '',
    '## n = 4096, k = 16, density 0.3',
    '',
    'Median ms per call (Criterion group `scaling_n`, n = 4096); "x walk" is how',
    'many times faster than the walk, "x popcount" how many popcount passes the',
    'call costs.',
    '',
    table(['method', 'what it times', 'median ms', 'x walk', 'x popcount'], h.rows),
    '',
    '## Scaling',
    '',
    'Times are log-scaled in the plots. The walk and the shipped kernels grow',
    'with the candidates they visit (density x n^2); hashing and stride with',
    'n x k; the popcount pass with n^2 / 64 words whatever the density.',
    '',
    ...SWEEPS.map((s) => sweepSection(results, s) + '\n'),
    '## Per-call overhead from JavaScript',
    '',
    overhead.text,
    '',
    '## JavaScript benchmarks',
    '',
    jsSection(js),
    '',
  ].join('\n')
  fs.writeFileSync(DOC, doc)
  console.log(`Wrote ${path.relative(process.cwd(), DOC)} and ${SWEEPS.length} plots in ${path.relative(process.cwd(), IMG)}`)
}

main().catch((err) => {
  console.error(err.message)
  process.exit(1)
})
