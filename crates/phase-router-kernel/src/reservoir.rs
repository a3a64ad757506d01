//! Reservoir sampling (Algorithm R) of at most `k` candidates, exactly as the reference draws.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Keeps a uniform sample of at most `slots.len()` of the candidates offered to it.
///
/// The first `k` candidates fill the slots in order. Candidate number `i >= k`
/// (counting from 0) draws `r` uniform in `0..=i` and replaces slot `r` if `r < k`.
/// The generator is ChaCha8 seeded from one `u64` and is created only when the
/// first draw is needed, since most short rows never draw.
pub struct Reservoir<'a> {
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
            // Drawn as u64 so that every platform draws the same numbers.
            let r = rng.gen_range(0..=self.seen);
            if r < k {
                self.slots[r as usize] = candidate as i32;
            }
        }
        self.seen += 1;
    }
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
}
