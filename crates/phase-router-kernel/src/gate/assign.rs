//! Capacity: which of the tokens' choices each expert keeps. These passes
//! decide between tokens, so they run in a fixed order (sequentially, or in
//! parallel over experts where each expert decides alone), never in an order
//! that depends on threads.

use super::choose::{best_first, Candidate};
use super::Priority;
use crate::parallel;
use rayon::slice::ParallelSliceMut;

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
                            b.sort_by(|&x, &y| best_first((scores[x as usize], x), (scores[y as usize], y)));
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
    let tokens = candidates.len() / width;
    let mut load = vec![0u64; caps.len()];
    let mut held = vec![0usize; tokens];
    let mut take = |pair: usize, load: &mut [u64], held: &mut [usize]| {
        let (t, c) = (pair / width, &candidates[pair]);
        let e = c.expert as usize;
        if held[t] < k && load[e] < caps[e] {
            slots.experts[t * k + held[t]] = c.expert as i32;
            slots.scores[t * k + held[t]] = c.score;
            held[t] += 1;
            load[e] += 1;
        }
    };
    match priority {
        // Tokens in order, each taking its best candidates that have room.
        Priority::Position => (0..candidates.len()).for_each(|pair| take(pair, &mut load, &mut held)),
        Priority::Score => {
            // Greedy over (token, expert) pairs by selection score, ties to the
            // higher score, then the earlier token, then the lower expert: a
            // stable assignment, since for one expert this order is score order
            // (a score plus the expert's bias can round two different scores to
            // one selection score; the second key keeps them apart).
            // Keys compare as plain integers: descending selection, descending
            // score, then the pair's index, which orders a token's candidates
            // with equal scores by expert (they are stored best first, ties to
            // the lower expert).
            let mut pairs: Vec<(u64, u64, u32)> = candidates
                .iter()
                .enumerate()
                .map(|(i, c)| (descending(c.selection), descending(c.score), i as u32))
                .collect();
            // A total order over distinct pairs: the sorted order is unique,
            // whichever sort (and however many threads) produced it.
            if pairs.len() >= parallel::POOL_WORK && rayon::current_num_threads() > 1 {
                pairs.par_sort_unstable();
            } else {
                pairs.sort_unstable();
            }
            pairs.iter().for_each(|&(_, _, pair)| take(pair as usize, &mut load, &mut held));
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
