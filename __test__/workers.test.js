// The addon under worker_threads: each Worker loads it, routes at the same
// time as the others, and gets exactly the main thread's answers; Workers can
// be terminated mid-call and the addon can be loaded and dropped repeatedly.
const { Worker } = require('node:worker_threads')
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const pr = require('..')
const { blockPool, releaseAll, supported } = require('./support/pool-latch')

afterEach(() => releaseAll())

const cases = [
  { n: 1, k: 1, ones: 1, seed: 0 },
  { n: 100, k: 3, ones: 40, seed: 7 },
  { n: 1000, k: 8, ones: 300, seed: 2n ** 64n - 1n },
]

function expected() {
  return cases.map(({ n, k, ones, seed }) => {
    const bits = pr.buildBits(new Uint32Array(n).fill(ones), n)
    const perm = Uint32Array.from({ length: n }, (_, i) => n - 1 - i)
    return {
      sync: Array.from(pr.phaseRouterAuto(bits, bits, n, k, seed)),
      auto: Array.from(pr.phaseRouterAuto(bits, bits, n, k, seed)),
      fixed: Array.from(pr.phaseRouter(bits, bits, n, k, perm, perm, seed)),
    }
  })
}

function runWorker(file, workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(file, { workerData })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)))
  })
}

test("eight Workers routing at once get the main thread's results, sync and async", async () => {
  const want = expected()
  const file = path.join(__dirname, 'helpers', 'worker-route.js')
  const got = await Promise.all(Array.from({ length: 8 }, () => runWorker(file, { cases })))
  expect(got).toHaveLength(8)
  for (const results of got) expect(results).toEqual(want)
}, 60_000)

// The libuv pool is process-wide, so the latch (support/pool-latch.js) held by
// the main thread keeps the Worker's calls queued: terminate() provably lands
// while they are pending, however fast the kernel gets. The Worker also keeps
// an interval alive, so it can only end by being terminated (exit code 1).
// Where FIFOs do not exist (Windows) the calls may or may not have run.
test('terminating a Worker during an async call leaves the process and the addon working', async () => {
  const code = `
    const { parentPort } = require('worker_threads')
    const pr = require(${JSON.stringify(path.join(__dirname, '..'))})
    const n = 4096
    const bits = pr.buildBits(new Uint32Array(n).fill(2000), n)
    for (let i = 0; i < 6; i++) pr.phaseRouterAutoAsync(bits, bits, n, 4, i) // more than the libuv pool runs at once
    setInterval(() => {}, 1000)
    parentPort.postMessage('started')
  `
  for (let round = 0; round < 3; round++) {
    const latch = supported ? blockPool() : null
    const w = new Worker(code, { eval: true })
    await new Promise((resolve, reject) => {
      w.once('message', resolve)
      w.once('error', reject)
    })
    // The Worker's teardown may wait for its queued calls, so the latch is
    // released after terminate() is asked for, not after it has finished.
    const exiting = w.terminate()
    await latch?.release()
    expect(await exiting).toBe(1) // terminated, not crashed
  }
  // The main thread still routes, and async work still completes.
  const bits = pr.buildBits(new Uint32Array(64).fill(20), 64)
  await expect(pr.phaseRouterAutoAsync(bits, bits, 64, 2, 1)).resolves.toEqual(pr.phaseRouterAuto(bits, bits, 64, 2, 1))
}, 60_000)

test('loading the addon in 50 Workers in a row (never on the main thread) works and leaks no threads', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'helpers', 'worker-churn.js')], { encoding: 'utf8', timeout: 90_000 })
  const r = JSON.parse(out.trim().split('\n').pop())
  expect(r.agreements).toBe(50)
  // Rayon's pool and libuv's are process-wide: they are made once, not per Worker.
  expect(r.afterAll).toBeLessThanOrEqual(r.afterFirst + 1)
}, 100_000)
