// Loads the reference conformance vectors shared with the kernel crate's Rust tests.
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')

const GOLDEN_DIR = path.join(__dirname, '..', '..', 'crates', 'phase-router-kernel', 'tests', 'golden')

function typed(base64, Type) {
  const bytes = Buffer.from(base64, 'base64')
  // Copy into a fresh, aligned buffer: Buffer pools are not 8-byte aligned.
  const aligned = new Uint8Array(bytes.length)
  aligned.set(bytes)
  return new Type(aligned.buffer)
}

function loadVectors() {
  return fs
    .readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((file) => {
      const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(GOLDEN_DIR, file))).toString('utf8'))
      return {
        name: json.name,
        n: json.n,
        k: json.k,
        seed: BigInt(json.seed),
        autoPerms: json.autoPerms,
        sBits: typed(json.sBits, BigUint64Array),
        tBits: typed(json.tBits, BigUint64Array),
        permS: json.autoPerms ? undefined : typed(json.permS, Uint32Array),
        permT: json.autoPerms ? undefined : typed(json.permT, Uint32Array),
        routes: typed(json.routes, Int32Array),
      }
    })
}

/** Routes one vector with the sync entry point its file calls for. */
function routeSync(api, v) {
  return v.autoPerms
    ? api.phaseRouterAuto(v.sBits, v.tBits, v.n, v.k, v.seed)
    : api.phaseRouter(v.sBits, v.tBits, v.n, v.k, v.permS, v.permT, v.seed)
}

/** Routes one vector with the async entry point its file calls for. */
function routeAsync(api, v) {
  return v.autoPerms
    ? api.phaseRouterAutoAsync(v.sBits, v.tBits, v.n, v.k, v.seed)
    : api.phaseRouterAsync(v.sBits, v.tBits, v.n, v.k, v.permS, v.permT, v.seed)
}

/** Names of the vectors whose sync and async results both match, bit for bit. */
async function matchingVectors(api) {
  const matching = []
  for (const v of loadVectors()) {
    const sync = routeSync(api, v)
    const async_ = await routeAsync(api, v)
    if (
      Buffer.compare(Buffer.from(sync.buffer), Buffer.from(v.routes.buffer)) === 0 &&
      Buffer.compare(Buffer.from(async_.buffer), Buffer.from(v.routes.buffer)) === 0
    ) {
      matching.push(v.name)
    }
  }
  return matching
}

module.exports = { loadVectors, routeSync, routeAsync, matchingVectors }
