//! Capacity: which of the tokens' choices each expert keeps. These passes
//! decide between tokens, so they run in a fixed order (sequentially, or in
//! parallel over experts where each expert decides alone), never in an order
//! that depends on threads.

use super::choose::{best_first, Candidate};
use super::Priority;
use crate::parallel;

/// Where the assignment is written: `k` slots per token.
pub struct Slots<'a> {
    /// Expert of each slot, -1 when empty.
    pub experts: &'a mut [i32],
    /// The token's score for the slot's expert (unused when the slot is empty).
    pub scores: &'a mut [f64],
}

/// Every token keeps its first `k` candidates (no capacity).
pub fn keep_all(candidates: &[Candidate], width: usize, k: usize, slots: &mut Slots) {
    for (t, row) in candidates.chunks(width).enumerate() {
        for (i, c) in row[..k].iter().enumerate() {
            slots.experts[t * k + i] = c.expert as i32;
            slots.scores[t * k + i] = c.score;
        }
    }
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
            // Each expert's slots in token order, then each expert over its cap
            // keeps its `cap` highest scores (ties to the earlier token, which
            // is the lower slot index).
            let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); caps.len()];
            for (slot, &e) in slots.experts.iter().enumerate() {
                buckets[e as usize].push(slot as u32);
            }
            let scores = &*slots.scores;
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
                                b.select_nth_unstable_by(cap - 1, |&x, &y| {
                                    best_first((scores[x as usize], x), (scores[y as usize], y))
                                });
                            }
                            b.drain(..cap);
                        } else {
                            b.clear();
                        }
                    }
                },
            );
            // Each bucket now holds the slots its expert drops.
            for &slot in buckets.iter().flatten() {
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
        Priority::Position => greedy(candidates, width, k, caps, 0..candidates.len(), slots),
        // The greedy over pairs in the order of `key`, by deferred acceptance.
        Priority::Score => {
            let orders = proposal_orders(candidates, width);
            let accepted = stable(candidates, width, k, caps, &orders);
            write_stable(candidates, width, k, &orders, &accepted, slots);
        }
    }
}

/// Takes the pairs in the given order while the token has a free slot and
/// the expert room.
fn greedy(
    candidates: &[Candidate],
    width: usize,
    k: usize,
    caps: &[u64],
    pairs: impl Iterator<Item = usize>,
    slots: &mut Slots,
) {
    let mut load = vec![0u64; caps.len()];
    let mut held = vec![0usize; candidates.len() / width];
    for pair in pairs {
        let (t, c) = (pair / width, &candidates[pair]);
        let e = c.expert as usize;
        if held[t] < k && load[e] < caps[e] {
            slots.experts[t * k + held[t]] = c.expert as i32;
            slots.scores[t * k + held[t]] = c.score;
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
    greedy(candidates, width, k, caps, pairs.into_iter(), slots);
}

/// The key of the greedy's global order over pairs: selection score
/// descending, then score descending (a score plus the expert's bias can round
/// two different scores to one selection score; the second key keeps them
/// apart), then the pair's index (the earlier token; for one token the
/// candidate order, which puts equal scores in expert order). Smaller is better.
#[inline]
fn key(candidates: &[Candidate], pair: usize) -> (u64, u64, u32) {
    let c = &candidates[pair];
    (descending(c.selection), descending(c.score), pair as u32)
}

/// Each token's candidates (indices `0..width` per token) in the order of
/// [`key`]. Candidates are stored best first by selection score; only equal
/// selection scores with different scores need reordering, so a row is almost
/// always in order already.
fn proposal_orders(candidates: &[Candidate], width: usize) -> Vec<u32> {
    let mut orders: Vec<u32> = (0..candidates.len()).map(|i| (i % width) as u32).collect();
    for (t, order) in orders.chunks_mut(width).enumerate() {
        let first = t * width;
        let in_order = (first + 1..first + width).all(|p| key(candidates, p - 1) < key(candidates, p));
        if !in_order {
            order.sort_by_key(|&c| key(candidates, first + c as usize));
        }
    }
    orders
}

/// The unique stable assignment for the greedy's global order (greedy over
/// pairs by [`key`], taking a pair while its token has a free slot and its
/// expert room): the same assignment, found by deferred acceptance (tokens
/// propose in their order; each expert holds its best `cap` proposals so far,
/// in a heap whose top is the worst, and an evicted token proposes on). For
/// preferences that come from one global order of the pairs the stable
/// assignment is unique, so the greedy and this agree, and the order in which
/// tokens propose does not matter. Each pair is proposed at most once.
/// Returns, per pair, whether it is kept.
fn stable(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], orders: &[u32]) -> Vec<bool> {
    use std::collections::BinaryHeap;
    let tokens = candidates.len() / width;
    let mut accepted = vec![false; candidates.len()];
    let mut held = vec![0usize; tokens];
    let mut next = vec![0usize; tokens];
    let mut holders: Vec<BinaryHeap<(u64, u64, u32)>> = vec![BinaryHeap::new(); caps.len()];
    let mut stack = Vec::new();
    for t in 0..tokens {
        stack.push(t);
        while let Some(u) = stack.pop() {
            while held[u] < k && next[u] < width {
                let pair = u * width + orders[u * width + next[u]] as usize;
                next[u] += 1;
                let e = candidates[pair].expert as usize;
                let cap = caps[e];
                if cap == 0 {
                    continue;
                }
                let heap = &mut holders[e];
                let mine = key(candidates, pair);
                if (heap.len() as u64) < cap {
                    heap.push(mine);
                } else if heap.peek().is_some_and(|worst| mine < *worst) {
                    let worst = heap.pop().unwrap_or(mine);
                    heap.push(mine);
                    let out = worst.2 as usize;
                    accepted[out] = false;
                    held[out / width] -= 1;
                    stack.push(out / width);
                } else {
                    continue;
                }
                accepted[pair] = true;
                held[u] += 1;
            }
        }
    }
    accepted
}

/// Each token's kept pairs into its slots, best first (in [`key`] order, the
/// order in which the greedy would have taken them).
fn write_stable(candidates: &[Candidate], width: usize, k: usize, orders: &[u32], accepted: &[bool], slots: &mut Slots) {
    for (t, order) in orders.chunks(width).enumerate() {
        let mut slot = t * k;
        for &c in order {
            let pair = t * width + c as usize;
            if accepted[pair] {
                slots.experts[slot] = candidates[pair].expert as i32;
                slots.scores[slot] = candidates[pair].score;
                slot += 1;
            }
        }
    }
}

/// An integer whose ascending order is the descending order of finite `x`
/// (`-0.0` and `0.0` equal, as `<` sees them).
fn descending(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    !ascending
}
