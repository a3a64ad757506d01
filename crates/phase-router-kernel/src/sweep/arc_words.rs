//! One row's arc copied out of the sweep's bitset, counted, and searched by rank.
//!
//! The sweep copies each row's arc out once with the running popcount of
//! its words, so a chooser counts the candidates for free and finds the
//! `k` it keeps by rank without counting again. Finding a rank takes no
//! data-dependent branch: a random rank would mispredict a loop that stops
//! at it. The copying and the search take the fastest path of this CPU
//! ([`arch::Cpu`]).

use super::bitset::ArcBits;
use crate::arch;

/// Ranks looked up together: sixteen `u32`s, one AVX-512 vector.
pub(crate) const RANK_LANES: usize = 16;

/// Up to this many ranks, counting each one's word alone beats a block of sixteen.
const FEW_RANKS: usize = 6;

/// One arc's words copied out in visit order with their running popcounts,
/// so that a row's candidates are counted once and then found by rank
/// without counting again. The sweep reuses one for every row.
#[derive(Debug, Default)]
pub(crate) struct ArcWords {
    /// The arc's words in visit order, bits outside the arc cleared: the
    /// tail of the ring from the arc's start, then (if it wraps) the head.
    words: Vec<u64>,
    /// Ring position of bit 0 of the first word.
    first_base: usize,
    /// Index in `words` of the first word of the ring's head (`words.len()` if none).
    head_from: usize,
    /// `before[i]`: set bits in `words[..i]`, for `i` in `0..=words.len()`.
    before: Vec<u32>,
    /// Set bits on the arc.
    count: usize,
}

impl ArcWords {
    /// Copies out the words of `arc` and counts them.
    pub fn load(&mut self, arc: ArcBits<'_>) {
        let (ring, end) = (arc.bits.len, arc.start + arc.len);
        let tail = WordSpan::new(arc.start, end.min(ring));
        let head = WordSpan::new(0, end.saturating_sub(ring));
        arch::cpu().copy_arc(&arc.bits.words, &tail, &head, &mut self.words, &mut self.before);
        self.first_base = arc.start / 64 * 64;
        self.head_from = tail.len();
        self.count = self.before[self.words.len()] as usize;
    }

    /// Number of set bits on the arc.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Ring position of bit 0 of `words[w]`.
    #[inline]
    fn base(&self, w: usize) -> usize {
        if w < self.head_from {
            self.first_base + w * 64
        } else {
            (w - self.head_from) * 64
        }
    }

    /// Calls `visit` with the position of every set bit on the arc, in visit order.
    pub fn for_each(&self, mut visit: impl FnMut(usize)) {
        for (w, &word) in self.words.iter().enumerate() {
            let base = self.base(w);
            let mut word = word;
            while word != 0 {
                visit(base + word.trailing_zeros() as usize);
                word &= word - 1; // drop the lowest set bit
            }
        }
    }

    /// Finds set bits by rank: for the `i`-th entry of `ranks` (in any order,
    /// each below [`count`](Self::count)) calls `found(i, position)` with the
    /// position of the arc's set bit number `ranks[i]`, counting from 0 in visit order.
    ///
    /// Neither finding the word nor the bit inside it takes a data-dependent
    /// branch: ranks drawn at random would mispredict them. Where the CPU has
    /// AVX-512 or AVX2, and BMI2, the words are found with wider compares
    /// and the bit with one PDEP.
    pub fn select(&self, ranks: &[u32], found: impl FnMut(usize, usize)) {
        arch::cpu().select(self, ranks, found)
    }

    /// [`select`](Self::select) with its two halves given: `words_of` finds
    /// the word of each of sixteen ranks, `in_word` the bit inside a word.
    /// Each path of `arch` compiles this with its own halves.
    #[inline(always)]
    pub fn select_by(
        &self,
        ranks: &[u32],
        mut found: impl FnMut(usize, usize),
        words_of: impl Fn(&[u32], &[u32; RANK_LANES]) -> [u32; RANK_LANES],
        in_word: impl Fn(u64, u32) -> u32,
    ) {
        let ends = &self.before[1..=self.words.len()];
        // The bit of rank `rank` in word `w`, as `found` wants it.
        let mut found_in = |i: usize, rank: u32, w: usize| {
            let bit = in_word(self.words[w], rank - self.before[w]);
            found(i, self.base(w) + bit as usize);
        };
        if ranks.len() <= FEW_RANKS {
            // A few ranks are quicker counted one at a time than in a vector of sixteen.
            for (i, &rank) in ranks.iter().enumerate() {
                found_in(i, rank, arch::words_holding_one(ends, rank));
            }
            return;
        }
        for (block, ranks) in ranks.chunks(RANK_LANES).enumerate() {
            let mut lanes = [u32::MAX; RANK_LANES];
            lanes[..ranks.len()].copy_from_slice(ranks);
            let word_of = words_of(ends, &lanes);
            for (lane, (&rank, &w)) in ranks.iter().zip(&word_of).enumerate() {
                found_in(block * RANK_LANES + lane, rank, w as usize);
            }
        }
    }
}

/// What the x86-64 lookup in vector lanes (`arch/x86_64/select16.rs`) reads.
#[cfg(target_arch = "x86_64")]
impl ArcWords {
    /// The arc's words, in visit order.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The running popcounts of [`words`](Self::words), one more than words.
    pub fn running_counts(&self) -> &[u32] {
        &self.before
    }

    /// Ring position of bit 0 of the first word.
    pub fn first_base(&self) -> usize {
        self.first_base
    }

    /// Index of the first word that comes from the head of the ring.
    pub fn head_from(&self) -> usize {
        self.head_from
    }
}

/// The words of a bitset holding bits `lo..hi`, and the masks that clear
/// the bits outside that range in its first and last word.
pub(crate) struct WordSpan {
    pub first: usize,
    pub last: usize,
    pub low_mask: u64,
    pub high_mask: u64,
}

impl WordSpan {
    pub fn new(lo: usize, hi: usize) -> Self {
        let (first, last) = if hi > lo { (lo / 64, hi.div_ceil(64)) } else { (0, 0) };
        let high_mask = if hi.is_multiple_of(64) { !0 } else { !(!0 << (hi % 64)) };
        WordSpan { first, last, low_mask: !0 << (lo % 64), high_mask }
    }

    pub fn len(&self) -> usize {
        self.last - self.first
    }
}

#[cfg(test)]
mod tests {
    use super::super::RingBitset;
    use super::*;

    fn bitset(len: usize, set: impl Iterator<Item = usize>) -> RingBitset {
        let mut bits = RingBitset::new(len);
        set.for_each(|p| bits.set(p));
        bits
    }

    fn loaded(arc: ArcBits) -> ArcWords {
        let mut words = ArcWords::default();
        words.load(arc);
        words
    }

    fn listed(arc: ArcBits) -> Vec<usize> {
        let mut positions = Vec::new();
        loaded(arc).for_each(|p| positions.push(p));
        positions
    }

    #[test]
    fn a_wrapping_arc_reads_the_tail_then_the_head() {
        let bits = bitset(150, [0, 5, 63, 64, 100, 127, 128, 149].into_iter());
        let arc = bits.arc(100, 120); // 100..150 then 0..70
        assert_eq!(listed(arc), vec![100, 127, 128, 149, 0, 5, 63, 64]);
        assert_eq!(loaded(arc).count(), 8);
        assert_eq!(loaded(bits.arc(64, 0)).count(), 0);
        assert_eq!(listed(bits.arc(5, 59)), vec![5, 63]); // 5..64: 63 is in, 64 is not
        assert_eq!(listed(bits.arc(64, 0)), vec![]);
        assert_eq!(listed(bits.arc(149, 150)), vec![149, 0, 5, 63, 64, 100, 127, 128]);
    }

    #[test]
    fn select_finds_the_ranked_bits_of_the_arc() {
        let bits = bitset(300, (0..300).filter(|p| p % 7 == 3 || p % 11 == 0));
        for (start, len) in [(0, 300), (250, 300), (123, 45), (299, 2), (64, 64)] {
            let all = listed(bits.arc(start, len));
            let ranks: Vec<u32> = (0..all.len() as u32).filter(|r| r % 3 != 1).collect();
            let words = loaded(bits.arc(start, len));
            assert_eq!(words.count(), all.len());
            // All the ranks at once, then a few at a time (counted one by one).
            for ranks in std::iter::once(&ranks[..]).chain(ranks.chunks(3)) {
                let mut found = Vec::new();
                words.select(ranks, |i, p| found.push((i, p)));
                let expected: Vec<(usize, usize)> =
                    ranks.iter().enumerate().map(|(i, &r)| (i, all[r as usize])).collect();
                assert_eq!(found, expected, "arc {start}+{len}, ranks {ranks:?}");
            }
        }
    }
}
