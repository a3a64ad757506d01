//! Node.js binding of the phase router: the functions `require('phase-router')` calls into.
//!
//! Every function here checks its arguments, borrows or copies typed-array
//! memory and hands the work to `phase_router_kernel`. No routing logic lives
//! in this crate. Type checks (a `BigUint64Array` where one is expected, ...)
//! happen in the TypeScript layer, which names the argument in a `TypeError`;
//! value checks happen here and in the kernel and surface as `RangeError`.
//!
//! - [`routing`] and [`helpers`]: the exported functions, one after another.
//! - [`calls`]: each router call's arguments as one checked request, shared
//!   by its sync and async export.
//! - [`output`]: the routes array, and the one write into memory JavaScript sees.
//! - [`key_utf8`]: one string key read onto the stack, for the per-request keyed calls.
//! - [`task`]: async work on the libuv pool; [`args`] and [`limits`]: argument
//!   conversions and size caps; [`text`]: strings read alike on every platform.

// napi-derive registers the exports only outside cfg(test), so in the test
// build that `cargo clippy --all-targets` also checks, everything looks unused.
#![cfg_attr(test, allow(dead_code))]

mod args;
mod calls;
mod gate;
mod helpers;
mod key_utf8;
mod keyed;
mod limits;
mod output;
mod routing;
mod task;
mod text;

/// Runs when an environment (the main thread or a Worker) loads the addon.
///
/// Rayon's global pool is process-wide: its threads outlive the Worker that
/// first routed. If only Workers load the addon, Node may unload the image when
/// the last of them exits, leaving those threads parked in unmapped code. One
/// extra loader reference, taken once per process, keeps the image mapped.
#[napi_derive::napi(module_exports)]
pub fn pin_module(_exports: napi::bindgen_prelude::Object) -> napi::Result<()> {
    // A WebAssembly module is never unloaded from under its threads, and
    // napi-rs has no such call there.
    #[cfg(not(target_family = "wasm"))]
    napi::bindgen_prelude::retain_current_module_for_unload_safety();
    #[cfg(target_family = "wasm")]
    single_threaded_pool();
    Ok(())
}

/// Under WebAssembly the kernel runs on one thread: its pool threads would be
/// Workers sharing one wasm memory, which the V8 of Node 20 handled
/// unreliably when this was first tried. A pool of one makes the kernel take
/// its sequential paths, whatever `RAYON_NUM_THREADS` says. A second
/// environment (a Worker) finds the pool already built, the state wanted, so
/// that error is ignored.
#[cfg(target_family = "wasm")]
fn single_threaded_pool() {
    let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
}
