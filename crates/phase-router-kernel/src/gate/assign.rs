//! Capacity: which of the tokens' choices each expert keeps. These passes
//! decide between tokens, so they run in a fixed order (sequentially, or in
//! parallel over experts where each expert decides alone), never in an order
//! that depends on threads.

use super::choose::Candidate;
use super::Priority;
use crate::parallel;

/// Where the assignment is written: `k` slots per token.
pub struct Slots<'a> {
    /// Expert of each slot, -1 when empty.
    pub experts: &'a mut [i32],
    /// The token's score for the slot's expert (unused when the slot is empty).
    pub scores: &'a mut [f64],
}

/// Every token keeps its first `k` candidates (no capacity), in parallel over tokens.
pub fn keep_all(candidates: &[Candidate], width: usize, k: usize, slots: &mut Slots) {
    let work = slots.experts.len().saturating_mul(2);
    let per_chunk = parallel::chunk_len(candidates.len() / width, work) * k;
    let lens = (per_chunk, per_chunk);
    parallel::for_each_chunk_pair(slots.experts, slots.scores, lens, work, |chunk, experts, scores| {
        let rows = candidates[chunk * per_chunk / k * width..].chunks(width);
        for ((row, experts), scores) in rows.zip(experts.chunks_mut(k)).zip(scores.chunks_mut(k)) {
            for ((c, e), s) in row[..k].iter().zip(experts).zip(scores) {
                (*e, *s) = (c.expert as i32, c.score);
            }
        }
    });
}

/// `overflow: 'drop'`: each token's first `k` candidates in its slots, then
/// each expert over its cap empties the slots it does not keep.
pub fn drop(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], priority: Priority, slots: &mut Slots) {
    keep_all(candidates, width, k, slots);
    match priority {
        Priority::Position => {
            // Earliest tokens first: a slot is kept while its expert has room.
            let mut load = vec![0u64; caps.len()];
            for e in slots.experts.iter_mut() {
                let expert = *e as usize;
                if load[expert] < caps[expert] {
                    load[expert] += 1;
                } else {
                    *e = -1;
                }
            }
        }
        Priority::Score => {
            // Each expert's slots in token order, each with its score as an
            // integer key (smaller is better), then each expert over its cap
            // keeps its `cap` best (key, slot) pairs: the highest scores, ties
            // to the earlier token, which is the lower slot index. Comparing
            // the pairs themselves, not scores looked up by slot, keeps the
            // selection's compares in its own buffer.
            let mut buckets: Vec<Vec<(u64, u32)>> = vec![Vec::new(); caps.len()];
            for (slot, (&e, &score)) in slots.experts.iter().zip(slots.scores.iter()).enumerate() {
                buckets[e as usize].push((descending(score), slot as u32));
            }
            let work = slots.experts.len().saturating_mul(8);
            let per_chunk = parallel::chunk_len(buckets.len(), work);
            parallel::for_each_chunk(
                &mut buckets,
                per_chunk,
                work,
                || (),
                |_, chunk, bucket| {
                    for (i, b) in bucket.iter_mut().enumerate() {
                        let cap = caps[chunk * per_chunk + i] as usize;
                        if b.len() > cap {
                            // The order is total, so the kept set is unique.
                            if cap > 0 {
                                b.select_nth_unstable(cap - 1);
                            }
                            b.drain(..cap);
                        } else {
                            b.clear();
                        }
                    }
                },
            );
            // Each bucket now holds the slots its expert drops.
            for &(_, slot) in buckets.iter().flatten() {
                slots.experts[slot as usize] = -1;
            }
        }
    }
}

/// `overflow: 'reroute'`: tokens take experts among their candidates
/// (`width` per token, best first) while those have room.
pub fn reroute(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], priority: Priority, slots: &mut Slots) {
    match priority {
        // Tokens in order, each taking its best candidates that have room.
        Priority::Position => greedy(candidates, width, k, caps, 0..candidates.len() as u32, slots),
        // The greedy over pairs in the order of `key`.
        Priority::Score => greedy(candidates, width, k, caps, by_key(candidates).into_iter().map(|w| w as u32), slots),
    }
}

/// Takes the pairs in the given order while the token has a free slot and
/// the expert room.
fn greedy(
    candidates: &[Candidate],
    width: usize,
    k: usize,
    caps: &[u64],
    pairs: impl Iterator<Item = u32>,
    slots: &mut Slots,
) {
    // The experts in a compact array and the counts in u32: the pairs come
    // in score order, jumping across the tokens, and these lookups, not the
    // arithmetic, are the loop's cost. A full token's pair (most of the
    // late ones) is refused on its count alone.
    let experts: Vec<u32> = candidates.iter().map(|c| c.expert).collect();
    let mut load = vec![0u64; caps.len()];
    let mut held = vec![0u32; candidates.len() / width];
    let (width, k) = (width as u32, k as u32);
    for pair in pairs {
        let t = (pair / width) as usize;
        if held[t] == k {
            continue;
        }
        let e = experts[pair as usize] as usize;
        if load[e] < caps[e] {
            let slot = t * k as usize + held[t] as usize;
            slots.experts[slot] = e as i32;
            slots.scores[slot] = candidates[pair as usize].score;
            held[t] += 1;
            load[e] += 1;
        }
    }
}

/// `reroute` + `score` as the plain greedy over all pairs sorted by `key`
/// (the definition; the tests compare [`reroute`] with it).
#[cfg(test)]
pub fn reroute_by_sort(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], slots: &mut Slots) {
    let mut pairs: Vec<usize> = (0..candidates.len()).collect();
    pairs.sort_by_key(|&p| key(candidates, p));
    greedy(candidates, width, k, caps, pairs.into_iter().map(|p| p as u32), slots);
}

/// The key of the greedy's global order over pairs (`by_key` sorts by it): selection score
/// descending, then score descending (a score plus the expert's bias can round
/// two different scores to one selection score; the second key keeps them
/// apart), then the pair's index (the earlier token; for one token the
/// candidate order, which puts equal scores in expert order). Smaller is better.
fn key(candidates: &[Candidate], pair: usize) -> (u64, u64, u32) {
    let c = &candidates[pair];
    (descending(c.selection), descending(c.score), pair as u32)
}

/// The pair indices sorted by `key`, each in the low 32 bits of a word whose
/// high 32 bits are the top half of its selection key: a stable
/// least-significant-digit radix sort of the words on those 32 bits
/// (skipping bytes that all share), which keeps equal halves in pair order,
/// then each run of equal halves sorted by the whole key. The half holds the
/// sign, the exponent and 20 bits of the mantissa, so such runs are short (a
/// few pairs), and four passes of one word per pair replace the eight (sixteen with
/// a bias) of sorting both whole keys. The order is total, so the result is
/// the one `key` defines.
fn by_key(candidates: &[Candidate]) -> Vec<u64> {
    let n = candidates.len();
    let mut words: Vec<u64> =
        candidates.iter().enumerate().map(|(p, c)| descending(c.selection) >> 32 << 32 | p as u64).collect();
    let mut spare = vec![0u64; n];
    let mut counts = [[0usize; 256]; 4];
    for &word in &words {
        for (digit, count) in counts.iter_mut().enumerate() {
            count[(word >> (32 + 8 * digit)) as usize & 255] += 1;
        }
    }
    for (digit, count) in counts.iter_mut().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut at = 0;
        for c in count.iter_mut() {
            (*c, at) = (at, at + *c);
        }
        for &word in &words {
            let bucket = (word >> (32 + 8 * digit)) as usize & 255;
            spare[count[bucket]] = word;
            count[bucket] += 1;
        }
        std::mem::swap(&mut words, &mut spare);
    }
    for run in words.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_unstable_by_key(|&word| key(candidates, word as u32 as usize));
        }
    }
    words
}

/// An integer whose ascending order is the descending order of finite `x`
/// (`-0.0` and `0.0` equal, as `<` sees them).
fn descending(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    !ascending
}
