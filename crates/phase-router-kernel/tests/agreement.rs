//! The shipped kernel and the baseline walk agree on random inputs, square and rectangular.

use phase_router_kernel::{kernel, layout::Layout, walk};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_layout(rng: &mut ChaCha8Rng, m: usize, n: usize) -> Layout<'static> {
    // Mix empty, full and everything-between rows so that arcs wrap and saturate.
    let degree = |rng: &mut ChaCha8Rng, ring: usize| match rng.gen_range(0..10) {
        0 => 0,
        1 => ring as u32,
        _ => rng.gen_range(0..=ring as u32),
    };
    let s: Vec<u32> = (0..m).map(|_| degree(rng, n)).collect();
    let t: Vec<u32> = (0..n).map(|_| degree(rng, m)).collect();
    let mut perm_s: Vec<u32> = (0..n as u32).collect();
    let mut perm_t: Vec<u32> = (0..m as u32).collect();
    perm_s.shuffle(rng);
    perm_t.shuffle(rng);
    Layout::new(s, t, &perm_s, perm_t).unwrap()
}

#[test]
fn kernel_equals_walk_on_random_layouts() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for case in 0..300 {
        let n = rng.gen_range(1..300);
        let m = if case % 3 == 0 { rng.gen_range(1..300) } else { n };
        let k = rng.gen_range(1..20);
        let seed = if case % 5 == 0 { u64::MAX - rng.gen_range(0..400) } else { rng.gen() };
        let layout = random_layout(&mut rng, m, n);
        let (mut a, mut b) = (vec![7; m * k], vec![9; m * k]);
        walk::route(&layout, k, seed, &mut a);
        kernel::route(&layout, k, seed, &mut b);
        assert_eq!(a, b, "case {case}: m={m} n={n} k={k} seed={seed}");
    }
}

#[test]
fn rows_hold_distinct_targets_then_empty_slots() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let layout = random_layout(&mut rng, 500, 200);
    let k = 6;
    let mut out = vec![0; 500 * k];
    kernel::route(&layout, k, 11, &mut out);
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
