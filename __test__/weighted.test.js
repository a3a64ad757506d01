// The capacity-weighted random pick used as a baseline by `phase-router moe`.
const { weightedRoute, mulberry32 } = require('../lib/cli/weighted.js')

test('every row holds distinct targets and the same seed gives the same routes', () => {
  const caps = [5, 1, 1, 3, 0.5, 2]
  const routes = weightedRoute(caps, 200, 4, 9)
  for (let row = 0; row < 200; row++) {
    const picks = Array.from(routes.subarray(row * 4, row * 4 + 4))
    expect(new Set(picks).size).toBe(4)
    picks.forEach((t) => expect(t).toBeGreaterThanOrEqual(0))
  }
  expect(weightedRoute(caps, 200, 4, 9)).toEqual(routes)
  expect(weightedRoute(caps, 200, 4, 10)).not.toEqual(routes)
})

test('single picks follow capacity and zero capacity is never picked', () => {
  const caps = [1, 0, 2, 5]
  const tokens = 40000
  const counts = [0, 0, 0, 0]
  for (const t of weightedRoute(caps, tokens, 1, 3)) counts[t]++
  expect(counts[1]).toBe(0)
  caps.forEach((c, i) => expect(Math.abs(counts[i] / tokens - c / 8)).toBeLessThan(0.01))
})

test('rows keep -1 where fewer targets have capacity than k', () => {
  const routes = weightedRoute([0, 3, 0, 1], 5, 3, 1)
  for (let row = 0; row < 5; row++) {
    expect(Array.from(routes.subarray(row * 3, row * 3 + 3)).sort()).toEqual([-1, 1, 3])
  }
})

test('mulberry32 gives floats in [0, 1) with a mean near 1/2', () => {
  const random = mulberry32(123)
  let sum = 0
  for (let i = 0; i < 10000; i++) {
    const x = random()
    expect(x >= 0 && x < 1).toBe(true)
    sum += x
  }
  expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.02)
})
