// Exact optima for gating under capacity, by network flow: the LP of choosing
// at most k of each token's candidate experts under per-expert caps is a
// bipartite b-matching, whose constraint matrix is totally unimodular, so an
// integral min-cost flow solves it exactly (no LP solver needed).
//
// Graph: source -> token (capacity k) -> candidate expert (capacity 1)
// -> sink (capacity cap[e]).

'use strict'

class Graph {
  constructor(nodes) {
    this.head = new Int32Array(nodes).fill(-1)
    this.to = []
    this.cap = []
    this.cost = []
    this.next = []
  }

  add(from, to, cap, cost = 0) {
    for (const [a, b, c, w] of [
      [from, to, cap, cost],
      [to, from, 0, -cost],
    ]) {
      this.to.push(b)
      this.cap.push(c)
      this.cost.push(w)
      this.next.push(this.head[a])
      this.head[a] = this.to.length - 1
    }
  }
}

function build(candidates, k, caps, weight) {
  // Nodes: 0 source, 1 sink, 2.. tokens, then experts.
  const T = candidates.length
  const g = new Graph(2 + T + caps.length)
  for (let t = 0; t < T; t++) {
    g.add(0, 2 + t, k)
    for (const { expert, score } of candidates[t]) g.add(2 + t, 2 + T + expert, 1, weight ? -score : 0)
  }
  caps.forEach((c, e) => {
    g.add(2 + T + e, 1, Math.min(c, T))
  })
  return g
}

/** Most slots that can be kept: max flow (Dinic). */
function maxKept(candidates, k, caps) {
  const g = build(candidates, k, caps, false)
  const n = g.head.length
  let flow = 0
  const level = new Int32Array(n)
  const it = new Int32Array(n)
  const bfs = () => {
    level.fill(-1)
    level[0] = 0
    const queue = [0]
    for (let i = 0; i < queue.length; i++) {
      for (let e = g.head[queue[i]]; e !== -1; e = g.next[e]) {
        if (g.cap[e] > 0 && level[g.to[e]] < 0) {
          level[g.to[e]] = level[queue[i]] + 1
          queue.push(g.to[e])
        }
      }
    }
    return level[1] >= 0
  }
  const dfs = (v, pushed) => {
    if (v === 1) return pushed
    for (; it[v] !== -1; it[v] = g.next[it[v]]) {
      const e = it[v]
      const u = g.to[e]
      if (g.cap[e] > 0 && level[u] === level[v] + 1) {
        const got = dfs(u, Math.min(pushed, g.cap[e]))
        if (got > 0) {
          g.cap[e] -= got
          g.cap[e ^ 1] += got
          return got
        }
      }
    }
    return 0
  }
  while (bfs()) {
    it.set(g.head)
    for (let f = dfs(0, Infinity); f > 0; f = dfs(0, Infinity)) flow += f
  }
  return flow
}

/**
 * Highest total score of kept slots (not necessarily the most slots), exact:
 * a min-cost circulation on the graph with source and sink merged into one
 * root R (R -> token, capacity k; token -> candidate expert, capacity 1, cost
 * -score; expert -> R, capacity cap), by successive shortest paths one token
 * at a time: each new token augments along shortest paths to R (Dijkstra on
 * reduced costs, stopping when R is reached) while they gain. Every residual
 * arc except those out of R keeps a non-negative reduced cost, so a negative
 * cycle must pass R -> t for a token t with a free slot; a last round checks
 * those tokens until none gains. Exact up to a 1e-12 tolerance on gains.
 * With `slotsFirst`, the highest score mass among the assignments that keep the
 * most slots (what an augmenting mode could at best keep).
 */
function maxScore(candidates, k, caps, { slotsFirst = false } = {}) {
  // With slotsFirst, every kept slot also earns a bonus larger than any total score, so the
  // optimum keeps the most slots and, among those, the highest score mass.
  const bonus = slotsFirst ? candidates.length * k + 1 : 0
  const T = candidates.length
  const E = caps.length
  const n = 1 + T + E
  const g = new Graph(n)
  const rootArc = new Int32Array(T)
  for (let t = 0; t < T; t++) {
    rootArc[t] = g.to.length
    g.add(0, 1 + t, k)
  }
  const pairs = []
  for (let t = 0; t < T; t++) {
    for (const { expert, score } of candidates[t]) {
      pairs.push({ arc: g.to.length, score })
      g.add(1 + t, 1 + T + expert, 1, -score - bonus)
    }
  }
  caps.forEach((c, e) => {
    g.add(1 + T + e, 0, Math.min(c, T * k))
  })
  const to = Int32Array.from(g.to)
  const cap = Int32Array.from(g.cap)
  const cost = Float64Array.from(g.cost)
  const next = Int32Array.from(g.next)
  const head = g.head
  const pi = new Float64Array(n)
  const dist = new Float64Array(n).fill(Infinity)
  const done = new Uint8Array(n)
  const via = new Int32Array(n)
  const touched = []
  // Binary heap of (distance, node), lazy deletion.
  let heapD = new Float64Array(1024)
  let heapV = new Int32Array(1024)
  let size = 0
  const heapPush = (d, v) => {
    if (size === heapD.length) {
      const [d2, v2] = [new Float64Array(2 * size), new Int32Array(2 * size)]
      d2.set(heapD)
      v2.set(heapV)
      ;[heapD, heapV] = [d2, v2]
    }
    let i = size++
    while (i > 0) {
      const p = (i - 1) >> 1
      if (heapD[p] <= d) break
      heapD[i] = heapD[p]
      heapV[i] = heapV[p]
      i = p
    }
    heapD[i] = d
    heapV[i] = v
  }
  const heapPop = () => {
    const v = heapV[0]
    const d = heapD[--size]
    const last = heapV[size]
    let i = 0
    for (;;) {
      let c = 2 * i + 1
      if (c >= size) break
      if (c + 1 < size && heapD[c + 1] < heapD[c]) c++
      if (heapD[c] >= d) break
      heapD[i] = heapD[c]
      heapV[i] = heapV[c]
      i = c
    }
    heapD[i] = d
    heapV[i] = last
    return v
  }
  /** Augments one unit from token node s along a shortest path to R if it gains; returns whether it did. */
  const augment = (s) => {
    size = 0
    dist[s] = 0
    touched.push(s)
    heapPush(0, s)
    let reached = Infinity
    while (size > 0) {
      const d = heapD[0]
      const v = heapPop()
      if (done[v] || d > dist[v]) continue
      done[v] = 1
      if (v === 0) {
        reached = d
        break
      }
      for (let a = head[v]; a !== -1; a = next[a]) {
        if (cap[a] <= 0) continue
        const u = to[a]
        if (done[u]) continue
        const nd = d + Math.max(0, cost[a] + pi[v] - pi[u])
        if (nd < dist[u]) {
          if (dist[u] === Infinity) touched.push(u)
          dist[u] = nd
          via[u] = a
          heapPush(nd, u)
        }
      }
    }
    let gain = false
    if (reached < Infinity && reached + pi[0] - pi[s] < -1e-12) {
      gain = true
      for (let v = 0; v !== s; v = to[via[v] ^ 1]) {
        cap[via[v]] -= 1
        cap[via[v] ^ 1] += 1
      }
    }
    // Potentials: pi += min(dist, reached) - reached (a constant shift of the usual update).
    for (const v of touched) {
      if (reached < Infinity) pi[v] += Math.min(dist[v], reached) - reached
      dist[v] = Infinity
      done[v] = 0
    }
    touched.length = 0
    return gain
  }
  const heldBy = (t) => k - cap[rootArc[t]]
  const addUnit = (t) => {
    // R -> t carries the unit: take it from the root arc, then route it.
    cap[rootArc[t]] -= 1
    cap[rootArc[t] ^ 1] += 1
    if (augment(1 + t)) return true
    cap[rootArc[t]] += 1
    cap[rootArc[t] ^ 1] -= 1
    return false
  }
  for (let t = 0; t < T; t++) {
    // Potential of the new token: its arcs out get non-negative reduced costs.
    let p = -Infinity
    for (let a = head[1 + t]; a !== -1; a = next[a]) if (cap[a] > 0 && to[a] !== 0) p = Math.max(p, -cost[a] + pi[to[a]])
    pi[1 + t] = p === -Infinity ? 0 : p
    while (heldBy(t) < k && addUnit(t));
  }
  for (let changed = true; changed; ) {
    changed = false
    for (let t = 0; t < T; t++) while (heldBy(t) < k && addUnit(t)) changed = true
  }
  let total = 0
  for (const p of pairs) if (cap[p.arc] === 0) total += p.score
  return total
}

module.exports = { maxKept, maxScore }
