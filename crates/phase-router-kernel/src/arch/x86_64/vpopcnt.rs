//! Counting eight words per instruction with AVX-512's vector popcount.

use super::detect::Avx512PopcntToken;
use crate::arch::portable;
use crate::sweep::WordSpan;
use std::arch::x86_64::*;

impl Avx512PopcntToken {
    /// [`portable::count_rows`], compiled with AVX-512 VPOPCNTDQ (the
    /// compiler vectorizes the sums) and POPCNT.
    #[inline]
    pub fn count_rows(self, bits: &[u64], words: usize, degrees: &mut [u32]) {
        // SAFETY: the token proves that the CPU has AVX-512 F and VPOPCNTDQ, and POPCNT.
        unsafe { count_rows(bits, words, degrees) }
    }

    /// [`portable::copy_arc`], eight words at a time: the running counts
    /// come from a prefix sum across the vector's lanes.
    #[inline]
    pub fn copy_arc(self, ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
        // SAFETY: the token proves that the CPU has AVX-512 F and VPOPCNTDQ.
        unsafe { copy_arc(ring, tail, head, words, before) }
    }
}

#[target_feature(enable = "avx512f,avx512vpopcntdq,popcnt")]
fn count_rows(bits: &[u64], words: usize, degrees: &mut [u32]) {
    portable::count_rows(bits, words, degrees)
}

#[target_feature(enable = "avx512f,avx512vpopcntdq")]
fn copy_arc(ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
    let len = tail.len() + head.len();
    // Whole vectors are written, up to 8 lanes past the end.
    words.clear();
    words.reserve(len + 8);
    before.clear();
    before.reserve(len + 1 + 8);
    let (out_words, out_before) = (words.as_mut_ptr(), before.as_mut_ptr());
    // SAFETY: within the reserved capacity.
    unsafe { *out_before = 0 };
    // Running counts: each vector's popcounts, summed across lanes in
    // three shifts, plus the total of the words before it.
    let zero = _mm512_setzero_si512();
    let mut carried = zero;
    for (span, at) in [(tail, 0), (head, tail.len())] {
        let source = &ring[span.first..span.last];
        for i in (0..span.len()).step_by(8) {
            let lanes = (span.len() - i).min(8);
            // SAFETY: the masked load reads `source[i..i + lanes]`, within the slice.
            let v = unsafe { _mm512_maskz_loadu_epi64(u8::MAX >> (8 - lanes), source.as_ptr().add(i).cast()) };
            // Clear the bits before the span in its first word and after it in its last.
            let v = _mm512_mask_and_epi64(v, (i == 0) as u8, v, _mm512_set1_epi64(span.low_mask as i64));
            let last_lane = ((i + 8 >= span.len()) as u8) << (lanes - 1);
            let v = _mm512_mask_and_epi64(v, last_lane, v, _mm512_set1_epi64(span.high_mask as i64));
            let counts = _mm512_popcnt_epi64(v);
            let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<7>(counts, zero));
            let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<6>(counts, zero));
            let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<4>(counts, zero));
            let running = _mm512_add_epi64(counts, carried);
            // SAFETY: whole vectors stay within the reserved capacities;
            // lanes past the span are overwritten next or left past the end.
            unsafe {
                _mm512_storeu_si512(out_words.add(at + i).cast(), v);
                _mm256_storeu_si256(out_before.add(1 + at + i).cast(), _mm512_cvtepi64_epi32(running));
            }
            carried = _mm512_permutexvar_epi64(_mm512_set1_epi64(lanes as i64 - 1), running);
        }
    }
    // SAFETY: the first `len` words were written above.
    unsafe { words.set_len(len) };
    // SAFETY: entries `0..=len` were written above.
    unsafe { before.set_len(len + 1) };
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use crate::arch::portable;
    use crate::sweep::WordSpan;

    #[test]
    fn vector_popcounts_count_as_the_portable_loops() {
        let Some(avx512) = Tokens::get().avx512_popcnt else {
            return eprintln!("this CPU lacks AVX-512 VPOPCNTDQ: its twins are not used here");
        };
        let ring: Vec<u64> = (0..40u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (i % 64)).collect();
        let (mut with, mut without) = (vec![0; 13], vec![0; 13]);
        avx512.count_rows(&ring, 3, &mut with);
        portable::count_rows(&ring, 3, &mut without);
        assert_eq!(with, without);
        let bits = 64 * ring.len();
        for (start, len) in [(0, bits), (bits - 1, bits), (5, 3), (64, 64), (100, 0), (1930, 600), (1, bits - 1)] {
            let end = start + len;
            let (tail, head) = (WordSpan::new(start, end.min(bits)), WordSpan::new(0, end.saturating_sub(bits)));
            let (mut with, mut without) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
            avx512.copy_arc(&ring, &tail, &head, &mut with.0, &mut with.1);
            portable::copy_arc(&ring, &tail, &head, &mut without.0, &mut without.1);
            assert_eq!(with, without, "arc {start}+{len}");
        }
    }
}
