//! Finding set bits by rank without data-dependent branches: which word
//! holds each rank, and which bit inside that word.

use crate::sweep::{ArcWords, RANK_LANES};

/// [`ArcWords::select`] with the portable halves below.
#[inline(always)]
pub(crate) fn select(arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
    arc.select_by(ranks, found, words_holding, select_in_word)
}

/// For each rank, the index of the word holding it: the number of words
/// whose running count (`ends`) ends at or below the rank. Counted for all
/// the ranks at once and without a branch: a loop that stops at the word
/// would mispredict once per rank.
#[inline(always)]
pub(crate) fn words_holding(ends: &[u32], ranks: &[u32; RANK_LANES]) -> [u32; RANK_LANES] {
    let mut passed = [0u32; RANK_LANES];
    for &end in ends {
        for (passed, &rank) in passed.iter_mut().zip(ranks) {
            *passed += (end <= rank) as u32;
        }
    }
    passed
}

/// [`words_holding`] for one rank (still branch-free, and vectorized across `ends`).
#[inline(always)]
pub(crate) fn words_holding_one(ends: &[u32], rank: u32) -> usize {
    ends.iter().map(|&end| (end <= rank) as u32).sum::<u32>() as usize
}

/// Index of the set bit number `rank` (from 0, lowest first) of `word`; `rank < popcount(word)`.
///
/// Broadword, with no loop over the word's bits: the popcount of every byte,
/// summed into running counts by one multiplication, says which byte holds
/// the bit, and a table finds it inside that byte.
#[inline]
pub(crate) fn select_in_word(word: u64, rank: u32) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101; // 1 in every byte
    const HIGHS: u64 = 0x8080_8080_8080_8080; // the high bit of every byte
                                              // The popcount of each byte (the classic pairs, nibbles, bytes sums) ...
    let pairs = word - ((word >> 1) & 0x5555_5555_5555_5555);
    let nibbles = (pairs & 0x3333_3333_3333_3333) + ((pairs >> 2) & 0x3333_3333_3333_3333);
    let bytes = (nibbles + (nibbles >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    // ... and byte i of `through` counts the set bits of bytes 0..=i (at most 64).
    let through = bytes.wrapping_mul(ONES);
    // In each byte, 128 + rank - through keeps its high bit exactly when
    // through <= rank, without borrowing from the next byte: those bytes come
    // before the one that holds the bit, so counting them gives its index.
    let passed = (((rank as u64 * ONES) | HIGHS) - through) & HIGHS;
    let shift = ((passed >> 7).wrapping_mul(ONES) >> 56) * 8;
    // Set bits in the bytes passed: byte i of `through << 8` counts bytes 0..i.
    let skipped = ((through << 8) >> shift) as u32 & 0xff;
    let byte = (word >> shift) as u8;
    shift as u32 + SELECT_IN_BYTE[(rank - skipped) as usize][byte as usize] as u32
}

/// `SELECT_IN_BYTE[r][b]`: index of the set bit number `r` of byte `b` (8 where `b` has no such bit).
static SELECT_IN_BYTE: [[u8; 256]; 8] = select_in_byte_table();

const fn select_in_byte_table() -> [[u8; 256]; 8] {
    let mut table = [[8u8; 256]; 8];
    let mut byte = 0;
    while byte < 256 {
        let (mut bit, mut rank) = (0, 0);
        while bit < 8 {
            if byte >> bit & 1 == 1 {
                table[rank][byte] = bit as u8;
                rank += 1;
            }
            bit += 1;
        }
        byte += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_in_word_finds_every_rank() {
        let words = [1, u64::MAX, 0x8000_0000_0000_0001, 0xf0f0_0000_ff00_0101, 0x5555_5555_5555_5555, 1 << 63];
        let many = (0..1000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        for word in words.into_iter().chain(many) {
            let bits: Vec<u32> = (0..64).filter(|bit| word >> bit & 1 == 1).collect();
            for (rank, &bit) in bits.iter().enumerate() {
                assert_eq!(select_in_word(word, rank as u32), bit, "{word:#x} rank {rank}");
            }
        }
    }
}
