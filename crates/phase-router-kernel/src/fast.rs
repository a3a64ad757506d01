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

use crate::bitset::{ArcBits, RingBitset};
use crate::layout::Layout;
use crate::sweep::{keep_all, sweep, Chooser};

/// Routes every source into `out` (`sources * k` slots, `k >= 1`) in fast mode.
pub fn route(layout: &Layout, k: usize, seed: u64, out: &mut [i32]) {
    let key = mix(seed ^ SEED_SALT);
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
    fn choose(&mut self, row: usize, candidates: ArcBits<'_>, slots: &mut [i32]) {
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
        // ascending ranks select the kept candidates in visit order.
        self.ranks.clear();
        self.taken.arc(0, count).for_each(|rank| self.ranks.push(rank as u32));
        self.ranks.iter().for_each(|&r| self.taken.clear(r as usize));
        let target_at = self.target_at;
        candidates.select(self.ranks.iter().copied(), |i, position| slots[i] = target_at[position] as i32);
    }
}

/// Separates the seed's key from the row numbers it is combined with.
const SEED_SALT: u64 = 0x5851_f42d_4c95_7f2d;
/// SplitMix64's increment (2^64 / golden ratio, odd).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's finaliser: a bijection on 64 bits in which every input bit
/// affects every output bit.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random numbers of one row: SplitMix64 started at a point derived from
/// `(key, row)`, so draw `i` is `mix(start + (i + 1) * GOLDEN_GAMMA)` and any
/// row can be recomputed on its own.
///
/// The start is `mix(key ^ row)` with `key = mix(seed ^ SEED_SALT)`; mixing
/// the seed first is what keeps seed `s + 1` from replaying seed `s`'s rows
/// shifted by one, as `seed + row` would.
struct RowStream {
    state: u64,
}

impl RowStream {
    fn new(key: u64, row: u64) -> Self {
        RowStream { state: mix(key ^ row) }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// Uniform in `0..bound` (`bound >= 1`), by Lemire's multiply-and-reject:
    /// the high half of `x * bound` is uniform once the few `x` whose low half
    /// falls below `2^64 mod bound` are drawn again. That threshold is below
    /// `bound`, so the division that computes it is needed only when the low
    /// half is (almost never, for the small bounds of a row).
    fn below(&mut self, bound: u64) -> u64 {
        let mut product = self.next() as u128 * bound as u128;
        if (product as u64) < bound {
            let reject_below = bound.wrapping_neg() % bound;
            while (product as u64) < reject_below {
                product = self.next() as u128 * bound as u128;
            }
        }
        (product >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_seeds_do_not_share_shifted_rows() {
        let first_draws = |seed: u64, row: u64| {
            let mut s = RowStream::new(mix(seed ^ SEED_SALT), row);
            [s.next(), s.next(), s.next()]
        };
        for row in 0..100 {
            assert_ne!(first_draws(7, row + 1), first_draws(8, row));
            assert_ne!(first_draws(7, row), first_draws(7, row + 1));
        }
    }

    #[test]
    fn below_stays_below_its_bound() {
        let mut s = RowStream::new(1, 2);
        assert!((0..10_000).all(|_| s.below(3) < 3));
        assert!((0..100).all(|_| s.below(1) == 0));
        assert!((0..1000).map(|_| s.below(1 << 40)).any(|x| x >= 1 << 39));
    }
}
