//! A string key read as UTF-8 straight from its napi value into a buffer on
//! the stack: the per-call path of `pick` and `lookupOne`, where turning the
//! key into a heap `String` (two engine calls and an allocation) was a large
//! part of a call that does well under a microsecond of work.
//!
//! Under WebAssembly the engine's UTF-8 is not Node's (see `text`), so there
//! the key is read as UTF-16 and converted, on the heap.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValueType};
use napi::sys;
#[cfg(not(target_family = "wasm"))]
use std::ptr;

/// Bytes a key may take before it is read into the heap instead.
const INLINE: usize = 256;

/// One key's UTF-8 bytes (lone surrogates as U+FFFD, as the engine writes them).
pub struct KeyUtf8 {
    inline: [u8; INLINE],
    len: usize,
    heap: Option<Vec<u8>>,
}

impl KeyUtf8 {
    /// The key's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.heap {
            Some(bytes) => bytes,
            None => &self.inline[..self.len],
        }
    }
}

/// `napi_get_value_string_utf8` into `buf` (or only the length when `buf` is null).
///
/// # Safety
/// `env` and `value` must be the live environment and a value of the current
/// call, and `buf` null or valid for writes of `size` bytes.
#[cfg(not(target_family = "wasm"))]
unsafe fn read(env: sys::napi_env, value: sys::napi_value, buf: *mut u8, size: usize) -> napi::Result<usize> {
    let mut len = 0usize;
    // SAFETY: guaranteed by the caller; `len` is a live local.
    let status = unsafe { sys::napi_get_value_string_utf8(env, value, buf.cast(), size, &mut len) };
    if status == sys::Status::napi_ok {
        Ok(len)
    } else {
        Err(napi::Error::new(napi::Status::StringExpected, "key: expected a string"))
    }
}

impl FromNapiValue for KeyUtf8 {
    #[cfg(target_family = "wasm")]
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs passes this call's environment and argument.
        let text = unsafe { crate::text::JsText::from_napi_value(env, value)? };
        let bytes = crate::text::into_string(text).into_bytes();
        Ok(KeyUtf8 { inline: [0; INLINE], len: 0, heap: Some(bytes) })
    }

    #[cfg(not(target_family = "wasm"))]
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut key = KeyUtf8 { inline: [0; INLINE], len: 0, heap: None };
        // SAFETY: napi-rs passes this call's environment and argument; the
        // buffer is `INLINE` bytes long.
        let len = unsafe { read(env, value, key.inline.as_mut_ptr(), INLINE)? };
        // The engine writes whole characters and keeps a byte for the
        // terminator, so a key this short was read whole.
        if len + 4 < INLINE {
            key.len = len;
            return Ok(key);
        }
        // SAFETY: as above; a null buffer asks only for the length.
        let full = unsafe { read(env, value, ptr::null_mut(), 0)? };
        let mut heap = vec![0u8; full + 1];
        // SAFETY: as above; `heap` holds `full + 1` bytes.
        let len = unsafe { read(env, value, heap.as_mut_ptr(), full + 1)? };
        heap.truncate(len);
        key.heap = Some(heap);
        Ok(key)
    }
}

impl TypeName for KeyUtf8 {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}
