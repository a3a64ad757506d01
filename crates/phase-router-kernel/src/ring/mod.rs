//! The two rings of the phase router and the candidate rule they define.
//!
//! Each side lays its rows around a ring of `len` positions: row `r` owns the
//! arc that starts at `offset[r]` (the exclusive prefix sum of the degrees,
//! modulo `len`) and is `degree[r]` long. A permutation places every row of the
//! *other* side at one point of the ring. A [`Layout`] is the two rings
//! and the two placements of one checked problem.

mod layout;

pub use layout::Layout;

/// One ring: the arc of every row on it.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    /// Number of positions on the ring.
    pub len: usize,
    /// Start of each row's arc.
    pub offset: Vec<u32>,
    /// Length of each row's arc (its degree, at most `len`).
    pub degree: Vec<u32>,
}

impl Ring {
    /// Lays arcs of the given degrees end to end around a ring of `len` positions.
    ///
    /// Degrees must be at most `len` (see [`crate::problem::check_degrees`]).
    pub fn new(degree: Vec<u32>, len: usize) -> Ring {
        let mut offset = Vec::with_capacity(degree.len());
        let mut at = 0u64;
        for &d in &degree {
            offset.push(at as u32);
            // `at < len` and `d <= len`, so one subtraction replaces a (slow) division.
            at += d as u64;
            if at >= len as u64 {
                at -= len as u64;
            }
        }
        Ring { len, offset, degree }
    }

    /// Whether ring point `point` lies on the arc of row `row`.
    #[inline]
    pub fn covers(&self, row: usize, point: u32) -> bool {
        arc_covers(self.offset[row], self.degree[row], point, self.len as u32)
    }
}

/// Whether `point` lies in the cyclic arc `[start, start + len)` of a ring of `ring_len` positions.
#[inline]
pub(crate) fn arc_covers(start: u32, len: u32, point: u32, ring_len: u32) -> bool {
    let distance = if point >= start { point - start } else { point + ring_len - start };
    distance < len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_prefix_sums_modulo_the_ring() {
        let ring = Ring::new(vec![3, 4, 0, 5], 6);
        assert_eq!(ring.offset, vec![0, 3, 1, 1]);
        assert!(ring.covers(1, 3) && ring.covers(1, 0) && !ring.covers(1, 1));
        assert!(!ring.covers(2, 1));
    }

    #[test]
    fn a_full_arc_covers_every_point() {
        assert!((0..5).all(|p| arc_covers(3, 5, p, 5)));
        assert!((0..5).all(|p| !arc_covers(3, 0, p, 5)));
    }
}
