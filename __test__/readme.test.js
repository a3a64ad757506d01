// Every JavaScript example in the README runs as it is written.
const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { ROOT } = require('./support/run-in-child')

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('the README has examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(13)
})

test.each(examples.map((code, i) => [i, code]))('README example %i runs', (_i, code) => {
  expect(() => execFileSync(process.execPath, ['-e', code], { cwd: ROOT, stdio: 'pipe' })).not.toThrow()
})
