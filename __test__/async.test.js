// Async calls copy their inputs before leaving the JavaScript thread.
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
