// Small statistics over plain number lists.

export function mean(xs: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < xs.length; i++) sum += xs[i]
  return xs.length === 0 ? NaN : sum / xs.length
}

/** Sample standard deviation (n - 1); 0 for a single value, since one seed says nothing about spread. */
export function sampleStd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  let squares = 0
  for (let i = 0; i < xs.length; i++) squares += (xs[i] - m) ** 2
  return Math.sqrt(squares / (xs.length - 1))
}

export function median(xs: ArrayLike<number>): number {
  const sorted = Array.from(xs).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Pearson correlation; NaN when either list is constant. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i] - mx
    const dy = ys[i] - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxy / Math.sqrt(sxx * syy)
}
