//! Popcount loops over the words of a bitset or a matrix.

use crate::sweep::WordSpan;

/// Popcounts of the first `degrees.len()` rows of `words` words in `bits`.
#[inline(always)]
pub(crate) fn count_rows(bits: &[u64], words: usize, degrees: &mut [u32]) {
    for (degree, row) in degrees.iter_mut().zip(bits.chunks(words)) {
        *degree = row.iter().map(|w| w.count_ones()).sum();
    }
}

/// Fills `before` with the running popcounts of `words`: `before[i]` counts
/// the set bits of `words[..i]`, for `i` in `0..=words.len()`.
#[inline(always)]
fn running_popcounts(words: &[u64], before: &mut Vec<u32>) {
    before.clear();
    let mut total = 0;
    before.push(total);
    for word in words {
        total += word.count_ones();
        before.push(total);
    }
}

/// For each of `positions` (each a set bit of `words`), how many set bits
/// lie below it: its place in ascending order. Then clears `words`.
///
/// Counting with popcounts takes no data-dependent branch, where listing
/// the set bits in order would stop at a random bit of every word.
#[inline(always)]
pub(crate) fn places_then_clear(words: &mut [u64], before: &mut Vec<u32>, positions: &[u32], places: &mut [u32]) {
    running_popcounts(words, before);
    for (place, &position) in places.iter_mut().zip(positions) {
        let (w, bit) = (position as usize / 64, position % 64);
        *place = before[w] + (words[w] & !(u64::MAX << bit)).count_ones();
    }
    words.fill(0);
}

/// Replaces `words` with the words of `ring` in `tail`, then in `head`,
/// masked to the spans, and `before` with their running popcounts.
#[inline(always)]
pub(crate) fn copy_arc(ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
    words.clear();
    for span in [tail, head] {
        if span.len() == 0 {
            continue;
        }
        let at = words.len();
        words.extend_from_slice(&ring[span.first..span.last]);
        words[at] &= span.low_mask;
        let last = words.len() - 1;
        words[last] &= span.high_mask;
    }
    running_popcounts(words, before);
}
