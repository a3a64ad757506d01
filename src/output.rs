//! Where results are written: an `Int32Array` in V8's own heap, or the caller's.
//!
//! The kernel writes straight into the array the caller gets back, so a result
//! is never copied. The memory comes from V8 (not a Rust `Vec` handed over as
//! an external buffer) because V8 frees its own buffers in an ordinary
//! collection, while external ones wait for the event loop to turn: a
//! synchronous loop of a million small calls would otherwise keep every result
//! alive until it ends (measured: +800 MiB at n=64).

use crate::args::range_error;
use napi::bindgen_prelude::{Either, FromNapiValue, Int32Array, Int32ArraySlice};
use napi::{sys, Env};
use std::ptr;

/// The array a router writes into: the caller's `out` when given (its length
/// must be `slots` and it must not share memory with any input), otherwise a
/// new zero-filled `Int32Array` of `slots` values in V8's heap.
pub fn routes_array<'env>(
    env: &'env Env,
    out: Option<Int32ArraySlice<'env>>,
    slots: usize,
    inputs: &[&[u8]],
) -> napi::Result<Int32ArraySlice<'env>> {
    match out {
        Some(out) => {
            if out.len() != slots {
                return Err(range_error(env, &format!("options.out: length {} does not match {slots} slots", out.len())));
            }
            if inputs.iter().any(|input| overlaps(as_bytes(&out), input)) {
                return Err(range_error(env, "options.out: must not share memory with an input"));
            }
            Ok(out)
        }
        None => new_int32_array(env, slots),
    }
}

/// A typed array's memory as bytes, to compare address ranges.
pub fn as_bytes<T>(values: &[T]) -> &[u8] {
    // Plain numbers only: any bit pattern is a valid u8.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) }
}

fn overlaps(a: &[u8], b: &[u8]) -> bool {
    let (a_start, b_start) = (a.as_ptr() as usize, b.as_ptr() as usize);
    !a.is_empty() && !b.is_empty() && a_start < b_start + b.len() && b_start < a_start + a.len()
}

/// A zero-filled `Int32Array` of `len` values allocated by V8; a `RangeError`
/// (never an abort) when V8 cannot allocate it.
fn new_int32_array(env: &Env, len: usize) -> napi::Result<Int32ArraySlice<'_>> {
    let raw = env.raw();
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut array = ptr::null_mut();
    let created = unsafe {
        sys::napi_create_arraybuffer(raw, len * 4, &mut data, &mut buffer) == sys::Status::napi_ok
            && sys::napi_create_typedarray(raw, sys::TypedarrayType::int32_array, len, buffer, 0, &mut array)
                == sys::Status::napi_ok
    };
    if !created {
        // V8 may have left its own RangeError pending; ours names the output.
        let mut pending = ptr::null_mut();
        unsafe { sys::napi_get_and_clear_last_exception(raw, &mut pending) };
        return Err(range_error(env, &format!("not enough memory for {} MiB of routes", (len * 4).div_ceil(1 << 20))));
    }
    unsafe { Int32ArraySlice::from_napi_value(raw, array) }
}

/// Results of helpers that compute into a `Vec` (hashing and
/// loads): copied into V8's heap when small, for the reason above; past
/// `COPY_LIMIT_BYTES` the copy's transient doubling of memory costs more than
/// it saves (such calls are too slow to sit in tight loops), so big results
/// keep the Rust buffer as an external one.
pub type Routes = Either<Int32ArraySlice<'static>, Int32Array>;

/// Results up to this size are copied into V8's heap (16M slots).
const COPY_LIMIT_BYTES: usize = 64 << 20;

/// Turns a computed result into the JavaScript array described on [`Routes`].
pub fn int32(env: &Env, values: Vec<i32>) -> napi::Result<Routes> {
    if std::mem::size_of_val(values.as_slice()) <= COPY_LIMIT_BYTES {
        Int32ArraySlice::copy_from(env, &values).map(Either::A)
    } else {
        Ok(Either::B(Int32Array::new(values)))
    }
}
