//! Keyed routing (`KeyedRouter`): the binding of `phase_router_kernel::keyed`.
//!
//! The TypeScript layer (ts/keyed.ts) checks types and passes string keys as
//! one UTF-16 string with each key's length, so that a batch of a million
//! keys crosses into Rust in one call instead of a million.

use crate::args::{count, input_error, range_error, seed};
use crate::key_utf8::KeyUtf8;
use crate::limits::{copy, reserve};
use crate::output::write_routes;
use crate::text::{self, JsText};
use napi::bindgen_prelude::{
    AbortSignal, AsyncTask, BigInt, BigUint64ArraySlice, Float64ArraySlice, Int32Array, Int32ArraySlice,
    Uint32ArraySlice, Utf16String,
};
use napi::{Env, Error, Status, Task};
use napi_derive::napi;
use phase_router_kernel::keyed::{self, Layout, Method};
use phase_router_kernel::InputError;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// A built keyed router; immutable, shared with the async tasks that use it.
#[napi]
pub struct NativeKeyedRouter {
    layout: Arc<Layout>,
}

/// Builds a router: `ids` and `capacities` (same length), seed, method
/// (`'table'` when absent), and for the table optional pinned `slots` / `bound`.
#[napi(catch_unwind)]
pub fn keyed_router(
    env: Env,
    #[napi(ts_arg_type = "Array<string>")] ids: Vec<JsText>,
    capacities: Float64ArraySlice,
    seed: BigInt,
    slots: Option<f64>,
    bound: Option<f64>,
    #[napi(ts_arg_type = "'table' | 'rendezvous'")] method: Option<String>,
) -> napi::Result<NativeKeyedRouter> {
    let seed = self::seed(&env, &seed)?;
    let method: Method = method.as_deref().unwrap_or("table").parse().map_err(|e| input_error(&env, e))?;
    let slots = match slots {
        Some(s) if s.fract() == 0.0 && s >= 0.0 && s <= u64::MAX as f64 => Some(s as u64),
        Some(s) => return Err(range_error(&env, &format!("options.slots: {s} is not a power of two in [2, 2^31]"))),
        None => None,
    };
    let ids = ids.into_iter().map(text::into_string).collect();
    let layout = Layout::build(ids, &capacities, seed, method, slots, bound).map_err(|e| input_error(&env, e))?;
    Ok(NativeKeyedRouter { layout: Arc::new(layout) })
}

/// Keys of a call: pre-hashed, or UTF-16 units cut by lengths.
enum Keys {
    Hashes(Vec<u64>),
    Utf16(Vec<u16>, Vec<u32>),
}

impl Keys {
    fn hashes(self, seed: u64) -> Result<Vec<u64>, InputError> {
        match self {
            Keys::Hashes(h) => Ok(h),
            Keys::Utf16(units, lengths) => keyed::hash_utf16_keys(&units, &lengths, seed),
        }
    }
}

/// Checks that string lengths add up to the joined string, before any work.
fn check_lengths(env: &Env, units: &[u16], lengths: &[u32]) -> napi::Result<()> {
    let total: u64 = lengths.iter().map(|&l| l as u64).sum();
    if total != units.len() as u64 {
        return Err(range_error(env, &format!("keys: lengths add up to {total}, not {}", units.len())));
    }
    Ok(())
}

#[napi]
impl NativeKeyedRouter {
    /// Cells of the lookup table (0 for rendezvous).
    #[napi(getter)]
    pub fn slots(&self) -> f64 {
        self.layout.slots() as f64
    }

    /// The capacity one cell holds (0 for rendezvous).
    #[napi(getter)]
    pub fn bound(&self) -> f64 {
        self.layout.bound()
    }

    /// Mean trials per first choice (for rendezvous, the targets scored: all of them).
    #[napi(getter)]
    pub fn mean_trials(&self) -> f64 {
        self.layout.mean_trials()
    }

    /// `k` preferences of each pre-hashed key, read in place.
    #[napi(catch_unwind, ts_return_type = "Int32Array")]
    pub fn lookup_hashes<'env>(
        &self,
        env: &'env Env,
        hashes: BigUint64ArraySlice,
        k: f64,
    ) -> napi::Result<Int32ArraySlice<'env>> {
        let k = self.k(env, hashes.len(), k)?;
        write_routes(env, None, hashes.len() * k, &[], |out| {
            keyed::lookup_hashes_into(&self.layout, &hashes, k, out);
            Ok(())
        })
    }

    /// `k` preferences of each string key: `joined` is the keys end to end, `lengths` their UTF-16 lengths.
    #[napi(catch_unwind, ts_return_type = "Int32Array")]
    pub fn lookup_strings<'env>(
        &self,
        env: &'env Env,
        joined: Utf16String,
        lengths: Uint32ArraySlice,
        k: f64,
    ) -> napi::Result<Int32ArraySlice<'env>> {
        let k = self.k(env, lengths.len(), k)?;
        check_lengths(env, &joined, &lengths)?;
        reserve::<u64>(env, lengths.len(), "keys")?;
        let hashes = keyed::hash_utf16_keys(&joined, &lengths, self.layout.seed()).map_err(|e| input_error(env, e))?;
        write_routes(env, None, hashes.len() * k, &[], |out| {
            keyed::lookup_hashes_into(&self.layout, &hashes, k, out);
            Ok(())
        })
    }

    /// The first preference of one string key.
    #[napi(catch_unwind)]
    pub fn first_of(&self, #[napi(ts_arg_type = "string")] key: JsText) -> i32 {
        let mut row = [0i32; 1];
        let x = keyed::hash_str(text::into_string(key).as_bytes(), self.layout.seed());
        keyed::preferences_into(&self.layout, x, &mut row, |_| false);
        row[0]
    }

    /// The first preference of one pre-hashed key.
    #[napi(catch_unwind)]
    pub fn first_of_hash(&self, env: Env, hash: BigInt) -> napi::Result<i32> {
        let x = seed_like(&env, &hash, "key")?;
        let mut row = [0i32; 1];
        keyed::preferences_into(&self.layout, x, &mut row, |_| false);
        Ok(row[0])
    }

    /// `k` preferences of one string key.
    #[napi(catch_unwind, ts_return_type = "Int32Array")]
    pub fn preferences_of<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] key: JsText,
        k: f64,
    ) -> napi::Result<Int32ArraySlice<'env>> {
        let x = keyed::hash_str(text::into_string(key).as_bytes(), self.layout.seed());
        self.preferences(env, x, k)
    }

    /// `k` preferences of one pre-hashed key.
    #[napi(catch_unwind, ts_return_type = "Int32Array")]
    pub fn preferences_of_hash<'env>(
        &self,
        env: &'env Env,
        hash: BigInt,
        k: f64,
    ) -> napi::Result<Int32ArraySlice<'env>> {
        let x = seed_like(env, &hash, "key")?;
        self.preferences(env, x, k)
    }

    /// Bounded-load assignment of pre-hashed keys.
    #[napi(catch_unwind)]
    pub fn assign_hashes(
        &self,
        env: Env,
        hashes: BigUint64ArraySlice,
        k: f64,
        load_factor: f64,
    ) -> napi::Result<Int32Array> {
        let k = self.k(&env, hashes.len(), k)?;
        check_load_factor(&env, load_factor)?;
        reserve::<i32>(&env, hashes.len() * k, "k")?;
        let out = keyed::assign(&self.layout, &hashes, k, load_factor).map_err(|e| input_error(&env, e))?;
        Ok(Int32Array::new(out))
    }

    /// Bounded-load assignment of string keys (`joined` / `lengths` as for `lookupStrings`).
    #[napi(catch_unwind)]
    pub fn assign_strings(
        &self,
        env: Env,
        joined: Utf16String,
        lengths: Uint32ArraySlice,
        k: f64,
        load_factor: f64,
    ) -> napi::Result<Int32Array> {
        let k = self.k(&env, lengths.len(), k)?;
        check_lengths(&env, &joined, &lengths)?;
        check_load_factor(&env, load_factor)?;
        reserve::<i32>(&env, lengths.len() * k, "k")?;
        reserve::<u64>(&env, lengths.len(), "keys")?;
        let hashes = keyed::hash_utf16_keys(&joined, &lengths, self.layout.seed()).map_err(|e| input_error(&env, e))?;
        let out = keyed::assign(&self.layout, &hashes, k, load_factor).map_err(|e| input_error(&env, e))?;
        Ok(Int32Array::new(out))
    }

    /// Keys (pre-hashed with this router's seed) whose `k` target ids differ under `other`.
    #[napi(catch_unwind)]
    pub fn moved_hashes(
        &self,
        env: Env,
        other: &NativeKeyedRouter,
        hashes: BigUint64ArraySlice,
        k: f64,
    ) -> napi::Result<f64> {
        let k = count(&env, k, "k", 1)?;
        keyed::moved(&self.layout, &other.layout, &hashes, k).map(|n| n as f64).map_err(|e| input_error(&env, e))
    }

    /// String keys whose `k` target ids differ under `other` (same seed).
    #[napi(catch_unwind)]
    pub fn moved_strings(
        &self,
        env: Env,
        other: &NativeKeyedRouter,
        joined: Utf16String,
        lengths: Uint32ArraySlice,
        k: f64,
    ) -> napi::Result<f64> {
        let k = count(&env, k, "k", 1)?;
        check_lengths(&env, &joined, &lengths)?;
        let hashes = keyed::hash_utf16_keys(&joined, &lengths, self.layout.seed()).map_err(|e| input_error(&env, e))?;
        keyed::moved(&self.layout, &other.layout, &hashes, k).map(|n| n as f64).map_err(|e| input_error(&env, e))
    }

    /// Hashes of string keys with this router's seed (for `movedKeys` and tests).
    #[napi(catch_unwind)]
    pub fn hash_strings(&self, env: Env, joined: Utf16String, lengths: Uint32ArraySlice) -> napi::Result<Vec<BigInt>> {
        check_lengths(&env, &joined, &lengths)?;
        let hashes = keyed::hash_utf16_keys(&joined, &lengths, self.layout.seed()).map_err(|e| input_error(&env, e))?;
        Ok(hashes.into_iter().map(BigInt::from).collect())
    }

    /// `lookupHashes` / `lookupStrings` / `assign*` off the JavaScript thread.
    /// `hashes` is used when `joined` is absent; `load_factor` makes it an assignment.
    #[napi(catch_unwind, ts_return_type = "Promise<Int32Array>")]
    #[allow(clippy::too_many_arguments)]
    pub fn run_async(
        &self,
        env: Env,
        hashes: Option<BigUint64ArraySlice>,
        joined: Option<Utf16String>,
        lengths: Option<Uint32ArraySlice>,
        k: f64,
        load_factor: Option<f64>,
        abort: Option<AbortSignal>,
    ) -> napi::Result<AsyncTask<KeyedTask>> {
        let keys = match (hashes, joined, lengths) {
            (_, Some(joined), Some(lengths)) => {
                check_lengths(&env, &joined, &lengths)?;
                self.k(&env, lengths.len(), k)?;
                Keys::Utf16(joined.to_vec(), copy(&env, &lengths, "keys")?)
            }
            (Some(hashes), _, _) => {
                self.k(&env, hashes.len(), k)?;
                Keys::Hashes(copy(&env, &hashes, "keys")?)
            }
            _ => return Err(range_error(&env, "keys: expected a string array or a BigUint64Array")),
        };
        if let Some(lf) = load_factor {
            check_load_factor(&env, lf)?;
        }
        let k = count(&env, k, "k", 1)?;
        let keys_len = match &keys {
            Keys::Hashes(h) => h.len(),
            Keys::Utf16(_, l) => l.len(),
        };
        reserve::<i32>(&env, keys_len * k, "k")?;
        let task = KeyedTask { layout: Arc::clone(&self.layout), keys: Some(keys), k, load_factor };
        Ok(AsyncTask::with_optional_signal(task, abort))
    }
}

impl NativeKeyedRouter {
    fn k(&self, env: &Env, keys: usize, k: f64) -> napi::Result<usize> {
        let k = count(env, k, "k", 1)?;
        keyed::check_k(&self.layout, keys, k).map_err(|e| input_error(env, e))?;
        Ok(k)
    }

    fn preferences<'env>(&self, env: &'env Env, x: u64, k: f64) -> napi::Result<Int32ArraySlice<'env>> {
        let k = self.k(env, 1, k)?;
        write_routes(env, None, k, &[], |out| {
            keyed::preferences_into(&self.layout, x, out, |_| false);
            Ok(())
        })
    }
}

fn check_load_factor(env: &Env, load_factor: f64) -> napi::Result<()> {
    if load_factor.is_finite() && load_factor >= 1.0 {
        Ok(())
    } else {
        Err(range_error(env, &format!("options.loadFactor: {load_factor} is not a finite number >= 1")))
    }
}

/// A `bigint` in `[0, 2^64)`, named `name` in the error.
fn seed_like(env: &Env, value: &BigInt, name: &str) -> napi::Result<u64> {
    let in_range = !value.sign_bit && value.words.iter().skip(1).all(|&w| w == 0);
    if !in_range {
        return Err(range_error(env, &format!("{name}: must be in [0, 2^64)")));
    }
    Ok(value.words.first().copied().unwrap_or(0))
}

/// One async keyed call, owning copies of its keys.
pub struct KeyedTask {
    layout: Arc<Layout>,
    keys: Option<Keys>,
    k: usize,
    load_factor: Option<f64>,
}

impl KeyedTask {
    fn run(&mut self) -> Result<Vec<i32>, InputError> {
        let hashes = self.keys.take().map_or(Ok(Vec::new()), |keys| keys.hashes(self.layout.seed()))?;
        match self.load_factor {
            Some(lf) => keyed::assign(&self.layout, &hashes, self.k, lf),
            None => {
                let mut out = vec![0; hashes.len() * self.k];
                keyed::lookup_hashes_into(&self.layout, &hashes, self.k, &mut out);
                Ok(out)
            }
        }
    }
}

impl Task for KeyedTask {
    type Output = Vec<i32>;
    type JsValue = Int32Array;

    fn compute(&mut self) -> napi::Result<Vec<i32>> {
        // A panic must never unwind into libuv: turn it into a rejected promise.
        catch_unwind(AssertUnwindSafe(|| self.run()))
            .map_err(|_| Error::new(Status::GenericFailure, "phase-router: internal error in a keyed call"))?
            .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
    }

    fn resolve(&mut self, _env: Env, routes: Vec<i32>) -> napi::Result<Int32Array> {
        Ok(Int32Array::new(routes))
    }
}

/// The first preference of one string key, the router passed as an external
/// handle and the key read onto the stack: the path of `pick` and of
/// `lookupOne(key)`, about half the call cost of a method on this class.
#[napi(catch_unwind)]
pub fn keyed_first_ext(
    #[napi(ts_arg_type = "ExternalObject<unknown>")] router: &napi::bindgen_prelude::External<Arc<Layout>>,
    #[napi(ts_arg_type = "string")] key: KeyUtf8,
) -> i32 {
    let mut row = [0i32; 1];
    keyed::preferences_into(router, keyed::hash_str(key.bytes(), router.seed()), &mut row, |_| false);
    row[0]
}

/// An external handle on a router, for [`keyed_first_ext`].
#[napi(catch_unwind, ts_return_type = "ExternalObject<unknown>")]
pub fn keyed_handle(router: &NativeKeyedRouter) -> napi::bindgen_prelude::External<Arc<Layout>> {
    napi::bindgen_prelude::External::new(Arc::clone(&router.layout))
}

/// `out.length` preferences of one string key through an external handle,
/// into `out` (`lookupOne`'s path: an array made in JavaScript is cheaper).
#[napi(catch_unwind)]
pub fn keyed_preferences_ext<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<unknown>")] router: &napi::bindgen_prelude::External<Arc<Layout>>,
    #[napi(ts_arg_type = "string")] key: KeyUtf8,
    out: Int32ArraySlice<'env>,
) -> napi::Result<()> {
    let slots = out.len();
    keyed::check_k(router, 1, slots).map_err(|e| input_error(env, e))?;
    let x = keyed::hash_str(key.bytes(), router.seed());
    write_routes(env, Some(out), slots, &[], |out| {
        keyed::preferences_into(router, x, out, |_| false);
        Ok(())
    })
    .map(|_| ())
}
