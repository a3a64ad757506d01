/**
 * phase-router: deterministic, coordination-free routing of a batch of sources
 * (tokens, requests, keys) to at most `k` of `n` targets (experts, shards,
 * workers), with each target's expected load proportional to its capacity.
 *
 * Routes come back as a flat row-major `Int32Array` of `n * k` target indices:
 * row `j` is `routes.subarray(j * k, j * k + k)`, and `-1` marks an empty slot.
 *
 * Errors: a wrong type throws `TypeError`, a wrong value `RangeError`; both
 * name the argument (and the index, where there is one) and are thrown before
 * any work. Inputs are never modified.
 *
 * @packageDocumentation
 */

/** A seed: a `bigint` in `[0, 2^64)` or a non-negative safe integer. */
export type Seed = bigint | number

/** A list of numbers: a plain `Array` or any numeric typed array. */
export type Numbers = ArrayLike<number>

/** Capacity profile names of the published benchmark. */
export type ProfileName = 'uniform' | 'mild' | 'strong' | 'extreme'

/** How a row with more than `k` candidates picks among them. */
export type Mode = 'reference' | 'fast'

/** Options of the sync routers. */
export interface RouterOptions {
  /**
   * `'reference'` (default): reservoir sampling with ChaCha8, bit-exact with
   * `phase_router_rs` 0.1.0. `'fast'`: the same candidates for every row, a row
   * with at most `k` candidates keeps all of them, a longer row keeps a
   * uniformly random `k`-subset drawn from a counter-based generator keyed by
   * `(seed, row)`, in visit order. Fast-mode output is fixed too (the same on
   * every platform and thread count) but differs from the reference's.
   */
  mode?: Mode
  /**
   * An `Int32Array` of exactly `rows * k` values to write the routes into
   * instead of allocating; the call returns it. It must not share memory with
   * an input. Every slot is written.
   */
  out?: Int32Array
}

/**
 * The reference router, bit-exact with the Rust crate `phase_router_rs` 0.1.0.
 *
 * Only row popcounts of the matrices matter. Inputs are read in place,
 * without a copy, and the kernel writes straight into the returned array.
 *
 * @param sBits  S, `n` rows of `ceil(n/64)` little-endian u64 words; row `j` describes source `j`.
 * @param tBits  T, same shape; row `c` describes target `c`.
 * @param n      rows (and columns) of both matrices, at least 1.
 * @param k      most targets per source, at least 1.
 * @param permS  a permutation of `0..n-1`: where each target sits on the S-ring.
 * @param permT  a permutation of `0..n-1`: where each source sits on the T-ring.
 * @param seed   seeds the reservoir sampling of row `j` with `seed + j` (wrapping).
 * @param options `mode` (`'reference'` or `'fast'`) and `out` (caller-owned output).
 * @returns `n * k` target indices, row-major, `-1` for empty slots.
 *
 * @example
 * const { buildBits, phaseRouter } = require('phase-router')
 * const n = 4
 * const sBits = buildBits([2, 2, 2, 2], n)
 * const tBits = buildBits([1, 1, 3, 3], n)
 * const perm = Uint32Array.from([0, 1, 2, 3])
 * const routes = phaseRouter(sBits, tBits, n, 2, perm, perm, 42n)
 * console.log(routes) // Int32Array(8): two slots per source, -1 where empty
 * const out = new Int32Array(n * 2)
 * phaseRouter(sBits, tBits, n, 2, perm, perm, 42n, { mode: 'fast', out }) // fills and returns out
 */
export function phaseRouter(
  sBits: BigUint64Array,
  tBits: BigUint64Array,
  n: number,
  k: number,
  permS: Uint32Array,
  permT: Uint32Array,
  seed: Seed,
  options?: RouterOptions,
): Int32Array

/**
 * {@link phaseRouter} with both permutations drawn from the seed
 * (ChaCha8 seeded with `seed`, shuffling S's then T's), as the reference does.
 *
 * @example
 * const { buildBits, phaseRouterAuto } = require('phase-router')
 * const n = 64
 * const bits = buildBits(new Uint32Array(n).fill(19), n)
 * const routes = phaseRouterAuto(bits, bits, n, 4, 7n)
 * console.log(routes.length) // 256
 */
export function phaseRouterAuto(
  sBits: BigUint64Array,
  tBits: BigUint64Array,
  n: number,
  k: number,
  seed: Seed,
  options?: RouterOptions,
): Int32Array

/**
 * The router from per-row counts instead of bit matrices: `sDegrees[j]` is
 * the popcount of source `j`'s row, `tDegrees[c]` that of target `c`'s row.
 * Skips the `n x n` matrices altogether (time about `sum(sDegrees) / 64 + n`,
 * memory `O(n)`), and equals {@link phaseRouter} on any matrices with these
 * row popcounts, in both modes.
 *
 * Sources and targets may differ in number: with `m = sDegrees.length`
 * sources and `n = tDegrees.length` targets, `permS` permutes the targets
 * (`0..n-1`), `permT` the sources (`0..m-1`), each `sDegrees[j] <= n` and each
 * `tDegrees[c] <= m`. Returns `m * k` slots.
 *
 * @example
 * const { phaseRouterDegrees } = require('phase-router')
 * const n = 1000
 * const degrees = new Uint32Array(n).fill(300)
 * const perm = Uint32Array.from({ length: n }, (_, i) => (i * 7) % n)
 * const routes = phaseRouterDegrees(degrees, degrees, 4, perm, perm, 1n, { mode: 'fast' })
 * console.log(routes.length) // 4000
 */
export function phaseRouterDegrees(
  sDegrees: Uint32Array,
  tDegrees: Uint32Array,
  k: number,
  permS: Uint32Array,
  permT: Uint32Array,
  seed: Seed,
  options?: RouterOptions,
): Int32Array

/**
 * {@link phaseRouter} computed off the JavaScript thread (libuv pool, Rayon
 * inside), with the same result. Before the promise is returned, every
 * argument is checked and what the computation needs is taken from the
 * inputs: the matrices' row popcounts (one pass over each matrix on the
 * calling thread, a fraction of a whole sync call) and copies of the
 * permutations, never the matrices themselves. So the caller may change or
 * reuse its buffers at once without changing the result. Bad arguments reject
 * with the `TypeError` or `RangeError` the sync call throws, before any work
 * is queued.
 *
 * Pass `{ signal }` to cancel: a signal that is already aborted rejects at
 * once with an `AbortError` (a `DOMException`) and no work is queued; aborting
 * later rejects the promise with an `AbortError` and takes the work off the
 * libuv queue if no thread has started it (a call already running finishes in
 * the background and its result is dropped). Aborting after the promise has
 * settled does nothing. The signal itself is never modified.
 *
 * @example
 * const { buildBits, phaseRouterAsync } = require('phase-router')
 * const n = 1024
 * const bits = buildBits(new Uint32Array(n).fill(307), n)
 * const perm = Uint32Array.from({ length: n }, (_, i) => i)
 * phaseRouterAsync(bits, bits, n, 8, perm, perm, 1n).then((routes) => console.log(routes.length)) // 8192
 */
export function phaseRouterAsync(
  sBits: BigUint64Array,
  tBits: BigUint64Array,
  n: number,
  k: number,
  permS: Uint32Array,
  permT: Uint32Array,
  seed: Seed,
  options?: AsyncOptions,
): Promise<Int32Array>

/** Options of the async routers. */
export interface AsyncOptions {
  /** `'reference'` (default) or `'fast'`, as for the sync routers ({@link RouterOptions}). */
  mode?: Mode
  /** Cancels the call when aborted; see {@link phaseRouterAsync}. A value that is not an `AbortSignal` is a `TypeError`. */
  signal?: AbortSignal
}

/**
 * {@link phaseRouterAuto} computed off the JavaScript thread; see
 * {@link phaseRouterAsync}, also for cancelling with `{ signal }`.
 *
 * @example
 * const { buildBits, phaseRouterAutoAsync } = require('phase-router')
 * const bits = buildBits(new Uint32Array(256).fill(77), 256)
 * phaseRouterAutoAsync(bits, bits, 256, 2, 3).then((routes) => console.log(routes.length)) // 512
 */
export function phaseRouterAutoAsync(
  sBits: BigUint64Array,
  tBits: BigUint64Array,
  n: number,
  k: number,
  seed: Seed,
  options?: AsyncOptions,
): Promise<Int32Array>

/**
 * {@link phaseRouterDegrees} computed off the JavaScript thread, with the same
 * result; see {@link phaseRouterAsync}, also for cancelling with `{ signal }`.
 * Every argument is checked and the inputs are copied (`O(m + n)`) before the
 * promise is returned, so the caller may reuse its buffers at once.
 *
 * @example
 * const { phaseRouterDegreesAsync } = require('phase-router')
 * const n = 100_000
 * const degrees = new Uint32Array(n).fill(64)
 * const perm = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % n)
 * phaseRouterDegreesAsync(degrees, degrees, 4, perm, perm, 1n, { mode: 'fast' })
 *   .then((routes) => console.log(routes.length)) // 400000
 */
export function phaseRouterDegreesAsync(
  sDegrees: Uint32Array,
  tDegrees: Uint32Array,
  k: number,
  permS: Uint32Array,
  permT: Uint32Array,
  seed: Seed,
  options?: AsyncOptions,
): Promise<Int32Array>

/**
 * Builds an `n x n` bit matrix whose row `r` has its first `onesPerRow[r]` bits set.
 *
 * @param onesPerRow  one count per row, each in `0..n`.
 * @returns `n * ceil(n/64)` words, ready for {@link phaseRouter}.
 *
 * @example
 * const { buildBits } = require('phase-router')
 * const bits = buildBits([0, 1, 3], 3) // BigUint64Array [0n, 1n, 7n]
 */
export function buildBits(onesPerRow: Uint32Array | number[], n: number): BigUint64Array

/** How {@link route} picks each source's targets. */
export type Strategy = 'phase' | 'hash' | 'weighted' | 'stride'

/** Options of {@link route}. */
export interface RouteOptions {
  /** Number of sources M of a rectangular batch (default: `n`, else the length of `sourceWeights`). */
  sources?: number
  /** Relative weight of each source, length M (default: all equal). Only `'phase'` uses it. */
  sourceWeights?: Numbers
  /** Relative capacity of each target, length N (default: all equal). */
  targetCapacities?: Numbers
  /** Sources = targets of a square batch; needed only when no other count or array is given. */
  n?: number
  /** Most targets per source, at least 1. */
  k: number
  /** Seed of every random choice (default 0). */
  seed?: Seed
  /** `'phase'` only: share of the ring an average arc covers, in `(0, 1]` (default 0.3). */
  density?: number
  /**
   * - `'phase'` (default): the phase router; each side's arcs are sized by
   *   weights and capacities against the other side's ring.
   * - `'hash'`: `k` distinct targets uniformly at random, ignoring capacity.
   * - `'weighted'`: `k` distinct targets, each drawn with probability
   *   proportional to capacity (weighted rendezvous hashing).
   * - `'stride'`: systematic sampling over cumulative capacity. Target shares
   *   are exactly proportional to capacity, capped at one slot per source
   *   (the rest renormalised); the batch's `M * k` slots cover the capacity
   *   line evenly, so integer capacities whose total is at least `M * k` are
   *   never exceeded. Each source's targets depend on the seed, its index,
   *   `M` and the capacities.
   *
   * Every strategy gives distinct targets per source, is deterministic from
   * the seed and does not depend on the thread count.
   */
  strategy?: Strategy
}

/**
 * High-level routing of M sources to N targets from weights and capacities;
 * returns `M * k` target indices.
 *
 * For `'phase'` on a square batch, source `i` covers
 * `clamp(round(w[i] / mean(w) * density * n), 1, n)` positions and target `c`
 * `clamp(round(cap[c] / mean(cap) * density * n), 1, n)`, permutations come
 * from the seed, and the result equals {@link phaseRouterAuto} on the matching
 * {@link buildBits} matrices, without building them. On a rectangular batch
 * the S-ring has N positions and the T-ring M, and each side's degrees are
 * sized (and capped) against the ring they live on.
 *
 * @example
 * const { route, capacityProfile, computeLoads } = require('phase-router')
 * const caps = capacityProfile('strong', 1024, 42)
 * const routes = route({ targetCapacities: caps, k: 8, seed: 42 })
 * const loads = computeLoads(routes, 1024) // big experts get more slots
 *
 * @example
 * // 4096 tokens to 64 experts whose integer caps add up to the demand
 * const { route, computeLoads } = require('phase-router')
 * const caps = Array.from({ length: 64 }, (_, c) => (c < 32 ? 96 : 32))
 * const routes = route({ sources: 4096, targetCapacities: caps, k: 1, strategy: 'stride' })
 * computeLoads(routes, 64) // exactly caps: 96 for the first 32 experts, 32 for the rest
 */
export function route(options: RouteOptions): Int32Array

/** Options of {@link routeAsync}: those of {@link route}, and a signal. */
export interface RouteAsyncOptions extends RouteOptions {
  /** Cancels the call when aborted; see {@link phaseRouterAsync}. A value that is not an `AbortSignal` is a `TypeError`. */
  signal?: AbortSignal
}

/**
 * {@link route} computed off the JavaScript thread (libuv pool, Rayon inside),
 * with the same result. Every option is checked and the weights and
 * capacities are copied before the promise is returned, so the caller may
 * reuse its arrays at once; bad options reject with the `TypeError` or
 * `RangeError` that {@link route} throws, before any work is queued.
 * Cancelling with `{ signal }` works as for {@link phaseRouterAsync}.
 *
 * @example
 * const { routeAsync, capacityProfile } = require('phase-router')
 * const caps = capacityProfile('strong', 4096, 42)
 * routeAsync({ sources: 100_000, targetCapacities: caps, k: 8, strategy: 'stride' })
 *   .then((routes) => console.log(routes.length)) // 800000
 *
 * @example
 * const { routeAsync } = require('phase-router')
 * const controller = new AbortController()
 * routeAsync({ n: 4096, k: 4, signal: controller.signal }).catch((error) => console.log(error.name)) // AbortError
 * controller.abort()
 */
export function routeAsync(options: RouteAsyncOptions): Promise<Int32Array>

/**
 * The uniform hash baseline of the published benchmark: `k` independent
 * uniform picks in `0..n-1` for each of `n` rows (a row may repeat a target).
 *
 * @example
 * const { hashRoute } = require('phase-router')
 * const routes = hashRoute(1024, 2, 42) // Int32Array(2048)
 */
export function hashRoute(n: number, k: number, seed: Seed): Int32Array

/**
 * Hard caps: `max(1, ceil(capacities[c] / sum(capacities) * tokens * k * headroom))` slots per target.
 *
 * @example
 * const { makeHardCaps } = require('phase-router')
 * makeHardCaps([1, 1, 2], 10, 2, 1.2) // Int32Array [6, 6, 12]
 */
export function makeHardCaps(capacities: Numbers, tokens: number, k: number, headroom: number): Int32Array

/** Result of {@link enforceCapacity}. */
export interface Enforced {
  /** A new array: the input routes with every dropped slot set to -1. */
  routes: Int32Array
  /** Slots that kept their target. */
  kept: number
  /** Slots that had a target but found it full (empty slots are neither kept nor dropped). */
  dropped: number
}

/**
 * One first-come-first-served pass over the routes in row-major order
 * (source 0's slots, then source 1's, ...): a slot whose target already holds
 * `caps[target]` slots is dropped. The input is not modified.
 *
 * @example
 * const { enforceCapacity } = require('phase-router')
 * const out = enforceCapacity(Int32Array.from([0, 1, 0, 1, 0, -1]), 2, Int32Array.from([2, 5]))
 * // out.routes = [0, 1, 0, 1, -1, -1], out.kept = 4, out.dropped = 1
 */
export function enforceCapacity(routes: Int32Array, k: number, caps: Int32Array): Enforced

/**
 * Slots routed to each target; `-1` is ignored.
 *
 * @example
 * const { computeLoads } = require('phase-router')
 * computeLoads(Int32Array.from([0, 2, 2, -1]), 3) // Int32Array [1, 0, 2]
 */
export function computeLoads(routes: Int32Array, nTargets: number): Int32Array

/** Summary of a load vector; `cv` is `std / mean`. `std` is the population standard deviation. */
export interface LoadStats {
  mean: number
  std: number
  min: number
  max: number
  cv: number
  maxOverMean: number
}

/**
 * Mean, standard deviation, extremes and spread of per-target loads.
 *
 * @example
 * const { loadStats } = require('phase-router')
 * loadStats([2, 4, 6]) // { mean: 4, std: 1.633, min: 2, max: 6, cv: 0.408, maxOverMean: 1.5 }
 */
export function loadStats(loads: Numbers): LoadStats

/**
 * Share of slots that hold a target (are not `-1`), in `[0, 1]`.
 *
 * @example
 * const { survivalRate } = require('phase-router')
 * survivalRate(Int32Array.from([3, -1, 0, 1])) // 0.75
 */
export function survivalRate(routes: Int32Array): number

/**
 * Capacities of `n` targets for a profile of the published benchmark, shuffled by the seed:
 * uniform (all 1), mild (20% at 3), strong (10% at 8, the next 20% at 2, the rest 1),
 * extreme (5%, at least one, at 16).
 *
 * @example
 * const { capacityProfile } = require('phase-router')
 * const caps = capacityProfile('strong', 10, 42) // Float64Array: one 8, two 2s, seven 1s
 */
export function capacityProfile(name: ProfileName, n: number, seed?: Seed): Float64Array
