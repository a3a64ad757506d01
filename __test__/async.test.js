// Async calls take what they need of their inputs before leaving the JavaScript thread.
const api = require('..')

const n = 1024
const caps = api.capacityProfile('strong', n, 8)
const sOnes = new Uint32Array(n).fill(307)
const tOnes = Uint32Array.from(caps, (c) => Math.min(n, Math.round((c / 1.9) * 307)))
const perm = () => Uint32Array.from({ length: n }, (_, i) => (i * 7 + 3) % n)

test('changing the inputs after the call does not change the result', async () => {
  const sBits = api.buildBits(sOnes, n)
  const tBits = api.buildBits(tOnes, n)
  const permS = perm()
  const permT = perm().reverse()
  const expected = api.phaseRouter(sBits, tBits, n, 16, permS, permT, 77n)
  const pending = api.phaseRouterAsync(sBits, tBits, n, 16, permS, permT, 77n)
  const pendingAuto = api.phaseRouterAutoAsync(sBits, tBits, n, 16, 77n)
  const expectedAuto = api.phaseRouterAuto(sBits, tBits, n, 16, 77n)
  sBits.fill(0n)
  tBits.fill(0n)
  permS.fill(0)
  permT.reverse()
  await expect(pending).resolves.toEqual(expected)
  await expect(pendingAuto).resolves.toEqual(expectedAuto)
})

test('many concurrent async calls resolve to the sync results', async () => {
  const bits = api.buildBits(sOnes, n)
  const seeds = Array.from({ length: 16 }, (_, i) => BigInt(i) * 1000003n)
  const results = await Promise.all(seeds.map((seed) => api.phaseRouterAutoAsync(bits, bits, n, 4, seed)))
  results.forEach((routes, i) => expect(routes).toEqual(api.phaseRouterAuto(bits, bits, n, 4, seeds[i])))
})

// With the libuv pool held (support/pool-latch.js), the inputs are changed
// while every call still waits in the queue: what the pool later computes
// from can only be what the call took before it returned.
const { blockPool, releaseAll, settledNow, supported } = require('./support/pool-latch')

afterEach(releaseAll)

;(supported ? test : test.skip)(
  'every async form takes what it needs before returning: inputs changed while the work waits in the queue do not matter',
  async () => {
    const sBits = api.buildBits(sOnes, n)
    const tBits = api.buildBits(tOnes, n)
    const permS = perm()
    const permT = perm().reverse()
    const sDegrees = Uint32Array.from(sOnes)
    const tDegrees = Uint32Array.from(tOnes)
    const weights = Float64Array.from({ length: 3000 }, (_, i) => 1 + (i % 5))
    const capacities = Float64Array.from(caps)
    const batch = (strategy) => ({ sourceWeights: weights, targetCapacities: capacities, k: 8, seed: 5, strategy })
    const expected = [
      api.phaseRouter(sBits, tBits, n, 16, permS, permT, 77n, { mode: 'fast' }),
      api.phaseRouterAuto(sBits, tBits, n, 16, 77n),
      api.phaseRouterDegrees(sDegrees, tDegrees, 8, permS, permT, 3n),
      api.route(batch('phase')),
      api.route(batch('stride')),
    ]
    const latch = blockPool()
    const pending = [
      api.phaseRouterAsync(sBits, tBits, n, 16, permS, permT, 77n, { mode: 'fast' }),
      api.phaseRouterAutoAsync(sBits, tBits, n, 16, 77n),
      api.phaseRouterDegreesAsync(sDegrees, tDegrees, 8, permS, permT, 3n),
      api.routeAsync(batch('phase')),
      api.routeAsync(batch('stride')),
    ]
    expect(await settledNow(Promise.race(pending))).toBe(false) // all of them wait in the queue
    for (const bits of [sBits, tBits]) bits.fill(0n)
    for (const array of [sDegrees, tDegrees, weights, capacities]) array.fill(0)
    permS.fill(0)
    permT.reverse()
    await latch.release()
    const results = await Promise.all(pending)
    results.forEach((routes, i) => expect(routes).toEqual(expected[i]))
  },
)

test('phaseRouterDegreesAsync and routeAsync resolve to the sync results, in both modes and every strategy', async () => {
  const sDegrees = Uint32Array.from(sOnes)
  const tDegrees = Uint32Array.from(tOnes)
  const permS = perm()
  const permT = perm().reverse()
  for (const mode of ['reference', 'fast']) {
    await expect(api.phaseRouterDegreesAsync(sDegrees, tDegrees, 4, permS, permT, 9n, { mode })).resolves.toEqual(
      api.phaseRouterDegrees(sDegrees, tDegrees, 4, permS, permT, 9n, { mode }),
    )
  }
  for (const strategy of ['phase', 'hash', 'weighted', 'stride']) {
    const options = { sources: 2000, targetCapacities: caps, k: 4, seed: 12, strategy }
    await expect(api.routeAsync(options)).resolves.toEqual(api.route(options))
  }
  // A square batch with no arrays, as route({ n, k }) takes it.
  await expect(api.routeAsync({ n: 512, k: 2 })).resolves.toEqual(api.route({ n: 512, k: 2 }))
})
