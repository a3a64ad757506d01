//! Turning JavaScript numbers and kernel errors into checked Rust values and JS exceptions.

use napi::bindgen_prelude::BigInt;
use napi::{Env, Error, Status};
use phase_router_kernel::{InputError, Mode};

/// Throws `RangeError(message)` on `env` and returns the error that tells napi
/// an exception is already pending (so it does not throw a second one).
pub fn range_error(env: &Env, message: &str) -> Error {
    match env.throw_range_error(message, Some("ERR_OUT_OF_RANGE")) {
        Ok(()) => Error::from_status(Status::PendingException),
        Err(e) => e,
    }
}

/// Throws a kernel input error as a `RangeError` naming the argument.
pub fn input_error(env: &Env, error: InputError) -> Error {
    range_error(env, &error.to_string())
}

/// A count argument (`n`, `k`, ...): an integer `>= min` that fits in `u32`.
pub fn count(env: &Env, value: f64, name: &str, min: u32) -> napi::Result<usize> {
    if value.fract() == 0.0 && value >= min as f64 && value <= u32::MAX as f64 {
        Ok(value as usize)
    } else {
        Err(range_error(env, &format!("{name}: {value} is not an integer in [{min}, 2^32)")))
    }
}

/// A finite number argument.
pub fn finite(env: &Env, value: f64, name: &str) -> napi::Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(range_error(env, &format!("{name}: {value} is not a finite number")))
    }
}

/// A seed in `[0, 2^64)`; the TypeScript layer turns number seeds into `BigInt`.
pub fn seed(env: &Env, value: &BigInt) -> napi::Result<u64> {
    let in_range = !value.sign_bit && value.words.iter().skip(1).all(|&w| w == 0);
    match value.words.first() {
        _ if !in_range => Err(range_error(env, "seed: must be in [0, 2^64)")),
        Some(&word) => Ok(word),
        None => Ok(0),
    }
}

/// `options.mode`: `'reference'` (the default) or `'fast'`.
pub fn mode(env: &Env, name: Option<&str>) -> napi::Result<Mode> {
    match name {
        None | Some("reference") => Ok(Mode::Reference),
        Some("fast") => Ok(Mode::Fast),
        Some(other) => Err(range_error(env, &format!("options.mode: '{other}' is not 'reference' or 'fast'"))),
    }
}
