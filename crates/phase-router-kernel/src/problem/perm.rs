//! Permutations of `0..n`: checking them, inverting them and drawing them from a seed.

use super::InputError;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Checks that `perm` holds every value of `0..n` exactly once.
///
/// The reference panics or silently mis-routes on a broken permutation; here
/// the first out-of-range or repeated entry is reported by its index.
pub fn check_permutation(perm: &[u32], n: usize, argument: &'static str) -> Result<(), InputError> {
    if perm.len() != n {
        return Err(InputError::new(argument, format!("length {} does not match n = {}", perm.len(), n)));
    }
    let mut seen = vec![false; n];
    for (i, &v) in perm.iter().enumerate() {
        let slot = seen
            .get_mut(v as usize)
            .ok_or_else(|| InputError::at(argument, i, format!("{v} is out of range 0..{n}")))?;
        if *slot {
            return Err(InputError::at(argument, i, format!("{v} appears twice")));
        }
        *slot = true;
    }
    Ok(())
}

/// The inverse permutation: `inverse(p)[p[c]] == c`.
pub fn inverse(perm: &[u32]) -> Vec<u32> {
    let mut inv = vec![0u32; perm.len()];
    for (c, &p) in perm.iter().enumerate() {
        inv[p as usize] = c as u32;
    }
    inv
}

/// The two permutations `phaseRouterAuto` draws from a seed, as the reference does:
/// one ChaCha8 stream seeded with `seed` shuffles `0..s_len`, then goes on to
/// shuffle `0..t_len` (rand 0.8's Fisher-Yates, `SliceRandom::shuffle`).
pub fn auto_permutations(s_len: usize, t_len: usize, seed: u64) -> (Vec<u32>, Vec<u32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut perm_s: Vec<u32> = (0..s_len as u32).collect();
    perm_s.shuffle(&mut rng);
    let mut perm_t: Vec<u32> = (0..t_len as u32).collect();
    perm_t.shuffle(&mut rng);
    (perm_s, perm_t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_permutations_name_the_index() {
        assert!(check_permutation(&[2, 0, 1], 3, "permS").is_ok());
        let e = check_permutation(&[0, 3, 1], 3, "permS").unwrap_err();
        assert_eq!((e.argument, e.index), ("permS", Some(1)));
        let e = check_permutation(&[0, 1, 1], 3, "permT").unwrap_err();
        assert_eq!((e.argument, e.index), ("permT", Some(2)));
        assert!(check_permutation(&[0, 1], 3, "permT").unwrap_err().index.is_none());
    }

    #[test]
    fn inverse_undoes_the_permutation() {
        let (p, _) = auto_permutations(100, 0, 7);
        check_permutation(&p, 100, "p").unwrap();
        let inv = inverse(&p);
        assert!((0..100).all(|c| inv[p[c] as usize] == c as u32));
    }
}
