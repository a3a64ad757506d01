//! Fast mode: the reference's candidates, a cheaper uniform choice among them.
//!
//! Every row gets exactly the candidate set of the reference (the same
//! [`sweep`](crate::sweep)). A row with at most `k` candidates keeps all of
//! them in visit order, as in the reference. A longer row keeps a uniformly
//! random `k`-subset, written in visit order, but drawn differently: instead
//! of one ChaCha8 draw per candidate past the `k`-th (Algorithm R), Floyd's
//! algorithm picks `k` distinct ranks out of the `count` candidates with
//! exactly `k` draws (plus rare rejections), from a counter-based generator
//! keyed by `(seed, row)`. Output is therefore not the reference's, but it is
//! fixed: the same on every platform and thread count, frozen by the
//! vectors in `tests/golden-fast/`.

use crate::bitset::{ArcWords, RingBitset, DRAIN_SLACK};
use crate::layout::Layout;
use crate::stream::{key, RowStream};
use crate::sweep::{keep_all, sweep, Chooser, RowToFill};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`) in fast mode.
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    let key = key(seed);
    sweep(layout, k, out, || FloydChooser {
        target_at: &layout.target_at,
        key,
        taken: [RingBitset::new(layout.s.len), RingBitset::new(layout.s.len)],
        ranks: [vec![0; k + DRAIN_SLACK], vec![0; k + DRAIN_SLACK]],
    })
}

/// Floyd's sampling of `k` distinct candidate ranks, for one row or two side by side.
struct FloydChooser<'a> {
    target_at: &'a [u32],
    key: u64,
    /// Per row being drawn: the ranks drawn so far, over `0..count` (cleared
    /// again before the next row).
    taken: [RingBitset; 2],
    /// Per row being drawn: the drawn ranks in ascending order.
    ranks: [Vec<u32>; 2],
}

impl Chooser for FloydChooser<'_> {
    fn choose(&mut self, row: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let count = candidates.count();
        if count <= slots.len() {
            keep_all(candidates, self.target_at, slots);
            return;
        }
        self.draw([row], [count], slots.len());
        self.place(0, candidates, slots);
    }

    fn choose_two(&mut self, first: RowToFill, second: RowToFill) {
        let (k, counts) = (first.slots.len(), [first.candidates.count(), second.candidates.count()]);
        self.draw([first.row, second.row], counts, k);
        self.place(0, first.candidates, first.slots);
        self.place(1, second.candidates, second.slots);
    }
}

impl FloydChooser<'_> {
    /// Draws `k` ranks out of `counts[i]` (each above `k`) for `rows[i]`, into
    /// `ranks[i]`: the rows' draws run side by side, since each row's draws
    /// form a chain through its `taken` bitset.
    fn draw<const ROWS: usize>(&mut self, rows: [usize; ROWS], counts: [usize; ROWS], k: usize) {
        let mut streams = rows.map(|row| RowStream::new(self.key, row as u64));
        // Floyd: for each `top` in count-k..count, draw `r` in 0..=top and keep
        // `r`, or `top` itself when `r` is already kept. Every k-subset of
        // 0..count comes out with the same probability.
        for step in 0..k {
            for i in 0..ROWS {
                let top = counts[i] - k + step;
                let r = streams[i].below(top as u64 + 1) as usize;
                let rank = if self.taken[i].contains(r) { top } else { r };
                self.taken[i].set(rank);
            }
        }
        // Reading the drawn ranks back from the bitset sorts them for free;
        // draining it clears it for the next row.
        for i in 0..ROWS {
            let drawn = self.taken[i].drain_into(counts[i], &mut self.ranks[i]);
            debug_assert_eq!(drawn, k);
        }
    }

    /// Fills `slots` with the candidates at the ranks drawn for row `i`:
    /// ascending ranks put them in visit order.
    fn place(&self, i: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let target_at = self.target_at;
        candidates.select(&self.ranks[i][..slots.len()], |slot, position| slots[slot] = target_at[position] as i32);
    }
}
