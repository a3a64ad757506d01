//! Fast mode routes to the reference's candidates and picks among them uniformly.

mod common;

use common::Problem;
use phase_router_kernel::{route_degrees, route_layout_into, Mode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Every candidate of every row, in visit order: the reference with room for all of them.
fn all_candidates(problem: &Problem) -> Vec<Vec<i32>> {
    let k = problem.t_degree.len();
    let mut out = vec![0; problem.s_degree.len() * k];
    route_layout_into(&problem.layout(), k, 0, Mode::Reference, &mut out);
    out.chunks(k).map(|row| row.iter().copied().filter(|&c| c >= 0).collect()).collect()
}

#[test]
fn fast_mode_keeps_the_reference_candidates() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    for case in 0..200 {
        let n = rng.gen_range(1..200);
        let m = if case % 3 == 0 { rng.gen_range(1..200) } else { n };
        let k = rng.gen_range(1..12);
        let seed = rng.gen();
        let problem = Problem::random(&mut rng, m, n);
        let mut out = vec![0; m * k];
        route_layout_into(&problem.layout(), k, seed, Mode::Fast, &mut out);
        for (j, (row, candidates)) in out.chunks(k).zip(all_candidates(&problem)).enumerate() {
            if candidates.len() <= k {
                // A short row is the reference's row exactly: every candidate in visit order.
                assert_eq!(&row[..candidates.len()], &candidates[..], "case {case} row {j}");
                assert!(row[candidates.len()..].iter().all(|&c| c == -1), "case {case} row {j}");
            } else {
                // A long row keeps k distinct candidates, still in visit order.
                let mut rest = candidates.iter();
                assert!(
                    row.iter().all(|c| rest.any(|x| x == c)),
                    "case {case} row {j}: {row:?} not in order in {candidates:?}"
                );
            }
        }
    }
}

#[test]
fn fast_mode_does_not_depend_on_the_thread_count() {
    let problem = Problem::random(&mut ChaCha8Rng::seed_from_u64(4), 3000, 2000);
    let route = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut out = vec![0; 3000 * 8];
        pool.install(|| route_layout_into(&problem.layout(), 8, 77, Mode::Fast, &mut out));
        out
    };
    assert_eq!(route(1), route(3));
}

/// Routes one source whose candidates are all `targets` targets, `k` slots, with `seed`.
fn one_full_row(targets: usize, k: usize, seed: u64) -> Vec<i32> {
    // One source: its S-arc spans every target, and a T-ring of one point is covered by every degree-1 arc.
    route_degrees(
        &[targets as u32],
        &vec![1; targets],
        k,
        &(0..targets as u32).collect::<Vec<_>>(),
        &[0],
        seed,
        Mode::Fast,
    )
    .unwrap()
}

#[test]
fn every_candidate_is_picked_about_k_out_of_m_times() {
    let (targets, k, seeds) = (10, 3, 30_000);
    let mut picked = vec![0u32; targets];
    for seed in 0..seeds {
        one_full_row(targets, k, seed).iter().for_each(|&c| picked[c as usize] += 1);
    }
    // Expected 9000 each, standard deviation about 80: 5% is more than 5 deviations.
    let expected = (seeds * k as u64 / targets as u64) as f64;
    assert!(picked.iter().all(|&p| (p as f64 - expected).abs() < 0.05 * expected), "{picked:?}");
}

#[test]
fn every_subset_is_picked_about_equally_often() {
    // 5 candidates, 2 slots: 10 subsets, 20000 seeds, about 2000 each (deviation about 42).
    let mut seen = std::collections::HashMap::new();
    for seed in 0..20_000 {
        *seen.entry(one_full_row(5, 2, seed)).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 10, "every subset, each in visit order, and nothing else");
    assert!(seen.values().all(|&count| (1800..2200).contains(&count)), "{seen:?}");
}

#[test]
fn neighbouring_seeds_do_not_replay_neighbouring_rows() {
    // With `seed + row` keying, row j + 1 of seed s would equal row j of seed s + 1.
    let problem = Problem {
        s_degree: vec![50; 64],
        t_degree: vec![64; 50],
        perm_s: (0..50).collect(),
        perm_t: (0..64).collect(),
    };
    let (mut a, mut b) = (vec![0; 64 * 4], vec![0; 64 * 4]);
    route_layout_into(&problem.layout(), 4, 1000, Mode::Fast, &mut a);
    route_layout_into(&problem.layout(), 4, 1001, Mode::Fast, &mut b);
    let replayed = (0..63).filter(|&j| a[(j + 1) * 4..][..4] == b[j * 4..][..4]).count();
    assert!(replayed < 5, "{replayed} of 63 rows replayed");
}
