// KeyedRouter measured: proportions, movement against the least possible,
// speed, and bounded loads, side by side with `hashring` (npm) and jump hash
// (uniform only); both methods, the table and exact weighted rendezvous
// (`method: 'rendezvous'`). Results go to
// docs/keyed-bench.json and the movement chart to docs/keyed-movement.svg.
//
//   node benches/keyed.bench.js            # full run, 1M keys
//   KEYS=200000 node benches/keyed.bench.js  # quicker
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const HashRing = require('hashring')
const { KeyedRouter, movedKeys } = require('..')

const KEYS = Number(process.env.KEYS ?? 1_000_000)
const N = 100
const out = { keys: KEYS, node: process.version, cpus: require('node:os').cpus().length }

const { mulberry32: prng } = require('../__test__/support/mulberry32')
const rand = prng(1)
const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}-${Math.floor(rand() * 2 ** 32).toString(36)}`)
const ids = (n) => Array.from({ length: n }, (_, i) => `w${i}`)
const spread = (n) => Array.from({ length: n }, (_, i) => 100 ** (i / (n - 1)))
const ms = (f) => {
  const t = process.hrtime.bigint()
  const r = f()
  return [Number(process.hrtime.bigint() - t) / 1e6, r]
}

// --- Baselines -------------------------------------------------------------

function fnv1a(s) {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}
function mix32(h) {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) >>> 0
}
const keyHash32 = keys.map((k) => mix32(fnv1a(k)))

/** Jump consistent hash (Lamping & Veach), uniform buckets 0..n-1 named by position. */
function jump(targets) {
  const n = targets.length
  return (i) => {
    let key = BigInt(keyHash32[i]) * 0x9e3779b97f4a7c15n
    let b = -1
    let j = 0
    while (j < n) {
      b = j
      key = BigInt.asUintN(64, key * 2862933555777941757n + 1n)
      j = Math.floor((b + 1) * (2 ** 31 / Number((key >> 33n) + 1n)))
    }
    return targets[b]
  }
}

/** hashring with integer weights (capacities scaled so the smallest is 1). */
function ring(targets, caps) {
  const min = Math.min(...caps)
  const servers = {}
  targets.forEach((t, j) => (servers[t] = { weight: Math.max(1, Math.round(caps[j] / min)) }))
  const r = new HashRing(servers, 'md5', { 'max cache size': 10000 })
  return (i) => r.get(keys[i])
}

function movedBetween(fa, fb) {
  let moved = 0
  for (let i = 0; i < KEYS; i++) if (fa(i) !== fb(i)) moved++
  return moved
}

/** Least possible movement: half the sum over ids of the change in share. */
function minimum(ta, ca, tb, cb) {
  const share = (t, c) => {
    const total = c.reduce((a, b) => a + b, 0)
    return new Map(t.map((id, j) => [id, c[j] / total]))
  }
  const [a, b] = [share(ta, ca), share(tb, cb)]
  let diff = 0
  for (const id of new Set([...a.keys(), ...b.keys()])) diff += Math.abs((a.get(id) ?? 0) - (b.get(id) ?? 0))
  return (diff / 2) * KEYS
}

// --- Proportions -------------------------------------------------------------

{
  const caps = spread(N)
  const r = new KeyedRouter({ targets: ids(N), capacities: caps, seed: 1 })
  const hits = new Float64Array(N)
  for (const t of r.lookup(keys)) hits[t]++
  const total = caps.reduce((a, b) => a + b)
  let worstRel = 0
  let worstSe = 0
  for (let j = 0; j < N; j++) {
    const p = caps[j] / total
    const err = Math.abs(hits[j] / KEYS - p)
    worstRel = Math.max(worstRel, err / p)
    worstSe = Math.max(worstSe, err / Math.sqrt((p * (1 - p)) / KEYS))
  }
  out.proportions = { targets: N, spread: '100:1', worstRelativeError: worstRel, worstStandardErrors: worstSe }
  console.log('proportions', out.proportions)
}

// --- Movement ----------------------------------------------------------------

const scenarios = []
{
  const t0 = ids(N)
  const c0 = spread(N)
  const mid = Math.floor(N / 2)
  const weighted = [
    ['add a target (capacity = median)', t0, c0, [...t0, 'new'], [...c0, c0[mid]]],
    ['remove a target (the median one)', t0, c0, t0.filter((_, j) => j !== mid), c0.filter((_, j) => j !== mid)],
    ['double one capacity (the median one)', t0, c0, t0, c0.map((c, j) => (j === mid ? 2 * c : c))],
    ['double the largest capacity', t0, c0, t0, c0.map((c, j) => (j === N - 1 ? 2 * c : c))],
  ]
  const u = new Array(N).fill(1)
  const uniform = [
    ['uniform: add a target', t0, u, [...t0, 'new'], [...u, 1]],
    ['uniform: remove the last target', t0, u, t0.slice(0, -1), u.slice(0, -1)],
    ['uniform: remove a middle target', t0, u, t0.filter((_, j) => j !== mid), u.slice(0, -1)],
  ]
  const t128 = ids(128)
  const u128 = new Array(128).fill(1)
  const t170 = ids(170)
  const u170 = new Array(170).fill(1)
  const boundary = [
    ['uniform: 128 -> 129 targets', t128, u128, [...t128, 'new'], [...u128, 1]],
    ['uniform: 170 -> 171 targets (table doubles)', t170, u170, [...t170, 'new'], [...u170, 1]],
  ]
  for (const [name, ta, ca, tb, cb] of [...weighted, ...uniform, ...boundary]) {
    const least = minimum(ta, ca, tb, cb)
    const row = { scenario: name, minimum: Math.round(least) }
    const a = new KeyedRouter({ targets: ta, capacities: ca, seed: 1 })
    const b = a.withTargets(tb, cb)
    row.keyed = movedKeys(a, b, keys)
    row.keyedDefaultTable = `${a.slots}x${a.bound} -> ${b.slots}x${b.bound}`
    // The same change with the base router's table pinned (kept through the change).
    const pa = new KeyedRouter({ targets: ta, capacities: ca, seed: 1, slots: a.slots, bound: a.bound })
    row.keyedPinned = movedKeys(pa, pa.withTargets(tb, cb), keys)
    const ra = new KeyedRouter({ targets: ta, capacities: ca, seed: 1, method: 'rendezvous' })
    row.rendezvous = movedKeys(ra, ra.withTargets(tb, cb), keys)
    row.hashring = movedBetween(ring(ta, ca), ring(tb, cb))
    if (name.startsWith('uniform')) row.jump = movedBetween(jump(ta), jump(tb))
    for (const k of ['keyed', 'keyedPinned', 'rendezvous', 'hashring', 'jump']) {
      if (row[k] !== undefined) row[`${k}OverMin`] = Number((row[k] / least).toFixed(3))
    }
    scenarios.push(row)
    console.log(row)
  }
  out.movement = scenarios
}

// --- Speed -------------------------------------------------------------------

{
  const speed = {}
  const big = ids(10_000)
  const bigCaps = spread(10_000)
  // Build: best of 5.
  speed.build10kMs = Math.min(...[0, 1, 2, 3, 4].map(() => ms(() => new KeyedRouter({ targets: big, capacities: bigCaps }))[0]))
  const r100 = new KeyedRouter({ targets: ids(N), capacities: spread(N), seed: 1 })
  const r10k = new KeyedRouter({ targets: big, capacities: bigCaps, seed: 1 })
  const best = (f, reps = 3) => Math.min(...Array.from({ length: reps }, () => ms(f)[0]))
  speed.lookup100Ms = best(() => r100.lookup(keys))
  speed.lookup10kMs = best(() => r10k.lookup(keys))
  speed.meanTrials100 = r100.meanTrials
  speed.meanTrials10k = r10k.meanTrials
  const u100 = new KeyedRouter({ targets: ids(N), seed: 1 })
  const u10k = new KeyedRouter({ targets: big, seed: 1 })
  speed.uniformLookup100Ms = best(() => u100.lookup(keys))
  speed.uniformLookup10kMs = best(() => u10k.lookup(keys))
  const hashes = BigUint64Array.from(keys.slice(0, KEYS), (k) => r100.hash(k))
  const rv100 = new KeyedRouter({ targets: ids(N), capacities: spread(N), seed: 1, method: 'rendezvous' })
  speed.rendezvousLookup100Ms = best(() => rv100.lookup(keys))
  speed.lookupHashes100Ms = best(() => r100.lookup(hashes))
  speed.lookupHashes10kMs = best(() => r10k.lookup(hashes))
  const servers = {}
  ids(N).forEach((t, j) => (servers[t] = { weight: Math.max(1, Math.round(spread(N)[j])) }))
  const hr = new HashRing(servers, 'md5', { 'max cache size': 10000 })
  speed.hashringGetMs = best(() => {
    for (let i = 0; i < KEYS; i++) hr.get(keys[i])
  }, 1)
  const calls = Math.min(KEYS, 300_000)
  /** Best of 3, ns per call of `f` on one key at a time. */
  const perCallNs = (f) =>
    (best(() => {
      for (let i = 0; i < calls; i++) f(keys[i])
    }) *
      1e6) /
    calls
  speed.pickNs = perCallNs((key) => r100.pick(key))
  speed.lookupOneNs = perCallNs((key) => r100.lookupOne(key))
  speed.rendezvousLookupOneNs = perCallNs((key) => rv100.lookupOne(key))
  speed.lookupPerSecond100 = KEYS / (speed.lookup100Ms / 1000)
  speed.hashringPerSecond = KEYS / (speed.hashringGetMs / 1000)
  speed.speedupOverHashring = speed.lookupPerSecond100 / speed.hashringPerSecond
  speed.rendezvousSpeedupOverHashring = speed.hashringGetMs / speed.rendezvousLookup100Ms
  speed.cost10kOver100 = speed.lookup10kMs / speed.lookup100Ms
  out.speed = speed
  console.log('speed', speed)
}

// --- Bounded loads -----------------------------------------------------------

{
  const caps = spread(N)
  const r = new KeyedRouter({ targets: ids(N), capacities: caps, seed: 1 })
  const distinct = 100_000
  const weights = Array.from({ length: distinct }, (_, i) => 1 / (i + 1) ** 1.1)
  const cdf = []
  let acc = 0
  for (const w of weights) cdf.push((acc += w))
  const zr = prng(7)
  const requests = Array.from({ length: KEYS }, () => {
    const u = zr() * acc
    let [lo, hi] = [0, distinct - 1]
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (cdf[m] < u) lo = m + 1
      else hi = m
    }
    return `item-${lo}`
  })
  const total = caps.reduce((a, b) => a + b)
  const bound = caps.map((c) => Math.ceil((1.25 * c * KEYS) / total))
  const [assignMs, assigned] = ms(() => r.assign(requests, 1, { loadFactor: 1.25 }))
  const plain = r.lookup(requests)
  const load = (routes) => {
    const l = new Float64Array(N)
    for (const t of routes) l[t]++
    return l
  }
  const [la, lp] = [load(assigned), load(plain)]
  const ratio = (l) => Math.max(...Array.from(l, (x, j) => x / ((caps[j] / total) * KEYS)))
  let spilled = 0
  for (let i = 0; i < KEYS; i++) if (assigned[i] !== plain[i]) spilled++
  // Remove the median target: how many requests change target.
  const mid = Math.floor(N / 2)
  const r2 = r.withTargets(
    ids(N).filter((_, j) => j !== mid),
    caps.filter((_, j) => j !== mid),
  )
  const assigned2 = r2.assign(requests, 1, { loadFactor: 1.25 })
  const plain2 = r2.lookup(requests)
  let movedAssign = 0
  let movedPlain = 0
  for (let i = 0; i < KEYS; i++) {
    if (r.targets[assigned[i]] !== r2.targets[assigned2[i]]) movedAssign++
    if (r.targets[plain[i]] !== r2.targets[plain2[i]]) movedPlain++
  }
  out.bounded = {
    requests: KEYS,
    distinctKeys: distinct,
    zipf: 1.1,
    loadFactor: 1.25,
    assignMs,
    maxLoadOverShareAssign: ratio(la),
    maxLoadOverSharePlain: ratio(lp),
    withinBound: Array.from(la).every((x, j) => x <= bound[j]),
    spilledFraction: spilled / KEYS,
    movedOnRemoveAssign: movedAssign / KEYS,
    movedOnRemovePlain: movedPlain / KEYS,
    minimumOnRemove: caps[mid] / total,
  }
  console.log('bounded', out.bounded)
}

// --- Report ------------------------------------------------------------------

const docs = path.join(__dirname, '..', 'docs')
fs.writeFileSync(path.join(docs, 'keyed-bench.json'), JSON.stringify(out, null, 2) + '\n')
fs.writeFileSync(path.join(docs, 'keyed-movement.svg'), require('./keyed-chart').movementChart(scenarios))
console.log('wrote docs/keyed-bench.json and docs/keyed-movement.svg')
