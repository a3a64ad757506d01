// One run of the published protocol (SPEC section 5) for one method and seed:
// route N tokens to N experts, enforce the hard caps first-come-first-served,
// and report the share of the N*k slots that survive.

import { capacityProfile, enforceCapacity, hashRoute, makeHardCaps, route } from '../index'
import type { Config } from './published'
import { weightedRoute } from './weighted'

export type Method = 'phase' | 'hash' | 'weighted' | 'bound'
export const METHODS: Method[] = ['phase', 'hash', 'weighted', 'bound']

export interface Run {
  survival: number
  /** Wall time of the routing call alone; 0 for `bound`, which routes nothing. */
  routeMs: number
}

function routesFor(method: Exclude<Method, 'bound'>, caps: Float64Array, config: Config, seed: number): Int32Array {
  const { n, k } = config
  switch (method) {
    case 'phase':
      return route({ targetCapacities: caps, k, seed, density: 0.3 })
    case 'hash':
      return hashRoute(n, k, seed)
    case 'weighted':
      return weightedRoute(caps, n, k, seed)
  }
}

/**
 * The best any router can do under these caps: expert c takes at most
 * min(cap[c], N) slots (a token sends at most one slot to each expert).
 */
export function survivalBound(hardCaps: Int32Array, n: number, k: number): number {
  let room = 0
  for (const cap of hardCaps) room += Math.min(cap, n)
  return Math.min(1, room / (n * k))
}

export function runOnce(method: Method, config: Config, seed: number): Run {
  const { n, k, headroom, profile } = config
  const caps = capacityProfile(profile, n, seed)
  const hardCaps = makeHardCaps(caps, n, k, headroom)
  if (method === 'bound') return { survival: survivalBound(hardCaps, n, k), routeMs: 0 }
  const start = process.hrtime.bigint()
  const routes = routesFor(method, caps, config, seed)
  const routeMs = Number(process.hrtime.bigint() - start) / 1e6
  return { survival: enforceCapacity(routes, k, hardCaps).kept / (n * k), routeMs }
}
