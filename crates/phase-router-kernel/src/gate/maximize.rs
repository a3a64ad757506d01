//! `overflow: 'maximize'`: the rerouting greedy, then augmenting paths until
//! the kept slots reach a share of the most that can be kept.
//!
//! The greedy of [`super::assign::reroute`] is stable, and every stable
//! assignment keeps the same number of slots, often a few percent short of the
//! maximum (see docs/gate.md, Quality). Keeping more means moving tokens: an
//! augmenting path starts at a token with a free slot, takes a candidate
//! expert that is full, pushes one of that expert's tokens to another of its
//! candidates, and so on until an expert with room. Each path keeps one more
//! slot and changes the score mass by what the moved tokens gain and lose.
//!
//! Two passes, each in a fixed order over compact arrays (a token's
//! candidates, an expert's candidate pairs), so the result is deterministic:
//!
//! - the **target**, `ceil(slot_share * most)`, `most` being the most slots
//!   any assignment within the same candidates and caps keeps: Hopcroft-Karp
//!   phases on a copy ([`layers`]), skipped when the greedy already reaches
//!   the share of a cheap upper bound (so that an uncapped or lightly capped
//!   call costs little more than rerouting);
//! - the **paths**, least score loss first, many per round ([`cheapest`]),
//!   until the target is met.

mod cheapest;
mod layers;

use super::assign::Slots;
use super::choose::Candidate;

/// The window of a round of paths (see [`cheapest`]) as a share of the mean
/// score of a kept slot: paths may lose up to half a typical slot's score
/// more than the cheapest. Measured on the quality bench, 0.05 to 0.5 keep
/// the same score mass within 0.3% of the optimum's, and 0.5 takes 7 to 10
/// times fewer rounds than 0.05.
const WINDOW_SHARE: f64 = 0.5;

/// A node not reached (or settled) yet.
const UNSEEN: u32 = u32::MAX;

/// The assignment as a set of (token, candidate) pairs, with the index by
/// expert that the search needs. Pair `p` is candidate `p % width` of token
/// `p / width`.
#[derive(Clone)]
struct Assignment<'a> {
    candidates: &'a [Candidate],
    width: usize,
    k: usize,
    caps: &'a [u64],
    /// Whether each pair is kept.
    kept: Vec<bool>,
    /// Pairs kept per token.
    held: Vec<usize>,
    /// Pairs kept per expert.
    load: Vec<u64>,
    /// Pairs of expert `e` are `by_expert[starts[e]..starts[e + 1]]`, in token order.
    starts: Vec<usize>,
    by_expert: Vec<u32>,
    /// Slots kept in all.
    total: usize,
}

/// Adds slots to the greedy assignment in `slots` (`k` per token, experts in
/// candidate order) until `ceil(slot_share * maximum)` are kept, if the greedy
/// keeps fewer; rewrites the slots of every token in candidate order.
pub fn maximize(candidates: &[Candidate], width: usize, k: usize, caps: &[u64], slot_share: f64, slots: &mut Slots) {
    let mut assignment = Assignment::new(candidates, width, k, caps, slots.experts);
    let bound = assignment.upper_bound();
    if assignment.total >= share_of(slot_share, bound) {
        return;
    }
    let target = share_of(slot_share, assignment.most());
    let mean = assignment.kept_score() / assignment.total.max(1) as f64;
    let mut round = cheapest::Round::new(caps.len(), candidates.len(), WINDOW_SHARE * mean);
    while assignment.total < target && assignment.cheapest_round(&mut round, target - assignment.total) > 0 {}
    assignment.write(slots);
}

/// `ceil(share * slots)`, never above `slots`.
fn share_of(share: f64, slots: usize) -> usize {
    ((share * slots as f64).ceil() as usize).min(slots)
}

impl<'a> Assignment<'a> {
    fn new(candidates: &'a [Candidate], width: usize, k: usize, caps: &'a [u64], slot_experts: &[i32]) -> Self {
        let tokens = candidates.len() / width;
        let experts = caps.len();
        let mut starts = vec![0usize; experts + 1];
        for c in candidates {
            starts[c.expert as usize + 1] += 1;
        }
        for e in 0..experts {
            starts[e + 1] += starts[e];
        }
        let mut fill = starts.clone();
        let mut by_expert = vec![0u32; candidates.len()];
        for (p, c) in candidates.iter().enumerate() {
            by_expert[fill[c.expert as usize]] = p as u32;
            fill[c.expert as usize] += 1;
        }
        let mut kept = vec![false; candidates.len()];
        let mut held = vec![0usize; tokens];
        let mut load = vec![0u64; experts];
        let mut total = 0;
        for t in 0..tokens {
            for &e in slot_experts[t * k..(t + 1) * k].iter().filter(|&&e| e >= 0) {
                let i = candidates[t * width..(t + 1) * width].iter().position(|c| c.expert as i32 == e);
                let p = t * width + i.expect("a slot's expert is one of the token's candidates");
                kept[p] = true;
                held[t] += 1;
                load[e as usize] += 1;
                total += 1;
            }
        }
        Assignment { candidates, width, k, caps, kept, held, load, starts, by_expert, total }
    }

    fn tokens(&self) -> usize {
        self.held.len()
    }

    /// No assignment keeps more than `k` slots per token or more than an
    /// expert's cap or number of candidate pairs per expert.
    fn upper_bound(&self) -> usize {
        let by_tokens = self.tokens() * self.k.min(self.width);
        let by_experts: u64 =
            self.caps.iter().enumerate().map(|(e, &cap)| cap.min((self.starts[e + 1] - self.starts[e]) as u64)).sum();
        by_tokens.min(by_experts.min(usize::MAX as u64) as usize)
    }

    fn expert_of(&self, pair: usize) -> usize {
        self.candidates[pair].expert as usize
    }

    /// The score mass of the kept pairs.
    fn kept_score(&self) -> f64 {
        self.candidates.iter().zip(&self.kept).filter(|(_, &kept)| kept).map(|(c, _)| c.score).sum()
    }

    /// Flips the pairs of an augmenting path from `source` (a token with a
    /// free slot) to `sink` (an expert with room): one more slot kept.
    fn flip(&mut self, path: &[u32], source: usize, sink: usize) {
        for &pair in path {
            self.kept[pair as usize] = !self.kept[pair as usize];
        }
        self.held[source] += 1;
        self.load[sink] += 1;
        self.total += 1;
    }

    /// Each token's kept candidates into its slots, in candidate order (best
    /// first), then -1s.
    fn write(&self, slots: &mut Slots) {
        let (k, width) = (self.k, self.width);
        for t in 0..self.tokens() {
            let row = &self.candidates[t * width..(t + 1) * width];
            let kept = &self.kept[t * width..(t + 1) * width];
            let mut at = t * k;
            for (c, _) in row.iter().zip(kept).filter(|(_, &kept)| kept) {
                slots.experts[at] = c.expert as i32;
                slots.scores[at] = c.score;
                at += 1;
            }
            slots.experts[at..(t + 1) * k].fill(-1);
            slots.scores[at..(t + 1) * k].fill(0.0);
        }
    }
}

#[cfg(test)]
mod tests;
