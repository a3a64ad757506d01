// Type checks for the public API. Each throws a TypeError that names the
// argument before anything reaches the native addon; value checks (ranges,
// lengths, permutations) happen in Rust and come back as RangeError.

type TypedArrayName = 'BigUint64Array' | 'Uint32Array' | 'Int32Array' | 'Float64Array'

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a plain Array'
  if (ArrayBuffer.isView(value)) return `a ${(value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? 'DataView'}`
  return `a ${typeof value}`
}

/** Checks the exact typed-array class by its tag, which also works across realms (Workers, vm). */
export function expectTypedArray<T>(value: unknown, type: TypedArrayName, name: string): T {
  const isIt = ArrayBuffer.isView(value) && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === type
  if (!isIt) throw new TypeError(`${name}: expected a ${type}, got ${describe(value)}`)
  return value as T
}

export function expectNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a number, got ${describe(value)}`)
  return value
}

/** A seed as the addon takes it: a bigint (range-checked in Rust) or a non-negative safe integer. */
export function toSeed(value: unknown, name = 'seed'): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a bigint or a number, got ${describe(value)}`)
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name}: ${value} is not a non-negative safe integer (pass a bigint for larger seeds)`)
  }
  return BigInt(value)
}

/** Numbers from a plain Array or a numeric typed array, as a Float64Array (copied unless it is one). */
export function toFloat64(value: unknown, name: string): Float64Array {
  const tag = ArrayBuffer.isView(value) ? (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] : undefined
  if (tag === 'Float64Array') return value as Float64Array
  if (tag !== undefined && !tag.startsWith('Big') && tag !== 'DataView') return Float64Array.from(value as ArrayLike<number>)
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an Array of numbers or a typed array, got ${describe(value)}`)
  const bad = value.findIndex((x) => typeof x !== 'number')
  if (bad >= 0) throw new TypeError(`${name}[${bad}]: expected a number, got ${describe(value[bad])}`)
  return Float64Array.from(value as number[])
}

export function expectObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name}: expected an options object, got ${describe(value)}`)
  }
  return value as Record<string, unknown>
}

/** `options.mode` of a router call: undefined (reference), or a string the addon checks. */
export function modeOf(options: unknown): string | undefined {
  if (options === undefined) return undefined
  const mode = expectObject(options, 'options').mode
  if (mode !== undefined && typeof mode !== 'string') {
    throw new TypeError(`options.mode: expected 'reference' or 'fast', got ${describe(mode)}`)
  }
  return mode
}

/** `options.out` of a sync router call: an Int32Array for the routes, or undefined. */
export function outOf(options: unknown): Int32Array | undefined {
  if (options === undefined) return undefined
  const out = expectObject(options, 'options').out
  return out === undefined ? undefined : expectTypedArray<Int32Array>(out, 'Int32Array', 'options.out')
}
