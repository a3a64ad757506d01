// The inputs of the `serving` sweep: integer caps and the lognormal profile.
const { roundedCaps, servingSetup, SERVING } = require('phase-router-cli/lib/serving.js')
const { lognormalCapacities, mulberry32 } = require('phase-router-cli/lib/profiles.js')

const sum = (xs) => xs.reduce((a, b) => a + b, 0)

test('caps follow capacity by largest remainder and add up to the total', () => {
  // Shares of 10: 10/6 * [1, 2, 3] = 1.67, 3.33, 5; floors 1 3 5 leave one slot for the largest remainder (0.67).
  expect(Array.from(roundedCaps([1, 2, 3], 10))).toEqual([2, 3, 5])
  // Equal remainders (0.5 each): the lowest index gets the slot.
  expect(Array.from(roundedCaps([1, 1], 3))).toEqual([2, 1])
})

test('every cap is at least 1; the others share what is left', () => {
  // 0.01 / 100.02 * 10 < 1, so it gets 1 and the other two share 9: 4.5 each, the lowest index rounds up.
  expect(Array.from(roundedCaps([50, 50, 0.02], 10))).toEqual([5, 4, 1])
  expect(Array.from(roundedCaps([1, 1000, 1000], 3))).toEqual([1, 1, 1])
  expect(() => roundedCaps([1, 2, 3], 2)).toThrow(RangeError)
  expect(() => roundedCaps([1, 0], 5)).toThrow(RangeError)
})

test('each serving configuration gets caps adding up to round(headroom * tokens * k)', () => {
  expect(SERVING).toHaveLength(27)
  for (const config of SERVING) {
    const { sources, k, capacities, hardCaps } = servingSetup(config, 42)
    expect(sources).toBe(4096)
    expect(capacities).toHaveLength(64)
    expect(sum(Array.from(hardCaps))).toBe(Math.round(config.headroom * 4096 * k))
    expect(Math.min(...hardCaps)).toBeGreaterThanOrEqual(1)
  }
})

test('lognormal capacities: log has mean 0 and the given sigma, and the seed fixes them', () => {
  const caps = lognormalCapacities(20001, 1, 5)
  const logs = Array.from(caps, Math.log)
  const mean = sum(logs) / logs.length
  const sd = Math.sqrt(sum(logs.map((x) => (x - mean) ** 2)) / (logs.length - 1))
  expect(Math.abs(mean)).toBeLessThan(0.03)
  expect(Math.abs(sd - 1)).toBeLessThan(0.03)
  expect(lognormalCapacities(64, 1, 5)).toEqual(lognormalCapacities(64, 1, 5))
  expect(lognormalCapacities(64, 1, 6)).not.toEqual(lognormalCapacities(64, 1, 5))
})

test('mulberry32 gives floats in [0, 1) with a mean near 1/2', () => {
  const random = mulberry32(123)
  const xs = Array.from({ length: 10000 }, random)
  expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
  expect(Math.abs(sum(xs) / xs.length - 0.5)).toBeLessThan(0.02)
})
