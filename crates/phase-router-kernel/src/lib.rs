//! # phase-router-kernel
//!
//! Routes a batch of sources (tokens, requests, keys) to at most `k` of `n`
//! targets (experts, shards, workers) so that each target's expected load
//! follows its capacity. Deterministic from a seed, coordination-free, and
//! parallel over rows with Rayon; output never depends on the thread count.
//! The reference mode is bit-exact with the Rust crate `phase_router_rs` 0.1.0.
//!
//! ## The algorithm in one screen
//!
//! Two bit matrices describe the problem (`problem/`: the inputs and their
//! checks), but only their row popcounts (degrees) matter: `s[j]` for
//! source `j`, `t[c]` for target `c`.
//!
//! 1. **Rings** (`ring/`): sources lay arcs of length `s[j]` end to end around
//!    the S-ring; targets lay arcs of length `t[c]` around the T-ring.
//! 2. **Placements** ([`Layout`], `ring/layout.rs`): `permS` puts each target
//!    at a point of the S-ring, `permT` puts each source at a point of the T-ring.
//! 3. **Candidates**: target `c` is a candidate of source `j` when `c` sits on
//!    `j`'s S-arc and `j` sits on `c`'s T-arc.
//! 4. **Selection** (`choose/reservoir.rs`): candidates are visited in S-ring
//!    order from the start of `j`'s arc and at most `k` are kept by reservoir
//!    sampling with a ChaCha8 generator seeded by `seed + j`.
//!
//! [`walk`] is that description run literally, kept as the baseline: it
//! tests every position of every S-arc, about `density * n^2` steps.
//!
//! ## How the shipped kernels go faster
//!
//! 5. **Sweep** (`sweep/`): whether `c` is a candidate of `j` depends on `j`
//!    only through its S-arc and its T-point. Visiting rows in T-ring order
//!    while a bitset over S-ring positions (`sweep/bitset.rs`) tracks which
//!    targets cover the current T-point turns each row's candidates into the
//!    set bits of its S-arc. Each row's arc is copied out once with running
//!    popcounts (`sweep/arc_words.rs`), then candidates are found by rank
//!    without data-dependent branches (vector compares of the running
//!    counts, then PDEP or a broadword select inside the word). Rows reach
//!    the chooser two at a time, so that two rows' serial work can overlap.
//! 6. **Reference mode** (`choose/reference.rs`, [`Mode::Reference`]): the
//!    reservoir's draws depend only on how many candidates a row has, so
//!    they are replayed from the count, and only the `k` kept candidates are
//!    looked up, by rank. With AVX-512, sixteen rows draw at once, one per
//!    vector lane, from ChaCha8 computed in the same lanes; otherwise two
//!    rows side by side. Bit-exact with the walk; the draws are most of its
//!    remaining work.
//! 7. **Fast mode** (`choose/fast.rs`, [`Mode::Fast`]): the same candidates,
//!    but `k` of a long row's candidates are drawn by Floyd's algorithm from
//!    a counter-based generator (`choose/stream.rs`), `k` draws per row
//!    instead of one per candidate (for `k <= 16` with AVX-512, a row's
//!    draws, their order and the lookup of its targets all in vector lanes).
//!    Uniform and frozen by its own vectors, but not the reference's choice.
//!
//! Large calls run on Rayon's pool, small ones on the calling thread
//! (`parallel.rs`): waking the pool would cost many times their work.
//!
//! ## Entry points
//!
//! - Bit matrices (as `phase_router_rs` takes them): [`phase_route`],
//!   [`phase_route_auto`], and [`phase_route_with`] / [`phase_route_with_into`]
//!   with a [`Mode`] and optional permutations.
//! - Degree vectors, skipping the matrices (and rectangular: `m` sources,
//!   `n` targets): [`route_degrees`] / [`route_degrees_into`].
//! - Weights and capacities, any strategy: [`strategy::route_batch`].
//! - A prepared [`Layout`]: [`route_layout`] / [`route_layout_into`].
//! - Mixture-of-Experts gating from router logits (top-k under capacity, with
//!   bias, groups, drop or reroute), bias updates and replica dispatch: [`gate`].
//!
//! The `_into` forms write into caller-owned output of `sources * k` slots.
//! [`capacity`] and [`hash`] hold the benchmark's helpers (`benchmark/`).
//!
//! ## Portability
//!
//! The release binary targets generic x86-64 and aarch64. Everything that
//! depends on the CPU lives in `arch/`, laid out as the `memchr` crate's:
//! `arch/portable/` holds a plain-Rust twin of every CPU-specific path, and
//! `arch/x86_64/` the paths that use instructions generic x86-64 lacks
//! (POPCNT, LZCNT and BMI2, AVX2, AVX-512). `arch/x86_64/detect.rs` asks
//! the CPU once per process what it has and hands out zero-sized tokens
//! that only it can make; each vector path takes its token, so no other
//! code calls a path the CPU cannot run. Every path gives the same output
//! as its portable twin, and tests compare the two wherever the CPU runs
//! both. aarch64 takes the portable paths.
//!
//! ## Batches and strategies
//!
//! [`strategy::route_batch`] routes `m` sources to `n` targets straight from
//! weights and capacities, without bit matrices, by one of four strategies:
//! the phase router on rectangular rings, uniform `hash`, capacity-`weighted`
//! sampling, and `stride`, systematic sampling over cumulative capacity that
//! gives every target exactly its share.
//!
//! ```
//! use phase_router_kernel::{build_bits, phase_route_auto, route_degrees, BitMatrices, Mode};
//!
//! let n = 8;
//! let s_bits = build_bits(&[3; 8], n).unwrap();
//! let t_bits = build_bits(&[2, 2, 2, 2, 6, 6, 6, 6], n).unwrap();
//! let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
//! let routes = phase_route_auto(&matrices, 2, 42).unwrap();
//! assert_eq!(routes.len(), n * 2);
//! assert!(routes.iter().all(|&c| (-1..8).contains(&c)));
//!
//! // The same problem from its row degrees, in fast mode.
//! let perm: Vec<u32> = (0..8).collect();
//! let fast = route_degrees(&[3; 8], &[2, 2, 2, 2, 6, 6, 6, 6], 2, &perm, &perm, 42, Mode::Fast).unwrap();
//! assert_eq!(fast.len(), n * 2);
//! ```

mod arch;
mod benchmark;
mod choose;
pub mod gate;
pub mod keyed;
mod parallel;
mod problem;
mod ring;
pub mod strategy;
mod sweep;
pub mod walk;

pub use benchmark::capacity;
pub use benchmark::hash_route as hash;
pub use problem::perm::auto_permutations;
pub use problem::{build_bits, check_bit_call, check_shape, BitMatrices, InputError, MAX_SLOTS};
pub use ring::Layout;

use choose::{fast, reference};
use problem::{check_degree_shape, check_out, perm};

/// How a row with more than `k` candidates chooses among them. Both modes
/// route to the same candidates and keep every candidate of a shorter row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reservoir sampling with ChaCha8, bit-exact with `phase_router_rs` 0.1.0.
    #[default]
    Reference,
    /// Floyd's sampling of `k` candidates from a counter-based generator:
    /// uniform and deterministic too, but not the reference's choice.
    Fast,
}

/// The reference router (`phaseRouter`): `n * k` slots, row-major, -1 for empty.
pub fn phase_route(
    matrices: &BitMatrices,
    k: usize,
    perm_s: &[u32],
    perm_t: &[u32],
    seed: u64,
) -> Result<Vec<i32>, InputError> {
    phase_route_with(matrices, k, Some((perm_s, perm_t)), seed, Mode::Reference)
}

/// The reference router with both permutations drawn from the seed (`phaseRouterAuto`).
pub fn phase_route_auto(matrices: &BitMatrices, k: usize, seed: u64) -> Result<Vec<i32>, InputError> {
    phase_route_with(matrices, k, None, seed, Mode::Reference)
}

/// The router on bit matrices in either mode; `perms` is `(permS, permT)`, or
/// `None` to draw both from the seed as `phaseRouterAuto` does.
pub fn phase_route_with(
    matrices: &BitMatrices,
    k: usize,
    perms: Option<(&[u32], &[u32])>,
    seed: u64,
    mode: Mode,
) -> Result<Vec<i32>, InputError> {
    check_shape(matrices.n, k)?;
    let mut out = vec![-1; matrices.n * k];
    phase_route_with_into(matrices, k, perms, seed, mode, &mut out)?;
    Ok(out)
}

/// [`phase_route_with`] into caller-owned `out` of `n * k` slots.
pub fn phase_route_with_into(
    matrices: &BitMatrices,
    k: usize,
    perms: Option<(&[u32], &[u32])>,
    seed: u64,
    mode: Mode,
    out: &mut [i32],
) -> Result<(), InputError> {
    check_bit_call(matrices, k, perms)?;
    check_out(out, matrices.n * k)?;
    let (s_degree, t_degree) = matrices.degrees();
    let drawn;
    let (perm_s, perm_t) = match perms {
        Some(given) => given,
        None => {
            drawn = perm::auto_permutations(matrices.n, matrices.n, seed);
            (&drawn.0[..], &drawn.1[..])
        }
    };
    let layout = Layout::new_unchecked(s_degree, t_degree, perm_s, perm_t.into());
    route_layout_into(&layout, k, seed, mode, out);
    Ok(())
}

/// Routes from row degrees instead of bit matrices, skipping the matrices
/// altogether: `s_degree` has one entry per source (`m` of them, each at most
/// `n`), `t_degree` one per target (`n`, each at most `m`); `perm_s` permutes
/// the targets, `perm_t` the sources. Returns `m * k` slots. On square inputs
/// it equals [`phase_route_with`] on any matrices with these row popcounts.
pub fn route_degrees(
    s_degree: &[u32],
    t_degree: &[u32],
    k: usize,
    perm_s: &[u32],
    perm_t: &[u32],
    seed: u64,
    mode: Mode,
) -> Result<Vec<i32>, InputError> {
    check_degree_shape(s_degree.len(), t_degree.len(), k)?;
    let mut out = vec![-1; s_degree.len() * k];
    route_degrees_into(s_degree, t_degree, k, perm_s, perm_t, seed, mode, &mut out)?;
    Ok(out)
}

/// [`route_degrees`] into caller-owned `out` of `m * k` slots.
#[allow(clippy::too_many_arguments)] // the arguments of route_degrees, plus out
pub fn route_degrees_into(
    s_degree: &[u32],
    t_degree: &[u32],
    k: usize,
    perm_s: &[u32],
    perm_t: &[u32],
    seed: u64,
    mode: Mode,
    out: &mut [i32],
) -> Result<(), InputError> {
    check_degree_shape(s_degree.len(), t_degree.len(), k)?;
    check_out(out, s_degree.len() * k)?;
    let layout = Layout::new(s_degree.to_vec(), t_degree.to_vec(), perm_s, perm_t)?;
    route_layout_into(&layout, k, seed, mode, out);
    Ok(())
}

/// Routes a checked layout with the shipped reference kernel.
pub fn route_layout(layout: &Layout, k: usize, seed: u64) -> Vec<i32> {
    let mut out = vec![-1; layout.sources() * k];
    route_layout_into(layout, k, seed, Mode::Reference, &mut out);
    out
}

/// Routes a checked layout in `mode` into `out`, which must hold
/// `sources * k` slots (`k >= 1`); panics otherwise.
pub fn route_layout_into(layout: &Layout, k: usize, seed: u64, mode: Mode, out: &mut [i32]) {
    match mode {
        Mode::Reference => reference::route(layout, k, seed, out),
        Mode::Fast => fast::route(layout, k, seed, out),
    }
}
