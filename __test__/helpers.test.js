// The high-level helpers of docs/algorithm.md#public-api, checked against cases worked out
// by hand and against statistical properties of the router.
const api = require('..')

function pearson(xs, ys) {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my)
    sxx += (xs[i] - mx) ** 2
    syy += (ys[i] - my) ** 2
  }
  return sxy / Math.sqrt(sxx * syy)
}

describe('makeHardCaps', () => {
  test('five targets: ceil(cap / sum * tokens * k * headroom)', () => {
    // sum 16, tokens * k = 16, headroom 1.25: caps are 1.25 * capacity, rounded up.
    expect(api.makeHardCaps([1, 1, 2, 4, 8], 8, 2, 1.25)).toEqual(Int32Array.from([2, 2, 3, 5, 10]))
  })

  test('every target gets at least one slot', () => {
    expect(api.makeHardCaps(Float64Array.from([0, 100]), 4, 1, 1)).toEqual(Int32Array.from([1, 4]))
  })

  test('bad capacities and headroom are RangeErrors', () => {
    expect(() => api.makeHardCaps([1, -1], 4, 1, 1)).toThrow(/^capacities\[1\]: -1 is not a finite number >= 0/)
    expect(() => api.makeHardCaps([0, 0], 4, 1, 1)).toThrow(RangeError)
    expect(() => api.makeHardCaps([1], 4, 1, 0)).toThrow(/^headroom: /)
    expect(() => api.makeHardCaps('1,2', 4, 1, 1)).toThrow(TypeError)
  })
})

describe('enforceCapacity', () => {
  // Five tokens, k = 2, five targets; target 0 holds two slots, the others one.
  const routes = Int32Array.from([0, 1, 0, 2, 0, 3, 4, -1, 4, 0])
  const caps = Int32Array.from([2, 1, 1, 1, 1])

  test('first come, first served in row-major order', () => {
    const before = routes.slice()
    const out = api.enforceCapacity(routes, 2, caps)
    // Token 2's slot on target 0 and both of token 4's slots find their target full.
    expect(out.routes).toEqual(Int32Array.from([0, 1, 0, 2, -1, 3, 4, -1, -1, -1]))
    expect(out.kept).toBe(6)
    expect(out.dropped).toBe(3)
    expect(routes).toEqual(before)
    expect(api.survivalRate(out.routes)).toBeCloseTo(0.6, 12)
  })

  test('routes outside the targets, negative caps and a k that does not divide are RangeErrors', () => {
    expect(() => api.enforceCapacity(Int32Array.from([0, 5]), 2, caps)).toThrow(/^routes\[1\]: 5 is not -1 or a target/)
    expect(() => api.enforceCapacity(routes, 3, caps)).toThrow(/^k: /)
    expect(() => api.enforceCapacity(routes, 2, Int32Array.from([1, -1]))).toThrow(/^caps\[1\]/)
    expect(() => api.enforceCapacity(Array.from(routes), 2, caps)).toThrow(TypeError)
  })
})

describe('computeLoads, loadStats and survivalRate', () => {
  test('loads count slots per target and ignore -1', () => {
    const routes = Int32Array.from([0, 1, 0, 2, 0, 3, 4, -1, 4, 0])
    expect(api.computeLoads(routes, 5)).toEqual(Int32Array.from([4, 1, 1, 1, 2]))
    expect(api.computeLoads(routes, 6)).toEqual(Int32Array.from([4, 1, 1, 1, 2, 0]))
    expect(() => api.computeLoads(routes, 4)).toThrow(/^routes\[6\]/)
  })

  test('loadStats of [2, 4, 6]', () => {
    const s = api.loadStats([2, 4, 6])
    expect(s.mean).toBe(4)
    expect(s.std).toBeCloseTo(Math.sqrt(8 / 3), 12)
    expect([s.min, s.max, s.maxOverMean]).toEqual([2, 6, 1.5])
    expect(s.cv).toBeCloseTo(Math.sqrt(8 / 3) / 4, 12)
    expect(() => api.loadStats([])).toThrow(RangeError)
  })

  test('survivalRate is the share of filled slots', () => {
    expect(api.survivalRate(Int32Array.from([3, -1, 0, 1]))).toBe(0.75)
    expect(api.survivalRate(new Int32Array(0))).toBe(0)
  })
})

describe('capacityProfile', () => {
  const count = (caps, value) => caps.filter((c) => c === value).length

  test.each([
    ['uniform', { 1: 1000 }],
    ['mild', { 3: 200, 1: 800 }],
    ['strong', { 8: 100, 2: 200, 1: 700 }],
    ['extreme', { 16: 50, 1: 950 }],
  ])('%s has its blocks', (name, blocks) => {
    const caps = api.capacityProfile(name, 1000, 42)
    expect(caps).toHaveLength(1000)
    for (const [value, expected] of Object.entries(blocks)) expect(count(caps, Number(value))).toBe(expected)
  })

  test('the shuffle depends on the seed; extreme has at least one big target', () => {
    expect(api.capacityProfile('strong', 100, 1)).not.toEqual(api.capacityProfile('strong', 100, 2))
    expect(count(api.capacityProfile('extreme', 10, 0), 16)).toBe(1)
    expect(() => api.capacityProfile('huge', 10, 0)).toThrow(/^name: 'huge' is not one of/)
  })
})

describe('buildBits', () => {
  test('rows are left-aligned, spilling into the next word', () => {
    expect(api.buildBits([0, 1, 3], 3)).toEqual(BigUint64Array.from([0n, 1n, 7n]))
    const counts = new Uint32Array(70)
    counts[1] = 65
    const bits = api.buildBits(counts, 70)
    expect(bits).toHaveLength(140)
    expect([bits[2], bits[3]]).toEqual([2n ** 64n - 1n, 1n])
  })

  test('a count above n is a RangeError naming its row', () => {
    expect(() => api.buildBits([1, 4, 2], 3)).toThrow(/^onesPerRow\[1\]: 4 exceeds 3/)
    expect(() => api.buildBits([1, 2], 3)).toThrow(/^onesPerRow: length 2/)
  })
})

describe('route', () => {
  // Degrees by docs/algorithm.md#the-published-benchmark, computed here independently of the addon.
  function degrees(weights, n, density) {
    const mean = weights.reduce((a, b) => a + b, 0) / weights.length
    return Uint32Array.from(weights, (w) => Math.min(n, Math.max(1, Math.round((w / mean) * density * n))))
  }

  test('equals phaseRouterAuto on the matching left-aligned matrices', () => {
    const n = 300
    const caps = api.capacityProfile('extreme', n, 3)
    const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 7))
    const routes = api.route({ sourceWeights: weights, targetCapacities: caps, k: 4, seed: 11, density: 0.2 })
    const sBits = api.buildBits(degrees(Array.from(weights), n, 0.2), n)
    const tBits = api.buildBits(degrees(Array.from(caps), n, 0.2), n)
    expect(routes).toEqual(api.phaseRouterAuto(sBits, tBits, n, 4, 11))
  })

  test('defaults: uniform weights, density 0.3, seed 0', () => {
    const n = 128
    const bits = api.buildBits(new Uint32Array(n).fill(Math.round(0.3 * n)), n)
    expect(api.route({ n, k: 2 })).toEqual(api.phaseRouterAuto(bits, bits, n, 2, 0))
  })

  test('strong profile at n = 1024, k = 8: load follows capacity (Pearson >= 0.9)', () => {
    const n = 1024
    const caps = api.capacityProfile('strong', n, 42)
    const loads = api.computeLoads(api.route({ targetCapacities: caps, k: 8, seed: 42 }), n)
    expect(pearson(Array.from(caps), Array.from(loads))).toBeGreaterThanOrEqual(0.9)
  })

  test('hashRoute ignores capacity (Pearson near 0)', () => {
    const n = 1024
    const caps = api.capacityProfile('strong', n, 42)
    const routes = api.hashRoute(n, 8, 42)
    expect(routes.every((t) => t >= 0 && t < n)).toBe(true)
    expect(Math.abs(pearson(Array.from(caps), Array.from(api.computeLoads(routes, n))))).toBeLessThan(0.1)
  })

  test('bad options are named', () => {
    expect(() => api.route()).toThrow(/^options: /)
    expect(() => api.route({ k: 2 })).toThrow(/^n: required when neither sources/)
    expect(() => api.route({ n: 10, k: 2, targetCapacities: [1, 2] })).toThrow(/^targetCapacities: length 2 does not match targets = 10/)
    expect(() => api.route({ n: 10, k: 2, density: 1.5 })).toThrow(/^density: /)
    expect(() => api.route({ sourceWeights: [1, 'a'], k: 2 })).toThrow(/^sourceWeights\[1\]: expected a number/)
  })
})
