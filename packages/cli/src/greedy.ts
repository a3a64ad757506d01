// The yardstick of the MoE benchmark: sequential water-filling. It sees every
// expert's load as it goes, which a stateless router cannot, and reaches the
// capacity bound; the other methods are judged by how close they come.

/**
 * Tokens in order; each takes the `k` distinct targets with the most room
 * left (cap - load), ties to the lowest index. A slot stays -1 when no target
 * the token may still use has room, so the routes never exceed `caps`.
 */
export function greedyRoute(caps: Int32Array, tokens: number, k: number): Int32Array {
  const n = caps.length
  const room = Int32Array.from(caps)
  const inRow = new Uint8Array(n) // targets the current token already took
  const routes = new Int32Array(tokens * k).fill(-1)
  for (let token = 0; token < tokens; token++) {
    const row = routes.subarray(token * k, token * k + k)
    for (let slot = 0; slot < k; slot++) {
      let best = -1
      for (let c = 0; c < n; c++) {
        if (inRow[c] === 0 && room[c] > 0 && (best < 0 || room[c] > room[best])) best = c
      }
      if (best < 0) break
      row[slot] = best
      room[best]--
      inRow[best] = 1
    }
    for (const c of row) if (c >= 0) inRow[c] = 0
  }
  return routes
}
