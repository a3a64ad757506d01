// Cancelling the async routers with { signal }.
const pr = require('..')

const n = 4096
const heavy = pr.buildBits(new Uint32Array(n).fill(2000), n) // a few hundred ms per call
const light = pr.buildBits(new Uint32Array(64).fill(20), 64)
const perm64 = Uint32Array.from({ length: 64 }, (_, i) => i)

const abortedSignal = () => {
  const c = new AbortController()
  c.abort()
  return c.signal
}

const isAbortError = (e) => e instanceof DOMException && e.name === 'AbortError'

test('an already-aborted signal rejects with AbortError at once, without doing the work', async () => {
  const t0 = performance.now()
  const calls = [
    pr.phaseRouterAutoAsync(heavy, heavy, n, 4, 1, { signal: abortedSignal() }),
    pr.phaseRouterAsync(light, light, 64, 2, perm64, perm64, 1, { signal: abortedSignal() }),
  ]
  for (const call of calls) expect(await call.then(() => false, isAbortError)).toBe(true)
  // One heavy routing takes far longer than this; nothing was queued.
  expect(performance.now() - t0).toBeLessThan(150)
})

test('aborting while queued or running rejects with AbortError; other calls are unaffected', async () => {
  // Fill the libuv pool (4 threads) so the next call waits in the queue.
  const busy = [1, 2, 3, 4].map((seed) => pr.phaseRouterAutoAsync(heavy, heavy, n, 4, seed))
  const queued = new AbortController()
  const queuedCall = pr.phaseRouterAutoAsync(heavy, heavy, n, 4, 9, { signal: queued.signal })
  const running = new AbortController()
  const runningCall = busy[0].then(() => pr.phaseRouterAsync(light, light, 64, 2, perm64, perm64, 3, { signal: running.signal }))
  queued.abort()
  expect(await queuedCall.then(() => false, isAbortError)).toBe(true)
  const results = await Promise.all(busy)
  results.forEach((routes, i) => expect(routes).toEqual(pr.phaseRouterAuto(heavy, heavy, n, 4, i + 1)))
  running.abort()
  // Either it finished before the abort (a result) or it was rejected as aborted.
  const outcome = await runningCall.then((r) => r, (e) => e)
  // (Results are built in Node's main realm, so check the tag, not instanceof.)
  const isResult = Object.prototype.toString.call(outcome) === '[object Int32Array]'
  expect(isResult ? outcome.length === 128 : isAbortError(outcome)).toBe(true)
}, 60_000)

test('aborting after the call settled is harmless and the signal is left untouched', async () => {
  const c = new AbortController()
  const routes = await pr.phaseRouterAsync(light, light, 64, 2, perm64, perm64, 5, { signal: c.signal })
  c.abort()
  await new Promise((resolve) => setImmediate(resolve))
  expect(routes).toEqual(pr.phaseRouter(light, light, 64, 2, perm64, perm64, 5))
  expect(c.signal.onabort).toBeNull() // napi-rs never saw (and so never wrapped) the caller's signal
  // A signal can serve many calls.
  const again = new AbortController()
  const both = await Promise.all([1, 2].map((s) => pr.phaseRouterAutoAsync(light, light, 64, 2, s, { signal: again.signal })))
  expect(both[1]).toEqual(pr.phaseRouterAuto(light, light, 64, 2, 2))
})

test('options and signal are type-checked', async () => {
  for (const bad of [5, 'x', null, {}, { aborted: false }, new EventTarget()]) {
    await expect(pr.phaseRouterAutoAsync(light, light, 64, 2, 1, { signal: bad })).rejects.toThrow(TypeError)
    await expect(pr.phaseRouterAutoAsync(light, light, 64, 2, 1, { signal: bad })).rejects.toThrow(/options\.signal/)
  }
  for (const bad of [5, 'x', null, []]) {
    await expect(pr.phaseRouterAsync(light, light, 64, 2, perm64, perm64, 1, bad)).rejects.toThrow(/options/)
  }
  // An argument of the wrong type is a TypeError even with an aborted signal.
  await expect(pr.phaseRouterAutoAsync([], light, 64, 2, 1, { signal: abortedSignal() })).rejects.toThrow(TypeError)
  // No options, or no signal, routes as before.
  await expect(pr.phaseRouterAutoAsync(light, light, 64, 2, 1, {})).resolves.toEqual(pr.phaseRouterAuto(light, light, 64, 2, 1))
})

test('the relay really takes queued work off the libuv queue (native layer)', async () => {
  const native = require('../binding.js')
  const busy = [1, 2, 3, 4].map((seed) => native.phaseRouterAutoAsync(heavy, heavy, n, 4, BigInt(seed)))
  const relay = {}
  const queued = native.phaseRouterAutoAsync(heavy, heavy, n, 4, 9n, undefined, relay)
  expect(typeof relay.onabort).toBe('function') // napi-rs armed the relay, not a caller's signal
  relay.onabort()
  const outcome = await queued.then(() => 'routed', (e) => e.name)
  expect(outcome).toBe('AbortError') // cancelled before any thread ran it
  await Promise.all(busy)
}, 60_000)
