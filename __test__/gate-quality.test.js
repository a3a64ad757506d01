// gate's capacity policies against exact optima (support/gate-flow.js): the
// flow solver is checked by brute force on tiny cases, then rerouting is
// shown maximal (at least half the optimum, never above it).
const { gate } = require('..')
const { maxKept, maxScore } = require('./support/gate-flow')
const { evaluate } = require('../benches/gate-quality')

function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    return a / 4294967296
  }
}

/**
 * Every assignment of at most k of each token's candidates, by enumeration:
 * the most slots, the highest score, and the highest score at each slot count.
 */
function bruteForce(candidates, k, caps) {
  let best = { kept: 0, score: 0, atSlots: [] }
  const load = caps.map(() => 0)
  const visit = (t, kept, score) => {
    if (t === candidates.length) {
      best.atSlots[kept] = Math.max(best.atSlots[kept] ?? -Infinity, score)
      best = { ...best, kept: Math.max(best.kept, kept), score: Math.max(best.score, score) }
      return
    }
    const list = candidates[t]
    for (let mask = 0; mask < 1 << list.length; mask++) {
      const chosen = list.filter((_, i) => mask & (1 << i))
      if (chosen.length > k || chosen.some((c) => load[c.expert] >= caps[c.expert])) continue
      chosen.forEach((c) => load[c.expert]++)
      visit(t + 1, kept + chosen.length, score + chosen.reduce((s, c) => s + c.score, 0))
      chosen.forEach((c) => load[c.expert]--)
    }
  }
  visit(0, 0, 0)
  return best
}

test('the flow optima equal brute force on tiny cases', () => {
  const random = rng(4)
  for (let round = 0; round < 40; round++) {
    const [T, E, k, W] = [1 + Math.floor(random() * 4), 3 + Math.floor(random() * 2), 1 + (round % 2), 3]
    const candidates = Array.from({ length: T }, () => {
      const experts = [...Array(E).keys()].sort(() => random() - 0.5).slice(0, W)
      return experts.map((expert) => ({ expert, score: random() }))
    })
    const caps = Array.from({ length: E }, () => Math.floor(random() * 3))
    const brute = bruteForce(candidates, k, caps)
    expect(maxKept(candidates, k, caps)).toBe(brute.kept)
    expect(maxScore(candidates, k, caps)).toBeCloseTo(brute.score, 9)
  }
})

test('the best score with at least a number of slots equals brute force', () => {
  const random = rng(11)
  let conflicts = 0
  for (let round = 0; round < 300; round++) {
    // Two candidates, the second far below the first, so that the most slots sometimes cost score.
    const [T, E, k, W] = [4 + Math.floor(random() * 3), 4, 1 + (round % 2), 2]
    const candidates = Array.from({ length: T }, () => {
      const experts = [...Array(E).keys()].sort(() => random() - 0.5).slice(0, W)
      return experts.map((expert, i) => ({ expert, score: i === 0 ? 0.5 + 0.5 * random() : 0.2 * random() }))
    })
    const caps = Array.from({ length: E }, () => Math.floor(random() * 3))
    const brute = bruteForce(candidates, k, caps)
    for (let slots = 0; slots <= brute.kept; slots++) {
      const best = Math.max(...brute.atSlots.slice(slots).filter((s) => s !== undefined))
      expect(maxScore(candidates, k, caps, { minSlots: slots })).toBeCloseTo(best, 9)
      if (best < brute.score - 1e-9) conflicts++
    }
    expect(() => maxScore(candidates, k, caps, { minSlots: brute.kept + 1 })).toThrow(RangeError)
  }
  // The cases include ones where more slots cost score (the bound is not just the circulation).
  expect(conflicts).toBeGreaterThan(10)
})

test('with the most slots required, the best score equals the slots-first optimum on larger cases', () => {
  // Two independent routes to one number: widening the circulation to the most slots, and the
  // circulation with a per-slot bonus.
  const random = rng(23)
  for (const [T, E, k, W] of [
    [400, 32, 4, 8],
    [600, 16, 2, 4],
  ]) {
    const candidates = Array.from({ length: T }, () => {
      const experts = [...Array(E).keys()].sort(() => random() - 0.5).slice(0, W)
      return experts.map((expert) => ({ expert, score: random() / (1 + (expert % 7)) }))
    })
    const caps = Array.from({ length: E }, () => Math.floor((random() * 2 * T * k) / E))
    const most = maxKept(candidates, k, caps)
    const slotsFirst = maxScore(candidates, k, caps, { slotsFirst: true })
    expect(maxScore(candidates, k, caps, { minSlots: most })).toBeCloseTo(slotsFirst, 9)
    const atShare = maxScore(candidates, k, caps, { minSlots: Math.ceil(0.99 * most) })
    expect(atShare).toBeGreaterThanOrEqual(slotsFirst - 1e-9)
    expect(atShare).toBeLessThanOrEqual(maxScore(candidates, k, caps) + 1e-9)
  }
})

test('reroute keeps at least half the optimum and never more; reroute/score keeps more than drop', () => {
  const configs = [
    { tokens: 256, experts: 16, k: 2, factor: 1.0, caps: 'uniform' },
    { tokens: 128, experts: 32, k: 4, groups: { count: 4, topk: 2 }, factor: 1.25, caps: 'hetero' },
  ]
  for (const [seed, config] of [
    [1, configs[0]],
    [2, configs[0]],
    [3, configs[1]],
  ]) {
    const { best, rows, demand } = evaluate({ ...config, seed })
    const by = Object.fromEntries(rows.map((r) => [r.policy, r]))
    for (const r of rows) {
      expect(r.kept).toBeLessThanOrEqual(best.kept)
      expect(r.score).toBeLessThanOrEqual(best.score * (1 + 1e-6))
    }
    expect(by['reroute/score'].kept).toBeGreaterThanOrEqual(best.kept / 2)
    expect(by['reroute/score'].kept).toBeGreaterThan(by['drop/score'].kept)
    expect(best.kept).toBeLessThanOrEqual(demand)
  }
})

test('gate with generous caps keeps everything', () => {
  const scores = Float32Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i))
  expect(gate(scores, { experts: 8, k: 2, capacity: 64, overflow: 'reroute' }).dropped).toBe(0)
})
