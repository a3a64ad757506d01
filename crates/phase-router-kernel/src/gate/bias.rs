//! Auxiliary-loss-free load balancing (DeepSeek-V3): after each batch, every
//! expert's bias moves by `rate` towards the mean load.

use super::js_number;
use crate::InputError;

/// A new bias: `bias[e] + rate * sign(mean - counts[e])`, computed in `f64`
/// and rounded to `f32`, where `mean` is the mean of `counts` and `sign(0) = 0`.
/// An underloaded expert's bias rises, an overloaded one's falls.
///
/// ```
/// use phase_router_kernel::gate::update_bias;
/// let bias = update_bias(&[0.0, 0.0, 0.5], &[1.0, 5.0, 3.0], 0.25).unwrap();
/// assert_eq!(bias, [0.25, -0.25, 0.5]);
/// ```
pub fn update_bias(bias: &[f32], counts: &[f64], rate: f64) -> Result<Vec<f32>, InputError> {
    if bias.is_empty() {
        return Err(InputError::new("bias", "is empty"));
    }
    if counts.len() != bias.len() {
        let (c, b) = (counts.len(), bias.len());
        return Err(InputError::new("counts", format!("length {c} does not match bias length {b}")));
    }
    if let Some(e) = bias.iter().position(|b| !b.is_finite()) {
        return Err(InputError::at("bias", e, format!("{} is not a finite number", js_number(bias[e] as f64))));
    }
    if let Some(e) = counts.iter().position(|c| !(c.is_finite() && *c >= 0.0)) {
        return Err(InputError::at("counts", e, format!("{} is not a finite number >= 0", js_number(counts[e]))));
    }
    if !rate.is_finite() {
        return Err(InputError::new("rate", format!("{rate} is not a finite number")));
    }
    let mean = counts.iter().sum::<f64>() / counts.len() as f64;
    let sign = |c: f64| {
        if mean > c {
            1.0
        } else if mean < c {
            -1.0
        } else {
            0.0
        }
    };
    Ok(bias.iter().zip(counts).map(|(&b, &c)| (b as f64 + rate * sign(c)) as f32).collect())
}
