//! Conformance: every vector made by the reference crate is reproduced bit for bit,
//! by the shipped kernel and by the baseline walk.

use base64::Engine;
use phase_router_kernel::{auto_permutations, phase_route, phase_route_auto, walk, BitMatrices, Layout};
use std::io::Read;
use std::path::Path;

struct Vector {
    name: String,
    n: usize,
    k: usize,
    seed: u64,
    s_bits: Vec<u64>,
    t_bits: Vec<u64>,
    perms: Option<(Vec<u32>, Vec<u32>)>,
    routes: Vec<i32>,
}

fn decode<const W: usize, T>(json: &serde_json::Value, key: &str, from: fn([u8; W]) -> T) -> Vec<T> {
    let text = json[key].as_str().unwrap_or_else(|| panic!("missing {key}"));
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).unwrap();
    bytes.chunks_exact(W).map(|c| from(c.try_into().unwrap())).collect()
}

fn load(path: &Path) -> Vector {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let perms = (!json["autoPerms"].as_bool().unwrap())
        .then(|| (decode(&json, "permS", u32::from_le_bytes), decode(&json, "permT", u32::from_le_bytes)));
    Vector {
        name: json["name"].as_str().unwrap().to_string(),
        n: json["n"].as_u64().unwrap() as usize,
        k: json["k"].as_u64().unwrap() as usize,
        seed: json["seed"].as_str().unwrap().parse().unwrap(),
        s_bits: decode(&json, "sBits", u64::from_le_bytes),
        t_bits: decode(&json, "tBits", u64::from_le_bytes),
        perms,
        routes: decode(&json, "routes", i32::from_le_bytes),
    }
}

fn vectors() -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let vectors: Vec<Vector> = paths.iter().map(|p| load(p)).collect();
    assert_eq!(vectors.len(), 13, "expected the 13 reference vectors");
    vectors
}

#[test]
fn shipped_kernel_reproduces_every_vector() {
    for v in vectors() {
        let m = BitMatrices { s_bits: &v.s_bits, t_bits: &v.t_bits, n: v.n };
        let routes = match &v.perms {
            Some((ps, pt)) => phase_route(&m, v.k, ps, pt, v.seed).unwrap(),
            None => phase_route_auto(&m, v.k, v.seed).unwrap(),
        };
        assert!(routes == v.routes, "{}: shipped kernel differs from the reference", v.name);
    }
}

#[test]
fn baseline_walk_reproduces_every_vector() {
    for v in vectors() {
        let m = BitMatrices { s_bits: &v.s_bits, t_bits: &v.t_bits, n: v.n };
        let (ps, pt) = v.perms.clone().unwrap_or_else(|| auto_permutations(v.n, v.n, v.seed));
        let (sd, td) = m.degrees();
        let layout = Layout::new(sd, td, &ps, pt).unwrap();
        let mut out = vec![0; v.n * v.k];
        walk::route(&layout, v.k, v.seed, &mut out);
        assert!(out == v.routes, "{}: walk differs from the reference", v.name);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    for v in vectors().into_iter().filter(|v| v.perms.is_none()) {
        let m = BitMatrices { s_bits: &v.s_bits, t_bits: &v.t_bits, n: v.n };
        let a = one.install(|| phase_route_auto(&m, v.k, v.seed).unwrap());
        let b = three.install(|| phase_route_auto(&m, v.k, v.seed).unwrap());
        assert!(a == v.routes && b == v.routes, "{}", v.name);
    }
}
