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

pub use bound::Rank;

/// Where the assignment is written: `k` slots per token.
pub struct Slots<'a> {
    /// Expert of each slot, -1 when empty.
    pub experts: &'a mut [i32],
    /// The token's score for the slot's expert (unused when the slot is empty).
    pub scores: &'a mut [f64],
}

/// `overflow: 'drop'`: the slots hold each token's first `k` candidates;
/// each expert over its cap empties the slots it does not keep.
pub fn drop(k: usize, caps: &[u64], priority: Priority, slots: &mut Slots) {
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
            // Each expert over its cap keeps its `cap` best slots by score,
            // ties to the earlier token (the lower slot): those ranked at or
            // above its bound, the `cap`-th best rank. Ranks are distinct
            // (they hold the slot), so exactly `cap` are kept.
            let work = slots.experts.len().saturating_mul(8);
            let per_chunk = parallel::chunk_len(slots.experts.len() / k, work) * k;
            let (experts, scores) = (&*slots.experts, &*slots.scores);
            let bounds = bound::cap_bounds(&bound::SlotOffers { experts, scores, per_chunk }, caps, work);
            let lens = (per_chunk, per_chunk);
            parallel::for_each_chunk_pair(slots.experts, slots.scores, lens, work, |chunk, experts, scores| {
                let first = chunk * per_chunk;
                // A select, not a branch: which slots go follows no pattern.
                for (i, (e, &score)) in experts.iter_mut().zip(scores.iter()).enumerate() {
                    let dropped = bound::ranked(score, first + i) > bounds[*e as usize];
                    *e = if dropped { -1 } else { *e };
                }
            });
        }
    }
}

/// `overflow: 'reroute'`: tokens take experts among their candidates
/// (`width` per token, best first) while those have room.
pub fn reroute(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], priority: Priority, slots: &mut Slots) {
    let packing = order::Packing::new(candidates.len() / width, width, caps.len());
    let taken = match priority {
        // Tokens in order, each taking its best candidates that have room.
        Priority::Position => {
            let rows = candidates.chunks(width).enumerate();
            let pairs =
                rows.flat_map(|(t, row)| row.iter().enumerate().map(move |(j, c)| packing.pack(c.expert, t, j)));
            greedy(pairs, packing, k, caps)
        }
        // The greedy over pairs in the order of their key, less those it
        // would refuse; its many parallel loops start from within the pool.
        Priority::Score => parallel::within_pool(candidates.len().saturating_mul(4), || {
            let bounds = bound::bounds(candidates, width, k, caps);
            let keep = |p: usize| bound::rank(candidates, p) <= bounds[candidates[p].expert as usize];
            order::by_key(candidates, packing, keep, |words| greedy(words.iter().copied(), packing, k, caps))
        }),
    };
    write(candidates, width, &taken, slots);
}

/// What the greedy took: the number of pairs each token holds, and the
/// places in its row of the candidates it holds, in the order taken, in
/// `k + 1` entries per token (the last for refused pairs).
struct Taken {
    held: Vec<u32>,
    places: Vec<u32>,
}

/// Takes the packed pairs in the given order while the token has a free
/// slot and the expert room.
fn greedy(pairs: impl Iterator<Item = u64>, packing: order::Packing, k: usize, caps: &[u64]) -> Taken {
    // The pairs come in score order, jumping across the tokens: the lookups
    // of their counts, not the arithmetic, are the loop's cost. So the loop
    // reads only the word of each pair, and has no branch and no load on
    // its test, whose outcome follows no pattern: every pair's place is
    // stored in its token's next entry, where the next pair overwrites it
    // unless it was taken (the last entry takes what a full token refuses).
    let tokens = packing.tokens();
    let mut load = vec![0u64; caps.len()];
    let mut held = vec![0u32; tokens];
    let mut places = vec![0u32; tokens * (k + 1)];
    for word in pairs {
        let (expert, t) = (packing.expert(word), packing.token(word));
        let h = held[t];
        places[t * (k + 1) + h as usize] = packing.place(word) as u32;
        let ok = ((h as usize) < k) & (load[expert] < caps[expert]);
        held[t] = h + ok as u32;
        load[expert] += ok as u64;
    }
    Taken { held, places }
}

/// The taken pairs' experts and scores into the slots, in parallel over tokens.
fn write(candidates: &[Candidate], width: usize, taken: &Taken, slots: &mut Slots) {
    let k = slots.experts.len() / taken.held.len().max(1);
    let work = slots.experts.len().saturating_mul(2);
    let per_chunk = parallel::chunk_len(taken.held.len(), work);
    let lens = (per_chunk * k, per_chunk * k);
    parallel::for_each_chunk_pair(slots.experts, slots.scores, lens, work, |chunk, experts, scores| {
        let first = chunk * per_chunk;
        let slots = experts.chunks_mut(k).zip(scores.chunks_mut(k));
        for (t, (experts, scores)) in (first..).zip(slots) {
            let places = &taken.places[t * (k + 1)..][..taken.held[t] as usize];
            for ((e, s), &place) in experts.iter_mut().zip(scores).zip(places) {
                let c = &candidates[t * width + place as usize];
                (*e, *s) = (c.expert as i32, c.score);
            }
        }
    });
}

/// `reroute` + `score` as the plain greedy over all pairs sorted by
/// [`order::key`] (the definition; the tests compare [`reroute`] with it).
#[cfg(test)]
pub fn reroute_by_sort(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], slots: &mut Slots) {
    let packing = order::Packing::new(candidates.len() / width, width, caps.len());
    let mut pairs: Vec<usize> = (0..candidates.len()).collect();
    pairs.sort_by_key(|&p| order::key(candidates, p));
    let pairs = pairs.into_iter().map(|p| packing.pack(candidates[p].expert, p / width, p % width));
    write(candidates, width, &greedy(pairs, packing, k, caps), slots);
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
