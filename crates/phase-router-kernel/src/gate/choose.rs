//! Each token on its own: scores, selection scores, eligible groups and the
//! token's best experts in order (the part of [`super::gate`] that runs in
//! parallel over tokens).

use super::exp::exp;
use super::{GateOptions, Scoring};
use std::cmp::Ordering;

/// One of a token's best eligible experts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Candidate {
    /// The expert's index.
    pub expert: u32,
    /// The token's score for it: its softmax or sigmoid output.
    pub score: f64,
    /// The score plus the expert's bias (the score itself without a bias).
    pub selection: f64,
}

/// Higher value first, then the lower index: the order of every choice the
/// gate makes among experts or groups. Values are finite (inputs are checked).
#[inline]
pub fn best_first(a: (f64, u32), b: (f64, u32)) -> Ordering {
    b.0.partial_cmp(&a.0).unwrap_or(Ordering::Equal).then(a.1.cmp(&b.1))
}

/// Buffers one thread reuses from token to token.
#[derive(Default)]
pub struct Scratch {
    score: Vec<f64>,
    selection: Vec<f64>,
    order: Vec<u32>,
    groups: Vec<(f64, u32)>,
    best: Vec<(f64, u32)>,
    maxima: Vec<f64>,
    segments: Vec<(usize, usize)>,
}

/// `exp(x - max)` of every logit, and their sum in the documented order: four
/// interleaved partial sums (expert `e` into sum `e % 4`, each in expert
/// order), added as `(s0 + s1) + (s2 + s3)`.
fn exponentials(row: &[f32], out: &mut Vec<f64>) -> f64 {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x)) as f64;
    out.clear();
    out.resize(row.len(), 0.0);
    fill_exponentials(row, max, false, out);
    let mut sums = [0.0f64; 4];
    let mut quads = out.chunks_exact(4);
    for q in &mut quads {
        for i in 0..4 {
            sums[i] += q[i];
        }
    }
    for (i, &x) in quads.remainder().iter().enumerate() {
        sums[i] += x;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// `out[e] = exp(row[e] - max)`, or with `sigmoid` `1 / (1 + exp(-row[e]))`.
/// Never fused multiply-adds, which would round differently on some platforms.
fn fill_exponentials(row: &[f32], max: f64, sigmoid: bool, out: &mut [f64]) {
    if sigmoid {
        for (o, &x) in out.iter_mut().zip(row) {
            *o = 1.0 / (1.0 + exp(-(x as f64)));
        }
    } else {
        for (o, &x) in out.iter_mut().zip(row) {
            *o = exp(x as f64 - max);
        }
    }
}

/// The `best.len()` best of the `values` in `segments` (`(first, len)`, in
/// ascending order), best first, ties to the lower index. A cheap filter
/// first: the maxima of blocks of up to 16 values, at least `best.len()` of
/// them, are values of distinct experts, so the `best.len()`-th largest
/// maximum is a lower bound for the cut; only values at or above it (a few
/// per row) go through the insertion, in index order, so the result is that
/// of inserting every value.
fn top_segments(values: &[f64], segments: &[(usize, usize)], maxima: &mut Vec<f64>, best: &mut [(f64, u32)]) {
    let width = best.len();
    let total: usize = segments.iter().map(|s| s.1).sum();
    let block = [16, 8, 4, 2].into_iter().find(|&b| segments.iter().map(|s| s.1 / b).sum::<usize>() >= 2 * width);
    let threshold = match block {
        None => f64::NEG_INFINITY,
        Some(block) => {
            maxima.clear();
            for &(first, len) in segments {
                let blocks = values[first..first + len].chunks_exact(block);
                maxima.extend(blocks.map(|b| b.iter().copied().fold(f64::NEG_INFINITY, f64::max)));
            }
            // The width-th largest maximum, by partial selection.
            let at = width - 1;
            let (_, cut, _) = maxima.select_nth_unstable_by(at, |a, b| b.total_cmp(a));
            *cut
        }
    };
    debug_assert!(total >= width);
    let mut filled = 0;
    for &(first, len) in segments {
        for (i, &value) in values[first..first + len].iter().enumerate() {
            if value < threshold || (filled == width && value <= best[width - 1].0) {
                continue;
            }
            let mut j = if filled == width { width - 1 } else { filled };
            while j > 0 && best[j - 1].0 < value {
                best[j] = best[j - 1];
                j -= 1;
            }
            best[j] = (value, (first + i) as u32);
            filled = (filled + 1).min(width);
        }
    }
}

/// Fills `out` with the token's `out.len()` best eligible experts, best first
/// (selection score descending, ties to the lower expert), from its logits `row`.
pub fn token(options: &GateOptions, row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) {
    let plain = options.scoring == Scoring::Softmax && options.bias.is_none() && options.groups.is_none();
    if plain && softmax_by_exponentials(row, scratch, out) {
        return;
    }
    general(options, row, scratch, out);
}

/// Softmax without bias or groups: a score is `exp(x - max) / sum`, a
/// non-decreasing function of the exponential, so the best experts by
/// exponential are the best by score unless the division rounds two different
/// exponentials to one score near the cut. Chooses by exponential (only the
/// chosen are divided) and returns false, leaving the work to [`general`],
/// when such a tie could change the choice or its order.
fn softmax_by_exponentials(row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) -> bool {
    let Scratch { score: ex, best, maxima, .. } = scratch;
    let sum = exponentials(row, ex);
    let width = out.len();
    // One more than the width, to check the cut.
    let keep = (width + 1).min(row.len());
    best.clear();
    best.resize(keep, (0.0, 0));
    top_segments(ex, &[(0, row.len())], maxima, best);
    let mut previous: Option<(f64, f64)> = None;
    for (i, &(value, e)) in best.iter().enumerate() {
        let score = value / sum;
        if let Some((last_value, last_score)) = previous {
            if score == last_score && value != last_value {
                return false;
            }
            if i == width && score == last_score {
                return false;
            }
        }
        previous = Some((value, score));
        if i < width {
            out[i] = Candidate { expert: e, score, selection: score };
        }
    }
    true
}

/// Any scoring, bias and groups: every score, then the best by selection score.
fn general(options: &GateOptions, row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) {
    let experts = row.len();
    let Scratch { score, selection, order, groups, best, maxima, segments } = scratch;
    match options.scoring {
        Scoring::Softmax => {
            let sum = exponentials(row, score);
            score.iter_mut().for_each(|s| *s /= sum);
        }
        Scoring::Sigmoid => {
            score.clear();
            score.resize(row.len(), 0.0);
            fill_exponentials(row, 0.0, true, score);
        }
    }
    let selection: &[f64] = match options.bias {
        Some(bias) => {
            selection.clear();
            selection.extend(score.iter().zip(bias).map(|(&s, &b)| s + b as f64));
            selection
        }
        None => score,
    };
    // Eligible experts in ascending index: all, or those of the best groups.
    order.clear();
    let size = match options.groups {
        None => {
            order.push(0);
            experts
        }
        Some(g) => {
            let size = experts / g.count;
            groups.clear();
            for (group, members) in selection.chunks(size).enumerate() {
                let rating = if options.bias.is_some() { best_two(members) } else { best_one(members) };
                groups.push((rating, group as u32));
            }
            groups.sort_by(|&a, &b| best_first(a, b));
            order.extend(groups[..g.topk].iter().map(|&(_, group)| group));
            order.sort_unstable();
            size
        }
    };
    let width = out.len();
    best.clear();
    best.resize(width, (0.0, 0));
    segments.clear();
    segments.extend(order.iter().map(|&group| (group as usize * size, size)));
    top_segments(selection, segments, maxima, best);
    for (c, &(value, e)) in out.iter_mut().zip(best.iter()) {
        *c = Candidate { expert: e, score: score[e as usize], selection: value };
    }
}

fn best_one(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// The sum of the two highest values (the one value of a group of one).
fn best_two(values: &[f64]) -> f64 {
    let (mut first, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &v in values {
        if v > first {
            (first, second) = (v, first);
        } else if v > second {
            second = v;
        }
    }
    if values.len() < 2 {
        first
    } else {
        first + second
    }
}
