// The plain JavaScript walk used by benches/ must find the kernel's candidates
// in the kernel's order: with k = n no reservoir draw happens, so it must then
// match phaseRouter exactly.
const { buildBits, phaseRouter } = require('..')
const { walkRoute } = require('../benches/walk')

test.each([[1], [37], [64], [130]])('JS walk equals phaseRouter when k = n = %i', (n) => {
  const sOnes = Uint32Array.from({ length: n }, (_, r) => (r * 7 + 3) % (n + 1))
  const tOnes = Uint32Array.from({ length: n }, (_, r) => (r * 5 + 1) % (n + 1))
  const permS = Uint32Array.from({ length: n }, (_, i) => (i * 17 + 5) % n)
  const permT = Uint32Array.from({ length: n }, (_, i) => (i * 11 + 2) % n)
  if (n % 17 === 0 || n % 11 === 0) throw new Error('the test permutations need n coprime with 17 and 11')
  const sBits = buildBits(sOnes, n)
  const tBits = buildBits(tOnes, n)
  const expected = phaseRouter(sBits, tBits, n, n, permS, permT, 5)
  expect(walkRoute(sBits, tBits, n, n, permS, permT, 5)).toEqual(expected)
  expect(expected.some((c) => c >= 0)).toBe(true)
})

test('with k < n the JS walk keeps k distinct candidates per row', () => {
  const n = 200
  const k = 3
  const bits = buildBits(new Uint32Array(n).fill(60), n)
  const perm = Uint32Array.from({ length: n }, (_, i) => (i * 13 + 1) % n)
  const full = phaseRouter(bits, bits, n, n, perm, perm, 1)
  const routes = walkRoute(bits, bits, n, k, perm, perm, 1)
  for (let j = 0; j < n; j++) {
    const candidates = new Set(Array.from(full.subarray(j * n, j * n + n)).filter((c) => c >= 0))
    const picks = Array.from(routes.subarray(j * k, j * k + k)).filter((c) => c >= 0)
    expect(picks).toHaveLength(Math.min(k, candidates.size))
    expect(new Set(picks).size).toBe(picks.length)
    picks.forEach((c) => expect(candidates.has(c)).toBe(true))
  }
})
