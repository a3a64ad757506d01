// Quality of gate's capacity policies against exact optima (__test__/support/gate-flow.js):
// slots kept and score mass kept (the sum of the kept slots' scores) by
// drop/score, drop/position, reroute/score, reroute/position and maximize
// (slotShare 0.99, priority by score), on synthetic
// gates with skewed expert popularity:
//
// - Zipf: expert of popularity rank r (a random permutation) gets the logit
//   offset -ln r, plus Gumbel noise per token and expert, so that a token's
//   first choice is expert r with probability proportional to 1/r (Zipf, s = 1);
//   softmax, (E, k) in (16, 2), (64, 2), (64, 8);
// - DeepSeek-like: E = 256, k = 8, 8 groups of which 4 are eligible, sigmoid
//   scoring, a bias in [-0.02, 0.02], the same Zipf offsets.
//
// Caps: capacity factor f in 1.0, 1.25, 1.5 of the mean load T k / E, either
// uniform (ceil(f T k / E) each) or heterogeneous (each expert's share drawn
// from [0.5, 1.5] and scaled to the same total, rounded up).
//
// Eligibility: the optima choose, like reroute, among each token's
// rerouteWithin (default 2k) best eligible experts by selection score (within
// its groups when grouped). maxKept is a max flow (Dinic), maxScore a min-cost
// circulation, and the best score at maximize's slot target (at least
// ceil(0.99 * maxKept)) the same circulation widened by successive shortest
// paths; all exact.
// Run: node benches/gate-quality.js [tokens] [seeds] [within multiple of k]
// Slots against score in the two rows where they conflict most (Zipf E = 64,
// k = 2, factor 1.5): node benches/gate-quality.js pareto [tokens] [seeds]

'use strict'

const { gate } = require('..')
const { maxKept, maxScore } = require('../__test__/support/gate-flow')
const { chooseToken } = require('../__test__/support/gate-reference')
const { mulberry32: random } = require('../__test__/support/mulberry32')

/** maximize's default slotShare. */
const SLOT_SHARE = 0.99

/** Logits: Zipf popularity offsets (-ln rank) plus Gumbel noise. */
function batch(rand, tokens, experts) {
  const rank = [...Array(experts).keys()].map((e) => ({ e, r: rand() })).sort((a, b) => a.r - b.r)
  const offset = new Float64Array(experts)
  rank.forEach(({ e }, r) => {
    offset[e] = -Math.log(r + 1)
  })
  const gumbel = () => -Math.log(-Math.log(rand() * (1 - 2e-12) + 1e-12))
  return Float32Array.from({ length: tokens * experts }, (_, i) => offset[i % experts] + gumbel())
}

function capsFor(rand, tokens, experts, k, factor, kind) {
  const total = factor * tokens * k
  if (kind === 'uniform') return Array(experts).fill(Math.ceil(total / experts))
  const share = Array.from({ length: experts }, () => 0.5 + rand())
  const sum = share.reduce((a, b) => a + b, 0)
  return share.map((s) => Math.ceil((total * s) / sum))
}

/** The score mass of a gate result's kept slots. */
function keptScore(g, candidates, k) {
  let total = 0
  for (let i = 0; i < g.experts.length; i++)
    if (g.experts[i] >= 0) total += candidates[Math.floor(i / k)].find((c) => c.expert === g.experts[i])?.score ?? 0
  return total
}

/** One row's gate inputs and each token's candidates (its `within` best eligible experts). */
function instance({ tokens, experts, k, groups, factor, caps: kind, seed, within }) {
  const rand = random(seed * 7919 + experts)
  const scores = batch(rand, tokens, experts)
  const base = { experts, k }
  if (groups) {
    Object.assign(base, {
      groups,
      scoring: 'sigmoid',
      bias: Float32Array.from({ length: experts }, () => 0.04 * (rand() - 0.5)),
    })
  }
  const caps = capsFor(rand, tokens, experts, k, factor, kind)
  const capacity = Int32Array.from(caps)
  const candidates = []
  for (let t = 0; t < tokens; t++) {
    const { score, order } = chooseToken(scores.subarray(t * experts, (t + 1) * experts), base)
    candidates.push(order.slice(0, within).map((expert) => ({ expert, score: score[expert] })))
  }
  return { scores, base, caps, capacity, candidates }
}

function evaluate(config) {
  const { tokens, k, within = 2 * config.k } = config
  const { scores, base, caps, capacity, candidates } = instance({ ...config, within })
  const best = {
    kept: maxKept(candidates, k, caps),
    score: maxScore(candidates, k, caps),
    slotsFirstScore: maxScore(candidates, k, caps, { slotsFirst: true }),
  }
  // The Pareto bound for maximize: the highest score mass of any assignment that keeps at
  // least its target, ceil(0.99 * most) slots (its default slotShare).
  best.atShare = maxScore(candidates, k, caps, { minSlots: Math.ceil(SLOT_SHARE * best.kept) })
  const rows = []
  for (const overflow of ['drop', 'reroute']) {
    for (const priority of ['score', 'position']) {
      const g = gate(scores, { ...base, capacity, overflow, priority, renormalize: false, rerouteWithin: within })
      rows.push({ policy: `${overflow}/${priority}`, kept: g.kept, score: keptScore(g, candidates, k) })
    }
  }
  const g = gate(scores, { ...base, capacity, overflow: 'maximize', renormalize: false, rerouteWithin: within })
  rows.push({ policy: 'maximize', kept: g.kept, score: keptScore(g, candidates, k) })
  rows.push({ policy: 'most slots, then score (optimum)', kept: best.kept, score: best.slotsFirstScore })
  rows.push({
    policy: "best at maximize's slots (optimum)",
    kept: Math.ceil(SLOT_SHARE * best.kept),
    score: best.atShare,
  })
  return { best, rows, demand: tokens * k }
}

/**
 * Slots against score in one row: for each slot share, the exact best score
 * mass with at least that share of the most slots, and what maximize keeps
 * with that slotShare (both as % of the score optimum).
 */
function pareto(config, shares) {
  const { k } = config
  const within = 2 * k
  const { scores, base, caps, capacity, candidates } = instance({ ...config, within })
  const [most, top] = [maxKept(candidates, k, caps), maxScore(candidates, k, caps)]
  return shares.map((slotShare) => {
    const bound = maxScore(candidates, k, caps, { minSlots: Math.ceil(slotShare * most) })
    const g = gate(scores, { ...base, capacity, overflow: 'maximize', slotShare, renormalize: false })
    return { slotShare, bound: bound / top, maximize: keptScore(g, candidates, k) / top, kept: g.kept / most }
  })
}

/** `node benches/gate-quality.js pareto [tokens] [seeds]`: the two Zipf E = 64, k = 2, factor 1.5 rows. */
function paretoTable(tokens, seeds) {
  const shares = [0.9, 0.95, 0.96, 0.97, 0.98, 0.99]
  // Two decimals: the question is which side of 97% the bound falls.
  const pct = (x) => (100 * x).toFixed(2)
  console.log('| caps | seed | slotShare | best score % at that share | maximize: slots % / score % |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const caps of ['uniform', 'hetero']) {
    for (const seed of seeds) {
      for (const r of pareto({ tokens, experts: 64, k: 2, factor: 1.5, caps, seed }, shares)) {
        console.log(`| ${caps} | ${seed} | ${r.slotShare} | ${pct(r.bound)} | ${pct(r.kept)} / ${pct(r.maximize)} |`)
      }
    }
  }
}

function shapes() {
  return [
    { name: 'Zipf', experts: 16, k: 2 },
    { name: 'Zipf', experts: 64, k: 2 },
    { name: 'Zipf', experts: 64, k: 8 },
    { name: 'DeepSeek', experts: 256, k: 8, groups: { count: 8, topk: 4 } },
  ]
}

if (require.main === module && process.argv[2] === 'pareto') {
  const seeds = [...Array(Number(process.argv[4] ?? 2)).keys()].map((s) => s + 1)
  paretoTable(Number(process.argv[3] ?? 4096), seeds)
} else if (require.main === module) {
  const tokens = Number(process.argv[2] ?? 4096)
  const seeds = [...Array(Number(process.argv[3] ?? 2)).keys()].map((s) => s + 1)
  const multiple = Number(process.argv[4] ?? 2)
  const lines = [
    '| gate | E | k | factor | caps | policy | kept % of demand | kept % of max | score % of max | worst kept % | worst score % |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  const started = Date.now()
  let solver = 0
  for (const shape of shapes()) {
    for (const factor of [1.0, 1.25, 1.5]) {
      for (const caps of ['uniform', 'hetero']) {
        const sums = new Map()
        for (const seed of seeds) {
          const t0 = Date.now()
          const { best, rows, demand } = evaluate({ ...shape, tokens, factor, caps, seed, within: multiple * shape.k })
          solver = Math.max(solver, Date.now() - t0)
          for (const r of rows) {
            const s = sums.get(r.policy) ?? { demand: 0, kept: 0, score: 0, worstKept: Infinity, worstScore: Infinity }
            s.demand += r.kept / demand / seeds.length
            s.kept += r.kept / best.kept / seeds.length
            s.score += r.score / best.score / seeds.length
            s.worstKept = Math.min(s.worstKept, r.kept / best.kept)
            s.worstScore = Math.min(s.worstScore, r.score / best.score)
            sums.set(r.policy, s)
          }
        }
        for (const [policy, s] of sums) {
          const pct = (x) => (100 * x).toFixed(1)
          lines.push(
            `| ${shape.name} | ${shape.experts} | ${shape.k} | ${factor} | ${caps} | ${policy} | ${pct(s.demand)} | ${pct(s.kept)} | ${pct(s.score)} | ${pct(s.worstKept)} | ${pct(s.worstScore)} |`,
          )
        }
      }
    }
  }
  console.log(
    `${tokens} tokens, ${seeds.length} seeds, eligibility: each token's ${multiple}k best eligible experts; ` +
      `slowest instance ${(solver / 1000).toFixed(1)} s, all ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  )
  console.log(lines.join('\n'))
}

module.exports = { evaluate }
