//! The inputs of every bench: the published MoE benchmark's strong profile (docs/algorithm.md#the-published-benchmark).

use phase_router_kernel::capacity::{capacity_profile, degrees_from_weights, Profile};
use phase_router_kernel::{auto_permutations, build_bits, Layout};

/// The seed of the published benchmark, used for capacities, permutations and routing.
pub const SEED: u64 = 42;

/// `n` sources routed to `n` targets: degrees, permutations, and the matrices on demand.
pub struct Inputs {
    pub n: usize,
    pub s_degree: Vec<u32>,
    pub t_degree: Vec<u32>,
    pub perm_s: Vec<u32>,
    pub perm_t: Vec<u32>,
}

impl Inputs {
    /// Every source row gets `round(density * n)` ones, target row `c` gets
    /// ones in proportion to its strong-profile capacity, permutations as `phaseRouterAuto`.
    pub fn strong(n: usize, density: f64) -> Inputs {
        let capacities = capacity_profile(Profile::Strong, n, SEED);
        let s_degree = degrees_from_weights(&vec![1.0; n], n, density, "sourceWeights").unwrap();
        let t_degree = degrees_from_weights(&capacities, n, density, "targetCapacities").unwrap();
        let (perm_s, perm_t) = auto_permutations(n, n, SEED);
        Inputs { n, s_degree, t_degree, perm_s, perm_t }
    }

    pub fn layout(&self) -> Layout<'_> {
        Layout::new(self.s_degree.clone(), self.t_degree.clone(), &self.perm_s, &self.perm_t[..]).unwrap()
    }

    /// Left-aligned S and T bit matrices with these degrees.
    pub fn bits(&self) -> (Vec<u64>, Vec<u64>) {
        (build_bits(&self.s_degree, self.n).unwrap(), build_bits(&self.t_degree, self.n).unwrap())
    }
}
