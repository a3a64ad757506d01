//! Fast mode's draws for `k <= 16`: one row's Floyd sampling in AVX-512 registers.
//!
//! Floyd's step `t` draws `r_t` in `0..=top_t` (`top_t = count - k + t`) and
//! keeps `r_t`, or `top_t` when `r_t` was kept before. Done step by step,
//! that is a chain: each step looks up what the steps before it kept. With
//! at most 16 steps the chain can be undone, because every draw ends up
//! kept (itself, or it already was). So `r_t` collides exactly when
//! - it equals an earlier draw `r_j`: AVX-512CD's conflict detection finds
//!   those for all 16 lanes in one instruction; or
//! - it equals an earlier `top_j` that was kept because `r_j` collided. That
//!   needs `r_t >= top_0`, which is rare, and is settled lane by lane.
//!
//! The draws are the scalar path's, bit for bit: step `t` reads word `t + 1`
//! of the row's [`RowStream`](crate::choose::stream::RowStream), mixed here eight
//! lanes at a time, and Lemire's multiply is done in 32-bit halves. Where
//! Lemire would look at a word twice (probability below `count / 2^64`) the
//! row goes back to the scalar path, which redraws exactly.
//!
//! The kept ranks leave sorted by a bitonic network: ascending rank is visit
//! order, so [`Avx512BitalgToken::select_targets16`] can write the row's
//! targets straight to its slots.

use super::detect::Avx512BitalgToken;
use crate::arch::FLOYD_LANES as LANES;
use crate::choose::stream::{mix, GOLDEN_GAMMA, MIX_MULTIPLIERS};
use std::arch::x86_64::*;

impl Avx512BitalgToken {
    /// Draws `k <= 16` distinct ranks out of `0..counts[i]` (each above `k`)
    /// for each of `rows`, the same set as the scalar Floyd draws, and writes
    /// them to `ranks[i]` in ascending order (with `places[i][t] = t`, the
    /// slot each goes to). Returns false, with the arrays undefined, when a
    /// row needs the scalar path. Two rows' work forms two independent
    /// chains, which the CPU overlaps.
    #[inline]
    pub fn draw_floyd16<const ROWS: usize>(
        self,
        key: u64,
        rows: [u64; ROWS],
        counts: [usize; ROWS],
        k: usize,
        ranks: [&mut [u32; LANES]; ROWS],
        places: [&mut [u32; LANES]; ROWS],
    ) -> bool {
        debug_assert!((1..=LANES).contains(&k) && counts.iter().all(|&count| count > k));
        // SAFETY: the token proves that the CPU has AVX-512 F, DQ and CD.
        unsafe { draw(key, rows, counts, k, ranks, places) }
    }
}

#[target_feature(enable = "avx512f,avx512dq,avx512cd")]
fn draw<const ROWS: usize>(
    key: u64,
    rows: [u64; ROWS],
    counts: [usize; ROWS],
    k: usize,
    ranks: [&mut [u32; LANES]; ROWS],
    places: [&mut [u32; LANES]; ROWS],
) -> bool {
    let lanes: __mmask16 = (u32::MAX >> (32 - k)) as u16; // the steps 0..k
    let mut drawn = [_mm512_setzero_si512(); ROWS];
    let mut rejects = 0;
    for i in 0..ROWS {
        let state = mix(key ^ rows[i]);
        let top0 = (counts[i] - k) as u32;
        let (low, low_rejects) = lemire(state, top0, 0);
        let (high, high_rejects) = lemire(state, top0, 8);
        rejects |= (low_rejects as u16 | (high_rejects as u16) << 8) & lanes;
        drawn[i] = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(low), high);
    }
    if rejects != 0 {
        return false;
    }
    for ((drawn, count), (ranks, places)) in drawn.into_iter().zip(counts).zip(ranks.into_iter().zip(places)) {
        keep(drawn, (count - k) as u32, k, ranks, places);
    }
    true
}

/// Floyd's choice between each step's draw and its top, given the draws;
/// writes the kept ranks in ascending order, so that each one's place is its index.
#[target_feature(enable = "avx512f,avx512cd")]
#[inline]
fn keep(drawn: __m512i, top0: u32, k: usize, ranks: &mut [u32; LANES], places: &mut [u32; LANES]) {
    let lanes: __mmask16 = (u32::MAX >> (32 - k)) as u16; // the steps 0..k
                                                          // Collisions with an earlier draw: lanes with a conflict bit set.
    let conflicts = _mm512_conflict_epi32(drawn);
    let mut collided = _mm512_test_epi32_mask(conflicts, conflicts);
    // Collisions with an earlier top, in step order: top_j = top0 + j was
    // kept if step j collided.
    let mut late = _mm512_mask_cmpge_epu32_mask(lanes, drawn, _mm512_set1_epi32(top0 as i32));
    if late != 0 {
        // SAFETY: `ranks` is one vector long.
        unsafe { _mm512_storeu_si512(ranks.as_mut_ptr().cast(), drawn) };
        while late != 0 {
            let t = late.trailing_zeros();
            let j = ranks[t as usize] - top0;
            if j < t && collided >> j & 1 == 1 {
                collided |= 1 << t;
            }
            late &= late - 1;
        }
    }
    let tops = _mm512_add_epi32(_mm512_set1_epi32(top0 as i32), step_indices());
    let kept = _mm512_mask_blend_epi32(collided, drawn, tops);
    // Lanes past k hold u32::MAX, so that they sort last.
    let kept = _mm512_mask_blend_epi32(lanes, _mm512_set1_epi32(-1), kept);

    // Sorted, the kept ranks are in visit order: each one's place is its lane.
    // SAFETY: both arrays are one vector long.
    unsafe {
        _mm512_storeu_si512(ranks.as_mut_ptr().cast(), sort(kept));
        _mm512_storeu_si512(places.as_mut_ptr().cast(), step_indices());
    }
}

/// The sixteen lanes in ascending order, by a bitonic network: ten rounds
/// of comparing each lane with a partner and keeping the smaller or the larger.
#[target_feature(enable = "avx512f")]
#[inline]
fn sort(mut x: __m512i) -> __m512i {
    for (partners, keeps_max) in &SORT_ROUNDS {
        // SAFETY: `partners` is sixteen `i32`s, one vector.
        let partner = _mm512_permutexvar_epi32(unsafe { _mm512_loadu_si512(partners.as_ptr().cast()) }, x);
        x = _mm512_mask_blend_epi32(*keeps_max, _mm512_min_epu32(x, partner), _mm512_max_epu32(x, partner));
    }
    x
}

/// The rounds of [`sort`]: each lane's partner, and the lanes that keep the
/// larger of their pair.
static SORT_ROUNDS: [([i32; LANES], u16); 10] = sort_rounds();

const fn sort_rounds() -> [([i32; LANES], u16); 10] {
    let mut rounds = [([0; LANES], 0); 10];
    let (mut round, mut block) = (0, 2);
    while block <= LANES {
        let mut distance = block / 2;
        while distance >= 1 {
            let mut lane = 0;
            while lane < LANES {
                rounds[round].0[lane] = (lane ^ distance) as i32;
                // The upper lane of a pair in an ascending run keeps the
                // larger, and so does the lower lane in a descending one.
                if (lane & distance != 0) != (lane & block != 0) {
                    rounds[round].1 |= 1 << lane;
                }
                lane += 1;
            }
            round += 1;
            distance /= 2;
        }
        block *= 2;
    }
    rounds
}

/// 0, 1, ..., 15.
#[target_feature(enable = "avx512f")]
#[inline]
fn step_indices() -> __m512i {
    _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// Steps `first..first + 8`: the draw of each (in `0..=top0 + step`), and
/// the lanes whose word Lemire's method would reject or look at again.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn lemire(state: u64, top0: u32, first: u64) -> (__m256i, __mmask8) {
    let steps = _mm512_add_epi64(_mm512_set1_epi64(first as i64), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    // Step t reads the word after t + 1 increments of the stream's state.
    let ahead =
        _mm512_mullo_epi64(_mm512_add_epi64(steps, _mm512_set1_epi64(1)), _mm512_set1_epi64(GOLDEN_GAMMA as i64));
    let word = mix_lanes(_mm512_add_epi64(_mm512_set1_epi64(state as i64), ahead));
    let bound = _mm512_add_epi64(_mm512_set1_epi64(top0 as i64 + 1), steps);
    // word * bound in 128 bits, from the halves of `word` (bound < 2^32).
    let high_half = _mm512_mul_epu32(_mm512_srli_epi64::<32>(word), bound);
    let low_half = _mm512_mul_epu32(word, bound);
    let high = _mm512_srli_epi64::<32>(_mm512_add_epi64(high_half, _mm512_srli_epi64::<32>(low_half)));
    let low = _mm512_add_epi64(_mm512_slli_epi64::<32>(high_half), low_half);
    (_mm512_cvtepi64_epi32(high), _mm512_cmplt_epu64_mask(low, bound))
}

/// [`mix`] in eight lanes.
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
fn mix_lanes(z: __m512i) -> __m512i {
    let z = _mm512_xor_si512(z, _mm512_srli_epi64::<30>(z));
    let z = _mm512_mullo_epi64(z, _mm512_set1_epi64(MIX_MULTIPLIERS[0] as i64));
    let z = _mm512_xor_si512(z, _mm512_srli_epi64::<27>(z));
    let z = _mm512_mullo_epi64(z, _mm512_set1_epi64(MIX_MULTIPLIERS[1] as i64));
    _mm512_xor_si512(z, _mm512_srli_epi64::<31>(z))
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use super::*;
    use crate::choose::stream::{key, RowStream};

    /// Floyd step by step, as the scalar path draws.
    fn floyd(key: u64, row: u64, count: usize, k: usize) -> Vec<u32> {
        let mut stream = RowStream::new(key, row);
        let mut kept = Vec::new();
        for top in count - k..count {
            let r = stream.below(top as u64 + 1) as u32;
            kept.push(if kept.contains(&r) { top as u32 } else { r });
        }
        kept
    }

    #[test]
    fn keeps_what_floyd_step_by_step_keeps() {
        let Some(avx512) = Tokens::get().avx512_bitalg else {
            return eprintln!("this CPU lacks some of AVX-512: floyd16 is not used here");
        };
        let (mut ranks, mut places) = ([0; LANES], [0; LANES]);
        let mut late_collisions = 0;
        for k in 1..=LANES {
            // Counts just above k make draws collide with earlier tops often.
            for count in (k + 1..k + 40).chain([1000, 1 << 20, u32::MAX as usize / 2]) {
                for row in 0..40 {
                    let key = key(count as u64 * 31 + k as u64);
                    let expected = floyd(key, row, count, k);
                    assert!(avx512.draw_floyd16(key, [row], [count], k, [&mut ranks], [&mut places]));
                    let mut sorted = expected.clone();
                    sorted.sort();
                    assert_eq!(&ranks[..k], &sorted[..], "k {k} count {count} row {row}");
                    assert_eq!(&places[..k], &(0..k as u32).collect::<Vec<_>>()[..]);
                    late_collisions += expected
                        .iter()
                        .enumerate()
                        .filter(|&(t, &r)| r as usize >= count - k && r as usize != count - k + t)
                        .count();
                }
            }
        }
        // The rare path (a draw landing on an earlier top) was exercised.
        assert!(late_collisions > 100, "{late_collisions}");
    }
}
