//! Pairs the greedy of `reroute` + `score` is sure to refuse, found before
//! it runs, so that neither the sort nor the greedy sees them.
//!
//! The greedy's assignment is the one stable assignment: tokens and experts
//! rank pairs by one total order, the key (an expert its own pairs by its
//! scores, which is the key's order since its bias is one constant added to
//! all of them), and under one common order only one assignment is stable.
//! So it is also the assignment that deferred acceptance reaches, where
//! tokens propose to their candidates in key order and each expert holds the
//! `cap` best proposals it has had so far, refusing the others for good.
//! There, every token first proposes to its `k` best candidates; an expert
//! that gets more than `cap` of those ends up holding none worse than the
//! `cap`-th best of them, its *bound*. Every pair worse than its expert's
//! bound is refused, and the greedy, to which a refused pair changes
//! nothing, gives the same assignment without it.
//!
//! A token's `k` best candidates in key order are its first `k` unless a
//! bias gave the `k`-th and the next one the same selection score; the
//! bound counts only those of its first `k` whose selection score is above
//! the next one's, all surely among its `k` best (fewer proposals only make
//! a bound looser).
//!
//! [`cap_bounds`], the `cap`-th best rank of each expert's items, also
//! serves `drop` + `score`, whose experts keep exactly their items ranked
//! at or above it.

use super::descending;
use super::scatter;
use crate::gate::choose::Candidate;
use crate::gate::spare;
use crate::parallel;

/// A pair as an expert ranks it: the token's score for the expert as an
/// integer key (smaller is better) above the pair's index (the earlier
/// token), in one integer so that comparing two takes no branch.
pub type Rank = u128;

/// A pair's [`Rank`].
pub fn rank(candidates: &[Candidate], pair: usize) -> Rank {
    ranked(candidates[pair].score, pair)
}

/// The [`Rank`] of a score at an index (of a pair or a slot, both in token order).
pub fn ranked(score: f64, index: usize) -> Rank {
    (descending(score) as u128) << 64 | index as u128
}

/// Items experts rank, `(expert, rank)`, cut into chunks; a chunk's items
/// come in the same order every time. (A visit, not an iterator: the loop
/// over a chunk's items is then compiled in one piece with what is done to
/// each, where an iterator's `next` was left a call per item.)
pub trait Offers: Sync {
    /// How many chunks there are.
    fn chunks(&self) -> usize;
    /// Calls `f(expert, rank)` for each item of `chunk`, in order.
    fn visit(&self, chunk: usize, f: impl FnMut(usize, Rank));
}

/// Each slot's expert and rank (`drop` + `score`), in chunks of `per_chunk` slots.
pub struct SlotOffers<'a> {
    pub experts: &'a [i32],
    pub scores: &'a [f64],
    pub per_chunk: usize,
}

impl Offers for SlotOffers<'_> {
    fn chunks(&self) -> usize {
        self.experts.len().div_ceil(self.per_chunk)
    }

    fn visit(&self, chunk: usize, mut f: impl FnMut(usize, Rank)) {
        let first = chunk * self.per_chunk;
        for slot in first..self.experts.len().min(first + self.per_chunk) {
            f(self.experts[slot] as usize, ranked(self.scores[slot], slot));
        }
    }
}

/// The pairs that surely are among their token's `k` best, in chunks of
/// `per_chunk` tokens: a token's first `k` candidates whose selection score
/// is above the next candidate's.
struct SureOffers<'a> {
    candidates: &'a [Candidate],
    width: usize,
    k: usize,
    per_chunk: usize,
}

impl Offers for SureOffers<'_> {
    fn chunks(&self) -> usize {
        (self.candidates.len() / self.width).div_ceil(self.per_chunk)
    }

    fn visit(&self, chunk: usize, mut f: impl FnMut(usize, Rank)) {
        let tokens = self.candidates.len() / self.width;
        for token in chunk * self.per_chunk..tokens.min((chunk + 1) * self.per_chunk) {
            let row = &self.candidates[token * self.width..(token + 1) * self.width];
            let next = row.get(self.k).map_or(f64::NEG_INFINITY, |c| c.selection);
            for (place, c) in row[..self.k].iter().enumerate() {
                if c.selection > next {
                    f(c.expert as usize, rank(self.candidates, token * self.width + place));
                }
            }
        }
    }
}

/// Each expert's bound: the worst [`Rank`] it may end up holding (the
/// largest `Rank`, which no pair has, where it has no bound).
pub fn bounds(candidates: &[Candidate], width: usize, k: usize, caps: &[u64]) -> Vec<Rank> {
    let tokens = candidates.len() / width;
    let work = (tokens * k).saturating_mul(4);
    let per_chunk = parallel::chunk_len(tokens, work);
    cap_bounds(&SureOffers { candidates, width, k, per_chunk }, caps, work)
}

/// Each expert's `cap`-th best [`Rank`] among the `offers`, or the largest
/// `Rank` where the expert has no more than `cap`: the worst rank it keeps
/// when it keeps its `cap` best. The offers go into one array by expert
/// (counted, then placed, both in parallel over the chunks), and each
/// expert selects in parallel over the experts.
pub fn cap_bounds(offers: &impl Offers, caps: &[u64], work: usize) -> Vec<Rank> {
    let counts = scatter::count(offers.chunks(), caps.len(), work, |chunk, counts| {
        offers.visit(chunk, |expert, _| counts[expert] += 1);
    });
    let totals = scatter::totals(&counts);
    let mut ranks = spare::RANKS.take(totals.iter().sum());
    scatter::place(&counts, &mut ranks, work, |chunk, places| {
        offers.visit(chunk, |expert, rank| places.put(expert, rank));
    });
    let mut by_expert: Vec<&mut [Rank]> = Vec::with_capacity(caps.len());
    let mut rest = ranks.as_mut_slice();
    for &total in &totals {
        let (offers, tail) = std::mem::take(&mut rest).split_at_mut(total);
        by_expert.push(offers);
        rest = tail;
    }
    let mut bounds = vec![Rank::MAX; caps.len()];
    let per_chunk = parallel::chunk_len(caps.len(), work);
    parallel::for_each_chunk_pair(
        &mut bounds,
        &mut by_expert,
        (per_chunk, per_chunk),
        work,
        |chunk, bounds, offers| {
            for (i, (bound, offers)) in bounds.iter_mut().zip(offers).enumerate() {
                let cap = caps[chunk * per_chunk + i];
                if (offers.len() as u64) > cap {
                    // The `cap`-th best; at a cap of 0, 0, below every item's rank.
                    *bound = match cap {
                        0 => 0,
                        cap => *offers.select_nth_unstable(cap as usize - 1).1,
                    };
                }
            }
        },
    );
    spare::RANKS.keep(ranks);
    bounds
}
