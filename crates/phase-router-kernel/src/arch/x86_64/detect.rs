//! The one place that asks the CPU what it has, and the tokens that prove it.
//!
//! Each token is a zero-sized value that only [`Tokens::detect`] can make,
//! and only when the CPU reports every feature the token names. A kernel
//! compiled for those features takes the token as an argument, so holding
//! one is the proof that calling it is sound, and its methods can be safe.
//! Each token stands for the feature set of the kernels that take it: adding
//! a feature to a kernel means adding it here, in one list.

use std::sync::OnceLock;

/// POPCNT: the portable popcount loops, compiled with the instruction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PopcntToken(());

/// AVX-512 F and VPOPCNTDQ, and POPCNT: eight words counted per instruction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512PopcntToken(());

/// AVX-512 F and BMI2: a row's candidates found by rank, sixteen ranks per compare.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512Bmi2Token(());

/// AVX-512 F: the gate's per-token loops compiled for 512-bit vectors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512Token(());

/// AVX2: the gate's per-token loops compiled for 256-bit vectors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2Token(());

/// AVX2 and BMI2: the same, with the compiler's AVX2 compares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2Bmi2Token(());

/// LZCNT and BMI2: the reference's reservoir draws, compiled with them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LzcntBmi2Token(());

/// AVX-512 F, CD and VL, AVX2 and POPCNT: the reference's draws for
/// sixteen rows at once, ChaCha8 included.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512CdToken(());

/// AVX-512 F, DQ, CD, BW, VL, VPOPCNTDQ and BITALG: fast mode's draws and
/// lookups for `k <= 16` in registers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512BitalgToken(());

/// Every token this CPU earns, found once per process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tokens {
    pub popcnt: Option<PopcntToken>,
    pub avx512_popcnt: Option<Avx512PopcntToken>,
    pub avx512_bmi2: Option<Avx512Bmi2Token>,
    pub avx2_bmi2: Option<Avx2Bmi2Token>,
    pub avx512: Option<Avx512Token>,
    pub avx2: Option<Avx2Token>,
    pub lzcnt_bmi2: Option<LzcntBmi2Token>,
    pub avx512_cd: Option<Avx512CdToken>,
    pub avx512_bitalg: Option<Avx512BitalgToken>,
}

impl Tokens {
    /// The tokens of the CPU running this process, detected on the first call.
    pub fn get() -> Tokens {
        static TOKENS: OnceLock<Tokens> = OnceLock::new();
        *TOKENS.get_or_init(Tokens::detect)
    }

    fn detect() -> Tokens {
        // One `has` per feature, so each list below reads like its token's doc.
        let has = |features: &[bool]| features.iter().all(|&f| f).then_some(());
        let popcnt = is_x86_feature_detected!("popcnt");
        let avx2 = is_x86_feature_detected!("avx2");
        let bmi2 = is_x86_feature_detected!("bmi2");
        let lzcnt = is_x86_feature_detected!("lzcnt");
        let f = is_x86_feature_detected!("avx512f");
        let dq = is_x86_feature_detected!("avx512dq");
        let cd = is_x86_feature_detected!("avx512cd");
        let bw = is_x86_feature_detected!("avx512bw");
        let vl = is_x86_feature_detected!("avx512vl");
        let vpopcntdq = is_x86_feature_detected!("avx512vpopcntdq");
        let bitalg = is_x86_feature_detected!("avx512bitalg");
        Tokens {
            popcnt: has(&[popcnt]).map(PopcntToken),
            avx512_popcnt: has(&[f, vpopcntdq, popcnt]).map(Avx512PopcntToken),
            avx512_bmi2: has(&[f, bmi2]).map(Avx512Bmi2Token),
            avx2_bmi2: has(&[avx2, bmi2]).map(Avx2Bmi2Token),
            avx512: has(&[f]).map(Avx512Token),
            avx2: has(&[avx2]).map(Avx2Token),
            lzcnt_bmi2: has(&[lzcnt, bmi2]).map(LzcntBmi2Token),
            avx512_cd: has(&[f, cd, vl, avx2, popcnt]).map(Avx512CdToken),
            avx512_bitalg: has(&[f, dq, cd, bw, vl, vpopcntdq, bitalg]).map(Avx512BitalgToken),
        }
    }
}
