//! The portable twin of every CPU-specific path: plain Rust for any CPU.
//!
//! The `#[inline(always)]` loops here are also compiled a second time, with
//! a scalar extension enabled, by the x86-64 twins that wrap them.

mod popcount;
mod reservoir;
mod select;

pub(crate) use popcount::{copy_arc, count_rows, places_then_clear};
pub(crate) use reservoir::draw_held;
pub(crate) use select::{select, words_holding_one};
// The AVX2 select compiles the portable word search for AVX2.
#[cfg(target_arch = "x86_64")]
pub(crate) use select::words_holding;
