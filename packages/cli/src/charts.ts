// The Vega-Lite specifications of the CLI's plots. Pure data-to-spec
// functions: rendering lives in render.ts.

import type { Experiment } from './published'
import type { ChartSpec } from './render'
import { METHODS, type Method } from './survival'
import { seedCount } from './table'

/** One colour per method, the same in every chart. */
const COLORS: Record<Method, string> = {
  phase: '#1f77b4',
  hash: '#d62728',
  weighted: '#2ca02c',
  stride: '#ff7f0e',
  greedy: '#000000',
  bound: '#bbbbbb',
}

function methodColors(methods: Method[]) {
  return { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods, range: methods.map((m) => COLORS[m]) } }
}

export interface ExpertPoint {
  expert: number
  capacity: number
  method: 'phase' | 'hash'
  load: number
  hardCap: number
  /** The load a capacity-proportional router expects: N k cap / sum(cap). */
  fairShare: number
}

/**
 * Many experts share a capacity and a load, so the demo charts count the
 * experts at each (capacity, method, value) and draw one circle sized by
 * that count, phase and hash side by side within each capacity.
 */
function demoChart(title: string, points: ExpertPoint[], value: string, yTitle: string, reference: ChartSpec): ChartSpec {
  return {
    title,
    width: 420,
    height: 300,
    data: { values: points },
    layer: [
      {
        transform: [{ aggregate: [{ op: 'count', as: 'experts' }], groupby: ['capacity', 'method', value] }],
        mark: { type: 'circle', opacity: 0.7 },
        encoding: {
          x: { field: 'capacity', type: 'ordinal', title: 'expert capacity (relative)', axis: { labelAngle: 0 } },
          xOffset: { field: 'method', sort: ['phase', 'hash'] },
          y: { field: value, type: 'quantitative', title: yTitle },
          size: { field: 'experts', type: 'quantitative', title: 'experts' },
          color: methodColors(['phase', 'hash']),
        },
      },
      reference,
    ],
  }
}

/** Capacity against routed load, with each capacity's proportional share as a black tick. */
export function loadChart(points: ExpertPoint[], n: number, k: number): ChartSpec {
  return demoChart(
    `Load per expert (N=${n}, k=${k}); black tick: capacity-proportional share`,
    points,
    'load',
    'slots routed to the expert',
    {
      mark: { type: 'tick', color: 'black', thickness: 2 },
      encoding: {
        x: { field: 'capacity', type: 'ordinal' },
        y: { aggregate: 'mean', field: 'fairShare', type: 'quantitative' },
      },
    },
  )
}

/** Capacity against load over hard cap; above the line at 1 slots are dropped. */
export function fillChart(points: ExpertPoint[], n: number, k: number, headroom: number): ChartSpec {
  const withFill = points.map((p) => ({ ...p, fill: p.load / p.hardCap }))
  return demoChart(
    `Load / hard cap per expert (N=${n}, k=${k}, headroom ${headroom}); above 1 is dropped`,
    withFill,
    'fill',
    'load / hard cap',
    { mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { y: { datum: 1 } } },
  )
}

export interface SurvivalPoint {
  param: number | string
  k: number
  headroom: number
  profile: string
  method: Method
  /** Percent. */
  survival: number
}

/**
 * Survival lines, one per method. Stride, greedy and the bound often coincide,
 * so the bound is a wide pale band under the others and greedy a dashed line
 * without points, which leaves stride visible on top of both.
 */
function survivalLayers(measured: SurvivalPoint[], x: ChartSpec, y: ChartSpec): ChartSpec[] {
  const methods = METHODS.filter((m) => measured.some((p) => p.method === m))
  const color = methodColors(methods)
  const only = (included: Method[]) => ({ filter: { field: 'method', oneOf: included } })
  const routers = methods.filter((m) => m !== 'bound' && m !== 'greedy')
  return [
    { transform: [only(['bound'])], mark: { type: 'line', strokeWidth: 7, opacity: 0.8 }, encoding: { x, y, color } },
    { transform: [only(['greedy'])], mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5 }, encoding: { x, y, color } },
    { transform: [only(routers)], mark: { type: 'line', point: true }, encoding: { x, y, color } },
  ]
}

/** What the legend cannot say about how survivalLayers draws the methods. */
const LAYER_KEY = 'wide grey band: capacity bound; dashed black: greedy water-filling (a sequential yardstick)'

const SURVIVAL_AXIS = { field: 'survival', type: 'quantitative', title: 'survival (%)', scale: { zero: false } }

/** Survival against the swept parameter, one line per method, published single-seed figures as hollow diamonds. */
export function experimentChart(experiment: Experiment, measured: SurvivalPoint[], seeds: number): ChartSpec {
  const methods = METHODS.filter((m) => measured.some((p) => p.method === m))
  const published = experiment.published.flatMap((p) => [
    { param: p.param, method: 'phase', survival: p.phase, source: 'published (1 seed)' },
    { param: p.param, method: 'hash', survival: p.hash, source: 'published (1 seed)' },
  ])
  const x =
    experiment.name === 'profile'
      ? {
          field: 'param',
          type: 'ordinal',
          sort: experiment.published.map((p) => p.param),
          title: experiment.label,
          axis: { labelAngle: 0 },
        }
      : {
          field: 'param',
          type: 'quantitative',
          title: experiment.label,
          scale: experiment.name === 'headroom' ? { zero: false } : { type: 'log', base: 2 },
          axis: { values: experiment.published.map((p) => p.param) },
        }
  return {
    title: `Survival vs ${experiment.label.split(' (')[0]} (mean of ${seedCount(seeds)})`,
    width: 360,
    height: 240,
    layer: [
      { data: { values: measured }, layer: survivalLayers(measured, x, SURVIVAL_AXIS) },
      {
        data: { values: published },
        mark: { type: 'point', shape: 'diamond', filled: false, size: 140, strokeWidth: 2 },
        encoding: {
          x,
          y: SURVIVAL_AXIS,
          color: methodColors(methods),
          shape: { field: 'source', type: 'nominal', title: null, scale: { range: ['diamond'] } },
        },
      },
    ],
  }
}

/** The serving sweep: a panel per k (rows) and profile (columns), survival against real headroom. */
export function servingChart(measured: SurvivalPoint[], seeds: number): ChartSpec {
  const headrooms = [...new Set(measured.map((p) => p.headroom))]
  const x = {
    field: 'headroom',
    type: 'quantitative',
    title: 'real total headroom',
    scale: { zero: false },
    axis: { values: headrooms, format: '.2f' },
  }
  return {
    title: {
      text: `Serving: 4096 tokens, 64 experts, caps adding up to headroom x tokens x k (mean of ${seedCount(seeds)})`,
      subtitle: LAYER_KEY,
      fontSize: 15,
    },
    data: { values: measured },
    facet: {
      row: { field: 'k', type: 'ordinal', title: 'k (experts per token)', header: { labelFontSize: 13, titleFontSize: 13 } },
      column: {
        field: 'profile',
        type: 'nominal',
        sort: [...new Set(measured.map((p) => p.profile))],
        title: 'capacity profile',
        header: { labelFontSize: 13, titleFontSize: 13 },
      },
    },
    spec: { width: 240, height: 180, layer: survivalLayers(measured, x, SURVIVAL_AXIS) },
    resolve: { scale: { y: 'independent' } },
  }
}

/** The four experiment charts in a 2 x 2 grid. */
export function summaryChart(charts: ChartSpec[]): ChartSpec {
  return {
    title: { text: 'MoE capacity benchmark: survival after hard caps', subtitle: LAYER_KEY, fontSize: 16 },
    columns: 2,
    concat: charts,
  }
}

export interface TimingPoint {
  /** The swept parameter (n, k, density or threads). */
  x: number
  method: string
  /** Median milliseconds per call. */
  ms: number
}

/**
 * Median time per call against a swept parameter, one line per method, for
 * docs/performance.md (scripts/perf-report.js). Times span five orders of
 * magnitude, so y is logarithmic; `methods` fixes the legend order and, being
 * the same list in every chart, each method's colour.
 */
export function timingChart(title: string, xTitle: string, points: TimingPoint[], methods: string[], logX: boolean): ChartSpec {
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b)
  const format = xs.every(Number.isInteger) ? 'd' : '.2~f'
  return {
    title,
    width: 420,
    height: 280,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: xTitle,
        scale: logX ? { type: 'log', base: 2 } : { zero: false },
        axis: { values: xs, format },
      },
      y: { field: 'ms', type: 'quantitative', title: 'median ms per call (log)', scale: { type: 'log' } },
      color: { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods, scheme: 'category10' } },
    },
  }
}
