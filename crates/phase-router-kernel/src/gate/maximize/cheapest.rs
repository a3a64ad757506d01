//! Least-loss augmenting paths, many per round.
//!
//! A path is seen from the experts: a token with a free slot takes a full
//! expert `e1` (its score for `e1` is gained); one of `e1`'s tokens leaves it
//! for another of its candidates `e2`, and so on, until an expert with room.
//! A token that moves from `e` to `e'` loses `score(e) - score(e')`, counted
//! as 0 when the move is an improvement: with that, every move costs at least
//! 0, so one Dijkstra search over the experts (the sources entering at minus
//! the gained score) gives each expert its least loss, and no cycle can be
//! cheaper than nothing. (Counting improvements as gains would let cycles of
//! swaps that raise the score make the least loss unbounded below.)
//!
//! Each round runs that search, then takes paths backwards from the experts
//! with room, least loss first and one per expert in turn, through *tight*
//! steps only: a step from an expert searched earlier whose loss plus the
//! move's is exactly the later expert's loss. The least-loss tree is made of
//! such steps, and ties add more, so a round takes many paths of least loss
//! at once; within a round paths share no (token, candidate) pair, and the
//! search order makes the tight steps acyclic. Rounds repeat until enough
//! slots are kept.

use super::{Assignment, UNSEEN};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// No pair: the taker of a path's first expert is its source token.
const SOURCE: u32 = u32::MAX;

/// Buffers of a round, per expert unless said otherwise.
pub(super) struct Round {
    /// Least loss of a path that ends by taking the expert.
    loss: Vec<f64>,
    /// When the search settled the expert (`UNSEEN`: not yet).
    settled: Vec<u32>,
    /// The pair that takes the expert on the least-loss path, and the pair
    /// its token leaves (`SOURCE` when the token has a free slot).
    into: Vec<u32>,
    from: Vec<u32>,
    /// Whether `into`/`from` have been tried on the way back.
    tried: Vec<bool>,
    /// Where the scan of the expert's takers stands on the way back: its
    /// pair index times `width + 1` plus the step within the taker's row
    /// (`width`: the taker as a source).
    next: Vec<usize>,
    dead: Vec<bool>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    sinks: Vec<u32>,
    /// Per pair: the round in which it was flipped, so that a pair is used
    /// once per round (its state no longer matches the search's).
    flipped: Vec<u32>,
    round: u32,
    stack: Vec<u32>,
    /// The path so far, from the sink down: pairs taken, then pairs left.
    path: Vec<u32>,
}

impl Assignment<'_> {
    /// Takes up to `need` least-loss paths; returns how many it took.
    pub(super) fn cheapest_round(&mut self, round: &mut Round, need: usize) -> usize {
        self.search(round, need);
        let mut taken = 0;
        let mut active = std::mem::take(&mut round.sinks);
        while taken < need && !active.is_empty() {
            active.retain(|&sink| {
                let e = sink as usize;
                if taken == need || self.load[e] >= self.caps[e] || !self.take_path(round, e) {
                    return false;
                }
                taken += 1;
                true
            });
        }
        taken
    }

    /// Dijkstra over the experts from every token with a free slot, until
    /// `need` experts with room are settled.
    fn search(&self, round: &mut Round, need: usize) {
        round.reset();
        for t in 0..self.tokens() {
            if self.held[t] < self.k {
                for p in self.row(t).filter(|&p| !self.kept[p]) {
                    round.relax(self.expert_of(p), -self.candidates[p].score, p as u32, SOURCE);
                }
            }
        }
        let mut count = 0;
        while let Some(Reverse((key, e))) = round.heap.pop() {
            let e = e as usize;
            if round.settled[e] != UNSEEN || key != ascending(round.loss[e]) {
                continue;
            }
            round.settled[e] = count;
            count += 1;
            if self.load[e] < self.caps[e] {
                round.sinks.push(e as u32);
                if round.sinks.len() >= need {
                    break;
                }
                continue;
            }
            for &q in &self.by_expert[self.starts[e]..self.starts[e + 1]] {
                let q = q as usize;
                if !self.kept[q] {
                    continue;
                }
                for p in self.row(q / self.width).filter(|&p| !self.kept[p]) {
                    let to = self.expert_of(p);
                    if round.settled[to] == UNSEEN {
                        round.relax(to, round.loss[e] + self.move_loss(q, p), p as u32, q as u32);
                    }
                }
            }
        }
    }

    /// A token's candidate pairs.
    fn row(&self, t: usize) -> std::ops::Range<usize> {
        t * self.width..(t + 1) * self.width
    }

    /// What a token loses moving from pair `from` to pair `to`, improvements as 0.
    fn move_loss(&self, from: usize, to: usize) -> f64 {
        (self.candidates[from].score - self.candidates[to].score).max(0.0)
    }

    /// Searches back from `sink` through tight steps to a token with a free
    /// slot, and flips the path if it finds one.
    fn take_path(&mut self, round: &mut Round, sink: usize) -> bool {
        round.stack.clear();
        round.path.clear();
        round.stack.push(sink as u32);
        while let Some(&e) = round.stack.last() {
            match self.tight_step(round, e as usize) {
                Some((into, SOURCE)) => {
                    round.path.push(into);
                    let source = into as usize / self.width;
                    for &pair in &round.path {
                        round.flipped[pair as usize] = round.round;
                    }
                    self.flip(&round.path, source, sink);
                    return true;
                }
                Some((into, from)) => {
                    round.path.extend([into, from]);
                    round.stack.push(self.candidates[from as usize].expert);
                }
                None => {
                    round.dead[e as usize] = true;
                    round.stack.pop();
                    round.path.truncate(round.path.len().saturating_sub(2));
                }
            }
        }
        false
    }

    /// The next tight step into expert `e`: the least-loss one first, then its
    /// takers in pair order.
    fn tight_step(&self, round: &mut Round, e: usize) -> Option<(u32, u32)> {
        if !round.tried[e] {
            let (into, from) = (round.into[e], round.from[e]);
            if self.tight(round, e, into as usize, from) {
                return Some((into, from));
            }
            round.tried[e] = true;
        }
        let takers = &self.by_expert[self.starts[e]..self.starts[e + 1]];
        let steps = self.width + 1;
        while round.next[e] < takers.len() * steps {
            let (i, j) = (round.next[e] / steps, round.next[e] % steps);
            let into = takers[i] as usize;
            let t = into / self.width;
            let from = if j == self.width { SOURCE } else { (t * self.width + j) as u32 };
            if self.tight(round, e, into, from) {
                return Some((into as u32, from));
            }
            round.next[e] += 1;
        }
        None
    }

    /// Whether taking `e` by pair `into`, after leaving pair `from` (or as a
    /// source), is a tight step of this round whose lower end is still live.
    fn tight(&self, round: &Round, e: usize, into: usize, from: u32) -> bool {
        if self.kept[into] || round.flipped[into] == round.round {
            return false;
        }
        if from == SOURCE {
            let t = into / self.width;
            return self.held[t] < self.k && -self.candidates[into].score <= round.loss[e];
        }
        let from = from as usize;
        let before = self.expert_of(from);
        self.kept[from]
            && round.flipped[from] != round.round
            && round.settled[before] < round.settled[e]
            && !round.dead[before]
            && round.loss[before] + self.move_loss(from, into) <= round.loss[e]
    }
}

impl Round {
    pub(super) fn new(experts: usize, pairs: usize) -> Self {
        Round {
            loss: vec![f64::INFINITY; experts],
            settled: vec![UNSEEN; experts],
            into: vec![0; experts],
            from: vec![SOURCE; experts],
            tried: vec![false; experts],
            next: vec![0; experts],
            dead: vec![false; experts],
            heap: BinaryHeap::new(),
            sinks: Vec::new(),
            flipped: vec![0; pairs],
            round: 0,
            stack: Vec::new(),
            path: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.loss.fill(f64::INFINITY);
        self.settled.fill(UNSEEN);
        self.tried.fill(false);
        self.next.fill(0);
        self.dead.fill(false);
        self.heap.clear();
        self.sinks.clear();
        self.round += 1;
    }

    /// Keeps the lesser loss for expert `e` (the first found on a tie).
    fn relax(&mut self, e: usize, loss: f64, into: u32, from: u32) {
        if loss < self.loss[e] {
            self.loss[e] = loss;
            self.into[e] = into;
            self.from[e] = from;
            self.heap.push(Reverse((ascending(loss), e as u32)));
        }
    }
}

/// An integer whose order is the order of finite `x` (`-0.0` and `0.0` equal).
fn ascending(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}
