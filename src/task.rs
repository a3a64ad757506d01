//! Running a checked [`Work`] on the libuv pool, cancellable through napi-rs's `AbortSignal`.

use crate::calls::Work;
use napi::bindgen_prelude::{AbortSignal, AsyncTask, Int32Array};
use napi::{Env, Error, Status, Task};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Queues `work` on the libuv pool; the export returns it as a promise.
///
/// `abort` is an object napi-rs gives an `onabort` method; calling it cancels
/// the work if no libuv thread has picked it up yet (the promise then rejects
/// with an `AbortError`). The TypeScript layer passes a private relay object
/// here, never the caller's `AbortSignal`, because napi-rs wraps the object and
/// overwrites its `onabort` property, and inputs are never modified.
pub fn queue(work: Work, abort: Option<AbortSignal>) -> AsyncTask<RouteTask> {
    AsyncTask::with_optional_signal(RouteTask(work), abort)
}

/// One routing call, owning what it needs, run on a libuv thread.
pub struct RouteTask(Work);

impl Task for RouteTask {
    type Output = Vec<i32>;
    type JsValue = Int32Array;

    fn compute(&mut self) -> napi::Result<Vec<i32>> {
        // A panic must never unwind into libuv: turn it into a rejected promise.
        catch_unwind(AssertUnwindSafe(|| self.0.route()))
            .map_err(|_| Error::new(Status::GenericFailure, "phase-router: internal error while routing"))?
            .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
    }

    fn resolve(&mut self, _env: Env, routes: Vec<i32>) -> napi::Result<Int32Array> {
        Ok(Int32Array::new(routes))
    }
}
