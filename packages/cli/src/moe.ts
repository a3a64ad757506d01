// `phase-router moe`: the four experiments of the published MoE capacity
// benchmark and the `serving` sweep (many tokens, few experts, real headroom
// near 1), over several seeds, for every routing method against the
// water-filling yardstick and the capacity bound. Writes moe.json, moe.csv,
// one plot per experiment and a 2 x 2 summary of the published four.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { experimentChart, type SurvivalPoint, servingChart, summaryChart } from './charts'
import type { Command, Values } from './options'
import { EXPERIMENTS, type Experiment, type ExperimentName, FIRST_SEED, publishedSetup } from './published'
import { type ChartSpec, writeChartPng } from './render'
import { SERVING, servingParam, servingSetup } from './serving'
import { mean, median, sampleStd } from './stats'
import { METHODS, type Method, runOnce, type Setup } from './survival'
import { fixed, formatTable, percent, seedCount } from './table'

export const moeCommand: Command = {
  name: 'moe',
  summary: 'Run the MoE capacity benchmark (published headroom, k, N, profile; serving sweep) over several seeds and plot it.',
  flags: [
    { name: 'seeds', kind: 'int', default: 5, min: 1, max: 1000, help: `seeds per configuration (${FIRST_SEED}, ${FIRST_SEED + 1}, ...)` },
    { name: 'out', kind: 'string', default: 'results', help: 'folder for moe.json, moe.csv and the plots' },
  ],
}

/** One row of moe.json: a configuration and method, summarised over the seeds. */
export interface Row {
  param: number | string
  /** Experts (for the published experiments also tokens). */
  n: number
  /** Tokens and experts, on `serving` rows only. */
  sources?: number
  targets?: number
  k: number
  headroom: number
  profile: string
  method: Method
  survivalMean: number
  survivalStd: number
  seeds: number
  routeMsMedian: number
}

type Fields = Pick<Row, 'n' | 'sources' | 'targets' | 'k' | 'headroom' | 'profile'>

/** One configuration of an experiment: what its rows say about it, and how to set up one seed's run. */
interface Point {
  param: number | string
  fields: Fields
  setup: (seed: number) => Setup
}

export type ResultName = ExperimentName | 'serving'

export interface Results {
  experiments: { name: ResultName; rows: Row[] }[]
}

function runPoints(
  name: ResultName,
  points: Point[],
  seeds: number,
  methods: readonly Method[],
  progress: (message: string) => void,
): Row[] {
  const rows: Row[] = []
  points.forEach(({ param, fields, setup }, i) => {
    progress(`${name} ${i + 1}/${points.length} (${param})`)
    const setups = Array.from({ length: seeds }, (_, s) => setup(FIRST_SEED + s))
    for (const method of methods) {
      const runs = setups.map((each, s) => runOnce(method, each, FIRST_SEED + s))
      const survival = runs.map((r) => r.survival)
      rows.push({
        param,
        ...fields,
        method,
        survivalMean: mean(survival),
        survivalStd: sampleStd(survival),
        seeds,
        routeMsMedian: median(runs.map((r) => r.routeMs)),
      })
    }
  })
  return rows
}

/** Runs one published experiment: every swept value, every method, `seeds` seeds each. */
export function runExperiment(
  experiment: Experiment,
  seeds: number,
  methods: readonly Method[] = METHODS,
  progress: (message: string) => void = () => {},
): Row[] {
  const points = experiment.published.map(({ param }) => {
    const config = experiment.config(param)
    return { param, fields: config, setup: (seed: number) => publishedSetup(config, seed) }
  })
  return runPoints(experiment.name, points, seeds, methods, progress)
}

/** Runs the serving sweep: every configuration, every method, `seeds` seeds each. */
export function runServing(seeds: number, methods: readonly Method[] = METHODS, progress: (message: string) => void = () => {}): Row[] {
  const points = SERVING.map((config) => {
    const { sources, targets, k, headroom, profile } = config
    return {
      param: servingParam(config),
      fields: { n: targets, sources, targets, k, headroom, profile },
      setup: (seed: number) => servingSetup(config, seed),
    }
  })
  return runPoints('serving', points, seeds, methods, progress)
}

function cell(rows: Row[], param: number | string, method: Method): string {
  const row = rows.find((r) => r.param === param && r.method === method)!
  return method === 'bound' ? percent(row.survivalMean) : `${percent(row.survivalMean)} ± ${percent(row.survivalStd)}`
}

function printExperiment(experiment: Experiment, rows: Row[], log: (line: string) => void): void {
  log(`${experiment.name}: survival % (mean ± std over ${seedCount(rows[0].seeds)}); published = phase/hash, one seed`)
  log(
    formatTable(
      [experiment.name, ...METHODS, 'published'],
      experiment.published.map((p) => [p.param, ...METHODS.map((m) => cell(rows, p.param, m)), `${fixed(p.phase, 1)}/${fixed(p.hash, 1)}`]),
    ),
  )
  log('')
}

function printServing(rows: Row[], log: (line: string) => void): void {
  log(`serving: 4096 tokens, 64 experts, caps adding up to headroom x tokens x k; survival % (mean ± std over ${seedCount(rows[0].seeds)})`)
  const params = [...new Set(rows.map((r) => r.param))]
  log(
    formatTable(
      ['serving', ...METHODS],
      params.map((param) => [param, ...METHODS.map((m) => cell(rows, param, m))]),
    ),
  )
  log('')
}

/** The configuration where stride's mean survival is the smallest share of the bound. */
export function lowestStrideShare(results: Results): { experiment: ResultName; param: number | string; share: number } {
  let lowest = { experiment: results.experiments[0].name, param: '' as number | string, share: Infinity }
  for (const { name, rows } of results.experiments) {
    for (const stride of rows.filter((r) => r.method === 'stride')) {
      const bound = rows.find((r) => r.param === stride.param && r.method === 'bound')!
      const share = stride.survivalMean / bound.survivalMean
      if (share < lowest.share) lowest = { experiment: name, param: stride.param, share }
    }
  }
  return lowest
}

function toCsv(results: Results): string {
  const columns: (keyof Row)[] = [
    'param',
    'n',
    'sources',
    'targets',
    'k',
    'headroom',
    'profile',
    'method',
    'survivalMean',
    'survivalStd',
    'seeds',
    'routeMsMedian',
  ]
  const lines = results.experiments.flatMap((e) => e.rows.map((row) => [e.name, ...columns.map((c) => row[c] ?? '')].join(',')))
  return [['experiment', ...columns].join(','), ...lines].join('\n') + '\n'
}

const survivalPoints = (rows: Row[]): SurvivalPoint[] =>
  rows.map((r) => ({ param: r.param, k: r.k, headroom: r.headroom, profile: r.profile, method: r.method, survival: 100 * r.survivalMean }))

export async function runMoe(values: Values, log: (line: string) => void, progress: (message: string) => void): Promise<void> {
  const seeds = values.seeds as number
  const out = values.out as string
  const results: Results = { experiments: [] }
  for (const experiment of EXPERIMENTS) {
    const rows = runExperiment(experiment, seeds, METHODS, progress)
    results.experiments.push({ name: experiment.name, rows })
    printExperiment(experiment, rows, log)
  }
  const serving = runServing(seeds, METHODS, progress)
  results.experiments.push({ name: 'serving', rows: serving })
  printServing(serving, log)
  const lowest = lowestStrideShare(results)
  log(`stride reaches at least ${percent(lowest.share)}% of the bound everywhere (lowest: ${lowest.experiment} ${lowest.param})`)

  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'moe.json'), JSON.stringify(results, null, 2) + '\n')
  writeFileSync(join(out, 'moe.csv'), toCsv(results))
  const charts = EXPERIMENTS.map((experiment, i) => experimentChart(experiment, survivalPoints(results.experiments[i].rows), seeds))
  const plots: [string, ChartSpec][] = [
    ...EXPERIMENTS.map((experiment, i): [string, ChartSpec] => [experiment.name, charts[i]]),
    ['summary', summaryChart(charts)],
    ['serving', servingChart(survivalPoints(serving), seeds)],
  ]
  const files = [join(out, 'moe.json'), join(out, 'moe.csv')]
  for (const [name, chart] of plots) {
    progress(`plotting ${name}`)
    const file = join(out, `moe-${name}.png`)
    await writeChartPng(chart, file)
    files.push(file)
  }
  log(`Wrote ${files.join(', ')}`)
}
