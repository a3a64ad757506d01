// A Worker that loads the addon itself and routes the cases it is given,
// sync and async at once, posting the results back.
const { parentPort, workerData } = require('node:worker_threads')
const pr = require('../..')

async function main() {
  const results = []
  for (const { n, k, ones, seed } of workerData.cases) {
    const bits = pr.buildBits(new Uint32Array(n).fill(ones), n)
    const perm = Uint32Array.from({ length: n }, (_, i) => n - 1 - i)
    const [auto, fixed] = await Promise.all([
      pr.phaseRouterAutoAsync(bits, bits, n, k, seed),
      pr.phaseRouterAsync(bits, bits, n, k, perm, perm, seed),
    ])
    results.push({ sync: Array.from(pr.phaseRouterAuto(bits, bits, n, k, seed)), auto: Array.from(auto), fixed: Array.from(fixed) })
  }
  parentPort.postMessage(results)
}
main()
