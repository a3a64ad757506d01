//! The x86-64 twins of the portable paths, each taking the token of the
//! features it is compiled for ([`detect`]).
//!
//! - `scalar.rs`: portable loops compiled again with POPCNT, or LZCNT and BMI2;
//! - `gate.rs`: the gate's per-token loops (exponentials, maxima, top-k filter) in wider vectors;
//! - `vpopcnt.rs`: counting eight words per instruction (AVX-512 VPOPCNTDQ);
//! - `select.rs`: finding candidates by rank, sixteen ranks per compare;
//! - `chacha16.rs`, `reservoir16.rs`: the reference's draws, sixteen rows at once;
//! - `floyd16.rs`, `select16.rs`: fast mode's draws and lookups for `k <= 16` in registers.

mod chacha16;
mod detect;
mod floyd16;
mod gate;
mod reservoir16;
mod scalar;
mod select;
mod select16;
mod vpopcnt;

pub(crate) use detect::{Avx512BitalgToken, Avx512CdToken, Tokens};
pub(crate) use reservoir16::{Drawing, Lanes, MAX_K as LANES_MAX_K};
