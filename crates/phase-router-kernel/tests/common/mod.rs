//! Random routing problems shared by the integration tests.

use phase_router_kernel::Layout;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Degrees and permutations of a random problem with `m` sources and `n` targets.
pub struct Problem {
    pub s_degree: Vec<u32>,
    pub t_degree: Vec<u32>,
    pub perm_s: Vec<u32>,
    pub perm_t: Vec<u32>,
}

impl Problem {
    /// Mixes empty, full and everything-between rows so that arcs wrap and saturate.
    pub fn random(rng: &mut ChaCha8Rng, m: usize, n: usize) -> Problem {
        let degree = |rng: &mut ChaCha8Rng, ring: usize| match rng.gen_range(0..10) {
            0 => 0,
            1 => ring as u32,
            _ => rng.gen_range(0..=ring as u32),
        };
        let s_degree = (0..m).map(|_| degree(rng, n)).collect();
        let t_degree = (0..n).map(|_| degree(rng, m)).collect();
        let mut perm_s: Vec<u32> = (0..n as u32).collect();
        let mut perm_t: Vec<u32> = (0..m as u32).collect();
        perm_s.shuffle(rng);
        perm_t.shuffle(rng);
        Problem { s_degree, t_degree, perm_s, perm_t }
    }

    #[allow(dead_code)] // each test file compiles its own copy, and not all of them route layouts
    pub fn layout(&self) -> Layout<'_> {
        Layout::new(self.s_degree.clone(), self.t_degree.clone(), &self.perm_s, &self.perm_t[..]).unwrap()
    }
}
