//! The shipped reference-mode kernel: bit-exact with the walk, a word at a time.
//!
//! The walk tests every position of a row's S-arc, about `density * n` steps
//! per row. Here the [`sweep`](crate::sweep) hands each row its candidates as
//! the set bits of a bitset, so they are counted with popcounts (`n / 64`
//! words per row). The reservoir must still make every draw the reference
//! makes (one per candidate past the `k`-th) to stay bit-exact, but those
//! draws need only the candidate count: [`reservoir::holdings`] says which
//! candidate index each slot keeps, and only those `k` candidates are looked
//! up, by rank in the bitset.
//!
//! What is left is mostly those draws: producing the ChaCha8 stream and
//! rand's accept-or-retry step on each word, work the walk does too. The
//! stream is read straight from ChaCha8's blocks, but each word's outcome
//! decides which candidate the next word draws for, so the draws form one
//! serial chain per row (a multiply, a leading-zero count, a shift and a
//! compare per word). That bounds how much faster any bit-exact kernel can
//! be; [`crate::fast`] is the mode that drops the draws.

use crate::bitset::ArcWords;
use crate::layout::Layout;
use crate::reservoir;
use crate::sweep::{keep_all, sweep, Chooser};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`); same output as [`crate::walk::route`].
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    sweep(layout, k, out, || ReservoirChooser {
        target_at: &layout.target_at,
        seed,
        held: vec![0; k],
    })
}

/// Algorithm R replayed from the candidate count.
struct ReservoirChooser<'a> {
    target_at: &'a [u32],
    seed: u64,
    /// Candidate index kept by each slot.
    held: Vec<u32>,
}

impl Chooser for ReservoirChooser<'_> {
    const DRAWS_PER_CANDIDATE: bool = true;

    fn choose(&mut self, row: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let count = candidates.count();
        if count <= slots.len() {
            keep_all(candidates, self.target_at, slots);
            return;
        }
        reservoir::holdings(count as u64, self.seed.wrapping_add(row as u64), &mut self.held);
        let target_at = self.target_at;
        candidates.select(self.held.iter().copied(), |slot, position| slots[slot] = target_at[position] as i32);
    }
}
