// The `serving` experiment of `phase-router moe`: a realistic MoE layer, many
// more tokens than experts, and real total headroom near 1, where the
// published protocol (per-expert `ceil`'d caps, always well above demand)
// cannot tell routers apart. Caps here add up to exactly headroom x tokens x k.

import { type ServingProfile, servingCapacities } from './profiles'
import type { Setup } from './survival'

export interface ServingConfig {
  sources: number
  targets: number
  k: number
  /** Real total headroom: the caps add up to round(headroom * sources * k). */
  headroom: number
  profile: ServingProfile
}

const TOKENS = 4096
const EXPERTS = 64

export const SERVING: ServingConfig[] = [1, 2, 8].flatMap((k) =>
  [1.0, 1.05, 1.1].flatMap((headroom) =>
    (['strong', 'extreme', 'lognormal'] as const).map((profile) => ({ sources: TOKENS, targets: EXPERTS, k, headroom, profile })),
  ),
)

/** The row label of a configuration, e.g. `k=2 h=1.05 strong`. */
export const servingParam = (c: ServingConfig): string => `k=${c.k} h=${c.headroom.toFixed(2)} ${c.profile}`

/**
 * Integer caps proportional to `capacities` (all > 0), each at least 1, adding
 * up to exactly `total` (at least one per target). Targets whose share would
 * be under one slot get one and the others share the rest, repeated until no
 * share is under one; shares are then rounded by largest remainder (ties to
 * the lowest index).
 */
export function roundedCaps(capacities: ArrayLike<number>, total: number): Int32Array {
  const n = capacities.length
  if (!Number.isInteger(total) || total < n) throw new RangeError(`total: ${total} is not an integer >= ${n}`)
  for (let c = 0; c < n; c++) {
    if (!(capacities[c] > 0 && Number.isFinite(capacities[c]))) throw new RangeError(`capacities[${c}]: ${capacities[c]} is not > 0`)
  }
  const atOne = new Uint8Array(n)
  let exact: Float64Array
  for (;;) {
    let ones = 0
    let free = 0
    for (let c = 0; c < n; c++) {
      if (atOne[c]) ones++
      else free += capacities[c]
    }
    const scale = (total - ones) / free
    exact = Float64Array.from({ length: n }, (_, c) => (atOne[c] ? 1 : capacities[c] * scale))
    let changed = false
    for (let c = 0; c < n; c++) {
      if (!atOne[c] && exact[c] < 1) {
        atOne[c] = 1
        changed = true
      }
    }
    if (!changed) break
  }
  const caps = Int32Array.from(exact, Math.floor)
  const short = total - caps.reduce((sum, cap) => sum + cap, 0)
  const byRemainder = Array.from({ length: n }, (_, c) => c).sort((a, b) => exact[b] - caps[b] - (exact[a] - caps[a]) || a - b)
  for (const c of byRemainder.slice(0, short)) caps[c]++
  return caps
}

/** One seed's run of a configuration: that seed's capacity profile and the caps rounded from it. */
export function servingSetup(config: ServingConfig, seed: number): Setup {
  const { sources, targets, k, headroom, profile } = config
  const capacities = servingCapacities(profile, targets, seed)
  return { sources, k, capacities, hardCaps: roundedCaps(capacities, Math.round(headroom * sources * k)) }
}
