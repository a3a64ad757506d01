//! A checked routing problem in the form the kernels use: two rings and two placements.

use super::Ring;
use crate::problem::perm::{check_permutation, inverse};
use crate::problem::{check_degrees, InputError};
use std::borrow::Cow;

/// Where every source and target sits, ready to route.
///
/// Sources are the rows being routed (rows of S), targets are what they are
/// routed to (rows of T). With `m` sources and `n` targets:
/// - the S-ring has `n` positions; source `j` owns the arc
///   `[s.offset[j], s.offset[j] + s.degree[j])` and target `c` sits at `perm_s[c]`;
/// - the T-ring has `m` positions; target `c` owns the arc
///   `[t.offset[c], t.offset[c] + t.degree[c])` and source `j` sits at `perm_t[j]`.
///
/// Target `c` is a candidate of source `j` when each lies on the other's arc.
///
/// The fields are private so that a layout always holds what [`Layout::new`]
/// checked: the sweep writes rows from several threads at once and relies on
/// `perm_t` being a permutation.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    /// The S-ring: one arc per source, `n` positions.
    pub(crate) s: Ring,
    /// The T-ring: one arc per target, `m` positions.
    pub(crate) t: Ring,
    /// Position of each target on the S-ring.
    pub(crate) perm_s: Vec<u32>,
    /// Position of each source on the T-ring.
    pub(crate) perm_t: Cow<'a, [u32]>,
    /// Target at each position of the S-ring (the inverse of `perm_s`).
    pub(crate) target_at: Vec<u32>,
}

impl<'a> Layout<'a> {
    /// Checks degrees and permutations and lays out the rings.
    ///
    /// `s_degree` has one entry per source (each at most the number of targets),
    /// `t_degree` one per target (each at most the number of sources); `perm_s`
    /// permutes the targets, `perm_t` the sources.
    pub fn new(
        s_degree: Vec<u32>,
        t_degree: Vec<u32>,
        perm_s: &[u32],
        perm_t: impl Into<Cow<'a, [u32]>>,
    ) -> Result<Self, InputError> {
        let perm_t = perm_t.into();
        let (m, n) = (s_degree.len(), t_degree.len());
        if n > i32::MAX as usize {
            return Err(InputError::new("tDegrees", format!("{n} targets do not fit in an Int32 output")));
        }
        check_permutation(perm_s, n, "permS")?;
        check_permutation(&perm_t, m, "permT")?;
        check_degrees(&s_degree, n, "sDegrees")?;
        check_degrees(&t_degree, m, "tDegrees")?;
        Ok(Self::new_unchecked(s_degree, t_degree, perm_s, perm_t))
    }

    /// Lays out inputs already known to be valid.
    pub(crate) fn new_unchecked(
        s_degree: Vec<u32>,
        t_degree: Vec<u32>,
        perm_s: &[u32],
        perm_t: Cow<'a, [u32]>,
    ) -> Self {
        let (m, n) = (s_degree.len(), t_degree.len());
        Layout {
            s: Ring::new(s_degree, n),
            t: Ring::new(t_degree, m),
            perm_s: perm_s.to_vec(),
            perm_t,
            target_at: inverse(perm_s),
        }
    }

    /// Number of sources (rows of the output).
    pub fn sources(&self) -> usize {
        self.s.degree.len()
    }

    /// Number of targets (values in the output).
    pub fn targets(&self) -> usize {
        self.t.degree.len()
    }
}
