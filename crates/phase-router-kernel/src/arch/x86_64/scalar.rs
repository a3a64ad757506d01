//! Portable loops compiled a second time with a scalar extension that
//! generic x86-64 lacks: POPCNT counts a word in one instruction instead of
//! about ten, LZCNT and BMI2 shorten the chain of the reservoir's draws.
//! Each method runs exactly its portable twin's code.

use super::detect::{LzcntBmi2Token, PopcntToken};
use crate::arch::portable;
use crate::sweep::WordSpan;

impl PopcntToken {
    /// [`portable::count_rows`] with POPCNT.
    #[inline]
    pub fn count_rows(self, bits: &[u64], words: usize, degrees: &mut [u32]) {
        // SAFETY: the token proves that the CPU has POPCNT.
        unsafe { count_rows(bits, words, degrees) }
    }

    /// [`portable::places_then_clear`] with POPCNT.
    #[inline]
    pub fn places_then_clear(self, words: &mut [u64], before: &mut Vec<u32>, positions: &[u32], places: &mut [u32]) {
        // SAFETY: the token proves that the CPU has POPCNT.
        unsafe { places_then_clear(words, before, positions, places) }
    }

    /// [`portable::copy_arc`] with POPCNT.
    #[inline]
    pub fn copy_arc(self, ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
        // SAFETY: the token proves that the CPU has POPCNT.
        unsafe { copy_arc(ring, tail, head, words, before) }
    }
}

impl LzcntBmi2Token {
    /// [`portable::draw_held`] with LZCNT and BMI2.
    #[inline]
    pub fn draw_held<const ROWS: usize>(self, k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
        // SAFETY: the token proves that the CPU has LZCNT and BMI2.
        unsafe { draw_held(k, held, counts, seeds) }
    }
}

#[target_feature(enable = "popcnt")]
fn count_rows(bits: &[u64], words: usize, degrees: &mut [u32]) {
    portable::count_rows(bits, words, degrees)
}

#[target_feature(enable = "popcnt")]
fn places_then_clear(words: &mut [u64], before: &mut Vec<u32>, positions: &[u32], places: &mut [u32]) {
    portable::places_then_clear(words, before, positions, places)
}

#[target_feature(enable = "popcnt")]
fn copy_arc(ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
    portable::copy_arc(ring, tail, head, words, before)
}

#[target_feature(enable = "lzcnt,bmi2")]
fn draw_held<const ROWS: usize>(k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
    portable::draw_held(k, held, counts, seeds)
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use crate::arch::portable;
    use crate::sweep::WordSpan;

    #[test]
    fn popcnt_twins_count_as_the_portable_loops() {
        let Some(popcnt) = Tokens::get().popcnt else {
            return eprintln!("this CPU lacks POPCNT: its twins are not used here");
        };
        let bits: Vec<u64> = (0..300u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (i % 64)).collect();
        let (mut with, mut without) = (vec![0; 100], vec![0; 100]);
        popcnt.count_rows(&bits, 3, &mut with);
        portable::count_rows(&bits, 3, &mut without);
        assert_eq!(with, without);

        let (tail, head) = (WordSpan::new(1000, 19200), WordSpan::new(0, 130));
        let (mut with, mut without) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
        popcnt.copy_arc(&bits, &tail, &head, &mut with.0, &mut with.1);
        portable::copy_arc(&bits, &tail, &head, &mut without.0, &mut without.1);
        assert_eq!(with, without);

        let mut words = [0b1011_0000u64, 0, 1 << 63, 5];
        let positions = [4, 5, 7, 191, 192, 194];
        let (mut with, mut without) = ([0; 6], [0; 6]);
        popcnt.places_then_clear(&mut words.clone(), &mut Vec::new(), &positions, &mut with);
        portable::places_then_clear(&mut words, &mut Vec::new(), &positions, &mut without);
        assert_eq!(with, without);
        assert_eq!(with, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn lzcnt_bmi2_twin_draws_as_the_portable_loop() {
        let Some(lzcnt_bmi2) = Tokens::get().lzcnt_bmi2 else {
            return eprintln!("this CPU lacks LZCNT or BMI2: their twin is not used here");
        };
        for (counts, k, seeds) in [([17, 900], 16, [3, 4]), ([500, 41], 40, [u64::MAX, 0]), ([2, 2], 1, [8, 9])] {
            let (mut with, mut without) = (vec![0; 2 * (k + 1)], vec![0; 2 * (k + 1)]);
            lzcnt_bmi2.draw_held(k, &mut with, counts, seeds);
            portable::draw_held(k, &mut without, counts, seeds);
            assert_eq!(with, without, "{counts:?} {k}");
        }
    }
}
