//! How a row with more than `k` candidates keeps `k` of them.
//!
//! - `reference.rs`: the reference's reservoir, bit-exact with `phase_router_rs` ([`Mode::Reference`](crate::Mode)).
//! - `fast.rs`: Floyd's sampling from a counter-based generator ([`Mode::Fast`](crate::Mode)).
//! - `reservoir.rs`: Algorithm R, offered candidate by candidate (the walk)
//!   or replayed from a row's count (the reference chooser).
//! - `stream.rs`: the counter-based generator of fast mode and the strategies.

pub(crate) mod fast;
pub(crate) mod reference;
pub(crate) mod reservoir;
pub(crate) mod stream;
