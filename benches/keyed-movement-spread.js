// Movement over many single changes, not one. For each of five kinds of
// change, 40 draws:
//   add a target (capacity = the median), 40 different new ids;
//   remove a target, 40 different ones;
//   double one capacity, 40 different targets (never the largest);
//   double the largest capacity, under 40 seeds;
//   uniform pool 128 -> 129 targets, under 40 seeds.
// The base pool is 100 targets spanning 100:1 (geometric). Each draw reports
// moved / least, where least is the measure (half the sum over
// targets of the change in capacity share, times the keys) and, beside it,
// moved / realized least: half the sum over targets of the change in the
// number of keys each one actually gets. The second is 1 for a router that
// never moves a key it need not move; the first adds the sampling noise of
// the key set (a change of 100 expected keys varies by about 10%).
//
//   node benches/keyed-movement-spread.js   (KEYS=200000 by default; PIN=8192x16,32768x16 adds pinned tables)
//   SPARSE=2,4,8 adds tables 2, 4 and 8 times sparser than each pool's default (its slots
//   times the factor, its bound kept): the trade-off between pushes and probes per lookup.
// The last row is `method: 'rendezvous'`, which has no table and moves no key it need not.
'use strict'

const { KeyedRouter, movedKeys } = require('..')

const KEYS = Number(process.env.KEYS ?? 200_000)
const DRAWS = 40
const N = 100
const ids = Array.from({ length: N }, (_, i) => `w${i}`)
const caps = ids.map((_, i) => 100 ** (i / (N - 1)))
const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`)
const median = caps[N >> 1]
const sum = (xs) => xs.reduce((a, b) => a + b, 0)

/** Least possible movement for a change from (ta, ca) to (tb, cb): half the sum of share changes, times KEYS. */
function nominalLeast(ta, ca, tb, cb) {
  const share = (t, c) => new Map(t.map((id, j) => [id, c[j] / sum(c)]))
  const [a, b] = [share(ta, ca), share(tb, cb)]
  let diff = 0
  for (const id of new Set([...a.keys(), ...b.keys()])) diff += Math.abs((a.get(id) ?? 0) - (b.get(id) ?? 0))
  return (diff / 2) * KEYS
}

/** Half the sum over ids of the change in the keys each router sends to it (first choices). */
function realizedLeast(a, b) {
  const counts = (r) => {
    const m = new Map()
    for (const t of r.lookup(keys)) m.set(r.targets[t], (m.get(r.targets[t]) ?? 0) + 1)
    return m
  }
  const [ca, cb] = [counts(a), counts(b)]
  let diff = 0
  for (const id of new Set([...ca.keys(), ...cb.keys()])) diff += Math.abs((ca.get(id) ?? 0) - (cb.get(id) ?? 0))
  return diff / 2
}

function summary(draws) {
  const stat = (xs) => ({
    mean: +(sum(xs) / xs.length).toFixed(3),
    worst: +Math.max(...xs).toFixed(3),
    over1_1: xs.filter((r) => r > 1.1).length,
  })
  return { of: draws.length, nominal: stat(draws.map((d) => d.nominal)), realized: stat(draws.map((d) => d.realized)) }
}

function measure(a, b, ta, ca, tb, cb) {
  const moved = movedKeys(a, b, keys)
  return { nominal: moved / nominalLeast(ta, ca, tb, cb), realized: moved / Math.max(1, realizedLeast(a, b)) }
}

/** Median wall time of a batch lookup of every key, in ns per key. */
function lookupNs(router) {
  const times = []
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint()
    router.lookup(keys)
    times.push(Number(process.hrtime.bigint() - t0) / keys.length)
  }
  return +times.sort((a, b) => a - b)[2].toFixed(1)
}

/**
 * `pin` gives `slots` and `bound` for both pools, or `sparse` a factor on each pool's own
 * default slots (its default bound kept).
 */
function run(label, { pin = {}, sparse } = {}) {
  const kinds = { add: [], remove: [], doubleOne: [], doubleLargest: [], uniform128to129: [] }
  const u128 = Array.from({ length: 128 }, (_, i) => `u${i}`)
  const scaled = (targets, capacities) => {
    if (!sparse) return pin
    const r = new KeyedRouter({ targets, capacities, seed: 1 })
    return { slots: r.slots * sparse, bound: r.bound }
  }
  const [pinMixed, pinUniform] = [scaled(ids, caps), scaled(u128)]
  const base = new KeyedRouter({ targets: ids, capacities: caps, seed: 1, ...pinMixed })
  const ones = (n) => new Array(n).fill(1)
  for (let t = 0; t < DRAWS; t++) {
    const [ta, tc] = [
      [...ids, `extra-${t}`],
      [...caps, median],
    ]
    kinds.add.push(measure(base, base.withTargets(ta, tc), ids, caps, ta, tc))
    const j = (t * 37) % N
    const [rt, rc] = [ids.filter((_, i) => i !== j), caps.filter((_, i) => i !== j)]
    kinds.remove.push(measure(base, base.withTargets(rt, rc), ids, caps, rt, rc))
    const d = (t * 37) % (N - 1)
    const doubled = caps.map((c, i) => (i === d ? 2 * c : c))
    kinds.doubleOne.push(measure(base, base.withCapacities(doubled), ids, caps, ids, doubled))
    const seeded = new KeyedRouter({ targets: ids, capacities: caps, seed: 1000 + t, ...pinMixed })
    const big = caps.map((c, i) => (i === N - 1 ? 2 * c : c))
    kinds.doubleLargest.push(measure(seeded, seeded.withCapacities(big), ids, caps, ids, big))
    const u = new KeyedRouter({ targets: u128, seed: 1000 + t, ...pinUniform })
    const grown = [...u128, 'u128']
    kinds.uniform128to129.push(measure(u, u.withTargets(grown), u128, ones(128), grown, ones(129)))
  }
  const uniform = new KeyedRouter({ targets: u128, seed: 1, ...pinUniform })
  const out = {
    table: label,
    slots: base.slots,
    bound: base.bound,
    meanTrials: +base.meanTrials.toFixed(1),
    lookupNs: lookupNs(base),
    uniformSlots: uniform.slots,
    uniformMeanTrials: +uniform.meanTrials.toFixed(1),
  }
  for (const [kind, draws] of Object.entries(kinds)) out[kind] = summary(draws)
  console.log(JSON.stringify(out))
  return out
}

const results = [run('default')]
// PIN=8192x16 (slots x bound) adds a pinned table; unit-capacity pools then use pieces of 1 in slots of 16.
for (const pin of (process.env.PIN ?? '').split(',').filter(Boolean)) {
  const [slots, bound] = pin.split('x').map(Number)
  results.push(run(`pinned ${pin}`, { pin: { slots, bound } }))
}
for (const sparse of (process.env.SPARSE ?? '').split(',').filter(Boolean).map(Number)) {
  results.push(run(`${sparse}x sparser`, { sparse }))
}
results.push(run("method 'rendezvous'", { pin: { method: 'rendezvous' } }))
module.exports = results
