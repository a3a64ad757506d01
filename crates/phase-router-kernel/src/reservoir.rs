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

/// Where the slots of a reservoir end up after `count` offers, without the candidates.
///
/// A kernel that knows only how many candidates a row has can still
/// reproduce the reference bit for bit: [`Holdings::one`] makes exactly the
/// draws of [`Reservoir::offer`] and says, for every slot, the index (in
/// visit order) of the candidate it keeps; the kernel then looks up just
/// those `k` candidates.
///
/// These draws are most of the reference kernel's work. Each word of the
/// ChaCha8 stream is accepted or rejected by rand 0.8's sampling step (see
/// `accepts`), and its outcome decides which candidate the next word draws
/// for: one serial chain per row, a multiply, a leading-zero count, a shift
/// and a compare per word. Three things keep that chain short:
/// - the generator's blocks are read directly (see `block_word`);
/// - the chain only records each word's draw; which slot it replaces, if any,
///   is applied after the block, off the chain (a draw replaces a slot rarely
///   and at random, so a branch on it would mispredict, and a store whose
///   address waits on the chain stalls it);
/// - [`Holdings::two`] runs the chains of two rows side by side, so the CPU
///   overlaps their latencies.
///
/// Where the CPU has LZCNT and BMI2 (detected at run time) the loop is
/// compiled with them, which shortens the chain further. The draws are the same.
pub struct Holdings {
    k: usize,
    /// `k + 1` entries per row: the slots, then one that absorbs the draws that replace none.
    held: Vec<u32>,
}

impl Holdings {
    /// Room for the draws of two rows with `k` slots each.
    pub fn new(k: usize) -> Self {
        Holdings { k, held: vec![0; 2 * (k + 1)] }
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
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("lzcnt") && std::arch::is_x86_feature_detected!("bmi2") {
            // SAFETY: the CPU was just found to support both.
            return unsafe { draw_lzcnt_bmi2(self.k, &mut self.held, counts, seeds) };
        }
        draw_portable(self.k, &mut self.held, counts, seeds)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "lzcnt,bmi2")]
unsafe fn draw_lzcnt_bmi2<const ROWS: usize>(k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
    draw_portable(k, held, counts, seeds)
}

/// `u64` words in one generated ChaCha8 block.
const BLOCK_WORDS: usize = 32;

/// Draws for `ROWS` rows side by side: row `r` keeps its slots in `held[r * (k + 1)..]`.
#[inline(always)]
fn draw_portable<const ROWS: usize>(k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
    for row in held.chunks_exact_mut(k + 1).take(ROWS) {
        row.iter_mut().zip(0..).for_each(|(slot, i)| *slot = i);
    }
    // `ChaCha8Rng::seed_from_u64` builds exactly these cores: the same streams.
    let mut chacha = seeds.map(ChaCha8Core::seed_from_u64);
    let mut blocks: [<ChaCha8Core as BlockRngCore>::Results; ROWS] = std::array::from_fn(|_| Default::default());
    let mut seen = [k as u64; ROWS]; // index of the candidate each row is drawing for
    // Per row and word of the current block: the draw (u64::MAX when the
    // word is rejected) and the candidate it was drawn for.
    let mut draws = [[0u64; BLOCK_WORDS]; ROWS];
    let mut drawn_for = [[0u32; BLOCK_WORDS]; ROWS];
    while (0..ROWS).any(|r| seen[r] < counts[r]) {
        for (core, block) in chacha.iter_mut().zip(&mut blocks) {
            core.generate(block);
        }
        // The chains. A row that has reached its count runs on to the end of
        // the block with the other; those words are ignored below.
        for i in 0..BLOCK_WORDS {
            for r in 0..ROWS {
                let (accepted, draw) = accepts(block_word(&blocks[r], i), seen[r]);
                // A rejected word's draw becomes u64::MAX (all bits set by the mask), which no slot takes.
                draws[r][i] = draw | (accepted as u64).wrapping_sub(1);
                drawn_for[r][i] = seen[r] as u32;
                seen[r] += accepted as u64; // a rejected word is followed by another try for the same candidate
            }
        }
        // The replacements, in order: candidate `drawn_for` takes slot `draw` when that is a slot.
        for r in 0..ROWS {
            let row = &mut held[r * (k + 1)..][..k + 1];
            for (&draw, &candidate) in draws[r].iter().zip(&drawn_for[r]) {
                let slot = if u64::from(candidate) < counts[r] { draw.min(k as u64) } else { k as u64 };
                row[slot as usize] = candidate;
            }
        }
    }
}

/// Word `i` of the `u64`s that `ChaCha8Rng::next_u64` reads from one generated block.
///
/// The generator hands out 32-bit words; `next_u64` joins two consecutive
/// ones, low word first. Starting from a fresh block and taking two words
/// each time, it never has a pair split across two blocks (a block holds 64
/// words), so the stream of `next_u64` is exactly the blocks' word pairs:
/// reading them here skips the generator's per-call bookkeeping.
#[inline(always)]
fn block_word(block: &<ChaCha8Core as BlockRngCore>::Results, i: usize) -> u64 {
    let words = block.as_ref();
    u64::from(words[2 * i + 1]) << 32 | u64::from(words[2 * i])
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
/// word's outcome to the next, which bounds [`Holdings`]' speed.
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
            let mut holdings = Holdings::new(k);
            let held = holdings.one(count as u64, seed);
            assert_eq!(held.iter().map(|&i| i as i32).collect::<Vec<_>>(), slots, "{count} {k} {seed}");
        }
    }

    #[test]
    fn two_rows_side_by_side_draw_as_each_alone() {
        for (counts, k, seeds) in [([17, 900], 16, [3, 4]), ([500, 41], 40, [u64::MAX, 0]), ([2, 2], 1, [8, 9]), ([64, 65], 3, [1, 1])] {
            let mut alone = Holdings::new(k);
            let first = alone.one(counts[0], seeds[0]).to_vec();
            let second = alone.one(counts[1], seeds[1]).to_vec();
            let mut both = Holdings::new(k);
            let (a, b) = both.two(counts, seeds);
            assert_eq!((a, b), (&first[..], &second[..]), "{counts:?} {k}");
        }
    }
}
