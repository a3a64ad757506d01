//! The reference reservoir's draws replayed from a row's candidate count
//! (the loop behind [`Holdings`](crate::choose::reservoir::Holdings)).

use rand::SeedableRng;
use rand_chacha::rand_core::block::BlockRngCore;
use rand_chacha::ChaCha8Core;

/// `u64` draws in the buffer one `ChaCha8Core::generate` fills (four ChaCha blocks).
const DRAWS_PER_GENERATE: usize = 32;

/// Draws for `ROWS` rows side by side: row `r` keeps its slots in `held[r * (k + 1)..]`,
/// the last of its `k + 1` entries absorbing the draws that replace no slot.
#[inline(always)]
pub(crate) fn draw_held<const ROWS: usize>(k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
    for row in held.chunks_exact_mut(k + 1).take(ROWS) {
        row.iter_mut().zip(0..).for_each(|(slot, i)| *slot = i);
    }
    // `ChaCha8Rng::seed_from_u64` builds exactly these cores: the same streams.
    let mut chacha = seeds.map(ChaCha8Core::seed_from_u64);
    let mut blocks: [<ChaCha8Core as BlockRngCore>::Results; ROWS] = std::array::from_fn(|_| Default::default());
    let mut seen = [k as u64; ROWS]; // index of the candidate each row is drawing for
                                     // Per row and word of the current block: the draw (u64::MAX when the
                                     // word is rejected) and the candidate it was drawn for.
    let mut draws = [[0u64; DRAWS_PER_GENERATE]; ROWS];
    let mut drawn_for = [[0u32; DRAWS_PER_GENERATE]; ROWS];
    while (0..ROWS).any(|r| seen[r] < counts[r]) {
        for (core, block) in chacha.iter_mut().zip(&mut blocks) {
            core.generate(block);
        }
        // The chains. A row that has reached its count runs on to the end of
        // the block with the other; those words are ignored below.
        for i in 0..DRAWS_PER_GENERATE {
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

/// One step of the reference's draw in `0..=seen` on one generator word:
/// whether rand 0.8 accepts `word`, and the draw it then returns.
///
/// rand's `sample_single_inclusive` takes `range = seen + 1`, multiplies the
/// word by it into 128 bits, and accepts when the low half is at most
/// `zone = (range << range.leading_zeros()) - 1`; the high half is the draw.
/// Otherwise it tries the next word.
///
/// `range << range.leading_zeros()` has its top bit set, so "at most that
/// minus 1" is "below it": one instruction less on the chain from one
/// word's outcome to the next, which bounds the draws' speed.
#[inline]
fn accepts(word: u64, seen: u64) -> (bool, u64) {
    let range = seen + 1;
    let product = word as u128 * range as u128;
    ((product as u64) < range << range.leading_zeros(), (product >> 64) as u64)
}
