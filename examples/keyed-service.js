// A keyed HTTP service: a fastify front routes each request by its key to one
// of several upstream workers of unequal capacity, through a KeyedRouter.
// Every server listens on 127.0.0.1 only. Run it with
//
//   node examples/keyed-service.js
//
// and it starts the workers and the front, sends a bounded batch of requests
// to itself, prints how many each worker served, and stops.
'use strict'

const http = require('node:http')
const Fastify = require('fastify')
const { KeyedRouter } = require('phase-router')

const HOST = '127.0.0.1'

// The pool: worker ids and capacities (say, CPU cores).
const POOL = [
  { id: 'worker-a', capacity: 1 },
  { id: 'worker-b', capacity: 2 },
  { id: 'worker-c', capacity: 4 },
  { id: 'worker-d', capacity: 1 },
]

/** One upstream worker: answers every request with its id and the path it got. */
function startWorker(id) {
  const served = { count: 0 }
  const server = http.createServer((req, res) => {
    served.count++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ worker: id, path: req.url }))
  })
  return new Promise((resolve) => {
    server.listen(0, HOST, () => resolve({ id, server, served, url: `http://${HOST}:${server.address().port}` }))
  })
}

/**
 * Starts the workers and the front. Returns the front's URL, each worker's
 * served count, and `close()`, which stops everything.
 */
async function start({ port = 0, pool = POOL, seed = 42 } = {}) {
  const workers = await Promise.all(pool.map((w) => startWorker(w.id)))
  const router = new KeyedRouter({ targets: pool.map((w) => w.id), capacities: pool.map((w) => w.capacity), seed })
  const byId = new Map(workers.map((w) => [w.id, w]))

  const app = Fastify()
  // GET /items/:key is served by the key's worker: the same key always goes
  // to the same worker (its cache stays warm), and each worker gets keys in
  // proportion to its capacity.
  app.get('/items/:key', async (request) => {
    const worker = byId.get(router.pick(request.params.key))
    const upstream = await fetch(`${worker.url}/items/${encodeURIComponent(request.params.key)}`)
    return upstream.json()
  })
  await app.listen({ port, host: HOST })

  const close = async () => {
    await app.close()
    await Promise.all(workers.map((w) => new Promise((resolve) => w.server.close(resolve))))
  }
  const served = () => Object.fromEntries(workers.map((w) => [w.id, w.served.count]))
  return { url: `http://${HOST}:${app.server.address().port}`, served, close, router }
}

/** Sends `keys` to the front, `concurrency` at a time; returns the worker that answered each. */
async function request(url, keys, concurrency = 16) {
  const answers = new Array(keys.length)
  let next = 0
  const lane = async () => {
    while (next < keys.length) {
      const i = next++
      const res = await fetch(`${url}/items/${encodeURIComponent(keys[i])}`)
      answers[i] = (await res.json()).worker
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return answers
}

module.exports = { start, request, POOL }

if (require.main === module) {
  ;(async () => {
    const service = await start()
    try {
      const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`)
      await request(service.url, keys)
      const total = POOL.reduce((sum, w) => sum + w.capacity, 0)
      for (const [id, count] of Object.entries(service.served())) {
        const expected = (keys.length * POOL.find((w) => w.id === id).capacity) / total
        console.log(`${id}: ${count} requests (capacity share ${expected.toFixed(0)})`)
      }
    } finally {
      await service.close()
    }
  })()
}
