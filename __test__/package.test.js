// End-to-end check of what users install: scripts/package.js packs the main
// package, this platform's binary package (from the addon already built at
// the root) and the CLI package phase-router-cli, with Rust removed from PATH.
// The library's two tarballs are installed alone into an empty folder, which
// must then hold those two packages and nothing else, and are used the three
// ways a user would: require, import and a strict TypeScript compile. The CLI
// is installed with them into a second folder and run through npx.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const isWindows = process.platform === 'win32'
let work
let app
let cliApp
let packed

// PATH without the folders that hold cargo or rustc, so any step that
// tried to compile the addon would fail instead of quietly succeeding.
function pathWithoutRust() {
  const hasRust = (dir) => ['cargo', 'rustc', 'cargo.exe', 'rustc.exe'].some((exe) => fs.existsSync(path.join(dir, exe)))
  return (process.env.PATH || '')
    .split(path.delimiter)
    .filter((dir) => dir && !hasRust(dir))
    .join(path.delimiter)
}

// Child processes get a clean environment: no npm_* variables inherited from
// the `npm test` that runs jest (they carry this repo's prefix and config),
// and no PHASE_ROUTER_NATIVE_PATH, which would bypass the installed binary.
function env() {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'PHASE_ROUTER_NATIVE_PATH'))
  return { ...clean, PATH: pathWithoutRust() }
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env: env(), encoding: 'utf8', shell: isWindows })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-router-package-'))
  app = path.join(work, 'app')
  fs.mkdirSync(app)
  packed = JSON.parse(run(process.execPath, [path.join(root, 'scripts', 'package.js'), '--out', path.join(work, 'dist')], root))
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', packed.tarballs.main.file, packed.tarballs.platform.file], app)
  cliApp = path.join(work, 'cli-app')
  fs.mkdirSync(cliApp)
  fs.writeFileSync(path.join(cliApp, 'package.json'), JSON.stringify({ name: 'cli-app', private: true }))
  const { main, platform, cli } = packed.tarballs
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', main.file, platform.file, cli.file], cliApp)
}, 300_000)

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

test('Rust is really off the PATH the install ran with', () => {
  const r = spawnSync('cargo', ['--version'], { env: env(), shell: isWindows })
  expect(r.status).not.toBe(0)
})

test('the binary ships only in the platform package', () => {
  expect(packed.tarballs.platform.files).toContain(`phase-router.${packed.platform}.node`)
  expect(packed.tarballs.main.files.filter((f) => f.endsWith('.node'))).toEqual([])
  const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'phase-router', 'package.json'), 'utf8'))
  expect(manifest.optionalDependencies).toEqual({ [packed.platformPackage]: manifest.version })
})

test('the library installs the loader and one binary, nothing else', () => {
  const installed = fs
    .readdirSync(path.join(app, 'node_modules'))
    .filter((name) => !name.startsWith('.'))
    .sort()
  expect(installed).toEqual(['phase-router', packed.platformPackage].sort())
  const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'phase-router', 'package.json'), 'utf8'))
  expect(manifest.dependencies ?? {}).toEqual({})
  expect(manifest.bin).toBeUndefined()
  // No CLI or plotting code in the library tarball.
  expect(packed.tarballs.main.files.filter((f) => /^bin\/|(^|\/)cli\/|render|chart/.test(f))).toEqual([])
})

test('require() loads the prebuilt binary and routes', () => {
  const script = `
    const pr = require('phase-router')
    const routes = pr.route({ n: 256, k: 2, seed: 1 })
    console.log(JSON.stringify({ length: routes.length, survival: pr.survivalRate(routes),
      binary: require.resolve('${packed.platformPackage}') }))`
  const out = JSON.parse(run(process.execPath, ['-e', script], app))
  expect(out.length).toBe(512)
  expect(out.survival).toBeGreaterThan(0.9)
  expect(out.binary).toContain(path.join('node_modules', packed.platformPackage))
})

test('ESM import gives the same named exports', () => {
  const script = `
    import { hashRoute, phaseRouterAuto } from 'phase-router'
    import api from 'phase-router'
    console.log(JSON.stringify({ hash: Array.from(hashRoute(4, 2, 5n)), same: api.hashRoute === hashRoute,
      auto: typeof phaseRouterAuto }))`
  const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], app))
  expect(out.hash).toHaveLength(8)
  expect(out.same).toBe(true)
  expect(out.auto).toBe('function')
})

test('npx phase-router demo runs from an install of the CLI package', () => {
  const out = run('npx', ['--no', 'phase-router', 'demo', '--out', path.join(work, 'plots')], cliApp)
  expect(out).toContain('Survival after hard caps')
  expect(fs.readdirSync(path.join(work, 'plots')).sort()).toEqual(['demo-fill.png', 'demo-load.png'])
  // The CLI's dependency on the library is the one installed next to it, not a second copy.
  const manifest = (name) => JSON.parse(fs.readFileSync(path.join(cliApp, 'node_modules', name, 'package.json'), 'utf8'))
  expect(manifest('phase-router-cli').dependencies['phase-router']).toBe(manifest('phase-router').version)
  expect(fs.existsSync(path.join(cliApp, 'node_modules', 'phase-router-cli', 'node_modules', 'phase-router'))).toBe(false)
}, 120_000)

test('a TypeScript file using every export compiles with --strict', () => {
  const usage = fs.readFileSync(path.join(__dirname, 'e2e', 'usage.ts'), 'utf8')
  const exported = Object.keys(require(path.join(app, 'node_modules', 'phase-router')))
  for (const name of exported) expect(usage).toMatch(new RegExp(`\\b${name}\\(`))
  fs.writeFileSync(path.join(app, 'usage.ts'), usage)
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = ['--strict', '--noEmit', '--target', 'es2020', '--module', 'node16', '--moduleResolution', 'node16']
  run(process.execPath, [tsc, ...args, 'usage.ts'], app)
  // The same compiler rejects a wrong type, so the pass above means something.
  fs.writeFileSync(path.join(app, 'wrong.ts'), "import { route } from 'phase-router'\nexport const x: string = route({ k: 1, n: 4 })\n")
  const wrong = spawnSync(process.execPath, [tsc, ...args, 'wrong.ts'], { cwd: app, encoding: 'utf8' })
  expect(wrong.status).not.toBe(0)
  expect(wrong.stdout).toMatch(/Type 'Int32Array.*' is not assignable to type 'string'/)
}, 120_000)
