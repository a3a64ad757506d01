// `phase-router moe`: the four experiments of the published MoE capacity
// benchmark over several seeds, for the phase router, hashing, a
// capacity-weighted random pick and the capacity bound. Writes moe.json,
// moe.csv, one plot per experiment and a 2 x 2 summary.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { experimentChart, summaryChart, type SurvivalPoint } from './charts'
import type { Command, Values } from './options'
import { EXPERIMENTS, type Experiment, FIRST_SEED } from './published'
import { writeChartPng } from './render'
import { mean, median, sampleStd } from './stats'
import { type Method, METHODS, runOnce } from './survival'
import { fixed, formatTable, percent } from './table'

export const moeCommand: Command = {
  name: 'moe',
  summary: 'Run the published MoE capacity benchmark (headroom, k, N, profile) over several seeds and plot it.',
  flags: [
    { name: 'seeds', kind: 'int', default: 5, min: 1, max: 1000, help: `seeds per configuration (${FIRST_SEED}, ${FIRST_SEED + 1}, ...)` },
    { name: 'out', kind: 'string', default: 'results', help: 'folder for moe.json, moe.csv and the plots' },
  ],
}

/** One row of moe.json: a configuration and method, summarised over the seeds. */
export interface Row {
  param: number | string
  n: number
  k: number
  headroom: number
  profile: string
  method: Method
  survivalMean: number
  survivalStd: number
  seeds: number
  routeMsMedian: number
}

export interface Results {
  experiments: { name: Experiment['name']; rows: Row[] }[]
}

/** Runs one experiment: every swept value, every method, `seeds` seeds each. */
export function runExperiment(
  experiment: Experiment,
  seeds: number,
  methods: readonly Method[] = METHODS,
  progress: (message: string) => void = () => {},
): Row[] {
  const rows: Row[] = []
  experiment.published.forEach(({ param }, i) => {
    progress(`${experiment.name} ${i + 1}/${experiment.published.length} (${param})`)
    const config = experiment.config(param)
    for (const method of methods) {
      const runs = Array.from({ length: seeds }, (_, s) => runOnce(method, config, FIRST_SEED + s))
      const survival = runs.map((r) => r.survival)
      rows.push({
        param,
        ...config,
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

function printExperiment(experiment: Experiment, rows: Row[], log: (line: string) => void): void {
  const cell = (param: number | string, method: Method) => {
    const row = rows.find((r) => r.param === param && r.method === method)!
    return method === 'bound' ? percent(row.survivalMean) : `${percent(row.survivalMean)} ± ${percent(row.survivalStd)}`
  }
  log(`${experiment.name}: survival % (mean ± std over ${rows[0].seeds} seeds); published = phase/hash, one seed`)
  log(
    formatTable(
      [experiment.name, ...METHODS, 'published'],
      experiment.published.map((p) => [p.param, ...METHODS.map((m) => cell(p.param, m)), `${fixed(p.phase, 1)}/${fixed(p.hash, 1)}`]),
    ),
  )
  log('')
}

function toCsv(results: Results): string {
  const columns: (keyof Row)[] = ['param', 'n', 'k', 'headroom', 'profile', 'method', 'survivalMean', 'survivalStd', 'seeds', 'routeMsMedian']
  const lines = results.experiments.flatMap((e) => e.rows.map((row) => [e.name, ...columns.map((c) => row[c])].join(',')))
  return [['experiment', ...columns].join(','), ...lines].join('\n') + '\n'
}

export async function runMoe(values: Values, log: (line: string) => void, progress: (message: string) => void): Promise<void> {
  const seeds = values.seeds as number
  const out = values.out as string
  const results: Results = { experiments: [] }
  for (const experiment of EXPERIMENTS) {
    const rows = runExperiment(experiment, seeds, METHODS, progress)
    results.experiments.push({ name: experiment.name, rows })
    printExperiment(experiment, rows, log)
  }

  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'moe.json'), JSON.stringify(results, null, 2) + '\n')
  writeFileSync(join(out, 'moe.csv'), toCsv(results))
  const charts = EXPERIMENTS.map((experiment, i) => {
    const points: SurvivalPoint[] = results.experiments[i].rows.map((r) => ({
      param: r.param,
      method: r.method,
      survival: 100 * r.survivalMean,
    }))
    return experimentChart(experiment, points, seeds)
  })
  const files = [join(out, 'moe.json'), join(out, 'moe.csv')]
  for (const [i, experiment] of EXPERIMENTS.entries()) {
    progress(`plotting ${experiment.name}`)
    const file = join(out, `moe-${experiment.name}.png`)
    await writeChartPng(charts[i], file)
    files.push(file)
  }
  const summary = join(out, 'moe-summary.png')
  await writeChartPng(summaryChart(charts), summary)
  files.push(summary)
  log(`Wrote ${files.join(', ')}`)
}
