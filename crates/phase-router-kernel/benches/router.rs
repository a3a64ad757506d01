//! Every router and the popcount pass on the strong profile at density 0.3.
//!
//! Cases vary N at k = 16 and k at N = 4096. `kernel`, `walk` and `fast` route
//! a prebuilt layout; `degrees` is the whole `route_degrees` call (checks,
//! layout, routing); `popcount` is one pass over both matrices, the floor of
//! any matrix input. `call_overhead` times whole calls at n = 64, k = 4, where
//! a fixed cost per call (such as waking Rayon's pool) would dominate.
//! Run: `cargo bench -p phase-router-kernel --bench router`.

mod common;

use common::{Inputs, SEED};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use phase_router_kernel::strategy::{route_batch, Batch, Strategy};
use phase_router_kernel::{hash, phase_route_with, route_degrees, route_layout_into, walk, BitMatrices, Layout, Mode};
use std::time::Duration;

const DENSITY: f64 = 0.3;
const CASES: [(usize, usize); 8] =
    [(64, 16), (256, 16), (1024, 16), (4096, 1), (4096, 2), (4096, 4), (4096, 8), (4096, 16)];

fn id(n: usize, k: usize) -> BenchmarkId {
    BenchmarkId::from_parameter(format!("n{n}/k{k}"))
}

fn layout_routers(c: &mut Criterion) {
    type Route = fn(&Layout, usize, u64, &mut [i32]);
    let routers: [(&str, Route); 3] = [
        ("kernel", |layout, k, seed, out| route_layout_into(layout, k, seed, Mode::Reference, out)),
        ("walk", walk::route),
        ("fast", |layout, k, seed, out| route_layout_into(layout, k, seed, Mode::Fast, out)),
    ];
    for (name, route) in routers {
        let mut group = c.benchmark_group(name);
        for (n, k) in CASES {
            let inputs = Inputs::strong(n, DENSITY);
            let layout = inputs.layout();
            let mut out = vec![0; n * k];
            group.bench_function(id(n, k), |b| b.iter(|| route(&layout, k, SEED, &mut out)));
        }
        group.finish();
    }
}

fn degree_input(c: &mut Criterion) {
    let mut group = c.benchmark_group("degrees");
    for mode in [Mode::Reference, Mode::Fast] {
        for (n, k) in CASES {
            let i = Inputs::strong(n, DENSITY);
            let name = BenchmarkId::new(format!("{mode:?}"), format!("n{n}/k{k}"));
            group.bench_function(name, |b| {
                b.iter(|| route_degrees(&i.s_degree, &i.t_degree, k, &i.perm_s, &i.perm_t, SEED, mode).unwrap())
            });
        }
    }
    group.finish();
}

/// The large case: a million sources and targets, k = 4, 64 ones per row on average.
fn degree_input_million(c: &mut Criterion) {
    let n = 1_000_000;
    let i = Inputs::strong(n, 64.0 / n as f64);
    let mut group = c.benchmark_group("degrees_1m");
    group.sample_size(10);
    for mode in [Mode::Reference, Mode::Fast] {
        group.bench_function(format!("{mode:?}/n{n}/k4"), |b| {
            b.iter(|| route_degrees(&i.s_degree, &i.t_degree, 4, &i.perm_s, &i.perm_t, SEED, mode).unwrap())
        });
    }
    group.finish();
}

fn hash_routing(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    for (n, k) in CASES {
        group.bench_function(id(n, k), |b| b.iter(|| hash::hash_route(n, n, k, SEED)));
    }
    group.finish();
}

fn popcount_pass(c: &mut Criterion) {
    let mut group = c.benchmark_group("popcount");
    for n in [64, 256, 1024, 4096] {
        let (s_bits, t_bits) = Inputs::strong(n, DENSITY).bits();
        let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
        group.bench_function(format!("n{n}"), |b| b.iter(|| matrices.degrees()));
    }
    group.finish();
}

/// Whole entry-point calls on a small batch (n = 64, k = 4), checks and allocations included.
fn call_overhead(c: &mut Criterion) {
    let (n, k) = (64, 4);
    let i = Inputs::strong(n, DENSITY);
    let (s_bits, t_bits) = i.bits();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    let perms = Some((&i.perm_s[..], &i.perm_t[..]));
    let mut group = c.benchmark_group("call_overhead");
    for mode in [Mode::Reference, Mode::Fast] {
        group.bench_function(format!("matrices/{mode:?}"), |b| {
            b.iter(|| phase_route_with(&matrices, k, perms, SEED, mode).unwrap())
        });
        group.bench_function(format!("degrees/{mode:?}"), |b| {
            b.iter(|| route_degrees(&i.s_degree, &i.t_degree, k, &i.perm_s, &i.perm_t, SEED, mode).unwrap())
        });
    }
    let batch = Batch {
        sources: n,
        targets: n,
        source_weights: None,
        target_capacities: None,
        k,
        density: DENSITY,
        seed: SEED,
    };
    for strategy in [Strategy::Stride, Strategy::Phase] {
        group
            .bench_function(format!("route_batch/{strategy:?}"), |b| b.iter(|| route_batch(&batch, strategy).unwrap()));
    }
    group.bench_function("hash_route", |b| b.iter(|| hash::hash_route(n, n, k, SEED)));
    group.bench_function("popcount", |b| b.iter(|| matrices.degrees()));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = layout_routers, degree_input, degree_input_million, hash_routing, popcount_pass, call_overhead
}
criterion_main!(benches);
