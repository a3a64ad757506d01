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

use super::stream::{key, RowStream};
use crate::arch::FLOYD_LANES;
#[cfg(target_arch = "x86_64")]
use crate::arch::{self, Avx512BitalgToken};
use crate::ring::Layout;
use crate::sweep::{sweep, ArcWords, Chooser, RingBitset, RowToFill};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`) in fast mode.
pub(crate) fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx512) = arch::cpu().floyd_lanes().filter(|_| SCALAR_K < k && k <= FLOYD_LANES) {
        return route_drawing(layout, k, seed, out, Some(avx512));
    }
    route_drawing(layout, k, seed, out, None)
}

/// [`route`], drawing in registers where given the token: both give the same output.
fn route_drawing(layout: &Layout, k: usize, seed: u64, out: &mut [i32], in_registers: Option<RegisterToken>) {
    let key = key(seed);
    // The register draws write whole vectors of ranks.
    let len = k.max(FLOYD_LANES);
    sweep(layout, k, out, || FloydChooser {
        target_at: &layout.target_at,
        key,
        taken: [RingBitset::new(layout.s.len), RingBitset::new(layout.s.len)],
        ranks: [vec![0; len], vec![0; len]],
        places: [vec![0; len], vec![0; len]],
        in_registers,
    })
}

/// What draws a row in registers: the AVX-512 token on x86-64, and nothing
/// elsewhere (an enum without values, so that `Option<RegisterToken>` is
/// always `None` there).
#[cfg(target_arch = "x86_64")]
type RegisterToken = Avx512BitalgToken;
#[cfg(not(target_arch = "x86_64"))]
#[derive(Clone, Copy)]
enum RegisterToken {}

/// Up to this many slots a row is drawn and looked up on the scalar path
/// even where the register draws run: their sixteen lanes cost the same for
/// any `k`, while a few scalar draws and lookups cost less. At n = 4096 on
/// one thread a whole fast route took 0.18 ms at k = 1 and 0.32 ms at
/// k = 4 this way, against 0.42 ms in lanes; at k = 6 the two were even,
/// at k = 8 the lanes won.
#[cfg(target_arch = "x86_64")]
const SCALAR_K: usize = 6;

/// Up to this many drawn ranks, their order is found by comparing them pairwise.
const PAIRWISE_K: usize = 8;

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
    /// Where rows are drawn in registers (if it can, it is faster).
    in_registers: Option<RegisterToken>,
}

impl<'out> Chooser<'out> for FloydChooser<'_> {
    fn choose(&mut self, row: usize, candidates: &mut ArcWords, slots: &'out mut [i32]) {
        let count = candidates.count();
        if let Some(token) = self.in_registers {
            if self.draw_in_registers(token, [row], [count], slots.len()) {
                self.place_in_registers(token, 0, candidates, slots);
                return;
            }
        }
        self.draw([row], [count], slots.len());
        self.place(0, candidates, slots);
    }

    fn choose_two(&mut self, first: RowToFill<'_, 'out>, second: RowToFill<'_, 'out>) {
        let (k, counts) = (first.slots.len(), [first.candidates.count(), second.candidates.count()]);
        let rows = [first.row, second.row];
        if let Some(token) = self.in_registers {
            if self.draw_in_registers(token, rows, counts, k) {
                self.place_in_registers(token, 0, first.candidates, first.slots);
                self.place_in_registers(token, 1, second.candidates, second.slots);
                return;
            }
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
        let rows = self.ranks.iter().zip(&mut self.places).zip(&mut self.taken).zip(counts);
        for (((ranks, places), taken), count) in rows {
            let ranks = &ranks[..k];
            if k <= PAIRWISE_K {
                for (place, &rank) in places.iter_mut().zip(ranks) {
                    *place = ranks.iter().filter(|&&other| other < rank).count() as u32;
                    taken.clear(rank as usize);
                }
            } else {
                taken.places_then_clear(count, ranks, places);
            }
        }
    }

    /// Fills `slots` with the candidates at the ranks drawn for row `i`, in visit order.
    fn place(&self, i: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let (target_at, places) = (self.target_at, &self.places[i]);
        candidates.select(&self.ranks[i][..slots.len()], |drawn, position| {
            slots[places[drawn] as usize] = target_at[position] as i32
        });
    }
}

#[cfg(target_arch = "x86_64")]
impl FloydChooser<'_> {
    /// [`draw`](Self::draw) in registers; false when the rows must be drawn by `draw`.
    fn draw_in_registers<const ROWS: usize>(
        &mut self,
        avx512: Avx512BitalgToken,
        rows: [usize; ROWS],
        counts: [usize; ROWS],
        k: usize,
    ) -> bool {
        let mut ranks = self.ranks.iter_mut().map(|ranks| (&mut ranks[..FLOYD_LANES]).try_into().unwrap());
        let mut places = self.places.iter_mut().map(|places| (&mut places[..FLOYD_LANES]).try_into().unwrap());
        let ranks = std::array::from_fn(|_| ranks.next().unwrap());
        let places = std::array::from_fn(|_| places.next().unwrap());
        avx512.draw_floyd16(self.key, rows.map(|row| row as u64), counts, k, ranks, places)
    }

    /// [`place`](Self::place) for ranks drawn in registers (sorted, so each one's place is its index).
    fn place_in_registers(&self, avx512: Avx512BitalgToken, i: usize, candidates: &ArcWords, slots: &mut [i32]) {
        let ranks = self.ranks[i][..FLOYD_LANES].try_into().unwrap();
        avx512.select_targets16(candidates, ranks, self.target_at, slots);
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl FloydChooser<'_> {
    fn draw_in_registers<const ROWS: usize>(
        &mut self,
        never: RegisterToken,
        _: [usize; ROWS],
        _: [usize; ROWS],
        _: usize,
    ) -> bool {
        match never {}
    }

    fn place_in_registers(&self, never: RegisterToken, _: usize, _: &ArcWords, _: &mut [i32]) {
        match never {}
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
        let (perm_s, perm_t) = crate::problem::perm::auto_permutations(n, n, seed);
        (s, t, perm_s, perm_t)
    }

    #[test]
    fn drawing_in_registers_or_not_gives_the_same_rows() {
        for (n, seed) in [(50, 1), (300, 2), (1000, 3)] {
            let (s, t, perm_s, perm_t) = random_layout(n, seed);
            let layout = Layout::new(s, t, &perm_s, &perm_t).unwrap();
            for k in 1..=16 {
                let mut scalar = vec![0; n * k];
                route_drawing(&layout, k, seed, &mut scalar, None);
                let mut fast = vec![0; n * k];
                route(&layout, k, seed, &mut fast);
                assert_eq!(scalar, fast, "n {n} k {k}");
            }
        }
    }
}
