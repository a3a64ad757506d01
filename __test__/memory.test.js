// Many calls leave the resident set where it was: no leak per call in the
// binding (results, borrowed inputs, async copies, promises).
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const LIMIT_MIB = 32

test('1e6 sync calls at n=64, 1000 sync + 1000 async at n=4096 (twice), and a loop that never yields keep RSS within 32 MiB', () => {
  // A child process, because --expose-gc must be given to node itself.
  // glibc gives a thread that finds the allocator busy an arena of its own,
  // which keeps what it freed; how many arenas the libuv and Rayon threads
  // end up with depends on how often they collide, i.e. on the machine's
  // load (measured under load: +9 to +46 MiB after the same calls). Two
  // arenas keep the measurement about the binding, not the scheduler.
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'helpers', 'memory-child.js'), '1000000', '1000'], {
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  })
  const r = JSON.parse(out.trim().split('\n').pop())
  console.log(`memory: ${JSON.stringify(r)}`)
  expect(r.afterSmallMiB - r.startMiB).toBeLessThan(LIMIT_MIB)
  // The big calls' second round: their first sets the heap's and the arenas'
  // high-water mark, which depends on the load (see memory-child.js); a leak
  // of their results (32 KiB a call) would add 64 MiB a round.
  expect(r.endAgainMiB - r.endMiB).toBeLessThan(LIMIT_MIB)
  // 320,000 calls without ever yielding to the event loop.
  expect(r.tightPeakMiB - r.endAgainMiB).toBeLessThan(LIMIT_MIB)
}, 180_000)
