// Runs a snippet in a fresh node process (for settings read once per process,
// such as RAYON_NUM_THREADS) and returns what it printed as JSON.
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const ROOT = path.join(__dirname, '..', '..')

function runInChild(source, env = {}) {
  const out = execFileSync(process.execPath, ['-e', source], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  return JSON.parse(out)
}

module.exports = { runInChild, ROOT }
