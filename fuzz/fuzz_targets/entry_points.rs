//! Every kernel entry point, fed by libFuzzer: see crates/fuzz-harness for what is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| phase_router_fuzz_harness::exercise(data));
