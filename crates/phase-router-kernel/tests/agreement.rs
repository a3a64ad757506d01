//! The shipped kernel and the baseline walk agree on random inputs, square and rectangular.

mod common;

use common::Problem;
use phase_router_kernel::{route_layout_into, walk, Mode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn kernel_equals_walk_on_random_layouts() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for case in 0..300 {
        let n = rng.gen_range(1..300);
        let m = if case % 3 == 0 { rng.gen_range(1..300) } else { n };
        let k = rng.gen_range(1..20);
        let seed = if case % 5 == 0 { u64::MAX - rng.gen_range(0..400) } else { rng.gen() };
        let problem = Problem::random(&mut rng, m, n);
        let layout = problem.layout();
        let (mut a, mut b) = (vec![7; m * k], vec![9; m * k]);
        walk::route(&layout, k, seed, &mut a);
        route_layout_into(&layout, k, seed, Mode::Reference, &mut b);
        assert_eq!(a, b, "case {case}: m={m} n={n} k={k} seed={seed}");
    }
}

#[test]
fn kernel_equals_walk_on_long_rows() {
    // Hundreds of candidates per row: many reservoir draws and rejections.
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for (m, n, k) in [(2000, 2000, 3), (700, 2500, 16), (3000, 1000, 1)] {
        let problem = Problem::random(&mut rng, m, n);
        let layout = problem.layout();
        let (mut a, mut b) = (vec![0; m * k], vec![0; m * k]);
        walk::route(&layout, k, 5, &mut a);
        route_layout_into(&layout, k, 5, Mode::Reference, &mut b);
        assert!(a == b, "m={m} n={n} k={k}");
    }
}

#[test]
fn rows_hold_distinct_targets_then_empty_slots() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let problem = Problem::random(&mut rng, 500, 200);
    let k = 6;
    let mut out = vec![0; 500 * k];
    route_layout_into(&problem.layout(), k, 11, Mode::Reference, &mut out);
    for row in out.chunks(k) {
        let filled: Vec<i32> = row.iter().copied().take_while(|&c| c >= 0).collect();
        assert!(row[filled.len()..].iter().all(|&c| c == -1));
        let mut distinct = filled.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), filled.len());
        assert!(filled.iter().all(|&c| (0..200).contains(&c)));
    }
}
