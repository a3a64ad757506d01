// The straightforward walk of docs/algorithm.md#the-reference-algorithm in plain JavaScript, as a
// yardstick for the native kernel. It finds the same candidates in the same
// visit order; its reservoir draws from mulberry32 instead of ChaCha8, so once
// a row has more than k candidates it picks different (equally valid) ones.

'use strict'

// The CLI's small seeded generator; the walk only needs some uniform draws.
const { mulberry32 } = require('phase-router-cli/lib/profiles')

function popcount32(x) {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** Ones in each of the n rows of a bit matrix (read as 32-bit halves, which avoids BigInt arithmetic). */
function rowCounts(bits, n) {
  const words = new Uint32Array(bits.buffer, bits.byteOffset, bits.length * 2)
  const perRow = words.length / n
  const counts = new Uint32Array(n)
  for (let r = 0; r < n; r++) {
    let sum = 0
    for (let w = r * perRow; w < (r + 1) * perRow; w++) sum += popcount32(words[w])
    counts[r] = sum
  }
  return counts
}

/** Exclusive prefix sums modulo n: where each row's arc starts on its ring. */
function ringOffsets(counts, n) {
  const offsets = new Uint32Array(n)
  for (let r = 1; r < n; r++) offsets[r] = (offsets[r - 1] + counts[r - 1]) % n
  return offsets
}

/** Same arguments as phaseRouter (seed as a number); returns n * k slots, -1 where empty. */
function walkRoute(sBits, tBits, n, k, permS, permT, seed) {
  const s = rowCounts(sBits, n)
  const t = rowCounts(tBits, n)
  const offS = ringOffsets(s, n)
  const offT = ringOffsets(t, n)
  const targetAt = new Uint32Array(n)
  for (let c = 0; c < n; c++) targetAt[permS[c]] = c
  const out = new Int32Array(n * k).fill(-1)
  for (let j = 0; j < n; j++) {
    const random = mulberry32(seed + j)
    const point = permT[j]
    let count = 0
    for (let step = 0; step < s[j]; step++) {
      const c = targetAt[(offS[j] + step) % n]
      const d = (point - offT[c] + n) % n
      if (d >= t[c]) continue
      if (count < k) out[j * k + count] = c
      else {
        const r = Math.floor(random() * (count + 1))
        if (r < k) out[j * k + r] = c
      }
      count++
    }
  }
  return out
}

module.exports = { walkRoute }
