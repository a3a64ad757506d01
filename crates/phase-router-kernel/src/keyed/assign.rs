//! Bounded loads for a batch of keys: every target gets at most its share of
//! the batch times a load factor, and a key whose preferred target is full
//! takes its next preference.

use super::{check_k, preferences_limited, Layout, TRIAL_LIMIT};
use crate::InputError;

/// Assigns `k` distinct targets to each key hash so that target `j` gets at
/// most `ceil(load_factor * capacity_j / total * keys * k)` slots.
///
/// Keys are served in the order of their hashes (equal hashes, which are
/// equal keys, in the order given), so the result does not depend on the
/// order of the batch: a key gets its own preferences, skipping full targets.
/// A slot stays `-1` only when fewer than `k` targets with room are left to
/// it, which `load_factor >= 1` makes rare (a target can hold at most one of a
/// key's `k` slots). `load_factor` must be at least 1.
pub fn assign(layout: &Layout, hashes: &[u64], k: usize, load_factor: f64) -> Result<Vec<i32>, InputError> {
    check_k(layout, hashes.len(), k)?;
    if !(load_factor.is_finite() && load_factor >= 1.0) {
        return Err(InputError::new("options.loadFactor", format!("{load_factor} is not a finite number >= 1")));
    }
    let caps = caps(layout, hashes.len(), k, load_factor);
    let mut order: Vec<u32> = (0..hashes.len() as u32).collect();
    order.sort_by_key(|&i| hashes[i as usize]);
    let mut loads = vec![0u64; layout.len()];
    let mut out = vec![-1i32; hashes.len() * k];
    let mut open = layout.total();
    let mut row = vec![-1i32; k];
    for &i in &order {
        // Fruitless trials allowed before the exact fallback: many times the
        // expected number given the capacity still open.
        let expected = layout.slots() as f64 * layout.bound() / open.max(f64::MIN_POSITIVE);
        let limit = (64.0 * expected).clamp(64.0, TRIAL_LIMIT as f64) as u64;
        row.fill(-1);
        let got =
            preferences_limited(layout, hashes[i as usize], &mut row, |t| loads[t as usize] >= caps[t as usize], limit);
        for &t in &row[..got] {
            loads[t as usize] += 1;
            if loads[t as usize] == caps[t as usize] {
                open -= layout.targets()[t as usize].capacity;
            }
        }
        out[i as usize * k..(i as usize + 1) * k].copy_from_slice(&row);
    }
    Ok(out)
}

/// Each target's most slots in a batch of `keys * k`.
pub fn caps(layout: &Layout, keys: usize, k: usize, load_factor: f64) -> Vec<u64> {
    let slots = (keys * k) as f64;
    layout.targets().iter().map(|t| (load_factor * t.capacity / layout.total() * slots).ceil() as u64).collect()
}
