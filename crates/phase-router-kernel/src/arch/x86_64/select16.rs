//! Fast mode's lookup of up to sixteen drawn candidates, in vector lanes
//! from the ranks to the targets.

use super::detect::Avx512BitalgToken;
use super::select::words_holding_lanes;
use crate::sweep::{ArcWords, RANK_LANES};
use std::arch::x86_64::*;

impl Avx512BitalgToken {
    /// For `slots.len() <= 16` ranks in ascending order (each below
    /// `arc.count()`), writes to `slots[i]` the target at the position of
    /// the arc's set bit number `ranks[i]`: [`ArcWords::select`] and the
    /// lookup in `target_at`, sixteen lanes at a time throughout.
    ///
    /// The word of each rank is found as in `select`; the bit inside it by
    /// counting twice more: bytes (AVX-512 BITALG's per-byte popcount,
    /// summed across a word's bytes by one multiplication), then bits of the
    /// byte found (spread one per byte). Positions are clamped to the ring,
    /// so that a rank out of range cannot read outside `target_at`.
    #[inline]
    pub fn select_targets16(self, arc: &ArcWords, ranks: &[u32; RANK_LANES], target_at: &[u32], slots: &mut [i32]) {
        // SAFETY: the token proves that the CPU has AVX-512 F, BW, DQ, VL, VPOPCNTDQ and BITALG.
        unsafe { select_targets16(arc, ranks, target_at, slots) }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq,avx512bitalg")]
fn select_targets16(arc: &ArcWords, ranks: &[u32; RANK_LANES], target_at: &[u32], slots: &mut [i32]) {
    let (words, before) = (arc.words(), arc.running_counts());
    let k = slots.len();
    assert!((1..=RANK_LANES).contains(&k) && !words.is_empty() && !target_at.is_empty());
    assert!(before.len() == words.len() + 1 && target_at.len() <= i32::MAX as usize);
    let lanes = (u32::MAX >> (32 - k)) as u16;
    // SAFETY: `ranks` is sixteen `u32`s, one vector.
    let ranks = unsafe { _mm512_loadu_si512(ranks.as_ptr().cast()) };
    let word_of = words_holding_lanes(&before[1..], ranks);
    let word_of = _mm512_min_epu32(word_of, _mm512_set1_epi32(words.len() as i32 - 1));
    // SAFETY: every index is at most `words.len() - 1`, within both `before` and `words`.
    let (word_before, low_words, high_words) = unsafe {
        let word_before =
            _mm512_mask_i32gather_epi32::<4>(_mm512_setzero_si512(), lanes, word_of, before.as_ptr().cast());
        let gather = |half: __m256i, mask: u8| {
            _mm512_mask_i32gather_epi64::<8>(_mm512_setzero_si512(), mask, half, words.as_ptr().cast())
        };
        let low_half = _mm512_castsi512_si256(word_of);
        let high_half = _mm512_extracti64x4_epi64::<1>(word_of);
        (word_before, gather(low_half, lanes as u8), gather(high_half, (lanes >> 8) as u8))
    };
    let in_word = _mm512_sub_epi32(ranks, word_before);
    let low_ranks = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(in_word));
    let high_ranks = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64::<1>(in_word));
    let low_bits = _mm512_cvtepi64_epi32(select_in_words(low_words, low_ranks));
    let high_bits = _mm512_cvtepi64_epi32(select_in_words(high_words, high_ranks));
    let bits = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(low_bits), high_bits);
    // Ring position of each word's bit 0 (see `ArcWords::base`), plus the bit.
    let word_base = _mm512_slli_epi32::<6>(word_of);
    let in_head = _mm512_cmpge_epu32_mask(word_of, _mm512_set1_epi32(arc.head_from() as i32));
    let tail_base = _mm512_add_epi32(word_base, _mm512_set1_epi32(arc.first_base() as i32));
    let base = _mm512_mask_sub_epi32(tail_base, in_head, word_base, _mm512_set1_epi32(64 * arc.head_from() as i32));
    let positions = _mm512_min_epu32(_mm512_add_epi32(base, bits), _mm512_set1_epi32(target_at.len() as i32 - 1));
    // SAFETY: positions are clamped to `target_at`, and the store writes the `k` lanes of `slots` only.
    unsafe {
        let targets =
            _mm512_mask_i32gather_epi32::<4>(_mm512_setzero_si512(), lanes, positions, target_at.as_ptr().cast());
        _mm512_mask_storeu_epi32(slots.as_mut_ptr(), lanes, targets);
    }
}

/// The portable `select_in_word` in each of eight lanes: the index of the
/// set bit number `ranks` (each below the lane's popcount) of `words`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vpopcntdq,avx512bitalg")]
#[inline]
fn select_in_words(words: __m512i, ranks: __m512i) -> __m512i {
    let ones = _mm512_set1_epi64(0x0101_0101_0101_0101); // 1 in every byte
                                                         // Bytes of `counts` are counts of set bits up to and including each byte:
                                                         // those at or below `ranks` come before the byte holding the bit.
    let in_bytes_before = |counts: __m512i, ranks: __m512i| {
        let passed = _mm512_cmple_epu8_mask(_mm512_mullo_epi64(counts, ones), _mm512_mullo_epi64(ranks, ones));
        _mm512_srli_epi64::<3>(_mm512_popcnt_epi64(_mm512_movm_epi8(passed)))
    };
    let byte_counts = _mm512_popcnt_epi8(words);
    let byte = in_bytes_before(byte_counts, ranks);
    let shift = _mm512_slli_epi64::<3>(byte);
    // Set bits in the bytes passed: byte i of `through << 8` counts bytes 0..i.
    let through = _mm512_mullo_epi64(byte_counts, ones);
    let skipped = _mm512_and_si512(_mm512_srlv_epi64(_mm512_slli_epi64::<8>(through), shift), _mm512_set1_epi64(0xff));
    let byte_value = _mm512_and_si512(_mm512_srlv_epi64(words, shift), _mm512_set1_epi64(0xff));
    // The byte's bits, one per byte (bit j in byte j), counted the same way.
    let bit_masks = _mm512_set1_epi64(0x8040_2010_0804_0201u64 as i64);
    let spread = _mm512_and_si512(_mm512_mullo_epi64(byte_value, ones), bit_masks);
    let bit_ones = _mm512_maskz_mov_epi8(_mm512_test_epi8_mask(spread, spread), _mm512_set1_epi8(1));
    let bit = in_bytes_before(bit_ones, _mm512_sub_epi64(ranks, skipped));
    _mm512_add_epi64(shift, bit)
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use crate::sweep::{ArcWords, RingBitset, RANK_LANES};

    #[test]
    fn select_targets16_finds_what_select_finds() {
        let Some(avx512) = Tokens::get().avx512_bitalg else {
            return eprintln!("this CPU lacks some of AVX-512: select_targets16 is not used here");
        };
        let mut bits = RingBitset::new(700);
        (0..700).filter(|p| p % 5 == 2 || p % 13 == 0 || (200..330).contains(p)).for_each(|p| bits.set(p));
        let target_at: Vec<u32> = (0..700).map(|p| 7 * p + 1).collect();
        for (start, len) in [(0, 700), (650, 700), (123, 45), (699, 2), (64, 64), (190, 200), (5, 600)] {
            let mut arc = ArcWords::default();
            arc.load(bits.arc(start, len));
            for k in 1..=RANK_LANES.min(arc.count()) {
                // Ascending ranks spread over the arc, the last one the arc's last candidate.
                let ranks: Vec<u32> = (0..k).map(|i| ((arc.count() - 1) * (i + 1) / k) as u32).collect();
                let mut expected = vec![0; k];
                arc.select(&ranks, |i, p| expected[i] = target_at[p] as i32);
                let mut lanes = [u32::MAX; RANK_LANES];
                lanes[..k].copy_from_slice(&ranks);
                let mut slots = vec![-1; k];
                avx512.select_targets16(&arc, &lanes, &target_at, &mut slots);
                assert_eq!(slots, expected, "arc {start}+{len}, k {k}");
            }
        }
    }
}
