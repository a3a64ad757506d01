//! `weighted`: `k` distinct targets per source, drawn with probability
//! proportional to capacity (successive sampling without replacement).
//!
//! Each target gets the key `-ln(u) / capacity` with `u` uniform from the
//! row's own stream: an exponential variable whose rate is the capacity. The
//! `k` smallest keys are a weighted sample without replacement
//! (Efraimidis-Spirakis), the same as weighted rendezvous hashing.

use crate::choose::stream::{key, RowStream};
use crate::parallel;

/// Fills each row of `out` (`k` slots, all -1) with up to `k` distinct targets
/// of positive capacity, smallest key first.
pub fn route(capacities: &[f64], k: usize, seed: u64, out: &mut [i32]) {
    let key = key(seed);
    // Every row draws a key for every target.
    let work = (out.len() / k).saturating_mul(capacities.len());
    parallel::for_each_chunk(out, k, work, Vec::new, |keys: &mut Vec<(f64, u32)>, row, slots| {
        let mut stream = RowStream::new(key, row as u64);
        keys.clear();
        for (target, &capacity) in capacities.iter().enumerate() {
            // Draw for every target, so that a target's key does not depend on
            // which other targets have capacity.
            let u = stream.open_unit();
            if capacity > 0.0 {
                keys.push((-u.ln() / capacity, target as u32));
            }
        }
        let picks = k.min(keys.len());
        if picks < keys.len() {
            keys.select_nth_unstable_by(picks, |a, b| a.0.total_cmp(&b.0));
        }
        keys[..picks].sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        slots.iter_mut().zip(&keys[..picks]).for_each(|(slot, &(_, target))| *slot = target as i32);
    });
}
