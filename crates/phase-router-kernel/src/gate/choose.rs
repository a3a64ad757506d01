//! Each token on its own: scores, selection scores, eligible groups and the
//! token's best experts in order (the part of [`super::gate`] that runs in
//! parallel over tokens).

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
}

/// Fills `out` with the token's `out.len()` best eligible experts, best first
/// (selection score descending, ties to the lower expert), from its logits `row`.
pub fn token(options: &GateOptions, row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) {
    let experts = row.len();
    let Scratch { score, selection, order, groups } = scratch;
    score.clear();
    match options.scoring {
        Scoring::Softmax => {
            // Stable softmax in f64: exp(x - max), summed in expert order.
            let max = row.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x as f64));
            score.extend(row.iter().map(|&x| (x as f64 - max).exp()));
            let sum: f64 = score.iter().sum();
            score.iter_mut().for_each(|s| *s /= sum);
        }
        Scoring::Sigmoid => score.extend(row.iter().map(|&x| 1.0 / (1.0 + (-(x as f64)).exp()))),
    }
    selection.clear();
    match options.bias {
        Some(bias) => selection.extend(score.iter().zip(bias).map(|(&s, &b)| s + b as f64)),
        None => selection.extend_from_slice(score),
    }
    // Eligible experts in ascending index: all, or those of the best groups.
    order.clear();
    match options.groups {
        None => order.push(0),
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
        }
    }
    let size = match options.groups {
        Some(g) => experts / g.count,
        None => experts,
    };
    // The best `width` by insertion into `out`, kept best first. Experts come
    // in ascending index, so an equal selection score never displaces an
    // earlier expert: ties go to the lower index, as `best_first` orders them.
    let width = out.len();
    let mut len = 0;
    for &group in order.iter() {
        let first = group as usize * size;
        for e in first..first + size {
            let value = selection[e];
            if len == width && value <= out[width - 1].selection {
                continue;
            }
            let mut i = if len == width { width - 1 } else { len };
            while i > 0 && out[i - 1].selection < value {
                out[i] = out[i - 1];
                i -= 1;
            }
            out[i] = Candidate { expert: e as u32, score: score[e], selection: value };
            len = (len + 1).min(width);
        }
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
