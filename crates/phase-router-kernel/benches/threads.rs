//! Thread scaling: the whole bit-matrix call (popcounts, layout, routing) in
//! Rayon pools of 1 and 2 threads, N = 4096, k = 16, strong profile, density 0.3.
//! Run: `cargo bench -p phase-router-kernel --bench threads`.

mod common;

use common::{Inputs, SEED};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use phase_router_kernel::{phase_route_with, route_layout_into, BitMatrices, Mode};
use std::time::Duration;

fn thread_scaling(c: &mut Criterion) {
    let (n, k) = (4096, 16);
    let inputs = Inputs::strong(n, 0.3);
    let (s_bits, t_bits) = inputs.bits();
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    let perms = Some((&inputs.perm_s[..], &inputs.perm_t[..]));
    let layout = inputs.layout();
    let mut out = vec![0; n * k];
    let mut group = c.benchmark_group("threads");
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        for mode in [Mode::Reference, Mode::Fast] {
            group.bench_function(BenchmarkId::new(format!("{mode:?}/matrices"), threads), |b| {
                b.iter(|| pool.install(|| phase_route_with(&matrices, k, perms, SEED, mode).unwrap()))
            });
            group.bench_function(BenchmarkId::new(format!("{mode:?}/layout"), threads), |b| {
                b.iter(|| pool.install(|| route_layout_into(&layout, k, SEED, mode, &mut out)))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
    targets = thread_scaling
}
criterion_main!(benches);
