//! ChaCha8 for sixteen streams at once, one per lane of a 512-bit vector.
//!
//! The reference seeds a separate `ChaCha8Rng` for every row. Computing one
//! block of sixteen rows' streams side by side, word `w` of every block in one
//! vector, spends each vector instruction on sixteen blocks and hands the
//! draws over already arranged by row: lane `l` of every word belongs to the
//! stream in lane `l`. The output is rand_chacha 0.3's, word for word.

use std::arch::x86_64::*;

/// Streams computed at once.
pub(super) const LANES: usize = 16;

/// `u32` words in one ChaCha block.
pub(super) const BLOCK_WORDS: usize = 16;

/// "expand 32-byte k", the first four words of every ChaCha state.
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// The key that `ChaCha8Rng::seed_from_u64(seed)` uses: rand_core 0.6 fills
/// the 32-byte seed with eight outputs of PCG32 started from `seed`.
fn key_from_u64(mut state: u64) -> [u32; 8] {
    const MULTIPLIER: u64 = 6_364_136_223_846_793_005;
    const INCREMENT: u64 = 11_634_580_027_462_260_723;
    std::array::from_fn(|_| {
        state = state.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT);
        let xorshifted = (((state >> 18) ^ state) >> 27) as u32;
        xorshifted.rotate_right((state >> 59) as u32)
    })
}

/// Sixteen ChaCha8 streams (stream number 0 of each key), each at its own block.
#[derive(Default)]
pub(super) struct Streams {
    /// `key[w][l]`: key word `w` of the stream in lane `l`.
    key: [[u32; LANES]; 8],
    /// The block each lane computes next.
    block: [u32; LANES],
}

impl Streams {
    /// Puts the stream of `ChaCha8Rng::seed_from_u64(seed)` in `lane`, at its first block.
    pub fn restart(&mut self, lane: usize, seed: u64) {
        for (word, value) in self.key.iter_mut().zip(key_from_u64(seed)) {
            word[lane] = value;
        }
        self.block[lane] = 0;
    }

    /// The next block of every lane: word `w` of each in `words[w]`.
    ///
    /// A row draws far fewer than 2^32 blocks, so the high word of the
    /// block counter stays 0.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub fn next_blocks(&mut self, words: &mut [__m512i; BLOCK_WORDS]) {
        // SAFETY: each array is sixteen `u32`s, one unaligned vector.
        let load = |lanes: &[u32; LANES]| unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) };
        let block = load(&self.block);
        let mut input = [_mm512_setzero_si512(); BLOCK_WORDS];
        for (word, &sigma) in input.iter_mut().zip(&SIGMA) {
            *word = _mm512_set1_epi32(sigma as i32);
        }
        for (word, key) in input[4..12].iter_mut().zip(&self.key) {
            *word = load(key);
        }
        input[12] = block; // words 13 (counter high), 14 and 15 (stream) stay 0
        let mut x = input;
        for _ in 0..4 {
            // A double round: the columns, then the diagonals.
            quarter_round(&mut x, 0, 4, 8, 12);
            quarter_round(&mut x, 1, 5, 9, 13);
            quarter_round(&mut x, 2, 6, 10, 14);
            quarter_round(&mut x, 3, 7, 11, 15);
            quarter_round(&mut x, 0, 5, 10, 15);
            quarter_round(&mut x, 1, 6, 11, 12);
            quarter_round(&mut x, 2, 7, 8, 13);
            quarter_round(&mut x, 3, 4, 9, 14);
        }
        for (word, (&mixed, &start)) in words.iter_mut().zip(x.iter().zip(&input)) {
            *word = _mm512_add_epi32(mixed, start);
        }
        let next = _mm512_add_epi32(block, _mm512_set1_epi32(1));
        // SAFETY: as for `load`.
        unsafe { _mm512_storeu_si512(self.block.as_mut_ptr().cast(), next) };
    }
}

#[target_feature(enable = "avx512f")]
#[inline]
fn quarter_round(x: &mut [__m512i; BLOCK_WORDS], a: usize, b: usize, c: usize, d: usize) {
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<16>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<12>(_mm512_xor_si512(x[b], x[c]));
    x[a] = _mm512_add_epi32(x[a], x[b]);
    x[d] = _mm512_rol_epi32::<8>(_mm512_xor_si512(x[d], x[a]));
    x[c] = _mm512_add_epi32(x[c], x[d]);
    x[b] = _mm512_rol_epi32::<7>(_mm512_xor_si512(x[b], x[c]));
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use super::*;
    use rand::{RngCore, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn lanes_produce_the_streams_of_chacha8rng() {
        if Tokens::get().avx512_cd.is_none() {
            return eprintln!("this CPU lacks AVX-512: chacha16 is not used here");
        }
        let seeds = [0, 1, 42, u64::MAX, 7, 1 << 40, 12345, 99, 8, 9, 10, 11, 1 << 63, 13, 14, 15];
        let mut streams = Streams::default();
        for (lane, &seed) in seeds.iter().enumerate() {
            streams.restart(lane, seed);
        }
        let mut rngs = seeds.map(ChaCha8Rng::seed_from_u64);
        // SAFETY: the CPU has AVX-512 F (checked above).
        let mut words = [unsafe { _mm512_setzero_si512() }; BLOCK_WORDS];
        for block in 0..40 {
            if block == 20 {
                // A lane restarted mid-way starts its new stream from the first block.
                streams.restart(3, 5);
                rngs[3] = ChaCha8Rng::seed_from_u64(5);
            }
            // SAFETY: the CPU has AVX-512 F (checked above).
            unsafe { streams.next_blocks(&mut words) };
            // SAFETY: a vector is sixteen `u32`s, and any bits are a valid `u32`.
            let words: Vec<[u32; LANES]> =
                words.iter().map(|w| unsafe { std::mem::transmute::<__m512i, [u32; LANES]>(*w) }).collect();
            for (lane, rng) in rngs.iter_mut().enumerate() {
                let expected: Vec<u32> = (0..BLOCK_WORDS).map(|_| rng.next_u32()).collect();
                let got: Vec<u32> = words.iter().map(|w| w[lane]).collect();
                assert_eq!(got, expected, "lane {lane} block {block}");
            }
        }
    }
}
