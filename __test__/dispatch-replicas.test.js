// dispatchReplicas: logical experts to physical replicas by capacity, and
// slice-exactness of the per-token strategies across processes.
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')
const { dispatchReplicas, gate } = require('..')
const { ROOT } = require('./support/run-in-child')

const replicas = { offsets: [0, 2, 3, 6], capacities: [1, 3, 1, 2, 1, 1] }
const experts = Int32Array.from({ length: 4000 }, (_, i) => [0, 2, -1, 1, 0, 0, 2, 1][i % 8])

function loads(routes, n) {
  const out = Array(n).fill(0)
  for (const r of routes) if (r >= 0) out[r]++
  return out
}

test('stride gives every replica exactly its share of its expert', () => {
  const routes = dispatchReplicas(experts, replicas, { k: 2, strategy: 'stride', seed: 3 })
  // Expert 0: 1500 slots over capacities 1:3; expert 1: 1000 slots on one replica; expert 2: 1000 over 2:1:1.
  expect(loads(routes, 6)).toEqual([375, 1125, 1000, 500, 250, 250])
})

test.each(['weighted', 'hash', 'stride', 'phase'])('%s: -1 passes through, every id is a replica of its expert', (strategy) => {
  const routes = dispatchReplicas(experts, replicas, { k: 2, strategy, seed: 1 })
  expect(routes).toBeInstanceOf(Int32Array)
  experts.forEach((e, i) => {
    if (e < 0) expect(routes[i]).toBe(-1)
    else {
      expect(routes[i]).toBeGreaterThanOrEqual(replicas.offsets[e])
      expect(routes[i]).toBeLessThan(replicas.offsets[e + 1])
    }
  })
})

test('weighted follows capacity in expectation, hash ignores it', () => {
  const many = new Int32Array(200000)
  const w = loads(dispatchReplicas(many, { offsets: [0, 3], capacities: [1, 2, 5] }, { strategy: 'weighted' }), 3)
  expect(w[0] / 25000).toBeCloseTo(1, 1)
  expect(w[1] / 50000).toBeCloseTo(1, 1)
  expect(w[2] / 125000).toBeCloseTo(1, 1)
  const h = loads(dispatchReplicas(many, { offsets: [0, 3], capacities: [1, 2, 5] }, { strategy: 'hash' }), 3)
  h.forEach((x) => expect(x / (200000 / 3)).toBeCloseTo(1, 1))
})

test('bad input', () => {
  expect(() => dispatchReplicas([0], replicas)).toThrow(TypeError)
  expect(() => dispatchReplicas(Int32Array.from([3]), replicas)).toThrow('experts[0]: 3 is not -1 or an expert in [0, 3)')
  expect(() => dispatchReplicas(Int32Array.from([0]), { offsets: [0, 2, 1, 6], capacities: replicas.capacities })).toThrow(
    'replicas.offsets[2]: 1 is less than the offset before',
  )
  expect(() => dispatchReplicas(Int32Array.from([0]), { offsets: [0, 2], capacities: [0, 0] })).toThrow(
    'experts[0]: expert 0 has no replica of positive capacity',
  )
  expect(() => dispatchReplicas(new Int32Array(3), replicas, { k: 2 })).toThrow('experts: length 3 is not a multiple of k = 2')
  expect(() => dispatchReplicas(new Int32Array(2), replicas, { strategy: 'round-robin' })).toThrow(RangeError)
  expect(() => dispatchReplicas(new Int32Array(2), replicas, { tokenOffset: -1 })).toThrow('options.tokenOffset')
})

// Four ranks each gate and dispatch their quarter of a global batch; together
// they get exactly what one process gets for the whole batch.
const rankSource = (rank, ranks, strategy) => `
const { gate, dispatchReplicas } = require('.')
const [tokens, experts, k] = [4096, 16, 2]
const scores = Float32Array.from({ length: tokens * experts }, (_, i) => Math.sin(i * 12.9898) * 4)
const per = tokens / ${ranks}
const mine = scores.subarray(${rank} * per * experts, (${rank} + 1) * per * experts)
const g = gate(mine, { experts, k })
const offsets = Array.from({ length: experts + 1 }, (_, e) => 3 * e)
const capacities = Array.from({ length: 3 * experts }, (_, r) => 1 + (r % 3))
const routes = dispatchReplicas(g.experts, { offsets, capacities }, { k, strategy: '${strategy}', seed: 77, tokenOffset: ${rank} * per })
console.log(JSON.stringify(Array.from(routes)))`

test.each(['weighted', 'hash'])('%s: 4 processes routing slices get slices of the whole batch', async (strategy) => {
  const run = async (rank, ranks) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', rankSource(rank, ranks, strategy)], { cwd: ROOT })
    return JSON.parse(stdout)
  }
  const [whole, ...parts] = await Promise.all([run(0, 1), run(0, 4), run(1, 4), run(2, 4), run(3, 4)])
  expect(whole).toHaveLength(4096 * 2)
  expect(parts.flat()).toEqual(whole)
})

test('stride is exact per call, not per slice', () => {
  const g = gate(
    Float32Array.from({ length: 64 * 4 }, (_, i) => Math.cos(i)),
    { experts: 4, k: 1 },
  )
  const routes = dispatchReplicas(g.experts, { offsets: [0, 2, 4, 6, 8], capacities: [1, 1, 1, 1, 1, 1, 1, 1] }, { strategy: 'stride' })
  const l = loads(routes, 8)
  for (let e = 0; e < 4; e++) expect(Math.abs(l[2 * e] - l[2 * e + 1])).toBeLessThanOrEqual(1)
})
