#!/usr/bin/env node
// The golden check of `npm run platforms`: loads the package through its
// entry point and routes all 13 reference vectors, sync and async, under
// whatever runtime runs this file (an emulated Node, Bun, Node under wine).
//
// Usage: <runtime> scripts/platforms/golden-check.js [package folder]
// The package folder defaults to this repository. Set PHASE_ROUTER_NATIVE_PATH
// to check a binary built elsewhere: binding.js tries it first, and this
// script then checks that the binary it loaded is that one (the loader
// falls back to other candidates when it cannot load the file asked for).
//
// Prints `loaded <file>` or `load failed: <first line>`, the failures, then
// `golden N/13`. Exit code: 0 when every vector matched, 1 when some did not,
// 2 when the package did not load.
'use strict'

const path = require('node:path')
const { loadVectors, routeSync, routeAsync } = require('../../__test__/support/golden')

function same(actual, expected) {
  return actual.length === expected.length && actual.every((value, i) => value === expected[i])
}

function load(dir) {
  const api = require(path.join(dir, 'lib', 'index.js'))
  const asked = process.env.PHASE_ROUTER_NATIVE_PATH
  if (asked && !require.cache[path.resolve(asked)]) {
    const loaded = Object.keys(require.cache).filter((file) => file.endsWith('.node'))
    throw new Error(`asked for ${path.resolve(asked)} but the loader took ${loaded.join(', ') || 'another binding'}`)
  }
  return { api, file: asked ? path.resolve(asked) : Object.keys(require.cache).find((f) => f.endsWith('.node')) || 'a binding' }
}

async function main() {
  const dir = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'))
  let loaded
  try {
    loaded = load(dir)
  } catch (err) {
    console.log(`load failed: ${String(err?.message || err).replace(/\n\s*/g, ' / ')}`)
    console.log('golden 0/13')
    return 2
  }
  console.log(`loaded ${loaded.file}`)
  const vectors = loadVectors()
  let matched = 0
  for (const v of vectors) {
    const problems = []
    try {
      if (!same(routeSync(loaded.api, v), v.routes)) problems.push('sync differs')
      if (!same(await routeAsync(loaded.api, v), v.routes)) problems.push('async differs')
    } catch (err) {
      problems.push(`threw ${err?.message || err}`)
    }
    if (problems.length === 0) matched++
    else console.log(`${v.name}: ${problems.join(', ')}`)
  }
  console.log(`golden ${matched}/${vectors.length}`)
  return matched === vectors.length ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    console.log(`golden check crashed: ${err?.stack || err}`)
    process.exitCode = 1
  },
)
