//! The published benchmark's helpers, public for the binding: capacities
//! and what follows from them (`capacity`, also used by the strategies to
//! size arcs), and the uniform `hash_route` baseline.

pub mod capacity;
pub mod hash_route;
