//! Mixture-of-Experts gating: `gate`, `gateAsync`, `dispatchReplicas` and
//! `updateBias`. Sync calls read their typed arrays in place; `gateAsync`
//! checks everything on the JavaScript thread, copies its inputs and computes
//! on the libuv pool. The algorithm lives in `phase_router_kernel::gate`.

use crate::args::{count, finite, input_error, range_error, seed};
use crate::limits::{copy, reserve};
use crate::output::{int32, overlaps, publish, span, Routes};
use napi::bindgen_prelude::{
    AbortSignal, AsyncTask, BigInt, Either, Float32Array, Float32ArraySlice, Float64ArraySlice, Int32ArraySlice,
};
use napi::{Env, Error, Status, Task};
use napi_derive::napi;
use phase_router_kernel::gate::{
    self as kernel, Capacity, GateOptions, GateOut, Gated, Groups, Overflow, Priority, Replicas, Scoring,
    DEFAULT_SLOT_SHARE,
};
use phase_router_kernel::strategy::Strategy;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The plain (non-array) options of `gate`, as the TypeScript layer passes them.
#[napi(object)]
pub struct GateConfig {
    pub experts: f64,
    pub k: f64,
    pub scoring: Option<String>,
    pub group_count: Option<f64>,
    pub group_topk: Option<f64>,
    pub renormalize: Option<bool>,
    pub scale: Option<f64>,
    /// One cap for every expert (a per-expert `Int32Array` comes as its own argument).
    pub capacity: Option<f64>,
    pub overflow: Option<String>,
    pub priority: Option<String>,
    pub reroute_within: Option<f64>,
    pub slot_share: Option<f64>,
}

/// A `Float32Array` result, as [`Routes`] is for `Int32Array` ones.
pub type Floats = Either<Float32ArraySlice<'static>, Float32Array>;

/// What `gate` returns.
#[napi(object, object_from_js = false)]
pub struct GateResult {
    #[napi(ts_type = "Int32Array")]
    pub experts: Routes,
    #[napi(ts_type = "Float32Array")]
    pub weights: Floats,
    #[napi(ts_type = "Int32Array")]
    pub positions: Routes,
    #[napi(ts_type = "Int32Array")]
    pub counts: Routes,
    pub kept: f64,
    pub dropped: f64,
}

/// Results up to this size are copied into V8's heap, as in `output::int32`.
const COPY_LIMIT_BYTES: usize = 64 << 20;

fn float32(env: &Env, values: Vec<f32>) -> napi::Result<Floats> {
    if std::mem::size_of_val(values.as_slice()) <= COPY_LIMIT_BYTES {
        Float32ArraySlice::copy_from(env, &values).map(Either::A)
    } else {
        Ok(Either::B(Float32Array::new(values)))
    }
}

fn result(env: &Env, gated: Gated) -> napi::Result<GateResult> {
    Ok(GateResult {
        experts: int32(env, gated.experts)?,
        weights: float32(env, gated.weights)?,
        positions: int32(env, gated.positions)?,
        counts: int32(env, gated.counts)?,
        kept: gated.kept as f64,
        dropped: gated.dropped as f64,
    })
}

/// The options of one call, parsed, without the arrays.
#[derive(Clone, Copy)]
struct Parsed {
    experts: usize,
    k: usize,
    scoring: Scoring,
    groups: Option<Groups>,
    renormalize: bool,
    scale: f64,
    capacity: Option<u64>,
    overflow: Overflow,
    priority: Priority,
    reroute_within: Option<usize>,
}

impl Parsed {
    fn new(env: &Env, config: &GateConfig) -> napi::Result<Self> {
        let scoring =
            config.scoring.as_deref().map(str::parse::<Scoring>).transpose().map_err(|e| input_error(env, e))?;
        let overflow =
            config.overflow.as_deref().map(str::parse::<Overflow>).transpose().map_err(|e| input_error(env, e))?;
        let priority =
            config.priority.as_deref().map(str::parse::<Priority>).transpose().map_err(|e| input_error(env, e))?;
        let groups = match (config.group_count, config.group_topk) {
            (Some(c), Some(t)) => Some(Groups {
                count: count(env, c, "options.groups.count", 1)?,
                topk: count(env, t, "options.groups.topk", 1)?,
            }),
            (None, None) => None,
            _ => return Err(range_error(env, "options.groups: needs both count and topk")),
        };
        // Checked whatever the overflow, so that a wrong share never goes unnoticed.
        let slot_share = config.slot_share.unwrap_or(DEFAULT_SLOT_SHARE);
        if !(slot_share > 0.0 && slot_share <= 1.0) {
            return Err(range_error(env, &format!("options.slotShare: {slot_share} is not in (0, 1]")));
        }
        let overflow = match overflow.unwrap_or_default() {
            Overflow::Maximize { .. } => Overflow::Maximize { slot_share },
            other => other,
        };
        Ok(Parsed {
            experts: count(env, config.experts, "options.experts", 1)?,
            k: count(env, config.k, "options.k", 1)?,
            scoring: scoring.unwrap_or_default(),
            groups,
            renormalize: config.renormalize.unwrap_or(true),
            scale: match config.scale {
                Some(s) => finite(env, s, "options.scale")?,
                None => 1.0,
            },
            capacity: config.capacity.map(|c| count(env, c, "options.capacity", 0)).transpose()?.map(|c| c as u64),
            overflow,
            priority: priority.unwrap_or_default(),
            reroute_within: config.reroute_within.map(|w| count(env, w, "options.rerouteWithin", 1)).transpose()?,
        })
    }

    fn options<'a>(&self, bias: Option<&'a [f32]>, caps: Option<&'a [i32]>) -> GateOptions<'a> {
        let capacity = match (caps, self.capacity) {
            (Some(caps), _) => Capacity::PerExpert(caps),
            (None, Some(cap)) => Capacity::Each(cap),
            (None, None) => Capacity::Unlimited,
        };
        GateOptions {
            experts: self.experts,
            k: self.k,
            scoring: self.scoring,
            bias,
            groups: self.groups,
            renormalize: self.renormalize,
            scale: self.scale,
            capacity,
            overflow: self.overflow,
            priority: self.priority,
            reroute_within: self.reroute_within,
        }
    }
}

/// Checks that a call's buffers fit in memory (a RangeError, not an abort,
/// if not), from the sizes alone: the kernel checks every value, once, when
/// it runs (a second scan of the scores here would cost a sync call a few
/// percent). Saturating, so that sizes the kernel will refuse cannot overflow.
fn fits(env: &Env, scores: &[f32], options: &GateOptions) -> napi::Result<()> {
    let experts = options.experts.max(1);
    let (tokens, k) = (scores.len() / experts, options.k.clamp(1, experts));
    // Slots (experts, weights, positions, scores: 20 bytes) and each token's
    // candidates (24 bytes each: k, or up to rerouteWithin when rerouting;
    // maximizing adds 20 bytes of flags and indexes per candidate, the steps a
    // round records, about k / 2 + 1 of 24 bytes per candidate at the default
    // rerouteWithin, and 40 bytes per node).
    let width = options.reroute_within.unwrap_or(2 * k).clamp(k, experts);
    let per_candidate = if matches!(options.overflow, Overflow::Maximize { .. }) { 68 + 12 * k } else { 24 };
    let nodes = if per_candidate > 24 { tokens.saturating_add(experts).saturating_mul(40) } else { 0 };
    let slots = tokens.saturating_mul(k).saturating_mul(20);
    let candidates = tokens.saturating_mul(width).saturating_mul(per_candidate);
    reserve::<u8>(env, slots.saturating_add(candidates).saturating_add(nodes), "scores")
}

/// Gates `tokens x experts` logits, reading every input in place.
#[napi(catch_unwind)]
pub fn gate(
    env: Env,
    scores: Float32ArraySlice,
    config: GateConfig,
    bias: Option<Float32ArraySlice>,
    capacities: Option<Int32ArraySlice>,
) -> napi::Result<GateResult> {
    let parsed = Parsed::new(&env, &config)?;
    let options = parsed.options(bias.as_deref(), capacities.as_deref());
    fits(&env, &scores, &options)?;
    let gated = kernel::gate(&scores, &options).map_err(|e| input_error(&env, e))?;
    result(&env, gated)
}

/// `gate` into the caller's arrays (`options.out`), read and written in
/// place; returns the kept slots (the TypeScript layer returns the arrays).
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments, reason = "the four result arrays come positionally, as ts/gate.ts passes them")]
pub fn gate_into(
    env: Env,
    scores: Float32ArraySlice,
    config: GateConfig,
    bias: Option<Float32ArraySlice>,
    capacities: Option<Int32ArraySlice>,
    mut experts: Int32ArraySlice,
    mut weights: Float32ArraySlice,
    mut positions: Int32ArraySlice,
    mut counts: Int32ArraySlice,
) -> napi::Result<f64> {
    let parsed = Parsed::new(&env, &config)?;
    let options = parsed.options(bias.as_deref(), capacities.as_deref());
    fits(&env, &scores, &options)?;
    let inputs = [Some(span(&scores)), bias.as_deref().map(span), capacities.as_deref().map(span)];
    let outputs = [
        ("options.out.experts", span(&experts)),
        ("options.out.weights", span(&weights)),
        ("options.out.positions", span(&positions)),
        ("options.out.counts", span(&counts)),
    ];
    for (i, (name, output)) in outputs.iter().enumerate() {
        let earlier = outputs[..i].iter().map(|(_, other)| other);
        if inputs.iter().flatten().chain(earlier).any(|other| overlaps(output, other)) {
            return Err(range_error(&env, &format!("{name}: must not share memory with an input or another result")));
        }
    }
    // SAFETY: each `as_mut` is unsound only if something else reads or
    // writes that array's memory while the slice lives. JavaScript cannot
    // run: this is a synchronous call on the JavaScript thread and the slices
    // are dropped before it returns. No Rust reference aliases them: the four
    // arrays were just checked to share no byte with each other or with any
    // input the kernel reads (and with no JavaScript running, nothing can
    // detach or resize them).
    let out = unsafe {
        GateOut {
            experts: experts.as_mut(),
            weights: weights.as_mut(),
            positions: positions.as_mut(),
            counts: counts.as_mut(),
        }
    };
    let kept = kernel::gate_into(&scores, &options, out).map_err(|e| input_error(&env, e))?;
    publish(&env, &experts, std::mem::size_of_val(&experts[..]))?;
    publish(&env, &weights, std::mem::size_of_val(&weights[..]))?;
    publish(&env, &positions, std::mem::size_of_val(&positions[..]))?;
    publish(&env, &counts, std::mem::size_of_val(&counts[..]))?;
    Ok(kept as f64)
}

/// `gate` off the JavaScript thread: inputs are checked, then copied.
/// `abort` is a relay object, as for `phaseRouterAsync`.
#[napi(catch_unwind, ts_return_type = "Promise<GateResult>")]
pub fn gate_async(
    env: Env,
    scores: Float32ArraySlice,
    config: GateConfig,
    bias: Option<Float32ArraySlice>,
    capacities: Option<Int32ArraySlice>,
    abort: Option<AbortSignal>,
) -> napi::Result<AsyncTask<GateTask>> {
    let parsed = Parsed::new(&env, &config)?;
    // Checked here, on the JavaScript thread, so that bad input throws
    // instead of rejecting later from the pool.
    let options = parsed.options(bias.as_deref(), capacities.as_deref());
    kernel::check(&scores, &options).map_err(|e| input_error(&env, e))?;
    fits(&env, &scores, &options)?;
    let task = GateTask {
        scores: copy(&env, &scores, "scores")?,
        bias: bias.map(|b| copy(&env, &b, "options.bias")).transpose()?,
        capacities: capacities.map(|c| copy(&env, &c, "options.capacity")).transpose()?,
        parsed,
    };
    Ok(AsyncTask::with_optional_signal(task, abort))
}

/// One `gate` call that owns copies of its inputs, run on the libuv pool.
pub struct GateTask {
    scores: Vec<f32>,
    bias: Option<Vec<f32>>,
    capacities: Option<Vec<i32>>,
    parsed: Parsed,
}

impl Task for GateTask {
    type Output = Gated;
    type JsValue = GateResult;

    fn compute(&mut self) -> napi::Result<Gated> {
        let options = self.parsed.options(self.bias.as_deref(), self.capacities.as_deref());
        // A panic must never unwind into libuv: turn it into a rejected promise.
        catch_unwind(AssertUnwindSafe(|| kernel::gate(&self.scores, &options)))
            .map_err(|_| Error::new(Status::GenericFailure, "phase-router: internal error while gating"))?
            .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))
    }

    fn resolve(&mut self, env: Env, gated: Gated) -> napi::Result<GateResult> {
        result(&env, gated)
    }
}

/// A new bias: `bias[e] + rate * sign(mean(counts) - counts[e])`.
#[napi(catch_unwind, ts_return_type = "Float32Array")]
pub fn update_bias(env: Env, bias: Float32ArraySlice, counts: Float64ArraySlice, rate: f64) -> napi::Result<Floats> {
    let updated = kernel::update_bias(&bias, &counts, rate).map_err(|e| input_error(&env, e))?;
    float32(&env, updated)
}

/// Physical replica of each slot of `experts` (`k` slots per token).
#[napi(catch_unwind, ts_return_type = "Int32Array")]
#[allow(clippy::too_many_arguments)]
pub fn dispatch_replicas(
    env: Env,
    experts: Int32ArraySlice,
    offsets: Float64ArraySlice,
    capacities: Float64ArraySlice,
    k: f64,
    strategy: Option<String>,
    seed: BigInt,
    token_offset: f64,
) -> napi::Result<Routes> {
    let k = count(&env, k, "options.k", 1)?;
    let strategy = match strategy.as_deref() {
        None => Strategy::Weighted,
        Some(name) => name.parse::<Strategy>().map_err(|e| input_error(&env, e))?,
    };
    let seed = self::seed(&env, &seed)?;
    if !(token_offset.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&token_offset)) {
        return Err(range_error(
            &env,
            &format!("options.tokenOffset: {token_offset} is not a non-negative safe integer"),
        ));
    }
    let mut whole = Vec::with_capacity(offsets.len());
    for (i, &o) in offsets.iter().enumerate() {
        if !(o.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&o)) {
            return Err(range_error(&env, &format!("replicas.offsets[{i}]: {o} is not an integer in [0, 2^32)")));
        }
        whole.push(o as u32);
    }
    let replicas = Replicas { offsets: &whole, capacities: &capacities };
    let routed = kernel::dispatch_replicas(&experts, &replicas, k, strategy, seed, token_offset as u64);
    int32(&env, routed.map_err(|e| input_error(&env, e))?)
}
