// The capacity-weighted random pick that SPEC section 5 names as the natural
// stateless competitor: each token draws k distinct targets, each draw with
// probability proportional to capacity among the targets it has not drawn yet.
// Drawing from the full distribution and redrawing repeats gives exactly that
// distribution, and with k much smaller than n it needs few redraws.

/** mulberry32: a small 32-bit PRNG, enough for a benchmark baseline; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Routes `tokens` tokens to `k` distinct targets each, drawn proportionally to
 * `capacities` (all must be >= 0). Same seed, same routes. Slots beyond the
 * number of targets with positive capacity stay -1.
 */
export function weightedRoute(capacities: ArrayLike<number>, tokens: number, k: number, seed: number): Int32Array {
  const n = capacities.length
  const cumulative = new Float64Array(n)
  let total = 0
  let positive = 0
  for (let c = 0; c < n; c++) {
    total += capacities[c]
    cumulative[c] = total
    if (capacities[c] > 0) positive++
  }
  const picks = Math.min(k, positive)
  const random = mulberry32(seed)
  const out = new Int32Array(tokens * k).fill(-1)
  for (let token = 0; token < tokens; token++) {
    const row = token * k
    for (let slot = 0; slot < picks; slot++) {
      let target: number
      do target = upperBound(cumulative, random() * total)
      while (out.subarray(row, row + slot).includes(target))
      out[row + slot] = target
    }
  }
  return out
}

/** First index whose cumulative sum exceeds `x` (so zero-capacity targets are never hit). */
function upperBound(cumulative: Float64Array, x: number): number {
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cumulative[mid] > x) hi = mid
    else lo = mid + 1
  }
  return lo
}
