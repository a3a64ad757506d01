//! Reads fuzz bytes as numbers, matrices and permutations.
//!
//! Past the end of the data every read returns zeros, so any byte string
//! (the empty one included) decodes to some call. Bulk data (matrix words,
//! shuffles) comes from a SplitMix64 stream keyed by fuzz bytes rather than
//! from the bytes themselves: that keeps inputs short while the structure
//! (sizes, modes, edge values) stays under the fuzzer's direct control.

pub struct Input<'a> {
    data: &'a [u8],
    at: usize,
    stream: u64,
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data, at: 0, stream: 0x9e37_79b9_7f4a_7c15 ^ data.len() as u64 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| acc << 8 | self.byte() as u64)
    }

    /// A value in `0..bound` (`bound >= 1`), from two bytes.
    pub fn below(&mut self, bound: usize) -> usize {
        (((self.byte() as usize) << 8) | self.byte() as usize) % bound.max(1)
    }

    /// A seed: small, near `u64::MAX` (where `seed + row` wraps) or raw.
    pub fn seed(&mut self) -> u64 {
        match self.byte() % 4 {
            0 => self.byte() as u64,
            1 => u64::MAX - self.byte() as u64,
            _ => self.u64(),
        }
    }

    /// Next word of the bulk stream, re-keyed by one fuzz byte each call.
    fn next_bulk(&mut self) -> u64 {
        self.stream = self.stream.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.stream;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn rekey(&mut self) {
        self.stream ^= self.u64();
    }

    /// Row degrees in `0..=n`, with the fuzzer choosing among shapes that hit edge cases.
    pub fn degrees(&mut self, n: usize) -> Vec<u32> {
        self.rekey();
        let mode = self.byte() % 5;
        let fixed = self.below(n + 1) as u32;
        (0..n)
            .map(|_| match mode {
                0 => fixed,                                        // every row the same
                1 => [0, n as u32][self.next_bulk() as usize % 2], // empty or full rows
                _ => (self.next_bulk() % (n as u64 + 1)) as u32,
            })
            .collect()
    }

    /// A matrix whose row `r` has `degrees[r]` ones at scattered columns below `n`.
    pub fn scattered_matrix(&mut self, degrees: &[u32]) -> Vec<u64> {
        let n = degrees.len();
        let words = n.div_ceil(64);
        let mut bits = vec![0u64; n * words];
        let mut columns: Vec<usize> = (0..n).collect();
        for (r, &d) in degrees.iter().enumerate() {
            // Partial Fisher-Yates: the first d entries are d distinct columns.
            for i in 0..d as usize {
                let j = i + (self.next_bulk() % (n - i) as u64) as usize;
                columns.swap(i, j);
                let c = columns[i];
                bits[r * words + c / 64] |= 1 << (c % 64);
            }
        }
        bits
    }

    /// A uniformly shuffled permutation of `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<u32> {
        self.rekey();
        let mut perm: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            perm.swap(i, (self.next_bulk() % (i as u64 + 1)) as usize);
        }
        perm
    }

    /// A permutation of `0..n` cut or padded to `len`, sometimes with one entry broken.
    pub fn loose_permutation(&mut self, len: usize, n: usize) -> Vec<u32> {
        let mut perm = self.permutation(n);
        perm.resize(len, 0);
        if len > 0 && self.byte().is_multiple_of(2) {
            let at = self.below(len);
            perm[at] = match self.byte() % 3 {
                0 => n as u32 + self.byte() as u32, // out of range
                1 => u32::MAX,
                _ => perm[(at + 1) % len], // a repeat (or itself when len is 1)
            };
        }
        perm
    }

    /// `len` raw words: mostly dense noise, sometimes sparse.
    pub fn words(&mut self, len: usize) -> Vec<u64> {
        self.rekey();
        let sparse = self.byte().is_multiple_of(2);
        (0..len)
            .map(|_| if sparse { self.next_bulk() & self.next_bulk() & self.next_bulk() } else { self.next_bulk() })
            .collect()
    }

    /// Any f64 bit pattern: NaN, infinities, negatives, subnormals, zeros.
    pub fn raw_float(&mut self) -> f64 {
        f64::from_bits(self.u64())
    }

    pub fn raw_or_tame_float(&mut self) -> f64 {
        if self.byte().is_multiple_of(2) {
            self.raw_float()
        } else {
            self.below(400) as f64 / 100.0
        }
    }

    pub fn raw_floats(&mut self, len: usize) -> Vec<f64> {
        (0..len).map(|_| self.raw_float()).collect()
    }

    /// Plausible weights: small non-negative values, zeros included.
    pub fn tame_floats(&mut self, len: usize) -> Vec<f64> {
        self.rekey();
        (0..len).map(|_| (self.next_bulk() % 17) as f64 / 2.0).collect()
    }

    /// Up to 8 bytes as a (lossy) string, so profile names can be hit.
    pub fn short_string(&mut self) -> String {
        if self.byte().is_multiple_of(2) {
            return ["uniform", "mild", "strong", "extreme"][self.byte() as usize % 4].to_owned();
        }
        let len = self.byte() as usize % 8;
        let bytes: Vec<u8> = (0..len).map(|_| self.byte()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
