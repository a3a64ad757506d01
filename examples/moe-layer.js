// A small Mixture-of-Experts layer in plain JavaScript, routed by `gate`:
//
//   logits = x Wg                      (tokens x experts)
//   gate(logits)                       -> experts, weights, positions, counts
//   scatter x[t] into buffer[e] at positions
//   buffer[e] -> relu(buffer[e] W1[e]) W2[e]   (one small MLP per expert)
//   y[t] = sum over kept slots of weight * out[e][position]
//
// and a dense reference that runs every expert on every token and combines
// with the same weights: the two agree for every token (a token whose slots
// were all dropped gets 0, which a residual connection would pass through).
//
// Run: node examples/moe-layer.js
const path = require('node:path')
const { gate } = require(path.join(__dirname, '..'))

/** Mulberry32, so that the example is reproducible. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const matrix = (rand, rows, cols) => Float32Array.from({ length: rows * cols }, () => ((rand() - 0.5) * 2) / Math.sqrt(rows))

/** `a` (rows x inner) times `b` (inner x cols), row-major, into a Float32Array. */
function matmul(a, b, rows, inner, cols) {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0
      for (let i = 0; i < inner; i++) sum += a[r * inner + i] * b[i * cols + c]
      out[r * cols + c] = sum
    }
  }
  return out
}

const relu = (m) => m.map((v) => Math.max(0, v))

/** One expert's MLP on a batch of rows. */
const expertMlp = (w, rows, x, d, hidden) => matmul(relu(matmul(x, w.w1, rows, d, hidden)), w.w2, rows, hidden, d)

function makeLayer({ d = 16, hidden = 32, experts = 8, seed = 1 } = {}) {
  const rand = random(seed)
  return {
    d,
    hidden,
    experts,
    wg: matrix(rand, d, experts),
    mlps: Array.from({ length: experts }, () => ({ w1: matrix(rand, d, hidden), w2: matrix(rand, hidden, d) })),
  }
}

/** The MoE forward pass by dispatch: only each expert's own tokens go through it. */
function moeForward(layer, x, tokens, gateOptions) {
  const { d, hidden, experts, wg, mlps } = layer
  const logits = matmul(x, wg, tokens, d, experts)
  const g = gate(logits, { experts, ...gateOptions })
  const k = gateOptions.k
  // Scatter: each kept slot's token into its expert's buffer, at its position.
  const buffers = Array.from({ length: experts }, (_, e) => new Float32Array(g.counts[e] * d))
  for (let slot = 0; slot < g.experts.length; slot++) {
    const e = g.experts[slot]
    if (e < 0) continue
    const t = Math.floor(slot / k)
    buffers[e].set(x.subarray(t * d, (t + 1) * d), g.positions[slot] * d)
  }
  // Each expert on its own buffer only.
  const outs = buffers.map((buffer, e) => expertMlp(mlps[e], g.counts[e], buffer, d, hidden))
  // Combine: gather each slot's row back, times its weight.
  const y = new Float64Array(tokens * d)
  for (let slot = 0; slot < g.experts.length; slot++) {
    const e = g.experts[slot]
    if (e < 0) continue
    const t = Math.floor(slot / k)
    const row = outs[e].subarray(g.positions[slot] * d, (g.positions[slot] + 1) * d)
    for (let i = 0; i < d; i++) y[t * d + i] += g.weights[slot] * row[i]
  }
  return { y, gated: g, logits }
}

/** Dense reference: every expert on every token, combined with the gate's weights. */
function denseReference(layer, x, tokens, gated, k) {
  const { d, hidden, mlps } = layer
  const all = mlps.map((w) => expertMlp(w, tokens, x, d, hidden))
  const y = new Float64Array(tokens * d)
  for (let t = 0; t < tokens; t++) {
    for (let j = 0; j < k; j++) {
      const e = gated.experts[t * k + j]
      if (e < 0) continue
      for (let i = 0; i < d; i++) y[t * d + i] += gated.weights[t * k + j] * all[e][t * d + i]
    }
  }
  return y
}

/** Runs both and returns the largest difference and what was dropped. */
function run({ tokens = 64, d = 16, hidden = 32, experts = 8, k = 2, capacity = 20, overflow = 'drop', seed = 1 } = {}) {
  const layer = makeLayer({ d, hidden, experts, seed })
  const x = matrix(random(seed + 1), tokens, d)
  const { y, gated } = moeForward(layer, x, tokens, { k, capacity, overflow })
  const reference = denseReference(layer, x, tokens, gated, k)
  let maxDiff = 0
  for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(y[i] - reference[i]))
  return { maxDiff, kept: gated.kept, dropped: gated.dropped, counts: Array.from(gated.counts) }
}

module.exports = { makeLayer, moeForward, denseReference, run }

if (require.main === module) {
  for (const overflow of ['drop', 'reroute']) {
    const { maxDiff, kept, dropped, counts } = run({ overflow })
    console.log(`${overflow}: kept ${kept}, dropped ${dropped}, per expert ${counts.join(' ')}, max |dispatch - dense| = ${maxDiff}`)
  }
}
