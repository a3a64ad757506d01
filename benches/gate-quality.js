// Quality of gate's capacity policies against exact optima (benches/gate-flow.js):
// slots kept, and total score of the kept slots, for drop and reroute with
// priority by score or position, on batches whose caps bind (skewed expert
// popularity, capacity factor 1.0 and 1.25). The optima choose among the same
// candidates as reroute: each token's rerouteWithin (2k) best experts.
// Run: node benches/gate-quality.js [tokens]

'use strict'

const { gate } = require('..')
const { maxKept, maxScore } = require('./gate-flow')
const { chooseToken } = require('../__test__/support/gate-reference')

function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Logits with a per-expert popularity offset, so that some experts are over-demanded. */
function batch(seed, tokens, experts, skew) {
  const rand = random(seed)
  const popularity = Array.from({ length: experts }, () => skew * (rand() + rand() + rand() - 1.5))
  return Float32Array.from({ length: tokens * experts }, (_, i) => popularity[i % experts] + 2 * (rand() - 0.5))
}

function evaluate({ tokens, experts, k, factor, skew, seed }) {
  const scores = batch(seed, tokens, experts, skew)
  const capacity = Math.ceil((factor * tokens * k) / experts)
  const within = 2 * k
  const candidates = []
  for (let t = 0; t < tokens; t++) {
    const { score, order } = chooseToken(scores.subarray(t * experts, (t + 1) * experts), {})
    candidates.push(order.slice(0, within).map((expert) => ({ expert, score: score[expert] })))
  }
  const caps = Array(experts).fill(capacity)
  const best = { kept: maxKept(candidates, k, caps), score: maxScore(candidates, k, caps) }
  const rows = []
  for (const overflow of ['drop', 'reroute']) {
    for (const priority of ['score', 'position']) {
      const g = gate(scores, { experts, k, capacity, overflow, priority, renormalize: false })
      let total = 0
      for (const w of g.weights) total += w
      rows.push({ policy: `${overflow}/${priority}`, kept: g.kept, score: total })
    }
  }
  return { best, rows, demand: tokens * k }
}

if (require.main === module) {
  const tokens = Number(process.argv[2] ?? 1024)
  const configs = []
  for (const [experts, k] of [
    [16, 2],
    [64, 2],
    [64, 8],
  ]) {
    for (const factor of [1.0, 1.25]) configs.push({ tokens, experts, k, factor, skew: 0.75 })
  }
  const lines = [
    '| E | k | factor | policy | kept % of demand | kept % of max | score % of max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const config of configs) {
    const seeds = [1, 2, 3]
    const sums = new Map()
    for (const seed of seeds) {
      const { best, rows, demand } = evaluate({ ...config, seed })
      for (const r of rows) {
        const s = sums.get(r.policy) ?? { demand: 0, kept: 0, keptOfMax: 0, scoreOfMax: 0 }
        s.demand += r.kept / demand / seeds.length
        s.keptOfMax += r.kept / best.kept / seeds.length
        s.scoreOfMax += r.score / best.score / seeds.length
        sums.set(r.policy, s)
      }
    }
    for (const [policy, s] of sums) {
      const pct = (x) => (100 * x).toFixed(1)
      lines.push(
        `| ${config.experts} | ${config.k} | ${config.factor} | ${policy} | ${pct(s.demand)} | ${pct(s.keptOfMax)} | ${pct(s.scoreOfMax)} |`,
      )
    }
  }
  console.log(`${tokens} tokens, skewed popularity, 3 seeds, optima over each token's 2k best experts\n`)
  console.log(lines.join('\n'))
}

module.exports = { evaluate }
