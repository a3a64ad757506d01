// Run as a child process: the addon is loaded ONLY inside Workers (never on
// the main thread), 50 in a row, each routing through Rayon before it exits,
// so Node may unload the image after each one while Rayon's threads live on.
const { Worker } = require('node:worker_threads')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..', '..')
const code = `
const pr = require(${JSON.stringify(root)})
const n = 512
const bits = pr.buildBits(new Uint32Array(n).fill(150), n)
pr.phaseRouterAutoAsync(bits, bits, n, 2, 5).then((r) => {
  require('worker_threads').parentPort.postMessage(Array.from(pr.phaseRouterAuto(bits, bits, n, 2, 5)).join() === Array.from(r).join())
})
`
const threads = () => fs.readdirSync('/proc/self/task').length

async function main() {
  const agreements = []
  let afterFirst = 0
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true })
      w.on('message', (same) => agreements.push(same))
      w.on('error', reject)
      w.on('exit', resolve)
    })
    if (i === 0) afterFirst = threads()
  }
  // Let any thread left pointing into an unmapped image run into it.
  await new Promise((resolve) => setTimeout(resolve, 300))
  console.log(JSON.stringify({ agreements: agreements.filter(Boolean).length, afterFirst, afterAll: threads() }))
}
main()
