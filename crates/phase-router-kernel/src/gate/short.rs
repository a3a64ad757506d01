//! Short rows (at most [`MAX_EXPERTS`] experts, no groups), [`LANES`]
//! tokens at a time: token `t` of a block in lane `t` of every array, so
//! that each step (the row maximum, the exponentials, the sums, the choice)
//! is one vertical operation over the block's tokens. Per token, a short row
//! is too little work for vectors along the row: the horizontal steps
//! (maxima, ranks, moving values between lanes) cost more than the
//! arithmetic.
//!
//! The choice is an insertion network ([`network`]): the experts pass through
//! `keep` places, best first. No branch depends on the values.
//!
//! Every value is computed by the same operations in the same order as
//! [`super::choose::token`] (the maximum of the `f32` logits, `exp(x - max)`,
//! the four interleaved partial sums, one division), so the bits are the
//! same; a test compares the two.

use super::choose::{general, larger, Candidate, Scratch};
use super::exp::exp;
use super::{GateOptions, Scoring};
use std::cell::Cell;

/// Tokens per block: two AVX-512 vectors of `f64` (four AVX2 ones), so that
/// each step of the network has independent chains to overlap.
pub const LANES: usize = 16;

/// The longest row this path takes; longer rows go through the per-token
/// filter, which skips most of a row.
pub const MAX_EXPERTS: usize = 64;

/// Whether [`Block::choose`] serves these options with `width` candidates per token.
#[inline(always)]
pub fn applies(options: &GateOptions, width: usize) -> bool {
    options.groups.is_none() && options.experts <= MAX_EXPERTS && width <= options.experts
}

/// A block's values, expert by expert: `values[e][t]` is token `t`'s value for expert `e`.
type Columns = [[f64; LANES]; MAX_EXPERTS];

/// Each token's best values so far, best first (`[place][token]`; at most
/// one place per expert), and their experts: `u64`, as wide as the values, so that one compare's mask selects both.
type Places = ([[f64; LANES]; MAX_EXPERTS], [[u64; LANES]; MAX_EXPERTS]);

/// The arrays a thread reuses from block to block, and from call to call:
/// 33 KB, made on the thread's first block and kept for its life (made per
/// call, zeroing them cost a 16-token call about a microsecond).
pub struct Block {
    score: Columns,
    selection: Columns,
    best: Places,
}

thread_local! {
    /// This thread's arrays, between calls.
    static KEPT: Cell<Option<Box<Block>>> = const { Cell::new(None) };
}

impl Block {
    /// This thread's arrays (new ones on its first block).
    pub fn take() -> Box<Block> {
        KEPT.take().unwrap_or_else(|| Box::new(Block::new()))
    }

    /// Keeps the arrays for this thread's next call.
    pub fn keep(self: Box<Self>) {
        KEPT.set(Some(self));
    }

    fn new() -> Self {
        let columns = [[0.0; LANES]; MAX_EXPERTS];
        Block { score: columns, selection: columns, best: ([[0.0; LANES]; MAX_EXPERTS], [[0; LANES]; MAX_EXPERTS]) }
    }

    /// Fills `out` (`width` candidates for each of the [`LANES`] tokens whose
    /// logits are `logits`) as [`super::choose::token`] does for each token.
    #[inline(always)]
    pub fn choose(
        &mut self,
        options: &GateOptions,
        logits: &[f32],
        width: usize,
        scratch: &mut Scratch,
        out: &mut [Candidate],
    ) {
        let experts = options.experts;
        let Block { score, selection, best } = self;
        match options.scoring {
            Scoring::Softmax => {
                let sum = exponentials(logits, experts, score);
                if options.bias.is_none() {
                    return by_exponentials(options, logits, score, &sum, width, best, selection, scratch, out);
                }
                for column in score.iter_mut().take(experts) {
                    for (s, total) in column.iter_mut().zip(&sum) {
                        *s /= total;
                    }
                }
            }
            Scoring::Sigmoid => sigmoids(logits, experts, score),
        }
        match options.bias {
            Some(bias) => {
                for ((column, scores), &b) in selection.iter_mut().zip(score.iter()).zip(bias) {
                    for (s, &score) in column.iter_mut().zip(scores) {
                        *s = score + b as f64;
                    }
                }
            }
            None => selection[..experts].copy_from_slice(&score[..experts]),
        }
        network(selection, experts, width, best);
        for (t, candidates) in out.chunks_exact_mut(width).enumerate() {
            for (i, c) in candidates.iter_mut().enumerate() {
                let e = best.1[i][t] as usize;
                *c = Candidate { expert: e as u32, score: score[e][t], selection: best.0[i][t] };
            }
        }
    }
}

/// Softmax without a bias: the best by exponential, one more than the width
/// to check the cut, then the scores of all the block's tokens at once, with
/// the per-token path's test (`choose::softmax_by_exponentials`): a
/// token whose division rounds two different exponentials to one score, or
/// the last chosen and the next one to one score, goes the general way.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn by_exponentials(
    options: &GateOptions,
    logits: &[f32],
    exponentials: &Columns,
    sum: &[f64; LANES],
    width: usize,
    best: &mut Places,
    divided: &mut Columns,
    scratch: &mut Scratch,
    out: &mut [Candidate],
) {
    let keep = (width + 1).min(options.experts);
    network(exponentials, options.experts, keep, best);
    let (values, experts) = (&best.0, &best.1);
    for (scores, values) in divided.iter_mut().zip(values).take(keep) {
        for ((score, &value), &total) in scores.iter_mut().zip(values).zip(sum) {
            *score = value / total;
        }
    }
    let mut tied = [false; LANES];
    for i in 1..keep {
        let (score, last_score, value, last_value) = (&divided[i], &divided[i - 1], &values[i], &values[i - 1]);
        for (t, tie) in tied.iter_mut().enumerate() {
            *tie |= (score[t] == last_score[t]) & ((value[t] != last_value[t]) | (i == width));
        }
    }
    for (t, (row, candidates)) in logits.chunks_exact(options.experts).zip(out.chunks_exact_mut(width)).enumerate() {
        if tied[t] {
            general(options, row, scratch, candidates);
            continue;
        }
        for (i, c) in candidates.iter_mut().enumerate() {
            let score = divided[i][t];
            *c = Candidate { expert: experts[i][t] as u32, score, selection: score };
        }
    }
}

/// `1 / (1 + exp(-x))` of every logit into `out`.
#[inline(always)]
fn sigmoids(logits: &[f32], experts: usize, out: &mut Columns) {
    for (e, column) in out.iter_mut().enumerate().take(experts) {
        for (t, s) in column.iter_mut().enumerate() {
            *s = -(logits[t * experts + e] as f64);
        }
    }
    for s in &mut out.as_flattened_mut()[..experts * LANES] {
        *s = 1.0 / (1.0 + exp(*s));
    }
}

/// `exp(x - max)` of every logit into `out`, and each token's sum in the
/// documented order (four interleaved partial sums, `(s0 + s1) + (s2 + s3)`).
#[inline(always)]
fn exponentials(logits: &[f32], experts: usize, out: &mut Columns) -> [f64; LANES] {
    let mut max = [f32::NEG_INFINITY; LANES];
    for (t, m) in max.iter_mut().enumerate() {
        for &x in &logits[t * experts..(t + 1) * experts] {
            *m = larger(*m, x);
        }
    }
    // The arguments first, expert by expert, then the exponentials in one
    // loop over them: the compiler vectorizes a loop over a slice, not the
    // same work cut into columns.
    for (e, column) in out.iter_mut().enumerate().take(experts) {
        for (t, (x, &m)) in column.iter_mut().zip(&max).enumerate() {
            *x = logits[t * experts + e] as f64 - m as f64;
        }
    }
    for x in &mut out.as_flattened_mut()[..experts * LANES] {
        *x = exp(*x);
    }
    let mut sums = [[0.0f64; LANES]; 4];
    for (e, column) in out.iter().enumerate().take(experts) {
        for (partial, &x) in sums[e % 4].iter_mut().zip(column) {
            *partial += x;
        }
    }
    let mut sum = [0.0; LANES];
    for (t, s) in sum.iter_mut().enumerate() {
        *s = (sums[0][t] + sums[1][t]) + (sums[2][t] + sums[3][t]);
    }
    sum
}

/// Each token's `keep` best values of the first `experts` columns into
/// `best`, best first, ties to the lower expert: the insertion network. The
/// experts pass from the last to the first, so that each one comes ahead of
/// every equal value already placed; and a value it pushes down comes ahead
/// of the next place's value too (the places are in order). So one test,
/// `>=`, serves every step.
#[inline(always)]
fn network(values: &Columns, experts: usize, keep: usize, best: &mut Places) {
    let (places, indices) = best;
    for (place, index) in places.iter_mut().zip(indices.iter_mut()).take(keep) {
        (*place, *index) = ([f64::NEG_INFINITY; LANES], [0; LANES]);
    }
    for e in (0..experts).rev() {
        let (mut value, mut expert) = (values[e], [e as u64; LANES]);
        for (place, index) in places.iter_mut().zip(indices.iter_mut()).take(keep) {
            let lanes = place.iter_mut().zip(index.iter_mut()).zip(value.iter_mut().zip(expert.iter_mut()));
            for ((p, i), (v, x)) in lanes {
                let ahead = *v >= *p;
                let (place, value) = (pick(ahead, *v, *p), pick(ahead, *p, *v));
                let (index, expert) = (pick(ahead, *x, *i), pick(ahead, *i, *x));
                (*p, *v, *i, *x) = (place, value, index, expert);
            }
        }
    }
}

/// `a` if `ahead`, else `b`: a select, which the compiler vectorizes.
#[inline(always)]
fn pick<T>(ahead: bool, a: T, b: T) -> T {
    if ahead {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::super::choose::{bits, rows, token, Candidate, Scratch};
    use super::super::{GateOptions, Scoring};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Blocks of tokens choose as each token on its own: softmax with and
    /// without a bias, sigmoid, rows of equal values, neighbouring values,
    /// exponentials whose division ties, exponentials that underflow, every
    /// width, and batches that are not whole blocks.
    #[test]
    fn blocks_choose_as_single_tokens() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for round in 0..600 {
            let experts = [1, 2, 3, 7, 8, 9, 16, 31, 48, 64][round % 10];
            let k = rng.gen_range(1..=experts);
            let width = rng.gen_range(k..=experts);
            let tokens = rng.gen_range(1..50);
            let levels = [2, 1000, 1 << 24][round % 3];
            let mut logits: Vec<f32> =
                (0..tokens * experts).map(|_| rng.gen_range(0..levels) as f32 * 8.0 / levels as f32 - 4.0).collect();
            if round % 5 == 0 {
                logits.iter_mut().step_by(3).for_each(|x| *x -= 760.0);
            }
            if round % 7 == 0 {
                // Neighbouring floats.
                logits.iter_mut().enumerate().for_each(|(i, x)| *x = 1.0 + (i % 3) as f32 * f32::EPSILON);
            }
            if round % 7 == 3 {
                // Logits a few 1e-16 apart: exponentials one unit apart,
                // which the division may round to one score.
                logits.iter_mut().for_each(|x| *x = rng.gen_range(0..4) as f32 * 1e-16);
            }
            let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.05..0.05)).collect();
            let options = GateOptions {
                scoring: if round % 3 == 0 { Scoring::Sigmoid } else { Scoring::Softmax },
                bias: (round % 4 < 2).then_some(&bias[..]),
                ..GateOptions::new(experts, k)
            };
            let mut blocks = vec![Candidate::default(); tokens * width];
            rows(&options, &logits, width, &mut Scratch::default(), &mut blocks);
            let mut single = vec![Candidate::default(); tokens * width];
            let mut scratch = Scratch::default();
            for (row, out) in logits.chunks_exact(experts).zip(single.chunks_exact_mut(width)) {
                token(&options, row, &mut scratch, out);
            }
            let (blocks, single) = (bits(&blocks), bits(&single));
            if let Some(at) = (0..blocks.len()).find(|&i| blocks[i] != single[i]) {
                let t = at / width;
                let row = &logits[t * experts..(t + 1) * experts];
                panic!(
                    "round {round}: {experts} experts, width {width}, token {t} {row:?}: {:?} != {:?}",
                    &blocks[t * width..(t + 1) * width],
                    &single[t * width..(t + 1) * width]
                );
            }
        }
    }
}
