use super::*;
use crate::strategy::Strategy;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Higher value first, then the lower index: the order of every choice the
/// gate makes among experts or groups (values are finite).
fn best_first(a: (f64, u32), b: (f64, u32)) -> std::cmp::Ordering {
    b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1))
}

fn logits(rng: &mut ChaCha8Rng, tokens: usize, experts: usize, levels: u32) -> Vec<f32> {
    // Few distinct levels make ties between experts and between tokens common.
    (0..tokens * experts).map(|_| (rng.gen_range(0..levels) as f32) * 0.5 - 1.0).collect()
}

fn softmax(row: &[f32]) -> Vec<f64> {
    let max = row.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x as f64));
    let e: Vec<f64> = row.iter().map(|&x| (x as f64 - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|x| x / sum).collect()
}

#[test]
fn top_k_without_capacity_matches_a_plain_sort() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (tokens, experts, k) = (50, 8, 3);
    let scores = logits(&mut rng, tokens, experts, 4);
    let gated = gate(&scores, &GateOptions::new(experts, k)).unwrap();
    for t in 0..tokens {
        let s = softmax(&scores[t * experts..(t + 1) * experts]);
        let mut order: Vec<usize> = (0..experts).collect();
        order.sort_by(|&a, &b| s[b].partial_cmp(&s[a]).unwrap().then(a.cmp(&b)));
        let chosen: Vec<i32> = order[..k].iter().map(|&e| e as i32).collect();
        assert_eq!(&gated.experts[t * k..(t + 1) * k], &chosen[..], "token {t}");
        let sum: f64 = order[..k].iter().map(|&e| s[e]).sum();
        for i in 0..k {
            let expected = (s[order[i]] / sum) as f32;
            assert!((gated.weights[t * k + i] - expected).abs() <= 1e-6 * expected.abs());
        }
    }
    assert_eq!((gated.kept, gated.dropped), (tokens * k, 0));
}

#[test]
fn all_equal_rows_and_e_equal_k() {
    let gated = gate(&[0.5; 12], &GateOptions::new(4, 4)).unwrap();
    assert_eq!(gated.experts, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    assert!(gated.weights.iter().all(|&w| w == 0.25));
    assert_eq!(gated.positions, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    assert_eq!(gated.counts, [3, 3, 3, 3]);
}

#[test]
fn bias_chooses_but_does_not_weigh() {
    let bias = [0.0, 0.0, 1.0, 0.0];
    let options = GateOptions { bias: Some(&bias), renormalize: false, ..GateOptions::new(4, 1) };
    let gated = gate(&[3.0, 0.0, 0.0, 0.0], &options).unwrap();
    assert_eq!(gated.experts, [2]);
    let s = softmax(&[3.0, 0.0, 0.0, 0.0]);
    assert_eq!(gated.weights, [s[2] as f32]);
}

#[test]
fn groups_limit_the_choice() {
    // Groups {0,1}, {2,3}, {4,5}: best single scores 1, 5, 4 -> groups 1 and 2.
    let row = [1.0, 0.0, 5.0, -3.0, 4.0, 3.9];
    let options = GateOptions { groups: Some(Groups { count: 3, topk: 2 }), ..GateOptions::new(6, 3) };
    assert_eq!(gate(&row, &options).unwrap().experts, [2, 4, 5]);
    let options = GateOptions { groups: Some(Groups { count: 3, topk: 1 }), ..GateOptions::new(6, 2) };
    assert_eq!(gate(&row, &options).unwrap().experts, [2, 3]);
    // With a bias, a group is rated by the sum of its best two: group 2 (4 + 3.9) beats group 1.
    let bias = [0.0; 6];
    let options = GateOptions {
        groups: Some(Groups { count: 3, topk: 1 }),
        bias: Some(&bias),
        scoring: Scoring::Sigmoid,
        ..GateOptions::new(6, 2)
    };
    assert_eq!(gate(&row, &options).unwrap().experts, [4, 5]);
}

#[test]
fn drop_by_score_and_by_position() {
    // Expert 0 is every token's first choice; its score rises with the token.
    let row = |x: f32| [x, 0.0, -9.0];
    let scores: Vec<f32> = [1.0, 3.0, 2.0].iter().flat_map(|&x| row(x)).collect();
    let by_score = GateOptions { capacity: Capacity::Each(1), ..GateOptions::new(3, 1) };
    let gated = gate(&scores, &by_score).unwrap();
    assert_eq!(gated.experts, [-1, 0, -1]);
    assert_eq!(gated.weights, [0.0, 1.0, 0.0]);
    let by_position = GateOptions { priority: Priority::Position, ..by_score };
    assert_eq!(gate(&scores, &by_position).unwrap().experts, [0, -1, -1]);
    let rerouted = GateOptions { overflow: Overflow::Reroute, ..by_score };
    let gated = gate(&scores, &rerouted).unwrap();
    assert_eq!(gated.experts, [1, 0, -1]);
    assert_eq!(gated.positions, [0, 0, -1]);
    let rerouted = GateOptions { overflow: Overflow::Reroute, ..by_position };
    assert_eq!(gate(&scores, &rerouted).unwrap().experts, [0, 1, -1]);
}

/// Checks the capacity invariants and, for rerouting by score, that no pair blocks.
fn check_invariants(scores: &[f32], options: &GateOptions, gated: &Gated) {
    let (experts, k) = (options.experts, options.k);
    let tokens = scores.len() / experts;
    let caps: Vec<u64> = match options.capacity {
        Capacity::Each(c) => vec![c; experts],
        Capacity::PerExpert(c) => c.iter().map(|&c| c as u64).collect(),
        Capacity::Unlimited => vec![u64::MAX; experts],
    };
    let mut seen = vec![Vec::new(); experts];
    for (slot, &e) in gated.experts.iter().enumerate() {
        if e >= 0 {
            seen[e as usize].push(gated.positions[slot]);
        } else {
            assert_eq!((gated.positions[slot], gated.weights[slot]), (-1, 0.0));
        }
    }
    for (e, mut positions) in seen.into_iter().enumerate() {
        assert!(positions.len() as u64 <= caps[e]);
        assert_eq!(positions.len() as i32, gated.counts[e]);
        positions.sort();
        assert!(positions.iter().enumerate().all(|(i, &p)| p == i as i32));
    }
    if options.overflow != Overflow::Reroute || options.priority != Priority::Score {
        return;
    }
    let cands = candidates(scores, options);
    // The lowest score among the tokens each expert holds.
    let mut weakest = vec![f64::INFINITY; experts];
    for u in 0..tokens {
        let s = softmax(&scores[u * experts..(u + 1) * experts]);
        let s = if options.scoring == Scoring::Sigmoid {
            scores[u * experts..(u + 1) * experts].iter().map(|&x| 1.0 / (1.0 + (-(x as f64)).exp())).collect()
        } else {
            s
        };
        for &e in gated.experts[u * k..(u + 1) * k].iter().filter(|&&e| e >= 0) {
            weakest[e as usize] = weakest[e as usize].min(s[e as usize]);
        }
    }
    let width = options.width();
    for t in 0..tokens {
        let held = &gated.experts[t * k..(t + 1) * k];
        let held_count = held.iter().filter(|&&e| e >= 0).count();
        for c in &cands[t * width..(t + 1) * width] {
            if held.contains(&(c.expert as i32)) {
                continue;
            }
            let wants = held_count < k
                || cands[t * width..(t + 1) * width]
                    .iter()
                    .any(|h| held.contains(&(h.expert as i32)) && h.selection < c.selection);
            if !wants {
                continue;
            }
            let e = c.expert as usize;
            let room = (gated.counts[e] as u64) < caps[e];
            let weaker = weakest[e] < c.score;
            assert!(!room && !weaker, "token {t} and expert {e} block");
        }
    }
}

#[test]
fn capacity_invariants_on_random_batches() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..60 {
        let experts = [4, 6, 8][round % 3];
        let k = 1 + round % 3;
        let tokens = rng.gen_range(1..40);
        let scores = logits(&mut rng, tokens, experts, [2, 5, 1000][round % 3]);
        let caps: Vec<i32> = (0..experts).map(|_| rng.gen_range(0..6)).collect();
        let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.2..0.2)).collect();
        for overflow in [Overflow::Drop, Overflow::Reroute] {
            for priority in [Priority::Score, Priority::Position] {
                let options = GateOptions {
                    capacity: if round % 2 == 0 { Capacity::PerExpert(&caps) } else { Capacity::Each(3) },
                    bias: if round % 4 < 2 { Some(&bias) } else { None },
                    groups: if experts % 2 == 0 && round % 5 == 0 { Some(Groups { count: 2, topk: 2 }) } else { None },
                    overflow,
                    priority,
                    ..GateOptions::new(experts, k)
                };
                let gated = gate(&scores, &options).unwrap();
                check_invariants(&scores, &options, &gated);
            }
        }
    }
}

#[test]
fn same_output_at_every_thread_count() {
    // 5001 tokens: chunks of uneven length at every thread count.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (tokens, experts) = (5001, 64);
    let scores = logits(&mut rng, tokens, experts, 1 << 20);
    let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.01..0.01)).collect();
    let grouped = GateOptions {
        capacity: Capacity::Each(150),
        bias: Some(&bias),
        groups: Some(Groups { count: 8, topk: 4 }),
        ..GateOptions::new(experts, 4)
    };
    let plain = GateOptions { capacity: Capacity::Each(150), ..GateOptions::new(experts, 2) };
    for base in [grouped, plain] {
        for (capacity, overflow) in
            [(base.capacity, Overflow::Drop), (base.capacity, Overflow::Reroute), (Capacity::Unlimited, Overflow::Drop)]
        {
            let options = GateOptions { capacity, overflow, ..base };
            let run = |threads| {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                pool.install(|| gate(&scores, &options).unwrap())
            };
            let one = run(1);
            for threads in [2, 3, 4] {
                assert_eq!(one, run(threads), "{threads} threads, {options:?}");
            }
            check_invariants(&scores[..], &options, &one);
        }
    }
}

#[test]
fn bad_input_names_the_argument() {
    let error = |scores: &[f32], options: GateOptions| gate(scores, &options).unwrap_err().to_string();
    assert_eq!(error(&[0.0, f32::NAN], GateOptions::new(2, 1)), "scores[1]: NaN is not a finite number");
    assert!(error(&[0.0; 3], GateOptions::new(2, 1)).starts_with("scores: length 3 is not a multiple"));
    assert!(error(&[0.0; 4], GateOptions::new(2, 3)).starts_with("options.k: 3 exceeds"));
    let groups = |count, topk| GateOptions { groups: Some(Groups { count, topk }), ..GateOptions::new(6, 3) };
    assert!(error(&[0.0; 6], groups(4, 1)).starts_with("options.groups.count"));
    assert!(error(&[0.0; 6], groups(3, 1)).contains("cannot supply k = 3"));
    let caps = [1, -1];
    let options = GateOptions { capacity: Capacity::PerExpert(&caps), ..GateOptions::new(2, 1) };
    assert_eq!(error(&[0.0; 2], options), "options.capacity[1]: -1 is negative");
}

#[test]
fn gate_into_overwrites_reused_arrays_with_what_gate_returns() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let (tokens, experts, k) = (30, 8, 2);
    let caps: Vec<i32> = (0..experts).map(|_| rng.gen_range(0..9)).collect();
    // The same arrays for every call, as a serving loop keeps them, left
    // holding the previous call's results (the first time: junk).
    let (mut e, mut w, mut p, mut c) =
        (vec![7; tokens * k], vec![0.5; tokens * k], vec![7; tokens * k], vec![7; experts]);
    for overflow in [Overflow::Drop, Overflow::Reroute, Overflow::Maximize { slot_share: 1.0 }] {
        let scores = logits(&mut rng, tokens, experts, 5);
        let options = GateOptions { capacity: Capacity::PerExpert(&caps), overflow, ..GateOptions::new(experts, k) };
        let out = GateOut { experts: &mut e, weights: &mut w, positions: &mut p, counts: &mut c };
        let kept = gate_into(&scores, &options, out).unwrap();
        let gated = gate(&scores, &options).unwrap();
        assert_eq!((&e, &w, &p, &c), (&gated.experts, &gated.weights, &gated.positions, &gated.counts));
        assert_eq!(kept, gated.kept);
    }
}

#[test]
fn gate_into_checks_the_lengths_of_its_arrays() {
    let options = GateOptions::new(3, 2);
    let (mut e, mut w, mut p, mut c) = (vec![0; 4], vec![0.0; 4], vec![0; 4], vec![0; 3]);
    assert!(gate_into(
        &[0.0; 6],
        &options,
        GateOut { experts: &mut e, weights: &mut w, positions: &mut p, counts: &mut c }
    )
    .is_ok());
    let mut short = vec![0; 2];
    let out = GateOut { experts: &mut e, weights: &mut w, positions: &mut short, counts: &mut c };
    let error = gate_into(&[0.0; 6], &options, out).unwrap_err().to_string();
    assert_eq!(error, "options.out.positions: length 2 does not match 4");
    let out = GateOut { experts: &mut e, weights: &mut w, positions: &mut p, counts: &mut short };
    let error = gate_into(&[0.0; 6], &options, out).unwrap_err().to_string();
    assert_eq!(error, "options.out.counts: length 2 does not match 3");
}

#[test]
fn empty_batch() {
    let gated = gate(&[], &GateOptions::new(3, 2)).unwrap();
    assert!(gated.experts.is_empty() && gated.weights.is_empty());
    assert_eq!(gated.counts, [0, 0, 0]);
}

#[test]
fn replicas_follow_capacity_and_slices_match() {
    let offsets = [0u32, 2, 3, 6];
    let capacities = [1.0, 3.0, 1.0, 2.0, 1.0, 1.0];
    let replicas = Replicas { offsets: &offsets, capacities: &capacities };
    let experts: Vec<i32> = (0..800).map(|i| [0, 2, -1, 1][i % 4]).collect();
    let stride = dispatch_replicas(&experts, &replicas, 2, Strategy::Stride, 5, 0).unwrap();
    let mut loads = [0; 6];
    stride.iter().filter(|&&r| r >= 0).for_each(|&r| loads[r as usize] += 1);
    assert_eq!(loads, [50, 150, 200, 100, 50, 50]);
    for strategy in [Strategy::Weighted, Strategy::Hash] {
        let whole = dispatch_replicas(&experts, &replicas, 2, strategy, 5, 0).unwrap();
        let part = dispatch_replicas(&experts[200..400], &replicas, 2, strategy, 5, 100).unwrap();
        assert_eq!(&whole[200..400], &part[..]);
        for (&e, &r) in experts.iter().zip(&whole) {
            assert!(e < 0 && r == -1 || (offsets[e as usize]..offsets[e as usize + 1]).contains(&(r as u32)));
        }
    }
    let phase = dispatch_replicas(&experts, &replicas, 2, Strategy::Phase, 5, 0).unwrap();
    assert!(experts.iter().zip(&phase).all(|(&e, &r)| (e < 0) == (r < 0)));
    let zero = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    let bad = Replicas { offsets: &offsets, capacities: &zero };
    assert!(dispatch_replicas(&[0], &bad, 1, Strategy::Weighted, 0, 0).is_err());
}

#[test]
fn reroute_by_score_matches_the_sorted_greedy() {
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    for round in 0..300 {
        let experts = rng.gen_range(2..12);
        let k = rng.gen_range(1..=experts.min(3));
        let tokens = rng.gen_range(1..60);
        let levels = [2, 3, 50, 100000][round % 4];
        let scores = logits(&mut rng, tokens, experts, levels);
        let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(0..3) as f32 * 1e-17).collect();
        let caps: Vec<i32> = (0..experts).map(|_| rng.gen_range(0..(tokens * k / experts + 2) as i32)).collect();
        let options = GateOptions {
            bias: if round % 2 == 0 { Some(&bias) } else { None },
            capacity: Capacity::PerExpert(&caps),
            overflow: Overflow::Reroute,
            reroute_within: Some(k + rng.gen_range(0..3)),
            ..GateOptions::new(experts, k)
        };
        let width = options.width();
        let candidates = candidates(&scores, &options);
        let caps64: Vec<u64> = caps.iter().map(|&c| c as u64).collect();
        let run = |by_sort: bool| {
            let (mut e, mut s) = (vec![-1; tokens * k], vec![0.0; tokens * k]);
            let mut slots = assign::Slots { experts: &mut e, scores: &mut s };
            if by_sort {
                assign::reroute_by_sort(&candidates, width, k, &caps64, &mut slots);
            } else {
                assign::reroute(&candidates, width, k, &caps64, Priority::Score, &mut slots);
            }
            (e, s)
        };
        assert_eq!(run(false), run(true), "round {round}");
    }
}

#[test]
fn choice_by_exponentials_matches_choice_by_scores() {
    // Softmax without bias takes a shortcut (choosing by exp(x - max)); a
    // zero bias takes the general path, which chooses by score.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for round in 0..200 {
        let experts = rng.gen_range(1..40);
        let k = rng.gen_range(1..=experts.min(8));
        let tokens = rng.gen_range(1..30);
        let mut scores = logits(&mut rng, tokens, experts, [2, 5, 1000000][round % 3]);
        if round % 5 == 0 {
            // Far below the max: exponentials that underflow to equal scores.
            scores.iter_mut().step_by(3).for_each(|x| *x -= 800.0);
        }
        if round % 5 == 2 {
            // A few 1e-16 apart: exponentials one unit apart, which the
            // division may round to one score.
            scores.iter_mut().for_each(|x| *x = rng.gen_range(0..4) as f32 * 1e-16);
        }
        let zero = vec![0.0f32; experts];
        let plain = GateOptions::new(experts, k);
        let general = GateOptions { bias: Some(&zero), ..plain };
        assert_eq!(candidates(&scores, &plain), candidates(&scores, &general), "round {round}");
    }
}

/// A token's `width` best candidates by the definition: every score (the
/// same `exp` and sum order), then a full sort of the eligible experts.
fn candidates_by_sort(row: &[f32], options: &GateOptions, width: usize) -> Vec<(u32, u64)> {
    let score: Vec<f64> = match options.scoring {
        Scoring::Sigmoid => row.iter().map(|&x| 1.0 / (1.0 + exp::exp(-(x as f64)))).collect(),
        Scoring::Softmax => {
            let max = row.iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x)) as f64;
            let e: Vec<f64> = row.iter().map(|&x| exp::exp(x as f64 - max)).collect();
            let mut sums = [0.0; 4];
            e.iter().enumerate().for_each(|(i, &x)| sums[i % 4] += x);
            let sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
            e.iter().map(|x| x / sum).collect()
        }
    };
    let selection: Vec<f64> = match options.bias {
        Some(bias) => score.iter().zip(bias).map(|(&s, &b)| s + b as f64).collect(),
        None => score.clone(),
    };
    let mut eligible: Vec<u32> = (0..row.len() as u32).collect();
    if let Some(g) = options.groups {
        let size = row.len() / g.count;
        let mut ratings: Vec<(f64, u32)> = (0..g.count)
            .map(|group| {
                let mut members = selection[group * size..(group + 1) * size].to_vec();
                members.sort_by(|a, b| b.partial_cmp(a).unwrap());
                let rating = if options.bias.is_some() && size > 1 { members[0] + members[1] } else { members[0] };
                (rating, group as u32)
            })
            .collect();
        ratings.sort_by(|&a, &b| best_first(a, b));
        let chosen: Vec<u32> = ratings[..g.topk].iter().map(|r| r.1).collect();
        eligible.retain(|&e| chosen.contains(&(e / size as u32)));
    }
    eligible.sort_by(|&a, &b| best_first((selection[a as usize], a), (selection[b as usize], b)));
    eligible[..width].iter().map(|&e| (e, score[e as usize].to_bits())).collect()
}

#[test]
fn candidates_match_a_full_sort() {
    // Rows long enough for the block-maxima filter, and rows short enough
    // to be ranked whole (up to 8, 16 and 32 values), with and without ties.
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    for round in 0..240 {
        let experts = [64, 128, 256, 96, 8, 13, 24, 32][round % 8];
        let k = rng.gen_range(1..=9.min(experts));
        let tokens = 20;
        let scores = logits(&mut rng, tokens, experts, [3, 40, 1 << 20][round % 3]);
        let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.01..0.01)).collect();
        let options = GateOptions {
            scoring: if round % 5 == 1 { Scoring::Sigmoid } else { Scoring::Softmax },
            bias: (round % 3 == 2).then_some(&bias[..]),
            groups: (round % 2 == 1 && experts % 8 == 0 && experts / 2 >= k).then_some(Groups { count: 8, topk: 4 }),
            capacity: Capacity::Each(1),
            overflow: Overflow::Reroute,
            reroute_within: Some(k + round % 8),
            ..GateOptions::new(experts, k)
        };
        let width = options.width();
        let got = candidates(&scores, &options);
        for t in 0..tokens {
            let row = &scores[t * experts..(t + 1) * experts];
            let ours: Vec<(u32, u64)> =
                got[t * width..(t + 1) * width].iter().map(|c| (c.expert, c.score.to_bits())).collect();
            assert_eq!(ours, candidates_by_sort(row, &options, width), "round {round} token {t}");
        }
    }
}
