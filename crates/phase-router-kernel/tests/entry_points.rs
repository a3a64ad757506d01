//! The public entry points agree with each other and reject bad input by name.

mod common;

use common::Problem;
use phase_router_kernel::{
    build_bits, phase_route, phase_route_auto, phase_route_with, phase_route_with_into, route_degrees,
    route_degrees_into, route_layout_into, BitMatrices, Mode,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn degree_input_equals_the_matrix_input() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for case in 0..60 {
        let n = rng.gen_range(1..260);
        let k = rng.gen_range(1..10);
        let seed = rng.gen();
        let p = Problem::random(&mut rng, n, n);
        let (s_bits, t_bits) = (build_bits(&p.s_degree, n).unwrap(), build_bits(&p.t_degree, n).unwrap());
        let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
        let reference = phase_route(&matrices, k, &p.perm_s, &p.perm_t, seed).unwrap();
        for mode in [Mode::Reference, Mode::Fast] {
            let from_degrees = route_degrees(&p.s_degree, &p.t_degree, k, &p.perm_s, &p.perm_t, seed, mode).unwrap();
            let from_bits = phase_route_with(&matrices, k, Some((&p.perm_s, &p.perm_t)), seed, mode).unwrap();
            assert_eq!(from_degrees, from_bits, "case {case} {mode:?}");
            if mode == Mode::Reference {
                assert_eq!(from_degrees, reference, "case {case}");
            }
        }
    }
}

#[test]
fn rectangular_degree_input_routes_m_sources_to_n_targets() {
    let p = Problem::random(&mut ChaCha8Rng::seed_from_u64(3), 300, 70);
    let routes = route_degrees(&p.s_degree, &p.t_degree, 5, &p.perm_s, &p.perm_t, 9, Mode::Reference).unwrap();
    let mut expected = vec![0; 300 * 5];
    route_layout_into(&p.layout(), 5, 9, Mode::Reference, &mut expected);
    assert_eq!(routes, expected);
    assert!(routes.iter().all(|&c| (-1..70).contains(&c)));
}

#[test]
fn automatic_permutations_are_the_none_case() {
    let n = 100;
    let s_bits = build_bits(&[30; 100], n).unwrap();
    let t_bits = build_bits(&(0..100).map(|c| c % 60).collect::<Vec<_>>(), n).unwrap();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    let auto = phase_route_auto(&matrices, 3, 5).unwrap();
    assert_eq!(phase_route_with(&matrices, 3, None, 5, Mode::Reference).unwrap(), auto);
    let mut out = vec![0; n * 3];
    phase_route_with_into(&matrices, 3, None, 5, Mode::Fast, &mut out).unwrap();
    assert_eq!(out, phase_route_with(&matrices, 3, None, 5, Mode::Fast).unwrap());
}

/// The sweep writes each row in place, from several threads on a large call:
/// every slot of a caller's dirty buffer must come out as on a fresh one.
#[test]
fn into_variants_overwrite_every_slot_of_a_dirty_buffer_on_many_threads() {
    let (m, n, k) = (1500, 500, 24); // enough work for the pool in both modes
    let p = Problem::random(&mut ChaCha8Rng::seed_from_u64(21), m, n);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    for mode in [Mode::Reference, Mode::Fast] {
        let fresh = route_degrees(&p.s_degree, &p.t_degree, k, &p.perm_s, &p.perm_t, 9, mode).unwrap();
        assert!(fresh.contains(&-1) && fresh.iter().any(|&c| c >= 0), "the case needs short and filled rows");
        let mut dirty = vec![77; m * k];
        pool.install(|| route_degrees_into(&p.s_degree, &p.t_degree, k, &p.perm_s, &p.perm_t, 9, mode, &mut dirty))
            .unwrap();
        assert_eq!(dirty, fresh, "{mode:?}");
    }
}

#[test]
fn into_variants_fill_caller_output_and_check_its_length() {
    let p = Problem::random(&mut ChaCha8Rng::seed_from_u64(8), 40, 40);
    let mut out = vec![123; 40 * 2];
    route_degrees_into(&p.s_degree, &p.t_degree, 2, &p.perm_s, &p.perm_t, 1, Mode::Fast, &mut out).unwrap();
    assert_eq!(out, route_degrees(&p.s_degree, &p.t_degree, 2, &p.perm_s, &p.perm_t, 1, Mode::Fast).unwrap());

    let mut short = vec![0; 79];
    let err = route_degrees_into(&p.s_degree, &p.t_degree, 2, &p.perm_s, &p.perm_t, 1, Mode::Fast, &mut short);
    assert_eq!(err.unwrap_err().argument, "out");
    assert!(short.iter().all(|&c| c == 0), "nothing is written on error");
    let s_bits = build_bits(&p.s_degree, 40).unwrap();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &s_bits, n: 40 };
    let err = phase_route_with_into(&matrices, 2, None, 1, Mode::Reference, &mut short);
    assert_eq!(err.unwrap_err().argument, "out");
}

#[test]
fn bad_degree_input_names_its_argument() {
    let ids: Vec<u32> = (0..4).collect();
    let route = |s: &[u32], t: &[u32], k, ps: &[u32], pt: &[u32]| route_degrees(s, t, k, ps, pt, 0, Mode::Reference);
    let argument = |r: Result<Vec<i32>, phase_router_kernel::InputError>| r.unwrap_err().argument;
    assert_eq!(argument(route(&[], &[1; 4], 1, &ids, &[])), "sDegrees");
    assert_eq!(argument(route(&[1; 4], &[], 1, &[], &ids)), "tDegrees");
    assert_eq!(argument(route(&[1; 4], &[1; 4], 0, &ids, &ids)), "k");
    assert_eq!(argument(route(&[1, 5, 1, 1], &[1; 4], 1, &ids, &ids)), "sDegrees");
    assert_eq!(argument(route(&[1; 4], &[1, 1, 1, 9], 1, &ids, &ids)), "tDegrees");
    assert_eq!(argument(route(&[1; 4], &[1; 4], 1, &[0, 1, 2, 2], &ids)), "permS");
    assert_eq!(argument(route(&[1; 4], &[1; 4], 1, &ids, &ids[..3])), "permT");
    // Rectangular: 4 sources, 2 targets, so permS permutes 0..2 and S-degrees are at most 2.
    assert!(route(&[2, 0, 1, 2], &[4, 1], 1, &[1, 0], &ids).is_ok());
    assert_eq!(argument(route(&[3, 0, 1, 2], &[4, 1], 1, &[1, 0], &ids)), "sDegrees");
}
