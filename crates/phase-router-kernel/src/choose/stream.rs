//! Counter-based random numbers: one independent stream per `(seed, row)`.
//!
//! Strategies that must be row-independent (any source's targets computable
//! alone from the seed and its index) draw from here. The stream of row `r`
//! starts at `mix(key ^ r)` with `key = mix(seed ^ SALT)`, then walks
//! SplitMix64's Weyl sequence. Mixing the seed first keeps seed `s + 1` from
//! replaying seed `s`'s rows shifted by one, as `seed + row` would.

/// Separates the seed's key from the row numbers it is combined with.
const SEED_SALT: u64 = 0x5851_f42d_4c95_7f2d;
/// SplitMix64's increment (2^64 / golden ratio, odd).
pub const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
/// The two multipliers of [`mix`].
pub const MIX_MULTIPLIERS: [u64; 2] = [0xbf58_476d_1ce4_e5b9, 0x94d0_49bb_1331_11eb];

/// SplitMix64's finaliser: a bijection on 64 bits in which every input bit
/// affects every output bit.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(MIX_MULTIPLIERS[0]);
    z = (z ^ (z >> 27)).wrapping_mul(MIX_MULTIPLIERS[1]);
    z ^ (z >> 31)
}

/// The key of a seed, computed once per call and shared by every row.
#[inline]
pub fn key(seed: u64) -> u64 {
    mix(seed ^ SEED_SALT)
}

/// The random numbers of one row.
pub struct RowStream {
    state: u64,
}

impl RowStream {
    /// The stream of `row` under `key` (from [`key`]).
    #[inline]
    pub fn new(key: u64, row: u64) -> Self {
        RowStream { state: mix(key ^ row) }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// Uniform in the open interval `(0, 1)`, from the top 53 bits.
    #[inline]
    pub fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform in `0..bound` (`bound >= 1`), by Lemire's multiply-and-reject:
    /// the high half of `x * bound` is uniform once the few `x` whose low half
    /// falls below `2^64 mod bound` are drawn again. That threshold is below
    /// `bound`, so the division that computes it is needed only when the low
    /// half is (almost never, for small bounds).
    #[inline]
    pub fn below(&mut self, bound: u64) -> u64 {
        let mut product = self.next_u64() as u128 * bound as u128;
        if (product as u64) < bound {
            let reject_below = bound.wrapping_neg() % bound;
            while (product as u64) < reject_below {
                product = self.next_u64() as u128 * bound as u128;
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
            let mut s = RowStream::new(key(seed), row);
            [s.next_u64(), s.next_u64(), s.next_u64()]
        };
        for row in 0..100 {
            assert_ne!(first_draws(7, row + 1), first_draws(8, row));
            assert_ne!(first_draws(7, row), first_draws(7, row + 1));
        }
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut s = RowStream::new(1, 2);
        assert!((0..10_000).all(|_| s.below(3) < 3));
        assert!((0..100).all(|_| s.below(1) == 0));
        assert!((0..1000).map(|_| s.below(1 << 40)).any(|x| x >= 1 << 39));
        assert!((0..10_000).map(|_| s.open_unit()).all(|u| u > 0.0 && u < 1.0));
    }
}
