//! The uniform hash baseline of the published benchmark (`hashRoute`),
//! public as `phase_router_kernel::hash`. Not [`Strategy::Hash`](crate::strategy::Strategy::Hash),
//! which picks distinct targets.

use crate::parallel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `k` independent uniform picks in `0..targets` for each of `sources` rows
/// (a row may repeat a target, as published).
///
/// Row `j` draws from its own ChaCha8 stream (key from `seed`, stream `j`), so
/// any row can be recomputed alone and no two seeds share shifted streams.
pub fn hash_route(sources: usize, targets: usize, k: usize, seed: u64) -> Vec<i32> {
    let mut out = vec![-1; sources * k];
    if targets == 0 || k == 0 {
        return out;
    }
    let key = ChaCha8Rng::seed_from_u64(seed).get_seed();
    // A row's generator fills a 256-byte buffer before its first draw: count that as 64 steps.
    let work = sources.saturating_mul(k + 64);
    parallel::for_each_chunk(
        &mut out,
        k,
        work,
        || (),
        |_, j, row| {
            let mut rng = ChaCha8Rng::from_seed(key);
            rng.set_stream(j as u64);
            row.iter_mut().for_each(|slot| *slot = rng.gen_range(0..targets as u32) as i32);
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_in_range_and_deterministic() {
        let a = hash_route(100, 7, 3, 9);
        assert!(a.iter().all(|&t| (0..7).contains(&t)));
        assert_eq!(a, hash_route(100, 7, 3, 9));
        assert_ne!(a, hash_route(100, 7, 3, 10));
    }
}
