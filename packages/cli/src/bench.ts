// `phase-router bench`: a quick timing table of the phase router kernel
// (phaseRouterAuto on density-0.3 matrices, strong profile) against the hash
// baseline and the stride strategy, over a grid of N and k. Each cell is the
// median of repeated calls.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildBits, capacityProfile, hashRoute, phaseRouterAuto, route } from 'phase-router'
import type { Command, Values } from './options'
import { median } from './stats'
import { fixed, formatTable } from './table'

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Time phaseRouterAuto (density 0.3, strong profile) against hashRoute and stride for N in 64..4096 and k in 1..16 (medians).',
  flags: [
    { name: 'out', kind: 'string', default: 'results', help: 'folder for bench.json' },
    { name: 'time', kind: 'int', default: 150, min: 1, max: 60000, help: 'milliseconds to spend on each cell' },
  ],
}

const SIZES = [64, 256, 1024, 4096]
const FANOUTS = [1, 4, 16]
const DENSITY = 0.3
const SEED = 42

/** Row degrees of docs/algorithm.md#the-published-benchmark: round(w / mean(w) * density * n), kept in [1, n]. */
export function degrees(weights: ArrayLike<number>, n: number, density: number): Uint32Array {
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += weights[i]
  const scale = (density * n * weights.length) / sum
  return Uint32Array.from(weights, (w) => Math.min(n, Math.max(1, Math.round(w * scale))))
}

/** Median milliseconds of `fn`, called at least 5 times and until about `budgetMs` has passed (at most 1000 times). */
export function medianMs(fn: () => unknown, budgetMs: number): number {
  fn() // warm-up: first-call costs (allocation, thread pool start) are not what is measured
  const times: number[] = []
  const end = performance.now() + budgetMs
  while (times.length < 5 || (performance.now() < end && times.length < 1000)) {
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  return median(times)
}

export interface BenchRow {
  n: number
  k: number
  phaseMs: number
  hashMs: number
  strideMs: number
}

export function runBench(values: Values, log: (line: string) => void, progress: (message: string) => void): void {
  const budget = values.time as number
  const rows: BenchRow[] = []
  for (const n of SIZES) {
    const sBits = buildBits(degrees(new Float64Array(n).fill(1), n, DENSITY), n)
    const capacities = capacityProfile('strong', n, SEED)
    const tBits = buildBits(degrees(capacities, n, DENSITY), n)
    for (const k of FANOUTS) {
      progress(`bench N=${n} k=${k}`)
      rows.push({
        n,
        k,
        phaseMs: medianMs(() => phaseRouterAuto(sBits, tBits, n, k, SEED), budget),
        hashMs: medianMs(() => hashRoute(n, k, SEED), budget),
        strideMs: medianMs(() => route({ targetCapacities: capacities, k, seed: SEED, strategy: 'stride' }), budget),
      })
    }
  }
  log('Median milliseconds per call (phase: phaseRouterAuto, density 0.3, strong profile; hash: hashRoute;')
  log("stride: route({ strategy: 'stride' }), strong profile)")
  log(
    formatTable(
      ['N', 'k', 'phase ms', 'hash ms', 'stride ms', 'phase/hash', 'phase/stride'],
      rows.map((r) => [
        r.n,
        r.k,
        fixed(r.phaseMs, 3),
        fixed(r.hashMs, 3),
        fixed(r.strideMs, 3),
        fixed(r.phaseMs / r.hashMs, 1),
        fixed(r.phaseMs / r.strideMs, 1),
      ]),
    ),
  )
  // The speed goal is stated at the largest cell of the grid.
  const largest = rows[rows.length - 1]
  log(`phase / stride at N=${largest.n}, k=${largest.k}: ${fixed(largest.phaseMs / largest.strideMs, 1)}x (goal: at least 10x)`)
  const out = values.out as string
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'bench.json'), JSON.stringify({ budgetMsPerCell: budget, rows }, null, 2) + '\n')
  log(`Wrote ${join(out, 'bench.json')}`)
}
