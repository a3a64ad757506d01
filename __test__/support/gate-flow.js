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

/** Binary heap of (distance, node) with lazy deletion. */
class Heap {
  constructor() {
    this.d = new Float64Array(1024)
    this.v = new Int32Array(1024)
    this.size = 0
  }

  push(d, v) {
    if (this.size === this.d.length) {
      const [d2, v2] = [new Float64Array(2 * this.size), new Int32Array(2 * this.size)]
      d2.set(this.d)
      v2.set(this.v)
      ;[this.d, this.v] = [d2, v2]
    }
    let i = this.size++
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.d[p] <= d) break
      this.d[i] = this.d[p]
      this.v[i] = this.v[p]
      i = p
    }
    this.d[i] = d
    this.v[i] = v
  }

  pop() {
    const top = this.v[0]
    const d = this.d[--this.size]
    const last = this.v[this.size]
    let i = 0
    for (;;) {
      let c = 2 * i + 1
      if (c >= this.size) break
      if (c + 1 < this.size && this.d[c + 1] < this.d[c]) c++
      if (this.d[c] >= d) break
      this.d[i] = this.d[c]
      this.v[i] = this.v[c]
      i = c
    }
    this.d[i] = d
    this.v[i] = last
    return top
  }
}

/**
 * The score flow: root R (node 0) -> token (capacity k) -> candidate expert
 * (capacity 1, cost -score - bonus) -> R (capacity cap), as flat residual
 * arrays with node potentials `pi` (reduced cost of arc v -> u:
 * cost + pi[v] - pi[u]).
 */
class ScoreFlow {
  constructor(candidates, k, caps, bonus) {
    const T = candidates.length
    this.T = T
    this.k = k
    const n = 1 + T + caps.length
    const g = new Graph(n)
    this.rootArc = new Int32Array(T)
    for (let t = 0; t < T; t++) {
      this.rootArc[t] = g.to.length
      g.add(0, 1 + t, k)
    }
    this.pairs = []
    for (let t = 0; t < T; t++) {
      for (const { expert, score } of candidates[t]) {
        this.pairs.push({ arc: g.to.length, score })
        g.add(1 + t, 1 + T + expert, 1, -score - bonus)
      }
    }
    caps.forEach((c, e) => {
      g.add(1 + T + e, 0, Math.min(c, T * k))
    })
    this.to = Int32Array.from(g.to)
    this.cap = Int32Array.from(g.cap)
    this.cost = Float64Array.from(g.cost)
    this.next = Int32Array.from(g.next)
    this.head = g.head
    this.pi = new Float64Array(n)
    this.dist = new Float64Array(n).fill(Infinity)
    this.done = new Uint8Array(n)
    this.via = new Int32Array(n)
    this.touched = []
    this.heap = new Heap()
  }

  /**
   * Dijkstra on reduced costs from the seeds ([node, distance, arc in]) until
   * R is settled; with `keepSlots`, never through a token's arc back to R (a
   * token giving up a slot), so that a path to R keeps one more slot. Returns
   * R's distance (Infinity when unreached) and leaves `via` for the path;
   * shifts the potentials so that reduced costs stay non-negative.
   */
  shortest(seeds, keepSlots) {
    const { to, cap, cost, next, head, pi, dist, done, via, touched, heap } = this
    heap.size = 0
    for (const [v, d, a] of seeds) {
      if (d >= dist[v]) continue
      if (dist[v] === Infinity) touched.push(v)
      dist[v] = d
      via[v] = a
      heap.push(d, v)
    }
    let reached = Infinity
    while (heap.size > 0) {
      const d = heap.d[0]
      const v = heap.pop()
      if (done[v] || d > dist[v]) continue
      done[v] = 1
      if (v === 0) {
        reached = d
        break
      }
      for (let a = head[v]; a !== -1; a = next[a]) {
        const u = to[a]
        if (cap[a] <= 0 || done[u] || (keepSlots && u === 0 && v <= this.T)) continue
        const nd = d + Math.max(0, cost[a] + pi[v] - pi[u])
        if (nd < dist[u]) {
          if (dist[u] === Infinity) touched.push(u)
          dist[u] = nd
          via[u] = a
          heap.push(nd, u)
        }
      }
    }
    // Potentials: pi += min(dist, reached) - reached (a constant shift of the usual update).
    for (const v of touched) {
      if (reached < Infinity) pi[v] += Math.min(dist[v], reached) - reached
      dist[v] = Infinity
      done[v] = 0
    }
    touched.length = 0
    return reached
  }

  /** Pushes one unit back from R along `via` to a seed (arc in -1) or an arc out of R. */
  flip() {
    for (let v = 0; this.via[v] !== -1; ) {
      const a = this.via[v]
      this.cap[a] -= 1
      this.cap[a ^ 1] += 1
      v = this.to[a ^ 1]
      if (v === 0) return
    }
  }

  held(t) {
    return this.k - this.cap[this.rootArc[t]]
  }

  /**
   * Routes one more unit of token t to R if that gains; returns whether it
   * did. The unit is first taken from t's root arc, so that t -> R is open
   * in the search and keeps a non-negative reduced cost.
   */
  addUnit(t) {
    const s = 1 + t
    const a = this.rootArc[t]
    this.cap[a] -= 1
    this.cap[a ^ 1] += 1
    // The path's cost is its reduced cost plus the potentials of its ends before the search.
    const offset = this.pi[0] - this.pi[s]
    const reached = this.shortest([[s, 0, -1]], false)
    if (reached < Infinity && reached + offset < -1e-12) {
      this.flip()
      return true
    }
    this.cap[a] += 1
    this.cap[a ^ 1] -= 1
    return false
  }

  /** The highest-score circulation: tokens added one at a time, then a check of every free slot. */
  circulate() {
    const { head, next, to, cap, cost, pi } = this
    for (let t = 0; t < this.T; t++) {
      // Potential of the new token: its arcs out get non-negative reduced costs.
      let p = -Infinity
      for (let a = head[1 + t]; a !== -1; a = next[a]) if (cap[a] > 0 && to[a] !== 0) p = Math.max(p, -cost[a] + pi[to[a]])
      pi[1 + t] = p === -Infinity ? 0 : p
      while (this.held(t) < this.k && this.addUnit(t));
    }
    for (let changed = true; changed; ) {
      changed = false
      for (let t = 0; t < this.T; t++) while (this.held(t) < this.k && this.addUnit(t)) changed = true
    }
  }

  /**
   * From a circulation of least cost, adds slots one at a time along the
   * cheapest path from a source S (out-arcs: the root arcs of tokens with a
   * free slot) to R (successive shortest paths: each flow is the cheapest of
   * its slot count) until `slots` are kept. S's potential starts at the
   * largest of those tokens', so its arcs have non-negative reduced costs.
   */
  widen(slots) {
    let piS = -Infinity
    for (let t = 0; t < this.T; t++) if (this.held(t) < this.k) piS = Math.max(piS, this.pi[1 + t])
    while (this.kept() < slots) {
      const seeds = []
      for (let t = 0; t < this.T; t++) {
        if (this.held(t) < this.k) seeds.push([1 + t, Math.max(0, piS - this.pi[1 + t]), this.rootArc[t]])
      }
      const reached = this.shortest(seeds, true)
      if (reached === Infinity) throw new RangeError(`slots: no assignment keeps ${slots}`)
      piS -= reached
      this.flip()
    }
  }

  kept() {
    let total = 0
    for (let t = 0; t < this.T; t++) total += this.held(t)
    return total
  }

  score() {
    let total = 0
    for (const p of this.pairs) if (this.cap[p.arc] === 0) total += p.score
    return total
  }
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
 * most slots (what an augmenting mode could at best keep). With `minSlots`,
 * the highest score mass among the assignments that keep at least that many
 * slots (a RangeError if none does): the score mass of the cheapest flow is
 * concave in its slot count, so that is the best at exactly `minSlots` when
 * the circulation keeps fewer.
 */
function maxScore(candidates, k, caps, { slotsFirst = false, minSlots = 0 } = {}) {
  // With slotsFirst, every kept slot also earns a bonus larger than any total score, so the
  // optimum keeps the most slots and, among those, the highest score mass.
  const bonus = slotsFirst ? candidates.length * k + 1 : 0
  const flow = new ScoreFlow(candidates, k, caps, bonus)
  flow.circulate()
  flow.widen(minSlots)
  return flow.score()
}

module.exports = { maxKept, maxScore }
