//! Each token on its own: scores, selection scores, eligible groups and the
//! token's best experts in order (the part of [`super::gate`] that runs in
//! parallel over tokens).
//!
//! Everything on a token's path is `#[inline(always)]` and written as plain
//! loops over short arrays of lanes: `arch/` compiles [`rows`] again with
//! AVX2 or AVX-512 enabled, and only inlined code gets those features. The
//! loops use `+`, `-`, `*`, `/`, compares and selects, which round the same
//! in every vector width (Rust never fuses a multiply and an add on its own),
//! so every copy gives the same bits.

use super::exp::exp;
use super::short;
use super::{GateOptions, Scoring};

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

/// Each candidate as bits, so that tests compare them bit for bit.
#[cfg(test)]
pub fn bits(candidates: &[Candidate]) -> Vec<(u32, u64, u64)> {
    candidates.iter().map(|c| (c.expert, c.score.to_bits(), c.selection.to_bits())).collect()
}

/// Buffers one thread reuses from token to token.
#[derive(Default)]
pub struct Scratch {
    score: Vec<f64>,
    selection: Vec<f64>,
    order: Vec<u32>,
    groups: Vec<(f64, u32)>,
    top_groups: Vec<(f64, u32)>,
    best: Vec<(f64, u32)>,
    passed: Vec<(f64, u32)>,
    segments: Vec<(usize, usize)>,
}

/// Fills `out` (`width` candidates per token) for the tokens whose logits
/// are `logits` (`options.experts` per token): [`token`] for each, or for
/// short rows [`short::Block::choose`] for each block of tokens and [`token`] for
/// the tokens after the last whole block.
#[inline(always)]
pub fn rows(options: &GateOptions, logits: &[f32], width: usize, scratch: &mut Scratch, out: &mut [Candidate]) {
    let (mut logits, mut out) = (logits, out);
    let blocks = logits.len() / (short::LANES * options.experts);
    if blocks > 0 && short::applies(options, width) {
        let (head, tail) = logits.split_at(blocks * short::LANES * options.experts);
        let (head_out, tail_out) = out.split_at_mut(blocks * short::LANES * width);
        let pairs =
            head.chunks_exact(short::LANES * options.experts).zip(head_out.chunks_exact_mut(short::LANES * width));
        let mut arrays = short::Block::take();
        for (block, candidates) in pairs {
            arrays.choose(options, block, width, scratch, candidates);
        }
        arrays.keep();
        (logits, out) = (tail, tail_out);
    }
    for (row, candidates) in logits.chunks_exact(options.experts).zip(out.chunks_exact_mut(width)) {
        token(options, row, scratch, candidates);
    }
}

/// Lanes of the running maxima and top-two loops: independent chains, so
/// that a loop waits on one compare per eight values instead of per value.
const LANES: usize = 8;

/// `b` if it is greater, else `a`: one vector max instruction (`f64::max`
/// would add a NaN check, and the inputs are finite).
#[inline(always)]
pub(super) fn larger<T: PartialOrd>(a: T, b: T) -> T {
    if b > a {
        b
    } else {
        a
    }
}

/// `b` if it is less, else `a`.
#[inline(always)]
fn smaller<T: PartialOrd>(a: T, b: T) -> T {
    if b < a {
        b
    } else {
        a
    }
}

/// The largest logit of a row.
#[inline(always)]
fn row_max(row: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let mut blocks = row.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &x) in lanes.iter_mut().zip(block) {
            *lane = larger(*lane, x);
        }
    }
    for &x in blocks.remainder() {
        lanes[0] = larger(lanes[0], x);
    }
    lanes.into_iter().fold(f32::NEG_INFINITY, larger)
}

/// `exp(x - max)` of every logit, and their sum in the documented order: four
/// interleaved partial sums (expert `e` into sum `e % 4`, each in expert
/// order), added as `(s0 + s1) + (s2 + s3)`.
#[inline(always)]
fn exponentials(row: &[f32], out: &mut Vec<f64>) -> f64 {
    let max = row_max(row) as f64;
    // Every element is written below; resizing only sets the length.
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
#[inline(always)]
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
/// first ([`cut_bound`]); only the values at or above it (a few per row)
/// are inserted, in index order. Every value better than one of the best
/// passes the filter, so the result is that of inserting every value.
#[inline(always)]
fn top_segments(values: &[f64], segments: &[(usize, usize)], passed: &mut Vec<(f64, u32)>, best: &mut [(f64, u32)]) {
    let width = best.len();
    let Some(threshold) = cut_bound(values, segments, width) else {
        // No filter (a short row): every value, straight from the row.
        let total: usize = segments.iter().map(|s| s.1).sum();
        let all = segments.iter().flat_map(|&(first, len)| (first..first + len).map(|i| (values[i], i as u32)));
        select(all, total, best);
        return;
    };
    passed.clear();
    for &(first, len) in segments {
        for (c, chunk) in values[first..first + len].chunks(64).enumerate() {
            // Which values pass, as bits (compares the compiler vectorizes),
            // then only those, lowest index first.
            let mut bits = at_least(chunk, threshold);
            while bits != 0 {
                let i = first + 64 * c + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                passed.push((values[i], i as u32));
            }
        }
    }
    select(passed.iter().copied(), passed.len(), best);
}

/// The best of `count` values, given in index order: ranked when there are
/// few (a short row, or what passes a long row's filter), otherwise inserted.
#[inline(always)]
fn select(values: impl Iterator<Item = (f64, u32)>, count: usize, best: &mut [(f64, u32)]) {
    match count {
        0..=8 => rank_all::<8>(values, best),
        9..=16 => rank_all::<16>(values, best),
        17..=32 => rank_all::<32>(values, best),
        _ => insert(values, best),
    }
}

/// Inserts each of the values (in index order) into the best, so far,
/// which ties leave to the earlier.
#[inline(always)]
fn insert(values: impl Iterator<Item = (f64, u32)>, best: &mut [(f64, u32)]) {
    let width = best.len();
    let mut filled = 0;
    for (value, index) in values {
        if filled == width && value <= best[width - 1].0 {
            continue;
        }
        let mut j = if filled == width { width - 1 } else { filled };
        while j > 0 && best[j - 1].0 < value {
            best[j] = best[j - 1];
            j -= 1;
        }
        best[j] = (value, index);
        filled = (filled + 1).min(width);
    }
    debug_assert_eq!(filled, width);
}

/// The `best.len()` best of at most `N` values (given in index order), by
/// rank: a value's rank is the number of values ahead of it (higher, or
/// equal at a lower index), and the values are stored in rank order, from
/// which the best are the first. The counts run over whole arrays of `N`
/// lanes, one vector compare and add per value, and no branch depends on
/// the values: an insertion's branches go either way at random on this few
/// values, and each miss costs more than the whole count.
#[inline(always)]
fn rank_all<const N: usize>(values: impl Iterator<Item = (f64, u32)>, best: &mut [(f64, u32)]) {
    // Lanes from `n` on are never compared against (the counts take the
    // first `n` values) and their counts are not read.
    let (mut row, mut index) = ([f64::NEG_INFINITY; N], [0u32; N]);
    let mut n = 0;
    for (value, i) in values {
        (row[n], index[n]) = (value, i);
        n += 1;
    }
    // 64-bit counts, the width of the values, so that a compare's mask adds
    // straight into its lane.
    let mut ahead = [0u64; N];
    for (j, &other) in row.iter().enumerate().take(n) {
        for (i, (count, &value)) in ahead.iter_mut().zip(&row).enumerate() {
            *count += u64::from(other > value) + u64::from((other == value) & (j < i));
        }
    }
    // The ranks are distinct and below `n`, so every place below `n` gets
    // one value (`% N` changes no rank; it only lets the compiler drop the
    // bounds check).
    let mut ranked = [(0.0, 0u32); N];
    for i in 0..n {
        ranked[ahead[i] as usize % N] = (row[i], index[i]);
    }
    best.copy_from_slice(&ranked[..best.len()]);
}

/// Bit `i` set when `values[i] >= threshold` (at most 64 values). One
/// loop over all the values, which the compiler makes vector compares whose
/// lanes shift into place. (Written as eight bytes of eight, it gathered each
/// byte's values across the row; the two measured the same.)
#[inline(always)]
fn at_least(values: &[f64], threshold: f64) -> u64 {
    let mut bits = 0u64;
    for (i, &v) in values.iter().enumerate() {
        bits |= u64::from(v >= threshold) << i;
    }
    bits
}

/// A value that at least `width` of the values in `segments` reach, so that
/// the best `width` are all at or above it; `None` (no filter) when the
/// row is too short. The values are dealt into `B` blocks (value `i` of a
/// segment into block `i % B`), `B` in 8, 16, 32, 64, at least `1.5 * width`
/// and at most a quarter as many as values; the maxima of distinct blocks are
/// distinct values, so the `width`-th largest maximum is such a bound.
#[inline(always)]
fn cut_bound(values: &[f64], segments: &[(usize, usize)], width: usize) -> Option<f64> {
    let total: usize = segments.iter().map(|s| s.1).sum();
    match [8, 16, 32, 64].into_iter().find(|&b| 2 * b >= 3 * width) {
        Some(blocks) if 4 * blocks <= total => Some(match blocks {
            8 => cut_in_blocks::<8>(values, segments, width),
            16 => cut_in_blocks::<16>(values, segments, width),
            32 => cut_in_blocks::<32>(values, segments, width),
            _ => cut_in_blocks::<64>(values, segments, width),
        }),
        _ => None,
    }
}

/// [`cut_bound`] with `B` blocks. `B` is a constant so that the maxima are
/// a fixed array of whole vectors: the dealing loop is then one vertical
/// vector max per `B` values, and the count below a few vector compares per
/// maximum (with a length known only at run time, the compiler left both
/// loops mostly scalar).
#[inline(always)]
fn cut_in_blocks<const B: usize>(values: &[f64], segments: &[(usize, usize)], width: usize) -> f64 {
    let mut maxima = [f64::NEG_INFINITY; B];
    for &(first, len) in segments {
        let (rounds, rest) = values[first..first + len].as_chunks::<B>();
        for round in rounds {
            for (m, &v) in maxima.iter_mut().zip(round) {
                *m = larger(*m, v);
            }
        }
        for (m, &v) in maxima.iter_mut().zip(rest) {
            *m = larger(*m, v);
        }
    }
    // The `width`-th largest maximum is the largest that at least `width`
    // maxima reach: all pairs compared, the counts running down whole
    // arrays of 64-bit lanes like the maxima (one vector compare and add per
    // maximum), and a select instead of a branch (which would go either way
    // at random).
    let mut reached = [0u64; B];
    for &other in &maxima {
        for (count, &m) in reached.iter_mut().zip(&maxima) {
            *count += u64::from(other >= m);
        }
    }
    let mut cut = f64::NEG_INFINITY;
    for (&m, &count) in maxima.iter().zip(&reached) {
        cut = larger(cut, if count as usize >= width { m } else { f64::NEG_INFINITY });
    }
    cut
}

/// Fills `out` with the token's `out.len()` best eligible experts, best first
/// (selection score descending, ties to the lower expert), from its logits `row`.
#[inline(always)]
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
#[inline(always)]
fn softmax_by_exponentials(row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) -> bool {
    let Scratch { score: ex, best, passed, .. } = scratch;
    let sum = exponentials(row, ex);
    // One more than the width, to check the cut.
    let keep = (out.len() + 1).min(row.len());
    best.clear();
    best.resize(keep, (0.0, 0));
    top_segments(ex, &[(0, row.len())], passed, best);
    let width = out.len();
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
#[inline(always)]
pub(super) fn general(options: &GateOptions, row: &[f32], scratch: &mut Scratch, out: &mut [Candidate]) {
    let experts = row.len();
    let Scratch { score, selection, order, groups, top_groups, best, passed, segments } = scratch;
    match options.scoring {
        Scoring::Softmax => {
            let sum = exponentials(row, score);
            score.iter_mut().for_each(|s| *s /= sum);
        }
        Scoring::Sigmoid => {
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
            top_groups.clear();
            top_groups.resize(g.topk, (0.0, 0));
            select(groups.iter().copied(), groups.len(), top_groups);
            order.extend(top_groups.iter().map(|&(_, group)| group));
            order.sort_unstable();
            size
        }
    };
    let width = out.len();
    best.clear();
    best.resize(width, (0.0, 0));
    segments.clear();
    segments.extend(order.iter().map(|&group| (group as usize * size, size)));
    top_segments(selection, segments, passed, best);
    for (c, &(value, e)) in out.iter_mut().zip(best.iter()) {
        *c = Candidate { expert: e, score: score[e as usize], selection: value };
    }
}

/// The highest value.
#[inline(always)]
fn best_one(values: &[f64]) -> f64 {
    let mut lanes = [f64::NEG_INFINITY; LANES];
    let mut blocks = values.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &v) in lanes.iter_mut().zip(block) {
            *lane = larger(*lane, v);
        }
    }
    for &v in blocks.remainder() {
        lanes[0] = larger(lanes[0], v);
    }
    lanes.into_iter().fold(f64::NEG_INFINITY, larger)
}

/// The sum of the two highest values (the one value of a group of one):
/// each lane keeps the two highest of its values, then the lanes merge.
#[inline(always)]
fn best_two(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return values[0];
    }
    let mut first = [f64::NEG_INFINITY; LANES];
    let mut second = [f64::NEG_INFINITY; LANES];
    let mut blocks = values.chunks_exact(LANES);
    for block in &mut blocks {
        for ((f, s), &v) in first.iter_mut().zip(&mut second).zip(block) {
            *s = larger(*s, smaller(*f, v));
            *f = larger(*f, v);
        }
    }
    for &v in blocks.remainder() {
        second[0] = larger(second[0], smaller(first[0], v));
        first[0] = larger(first[0], v);
    }
    let (mut top, mut next) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (f, s) in first.into_iter().zip(second) {
        next = larger(larger(next, s), smaller(top, f));
        top = larger(top, f);
    }
    top + next
}
