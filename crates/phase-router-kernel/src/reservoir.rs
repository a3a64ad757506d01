//! Reservoir sampling (Algorithm R) of at most `k` candidates, exactly as the reference draws.

use rand::{Rng, SeedableRng};
use rand_chacha::rand_core::block::BlockRngCore;
use rand_chacha::{ChaCha8Core, ChaCha8Rng};

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
            let r = draw(rng, self.seen);
            if r < k {
                self.slots[r as usize] = candidate as i32;
            }
        }
        self.seen += 1;
    }
}

/// Where a reservoir of `held.len()` slots ends up after `count` offers, without the candidates.
///
/// On return `held[slot]` is the index, in visit order, of the candidate that
/// slot keeps. Needs `count > held.len()` (a shorter row keeps every
/// candidate in order and never draws). Makes exactly the draws of
/// [`Reservoir::offer`], so a kernel that knows only how many candidates a
/// row has can still reproduce the reference bit for bit, then look up just
/// the `k` candidates it keeps.
///
/// These draws are most of the reference kernel's work, so rand 0.8's
/// sampling is written out (see `accepts` below) to take its rejection step
/// without a branch: a draw is rejected about a quarter of the time, far too
/// often to predict. The generator's blocks are read directly (see
/// `block_words`), and where the CPU has LZCNT and BMI2 (detected at run
/// time) the loop is compiled with them: each word's outcome decides which
/// candidate the next word draws for, so the loop runs at the latency of
/// that chain, which those instructions shorten. The draws are the same.
pub fn holdings(count: u64, seed: u64, held: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("lzcnt") && std::arch::is_x86_feature_detected!("bmi2") {
        // SAFETY: the CPU was just found to support both.
        return unsafe { holdings_lzcnt_bmi2(count, seed, held) };
    }
    holdings_portable(count, seed, held)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "lzcnt,bmi2")]
unsafe fn holdings_lzcnt_bmi2(count: u64, seed: u64, held: &mut [u32]) {
    holdings_portable(count, seed, held)
}

#[inline(always)]
fn holdings_portable(count: u64, seed: u64, held: &mut [u32]) {
    let k = held.len() as u64;
    debug_assert!(count > k);
    held.iter_mut().zip(0..).for_each(|(slot, i)| *slot = i);
    // `ChaCha8Rng::seed_from_u64` builds exactly this core: the same stream.
    let mut chacha = ChaCha8Core::seed_from_u64(seed);
    let mut block = <ChaCha8Core as BlockRngCore>::Results::default();
    let mut seen = k; // index of the candidate now drawing
    while seen < count {
        chacha.generate(&mut block);
        for word in block_words(&block) {
            if seen == count {
                break;
            }
            let (accepted, r) = accepts(word, seen);
            // A rejected word's draw becomes u64::MAX (all bits set by the mask),
            // which no slot takes: the only branch left is the rarely taken
            // `r < k`, instead of a coin flip on `accepted`.
            let r = r | (accepted as u64).wrapping_sub(1);
            if r < k {
                held[r as usize] = seen as u32;
            }
            seen += accepted as u64; // a rejected word is followed by another try for the same candidate
        }
    }
}

/// The `u64`s that `ChaCha8Rng::next_u64` reads from one generated block, in order.
///
/// The generator hands out 32-bit words; `next_u64` joins two consecutive
/// ones, low word first. Starting from a fresh block and taking two words
/// each time, it never has a pair split across two blocks (a block holds 64
/// words), so the stream of `next_u64` is exactly the blocks' word pairs:
/// reading them here skips the generator's per-call bookkeeping.
fn block_words(block: &<ChaCha8Core as BlockRngCore>::Results) -> impl Iterator<Item = u64> + '_ {
    block.as_ref().chunks_exact(2).map(|pair| u64::from(pair[1]) << 32 | u64::from(pair[0]))
}

/// The draw for the candidate with index `seen`: uniform in `0..=seen`.
///
/// Drawn as `u64` (rand 0.8's single-sample widening multiply) so that every
/// platform, 32-bit and wasm included, draws the same numbers as the reference.
#[inline]
fn draw(rng: &mut ChaCha8Rng, seen: u64) -> u64 {
    rng.gen_range(0..=seen)
}

/// One step of [`draw`] on one generator word: whether rand 0.8 accepts `word`,
/// and the draw it then returns.
///
/// rand's `sample_single_inclusive` takes `range = seen + 1`, multiplies the
/// word by it into 128 bits, and accepts when the low half is at most
/// `zone = (range << range.leading_zeros()) - 1`; the high half is the draw.
/// Otherwise it tries the next word.
///
/// `range << range.leading_zeros()` has its top bit set, so "at most that
/// minus 1" is "below it": one instruction less on the chain from one
/// word's outcome to the next, which bounds [`holdings`]' speed.
#[inline]
fn accepts(word: u64, seen: u64) -> (bool, u64) {
    let range = seen + 1;
    let product = word as u128 * range as u128;
    ((product as u64) < range << range.leading_zeros(), (product >> 64) as u64)
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
            let mut held = vec![0; k];
            holdings(count as u64, seed, &mut held);
            assert_eq!(held.iter().map(|&i| i as i32).collect::<Vec<_>>(), slots, "{count} {k} {seed}");
        }
    }
}
