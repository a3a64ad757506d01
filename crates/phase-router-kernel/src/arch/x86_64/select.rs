//! Finding a row's candidates by rank with wider compares and PDEP: the
//! portable driver ([`ArcWords::select_by`]) compiled with AVX-512 or AVX2,
//! and BMI2.

use super::detect::{Avx2Bmi2Token, Avx512Bmi2Token};
use crate::arch::portable;
use crate::sweep::{ArcWords, RANK_LANES};
use std::arch::x86_64::*;

impl Avx512Bmi2Token {
    /// [`ArcWords::select`] with the sixteen ranks of a block in one vector
    /// and each bit found by PDEP.
    #[inline]
    pub fn select(self, arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
        // SAFETY: the token proves that the CPU has AVX-512 F and BMI2.
        unsafe { select_avx512_bmi2(arc, ranks, found) }
    }
}

impl Avx2Bmi2Token {
    /// [`ArcWords::select`] with the portable word search compiled for AVX2
    /// and each bit found by PDEP.
    #[inline]
    pub fn select(self, arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
        // SAFETY: the token proves that the CPU has AVX2 and BMI2.
        unsafe { select_avx2_bmi2(arc, ranks, found) }
    }
}

// Target-feature functions are not `Fn`: the closures below wrap them, and
// inherit their caller's features.

#[target_feature(enable = "avx512f,bmi2")]
fn select_avx512_bmi2(arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
    let words_of = |ends: &[u32], ranks: &[u32; RANK_LANES]| words_holding_avx512(ends, ranks);
    arc.select_by(ranks, found, words_of, |word, rank| select_in_word_pdep(word, rank))
}

#[target_feature(enable = "avx2,bmi2")]
fn select_avx2_bmi2(arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
    arc.select_by(ranks, found, portable::words_holding, |word, rank| select_in_word_pdep(word, rank))
}

/// [`portable::words_holding`] with the sixteen ranks in one AVX-512 vector
/// (the compiler, left alone, vectorizes across `ends` instead).
#[target_feature(enable = "avx512f")]
fn words_holding_avx512(ends: &[u32], ranks: &[u32; RANK_LANES]) -> [u32; RANK_LANES] {
    // SAFETY: `ranks` is 16 `u32`s, one unaligned vector.
    let passed = words_holding_lanes(ends, unsafe { _mm512_loadu_si512(ranks.as_ptr().cast()) });
    let mut out = [0u32; RANK_LANES];
    // SAFETY: `out` is 16 `u32`s, one unaligned vector.
    unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), passed) };
    out
}

/// [`portable::words_holding`] on ranks and counts in vector lanes.
#[target_feature(enable = "avx512f")]
#[inline]
pub(super) fn words_holding_lanes(ends: &[u32], ranks: __m512i) -> __m512i {
    let mut passed = _mm512_setzero_si512();
    for &end in ends {
        let below = _mm512_cmple_epu32_mask(_mm512_set1_epi32(end as i32), ranks);
        passed = _mm512_mask_sub_epi32(passed, below, passed, _mm512_set1_epi32(-1));
    }
    passed
}

/// The portable `select_in_word` in two instructions: PDEP deposits the
/// single bit `1 << rank` onto the `rank`-th set bit of `word`, whose index
/// is then its trailing-zero count.
#[target_feature(enable = "bmi2")]
#[inline]
fn select_in_word_pdep(word: u64, rank: u32) -> u32 {
    _pdep_u64(1 << rank, word).trailing_zeros()
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use crate::arch::portable;
    use crate::sweep::{ArcWords, RingBitset};

    #[test]
    fn vector_selects_find_what_the_portable_select_finds() {
        let tokens = Tokens::get();
        let mut bits = RingBitset::new(700);
        (0..700).filter(|p| p % 7 == 3 || p % 11 == 0 || (200..330).contains(p)).for_each(|p| bits.set(p));
        for (start, len) in [(0, 700), (650, 700), (123, 45), (699, 2), (64, 64), (190, 200)] {
            let mut arc = ArcWords::default();
            arc.load(bits.arc(start, len));
            // Every rank, then a few: blocks of sixteen and the one-by-one count.
            let every: Vec<u32> = (0..arc.count() as u32).rev().collect();
            for ranks in [&every[..], &every[..every.len().min(4)]] {
                let mut expected = Vec::new();
                portable::select(&arc, ranks, |i, p| expected.push((i, p)));
                if let Some(avx512) = tokens.avx512_bmi2 {
                    let mut found = Vec::new();
                    avx512.select(&arc, ranks, |i, p| found.push((i, p)));
                    assert_eq!(found, expected, "AVX-512, arc {start}+{len}");
                }
                if let Some(avx2) = tokens.avx2_bmi2 {
                    let mut found = Vec::new();
                    avx2.select(&arc, ranks, |i, p| found.push((i, p)));
                    assert_eq!(found, expected, "AVX2, arc {start}+{len}");
                }
            }
        }
    }
}
