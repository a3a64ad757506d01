//! Fast mode is frozen: its output on a few fixed problems must never change,
//! on any platform or thread count, or every user's routes would shift.
//!
//! Each file in `tests/golden-fast/` holds one problem (degrees, permutations,
//! `k`, seed) and the routes fast mode gave for it. This test routes the
//! stored problem and compares. After a deliberate change to fast mode,
//! regenerate the files (and say so in the changelog) with:
//!
//! ```text
//! WRITE_GOLDEN_FAST=1 cargo test -p phase-router-kernel --release --test golden_fast
//! ```

mod common;

use common::Problem;
use phase_router_kernel::capacity::{capacity_profile, degrees_from_weights, Profile};
use phase_router_kernel::{auto_permutations, route_degrees, Mode};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The frozen problems: a name, the problem, `k` and the seed.
fn cases() -> Vec<(&'static str, Problem, usize, u64)> {
    let profile = |profile, n: usize, density| {
        let capacities = capacity_profile(profile, n, 1);
        let (perm_s, perm_t) = auto_permutations(n, n, 2);
        Problem {
            s_degree: degrees_from_weights(&vec![1.0; n], n, density, "s").unwrap(),
            t_degree: degrees_from_weights(&capacities, n, density, "t").unwrap(),
            perm_s,
            perm_t,
        }
    };
    let single = Problem { s_degree: vec![1], t_degree: vec![1], perm_s: vec![0], perm_t: vec![0] };
    vec![
        ("tiny-n1-k1", single, 1, 0),
        ("n65-strong-k4", profile(Profile::Strong, 65, 0.3), 4, 7),
        ("n257-extreme-dense-k2", profile(Profile::Extreme, 257, 0.9), 2, 1 << 63),
        ("n1024-strong-k4", profile(Profile::Strong, 1024, 0.3), 4, 42),
        ("rect-m300-n100-k8", Problem::random(&mut ChaCha8Rng::seed_from_u64(5), 300, 100), 8, u64::MAX - 3),
    ]
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden-fast").join(format!("{name}.json"))
}

fn route(p: &Problem, k: usize, seed: u64) -> Vec<i32> {
    route_degrees(&p.s_degree, &p.t_degree, k, &p.perm_s, &p.perm_t, seed, Mode::Fast).unwrap()
}

fn numbers<T: TryFrom<i64>>(json: &Value, key: &str) -> Vec<T> {
    let values = json[key].as_array().unwrap_or_else(|| panic!("missing {key}"));
    let number = |v: &Value| v.as_i64().and_then(|i| T::try_from(i).ok());
    values.iter().map(|v| number(v).unwrap_or_else(|| panic!("{key}: {v} is out of range"))).collect()
}

#[test]
fn fast_mode_reproduces_every_frozen_vector() {
    if std::env::var_os("WRITE_GOLDEN_FAST").is_some() {
        for (name, p, k, seed) in cases() {
            let json = json!({
                "name": name, "k": k, "seed": seed.to_string(),
                "sDegrees": p.s_degree, "tDegrees": p.t_degree, "permS": p.perm_s, "permT": p.perm_t,
                "routes": route(&p, k, seed),
            });
            std::fs::create_dir_all(path(name).parent().unwrap()).unwrap();
            std::fs::write(path(name), json.to_string() + "\n").unwrap();
        }
    }
    for (name, _, _, _) in cases() {
        let text = std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json: Value = serde_json::from_str(&text).unwrap();
        let p = Problem {
            s_degree: numbers(&json, "sDegrees"),
            t_degree: numbers(&json, "tDegrees"),
            perm_s: numbers(&json, "permS"),
            perm_t: numbers(&json, "permT"),
        };
        let (k, seed) = (json["k"].as_u64().unwrap() as usize, json["seed"].as_str().unwrap().parse().unwrap());
        assert!(route(&p, k, seed) == numbers::<i32>(&json, "routes"), "{name}: fast mode output changed");
    }
}
