// Mixture-of-Experts gating: gate, gateAsync, dispatchReplicas, updateBias.
// Types and documentation are in ../index.d.ts; this file checks argument
// types (TypeError naming the argument) and forwards to the native addon,
// which checks values (RangeError).

import type * as Api from '../index'

import native = require('../binding.js')

import { cancellable, signalOf } from './abort'
import { expectNumber, expectObject, expectTypedArray, toFloat64, toSeed } from './checks'

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a plain Array'
  if (ArrayBuffer.isView(value)) return `a ${(value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? 'DataView'}`
  return `a ${typeof value}`
}

function isTyped(value: unknown, tag: string): boolean {
  return ArrayBuffer.isView(value) && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === tag
}

function float32(value: unknown, name: string): Float32Array {
  if (!isTyped(value, 'Float32Array')) throw new TypeError(`${name}: expected a Float32Array, got ${describe(value)}`)
  return value as Float32Array
}

function int32(value: unknown, name: string): Int32Array {
  if (!isTyped(value, 'Int32Array')) throw new TypeError(`${name}: expected an Int32Array, got ${describe(value)}`)
  return value as Int32Array
}

function optional<T>(value: unknown, name: string, type: 'string' | 'number' | 'boolean'): T | undefined {
  if (value === undefined) return undefined
  if (typeof value !== type) throw new TypeError(`${name}: expected a ${type}, got ${describe(value)}`)
  return value as T
}

type Native = typeof native
type GateArgs = Parameters<Native['gate']>

/** The native arguments of a gate call, every type checked. */
function gateArgs(scores: unknown, options: unknown): GateArgs {
  const s = float32(scores, 'scores')
  const o = expectObject(options, 'options')
  let groupCount: number | undefined
  let groupTopk: number | undefined
  if (o.groups !== undefined) {
    const g = expectObject(o.groups, 'options.groups')
    groupCount = expectNumber(g.count, 'options.groups.count')
    groupTopk = expectNumber(g.topk, 'options.groups.topk')
  }
  let capacity: number | undefined
  let capacities: Int32Array | undefined
  if (typeof o.capacity === 'number') capacity = o.capacity
  else if (o.capacity !== undefined) {
    if (!isTyped(o.capacity, 'Int32Array')) {
      throw new TypeError(`options.capacity: expected a number or an Int32Array, got ${describe(o.capacity)}`)
    }
    capacities = o.capacity as Int32Array
  }
  const config = {
    experts: expectNumber(o.experts, 'options.experts'),
    k: expectNumber(o.k, 'options.k'),
    scoring: optional<string>(o.scoring, 'options.scoring', 'string'),
    groupCount,
    groupTopk,
    renormalize: optional<boolean>(o.renormalize, 'options.renormalize', 'boolean'),
    scale: optional<number>(o.scale, 'options.scale', 'number'),
    capacity,
    overflow: optional<string>(o.overflow, 'options.overflow', 'string'),
    priority: optional<string>(o.priority, 'options.priority', 'string'),
    rerouteWithin: optional<number>(o.rerouteWithin, 'options.rerouteWithin', 'number'),
    slotShare: optional<number>(o.slotShare, 'options.slotShare', 'number'),
  }
  const bias = o.bias === undefined ? undefined : float32(o.bias, 'options.bias')
  return [s, config, bias, capacities]
}

/** `options.out`, every array's type checked, or undefined. */
function outArrays(options: unknown): Api.GateOut | undefined {
  const out = (options as { out?: unknown }).out
  if (out === undefined) return undefined
  const o = expectObject(out, 'options.out')
  return {
    experts: int32(o.experts, 'options.out.experts'),
    weights: float32(o.weights, 'options.out.weights'),
    positions: int32(o.positions, 'options.out.positions'),
    counts: int32(o.counts, 'options.out.counts'),
  }
}

/**
 * Results of up to this many slots get new arrays from JavaScript and go
 * through `gateInto`, like `options.out`: for a small call that costs about
 * half of what the native arrays and result object do. Larger ones are made
 * natively, where a failed allocation is reported as a RangeError naming
 * the call's input.
 */
const JS_ARRAYS_MOST = 1 << 20

/** New result arrays for a call of sane sizes, or undefined (the native call then makes them, or says what is wrong). */
function newArrays(scores: Float32Array, experts: number, k: number): Api.GateOut | undefined {
  const sane = Number.isInteger(experts) && Number.isInteger(k) && experts >= 1 && k >= 1 && k <= experts
  if (!sane || experts > JS_ARRAYS_MOST || scores.length % experts !== 0) return undefined
  const slots = (scores.length / experts) * k
  if (slots > JS_ARRAYS_MOST) return undefined
  return {
    experts: new Int32Array(slots),
    weights: new Float32Array(slots),
    positions: new Int32Array(slots),
    counts: new Int32Array(experts),
  }
}

export const gate: typeof Api.gate = (scores, options) => {
  const args = gateArgs(scores, options)
  const out = outArrays(options) ?? newArrays(args[0], args[1].experts, args[1].k)
  if (out === undefined) return native.gate(...args)
  const kept = native.gateInto(...args, out.experts, out.weights, out.positions, out.counts)
  const { experts, weights, positions, counts } = out
  return { experts, weights, positions, counts, kept, dropped: experts.length - kept }
}

// `async`, so that a bad argument rejects the promise instead of throwing.
export const gateAsync: typeof Api.gateAsync = async (scores, options) => {
  const args = gateArgs(scores, options)
  if ((options as { out?: unknown }).out !== undefined) {
    throw new TypeError(
      'options.out: gateAsync returns new arrays (the pool cannot write into arrays JavaScript may be using); use gate for out',
    )
  }
  return cancellable(signalOf(options), (relay) => native.gateAsync(...args, relay as AbortSignal | undefined))
}

export const dispatchReplicas: typeof Api.dispatchReplicas = (experts, replicas, options) => {
  const e = expectTypedArray<Int32Array>(experts, 'Int32Array', 'experts')
  const r = expectObject(replicas, 'replicas')
  const offsets = toFloat64(r.offsets, 'replicas.offsets')
  const capacities = toFloat64(r.capacities, 'replicas.capacities')
  const o = options === undefined ? {} : expectObject(options, 'options')
  const k = optional<number>(o.k, 'options.k', 'number') ?? 1
  const strategy = optional<string>(o.strategy, 'options.strategy', 'string')
  const tokenOffset = optional<number>(o.tokenOffset, 'options.tokenOffset', 'number') ?? 0
  return native.dispatchReplicas(e, offsets, capacities, k, strategy, toSeed(o.seed ?? 0, 'options.seed'), tokenOffset)
}

export const updateBias: typeof Api.updateBias = (bias, counts, rate) =>
  native.updateBias(float32(bias, 'bias'), toFloat64(counts, 'counts'), expectNumber(rate, 'rate'))
