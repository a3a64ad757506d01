// What `npm publish` would put in the main tarball, read from
// `npm pack --dry-run --json`: the runtime files and typings, and none of
// the tests, benches, fixtures, Rust sources or build output.
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
let files

beforeAll(() => {
  // --ignore-scripts: packing must not rebuild the addon.
  const out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  files = JSON.parse(out)[0].files.map((f) => f.path.replace(/\\/g, '/'))
}, 60_000)

test('the runtime entry points, loader and typings are in', () => {
  for (const f of ['package.json', 'LICENSE', 'binding.js', 'index.d.ts', 'index.mjs', 'lib/index.js', 'lib/checks.js']) {
    expect(files).toContain(f)
  }
  // Every file the manifest points at must ship, or installs break.
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports['.']), ...Object.values(pkg.bin || {})]
  for (const t of targets) expect(files).toContain(path.posix.normalize(t))
})

test('README is in when the repository has one', () => {
  expect(files.includes('README.md')).toBe(fs.existsSync(path.join(root, 'README.md')))
})

test('no tests, benches, fixtures, Rust, TypeScript sources or build output', () => {
  const forbidden = [
    /^__test__\//,
    /^benches?\//,
    /fixtures?\//,
    /^golden\//,
    /^crates\//,
    /^src\//,
    /^ts\//,
    /^scripts\//,
    /^target\//,
    /^npm\//,
    /^dist\//,
    /^docs\//,
    /^\.github\//,
    /\.rs$/,
    /^Cargo\.(toml|lock)$/,
    /^build\.rs$/,
    /\.node$/,
    /\.tgz$/,
    /^native\.d\.ts$/,
    /^tsconfig\.json$/,
    /^package-lock\.json$/,
  ]
  const leaked = files.filter((f) => forbidden.some((re) => re.test(f)))
  expect(leaked).toEqual([])
})

test('the whitelist keeps the tarball small', () => {
  expect(files.length).toBeLessThan(40)
})
