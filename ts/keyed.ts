// KeyedRouter: keys -> weighted targets (index.d.ts documents it; docs/keyed.md
// describes the design). This file checks argument types and forwards to the
// native router; string batches cross into Rust as one joined string plus
// each key's UTF-16 length, one call instead of one per key.

import type * as Api from '../index'

import native = require('../binding.js')

import { type AbortRelay, cancellable, signalOf } from './abort'
import { expectNumber, expectObject, toFloat64, toSeed } from './checks'

type Native = ReturnType<typeof native.keyedRouter>

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a plain Array'
  if (ArrayBuffer.isView(value)) return `a ${(value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag]}`
  return `a ${typeof value}`
}

function strings(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an Array of strings, got ${describe(value)}`)
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw new TypeError(`${name}[${i}]: expected a string, got ${describe(value[i])}`)
  }
  return value as string[]
}

/** Keys as the native calls take them: hashes, or a joined string with lengths. */
type NativeKeys = { hashes: BigUint64Array } | { joined: string; lengths: Uint32Array }

function keysOf(value: unknown): NativeKeys {
  if (ArrayBuffer.isView(value) && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'BigUint64Array') {
    return { hashes: value as BigUint64Array }
  }
  if (!Array.isArray(value)) {
    throw new TypeError(`keys: expected an Array of strings or a BigUint64Array, got ${describe(value)}`)
  }
  const lengths = new Uint32Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const key: unknown = value[i]
    if (typeof key !== 'string') throw new TypeError(`keys[${i}]: expected a string, got ${describe(key)}`)
    lengths[i] = key.length
  }
  return { joined: value.join(''), lengths }
}

function kOf(k: unknown): number {
  return k === undefined ? 1 : expectNumber(k, 'k')
}

function loadFactorOf(options: unknown): number {
  if (options === undefined) return 1.25
  const lf = expectObject(options, 'options').loadFactor
  return lf === undefined ? 1.25 : expectNumber(lf, 'options.loadFactor')
}

function optionalNumber(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : expectNumber(value, name)
}

function methodOf(value: unknown): Api.KeyedMethod | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new TypeError(`options.method: expected 'table' or 'rendezvous', got ${describe(value)}`)
  return value as Api.KeyedMethod
}

/** The options a derived router keeps: the method, and the pinned table if any. */
type Kept = { method?: Api.KeyedMethod; slots?: number; bound?: number }

const asSignal = (relay?: AbortRelay): AbortSignal | undefined => relay as AbortSignal | undefined

class KeyedRouterImpl {
  readonly targets: readonly string[]
  readonly seed: bigint
  readonly method: Api.KeyedMethod
  private readonly _capacities: Float64Array
  private readonly _kept: Kept
  private readonly _native: Native
  private readonly _handle: ReturnType<typeof native.keyedHandle>

  constructor(options: Api.KeyedRouterOptions) {
    const o = expectObject(options, 'options')
    const targets = strings(o.targets, 'targets')
    const capacities =
      o.capacities === undefined ? new Float64Array(targets.length).fill(1) : Float64Array.from(toFloat64(o.capacities, 'capacities'))
    const seed = toSeed(o.seed ?? 0)
    const slots = optionalNumber(o.slots, 'options.slots')
    const bound = optionalNumber(o.bound, 'options.bound')
    const method = methodOf(o.method)
    this._native = native.keyedRouter(targets, capacities, seed, slots, bound, method)
    this._handle = native.keyedHandle(this._native)
    this.targets = Object.freeze([...targets])
    this._capacities = capacities
    this.seed = seed
    this.method = method ?? 'table'
    this._kept = { method, slots, bound }
  }

  get capacities(): Float64Array {
    return Float64Array.from(this._capacities)
  }

  get slots(): number {
    return this._native.slots
  }

  get bound(): number {
    return this._native.bound
  }

  get meanTrials(): number {
    return this._native.meanTrials
  }

  /** The native router, for `movedKeys`. */
  static nativeOf(router: unknown): Native {
    if (!(router instanceof KeyedRouterImpl)) throw new TypeError(`expected a KeyedRouter, got ${describe(router)}`)
    return (router as KeyedRouterImpl)._native
  }

  lookup(keys: Api.Keys, k?: number): Int32Array {
    const given = keysOf(keys)
    const slots = kOf(k)
    return 'hashes' in given
      ? this._native.lookupHashes(given.hashes, slots)
      : this._native.lookupStrings(given.joined, given.lengths, slots)
  }

  async lookupAsync(keys: Api.Keys, k?: number, options?: Api.KeyedAsyncOptions): Promise<Int32Array> {
    return this._run(keys, k, undefined, options)
  }

  lookupOne(key: string | bigint, k?: number): Int32Array {
    const slots = kOf(k)
    if (typeof key === 'string') {
      // k is checked here as the addon would (an integer in [1, 2^32)) before the array is made.
      if (!Number.isInteger(slots) || slots < 1 || slots >= 2 ** 32) throw new RangeError(`k: ${slots} is not an integer in [1, 2^32)`)
      if (slots > this.targets.length) throw new RangeError(`k: ${slots} exceeds the number of targets (${this.targets.length})`)
      if (slots === 1) return Int32Array.of(native.keyedFirstExt(this._handle, key))
      const out = new Int32Array(slots)
      native.keyedPreferencesExt(this._handle, key, out)
      return out
    }
    if (typeof key === 'bigint') return this._native.preferencesOfHash(key, slots)
    throw new TypeError(`key: expected a string or a bigint, got ${describe(key)}`)
  }

  pick(key: string | bigint): string {
    if (typeof key === 'string') return this.targets[native.keyedFirstExt(this._handle, key)]
    if (typeof key === 'bigint') return this.targets[this._native.firstOfHash(key)]
    throw new TypeError(`key: expected a string or a bigint, got ${describe(key)}`)
  }

  assign(keys: Api.Keys, k?: number, options?: Api.AssignOptions): Int32Array {
    const given = keysOf(keys)
    const slots = kOf(k)
    const lf = loadFactorOf(options)
    return 'hashes' in given
      ? this._native.assignHashes(given.hashes, slots, lf)
      : this._native.assignStrings(given.joined, given.lengths, slots, lf)
  }

  async assignAsync(keys: Api.Keys, k?: number, options?: Api.AssignOptions & Api.KeyedAsyncOptions): Promise<Int32Array> {
    return this._run(keys, k, loadFactorOf(options), options)
  }

  private async _run(keys: Api.Keys, k: number | undefined, loadFactor: number | undefined, options: unknown): Promise<Int32Array> {
    const given = keysOf(keys)
    const slots = kOf(k)
    const signal = signalOf(options)
    return cancellable(signal, (relay) =>
      'hashes' in given
        ? this._native.runAsync(given.hashes, undefined, undefined, slots, loadFactor, asSignal(relay))
        : this._native.runAsync(undefined, given.joined, given.lengths, slots, loadFactor, asSignal(relay)),
    )
  }

  withCapacities(capacities: Api.Numbers): Api.KeyedRouter {
    return new KeyedRouterImpl({ targets: this.targets, capacities, seed: this.seed, ...this._kept })
  }

  withTargets(targets: readonly string[], capacities?: Api.Numbers): Api.KeyedRouter {
    return new KeyedRouterImpl({ targets, capacities, seed: this.seed, ...this._kept })
  }

  hash(key: string): bigint {
    if (typeof key !== 'string') throw new TypeError(`key: expected a string, got ${describe(key)}`)
    return this._native.hashStrings(key, Uint32Array.of(key.length))[0]
  }
}

export const KeyedRouter: typeof Api.KeyedRouter = KeyedRouterImpl

export const movedKeys: typeof Api.movedKeys = (a, b, keys, k) => {
  const [na, nb] = [KeyedRouterImpl.nativeOf(a), KeyedRouterImpl.nativeOf(b)]
  if (a.seed !== b.seed) throw new RangeError(`b: its seed ${b.seed} differs from a's seed ${a.seed}`)
  const given = keysOf(keys)
  return 'hashes' in given ? na.movedHashes(nb, given.hashes, kOf(k)) : na.movedStrings(nb, given.joined, given.lengths, kOf(k))
}
