// docs/algorithm.md#input-rules: every bad input throws a TypeError or RangeError that names
// the argument (and index), before any work, and no input is ever modified.
const api = require('..')

const n = 70 // not a multiple of 64: rows have padding bits
const words = Math.ceil(n / 64)
const ones = Uint32Array.from({ length: n }, (_, i) => (i * 7) % (n + 1))
const sBits = api.buildBits(ones, n)
const tBits = api.buildBits(
  ones.map((x) => n - x),
  n,
)
const identity = Uint32Array.from({ length: n }, (_, i) => i)
const good = { sBits, tBits, n, k: 3, permS: identity, permT: identity.slice().reverse(), seed: 5n }

function call(overrides) {
  const a = { ...good, ...overrides }
  return () => api.phaseRouter(a.sBits, a.tBits, a.n, a.k, a.permS, a.permT, a.seed)
}

function callAsync(overrides) {
  const a = { ...good, ...overrides }
  return api.phaseRouterAsync(a.sBits, a.tBits, a.n, a.k, a.permS, a.permT, a.seed)
}

function withPaddingBit() {
  const bits = sBits.slice()
  bits[4 * words + 1] |= 1n << 20n // row 4, column 84 >= n
  return bits
}

function withRepeat(perm, at, value) {
  const p = perm.slice()
  p[at] = value
  return p
}

const typeCases = [
  ['sBits as a plain Array', { sBits: Array.from(sBits) }, /^sBits: expected a BigUint64Array, got a plain Array/],
  ['sBits as a Uint8Array', { sBits: new Uint8Array(sBits.buffer) }, /^sBits: .*got a Uint8Array/],
  ['tBits as a BigInt64Array', { tBits: new BigInt64Array(tBits.buffer) }, /^tBits: .*BigInt64Array/],
  ['permS as a Int32Array', { permS: Int32Array.from(identity) }, /^permS: expected a Uint32Array/],
  ['permT as null', { permT: null }, /^permT: .*got null/],
  ['n as a string', { n: '70' }, /^n: expected a number/],
  ['k as a bigint', { k: 3n }, /^k: expected a number/],
  ['seed as a string', { seed: '5' }, /^seed: expected a bigint or a number/],
]

const rangeCases = [
  ['n = 0', { n: 0 }, /^n: /],
  ['n not an integer', { n: 70.5 }, /^n: 70.5 is not an integer/],
  ['k = 0', { k: 0 }, /^k: 0 is not an integer/],
  ['k negative', { k: -2 }, /^k: /],
  ['k = NaN', { k: NaN }, /^k: NaN/],
  ['sBits of the wrong length', { sBits: sBits.subarray(1) }, /^sBits: length 139 does not match n \* ceil\(n\/64\) = 140/],
  ['n not matching the matrices', { n: 69 }, /^sBits: length 140 does not match n \* ceil\(n\/64\) = 138/],
  ['a set bit at a column >= n', { sBits: withPaddingBit() }, /^sBits\[9\]: row 4 has a bit set at a column >= n = 70/],
  ['permS with a repeated entry', { permS: withRepeat(identity, 10, 3) }, /^permS\[10\]: 3 appears twice/],
  ['permT with an out-of-range entry', { permT: withRepeat(identity, 7, 70) }, /^permT\[7\]: 70 is out of range 0\.\.70/],
  ['permS too short', { permS: identity.subarray(1) }, /^permS: length 69 does not match n = 70/],
  ['a negative seed', { seed: -1 }, /^seed: /],
  ['a negative bigint seed', { seed: -1n }, /^seed: must be in \[0, 2\^64\)/],
  ['a seed of 2^64', { seed: 2n ** 64n }, /^seed: must be in \[0, 2\^64\)/],
  ['a fractional seed', { seed: 1.5 }, /^seed: 1.5 is not a non-negative safe integer/],
  ['an unsafe integer seed', { seed: 2 ** 60 }, /^seed: .*safe integer/],
]

describe('phaseRouter', () => {
  test('accepts the good arguments', () => {
    expect(call({})()).toHaveLength(n * 3)
    expect(call({ seed: 2n ** 64n - 1n })()).toHaveLength(n * 3)
  })

  test.each(typeCases)('%s is a TypeError', (_name, overrides, message) => {
    expect(call(overrides)).toThrow(TypeError)
    expect(call(overrides)).toThrow(message)
  })

  test.each(rangeCases)('%s is a RangeError', (_name, overrides, message) => {
    expect(call(overrides)).toThrow(RangeError)
    expect(call(overrides)).toThrow(message)
  })
})

describe('phaseRouterAsync rejects instead of throwing', () => {
  test.each(typeCases.slice(0, 3))('%s rejects with a TypeError', async (_name, overrides, message) => {
    const promise = callAsync(overrides)
    await expect(promise).rejects.toThrow(TypeError)
    await expect(promise).rejects.toThrow(message)
  })

  test.each(rangeCases)('%s rejects with a RangeError', async (_name, overrides, message) => {
    const promise = callAsync(overrides)
    await expect(promise).rejects.toThrow(RangeError)
    await expect(promise).rejects.toThrow(message)
  })
})

describe('automatic permutations', () => {
  test('check matrices, n, k and seed the same way', async () => {
    expect(() => api.phaseRouterAuto(withPaddingBit(), tBits, n, 2, 1)).toThrow(/^sBits\[9\]/)
    expect(() => api.phaseRouterAuto(sBits, tBits, n, 0, 1)).toThrow(RangeError)
    expect(() => api.phaseRouterAuto(sBits, [], n, 2, 1)).toThrow(TypeError)
    await expect(api.phaseRouterAutoAsync(sBits, tBits, n, 2, -3n)).rejects.toThrow(RangeError)
  })
})

test('no call modifies its inputs, successful or not', async () => {
  const inputs = [sBits, tBits, good.permS, good.permT]
  const before = inputs.map((a) => a.slice())
  call({})()
  await callAsync({})
  api.phaseRouterAuto(sBits, tBits, n, 4, 9n)
  expect(call({ permT: withRepeat(identity, 0, 1) })).toThrow(RangeError)
  inputs.forEach((a, i) => expect(a).toEqual(before[i]))
})

test('a huge k is refused before any allocation', () => {
  expect(call({ k: 2 ** 31 })).toThrow(/^k: n \* k = 70 \* 2147483648 exceeds the largest output/)
})
