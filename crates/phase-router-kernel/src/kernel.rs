//! The shipped reference-mode kernel: bit-exact with the walk, a word at a time.
//!
//! The walk tests every position of a row's S-arc, about `density * n` steps
//! per row. Here the [`sweep`](crate::sweep) hands each row its candidates as
//! the set bits of a bitset, so they are counted with popcounts (`n / 64`
//! words per row). The reservoir must still make every draw the reference
//! makes (one per candidate past the `k`-th) to stay bit-exact, but those
//! draws need only the candidate count: [`Holdings`] says which
//! candidate index each slot keeps, and only those `k` candidates are looked
//! up, by rank in the bitset.
//!
//! What is left is mostly those draws: producing the ChaCha8 stream and
//! rand's accept-or-retry step on each word, work the walk does too. The
//! stream is read straight from ChaCha8's blocks, but each word's outcome
//! decides which candidate the next word draws for, so the draws form one
//! serial chain per row (a multiply, a leading-zero count, a shift and a
//! compare per word). Two rows' chains run side by side, which hides part
//! of their latency, but the chains and the stream bound how much faster
//! any bit-exact kernel can be; [`crate::fast`] is the mode that drops the draws.

use crate::bitset::ArcWords;
use crate::layout::Layout;
use crate::reservoir::Holdings;
use crate::sweep::{keep_all, sweep, Chooser, RowToFill};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`); same output as [`crate::walk::route`].
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    sweep(layout, k, out, || ReservoirChooser {
        target_at: &layout.target_at,
        seed,
        holdings: Holdings::new(k),
    })
}

/// Algorithm R replayed from the candidate count.
struct ReservoirChooser<'a> {
    target_at: &'a [u32],
    seed: u64,
    holdings: Holdings,
}

impl Chooser for ReservoirChooser<'_> {
    const DRAWS_PER_CANDIDATE: bool = true;

    fn choose(&mut self, row: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let count = candidates.count();
        if count <= slots.len() {
            keep_all(candidates, self.target_at, slots);
            return;
        }
        let held = self.holdings.one(count as u64, self.row_seed(row));
        place(held, candidates, self.target_at, slots);
    }

    fn choose_two(&mut self, first: RowToFill, second: RowToFill) {
        let counts = [first.candidates.count(), second.candidates.count()];
        let seeds = [self.row_seed(first.row), self.row_seed(second.row)];
        let (held, second_held) = self.holdings.two(counts.map(|count| count as u64), seeds);
        place(held, first.candidates, self.target_at, first.slots);
        place(second_held, second.candidates, self.target_at, second.slots);
    }
}

impl ReservoirChooser<'_> {
    /// The reference seeds row `j`'s generator with `seed + j`.
    fn row_seed(&self, row: usize) -> u64 {
        self.seed.wrapping_add(row as u64)
    }
}

/// Fills `slots` with the candidates of the indices in `held`.
fn place(held: &[u32], candidates: &ArcWords, target_at: &[u32], slots: &mut [i32]) {
    candidates.select(held, |slot, position| slots[slot] = target_at[position] as i32);
}
