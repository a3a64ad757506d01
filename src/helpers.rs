//! The helper exports of docs/algorithm.md#public-api that touch n*k or n*n data, or need the kernel's RNG.

use crate::args::{count, finite, input_error, seed};
use crate::limits::{at_most, output_fits, reserve, MAX_MATRIX_N, MAX_ROWS};
use crate::output::{int32, Routes};
use napi::bindgen_prelude::{
    BigInt, BigUint64Array, Float64Array, Float64ArraySlice, Int32Array, Int32ArraySlice, Uint32ArraySlice,
};
use napi::Env;
use napi_derive::napi;
use phase_router_kernel::capacity::{self, Profile};
use phase_router_kernel::{build_bits as build_bit_matrix, hash};

/// A left-aligned bit matrix whose row `r` has `onesPerRow[r]` ones.
#[napi(catch_unwind)]
pub fn build_bits(env: Env, ones_per_row: Uint32ArraySlice, n: f64) -> napi::Result<BigUint64Array> {
    let n = at_most(&env, count(&env, n, "n", 1)?, MAX_MATRIX_N, "n", "matrix buildBits makes")?;
    reserve::<u64>(&env, n * n.div_ceil(64), "n")?;
    build_bit_matrix(&ones_per_row, n).map(BigUint64Array::new).map_err(|e| input_error(&env, e))
}

/// `k` independent uniform picks in `0..n` for each of `n` rows.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn hash_route(env: Env, n: f64, k: f64, seed: BigInt) -> napi::Result<Routes> {
    let (n, k, seed) = (count(&env, n, "n", 1)?, count(&env, k, "k", 1)?, self::seed(&env, &seed)?);
    at_most(&env, n, MAX_ROWS, "n", "number of rows")?;
    output_fits(&env, n, k)?;
    int32(&env, hash::hash_route(n, n, k, seed))
}

/// `max(1, ceil(cap / sum(cap) * tokens * k * headroom))` per target.
#[napi(catch_unwind)]
pub fn make_hard_caps(
    env: Env,
    capacities: Float64ArraySlice,
    tokens: f64,
    k: f64,
    headroom: f64,
) -> napi::Result<Int32Array> {
    let (tokens, k) = (count(&env, tokens, "tokens", 0)?, count(&env, k, "k", 1)?);
    let headroom = finite(&env, headroom, "headroom")?;
    capacity::hard_caps(&capacities, tokens, k, headroom).map(Int32Array::new).map_err(|e| input_error(&env, e))
}

/// Routes after one first-come-first-served pass that drops slots over their target's cap.
#[napi(object)]
pub struct Enforced {
    /// A new array: the input routes with every dropped slot set to -1.
    pub routes: Int32Array,
    /// Slots that kept their target.
    pub kept: u32,
    /// Slots that had a target but found it full.
    pub dropped: u32,
}

/// Enforces hard caps on routes in row-major order.
#[napi(catch_unwind)]
pub fn enforce_capacity(env: Env, routes: Int32ArraySlice, k: f64, caps: Int32ArraySlice) -> napi::Result<Enforced> {
    let k = count(&env, k, "k", 1)?;
    let enforced = capacity::enforce_capacity(&routes, k, &caps).map_err(|e| input_error(&env, e))?;
    Ok(Enforced {
        routes: Int32Array::new(enforced.routes),
        kept: enforced.kept as u32,
        dropped: enforced.dropped as u32,
    })
}

/// Slots per target; -1 is ignored.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn compute_loads(env: Env, routes: Int32ArraySlice, n_targets: f64) -> napi::Result<Routes> {
    let targets = at_most(&env, count(&env, n_targets, "nTargets", 1)?, MAX_ROWS, "nTargets", "number of targets")?;
    int32(&env, capacity::target_loads(&routes, targets).map_err(|e| input_error(&env, e))?)
}

/// Share of slots that are not -1.
#[napi(catch_unwind)]
pub fn survival_rate(routes: Int32ArraySlice) -> f64 {
    capacity::survival_rate(&routes)
}

/// Capacities of `n` targets for a named profile, shuffled by the seed.
#[napi(catch_unwind)]
pub fn capacity_profile(env: Env, name: String, n: f64, seed: BigInt) -> napi::Result<Float64Array> {
    let (n, seed) = (count(&env, n, "n", 1)?, self::seed(&env, &seed)?);
    at_most(&env, n, MAX_ROWS, "n", "number of targets")?;
    let profile: Profile = name.parse().map_err(|e| input_error(&env, e))?;
    Ok(Float64Array::new(capacity::capacity_profile(profile, n, seed)))
}
