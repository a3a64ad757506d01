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

use crate::bitset::{ArcWords, RingBitset};
use crate::layout::Layout;
use crate::stream::{key, RowStream};
use crate::sweep::{keep_all, sweep, Chooser};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`) in fast mode.
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    let key = key(seed);
    sweep(layout, k, out, || FloydChooser {
        target_at: &layout.target_at,
        key,
        taken: RingBitset::new(layout.s.len),
        ranks: Vec::with_capacity(k),
    })
}

/// Floyd's sampling of `k` distinct candidate ranks.
struct FloydChooser<'a> {
    target_at: &'a [u32],
    key: u64,
    /// Ranks drawn so far in this row, over `0..count` (cleared again before the next row).
    taken: RingBitset,
    /// The drawn ranks in ascending order.
    ranks: Vec<u32>,
}

impl Chooser for FloydChooser<'_> {
    fn choose(&mut self, row: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let count = candidates.count();
        let k = slots.len();
        if count <= k {
            keep_all(candidates, self.target_at, slots);
            return;
        }
        // Floyd: for each `top` in count-k..count, draw `r` in 0..=top and keep
        // `r`, or `top` itself when `r` is already kept. Every k-subset of
        // 0..count comes out with the same probability.
        let mut stream = RowStream::new(self.key, row as u64);
        for top in (count - k) as u64..count as u64 {
            let r = stream.below(top + 1) as usize;
            let rank = if self.taken.contains(r) { top as usize } else { r };
            self.taken.set(rank);
        }
        // Reading the drawn ranks back from the bitset sorts them for free;
        // ascending ranks select the kept candidates in visit order. Draining
        // the bitset clears it for the next row.
        self.ranks.clear();
        self.taken.drain(count, |rank| self.ranks.push(rank as u32));
        let target_at = self.target_at;
        candidates.select(self.ranks.iter().copied(), |i, position| slots[i] = target_at[position] as i32);
    }
}
