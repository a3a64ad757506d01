//! One checked request per kind of router call.
//!
//! Each request ([`BitCall`], [`DegreeCall`], [`BatchCall`]) is built by one
//! function from the arguments JavaScript passed ([`BitArgs`], ...), which
//! turns numbers into counts, seeds and modes and throws a `RangeError` naming
//! the first bad one. The sync export then routes the request straight into
//! its output ([`crate::output::write_routes`]); the async export checks the
//! rest of it on the JavaScript thread too, so that every bad argument rejects
//! before any work is queued, and turns it into a [`Work`] that owns only what
//! the libuv pool needs.

use crate::args::{count, input_error, mode, seed};
use crate::limits::{at_most, copy, reserve, MAX_ROWS};
use crate::output::{span, Span};
use napi::bindgen_prelude::BigInt;
use napi::Env;
use phase_router_kernel::capacity::degrees_from_weights;
use phase_router_kernel::strategy::{self, Batch, Strategy};
use phase_router_kernel::{
    auto_permutations, check_bit_call, check_shape, phase_route_with_into, route_degrees_into, BitMatrices, InputError,
    Layout, Mode,
};

/// The two permutations of a call: `(permS, permT)`.
type Perms<'a> = (&'a [u32], &'a [u32]);

/// The arguments of `phaseRouter` (`perms` given) and `phaseRouterAuto` (`None`)
/// and their async forms, as JavaScript passes them.
pub struct BitArgs<'a> {
    pub s_bits: &'a [u64],
    pub t_bits: &'a [u64],
    pub n: f64,
    pub k: f64,
    pub perms: Option<Perms<'a>>,
    pub seed: &'a BigInt,
    pub mode: Option<&'a str>,
}

/// A bit-matrix call whose every argument is checked, borrowing the caller's arrays.
pub struct BitCall<'a> {
    pub matrices: BitMatrices<'a>,
    pub k: usize,
    /// `None`: both permutations are drawn from the seed.
    pub perms: Option<Perms<'a>>,
    pub seed: u64,
    pub mode: Mode,
}

impl<'a> BitCall<'a> {
    /// Checks every argument: counts, seed and mode, then the matrices'
    /// lengths and padding bits and the permutations.
    pub fn parse(env: &Env, args: BitArgs<'a>) -> napi::Result<Self> {
        let (n, k) = (count(env, args.n, "n", 1)?, count(env, args.k, "k", 1)?);
        let (seed, mode) = (seed(env, args.seed)?, mode(env, args.mode)?);
        let matrices = BitMatrices { s_bits: args.s_bits, t_bits: args.t_bits, n };
        check_bit_call(&matrices, k, args.perms).map_err(|e| input_error(env, e))?;
        Ok(BitCall { matrices, k, perms: args.perms, seed, mode })
    }

    pub fn slots(&self) -> usize {
        self.matrices.n * self.k
    }

    /// Every array the call reads, which an `out` must not overlap.
    pub fn inputs(&self) -> Vec<Span> {
        let mut inputs = vec![span(self.matrices.s_bits), span(self.matrices.t_bits)];
        inputs.extend(self.perms.iter().flat_map(|(s, t)| [span(s), span(t)]));
        inputs
    }

    pub fn route_into(&self, routes: &mut [i32]) -> Result<(), InputError> {
        phase_route_with_into(&self.matrices, self.k, self.perms, self.seed, self.mode, routes)
    }

    /// What the pool needs: only the row degrees of the matrices (`O(n)`,
    /// counted here) and the permutations, copied, so that the caller may
    /// reuse every buffer at once. Automatic permutations are drawn on the pool.
    pub fn into_work(self, env: &Env) -> napi::Result<Work> {
        reserve::<i32>(env, self.slots(), "k")?;
        let (s_degrees, t_degrees) = self.matrices.degrees();
        let perms = owned_perms(env, self.perms)?;
        Ok(Work::Degrees { s_degrees, t_degrees, k: self.k, perms, seed: self.seed, mode: self.mode })
    }
}

/// The arguments of `phaseRouterDegrees` and its async form, as JavaScript passes them.
pub struct DegreeArgs<'a> {
    pub s_degrees: &'a [u32],
    pub t_degrees: &'a [u32],
    pub k: f64,
    pub perms: Perms<'a>,
    pub seed: &'a BigInt,
    pub mode: Option<&'a str>,
}

/// A degree call with checked counts, seed and mode, borrowing the caller's arrays.
pub struct DegreeCall<'a> {
    pub s_degrees: &'a [u32],
    pub t_degrees: &'a [u32],
    pub k: usize,
    pub perms: Perms<'a>,
    pub seed: u64,
    pub mode: Mode,
}

impl<'a> DegreeCall<'a> {
    /// Checks `k`, the seed, the mode and the output size. The kernel checks
    /// the degrees and permutations before it writes anything (sync), or
    /// [`DegreeCall::into_work`] does (async).
    pub fn parse(env: &Env, args: DegreeArgs<'a>) -> napi::Result<Self> {
        let (k, seed, mode) = (count(env, args.k, "k", 1)?, seed(env, args.seed)?, mode(env, args.mode)?);
        check_shape(args.s_degrees.len(), k).map_err(|e| input_error(env, e))?;
        let (s_degrees, t_degrees, perms) = (args.s_degrees, args.t_degrees, args.perms);
        Ok(DegreeCall { s_degrees, t_degrees, k, perms, seed, mode })
    }

    pub fn slots(&self) -> usize {
        self.s_degrees.len() * self.k
    }

    pub fn inputs(&self) -> Vec<Span> {
        vec![span(self.s_degrees), span(self.t_degrees), span(self.perms.0), span(self.perms.1)]
    }

    pub fn route_into(&self, routes: &mut [i32]) -> Result<(), InputError> {
        let (perm_s, perm_t) = self.perms;
        route_degrees_into(self.s_degrees, self.t_degrees, self.k, perm_s, perm_t, self.seed, self.mode, routes)
    }

    /// Every check the kernel makes, in its order (so that the same argument
    /// is named as by the sync call), then copies of the `O(n)` inputs.
    pub fn into_work(self, env: &Env) -> napi::Result<Work> {
        self.check().map_err(|e| input_error(env, e))?;
        reserve::<i32>(env, self.slots(), "k")?;
        let s_degrees = copy(env, self.s_degrees, "sDegrees")?;
        let t_degrees = copy(env, self.t_degrees, "tDegrees")?;
        let perms = owned_perms(env, Some(self.perms))?;
        Ok(Work::Degrees { s_degrees, t_degrees, k: self.k, perms, seed: self.seed, mode: self.mode })
    }

    fn check(&self) -> Result<(), InputError> {
        let ((perm_s, perm_t), no_routes) = (self.perms, &mut [] as &mut [i32]);
        // The kernel checks the counts (at least one source and one target,
        // an output that fits) before it looks at `out`, and writes nothing
        // when it refuses a call: with an empty `out`, a call that passes
        // those checks is refused for `out` alone.
        match route_degrees_into(self.s_degrees, self.t_degrees, self.k, perm_s, perm_t, 0, self.mode, no_routes) {
            Err(e) if e.argument == "out" => {}
            Err(e) => return Err(e),
            Ok(()) => unreachable!("an output of no slots for at least one source and k >= 1"),
        }
        // Then the layout's checks (permutations, then degrees), made by the
        // kernel's own constructor; the pool lays the call out again.
        Layout::new(self.s_degrees.to_vec(), self.t_degrees.to_vec(), perm_s, perm_t).map(drop)
    }
}

/// The arguments of `route` (native `routeBatch`) and its async form, as the
/// TypeScript layer passes them after sizing the batch.
pub struct BatchArgs<'a> {
    pub sources: f64,
    pub targets: f64,
    pub source_weights: Option<&'a [f64]>,
    pub target_capacities: Option<&'a [f64]>,
    pub k: f64,
    pub density: f64,
    pub seed: &'a BigInt,
    pub strategy: &'a str,
}

/// A batch with checked counts, seed and strategy, borrowing the caller's arrays.
pub struct BatchCall<'a> {
    pub batch: Batch<'a>,
    pub strategy: Strategy,
}

impl<'a> BatchCall<'a> {
    /// Checks the counts against their caps, `k`, the seed, the output size
    /// and the strategy's name. The kernel checks weights, capacities and
    /// density before it writes anything (sync), or [`BatchCall::into_work`] does (async).
    pub fn parse(env: &Env, args: BatchArgs<'a>) -> napi::Result<Self> {
        let (sources, targets) = (count(env, args.sources, "sources", 1)?, count(env, args.targets, "targets", 1)?);
        at_most(env, sources, MAX_ROWS, "sources", "number of rows")?;
        at_most(env, targets, MAX_ROWS, "targets", "number of targets")?;
        let (k, seed) = (count(env, args.k, "k", 1)?, seed(env, args.seed)?);
        check_shape(sources, k).map_err(|e| input_error(env, e))?;
        let strategy: Strategy = args.strategy.parse().map_err(|e| input_error(env, e))?;
        let (source_weights, target_capacities, density) = (args.source_weights, args.target_capacities, args.density);
        let batch = Batch { sources, targets, source_weights, target_capacities, k, density, seed };
        Ok(BatchCall { batch, strategy })
    }

    pub fn slots(&self) -> usize {
        self.batch.sources * self.batch.k
    }

    pub fn route_into(&self, routes: &mut [i32]) -> Result<(), InputError> {
        strategy::route_batch_into(&self.batch, self.strategy, routes)
    }

    /// Every check the kernel makes, in its order, then copies of the weights.
    pub fn into_work(self, env: &Env) -> napi::Result<Work> {
        self.check().map_err(|e| input_error(env, e))?;
        reserve::<i32>(env, self.slots(), "k")?;
        let Batch { sources, targets, source_weights, target_capacities, k, density, seed } = self.batch;
        let source_weights = source_weights.map(|w| copy(env, w, "sourceWeights")).transpose()?;
        let target_capacities = target_capacities.map(|c| copy(env, c, "targetCapacities")).transpose()?;
        let batch = OwnedBatch { sources, targets, source_weights, target_capacities, k, density, seed };
        Ok(Work::Batch { batch, strategy: self.strategy })
    }

    fn check(&self) -> Result<(), InputError> {
        // As for degrees: the kernel checks the whole batch before it looks
        // at `out`, and writes nothing when it refuses one.
        match strategy::route_batch_into(&self.batch, self.strategy, &mut []) {
            Err(e) if e.argument == "out" => {}
            Err(e) => return Err(e),
            Ok(()) => unreachable!("an output of no slots for at least one source and k >= 1"),
        }
        if self.strategy == Strategy::Phase {
            // The phase strategy then sizes each side's arcs from its weights
            // (equal ones when absent), checking the density and the weights.
            let (batch, equal) = (&self.batch, [1.0]);
            degrees_from_weights(
                batch.source_weights.unwrap_or(&equal),
                batch.targets,
                batch.density,
                "sourceWeights",
            )?;
            degrees_from_weights(
                batch.target_capacities.unwrap_or(&equal),
                batch.sources,
                batch.density,
                "targetCapacities",
            )?;
        }
        Ok(())
    }
}

/// A checked call that owns what the libuv pool needs to route it.
pub enum Work {
    /// Routes from row degrees; `perms: None` draws both permutations from
    /// the seed, as `phaseRouterAuto` does.
    Degrees {
        s_degrees: Vec<u32>,
        t_degrees: Vec<u32>,
        k: usize,
        perms: Option<(Vec<u32>, Vec<u32>)>,
        seed: u64,
        mode: Mode,
    },
    /// Routes a batch with a strategy.
    Batch { batch: OwnedBatch, strategy: Strategy },
}

/// [`Batch`] with its own copies of the weights.
pub struct OwnedBatch {
    sources: usize,
    targets: usize,
    source_weights: Option<Vec<f64>>,
    target_capacities: Option<Vec<f64>>,
    k: usize,
    density: f64,
    seed: u64,
}

impl Work {
    /// The routes, `sources * k` slots. Runs on a libuv thread.
    pub fn route(&self) -> Result<Vec<i32>, InputError> {
        match self {
            Work::Degrees { s_degrees, t_degrees, k, perms, seed, mode } => {
                let mut routes = vec![-1; s_degrees.len() * k];
                let drawn;
                let (perm_s, perm_t) = match perms {
                    Some((perm_s, perm_t)) => (perm_s, perm_t),
                    None => {
                        // permS permutes the targets, permT the sources.
                        drawn = auto_permutations(t_degrees.len(), s_degrees.len(), *seed);
                        (&drawn.0, &drawn.1)
                    }
                };
                route_degrees_into(s_degrees, t_degrees, *k, perm_s, perm_t, *seed, *mode, &mut routes)?;
                Ok(routes)
            }
            Work::Batch { batch: b, strategy } => {
                let batch = Batch {
                    sources: b.sources,
                    targets: b.targets,
                    source_weights: b.source_weights.as_deref(),
                    target_capacities: b.target_capacities.as_deref(),
                    k: b.k,
                    density: b.density,
                    seed: b.seed,
                };
                let mut routes = vec![-1; b.sources * b.k];
                strategy::route_batch_into(&batch, *strategy, &mut routes)?;
                Ok(routes)
            }
        }
    }
}

fn owned_perms(env: &Env, perms: Option<Perms>) -> napi::Result<Option<(Vec<u32>, Vec<u32>)>> {
    match perms {
        Some((perm_s, perm_t)) => Ok(Some((copy(env, perm_s, "permS")?, copy(env, perm_t, "permT")?))),
        None => Ok(None),
    }
}
