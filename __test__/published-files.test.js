// What `npm publish` would put in the main tarball, read from
// `npm pack --dry-run --json`: the runtime files and typings, and none of
// the tests, benches, fixtures, Rust sources, build output or CLI. The CLI
// is the workspace package phase-router-cli (packages/cli), packed on its own.
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const cliRoot = path.join(root, 'packages', 'cli')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const cliPkg = JSON.parse(fs.readFileSync(path.join(cliRoot, 'package.json'), 'utf8'))
let files
let cliFiles

// --ignore-scripts: packing must not rebuild the addon or the CLI.
function packList(cwd) {
  const out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return JSON.parse(out)[0].files.map((f) => f.path.replace(/\\/g, '/'))
}

beforeAll(() => {
  files = packList(root)
  cliFiles = packList(cliRoot)
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
    // The CLI and its plots live in packages/cli (the package phase-router-cli).
    /^packages\//,
    /^bin\//,
    /(^|\/)cli\//,
    /render|charts?\b/,
  ]
  const leaked = files.filter((f) => forbidden.some((re) => re.test(f)))
  expect(leaked).toEqual([])
})

test('the whitelist keeps the tarball small', () => {
  expect(files.length).toBeLessThan(40)
})

test('the library has no runtime dependency and no command; the CLI package owns both', () => {
  // Prebuilt binaries come as optionalDependencies, added at release.
  expect(pkg.dependencies ?? {}).toEqual({})
  expect(pkg.bin).toBeUndefined()
  expect(cliPkg.bin).toEqual({ 'phase-router': 'bin/phase-router.js' })
  // The CLI uses the library of the same release, resolved through the workspace.
  expect(cliPkg.dependencies['phase-router']).toBe(pkg.version)
  expect(cliPkg.version).toBe(pkg.version)
  for (const dep of ['vega', 'vega-lite', '@resvg/resvg-js', 'dejavu-fonts-ttf']) expect(cliPkg.dependencies).toHaveProperty(dep)
})

test('the CLI tarball holds its command and compiled code, not its sources', () => {
  expect(cliFiles).toContain('package.json')
  expect(cliFiles).toContain('bin/phase-router.js')
  expect(cliFiles).toContain('lib/main.js')
  expect(cliFiles.filter((f) => /^src\/|\.ts$|^tsconfig\.json$/.test(f))).toEqual([])
  expect(cliFiles.every((f) => /^(bin|lib)\/|^(package\.json|README\.md|LICENSE)$/.test(f))).toBe(true)
})
