// examples/moe-layer.js: the MoE layer routed by `gate` (scatter by positions,
// expert matmuls, combine by weights) equals a dense computation.
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const { ROOT } = require('./support/run-in-child')
const example = require('../examples/moe-layer')
const { referenceGate } = require('./support/gate-reference')

test('node examples/moe-layer.js runs and reports agreement', () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'examples', 'moe-layer.js')], { encoding: 'utf8' })
  expect(out).toMatch(/drop: kept \d+, dropped [1-9]\d*/)
  for (const line of out.trim().split('\n')) expect(line).toMatch(/max \|dispatch - dense\| = 0$/)
})

test.each([
  { tokens: 64, experts: 8, k: 2, capacity: 20, overflow: 'drop' },
  { tokens: 100, experts: 8, k: 2, capacity: 22, overflow: 'reroute' },
  { tokens: 40, experts: 4, k: 4, capacity: 1000, overflow: 'drop' },
  { tokens: 33, experts: 6, k: 1, capacity: 3, overflow: 'drop', seed: 5 },
])('dispatch equals dense for every kept token: %o', (options) => {
  const { maxDiff } = example.run(options)
  expect(maxDiff).toBeLessThan(1e-9)
})

test('against a fully dense layer with an independent top-k softmax gate', () => {
  const [tokens, d, experts, k] = [48, 8, 6, 2]
  const layer = example.makeLayer({ d, hidden: 12, experts, seed: 3 })
  const x = Float32Array.from({ length: tokens * d }, (_, i) => Math.sin(i * 0.7))
  const { y, gated, logits } = example.moeForward(layer, x, tokens, { k, capacity: 12 })
  const independent = referenceGate(logits, { experts, k, capacity: 12 })
  expect(Array.from(gated.experts)).toEqual(Array.from(independent.experts))
  const dense = example.denseReference(layer, x, tokens, independent, k)
  for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - dense[i])).toBeLessThan(1e-6)
  expect(gated.dropped).toBeGreaterThan(0)
})
