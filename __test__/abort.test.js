// Cancelling the async routers with { signal }.
//
// Nothing here depends on how long a call takes: a latch on libuv's pool
// (support/pool-latch.js) holds every pool thread, so queued work provably
// waits in the queue, and whatever settles while the latch is held settled
// without a pool thread.
const pr = require('..')
const native = require('../binding.js')
const { blockPool, releaseAll, settledNow, outcome, supported } = require('./support/pool-latch')

const n = 64
const bits = pr.buildBits(new Uint32Array(n).fill(20), n)
const perm = Uint32Array.from({ length: n }, (_, i) => (i * 7 + 3) % n)
const degrees = new Uint32Array(n).fill(20)
const caps = pr.capacityProfile('strong', n, 3)

const abortedSignal = () => {
  const c = new AbortController()
  c.abort()
  return c.signal
}

const isAbortError = (e) => e instanceof DOMException && e.name === 'AbortError'

// Each async router with its sync form, called the same way with the same seed.
const forms = {
  phaseRouterAsync: {
    async: (seed, options) => pr.phaseRouterAsync(bits, bits, n, 2, perm, perm, seed, options),
    sync: (seed) => pr.phaseRouter(bits, bits, n, 2, perm, perm, seed),
  },
  phaseRouterAutoAsync: {
    async: (seed, options) => pr.phaseRouterAutoAsync(bits, bits, n, 2, seed, options),
    sync: (seed) => pr.phaseRouterAuto(bits, bits, n, 2, seed),
  },
  phaseRouterDegreesAsync: {
    async: (seed, options) => pr.phaseRouterDegreesAsync(degrees, degrees, 2, perm, perm, seed, options),
    sync: (seed) => pr.phaseRouterDegrees(degrees, degrees, 2, perm, perm, seed),
  },
  routeAsync: {
    async: (seed, options) => pr.routeAsync({ sources: 100, targetCapacities: caps, k: 2, seed, ...options }),
    sync: (seed) => pr.route({ sources: 100, targetCapacities: caps, k: 2, seed }),
  },
}
const cases = Object.entries(forms)

// The native async functions, called the way ts/index.ts calls them, with a relay.
const nativeForms = {
  phaseRouterAsync: (seed, relay) => native.phaseRouterAsync(bits, bits, n, 2, perm, perm, seed, undefined, relay),
  phaseRouterAutoAsync: (seed, relay) => native.phaseRouterAutoAsync(bits, bits, n, 2, seed, undefined, relay),
  phaseRouterDegreesAsync: (seed, relay) => native.phaseRouterDegreesAsync(degrees, degrees, 2, perm, perm, seed, undefined, relay),
  routeBatchAsync: (seed, relay) => native.routeBatchAsync(100, n, undefined, caps, 2, 0.3, seed, 'phase', relay),
}

// Pairs of a bad sync call and the same call in async form.
const notPerm = Uint32Array.from(perm).fill(0)
const badCalls = {
  phaseRouterAsync: [
    [() => pr.phaseRouter(bits, bits, n, 0, perm, perm, 1), () => pr.phaseRouterAsync(bits, bits, n, 0, perm, perm, 1)],
    [
      () => pr.phaseRouter(bits, bits, n, 2, perm, perm.subarray(1), 1),
      () => pr.phaseRouterAsync(bits, bits, n, 2, perm, perm.subarray(1), 1),
    ],
    [() => pr.phaseRouter(bits, bits, n, 2, perm, perm, -1n), () => pr.phaseRouterAsync(bits, bits, n, 2, perm, perm, -1n)],
  ],
  phaseRouterAutoAsync: [
    [() => pr.phaseRouterAuto(bits, bits.subarray(1), n, 2, 1), () => pr.phaseRouterAutoAsync(bits, bits.subarray(1), n, 2, 1)],
    [
      () => pr.phaseRouterAuto(bits, bits, n, 2, 1, { mode: 'quick' }),
      () => pr.phaseRouterAutoAsync(bits, bits, n, 2, 1, { mode: 'quick' }),
    ],
  ],
  phaseRouterDegreesAsync: [
    [
      () => pr.phaseRouterDegrees(degrees, Uint32Array.of(1, 2), 2, perm, perm, 1),
      () => pr.phaseRouterDegreesAsync(degrees, Uint32Array.of(1, 2), 2, perm, perm, 1),
    ],
    [
      () => pr.phaseRouterDegrees(degrees, degrees, 2, perm, notPerm, 1),
      () => pr.phaseRouterDegreesAsync(degrees, degrees, 2, perm, notPerm, 1),
    ],
    [
      () => pr.phaseRouterDegrees(degrees, new Uint32Array(0), 2, perm, perm, 1),
      () => pr.phaseRouterDegreesAsync(degrees, new Uint32Array(0), 2, perm, perm, 1),
    ],
    [
      () => pr.phaseRouterDegrees(Uint32Array.of(65), degrees, 2, perm, Uint32Array.of(0), 1),
      () => pr.phaseRouterDegreesAsync(Uint32Array.of(65), degrees, 2, perm, Uint32Array.of(0), 1),
    ],
  ],
  routeAsync: [
    [() => pr.route({ n: 10, k: 2, density: 1.5 }), () => pr.routeAsync({ n: 10, k: 2, density: 1.5 })],
    [() => pr.route({ n: 10, k: 1, strategy: 'greedy' }), () => pr.routeAsync({ n: 10, k: 1, strategy: 'greedy' })],
    [() => pr.route({ n: 10, k: 2, targetCapacities: [1, 2] }), () => pr.routeAsync({ n: 10, k: 2, targetCapacities: [1, 2] })],
    [
      () => pr.route({ sourceWeights: [0, 0], targetCapacities: [1, 1], k: 1 }),
      () => pr.routeAsync({ sourceWeights: [0, 0], targetCapacities: [1, 1], k: 1 }),
    ],
    [
      () => pr.route({ sources: 4, targetCapacities: [1, -1], k: 1, strategy: 'stride' }),
      () => pr.routeAsync({ sources: 4, targetCapacities: [1, -1], k: 1, strategy: 'stride' }),
    ],
    [() => pr.route({ n: 2 ** 27, k: 1 }), () => pr.routeAsync({ n: 2 ** 27, k: 1 })],
  ],
}

const nativeName = {
  phaseRouterAsync: 'phaseRouterAsync',
  phaseRouterAutoAsync: 'phaseRouterAutoAsync',
  phaseRouterDegreesAsync: 'phaseRouterDegreesAsync',
  routeAsync: 'routeBatchAsync',
}

afterEach(releaseAll) // a failed test must not leave the pool blocked for the next

const describeLatched = supported ? describe : describe.skip

describeLatched('with every libuv pool thread held', () => {
  test.each(cases)('%s: an already-aborted signal rejects with AbortError without queueing any work', async (name, form) => {
    const latch = blockPool()
    const queue = jest.spyOn(native, nativeName[name]) // the native call is what queues work
    try {
      const call = form.async(1, { signal: abortedSignal() })
      expect(await settledNow(call)).toBe(true) // no pool thread was needed
      expect(await call.then(() => false, isAbortError)).toBe(true)
      expect(queue).not.toHaveBeenCalled()
      const routed = form.async(1, { signal: new AbortController().signal })
      expect(queue).toHaveBeenCalledTimes(1) // (the spy does see a call that queues)
      await latch.release()
      await expect(routed).resolves.toEqual(form.sync(1))
    } finally {
      queue.mockRestore()
    }
  })

  test.each(cases)('%s: aborting queued work takes it off the queue; the calls around it are unaffected', async (name, form) => {
    const latch = blockPool()
    // Keep the native promises, to see what happens to the queued work itself.
    const original = native[nativeName[name]]
    const queued = []
    const queue = jest.spyOn(native, nativeName[name]).mockImplementation((...args) => {
      const work = original(...args)
      queued.push(work)
      return work
    })
    try {
      const before = form.async(1)
      const controller = new AbortController()
      const aborted = form.async(2, { signal: controller.signal })
      const after = form.async(3, { signal: new AbortController().signal })
      expect(queued).toHaveLength(3)
      expect(await settledNow(before)).toBe(false) // the latch holds: everything waits in the queue
      controller.abort()
      expect(await aborted.then(() => false, isAbortError)).toBe(true)
      // The native work rejects while every pool thread is held: it was
      // cancelled in the queue, before any thread could run it.
      expect(await outcome(queued[1])).toBe('AbortError')
      expect(await settledNow(after)).toBe(false)
      await latch.release()
      await expect(before).resolves.toEqual(form.sync(1))
      await expect(after).resolves.toEqual(form.sync(3))
    } finally {
      queue.mockRestore()
    }
  })

  test.each(Object.entries(nativeForms))('native %s: the relay takes queued work off the libuv queue', async (_name, call) => {
    const latch = blockPool()
    const relay = {}
    const queued = call(9n, relay)
    const neighbour = call(10n, {})
    expect(typeof relay.onabort).toBe('function') // napi-rs armed the relay, not a caller's signal
    relay.onabort()
    // It rejects while every pool thread is held: it was cancelled in the
    // queue, before any thread could run it.
    expect(await outcome(queued)).toBe('AbortError')
    await latch.release()
    expect(await outcome(neighbour)).toBe('resolved')
  })

  test.each(Object.entries(badCalls))(
    "%s: bad arguments reject with the sync form's error before any work is queued",
    async (_name, pairs) => {
      const latch = blockPool()
      for (const [sync, async] of pairs) {
        let thrown
        try {
          sync()
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(RangeError)
        const rejected = async()
        expect(await settledNow(rejected)).toBe(true) // no pool thread was needed
        const error = await rejected.catch((e) => e)
        expect(error.constructor).toBe(thrown.constructor)
        expect(error.message).toBe(thrown.message)
      }
      await latch.release()
    },
  )
})

test('aborting a call that may already be running rejects with AbortError or leaves its result; the process is fine', async () => {
  // Whether a thread has picked the work up is not known here, and either
  // outcome is correct: a running call finishes and its result is dropped.
  for (const [, form] of cases) {
    const controller = new AbortController()
    const call = form.async(5, { signal: controller.signal })
    controller.abort()
    expect(await call.then(() => false, isAbortError)).toBe(true) // the public promise rejects at once either way
  }
  for (const [, form] of cases) await expect(form.async(6)).resolves.toEqual(form.sync(6))
})

test('aborting after the call settled is harmless and the signal is left untouched', async () => {
  for (const [, form] of cases) {
    const c = new AbortController()
    const routes = await form.async(5, { signal: c.signal })
    c.abort()
    await new Promise((resolve) => setImmediate(resolve))
    expect(routes).toEqual(form.sync(5))
    expect(c.signal.onabort).toBeNull() // napi-rs never saw (and so never wrapped) the caller's signal
    // A signal can serve many calls.
    const again = new AbortController()
    const both = await Promise.all([1, 2].map((s) => form.async(s, { signal: again.signal })))
    expect(both[1]).toEqual(form.sync(2))
  }
})

test('options and signal are type-checked', async () => {
  for (const [, form] of cases) {
    for (const bad of [5, 'x', null, {}, { aborted: false }, new EventTarget()]) {
      await expect(form.async(1, { signal: bad })).rejects.toThrow(TypeError)
      await expect(form.async(1, { signal: bad })).rejects.toThrow(/options\.signal/)
    }
    // No signal routes as before.
    await expect(form.async(1, {})).resolves.toEqual(form.sync(1))
  }
  for (const bad of [5, 'x', null, []]) {
    await expect(pr.phaseRouterAsync(bits, bits, n, 2, perm, perm, 1, bad)).rejects.toThrow(/options/)
    await expect(pr.phaseRouterDegreesAsync(degrees, degrees, 2, perm, perm, 1, bad)).rejects.toThrow(/options/)
    await expect(pr.routeAsync(bad)).rejects.toThrow(/^options: /)
  }
  // An argument of the wrong type is a TypeError even with an aborted signal.
  await expect(pr.phaseRouterAutoAsync([], bits, n, 2, 1, { signal: abortedSignal() })).rejects.toThrow(TypeError)
  await expect(pr.phaseRouterDegreesAsync(degrees, [], 2, perm, perm, 1, { signal: abortedSignal() })).rejects.toThrow(
    /^tDegrees: expected a Uint32Array/,
  )
  await expect(pr.routeAsync({ n: 8, k: 'two', signal: abortedSignal() })).rejects.toThrow(/^k: expected a number/)
})
