//! Square bit matrices stored row-major as little-endian `u64` words.
//!
//! Only each row's popcount (its *degree*) matters to the router, so this
//! module's job is to check a matrix and reduce it to its degrees.

use super::{check_degrees, InputError};
use crate::{arch, parallel};

/// The two square bit matrices of one call, as `phase_router_rs` takes them.
#[derive(Debug, Clone, Copy)]
pub struct BitMatrices<'a> {
    /// S, `n` rows of `ceil(n/64)` little-endian words: row `j` is source `j`.
    pub s_bits: &'a [u64],
    /// T, same shape: row `c` is target `c`.
    pub t_bits: &'a [u64],
    /// Rows and columns of both matrices.
    pub n: usize,
}

impl BitMatrices<'_> {
    /// Checks both matrices' lengths and padding bits.
    pub fn check(&self) -> Result<(), InputError> {
        check_matrix(self.s_bits, self.n, "sBits")?;
        check_matrix(self.t_bits, self.n, "tBits")
    }

    /// Row degrees of S and of T.
    pub fn degrees(&self) -> (Vec<u32>, Vec<u32>) {
        let work = 2 * self.s_bits.len();
        parallel::join(work, || row_degrees(self.s_bits, self.n), || row_degrees(self.t_bits, self.n))
    }
}

/// Number of `u64` words that hold one row of an `n`-column matrix.
pub(crate) fn words_per_row(n: usize) -> usize {
    n.div_ceil(64)
}

/// Checks the length of `bits` and that no bit is set at a column `>= n`.
///
/// The reference counts such padding bits and can then emit a column twice;
/// this crate rejects them, naming the first offending row.
pub(crate) fn check_matrix(bits: &[u64], n: usize, argument: &'static str) -> Result<(), InputError> {
    let words = words_per_row(n);
    let expected = n.checked_mul(words).ok_or_else(|| InputError::new(argument, "matrix is too large"))?;
    if bits.len() != expected {
        return Err(InputError::new(
            argument,
            format!("length {} does not match n * ceil(n/64) = {}", bits.len(), expected),
        ));
    }
    let used = n % 64;
    if used == 0 {
        return Ok(());
    }
    let padding_mask = !0u64 << used;
    match (0..n).find(|&row| bits[row * words + words - 1] & padding_mask != 0) {
        Some(row) => Err(InputError::at(
            argument,
            row * words + words - 1,
            format!("row {row} has a bit set at a column >= n = {n}"),
        )),
        None => Ok(()),
    }
}

/// Popcount of every row of a checked matrix.
pub(crate) fn row_degrees(bits: &[u64], n: usize) -> Vec<u32> {
    let words = words_per_row(n);
    let mut degrees = vec![0; n];
    parallel::for_each_chunk(
        &mut degrees,
        ROWS_PER_CHUNK,
        bits.len(),
        || (),
        |_, chunk, degrees| count_rows(&bits[chunk * ROWS_PER_CHUNK * words..], words, degrees),
    );
    degrees
}

/// Popcounts of the first `degrees.len()` rows of `words` words in `bits`.
///
/// Generic x86-64 counts a word in about ten instructions: where the CPU
/// has AVX-512's vector popcount, or POPCNT, the same loop runs compiled
/// with it ([`arch::Cpu::count_rows`]). All give the same counts.
fn count_rows(bits: &[u64], words: usize, degrees: &mut [u32]) {
    arch::cpu().count_rows(bits, words, degrees)
}

/// Rows of a matrix per task of a parallel pass over it.
const ROWS_PER_CHUNK: usize = 64;

/// Builds a left-aligned matrix whose row `r` has `ones_per_row[r]` ones.
///
/// Each count must lie in `0..=n`.
pub fn build_bits(ones_per_row: &[u32], n: usize) -> Result<Vec<u64>, InputError> {
    if ones_per_row.len() != n {
        return Err(InputError::new("onesPerRow", format!("length {} does not match n = {}", ones_per_row.len(), n)));
    }
    check_degrees(ones_per_row, n, "onesPerRow")?;
    let words = words_per_row(n);
    let mut bits = vec![0u64; n * words];
    let (chunk_words, work) = ((ROWS_PER_CHUNK * words).max(1), bits.len());
    parallel::for_each_chunk(
        &mut bits,
        chunk_words,
        work,
        || (),
        |_, chunk, rows| {
            let ones = &ones_per_row[chunk * ROWS_PER_CHUNK..];
            for (row, &ones) in rows.chunks_mut(words).zip(ones) {
                let ones = ones as usize;
                row[..ones / 64].fill(!0);
                if !ones.is_multiple_of(64) {
                    row[ones / 64] = (1u64 << (ones % 64)) - 1;
                }
            }
        },
    );
    Ok(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_rows_are_left_aligned_and_counted() {
        let n = 130;
        let ones =
            vec![0, 1, 63, 64, 65, 128, 130].into_iter().chain(std::iter::repeat(7)).take(n).collect::<Vec<u32>>();
        let bits = build_bits(&ones, n).unwrap();
        assert_eq!(row_degrees(&bits, n), ones);
        assert_eq!(bits[2 * 3], u64::MAX >> 1); // row 2: 63 ones
        assert_eq!(bits[6 * 3 + 2], 0b11); // row 6: 128 + 2 ones
        check_matrix(&bits, n, "sBits").unwrap();
    }

    #[test]
    fn padding_bits_are_rejected_with_their_word() {
        let mut bits = vec![0u64; 3 * 2];
        bits[2 * 2 + 1] = 1 << 10; // row 2, column 74 of a 70-column matrix
        let err = check_matrix(&bits, 3, "tBits").unwrap_err();
        assert_eq!(err.argument, "tBits");
        let mut bits = vec![0u64; 70 * 2];
        bits[2 * 2 + 1] = 1 << 10;
        let err = check_matrix(&bits, 70, "tBits").unwrap_err();
        assert_eq!(err.index, Some(5));
        assert!(err.to_string().contains("row 2"));
    }

    #[test]
    fn degrees_above_the_ring_are_rejected() {
        assert!(build_bits(&[1, 3], 2).is_err());
    }
}
