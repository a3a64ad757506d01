// gate, gateAsync and updateBias against a plain JavaScript transcription of
// their semantics (support/gate-reference.js), on random inputs full of ties.
const { gate, gateAsync, updateBias } = require('..')
const { referenceGate, referenceUpdateBias } = require('./support/gate-reference')
const { runInChild } = require('./support/run-in-child')
const { mulberry32: rng } = require('./support/mulberry32')

/** Logits: few levels (ties between experts and tokens), continuous values, or all-equal rows. */
function logits(random, tokens, experts, kind) {
  const out = new Float32Array(tokens * experts)
  for (let t = 0; t < tokens; t++) {
    const flat = kind === 'mixed' && random() < 0.15
    const copy = kind !== 'continuous' && t > 0 && random() < 0.2
    for (let e = 0; e < experts; e++) {
      const at = t * experts + e
      if (flat) out[at] = 0.25
      else if (copy) out[at] = out[at - experts]
      else if (kind === 'continuous') out[at] = (random() - 0.5) * 8
      else out[at] = Math.floor(random() * 4) * 0.5 - 1
    }
  }
  return out
}

/** A random configuration covering every option. */
function config(random, round) {
  const shapes = [
    [4, 1],
    [4, 4],
    [6, 2],
    [8, 2],
    [8, 3],
    [16, 4],
    [12, 12],
  ]
  const [experts, k] = shapes[round % shapes.length]
  const tokens = 1 + Math.floor(random() * 30)
  const options = { experts, k }
  if (random() < 0.5) options.scoring = 'sigmoid'
  if (random() < 0.5) options.bias = Float32Array.from({ length: experts }, () => (random() - 0.5) * 0.3)
  if (experts % 2 === 0 && random() < 0.4) {
    const count = [2, experts / 2].find((c) => c >= 1 && (experts / c) * c >= k && c > 1) ?? 2
    const size = experts / count
    const topk = Math.max(1, Math.min(count, Math.ceil(k / size) + Math.floor(random() * 2)))
    options.groups = { count, topk }
  }
  if (random() < 0.3) options.renormalize = false
  if (random() < 0.3) options.scale = 2.5
  const capRoll = random()
  if (capRoll < 0.4) options.capacity = Math.floor(random() * ((tokens * k) / experts + 2))
  else if (capRoll < 0.8) options.capacity = Int32Array.from({ length: experts }, () => Math.floor(random() * 5))
  if (random() < 0.5) options.overflow = 'reroute'
  if (random() < 0.5) options.priority = 'position'
  if (options.overflow === 'reroute' && random() < 0.5) options.rerouteWithin = k + Math.floor(random() * 3)
  const kind = ['levels', 'continuous', 'mixed'][round % 3]
  return { options, scores: logits(random, tokens, experts, kind) }
}

function expectSameGate(actual, expected, label) {
  expect({ label, experts: Array.from(actual.experts) }).toEqual({ label, experts: Array.from(expected.experts) })
  expect(Array.from(actual.positions)).toEqual(Array.from(expected.positions))
  expect(Array.from(actual.counts)).toEqual(Array.from(expected.counts))
  expect([actual.kept, actual.dropped]).toEqual([expected.kept, expected.dropped])
  for (let i = 0; i < expected.weights.length; i++) {
    const [a, b] = [actual.weights[i], expected.weights[i]]
    if (a !== b) throw new Error(`${label}: weights[${i}] = ${a}, expected ${b} (the same exp and sums: bit-equal)`)
  }
}

/** Caps respected, positions a permutation per expert, and (reroute by score) no blocking pair. */
function checkInvariants(scores, options, result) {
  const { experts: E, k } = options
  const T = scores.length / E
  const caps =
    options.capacity === undefined
      ? Array(E).fill(Infinity)
      : typeof options.capacity === 'number'
        ? Array(E).fill(options.capacity)
        : Array.from(options.capacity)
  const seen = Array.from({ length: E }, () => [])
  result.experts.forEach((e, i) => {
    if (e >= 0) seen[e].push(result.positions[i])
    else expect([result.positions[i], result.weights[i]]).toEqual([-1, 0])
  })
  seen.forEach((positions, e) => {
    expect(positions.length).toBeLessThanOrEqual(caps[e])
    expect(positions.length).toBe(result.counts[e])
    expect(positions.sort((a, b) => a - b)).toEqual([...positions.keys()])
  })
  if (options.overflow !== 'reroute' || options.capacity === undefined) return
  const { tokens } = referenceGate(scores, options)
  const within = Math.min(options.rerouteWithin ?? 2 * k, tokens[0]?.order.length ?? 0)
  // Either priority: maximal, no token with a free slot next to a candidate with free room.
  for (let t = 0; t < T; t++) {
    const held = Array.from(result.experts.subarray(t * k, (t + 1) * k)).filter((e) => e >= 0)
    if (held.length === k) continue
    for (const e of tokens[t].order.slice(0, within)) {
      if (!held.includes(e) && result.counts[e] < caps[e]) throw new Error(`token ${t} could still take expert ${e}`)
    }
  }
  if ((options.priority ?? 'score') !== 'score') return
  const weakest = Array(E).fill(Infinity)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < k; i++) {
      const e = result.experts[t * k + i]
      if (e >= 0) weakest[e] = Math.min(weakest[e], tokens[t].score[e])
    }
  }
  for (let t = 0; t < T; t++) {
    const held = Array.from(result.experts.subarray(t * k, (t + 1) * k)).filter((e) => e >= 0)
    for (const e of tokens[t].order.slice(0, within)) {
      if (held.includes(e)) continue
      const sel = tokens[t].selection[e]
      const wants = held.length < k || held.some((h) => tokens[t].selection[h] < sel)
      const open = result.counts[e] < caps[e] || weakest[e] < tokens[t].score[e]
      if (wants && open) throw new Error(`token ${t} and expert ${e} block`)
    }
  }
}

describe('gate matches the JavaScript transcription', () => {
  test.each([...Array(8).keys()])('random batches, seed %i', (seed) => {
    const random = rng(1000 + seed)
    for (let round = 0; round < 60; round++) {
      const { options, scores } = config(random, round)
      const label = `seed ${seed} round ${round} ${JSON.stringify({ ...options, bias: !!options.bias, capacity: options.capacity && Array.from([options.capacity].flat()) })}`
      const actual = gate(scores, options)
      expectSameGate(actual, referenceGate(scores, options), label)
      checkInvariants(scores, options, actual)
    }
  })

  test('all-equal rows go to the lowest experts, with equal weights', () => {
    const g = gate(new Float32Array(4 * 8).fill(3), { experts: 8, k: 2 })
    expect(Array.from(g.experts)).toEqual([0, 1, 0, 1, 0, 1, 0, 1])
    expect(Array.from(g.weights)).toEqual(Array(8).fill(0.5))
    expect(Array.from(g.positions)).toEqual([0, 0, 1, 1, 2, 2, 3, 3])
  })

  test('larger batches: drop and reroute, both priorities, groups and bias', () => {
    const random = rng(7)
    const [tokens, experts, k] = [600, 32, 4]
    const scores = logits(random, tokens, experts, 'mixed')
    const bias = Float32Array.from({ length: experts }, () => (random() - 0.5) * 0.05)
    for (const overflow of ['drop', 'reroute']) {
      for (const priority of ['score', 'position']) {
        const options = { experts, k, bias, groups: { count: 8, topk: 3 }, scoring: 'sigmoid', capacity: 70, overflow, priority }
        const actual = gate(scores, options)
        expectSameGate(actual, referenceGate(scores, options), `${overflow} ${priority}`)
        checkInvariants(scores, options, actual)
      }
    }
  })

  test('without a capacity nothing is dropped, and reroute equals drop', () => {
    const scores = logits(rng(3), 50, 8, 'levels')
    const a = gate(scores, { experts: 8, k: 3 })
    const b = gate(scores, { experts: 8, k: 3, overflow: 'reroute' })
    expect(a.dropped).toBe(0)
    expectSameGate(a, b, 'no cap')
  })
})

describe('gateAsync', () => {
  test('resolves to what gate returns', async () => {
    const random = rng(11)
    for (let round = 0; round < 10; round++) {
      const { options, scores } = config(random, round)
      expectSameGate(await gateAsync(scores, options), gate(scores, options), `round ${round}`)
    }
  })

  test('checks and copies its inputs before it starts', async () => {
    const scores = Float32Array.from([1, 2, 3, 4])
    const pending = gateAsync(scores, { experts: 2, k: 1 })
    scores.fill(0)
    expect(Array.from((await pending).experts)).toEqual([1, 1])
    await expect(gateAsync(Float32Array.from([1, NaN]), { experts: 2, k: 1 })).rejects.toThrow(RangeError)
    await expect(gateAsync([1, 2], { experts: 2, k: 1 })).rejects.toThrow(TypeError)
  })

  test('an aborted signal rejects with an AbortError', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(gateAsync(new Float32Array(4), { experts: 2, k: 1, signal: controller.signal })).rejects.toThrow(/aborted/)
  })
})

describe("gate into the caller's arrays (options.out)", () => {
  /** Result arrays for `options`, filled with junk a reused buffer could hold. */
  function outFor(scores, options) {
    const slots = (scores.length / options.experts) * options.k
    return {
      experts: new Int32Array(slots).fill(7),
      weights: new Float32Array(slots).fill(0.5),
      positions: new Int32Array(slots).fill(7),
      counts: new Int32Array(options.experts).fill(7),
    }
  }

  test('overwrites the arrays with what gate returns, and returns them', () => {
    const random = rng(23)
    for (let round = 0; round < 40; round++) {
      const { options, scores } = config(random, round)
      const out = outFor(scores, options)
      const result = gate(scores, { ...options, out })
      expect([result.experts, result.weights, result.positions, result.counts]).toEqual([
        out.experts,
        out.weights,
        out.positions,
        out.counts,
      ])
      expect(result.experts).toBe(out.experts)
      expect(result.counts).toBe(out.counts)
      const fresh = gate(scores, options)
      expectSameGate(result, fresh, `round ${round}`)
      expect(Array.from(out.weights)).toEqual(Array.from(fresh.weights))
      expect(Array.from(out.positions)).toEqual(Array.from(fresh.positions))
      expect([result.kept, result.dropped]).toEqual([fresh.kept, fresh.dropped])
    }
  })

  test('checks the arrays before any work and leaves them alone on an error', () => {
    const scores = Float32Array.from([4, 3, 0, 0, 4, 3, 0, 0, 0, 0, 1, 2])
    const options = { experts: 4, k: 2, capacity: 1 }
    const out = outFor(scores, options)
    const bad = (patch) => () => gate(scores, { ...options, out: { ...out, ...patch } })
    expect(bad({ positions: new Int32Array(5) })).toThrow(new RangeError('options.out.positions: length 5 does not match 6'))
    expect(bad({ counts: new Int32Array(6) })).toThrow(new RangeError('options.out.counts: length 6 does not match 4'))
    expect(bad({ weights: new Float64Array(6) })).toThrow(new TypeError('options.out.weights: expected a Float32Array, got a Float64Array'))
    expect(bad({ experts: [0, 0, 0, 0, 0, 0] })).toThrow(new TypeError('options.out.experts: expected an Int32Array, got a plain Array'))
    expect(() => gate(scores, { ...options, out: 3 })).toThrow(TypeError)
    // Two results in one buffer, or a result over an input: refused, nothing written.
    const shared = new Int32Array(12).fill(7)
    expect(bad({ experts: shared.subarray(0, 6), positions: shared.subarray(5, 11) })).toThrow(
      /options.out.positions: must not share memory/,
    )
    const over = new Float32Array(scores.buffer, 0, 6)
    expect(bad({ weights: over })).toThrow(/options.out.weights: must not share memory/)
    expect(Array.from(shared)).toEqual(new Array(12).fill(7))
    expect(Array.from(scores)).toEqual([4, 3, 0, 0, 4, 3, 0, 0, 0, 0, 1, 2])
    expect(Array.from(out.experts)).toEqual(new Array(6).fill(7))
    // Adjacent views of one buffer share no byte: accepted.
    const adjacent = gate(scores, { ...options, out: { ...out, experts: shared.subarray(0, 6), positions: shared.subarray(6, 12) } })
    expect(Array.from(adjacent.experts)).toEqual([0, 1, -1, -1, 3, 2])
    expect(Array.from(shared.subarray(6, 12))).toEqual([0, 0, -1, -1, 0, 0])
  })

  test('a batch past a million slots (its arrays made natively) gives what gate gives into out', () => {
    const [tokens, experts, k] = [(1 << 19) + 1, 4, 2]
    const random = rng(5)
    const scores = Float32Array.from({ length: tokens * experts }, () => Math.floor(random() * 8) / 2)
    const options = { experts, k, capacity: Math.floor((tokens * k) / experts) - 1000 }
    const made = gate(scores, options)
    const out = outFor(scores, options)
    const into = gate(scores, { ...options, out })
    expect(made.experts).not.toBe(out.experts)
    expect([made.kept, made.dropped]).toEqual([into.kept, into.dropped])
    expect(made.dropped).toBeGreaterThan(0)
    // Byte for byte (jest's deep equality is slow on a million elements).
    const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
    for (const field of ['experts', 'weights', 'positions', 'counts']) {
      expect({ field, same: bytes(made[field]).equals(bytes(into[field])) }).toEqual({ field, same: true })
    }
  })

  test('gateAsync refuses it: it always returns new arrays', async () => {
    const scores = new Float32Array(4)
    const options = { experts: 2, k: 1 }
    await expect(gateAsync(scores, { ...options, out: outFor(scores, options) })).rejects.toThrow(TypeError)
  })
})

describe('bad input', () => {
  const cases = [
    [Float32Array.from([0, Infinity]), { experts: 2, k: 1 }, RangeError, 'scores[1]: Infinity is not a finite number'],
    [new Float32Array(5), { experts: 2, k: 1 }, RangeError, 'scores: length 5 is not a multiple of options.experts = 2'],
    [new Float32Array(4), { experts: 2, k: 3 }, RangeError, 'options.k: 3 exceeds options.experts = 2'],
    [
      new Float32Array(6),
      { experts: 6, k: 1, groups: { count: 4, topk: 1 } },
      RangeError,
      'options.groups.count: 4 does not divide 6 experts',
    ],
    [
      new Float32Array(6),
      { experts: 6, k: 3, groups: { count: 3, topk: 1 } },
      RangeError,
      'options.groups.topk: 1 groups of 2 experts cannot supply k = 3 experts',
    ],
    [new Float32Array(2), { experts: 2, k: 1, capacity: Int32Array.from([2, -1]) }, RangeError, 'options.capacity[1]: -1 is negative'],
    [new Float32Array(2), { experts: 2, k: 1, capacity: -1 }, RangeError, 'options.capacity'],
    [
      new Float32Array(2),
      { experts: 2, k: 1, bias: Float32Array.from([0, NaN]) },
      RangeError,
      'options.bias[1]: NaN is not a finite number',
    ],
    [new Float32Array(2), { experts: 2, k: 1, bias: new Float32Array(3) }, RangeError, 'options.bias: length 3'],
    [new Float32Array(2), { experts: 2, k: 1, scoring: 'tanh' }, RangeError, "options.scoring: 'tanh'"],
    [new Float32Array(2), { experts: 2, k: 1, overflow: 'reroute', capacity: 1, rerouteWithin: 0 }, RangeError, 'options.rerouteWithin'],
    [new Float64Array(2), { experts: 2, k: 1 }, TypeError, 'scores: expected a Float32Array, got a Float64Array'],
    [new Float32Array(2), { experts: '2', k: 1 }, TypeError, 'options.experts: expected a number'],
    [new Float32Array(2), { experts: 2, k: 1, bias: [0, 0] }, TypeError, 'options.bias: expected a Float32Array'],
    [new Float32Array(2), { experts: 2, k: 1, capacity: [1, 1] }, TypeError, 'options.capacity: expected a number or an Int32Array'],
    [new Float32Array(2), undefined, TypeError, 'options: expected an options object'],
  ]
  test.each(cases.map((c, i) => [i, ...c]))('case %i', (_i, scores, options, type, message) => {
    expect(() => gate(scores, options)).toThrow(type)
    expect(() => gate(scores, options)).toThrow(message)
  })
})

test('the same output at every thread count', () => {
  const source = `
const { gate } = require('.')
let a = 12345
const random = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648)
const [tokens, experts] = [20000, 64]
const scores = Float32Array.from({ length: tokens * experts }, () => Math.floor(random() * 64) / 8)
const bias = Float32Array.from({ length: experts }, () => random() / 50)
const out = []
for (const overflow of ['drop', 'reroute']) {
  const g = gate(scores, { experts, k: 4, bias, groups: { count: 8, topk: 4 }, capacity: 1300, overflow })
  let sum = 0
  for (let i = 0; i < g.experts.length; i++) sum = (sum * 31 + g.experts[i] + 2 + g.positions[i] * 7 + Math.round(g.weights[i] * 1e6)) % 1000000007
  out.push(sum, g.kept)
}
console.log(JSON.stringify(out))`
  const sums = ['1', '2', '4'].map((threads) => runInChild(source, { RAYON_NUM_THREADS: threads }))
  expect(sums[1]).toEqual(sums[0])
  expect(sums[2]).toEqual(sums[0])
})

describe('updateBias', () => {
  test('matches bias + rate * sign(mean - counts)', () => {
    const random = rng(5)
    for (let round = 0; round < 20; round++) {
      const E = 1 + Math.floor(random() * 20)
      const bias = Float32Array.from({ length: E }, () => random() - 0.5)
      const counts = Int32Array.from({ length: E }, () => Math.floor(random() * 4))
      const updated = updateBias(bias, counts, 0.001)
      expect(updated).toBeInstanceOf(Float32Array)
      expect(Array.from(updated)).toEqual(Array.from(referenceUpdateBias(bias, counts, 0.001)))
    }
  })

  test('checks its arguments', () => {
    expect(() => updateBias([0], [1], 0.1)).toThrow(TypeError)
    expect(() => updateBias(new Float32Array(2), [1], 0.1)).toThrow('counts: length 1 does not match bias length 2')
    expect(() => updateBias(new Float32Array(1), [-1], 0.1)).toThrow(RangeError)
    expect(() => updateBias(new Float32Array(1), [1], NaN)).toThrow('rate: NaN is not a finite number')
  })

  test('balances load over a few steps', () => {
    // Expert 0 always wins without a bias; the bias moves load to the others.
    const random = rng(9)
    const [tokens, experts] = [256, 8]
    let bias = new Float32Array(experts)
    let last
    for (let step = 0; step < 200; step++) {
      const scores = Float32Array.from({ length: tokens * experts }, (_, i) => (i % experts === 0 ? 1 : 0) + random() * 0.5)
      const g = gate(scores, { experts, k: 2, bias, scoring: 'sigmoid' })
      bias = updateBias(bias, g.counts, 0.002)
      last = g.counts
    }
    expect(Math.max(...last)).toBeLessThan((2 * tokens * 2) / experts)
  })
})
