// Fast mode, degree-vector input and caller-owned output (docs/algorithm.md#public-api options).
const api = require('..')
const { loadVectors, routeSync } = require('./support/golden')

const n = 700
const caps = api.capacityProfile('strong', n, 2)
const sOnes = Uint32Array.from({ length: n }, (_, i) => 150 + (i % 90))
const tOnes = Uint32Array.from(caps, (c) => Math.min(n, Math.round(c * 110)))
const sBits = api.buildBits(sOnes, n)
const tBits = api.buildBits(tOnes, n)
const permS = Uint32Array.from({ length: n }, (_, i) => (i * 401) % n)
const permT = Uint32Array.from({ length: n }, (_, i) => (i * 13 + 5) % n)
const k = 6

function rows(routes) {
  return Array.from({ length: routes.length / k }, (_, j) => Array.from(routes.subarray(j * k, j * k + k)))
}

describe("mode: 'fast'", () => {
  const reference = api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n)
  const all = api.phaseRouter(sBits, tBits, n, n, permS, permT, 9n) // every candidate, in visit order
  const fast = api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n, { mode: 'fast' })

  test('picks among the reference candidates, in visit order, and keeps short rows whole', () => {
    const candidates = Array.from({ length: n }, (_, j) => Array.from(all.subarray(j * n, (j + 1) * n)).filter((c) => c >= 0))
    rows(fast).forEach((row, j) => {
      const picked = row.filter((c) => c >= 0)
      const positions = picked.map((c) => candidates[j].indexOf(c))
      expect(positions.every((p) => p >= 0)).toBe(true)
      expect([...positions].sort((a, b) => a - b)).toEqual(positions)
      expect(picked.length).toBe(Math.min(k, candidates[j].length))
      if (candidates[j].length <= k) expect(row).toEqual(rows(reference)[j])
    })
  })

  test('differs from the reference on long rows and is deterministic', () => {
    expect(fast).not.toEqual(reference)
    expect(api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n, { mode: 'fast' })).toEqual(fast)
    expect(api.phaseRouterAuto(sBits, tBits, n, k, 9n, { mode: 'fast' })).not.toEqual(api.phaseRouterAuto(sBits, tBits, n, k, 9n))
  })

  test('async forms take the mode too', async () => {
    await expect(api.phaseRouterAsync(sBits, tBits, n, k, permS, permT, 9n, { mode: 'fast' })).resolves.toEqual(fast)
    await expect(api.phaseRouterAutoAsync(sBits, tBits, n, k, 9n, { mode: 'fast' })).resolves.toEqual(
      api.phaseRouterAuto(sBits, tBits, n, k, 9n, { mode: 'fast' }),
    )
  })

  test("an explicit 'reference' is the default, and unknown modes are errors", () => {
    expect(api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n, { mode: 'reference' })).toEqual(reference)
    expect(() => api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n, { mode: 'quick' })).toThrow(RangeError)
    expect(() => api.phaseRouter(sBits, tBits, n, k, permS, permT, 9n, { mode: 'quick' })).toThrow(/^options\.mode: 'quick'/)
    expect(() => api.phaseRouterAuto(sBits, tBits, n, k, 9n, { mode: 1 })).toThrow(TypeError)
    expect(() => api.phaseRouterAuto(sBits, tBits, n, k, 9n, 'fast')).toThrow(/^options: /)
  })
})

describe('phaseRouterDegrees', () => {
  test.each(['reference', 'fast'])('equals phaseRouter on the matching matrices (%s)', (mode) => {
    expect(api.phaseRouterDegrees(sOnes, tOnes, k, permS, permT, 4n, { mode })).toEqual(
      api.phaseRouter(sBits, tBits, n, k, permS, permT, 4n, { mode }),
    )
  })

  test('reproduces every reference vector from row popcounts', () => {
    const popcounts = (bits, n) => {
      const words = Math.ceil(n / 64)
      return Uint32Array.from({ length: n }, (_, r) => {
        let ones = 0
        for (let w = 0; w < words; w++) for (let x = bits[r * words + w]; x; x &= x - 1n) ones++
        return ones
      })
    }
    for (const v of loadVectors().filter((v) => !v.autoPerms)) {
      const routes = api.phaseRouterDegrees(popcounts(v.sBits, v.n), popcounts(v.tBits, v.n), v.k, v.permS, v.permT, v.seed)
      expect(routes).toEqual(v.routes)
    }
  })

  test('routes rectangular batches: m sources, n targets', () => {
    const m = 300
    const s = new Uint32Array(m).fill(200)
    const t = Uint32Array.from({ length: n }, (_, c) => 50 + (c % 100))
    const pS = Uint32Array.from({ length: n }, (_, i) => n - 1 - i)
    const pT = Uint32Array.from({ length: m }, (_, i) => (i * 7) % m)
    const routes = api.phaseRouterDegrees(s, t, 3, pS, pT, 1n)
    expect(routes).toHaveLength(m * 3)
    expect(routes.every((c) => c >= -1 && c < n)).toBe(true)
  })

  test('bad degrees are named', () => {
    const big = sOnes.slice()
    big[5] = n + 1
    expect(() => api.phaseRouterDegrees(big, tOnes, k, permS, permT, 1n)).toThrow(/^sDegrees\[5\]: 701 exceeds 700/)
    expect(() => api.phaseRouterDegrees(sOnes, tOnes, k, permS.subarray(1), permT, 1n)).toThrow(/^permS: length 699/)
    expect(() => api.phaseRouterDegrees(Array.from(sOnes), tOnes, k, permS, permT, 1n)).toThrow(TypeError)
  })
})

describe('options.out', () => {
  test('is filled and returned, with every slot written', () => {
    const out = new Int32Array(n * k).fill(12345)
    const returned = api.phaseRouter(sBits, tBits, n, k, permS, permT, 3n, { out })
    expect(returned).toBe(out)
    expect(out).toEqual(api.phaseRouter(sBits, tBits, n, k, permS, permT, 3n))
    const again = api.phaseRouterDegrees(sOnes, tOnes, k, permS, permT, 3n, { out, mode: 'fast' })
    expect(again).toBe(out)
    expect(out).toEqual(api.phaseRouterDegrees(sOnes, tOnes, k, permS, permT, 3n, { mode: 'fast' }))
  })

  test('works on a view into a larger buffer and leaves the rest alone', () => {
    const backing = new Int32Array(n * k + 10).fill(7)
    const out = backing.subarray(5, 5 + n * k)
    api.phaseRouterAuto(sBits, tBits, n, k, 1n, { out })
    expect(Array.from(backing.subarray(0, 5))).toEqual([7, 7, 7, 7, 7])
    expect(Array.from(backing.subarray(5 + n * k))).toEqual([7, 7, 7, 7, 7])
    expect(out).toEqual(api.phaseRouterAuto(sBits, tBits, n, k, 1n))
  })

  test('of the wrong length, type or sharing memory with an input is refused before any write', () => {
    const short = new Int32Array(n * k - 1).fill(3)
    expect(() => api.phaseRouter(sBits, tBits, n, k, permS, permT, 3n, { out: short })).toThrow(
      /^options\.out: length 4199 does not match 4200 slots/,
    )
    expect(short.every((x) => x === 3)).toBe(true)
    expect(() => api.phaseRouter(sBits, tBits, n, k, permS, permT, 3n, { out: new Uint32Array(n * k) })).toThrow(TypeError)
    const smallBits = api.buildBits([1, 1], 2)
    const twoPerm = Uint32Array.from([0, 1])
    const aliased = new Int32Array(twoPerm.buffer)
    expect(() => api.phaseRouter(smallBits, smallBits, 2, 1, twoPerm, twoPerm, 0n, { out: aliased })).toThrow(/must not share memory/)
    expect(Array.from(twoPerm)).toEqual([0, 1])
  })
})

test('the golden vectors still pass through the options path', () => {
  for (const v of loadVectors()) {
    const out = new Int32Array(v.n * v.k)
    const routes = v.autoPerms
      ? api.phaseRouterAuto(v.sBits, v.tBits, v.n, v.k, v.seed, { out, mode: 'reference' })
      : api.phaseRouter(v.sBits, v.tBits, v.n, v.k, v.permS, v.permT, v.seed, { out, mode: 'reference' })
    expect(routes).toEqual(routeSync(api, v))
  }
})
