// Huge inputs route or throw a RangeError about their size; they never abort
// the process (docs/limits.md).
const pr = require('..')
const { thrown, rejected } = require('./helpers/errors')

test('n = 65536: two 512 MiB matrices route, sync and async', async () => {
  const n = 65536
  const s = pr.buildBits(new Uint32Array(n).fill(64), n)
  expect(s.length).toBe(n * 1024) // 512 MiB
  const t = pr.buildBits(new Uint32Array(n).fill(32), n)
  const sync = pr.phaseRouterAuto(s, t, n, 2, 11)
  expect(sync.length).toBe(2 * n)
  expect(sync.every((c) => c >= -1 && c < n)).toBe(true)
  const async = await pr.phaseRouterAutoAsync(s, t, n, 2, 11)
  expect(async).toEqual(sync)
}, 120_000)

test('sizes past the documented limits are RangeErrors about size', () => {
  const tooBig = [
    [() => pr.buildBits(new Uint32Array(1 << 18), 1 << 18), /n: 262144 exceeds the largest matrix/],
    [() => pr.hashRoute(2 ** 27, 1, 0), /n: 134217728 exceeds the largest number of rows/],
    [() => pr.route({ n: 2 ** 27, k: 1 }), /sources: 134217728 exceeds/],
    [() => pr.route({ sources: 2 ** 30, k: 1, strategy: 'hash' }), /sources: 1073741824 exceeds/],
    [() => pr.capacityProfile('uniform', 2 ** 32 - 1, 0), /n: 4294967295 exceeds/],
    [() => pr.computeLoads(new Int32Array(2), 2 ** 32 - 1), /nTargets: 4294967295 exceeds/],
    [() => pr.hashRoute(2 ** 26, 64, 0), /n \* k = .* exceeds the largest output/],
  ]
  for (const [call, message] of tooBig) {
    const e = thrown(call)
    expect(e.name).toBe('RangeError')
    expect(e.message).toMatch(message)
  }
})

test('a matrix length that does not match n is refused before any work', async () => {
  const n = 65536
  const wrong = new BigUint64Array(1024) // n * ceil(n/64) would be 2^26 words
  expect(() => pr.phaseRouterAuto(wrong, wrong, n, 1, 0)).toThrow(/sBits: length 1024 does not match/)
  expect((await rejected(pr.phaseRouterAutoAsync(wrong, wrong, n, 1, 0))).name).toBe('RangeError')
  // n * k past 2^31 - 1 slots is refused by shape alone.
  expect(() => pr.phaseRouterAuto(wrong, wrong, n, 2 ** 16, 0)).toThrow(/exceeds the largest output/)
})
