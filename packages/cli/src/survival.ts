// One run of the MoE capacity benchmark for one method and seed: route the
// tokens, enforce the hard caps first-come-first-served (docs/algorithm.md#the-published-benchmark), and
// report the share of the tokens' slots that survive.

import { enforceCapacity, hashRoute, route } from 'phase-router'
import { greedyRoute } from './greedy'

export type Method = 'phase' | 'hash' | 'weighted' | 'stride' | 'greedy' | 'bound'
export const METHODS: Method[] = ['phase', 'hash', 'weighted', 'stride', 'greedy', 'bound']

/** Everything one run needs: the batch, the relative capacities routers see, and the caps that judge them. */
export interface Setup {
  /** Tokens; the number of experts is the length of `capacities`. */
  sources: number
  k: number
  /** Relative capacity of each expert (a profile). */
  capacities: Float64Array
  /** Integer hard cap of each expert, proportional to `capacities`. */
  hardCaps: Int32Array
}

export interface Run {
  survival: number
  /** Wall time of the routing call alone; 0 for `bound`, which routes nothing. */
  routeMs: number
}

function routesFor(method: Exclude<Method, 'bound'>, setup: Setup, seed: number): Int32Array {
  const { sources, k, capacities, hardCaps } = setup
  switch (method) {
    case 'phase':
      return route({ sources, targetCapacities: capacities, k, seed, density: 0.3 })
    case 'hash':
      // hashRoute is the published baseline (k independent picks, repeats
      // allowed) but square only; other batches take k distinct uniform picks.
      return sources === capacities.length
        ? hashRoute(sources, k, seed)
        : route({ sources, targetCapacities: capacities, k, seed, strategy: 'hash' })
    case 'weighted':
      return route({ sources, targetCapacities: capacities, k, seed, strategy: 'weighted' })
    case 'stride':
      // Given the integer caps as capacities, stride's evenly spaced points
      // give each expert at most its cap whenever the caps cover the demand.
      return route({ sources, targetCapacities: hardCaps, k, seed, strategy: 'stride' })
    case 'greedy':
      return greedyRoute(hardCaps, sources, k)
  }
}

/**
 * The best any router can do under these caps: expert c takes at most
 * min(cap[c], M) of the M k slots (a token sends at most one slot to each expert).
 */
export function survivalBound(hardCaps: Int32Array, sources: number, k: number): number {
  let room = 0
  for (const cap of hardCaps) room += Math.min(cap, sources)
  return Math.min(1, room / (sources * k))
}

export function runOnce(method: Method, setup: Setup, seed: number): Run {
  const { sources, k, hardCaps } = setup
  if (method === 'bound') return { survival: survivalBound(hardCaps, sources, k), routeMs: 0 }
  const start = process.hrtime.bigint()
  const routes = routesFor(method, setup, seed)
  const routeMs = Number(process.hrtime.bigint() - start) / 1e6
  return { survival: enforceCapacity(routes, k, hardCaps).kept / (sources * k), routeMs }
}
