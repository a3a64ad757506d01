//! Mixture-of-Experts gating: from router logits to each token's experts,
//! combine weights and places in the experts' buffers, under capacity.
//!
//! `scores` holds `tokens x experts` logits, row-major. For each token:
//!
//! 1. **Scores**: softmax over the row (numerically stable: `exp(x - max)`,
//!    summed as four interleaved partial sums, expert `e` into sum `e % 4`,
//!    added as `(s0 + s1) + (s2 + s3)`) or the sigmoid of each logit. Computed
//!    in `f64` from the `f32` logits with the portable `exp` of the `exp`
//!    module (the same bits on every platform); every comparison below is
//!    between these `f64` values, and only the weights are rounded to `f32`,
//!    at the end.
//! 2. **Selection scores**: the score plus `bias[e]` (DeepSeek-V3's
//!    auxiliary-loss-free balancing); the bias chooses, it never weighs.
//! 3. **Groups** (optional, vLLM's `grouped_topk`): the experts split into
//!    `count` equal groups, each rated by its best selection score, or by the
//!    sum of its best two when a bias is given; only the experts of the `topk`
//!    best groups (ties to the lower group) are eligible.
//! 4. **Choice**: the `k` eligible experts of highest selection score, ties to
//!    the lower expert.
//!
//! Then **capacity** ([`Capacity`]) across tokens: with [`Overflow::Drop`]
//! slot `i` holds the token's `i`-th choice or -1 when its expert dropped it
//! (an expert over its cap keeps its highest scores, ties to the earlier token,
//! or its earliest tokens: [`Priority`]); with [`Overflow::Reroute`] a token
//! whose expert is full takes its next-best expert with room among its
//! `reroute_within` best, and its slots hold its experts best first, then -1s;
//! [`Overflow::Maximize`] reroutes, then moves tokens along augmenting paths
//! until a share of the most slots any assignment could keep is kept.
//!
//! **Weights**: the scores of a token's *kept* slots, divided by their sum
//! when `renormalize` (so a token's kept weights sum to 1, whatever was
//! dropped), times `scale`; 0 in empty slots. If the kept scores sum to 0
//! (every one underflowed), each kept slot weighs `scale / kept`.
//!
//! **Positions**: a kept slot's place in its expert's buffer is the number of
//! earlier tokens (by token index) that expert kept: `0..counts[e]` per expert,
//! in token order whatever the priority.
//!
//! Scoring and choice run in parallel over tokens; capacity runs in a fixed
//! order. The output is the same at every thread count.
//!
//! ```
//! use phase_router_kernel::gate::{gate, Capacity, GateOptions};
//!
//! // 3 tokens, 4 experts, 2 per token, at most 1 token per expert.
//! let logits = [4.0, 3.0, 0.0, 0.0, 4.0, 3.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0];
//! let options = GateOptions { capacity: Capacity::Each(1), ..GateOptions::new(4, 2) };
//! let gated = gate(&logits, &options).unwrap();
//! assert_eq!(gated.experts, [0, 1, -1, -1, 3, 2]);
//! assert_eq!(gated.positions, [0, 0, -1, -1, 0, 0]);
//! assert_eq!(gated.counts, [1, 1, 1, 1]);
//! assert_eq!((gated.kept, gated.dropped), (4, 2));
//! ```

mod assign;
mod bias;
pub(crate) mod choose;
mod exp;
mod maximize;
mod replicas;
mod short;
mod spare;

pub use bias::update_bias;
pub use choose::Candidate;
pub use replicas::{dispatch_replicas, Replicas};

use crate::InputError;
use crate::{arch, parallel, MAX_SLOTS};
use std::str::FromStr;

/// How logits become scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scoring {
    /// Softmax over the token's row (the default).
    #[default]
    Softmax,
    /// The sigmoid of each logit on its own (DeepSeek-V3).
    Sigmoid,
}

/// What happens to an assignment its expert has no room for.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Overflow {
    /// The slot stays empty (-1) (the default).
    #[default]
    Drop,
    /// The token takes its next-best expert that has room.
    Reroute,
    /// Rerouting, then augmenting paths (least score loss first) until the
    /// kept slots reach `ceil(slot_share * maximum)`, the maximum being the
    /// most any assignment within the same candidates keeps; `slot_share` is
    /// in `(0, 1]`. Not stable: a token may hold an expert that refused
    /// another token with a higher score for it.
    Maximize {
        /// Share of the maximum number of slots to keep ([`DEFAULT_SLOT_SHARE`] from a name).
        slot_share: f64,
    },
}

/// The `slot_share` of `overflow: 'maximize'` when none is given.
pub const DEFAULT_SLOT_SHARE: f64 = 0.99;

/// Which assignments an expert over its cap keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// The highest scores, ties to the earlier token (Megatron-Core) (the default).
    /// With rerouting: greedy over pairs by selection score, a stable assignment.
    #[default]
    Score,
    /// The earliest tokens (GShard, DeepSpeed); with rerouting, tokens are
    /// served in order, each taking its best experts that still have room.
    Position,
}

/// Group-limited choice: `count` equal groups, of which the `topk` best are eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    /// Number of groups; divides the number of experts.
    pub count: usize,
    /// Groups a token may choose from.
    pub topk: usize,
}

/// Most tokens an expert keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Capacity<'a> {
    /// No cap: nothing is dropped (the default).
    #[default]
    Unlimited,
    /// The same cap for every expert.
    Each(u64),
    /// One cap per expert, each `>= 0`.
    PerExpert(&'a [i32]),
}

/// Everything [`gate`] needs besides the logits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateOptions<'a> {
    /// Number of experts `E` (the row length).
    pub experts: usize,
    /// Experts per token, `1..=E`.
    pub k: usize,
    /// Softmax or sigmoid.
    pub scoring: Scoring,
    /// Added to the scores for choosing only (length `E`, finite).
    pub bias: Option<&'a [f32]>,
    /// Group-limited choice.
    pub groups: Option<Groups>,
    /// Whether a token's kept weights are divided by their sum.
    pub renormalize: bool,
    /// Factor on every weight (finite).
    pub scale: f64,
    /// Caps per expert.
    pub capacity: Capacity<'a>,
    /// Dropping or rerouting what a full expert cannot keep.
    pub overflow: Overflow,
    /// Which assignments a full expert keeps.
    pub priority: Priority,
    /// With rerouting, how many of its best eligible experts a token may
    /// take (at least `k`; `2k` when `None`; fewer when fewer are eligible).
    pub reroute_within: Option<usize>,
}

impl GateOptions<'_> {
    /// The defaults: softmax, no bias or groups, renormalized, scale 1, no capacity.
    pub fn new(experts: usize, k: usize) -> Self {
        GateOptions {
            experts,
            k,
            scoring: Scoring::Softmax,
            bias: None,
            groups: None,
            renormalize: true,
            scale: 1.0,
            capacity: Capacity::Unlimited,
            overflow: Overflow::Drop,
            priority: Priority::Score,
            reroute_within: None,
        }
    }

    /// Experts a token may choose from: all, or those of its `topk` groups.
    fn eligible(&self) -> usize {
        match self.groups {
            Some(g) => g.topk * (self.experts / g.count),
            None => self.experts,
        }
    }

    /// Candidates kept per token: `k`, or more for rerouting under a cap.
    fn width(&self) -> usize {
        match (self.overflow, self.capacity) {
            (Overflow::Reroute | Overflow::Maximize { .. }, Capacity::Each(_) | Capacity::PerExpert(_)) => {
                self.reroute_within.unwrap_or(2 * self.k).min(self.eligible())
            }
            _ => self.k,
        }
    }
}

/// The result of [`gate`]: `k` slots per token, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Gated {
    /// Expert of each slot, -1 when empty.
    pub experts: Vec<i32>,
    /// Combine weight of each slot, 0 when empty.
    pub weights: Vec<f32>,
    /// Place of each kept slot in its expert's buffer, -1 when empty.
    pub positions: Vec<i32>,
    /// Tokens kept by each expert.
    pub counts: Vec<i32>,
    /// Slots that hold an expert.
    pub kept: usize,
    /// Slots left empty: `tokens * k - kept`.
    pub dropped: usize,
}

impl FromStr for Scoring {
    type Err = InputError;
    fn from_str(name: &str) -> Result<Self, InputError> {
        match name {
            "softmax" => Ok(Scoring::Softmax),
            "sigmoid" => Ok(Scoring::Sigmoid),
            _ => Err(InputError::new("options.scoring", format!("'{name}' is not 'softmax' or 'sigmoid'"))),
        }
    }
}

impl FromStr for Overflow {
    type Err = InputError;
    fn from_str(name: &str) -> Result<Self, InputError> {
        match name {
            "drop" => Ok(Overflow::Drop),
            "reroute" => Ok(Overflow::Reroute),
            "maximize" => Ok(Overflow::Maximize { slot_share: DEFAULT_SLOT_SHARE }),
            _ => Err(InputError::new("options.overflow", format!("'{name}' is not 'drop', 'reroute' or 'maximize'"))),
        }
    }
}

impl FromStr for Priority {
    type Err = InputError;
    fn from_str(name: &str) -> Result<Self, InputError> {
        match name {
            "score" => Ok(Priority::Score),
            "position" => Ok(Priority::Position),
            _ => Err(InputError::new("options.priority", format!("'{name}' is not 'score' or 'position'"))),
        }
    }
}

/// Checks every input of [`gate`] before any work; returns the number of tokens.
pub fn check(scores: &[f32], options: &GateOptions) -> Result<usize, InputError> {
    let (experts, k) = (options.experts, options.k);
    if experts == 0 {
        return Err(InputError::new("options.experts", "must be at least 1"));
    }
    if k == 0 {
        return Err(InputError::new("options.k", "must be at least 1"));
    }
    if k > experts {
        return Err(InputError::new("options.k", format!("{k} exceeds options.experts = {experts}")));
    }
    if !scores.len().is_multiple_of(experts) {
        let len = scores.len();
        return Err(InputError::new(
            "scores",
            format!("length {len} is not a multiple of options.experts = {experts}"),
        ));
    }
    let tokens = scores.len() / experts;
    if tokens.checked_mul(k).is_none_or(|slots| slots > MAX_SLOTS) {
        return Err(InputError::new("scores", format!("{tokens} tokens * k = {k} exceed {MAX_SLOTS} slots")));
    }
    check_finite(scores, "scores")?;
    if let Some(bias) = options.bias {
        if bias.len() != experts {
            let len = bias.len();
            return Err(InputError::new(
                "options.bias",
                format!("length {len} does not match options.experts = {experts}"),
            ));
        }
        check_finite(bias, "options.bias")?;
    }
    if let Some(Groups { count, topk }) = options.groups {
        if count == 0 || experts % count != 0 {
            return Err(InputError::new("options.groups.count", format!("{count} does not divide {experts} experts")));
        }
        if topk == 0 || topk > count {
            return Err(InputError::new("options.groups.topk", format!("{topk} is not in [1, {count}]")));
        }
        if topk * (experts / count) < k {
            let size = experts / count;
            let reason = format!("{topk} groups of {size} experts cannot supply k = {k} experts");
            return Err(InputError::new("options.groups.topk", reason));
        }
    }
    if !options.scale.is_finite() {
        return Err(InputError::new("options.scale", format!("{} is not a finite number", options.scale)));
    }
    if let Capacity::PerExpert(caps) = options.capacity {
        if caps.len() != experts {
            let len = caps.len();
            let reason = format!("length {len} does not match options.experts = {experts}");
            return Err(InputError::new("options.capacity", reason));
        }
        if let Some(e) = caps.iter().position(|&c| c < 0) {
            return Err(InputError::at("options.capacity", e, format!("{} is negative", caps[e])));
        }
    }
    if let Overflow::Maximize { slot_share } = options.overflow {
        if !(slot_share > 0.0 && slot_share <= 1.0) {
            let reason = format!("{} is not in (0, 1]", js_number(slot_share));
            return Err(InputError::new("options.slotShare", reason));
        }
    }
    if let Some(within) = options.reroute_within {
        if within < k {
            return Err(InputError::new("options.rerouteWithin", format!("{within} is less than k = {k}")));
        }
    }
    Ok(tokens)
}

fn check_finite(values: &[f32], argument: &'static str) -> Result<(), InputError> {
    // A vectorizable scan first, 256 values at a time (in parallel for a
    // large batch: a value costs a small fraction of a step); the position
    // only when something is wrong.
    let finite = |block: &[f32]| block.iter().fold(true, |ok, v| ok & v.is_finite());
    let work = values.len() / 16;
    let chunk = parallel::chunk_len(values.len(), work).next_multiple_of(256);
    if parallel::all_chunks(values, chunk, work, |chunk| chunk.chunks(256).all(finite)) {
        return Ok(());
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(InputError::at(argument, i, format!("{} is not a finite number", js_number(values[i] as f64)))),
        None => Ok(()),
    }
}

/// A number as JavaScript prints it where Rust differs: `Infinity`, `-Infinity`.
pub(crate) fn js_number(value: f64) -> String {
    match value {
        f64::INFINITY => "Infinity".into(),
        f64::NEG_INFINITY => "-Infinity".into(),
        _ => value.to_string(),
    }
}

/// Where [`gate_into`] writes: `tokens * k` slots and one count per expert.
/// Every element is overwritten; nothing is read.
#[derive(Debug)]
pub struct GateOut<'a> {
    /// Expert of each slot, -1 when empty.
    pub experts: &'a mut [i32],
    /// Combine weight of each slot, 0 when empty.
    pub weights: &'a mut [f32],
    /// Place of each kept slot in its expert's buffer, -1 when empty.
    pub positions: &'a mut [i32],
    /// Tokens kept by each expert.
    pub counts: &'a mut [i32],
}

/// Gates a batch of logits: see the [module documentation](self).
pub fn gate(scores: &[f32], options: &GateOptions) -> Result<Gated, InputError> {
    within_pool(scores, || {
        let tokens = check(scores, options)?;
        let slots = tokens * options.k;
        let (mut experts, mut weights, mut positions) = (vec![-1; slots], vec![0.0; slots], vec![-1; slots]);
        let mut counts = vec![0; options.experts];
        let out =
            GateOut { experts: &mut experts, weights: &mut weights, positions: &mut positions, counts: &mut counts };
        let kept = run(scores, options, out);
        Ok(Gated { experts, weights, positions, counts, kept, dropped: slots - kept })
    })
}

/// Runs `f` from within Rayon's pool when the batch is large: the check
/// and every pass of the gate are parallel loops, which then do not each
/// pay a wake-up from outside the pool.
fn within_pool<R: Send>(scores: &[f32], f: impl FnOnce() -> R + Send) -> R {
    parallel::within_pool(choice_work(scores), f)
}

/// The work of choosing for every token, in [`parallel`]'s steps: a few
/// exponentials and comparisons per logit.
fn choice_work(scores: &[f32]) -> usize {
    scores.len().saturating_mul(8)
}

/// [`gate`] into the caller's arrays, for a loop that gates batch after
/// batch without allocating its results. Returns the kept slots; the
/// arrays' lengths are checked with the rest of the input, before any work.
pub fn gate_into(scores: &[f32], options: &GateOptions, out: GateOut) -> Result<usize, InputError> {
    within_pool(scores, || gate_into_pool(scores, options, out))
}

/// [`gate_into`], on whichever thread [`within_pool`] chose.
fn gate_into_pool(scores: &[f32], options: &GateOptions, out: GateOut) -> Result<usize, InputError> {
    let tokens = check(scores, options)?;
    let slots = tokens * options.k;
    let lengths = [
        ("options.out.experts", out.experts.len(), slots),
        ("options.out.weights", out.weights.len(), slots),
        ("options.out.positions", out.positions.len(), slots),
        ("options.out.counts", out.counts.len(), options.experts),
    ];
    for (argument, len, expected) in lengths {
        if len != expected {
            return Err(InputError::new(argument, format!("length {len} does not match {expected}")));
        }
    }
    out.experts.fill(-1);
    out.weights.fill(0.0);
    out.positions.fill(-1);
    out.counts.fill(0);
    Ok(run(scores, options, out))
}

/// The gate on checked inputs, into arrays of the right lengths holding -1,
/// 0, -1 and 0; returns the kept slots.
fn run(scores: &[f32], options: &GateOptions, mut out: GateOut) -> usize {
    let (experts, k) = (options.experts, options.k);
    let width = options.width();
    let mut slot_scores = spare::SLOT_SCORES.take(out.experts.len());
    // Rerouting writes only the slots it fills.
    slot_scores.fill(0.0);
    let mut slots = assign::Slots { experts: &mut *out.experts, scores: &mut slot_scores };
    let caps: Option<Vec<u64>> = match options.capacity {
        Capacity::Unlimited => None,
        Capacity::Each(cap) => Some(vec![cap; experts]),
        Capacity::PerExpert(caps) => Some(caps.iter().map(|&c| c as u64).collect()),
    };
    match (&caps, options.overflow) {
        (None, _) => choose_slots(scores, options, &mut slots),
        (Some(caps), Overflow::Drop) => {
            choose_slots(scores, options, &mut slots);
            assign::drop(k, caps, options.priority, &mut slots);
        }
        (Some(caps), overflow) => {
            let candidates = candidates(scores, options);
            assign::reroute(&candidates, width, k, caps, options.priority, &mut slots);
            if let Overflow::Maximize { slot_share } = overflow {
                maximize::maximize(&candidates, width, k, caps, slot_share, &mut slots);
            }
            spare::CANDIDATES.keep(candidates);
        }
    }
    finish(&slot_scores, k, options, &mut out);
    spare::SLOT_SCORES.keep(slot_scores);
    out.counts.iter().map(|&c| c as usize).sum()
}

/// Each token's `width` best eligible experts, best first, computed in parallel over tokens.
pub fn candidates(scores: &[f32], options: &GateOptions) -> Vec<Candidate> {
    let (experts, width) = (options.experts, options.width());
    let tokens = scores.len() / experts;
    let mut out = spare::CANDIDATES.take(tokens * width);
    let work = choice_work(scores);
    let per_chunk = parallel::chunk_len(tokens, work);
    let cpu = arch::cpu();
    parallel::for_each_chunk(&mut out, per_chunk * width, work, choose::Scratch::default, |scratch, chunk, rows| {
        let first = chunk * per_chunk * experts;
        let logits = &scores[first..first + rows.len() / width * experts];
        cpu.gate_rows(options, logits, width, scratch, rows);
    });
    out
}

/// Tokens chosen for at a time by [`choose_slots`]: their candidates stay in
/// the core's cache between the choice and the copy into the slots.
const BLOCK_TOKENS: usize = 256;

/// Each token's `k` best eligible experts straight into its slots, when no
/// more candidates than `k` are needed (no cap, or `drop`), in parallel over
/// tokens. Candidates pass through a small buffer per chunk instead of one
/// array for the whole batch, which would be written, then read again.
fn choose_slots(scores: &[f32], options: &GateOptions, slots: &mut assign::Slots) {
    let (experts, k) = (options.experts, options.k);
    let tokens = scores.len() / experts;
    let work = choice_work(scores);
    let per_chunk = parallel::chunk_len(tokens, work);
    let cpu = arch::cpu();
    let lens = (per_chunk * k, per_chunk * k);
    parallel::for_each_chunk_pair(slots.experts, slots.scores, lens, work, |chunk, experts_out, scores_out| {
        let (mut scratch, mut buffer) = (choose::Scratch::default(), Vec::new());
        let logits = &scores[chunk * per_chunk * experts..][..experts_out.len() / k * experts];
        let blocks = logits.chunks(BLOCK_TOKENS * experts);
        let outs = experts_out.chunks_mut(BLOCK_TOKENS * k).zip(scores_out.chunks_mut(BLOCK_TOKENS * k));
        for (logits, (experts_out, scores_out)) in blocks.zip(outs) {
            buffer.resize(experts_out.len(), Candidate::default());
            cpu.gate_rows(options, logits, k, &mut scratch, &mut buffer);
            for ((c, e), s) in buffer.iter().zip(experts_out).zip(scores_out) {
                (*e, *s) = (c.expert as i32, c.score);
            }
        }
    });
}

/// Weights, positions and counts from the kept slots, in parallel over
/// chunks of tokens: each chunk counts its tokens per expert, the counts of
/// the chunks before it are where its tokens' places start (the same places
/// as one pass in token order, however the tokens are cut).
fn finish(scores: &[f64], k: usize, options: &GateOptions, gated: &mut GateOut) {
    let (slots, experts) = (&*gated.experts, options.experts);
    let work = slots.len().saturating_mul(4);
    let per_chunk = parallel::chunk_len(slots.len() / k, work) * k;
    let mut starts = vec![0i32; slots.len().div_ceil(per_chunk) * experts];
    parallel::for_each_chunk(
        &mut starts,
        experts,
        work,
        || (),
        |_, chunk, counts| {
            // Empty slots add 0 to expert 0 instead of taking a branch: under
            // a cap, which slots are empty follows no pattern.
            for &e in slots[chunk * per_chunk..].iter().take(per_chunk) {
                counts[e.max(0) as usize] += i32::from(e >= 0);
            }
        },
    );
    let counts = &mut *gated.counts;
    for chunk in starts.chunks_mut(experts) {
        for (start, count) in chunk.iter_mut().zip(counts.iter_mut()) {
            (*start, *count) = (*count, *count + *start);
        }
    }
    let (weights, positions) = (&mut *gated.weights, &mut *gated.positions);
    parallel::for_each_chunk_pair(weights, positions, (per_chunk, per_chunk), work, |chunk, weights, positions| {
        let first = chunk * per_chunk;
        let slots = &slots[first..first + weights.len()];
        let mut next = starts[chunk * experts..(chunk + 1) * experts].to_vec();
        // No branch on whether a slot is kept: under a cap that goes either
        // way at random. An empty slot reads expert 0's place and leaves it.
        for (p, &e) in positions.iter_mut().zip(slots) {
            let (kept, expert) = (e >= 0, e.max(0) as usize);
            let place = next[expert];
            *p = if kept { place } else { -1 };
            next[expert] += i32::from(kept);
        }
        let scores = &scores[first..first + weights.len()];
        match k {
            1 => chunk_weights::<1>(slots, scores, options, weights),
            2 => chunk_weights::<2>(slots, scores, options, weights),
            8 => chunk_weights::<8>(slots, scores, options, weights),
            _ => {
                let rows = slots.chunks(k).zip(scores.chunks(k)).zip(weights.chunks_mut(k));
                rows.for_each(|((experts, scores), weights)| token_weights(experts, scores, options, weights));
            }
        }
    });
}

/// The weights of a chunk's tokens for the common `k` (1, 2, 8): with `K` a
/// constant, each token's loops have a known length, so the compiler
/// unrolls them instead of looping over a slice per token.
fn chunk_weights<const K: usize>(slots: &[i32], scores: &[f64], options: &GateOptions, weights: &mut [f32]) {
    let rows = slots.as_chunks::<K>().0.iter().zip(scores.as_chunks::<K>().0).zip(weights.as_chunks_mut::<K>().0);
    for ((experts, scores), weights) in rows {
        token_weights(experts, scores, options, weights);
    }
}

/// One token's weights: see the module documentation.
#[inline(always)]
fn token_weights(experts: &[i32], scores: &[f64], options: &GateOptions, out: &mut [f32]) {
    // Empty slots count 0 and add 0 (scores are not negative, so the sum is
    // the same), and each weight is computed, then zeroed for an empty slot:
    // no branch on which slots are empty, which under a cap follows no pattern.
    let kept = experts.iter().map(|&e| usize::from(e >= 0)).sum::<usize>();
    let sum = experts.iter().zip(scores).fold(0.0, |sum, (&e, &s)| sum + s * f64::from(u8::from(e >= 0)));
    for ((w, &e), &s) in out.iter_mut().zip(experts).zip(scores) {
        let weight = if !options.renormalize {
            (s * options.scale) as f32
        } else if sum > 0.0 {
            (s / sum * options.scale) as f32
        } else {
            (options.scale / kept as f64) as f32
        };
        *w = if e >= 0 { weight } else { 0.0 };
    }
}

#[cfg(test)]
mod tests;
