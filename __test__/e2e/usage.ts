// Compiled by __test__/package.test.js with `tsc --strict --noEmit` inside a
// folder where phase-router was installed from its tarballs, so it checks the
// published typings as a user's TypeScript project sees them. It calls every
// exported function (the test checks that none is missing) and states the
// expected types, so a wrong declaration fails to compile.

import type {
  AsyncOptions,
  Enforced,
  LoadStats,
  Mode,
  ProfileName,
  RouteAsyncOptions,
  RouteOptions,
  RouterOptions,
  Seed,
} from 'phase-router'
import {
  buildBits,
  capacityProfile,
  computeLoads,
  enforceCapacity,
  hashRoute,
  KeyedRouter,
  loadStats,
  makeHardCaps,
  movedKeys,
  phaseRouter,
  phaseRouterAsync,
  phaseRouterAuto,
  phaseRouterAutoAsync,
  phaseRouterDegrees,
  phaseRouterDegreesAsync,
  route,
  routeAsync,
  survivalRate,
} from 'phase-router'

const n = 128
const k = 2
const seed: Seed = 42n
const bits: BigUint64Array = buildBits(new Uint32Array(n).fill(38), n)
const fromArray: BigUint64Array = buildBits([1, 2, 3], 3)
const identity = Uint32Array.from({ length: n }, (_, i) => i)

const exact: Int32Array = phaseRouter(bits, bits, n, k, identity, identity, seed)
const auto: Int32Array = phaseRouterAuto(bits, bits, n, k, 7)
const later: Promise<Int32Array> = phaseRouterAsync(bits, bits, n, k, identity, identity, 0)
const autoLater: Promise<Int32Array> = phaseRouterAutoAsync(bits, bits, n, k, seed, { mode: 'fast' })
const mode: Mode = 'fast'
const into: RouterOptions = { mode, out: new Int32Array(n * k) }
const filled: Int32Array = phaseRouterAuto(bits, bits, n, k, seed, into)
const fromDegrees: Int32Array = phaseRouterDegrees(new Uint32Array(n).fill(38), new Uint32Array(n).fill(38), k, identity, identity, seed)

const profile: ProfileName = 'strong'
const capacities: Float64Array = capacityProfile(profile, n, seed)
const options: RouteOptions = { targetCapacities: capacities, k, seed, density: 0.3 }
const routed: Int32Array = route(options)
const cancel: AsyncOptions = { mode: 'fast', signal: new AbortController().signal }
const degreesLater: Promise<Int32Array> = phaseRouterDegreesAsync(
  new Uint32Array(n).fill(38),
  new Uint32Array(n).fill(38),
  k,
  identity,
  identity,
  seed,
  cancel,
)
const asyncOptions: RouteAsyncOptions = { ...options, strategy: 'stride', signal: new AbortController().signal }
const routedLater: Promise<Int32Array> = routeAsync(asyncOptions)
const hashed: Int32Array = hashRoute(n, k, seed)
const caps: Int32Array = makeHardCaps(capacities, n, k, 1.2)
const enforced: Enforced = enforceCapacity(routed, k, caps)
const kept: number = enforced.kept + enforced.dropped
const loads: Int32Array = computeLoads(enforced.routes, n)
const stats: LoadStats = loadStats(loads)
const share: number = survivalRate(hashed)

const keyed = new KeyedRouter({ targets: ['a', 'b'], capacities: [1, 2], seed })
const keyedRoutes: Int32Array = keyed.lookup(['x', 'y'], 2)
const keyedOne: Int32Array = keyed.lookupOne('x')
const keyedId: string = keyed.pick('x')
const bounded: Int32Array = keyed.assign(new BigUint64Array([1n, 2n]), 1, { loadFactor: 1.5 })
const keyedMoved: number = movedKeys(keyed, keyed.withCapacities([2, 2]).withTargets(['a', 'b', 'c']), ['x'])
const keyedLater: Promise<Int32Array> = keyed.lookupAsync(['x'], 1, { signal: new AbortController().signal })
const keyedHash: bigint = keyed.hash('x')
void keyedLater.then((r) => r.length + keyedRoutes.length + keyedOne.length + bounded.length + keyedMoved + keyedId.length)
void keyedHash

void Promise.all([later, autoLater, degreesLater, routedLater]).then(([a, b, c, d]) => a.length + b.length + c.length + d.length)
export const summary = [exact, auto, filled, fromDegrees, fromArray, kept, stats.maxOverMean, stats.cv, share]

import type { DispatchOptions, GateOptions, GateResult, Replicas } from 'phase-router'
// Mixture-of-Experts gating (index.d.ts section at the end).
import { dispatchReplicas, gate, gateAsync, updateBias } from 'phase-router'

const gateOptions: GateOptions = {
  experts: 4,
  k: 2,
  scoring: 'sigmoid',
  bias: new Float32Array(4),
  groups: { count: 2, topk: 2 },
  capacity: Int32Array.from([2, 2, 2, 2]),
  overflow: 'reroute',
  priority: 'position',
}
const gated: GateResult = gate(new Float32Array(16), gateOptions)
const weights: Float32Array = gated.weights
const bias: Float32Array = updateBias(new Float32Array(4), gated.counts, 0.001)
const replicas: Replicas = { offsets: [0, 1, 2, 3, 4], capacities: [1, 1, 1, 1] }
const dispatchOptions: DispatchOptions = { k: 2, strategy: 'weighted', seed: 1n, tokenOffset: 0 }
const physical: Int32Array = dispatchReplicas(gated.experts, replicas, dispatchOptions)
void gateAsync(new Float32Array(16), { ...gateOptions, signal: new AbortController().signal }).then((g) => g.kept)
export const gating = [gated.kept, weights.length, bias.length, physical.length]
