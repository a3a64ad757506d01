//! The most slots: Hopcroft-Karp phases on a copy of the assignment. One
//! breadth-first search from every token with a free slot at once labels the
//! graph in layers (tokens even, experts odd) up to the first layer holding an
//! expert with room; then edge-disjoint paths are taken backwards from those
//! experts, one layer down at a time, until none is left. Phases repeat until
//! a search finds no expert with room.

use super::{Assignment, UNSEEN};

/// Buffers of one phase, over nodes: tokens `0..T`, then experts `T..T + E`.
pub(super) struct Layers {
    layer: Vec<u32>,
    /// Where the scan of the node's pairs stands on the way back.
    next: Vec<usize>,
    /// Nodes from which no path back to a source is left in this phase.
    dead: Vec<bool>,
    queue: Vec<u32>,
    /// The search back: nodes, and the pairs between them.
    stack: Vec<u32>,
    path: Vec<u32>,
}

impl Assignment<'_> {
    /// The most slots any assignment within the candidates keeps.
    pub(super) fn most(&self) -> usize {
        let mut copy = self.clone();
        let mut layers = Layers::new(copy.tokens() + copy.caps.len());
        while copy.layered_phase(&mut layers) > 0 {}
        copy.total
    }

    /// One phase; returns the number of paths it took.
    fn layered_phase(&mut self, layers: &mut Layers) -> usize {
        let mut taken = 0;
        for sink in self.label(layers) {
            let expert = sink as usize - self.tokens();
            while self.load[expert] < self.caps[expert] && self.path_back(layers, sink) {
                taken += 1;
            }
        }
        taken
    }

    /// Labels the layers; returns the experts with room in the last one.
    fn label(&self, layers: &mut Layers) -> Vec<u32> {
        let tokens = self.tokens();
        layers.reset();
        for t in 0..tokens {
            if self.held[t] < self.k {
                layers.layer[t] = 0;
                layers.queue.push(t as u32);
            }
        }
        let mut sinks = Vec::new();
        let mut last = UNSEEN;
        let mut at = 0;
        while at < layers.queue.len() {
            let node = layers.queue[at] as usize;
            at += 1;
            let layer = layers.layer[node];
            if layer > last {
                break;
            }
            if node < tokens {
                // A token may take any candidate it does not hold.
                for p in node * self.width..(node + 1) * self.width {
                    if !self.kept[p] {
                        layers.reach(tokens + self.expert_of(p), layer + 1);
                    }
                }
            } else if self.load[node - tokens] < self.caps[node - tokens] {
                last = layer;
                sinks.push(node as u32);
            } else {
                // A full expert can push out any token it holds.
                for &p in &self.by_expert[self.starts[node - tokens]..self.starts[node - tokens + 1]] {
                    if self.kept[p as usize] {
                        layers.reach(p as usize / self.width, layer + 1);
                    }
                }
            }
        }
        sinks
    }

    /// Searches back from `sink` to a token with a free slot and flips the
    /// path if it finds one.
    fn path_back(&mut self, layers: &mut Layers, sink: u32) -> bool {
        layers.stack.clear();
        layers.path.clear();
        layers.stack.push(sink);
        while let Some(&node) = layers.stack.last() {
            let node = node as usize;
            if layers.layer[node] == 0 {
                if self.held[node] < self.k {
                    self.flip(&layers.path, node, sink as usize - self.tokens());
                    return true;
                }
                layers.dead[node] = true;
            } else if let Some((pair, from)) = self.step_back(layers, node) {
                layers.path.push(pair as u32);
                layers.stack.push(from as u32);
                continue;
            } else {
                layers.dead[node] = true;
            }
            layers.stack.pop();
            layers.path.pop();
        }
        false
    }

    /// The next pair into `node` from a live node one layer down, in the
    /// order of the node's pairs (a token's candidates, an expert's pairs).
    fn step_back(&self, layers: &mut Layers, node: usize) -> Option<(usize, usize)> {
        let tokens = self.tokens();
        let pairs = if node < tokens {
            node * self.width..(node + 1) * self.width
        } else {
            self.starts[node - tokens]..self.starts[node - tokens + 1]
        };
        while layers.next[node] < pairs.len() {
            let at = pairs.start + layers.next[node];
            let pair = if node < tokens { at } else { self.by_expert[at] as usize };
            // Into a token: from an expert it holds; into an expert: from a
            // token that does not hold it. (Edges flipped in this phase go up
            // a layer, never down.)
            let (from, kept) =
                if node < tokens { (tokens + self.expert_of(pair), true) } else { (pair / self.width, false) };
            if self.kept[pair] == kept && layers.layer[from].wrapping_add(1) == layers.layer[node] && !layers.dead[from]
            {
                return Some((pair, from));
            }
            layers.next[node] += 1;
        }
        None
    }
}

impl Layers {
    fn new(nodes: usize) -> Self {
        Layers {
            layer: vec![UNSEEN; nodes],
            next: vec![0; nodes],
            dead: vec![false; nodes],
            queue: Vec::new(),
            stack: Vec::new(),
            path: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.layer.fill(UNSEEN);
        self.next.fill(0);
        self.dead.fill(false);
        self.queue.clear();
    }

    fn reach(&mut self, node: usize, layer: u32) {
        if self.layer[node] == UNSEEN {
            self.layer[node] = layer;
            self.queue.push(node as u32);
        }
    }
}
