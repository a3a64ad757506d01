//! Strings from JavaScript (keys, target ids) read the same way on every platform.
//!
//! Natively Node converts a string to UTF-8 with each lone surrogate replaced
//! by U+FFFD, and that is what a key's hash is defined on. emnapi, the
//! Node-API of the WebAssembly build, pairs every surrogate with the unit
//! after it, partner or not: a lone surrogate becomes some other character and
//! may swallow the one after it, so the key would hash differently.
//! Under WebAssembly strings are therefore read as UTF-16 and converted here, with the same replacement Node makes.

/// A string argument as it arrives from JavaScript (`string` in TypeScript).
#[cfg(not(target_family = "wasm"))]
pub type JsText = String;

/// A string argument as it arrives from JavaScript (`string` in TypeScript).
#[cfg(target_family = "wasm")]
pub type JsText = napi::bindgen_prelude::Utf16String;

/// The UTF-8 string Node would have produced natively.
#[cfg(not(target_family = "wasm"))]
pub fn into_string(text: JsText) -> String {
    text
}

/// The UTF-8 string Node would have produced natively.
#[cfg(target_family = "wasm")]
pub fn into_string(text: JsText) -> String {
    String::from_utf16_lossy(&text)
}
