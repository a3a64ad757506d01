// Movement over many single changes, not one: for 100 targets spanning 100:1,
// add 40 different targets (capacity = the median) one at a time, remove each
// of 40 targets, and double each of 40 capacities; report the mean and the
// worst of moved / least possible, for the default and a pinned table.
//
//   node benches/keyed-movement-spread.js   (KEYS=200000 by default)
'use strict'

const { KeyedRouter, movedKeys } = require('..')

const KEYS = Number(process.env.KEYS ?? 200_000)
const N = 100
const ids = Array.from({ length: N }, (_, i) => `w${i}`)
const caps = ids.map((_, i) => 100 ** (i / (N - 1)))
const total = caps.reduce((a, b) => a + b)
const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`)
const median = caps[N >> 1]

function summary(ratios) {
  const mean = ratios.reduce((a, b) => a + b) / ratios.length
  return {
    mean: +mean.toFixed(3),
    worst: +Math.max(...ratios).toFixed(3),
    over1_1: ratios.filter((r) => r > 1.1).length,
    of: ratios.length,
  }
}

for (const [label, pin] of [
  ['default table', {}],
  ['pinned 1024 x 512', { slots: 1024, bound: 512 }],
]) {
  const base = new KeyedRouter({ targets: ids, capacities: caps, seed: 1, ...pin })
  const add = []
  const remove = []
  const double = []
  for (let t = 0; t < 40; t++) {
    const least = (median / (total + median)) * KEYS
    add.push(movedKeys(base, base.withTargets([...ids, `extra-${t}`], [...caps, median]), keys) / least)
    const j = (t * 37) % N
    remove.push(
      movedKeys(
        base,
        base.withTargets(
          ids.filter((_, i) => i !== j),
          caps.filter((_, i) => i !== j),
        ),
        keys,
      ) /
        ((caps[j] / total) * KEYS),
    )
    const doubled = caps.map((c, i) => (i === j ? 2 * c : c))
    // Least movement for doubling c_j: the change in j's share.
    const least2 = ((2 * caps[j]) / (total + caps[j]) - caps[j] / total) * KEYS
    if (j !== N - 1) double.push(movedKeys(base, base.withCapacities(doubled), keys) / least2)
  }
  console.log(label, { add: summary(add), remove: summary(remove), double: summary(double) })
}
