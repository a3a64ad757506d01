use super::*;
use crate::gate::{candidates, Candidate, Capacity, GateOptions, Overflow};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Logits on a few levels, so that equal scores between experts and between
/// tokens are common, and a bias of a few tiny steps, so that equal selection
/// scores sometimes come from different scores.
fn tied(rng: &mut ChaCha8Rng, tokens: usize, experts: usize, levels: u32) -> (Vec<f32>, Vec<f32>) {
    let logits = (0..tokens * experts).map(|_| rng.gen_range(0..levels) as f32 * 0.25).collect();
    let bias = (0..experts).map(|_| rng.gen_range(0..3) as f32 * 1e-17).collect();
    (logits, bias)
}

/// Rows as the choice leaves them (best first by selection score, ties to
/// the lower expert), with scores and biases on a grid of eighths, so that
/// sums are exact and equal selection scores from different scores common.
fn grid_rows(rng: &mut ChaCha8Rng, tokens: usize, width: usize, experts: usize) -> Vec<Candidate> {
    let bias: Vec<f64> = (0..experts).map(|_| rng.gen_range(-4..=4) as f64 / 8.0).collect();
    let mut rows = Vec::with_capacity(tokens * width);
    for _ in 0..tokens {
        let mut row: Vec<Candidate> = rand::seq::index::sample(rng, experts, width)
            .into_iter()
            .map(|e| {
                let score = rng.gen_range(0..=8) as f64 / 8.0;
                Candidate { expert: e as u32, score, selection: score + bias[e] }
            })
            .collect();
        row.sort_by(|a, b| b.selection.total_cmp(&a.selection).then(a.expert.cmp(&b.expert)));
        rows.extend(row);
    }
    rows
}

fn in_pool<R: Send>(threads: usize, run: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(run)
}

#[test]
fn the_parallel_sort_is_a_stable_sort_by_key() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for (tokens, experts, levels) in [(3000, 40, 3), (4000, 24, 1000), (7, 5, 2)] {
        let (logits, bias) = tied(&mut rng, tokens, experts, levels);
        let options = GateOptions {
            bias: Some(&bias),
            capacity: Capacity::Each(1),
            overflow: Overflow::Reroute,
            ..GateOptions::new(experts, 4)
        };
        let candidates = candidates(&logits, &options);
        let width = options.width();
        let packing = order::Packing::new(tokens, width, experts);
        // A pattern of kept pairs, as the bounds leave.
        let kept: Vec<bool> = (0..candidates.len()).map(|_| rng.gen_bool(0.7)).collect();
        let mut expected: Vec<usize> = (0..candidates.len()).filter(|&p| kept[p]).collect();
        expected.sort_by_key(|&p| (descending(candidates[p].selection), descending(candidates[p].score)));
        let expected: Vec<(usize, usize)> = expected.into_iter().map(|p| (candidates[p].expert as usize, p)).collect();
        for threads in [1, 2, 3] {
            let words = in_pool(threads, || order::by_key(&candidates, packing, |p| kept[p], <[u64]>::to_vec));
            let pairs: Vec<(usize, usize)> = words.iter().map(|&w| (packing.expert(w), packing.pair(w))).collect();
            assert_eq!(pairs, expected, "{tokens} tokens, {threads} threads");
        }
    }
}

#[test]
fn reroute_with_ties_is_the_sorted_greedy_at_every_thread_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    // Large enough that every pass goes to the pool (at 2 threads and more).
    for (tokens, experts, k, levels) in [(3000, 16, 3, 2), (2500, 32, 4, 5), (3000, 8, 2, 100)] {
        let (logits, bias) = tied(&mut rng, tokens, experts, levels);
        let caps: Vec<i32> = (0..experts).map(|_| rng.gen_range(0..(2 * tokens * k / experts) as i32)).collect();
        let options = GateOptions {
            bias: Some(&bias),
            capacity: Capacity::PerExpert(&caps),
            overflow: Overflow::Reroute,
            ..GateOptions::new(experts, k)
        };
        let (width, candidates) = (options.width(), candidates(&logits, &options));
        let caps: Vec<u64> = caps.iter().map(|&c| c as u64).collect();
        let expected = same_as_sorted_greedy(&candidates, width, k, &caps);
        // The bounds leave out pairs (given few ties at the k-th candidate,
        // which make offers unsure), and none that the greedy takes.
        let bounds = bound::bounds(&candidates, width, k, &caps);
        let refused = |p: usize| bound::rank(&candidates, p) > bounds[candidates[p].expert as usize];
        assert!(levels < 100 || (0..candidates.len()).filter(|&p| refused(p)).count() > candidates.len() / 10);
        for (t, row) in expected.0.chunks(k).enumerate() {
            for &e in row.iter().filter(|&&e| e >= 0) {
                let pair = (t * width..(t + 1) * width).find(|&p| candidates[p].expert as i32 == e).unwrap();
                assert!(!refused(pair), "token {t} holds expert {e}");
            }
        }
    }
}

#[test]
fn reroute_is_the_sorted_greedy_where_a_bias_ties_selection_scores() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for (tokens, experts, k, width) in [(3000, 12, 2, 5), (20, 6, 3, 6), (4000, 16, 4, 8)] {
        let candidates = grid_rows(&mut rng, tokens, width, experts);
        let caps: Vec<u64> = (0..experts).map(|_| rng.gen_range(0..(2 * tokens * k / experts) as u64)).collect();
        same_as_sorted_greedy(&candidates, width, k, &caps);
    }
}

/// `reroute` + `score` at 1, 2 and 3 threads, checked equal to the plainly
/// sorted greedy; returns the greedy's experts and scores.
fn same_as_sorted_greedy(candidates: &[Candidate], width: usize, k: usize, caps: &[u64]) -> (Vec<i32>, Vec<f64>) {
    let tokens = candidates.len() / width;
    let run = |by_sort: bool| {
        let (mut experts, mut scores) = (vec![-1; tokens * k], vec![0.0; tokens * k]);
        let mut slots = Slots { experts: &mut experts, scores: &mut scores };
        if by_sort {
            reroute_by_sort(candidates, width, k, caps, &mut slots);
        } else {
            reroute(candidates, width, k, caps, Priority::Score, &mut slots);
        }
        (experts, scores)
    };
    let expected = run(true);
    for threads in [1, 2, 3] {
        assert_eq!(in_pool(threads, || run(false)), expected, "{tokens} tokens, {threads} threads");
    }
    expected
}
