// Rayon threads: RAYON_NUM_THREADS is honoured, results never depend on the
// thread count, and the addon works inside worker_threads.
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const api = require('..')
const { runInChild, ROOT } = require('./support/run-in-child')

// Routes a large random-degree problem and prints a checksum of the output.
const checksumSource = `
const api = require('.')
const n = 2048
const ones = Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % (n + 1))
const bits = api.buildBits(ones, n)
const routes = api.phaseRouterAuto(bits, api.buildBits(ones.reverse(), n), n, 8, 99n)
let sum = 0
for (let i = 0; i < routes.length; i++) sum = (sum * 31 + routes[i] + 2) % 1000000007
console.log(JSON.stringify(sum))
`

test('results do not depend on RAYON_NUM_THREADS', () => {
  const sums = ['1', '2', '4'].map((threads) => runInChild(checksumSource, { RAYON_NUM_THREADS: threads }))
  expect(new Set(sums).size).toBe(1)
})

// Linux exposes the process's threads under /proc; elsewhere this check does
// not exist. The platform decides, not the folder: Windows node under Wine
// sees Linux's /proc too, but not its own threads listed there.
if (process.platform === 'linux') {
  test('RAYON_NUM_THREADS sets the size of the pool the first call starts', () => {
    const countThreads = `
const before = fs.readdirSync('/proc/self/task').length
const api = require('.')
api.route({ n: 512, k: 2 })
console.log(JSON.stringify(fs.readdirSync('/proc/self/task').length - before))`
    expect(runInChild(countThreads, { RAYON_NUM_THREADS: '3' })).toBe(3)
    expect(runInChild(countThreads, { RAYON_NUM_THREADS: '5' })).toBe(5)
  })
}

test('the addon loads and routes inside a worker_threads Worker', async () => {
  const n = 512
  const caps = api.capacityProfile('mild', n, 5)
  const expected = api.route({ targetCapacities: caps, k: 4, seed: 5 })
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
     const api = require(workerData.root)
     const sync = api.route({ targetCapacities: workerData.caps, k: 4, seed: 5 })
     const bits = api.buildBits(new Uint32Array(64).fill(20), 64)
     api.phaseRouterAutoAsync(bits, bits, 64, 2, 1n).then((routes) => parentPort.postMessage({ sync, asyncLength: routes.length }))`,
    { eval: true, workerData: { root: path.resolve(ROOT), caps } },
  )
  const result = await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  await worker.terminate()
  expect(Buffer.from(result.sync.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
  expect(result.asyncLength).toBe(128)
})
