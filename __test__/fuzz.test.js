// Property-based fuzzing of the whole public API with fast-check: values of
// every type and shape, and well-typed values with random contents. Every
// call must either return a well-formed result or throw a TypeError or
// RangeError; no argument may be modified; the process must stay up.
//
// Runs per property: FUZZ_RUNS (default 1000). For a long run see docs/reliability.md.
const fc = require('fast-check')
const pr = require('..')

const RUNS = Number(process.env.FUZZ_RUNS || 1000)
const SEED = process.env.FUZZ_SEED === undefined ? 20261122 : Number(process.env.FUZZ_SEED)
const params = { numRuns: RUNS, seed: SEED }

// ---- values ---------------------------------------------------------------

const edgeNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  63,
  64,
  65,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
)
const smallInt = fc.integer({ min: 0, max: 130 })
const number = fc.oneof(smallInt, smallInt, edgeNumber, fc.double())

const typedArrayKinds = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
]
const anyTypedArray = fc.tuple(fc.constantFrom(...typedArrayKinds), fc.nat(300), fc.nat()).map(([Kind, length, salt]) => {
  const a = new Kind(length)
  const big = Kind === BigInt64Array || Kind === BigUint64Array
  for (let i = 0; i < length; i++) {
    const x = Math.imul(i + 1, 2654435761 ^ salt) >>> 0
    a[i] = big ? BigInt(x) * 0x10001n : x % 257
  }
  return a
})
const anything = fc.oneof(
  fc.anything({
    withBigInt: true,
    withTypedArray: true,
    withMap: true,
    withSet: true,
    withSparseArray: true,
    withNullPrototype: true,
    withDate: true,
  }),
  anyTypedArray,
  fc.constant(new ArrayBuffer(8)),
  fc.constant(new DataView(new ArrayBuffer(8))),
  edgeNumber,
)

const seed = fc.oneof(fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), number, anything)

// A bit matrix for some n: valid (from buildBits), or random words of a length near the right one.
const matrix = (n) =>
  fc.oneof(
    fc.array(fc.nat(n), { minLength: n, maxLength: n }).map((ones) => pr.buildBits(Uint32Array.from(ones), n)),
    fc
      .tuple(fc.integer({ min: -2, max: 2 }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 8 }))
      .map(([delta, words]) => {
        const length = Math.max(0, n * Math.ceil(n / 64) + delta)
        const m = new BigUint64Array(length)
        for (let i = 0; i < length; i++) m[i] = words.length ? words[i % words.length] : 0n
        return m
      }),
    anything,
  )

// A permutation of 0..n-1, possibly broken.
const permutation = (n) =>
  fc.oneof(
    fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }).map((p) => Uint32Array.from(p)),
    fc.array(fc.nat(n + 2), { minLength: Math.max(0, n - 1), maxLength: n + 1 }).map((p) => Uint32Array.from(p)),
    anything,
  )

const nAndK = fc.tuple(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 1, max: 12 }))
const routerArgs = nAndK.chain(([n, k]) =>
  fc.tuple(
    matrix(n),
    matrix(n),
    fc.oneof(fc.constant(n), number, anything),
    fc.oneof(fc.constant(k), number, anything),
    permutation(n),
    permutation(n),
    seed,
  ),
)
const autoArgs = routerArgs.map(([s, t, n, k, , , sd]) => [s, t, n, k, sd])
const modeOptions = fc.oneof(
  fc.constant(undefined),
  fc.record({ mode: fc.oneof(fc.constantFrom('reference', 'fast', 'Fast', ''), anything) }, { requiredKeys: [] }),
  anything,
)

// Degree vectors for m sources and n targets, possibly too long, too short or out of range.
const degrees = (length, ring) =>
  fc.oneof(
    fc.array(fc.nat(ring), { minLength: length, maxLength: length }).map((d) => Uint32Array.from(d)),
    fc.array(fc.nat(ring + 3), { minLength: Math.max(0, length - 1), maxLength: length + 1 }).map((d) => Uint32Array.from(d)),
    anything,
  )
const degreeArgs = fc
  .tuple(fc.integer({ min: 1, max: 130 }), nAndK)
  .chain(([m, [n, k]]) =>
    fc.tuple(degrees(m, n), degrees(n, m), fc.oneof(fc.constant(k), number, anything), permutation(n), permutation(m), seed, modeOptions),
  )

const routes = fc.oneof(
  fc.array(fc.integer({ min: -3, max: 140 }), { maxLength: 400 }).map((r) => Int32Array.from(r)),
  anything,
)
const weights = fc.oneof(
  fc.array(fc.oneof(fc.double(), fc.nat(20)), { maxLength: 140 }),
  fc.array(fc.nat(20), { maxLength: 140 }).map((w) => Float64Array.from(w)),
  anything,
)
const strategy = fc.constantFrom('phase', 'hash', 'weighted', 'stride', 'Phase', '')
const routeOptions = fc.oneof(
  fc.record(
    {
      sourceWeights: weights,
      targetCapacities: weights,
      sources: number,
      n: number,
      k: number,
      seed,
      density: fc.oneof(fc.double(), number),
      strategy: fc.oneof(strategy, anything),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      sources: fc.integer({ min: 1, max: 130 }),
      n: fc.integer({ min: 1, max: 130 }),
      k: fc.integer({ min: 1, max: 8 }),
      density: fc.double({ min: 0, max: 1.2, noNaN: true }),
      strategy,
    },
    { requiredKeys: ['k'] },
  ),
  anything,
)

// ---- the property -----------------------------------------------------------

function copyOf(value) {
  try {
    return { ok: true, value: structuredClone(value) }
  } catch {
    return { ok: false } // e.g. a value with a symbol key: nothing to compare
  }
}

const isInt32 = (r) => Object.prototype.toString.call(r) === '[object Int32Array]'

/** Calls `fn(...args)`, allowing only a valid result or a TypeError/RangeError, and checks args are untouched. */
async function call(fn, args, checkResult) {
  const before = args.map(copyOf)
  let result
  let error
  try {
    result = await fn(...args)
  } catch (e) {
    error = e
  }
  if (error !== undefined) {
    if (!['TypeError', 'RangeError'].includes(error?.name)) throw new Error(`unexpected ${error?.name}: ${error?.message}`)
    expect(typeof error.message).toBe('string')
    expect(error.message.length).toBeGreaterThan(0)
  } else {
    checkResult(result, args)
  }
  args.forEach((arg, i) => before[i].ok && expect(arg).toEqual(before[i].value))
}

function checkRoutes(result, args) {
  const [n, k] = args.length === 7 || args.length === 5 ? [args[2], args[3]] : [args[0], args[1]]
  expect(isInt32(result)).toBe(true)
  expect(result.length).toBe(n * k)
  for (const c of result) if (c < -1 || c >= n) throw new Error(`route ${c} outside -1..${n - 1}`)
}

const property = (name, args, fn, checkResult) =>
  test(`fuzz: ${name}`, async () => {
    await fc.assert(
      fc.asyncProperty(args, (a) => call(fn, a, checkResult)),
      params,
    )
  }, 120_000)

property('phaseRouter', routerArgs, pr.phaseRouter, checkRoutes)
property('phaseRouterAsync', routerArgs, pr.phaseRouterAsync, checkRoutes)
property('phaseRouterAuto', autoArgs, pr.phaseRouterAuto, checkRoutes)
property(
  'phaseRouter with options',
  fc.tuple(routerArgs, modeOptions).map(([a, o]) => [...a, o]),
  pr.phaseRouter,
  (r, a) => checkRoutes(r, a.slice(0, 7)),
)
property('phaseRouterDegrees', degreeArgs, pr.phaseRouterDegrees, (r, [sDegrees, tDegrees, k]) => {
  expect(isInt32(r)).toBe(true)
  expect(r.length).toBe(sDegrees.length * k)
  for (const c of r) if (c < -1 || c >= tDegrees.length) throw new Error(`route ${c} outside -1..${tDegrees.length - 1}`)
})
property(
  'phaseRouterAutoAsync',
  fc.tuple(autoArgs, fc.oneof(fc.constant(undefined), anything)).map(([a, o]) => [...a, o]),
  pr.phaseRouterAutoAsync,
  (r, a) => checkRoutes(r, a.slice(0, 5)),
)
property(
  'buildBits',
  fc.tuple(
    fc.oneof(
      fc.array(fc.nat(140), { maxLength: 140 }),
      fc.array(fc.nat(140), { maxLength: 140 }).map((x) => Uint32Array.from(x)),
      anything,
    ),
    fc.oneof(smallInt, number, anything),
  ),
  pr.buildBits,
  (bits, [ones, n]) => {
    expect(Object.prototype.toString.call(bits)).toBe('[object BigUint64Array]')
    expect(bits.length).toBe(n * Math.ceil(n / 64))
    expect(ones.length).toBe(n)
  },
)
property('route', fc.tuple(routeOptions), pr.route, (r) => expect(isInt32(r)).toBe(true))
property(
  'hashRoute',
  fc.tuple(fc.oneof(smallInt, number, anything), fc.oneof(fc.integer({ min: 0, max: 12 }), number, anything), seed),
  pr.hashRoute,
  checkRoutes,
)
property(
  'makeHardCaps',
  fc.tuple(weights, fc.oneof(smallInt, number, anything), fc.oneof(smallInt, number, anything), fc.oneof(fc.double(), number, anything)),
  pr.makeHardCaps,
  (caps, [capacities]) => {
    expect(isInt32(caps)).toBe(true)
    expect(caps.length).toBe(capacities.length)
    expect(caps.every((c) => c >= 1)).toBe(true)
  },
)
property(
  'enforceCapacity',
  fc.tuple(routes, fc.oneof(fc.integer({ min: 0, max: 5 }), number, anything), routes),
  pr.enforceCapacity,
  (out, [r]) => {
    expect(isInt32(out.routes)).toBe(true)
    expect(out.routes.length).toBe(r.length)
    expect(out.kept + out.dropped).toBe(r.filter((t) => t >= 0).length)
  },
)
property('computeLoads', fc.tuple(routes, fc.oneof(smallInt, number, anything)), pr.computeLoads, (loads, [r, n]) => {
  expect(loads.length).toBe(n)
  expect(loads.reduce((a, b) => a + b, 0)).toBe(r.filter((t) => t >= 0).length)
})
property('loadStats', fc.tuple(weights), pr.loadStats, (s) =>
  expect(Object.keys(s).sort()).toEqual(['cv', 'max', 'maxOverMean', 'mean', 'min', 'std']),
)
property('survivalRate', fc.tuple(routes), pr.survivalRate, (x) => expect(x >= 0 && x <= 1).toBe(true))
property(
  'capacityProfile',
  fc.tuple(
    fc.oneof(fc.constantFrom('uniform', 'mild', 'strong', 'extreme'), fc.string(), anything),
    fc.oneof(smallInt, number, anything),
    seed,
  ),
  pr.capacityProfile,
  (caps, [, n]) => expect(caps.length).toBe(n),
)
