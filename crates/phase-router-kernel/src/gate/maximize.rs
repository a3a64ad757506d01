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
//! The paths are found in phases, as Hopcroft and Karp do: one breadth-first
//! search from every token with a free slot at once labels the graph in
//! layers (tokens even, experts odd) up to the first layer holding an expert
//! with room, and computes along the way each node's least score loss from a
//! source over paths of that length (the layered graph has no cycles, so a
//! pass in layer order is exact). Then paths are taken backwards from the
//! experts with room, least loss first, each through its least-loss
//! predecessors where they are still free, edge-disjoint within the phase.
//! The phase stops as soon as the target is met, so the last phase takes only
//! the cheapest paths it needs. Everything runs in a fixed order over
//! compact arrays (a token's candidates, an expert's candidate pairs), so the
//! result is deterministic.
//!
//! The target is `ceil(slot_share * maximum)`, the maximum being the most
//! slots any assignment within the same candidates keeps. It is computed by
//! the same phases without a target on a copy (skipped when the greedy
//! already reaches the share of a cheap upper bound, so that an uncapped or
//! lightly capped call costs nothing more than rerouting).

use super::assign::Slots;
use super::choose::Candidate;

/// A node not reached in this phase.
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

/// Buffers of one phase, over nodes: tokens `0..T`, then experts `T..T + E`.
struct Phase {
    layer: Vec<u32>,
    /// Least score loss from a source to the node over paths of its layer's length.
    loss: Vec<f64>,
    /// The pair through which that least loss arrives.
    via: Vec<u32>,
    /// Whether `via` has been tried on the way back (then only the scan is left).
    via_tried: Vec<bool>,
    /// Where the scan of the node's pairs stands on the way back.
    next: Vec<usize>,
    /// Nodes from which no path back to a source is left in this phase.
    dead: Vec<bool>,
    queue: Vec<u32>,
    /// The search back: nodes and the pairs between them.
    stack: Vec<u32>,
    path: Vec<u32>,
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
    let mut phase = Phase::new(assignment.tokens() + caps.len());
    let mut widest = assignment.clone();
    while widest.augment_phase(&mut phase, usize::MAX) > 0 {}
    let target = share_of(slot_share, widest.total);
    drop(widest);
    while assignment.total < target && assignment.augment_phase(&mut phase, target - assignment.total) > 0 {}
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

    /// One phase: labels the layers, then takes up to `need` shortest
    /// augmenting paths, least loss first. Returns how many it took.
    fn augment_phase(&mut self, phase: &mut Phase, need: usize) -> usize {
        let sinks = self.label(phase);
        let mut taken = 0;
        let mut active = sinks;
        // Rounds over the experts with room, least loss first, one path each.
        while taken < need && !active.is_empty() {
            active.retain(|&sink| {
                if taken == need || self.load[sink as usize - self.tokens()] >= self.caps[sink as usize - self.tokens()]
                {
                    return false;
                }
                let found = self.path_back(phase, sink);
                taken += found as usize;
                found
            });
        }
        taken
    }

    /// Breadth-first search from every token with a free slot: layers and
    /// least losses; returns the experts with room in the last layer, least
    /// loss first (ties to the lower expert).
    fn label(&self, phase: &mut Phase) -> Vec<u32> {
        let tokens = self.tokens();
        phase.reset();
        for t in 0..tokens {
            if self.held[t] < self.k {
                phase.layer[t] = 0;
                phase.loss[t] = 0.0;
                phase.queue.push(t as u32);
            }
        }
        let mut sinks = Vec::new();
        let mut last = UNSEEN;
        let mut at = 0;
        while at < phase.queue.len() {
            let node = phase.queue[at] as usize;
            at += 1;
            let layer = phase.layer[node];
            if layer > last {
                break;
            }
            if node < tokens {
                // A token may take any candidate it does not hold.
                for p in node * self.width..(node + 1) * self.width {
                    if !self.kept[p] {
                        phase.reach(
                            tokens + self.expert_of(p),
                            layer + 1,
                            phase.loss[node] - self.candidates[p].score,
                            p,
                        );
                    }
                }
            } else if self.load[node - tokens] < self.caps[node - tokens] {
                last = layer;
                sinks.push(node as u32);
            } else {
                // A full expert can push out any token it holds.
                for &p in &self.by_expert[self.starts[node - tokens]..self.starts[node - tokens + 1]] {
                    let p = p as usize;
                    if self.kept[p] {
                        phase.reach(p / self.width, layer + 1, phase.loss[node] + self.candidates[p].score, p);
                    }
                }
            }
        }
        sinks.sort_by(|&a, &b| phase.loss[a as usize].total_cmp(&phase.loss[b as usize]).then(a.cmp(&b)));
        sinks
    }

    /// Searches back from `sink` to a token with a free slot, one layer down
    /// at a time, and flips the path if it finds one.
    fn path_back(&mut self, phase: &mut Phase, sink: u32) -> bool {
        phase.stack.clear();
        phase.path.clear();
        phase.stack.push(sink);
        while let Some(&node) = phase.stack.last() {
            let node = node as usize;
            if phase.layer[node] == 0 {
                if self.held[node] < self.k {
                    self.flip(phase, node, sink as usize);
                    return true;
                }
                phase.dead[node] = true;
            } else if let Some((pair, from)) = self.step_back(phase, node) {
                phase.path.push(pair as u32);
                phase.stack.push(from as u32);
                continue;
            } else {
                phase.dead[node] = true;
            }
            phase.stack.pop();
            phase.path.pop();
        }
        false
    }

    /// The pair into `node` from a live node one layer down: `via` first,
    /// then the node's pairs in order.
    fn step_back(&self, phase: &mut Phase, node: usize) -> Option<(usize, usize)> {
        if !phase.via_tried[node] {
            let pair = phase.via[node] as usize;
            if let Some(from) = self.back_edge(phase, node, pair) {
                return Some((pair, from));
            }
            phase.via_tried[node] = true;
        }
        let tokens = self.tokens();
        let pairs = if node < tokens {
            node * self.width..(node + 1) * self.width
        } else {
            self.starts[node - tokens]..self.starts[node - tokens + 1]
        };
        while phase.next[node] < pairs.len() {
            let at = pairs.start + phase.next[node];
            let pair = if node < tokens { at } else { self.by_expert[at] as usize };
            if let Some(from) = self.back_edge(phase, node, pair) {
                return Some((pair, from));
            }
            phase.next[node] += 1;
        }
        None
    }

    /// The node one layer below `node` that `pair` joins it from, if that
    /// edge is in the residual graph and its end is not dead. Into a token:
    /// from an expert it holds; into an expert: from a token that does not
    /// hold it. (Edges flipped in this phase go up a layer, never down.)
    fn back_edge(&self, phase: &Phase, node: usize, pair: usize) -> Option<usize> {
        let tokens = self.tokens();
        let (from, kept) =
            if node < tokens { (tokens + self.expert_of(pair), true) } else { (pair / self.width, false) };
        let live =
            self.kept[pair] == kept && phase.layer[from].wrapping_add(1) == phase.layer[node] && !phase.dead[from];
        live.then_some(from)
    }

    fn flip(&mut self, phase: &Phase, source: usize, sink: usize) {
        for &pair in &phase.path {
            self.kept[pair as usize] = !self.kept[pair as usize];
        }
        let expert = sink - self.tokens();
        self.held[source] += 1;
        self.load[expert] += 1;
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

impl Phase {
    fn new(nodes: usize) -> Self {
        Phase {
            layer: vec![UNSEEN; nodes],
            loss: vec![0.0; nodes],
            via: vec![0; nodes],
            via_tried: vec![false; nodes],
            next: vec![0; nodes],
            dead: vec![false; nodes],
            queue: Vec::new(),
            stack: Vec::new(),
            path: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.layer.fill(UNSEEN);
        self.via_tried.fill(false);
        self.next.fill(0);
        self.dead.fill(false);
        self.queue.clear();
    }

    /// Reaches `node` at `layer` with `loss` through `pair`: labels it if it
    /// is new, or keeps the lesser loss (the first found on a tie) if it is
    /// already in that layer.
    fn reach(&mut self, node: usize, layer: u32, loss: f64, pair: usize) {
        if self.layer[node] == UNSEEN {
            self.layer[node] = layer;
            self.queue.push(node as u32);
        } else if self.layer[node] != layer || loss >= self.loss[node] {
            return;
        }
        self.loss[node] = loss;
        self.via[node] = pair as u32;
    }
}

#[cfg(test)]
mod tests;
