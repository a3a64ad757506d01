// The library entry must not load the CLI (the workspace package phase-router-cli
// in packages/cli) or its heavy, plotting-only modules.
const { execFileSync } = require('node:child_process')
const path = require('node:path')

test("require('phase-router') loads no plotting or CLI module", () => {
  const script = "require('.'); console.log(JSON.stringify(Object.keys(require.cache)))"
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' }))
  expect(loaded.some((file) => file.endsWith(path.join('lib', 'index.js')))).toBe(true) // the check sees real loads
  const offending = loaded.filter((file) =>
    /[\\/](vega[^\\/]*|@resvg|dejavu-fonts-ttf|benchmark)[\\/]|[\\/]packages[\\/]cli[\\/]|[\\/]phase-router-cli[\\/]/.test(file),
  )
  expect(offending).toEqual([])
})
