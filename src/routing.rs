//! The router entry points. Sync calls borrow their inputs and write straight
//! into the array they return (or the caller's `out`); async calls copy their
//! inputs and compute on the libuv pool.

use crate::args::{count, input_error, range_error, seed};
use crate::limits::{copy, reserve};
use crate::output::{as_bytes, routes_array};
use napi::bindgen_prelude::{AbortSignal, AsyncTask, BigInt, BigUint64ArraySlice, Int32Array, Int32ArraySlice, Uint32ArraySlice};
use napi::{Env, Error, Status, Task};
use napi_derive::napi;
use phase_router_kernel::{check_bit_call, check_shape, phase_route_with, phase_route_with_into, route_degrees_into, BitMatrices, InputError, Mode};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Routes bit matrices with the given permutations, reading every input in place.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
#[allow(clippy::too_many_arguments)]
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
    let perms = Some((&perm_s[..], &perm_t[..]));
    route_bits(env, &s_bits, &t_bits, n, k, perms, &seed, mode, out, &[as_bytes(&perm_s), as_bytes(&perm_t)])
}

/// Routes bit matrices with permutations drawn from the seed, reading both in place.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
#[allow(clippy::too_many_arguments)]
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
    route_bits(env, &s_bits, &t_bits, n, k, None, &seed, mode, out, &[])
}

/// Routes from per-row counts: `m = sDegrees.length` sources, `n = tDegrees.length` targets.
#[napi(catch_unwind, ts_return_type = "Int32Array")]
#[allow(clippy::too_many_arguments)]
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
    let (k, seed, mode) = (count(env, k, "k", 1)?, self::seed(env, &seed)?, self::mode(env, mode)?);
    check_shape(s_degrees.len(), k).map_err(|e| input_error(env, e))?;
    let inputs = [as_bytes(&s_degrees), as_bytes(&t_degrees), as_bytes(&perm_s), as_bytes(&perm_t)];
    let mut routes = routes_array(env, out, s_degrees.len() * k, &inputs)?;
    let written = unsafe { routes.as_mut() };
    route_degrees_into(&s_degrees, &t_degrees, k, &perm_s, &perm_t, seed, mode, written).map_err(|e| input_error(env, e))?;
    Ok(routes)
}

/// The body of both sync bit-matrix routers: checks, then writes into the result.
#[allow(clippy::too_many_arguments)]
fn route_bits<'env>(
    env: &'env Env,
    s_bits: &[u64],
    t_bits: &[u64],
    n: f64,
    k: f64,
    perms: Option<(&[u32], &[u32])>,
    seed: &BigInt,
    mode: Option<String>,
    out: Option<Int32ArraySlice<'env>>,
    other_inputs: &[&[u8]],
) -> napi::Result<Int32ArraySlice<'env>> {
    let (n, k, seed, mode) = (count(env, n, "n", 1)?, count(env, k, "k", 1)?, self::seed(env, seed)?, self::mode(env, mode)?);
    let matrices = BitMatrices { s_bits, t_bits, n };
    check_bit_call(&matrices, k, perms).map_err(|e| input_error(env, e))?;
    let inputs: Vec<&[u8]> = [as_bytes(s_bits), as_bytes(t_bits)].into_iter().chain(other_inputs.iter().copied()).collect();
    let mut routes = routes_array(env, out, n * k, &inputs)?;
    let written = unsafe { routes.as_mut() };
    phase_route_with_into(&matrices, k, perms, seed, mode, written).map_err(|e| input_error(env, e))?;
    Ok(routes)
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
    mode: Option<String>,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<RouteTask>> {
    let task = RouteTask::checked(&env, &s_bits, &t_bits, n, k, Some((&perm_s, &perm_t)), &seed, mode)?;
    Ok(AsyncTask::with_optional_signal(task, abort))
}

/// `phaseRouterAuto` off the JavaScript thread: inputs are checked, then copied.
/// `abort` as for [`phase_router_async`].
#[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
#[allow(clippy::too_many_arguments)]
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
    let task = RouteTask::checked(&env, &s_bits, &t_bits, n, k, None, &seed, mode)?;
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
    mode: Mode,
}

impl RouteTask {
    /// Checks every input on the JavaScript thread, so that a bad one throws
    /// before any copy or work, then copies the inputs (a RangeError, not an
    /// abort, if there is no memory for the copies or the output).
    #[allow(clippy::too_many_arguments)]
    fn checked(
        env: &Env,
        s_bits: &[u64],
        t_bits: &[u64],
        n: f64,
        k: f64,
        perms: Option<(&[u32], &[u32])>,
        seed: &BigInt,
        mode: Option<String>,
    ) -> napi::Result<Self> {
        let (n, k, seed, mode) = (count(env, n, "n", 1)?, count(env, k, "k", 1)?, self::seed(env, seed)?, self::mode(env, mode)?);
        let matrices = BitMatrices { s_bits, t_bits, n };
        check_bit_call(&matrices, k, perms).map_err(|e| input_error(env, e))?;
        output_fits(env, n, k)?;
        let perms = match perms {
            Some((perm_s, perm_t)) => Some((copy(env, perm_s, "permS")?, copy(env, perm_t, "permT")?)),
            None => None,
        };
        let (s_bits, t_bits) = (copy(env, s_bits, "sBits")?, copy(env, t_bits, "tBits")?);
        Ok(RouteTask { s_bits, t_bits, n, k, perms, seed, mode })
    }

    fn route(&self) -> Result<Vec<i32>, InputError> {
        let matrices = BitMatrices { s_bits: &self.s_bits, t_bits: &self.t_bits, n: self.n };
        let perms = self.perms.as_ref().map(|(s, t)| (s.as_slice(), t.as_slice()));
        phase_route_with(&matrices, self.k, perms, self.seed, self.mode)
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

/// `'reference'` (the default) or `'fast'`.
fn mode(env: &Env, name: Option<String>) -> napi::Result<Mode> {
    match name.as_deref() {
        None | Some("reference") => Ok(Mode::Reference),
        Some("fast") => Ok(Mode::Fast),
        Some(other) => Err(range_error(env, &format!("options.mode: '{other}' is not 'reference' or 'fast'"))),
    }
}

/// Checks `n * k` against the kernel's cap, then that the output's memory can be had.
pub fn output_fits(env: &Env, n: usize, k: usize) -> napi::Result<()> {
    check_shape(n, k).map_err(|e| input_error(env, e))?;
    reserve::<i32>(env, n * k, "k")
}
