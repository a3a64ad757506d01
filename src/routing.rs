//! The four router entry points: sync calls borrow their inputs, async calls copy them.

use crate::args::{count, input_error, seed};
use crate::limits::{copy, reserve};
use crate::output::{int32, Routes};
use napi::bindgen_prelude::{AbortSignal, AsyncTask, BigInt, BigUint64ArraySlice, Int32Array, Uint32ArraySlice};
use napi::{Env, Error, Status, Task};
use napi_derive::napi;
use phase_router_kernel::{check_bit_call, check_shape, phase_route, phase_route_auto, BitMatrices, InputError};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Routes with the reference algorithm, reading both matrices and both
/// permutations in place; the result takes over the Rust buffer.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
#[allow(clippy::too_many_arguments)]
pub fn phase_router(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
) -> napi::Result<Routes> {
    let (n, k, seed) = (count(&env, n, "n", 1)?, count(&env, k, "k", 1)?, self::seed(&env, &seed)?);
    output_fits(&env, n, k)?;
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    int32(&env, phase_route(&matrices, k, &perm_s, &perm_t, seed).map_err(|e| input_error(&env, e))?)
}

/// Routes with permutations drawn from the seed, reading both matrices in place.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
pub fn phase_router_auto(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    seed: BigInt,
) -> napi::Result<Routes> {
    let (n, k, seed) = (count(&env, n, "n", 1)?, count(&env, k, "k", 1)?, self::seed(&env, &seed)?);
    output_fits(&env, n, k)?;
    let matrices = BitMatrices { s_bits: &s_bits, t_bits: &t_bits, n };
    int32(&env, phase_route_auto(&matrices, k, seed).map_err(|e| input_error(&env, e))?)
}

/// `phaseRouter` off the JavaScript thread: inputs are checked, then copied.
///
/// `abort` is an object napi-rs gives an `onabort` method; calling it cancels
/// the work if no libuv thread has picked it up yet (the promise then rejects
/// with an `AbortError`). The TypeScript layer passes a private relay object
/// here, never the caller's `AbortSignal`, because napi-rs wraps the object and
/// overwrites its `onabort` property, and inputs are never modified.
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
#[allow(clippy::too_many_arguments)]
pub fn phase_router_async(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    perm_s: Uint32ArraySlice,
    perm_t: Uint32ArraySlice,
    seed: BigInt,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let task = RouteTask::checked(&env, &s_bits, &t_bits, n, k, Some((&perm_s, &perm_t)), &seed)?;
    Ok(AsyncTask::with_optional_signal(task, abort))
}

/// `phaseRouterAuto` off the JavaScript thread: inputs are checked, then copied.
/// `abort` as for [`phase_router_async`].
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
pub fn phase_router_auto_async(
    env: Env,
    s_bits: BigUint64ArraySlice,
    t_bits: BigUint64ArraySlice,
    n: f64,
    k: f64,
    seed: BigInt,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let task = RouteTask::checked(&env, &s_bits, &t_bits, n, k, None, &seed)?;
    Ok(AsyncTask::with_optional_signal(task, abort))
}

/// One routing call that owns copies of its inputs, run on the libuv pool.
pub struct RouteTask {
    s_bits: Vec<u64>,
    t_bits: Vec<u64>,
    n: usize,
    k: usize,
    perms: Option<(Vec<u32>, Vec<u32>)>,
    seed: u64,
}

impl RouteTask {
    /// Checks every input on the JavaScript thread, so that a bad one throws
    /// before any copy or work, then copies the inputs (a RangeError, not an
    /// abort, if there is no memory for the copies or the output).
    fn checked(
        env: &Env,
        s_bits: &[u64],
        t_bits: &[u64],
        n: f64,
        k: f64,
        perms: Option<(&[u32], &[u32])>,
        seed: &BigInt,
    ) -> napi::Result<Self> {
        let (n, k, seed) = (count(env, n, "n", 1)?, count(env, k, "k", 1)?, self::seed(env, seed)?);
        let matrices = BitMatrices { s_bits, t_bits, n };
        check_bit_call(&matrices, k, perms).map_err(|e| input_error(env, e))?;
        output_fits(env, n, k)?;
        let perms = match perms {
            Some((perm_s, perm_t)) => Some((copy(env, perm_s, "permS")?, copy(env, perm_t, "permT")?)),
            None => None,
        };
        let (s_bits, t_bits) = (copy(env, s_bits, "sBits")?, copy(env, t_bits, "tBits")?);
        Ok(RouteTask { s_bits, t_bits, n, k, perms, seed })
    }

    fn route(&self) -> Result<Vec<i32>, InputError> {
        let matrices = BitMatrices { s_bits: &self.s_bits, t_bits: &self.t_bits, n: self.n };
        match &self.perms {
            Some((perm_s, perm_t)) => phase_route(&matrices, self.k, perm_s, perm_t, self.seed),
            None => phase_route_auto(&matrices, self.k, self.seed),
        }
    }
}

impl Task for RouteTask {
    type Output = Vec<i32>;
    type JsValue = Int32Array;

    fn compute(&mut self) -> napi::Result<Vec<i32>> {
        // A panic must never unwind into libuv: turn it into a rejected promise.
        catch_unwind(AssertUnwindSafe(|| self.route()))
            .map_err(|_| Error::new(Status::GenericFailure, "phase-router: internal error while routing"))?
            .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
    }

    fn resolve(&mut self, _env: Env, routes: Vec<i32>) -> napi::Result<Int32Array> {
        Ok(Int32Array::new(routes))
    }
}

/// Checks `n * k` against the kernel's cap, then that the output's memory can be had.
pub fn output_fits(env: &Env, n: usize, k: usize) -> napi::Result<()> {
    check_shape(n, k).map_err(|e| input_error(env, e))?;
    reserve::<i32>(env, n * k, "k")
}
