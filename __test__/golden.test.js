const api = require('..')
const { loadVectors, routeSync, routeAsync, matchingVectors } = require('./support/golden')
const { runInChild } = require('./support/run-in-child')

const vectors = loadVectors()

test('all 13 reference vectors are present', () => {
  expect(vectors).toHaveLength(13)
  expect(vectors.some((v) => v.autoPerms)).toBe(true)
})

describe.each(vectors.map((v) => [v.name, v]))('%s', (_name, v) => {
  test('sync result is bit-identical to the reference', () => {
    const routes = routeSync(api, v)
    expect(routes).toBeInstanceOf(Int32Array)
    expect(routes).toEqual(v.routes)
  })

  test('async result is bit-identical to the reference', async () => {
    await expect(routeAsync(api, v)).resolves.toEqual(v.routes)
  })
})

describe('independent of the thread count', () => {
  const source = `require('./__test__/support/golden').matchingVectors(require('.')).then((m) => console.log(JSON.stringify(m)))`
  const allNames = vectors.map((v) => v.name)

  test.each([['1'], ['2'], ['3']])('RAYON_NUM_THREADS=%s reproduces every vector', (threads) => {
    expect(runInChild(source, { RAYON_NUM_THREADS: threads })).toEqual(allNames)
  })

  test('the default thread count reproduces every vector', async () => {
    await expect(matchingVectors(api)).resolves.toEqual(allNames)
  })
})
