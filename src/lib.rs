//! Node.js binding of the phase router: the functions `require('phase-router')` calls into.
//!
//! Every function here checks its arguments, borrows or copies typed-array
//! memory and hands the work to `phase_router_kernel`. No routing logic lives
//! in this crate. Type checks (a `BigUint64Array` where one is expected, ...)
//! happen in the TypeScript layer, which names the argument in a `TypeError`;
//! value checks happen here and in the kernel and surface as `RangeError`.

mod args;
mod helpers;
mod routing;
