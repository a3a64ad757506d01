// KeyedRouter: API, errors, stability, proportions, preferences and bounded loads.
const { KeyedRouter, movedKeys } = require('..')
const { mulberry32: prng } = require('./support/mulberry32')

const ids = (n, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)
/** Capacities spanning 100:1 geometrically. */
const spread = (n) => Array.from({ length: n }, (_, i) => 100 ** (i / (n - 1)))
const randomKeys = (count, seed) => {
  const rand = prng(seed)
  return Array.from({ length: count }, (_, i) => `key-${i}-${Math.floor(rand() * 2 ** 32).toString(36)}`)
}
const sum = (xs) => xs.reduce((a, b) => a + b, 0)

describe('construction and arguments', () => {
  test('defaults: capacity 1 each, seed 0, a power-of-two table of 6 slots per piece or more', () => {
    const r = new KeyedRouter({ targets: ['a', 'b', 'c'] })
    expect(r.targets).toEqual(['a', 'b', 'c'])
    expect(Array.from(r.capacities)).toEqual([1, 1, 1])
    expect(r.seed).toBe(0n)
    // Unit 1 (the median), three pieces, 18 slots rounded up.
    expect(r.bound).toBe(1)
    expect(r.slots).toBe(32)
    expect(r.meanTrials).toBeCloseTo((r.slots * r.bound) / 3)
  })

  test('wrong types throw TypeError naming the argument', () => {
    expect(() => new KeyedRouter()).toThrow(TypeError)
    expect(() => new KeyedRouter({ targets: 'a' })).toThrow(/targets: expected an Array/)
    expect(() => new KeyedRouter({ targets: ['a', 3] })).toThrow(/targets\[1\]: expected a string/)
    expect(() => new KeyedRouter({ targets: ['a'], capacities: ['x'] })).toThrow(/capacities\[0\]/)
    expect(() => new KeyedRouter({ targets: ['a'], seed: 'x' })).toThrow(/seed/)
    const r = new KeyedRouter({ targets: ['a', 'b'] })
    expect(() => r.lookup('a')).toThrow(TypeError)
    expect(() => r.lookup(['a', null])).toThrow(/keys\[1\]: expected a string/)
    expect(() => r.lookup(new Uint32Array(2))).toThrow(/keys: expected an Array of strings or a BigUint64Array/)
    expect(() => r.lookup(['a'], '2')).toThrow(/k: expected a number/)
    expect(() => r.pick(3)).toThrow(/key: expected a string or a bigint/)
    expect(() => r.assign(['a'], 1, { loadFactor: '2' })).toThrow(/options.loadFactor/)
    expect(() => movedKeys(r, {}, ['a'])).toThrow(TypeError)
  })

  test('wrong values throw RangeError naming the argument', () => {
    expect(() => new KeyedRouter({ targets: [] })).toThrow(/targets: must hold at least one target/)
    expect(() => new KeyedRouter({ targets: ['a', 'b', 'a'] })).toThrow(/targets\[2\]: 'a' appears more than once/)
    expect(() => new KeyedRouter({ targets: ['a', 'b'], capacities: [1] })).toThrow(/capacities: length 1/)
    expect(() => new KeyedRouter({ targets: ['a', 'b'], capacities: [1, -1] })).toThrow(/capacities\[1\]/)
    expect(() => new KeyedRouter({ targets: ['a'], capacities: [NaN] })).toThrow(RangeError)
    expect(() => new KeyedRouter({ targets: ['a'], slots: 3 })).toThrow(/options.slots/)
    expect(() => new KeyedRouter({ targets: ['a'], bound: 0 })).toThrow(/options.bound: 0 is not a finite positive number/)
    expect(() => new KeyedRouter({ targets: ['a', 'b', 'c'], slots: 2, bound: 1 })).toThrow(
      /options.slots: 2 slots cannot hold the 3 pieces/,
    )
    expect(() => new KeyedRouter({ targets: ['a'], seed: -1 })).toThrow(RangeError)
    const r = new KeyedRouter({ targets: ['a', 'b'] })
    expect(() => r.lookup(['x'], 3)).toThrow(/k: 3 exceeds the number of targets \(2\)/)
    expect(() => r.lookup(['x'], 0)).toThrow(/k: /)
    expect(() => r.lookup(['x'], 1.5)).toThrow(RangeError)
    expect(() => r.assign(['x'], 1, { loadFactor: 0.5 })).toThrow(/options.loadFactor: 0.5/)
    expect(() => r.lookupOne(-1n)).toThrow(/key: must be in/)
    expect(() => movedKeys(r, new KeyedRouter({ targets: ['a'], seed: 1 }), ['x'])).toThrow(/seed/)
  })

  test('async forms reject instead of throwing, and honour an aborted signal', async () => {
    const r = new KeyedRouter({ targets: ['a', 'b'] })
    await expect(r.lookupAsync('x')).rejects.toThrow(TypeError)
    await expect(r.lookupAsync(['x'], 5)).rejects.toThrow(RangeError)
    await expect(r.assignAsync(['x'], 1, { loadFactor: 0 })).rejects.toThrow(RangeError)
    await expect(r.lookupAsync(['x'], 1, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/)
  })

  test('inputs are never modified', () => {
    const targets = ['a', 'b', 'c']
    const capacities = new Float64Array([1, 2, 3])
    const r = new KeyedRouter({ targets, capacities })
    const keys = ['x', 'y', 'z', 'x']
    const hashes = new BigUint64Array([5n, 1n, 3n])
    r.lookup(keys, 2)
    r.assign(keys, 2)
    r.assign(hashes, 1)
    r.lookup(hashes)
    expect(targets).toEqual(['a', 'b', 'c'])
    expect(Array.from(capacities)).toEqual([1, 2, 3])
    expect(keys).toEqual(['x', 'y', 'z', 'x'])
    expect(Array.from(hashes)).toEqual([5n, 1n, 3n])
    expect(Object.isFrozen(r.targets)).toBe(true)
  })
})

describe('lookups', () => {
  const router = new KeyedRouter({ targets: ids(40), capacities: spread(40), seed: 3 })
  const keys = randomKeys(5000, 1)

  test('k preferences are distinct valid indices, the first equal to k = 1', () => {
    const k = 5
    const routes = router.lookup(keys, k)
    const first = router.lookup(keys)
    expect(routes.length).toBe(keys.length * k)
    let bad = 0
    for (let i = 0; i < keys.length; i++) {
      const row = Array.from(routes.subarray(i * k, i * k + k))
      if (new Set(row).size !== k || !row.every((t) => t >= 0 && t < 40) || row[0] !== first[i]) bad++
    }
    expect(bad).toBe(0)
    expect(router.lookup([], 3).length).toBe(0)
  })

  test('lookupOne, pick, hashed keys and async agree with lookup', async () => {
    const some = keys.slice(0, 300)
    const routes = router.lookup(some, 3)
    const hashes = BigUint64Array.from(some.map((key) => router.hash(key)))
    expect(Array.from(router.lookup(hashes, 3))).toEqual(Array.from(routes))
    expect(Array.from(await router.lookupAsync(some, 3))).toEqual(Array.from(routes))
    expect(Array.from(await router.lookupAsync(hashes, 3))).toEqual(Array.from(routes))
    some.forEach((key, i) => {
      expect(Array.from(router.lookupOne(key, 3))).toEqual(Array.from(routes.subarray(3 * i, 3 * i + 3)))
      expect(router.lookupOne(hashes[i])[0]).toBe(routes[3 * i])
      expect(router.pick(key)).toBe(router.targets[routes[3 * i]])
    })
  })

  test('non-ASCII keys hash as UTF-8 (lone surrogates as U+FFFD)', () => {
    const r = new KeyedRouter({ targets: ids(10) })
    const odd = ['héllo', '日本語', 'emoji 😀', 'a\uD800', '']
    // Keys around and past the 256 bytes read onto the stack, some ending in a multi-byte character.
    const long = [250, 251, 252, 253, 254, 255, 256, 300].flatMap((n) => ['x'.repeat(n), `${'x'.repeat(n - 4)}😀`, 'é'.repeat(n >> 1)])
    const all = [...odd, ...long, 'y'.repeat(100_000)]
    const batch = r.lookup(all)
    all.forEach((key, i) => {
      expect(r.lookupOne(key)[0]).toBe(batch[i])
      expect(r.pick(key)).toBe(r.targets[batch[i]])
    })
    expect(r.hash('a\uD800')).toBe(r.hash('a\uFFFD'))
  })

  test("a key's targets depend on the set of (id, capacity) pairs, not on their order", () => {
    const names = ids(60)
    const caps = spread(60)
    const rand = prng(9)
    const order = names.map((_, i) => i).sort(() => rand() - 0.5)
    const a = new KeyedRouter({ targets: names, capacities: caps, seed: 5 })
    const b = new KeyedRouter({ targets: order.map((i) => names[i]), capacities: order.map((i) => caps[i]), seed: 5 })
    const ra = a.lookup(keys, 3)
    const rb = b.lookup(keys, 3)
    expect(Array.from(rb, (t) => b.targets[t])).toEqual(Array.from(ra, (t) => a.targets[t]))
    expect(movedKeys(a, b, keys, 3)).toBe(0)
  })

  test('the seed changes the routing', () => {
    const other = new KeyedRouter({ targets: ids(40), capacities: spread(40), seed: 4 })
    expect(movedKeys(router, router.withCapacities(spread(40)), keys)).toBe(0)
    const differ = keys.filter((key) => router.pick(key) !== other.pick(key)).length
    expect(differ).toBeGreaterThan(keys.length / 2)
  })
})

describe('proportions', () => {
  test("over 1M random keys each target's share of first choices is its capacity share (100:1 spread)", () => {
    const n = 100
    const caps = spread(n)
    const r = new KeyedRouter({ targets: ids(n), capacities: caps, seed: 11 })
    const count = 1_000_000
    const hashes = new BigUint64Array(count)
    const rand = prng(21)
    for (let i = 0; i < count; i++) hashes[i] = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32))
    const hits = new Float64Array(n)
    for (const t of r.lookup(hashes)) hits[t]++
    const total = sum(caps)
    for (let j = 0; j < n; j++) {
      const p = caps[j] / total
      const tolerance = Math.max(0.02 * p, 3 * Math.sqrt((p * (1 - p)) / count))
      expect(Math.abs(hits[j] / count - p)).toBeLessThanOrEqual(tolerance)
    }
  })

  test("k > 1: each key's list is a weighted draw without replacement (inclusion saturates above share 1/k)", () => {
    // Shares 0.6, 0.2, 0.1, 0.1; with k = 2 target 0 cannot be in more than every list.
    const caps = [6, 2, 1, 1]
    const r = new KeyedRouter({ targets: ['big', 'mid', 's1', 's2'], capacities: caps, seed: 2 })
    const count = 200_000
    const routes = r.lookup(randomKeys(count, 5), 2)
    const p = caps.map((c) => c / 10)
    const included = new Float64Array(4)
    const first = new Float64Array(4)
    for (let i = 0; i < routes.length; i += 2) {
      first[routes[i]]++
      included[routes[i]]++
      included[routes[i + 1]]++
    }
    for (let j = 0; j < 4; j++) {
      // P(j in the first two) = p_j + sum over i != j of p_i * p_j / (1 - p_i).
      const expected = p[j] + sum(p.map((pi, i) => (i === j ? 0 : (pi * p[j]) / (1 - pi))))
      const se = Math.sqrt((expected * (1 - expected)) / count)
      expect(Math.abs(included[j] / count - expected)).toBeLessThanOrEqual(4 * se)
      expect(Math.abs(first[j] / count - p[j])).toBeLessThanOrEqual(4 * Math.sqrt((p[j] * (1 - p[j])) / count))
    }
    expect(included[0] / count).toBeLessThan(1)
    expect(included[0] / count).toBeLessThan(2 * p[0])
  })
})

describe('movement', () => {
  const n = 100
  const names = ids(n)
  const caps = spread(n)
  const base = new KeyedRouter({ targets: names, capacities: caps, seed: 8 })
  const keys = randomKeys(50_000, 7)
  const before = base.lookup(keys)

  /** Every key that moved went to or came from `id`. */
  function onlyThrough(next, id) {
    const after = next.lookup(keys)
    let moved = 0
    let elsewhere = 0
    for (let i = 0; i < keys.length; i++) {
      const [a, b] = [base.targets[before[i]], next.targets[after[i]]]
      if (a !== b) {
        moved++
        if (a !== id && b !== id) elsewhere++
      }
    }
    expect(elsewhere).toBe(0)
    expect(moved).toBe(movedKeys(base, next, keys))
    return moved
  }

  // These three changes push no other piece aside in this table (a push would move that piece's keys
  // too; benches/keyed-movement-spread.js measures how often), so every moved key involves the target.
  test('adding, removing and resizing one target moves keys only to or from it', () => {
    const added = base.withTargets([...names, 'extra'], [...caps, 10])
    expect([added.slots, added.bound]).toEqual([base.slots, base.bound])
    expect(onlyThrough(added, 'extra')).toBeGreaterThan(0)
    const removed = base.withTargets(names.slice(1), caps.slice(1))
    expect(onlyThrough(removed, 'w0')).toBeGreaterThan(0)
    const doubled = caps.slice()
    doubled[30] *= 2
    const resized = base.withCapacities(doubled)
    expect(resized.bound).toBe(base.bound)
    expect(onlyThrough(resized, 'w30')).toBeGreaterThan(0)
  })

  test('pinned slots and bound are kept by derived routers', () => {
    const pinned = new KeyedRouter({ targets: names, capacities: caps, seed: 8, slots: 1024, bound: 512 })
    const grown = pinned.withTargets(ids(300))
    expect([grown.slots, grown.bound]).toEqual([1024, 512])
  })
})

describe("the 'rendezvous' method", () => {
  test('is chosen by options.method, checked before any work, and kept by derived routers', () => {
    expect(() => new KeyedRouter({ targets: ['a'], method: 3 })).toThrow(TypeError)
    expect(() => new KeyedRouter({ targets: ['a'], method: 3 })).toThrow(/options.method: expected 'table' or 'rendezvous'/)
    expect(() => new KeyedRouter({ targets: ['a'], method: 'ring' })).toThrow(RangeError)
    expect(() => new KeyedRouter({ targets: ['a'], method: 'ring' })).toThrow(/options.method: 'ring' is not/)
    expect(() => new KeyedRouter({ targets: ['a'], method: 'rendezvous', slots: 1024 })).toThrow(
      /options.slots: only the 'table' method has a table to pin/,
    )
    expect(() => new KeyedRouter({ targets: ['a'], method: 'rendezvous', bound: 4 })).toThrow(/options.bound: only/)
    expect(() => new KeyedRouter({ targets: ['a', 'a'], method: 'rendezvous' })).toThrow(/targets\[1\]/)
    const r = new KeyedRouter({ targets: ids(5), capacities: [1, 2, 3, 4, 5], method: 'rendezvous' })
    expect([r.method, r.slots, r.bound, r.meanTrials]).toEqual(['rendezvous', 0, 0, 5])
    expect(new KeyedRouter({ targets: ['a'] }).method).toBe('table')
    expect(r.withTargets(ids(7)).method).toBe('rendezvous')
    expect(r.withCapacities([5, 4, 3, 2, 1]).method).toBe('rendezvous')
  })

  test('every form of lookup agrees, and assign keeps its caps', async () => {
    const r = new KeyedRouter({ targets: ids(12), capacities: spread(12), seed: 4, method: 'rendezvous' })
    const keys = randomKeys(3000, 5)
    const routes = r.lookup(keys, 3)
    for (let i = 0; i < keys.length; i += 97) {
      expect(Array.from(r.lookupOne(keys[i], 3))).toEqual(Array.from(routes.subarray(3 * i, 3 * i + 3)))
      expect(r.pick(keys[i])).toBe(r.targets[routes[3 * i]])
      expect(r.lookupOne(r.hash(keys[i]))[0]).toBe(routes[3 * i])
    }
    expect(await r.lookupAsync(keys, 3)).toEqual(routes)
    const assigned = r.assign(keys, 2, { loadFactor: 1.1 })
    const loads = new Array(12).fill(0)
    for (const t of assigned) if (t >= 0) loads[t]++
    const total = sum(spread(12))
    const caps = spread(12).map((c) => Math.ceil(1.1 * (c / total) * keys.length * 2))
    loads.forEach((load, j) => expect(load).toBeLessThanOrEqual(caps[j]))
    expect(sum(loads)).toBeGreaterThan(0.99 * keys.length * 2)
  })

  test('moves keys only to or from the changed target, also where the default table is rebuilt', () => {
    const keys = randomKeys(40_000, 9)
    /** Keys that changed target from `a` to `b`, and how many of those did not involve `id`. */
    function moves(a, b, id) {
      const [ra, rb] = [a.lookup(keys), b.lookup(keys)]
      let [moved, elsewhere] = [0, 0]
      for (let i = 0; i < keys.length; i++) {
        const [x, y] = [a.targets[ra[i]], b.targets[rb[i]]]
        if (x !== y) {
          moved++
          if (x !== id && y !== id) elsewhere++
        }
      }
      expect(moved).toBe(movedKeys(a, b, keys))
      return { moved, elsewhere }
    }
    // 170 -> 171 equal targets rebuilds the default table: about half of the keys move.
    const [u170, u171] = [ids(170, 'u'), ids(171, 'u')]
    const table = moves(new KeyedRouter({ targets: u170 }), new KeyedRouter({ targets: u171 }), 'u170')
    expect(table.moved).toBeGreaterThan(keys.length / 4)
    const exact = moves(
      new KeyedRouter({ targets: u170, method: 'rendezvous' }),
      new KeyedRouter({ targets: u171, method: 'rendezvous' }),
      'u170',
    )
    expect(exact.elsewhere).toBe(0)
    // Only the new target's share moves: 1/171 of the keys, within 5 standard errors.
    const p = 1 / 171
    expect(Math.abs(exact.moved - p * keys.length)).toBeLessThan(5 * Math.sqrt(p * keys.length))
    const base = new KeyedRouter({ targets: ids(100), capacities: spread(100), seed: 3, method: 'rendezvous' })
    const doubled = spread(100).map((c, j) => (j === 99 ? 2 * c : c))
    for (const [next, id] of [
      [base.withCapacities(doubled), 'w99'],
      [base.withTargets(ids(100).slice(1), spread(100).slice(1)), 'w0'],
      [base.withTargets([...ids(100), 'extra'], [...spread(100), 10]), 'extra'],
    ]) {
      const { moved, elsewhere } = moves(base, next, id)
      expect(elsewhere).toBe(0)
      expect(moved).toBeGreaterThan(0)
    }
  })
})

describe('bounded loads', () => {
  /** Zipf(1.1)-popular requests over `distinct` keys. */
  function zipfRequests(count, distinct, seed) {
    const weights = Array.from({ length: distinct }, (_, i) => 1 / (i + 1) ** 1.1)
    const cdf = []
    let acc = 0
    for (const w of weights) cdf.push((acc += w))
    const rand = prng(seed)
    return Array.from({ length: count }, () => {
      const u = rand() * acc
      let lo = 0
      let hi = distinct - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cdf[mid] < u) lo = mid + 1
        else hi = mid
      }
      return `item-${lo}`
    })
  }

  const caps = spread(30)
  const router = new KeyedRouter({ targets: ids(30), capacities: caps, seed: 13 })
  const requests = zipfRequests(100_000, 20_000, 3)
  const total = sum(caps)

  test.each([1, 2, 3])('with loadFactor 1.25 no target exceeds ceil(1.25 * share * keys * k), k = %i', (k) => {
    const out = router.assign(requests, k, { loadFactor: 1.25 })
    const loads = new Float64Array(30)
    let empty = 0
    for (const t of out) {
      if (t < 0) empty++
      else loads[t]++
    }
    expect(empty).toBe(0)
    const bounds = caps.map((c) => Math.ceil((1.25 * c * requests.length * k) / total))
    expect(Array.from(loads).filter((l, j) => l > bounds[j])).toEqual([])
    let repeated = 0
    for (let i = 0; i < out.length; i += k) if (new Set(out.subarray(i, i + k)).size !== k) repeated++
    expect(repeated).toBe(0)
  })

  test("plain lookup overloads the hot keys' targets, which assign spills", () => {
    const plain = router.lookup(requests)
    const loads = new Float64Array(30)
    for (const t of plain) loads[t]++
    const over = loads.some((l, j) => l > Math.ceil((1.25 * caps[j] * requests.length) / total))
    expect(over).toBe(true)
  })

  test('the assignment does not depend on the order of the keys', async () => {
    const out = router.assign(requests, 2)
    const rand = prng(4)
    const order = requests.map((_, i) => i).sort(() => rand() - 0.5)
    const shuffled = router.assign(
      order.map((i) => requests[i]),
      2,
    )
    // Copies of one key are served in the order given, so compare per key as sorted multisets of rows.
    const rows = (keys, o) => {
      const m = new Map()
      keys.forEach((key, i) => {
        if (!m.has(key)) m.set(key, [])
        m.get(key).push(`${o[2 * i]},${o[2 * i + 1]}`)
      })
      for (const v of m.values()) v.sort()
      return m
    }
    const [a, b] = [
      rows(
        order.map((i) => requests[i]),
        shuffled,
      ),
      rows(requests, out),
    ]
    expect(a.size).toBe(b.size)
    let differ = 0
    for (const [key, v] of a) if (v.join(';') !== b.get(key).join(';')) differ++
    expect(differ).toBe(0)
    expect(Array.from(await router.assignAsync(requests, 2))).toEqual(Array.from(out))
  })

  test('assign with spare room is plain lookup', () => {
    const few = requests.slice(0, 30).filter((key, i, all) => all.indexOf(key) === i)
    const r = new KeyedRouter({ targets: ids(5) })
    expect(Array.from(r.assign(few.slice(0, 3), 1, { loadFactor: 5 }))).toEqual(Array.from(r.lookup(few.slice(0, 3))))
  })
})

describe('the reproduction recipe of docs/keyed.md', () => {
  const M64 = (1n << 64n) - 1n
  const mix = (z) => {
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64
    return z ^ (z >> 31n)
  }
  const trial = (x, i) => mix((x + (BigInt(i) + 1n) * 0x9e3779b97f4a7c15n) & M64)
  const nextPow2 = (x) => 2 ** Math.ceil(Math.log2(x))

  /** Steps 1-4, written from the text alone; target hashes come from router.hash (same seed). */
  function reproduce(router, keys, k) {
    const caps = Array.from(router.capacities)
    const sorted = [...caps].sort((a, b) => a - b)
    let unit = nextPow2(sorted[(caps.length - 1) >> 1])
    const pieceCount = (u) => sum(caps.map((c) => Math.ceil(c / u)))
    while (pieceCount(unit) > 16 * caps.length) unit *= 2
    const slots = Math.max(2, nextPow2(6 * pieceCount(unit)))
    const bits = BigInt(Math.log2(slots))
    const pieces = []
    router.targets.forEach((id, j) => {
      const h = router.hash(id)
      for (let i = 0; i < Math.ceil(caps[j] / unit); i++) {
        const size = Math.min(unit, caps[j] - i * unit)
        pieces.push({ g: trial(h, i), j, id, i, limit: Math.ceil((size / unit) * 2 ** 32) - 1 })
      }
    })
    pieces.sort(
      (a, b) => b.limit - a.limit || a.i - b.i || (a.g < b.g ? -1 : a.g > b.g ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    const table = new Array(slots).fill(null)
    for (const p of pieces) {
      const step = Number(p.g % BigInt(slots)) | 1
      let at = Number(p.g >> (64n - bits))
      while (table[at] !== null) at = (at + step) % slots
      table[at] = p
    }
    return {
      unit,
      slots,
      rows: keys.map((key) => {
        const x = router.hash(key)
        const row = []
        for (let i = 0; row.length < k; i++) {
          const z = trial(x, i)
          const p = table[Number(z >> (64n - bits))]
          const mark = Number(((z << bits) & M64) >> 32n)
          if (p !== null && mark <= p.limit && !row.includes(p.j)) row.push(p.j)
        }
        return row
      }),
    }
  }

  test.each([
    ['100 targets spanning 100:1', ids(100), spread(100)],
    ['uniform', ids(37), new Array(37).fill(3)],
    ['fractional capacities', ids(9), [0.3, 2.5, 0.07, 1, 1, 4.2, 0.9, 0.5, 3]],
  ])('%s: unit, slots and 3 preferences per key match the router', (_, targets, capacities) => {
    const router = new KeyedRouter({ targets, capacities, seed: 17 })
    const keys = randomKeys(300, 8)
    const got = reproduce(router, keys, 3)
    expect([got.unit, got.slots]).toEqual([router.bound, router.slots])
    expect(got.rows.flat()).toEqual(Array.from(router.lookup(keys, 3)))
  })

  test("'rendezvous': every target's score -ln(u) / capacity, smallest first, ties by id hash", () => {
    const [targets, capacities] = [ids(40), spread(40)]
    const router = new KeyedRouter({ targets, capacities, seed: 17, method: 'rendezvous' })
    const hashes = targets.map((id) => router.hash(id))
    const keys = randomKeys(300, 8)
    const rows = keys.map((key) => {
      const x = router.hash(key)
      const scored = targets.map((_, j) => {
        const u = Number((mix(x ^ mix(hashes[j] ^ 0x9e3779b97f4a7c15n)) >> 11n) + 1n) * 2 ** -53
        return { j, h: hashes[j], score: -Math.log(u) / capacities[j] }
      })
      scored.sort((a, b) => a.score - b.score || (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
      return scored.slice(0, 3).map((t) => t.j)
    })
    expect(rows.flat()).toEqual(Array.from(router.lookup(keys, 3)))
  })
})
