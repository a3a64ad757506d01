// Both module systems reach the same API, and the typed surface lists it all.
const fs = require('node:fs')
const path = require('node:path')
const { runInChild, ROOT } = require('./support/run-in-child')
const { execFileSync } = require('node:child_process')

const EXPORTS = [
  'phaseRouter',
  'phaseRouterAuto',
  'phaseRouterDegrees',
  'phaseRouterAsync',
  'phaseRouterAutoAsync',
  'phaseRouterDegreesAsync',
  'buildBits',
  'route',
  'routeAsync',
  'hashRoute',
  'makeHardCaps',
  'enforceCapacity',
  'computeLoads',
  'loadStats',
  'survivalRate',
  'capacityProfile',
  // Mixture-of-Experts gating (ts/gate.ts).
  'gate',
  'gateAsync',
  'dispatchReplicas',
  'updateBias',
  // Keyed routing (ts/keyed.ts).
  'KeyedRouter',
  'movedKeys',
]

test('require("phase-router") exposes every function of docs/algorithm.md#public-api', () => {
  const names = runInChild(`console.log(JSON.stringify(Object.keys(require('phase-router')).sort()))`)
  expect(names).toEqual([...EXPORTS].sort())
})

test('import from "phase-router" gives the same functions and results', () => {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
import { route, hashRoute } from 'phase-router'
import cjs from 'phase-router'
const same = route === cjs.route && hashRoute(8, 2, 1).join() === cjs.hashRoute(8, 2, 1).join()
console.log(JSON.stringify({ same, length: route({ n: 16, k: 2 }).length }))`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  )
  expect(JSON.parse(out)).toEqual({ same: true, length: 32 })
})

test('index.mjs names every export of the CommonJS entry', () => {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as esm from 'phase-router'\nconsole.log(JSON.stringify(Object.keys(esm).filter((k) => k !== 'default').sort()))`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  )
  expect(JSON.parse(out)).toEqual([...EXPORTS].sort())
})

test('index.d.ts declares and documents every export with an example', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8')
  for (const name of EXPORTS) {
    const fn = dts.indexOf(`export function ${name}(`)
    const at = fn >= 0 ? fn : dts.indexOf(`export declare class ${name} `)
    expect(at).toBeGreaterThan(0)
    const doc = dts.slice(dts.lastIndexOf('/**', at), at)
    expect(doc).toContain('@example')
  }
})
