//! [`Strategy::Hash`](super::Strategy::Hash): `k` distinct targets per
//! source, uniformly at random, ignoring capacity. (The benchmark's
//! `hash_route`, which may repeat a target, is `benchmark/hash_route.rs`.)

use crate::choose::stream::{key, RowStream};
use crate::parallel;

/// Fills each row of `out` (`k` slots, all -1) with `min(k, targets)` distinct
/// targets drawn uniformly by Floyd's algorithm from the row's own stream.
pub fn route(targets: usize, k: usize, seed: u64, out: &mut [i32]) {
    let key = key(seed);
    let picks = k.min(targets);
    let work = out.len() + targets;
    parallel::for_each_chunk(
        out,
        k,
        work,
        || vec![false; targets],
        |taken, row, slots| {
            // Floyd: for each `top` in targets-picks..targets, draw `r` in
            // 0..=top and keep `r`, or `top` itself when `r` is already kept.
            let mut stream = RowStream::new(key, row as u64);
            for (slot, top) in slots.iter_mut().zip(targets - picks..targets) {
                let r = stream.below(top as u64 + 1) as usize;
                let pick = if taken[r] { top } else { r };
                taken[pick] = true;
                *slot = pick as i32;
            }
            slots[..picks].iter().for_each(|&t| taken[t as usize] = false);
        },
    );
}
