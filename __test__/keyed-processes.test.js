// Coordination-free: four separate processes built from the same configuration
// (targets given in different orders) return identical lookups.
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')
const { ROOT } = require('./support/run-in-child')

const run = promisify(execFile)

function script(rotate) {
  return `
const { KeyedRouter } = require('phase-router')
const ids = Array.from({ length: 50 }, (_, i) => 'node-' + i)
const caps = ids.map((_, i) => 1 + (i % 7) * 3)
const order = ids.map((_, i) => (i + ${rotate}) % ids.length)
const router = new KeyedRouter({ targets: order.map((i) => ids[i]), capacities: order.map((i) => caps[i]), seed: 99 })
const keys = Array.from({ length: 20000 }, (_, i) => 'session-' + i)
const routes = router.lookup(keys, 3)
const named = Array.from(routes, (t) => router.targets[t])
const crypto = require('node:crypto')
console.log(JSON.stringify({ digest: crypto.createHash('sha256').update(named.join(',')).digest('hex'), first: named.slice(0, 6) }))
`
}

test('four processes agree on every lookup', async () => {
  const outputs = await Promise.all(
    [0, 7, 19, 33].map((rotate) => run(process.execPath, ['-e', script(rotate)], { cwd: ROOT }).then((r) => JSON.parse(r.stdout))),
  )
  expect(new Set(outputs.map((o) => o.digest)).size).toBe(1)
  expect(outputs[0].first).toHaveLength(6)
})
