//! The table a keyed router looks keys up in, built from the set of targets.

use super::hash_str;
use crate::InputError;

/// Most targets one router holds (indices must fit in an `Int32Array`).
pub const MAX_TARGETS: usize = 1 << 30;

/// Largest table size.
pub const MAX_SLOTS: u64 = 1 << 31;

/// One target as given: its id, capacity and id hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The id as given.
    pub id: String,
    /// Its capacity, finite and positive.
    pub capacity: f64,
    /// `xxh3_64_with_seed(utf8(id), seed)`.
    pub hash: u64,
}

/// One target's interval of the mark range of its cell.
#[derive(Debug, Clone, Copy)]
struct Entry {
    lo: f64,
    hi: f64,
    target: u32,
}

/// A keyed router's lookup table. Depends only on the seed, the set of
/// `(id, capacity)` pairs and the pinned `slots` / `bound`, never on the order
/// the targets were given in (which only numbers the results).
#[derive(Debug, Clone)]
pub struct Layout {
    targets: Vec<Target>,
    seed: u64,
    bits: u32,
    bound: f64,
    total: f64,
    pinned_slots: bool,
    pinned_bound: bool,
    /// `starts[c]..starts[c + 1]` are cell `c`'s entries.
    starts: Vec<u32>,
    entries: Vec<Entry>,
}

impl Layout {
    /// A router with the default table size and bound.
    pub fn new(ids: Vec<String>, capacities: &[f64], seed: u64) -> Result<Self, InputError> {
        Self::with(ids, capacities, seed, None, None)
    }

    /// A router with `slots` (a power of two in `[2, 2^31]`) and `bound` (at
    /// least the largest capacity sum of one cell) pinned when given.
    pub fn with(
        ids: Vec<String>,
        capacities: &[f64],
        seed: u64,
        slots: Option<u64>,
        bound: Option<f64>,
    ) -> Result<Self, InputError> {
        let n = ids.len();
        if n == 0 {
            return Err(InputError::new("targets", "must hold at least one target"));
        }
        if n > MAX_TARGETS {
            return Err(InputError::new("targets", format!("{n} targets exceed the most of {MAX_TARGETS}")));
        }
        if capacities.len() != n {
            return Err(InputError::new(
                "capacities",
                format!("length {} does not match {n} targets", capacities.len()),
            ));
        }
        if let Some(bad) = capacities.iter().position(|c| !(c.is_finite() && *c > 0.0)) {
            return Err(InputError::at(
                "capacities",
                bad,
                format!("{} is not a finite positive number", capacities[bad]),
            ));
        }
        let pinned_slots = slots.is_some();
        let slots = match slots {
            Some(s) if !(2..=MAX_SLOTS).contains(&s) || !s.is_power_of_two() => {
                return Err(InputError::new("options.slots", format!("{s} is not a power of two in [2, 2^31]")));
            }
            Some(s) => s,
            None => ((2 * n) as u64).next_power_of_two().max(2),
        };
        let bits = slots.trailing_zeros();
        let targets: Vec<Target> = ids
            .into_iter()
            .zip(capacities)
            .map(|(id, &capacity)| Target { hash: hash_str(id.as_bytes(), seed), id, capacity })
            .collect();
        // Canonical order: by cell, then hash, then id (equal ids are refused).
        let cell = |h: u64| (h >> (64 - bits)) as usize;
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (ta, tb) = (&targets[a as usize], &targets[b as usize]);
            ta.hash.cmp(&tb.hash).then_with(|| ta.id.cmp(&tb.id))
        });
        if let Some(w) = order.windows(2).find(|w| targets[w[0] as usize].id == targets[w[1] as usize].id) {
            let later = w[0].max(w[1]) as usize;
            return Err(InputError::at("targets", later, format!("'{}' appears more than once", targets[later].id)));
        }
        let mut starts = vec![0u32; slots as usize + 1];
        for t in &targets {
            starts[cell(t.hash) + 1] += 1;
        }
        for c in 0..slots as usize {
            starts[c + 1] += starts[c];
        }
        // Cell sums, summed in canonical order so that they do not depend on the input order.
        let mut max_sum = 0.0f64;
        let mut total = 0.0f64;
        let mut at = 0;
        while at < n {
            let c = cell(targets[order[at] as usize].hash);
            let mut sum = 0.0;
            while at < n && cell(targets[order[at] as usize].hash) == c {
                sum += targets[order[at] as usize].capacity;
                at += 1;
            }
            max_sum = max_sum.max(sum);
            total += sum;
        }
        let pinned_bound = bound.is_some();
        let bound = match bound {
            Some(b) if !(b.is_finite() && b >= max_sum) => {
                return Err(InputError::new(
                    "options.bound",
                    format!("{b} is below the largest capacity sum of one cell, {max_sum}"),
                ));
            }
            Some(b) => b,
            None => next_power_of_two(max_sum),
        };
        // Pack each cell: targets with an even hash up from 0, odd ones down from the bound, in canonical order.
        let mut entries = vec![Entry { lo: 0.0, hi: 0.0, target: 0 }; n];
        let mut at = 0;
        while at < n {
            let c = cell(targets[order[at] as usize].hash);
            let (mut up, mut down, mut rank) = (0.0f64, bound, 0usize);
            let first = starts[c] as usize;
            while at < n && cell(targets[order[at] as usize].hash) == c {
                let j = order[at];
                let cap = targets[j as usize].capacity;
                // The side comes from the target's own hash, so that a new
                // cell-mate shifts only those after it on its side.
                let (lo, hi) = if targets[j as usize].hash & 1 == 0 {
                    up += cap;
                    (up - cap, up)
                } else {
                    down -= cap;
                    (down, down + cap)
                };
                entries[first + rank] = Entry { lo, hi, target: j };
                rank += 1;
                at += 1;
            }
        }
        Ok(Layout { targets, seed, bits, bound, total, pinned_slots, pinned_bound, starts, entries })
    }

    /// The target a trial word `z` lands on, if any.
    #[inline]
    pub fn accept(&self, z: u64) -> Option<u32> {
        let c = (z >> (64 - self.bits)) as usize;
        let (a, b) = (self.starts[c] as usize, self.starts[c + 1] as usize);
        if a == b {
            return None;
        }
        let mark = ((z << self.bits) >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * self.bound;
        self.entries[a..b].iter().find(|e| e.lo <= mark && mark < e.hi).map(|e| e.target)
    }

    /// The targets in the order given.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Always false: a layout holds at least one target.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Cells of the table.
    pub fn slots(&self) -> u64 {
        1u64 << self.bits
    }

    /// Upper end of each cell's mark range.
    pub fn bound(&self) -> f64 {
        self.bound
    }

    /// Sum of all capacities.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Whether `slots` / `bound` were pinned by the caller (kept by derived routers).
    pub fn pinned(&self) -> (Option<u64>, Option<f64>) {
        (self.pinned_slots.then(|| self.slots()), self.pinned_bound.then_some(self.bound))
    }

    /// Mean trials per first choice: `slots * bound / total`.
    pub fn mean_trials(&self) -> f64 {
        self.slots() as f64 * self.bound / self.total
    }
}

/// The smallest power of two at or above a positive finite `x`.
pub fn next_power_of_two(x: f64) -> f64 {
    let mut p = 2f64.powi(x.log2().floor() as i32);
    while p < x {
        p *= 2.0;
    }
    while p / 2.0 >= x {
        p /= 2.0;
    }
    p
}
