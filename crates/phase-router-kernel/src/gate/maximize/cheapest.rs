//! Cheap augmenting paths, many per round.
//!
//! A path is seen from the experts: a token with a free slot takes a full
//! expert `e1` (its score for `e1` is gained); one of `e1`'s tokens leaves it
//! for another of its candidates `e2`, and so on, until an expert with room.
//! A token that moves from `e` to `e'` loses `score(e) - score(e')`, counted
//! as 0 when the move is an improvement: with that, every move costs at least
//! 0, so one Dijkstra search over the experts (the sources entering at minus
//! the gained score) gives each expert the least loss of a path that ends by
//! taking it. (Counting improvements as gains would let cycles of swaps that
//! raise the score make the least loss unbounded below.)
//!
//! A round runs that search up to `limit`, the least loss of any path plus a
//! `window`, then takes paths backwards from the experts with room (least
//! loss first, one per expert in turn) whose loss is at most `limit`: a
//! depth-first search that carries the loss still allowed and steps to an
//! expert only if that expert's least loss fits in it. Within a round paths
//! share no (token, candidate) pair, and steps go only to experts settled
//! earlier, so the search cannot cycle. Each path taken loses at most
//! `window` more than the cheapest path there was at the start of its round.

use super::{Assignment, UNSEEN};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Rounding slack in comparing a loss with an allowance: the allowance is
/// the limit minus the moves summed from the sink down, the least loss the
/// moves summed from the source up, so equal sums can differ in the last bits.
const TOLERANCE: f64 = 1e-12;

/// No pair: the taker of a path's first expert is its source token.
const SOURCE: u32 = u32::MAX;

/// Buffers of a round, per expert unless said otherwise.
pub(super) struct Round {
    /// How much more than the cheapest path a path of the round may lose.
    window: f64,
    /// Least loss of a path that ends by taking the expert.
    loss: Vec<f64>,
    /// When the search settled the expert (`UNSEEN`: not yet).
    settled: Vec<u32>,
    /// Every step the search tried, as (expert taken, loss of a path that
    /// ends with it, pair that takes the expert, pair its token leaves or
    /// `SOURCE`), then sorted by expert and loss (stable: ties in search
    /// order); the steps into expert `e` are `steps[starts[e]..starts[e + 1]]`.
    steps: Vec<Step>,
    starts: Vec<usize>,
    /// The largest allowed loss with which a search back from the expert
    /// found nothing (a smaller one cannot find anything either).
    dead_at: Vec<f64>,
    /// Where the last scan of the expert's steps stopped, and the allowed
    /// loss it had: a scan with at most that allowance resumes there (what
    /// it passed did not fit, or leads nowhere now).
    scan_at: Vec<usize>,
    scan_allowed: Vec<f64>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    sinks: Vec<u32>,
    /// Per pair: the round in which it was flipped, so that a pair is used
    /// once per round (its state no longer matches the search's).
    flipped: Vec<u32>,
    round: u32,
    stack: Vec<Frame>,
    /// The path so far, from the sink down: pairs taken and pairs left.
    path: Vec<u32>,
}

/// A step of a path: see [`Round::steps`].
type Step = (u32, f64, u32, u32);

/// An expert on the way back, the loss still allowed for the path up to it,
/// and how far the scan of its takers has come.
struct Frame {
    expert: u32,
    allowed: f64,
    next: usize,
}

impl Assignment<'_> {
    /// Takes up to `need` paths of the round; returns how many it took.
    pub(super) fn cheapest_round(&mut self, round: &mut Round, need: usize) -> usize {
        let Some(limit) = self.search(round) else {
            return 0;
        };
        let mut taken = 0;
        let mut active = std::mem::take(&mut round.sinks);
        while taken < need && !active.is_empty() {
            active.retain(|&sink| {
                let e = sink as usize;
                if taken == need || self.load[e] >= self.caps[e] || !self.take_path(round, e, limit) {
                    return false;
                }
                taken += 1;
                true
            });
        }
        taken
    }

    /// Dijkstra over the experts from every token with a free slot, up to the
    /// least loss of an expert with room plus the window; returns that limit
    /// (`None` when no expert with room can be reached).
    fn search(&self, round: &mut Round) -> Option<f64> {
        round.reset();
        for t in 0..self.tokens() {
            if self.held[t] < self.k {
                for p in self.row(t).filter(|&p| !self.kept[p]) {
                    round.relax(self.expert_of(p), -self.candidates[p].score, p as u32, SOURCE, f64::INFINITY);
                }
            }
        }
        let mut limit = f64::INFINITY;
        let mut count = 0;
        while let Some(Reverse((key, e))) = round.heap.pop() {
            let e = e as usize;
            if round.settled[e] != UNSEEN || key != ascending(round.loss[e]) {
                continue;
            }
            if round.loss[e] > limit {
                break;
            }
            round.settled[e] = count;
            count += 1;
            if self.load[e] < self.caps[e] {
                if round.sinks.is_empty() {
                    limit = round.loss[e] + round.window;
                }
                round.sinks.push(e as u32);
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
                        round.relax(to, round.loss[e] + self.move_loss(q, p), p as u32, q as u32, limit);
                    }
                }
            }
        }
        round.index_steps();
        limit.is_finite().then_some(limit)
    }

    /// A token's candidate pairs.
    fn row(&self, t: usize) -> std::ops::Range<usize> {
        t * self.width..(t + 1) * self.width
    }

    /// What a token loses moving from pair `from` to pair `to`, improvements as 0.
    fn move_loss(&self, from: usize, to: usize) -> f64 {
        (self.candidates[from].score - self.candidates[to].score).max(0.0)
    }

    /// Searches back from `sink` for a path that loses at most `limit`, and
    /// flips it if it finds one.
    fn take_path(&mut self, round: &mut Round, sink: usize, limit: f64) -> bool {
        round.stack.clear();
        round.path.clear();
        round.push(sink, limit);
        while !round.stack.is_empty() {
            match self.next_step(round) {
                Some((into, SOURCE)) => {
                    round.path.push(into);
                    for &pair in &round.path {
                        round.flipped[pair as usize] = round.round;
                    }
                    self.flip(&round.path, into as usize / self.width, sink);
                    return true;
                }
                Some((into, from)) => {
                    let (before, loss) = (self.expert_of(from as usize), self.move_loss(from as usize, into as usize));
                    let allowed = round.stack.last().map_or(0.0, |f| f.allowed) - loss;
                    round.path.extend([into, from]);
                    round.push(before, allowed);
                }
                None => {
                    let frame = round.stack.pop().expect("a frame");
                    let dead = &mut round.dead_at[frame.expert as usize];
                    *dead = dead.max(frame.allowed);
                    round.path.truncate(round.path.len().saturating_sub(2));
                }
            }
        }
        false
    }

    /// The next step into the top frame's expert that fits its allowed loss,
    /// in the order of the steps' losses.
    fn next_step(&self, round: &mut Round) -> Option<(u32, u32)> {
        let frame = round.stack.last().expect("a frame");
        let (e, allowed) = (frame.expert as usize, frame.allowed);
        let steps = &round.steps[round.starts[e]..round.starts[e + 1]];
        let mut at = frame.next;
        let mut found = None;
        while let Some(&(_, loss, into, from)) = steps.get(at) {
            if loss > allowed + TOLERANCE {
                break;
            }
            at += 1;
            if self.fits(round, into as usize, from, allowed) {
                found = Some((into, from));
                break;
            }
        }
        round.stack.last_mut().expect("a frame").next = at;
        (round.scan_at[e], round.scan_allowed[e]) = (at, allowed);
        found
    }

    /// Whether a step whose loss fits in `allowed` is still open: its pairs
    /// unflipped in this round, its source with a free slot, or the expert
    /// below not found dead with this much allowance.
    fn fits(&self, round: &Round, into: usize, from: u32, allowed: f64) -> bool {
        if self.kept[into] || round.flipped[into] == round.round {
            return false;
        }
        if from == SOURCE {
            return self.held[into / self.width] < self.k;
        }
        let from = from as usize;
        self.kept[from]
            && round.flipped[from] != round.round
            && allowed - self.move_loss(from, into) > round.dead_at[self.expert_of(from)]
    }
}

impl Round {
    /// Buffers for `experts` and `pairs`; `window` as in the module documentation.
    pub(super) fn new(experts: usize, pairs: usize, window: f64) -> Self {
        Round {
            window,
            loss: vec![f64::INFINITY; experts],
            settled: vec![UNSEEN; experts],
            steps: Vec::new(),
            starts: vec![0; experts + 1],
            dead_at: vec![f64::NEG_INFINITY; experts],
            scan_at: vec![0; experts],
            scan_allowed: vec![f64::NEG_INFINITY; experts],
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
        self.dead_at.fill(f64::NEG_INFINITY);
        self.scan_allowed.fill(f64::NEG_INFINITY);
        self.heap.clear();
        self.sinks.clear();
        self.steps.clear();
        self.round += 1;
    }

    /// A frame for expert `e` with loss `allowed`, resuming its last scan if
    /// that had at least this allowance.
    fn push(&mut self, e: usize, allowed: f64) {
        let next = if allowed <= self.scan_allowed[e] { self.scan_at[e] } else { 0 };
        self.stack.push(Frame { expert: e as u32, allowed, next });
    }

    /// Records a step into expert `e` if its loss is within `limit`, and
    /// keeps the lesser loss for `e` (the first found on a tie).
    fn relax(&mut self, e: usize, loss: f64, into: u32, from: u32, limit: f64) {
        if loss > limit {
            return;
        }
        self.steps.push((e as u32, loss, into, from));
        if loss < self.loss[e] {
            self.loss[e] = loss;
            self.heap.push(Reverse((ascending(loss), e as u32)));
        }
    }

    /// Sorts the steps by expert and loss, and indexes them by expert.
    fn index_steps(&mut self) {
        self.steps.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        self.starts.fill(0);
        for step in &self.steps {
            self.starts[step.0 as usize + 1] += 1;
        }
        for e in 1..self.starts.len() {
            self.starts[e] += self.starts[e - 1];
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
