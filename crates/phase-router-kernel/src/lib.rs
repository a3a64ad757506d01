//! # phase-router-kernel
//!
//! Routes a batch of sources (tokens, requests, keys) to at most `k` of `n`
//! targets (experts, shards, workers) so that each target's expected load
//! follows its capacity. Deterministic from a seed, coordination-free, and
//! parallel over rows with Rayon; output never depends on the thread count.
//! Small calls stay on the calling thread ([`parallel`]): waking Rayon's
//! pool would cost many times their work.
//!
//! The reference mode is bit-exact with the Rust crate `phase_router_rs` 0.1.0.
//!
//! ## The algorithm in one screen
//!
//! Two bit matrices describe the problem, but only their row popcounts
//! (degrees) matter: `s[j]` for source `j`, `t[c]` for target `c`.
//!
//! 1. **Rings** ([`ring`]): sources lay arcs of length `s[j]` end to end around
//!    the S-ring; targets lay arcs of length `t[c]` around the T-ring.
//! 2. **Placements** ([`layout`]): `permS` puts each target at a point of the
//!    S-ring, `permT` puts each source at a point of the T-ring.
//! 3. **Candidates**: target `c` is a candidate of source `j` when `c` sits on
//!    `j`'s S-arc and `j` sits on `c`'s T-arc.
//! 4. **Selection** ([`reservoir`]): candidates are visited in S-ring order
//!    from the start of `j`'s arc and at most `k` are kept by reservoir sampling
//!    with a ChaCha8 generator seeded by `seed + j`.
//!
//! [`walk`] is that description run literally, kept as the baseline: it
//! tests every position of every S-arc, about `density * n^2` steps.
//!
//! ## How the shipped kernels go faster
//!
//! 5. **Sweep** ([`sweep`], [`bitset`]): whether `c` is a candidate of `j`
//!    depends on `j` only through its S-arc and its T-point. Visiting rows in
//!    T-ring order while a bitset over S-ring positions tracks which targets
//!    cover the current T-point turns each row's candidates into the set bits
//!    of its S-arc. Each row's arc is copied out once with running popcounts
//!    ([`bitset::ArcWords`]), then candidates are found by rank without
//!    data-dependent branches (vector compares of the running counts, then
//!    PDEP or a broadword select inside the word). Rows reach the chooser
//!    two at a time, so that two rows' serial work can overlap.
//! 6. **Reference mode** ([`kernel`], [`Mode::Reference`]): the reservoir's
//!    draws depend only on how many candidates a row has, so they are replayed
//!    from the count, and only the `k` kept candidates are looked up, by
//!    rank. With AVX-512, sixteen rows draw at once, one per vector lane,
//!    from ChaCha8 computed in the same lanes; otherwise two rows side by
//!    side ([`reservoir::Holdings`]). Bit-exact with the walk; the draws are
//!    most of its remaining work.
//! 7. **Fast mode** ([`fast`], [`Mode::Fast`]): the same candidates, but `k`
//!    of a long row's candidates are drawn by Floyd's algorithm from a
//!    counter-based generator, `k` draws per row instead of one per candidate
//!    (for `k <= 16` with AVX-512, a row's draws, their order and the lookup
//!    of its targets all in vector lanes). Uniform and frozen by its own
//!    vectors, but not the reference's choice.
//!
//! Every vector path is chosen at run time from what the CPU reports
//! (`is_x86_feature_detected!`), with a portable path beside it that gives
//! the same output; tests compare the two wherever the CPU runs both.
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
//!
//! The `_into` forms write into caller-owned output of `sources * k` slots.
//! [`capacity`] and [`hash`] hold the benchmark's helpers.
//!
//! ## Portability
//!
//! The release binary targets generic x86-64 and aarch64. Two hot loops are
//! compiled a second time for instructions that generic x86-64 lacks, picked
//! at run time when the CPU has them: POPCNT for counting an arc's words
//! ([`bitset`]) and LZCNT/BMI2 for the reference draws ([`reservoir`]).
//! Results are the same either way.
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

pub mod bits;
pub mod bitset;
pub mod capacity;
#[cfg(target_arch = "x86_64")]
mod chacha_lanes;
mod error;
pub mod fast;
#[cfg(target_arch = "x86_64")]
mod floyd16;
pub mod hash;
pub mod kernel;
pub mod keyed;
pub mod layout;
pub mod parallel;
pub mod perm;
pub mod reservoir;
#[cfg(target_arch = "x86_64")]
mod reservoir_lanes;
pub mod ring;
pub mod strategy;
pub(crate) mod stream;
pub mod sweep;
pub mod walk;

pub use bits::build_bits;
pub use error::InputError;
pub use layout::Layout;
pub use perm::auto_permutations;

/// Largest output, in slots, that one call may produce (the longest `Int32Array` index range).
pub const MAX_SLOTS: usize = i32::MAX as usize;

/// The two square bit matrices of one call, as `phase_router_rs` takes them.
#[derive(Debug, Clone, Copy)]
pub struct BitMatrices<'a> {
    /// S, `n` rows of `ceil(n/64)` little-endian words: row `j` is source `j`.
    pub s_bits: &'a [u64],
    /// T, same shape: row `c` is target `c`.
    pub t_bits: &'a [u64],
    /// Rows and columns of both matrices.
    pub n: usize,
}

impl BitMatrices<'_> {
    /// Checks both matrices' lengths and padding bits.
    pub fn check(&self) -> Result<(), InputError> {
        bits::check_matrix(self.s_bits, self.n, "sBits")?;
        bits::check_matrix(self.t_bits, self.n, "tBits")
    }

    /// Row degrees of S and of T.
    pub fn degrees(&self) -> (Vec<u32>, Vec<u32>) {
        let work = 2 * self.s_bits.len();
        parallel::join(work, || bits::row_degrees(self.s_bits, self.n), || bits::row_degrees(self.t_bits, self.n))
    }
}

/// Checks `n` and `k` (both at least 1) and the size of the output they imply.
pub fn check_shape(n: usize, k: usize) -> Result<(), InputError> {
    if n == 0 {
        return Err(InputError::new("n", "must be at least 1"));
    }
    if k == 0 {
        return Err(InputError::new("k", "must be at least 1"));
    }
    match n.checked_mul(k) {
        Some(slots) if slots <= MAX_SLOTS => Ok(()),
        _ => Err(InputError::new("k", format!("n * k = {n} * {k} exceeds the largest output of {MAX_SLOTS} slots"))),
    }
}

/// Checks everything about a bit-matrix call before any work is done;
/// `perms` is `None` for automatic permutations.
pub fn check_bit_call(matrices: &BitMatrices, k: usize, perms: Option<(&[u32], &[u32])>) -> Result<(), InputError> {
    check_shape(matrices.n, k)?;
    matrices.check()?;
    if let Some((perm_s, perm_t)) = perms {
        perm::check_permutation(perm_s, matrices.n, "permS")?;
        perm::check_permutation(perm_t, matrices.n, "permT")?;
    }
    Ok(())
}

/// How a row with more than `k` candidates chooses among them. Both modes
/// route to the same candidates and keep every candidate of a shorter row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reservoir sampling with ChaCha8, bit-exact with `phase_router_rs` 0.1.0 ([`kernel`]).
    #[default]
    Reference,
    /// Floyd's sampling of `k` candidates from a counter-based generator ([`fast`]):
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

/// Checks the sizes of a degree call: at least one source and one target,
/// targets that fit in the `i32` output, `k` and the output size as [`check_shape`].
fn check_degree_shape(sources: usize, targets: usize, k: usize) -> Result<(), InputError> {
    if sources == 0 {
        return Err(InputError::new("sDegrees", "must hold at least one source"));
    }
    if targets == 0 {
        return Err(InputError::new("tDegrees", "must hold at least one target"));
    }
    if targets > MAX_SLOTS {
        return Err(InputError::new("tDegrees", format!("{targets} targets do not fit in an Int32 output")));
    }
    check_shape(sources, k)
}

/// Checks that caller-owned output has room for exactly `slots` slots.
fn check_out(out: &[i32], slots: usize) -> Result<(), InputError> {
    if out.len() != slots {
        return Err(InputError::new("out", format!("length {} does not match sources * k = {slots}", out.len())));
    }
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
        Mode::Reference => kernel::route(layout, k, seed, out),
        Mode::Fast => fast::route(layout, k, seed, out),
    }
}
