//! `overflow: 'maximize'` against `reroute` in the same run: 16384 tokens,
//! (E, k) in (8, 2), (64, 2), (128, 8) and (256, 8) with 8 groups (4
//! eligible, a bias and sigmoid scoring), every expert capped at its mean load
//! (capacity factor 1), priority by score, on two kinds of logits: `skew`, as
//! in the `gate` bench (a mild skew towards low experts), and `zipf`, as in
//! benches/gate-quality.js (the expert of popularity rank `r` gets `-ln r`,
//! plus Gumbel noise), where rerouting falls further short of the most slots.
//! Each case also prints how many slots each mode keeps.
//!
//! Run: `cargo bench -p phase-router-kernel --bench gate_maximize`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use phase_router_kernel::gate::{gate, Capacity, GateOptions, Groups, Overflow, Scoring, DEFAULT_SLOT_SHARE};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Duration;

const TOKENS: usize = 16384;
const SHAPES: [(usize, usize, Option<Groups>); 4] =
    [(8, 2, None), (64, 2, None), (128, 8, None), (256, 8, Some(Groups { count: 8, topk: 4 }))];

/// `TOKENS x experts` logits of the given kind (see the module documentation).
fn logits(rng: &mut ChaCha8Rng, experts: usize, kind: &str) -> Vec<f32> {
    if kind == "skew" {
        return (0..TOKENS * experts).map(|i| rng.gen::<f32>() * 4.0 - (i % experts) as f32 / experts as f32).collect();
    }
    // Popularity ranks: a shuffle of 1..=experts.
    let mut rank: Vec<usize> = (1..=experts).collect();
    for i in (1..experts).rev() {
        rank.swap(i, rng.gen_range(0..=i));
    }
    (0..TOKENS * experts)
        .map(|i| {
            let gumbel = -(-(rng.gen::<f64>() * (1.0 - 2e-12) + 1e-12).ln()).ln();
            (gumbel - (rank[i % experts] as f64).ln()) as f32
        })
        .collect()
}

fn maximizing(c: &mut Criterion) {
    let mut group = c.benchmark_group("gate");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    for ((experts, k, groups), kind) in SHAPES.into_iter().flat_map(|shape| [(shape, "skew"), (shape, "zipf")]) {
        let mut rng = ChaCha8Rng::seed_from_u64(experts as u64);
        let scores = logits(&mut rng, experts, kind);
        let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.01..0.01)).collect();
        let reroute = GateOptions {
            groups,
            bias: groups.map(|_| bias.as_slice()),
            scoring: if groups.is_some() { Scoring::Sigmoid } else { Scoring::Softmax },
            capacity: Capacity::Each((TOKENS * k).div_ceil(experts) as u64),
            overflow: Overflow::Reroute,
            ..GateOptions::new(experts, k)
        };
        let maximize = GateOptions { overflow: Overflow::Maximize { slot_share: DEFAULT_SLOT_SHARE }, ..reroute };
        let shape = format!("{kind}/E{experts}/k{k}{}", if groups.is_some() { "/groups8" } else { "" });
        let kept = |options| gate(&scores, options).unwrap().kept;
        println!("{shape}: kept slots, reroute {} maximize {}", kept(&reroute), kept(&maximize));
        for (name, options) in [("reroute", reroute), ("maximize", maximize)] {
            group.bench_function(BenchmarkId::new(name, &shape), |b| {
                b.iter(|| gate(black_box(&scores), &options).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, maximizing);
criterion_main!(benches);
