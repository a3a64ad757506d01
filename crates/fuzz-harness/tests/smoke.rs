//! A bounded, deterministic fuzz run that CI performs on stable Rust.
//!
//! The same harness runs under cargo-fuzz for as long as wanted (see
//! docs/reliability.md); this test feeds it a fixed set of edge-case inputs
//! and a fixed pseudo-random stream, so a failure here reproduces exactly.

use phase_router_fuzz_harness::exercise;
use std::time::{Duration, Instant};

/// Inputs that hit each mode's corners: empty data, all zeros, all ones.
#[test]
fn edge_inputs_route_or_fail_cleanly() {
    for mode in 0u8..8 {
        exercise(&[mode]);
        exercise(&[mode; 64]);
        let mut ones = vec![0xff; 256];
        ones[0] = mode;
        exercise(&ones);
    }
    exercise(&[]);
}

/// Several thousand pseudo-random inputs, bounded in time so CI stays fast on 2 cores.
#[test]
fn random_inputs_route_or_fail_cleanly() {
    let cases: u64 = std::env::var("FUZZ_SMOKE_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(20000);
    let budget = Duration::from_secs(60);
    let start = Instant::now();
    let mut state = 0x5eed_u64;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let z = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb) ^ (z >> 31)
    };
    let mut done = 0;
    for case in 0..cases {
        let len = (next() % 96) as usize;
        let mut data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if let Some(first) = data.first_mut() {
            *first = (case % 8) as u8; // every mode gets its share
        }
        exercise(&data);
        done += 1;
        if start.elapsed() > budget {
            break;
        }
    }
    assert!(done >= cases.min(500), "only {done} cases ran within the time budget");
    eprintln!("fuzz smoke: {done} cases in {:.1?}", start.elapsed());
}
