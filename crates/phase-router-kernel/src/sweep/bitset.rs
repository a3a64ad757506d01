//! A bitset over the positions of a ring, read along cyclic arcs.
//!
//! The sweep keeps one bit per S-ring position, set when the target sitting
//! there is a candidate of the current row. A row's candidates are then the
//! set bits of its S-arc, and "the i-th candidate in visit order" is the
//! i-th set bit counted from the start of the arc, wrapping at the end of
//! the ring. The sweep copies each arc out into an
//! [`ArcWords`](super::ArcWords) to count and find them.

use crate::arch;

/// One bit per position of a ring of `len` positions.
#[derive(Debug, Clone)]
pub(crate) struct RingBitset {
    pub(super) words: Vec<u64>,
    pub(super) len: usize,
    /// Scratch for [`places_then_clear`](Self::places_then_clear): running popcounts of `words`.
    before: Vec<u32>,
}

impl RingBitset {
    /// A bitset with every bit clear.
    pub fn new(len: usize) -> Self {
        RingBitset { words: vec![0; len.div_ceil(64)], len, before: Vec::new() }
    }

    /// Whether the bit at `position` is set.
    #[inline]
    pub fn contains(&self, position: usize) -> bool {
        self.words[position / 64] >> (position % 64) & 1 == 1
    }

    /// Sets the bit at `position`.
    #[inline]
    pub fn set(&mut self, position: usize) {
        self.words[position / 64] |= 1 << (position % 64);
    }

    /// Clears the bit at `position`.
    #[inline]
    pub fn clear(&mut self, position: usize) {
        self.words[position / 64] &= !(1 << (position % 64));
    }

    /// Flips the bit at `position`.
    #[inline]
    pub fn toggle(&mut self, position: usize) {
        self.words[position / 64] ^= 1 << (position % 64);
    }

    /// For each of `positions` (each set, each below `end`), how many set
    /// positions lie below it: its place in ascending order. Then clears
    /// every bit below `end`.
    pub fn places_then_clear(&mut self, end: usize, positions: &[u32], places: &mut [u32]) {
        let words = &mut self.words[..end.div_ceil(64)];
        arch::cpu().places_then_clear(words, &mut self.before, positions, places)
    }

    /// The bits of the cyclic arc `[start, start + len)`, read in ring order from `start`.
    ///
    /// Needs `start < ring length` (or both 0) and `len <= ring length`.
    pub fn arc(&self, start: usize, len: usize) -> ArcBits<'_> {
        debug_assert!(len <= self.len && (start < self.len || start + len == 0));
        ArcBits { bits: self, start, len }
    }
}

/// The bits of one cyclic arc of a [`RingBitset`], in visit order.
#[derive(Clone, Copy)]
pub(crate) struct ArcBits<'a> {
    pub(super) bits: &'a RingBitset,
    pub(super) start: usize,
    pub(super) len: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitset(len: usize, set: &[usize]) -> RingBitset {
        let mut bits = RingBitset::new(len);
        set.iter().for_each(|&p| bits.set(p));
        bits
    }

    #[test]
    fn places_count_the_set_positions_below_and_clear() {
        let dense: Vec<usize> = (128..140).chain([190, 199]).collect();
        for set in [vec![3, 64, 70, 130], vec![], vec![0, 1, 2, 3, 4, 5, 63, 64], dense] {
            let mut bits = bitset(200, &set);
            // Asked in descending order, each position's place is its index in `set`.
            let positions: Vec<u32> = set.iter().rev().map(|&p| p as u32).collect();
            let mut places = vec![7; set.len()];
            bits.places_then_clear(200, &positions, &mut places);
            assert_eq!(places, (0..set.len() as u32).rev().collect::<Vec<_>>());
            assert!((0..200).all(|p| !bits.contains(p)));
        }
    }

    #[test]
    fn toggle_and_clear_undo_set() {
        let mut bits = bitset(70, &[3, 69]);
        bits.toggle(3);
        bits.toggle(10);
        bits.clear(69);
        assert!(!bits.contains(3) && bits.contains(10) && !bits.contains(69));
    }
}
