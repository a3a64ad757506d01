//! The greedy's order over (token, expert) pairs, sorted in parallel.
//!
//! Each pair becomes one word: the top of its selection key above its
//! expert above its token and place, the top taking all the bits the others
//! leave. A stable least-significant-digit radix sort, [`DIGIT_BITS`] bits
//! per pass, on the highest 32 bits in which the words differ (above the sign and the
//! exponent's bits that all share), keeps words equal there in pair order;
//! each run of such words, rare outside true ties, is then sorted by the
//! whole key. The greedy reads the expert and the token from the word itself.
//!
//! Each pass is parallel over chunks of the words (see [`scatter`]), and
//! its output does not depend on how they were cut.

/// Bits sorted per pass of the radix sort: three passes cover the 32 (an
/// A/B against bytes, four passes: 4% less time for `reroute` at E = 8).
const DIGIT_BITS: u32 = 11;

use super::descending;
use super::scatter;
use crate::gate::choose::Candidate;
use crate::gate::spare;
use crate::parallel;

/// Where a word holds a pair's token, its place in the token's row of
/// candidates, its expert and the top of its key (from low to high bits).
/// Token and place in that order sort as the pair's index does.
#[derive(Clone, Copy)]
pub struct Packing {
    tokens: usize,
    width: usize,
    place_bits: u32,
    /// Bits of the token and the place.
    index_bits: u32,
    /// Bits below the top: the index's and the expert's.
    low_bits: u32,
}

impl Packing {
    /// The packing for rows of `width` candidates of `tokens` tokens among `experts` experts.
    pub fn new(tokens: usize, width: usize, experts: usize) -> Self {
        let bits = |count: usize| usize::BITS - count.saturating_sub(1).leading_zeros();
        let place_bits = bits(width);
        let index_bits = place_bits + bits(tokens);
        Packing { tokens, width, place_bits, index_bits, low_bits: index_bits + bits(experts) }
    }

    /// How many tokens there are.
    pub fn tokens(self) -> usize {
        self.tokens
    }

    /// The word of the pair of `token` and its candidate at `place`, of
    /// `expert`, without the top of its key.
    pub fn pack(self, expert: u32, token: usize, place: usize) -> u64 {
        (expert as u64) << self.index_bits | (token as u64) << self.place_bits | place as u64
    }

    /// The pair's token in a word.
    pub fn token(self, word: u64) -> usize {
        ((word & ((1 << self.index_bits) - 1)) >> self.place_bits) as usize
    }

    /// The pair's place in its token's row in a word.
    pub fn place(self, word: u64) -> usize {
        (word & ((1 << self.place_bits) - 1)) as usize
    }

    /// The pair's index in a word.
    pub fn pair(self, word: u64) -> usize {
        self.token(word) * self.width + self.place(word)
    }

    /// The pair's expert in a word.
    pub fn expert(self, word: u64) -> usize {
        ((word >> self.index_bits) & ((1 << (self.low_bits - self.index_bits)) - 1)) as usize
    }
}

/// The whole key of a pair: selection score descending, then score
/// descending (a score plus the expert's bias can round two different scores
/// to one selection score; the second key keeps them apart), then the pair's
/// index (the earlier token; for one token the candidate order, which puts
/// equal scores in expert order). Smaller is better.
pub fn key(candidates: &[Candidate], pair: usize) -> (u64, u64, usize) {
    let c = &candidates[pair];
    (descending(c.selection), descending(c.score), pair)
}

/// `read(words)` of the pairs that `keep` keeps, packed, in the order of
/// [`key`]. The words live in one spare array (three times the candidates:
/// the kept words, then two for the sort to pass between), kept for the next
/// call, whose fresh pages would cost page faults.
pub fn by_key<R>(
    candidates: &[Candidate],
    packing: Packing,
    keep: impl Fn(usize) -> bool + Sync,
    read: impl FnOnce(&[u64]) -> R,
) -> R {
    let mut arrays = spare::WORDS.take(3 * candidates.len());
    let (kept, rest) = arrays.split_at_mut(candidates.len());
    let (ping, pong) = rest.split_at_mut(candidates.len());
    let kept = kept_words(candidates, packing, keep, kept);
    let len: usize = kept.iter().map(|words| words.len()).sum();
    let work = len.saturating_mul(4);
    let per_chunk = parallel::chunk_len(len, work);
    let (lowest, highest) = sorted_bits(&kept, packing);
    let (mut words, mut spare) = (&mut ping[..len], &mut pong[..len]);
    let mut placed = false;
    for shift in (lowest..highest).step_by(DIGIT_BITS as usize) {
        // The first pass reads the kept words where they were written.
        let sources: Vec<&[u64]> = if placed { words.chunks(per_chunk).collect() } else { kept.clone() };
        if radix_pass(&sources, spare, shift, work) {
            std::mem::swap(&mut words, &mut spare);
            placed = true;
        }
    }
    if !placed {
        let mut rest = &mut *words;
        for chunk in &kept {
            let (head, tail) = rest.split_at_mut(chunk.len());
            head.copy_from_slice(chunk);
            rest = tail;
        }
    }
    sort_runs(candidates, packing, words, lowest, per_chunk);
    let result = read(words);
    spare::WORDS.keep(arrays);
    result
}

/// The bits the radix sort sorts, from the lowest to past the highest: up
/// to the highest bit in which the words differ (all lie between the least
/// and the greatest, so they share every bit above it), and 32 bits down
/// from there, or to the top's lowest bit.
fn sorted_bits(kept: &[&[u64]], packing: Packing) -> (u32, u32) {
    let (least, greatest) = kept.iter().copied().flatten().fold((u64::MAX, 0), |(lo, hi), &w| (lo.min(w), hi.max(w)));
    let highest = u64::BITS - (least ^ greatest).leading_zeros();
    (highest.saturating_sub(32).max(packing.low_bits), highest)
}

/// The kept pairs' words, in pair order, in parallel over chunks of
/// tokens: each chunk writes its own part of `out` (as long as the
/// candidates), and its kept words are the start of that part.
fn kept_words<'a>(
    candidates: &[Candidate],
    packing: Packing,
    keep: impl Fn(usize) -> bool + Sync,
    out: &'a mut [u64],
) -> Vec<&'a [u64]> {
    let (width, tokens) = (packing.width, packing.tokens);
    let work = candidates.len().saturating_mul(4);
    let per_chunk = parallel::chunk_len(tokens, work);
    let mut lens = vec![0usize; tokens.div_ceil(per_chunk)];
    parallel::for_each_chunk_pair(out, &mut lens, (per_chunk * width, 1), work, |chunk, words, len| {
        let rows = chunk * per_chunk..tokens.min((chunk + 1) * per_chunk);
        // Every pair's word goes to the next place, which moves on only
        // for a kept pair: no branch on `keep`, whose outcome follows no
        // pattern. The place is never past the pair's own.
        let mut at = 0;
        for t in rows {
            for (place, c) in candidates[t * width..(t + 1) * width].iter().enumerate() {
                let top =
                    descending(c.selection).checked_shr(packing.low_bits).map_or(0, |top| top << packing.low_bits);
                words[at] = top | packing.pack(c.expert, t, place);
                at += keep(t * width + place) as usize;
            }
        }
        len[0] = at;
    });
    out.chunks(per_chunk * width).zip(lens).map(|(words, len)| &words[..len]).collect()
}

/// One stable pass on the digit at `shift`, from the chunks of `sources`
/// (in turn) into `out`; false (and nothing written) when every word has
/// the same digit there.
fn radix_pass(sources: &[&[u64]], out: &mut [u64], shift: u32, work: usize) -> bool {
    let digit = |word: u64| (word >> shift) as usize & ((1 << DIGIT_BITS) - 1);
    let counts = scatter::count(sources.len(), 1 << DIGIT_BITS, work, |c, counts| {
        for &w in sources[c] {
            counts[digit(w)] += 1;
        }
    });
    if scatter::totals(&counts).contains(&out.len()) {
        return false;
    }
    scatter::place(&counts, out, work, |c, places| {
        for &w in sources[c] {
            places.put(digit(w), w);
        }
    });
    true
}

/// Sorts each run of words equal from bit `lowest` up by the whole key, in
/// parallel over chunks; a run that a chunk's end cuts is sorted again
/// whole, afterwards.
fn sort_runs(candidates: &[Candidate], packing: Packing, words: &mut [u64], lowest: u32, per_chunk: usize) {
    let sort = |run: &mut [u64]| run.sort_unstable_by_key(|&word| key(candidates, packing.pair(word)));
    let same_top = |a: &u64, b: &u64| a.checked_shr(lowest) == b.checked_shr(lowest);
    let work = words.len().saturating_mul(2);
    parallel::for_each_chunk(
        words,
        per_chunk,
        work,
        || (),
        |_, _, words| words.chunk_by_mut(same_top).filter(|run| run.len() > 1).for_each(sort),
    );
    for cut in (per_chunk..words.len()).step_by(per_chunk) {
        if same_top(&words[cut - 1], &words[cut]) {
            let start = cut - words[..cut].iter().rev().take_while(|w| same_top(w, &words[cut])).count();
            let end = cut + words[cut..].iter().take_while(|w| same_top(w, &words[cut])).count();
            sort(&mut words[start..end]);
        }
    }
}
