//! Reservoir sampling (Algorithm R) of at most `k` candidates, exactly as the reference draws.

use crate::arch::{self, Cpu};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Keeps a uniform sample of at most `slots.len()` of the candidates offered to it.
///
/// The first `k` candidates fill the slots in order. Candidate number `i >= k`
/// (counting from 0) draws `r` uniform in `0..=i` and replaces slot `r` if `r < k`.
/// The generator is ChaCha8 seeded from one `u64` and is created only when the
/// first draw is needed, since most short rows never draw.
pub(crate) struct Reservoir<'a> {
    slots: &'a mut [i32],
    seen: u64,
    seed: u64,
    rng: Option<ChaCha8Rng>,
}

impl<'a> Reservoir<'a> {
    /// A reservoir that writes into `slots`, which the caller has filled with -1.
    pub fn new(slots: &'a mut [i32], seed: u64) -> Self {
        Reservoir { slots, seen: 0, seed, rng: None }
    }

    /// Offers the next candidate in visit order.
    #[inline]
    pub fn offer(&mut self, candidate: u32) {
        let k = self.slots.len() as u64;
        if self.seen < k {
            self.slots[self.seen as usize] = candidate as i32;
        } else {
            let seed = self.seed;
            let rng = self.rng.get_or_insert_with(|| ChaCha8Rng::seed_from_u64(seed));
            let r = draw(rng, self.seen);
            if r < k {
                self.slots[r as usize] = candidate as i32;
            }
        }
        self.seen += 1;
    }
}

/// Where the slots of a reservoir end up after `count` offers, without the candidates.
///
/// A kernel that knows only how many candidates a row has can still
/// reproduce the reference bit for bit: [`Holdings::one`] makes exactly the
/// draws of [`Reservoir::offer`] and says, for every slot, the index (in
/// visit order) of the candidate it keeps; the kernel then looks up just
/// those `k` candidates.
///
/// These draws are most of the reference kernel's work. Each word of the
/// ChaCha8 stream is accepted or rejected by rand 0.8's sampling step, and
/// its outcome decides which candidate the next word draws for: one serial
/// chain per row, a multiply, a leading-zero count, a shift and a compare
/// per word. Three things keep that chain short (the loop is in
/// `arch/portable/reservoir.rs`):
/// - the generator's blocks are read directly;
/// - the chain only records each word's draw; which slot it replaces, if any,
///   is applied after the block, off the chain (a draw replaces a slot rarely
///   and at random, so a branch on it would mispredict, and a store whose
///   address waits on the chain stalls it);
/// - [`Holdings::two`] runs the chains of two rows side by side, so the CPU
///   overlaps their latencies.
///
/// Where the CPU has LZCNT and BMI2 ([`arch::cpu`]) the loop is
/// compiled with them, which shortens the chain further. The draws are the same.
pub(crate) struct Holdings {
    k: usize,
    /// `k + 1` entries per row: the slots, then one that absorbs the draws that replace none.
    held: Vec<u32>,
    /// Which build of the draws this CPU runs, found once per chooser.
    cpu: Cpu,
}

impl Holdings {
    /// Room for the draws of two rows with `k` slots each.
    pub fn new(k: usize) -> Self {
        Holdings { k, held: vec![0; 2 * (k + 1)], cpu: arch::cpu() }
    }

    /// The candidate index kept by each slot of a row of `count > k`
    /// candidates whose generator is seeded with `seed`.
    pub fn one(&mut self, count: u64, seed: u64) -> &[u32] {
        self.draw([count], [seed]);
        &self.held[..self.k]
    }

    /// [`one`](Self::one) for two rows at once, drawn side by side.
    pub fn two(&mut self, counts: [u64; 2], seeds: [u64; 2]) -> (&[u32], &[u32]) {
        self.draw(counts, seeds);
        let (first, second) = self.held.split_at(self.k + 1);
        (&first[..self.k], &second[..self.k])
    }

    fn draw<const ROWS: usize>(&mut self, counts: [u64; ROWS], seeds: [u64; ROWS]) {
        debug_assert!(counts.iter().all(|&count| count > self.k as u64));
        self.cpu.draw_held(self.k, &mut self.held, counts, seeds)
    }
}

/// The draw for the candidate with index `seen`: uniform in `0..=seen`.
///
/// Drawn as `u64` (rand 0.8's single-sample widening multiply) so that every
/// platform, 32-bit and wasm included, draws the same numbers as the reference.
#[inline]
fn draw(rng: &mut ChaCha8Rng, seen: u64) -> u64 {
    rng.gen_range(0..=seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_rows_keep_every_candidate_in_order() {
        let mut slots = [-1; 4];
        let mut r = Reservoir::new(&mut slots, 1);
        r.offer(9);
        r.offer(3);
        assert_eq!(slots, [9, 3, -1, -1]);
    }

    #[test]
    fn long_rows_keep_distinct_offered_candidates() {
        let mut slots = [-1; 3];
        let mut r = Reservoir::new(&mut slots, 5);
        (10..50).for_each(|c| r.offer(c));
        let mut sorted = slots.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 3);
        assert!(slots.iter().all(|&c| (10..50).contains(&c)));
    }

    #[test]
    fn holdings_match_the_offered_reservoir() {
        let cases = [(5, 4, 0), (40, 3, 7), (1000, 16, u64::MAX), (65, 1, 3), (2, 1, 9), (33, 1, 4), (5000, 40, 1)];
        let many = (0..200).map(|seed| (18 + seed as u32 * 13 % 400, 1 + seed as usize % 17, seed));
        for (count, k, seed) in cases.into_iter().chain(many) {
            let mut slots = vec![-1; k];
            let mut r = Reservoir::new(&mut slots, seed);
            (0..count).for_each(|i| r.offer(i));
            let mut holdings = Holdings::new(k);
            let held = holdings.one(count as u64, seed);
            assert_eq!(held.iter().map(|&i| i as i32).collect::<Vec<_>>(), slots, "{count} {k} {seed}");
        }
    }

    #[test]
    fn two_rows_side_by_side_draw_as_each_alone() {
        for (counts, k, seeds) in
            [([17, 900], 16, [3, 4]), ([500, 41], 40, [u64::MAX, 0]), ([2, 2], 1, [8, 9]), ([64, 65], 3, [1, 1])]
        {
            let mut alone = Holdings::new(k);
            let first = alone.one(counts[0], seeds[0]).to_vec();
            let second = alone.one(counts[1], seeds[1]).to_vec();
            let mut both = Holdings::new(k);
            let (a, b) = both.two(counts, seeds);
            assert_eq!((a, b), (&first[..], &second[..]), "{counts:?} {k}");
        }
    }
}
