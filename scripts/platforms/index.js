#!/usr/bin/env node
// npm run platforms: builds the addon for every target this Linux x64
// machine can build, with toolchains from the package registries only, runs
// each binary where a runtime exists (directly, under qemu-user, Bun's musl
// build, wine), and prints one table:
//   target | built (size, glibc floor or minimum OS) | loaded | golden | jest suites
//
// Usage: node scripts/platforms/index.js [target ...] [--no-jest]
//          [--jest-suites=a,b] [--jest-emulated[=a,b]]
//   target          names from targets/ (all when none is given)
//   --no-jest       build, load and golden check only
//   --jest-suites   run only these jest suites (names as in __test__/, with or
//                   without .test.js), on emulated targets too
//   --jest-emulated run jest on emulated targets (qemu) too, the suites
//                   given or those that start no process: by default only
//                   the golden check runs there, as jest takes over an hour
//
// Each target is a module in targets/<target>.js with this interface:
//   module.exports = {
//     target: 'linux-arm64-gnu', triple: 'aarch64-unknown-linux-gnu',
//     async build(ctx) -> { file, size, floor },
//     async run(ctx, built) -> { loaded, golden, suites },
//   }
// where ctx = { root, cache, lib, jest, jestSuites, jestEmulated, log }; `loaded` is
// true, false or 'n/a'; `golden` e.g. '13/13' or 'n/a'; `suites` e.g.
// '28/33', 'n/a' or a short reason. Not part of npm test: it takes many
// minutes and downloads toolchains into target/platforms/ (kept).
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const lib = require('./lib')

const TARGETS_DIR = path.join(__dirname, 'targets')

// The table's row order; modules not named here come after, by name.
const ORDER = [
  'linux-x64-gnu',
  'linux-arm64-gnu',
  'linux-x64-musl',
  'linux-arm64-musl',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'wasm32-wasip1-threads',
]

// The target modules' file names (without .js) in table order; helpers/ and
// other folders are skipped.
function discoverTargets(dir = TARGETS_DIR) {
  const names = fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.js'))
        .map((e) => e.name.slice(0, -3))
    : []
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length)
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

function parseArgs(argv, available) {
  const options = { targets: [], jest: true, jestSuites: null, jestEmulated: false }
  for (const arg of argv) {
    if (arg === '--no-jest') options.jest = false
    else if (arg === '--jest-emulated') options.jestEmulated = true
    else if (arg.startsWith('--jest-emulated=')) options.jestEmulated = suiteList(arg.slice('--jest-emulated='.length))
    else if (arg.startsWith('--jest-suites=')) options.jestSuites = suiteList(arg.slice('--jest-suites='.length))
    else if (arg.startsWith('-')) throw new RangeError(`unknown option ${arg}`)
    else if (!available.includes(arg)) throw new RangeError(`unknown target ${arg}; known: ${available.join(', ')}`)
    else options.targets.push(arg)
  }
  if (options.targets.length === 0) options.targets = available
  return options
}

// 'golden,helpers' -> ['__test__/golden.test.js', '__test__/helpers.test.js'].
function suiteList(text) {
  return text.split(',').filter(Boolean).map(suitePath)
}

// 'golden' or 'golden.test.js' -> '__test__/golden.test.js'.
function suitePath(name) {
  const base = name.replace(/^__test__\//, '').replace(/\.test\.js$/, '')
  return `__test__/${base}.test.js`
}

// A row passes when it built, ran without an error, loaded, matched every
// vector and passed every jest suite it ran; 'n/a' (no runtime here, or not asked) does not fail it.
// Counts may be followed by a note: '12/12 (subset)'.
function rowPassed(row) {
  if (!row.built || row.why || row.loaded === false) return false
  const full = (value) => String(value).startsWith('n/a') || /^(\d+)\/\1\b/.test(value)
  return full(row.golden) && full(row.suites)
}

async function runTarget(name, options) {
  const mod = require(path.join(TARGETS_DIR, `${name}.js`))
  const log = (msg) => console.error(`[${mod.target}] ${msg}`)
  const { jest, jestSuites, jestEmulated } = options
  const ctx = { root: lib.ROOT, cache: lib.CACHE, lib, jest, jestSuites, jestEmulated, log }
  const row = { target: mod.target, built: null, loaded: 'n/a', golden: 'n/a', suites: 'n/a', why: '' }
  try {
    row.built = await mod.build(ctx)
    log(`built ${lib.describeBuilt(row.built)}`)
    Object.assign(row, await mod.run(ctx, row.built))
  } catch (err) {
    row.why = String(err?.message || err).split('\n')[0]
    log(`failed: ${err?.stack || err}`)
  }
  return row
}

function tableOf(rows) {
  const built = (row) => (row.built ? lib.describeBuilt(row.built) : `failed: ${row.why}`)
  // An error after the build is shown where the run's results would be.
  const suites = (row) => (row.built && row.why ? `failed: ${row.why}` : row.suites)
  return lib.formatTable(
    ['target', 'built (file, size, floor)', 'loaded', 'golden', 'jest suites'],
    rows.map((row) => [row.target, built(row), String(row.loaded), row.golden, suites(row)]),
  )
}

async function main() {
  const options = parseArgs(process.argv.slice(2), discoverTargets())
  const rows = []
  for (const name of options.targets) rows.push(await runTarget(name, options))
  console.log(tableOf(rows))
  return rows.every(rowPassed) ? 0 : 1
}

module.exports = { discoverTargets, parseArgs, suitePath, rowPassed, tableOf, ORDER }

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      console.error(err?.message || err)
      process.exitCode = 1
    },
  )
}
