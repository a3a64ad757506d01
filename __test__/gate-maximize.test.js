// overflow: 'maximize' against the exact maximum number of slots (max flow,
// support/gate-flow.js) and the JavaScript transcription of the scores and
// candidates (support/gate-reference.js): caps, positions, the share of the
// maximum, slot order, weights, thread counts and option checks.
const { gate, gateAsync } = require('..')
const { maxKept } = require('./support/gate-flow')
const { chooseToken, referenceGate } = require('./support/gate-reference')
const { runInChild } = require('./support/run-in-child')
const { mulberry32: rng } = require('./support/mulberry32')

/**
 * Logits with Zipf-like expert popularity (expert e gets -ln(1 + rank), so that caps bind) plus
 * Gumbel noise rounded to quarters (so that ties occur).
 */
function logits(random, tokens, experts) {
  const skew = Array.from({ length: experts }, (_, e) => -Math.log(1 + ((e * 7) % experts)))
  const gumbel = () => -Math.log(-Math.log(random() * (1 - 2e-12) + 1e-12))
  return Float32Array.from({ length: tokens * experts }, (_, i) => skew[i % experts] + Math.round(gumbel() * 4) / 4)
}

function capsOf(options) {
  const { experts: E, capacity } = options
  return typeof capacity === 'number' ? Array(E).fill(capacity) : Array.from(capacity)
}

/** Each token's candidates for rerouting and maximizing: its `rerouteWithin` best eligible experts. */
function candidatesOf(scores, options) {
  const { experts: E, k } = options
  const tokens = []
  for (let t = 0; t < scores.length / E; t++) tokens.push(chooseToken(scores.subarray(t * E, (t + 1) * E), options))
  const within = Math.min(options.rerouteWithin ?? 2 * k, tokens[0].order.length)
  return { tokens, lists: tokens.map((tok) => tok.order.slice(0, within).map((expert) => ({ expert, score: tok.score[expert] }))) }
}

/** Caps, positions a permutation per expert, slots in candidate order then -1s, weights as for reroute. */
function checkResult(scores, options, g) {
  const { experts: E, k } = options
  const caps = capsOf(options)
  const { tokens, lists } = candidatesOf(scores, options)
  const seen = Array.from({ length: E }, () => [])
  g.experts.forEach((e, i) => {
    if (e >= 0) seen[e].push(g.positions[i])
  })
  seen.forEach((positions, e) => {
    expect(positions.length).toBeLessThanOrEqual(caps[e])
    expect(positions.length).toBe(g.counts[e])
    expect(positions.sort((a, b) => a - b)).toEqual([...positions.keys()])
  })
  for (let t = 0; t < tokens.length; t++) {
    const slots = Array.from(g.experts.subarray(t * k, (t + 1) * k))
    const held = slots.filter((e) => e >= 0)
    const order = lists[t].map((c) => c.expert)
    // Best first among the candidates (decreasing selection score), then -1s.
    expect(slots).toEqual([...order.filter((e) => held.includes(e)), ...Array(k - held.length).fill(-1)])
    let sum = 0
    for (const e of held) sum += tokens[t].score[e]
    slots.forEach((e, i) => {
      const expected = e < 0 ? 0 : Math.fround(options.renormalize === false ? tokens[t].score[e] : tokens[t].score[e] / sum)
      if (g.weights[t * k + i] !== expected) throw new Error(`token ${t} slot ${i}: weight ${g.weights[t * k + i]}, expected ${expected}`)
      if (e < 0) expect(g.positions[t * k + i]).toBe(-1)
    })
  }
  return { most: maxKept(lists, k, caps) }
}

function randomCase(random, round) {
  const shapes = [
    [4, 1],
    [6, 2],
    [8, 2],
    [8, 3],
    [16, 4],
  ]
  const [experts, k] = shapes[round % shapes.length]
  const tokens = 5 + Math.floor(random() * 60)
  const mean = (tokens * k) / experts
  const options = { experts, k, overflow: 'maximize' }
  if (round % 2 === 0) options.capacity = Int32Array.from({ length: experts }, () => Math.floor(mean * 1.6 * random()))
  else options.capacity = Math.floor(mean * (0.8 + random() * 0.5))
  if (round % 3 === 0) options.rerouteWithin = k + 1 + Math.floor(random() * 3)
  if (round % 4 === 1) {
    options.scoring = 'sigmoid'
    options.bias = Float32Array.from({ length: experts }, () => (random() - 0.5) * 0.2)
  }
  if (round % 5 === 2) options.renormalize = false
  return { scores: logits(random, tokens, experts), options }
}

describe("overflow: 'maximize'", () => {
  // The cases must exercise the augmenting paths, not only the greedy: at 0.9 the greedy is
  // usually enough, so fewer rounds augment.
  test.each([
    [1, 15],
    [0.99, 15],
    [0.9, 2],
  ])('keeps at least ceil(slotShare * most) slots, never more than the most (slotShare %p)', (slotShare, rounds) => {
    const random = rng(Math.round(slotShare * 100))
    let augmented = 0
    for (let round = 0; round < 80; round++) {
      const { scores, options } = randomCase(random, round)
      const g = gate(scores, { ...options, slotShare })
      const { most } = checkResult(scores, options, g)
      const rerouted = gate(scores, { ...options, overflow: 'reroute' })
      expect(g.kept).toBeGreaterThanOrEqual(Math.max(Math.ceil(slotShare * most), rerouted.kept))
      expect(g.kept).toBeLessThanOrEqual(most)
      expect(g.kept + g.dropped).toBe(g.experts.length)
      if (g.kept > rerouted.kept) augmented++
    }
    expect(augmented).toBeGreaterThanOrEqual(rounds)
  })

  test('equals reroute when nothing needs augmenting: slotShare 0.5 (reroute keeps at least half the most), or no cap', () => {
    const random = rng(21)
    for (let round = 0; round < 40; round++) {
      const { scores, options } = randomCase(random, round)
      const rerouted = gate(scores, { ...options, overflow: 'reroute' })
      expect(gate(scores, { ...options, slotShare: 0.5 })).toEqual(rerouted)
      const { capacity: _, ...uncapped } = options
      expect(gate(scores, uncapped)).toEqual(gate(scores, { ...uncapped, overflow: 'reroute' }))
    }
  })

  test('moves a token off its best expert to make room for another', () => {
    // Candidates: token 0 experts 0 then 1, token 1 experts 0 then 2; expert 2 has no room.
    const scores = Float32Array.from([5, 1, -9, 4, -9, 1])
    const options = { experts: 3, k: 1, capacity: Int32Array.from([1, 1, 0]), rerouteWithin: 2 }
    expect(Array.from(gate(scores, { ...options, overflow: 'reroute' }).experts)).toEqual([0, -1])
    const g = gate(scores, { ...options, overflow: 'maximize' })
    expect(Array.from(g.experts)).toEqual([1, 0])
    expect(Array.from(g.positions)).toEqual([0, 0])
    expect(Array.from(g.counts)).toEqual([1, 1, 0])
    expect(referenceGate(scores, { ...options, overflow: 'reroute' }).kept).toBe(1)
  })

  test('a larger batch with groups, bias and sigmoid scoring', () => {
    const random = rng(8)
    const [tokens, experts, k] = [1500, 32, 4]
    const scores = logits(random, tokens, experts)
    const bias = Float32Array.from({ length: experts }, () => (random() - 0.5) * 0.05)
    const options = { experts, k, bias, groups: { count: 8, topk: 4 }, scoring: 'sigmoid', capacity: 170, overflow: 'maximize' }
    const g = gate(scores, options)
    const { most } = checkResult(scores, options, g)
    const rerouted = gate(scores, { ...options, overflow: 'reroute' })
    expect(rerouted.kept).toBeLessThan(Math.ceil(0.99 * most))
    expect(g.kept).toBe(Math.ceil(0.99 * most))
  })

  test('the same output at every thread count', () => {
    const source = `
const { gate } = require('.')
let a = 777
const random = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648)
const [tokens, experts] = [20000, 64]
const scores = Float32Array.from({ length: tokens * experts }, (_, i) => Math.floor(random() * 64) / 8 - (i % experts) / 16)
const g = gate(scores, { experts, k: 2, capacity: 625, overflow: 'maximize', slotShare: 1 })
const r = gate(scores, { experts, k: 2, capacity: 625, overflow: 'reroute' })
let sum = 0
for (let i = 0; i < g.experts.length; i++) sum = (sum * 31 + g.experts[i] + 2 + g.positions[i] * 7 + Math.round(g.weights[i] * 1e6)) % 1000000007
console.log(JSON.stringify([sum, g.kept, r.kept]))`
    const runs = ['1', '2', '4'].map((threads) => runInChild(source, { RAYON_NUM_THREADS: threads }))
    expect(runs[0][1]).toBeGreaterThan(runs[0][2])
    expect(runs[1]).toEqual(runs[0])
    expect(runs[2]).toEqual(runs[0])
  })

  describe('option checks', () => {
    const base = { experts: 2, k: 1, capacity: 1, overflow: 'maximize' }
    const cases = [
      [{ ...base, slotShare: 0 }, RangeError, 'options.slotShare: 0 is not in (0, 1]'],
      [{ ...base, slotShare: 1.01 }, RangeError, 'options.slotShare: 1.01 is not in (0, 1]'],
      [{ ...base, slotShare: -1 }, RangeError, 'options.slotShare'],
      [{ ...base, slotShare: NaN }, RangeError, 'options.slotShare: NaN'],
      [{ ...base, overflow: 'reroute', slotShare: 2 }, RangeError, 'options.slotShare: 2'],
      [{ ...base, slotShare: '0.9' }, TypeError, 'options.slotShare: expected a number, got a string'],
      [{ ...base, overflow: 'maximise' }, RangeError, "options.overflow: 'maximise' is not 'drop', 'reroute' or 'maximize'"],
    ]
    test.each(cases.map((c, i) => [i, ...c]))('case %i', (_i, options, type, message) => {
      const scores = Float32Array.from([1, 2, 3, 4])
      expect(() => gate(scores, options)).toThrow(type)
      expect(() => gate(scores, options)).toThrow(message)
      expect(Array.from(scores)).toEqual([1, 2, 3, 4])
    })

    test('slotShare 1 is allowed', () => {
      expect(gate(Float32Array.from([1, 2, 3, 4]), { ...base, slotShare: 1 }).kept).toBe(2)
    })
  })
})

test('gateAsync maximizes as gate does', async () => {
  const random = rng(31)
  for (let round = 0; round < 10; round++) {
    const { scores, options } = randomCase(random, round)
    expect(await gateAsync(scores, options)).toEqual(gate(scores, options))
  }
  await expect(gateAsync(new Float32Array(4), { experts: 2, k: 1, capacity: 1, overflow: 'maximize', slotShare: 0 })).rejects.toThrow(
    RangeError,
  )
})
