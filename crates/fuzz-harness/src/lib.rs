//! The one fuzz harness of the project: [`exercise`] decodes a byte string
//! into a call of a kernel entry point and checks what comes back.
//!
//! It lives in its own small crate so that two drivers share it:
//! - `fuzz/` (cargo-fuzz, coverage-guided, run by hand for as long as you like);
//! - `tests/smoke.rs` here, a bounded deterministic run that `cargo test
//!   --workspace` (and so CI) performs on stable Rust.
//!
//! Entry points: `phase_route`, `phase_route_auto`, `route_degrees` (both modes,
//! rectangular), `strategy::route_batch` (all four
//! strategies), `capacity::*`, `build_bits`, `check_shape`, `hash::hash_route`,
//! `Layout::new` + `route_layout`.
//!
//! The contract checked is docs/algorithm.md#input-rules: every entry point returns `Ok` or
//! `Err(InputError)` and never panics; an `Ok` result has the documented shape;
//! and the shipped kernel agrees with the baseline walk (so a faster kernel
//! landing in `choose/` is differentially fuzzed against docs/algorithm.md#the-reference-algorithm).
//! Sizes are bounded by construction (`n <= 300`, `k <= 40`) so that one input
//! costs at most a few milliseconds and never allocates much.

mod input;
mod oracle;

use input::Input;
use phase_router_kernel::capacity::{self, Profile};
use phase_router_kernel::strategy::{route_batch, Batch, Strategy};
use phase_router_kernel::{
    auto_permutations, build_bits, check_shape, hash, phase_route, phase_route_auto, route_degrees, route_layout,
    BitMatrices, InputError, Layout, Mode, MAX_SLOTS,
};

/// Largest `n` the harness builds, so a case stays cheap.
pub const MAX_N: usize = 300;

/// Decodes `data` into one call and checks it; panics on any broken rule.
pub fn exercise(data: &[u8]) {
    let mut input = Input::new(data);
    match input.byte() % 8 {
        0 | 1 => valid_bit_call(&mut input),
        2 => arbitrary_bit_call(&mut input),
        7 => degree_call(&mut input),
        3 => weights_call(&mut input),
        4 => capacity_calls(&mut input),
        5 => build_call(&mut input),
        _ => shape_calls(&mut input),
    }
}

/// Well-formed matrices and permutations: both routers must succeed and agree with the walk.
fn valid_bit_call(input: &mut Input) {
    let n = 1 + input.below(MAX_N);
    let k = 1 + input.below(40);
    let s_degree = input.degrees(n);
    let t_degree = input.degrees(n);
    let s_bits = input.scattered_matrix(&s_degree);
    let t_bits = input.scattered_matrix(&t_degree);
    let perm_s = input.permutation(n);
    let perm_t = input.permutation(n);
    let seed = input.seed();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };

    let routes = phase_route(&matrices, k, &perm_s, &perm_t, seed).expect("valid input was rejected");
    oracle::check_routes_shape(&routes, n, n, k);
    assert_eq!(routes, oracle::walk(&s_degree, &t_degree, &perm_s, &perm_t, k, seed), "kernel != walk");

    let auto = phase_route_auto(&matrices, k, seed).expect("valid input was rejected (auto)");
    oracle::check_routes_shape(&auto, n, n, k);
    let (auto_s, auto_t) = auto_permutations(n, n, seed);
    assert_eq!(auto, oracle::walk(&s_degree, &t_degree, &auto_s, &auto_t, k, seed), "auto kernel != walk");
}

/// Degree vectors of a square or rectangular batch, valid or slightly broken, in
/// both modes: a valid one must agree with the walk (reference) or pick among
/// the walk's candidates in visit order (fast); a broken one must be named.
fn degree_call(input: &mut Input) {
    let m = 1 + input.below(MAX_N);
    let n = if input.byte().is_multiple_of(2) { m } else { 1 + input.below(MAX_N) };
    let k = 1 + input.below(40);
    let broken = input.byte().is_multiple_of(4);
    let mut s_degree = input.degrees(n);
    s_degree.resize(m, (n / 2) as u32);
    let mut t_degree = input.degrees(m);
    t_degree.resize(n, (m / 2) as u32);
    if broken {
        let at = input.below(m);
        s_degree[at] = (n + 1 + input.below(3)) as u32;
    }
    let perm_s = input.permutation(n);
    let perm_t = input.permutation(m);
    let seed = input.seed();
    for mode in [Mode::Reference, Mode::Fast] {
        match route_degrees(&s_degree, &t_degree, k, &perm_s, &perm_t, seed, mode) {
            Err(e) => assert!(broken && e.argument == "sDegrees", "valid degrees rejected or misnamed: {e}"),
            Ok(routes) => {
                assert!(!broken, "a degree above its ring was accepted");
                oracle::check_routes_shape(&routes, m, n, k);
                let walked = oracle::walk(&s_degree, &t_degree, &perm_s, &perm_t, k, seed);
                if mode == Mode::Reference {
                    assert_eq!(routes, walked, "degree kernel != walk");
                } else {
                    let all = oracle::walk(&s_degree, &t_degree, &perm_s, &perm_t, n, seed);
                    oracle::check_fast_picks(&routes, &all, k, n);
                }
            }
        }
    }
}

/// Raw words, perturbed lengths, raw permutation entries and odd `k`: any result is fine
/// as long as it is `Ok` with the right shape or an `InputError` naming an argument.
fn arbitrary_bit_call(input: &mut Input) {
    let n = 1 + input.below(MAX_N);
    let words = n.div_ceil(64); // words per row
    let len = |input: &mut Input| (n * words).saturating_add_signed(input.below(5) as isize - 2);
    let (s_len, t_len) = (len(input), len(input));
    let s_bits = input.words(s_len);
    let t_bits = input.words(t_len);
    let k = match input.byte() % 8 {
        0 => 0,
        1 => MAX_SLOTS / n + 1 + input.below(3), // just over the output cap
        _ => 1 + input.below(40),
    };
    let perm_len = |input: &mut Input| n.saturating_add_signed(input.below(3) as isize - 1);
    let (s_perm_len, t_perm_len) = (perm_len(input), perm_len(input));
    let perm_s = input.loose_permutation(s_perm_len, n);
    let perm_t = input.loose_permutation(t_perm_len, n);
    let seed = input.seed();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };

    let expect_named = |e: InputError| {
        assert!(["n", "k", "sBits", "tBits", "permS", "permT"].contains(&e.argument), "odd argument in {e}");
    };
    match phase_route(&matrices, k, &perm_s, &perm_t, seed) {
        Ok(routes) => oracle::check_routes_shape(&routes, n, n, k),
        Err(e) => expect_named(e),
    }
    match phase_route_auto(&matrices, k, seed) {
        Ok(routes) => oracle::check_routes_shape(&routes, n, n, k),
        Err(e) => expect_named(e),
    }
}

/// The high-level router: every strategy, square or rectangular batches, raw or
/// tame weights, density and lengths.
fn weights_call(input: &mut Input) {
    let sources = 1 + input.below(MAX_N);
    let targets = if input.byte().is_multiple_of(2) { sources } else { 1 + input.below(MAX_N) };
    let k = 1 + input.below(20);
    let strategy = [Strategy::Phase, Strategy::Hash, Strategy::Weighted, Strategy::Stride][input.byte() as usize % 4];
    let weights = |input: &mut Input, len: usize| match input.byte() % 4 {
        0 => None,
        1 => {
            let len = len.saturating_add_signed(input.below(3) as isize - 1);
            Some(input.raw_floats(len))
        }
        _ => Some(input.tame_floats(len)),
    };
    let source_weights = weights(input, sources);
    let target_capacities = weights(input, targets);
    let density =
        if input.byte().is_multiple_of(4) { input.raw_float() } else { (1 + input.below(1000)) as f64 / 1000.0 };
    let seed = input.seed();
    let batch = Batch {
        sources,
        targets,
        source_weights: source_weights.as_deref(),
        target_capacities: target_capacities.as_deref(),
        k,
        density,
        seed,
    };
    match route_batch(&batch, strategy) {
        Ok(routes) => {
            oracle::check_routes_shape(&routes, sources, targets, k);
            if strategy == Strategy::Phase && sources == targets {
                // Documented: equal to phaseRouterAuto on the matching left-aligned matrices.
                let n = sources;
                let ones = vec![1.0; n];
                let degree = |w: &Option<Vec<f64>>| {
                    capacity::degrees_from_weights(w.as_deref().unwrap_or(&ones), n, density, "w").unwrap()
                };
                let s_bits = build_bits(&degree(&source_weights), n).unwrap();
                let t_bits = build_bits(&degree(&target_capacities), n).unwrap();
                let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
                assert_eq!(routes, phase_route_auto(&matrices, k, seed).unwrap(), "route_batch != phase_route_auto");
            }
        }
        Err(e) => assert!(
            ["sourceWeights", "targetCapacities", "density", "sources", "targets"].contains(&e.argument),
            "odd argument in {e}"
        ),
    }
}

/// Hard caps, enforcement, loads, survival and profiles.
fn capacity_calls(input: &mut Input) {
    let targets = 1 + input.below(MAX_N);
    let capacities =
        if input.byte().is_multiple_of(3) { input.raw_floats(targets) } else { input.tame_floats(targets) };
    let (tokens, k, headroom) = (input.below(1000), input.below(20), input.raw_or_tame_float());
    match capacity::hard_caps(&capacities, tokens, k, headroom) {
        Ok(caps) => {
            assert_eq!(caps.len(), targets);
            assert!(caps.iter().all(|&c| c >= 1), "a hard cap below 1");
        }
        Err(e) => assert!(["capacities", "headroom"].contains(&e.argument), "odd argument in {e}"),
    }

    let k = input.below(9);
    let slots = input.below(2000);
    let routes: Vec<i32> = (0..slots).map(|_| input.below(targets + 4) as i32 - 2).collect();
    let caps: Vec<i32> = (0..targets).map(|_| input.below(40) as i32 - 2).collect();
    match capacity::enforce_capacity(&routes, k, &caps) {
        Ok(enforced) => oracle::check_enforced(&routes, &caps, &enforced),
        Err(e) => assert!(["k", "caps", "routes"].contains(&e.argument), "odd argument in {e}"),
    }
    match capacity::target_loads(&routes, targets) {
        Ok(loads) => {
            assert_eq!(loads.len(), targets);
            let routed = routes.iter().filter(|&&t| t >= 0).count();
            assert_eq!(loads.iter().map(|&l| l as usize).sum::<usize>(), routed);
        }
        Err(e) => assert_eq!(e.argument, "routes"),
    }
    let survival = capacity::survival_rate(&routes);
    assert!((0.0..=1.0).contains(&survival), "survival {survival} outside [0, 1]");

    let name = input.short_string();
    if let Ok(profile) = name.parse::<Profile>() {
        let n = 1 + input.below(MAX_N);
        let caps = capacity::capacity_profile(profile, n, input.seed());
        assert_eq!(caps.len(), n);
        assert!(caps.iter().all(|c| [1.0, 2.0, 3.0, 8.0, 16.0].contains(c)));
    }
}

/// `build_bits` with counts and lengths that may not fit.
fn build_call(input: &mut Input) {
    let n = input.below(MAX_N + 1);
    let len = n.saturating_add_signed(input.below(3) as isize - 1);
    let ones: Vec<u32> = (0..len).map(|_| input.below(n + 3) as u32).collect();
    match build_bits(&ones, n) {
        Ok(built) => {
            let matrices = BitMatrices { s_bits: &built, t_bits: &built, n };
            matrices.check().expect("build_bits made an invalid matrix");
            assert_eq!(matrices.degrees().0, ones);
        }
        Err(e) => assert_eq!(e.argument, "onesPerRow"),
    }
}

/// Shape checks at the edges of `usize`, and the hash baseline at small sizes.
fn shape_calls(input: &mut Input) {
    let (n, k) = (input.u64() as usize >> input.below(64), input.u64() as usize >> input.below(64));
    let expected = n >= 1 && k >= 1 && n.checked_mul(k).is_some_and(|s| s <= MAX_SLOTS);
    assert_eq!(check_shape(n, k).is_ok(), expected, "check_shape({n}, {k})");

    let (n, k) = (1 + input.below(MAX_N), 1 + input.below(20));
    let routes = hash::hash_route(n, n, k, input.seed());
    assert_eq!(routes.len(), n * k);
    assert!(routes.iter().all(|&t| (0..n as i32).contains(&t)));

    // A layout built through the public checked constructor with raw degrees.
    let degrees = |input: &mut Input| (0..n).map(|_| input.below(n + 2) as u32).collect::<Vec<_>>();
    let (s_degree, t_degree) = (degrees(input), degrees(input));
    let perm = input.loose_permutation(n, n);
    let seed = input.seed();
    match Layout::new(s_degree.clone(), t_degree.clone(), &perm, perm.clone()) {
        Ok(layout) => {
            let routes = route_layout(&layout, k, seed);
            oracle::check_routes_shape(&routes, n, n, k);
            assert_eq!(routes, oracle::walk(&s_degree, &t_degree, &perm, &perm, k, seed), "layout kernel != walk");
        }
        Err(e) => assert!(["permS", "permT", "sDegrees", "tDegrees"].contains(&e.argument), "odd argument in {e}"),
    }
}
