// `phase-router demo`: one batch routed by the phase router and by hashing,
// side by side: load statistics, how well load follows capacity, the biggest
// and smallest experts, survival after hard caps, and two plots.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { capacityProfile, computeLoads, enforceCapacity, hashRoute, loadStats, makeHardCaps, route } from 'phase-router'
import { type ExpertPoint, fillChart, loadChart } from './charts'
import type { Command, Values } from './options'
import { writeChartPng } from './render'
import { pearson } from './stats'
import { fixed, formatTable, percent } from './table'

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Route one batch with the phase router and with hashing, compare loads against capacities, and plot them.',
  flags: [
    { name: 'experts', alias: 'n', kind: 'int', default: 512, min: 1, max: 65536, help: 'tokens = experts' },
    { name: 'k', kind: 'int', default: 4, min: 1, max: 64, help: 'experts per token' },
    { name: 'seed', kind: 'int', default: 42, min: 0, max: Number.MAX_SAFE_INTEGER, help: 'seed of profile and routes' },
    { name: 'headroom', kind: 'number', default: 1.2, min: 0.01, max: 100, help: 'hard-cap headroom' },
    { name: 'profile', kind: 'choice', default: 'strong', choices: ['uniform', 'mild', 'strong', 'extreme'], help: 'capacity profile' },
    { name: 'out', kind: 'string', default: 'results', help: 'folder for the plots' },
  ],
}

/** How many of the largest and of the smallest experts the per-expert table shows. */
const SHOWN = 5

export async function runDemo(values: Values, log: (line: string) => void): Promise<void> {
  const n = values.experts as number
  const k = values.k as number
  const seed = values.seed as number
  const headroom = values.headroom as number
  const profile = values.profile as 'strong'
  const out = values.out as string

  const caps = capacityProfile(profile, n, seed)
  const hardCaps = makeHardCaps(caps, n, k, headroom)
  const routes = { phase: route({ targetCapacities: caps, k, seed }), hash: hashRoute(n, k, seed) }
  const loads = { phase: computeLoads(routes.phase, n), hash: computeLoads(routes.hash, n) }

  log(`phase-router demo: ${n} tokens to ${n} experts, k=${k}, seed ${seed}, ${profile} profile, headroom ${headroom}`)
  log('')
  log('Load per expert (slots):')
  const statsRow = (name: 'phase' | 'hash') => {
    const s = loadStats(loads[name])
    return [name, fixed(s.mean, 2), fixed(s.std, 2), fixed(s.cv, 3), fixed(s.maxOverMean, 2), fixed(pearson(loads[name], caps), 3)]
  }
  log(formatTable(['method', 'mean', 'std', 'CV', 'max/mean', 'corr(load, capacity)'], [statsRow('phase'), statsRow('hash')]))
  log('')

  const byCapacity = Array.from(caps.keys()).sort((a, b) => caps[b] - caps[a] || a - b)
  const shown = n <= 2 * SHOWN ? byCapacity : [...byCapacity.slice(0, SHOWN), ...byCapacity.slice(-SHOWN)]
  log(`Largest and smallest experts by capacity:`)
  const expertRow = (e: number) => [e, caps[e], loads.phase[e], loads.hash[e], hardCaps[e]]
  log(formatTable(['expert', 'capacity', 'phase load', 'hash load', 'hard cap'], shown.map(expertRow)))
  log('')

  const kept = (name: 'phase' | 'hash') => enforceCapacity(routes[name], k, hardCaps).kept / (n * k)
  log(`Survival after hard caps (kept slots / ${n * k}):`)
  log(
    formatTable(
      ['method', 'survival %'],
      [
        ['phase', percent(kept('phase'))],
        ['hash', percent(kept('hash'))],
      ],
    ),
  )
  log('')

  const totalCap = caps.reduce((a, b) => a + b, 0)
  const points: ExpertPoint[] = (['phase', 'hash'] as const).flatMap((method) =>
    Array.from(caps, (capacity, expert) => ({
      expert,
      capacity,
      method,
      load: loads[method][expert],
      hardCap: hardCaps[expert],
      fairShare: (n * k * capacity) / totalCap,
    })),
  )
  mkdirSync(out, { recursive: true })
  const files = [join(out, 'demo-load.png'), join(out, 'demo-fill.png')]
  await writeChartPng(loadChart(points, n, k), files[0])
  await writeChartPng(fillChart(points, n, k, headroom), files[1])
  log(`Plots: ${files.join(', ')}`)
}
