// Small helpers the node benches share, so each bench file holds only what it measures.

/** The middle of a sample (the mean of the two middle values for an even count). */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * A seeded Fisher-Yates shuffle of `0..n-1` driven by a linear congruential
 * generator, so that a bench's explicit permutations are the same on every run.
 */
function seededShuffle(n, salt) {
  const perm = Uint32Array.from({ length: n }, (_, i) => i)
  let state = salt
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    const j = state % (i + 1)
    ;[perm[i], perm[j]] = [perm[j], perm[i]]
  }
  return perm
}

module.exports = { median, seededShuffle }
