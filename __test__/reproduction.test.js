// The published MoE benchmark, reproduced: for the phase router and the hash
// baseline, every multi-seed mean must lie within TOLERANCE_PP percentage
// points of the published single-seed figure (docs/algorithm.md#the-published-benchmark). Three seeds
// instead of the CLI's five keep the test short; the protocol is the same.
const { EXPERIMENTS, TOLERANCE_PP } = require('phase-router-cli/lib/published.js')
const { runExperiment } = require('phase-router-cli/lib/moe.js')

const SEEDS = 3

describe.each(EXPERIMENTS.map((e) => [e.name, e]))('experiment %s', (_, experiment) => {
  const rows = runExperiment(experiment, SEEDS, ['phase', 'hash'])
  test.each(experiment.published.flatMap((p) => ['phase', 'hash'].map((method) => [p.param, method, p[method]])))(
    '%s %s is within the tolerance of the published %s%%',
    (param, method, published) => {
      const row = rows.find((r) => r.param === param && r.method === method)
      expect(row.seeds).toBe(SEEDS)
      expect(Math.abs(100 * row.survivalMean - published)).toBeLessThanOrEqual(TOLERANCE_PP)
    },
  )
})
