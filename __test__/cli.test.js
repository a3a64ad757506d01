// The phase-router command line, run as a user runs it: a child process.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

// The workspace package phase-router-cli (packages/cli), found by name as npx finds it.
const BIN = require.resolve('phase-router-cli/bin/phase-router.js')
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function cli(...args) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60000 })
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'phase-router-cli-'))
}

function expectPng(file) {
  const bytes = fs.readFileSync(file)
  expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE)
  expect(bytes.length).toBeGreaterThan(10000) // axes, labels and points, not an empty canvas
}

describe('phase-router demo', () => {
  test('prints every section and writes both plots', () => {
    const out = tempDir()
    const run = cli('demo', '-n', '100', '--k', '3', '--seed', '7', '--headroom', '1.5', '--profile', 'mild', '--out', out)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('100 tokens to 100 experts, k=3, seed 7, mild profile, headroom 1.5')
    for (const heading of ['mean', 'std', 'CV', 'max/mean', 'corr(load, capacity)', 'hard cap', 'Survival after hard caps']) {
      expect(run.stdout).toContain(heading)
    }
    // One stats row and one survival row per method.
    expect(run.stdout).toMatch(/^phase +3\.00 /m)
    expect(run.stdout).toMatch(/^hash +3\.00 /m)
    const survival = [...run.stdout.matchAll(/^(phase|hash) +(\d+\.\d)$/gm)].map((m) => Number(m[2]))
    expect(survival).toHaveLength(2)
    survival.forEach((s) => expect(s).toBeGreaterThan(0))
    survival.forEach((s) => expect(s).toBeLessThanOrEqual(100))
    // Five largest (capacity 3) and five smallest (capacity 1) experts.
    const experts = [...run.stdout.matchAll(/^(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$/gm)].map((m) => Number(m[2]))
    expect(experts).toEqual([3, 3, 3, 3, 3, 1, 1, 1, 1, 1])
    expectPng(path.join(out, 'demo-load.png'))
    expectPng(path.join(out, 'demo-fill.png'))
  })

  test('--help lists the flags and exits 0', () => {
    const run = cli('demo', '--help')
    expect(run.status).toBe(0)
    for (const flag of ['--experts', '-n', '--k', '--seed', '--headroom', '--profile', '--out']) expect(run.stdout).toContain(flag)
  })

  test.each([
    [['demo', '--k', '0'], '--k: 0 is not in [1, 64]'],
    [['demo', '--experts', 'many'], "--experts: 'many' is not an integer"],
    [['demo', '--headroom', '-1'], '--headroom: -1 is not in'],
    [['demo', '--profile', 'huge'], "--profile: 'huge' is not one of uniform, mild, strong, extreme"],
    [['demo', '--bogus', '1'], "unknown flag '--bogus'"],
    [['demo', '--seed'], '--seed: expected a value'],
    [['moe', '--seeds', '1.5'], "--seeds: '1.5' is not an integer"],
    [['bench', 'extra'], "unknown argument 'extra'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [[], 'no command given'],
  ])('%j exits 2 with a message', (args, message) => {
    const run = cli(...args)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe('')
  })
})

test('--help lists the commands and exits 0', () => {
  const run = cli('--help')
  expect(run.status).toBe(0)
  for (const command of ['demo', 'moe', 'bench']) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
})

describe('phase-router moe', () => {
  test('writes moe.json in the documented schema, moe.csv and six plots', () => {
    const out = tempDir()
    const run = cli('moe', '--seeds', '1', '--out', out)
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('headroom 1/5') // progress goes to stderr
    expect(run.stderr).toContain('serving 27/27 (k=8 h=1.10 lognormal)')
    expect(run.stdout).toMatch(/^stride reaches at least \d+\.\d% of the bound everywhere \(lowest: /m)
    const results = JSON.parse(fs.readFileSync(path.join(out, 'moe.json'), 'utf8'))
    expect(Object.keys(results)).toEqual(['experiments'])
    expect(results.experiments.map((e) => e.name)).toEqual(['headroom', 'k', 'n', 'profile', 'serving'])
    const methods = ['phase', 'hash', 'weighted', 'stride', 'greedy', 'bound']
    const keys = ['param', 'n', 'k', 'headroom', 'profile', 'method', 'survivalMean', 'survivalStd', 'seeds', 'routeMsMedian']
    for (const experiment of results.experiments) {
      const serving = experiment.name === 'serving'
      expect(Object.keys(experiment)).toEqual(['name', 'rows'])
      const params = new Set(experiment.rows.map((r) => r.param))
      expect(experiment.rows).toHaveLength(params.size * methods.length)
      for (const row of experiment.rows) {
        expect(Object.keys(row).sort()).toEqual([...keys, ...(serving ? ['sources', 'targets'] : [])].sort())
        expect(methods).toContain(row.method)
        expect(row.survivalMean).toBeGreaterThan(0)
        expect(row.survivalMean).toBeLessThanOrEqual(1)
        expect(row.survivalStd).toBe(0) // one seed has no spread
        expect(row.seeds).toBe(1)
        expect(row.routeMsMedian).toBeGreaterThanOrEqual(0)
        if (serving) {
          expect(row).toMatchObject({ n: 64, sources: 4096, targets: 64 })
          expect(row.param).toBe(`k=${row.k} h=${row.headroom.toFixed(2)} ${row.profile}`)
        } else {
          expect(row[experiment.name]).toEqual(row.param) // the swept setting is the row's param
        }
      }
    }
    expect(results.experiments[4].rows).toHaveLength(27 * methods.length)
    const csv = fs.readFileSync(path.join(out, 'moe.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toBe(['experiment', 'param', 'n', 'sources', 'targets', ...keys.slice(2)].join(','))
    expect(csv).toHaveLength(1 + results.experiments.reduce((sum, e) => sum + e.rows.length, 0))
    for (const name of ['headroom', 'k', 'n', 'profile', 'summary', 'serving']) expectPng(path.join(out, `moe-${name}.png`))
  })
})

describe('phase-router bench', () => {
  test('times every cell of the grid and writes bench.json', () => {
    const out = tempDir()
    const run = cli('bench', '--time', '1', '--out', out)
    expect(run.status).toBe(0)
    const { rows } = JSON.parse(fs.readFileSync(path.join(out, 'bench.json'), 'utf8'))
    expect(rows.map((r) => `${r.n}/${r.k}`)).toEqual([64, 256, 1024, 4096].flatMap((n) => [1, 4, 16].map((k) => `${n}/${k}`)))
    for (const row of rows) {
      expect(row.phaseMs).toBeGreaterThan(0)
      expect(row.hashMs).toBeGreaterThan(0)
      expect(row.strideMs).toBeGreaterThan(0)
    }
    expect(run.stdout.match(/^\d+ +\d+( +\d+\.\d{3}){3}( +\d+\.\d){2}$/gm)).toHaveLength(rows.length)
    const largest = rows[rows.length - 1]
    const ratio = (largest.phaseMs / largest.strideMs).toFixed(1)
    expect(run.stdout).toContain(`phase / stride at N=4096, k=16: ${ratio}x (goal: at least 10x)`)
  })
})
