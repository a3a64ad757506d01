//! Size limits, checked before any work so that a huge request is a
//! `RangeError` and never an out-of-memory abort (docs/limits.md).
//!
//! Rust aborts the process when an allocation fails, and the kernel allocates
//! with plain `vec!`. So every size that a caller states as a bare number is
//! capped here, and each large buffer a call is about to need is first
//! reserved fallibly: if the system refuses it, the call throws instead.

use crate::args::{input_error, range_error};
use napi::Env;
use phase_router_kernel::check_shape;

/// Largest `n` for which `buildBits` makes a matrix: 131072 rows of 2048
/// words, 2 GiB. The routers accept any matrix the caller could allocate.
pub const MAX_MATRIX_N: usize = 1 << 17;

/// Largest row or target count given as a bare number (`hashRoute`'s `n`,
/// `route`'s `n`, `capacityProfile`'s `n`, `computeLoads`' `nTargets`):
/// 2^26, about 67 million, whose per-row tables still fit in a few GiB.
pub const MAX_ROWS: usize = 1 << 26;

/// Checks a bare-number size against a cap.
pub fn at_most(env: &Env, value: usize, cap: usize, name: &str, what: &str) -> napi::Result<usize> {
    if value <= cap {
        Ok(value)
    } else {
        Err(range_error(env, &format!("{name}: {value} exceeds the largest {what} of {cap}")))
    }
}

/// Asks the allocator for `count` values of `T` and gives them back at once, so
/// that a buffer the kernel is about to allocate infallibly is known to fit.
pub fn reserve<T>(env: &Env, count: usize, what: &str) -> napi::Result<()> {
    let mut probe: Vec<T> = Vec::new();
    probe.try_reserve_exact(count).map_err(|_| out_of_memory(env, count * std::mem::size_of::<T>(), what))
}

/// A copy of `values` that throws instead of aborting when memory runs out.
pub fn copy<T: Copy>(env: &Env, values: &[T], what: &str) -> napi::Result<Vec<T>> {
    let mut copy = Vec::new();
    copy.try_reserve_exact(values.len()).map_err(|_| out_of_memory(env, std::mem::size_of_val(values), what))?;
    copy.extend_from_slice(values);
    Ok(copy)
}

/// Checks `n * k` against the kernel's cap, then that the output's memory can be had.
pub fn output_fits(env: &Env, n: usize, k: usize) -> napi::Result<()> {
    check_shape(n, k).map_err(|e| input_error(env, e))?;
    reserve::<i32>(env, n * k, "k")
}

fn out_of_memory(env: &Env, bytes: usize, what: &str) -> napi::Error {
    range_error(env, &format!("{what}: not enough memory for {} MiB", bytes.div_ceil(1 << 20)))
}
