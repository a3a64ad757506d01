//! From logical experts to physical replicas: each replica of an expert gets
//! a share of that expert's tokens that follows its capacity, chosen by one of
//! the batch strategies of [`crate::strategy`] (reused as they are, with the
//! expert's replicas as the targets).
//!
//! - `weighted` and `hash` choose each slot on its own, from a seed derived
//!   from `(seed, global slot)` where the global slot is
//!   `(token_offset + token) * k + slot`: a rank routing tokens
//!   `[offset, offset + T)` of a batch gets exactly that slice of what one
//!   process routing the whole batch gets. `weighted` draws a replica with
//!   probability proportional to capacity; `hash` uniformly (capacity ignored).
//! - `stride` and `phase` route each expert's tokens (in slot order) as one
//!   batch: `stride` gives every replica exactly its share (largest
//!   remainder), `phase` runs the phase router (density 0.3) and sends the
//!   few tokens it leaves without a candidate to a `weighted` draw. Both depend
//!   on the whole local batch, so they are not slice-exact.

use crate::capacity::check_weights;
use crate::choose::stream::{key, RowStream};
use crate::parallel;
use crate::strategy::{route_batch, route_batch_into, Batch, Strategy};
use crate::InputError;

/// The replicas of `E` experts in CSR form: expert `e`'s are
/// `offsets[e]..offsets[e + 1]`, replica `r` with capacity `capacities[r]`.
#[derive(Debug, Clone, Copy)]
pub struct Replicas<'a> {
    /// `E + 1` non-decreasing offsets from 0 to `capacities.len()`.
    pub offsets: &'a [u32],
    /// Relative capacity of each replica, finite and `>= 0`.
    pub capacities: &'a [f64],
}

impl Replicas<'_> {
    fn check(&self) -> Result<(), InputError> {
        let offsets = self.offsets;
        if offsets.len() < 2 {
            return Err(InputError::new("replicas.offsets", "needs at least 2 entries (one expert)"));
        }
        if offsets[0] != 0 {
            return Err(InputError::at("replicas.offsets", 0, format!("{} is not 0", offsets[0])));
        }
        if let Some(i) = offsets.windows(2).position(|w| w[1] < w[0]) {
            return Err(InputError::at(
                "replicas.offsets",
                i + 1,
                format!("{} is less than the offset before", offsets[i + 1]),
            ));
        }
        let last = offsets[offsets.len() - 1] as usize;
        if last != self.capacities.len() {
            let (len, at) = (self.capacities.len(), offsets.len() - 1);
            let reason = format!("{last} does not match replicas.capacities length {len}");
            return Err(InputError::at("replicas.offsets", at, reason));
        }
        if !self.capacities.is_empty() {
            check_weights(self.capacities, "replicas.capacities")?;
        }
        Ok(())
    }

    fn of(&self, expert: usize) -> (usize, &[f64]) {
        let (first, end) = (self.offsets[expert] as usize, self.offsets[expert + 1] as usize);
        (first, &self.capacities[first..end])
    }
}

/// Physical replica of each slot of `experts` (`k` slots per token; -1 stays -1).
pub fn dispatch_replicas(
    experts: &[i32],
    replicas: &Replicas,
    k: usize,
    strategy: Strategy,
    seed: u64,
    token_offset: u64,
) -> Result<Vec<i32>, InputError> {
    replicas.check()?;
    if k == 0 {
        return Err(InputError::new("options.k", "must be at least 1"));
    }
    if !experts.len().is_multiple_of(k) {
        return Err(InputError::new("experts", format!("length {} is not a multiple of k = {k}", experts.len())));
    }
    let n = replicas.offsets.len() - 1;
    for (i, &e) in experts.iter().enumerate() {
        if e < -1 || e >= n as i32 {
            return Err(InputError::at("experts", i, format!("{e} is not -1 or an expert in [0, {n})")));
        }
        if e >= 0 && !replicas.of(e as usize).1.iter().any(|&c| c > 0.0) {
            return Err(InputError::at("experts", i, format!("expert {e} has no replica of positive capacity")));
        }
    }
    if token_offset.checked_add(experts.len() as u64 / k as u64).and_then(|t| t.checked_mul(k as u64)).is_none() {
        return Err(InputError::new("options.tokenOffset", "too large"));
    }
    let mut out = vec![-1; experts.len()];
    match strategy {
        Strategy::Hash | Strategy::Weighted => {
            let first_slot = token_offset * k as u64;
            let work = experts.len().saturating_mul(16);
            let per_chunk = parallel::chunk_len(experts.len(), work);
            parallel::for_each_chunk(
                &mut out,
                per_chunk,
                work,
                || (),
                |_, chunk, slots| {
                    for (i, slot) in slots.iter_mut().enumerate() {
                        let at = chunk * per_chunk + i;
                        *slot = one_slot(experts[at], replicas, strategy, seed, first_slot + at as u64);
                    }
                },
            );
        }
        Strategy::Stride | Strategy::Phase => {
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
            for (slot, &e) in experts.iter().enumerate() {
                if e >= 0 {
                    members[e as usize].push(slot);
                }
            }
            for (e, slots) in members.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
                let (first, capacities) = replicas.of(e);
                let batch = expert_batch(capacities, slots.len(), seed);
                let routes = route_batch(&batch, strategy)?;
                for (&slot, &r) in slots.iter().zip(&routes) {
                    out[slot] = if r >= 0 {
                        (first + r as usize) as i32
                    } else {
                        one_slot(e as i32, replicas, Strategy::Weighted, seed, token_offset * k as u64 + slot as u64)
                    };
                }
            }
        }
    }
    Ok(out)
}

fn expert_batch(capacities: &[f64], sources: usize, seed: u64) -> Batch<'_> {
    Batch {
        sources,
        targets: capacities.len(),
        source_weights: None,
        target_capacities: Some(capacities),
        k: 1,
        density: 0.3,
        seed,
    }
}

/// The replica of one slot by a strategy that treats each slot on its own:
/// a one-source batch whose seed comes from the call's seed and the global slot.
fn one_slot(expert: i32, replicas: &Replicas, strategy: Strategy, seed: u64, global_slot: u64) -> i32 {
    if expert < 0 {
        return -1;
    }
    let (first, capacities) = replicas.of(expert as usize);
    let slot_seed = RowStream::new(key(seed), global_slot).next_u64();
    let mut replica = -1;
    // Checked above: the expert has replicas, some of positive capacity.
    let routed =
        route_batch_into(&expert_batch(capacities, 1, slot_seed), strategy, std::slice::from_mut(&mut replica));
    match routed {
        Ok(()) if replica >= 0 => first as i32 + replica,
        _ => unreachable!("a checked expert always has a replica"),
    }
}
