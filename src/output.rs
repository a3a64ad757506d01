//! Results as JavaScript typed arrays, in memory that the garbage collector frees by itself.
//!
//! `Int32Array::new(vec)` hands V8 an external buffer whose finalizer Node runs
//! from the event loop. A synchronous loop of many calls never lets the loop
//! turn, so every result it made stays allocated until it does: measured,
//! +800 MiB for 1e6 calls at n=64. Copying a result into an `ArrayBuffer` that
//! V8 allocated costs one `memcpy` and lets an ordinary collection free it.
//! Past `COPY_LIMIT_BYTES` the copy's transient doubling of memory costs more
//! than it saves (such calls take long enough that loops of them are rare),
//! so big results keep the zero-copy external buffer.

use napi::bindgen_prelude::{Either, Int32Array, Int32ArraySlice};
use napi::Env;

/// Results up to this size are copied into V8's heap (16M slots).
const COPY_LIMIT_BYTES: usize = 64 << 20;

/// A result array: a V8-owned copy when small, the Rust buffer itself when big.
pub type Routes = Either<Int32ArraySlice<'static>, Int32Array>;

/// Turns a result into the JavaScript array described on [`Routes`].
pub fn int32(env: &Env, values: Vec<i32>) -> napi::Result<Routes> {
    if std::mem::size_of_val(values.as_slice()) <= COPY_LIMIT_BYTES {
        Int32ArraySlice::copy_from(env, &values).map(Either::A)
    } else {
        Ok(Either::B(Int32Array::new(values)))
    }
}
