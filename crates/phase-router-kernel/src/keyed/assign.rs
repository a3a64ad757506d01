//! Bounded loads for a batch of keys: every target gets at most its share of
//! the batch times a load factor, and a key whose preferred target is full
//! takes its next preference.

use super::{check_k, preferences_into, Layout};
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
    let n = layout.len();
    let mut order: Vec<u32> = (0..hashes.len() as u32).collect();
    order.sort_by_key(|&i| hashes[i as usize]);
    let mut loads = vec![0u64; n];
    let mut out = vec![-1i32; hashes.len() * k];
    let mut row = Vec::with_capacity(k);
    let mut prefs: Vec<i32> = Vec::new();
    let mut run = 0;
    while run < order.len() {
        // Copies of one key (equal hashes) share one preference list, made as
        // long as they need it; `skip` of its entries are full for good.
        let x = hashes[order[run] as usize];
        let end = run + order[run..].iter().take_while(|&&i| hashes[i as usize] == x).count();
        prefs.clear();
        let mut skip = 0;
        for &i in &order[run..end] {
            row.clear();
            let mut p = skip;
            loop {
                while p < prefs.len() && row.len() < k {
                    let t = prefs[p];
                    if loads[t as usize] < caps[t as usize] {
                        row.push(t);
                    }
                    p += 1;
                }
                if row.len() == k || prefs.len() == n {
                    break;
                }
                // A longer list: its first entries are the same preferences.
                prefs.resize((2 * prefs.len()).max(k).min(n), -1);
                preferences_into(layout, x, &mut prefs, |_| false);
            }
            for &t in &row {
                loads[t as usize] += 1;
            }
            while skip < prefs.len() && loads[prefs[skip] as usize] >= caps[prefs[skip] as usize] {
                skip += 1;
            }
            out[i as usize * k..i as usize * k + row.len()].copy_from_slice(&row);
        }
        run = end;
    }
    Ok(out)
}

/// Each target's most slots in a batch of `keys * k`.
pub fn caps(layout: &Layout, keys: usize, k: usize, load_factor: f64) -> Vec<u64> {
    let slots = (keys * k) as f64;
    layout.targets().iter().map(|t| (load_factor * t.capacity / layout.total() * slots).ceil() as u64).collect()
}
