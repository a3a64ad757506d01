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

// ---------------------------------------------------------------------------
// Mixture-of-Experts gating: gate, gateAsync, dispatchReplicas, updateBias.
// (README section "Mixture-of-Experts gating"; implementation in ts/gate.ts,
// src/gate.rs and crates/phase-router-kernel/src/gate/.)
// ---------------------------------------------------------------------------

/** Options of {@link gate}; `experts` and `k` are required. */
export interface GateOptions {
  /** Number of experts `E`: the length of a row of `scores`. */
  experts: number
  /** Experts per token, `1..E`. */
  k: number
  /** `'softmax'` over the row (default, numerically stable) or `'sigmoid'` of each logit. */
  scoring?: 'softmax' | 'sigmoid'
  /** Added to the scores for choosing experts only; weights come from the scores (length `E`, finite). */
  bias?: Float32Array
  /**
   * Group-limited choice (vLLM's `grouped_topk`): `count` equal groups, each rated by its best
   * selection score (by the sum of its best two when `bias` is given); only the experts of the
   * `topk` best groups (ties to the lower group) are eligible.
   */
  groups?: { count: number; topk: number }
  /** Divide a token's kept weights by their sum, so that they sum to 1 (default true). */
  renormalize?: boolean
  /** Factor on every weight (default 1). */
  scale?: number
  /** Most tokens an expert keeps: one integer for every expert, or one per expert. Absent: no cap. */
  capacity?: number | Int32Array
  /**
   * What a full expert does with an assignment: `'drop'` it (default), `'reroute'` the token, or
   * `'maximize'`: reroute, then move tokens along augmenting paths (least score loss first) until
   * the kept slots reach `ceil(slotShare * most)`, `most` being the most slots any assignment
   * within the same candidates (`rerouteWithin`) and caps keeps. Not stable: a token may then hold
   * an expert that refused another token with a higher score for it.
   */
  overflow?: 'drop' | 'reroute' | 'maximize'
  /** Which assignments a full expert keeps: highest `'score'` (default) or earliest `'position'`. */
  priority?: 'score' | 'position'
  /** With `reroute`, how many of its best eligible experts a token may take (default `2 * k`, at least `k`). */
  rerouteWithin?: number
  /** With `'maximize'`, the share of the most slots to keep, in `(0, 1]` (default 0.99). */
  slotShare?: number
}

/** What {@link gate} returns: `k` slots per token, row-major. */
export interface GateResult {
  /** Expert of each slot, -1 where dropped. */
  experts: Int32Array
  /** Combine weight of each slot, 0 where dropped. */
  weights: Float32Array
  /** Place of each kept slot in its expert's buffer (`0..counts[e]-1`, in token order), -1 where dropped. */
  positions: Int32Array
  /** Tokens kept by each expert (length `E`). */
  counts: Int32Array
  /** Slots that hold an expert. */
  kept: number
  /** Slots left empty: `tokens * k - kept`. */
  dropped: number
}

/** Arrays for {@link gate} to write its result into (`options.out`). */
export interface GateOut {
  /** `tokens * k` values. */
  experts: Int32Array
  /** `tokens * k` values. */
  weights: Float32Array
  /** `tokens * k` values. */
  positions: Int32Array
  /** `E` values. */
  counts: Int32Array
}

/** Options of {@link gate}: those of every gate call, and `out`. */
export interface GateSyncOptions extends GateOptions {
  /**
   * Arrays to write the result into instead of new ones, for a serving loop that gates batch
   * after batch without allocating: every element is overwritten, and the result holds these
   * same arrays. Their lengths must match (`tokens * k`, and `E` for `counts`), and none may share
   * memory with an input or another of them: a `RangeError` otherwise, before any work.
   */
  out?: GateOut
}

/**
 * Mixture-of-Experts gating: each token's `k` experts, combine weights and
 * places in the experts' buffers, from `tokens x experts` router logits
 * (row-major). Scores are computed in f64 from the f32 logits, and choices
 * compare those f64 values (ties to the lower expert); weights are the kept
 * slots' scores (renormalized over the *kept* slots), rounded to f32.
 * Deterministic, the same at every thread count. Throws a `TypeError` for a
 * wrong type and a `RangeError` naming the argument (and index) for a bad
 * value: a NaN or infinite score, a length that is not a multiple of
 * `experts`, `k > experts`, groups that do not divide `experts` or cannot
 * supply `k` experts, a negative cap.
 *
 * @example
 * const { gate } = require('phase-router')
 * // 3 tokens, 4 experts, 2 experts per token, at most 1 token per expert.
 * const scores = Float32Array.from([4, 3, 0, 0, 4, 3, 0, 0, 0, 0, 1, 2])
 * const g = gate(scores, { experts: 4, k: 2, capacity: 1 })
 * g.experts   // Int32Array [0, 1, -1, -1, 3, 2]: token 1 tied with token 0, the earlier token won
 * g.positions // Int32Array [0, 0, -1, -1, 0, 0]
 * g.counts    // Int32Array [1, 1, 1, 1]
 * // One expert per token: token 1 loses expert 0 to token 0 and is dropped, or rerouted to expert 1.
 * gate(scores, { experts: 4, k: 1, capacity: 1 }).experts                       // Int32Array [0, -1, 3]
 * gate(scores, { experts: 4, k: 1, capacity: 1, overflow: 'reroute' }).experts  // Int32Array [0, 1, 3]
 * // The same call into arrays kept from call to call (no allocation):
 * const out = { experts: new Int32Array(3), weights: new Float32Array(3), positions: new Int32Array(3), counts: new Int32Array(4) }
 * gate(scores, { experts: 4, k: 1, capacity: 1, out }).experts === out.experts  // true; Int32Array [0, -1, 3]
 */
export function gate(scores: Float32Array, options: GateSyncOptions): GateResult

/**
 * {@link gate} on the libuv thread pool. Arguments are checked (a bad one
 * rejects the promise) and copied before it starts, so they may change
 * afterwards. `signal` cancels as for {@link phaseRouterAsync}. It returns
 * new arrays: `out` is for {@link gate} only (a `TypeError` here).
 *
 * @example
 * const { gateAsync } = require('phase-router')
 * gateAsync(Float32Array.from([1, 2, 3, 4]), { experts: 2, k: 1 })
 *   .then((g) => console.log(g.experts)) // Int32Array [1, 1]
 */
export function gateAsync(scores: Float32Array, options: GateOptions & AsyncOptions): Promise<GateResult>

/** Replicas of `E` experts in CSR form: expert `e`'s are `offsets[e]..offsets[e+1]-1`. */
export interface Replicas {
  /** `E + 1` non-decreasing integers from 0 to `capacities.length`. */
  offsets: Numbers
  /** Relative capacity of each replica (finite, `>= 0`); every used expert needs one above 0. */
  capacities: Numbers
}

/** Options of {@link dispatchReplicas}. */
export interface DispatchOptions {
  /** Slots per token in `experts` (default 1); with `tokenOffset`, makes the global token index. */
  k?: number
  /** `'weighted'` (default), `'hash'`, `'stride'` or `'phase'`. */
  strategy?: Strategy
  /** Seed of every random choice (default 0). */
  seed?: Seed
  /** Global index of this call's first token (default 0). */
  tokenOffset?: number
}

/**
 * Physical replica of each slot of `experts` (logical ids from {@link gate};
 * -1 passes through), so that each replica's share of its expert's tokens
 * follows its capacity. `'weighted'` draws a replica with probability
 * proportional to capacity and `'hash'` uniformly (capacity ignored), each
 * slot from `(seed, global token, slot)` only: a rank that routes tokens
 * `[tokenOffset, tokenOffset + T)` gets exactly that slice of what one process
 * routing the whole batch gets. `'stride'` gives each replica exactly its
 * share of the expert's tokens in this call and `'phase'` runs the phase
 * router over them; both depend on the whole call.
 *
 * @example
 * const { dispatchReplicas } = require('phase-router')
 * // Expert 0 has replicas 0 and 1 (capacities 1 and 3), expert 1 has replica 2.
 * const replicas = { offsets: [0, 2, 3], capacities: [1, 3, 1] }
 * const experts = Int32Array.from([0, 1, 0, -1, 0, 1, 0, 1])
 * dispatchReplicas(experts, replicas, { k: 2, strategy: 'stride' })
 * // Int32Array: -1 stays -1, every 1 becomes 2, and the four 0s become one 0 and three 1s
 */
export function dispatchReplicas(experts: Int32Array, replicas: Replicas, options?: DispatchOptions): Int32Array

/**
 * Auxiliary-loss-free balancing (DeepSeek-V3): a new bias
 * `bias[e] + rate * sign(mean(counts) - counts[e])` (`sign(0) = 0`), computed
 * in f64 and rounded to f32. Pass the result as `gate`'s next `bias`.
 *
 * @example
 * const { updateBias } = require('phase-router')
 * updateBias(new Float32Array(3), Int32Array.from([1, 5, 3]), 0.25) // Float32Array [0.25, -0.25, 0]
 */
export function updateBias(bias: Float32Array, counts: Numbers, rate: number): Float32Array

// ---------------------------------------------------------------------------
// Keyed routing (KeyedRouter): keys -> weighted targets, for services.
// See docs/keyed.md for the design, guarantees and measurements.
// ---------------------------------------------------------------------------

/** Keys of a keyed call: strings, or 64-bit hashes you computed (see {@link KeyedRouter.hash}). */
export type Keys = readonly string[] | BigUint64Array

/**
 * How a {@link KeyedRouter} finds a key's targets:
 * - `'table'` (default): a few table probes per lookup whatever the number of targets (`meanTrials`); a change
 *   moves keys only to or from the changed target, save the keys of a piece it pushes aside (0-8% more than the
 *   least on average, at worst as many again as the change itself), and the default table is rebuilt at
 *   thresholds (pin `slots` and `bound` to avoid that).
 * - `'rendezvous'`: exact weighted rendezvous, every target scored for every key (O(targets) a lookup): a change
 *   moves exactly the keys of the changed target's change in share, never others, at any pool size. For pools
 *   of up to a few hundred targets where that guarantee is worth the cost. No table, so no `slots` or `bound`.
 *
 * @example
 * const { KeyedRouter, movedKeys } = require('phase-router')
 * const exact = new KeyedRouter({ targets: ['a', 'b', 'c'], capacities: [1, 2, 1], method: 'rendezvous' })
 * const grown = exact.withTargets(['a', 'b', 'c', 'd'], [1, 2, 1, 1]) // keeps method: 'rendezvous'
 * const keys = Array.from({ length: 10000 }, (_, i) => `user-${i}`)
 * movedKeys(exact, grown, keys) // about 10000 / 5: exactly the keys 'd' now gets
 */
export type KeyedMethod = 'table' | 'rendezvous'

/** Options of `new KeyedRouter(...)`. */
export interface KeyedRouterOptions {
  /** Target ids, distinct strings. Their order does not change any routing; it only numbers the results. */
  targets: readonly string[]
  /** One finite positive capacity per target (default: all 1). A target's share of keys is its capacity over the total. */
  capacities?: Numbers
  /** Seed of every hash (default 0). Routers agree on every key when built from the same set and seed. */
  seed?: Seed
  /** `'table'` (default) or `'rendezvous'`: see {@link KeyedMethod}. Kept by `withTargets` / `withCapacities`. */
  method?: KeyedMethod
  /**
   * Pin the lookup table's size: a power of two in `[2, 2^31]`, at least the number of pieces (each target is cut
   * into `ceil(capacity / bound)` pieces, one per slot). Default: the smallest power of two `>= 6 * pieces`, which
   * doubles when `6 * pieces` crosses a power of two (at 171, 342, 683, ... unit pieces); about half of the keys
   * move then. A pinned size (kept by `withTargets` / `withCapacities`) keeps the table through growth, at the cost
   * of slower lookups while it is much larger than the pool needs. See docs/keyed.md.
   */
  slots?: number
  /**
   * Pin the unit: the most capacity one piece (one slot) holds, finite and positive. Default: the smallest power
   * of two at or above the median capacity (doubled if targets would average more than 16 pieces), so the table
   * is rebuilt, and about half of the keys move, only when the median crosses a power of two.
   */
  bound?: number
}

/** Options of the bounded-load `assign`. */
export interface AssignOptions {
  /** Each target gets at most `ceil(loadFactor * share * keys * k)` slots; at least 1 (default 1.25). */
  loadFactor?: number
}

/** Options of the async keyed calls. */
export interface KeyedAsyncOptions {
  /** Cancels the call if no worker thread has started it yet; the promise rejects with an `AbortError`. */
  signal?: AbortSignal
}

/**
 * Routes keys to `k` distinct targets of a weighted set, in preference order: consistent hashing with capacities.
 *
 * - **Stable**: a key's targets depend only on the key, the seed and the *set* of `(id, capacity)` pairs, never
 *   on the order targets were given in or on earlier routers, so separate processes agree without coordination.
 * - **Proportional**: a target is a key's first choice with probability `capacity / total`, exactly.
 * - **Minimal movement, nearly**: adding or removing a target, or changing a capacity, moves keys only to or from
 *   that target, except the keys of the few pieces of others that its pieces push to another slot (0-8% of
 *   the least possible on average, no more than its own pieces' size); defaults move more when the table is
 *   rebuilt: when `6 * pieces` crosses a power of two or the median capacity does (about half of the keys).
 *   Pin `slots` and `bound` for pools that grow through those points (docs/keyed.md).
 * - **Fast**: a lookup costs `slots * bound / total` table probes on average (`meanTrials`), whatever the number
 *   of targets.
 * - **Or exact**: with `method: 'rendezvous'` a change moves keys only to or from the changed target, always,
 *   at O(targets) a lookup ({@link KeyedMethod}).
 *
 * String keys are hashed as `xxh3_64_with_seed(utf8(key), seed)` (XXH3 64-bit, e.g. the Rust crate
 * `xxhash-rust`, Python `xxhash.xxh3_64_intdigest(key, seed)`); a lone surrogate is encoded as U+FFFD, as
 * `TextEncoder` does. Pass those hashes in a `BigUint64Array` to get the same results.
 *
 * Results are indices into `targets` as given (`router.targets[i]`). Inputs are never modified.
 *
 * @example
 * const { KeyedRouter } = require('phase-router')
 * const router = new KeyedRouter({ targets: ['a', 'b', 'c'], capacities: [1, 2, 1], seed: 7 })
 * router.pick('user-42')                 // 'b' (say): the key's first-choice target id
 * router.lookup(['user-1', 'user-2'], 2) // Int32Array of 4 indices: 2 distinct targets per key
 */
export declare class KeyedRouter {
  constructor(options: KeyedRouterOptions)
  /** The target ids, as given (frozen). */
  readonly targets: readonly string[]
  /** The capacities, as given (a copy on each read). */
  readonly capacities: Float64Array
  /** The seed, as a bigint. */
  readonly seed: bigint
  /** How lookups are made: `'table'` or `'rendezvous'`. */
  readonly method: KeyedMethod
  /** Slots of the lookup table (a power of two), one piece each at most; 0 for `'rendezvous'`. */
  readonly slots: number
  /** The unit: the most capacity one piece holds; 0 for `'rendezvous'`. */
  readonly bound: number
  /** Mean table probes per first choice: `slots * bound / total capacity`; for `'rendezvous'`, the number of targets (each is scored). */
  readonly meanTrials: number

  /**
   * The `k` preferred targets of each key (default `k = 1`), row-major: key `i`'s are
   * `result.subarray(i * k, i * k + k)`, distinct, best first. `k` may be at most the number of targets.
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b', 'c', 'd'], seed: 1 })
   * const routes = router.lookup(['k1', 'k2', 'k3'], 2) // Int32Array(6)
   * const firstOfK2 = router.targets[routes[2]]
   */
  lookup(keys: Keys, k?: number): Int32Array
  /**
   * `lookup` off the JavaScript thread (the keys are copied first).
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b'] })
   * router.lookupAsync(['k1', 'k2']).then((routes) => console.log(routes))
   */
  lookupAsync(keys: Keys, k?: number, options?: KeyedAsyncOptions): Promise<Int32Array>
  /**
   * The `k` preferred targets of one key (default 1), as `lookup` gives them for a batch of one.
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b', 'c'] })
   * router.lookupOne('session-9', 2) // Int32Array(2), e.g. [2, 0]
   */
  lookupOne(key: string | bigint, k?: number): Int32Array
  /**
   * The id of one key's first-choice target: the cheapest call for one request.
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * new KeyedRouter({ targets: ['a', 'b', 'c'] }).pick('session-9') // e.g. 'c'
   */
  pick(key: string | bigint): string
  /**
   * Bounded loads for a batch: `k` distinct targets per key such that no target gets more than
   * `ceil(loadFactor * capacity / total * keys * k)` slots. A key whose preferred target is full takes its next
   * preference. Keys are served in the order of their hashes, so the result does not depend on the order of the
   * batch (copies of one key are served in the order given). A slot is `-1` only when fewer than `k` targets
   * with room are left to a key (possible when a target's share exceeds `1 / k`).
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b', 'c'], capacities: [2, 1, 1] })
   * const keys = ['hot', 'hot', 'hot', 'hot', 'x', 'y', 'z', 'w']
   * router.assign(keys, 1, { loadFactor: 1.25 }) // 'a' gets at most ceil(1.25 * 0.5 * 8) = 5 keys
   */
  assign(keys: Keys, k?: number, options?: AssignOptions): Int32Array
  /**
   * `assign` off the JavaScript thread.
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * new KeyedRouter({ targets: ['a', 'b'] }).assignAsync(['k1', 'k2'], 1, { loadFactor: 1.5 }).then(console.log)
   */
  assignAsync(keys: Keys, k?: number, options?: AssignOptions & KeyedAsyncOptions): Promise<Int32Array>
  /**
   * A router over the same targets with new capacities (seed, method and pinned `slots` / `bound` kept).
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b'], capacities: [1, 1] })
   * const bigger = router.withCapacities([2, 1]) // keys only move to 'a'
   */
  withCapacities(capacities: Numbers): KeyedRouter
  /**
   * A router over another set of targets (capacities default to 1; seed, method and pinned `slots` / `bound` kept).
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b', 'c'] })
   * const grown = router.withTargets(['a', 'b', 'c', 'd']) // keys only move to 'd'
   */
  withTargets(targets: readonly string[], capacities?: Numbers): KeyedRouter
  /**
   * The 64-bit hash a string key is looked up by: `xxh3_64_with_seed(utf8(key), seed)`.
   *
   * @example
   * const { KeyedRouter } = require('phase-router')
   * const router = new KeyedRouter({ targets: ['a', 'b'] })
   * router.lookup(new BigUint64Array([router.hash('k')]))[0] === router.lookupOne('k')[0] // true
   */
  hash(key: string): bigint
}

/**
 * How many of `keys` have a different set of `k` target ids (default 1) under router `b` than under `a`.
 * Both routers must share the seed. Compare against the least any router could move: half the sum over target
 * ids of the change in capacity share, times the number of keys.
 *
 * @example
 * const { KeyedRouter, movedKeys } = require('phase-router')
 * const a = new KeyedRouter({ targets: ['a', 'b', 'c'] })
 * const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`)
 * movedKeys(a, a.withTargets(['a', 'b', 'c', 'd']), keys) // about 250
 */
export function movedKeys(a: KeyedRouter, b: KeyedRouter, keys: Keys, k?: number): number
