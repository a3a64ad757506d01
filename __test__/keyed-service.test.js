// examples/keyed-service.js: a fastify front on 127.0.0.1 routes keyed
// requests to upstream workers of unequal capacity through a KeyedRouter.
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { start, request, POOL } = require('../examples/keyed-service')
const { ROOT } = require('./support/run-in-child')

test('requests spread by capacity, and a key keeps its worker', async () => {
  const service = await start({ port: 0 })
  try {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`)
    const first = await request(service.url, keys)
    // Every key again, in another order: each must reach the same worker.
    const again = await request(service.url, [...keys].reverse())
    again.reverse()
    expect(again).toEqual(first)
    // Each worker served what the router chose, and its share follows its capacity.
    const served = service.served()
    const total = POOL.reduce((s, w) => s + w.capacity, 0)
    for (const w of POOL) {
      const chosen = first.filter((id) => id === w.id).length
      expect(served[w.id]).toBe(2 * chosen)
      const p = w.capacity / total
      const se = Math.sqrt((p * (1 - p)) / keys.length)
      expect(Math.abs(chosen / keys.length - p)).toBeLessThanOrEqual(4 * se)
    }
    expect(first.every((id, i) => id === service.router.pick(keys[i]))).toBe(true)
  } finally {
    await service.close()
  }
})

test('run directly, the example serves a bounded batch and stops by itself', () => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'examples', 'keyed-service.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  })
  expect(out).toMatch(/worker-c: \d+ requests/)
})
