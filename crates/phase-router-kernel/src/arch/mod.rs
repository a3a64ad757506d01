//! Everything that depends on the CPU, in one folder (laid out as the
//! `memchr` crate's `src/arch/`).
//!
//! - `portable/`: every loop that has a faster twin, written for any CPU.
//!   These are the paths taken on aarch64 and on x86-64 without the features.
//! - `x86_64/`: the twins. `x86_64/detect.rs` asks the CPU once what it has
//!   and hands out zero-sized tokens (`PopcntToken`, `Avx512CdToken`, ...)
//!   that only detection can make; every vector kernel takes one, so its
//!   methods are safe.
//!
//! The rest of the crate goes through [`Cpu`], whose methods take the
//! fastest path this CPU has. Every path gives the same output as its
//! portable twin: the tests of each twin compare them wherever the CPU
//! runs both.

mod portable;
#[cfg(target_arch = "x86_64")]
mod x86_64;

pub(crate) use portable::words_holding_one;
#[cfg(target_arch = "x86_64")]
pub(crate) use x86_64::{Avx512BitalgToken, Avx512CdToken, Drawing, Lanes, LANES_MAX_K};

use crate::gate::choose::{self, Candidate, Scratch};
use crate::gate::GateOptions;
use crate::sweep::{ArcWords, WordSpan};

/// Ranks that fast mode draws at once in registers (sixteen `u32` lanes of
/// one AVX-512 vector): the most slots a row can have there, and the least
/// that fast mode's rank buffers hold on any target.
pub(crate) const FLOYD_LANES: usize = 16;

/// The paths this CPU can take, found once per process by [`cpu`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cpu {
    #[cfg(target_arch = "x86_64")]
    tokens: x86_64::Tokens,
}

/// The CPU running this process (detected on the first call, then cached).
pub(crate) fn cpu() -> Cpu {
    Cpu {
        #[cfg(target_arch = "x86_64")]
        tokens: x86_64::Tokens::get(),
    }
}

impl Cpu {
    /// Popcounts of the first `degrees.len()` rows of `words` words in `bits`.
    pub fn count_rows(self, bits: &[u64], words: usize, degrees: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx512) = self.tokens.avx512_popcnt {
                return avx512.count_rows(bits, words, degrees);
            }
            if let Some(popcnt) = self.tokens.popcnt {
                return popcnt.count_rows(bits, words, degrees);
            }
        }
        portable::count_rows(bits, words, degrees)
    }

    /// For each of `positions` (each a set bit of `words`), how many set bits
    /// lie below it; then clears `words`. `before` is scratch.
    pub fn places_then_clear(self, words: &mut [u64], before: &mut Vec<u32>, positions: &[u32], places: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if let Some(popcnt) = self.tokens.popcnt {
            return popcnt.places_then_clear(words, before, positions, places);
        }
        portable::places_then_clear(words, before, positions, places)
    }

    /// Replaces `words` with the words of `ring` in `tail`, then in `head`,
    /// masked to the spans, and `before` with their running popcounts.
    pub fn copy_arc(self, ring: &[u64], tail: &WordSpan, head: &WordSpan, words: &mut Vec<u64>, before: &mut Vec<u32>) {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx512) = self.tokens.avx512_popcnt {
                return avx512.copy_arc(ring, tail, head, words, before);
            }
            if let Some(popcnt) = self.tokens.popcnt {
                return popcnt.copy_arc(ring, tail, head, words, before);
            }
        }
        portable::copy_arc(ring, tail, head, words, before)
    }

    /// [`ArcWords::select`]: calls `found(i, position)` for the set bit of
    /// rank `ranks[i]` on the arc.
    pub fn select(self, arc: &ArcWords, ranks: &[u32], found: impl FnMut(usize, usize)) {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx512) = self.tokens.avx512_bmi2 {
                return avx512.select(arc, ranks, found);
            }
            if let Some(avx2) = self.tokens.avx2_bmi2 {
                return avx2.select(arc, ranks, found);
            }
        }
        portable::select(arc, ranks, found)
    }

    /// The gate's candidates for a run of tokens: [`choose::rows`], compiled
    /// for the widest vectors this CPU has (the same bits on every path).
    pub fn gate_rows(
        self,
        options: &GateOptions,
        logits: &[f32],
        width: usize,
        scratch: &mut Scratch,
        out: &mut [Candidate],
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx512) = self.tokens.avx512 {
                return avx512.gate_rows(options, logits, width, scratch, out);
            }
            if let Some(avx2) = self.tokens.avx2 {
                return avx2.gate_rows(options, logits, width, scratch, out);
            }
        }
        choose::rows(options, logits, width, scratch, out)
    }

    /// The reference reservoir's draws for `ROWS` rows of `counts[r] > k`
    /// candidates, generators seeded with `seeds[r]`: row `r` gets, in
    /// `held[r * (k + 1)..][..k]`, the candidate index each slot keeps.
    pub fn draw_held<const ROWS: usize>(self, k: usize, held: &mut [u32], counts: [u64; ROWS], seeds: [u64; ROWS]) {
        #[cfg(target_arch = "x86_64")]
        if let Some(lzcnt_bmi2) = self.tokens.lzcnt_bmi2 {
            return lzcnt_bmi2.draw_held(k, held, counts, seeds);
        }
        portable::draw_held(k, held, counts, seeds)
    }
}

#[cfg(target_arch = "x86_64")]
impl Cpu {
    /// The token of [`Lanes`], the reference's draws sixteen rows at a time, if this CPU has it.
    pub fn reservoir_lanes(self) -> Option<Avx512CdToken> {
        self.tokens.avx512_cd
    }

    /// The token of fast mode's draws and lookups in registers, if this CPU has it.
    pub fn floyd_lanes(self) -> Option<Avx512BitalgToken> {
        self.tokens.avx512_bitalg
    }
}
