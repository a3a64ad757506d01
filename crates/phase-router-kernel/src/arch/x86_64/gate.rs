//! The gate's per-token work ([`choose::rows`]: row maxima, exponentials,
//! sums, block maxima and the top-k filter) compiled again with AVX2 or
//! AVX-512, so that its loops run four or eight `f64` lanes per instruction
//! instead of SSE2's two. The code is the portable one; it rounds the same
//! at every vector width (no fused multiply-adds), so the bits are the same.

use super::detect::{Avx2Token, Avx512Token};
use crate::gate::choose::{self, Candidate, Scratch};
use crate::gate::GateOptions;

impl Avx512Token {
    /// [`choose::rows`] with AVX-512 F.
    #[inline]
    pub fn gate_rows(
        self,
        options: &GateOptions,
        logits: &[f32],
        width: usize,
        scratch: &mut Scratch,
        out: &mut [Candidate],
    ) {
        // SAFETY: the token proves that the CPU has AVX-512 F.
        unsafe { rows_avx512(options, logits, width, scratch, out) }
    }
}

impl Avx2Token {
    /// [`choose::rows`] with AVX2.
    #[inline]
    pub fn gate_rows(
        self,
        options: &GateOptions,
        logits: &[f32],
        width: usize,
        scratch: &mut Scratch,
        out: &mut [Candidate],
    ) {
        // SAFETY: the token proves that the CPU has AVX2.
        unsafe { rows_avx2(options, logits, width, scratch, out) }
    }
}

#[target_feature(enable = "avx512f")]
fn rows_avx512(options: &GateOptions, logits: &[f32], width: usize, scratch: &mut Scratch, out: &mut [Candidate]) {
    choose::rows(options, logits, width, scratch, out)
}

#[target_feature(enable = "avx2")]
fn rows_avx2(options: &GateOptions, logits: &[f32], width: usize, scratch: &mut Scratch, out: &mut [Candidate]) {
    choose::rows(options, logits, width, scratch, out)
}

#[cfg(test)]
mod tests {
    use super::super::Tokens;
    use crate::gate::choose::{self, bits, Candidate, Scratch};
    use crate::gate::{GateOptions, Groups, Scoring};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Rows of every kind the gate takes: plain softmax, bias, groups,
    /// sigmoid, ties, exponentials that underflow, lengths that are not a
    /// multiple of the vector width.
    #[test]
    fn vector_twins_choose_as_the_portable_loops() {
        let tokens = Tokens::get();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for round in 0..400 {
            let experts = [1, 3, 8, 13, 64, 100, 128, 256][round % 8];
            let k = rng.gen_range(1..=experts.min(9));
            let width = rng.gen_range(k..=experts.min(2 * k + 1));
            // A block of short rows (`gate::short`) and rows after it.
            let rows = 23;
            let levels = [3, 1000, 1 << 24][round % 3];
            let mut logits: Vec<f32> =
                (0..rows * experts).map(|_| rng.gen_range(0..levels) as f32 * 8.0 / levels as f32 - 4.0).collect();
            if round % 5 == 0 {
                logits.iter_mut().step_by(3).for_each(|x| *x -= 760.0);
            }
            let bias: Vec<f32> = (0..experts).map(|_| rng.gen_range(-0.05..0.05)).collect();
            let groups = (experts % 4 == 0 && round % 2 == 0).then_some(Groups { count: 4, topk: 2 });
            let options = GateOptions {
                scoring: if round % 3 == 0 { Scoring::Sigmoid } else { Scoring::Softmax },
                bias: (round % 4 < 2).then_some(&bias[..]),
                groups: groups.filter(|g| g.topk * experts / g.count >= width),
                ..GateOptions::new(experts, k)
            };
            let run = |twin: &dyn Fn(&mut Scratch, &mut [Candidate])| {
                let mut out = vec![Candidate::default(); rows * width];
                twin(&mut Scratch::default(), &mut out);
                bits(&out)
            };
            let portable = run(&|s, out| choose::rows(&options, &logits, width, s, out));
            if let Some(avx512) = tokens.avx512 {
                assert_eq!(run(&|s, out| avx512.gate_rows(&options, &logits, width, s, out)), portable, "{round}");
            }
            if let Some(avx2) = tokens.avx2 {
                assert_eq!(run(&|s, out| avx2.gate_rows(&options, &logits, width, s, out)), portable, "{round}");
            }
        }
    }
}
