//! # phase-router-kernel
//!
//! Routes a batch of sources (tokens, requests, keys) to at most `k` of `n`
//! targets (experts, shards, workers) so that each target's expected load
//! follows its capacity. Deterministic from a seed, coordination-free, and
//! parallel over rows with Rayon; output never depends on the thread count.
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
//! [`walk`] is that description run literally, kept as the baseline;
//! [`kernel`] is what ships. [`capacity`] and [`hash`] hold the benchmark's
//! helpers.
//!
//! ```
//! use phase_router_kernel::{build_bits, phase_route_auto, BitMatrices};
//!
//! let n = 8;
//! let s_bits = build_bits(&[3; 8], n).unwrap();
//! let t_bits = build_bits(&[2, 2, 2, 2, 6, 6, 6, 6], n).unwrap();
//! let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
//! let routes = phase_route_auto(&matrices, 2, 42).unwrap();
//! assert_eq!(routes.len(), n * 2);
//! assert!(routes.iter().all(|&c| (-1..8).contains(&c)));
//! ```

pub mod bits;
pub mod bitset;
pub mod capacity;
mod error;
pub mod hash;
pub mod kernel;
pub mod layout;
pub mod perm;
pub mod reservoir;
pub mod ring;
pub mod sweep;
pub mod walk;

pub use bits::build_bits;
pub use error::InputError;
pub use layout::Layout;

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
        rayon::join(|| bits::row_degrees(self.s_bits, self.n), || bits::row_degrees(self.t_bits, self.n))
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

/// The reference router (`phaseRouter`): `n * k` slots, row-major, -1 for empty.
pub fn phase_route(
    matrices: &BitMatrices,
    k: usize,
    perm_s: &[u32],
    perm_t: &[u32],
    seed: u64,
) -> Result<Vec<i32>, InputError> {
    check_bit_call(matrices, k, Some((perm_s, perm_t)))?;
    let (s_degree, t_degree) = matrices.degrees();
    let layout = Layout::new_unchecked(s_degree, t_degree, perm_s, perm_t.into());
    Ok(route_layout(&layout, k, seed))
}

/// The reference router with both permutations drawn from the seed (`phaseRouterAuto`).
pub fn phase_route_auto(matrices: &BitMatrices, k: usize, seed: u64) -> Result<Vec<i32>, InputError> {
    check_bit_call(matrices, k, None)?;
    let (s_degree, t_degree) = matrices.degrees();
    let (perm_s, perm_t) = perm::auto_permutations(matrices.n, matrices.n, seed);
    let layout = Layout::new_unchecked(s_degree, t_degree, &perm_s, perm_t.into());
    Ok(route_layout(&layout, k, seed))
}

/// Routes from weights instead of matrices (the high-level `route`): degrees by
/// [`capacity::degrees_from_weights`] (all weights 1 when `None`), permutations
/// from the seed. Equal to [`phase_route_auto`] on the matching left-aligned matrices.
pub fn route_by_weight(
    source_weights: Option<&[f64]>,
    target_capacities: Option<&[f64]>,
    n: usize,
    k: usize,
    density: f64,
    seed: u64,
) -> Result<Vec<i32>, InputError> {
    check_shape(n, k)?;
    let degrees = |weights: Option<&[f64]>, argument| match weights {
        Some(w) if w.len() != n => Err(InputError::new(argument, format!("length {} does not match n = {n}", w.len()))),
        Some(w) => capacity::degrees_from_weights(w, n, density, argument),
        None => capacity::degrees_from_weights(&vec![1.0; n], n, density, argument),
    };
    let s_degree = degrees(source_weights, "sourceWeights")?;
    let t_degree = degrees(target_capacities, "targetCapacities")?;
    let (perm_s, perm_t) = perm::auto_permutations(n, n, seed);
    let layout = Layout::new_unchecked(s_degree, t_degree, &perm_s, perm_t.into());
    Ok(route_layout(&layout, k, seed))
}

/// Routes a checked layout with the shipped kernel.
pub fn route_layout(layout: &Layout, k: usize, seed: u64) -> Vec<i32> {
    let mut out = vec![-1; layout.sources() * k];
    kernel::route(layout, k, seed, &mut out);
    out
}
