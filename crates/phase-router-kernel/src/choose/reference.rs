//! Reference mode's chooser: bit-exact with the walk, a word at a time.
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
//! rand's accept-or-retry step on each word, work the walk does too. Each
//! word's outcome decides which candidate the next word draws for, so a
//! row's draws form one serial chain. Where the CPU has AVX-512, sixteen
//! rows' chains and streams run in vector lanes (`arch/x86_64/reservoir16.rs`):
//! a long row then waits in a lane, with its candidates, until its draws are
//! done. Elsewhere [`Holdings`] runs two rows' chains side by side. Either
//! way the stream and the chains bound how much faster any bit-exact kernel
//! can be; [`fast`](super::fast) is the mode that drops the draws.

use super::reservoir::Holdings;
#[cfg(target_arch = "x86_64")]
use crate::arch::{self, Avx512CdToken, Drawing, Lanes};
use crate::ring::Layout;
use crate::sweep::{sweep, ArcWords, Chooser, RowToFill};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`); same output as [`crate::walk::route`].
pub(crate) fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx512) = arch::cpu().reservoir_lanes().filter(|_| k <= arch::LANES_MAX_K) {
        return route_in_lanes(avx512, layout, k, seed, out);
    }
    route_in_pairs(layout, k, seed, out)
}

/// [`route`], drawing two rows at a time.
fn route_in_pairs(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    sweep(layout, k, out, || ReservoirChooser { target_at: &layout.target_at, seed, holdings: Holdings::new(k) })
}

/// [`route`], drawing sixteen rows at once in vector lanes.
#[cfg(target_arch = "x86_64")]
fn route_in_lanes(avx512: Avx512CdToken, layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    sweep(layout, k, out, || LanesChooser {
        target_at: &layout.target_at,
        seed,
        lanes: Lanes::new(avx512, k),
        spare: Vec::new(),
        held: vec![0; k],
    })
}

/// Algorithm R replayed from the candidate count.
struct ReservoirChooser<'a> {
    target_at: &'a [u32],
    seed: u64,
    holdings: Holdings,
}

impl<'out> Chooser<'out> for ReservoirChooser<'_> {
    const DRAWS_PER_CANDIDATE: bool = true;

    fn choose(&mut self, row: usize, candidates: &mut ArcWords, slots: &'out mut [i32]) {
        let count = candidates.count();
        let held = self.holdings.one(count as u64, row_seed(self.seed, row));
        place(held, candidates, self.target_at, slots);
    }

    fn choose_two(&mut self, first: RowToFill<'_, 'out>, second: RowToFill<'_, 'out>) {
        let counts = [first.candidates.count(), second.candidates.count()];
        let seeds = [row_seed(self.seed, first.row), row_seed(self.seed, second.row)];
        let (held, second_held) = self.holdings.two(counts.map(|count| count as u64), seeds);
        place(held, first.candidates, self.target_at, first.slots);
        place(second_held, second.candidates, self.target_at, second.slots);
    }
}

/// The reference seeds row `j`'s generator with `seed + j`.
fn row_seed(seed: u64, row: usize) -> u64 {
    seed.wrapping_add(row as u64)
}

/// Algorithm R replayed from the candidate count, sixteen rows at once
/// ([`Lanes`]). A long row waits in a lane, with its candidates, until its
/// draws are done, and is filled then.
#[cfg(target_arch = "x86_64")]
struct LanesChooser<'a, 'out> {
    target_at: &'a [u32],
    seed: u64,
    lanes: Lanes<'out, ArcWords>,
    /// Candidate buffers of finished rows, handed back to the sweep in
    /// exchange for the next long row's.
    spare: Vec<ArcWords>,
    /// The held candidate indices of the row being filled.
    held: Vec<u32>,
}

#[cfg(target_arch = "x86_64")]
impl<'out> Chooser<'out> for LanesChooser<'_, 'out> {
    const DRAWS_PER_CANDIDATE: bool = true;

    fn choose(&mut self, row: usize, candidates: &mut ArcWords, slots: &'out mut [i32]) {
        let count = candidates.count();
        let lane = match self.lanes.free_lane() {
            Some(lane) => lane,
            None => {
                self.fill_finished();
                self.lanes.free_lane().expect("a row was finished")
            }
        };
        let mut kept = self.spare.pop().unwrap_or_default();
        std::mem::swap(&mut kept, candidates);
        self.lanes.start(lane, count, row_seed(self.seed, row), Drawing { slots, with: kept });
    }

    fn finish(&mut self) {
        while self.lanes.busy() {
            self.fill_finished();
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl LanesChooser<'_, '_> {
    /// Draws until some rows are done, and fills them.
    fn fill_finished(&mut self) {
        let (target_at, held, spare) = (self.target_at, &mut self.held, &mut self.spare);
        self.lanes.finish_some(|row: Drawing<ArcWords>| {
            held.iter_mut().zip(row.slots.iter()).for_each(|(index, &slot)| *index = slot as u32);
            place(held, &row.with, target_at, row.slots);
            spare.push(row.with);
        });
    }
}

/// Fills `slots` with the candidates of the indices in `held`.
fn place(held: &[u32], candidates: &ArcWords, target_at: &[u32], slots: &mut [i32]) {
    candidates.select(held, |slot, position| slots[slot] = target_at[position] as i32);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choose::stream::RowStream;

    #[test]
    fn drawing_in_lanes_or_in_pairs_gives_the_same_rows() {
        for (n, seed) in [(50, 1), (300, 2), (1000, 3)] {
            let mut stream = RowStream::new(seed, 0);
            let mut degrees = || (0..n).map(|_| stream.below(n as u64 + 1) as u32).collect::<Vec<_>>();
            let (s, t) = (degrees(), degrees());
            let (perm_s, perm_t) = crate::problem::perm::auto_permutations(n, n, seed);
            let layout = Layout::new(s, t, &perm_s, &perm_t).unwrap();
            for k in [1, 2, 5, 16, 33] {
                let mut pairs = vec![0; n * k];
                route_in_pairs(&layout, k, seed, &mut pairs);
                let mut shipped = vec![0; n * k];
                route(&layout, k, seed, &mut shipped);
                assert_eq!(pairs, shipped, "n {n} k {k}");
            }
        }
    }
}
