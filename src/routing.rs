//! The router exports. Each builds its call's one checked request
//! ([`crate::calls`]); the sync form routes it straight into the array it
//! returns (or the caller's `out`), reading every input in place, and the
//! async form queues what the libuv pool needs of it.
#![allow(
    clippy::too_many_arguments,
    reason = "each export takes its JavaScript arguments positionally, as ts/index.ts passes them"
)]

use crate::calls::{BatchArgs, BatchCall, BitArgs, BitCall, DegreeArgs, DegreeCall};
use crate::output::write_routes;
use crate::task::{queue, RouteTask};
use napi::bindgen_prelude::{
    AbortSignal, AsyncTask, BigInt, BigUint64ArraySlice, Float64ArraySlice, Int32ArraySlice, Uint32ArraySlice,
};
use napi::Env;
use napi_derive::napi;

/// Routes bit matrices with the given permutations.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn phase_router<'env>(
    env: &'env Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
    mode: Option<String>,
    out: Option<Int32ArraySlice<'env>>,
) -> napi::Result<Int32ArraySlice<'env>> {
    let (seed, mode, perms) = (&seed, mode.as_deref(), Some((&perm_s[..], &perm_t[..])));
    let call = BitCall::parse(env, BitArgs { s_bits: &s_bits, t_bits: &t_bits, n, k, perms, seed, mode })?;
    write_routes(env, out, call.slots(), &call.inputs(), |routes| call.route_into(routes))
}

/// Routes bit matrices with permutations drawn from the seed.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn phase_router_auto<'env>(
    env: &'env Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    seed: BigInt,
    mode: Option<String>,
    out: Option<Int32ArraySlice<'env>>,
) -> napi::Result<Int32ArraySlice<'env>> {
    let (seed, mode) = (&seed, mode.as_deref());
    let call = BitCall::parse(env, BitArgs { s_bits: &s_bits, t_bits: &t_bits, n, k, perms: None, seed, mode })?;
    write_routes(env, out, call.slots(), &call.inputs(), |routes| call.route_into(routes))
}

/// Routes from per-row counts: `m = sDegrees.length` sources, `n = tDegrees.length` targets.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn phase_router_degrees<'env>(
    env: &'env Env,
    s_degrees: Uint32ArraySlice,
    t_degrees: Uint32ArraySlice,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
    mode: Option<String>,
    out: Option<Int32ArraySlice<'env>>,
) -> napi::Result<Int32ArraySlice<'env>> {
    let (seed, mode, perms) = (&seed, mode.as_deref(), (&perm_s[..], &perm_t[..]));
    let call =
        DegreeCall::parse(env, DegreeArgs { s_degrees: &s_degrees, t_degrees: &t_degrees, k, perms, seed, mode })?;
    write_routes(env, out, call.slots(), &call.inputs(), |routes| call.route_into(routes))
}

/// Routes a batch of `sources` to `targets` from weights and capacities with a
/// named strategy (`route` in the public API).
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn route_batch<'env>(
    env: &'env Env,
    sources: f64,
    targets: f64,
    source_weights: Option<Float64ArraySlice>,
    target_capacities: Option<Float64ArraySlice>,
    k: f64,
    density: f64,
    seed: BigInt,
    strategy: String,
) -> napi::Result<Int32ArraySlice<'env>> {
    let (source_weights, target_capacities) = (source_weights.as_deref(), target_capacities.as_deref());
    let args =
        BatchArgs { sources, targets, source_weights, target_capacities, k, density, seed: &seed, strategy: &strategy };
    let call = BatchCall::parse(env, args)?;
    write_routes(env, None, call.slots(), &[], |routes| call.route_into(routes))
}

/// `phaseRouter` on the libuv pool: checks everything, then queues the row
/// degrees and copies of the permutations (never the matrices).
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
pub fn phase_router_async(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
    mode: Option<String>,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let (seed, mode, perms) = (&seed, mode.as_deref(), Some((&perm_s[..], &perm_t[..])));
    let call = BitCall::parse(&env, BitArgs { s_bits: &s_bits, t_bits: &t_bits, n, k, perms, seed, mode })?;
    Ok(queue(call.into_work(&env)?, abort))
}

/// `phaseRouterAuto` on the libuv pool: checks everything, then queues the
/// row degrees; the permutations are drawn on the pool.
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
pub fn phase_router_auto_async(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    seed: BigInt,
    mode: Option<String>,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let (seed, mode) = (&seed, mode.as_deref());
    let call = BitCall::parse(&env, BitArgs { s_bits: &s_bits, t_bits: &t_bits, n, k, perms: None, seed, mode })?;
    Ok(queue(call.into_work(&env)?, abort))
}

/// `phaseRouterDegrees` on the libuv pool: checks everything, then queues copies of the inputs.
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
pub fn phase_router_degrees_async(
    env: Env,
    s_degrees: Uint32ArraySlice,
    t_degrees: Uint32ArraySlice,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
    mode: Option<String>,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let (seed, mode, perms) = (&seed, mode.as_deref(), (&perm_s[..], &perm_t[..]));
    let call =
        DegreeCall::parse(&env, DegreeArgs { s_degrees: &s_degrees, t_degrees: &t_degrees, k, perms, seed, mode })?;
    Ok(queue(call.into_work(&env)?, abort))
}

/// `routeBatch` on the libuv pool (`routeAsync` in the public API): checks
/// everything, then queues copies of the weights and capacities.
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
pub fn route_batch_async(
    env: Env,
    sources: f64,
    targets: f64,
    source_weights: Option<Float64ArraySlice>,
    target_capacities: Option<Float64ArraySlice>,
    k: f64,
    density: f64,
    seed: BigInt,
    strategy: String,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let (source_weights, target_capacities) = (source_weights.as_deref(), target_capacities.as_deref());
    let args =
        BatchArgs { sources, targets, source_weights, target_capacities, k, density, seed: &seed, strategy: &strategy };
    let call = BatchCall::parse(&env, args)?;
    Ok(queue(call.into_work(&env)?, abort))
}
