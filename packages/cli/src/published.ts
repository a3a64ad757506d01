// The published MoE capacity benchmark (docs/algorithm.md#the-published-benchmark): its four experiments
// and the survival figures the reference reported, one seed each. This is the
// only copy of those figures in the code; the moe command, its plots and the
// reproduction test all read them from here.

import { capacityProfile, makeHardCaps, type ProfileName } from 'phase-router'
import type { Setup } from './survival'

export type ExperimentName = 'headroom' | 'k' | 'n' | 'profile'

/** One point of an experiment: the protocol's settings. */
export interface Config {
  n: number
  k: number
  headroom: number
  profile: ProfileName
}

/** A published point: the swept value and survival in percent. */
export interface PublishedPoint {
  param: number | string
  phase: number
  hash: number
}

export interface Experiment {
  name: ExperimentName
  /** What the swept parameter is, for tables and axis titles. */
  label: string
  /** Builds the configuration for one value of the swept parameter. */
  config: (param: number | string) => Config
  published: PublishedPoint[]
}

const base: Config = { n: 1024, k: 2, headroom: 1.2, profile: 'strong' }

const points = (params: (number | string)[], figures: [number, number][]): PublishedPoint[] =>
  params.map((param, i) => ({ param, phase: figures[i][0], hash: figures[i][1] }))

export const EXPERIMENTS: Experiment[] = [
  {
    name: 'headroom',
    label: 'headroom (per-expert ceil)',
    config: (headroom) => ({ ...base, headroom: Number(headroom) }),
    published: points(
      [1.0, 1.1, 1.2, 1.5, 2.0],
      [
        [87.9, 79.2],
        [89.1, 79.2],
        [89.8, 79.2],
        [92.4, 80.9],
        [97.8, 92.5],
      ],
    ),
  },
  {
    name: 'k',
    label: 'k (targets per token)',
    config: (k) => ({ ...base, k: Number(k) }),
    published: points(
      [1, 2, 4, 8, 16],
      [
        [85.4, 70.6],
        [89.8, 79.2],
        [91.4, 74.6],
        [95.9, 78.9],
        [96.6, 77.6],
      ],
    ),
  },
  {
    name: 'n',
    label: 'N (tokens = experts)',
    config: (n) => ({ ...base, n: Number(n) }),
    published: points(
      [256, 512, 1024, 2048, 4096],
      [
        [91.6, 77.7],
        [92.1, 80.6],
        [89.8, 79.2],
        [90.1, 78.7],
        [91.1, 79.0],
      ],
    ),
  },
  {
    name: 'profile',
    label: 'capacity profile',
    config: (profile) => ({ ...base, profile: profile as ProfileName }),
    published: points(
      ['uniform', 'mild', 'strong', 'extreme'],
      [
        [89.4, 89.2],
        [87.5, 78.8],
        [89.8, 79.2],
        [83.0, 74.8],
      ],
    ),
  },
]

/** One seed's run of a configuration: that seed's profile and the protocol's per-expert `ceil`'d caps. */
export function publishedSetup(config: Config, seed: number): Setup {
  const { n, k, headroom, profile } = config
  const capacities = capacityProfile(profile, n, seed)
  return { sources: n, k, capacities, hardCaps: makeHardCaps(capacities, n, k, headroom) }
}

/** The first seed of a multi-seed run; seed i is FIRST_SEED + i, as in the published single-seed run. */
export const FIRST_SEED = 42

/** How far (percentage points) a multi-seed mean may sit from a published figure and still count as reproduced. */
export const TOLERANCE_PP = 2.5
