// route() on rectangular batches with each strategy.
const api = require('..')

const STRATEGIES = ['phase', 'hash', 'weighted', 'stride']
const caps = api.capacityProfile('extreme', 64, 4)

function rowsAreDistinct(routes, k) {
  for (let j = 0; j < routes.length; j += k) {
    const row = Array.from(routes.subarray(j, j + k)).filter((t) => t >= 0)
    if (new Set(row).size !== row.length) return false
  }
  return true
}

test.each(STRATEGIES)('%s routes 4096 tokens to 64 experts with distinct targets', (strategy) => {
  const routes = api.route({ sources: 4096, targetCapacities: caps, k: 8, seed: 1, strategy })
  expect(routes).toHaveLength(4096 * 8)
  expect(routes.every((t) => t >= -1 && t < 64)).toBe(true)
  expect(rowsAreDistinct(routes, 8)).toBe(true)
  expect(api.route({ sources: 4096, targetCapacities: caps, k: 8, seed: 1, strategy })).toEqual(routes)
})

test('a square phase batch equals the default route', () => {
  expect(api.route({ sources: 64, targetCapacities: caps, k: 2, seed: 9, strategy: 'phase' })).toEqual(
    api.route({ targetCapacities: caps, k: 2, seed: 9 }),
  )
})

test('stride meets integer caps exactly when they add up to the demand', () => {
  const integerCaps = Int32Array.from(caps, (c) => (c === 16 ? 400 : 80))
  const demand = integerCaps.reduce((a, b) => a + b, 0)
  const k = 2
  const tokens = demand / k
  const routes = api.route({ sources: tokens, targetCapacities: integerCaps, k, strategy: 'stride', seed: 3 })
  expect(api.computeLoads(routes, 64)).toEqual(integerCaps)
  expect(api.enforceCapacity(routes, k, integerCaps).dropped).toBe(0)
})

test('sources and weights must agree, and strategies are named', () => {
  expect(() => api.route({ sources: 10, sourceWeights: [1, 2], targetCapacities: caps, k: 1 })).toThrow(
    /^sourceWeights: length 2 does not match sources = 10/,
  )
  expect(() => api.route({ n: 10, k: 1, strategy: 'greedy' })).toThrow(/^strategy: 'greedy' is not one of/)
  expect(() => api.route({ n: 10, k: 1, strategy: 3 })).toThrow(TypeError)
  expect(() => api.route({ sources: 0, n: 5, k: 1 })).toThrow(/^sources: /)
})
