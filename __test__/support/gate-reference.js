// A plain JavaScript transcription of the gating semantics (README section
// "Mixture-of-Experts gating"), written for clarity, not speed: the tests
// compare the native gate with it. Every score is a JS number (f64), as in
// the kernel; weights are rounded to f32 at the end with Math.fround.

/** Higher value first, ties to the lower index. */
const bestFirst = (a, b) => (a.value !== b.value ? b.value - a.value : a.index - b.index)

// The kernel's portable exp (crates/phase-router-kernel/src/gate/exp.rs),
// operation for operation: the same bits as the native gate.
const LOG2E = Math.LOG2E
const LN2_HI = 0.6931471803691238
const LN2_LO = 1.9082149292705877e-10
const SHIFT = 6755399441055744
const INVERSE_FACTORIALS = [
  1,
  1,
  1 / 2,
  1 / 6,
  1 / 24,
  1 / 120,
  1 / 720,
  1 / 5040,
  1 / 40320,
  1 / 362880,
  1 / 3628800,
  1 / 39916800,
  1 / 479001600,
]
const bits = new DataView(new ArrayBuffer(8))

function exp(x) {
  if (x < -708) return 0
  if (x > 709) return Infinity
  const n = x * LOG2E + SHIFT - SHIFT
  const r = x - n * LN2_HI - n * LN2_LO
  const c = INVERSE_FACTORIALS
  const r2 = r * r
  const r4 = r2 * r2
  const r8 = r4 * r4
  const s0 = c[0] + c[1] * r + (c[2] + c[3] * r) * r2
  const s1 = c[4] + c[5] * r + (c[6] + c[7] * r) * r2
  const s2 = c[8] + c[9] * r + (c[10] + c[11] * r) * r2
  const p = s0 + s1 * r4 + (s2 + c[12] * r4) * r8
  bits.setUint32(0, (n + 1023) * 2 ** 20) // big-endian: the high word, 2^n's exponent field
  bits.setUint32(4, 0)
  return p * bits.getFloat64(0)
}

function scoresOf(row, scoring) {
  if (scoring === 'sigmoid') return row.map((x) => 1 / (1 + exp(-x)))
  let max = -Infinity
  for (const x of row) max = Math.max(max, x)
  const exps = row.map((x) => exp(x - max))
  // Four interleaved partial sums, expert e into sum e % 4, added as (s0 + s1) + (s2 + s3).
  const sums = [0, 0, 0, 0]
  exps.forEach((e, i) => (sums[i % 4] += e))
  const sum = sums[0] + sums[1] + (sums[2] + sums[3])
  return exps.map((e) => e / sum)
}

/** One token: its scores, selection scores, and eligible experts best first. */
function chooseToken(row, options) {
  const E = row.length
  const score = scoresOf(Array.from(row), options.scoring ?? 'softmax')
  const selection = score.map((s, e) => (options.bias ? s + options.bias[e] : s))
  let eligible = [...Array(E).keys()]
  if (options.groups) {
    const size = E / options.groups.count
    const groups = []
    for (let g = 0; g < options.groups.count; g++) {
      const members = selection.slice(g * size, (g + 1) * size).sort((a, b) => b - a)
      const value = options.bias && size >= 2 ? members[0] + members[1] : members[0]
      groups.push({ value, index: g })
    }
    groups.sort(bestFirst)
    eligible = groups.slice(0, options.groups.topk).flatMap(({ index }) => [...Array(size).keys()].map((i) => index * size + i))
  }
  const order = eligible
    .map((e) => ({ value: selection[e], index: e }))
    .sort(bestFirst)
    .map(({ index }) => index)
  return { score, selection, order }
}

function referenceGate(scores, options) {
  const { experts: E, k } = options
  const T = scores.length / E
  const tokens = []
  for (let t = 0; t < T; t++) tokens.push(chooseToken(scores.subarray(t * E, (t + 1) * E), options))
  const cap = options.capacity
  const caps = cap === undefined ? null : typeof cap === 'number' ? Array(E).fill(cap) : Array.from(cap)
  const slots = Array.from({ length: T }, () => []) // each token's kept experts, in slot order (-1 for dropped)
  if (caps === null) {
    tokens.forEach((tok, t) => (slots[t] = tok.order.slice(0, k)))
  } else if ((options.overflow ?? 'drop') === 'drop') {
    tokens.forEach((tok, t) => (slots[t] = tok.order.slice(0, k)))
    if ((options.priority ?? 'score') === 'position') {
      const load = Array(E).fill(0)
      for (let t = 0; t < T; t++) {
        slots[t] = slots[t].map((e) => {
          if (load[e] >= caps[e]) return -1
          load[e]++
          return e
        })
      }
    } else {
      for (let e = 0; e < E; e++) {
        const holders = []
        for (let t = 0; t < T; t++) if (slots[t].includes(e)) holders.push({ value: tokens[t].score[e], index: t })
        holders.sort(bestFirst)
        for (const { index: t } of holders.slice(caps[e])) slots[t] = slots[t].map((x) => (x === e ? -1 : x))
      }
    }
  } else {
    const within = Math.min(options.rerouteWithin ?? 2 * k, tokens[0]?.order.length ?? 0)
    const load = Array(E).fill(0)
    const take = (t, e) => {
      if (slots[t].length < k && load[e] < caps[e]) {
        slots[t].push(e)
        load[e]++
      }
    }
    if ((options.priority ?? 'score') === 'position') {
      tokens.forEach((tok, t) => tok.order.slice(0, within).forEach((e) => take(t, e)))
    } else {
      const pairs = []
      tokens.forEach((tok, t) =>
        tok.order.slice(0, within).forEach((e) => pairs.push({ t, e, sel: tok.selection[e], score: tok.score[e] })),
      )
      pairs.sort((a, b) =>
        a.sel !== b.sel ? b.sel - a.sel : a.score !== b.score ? b.score - a.score : a.t !== b.t ? a.t - b.t : a.e - b.e,
      )
      for (const { t, e } of pairs) take(t, e)
    }
  }
  const experts = new Int32Array(T * k).fill(-1)
  const weights = new Float32Array(T * k)
  const positions = new Int32Array(T * k).fill(-1)
  const counts = new Int32Array(E)
  const scale = options.scale ?? 1
  for (let t = 0; t < T; t++) {
    const kept = slots[t].filter((e) => e >= 0)
    let sum = 0
    for (const e of slots[t]) if (e >= 0) sum += tokens[t].score[e]
    slots[t].forEach((e, i) => {
      const at = t * k + i
      experts[at] = e
      if (e < 0) return
      const s = tokens[t].score[e]
      weights[at] = options.renormalize === false ? s * scale : sum > 0 ? (s / sum) * scale : scale / kept.length
      positions[at] = counts[e]++
    })
  }
  const kept = counts.reduce((a, b) => a + b, 0)
  return { experts, weights, positions, counts, kept, dropped: T * k - kept, tokens }
}

/** `bias[e] + rate * sign(mean - counts[e])`, rounded to f32. */
function referenceUpdateBias(bias, counts, rate) {
  const mean = Array.from(counts).reduce((a, b) => a + b, 0) / counts.length
  return Float32Array.from(bias, (b, e) => b + rate * Math.sign(mean - counts[e]))
}

module.exports = { referenceGate, referenceUpdateBias, chooseToken, exp }
