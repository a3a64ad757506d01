//! A portable `exp` for the gate's scores: the same bits on every platform
//! (it uses only `+`, `-`, `*` and bit operations, never the platform's libm),
//! and simple enough to vectorize. `__test__/support/gate-reference.js`
//! transcribes it operation for operation, so JavaScript gets the same bits.
//!
//! Method: `n = round(x / ln 2)` (by adding and subtracting `1.5 * 2^52`, which
//! rounds to nearest, ties to even), `r = x - n ln 2` in two parts (Cody and
//! Waite: `n * LN2_HI` is exact), `e^r` by its Taylor polynomial of degree 12
//! (Estrin's scheme, in the order written below), times `2^n` built from its bits. Accuracy: within 5e-16 relative
//! of the true value (about 2 units in the last place; the test sweeps it
//! against libm) for `-708 <= x <= 709`; results below `e^-708`
//! (about 3.3e-308, the edge of the normal range) are flushed to 0, and
//! `x > 709` gives infinity.

const LOG2E: f64 = std::f64::consts::LOG2_E;
/// `ln 2` in two parts; the first has 32 trailing zero bits, so `n * LN2_HI` is exact.
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// `1.5 * 2^52`: adding it rounds to an integer, kept in the low bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
const MIN: f64 = -708.0;
const MAX: f64 = 709.0;

/// `1 / i!` for `i = 0..=12`, each one correctly rounded division.
const INVERSE_FACTORIALS: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362880.0,
    1.0 / 3628800.0,
    1.0 / 39916800.0,
    1.0 / 479001600.0,
];

/// `e^x`: see the module documentation.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let small = x < MIN;
    let large = x > MAX;
    let clamped = if small {
        MIN
    } else if large {
        MAX
    } else {
        x
    };
    let shifted = clamped * LOG2E + SHIFT;
    let n = shifted - SHIFT;
    let r = (clamped - n * LN2_HI) - n * LN2_LO;
    // Estrin's scheme (shorter dependency chains than Horner's).
    let c = &INVERSE_FACTORIALS;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let s0 = (c[0] + c[1] * r) + (c[2] + c[3] * r) * r2;
    let s1 = (c[4] + c[5] * r) + (c[6] + c[7] * r) * r2;
    let s2 = (c[8] + c[9] * r) + (c[10] + c[11] * r) * r2;
    let p = (s0 + s1 * r4) + (s2 + c[12] * r4) * r8;
    // The low bits of `shifted` hold n (in [-1022, 1023]); n + 1023 is 2^n's exponent field.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    let value = p * scale;
    if small {
        0.0
    } else if large {
        f64::INFINITY
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::exp;

    #[test]
    fn close_to_libm_across_the_range() {
        let mut worst = 0.0f64;
        let steps = 2_000_000;
        for i in 0..=steps {
            let x = -708.0 + 1417.0 * i as f64 / steps as f64;
            let (ours, libm) = (exp(x), x.exp());
            worst = worst.max(((ours - libm) / libm).abs());
        }
        for x in [-1e-300, 0.0, 1e-300, -0.5, 0.5, -1.0, 1.0, -88.7, 88.7] {
            worst = worst.max(((exp(x) - x.exp()) / x.exp()).abs());
        }
        assert!(worst < 5e-16, "worst relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-709.0), 0.0);
        assert_eq!(exp(-1e300), 0.0);
        assert_eq!(exp(710.0), f64::INFINITY);
    }

    #[test]
    fn monotone_on_a_fine_grid() {
        let mut x = -30.0f64;
        let mut last = exp(x);
        while x < 0.0 {
            x += 1.0 / 4096.0 + 1e-9;
            let next = exp(x);
            assert!(next >= last, "exp({x}) = {next} < {last}");
            last = next;
        }
    }
}
