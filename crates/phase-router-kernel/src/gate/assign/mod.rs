//! Capacity: which of the tokens' choices each expert keeps. These passes
//! decide between tokens, so they run in a fixed order (sequentially, or in
//! parallel where the output does not depend on how the work was cut: over
//! experts that each decide alone, or over chunks that each write their own
//! places), never in an order that depends on threads.

use super::choose::Candidate;
use super::Priority;
use crate::parallel;

mod bound;
mod order;
mod scatter;

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
    let packing = order::Packing::new(candidates.len(), caps.len());
    let taken = match priority {
        // Tokens in order, each taking its best candidates that have room.
        Priority::Position => {
            let pairs = candidates.iter().enumerate().map(|(p, c)| packing.pack(c.expert, p));
            greedy(pairs, packing, width, k, caps)
        }
        // The greedy over pairs in the order of their key, less those it
        // would refuse; its many parallel loops start from within the pool.
        Priority::Score => parallel::within_pool(candidates.len().saturating_mul(4), || {
            let bounds = bound::bounds(candidates, width, k, caps);
            let keep = |p: usize| bound::rank(candidates, p) <= bounds[candidates[p].expert as usize];
            greedy(order::by_key(candidates, packing, keep).into_iter(), packing, width, k, caps)
        }),
    };
    write(candidates, &taken, slots);
}

/// Takes the packed pairs in the given order while the token has a free
/// slot and the expert room; returns the pair in each slot (`u32::MAX`
/// where none), a token's in the order taken.
fn greedy(pairs: impl Iterator<Item = u64>, packing: order::Packing, width: usize, k: usize, caps: &[u64]) -> Vec<u32> {
    let tokens = packing.pairs() / width;
    // The pairs come in score order, jumping across the tokens: the lookups
    // of their counts, not the arithmetic, are the loop's cost, so it reads
    // only the word of each pair and writes only the index, and a pair's
    // test has no branch, since its outcome follows no pattern.
    let mut load = vec![0u64; caps.len()];
    let mut held = vec![0u32; tokens];
    let mut taken = vec![u32::MAX; tokens * k];
    let (width, k) = (width as u32, k as u32);
    for word in pairs {
        let (expert, pair) = (packing.expert(word), packing.pair(word) as u32);
        let t = (pair / width) as usize;
        let h = held[t];
        let ok = (h < k) & (load[expert] < caps[expert]);
        let slot = t * k as usize + h.min(k - 1) as usize;
        taken[slot] = if ok { pair } else { taken[slot] };
        held[t] = h + ok as u32;
        load[expert] += ok as u64;
    }
    taken
}

/// The taken pairs' experts and scores into the slots, in parallel over slots.
fn write(candidates: &[Candidate], taken: &[u32], slots: &mut Slots) {
    let work = taken.len().saturating_mul(2);
    let per_chunk = parallel::chunk_len(taken.len(), work);
    parallel::for_each_chunk_pair(
        slots.experts,
        slots.scores,
        (per_chunk, per_chunk),
        work,
        |chunk, experts, scores| {
            let taken = &taken[chunk * per_chunk..];
            for ((e, s), &pair) in experts.iter_mut().zip(scores).zip(taken).filter(|(_, &pair)| pair != u32::MAX) {
                let c = &candidates[pair as usize];
                (*e, *s) = (c.expert as i32, c.score);
            }
        },
    );
}

/// `reroute` + `score` as the plain greedy over all pairs sorted by
/// [`order::key`] (the definition; the tests compare [`reroute`] with it).
#[cfg(test)]
pub fn reroute_by_sort(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], slots: &mut Slots) {
    let packing = order::Packing::new(candidates.len(), caps.len());
    let mut pairs: Vec<usize> = (0..candidates.len()).collect();
    pairs.sort_by_key(|&p| order::key(candidates, p));
    let pairs = pairs.into_iter().map(|p| packing.pack(candidates[p].expert, p));
    write(candidates, &greedy(pairs, packing, width, k, caps), slots);
}

/// An integer whose ascending order is the descending order of finite `x`
/// (`-0.0` and `0.0` equal, as `<` sees them).
fn descending(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    !ascending
}
#[cfg(test)]
mod tests;
