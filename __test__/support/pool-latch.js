// A latch on libuv's thread pool that needs no special build, so that tests of
// async calls never depend on how long work takes or on winning a race.
//
// `blockPool()` parks every pool thread in `open()` of a FIFO that nobody has
// opened for writing: such an open blocks until a writer appears. It issues
// more opens than the pool has threads, so the extra ones wait in the queue,
// and any work queued afterwards (an async router call) waits behind them: it
// cannot start until `release()`. Whatever settles while the latch is held
// settled without a pool thread. `release()` opens the FIFO for writing, which
// lets every parked and queued open return, then closes all of them.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

// libuv reads UV_THREADPOOL_SIZE (default 4, at most 1024) when it starts the
// pool; a few more opens than threads leave some waiting in the queue.
const POOL_THREADS = Math.min(1024, Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4))
const OPENS = POOL_THREADS + 4

/** Whether this platform has FIFOs (`mkfifo`); on Windows the latch does not exist. */
const supported = process.platform !== 'win32'

let held = null

/** Blocks every libuv pool thread until `release()` (or `releaseAll()`). */
function blockPool() {
  if (held) throw new Error('the pool is already blocked')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-router-latch-'))
  const fifo = path.join(dir, 'latch')
  execFileSync('mkfifo', [fifo])
  const opens = Array.from({ length: OPENS }, () => fs.promises.open(fifo, 'r'))
  let released = null
  const latch = {
    release() {
      released ??= (async () => {
        // Opening a FIFO read-write never blocks (Linux, macOS); with a writer
        // present, every reader's open returns. The writer stays open until
        // the last queued open has returned, or that one would block again.
        const writer = fs.openSync(fifo, 'r+')
        try {
          const handles = await Promise.all(opens)
          await Promise.all(handles.map((handle) => handle.close()))
        } finally {
          fs.closeSync(writer)
          fs.rmSync(dir, { recursive: true, force: true })
          held = null
        }
      })()
      return released
    },
  }
  held = latch
  return latch
}

/** Releases a latch a failed test left held (call it in `afterEach`). */
function releaseAll() {
  return held ? held.release() : Promise.resolve()
}

/**
 * Whether `promise` has settled once the microtasks queued so far have run:
 * a promise that needs the pool (or any later event) has not.
 */
async function settledNow(promise) {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return settled
}

/** What a promise settles to: `'resolved'`, or the rejection's name (`'AbortError'`, `'RangeError'`, ...). */
const outcome = (promise) =>
  promise.then(
    () => 'resolved',
    (error) => error.name,
  )

module.exports = { blockPool, releaseAll, settledNow, outcome, supported, POOL_THREADS }
