//! Capacities and their consequences (docs/algorithm.md#the-published-benchmark): row degrees from weights,
//! hard caps, first-come enforcement, loads, survival and the benchmark's profiles.

use crate::problem::InputError;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::str::FromStr;

/// Row degrees proportional to weights: `clamp(round(w[i] / mean(w) * density * ring_len), 1, ring_len)`.
///
/// `round` is half away from zero. Weights must be finite, non-negative and not all zero;
/// `density` must lie in `(0, 1]`.
pub fn degrees_from_weights(
    weights: &[f64],
    ring_len: usize,
    density: f64,
    argument: &'static str,
) -> Result<Vec<u32>, InputError> {
    if !(density > 0.0 && density <= 1.0) {
        return Err(InputError::new("density", format!("{density} is not in (0, 1]")));
    }
    check_weights(weights, argument)?;
    let mean = weights.iter().sum::<f64>() / weights.len() as f64;
    if mean.is_nan() || mean <= 0.0 {
        return Err(InputError::new(argument, "weights are all zero"));
    }
    let scale = density * ring_len as f64;
    Ok(weights.iter().map(|w| (w / mean * scale).round().clamp(1.0, ring_len as f64) as u32).collect())
}

/// Checks that every weight is a finite number `>= 0`.
pub fn check_weights(weights: &[f64], argument: &'static str) -> Result<(), InputError> {
    if weights.is_empty() {
        return Err(InputError::new(argument, "is empty"));
    }
    match weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
        Some(i) => Err(InputError::at(argument, i, format!("{} is not a finite number >= 0", weights[i]))),
        None => Ok(()),
    }
}

/// Hard caps: `max(1, ceil(cap[c] / sum(cap) * tokens * k * headroom))` slots per target.
pub fn hard_caps(capacities: &[f64], tokens: usize, k: usize, headroom: f64) -> Result<Vec<i32>, InputError> {
    check_weights(capacities, "capacities")?;
    if !(headroom.is_finite() && headroom > 0.0) {
        return Err(InputError::new("headroom", format!("{headroom} is not a finite number > 0")));
    }
    let total: f64 = capacities.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return Err(InputError::new("capacities", "capacities are all zero"));
    }
    let demand = (tokens * k) as f64;
    let cap = |c: f64| (c / total * demand * headroom).ceil().clamp(1.0, i32::MAX as f64) as i32;
    Ok(capacities.iter().map(|&c| cap(c)).collect())
}

/// Routes after first-come-first-served enforcement of hard caps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enforced {
    /// The routes with every slot over its target's cap set to -1.
    pub routes: Vec<i32>,
    /// Slots that kept their target.
    pub kept: usize,
    /// Slots that had a target but found it full.
    pub dropped: usize,
}

/// One pass over the routes in row-major order; a slot whose target is full is dropped.
///
/// Empty slots (-1) stay empty and count neither as kept nor as dropped.
pub fn enforce_capacity(routes: &[i32], k: usize, caps: &[i32]) -> Result<Enforced, InputError> {
    if k == 0 || !routes.len().is_multiple_of(k) {
        return Err(InputError::new("k", format!("{k} does not divide the routes' length {}", routes.len())));
    }
    if let Some(i) = caps.iter().position(|&c| c < 0) {
        return Err(InputError::at("caps", i, format!("{} is negative", caps[i])));
    }
    check_routes(routes, caps.len())?;
    let mut room = caps.to_vec();
    let (mut kept, mut dropped) = (0, 0);
    let routes = routes
        .iter()
        .map(|&target| {
            if target < 0 {
                return -1;
            }
            let left = &mut room[target as usize];
            if *left > 0 {
                *left -= 1;
                kept += 1;
                target
            } else {
                dropped += 1;
                -1
            }
        })
        .collect();
    Ok(Enforced { routes, kept, dropped })
}

/// Slots routed to each of `targets` targets; -1 is ignored.
pub fn target_loads(routes: &[i32], targets: usize) -> Result<Vec<i32>, InputError> {
    check_routes(routes, targets)?;
    let mut loads = vec![0i32; targets];
    for &target in routes.iter().filter(|&&t| t >= 0) {
        loads[target as usize] += 1;
    }
    Ok(loads)
}

/// Share of slots that hold a target (not -1); 0 for no slots.
pub fn survival_rate(routes: &[i32]) -> f64 {
    if routes.is_empty() {
        return 0.0;
    }
    routes.iter().filter(|&&t| t >= 0).count() as f64 / routes.len() as f64
}

/// Checks that every route is -1 or a target index below `targets`.
pub fn check_routes(routes: &[i32], targets: usize) -> Result<(), InputError> {
    match routes.iter().position(|&t| t < -1 || t as i64 >= targets as i64) {
        Some(i) => Err(InputError::at("routes", i, format!("{} is not -1 or a target in 0..{targets}", routes[i]))),
        None => Ok(()),
    }
}

/// The capacity profiles of the published benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Every target has capacity 1.
    Uniform,
    /// 20% of targets at 3x.
    Mild,
    /// 10% at 8x, the next 20% at 2x, the rest at 1x.
    Strong,
    /// 5% (at least one) at 16x.
    Extreme,
}

impl FromStr for Profile {
    type Err = InputError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "uniform" => Ok(Profile::Uniform),
            "mild" => Ok(Profile::Mild),
            "strong" => Ok(Profile::Strong),
            "extreme" => Ok(Profile::Extreme),
            _ => Err(InputError::new("name", format!("'{name}' is not one of uniform, mild, strong, extreme"))),
        }
    }
}

/// Capacities of `n` targets for a profile: a leading block of big targets,
/// then shuffled by ChaCha8 keyed by `seed` on a stream of its own.
pub fn capacity_profile(profile: Profile, n: usize, seed: u64) -> Vec<f64> {
    let share = |fraction: f64| (fraction * n as f64) as usize;
    let blocks: Vec<(usize, f64)> = match profile {
        Profile::Uniform => vec![],
        Profile::Mild => vec![(share(0.2), 3.0)],
        Profile::Strong => vec![(share(0.1), 8.0), (share(0.2), 2.0)],
        Profile::Extreme => vec![(share(0.05).max(1), 16.0)],
    };
    let mut caps = vec![1.0; n];
    let mut at = 0;
    for (count, value) in blocks {
        let end = (at + count).min(n);
        caps[at..end].fill(value);
        at = end;
    }
    // A stream of its own: with the default stream the shuffle would equal
    // the automatic permS drawn from the same seed, so all big targets would
    // sit side by side on the S-ring and their loads would collapse.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(PROFILE_STREAM);
    caps.shuffle(&mut rng);
    caps
}

/// ChaCha stream used to shuffle capacity profiles ("profile" in ASCII).
const PROFILE_STREAM: u64 = 0x70726f66696c65;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_follow_weights_and_saturate() {
        let d = degrees_from_weights(&[1.0, 1.0, 2.0, 0.0, 12.0], 10, 0.3, "w").unwrap();
        // mean 3.2: 1/3.2*3 = 0.94 -> 1; 2/3.2*3 = 1.875 -> 2; 0 -> clamped to 1; 12/3.2*3 = 11.25 -> 10
        assert_eq!(d, vec![1, 1, 2, 1, 10]);
        assert_eq!(degrees_from_weights(&[1.0; 4], 10, 0.25, "w").unwrap(), vec![3; 4]); // 2.5 rounds up
        assert!(degrees_from_weights(&[1.0, f64::NAN], 10, 0.3, "w").is_err());
        assert!(degrees_from_weights(&[1.0], 10, 0.0, "w").is_err());
    }

    #[test]
    fn profiles_have_their_blocks() {
        let strong = capacity_profile(Profile::Strong, 100, 3);
        assert_eq!(strong.iter().filter(|&&c| c == 8.0).count(), 10);
        assert_eq!(strong.iter().filter(|&&c| c == 2.0).count(), 20);
        assert_eq!(capacity_profile(Profile::Extreme, 10, 0).iter().filter(|&&c| c == 16.0).count(), 1);
        assert_ne!(capacity_profile(Profile::Mild, 50, 1), capacity_profile(Profile::Mild, 50, 2));
    }

    #[test]
    fn profile_shuffle_is_independent_of_the_auto_permutation() {
        // Same seed, same length: the big targets must not follow permS's order.
        let caps = capacity_profile(Profile::Strong, 1000, 42);
        let (perm_s, _) = crate::auto_permutations(1000, 1000, 42);
        let big_positions = (0..1000).filter(|&c| caps[c] == 8.0).map(|c| perm_s[c]);
        assert!(big_positions.clone().any(|p| p >= 500) && big_positions.clone().any(|p| p < 500));
    }

    #[test]
    fn survival_counts_filled_slots() {
        assert_eq!(survival_rate(&[0, -1, 3, -1]), 0.5);
        assert_eq!(survival_rate(&[]), 0.0);
    }
}
