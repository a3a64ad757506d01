//! A routing problem as callers give it, and every check it must pass
//! before any work is done: bit matrices, degrees, permutations, shapes.

mod error;
mod matrix;
pub(crate) mod perm;

pub use error::InputError;
pub use matrix::{build_bits, BitMatrices};

/// Largest output, in slots, that one call may produce (the longest `Int32Array` index range).
pub const MAX_SLOTS: usize = i32::MAX as usize;

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

/// Checks the sizes of a degree call: at least one source and one target,
/// targets that fit in the `i32` output, `k` and the output size as [`check_shape`].
pub(crate) fn check_degree_shape(sources: usize, targets: usize, k: usize) -> Result<(), InputError> {
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

/// Checks that every degree fits on a ring of `ring_len` positions.
pub(crate) fn check_degrees(degrees: &[u32], ring_len: usize, argument: &'static str) -> Result<(), InputError> {
    match degrees.iter().position(|&d| d as usize > ring_len) {
        Some(i) => Err(InputError::at(argument, i, format!("{} exceeds {}", degrees[i], ring_len))),
        None => Ok(()),
    }
}

/// Checks that caller-owned output has room for exactly `slots` slots.
pub(crate) fn check_out(out: &[i32], slots: usize) -> Result<(), InputError> {
    if out.len() != slots {
        return Err(InputError::new("out", format!("length {} does not match sources * k = {slots}", out.len())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_above_the_ring_are_rejected() {
        assert_eq!(check_degrees(&[2, 5, 1], 4, "sDegrees").unwrap_err().index, Some(1));
    }
}
