//! A bitset over the positions of a ring, read along cyclic arcs.
//!
//! The sweep ([`crate::sweep`]) keeps one bit per S-ring position, set when
//! the target sitting there is a candidate of the current row. A row's
//! candidates are then the set bits of its S-arc, and "the i-th candidate in
//! visit order" is the i-th set bit counted from the start of the arc,
//! wrapping at the end of the ring. Counting and finding them goes a 64-bit
//! word at a time with popcounts instead of a position at a time.
//!
//! The sweep copies each row's arc out once into an [`ArcWords`] with the
//! running popcount of its words (using POPCNT where the CPU has it), so a
//! chooser counts the candidates for free and finds the `k` it keeps by rank
//! without counting again. Finding a rank takes no data-dependent branch: a
//! random rank would mispredict a loop that stops at it.

/// One bit per position of a ring of `len` positions.
#[derive(Debug, Clone)]
pub struct RingBitset {
    words: Vec<u64>,
    len: usize,
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
    ///
    /// Counting with popcounts takes no data-dependent branch, where listing
    /// the set bits in order would stop at a random bit of every word.
    pub fn places_then_clear(&mut self, end: usize, positions: &[u32], places: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU was just found to support POPCNT.
            return unsafe { self.places_then_clear_popcnt(end, positions, places) };
        }
        self.places_then_clear_portable(end, positions, places)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn places_then_clear_popcnt(&mut self, end: usize, positions: &[u32], places: &mut [u32]) {
        self.places_then_clear_portable(end, positions, places)
    }

    #[inline(always)]
    fn places_then_clear_portable(&mut self, end: usize, positions: &[u32], places: &mut [u32]) {
        let words = &mut self.words[..end.div_ceil(64)];
        running_popcounts(words, &mut self.before);
        for (place, &position) in places.iter_mut().zip(positions) {
            let (w, bit) = (position as usize / 64, position % 64);
            *place = self.before[w] + (words[w] & !(u64::MAX << bit)).count_ones();
        }
        words.fill(0);
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

/// One arc's words copied out in visit order with their running popcounts,
/// so that a row's candidates are counted once and then found by rank
/// without counting again. The sweep reuses one for every row.
#[derive(Debug, Default)]
pub struct ArcWords {
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
    ///
    /// Where the CPU has AVX-512 with its vector popcount (detected at run
    /// time), eight words at a time; the running counts then come from a
    /// prefix sum across the vector's lanes.
    pub fn load(&mut self, arc: ArcBits<'_>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512vpopcntdq") {
            // SAFETY: the CPU was just found to support both.
            return unsafe { self.load_avx512(arc) };
        }
        self.load_portable(arc)
    }

    fn load_portable(&mut self, arc: ArcBits<'_>) {
        let (ring, end) = (arc.bits.len, arc.start + arc.len);
        self.words.clear();
        self.first_base = arc.start / 64 * 64;
        self.push_segment(&arc.bits.words, arc.start, end.min(ring));
        self.head_from = self.words.len();
        self.push_segment(&arc.bits.words, 0, end.saturating_sub(ring));
        running_popcounts(&self.words, &mut self.before);
        self.count = self.before[self.words.len()] as usize;
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    unsafe fn load_avx512(&mut self, arc: ArcBits<'_>) {
        use std::arch::x86_64::*;
        let (ring, end) = (arc.bits.len, arc.start + arc.len);
        let tail = WordSpan::new(arc.start, end.min(ring));
        let head = WordSpan::new(0, end.saturating_sub(ring));
        let len = tail.len() + head.len();
        // Whole vectors are written, up to 8 lanes past the end.
        self.words.clear();
        self.words.reserve(len + 8);
        self.before.clear();
        self.before.reserve(len + 1 + 8);
        let (source, words, before) = (arc.bits.words.as_ptr(), self.words.as_mut_ptr(), self.before.as_mut_ptr());
        // SAFETY: within the reserved capacity.
        unsafe { *before = 0 };
        // Running counts: each vector's popcounts, summed across lanes in
        // three shifts, plus the total of the words before it.
        let zero = _mm512_setzero_si512();
        let mut carried = zero;
        for (span, at) in [(&tail, 0), (&head, tail.len())] {
            for i in (0..span.len()).step_by(8) {
                let lanes = (span.len() - i).min(8);
                // SAFETY: the masked load reads words `span.first + i..span.last` of the ring.
                let v = unsafe { _mm512_maskz_loadu_epi64(u8::MAX >> (8 - lanes), source.add(span.first + i).cast()) };
                // Clear the bits before the span in its first word and after it in its last.
                let v = _mm512_mask_and_epi64(v, (i == 0) as u8, v, _mm512_set1_epi64(span.low_mask as i64));
                let v = _mm512_mask_and_epi64(v, ((i + 8 >= span.len()) as u8) << (lanes - 1), v, _mm512_set1_epi64(span.high_mask as i64));
                let counts = _mm512_popcnt_epi64(v);
                let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<7>(counts, zero));
                let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<6>(counts, zero));
                let counts = _mm512_add_epi64(counts, _mm512_alignr_epi64::<4>(counts, zero));
                let running = _mm512_add_epi64(counts, carried);
                // SAFETY: whole vectors stay within the reserved capacities;
                // lanes past the span are overwritten next or left past the end.
                unsafe {
                    _mm512_storeu_si512(words.add(at + i).cast(), v);
                    _mm256_storeu_si256(before.add(1 + at + i).cast(), _mm512_cvtepi64_epi32(running));
                }
                carried = _mm512_permutexvar_epi64(_mm512_set1_epi64(lanes as i64 - 1), running);
            }
        }
        // SAFETY: the first `len` words were written above.
        unsafe { self.words.set_len(len) };
        // SAFETY: entries `0..=len` were written above.
        unsafe { self.before.set_len(len + 1) };
        self.first_base = arc.start / 64 * 64;
        self.head_from = tail.len();
        self.count = self.before[len] as usize;
    }

    /// Appends the words holding bits `lo..hi` of `words`, masked to that range.
    fn push_segment(&mut self, words: &[u64], lo: usize, hi: usize) {
        let span = WordSpan::new(lo, hi);
        if span.len() == 0 {
            return;
        }
        let at = self.words.len();
        self.words.extend_from_slice(&words[span.first..span.last]);
        self.words[at] &= span.low_mask;
        let last = self.words.len() - 1;
        self.words[last] &= span.high_mask;
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

    /// Number of set bits on the arc.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Calls `visit` with the position of every set bit on the arc, in visit order.
    pub fn for_each(&self, mut visit: impl FnMut(usize)) {
        for (w, &word) in self.words.iter().enumerate() {
            let base = self.base(w);
            for_each_bit(word, |bit| visit(base + bit));
        }
    }

    /// Finds set bits by rank: for the `i`-th entry of `ranks` (in any order,
    /// each below [`count`](Self::count)) calls `found(i, position)` with the
    /// position of the arc's set bit number `ranks[i]`, counting from 0 in visit order.
    ///
    /// Neither finding the word nor the bit inside it takes a data-dependent
    /// branch: ranks drawn at random would mispredict them. Where the CPU has
    /// AVX-512 or AVX2, and BMI2 (detected at run time), the same loop is
    /// compiled with them: the words are found with wider compares and the
    /// bit with one PDEP.
    pub fn select(&self, ranks: &[u32], found: impl FnMut(usize, usize)) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("bmi2") {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU was just found to support both.
                return unsafe { self.select_avx512_bmi2(ranks, found) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU was just found to support both.
                return unsafe { self.select_avx2_bmi2(ranks, found) };
            }
        }
        self.select_with(ranks, found, words_holding, select_in_word)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,bmi2")]
    unsafe fn select_avx512_bmi2(&self, ranks: &[u32], found: impl FnMut(usize, usize)) {
        // SAFETY: AVX-512F and BMI2 are enabled here.
        let words_holding = |ends: &[u32], ranks: &[u32; RANK_LANES]| words_holding_avx512(ends, ranks);
        // SAFETY: as above.
        self.select_with(ranks, found, words_holding, |word, rank| unsafe { select_in_word_pdep(word, rank) })
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi2")]
    unsafe fn select_avx2_bmi2(&self, ranks: &[u32], found: impl FnMut(usize, usize)) {
        // SAFETY: BMI2 is enabled here.
        self.select_with(ranks, found, words_holding, |word, rank| unsafe { select_in_word_pdep(word, rank) })
    }

    /// Looks the ranks up sixteen at a time: `words_of` finds the word of each,
    /// `in_word` the bit inside it.
    /// For `slots.len() <= 16` ranks in ascending order (each below
    /// [`count`](Self::count)), writes to `slots[i]` the target at the
    /// position of the arc's set bit number `ranks[i]`: [`select`](Self::select)
    /// and the lookup in `target_at`, sixteen lanes at a time throughout.
    ///
    /// The word of each rank is found as in `select`; the bit inside it by
    /// counting twice more: bytes (AVX-512 BITALG's per-byte popcount,
    /// summed across a word's bytes by one multiplication), then bits of the
    /// byte found (spread one per byte). Positions are clamped to the ring,
    /// so that a rank out of range cannot read outside `target_at`.
    ///
    /// # Safety
    ///
    /// Only where the CPU has AVX-512 F, BW, DQ, VL, VPOPCNTDQ and BITALG.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx512vpopcntdq,avx512bitalg")]
    pub unsafe fn select_targets16(&self, ranks: &[u32; RANK_LANES], target_at: &[u32], slots: &mut [i32]) {
        use std::arch::x86_64::*;
        let k = slots.len();
        assert!((1..=RANK_LANES).contains(&k) && !self.words.is_empty() && !target_at.is_empty());
        let lanes = (u32::MAX >> (32 - k)) as u16;
        // SAFETY: `ranks` is sixteen `u32`s, one vector.
        let ranks = unsafe { _mm512_loadu_si512(ranks.as_ptr().cast()) };
        let word_of = words_holding_lanes(&self.before[1..=self.words.len()], ranks);
        let word_of = _mm512_min_epu32(word_of, _mm512_set1_epi32(self.words.len() as i32 - 1));
        // SAFETY: every index is at most `words.len() - 1`, within both `before` and `words`.
        let (before, low_words, high_words) = unsafe {
            let before = _mm512_mask_i32gather_epi32::<4>(_mm512_setzero_si512(), lanes, word_of, self.before.as_ptr().cast());
            let gather = |half: __m256i, mask: u8| _mm512_mask_i32gather_epi64::<8>(_mm512_setzero_si512(), mask, half, self.words.as_ptr().cast());
            (before, gather(_mm512_castsi512_si256(word_of), lanes as u8), gather(_mm512_extracti64x4_epi64::<1>(word_of), (lanes >> 8) as u8))
        };
        let in_word = _mm512_sub_epi32(ranks, before);
        let low_bits = _mm512_cvtepi64_epi32(select_in_words(low_words, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(in_word))));
        let high_bits = _mm512_cvtepi64_epi32(select_in_words(high_words, _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64::<1>(in_word))));
        let bits = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(low_bits), high_bits);
        // Ring position of each word's bit 0 (see `base`), plus the bit.
        let word_base = _mm512_slli_epi32::<6>(word_of);
        let in_head = _mm512_cmpge_epu32_mask(word_of, _mm512_set1_epi32(self.head_from as i32));
        let tail_base = _mm512_add_epi32(word_base, _mm512_set1_epi32(self.first_base as i32));
        let base = _mm512_mask_sub_epi32(tail_base, in_head, word_base, _mm512_set1_epi32(64 * self.head_from as i32));
        let positions = _mm512_min_epu32(_mm512_add_epi32(base, bits), _mm512_set1_epi32(target_at.len() as i32 - 1));
        // SAFETY: positions are clamped to `target_at`, and the store writes the `k` lanes of `slots` only.
        unsafe {
            let targets = _mm512_mask_i32gather_epi32::<4>(_mm512_setzero_si512(), lanes, positions, target_at.as_ptr().cast());
            _mm512_mask_storeu_epi32(slots.as_mut_ptr(), lanes, targets);
        }
    }

    #[inline(always)]
    fn select_with(
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
                found_in(i, rank, words_holding_one(ends, rank));
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

/// For each rank, the index of the word holding it: the number of words
/// whose running count (`ends`) ends at or below the rank. Counted for all
/// the ranks at once and without a branch: a loop that stops at the word
/// would mispredict once per rank.
#[inline(always)]
fn words_holding(ends: &[u32], ranks: &[u32; RANK_LANES]) -> [u32; RANK_LANES] {
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
fn words_holding_one(ends: &[u32], rank: u32) -> usize {
    ends.iter().map(|&end| (end <= rank) as u32).sum::<u32>() as usize
}

/// Up to this many ranks, [`words_holding_one`] each beats a vector of sixteen.
const FEW_RANKS: usize = 6;

/// [`words_holding`] with the sixteen ranks in one AVX-512 vector (the
/// compiler, left alone, vectorizes across `ends` instead).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn words_holding_avx512(ends: &[u32], ranks: &[u32; RANK_LANES]) -> [u32; RANK_LANES] {
    use std::arch::x86_64::*;
    // SAFETY: `ranks` and `out` are 16 `u32`s, one unaligned vector each.
    let passed = words_holding_lanes(ends, unsafe { _mm512_loadu_si512(ranks.as_ptr().cast()) });
    let mut out = [0u32; RANK_LANES];
    unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), passed) };
    out
}

/// [`words_holding`] on ranks and counts in vector lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn words_holding_lanes(ends: &[u32], ranks: std::arch::x86_64::__m512i) -> std::arch::x86_64::__m512i {
    use std::arch::x86_64::*;
    let mut passed = _mm512_setzero_si512();
    for &end in ends {
        let below = _mm512_cmple_epu32_mask(_mm512_set1_epi32(end as i32), ranks);
        passed = _mm512_mask_sub_epi32(passed, below, passed, _mm512_set1_epi32(-1));
    }
    passed
}

/// The words of a bitset holding bits `lo..hi`, and the masks that clear
/// the bits outside that range in its first and last word.
struct WordSpan {
    first: usize,
    last: usize,
    low_mask: u64,
    high_mask: u64,
}

impl WordSpan {
    fn new(lo: usize, hi: usize) -> Self {
        let (first, last) = if hi > lo { (lo / 64, hi.div_ceil(64)) } else { (0, 0) };
        let high_mask = if hi.is_multiple_of(64) { !0 } else { !(!0 << (hi % 64)) };
        WordSpan { first, last, low_mask: !0 << (lo % 64), high_mask }
    }

    fn len(&self) -> usize {
        self.last - self.first
    }
}

/// Ranks looked up together: sixteen `u32`s, one AVX-512 vector.
const RANK_LANES: usize = 16;

/// Calls `visit` with the index of every set bit of `word`, lowest first.
#[inline]
fn for_each_bit(mut word: u64, mut visit: impl FnMut(usize)) {
    while word != 0 {
        visit(word.trailing_zeros() as usize);
        word &= word - 1; // drop the lowest set bit
    }
}

/// Fills `before` with the running popcounts of `words`: `before[i]` counts
/// the set bits of `words[..i]`, for `i` in `0..=words.len()`.
///
/// Generic x86-64 has no popcount instruction, and the portable sequence
/// costs about ten instructions per word: where the CPU has POPCNT, the same
/// loop is compiled a second time with it. Both give the same counts.
fn running_popcounts(words: &[u64], before: &mut Vec<u32>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("popcnt") {
        // SAFETY: the CPU was just found to support POPCNT.
        return unsafe { running_popcounts_popcnt(words, before) };
    }
    running_popcounts_portable(words, before)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn running_popcounts_popcnt(words: &[u64], before: &mut Vec<u32>) {
    running_popcounts_portable(words, before)
}

#[inline(always)]
fn running_popcounts_portable(words: &[u64], before: &mut Vec<u32>) {
    before.clear();
    let mut total = 0;
    before.push(total);
    for word in words {
        total += word.count_ones();
        before.push(total);
    }
}

/// Index of the set bit number `rank` (from 0, lowest first) of `word`; `rank < popcount(word)`.
///
/// Broadword, with no loop over the word's bits: the popcount of every byte,
/// summed into running counts by one multiplication, says which byte holds
/// the bit, and a table finds it inside that byte.
#[inline]
fn select_in_word(word: u64, rank: u32) -> u32 {
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

/// [`select_in_word`] in each of eight lanes: the index of the set bit
/// number `ranks` (each below the lane's popcount) of `words`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vpopcntdq,avx512bitalg")]
#[inline]
fn select_in_words(words: std::arch::x86_64::__m512i, ranks: std::arch::x86_64::__m512i) -> std::arch::x86_64::__m512i {
    use std::arch::x86_64::*;
    let ones = _mm512_set1_epi64(0x0101_0101_0101_0101); // 1 in every byte
    // Bytes of `counts` are counts of set bits up to and including each byte:
    // those at or below `ranks` come before the byte holding the bit.
    let in_bytes_before = |counts: __m512i, ranks: __m512i| {
        let passed = _mm512_cmple_epu8_mask(_mm512_mullo_epi64(counts, ones), _mm512_mullo_epi64(ranks, ones));
        _mm512_srli_epi64::<3>(_mm512_popcnt_epi64(_mm512_movm_epi8(passed)))
    };
    let byte_counts = _mm512_popcnt_epi8(words);
    let byte = in_bytes_before(byte_counts, ranks);
    let shift = _mm512_slli_epi64::<3>(byte);
    // Set bits in the bytes passed: byte i of `through << 8` counts bytes 0..i.
    let through = _mm512_mullo_epi64(byte_counts, ones);
    let skipped = _mm512_and_si512(_mm512_srlv_epi64(_mm512_slli_epi64::<8>(through), shift), _mm512_set1_epi64(0xff));
    let byte_value = _mm512_and_si512(_mm512_srlv_epi64(words, shift), _mm512_set1_epi64(0xff));
    // The byte's bits, one per byte (bit j in byte j), counted the same way.
    let spread = _mm512_and_si512(_mm512_mullo_epi64(byte_value, ones), _mm512_set1_epi64(0x8040_2010_0804_0201u64 as i64));
    let bit_ones = _mm512_maskz_mov_epi8(_mm512_test_epi8_mask(spread, spread), _mm512_set1_epi8(1));
    let bit = in_bytes_before(bit_ones, _mm512_sub_epi64(ranks, skipped));
    _mm512_add_epi64(shift, bit)
}

/// [`select_in_word`] in two instructions: PDEP deposits the single bit
/// `1 << rank` onto the `rank`-th set bit of `word`, whose index is then its
/// trailing-zero count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "bmi2")]
#[inline]
unsafe fn select_in_word_pdep(word: u64, rank: u32) -> u32 {
    std::arch::x86_64::_pdep_u64(1 << rank, word).trailing_zeros()
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

    fn bitset(len: usize, set: &[usize]) -> RingBitset {
        let mut bits = RingBitset::new(len);
        set.iter().for_each(|&p| bits.set(p));
        bits
    }

    fn listed(arc: ArcBits) -> Vec<usize> {
        let mut positions = Vec::new();
        loaded(arc).for_each(|p| positions.push(p));
        positions
    }

    #[test]
    fn a_wrapping_arc_reads_the_tail_then_the_head() {
        let bits = bitset(150, &[0, 5, 63, 64, 100, 127, 128, 149]);
        let arc = bits.arc(100, 120); // 100..150 then 0..70
        assert_eq!(listed(arc), vec![100, 127, 128, 149, 0, 5, 63, 64]);
        assert_eq!(loaded(arc).count(), 8);
        assert_eq!(loaded(bits.arc(64, 0)).count(), 0);
        assert_eq!(listed(bits.arc(5, 59)), vec![5, 63]); // 5..64: 63 is in, 64 is not
        assert_eq!(listed(bits.arc(64, 0)), vec![]);
        assert_eq!(listed(bits.arc(149, 150)), vec![149, 0, 5, 63, 64, 100, 127, 128]);
    }

    fn loaded(arc: ArcBits) -> ArcWords {
        let mut words = ArcWords::default();
        words.load(arc);
        words
    }

    #[test]
    fn every_load_path_copies_and_counts_the_same() {
        let set: Vec<usize> = (0..1000).filter(|p| p % 3 == 0 || p % 7 == 1).collect();
        let bits = bitset(1000, &set);
        for (start, len) in [(0, 1000), (999, 1000), (5, 3), (64, 64), (100, 0), (930, 600), (1, 999), (640, 127)] {
            let (mut shipped, mut portable) = (ArcWords::default(), ArcWords::default());
            shipped.load(bits.arc(start, len));
            portable.load_portable(bits.arc(start, len));
            assert_eq!(shipped.words, portable.words, "arc {start}+{len}");
            assert_eq!(shipped.before, portable.before, "arc {start}+{len}");
            assert_eq!((shipped.count, shipped.first_base, shipped.head_from), (portable.count, portable.first_base, portable.head_from));
        }
    }

    #[test]
    fn select_finds_the_ranked_bits_of_the_arc() {
        let set: Vec<usize> = (0..300).filter(|p| p % 7 == 3 || p % 11 == 0).collect();
        let bits = bitset(300, &set);
        for (start, len) in [(0, 300), (250, 300), (123, 45), (299, 2), (64, 64)] {
            let all = listed(bits.arc(start, len));
            let ranks: Vec<u32> = (0..all.len() as u32).filter(|r| r % 3 != 1).collect();
            let mut found = Vec::new();
            let words = loaded(bits.arc(start, len));
            assert_eq!(words.count(), all.len());
            words.select(&ranks, |i, p| found.push((i, p)));
            let expected: Vec<(usize, usize)> = ranks.iter().enumerate().map(|(i, &r)| (i, all[r as usize])).collect();
            assert_eq!(found, expected, "arc {start}+{len}");
            // The portable path, whichever one `select` took on this CPU.
            found.clear();
            words.select_with(&ranks, |i, p| found.push((i, p)), words_holding, select_in_word);
            assert_eq!(found, expected, "arc {start}+{len}, portable");
            // A few ranks at a time, counted one by one.
            for few in ranks.chunks(3) {
                found.clear();
                words.select(few, |i, p| found.push((i, p)));
                let expected: Vec<(usize, usize)> = few.iter().enumerate().map(|(i, &r)| (i, all[r as usize])).collect();
                assert_eq!(found, expected, "arc {start}+{len}, ranks {few:?}");
            }
        }
    }

    #[test]
    fn select_targets16_finds_what_select_finds() {
        if !crate::floyd16::available(RANK_LANES) {
            eprintln!("this CPU lacks some of AVX-512: select_targets16 is not used here");
            return;
        }
        let set: Vec<usize> = (0..700).filter(|p| p % 5 == 2 || p % 13 == 0 || (200..330).contains(p)).collect();
        let bits = bitset(700, &set);
        let target_at: Vec<u32> = (0..700).map(|p| 7 * p + 1).collect();
        for (start, len) in [(0, 700), (650, 700), (123, 45), (699, 2), (64, 64), (190, 200), (5, 600)] {
            let words = loaded(bits.arc(start, len));
            for k in 1..=RANK_LANES.min(words.count()) {
                // Ascending ranks spread over the arc, the last one the arc's last candidate.
                let ranks: Vec<u32> = (0..k).map(|i| ((words.count() - 1) * (i + 1) / k) as u32).collect();
                let mut expected = vec![0; k];
                words.select(&ranks, |i, p| expected[i] = target_at[p] as i32);
                let mut lanes = [u32::MAX; RANK_LANES];
                lanes[..k].copy_from_slice(&ranks);
                let mut slots = vec![-1; k];
                // SAFETY: available() said yes.
                unsafe { words.select_targets16(&lanes, &target_at, &mut slots) };
                assert_eq!(slots, expected, "arc {start}+{len}, k {k}");
            }
        }
    }

    #[test]
    fn select_in_word_finds_every_rank() {
        let words = [1, u64::MAX, 0x8000_0000_0000_0001, 0xf0f0_0000_ff00_0101, 0x5555_5555_5555_5555, 1 << 63];
        let many = (0..1000u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        for word in words.into_iter().chain(many) {
            let mut bits = Vec::new();
            for_each_bit(word, |bit| bits.push(bit as u32));
            for (rank, &bit) in bits.iter().enumerate() {
                assert_eq!(select_in_word(word, rank as u32), bit, "{word:#x} rank {rank}");
            }
        }
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
