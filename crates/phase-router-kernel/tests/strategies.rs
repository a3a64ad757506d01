//! The batch strategies: distinct targets, determinism, row independence and
//! the load each strategy promises.

use phase_router_kernel::capacity::{capacity_profile, target_loads, Profile};
use phase_router_kernel::strategy::{route_batch, Batch, Strategy};
use phase_router_kernel::{build_bits, phase_route_auto, BitMatrices};

const ALL: [Strategy; 4] = [Strategy::Phase, Strategy::Hash, Strategy::Weighted, Strategy::Stride];

fn batch(sources: usize, capacities: &[f64], k: usize, seed: u64) -> Batch<'_> {
    Batch {
        sources,
        targets: capacities.len(),
        source_weights: None,
        target_capacities: Some(capacities),
        k,
        density: 0.3,
        seed,
    }
}

fn loads(routes: &[i32], targets: usize) -> Vec<i32> {
    target_loads(routes, targets).unwrap()
}

#[test]
fn rows_hold_distinct_targets_then_empty_slots() {
    let mut caps = capacity_profile(Profile::Extreme, 40, 1);
    caps[3] = 0.0;
    for strategy in ALL {
        for k in [1, 3, 39, 45] {
            let routes = route_batch(&batch(300, &caps, k, 5), strategy).unwrap();
            for row in routes.chunks(k) {
                let filled: Vec<i32> = row.iter().copied().take_while(|&t| t >= 0).collect();
                assert!(row[filled.len()..].iter().all(|&t| t == -1), "{strategy:?} k={k}");
                let mut distinct = filled.clone();
                distinct.sort();
                distinct.dedup();
                assert_eq!(distinct.len(), filled.len(), "{strategy:?} k={k}");
                if strategy != Strategy::Hash && strategy != Strategy::Phase {
                    assert!(!filled.contains(&3), "{strategy:?} routed to a target of capacity 0");
                }
            }
        }
    }
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let caps = capacity_profile(Profile::Strong, 64, 3);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    for strategy in ALL {
        let b = batch(4096, &caps, 8, 11);
        let a = one.install(|| route_batch(&b, strategy).unwrap());
        assert_eq!(a, four.install(|| route_batch(&b, strategy).unwrap()), "{strategy:?}");
        assert_ne!(a, route_batch(&batch(4096, &caps, 8, 12), strategy).unwrap(), "{strategy:?} ignores the seed");
    }
}

#[test]
fn hash_and_weighted_rows_do_not_depend_on_the_batch() {
    let caps = capacity_profile(Profile::Mild, 50, 2);
    for strategy in [Strategy::Hash, Strategy::Weighted] {
        let long = route_batch(&batch(200, &caps, 4, 9), strategy).unwrap();
        let short = route_batch(&batch(70, &caps, 4, 9), strategy).unwrap();
        assert_eq!(long[..70 * 4], short[..], "{strategy:?}");
    }
}

#[test]
fn weighted_picks_follow_capacity() {
    let caps = [1.0, 2.0, 3.0, 4.0];
    let sources = 100_000;
    let l = loads(&route_batch(&batch(sources, &caps, 1, 4), Strategy::Weighted).unwrap(), 4);
    for (c, &cap) in caps.iter().enumerate() {
        let expected = sources as f64 * cap / 10.0;
        // Five standard deviations of a binomial count: a real bias fails, noise does not.
        let sigma = (expected * (1.0 - cap / 10.0)).sqrt();
        assert!((l[c] as f64 - expected).abs() < 5.0 * sigma, "target {c}: {} vs {expected}", l[c]);
    }
}

#[test]
fn stride_gives_integer_caps_exactly() {
    // 4096 tokens, 64 experts, k = 2: caps adding up to exactly 8192 slots.
    let profile = capacity_profile(Profile::Strong, 64, 7);
    let total: f64 = profile.iter().sum();
    let mut caps: Vec<f64> = profile.iter().map(|c| (c / total * 8192.0).floor()).collect();
    let short = 8192 - caps.iter().sum::<f64>() as usize;
    caps.iter_mut().take(short).for_each(|c| *c += 1.0);
    let routes = route_batch(&batch(4096, &caps, 2, 3), Strategy::Stride).unwrap();
    let expected: Vec<i32> = caps.iter().map(|&c| c as i32).collect();
    assert_eq!(loads(&routes, 64), expected);
}

#[test]
fn stride_caps_a_huge_target_at_one_slot_per_source() {
    let caps = [100.0, 1.0, 1.0, 2.0];
    let routes = route_batch(&batch(1000, &caps, 2, 3), Strategy::Stride).unwrap();
    // Target 0 takes every source once; the other 1000 slots split 1:1:2.
    assert_eq!(loads(&routes, 4), vec![1000, 250, 250, 500]);
}

#[test]
fn square_phase_batches_equal_the_bit_matrix_router() {
    let n = 200;
    let caps = capacity_profile(Profile::Strong, n, 5);
    let routes = route_batch(&batch(n, &caps, 4, 8), Strategy::Phase).unwrap();
    let t_degree: Vec<u32> = phase_router_kernel::capacity::degrees_from_weights(&caps, n, 0.3, "t").unwrap();
    let s_bits = build_bits(&vec![60; n], n).unwrap();
    let t_bits = build_bits(&t_degree, n).unwrap();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    assert_eq!(routes, phase_route_auto(&matrices, 4, 8).unwrap());
}

#[test]
fn rectangular_phase_batches_follow_capacity() {
    let caps = capacity_profile(Profile::Strong, 64, 1);
    let l = loads(&route_batch(&batch(4096, &caps, 2, 1), Strategy::Phase).unwrap(), 64);
    let mean = |value: f64| {
        let picked: Vec<i32> = (0..64).filter(|&c| caps[c] == value).map(|c| l[c]).collect();
        picked.iter().sum::<i32>() as f64 / picked.len() as f64
    };
    assert!(mean(8.0) > 2.5 * mean(2.0) && mean(2.0) > 1.5 * mean(1.0), "{} {} {}", mean(8.0), mean(2.0), mean(1.0));
}

#[test]
fn bad_batches_name_the_argument() {
    let caps = [1.0, 2.0];
    let mut b = batch(10, &caps, 2, 0);
    b.targets = 3;
    assert_eq!(route_batch(&b, Strategy::Stride).unwrap_err().argument, "targetCapacities");
    let zero = [0.0, 0.0];
    assert_eq!(route_batch(&batch(10, &zero, 2, 0), Strategy::Weighted).unwrap_err().argument, "targetCapacities");
    assert_eq!(route_batch(&batch(10, &caps, 0, 0), Strategy::Hash).unwrap_err().argument, "k");
    assert_eq!("greedy".parse::<Strategy>().unwrap_err().argument, "strategy");
}
