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
use crate::sweep::{sweep, Chooser, RowToFill};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`) in fast mode.
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    route_drawing(layout, k, seed, out, in_registers(k))
}

/// [`route`], drawing in registers or not: both give the same output.
fn route_drawing(layout: &Layout, k: usize, seed: u64, out: &mut [i32], in_registers: bool) {
    let key = key(seed);
    sweep(layout, k, out, || FloydChooser {
        target_at: &layout.target_at,
        key,
        taken: [RingBitset::new(layout.s.len), RingBitset::new(layout.s.len)],
        ranks: [vec![0; k.max(LANES)], vec![0; k.max(LANES)]],
        places: [vec![0; k.max(LANES)], vec![0; k.max(LANES)]],
        in_registers,
    })
}

/// Up to this many slots a row is drawn and looked up on the scalar path
/// even where [`crate::floyd16`] runs: its sixteen lanes cost the same for
/// any `k`, while a few scalar draws and lookups cost less. At n = 4096 on
/// one thread a whole fast route took 0.18 ms at k = 1 and 0.32 ms at
/// k = 4 this way, against 0.42 ms in lanes; at k = 6 the two were even,
/// at k = 8 the lanes won.
#[cfg(target_arch = "x86_64")]
const SCALAR_K: usize = 6;

/// Up to this many drawn ranks, their order is found by comparing them pairwise.
const PAIRWISE_K: usize = 8;

/// Whether [`crate::floyd16`] can draw rows of `k` slots on this CPU, and is worth it.
fn in_registers(k: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    return k > SCALAR_K && crate::floyd16::available(k);
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Vectors hold at least this many ranks (what [`crate::floyd16`] writes).
#[cfg(target_arch = "x86_64")]
const LANES: usize = crate::floyd16::LANES;
#[cfg(not(target_arch = "x86_64"))]
const LANES: usize = 0;

/// Floyd's sampling of `k` distinct candidate ranks, for one row or two side by side.
struct FloydChooser<'a> {
    target_at: &'a [u32],
    key: u64,
    /// Per row being drawn: the ranks drawn so far, over `0..count` (cleared
    /// again before the next row).
    taken: [RingBitset; 2],
    /// Per row being drawn: the drawn ranks, in the order drawn ...
    ranks: [Vec<u32>; 2],
    /// ... and the slot each goes to: its place among them in ascending order.
    places: [Vec<u32>; 2],
    /// Whether rows are drawn by [`crate::floyd16`] (if it can, it is faster).
    in_registers: bool,
}

impl<'out> Chooser<'out> for FloydChooser<'_> {
    fn choose(&mut self, row: usize, candidates: &mut ArcWords, slots: &'out mut [i32]) {
        let count = candidates.count();
        if self.draw_in_registers([row], [count], slots.len()) {
            self.place_in_registers(0, candidates, slots);
            return;
        }
        self.draw([row], [count], slots.len());
        self.place(0, candidates, slots);
    }

    fn choose_two(&mut self, first: RowToFill<'_, 'out>, second: RowToFill<'_, 'out>) {
        let (k, counts) = (first.slots.len(), [first.candidates.count(), second.candidates.count()]);
        let rows = [first.row, second.row];
        if self.draw_in_registers(rows, counts, k) {
            self.place_in_registers(0, first.candidates, first.slots);
            self.place_in_registers(1, second.candidates, second.slots);
            return;
        }
        self.draw(rows, counts, k);
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
                self.ranks[i][step] = rank as u32;
            }
        }
        // Ascending ranks are visit order: each rank's place among them is
        // counted, and the bitset cleared for the next row. A few ranks are
        // compared pairwise and their bits cleared one by one; more are
        // counted with popcounts in the bitset.
        for i in 0..ROWS {
            let ranks = &self.ranks[i][..k];
            if k <= PAIRWISE_K {
                for (place, &rank) in self.places[i].iter_mut().zip(ranks) {
                    *place = ranks.iter().filter(|&&other| other < rank).count() as u32;
                    self.taken[i].clear(rank as usize);
                }
            } else {
                self.taken[i].places_then_clear(counts[i], ranks, &mut self.places[i]);
            }
        }
    }

    /// [`draw`](Self::draw) with [`crate::floyd16`] where the CPU and `k`
    /// allow; false when the rows must be drawn by `draw`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
    fn draw_in_registers<const ROWS: usize>(&mut self, rows: [usize; ROWS], counts: [usize; ROWS], k: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        if self.in_registers {
            let mut ranks = self.ranks.iter_mut().map(|ranks| (&mut ranks[..LANES]).try_into().unwrap());
            let mut places = self.places.iter_mut().map(|places| (&mut places[..LANES]).try_into().unwrap());
            let ranks = std::array::from_fn(|_| ranks.next().unwrap());
            let places = std::array::from_fn(|_| places.next().unwrap());
            // SAFETY: `in_registers` is set only where `floyd16` runs.
            return unsafe { crate::floyd16::draw(self.key, rows.map(|row| row as u64), counts, k, ranks, places) };
        }
        false
    }

    /// [`place`](Self::place) for ranks drawn by [`crate::floyd16`] (sorted, so each one's place is its index).
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
    fn place_in_registers(&self, i: usize, candidates: &ArcWords, slots: &mut [i32]) {
        #[cfg(target_arch = "x86_64")]
        {
            let ranks = self.ranks[i][..LANES].try_into().unwrap();
            // SAFETY: ranks are drawn in registers only where the CPU has what this needs too.
            unsafe { candidates.select_targets16(ranks, self.target_at, slots) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        unreachable!("nothing is drawn in registers here");
    }

    /// Fills `slots` with the candidates at the ranks drawn for row `i`, in visit order.
    fn place(&self, i: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let (target_at, places) = (self.target_at, &self.places[i]);
        candidates.select(&self.ranks[i][..slots.len()], |drawn, position| slots[places[drawn] as usize] = target_at[position] as i32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A layout of `n` sources and targets with random degrees and permutations.
    fn random_layout(n: usize, seed: u64) -> (Vec<u32>, Vec<u32>, Vec<u32>, Vec<u32>) {
        let mut stream = RowStream::new(seed, 0);
        let mut degrees = || (0..n).map(|_| stream.below(n as u64 + 1) as u32).collect::<Vec<_>>();
        let (s, t) = (degrees(), degrees());
        let (perm_s, perm_t) = crate::perm::auto_permutations(n, n, seed);
        (s, t, perm_s, perm_t)
    }

    #[test]
    fn drawing_in_registers_or_not_gives_the_same_rows() {
        for (n, seed) in [(50, 1), (300, 2), (1000, 3)] {
            let (s, t, perm_s, perm_t) = random_layout(n, seed);
            let layout = Layout::new(s, t, &perm_s, &perm_t).unwrap();
            for k in 1..=16 {
                let mut scalar = vec![0; n * k];
                route_drawing(&layout, k, seed, &mut scalar, false);
                let mut fast = vec![0; n * k];
                route(&layout, k, seed, &mut fast);
                assert_eq!(scalar, fast, "n {n} k {k}");
            }
        }
    }
}
