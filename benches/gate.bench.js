// gate (native) against the plain JavaScript transcription of its semantics
// (__test__/support/gate-reference.js) at the sizes of the Criterion bench
// (crates/phase-router-kernel/benches/gate.rs): 16384 tokens, caps at the mean
// load, priority by score; and the call overhead of gate at 1 and 16 tokens,
// with new result arrays and into kept ones (options.out).
// Medians of a few runs, in one process, so the ratios are comparable.
// Run: node benches/gate.bench.js [tokens], or node benches/gate.bench.js call
// for the call overhead alone.

'use strict'

const { gate } = require('..')
const { referenceGate } = require('../__test__/support/gate-reference')
const { median } = require('./support')

function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0
    return a / 4294967296
  }
}

/** Median wall time of `runs` calls of `f`, in ms. */
function medianTime(f, runs) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    f()
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return median(times)
}

function throughput() {
  const tokens = Number(process.argv[2] ?? 16384)
  const shapes = [
    [8, 2, null],
    [64, 2, null],
    [128, 8, null],
    [256, 8, { count: 8, topk: 4 }],
  ]
  const lines = ['| E, k | overflow | native | JS reference | reference / native |', '| --- | --- | --- | --- | --- |']
  for (const [experts, k, groups] of shapes) {
    const rand = random(experts)
    const scores = Float32Array.from({ length: tokens * experts }, (_, i) => rand() * 4 - (i % experts) / experts)
    const base = { experts, k, capacity: Math.ceil((tokens * k) / experts) }
    if (groups)
      Object.assign(base, { groups, scoring: 'sigmoid', bias: Float32Array.from({ length: experts }, () => 0.02 * (rand() - 0.5)) })
    for (const overflow of ['drop', 'reroute']) {
      const options = { ...base, overflow }
      const native = medianTime(() => gate(scores, options), 15)
      const reference = medianTime(() => referenceGate(scores, options), 3)
      const shape = `${experts}, ${k}${groups ? ', 8 groups' : ''}`
      lines.push(`| ${shape} | ${overflow} | ${native.toFixed(2)} ms | ${reference.toFixed(0)} ms | ${(reference / native).toFixed(0)}x |`)
    }
  }
  console.log(`${tokens} tokens\n`)
  console.log(lines.join('\n'))
}

/** Median µs per call of `gate` over 7 rounds of 20000 calls (E = 64, k = 2, drop under a cap). */
function perCall(tokens, withOut) {
  const [experts, k] = [64, 2]
  const scores = Float32Array.from({ length: tokens * experts }, random(9))
  const options = { experts, k, capacity: 1 }
  if (withOut) {
    const slots = tokens * k
    options.out = {
      experts: new Int32Array(slots),
      weights: new Float32Array(slots),
      positions: new Int32Array(slots),
      counts: new Int32Array(experts),
    }
  }
  const calls = 20000
  const round = () => {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) gate(scores, options)
    return Number(process.hrtime.bigint() - t0) / calls / 1000
  }
  round()
  return median(Array.from({ length: 7 }, round))
}

function callOverhead() {
  console.log('\ngate call (E = 64, k = 2, drop under a cap), µs per call:\n')
  console.log('| tokens | new arrays | options.out |\n| --- | --- | --- |')
  for (const tokens of [1, 16]) console.log(`| ${tokens} | ${perCall(tokens, false).toFixed(2)} | ${perCall(tokens, true).toFixed(2)} |`)
}

if (process.argv[2] !== 'call') throughput()
callOverhead()
