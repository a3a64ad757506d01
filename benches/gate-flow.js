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
  caps.forEach((c, e) => g.add(2 + T + e, 1, Math.min(c, T)))
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
    for (let f; (f = dfs(0, Infinity)) > 0; ) flow += f
  }
  return flow
}

/** Highest total score of kept slots: min-cost flow, augmenting while a path gains (SPFA). */
function maxScore(candidates, k, caps) {
  const g = build(candidates, k, caps, true)
  const n = g.head.length
  let total = 0
  const dist = new Float64Array(n)
  const via = new Int32Array(n)
  const queued = new Uint8Array(n)
  for (;;) {
    dist.fill(Infinity)
    dist[0] = 0
    const queue = [0]
    queued[0] = 1
    for (let i = 0; i < queue.length; i++) {
      const v = queue[i]
      queued[v] = 0
      for (let e = g.head[v]; e !== -1; e = g.next[e]) {
        const u = g.to[e]
        if (g.cap[e] > 0 && dist[v] + g.cost[e] < dist[u] - 1e-15) {
          dist[u] = dist[v] + g.cost[e]
          via[u] = e
          if (!queued[u]) {
            queued[u] = 1
            queue.push(u)
          }
        }
      }
    }
    if (!(dist[1] < 0)) return total
    for (let v = 1; v !== 0; v = g.to[via[v] ^ 1]) {
      g.cap[via[v]] -= 1
      g.cap[via[v] ^ 1] += 1
    }
    total -= dist[1]
  }
}

module.exports = { maxKept, maxScore }
