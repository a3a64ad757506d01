// Run by memory.test.js as `node --expose-gc`: routes many times and reports
// the resident set after forced collections, as JSON on stdout.
const pr = require('../..')

const MiB = 1 << 20
const turn = () => new Promise((resolve) => setImmediate(resolve))

// Node runs the finalizers of native-backed ArrayBuffers (every result) on the
// event loop, so a collection only frees them once the loop turns: collect,
// turn, and repeat.
async function settledRss() {
  for (let i = 0; i < 4; i++) {
    global.gc()
    await turn()
  }
  return process.memoryUsage().rss
}

function inputs(n, onesPerRow) {
  const bits = pr.buildBits(new Uint32Array(n).fill(onesPerRow), n)
  const perm = Uint32Array.from({ length: n }, (_, i) => (i * 7 + 3) % n) // 7 is coprime with 64 and 4096
  return { bits, perm }
}

async function main() {
  const small = inputs(64, 20)
  const big = inputs(4096, 64)
  const round = async (smallCalls, bigCalls) => {
    for (let i = 0; i < smallCalls; i++) {
      pr.phaseRouter(small.bits, small.bits, 64, 2, small.perm, small.perm, i)
      if (i % 10000 === 9999) await turn() // as any server does between requests; see settledRss
    }
    for (let i = 0; i < bigCalls; i++) pr.phaseRouterAuto(big.bits, big.bits, 4096, 2, i)
    for (let i = 0; i < bigCalls; i += 4) {
      await Promise.all([0, 1, 2, 3].map((j) => pr.phaseRouterAutoAsync(big.bits, big.bits, 4096, 2, i + j)))
    }
  }
  // Warm-up: Rayon's pool, libuv's threads and V8's code caches are created
  // once and belong in the baseline, not in the growth.
  await round(20000, 40)
  const start = await settledRss()
  const t0 = Date.now()
  await round(Number(process.argv[2]), 0)
  const afterSmall = await settledRss()
  const t1 = Date.now()
  await round(0, Number(process.argv[3]))
  const end = await settledRss()
  const t2 = Date.now()
  // The same big calls again: the first time, V8's heap and the allocator's
  // arenas grow to a high-water mark that depends on the machine's load
  // (from +3 MiB alone to +38 MiB beside other suites); a leak grows again.
  await round(0, Number(process.argv[3]))
  const endAgain = await settledRss()
  // A loop that never yields to the event loop: results must still be freed
  // by collections alone (they live in V8's heap, see src/output.rs).
  const loads = new Int32Array(128)
  let tightPeak = 0
  for (let i = 0; i < 300000; i++) {
    pr.computeLoads(loads, 64)
    if (i < 20000) pr.phaseRouter(small.bits, small.bits, 64, 2, small.perm, small.perm, i)
    if (i % 10000 === 9999) {
      global.gc()
      tightPeak = Math.max(tightPeak, process.memoryUsage().rss)
    }
  }
  console.log(
    JSON.stringify({
      startMiB: start / MiB,
      afterSmallMiB: afterSmall / MiB,
      endMiB: end / MiB,
      endAgainMiB: endAgain / MiB,
      tightPeakMiB: tightPeak / MiB,
      smallSeconds: (t1 - t0) / 1000,
      bigSeconds: (t2 - t1) / 1000,
    }),
  )
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
