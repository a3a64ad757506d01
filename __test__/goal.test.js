// The goal of the "beyond the reference" issue, checked on a reduced run:
// `stride` keeps at least 99.5% of the capacity bound on every configuration
// of every experiment. Only stride and the bound run, so all configurations fit.
const { EXPERIMENTS } = require('phase-router-cli/lib/published.js')
const { runExperiment, runServing } = require('phase-router-cli/lib/moe.js')

const SEEDS = 2
const METHODS = ['stride', 'bound']

function pairs(rows) {
  return [...new Set(rows.map((r) => r.param))].map((param) => {
    const of = (method) => rows.find((r) => r.param === param && r.method === method).survivalMean
    return [param, of('stride'), of('bound')]
  })
}

describe('serving', () => {
  test.each(pairs(runServing(SEEDS, METHODS)))('%s: stride %f >= 0.995 x bound %f', (_, stride, bound) => {
    expect(stride).toBeGreaterThanOrEqual(0.995 * bound)
  })
})

describe.each(EXPERIMENTS.map((e) => [e.name, e]))('published %s', (_, experiment) => {
  test.each(pairs(runExperiment(experiment, SEEDS, METHODS)))('%s: stride %f >= 0.995 x bound %f', (_, stride, bound) => {
    expect(stride).toBeGreaterThanOrEqual(0.995 * bound)
  })
})
