//! `stride`: systematic sampling over the cumulative capacity line.
//!
//! Target `c` gets a share `p[c]` of each source's `k` slots, proportional to
//! its capacity, except that no share may exceed one slot per source: shares
//! that would are capped at 1 and the others scaled up to keep the total at
//! `k` (water-filling). The shares, scaled by the number of sources `m`, are
//! rounded to whole units (largest remainder, so they still add up to `k m`)
//! and laid end to end on a line of `k m` units.
//!
//! Source `j` takes the `k` points `phase(j) + i m` (`i < k`): one per lap of
//! `m` units. Its phase is `(a j + offset) mod m` with `a` coprime to `m`
//! near `m / golden ratio`, so consecutive sources spread evenly, and the
//! phases of all sources are exactly `0..m`: together the sources hit every
//! unit of the line once. Target `c` therefore receives exactly its number
//! of units, and since that is at most `m`, never two points of one source.
//! Given integer hard caps whose total is at least `k m`, every target gets
//! at most its cap.

use crate::choose::stream::{key, RowStream};
use crate::parallel;

/// Fills each of the `m` rows of `out` (`k` slots, all -1) with
/// `min(k, targets of positive capacity)` distinct targets.
pub fn route(capacities: &[f64], k: usize, seed: u64, out: &mut [i32]) {
    let m = out.len() / k;
    let positive = capacities.iter().filter(|&&c| c > 0.0).count();
    let picks = k.min(positive);
    if picks == 0 {
        return;
    }
    let line = LineIndex::new(interval_ends(&capacity_shares(capacities, picks), m));
    let m = m as u64;
    let step = coprime_step(m);
    let offset = RowStream::new(key(seed), 0).below(m);
    // Each slot is a table lookup and a short scan: count it as a few steps.
    let work = out.len().saturating_mul(4);
    parallel::for_each_chunk(
        out,
        k,
        work,
        || (),
        |_, j, slots| {
            // m <= 2^31 (the output cap), so step * j fits in 64 bits.
            let phase = (step * j as u64 + offset) % m;
            for (i, slot) in slots[..picks].iter_mut().enumerate() {
                *slot = line.target_at(phase + i as u64 * m) as i32;
            }
        },
    );
}

/// The targets' intervals on the capacity line, indexed for constant-time lookup.
///
/// A binary search per slot costs a dozen unpredictable branches. Instead the
/// line is cut into buckets of `2^shift` units, about two per target, and each
/// bucket remembers the first target whose interval ends past the bucket's
/// start; from there a lookup scans forward past at most a few targets.
struct LineIndex {
    /// Where each target's interval ends (exclusive), non-decreasing.
    ends: Vec<u64>,
    /// First target whose interval ends past the start of each bucket.
    first: Vec<u32>,
    shift: u32,
}

impl LineIndex {
    fn new(ends: Vec<u64>) -> Self {
        let total = ends.last().copied().unwrap_or(0);
        let buckets_wanted = 2 * ends.len().max(1) as u64;
        let shift = (total / buckets_wanted).max(1).ilog2();
        let mut first = Vec::with_capacity((total >> shift) as usize + 1);
        let mut target = 0;
        for bucket in 0..=(total >> shift) {
            while target < ends.len() && ends[target] <= bucket << shift {
                target += 1;
            }
            first.push(target as u32);
        }
        LineIndex { ends, first, shift }
    }

    /// The target whose interval holds `point`, which must lie before the line's end.
    #[inline]
    fn target_at(&self, point: u64) -> usize {
        let mut target = self.first[(point >> self.shift) as usize] as usize;
        while self.ends[target] <= point {
            target += 1;
        }
        target
    }
}

/// Each target's expected slots per source: proportional to capacity, at
/// most 1, adding up to `picks` (at most the number of positive capacities).
pub fn capacity_shares(capacities: &[f64], picks: usize) -> Vec<f64> {
    let mut full = vec![false; capacities.len()];
    let mut scale;
    loop {
        let full_count = full.iter().filter(|&&f| f).count();
        let free: f64 = capacities.iter().zip(&full).filter(|(_, &f)| !f).map(|(c, _)| c).sum();
        scale = if free > 0.0 { (picks - full_count) as f64 / free } else { 0.0 };
        let mut changed = false;
        for (c, f) in capacities.iter().zip(full.iter_mut()) {
            if !*f && *c > 0.0 && c * scale >= 1.0 {
                *f = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    capacities.iter().zip(&full).map(|(&c, &f)| if f { 1.0 } else { c * scale }).collect()
}

/// Where each target's interval ends on the line of `picks * m` units: shares
/// times `m`, rounded by largest remainder so the total is exact.
fn interval_ends(shares: &[f64], m: usize) -> Vec<u64> {
    let total = (shares.iter().sum::<f64>().round() as u64) * m as u64;
    let exact: Vec<f64> = shares.iter().map(|s| s * m as f64).collect();
    let mut units: Vec<u64> = exact.iter().map(|e| (e.floor() as u64).min(m as u64)).collect();
    let short = total.saturating_sub(units.iter().sum());
    let mut by_remainder: Vec<usize> = (0..shares.len()).filter(|&c| units[c] < m as u64 && shares[c] > 0.0).collect();
    let short = (short as usize).min(by_remainder.len());
    if short > 0 {
        // Largest remainder first, ties to the lower index: a total order, so
        // the `short` targets it puts in front do not depend on the algorithm.
        let remainder = |c: usize| exact[c] - exact[c].floor();
        by_remainder.select_nth_unstable_by(short - 1, |&a, &b| remainder(b).total_cmp(&remainder(a)).then(a.cmp(&b)));
    }
    for &c in &by_remainder[..short] {
        units[c] += 1;
    }
    units
        .iter()
        .scan(0u64, |end, &u| {
            *end += u;
            Some(*end)
        })
        .collect()
}

/// A step coprime to `m` near `m / golden ratio`, so that `j -> step j mod m`
/// is a permutation that spreads consecutive sources far apart.
fn coprime_step(m: u64) -> u64 {
    let gcd = |mut a: u64, mut b: u64| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let mut step = ((m as f64) * 0.618_033_988_749_894_9).round() as u64;
    while gcd(step, m) != 1 {
        step += 1;
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_cap_at_one_and_keep_their_total() {
        let shares = capacity_shares(&[10.0, 1.0, 1.0, 0.0, 2.0], 2);
        assert_eq!(shares[0], 1.0);
        assert_eq!(shares[3], 0.0);
        assert!((shares.iter().sum::<f64>() - 2.0).abs() < 1e-12);
        assert!((shares[4] - 2.0 * shares[1]).abs() < 1e-12);
    }

    #[test]
    fn integer_caps_are_met_exactly() {
        // Six sources, k = 2: caps adding up to 12 slots are hit exactly.
        let caps = [5.0, 3.0, 3.0, 1.0];
        let mut out = vec![-1; 6 * 2];
        route(&caps, 2, 9, &mut out);
        let mut loads = [0; 4];
        out.iter().for_each(|&t| loads[t as usize] += 1);
        assert_eq!(loads, [5, 3, 3, 1]);
        assert!(out.chunks(2).all(|row| row[0] != row[1]));
    }

    #[test]
    fn line_index_finds_the_interval_of_every_point() {
        // Zero-length intervals (targets 0, 3 and 5) must never be returned.
        let ends = vec![0, 3, 4, 4, 10, 10, 16];
        let line = LineIndex::new(ends.clone());
        for point in 0..16 {
            assert_eq!(line.target_at(point), ends.partition_point(|&end| end <= point), "point {point}");
        }
    }

    #[test]
    fn step_is_coprime() {
        for m in 1..200u64 {
            let step = coprime_step(m);
            let mut seen = vec![false; m as usize];
            (0..m).for_each(|j| seen[((step * j) % m) as usize] = true);
            assert!(seen.iter().all(|&s| s), "m = {m}");
        }
    }
}
