//! Scaling sweeps behind `docs/performance.md`: every router, input form and
//! baseline against n, k, density and thread count, strong profile.
//!
//! Groups (each `<group>/<method>/<swept value>` in `target/criterion/`):
//! - `scaling_n`: n in 256..8192 at k = 16, density 0.3;
//! - `scaling_k`: k in 1..32 at n = 4096, density 0.3;
//! - `scaling_density`: density in 0.05..0.5 at n = 4096, k = 16;
//! - `scaling_threads`: Rayon pools of 1 and 2 threads at n = 4096, k = 16, density 0.3;
//! - `call`: whole calls at n = 64, k = 4, the kernel's share of a JavaScript
//!   call (`benches/js.bench.js` uses the same inputs), for the per-call overhead.
//!
//! Methods: `walk` (the straightforward walk, the baseline of every ratio),
//! `reference` and `fast` (the shipped kernels on a prepared layout),
//! `reference_matrices` and `fast_matrices` (the whole bit-matrix call:
//! checks, popcounts, layout, routing), `degrees` and `degrees_fast` (the whole
//! degree-vector call), `hash` (uniform hashing), `stride` (systematic
//! sampling via `route_batch`) and `popcount` (one pass over both matrices,
//! the floor of any matrix input).
//!
//! Run: `cargo bench -p phase-router-kernel --bench scaling`, then
//! `npm run perf:report`. It runs in about ten minutes; medians are what the
//! report uses.

mod common;

use common::{Inputs, SEED};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};
use phase_router_kernel::capacity::{capacity_profile, Profile};
use phase_router_kernel::strategy::{route_batch, Batch, Strategy};
use phase_router_kernel::{hash, phase_route_with, route_degrees, route_layout_into, walk, BitMatrices, Layout, Mode};
use std::fmt::Display;
use std::time::Duration;

/// The headline point; each sweep moves one of these.
const N: usize = 4096;
const K: usize = 16;
const DENSITY: f64 = 0.3;

/// One input point of a sweep: everything every method needs, built once.
struct Case {
    inputs: Inputs,
    s_bits: Vec<u64>,
    t_bits: Vec<u64>,
    capacities: Vec<f64>,
    k: usize,
    density: f64,
}

impl Case {
    fn new(n: usize, k: usize, density: f64) -> Case {
        let inputs = Inputs::strong(n, density);
        let (s_bits, t_bits) = inputs.bits();
        let capacities = capacity_profile(Profile::Strong, n, SEED);
        Case { inputs, s_bits, t_bits, capacities, k, density }
    }

    fn matrices(&self) -> BitMatrices<'_> {
        BitMatrices { s_bits: &self.s_bits, t_bits: &self.t_bits, n: self.inputs.n }
    }
}

/// Benches every method on one case; `param` is the swept value the report plots.
fn bench_case(group: &mut BenchmarkGroup<WallTime>, param: impl Display, case: &Case) {
    let (i, k, n) = (&case.inputs, case.k, case.inputs.n);
    let layout = i.layout();
    let matrices = case.matrices();
    let perms = Some((&i.perm_s[..], &i.perm_t[..]));
    let batch = Batch {
        sources: n,
        targets: n,
        source_weights: None,
        target_capacities: Some(&case.capacities),
        k,
        density: case.density,
        seed: SEED,
    };
    let mut out = vec![0; n * k];
    let id = |method: &str| BenchmarkId::new(method, &param);
    group.bench_function(id("walk"), |b| b.iter(|| walk::route(&layout, k, SEED, &mut out)));
    group
        .bench_function(id("reference"), |b| b.iter(|| route_layout_into(&layout, k, SEED, Mode::Reference, &mut out)));
    group.bench_function(id("fast"), |b| b.iter(|| route_layout_into(&layout, k, SEED, Mode::Fast, &mut out)));
    for (name, mode) in [("reference_matrices", Mode::Reference), ("fast_matrices", Mode::Fast)] {
        group.bench_function(id(name), |b| b.iter(|| phase_route_with(&matrices, k, perms, SEED, mode).unwrap()));
    }
    for (name, mode) in [("degrees", Mode::Reference), ("degrees_fast", Mode::Fast)] {
        group.bench_function(id(name), |b| {
            b.iter(|| route_degrees(&i.s_degree, &i.t_degree, k, &i.perm_s, &i.perm_t, SEED, mode).unwrap())
        });
    }
    group.bench_function(id("hash"), |b| b.iter(|| hash::hash_route(n, n, k, SEED)));
    group.bench_function(id("stride"), |b| b.iter(|| route_batch(&batch, Strategy::Stride).unwrap()));
    group.bench_function(id("popcount"), |b| b.iter(|| matrices.degrees()));
}

/// A group whose samples all run the same number of iterations: the walk takes
/// tens of milliseconds per call, and Criterion's default linear sampling
/// would run it hundreds of times.
fn flat_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    group
}

fn scaling_n(c: &mut Criterion) {
    let mut group = flat_group(c, "scaling_n");
    for n in [256, 1024, 4096, 8192] {
        bench_case(&mut group, n, &Case::new(n, K, DENSITY));
    }
    group.finish();
}

fn scaling_k(c: &mut Criterion) {
    let mut group = flat_group(c, "scaling_k");
    for k in [1, 2, 4, 8, 16, 32] {
        bench_case(&mut group, k, &Case::new(N, k, DENSITY));
    }
    group.finish();
}

fn scaling_density(c: &mut Criterion) {
    let mut group = flat_group(c, "scaling_density");
    for density in [0.05, 0.1, 0.2, 0.3, 0.5] {
        bench_case(&mut group, density, &Case::new(N, K, density));
    }
    group.finish();
}

/// The routers on a prepared layout and the whole matrix call, in Rayon pools
/// of 1 and 2 threads (the development machine has 2 cores).
fn scaling_threads(c: &mut Criterion) {
    let case = Case::new(N, K, DENSITY);
    let i = &case.inputs;
    let layout = i.layout();
    let matrices = case.matrices();
    let perms = Some((&i.perm_s[..], &i.perm_t[..]));
    let mut out = vec![0; N * K];
    let mut group = flat_group(c, "scaling_threads");
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        type Route = fn(&Layout, usize, u64, &mut [i32]);
        let routers: [(&str, Route); 3] = [
            ("walk", walk::route),
            ("reference", |layout, k, seed, out| route_layout_into(layout, k, seed, Mode::Reference, out)),
            ("fast", |layout, k, seed, out| route_layout_into(layout, k, seed, Mode::Fast, out)),
        ];
        for (name, route) in routers {
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter(|| pool.install(|| route(&layout, K, SEED, &mut out)))
            });
        }
        for (name, mode) in [("reference_matrices", Mode::Reference), ("fast_matrices", Mode::Fast)] {
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter(|| pool.install(|| phase_route_with(&matrices, K, perms, SEED, mode).unwrap()))
            });
        }
    }
    group.finish();
}

/// Small whole calls, as `phaseRouterAuto` and `phaseRouterDegrees` make them
/// from JavaScript at n = 64, k = 4: the JavaScript median minus this one is
/// the cost of crossing into the addon.
fn call(c: &mut Criterion) {
    let (n, k) = (64, 4);
    let case = Case::new(n, k, DENSITY);
    let i = &case.inputs;
    let matrices = case.matrices();
    let mut group = c.benchmark_group("call");
    for (name, mode) in [("auto", Mode::Reference), ("auto_fast", Mode::Fast)] {
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| phase_route_with(&matrices, k, None, SEED, mode).unwrap())
        });
    }
    for (name, mode) in [("degrees", Mode::Reference), ("degrees_fast", Mode::Fast)] {
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| route_degrees(&i.s_degree, &i.t_degree, k, &i.perm_s, &i.perm_t, SEED, mode).unwrap())
        });
    }
    group.finish();
}

/// Twenty samples of about 0.1 s each: on a shared two-core machine a burst
/// of load from elsewhere spoils a sample or two, which a median of twenty
/// shrugs off (with ten it moved ratios by 20%).
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = scaling_n, scaling_k, scaling_density, scaling_threads, call
}
criterion_main!(benches);
