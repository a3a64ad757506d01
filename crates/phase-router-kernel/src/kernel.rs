//! The shipped reference-mode kernel: bit-exact with the walk, laid out for the cache.
//!
//! The walk looks up, for every S-position it visits, the target sitting there
//! and then that target's T-arc: three scattered reads per step. Here the T-arc
//! of the target at every S-position is gathered once per call into one array
//! in S-ring order, so a row's walk is a linear scan over at most two
//! contiguous slices (its arc may wrap around the end of the ring).

use crate::layout::Layout;
use crate::reservoir::Reservoir;
use crate::ring::arc_covers;
use rayon::prelude::*;

/// The T-arc of the target at one S-position.
#[derive(Clone, Copy)]
struct Slot {
    arc_start: u32,
    arc_len: u32,
    target: u32,
}

/// Routes every source into `out` (`sources * k` slots); same output as [`crate::walk::route`].
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    let slots: Vec<Slot> = layout
        .target_at
        .iter()
        .map(|&c| Slot { arc_start: layout.t.offset[c as usize], arc_len: layout.t.degree[c as usize], target: c })
        .collect();
    out.fill(-1);
    out.par_chunks_mut(k)
        .with_min_len(16)
        .enumerate()
        .for_each(|(j, row)| route_row(layout, &slots, j, seed, row));
}

fn route_row(layout: &Layout, slots: &[Slot], j: usize, seed: u64, row: &mut [i32]) {
    let ring_len = layout.t.len as u32;
    let point = layout.perm_t[j];
    let (start, len) = (layout.s.offset[j] as usize, layout.s.degree[j] as usize);
    let first = &slots[start..(start + len).min(slots.len())];
    let wrapped = &slots[..(start + len).saturating_sub(slots.len())];
    let mut reservoir = Reservoir::new(row, seed.wrapping_add(j as u64));
    for slot in first.iter().chain(wrapped) {
        if arc_covers(slot.arc_start, slot.arc_len, point, ring_len) {
            reservoir.offer(slot.target);
        }
    }
}
