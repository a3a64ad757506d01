// Relative expert capacities for the serving sweep: the published profiles
// (strong, extreme) from the addon, and a lognormal one, exp(sigma z) with z
// standard normal, which has no blocks: a few big experts, a long tail of
// small ones. The lognormal draw is seeded here so that a run is reproducible.

import { capacityProfile } from 'phase-router'

export type ServingProfile = 'strong' | 'extreme' | 'lognormal'

/** The sigma of the `lognormal` profile (of the underlying normal). */
export const LOGNORMAL_SIGMA = 1

/** mulberry32: a small 32-bit PRNG, enough for benchmark inputs; returns floats in [0, 1). */
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

/** `n` capacities exp(sigma z), z standard normal by Box-Muller over mulberry32(seed). */
export function lognormalCapacities(n: number, sigma: number, seed: number): Float64Array {
  const random = mulberry32(seed)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    // 1 - random() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - random()))
    const angle = 2 * Math.PI * random()
    out[i] = Math.exp(sigma * radius * Math.cos(angle))
    if (i + 1 < n) out[i + 1] = Math.exp(sigma * radius * Math.sin(angle))
  }
  return out
}

export function servingCapacities(profile: ServingProfile, n: number, seed: number): Float64Array {
  return profile === 'lognormal' ? lognormalCapacities(n, LOGNORMAL_SIGMA, seed) : capacityProfile(profile, n, seed)
}
