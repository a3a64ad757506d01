// The public API of phase-router. Each export is typed by the declaration of
// the same name in ../index.d.ts, which carries the documentation; this file
// checks argument types and forwards to the native addon.

import type * as Api from '../index'

import native = require('../binding.js')

import { type AbortRelay, cancellable, signalOf } from './abort'
import { expectNumber, expectObject, expectTypedArray, modeOf, outOf, toFloat64, toSeed } from './checks'

export * from './gate'

function bits(value: unknown, name: string): BigUint64Array {
  return expectTypedArray<BigUint64Array>(value, 'BigUint64Array', name)
}

function uint32(value: unknown, name: string): Uint32Array {
  return expectTypedArray<Uint32Array>(value, 'Uint32Array', name)
}

function routes(value: unknown, name = 'routes'): Int32Array {
  return expectTypedArray<Int32Array>(value, 'Int32Array', name)
}

export const phaseRouter: typeof Api.phaseRouter = (sBits, tBits, n, k, permS, permT, seed, options) =>
  native.phaseRouter(
    bits(sBits, 'sBits'),
    bits(tBits, 'tBits'),
    expectNumber(n, 'n'),
    expectNumber(k, 'k'),
    uint32(permS, 'permS'),
    uint32(permT, 'permT'),
    toSeed(seed),
    modeOf(options),
    outOf(options),
  )

export const phaseRouterAuto: typeof Api.phaseRouterAuto = (sBits, tBits, n, k, seed, options) =>
  native.phaseRouterAuto(
    bits(sBits, 'sBits'),
    bits(tBits, 'tBits'),
    expectNumber(n, 'n'),
    expectNumber(k, 'k'),
    toSeed(seed),
    modeOf(options),
    outOf(options),
  )

export const phaseRouterDegrees: typeof Api.phaseRouterDegrees = (sDegrees, tDegrees, k, permS, permT, seed, options) =>
  native.phaseRouterDegrees(
    uint32(sDegrees, 'sDegrees'),
    uint32(tDegrees, 'tDegrees'),
    expectNumber(k, 'k'),
    uint32(permS, 'permS'),
    uint32(permT, 'permT'),
    toSeed(seed),
    modeOf(options),
    outOf(options),
  )

// The async forms are `async` so that a bad argument rejects the promise
// instead of throwing synchronously. Types are checked before the signal, so a
// wrong argument is a TypeError even when the signal is already aborted.
const asSignal = (relay?: AbortRelay): AbortSignal | undefined => relay as AbortSignal | undefined

export const phaseRouterAsync: typeof Api.phaseRouterAsync = async (sBits, tBits, n, k, permS, permT, seed, options) => {
  const s = bits(sBits, 'sBits')
  const t = bits(tBits, 'tBits')
  const [rows, slots] = [expectNumber(n, 'n'), expectNumber(k, 'k')]
  const [pS, pT] = [uint32(permS, 'permS'), uint32(permT, 'permT')]
  const [seed64, mode] = [toSeed(seed), modeOf(options)]
  return cancellable(signalOf(options), (relay) => native.phaseRouterAsync(s, t, rows, slots, pS, pT, seed64, mode, asSignal(relay)))
}

export const phaseRouterAutoAsync: typeof Api.phaseRouterAutoAsync = async (sBits, tBits, n, k, seed, options) => {
  const s = bits(sBits, 'sBits')
  const t = bits(tBits, 'tBits')
  const [rows, slots] = [expectNumber(n, 'n'), expectNumber(k, 'k')]
  const [seed64, mode] = [toSeed(seed), modeOf(options)]
  return cancellable(signalOf(options), (relay) => native.phaseRouterAutoAsync(s, t, rows, slots, seed64, mode, asSignal(relay)))
}

export const phaseRouterDegreesAsync: typeof Api.phaseRouterDegreesAsync = async (sDegrees, tDegrees, k, permS, permT, seed, options) => {
  const [s, t] = [uint32(sDegrees, 'sDegrees'), uint32(tDegrees, 'tDegrees')]
  const slots = expectNumber(k, 'k')
  const [pS, pT] = [uint32(permS, 'permS'), uint32(permT, 'permT')]
  const [seed64, mode] = [toSeed(seed), modeOf(options)]
  return cancellable(signalOf(options), (relay) => native.phaseRouterDegreesAsync(s, t, slots, pS, pT, seed64, mode, asSignal(relay)))
}

export const buildBits: typeof Api.buildBits = (onesPerRow, n) => {
  const ones = Array.isArray(onesPerRow) ? Uint32Array.from(toFloat64(onesPerRow, 'onesPerRow')) : onesPerRow
  return native.buildBits(expectTypedArray<Uint32Array>(ones, 'Uint32Array', 'onesPerRow'), expectNumber(n, 'n'))
}

/** The native `routeBatch` arguments of a `route` options object, type-checked. */
function batchArgs(options: unknown) {
  const o = expectObject(options, 'options')
  const sourceWeights = o.sourceWeights === undefined ? undefined : toFloat64(o.sourceWeights, 'sourceWeights')
  const targetCapacities = o.targetCapacities === undefined ? undefined : toFloat64(o.targetCapacities, 'targetCapacities')
  const n = o.n === undefined ? undefined : expectNumber(o.n, 'n')
  const sources = o.sources === undefined ? undefined : expectNumber(o.sources, 'sources')
  // `n` sizes both sides of a square batch; `sources` sets the source count
  // of a rectangular one. Otherwise the arrays' lengths do, and the Rust side
  // checks that every array matches the count it goes with.
  const targets = n ?? targetCapacities?.length ?? sources ?? sourceWeights?.length
  const m = sources ?? n ?? sourceWeights?.length ?? targetCapacities?.length
  if (m === undefined || targets === undefined) {
    throw new TypeError('n: required when neither sources, sourceWeights nor targetCapacities is given')
  }
  const strategy = o.strategy ?? 'phase'
  if (typeof strategy !== 'string') throw new TypeError(`strategy: expected a string, got ${typeof strategy}`)
  const density = o.density === undefined ? 0.3 : expectNumber(o.density, 'density')
  return [m, targets, sourceWeights, targetCapacities, expectNumber(o.k, 'k'), density, toSeed(o.seed ?? 0), strategy] as const
}

export const route: typeof Api.route = (options) => native.routeBatch(...batchArgs(options))

export const routeAsync: typeof Api.routeAsync = async (options) => {
  const args = batchArgs(options)
  return cancellable(signalOf(options), (relay) => native.routeBatchAsync(...args, asSignal(relay)))
}

export const hashRoute: typeof Api.hashRoute = (n, k, seed) => native.hashRoute(expectNumber(n, 'n'), expectNumber(k, 'k'), toSeed(seed))

export const makeHardCaps: typeof Api.makeHardCaps = (capacities, tokens, k, headroom) =>
  native.makeHardCaps(
    toFloat64(capacities, 'capacities'),
    expectNumber(tokens, 'tokens'),
    expectNumber(k, 'k'),
    expectNumber(headroom, 'headroom'),
  )

export const enforceCapacity: typeof Api.enforceCapacity = (routesIn, k, caps) =>
  native.enforceCapacity(routes(routesIn), expectNumber(k, 'k'), expectTypedArray<Int32Array>(caps, 'Int32Array', 'caps'))

export const computeLoads: typeof Api.computeLoads = (routesIn, nTargets) =>
  native.computeLoads(routes(routesIn), expectNumber(nTargets, 'nTargets'))

export const survivalRate: typeof Api.survivalRate = (routesIn) => native.survivalRate(routes(routesIn))

export const capacityProfile: typeof Api.capacityProfile = (name, n, seed) => {
  if (typeof name !== 'string') throw new TypeError(`name: expected a string, got ${typeof name}`)
  return native.capacityProfile(name, expectNumber(n, 'n'), toSeed(seed ?? 0))
}

export const loadStats: typeof Api.loadStats = (loads) => {
  const values = toFloat64(loads, 'loads')
  if (values.length === 0) throw new RangeError('loads: is empty')
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    sum += v
    min = Math.min(min, v)
    max = Math.max(max, v)
  }
  const mean = sum / values.length
  let squares = 0
  for (const v of values) squares += (v - mean) ** 2
  const std = Math.sqrt(squares / values.length)
  return { mean, std, min, max, cv: mean === 0 ? 0 : std / mean, maxOverMean: mean === 0 ? 0 : max / mean }
}

export { KeyedRouter, movedKeys } from './keyed'
