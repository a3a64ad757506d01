//! MoE gating speed: 16384 tokens, (E, k) in (8, 2), (64, 2), (128, 8) and
//! (256, 8) with 8 groups (4 eligible, DeepSeek-V3's shape, with a bias and
//! sigmoid scoring), for
//!
//! - `sum`: a plain sequential sum over the logits, the floor of any pass over them;
//! - `nocap`: top-k choice and weights without capacity;
//! - `drop` and `reroute`: with every expert capped at its mean load
//!   (`tokens * k / E`, capacity factor 1), priority by score.
//!
//! Run: `cargo bench -p phase-router-kernel --bench gate` (wall time, on
//! Rayon's pool). With `GATE_BENCH_CPU=1`, the same cases on one thread,
//! measured in that thread's CPU time: on a machine shared with other jobs,
//! wall time counts the waits for a core, and CPU time does not.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{BenchmarkId, Criterion, Throughput};
use phase_router_kernel::gate::{gate, Capacity, GateOptions, Groups, Overflow, Scoring};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Duration;

const TOKENS: usize = 16384;
const SHAPES: [(usize, usize, Option<Groups>); 4] =
    [(8, 2, None), (64, 2, None), (128, 8, None), (256, 8, Some(Groups { count: 8, topk: 4 }))];

fn gating<M: Measurement>(c: &mut Criterion<M>) {
    let mut group = c.benchmark_group("gate");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    for (experts, k, groups) in SHAPES {
        let mut rng = ChaCha8Rng::seed_from_u64(experts as u64);
        // Logits with a skew towards low experts, so that caps bind.
        let scores: Vec<f32> =
            (0..TOKENS * experts).map(|i| rng.gen::<f32>() * 4.0 - (i % experts) as f32 / experts as f32).collect();
        let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.01..0.01)).collect();
        let base = GateOptions {
            groups,
            bias: groups.map(|_| bias.as_slice()),
            scoring: if groups.is_some() { Scoring::Sigmoid } else { Scoring::Softmax },
            ..GateOptions::new(experts, k)
        };
        let cap = Capacity::Each((TOKENS * k).div_ceil(experts) as u64);
        let shape = format!("E{experts}/k{k}{}", if groups.is_some() { "/groups8" } else { "" });
        group.bench_function(BenchmarkId::new("sum", &shape), |b| {
            b.iter(|| black_box(&scores).iter().map(|&x| x as f64).sum::<f64>())
        });
        let cases = [
            ("nocap", base),
            ("drop", GateOptions { capacity: cap, ..base }),
            ("reroute", GateOptions { capacity: cap, overflow: Overflow::Reroute, ..base }),
        ];
        for (name, options) in cases {
            group.bench_function(BenchmarkId::new(name, &shape), |b| {
                b.iter(|| gate(black_box(&scores), &options).unwrap())
            });
        }
    }
    group.finish();
}

/// CPU time of the calling thread, in nanoseconds, from the scheduler's
/// own count (Linux's `/proc/thread-self/schedstat`, first field).
struct ThreadCpu;

fn thread_cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("GATE_BENCH_CPU needs Linux");
    stat.split_whitespace().next().and_then(|ns| ns.parse().ok()).expect("schedstat starts with a count of ns")
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns() - start
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Shows nanosecond counts in the unit that suits them.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(&self, _typical: f64, _throughput: &Throughput, _values: &mut [f64]) -> &'static str {
        unimplemented!("this bench sets no throughput")
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn main() {
    if std::env::var_os("GATE_BENCH_CPU").is_some() {
        // One thread: the gate then runs on the calling thread, whose CPU time is measured.
        rayon::ThreadPoolBuilder::new().num_threads(1).build_global().expect("the pool is not built yet");
        let mut c = Criterion::default().with_measurement(ThreadCpu).configure_from_args();
        gating(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        gating(&mut c);
        c.final_summary();
    }
}
