// The water-filling yardstick of `phase-router moe`.
const { greedyRoute } = require('phase-router-cli/lib/greedy.js')

test('a hand-worked case: most room first, ties to the lowest index', () => {
  // caps [2, 1, 3], k = 2. Token 0: rooms 2 1 3 -> experts 2, 0 (rooms now 1 1 2).
  // Token 1: 2, then 0 (tie with 1 at room 1) -> rooms 0 1 1.
  // Token 2: 1 (tie with 2), then 2 -> rooms 0 0 0. Token 3: no room, both slots empty.
  const routes = greedyRoute(Int32Array.from([2, 1, 3]), 4, 2)
  expect(Array.from(routes)).toEqual([2, 0, 2, 0, 1, 2, -1, -1])
})

test('a token never takes an expert twice, even when only that expert has room', () => {
  // Token 0 takes 0 and 1; token 1 can take only expert 0 once, so its second slot stays empty.
  const routes = greedyRoute(Int32Array.from([5, 1]), 2, 2)
  expect(Array.from(routes)).toEqual([0, 1, 0, -1])
})
