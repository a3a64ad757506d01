//! The reference's reservoir draws for sixteen rows at once, one per vector lane.
//!
//! [`Holdings`](crate::choose::reservoir::Holdings) replays a row's Algorithm R
//! from its candidate count: word by word of the row's ChaCha8 stream, rand
//! 0.8 accepts or rejects the word for the candidate at hand, and an
//! accepted draw below `k` sends that candidate to a slot. Each word's
//! outcome decides which candidate the next word is for, so a row is a
//! serial chain. Rows, though, are independent: here sixteen of them run in
//! the 64-bit lanes of two AVX-512 vectors, every row taking one word of its
//! own stream per step ([`chacha16`](super::chacha16) computes the sixteen streams
//! side by side too). The two vectors' chains are independent, so the CPU
//! overlaps their latencies.
//!
//! A lane whose row is done idles until the end of the current block (eight
//! words), then takes the next row. Replacements are rare, so each step
//! packs its few (lane, slot, candidate) events into a list with one
//! compress, and the list is applied after the block, in order.

use super::chacha16::{Streams, BLOCK_WORDS, LANES};
use super::detect::Avx512CdToken;
use std::arch::x86_64::*;

/// Room for the events of one block: one per lane and step (a step reads two
/// words of the block), and one vector of slack for the last compressed store.
const EVENTS: usize = BLOCK_WORDS / 2 * LANES + HALF;

/// Lanes in one vector of `u64`s: half of them.
const HALF: usize = LANES / 2;

/// An event packs the candidate in bits 0..32, the slot in 32..56 and the lane in 56..64.
const SLOT_BITS: u32 = 24;

/// Rows of at most this many slots can be drawn in [`Lanes`].
pub(crate) const MAX_K: usize = (1 << SLOT_BITS) - 1;

/// A row being drawn: where its slots are, and what the caller keeps with it.
pub(crate) struct Drawing<'out, T> {
    /// The row's `k` slots. While drawing they hold the index of the
    /// candidate each keeps; the first `k` candidates to begin with.
    pub slots: &'out mut [i32],
    pub with: T,
}

/// Sixteen rows drawn side by side.
pub(crate) struct Lanes<'out, T> {
    /// The proof that this CPU runs the lanes.
    token: Avx512CdToken,
    k: usize,
    streams: Streams,
    /// Per lane: the candidate its next accepted word is for, and its row's
    /// candidate count. A free lane has a count of 0, so it never replaces.
    seen: [u64; LANES],
    count: [u64; LANES],
    rows: [Option<Drawing<'out, T>>; LANES],
    /// The events of one block: at most one per lane and step, one vector of slack.
    events: [u64; EVENTS],
}

impl<'out, T> Lanes<'out, T> {
    /// Lanes for rows of `k <= MAX_K` slots, all free.
    pub fn new(token: Avx512CdToken, k: usize) -> Self {
        assert!(k <= MAX_K, "k = {k} does not fit in an event");
        Lanes {
            token,
            k,
            streams: Streams::default(),
            seen: [0; LANES],
            count: [0; LANES],
            rows: Default::default(),
            events: [0; EVENTS],
        }
    }

    /// A lane without a row, if any.
    pub fn free_lane(&self) -> Option<usize> {
        self.rows.iter().position(Option::is_none)
    }

    /// Whether any lane has a row.
    pub fn busy(&self) -> bool {
        self.rows.iter().any(Option::is_some)
    }

    /// Starts drawing, in free `lane`, a row of `count > k` candidates whose
    /// generator the reference seeds with `seed`.
    pub fn start(&mut self, lane: usize, count: usize, seed: u64, row: Drawing<'out, T>) {
        debug_assert!(self.rows[lane].is_none() && count > self.k && row.slots.len() == self.k);
        self.streams.restart(lane, seed);
        (self.seen[lane], self.count[lane]) = (self.k as u64, count as u64);
        row.slots.iter_mut().zip(0..).for_each(|(slot, candidate)| *slot = candidate);
        self.rows[lane] = Some(row);
    }

    /// Draws until at least one row is done, and hands each finished row to `done`
    /// (its slots holding the index of the candidate each keeps), freeing its
    /// lane. Does nothing when no lane is busy.
    pub fn finish_some(&mut self, done: impl FnMut(Drawing<'out, T>)) {
        self.token.finish_some(self, done)
    }

    #[target_feature(enable = "avx2,avx512f,avx512cd,avx512vl,popcnt")]
    fn finish_some_in_lanes(&mut self, mut done: impl FnMut(Drawing<'out, T>)) {
        if !self.busy() {
            return;
        }
        loop {
            self.draw_block();
            let mut finished = false;
            for lane in 0..LANES {
                if self.seen[lane] >= self.count[lane] && self.rows[lane].is_some() {
                    self.count[lane] = 0;
                    done(self.rows[lane].take().unwrap());
                    finished = true;
                }
            }
            if finished {
                return;
            }
        }
    }

    /// Eight steps of every lane: one block of each lane's stream.
    #[target_feature(enable = "avx2,avx512f,avx512cd,avx512vl,popcnt")]
    fn draw_block(&mut self) {
        let mut words = [_mm512_setzero_si512(); BLOCK_WORDS];
        self.streams.next_blocks(&mut words);
        // SAFETY: `seen` and `count` are two vectors of eight `u64`s each.
        let load =
            |values: &[u64; LANES], half: usize| unsafe { _mm512_loadu_si512(values[half * HALF..].as_ptr().cast()) };
        let mut seen = [load(&self.seen, 0), load(&self.seen, 1)];
        let count = [load(&self.count, 0), load(&self.count, 1)];
        let k = _mm512_set1_epi64(self.k as i64);
        let lane_numbers = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
        let lane_tags = [0, HALF as i64]
            .map(|first| _mm512_slli_epi64::<56>(_mm512_add_epi64(lane_numbers, _mm512_set1_epi64(first))));
        let mut events = 0;
        for pair in words.chunks_exact(2) {
            for half in 0..2 {
                // The u64 that `next_u64` makes of the pair: low word first.
                let (low, high) = (widen(pair[0], half), widen(pair[1], half));
                let seen = &mut seen[half];
                // rand 0.8's draw in 0..=seen (see `accepts` in arch/portable/reservoir.rs): the
                // 128-bit product word * range, from 32-bit halves (range < 2^32).
                let range = _mm512_add_epi64(*seen, _mm512_set1_epi64(1));
                let zone = _mm512_sllv_epi64(range, _mm512_lzcnt_epi64(range));
                let high_product = _mm512_mul_epu32(high, range);
                let low_product = _mm512_mul_epu32(low, range);
                let product_low = _mm512_add_epi64(_mm512_slli_epi64::<32>(high_product), low_product);
                let draw =
                    _mm512_srli_epi64::<32>(_mm512_add_epi64(high_product, _mm512_srli_epi64::<32>(low_product)));
                // A lane past its count draws on (its row is done): keeping
                // that test off the chain from `seen` to the next `seen` is faster.
                let accepted = _mm512_cmplt_epu64_mask(product_low, zone);
                let drawing = _mm512_cmplt_epu64_mask(*seen, count[half]);
                // Candidate `seen` replaces slot `draw` when that is a slot.
                let replaces = _mm512_mask_cmplt_epu64_mask(accepted & drawing, draw, k);
                let event = _mm512_or_si512(_mm512_or_si512(*seen, _mm512_slli_epi64::<32>(draw)), lane_tags[half]);
                // SAFETY: at most 8 events per vector and step, and the list
                // has room for a vector more than a block can make.
                unsafe {
                    _mm512_storeu_si512(
                        self.events.as_mut_ptr().add(events).cast(),
                        _mm512_maskz_compress_epi64(replaces, event),
                    )
                };
                events += replaces.count_ones() as usize;
                *seen = _mm512_mask_add_epi64(*seen, accepted, *seen, _mm512_set1_epi64(1));
            }
        }
        // SAFETY: as for `load`.
        unsafe {
            _mm512_storeu_si512(self.seen.as_mut_ptr().cast(), seen[0]);
            _mm512_storeu_si512(self.seen[HALF..].as_mut_ptr().cast(), seen[1]);
        }
        for &event in &self.events[..events] {
            let (lane, slot) = ((event >> 56) as usize, (event >> 32) as usize & ((1 << SLOT_BITS) - 1));
            if let Some(row) = &mut self.rows[lane] {
                row.slots[slot] = event as u32 as i32;
            }
        }
    }
}

impl Avx512CdToken {
    /// [`Lanes::finish_some`], compiled for the features this token proves.
    fn finish_some<'out, T>(self, lanes: &mut Lanes<'out, T>, done: impl FnMut(Drawing<'out, T>)) {
        // SAFETY: the token proves that the CPU has AVX2, AVX-512 F, CD and VL, and POPCNT.
        unsafe { lanes.finish_some_in_lanes(done) }
    }
}

/// Lanes `8 * half..8 * half + 8` of sixteen `u32`s, as `u64`s.
#[target_feature(enable = "avx512f")]
#[inline]
fn widen(words: __m512i, half: usize) -> __m512i {
    let eight = if half == 0 { _mm512_castsi512_si256(words) } else { _mm512_extracti64x4_epi64::<1>(words) };
    _mm512_cvtepu32_epi64(eight)
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use super::*;
    use crate::choose::reservoir::Reservoir;

    #[test]
    fn lanes_keep_what_the_reservoir_keeps() {
        let Some(avx512) = Tokens::get().avx512_cd else {
            return eprintln!("this CPU lacks AVX-512: reservoir16 is not used here");
        };
        for k in [1, 3, 16, 40] {
            // Rows of very different lengths, so lanes finish at different times.
            let rows: Vec<(usize, u64)> =
                (0..60).map(|i| (k + 1 + (i * 37 % 23) * (i % 5) * 11, 1000 + i as u64)).collect();
            let mut outputs = vec![vec![-1; k]; rows.len()];
            let mut lanes = Lanes::new(avx512, k);
            let mut finished = Vec::new();
            for (i, (slots, &(count, seed))) in outputs.iter_mut().zip(&rows).enumerate() {
                let lane = match lanes.free_lane() {
                    Some(lane) => lane,
                    None => {
                        lanes.finish_some(|row| finished.push(row.with));
                        lanes.free_lane().unwrap()
                    }
                };
                lanes.start(lane, count, seed, Drawing { slots, with: i });
            }
            while lanes.busy() {
                lanes.finish_some(|row| finished.push(row.with));
            }
            finished.sort();
            assert_eq!(finished, (0..rows.len()).collect::<Vec<_>>());
            for (slots, &(count, seed)) in outputs.iter().zip(&rows) {
                let mut expected = vec![-1; k];
                let mut reservoir = Reservoir::new(&mut expected, seed);
                (0..count as u32).for_each(|candidate| reservoir.offer(candidate));
                assert_eq!(slots, &expected, "k {k} count {count} seed {seed}");
            }
        }
    }
}
