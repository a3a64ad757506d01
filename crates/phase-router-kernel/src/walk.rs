//! The straightforward walk of docs/algorithm.md#the-reference-algorithm: the baseline every faster kernel is measured against.
//!
//! Row `j` visits each position of its S-arc in order, looks up the target
//! sitting there and tests whether the row's T-point lies on that target's
//! T-arc. Work is the sum of the S-degrees, and memory access jumps around.

use crate::choose::reservoir::Reservoir;
use crate::parallel;
use crate::ring::Layout;

/// Routes every source into `out` (`sources * k` slots) by walking its S-arc.
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    out.fill(-1);
    // Every row tests each position of its S-arc: the sum of the S-degrees.
    let work = layout.s.degree.iter().map(|&d| d as usize).sum::<usize>();
    parallel::for_each_chunk(out, k, work, || (), |_, j, slots| walk_row(layout, j, seed, slots));
}

fn walk_row(layout: &Layout, j: usize, seed: u64, slots: &mut [i32]) {
    let n = layout.s.len as u64;
    let start = layout.s.offset[j] as u64;
    let point = layout.perm_t[j];
    let mut reservoir = Reservoir::new(slots, seed.wrapping_add(j as u64));
    for step in 0..layout.s.degree[j] as u64 {
        let c = layout.target_at[((start + step) % n) as usize];
        if layout.t.covers(c as usize, point) {
            reservoir.offer(c);
        }
    }
}
