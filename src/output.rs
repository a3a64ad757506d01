//! Where results are written: an `Int32Array` in V8's own heap, or the caller's.
//!
//! The kernel writes straight into the array the caller gets back, so a result
//! is never copied. The memory comes from V8 (not a Rust `Vec` handed over as
//! an external buffer) because V8 frees its own buffers in an ordinary
//! collection, while external ones wait for the event loop to turn: a
//! synchronous loop of a million small calls would otherwise keep every result
//! alive until it ends (measured: +800 MiB at n=64).
//!
//! [`write_routes`] is the binding's one write into memory JavaScript can see.

use crate::args::{input_error, range_error};
use napi::bindgen_prelude::{Either, FromNapiValue, Int32Array, Int32ArraySlice};
use napi::{sys, Env};
use phase_router_kernel::InputError;
use std::ops::Range;
use std::ptr;

/// The address range of one input's memory, to tell whether `out` overlaps it.
pub type Span = Range<usize>;

/// The address range of a typed array's memory.
pub fn span<T>(values: &[T]) -> Span {
    let range = values.as_ptr_range();
    range.start as usize..range.end as usize
}

/// Routes a sync call into the caller's `out` when given, otherwise into a new
/// zero-filled `Int32Array` of `slots` values in V8's heap, and returns that
/// array. `write` gets its memory; an error it returns becomes a `RangeError`.
///
/// `out` must hold exactly `slots` values and share no memory with `inputs`
/// (the address ranges of every array the call reads).
pub fn write_routes<'env>(
    env: &'env Env,
    out: Option<Int32ArraySlice<'env>>,
    slots: usize,
    inputs: &[Span],
    write: impl FnOnce(&mut [i32]) -> Result<(), InputError>,
) -> napi::Result<Int32ArraySlice<'env>> {
    let mut routes = match out {
        Some(out) => checked_out(env, out, slots, inputs)?,
        None => new_int32_array(env, slots)?,
    };
    // SAFETY: `as_mut` is unsound only if something else reads or writes the
    // array's memory while the slice lives. JavaScript cannot run: this is a
    // synchronous call on the JavaScript thread and the slice is dropped
    // before it returns. No Rust reference aliases it: a new array is ours
    // alone, and the caller's `out` was just checked to share no byte with
    // any input the kernel reads during `write` (and with no JavaScript
    // running, nothing can detach or resize either).
    let memory = unsafe { routes.as_mut() };
    write(memory).map_err(|e| input_error(env, e))?;
    publish(env, &routes, std::mem::size_of_val(&routes[..]))?;
    Ok(routes)
}

/// Makes the values just written into a typed array visible to JavaScript.
/// Natively the slice is the array's own memory, so there is nothing to do.
#[cfg(not(target_family = "wasm"))]
pub fn publish<'env, A: napi::JsValue<'env>>(_env: &Env, _array: &A, _bytes: usize) -> napi::Result<()> {
    Ok(())
}

/// Under WebAssembly (emnapi) the slice is a copy of the array in wasm
/// memory, made when the array was created or read, so the `bytes` written
/// there must be copied back into the JavaScript array.
#[cfg(target_family = "wasm")]
pub fn publish<'env, A: napi::JsValue<'env>>(env: &Env, array: &A, bytes: usize) -> napi::Result<()> {
    // emnapi throws for an empty array (it has no wasm address), and there is nothing to copy.
    if bytes == 0 {
        return Ok(());
    }
    let mut array = array.value().value;
    // SAFETY: `array` is a live handle to the typed array in this call's
    // environment, on its thread; emnapi only reads the handle and may
    // replace it with a handle to the same array.
    let status = unsafe { emnapi::emnapi_sync_memory(env.raw(), false, &mut array, 0, bytes) };
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(napi::Status::GenericFailure, "could not copy a result out of wasm memory"))
    }
}

/// emnapi's own call (include/node/emnapi.h), which napi-rs does not export.
#[cfg(target_family = "wasm")]
mod emnapi {
    use napi::sys;

    extern "C" {
        /// Copies `length` bytes from `byte_offset` of an ArrayBuffer or view
        /// between its JavaScript memory and its wasm copy: into wasm when
        /// `js_to_wasm`, out of it otherwise.
        pub fn emnapi_sync_memory(
            env: sys::napi_env,
            js_to_wasm: bool,
            arraybuffer_or_view: *mut sys::napi_value,
            byte_offset: usize,
            length: usize,
        ) -> sys::napi_status;
    }
}

/// The caller's `out`, once its length and its distance from every input are checked.
fn checked_out<'env>(
    env: &Env,
    out: Int32ArraySlice<'env>,
    slots: usize,
    inputs: &[Span],
) -> napi::Result<Int32ArraySlice<'env>> {
    if out.len() != slots {
        let message = format!("options.out: length {} does not match {slots} slots", out.len());
        return Err(range_error(env, &message));
    }
    let target = span(&out);
    if inputs.iter().any(|input| overlaps(&target, input)) {
        return Err(range_error(env, "options.out: must not share memory with an input"));
    }
    Ok(out)
}

/// Whether two address ranges share a byte.
pub fn overlaps(a: &Span, b: &Span) -> bool {
    !a.is_empty() && !b.is_empty() && a.start < b.end && b.start < a.end
}

/// A zero-filled `Int32Array` of `len` values allocated by V8; a `RangeError`
/// (never an abort) when V8 cannot allocate it.
fn new_int32_array(env: &Env, len: usize) -> napi::Result<Int32ArraySlice<'_>> {
    let raw = env.raw();
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut array = ptr::null_mut();
    // SAFETY: `raw` is the live environment of this call, on its thread, and
    // every out-pointer is a local that outlives the calls that fill it.
    let created = unsafe {
        sys::napi_create_arraybuffer(raw, len * 4, &mut data, &mut buffer) == sys::Status::napi_ok
            && sys::napi_create_typedarray(raw, sys::TypedarrayType::int32_array, len, buffer, 0, &mut array)
                == sys::Status::napi_ok
    };
    if !created {
        // V8 may have left its own RangeError pending; ours names the output.
        let mut pending = ptr::null_mut();
        // SAFETY: as above; clearing an exception that is not pending is a no-op.
        unsafe { sys::napi_get_and_clear_last_exception(raw, &mut pending) };
        return Err(range_error(env, &format!("not enough memory for {} MiB of routes", (len * 4).div_ceil(1 << 20))));
    }
    // SAFETY: `array` is the Int32Array just created in this environment.
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
