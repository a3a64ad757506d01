//! Routing a batch of `m` sources to `n` targets by weights and capacities,
//! with a choice of strategy.
//!
//! Every strategy is deterministic from the seed, computes each source on its
//! own (in parallel), and gives the same output at any thread count.

mod hash;
mod stride;
mod weighted;

pub use stride::capacity_shares;

use crate::capacity::{check_weights, degrees_from_weights};
use crate::problem::{check_shape, perm, InputError};
use crate::ring::Layout;
use crate::{route_layout_into, Mode};
use std::str::FromStr;

/// How sources pick their targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The phase router: ring arcs sized by weights and capacities (the default).
    #[default]
    Phase,
    /// `k` distinct targets, uniformly at random, ignoring capacity.
    Hash,
    /// `k` distinct targets with probability proportional to capacity.
    Weighted,
    /// Systematic sampling over cumulative capacity: each target's share is
    /// exactly proportional to its capacity (capped at one slot per source).
    Stride,
}

impl FromStr for Strategy {
    type Err = InputError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "phase" => Ok(Strategy::Phase),
            "hash" => Ok(Strategy::Hash),
            "weighted" => Ok(Strategy::Weighted),
            "stride" => Ok(Strategy::Stride),
            _ => Err(InputError::new("strategy", format!("'{name}' is not one of phase, hash, weighted, stride"))),
        }
    }
}

/// One batch: `sources` rows routed to `targets` targets, `k` slots each.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// Number of sources `m` (rows of the output).
    pub sources: usize,
    /// Number of targets `n`.
    pub targets: usize,
    /// Relative weight of each source (length `m`); equal when `None`. Only `Phase` uses it.
    pub source_weights: Option<&'a [f64]>,
    /// Relative capacity of each target (length `n`); equal when `None`.
    pub target_capacities: Option<&'a [f64]>,
    /// Most targets per source.
    pub k: usize,
    /// Share of its ring an average arc covers (`Phase` only), in `(0, 1]`.
    pub density: f64,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Batch<'_> {
    fn check(&self) -> Result<(), InputError> {
        if self.targets == 0 {
            return Err(InputError::new("targets", "must be at least 1"));
        }
        check_shape(self.sources, self.k)?;
        check_length(self.source_weights, self.sources, "sourceWeights", "sources")?;
        check_length(self.target_capacities, self.targets, "targetCapacities", "targets")?;
        if let Some(capacities) = self.target_capacities {
            check_weights(capacities, "targetCapacities")?;
            if !capacities.iter().any(|&c| c > 0.0) {
                return Err(InputError::new("targetCapacities", "capacities are all zero"));
            }
        }
        Ok(())
    }
}

fn check_length(
    weights: Option<&[f64]>,
    expected: usize,
    argument: &'static str,
    count: &str,
) -> Result<(), InputError> {
    match weights {
        Some(w) if w.len() != expected => {
            Err(InputError::new(argument, format!("length {} does not match {count} = {expected}", w.len())))
        }
        _ => Ok(()),
    }
}

/// Routes a batch: `sources * k` target indices, row-major, -1 for empty slots.
pub fn route_batch(batch: &Batch, strategy: Strategy) -> Result<Vec<i32>, InputError> {
    // Only the output size before allocating; route_batch_into checks the rest.
    check_shape(batch.sources, batch.k)?;
    let mut out = vec![-1; batch.sources * batch.k];
    route_batch_into(batch, strategy, &mut out)?;
    Ok(out)
}

/// [`route_batch`] into caller-owned `out` of `sources * k` slots, every one
/// of which is written. Nothing is written when the batch is refused.
pub fn route_batch_into(batch: &Batch, strategy: Strategy, out: &mut [i32]) -> Result<(), InputError> {
    batch.check()?;
    if out.len() != batch.sources * batch.k {
        let expected = batch.sources * batch.k;
        return Err(InputError::new("out", format!("length {} does not match sources * k = {expected}", out.len())));
    }
    if strategy == Strategy::Phase {
        let layout = phase_layout(batch)?;
        route_layout_into(&layout, batch.k, batch.seed, Mode::Reference, out);
        return Ok(());
    }
    let equal;
    let capacities = match batch.target_capacities {
        Some(c) => c,
        None => {
            equal = vec![1.0; batch.targets];
            &equal
        }
    };
    // These strategies write only the slots they fill.
    out.fill(-1);
    match strategy {
        Strategy::Hash => hash::route(batch.targets, batch.k, batch.seed, out),
        Strategy::Weighted => weighted::route(capacities, batch.k, batch.seed, out),
        Strategy::Stride => stride::route(capacities, batch.k, batch.seed, out),
        Strategy::Phase => unreachable!("routed above"),
    }
    Ok(())
}

/// The phase router's layout for a rectangular batch: the S-ring has one
/// position per target and the T-ring one per source; each side's degrees
/// are sized against the ring they live on. With `m = n` routing it is
/// `phaseRouterAuto` on the matching left-aligned matrices.
fn phase_layout<'a>(batch: &Batch) -> Result<Layout<'a>, InputError> {
    let (m, n) = (batch.sources, batch.targets);
    let degrees = |weights: Option<&[f64]>, count: usize, ring: usize, argument| match weights {
        Some(w) => degrees_from_weights(w, ring, batch.density, argument),
        None => degrees_from_weights(&vec![1.0; count], ring, batch.density, argument),
    };
    let s_degree = degrees(batch.source_weights, m, n, "sourceWeights")?;
    let t_degree = degrees(batch.target_capacities, n, m, "targetCapacities")?;
    let (perm_s, perm_t) = perm::auto_permutations(n, m, batch.seed);
    Ok(Layout::new_unchecked(s_degree, t_degree, &perm_s, perm_t.into()))
}
