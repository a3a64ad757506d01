//! A bitset over the positions of a ring, read along cyclic arcs.
//!
//! The sweep ([`crate::sweep`]) keeps one bit per S-ring position, set when
//! the target sitting there is a candidate of the current row. A row's
//! candidates are then the set bits of its S-arc, and "the i-th candidate in
//! visit order" is the i-th set bit counted from the start of the arc,
//! wrapping at the end of the ring. Counting and finding them goes a 64-bit
//! word at a time with popcounts instead of a position at a time.

/// One bit per position of a ring of `len` positions.
#[derive(Debug, Clone)]
pub struct RingBitset {
    words: Vec<u64>,
    len: usize,
}

impl RingBitset {
    /// A bitset with every bit clear.
    pub fn new(len: usize) -> Self {
        RingBitset { words: vec![0; len.div_ceil(64)], len }
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
pub struct ArcBits<'a> {
    bits: &'a RingBitset,
    start: usize,
    len: usize,
}

impl<'a> ArcBits<'a> {
    /// Number of set bits on the arc.
    pub fn count(self) -> usize {
        self.words().map(|(_, word)| word.count_ones() as usize).sum()
    }

    /// Calls `visit` with the position of every set bit on the arc, in visit order.
    pub fn for_each(self, mut visit: impl FnMut(usize)) {
        for (base, mut word) in self.words() {
            while word != 0 {
                visit(base + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
    }

    /// Finds set bits by rank: for the `i`-th entry of `ranks` (ascending,
    /// each below [`count`](Self::count)) calls `found(i, position)` with the
    /// position of the arc's set bit number `ranks[i]`, counting from 0 in visit order.
    ///
    /// Whole words are skipped by their popcount, so the cost is one pass over
    /// the arc's words plus a short scan inside the words that hold a rank.
    pub fn select(self, ranks: impl IntoIterator<Item = u32>, mut found: impl FnMut(usize, usize)) {
        let mut ranks = ranks.into_iter().map(|r| r as usize).enumerate().peekable();
        let mut before = 0; // set bits in the words already passed
        for (base, word) in self.words() {
            let here = word.count_ones() as usize;
            while let Some(&(i, rank)) = ranks.peek() {
                if rank >= before + here {
                    break;
                }
                found(i, base + nth_set_bit(word, rank - before));
                ranks.next();
            }
            if ranks.peek().is_none() {
                return;
            }
            before += here;
        }
    }

    /// The arc's words in visit order, as (position of the word's bit 0, word
    /// with the bits outside the arc cleared). A wrapping arc is the tail of
    /// the ring followed by its head.
    fn words(self) -> impl Iterator<Item = (usize, u64)> + 'a {
        let end = self.start + self.len;
        let ring = self.bits.len;
        let words: &'a [u64] = &self.bits.words;
        segment(words, self.start, end.min(ring)).chain(segment(words, 0, end.saturating_sub(ring)))
    }
}

/// The words holding bits `lo..hi` of `words`, masked to that range.
fn segment(words: &[u64], lo: usize, hi: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
    let first = lo / 64;
    let last = if hi > lo { hi.div_ceil(64) } else { first };
    (first..last).map(move |w| {
        let mut word = words[w];
        if w == first {
            word &= !0 << (lo % 64);
        }
        if w + 1 == last && hi % 64 != 0 {
            word &= !(!0 << (hi % 64));
        }
        (w * 64, word)
    })
}

/// Index of the set bit number `rank` (from 0, lowest first) of `word`; `rank < popcount(word)`.
#[inline]
fn nth_set_bit(mut word: u64, rank: usize) -> usize {
    for _ in 0..rank {
        word &= word - 1; // drop the lowest set bit
    }
    word.trailing_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitset(len: usize, set: &[usize]) -> RingBitset {
        let mut bits = RingBitset::new(len);
        set.iter().for_each(|&p| bits.set(p));
        bits
    }

    fn listed(arc: ArcBits) -> Vec<usize> {
        let mut positions = Vec::new();
        arc.for_each(|p| positions.push(p));
        positions
    }

    #[test]
    fn a_wrapping_arc_reads_the_tail_then_the_head() {
        let bits = bitset(150, &[0, 5, 63, 64, 100, 127, 128, 149]);
        let arc = bits.arc(100, 120); // 100..150 then 0..70
        assert_eq!(listed(arc), vec![100, 127, 128, 149, 0, 5, 63, 64]);
        assert_eq!(arc.count(), 8);
        assert_eq!(listed(bits.arc(5, 59)), vec![5, 63]); // 5..64: 63 is in, 64 is not
        assert_eq!(listed(bits.arc(64, 0)), vec![]);
        assert_eq!(listed(bits.arc(149, 150)), vec![149, 0, 5, 63, 64, 100, 127, 128]);
    }

    #[test]
    fn select_finds_the_ranked_bits_of_the_arc() {
        let set: Vec<usize> = (0..300).filter(|p| p % 7 == 3 || p % 11 == 0).collect();
        let bits = bitset(300, &set);
        for (start, len) in [(0, 300), (250, 300), (123, 45), (299, 2), (64, 64)] {
            let all = listed(bits.arc(start, len));
            let ranks: Vec<u32> = (0..all.len() as u32).filter(|r| r % 3 != 1).collect();
            let mut found = Vec::new();
            bits.arc(start, len).select(ranks.iter().copied(), |i, p| found.push((i, p)));
            let expected: Vec<(usize, usize)> = ranks.iter().enumerate().map(|(i, &r)| (i, all[r as usize])).collect();
            assert_eq!(found, expected, "arc {start}+{len}");
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
