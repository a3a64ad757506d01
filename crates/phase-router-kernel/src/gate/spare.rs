//! Spare arrays, kept from one gate call to the next.
//!
//! A serving loop gates batch after batch, and each call needs a few arrays
//! as long as the batch: the candidates of a capped `reroute` or `maximize`
//! (24 bytes for each of a token's `width` candidates, 1.5 MB at 16384
//! tokens and width 4), each slot's score (8 bytes a slot) and, for `drop`
//! and `reroute` by score, the ranks the experts select from (16 bytes an
//! offer), and for `reroute` by score the packed pairs it sorts (three
//! words a candidate). Freshly allocated, their pages come from the operating system,
//! which maps and zeroes each one on first touch: at E = 8 those page faults
//! took more of `reroute`'s CPU time than the choice that fills the
//! candidates, and at E = 128 about a tenth of `drop`'s. So the array of the
//! last call of each kind is kept (one per kind, shared by all threads, up
//! to [`MAX_BYTES`]) and the next call takes it if nobody else holds it.

use super::assign::Rank;
use super::choose::Candidate;
use std::sync::Mutex;

/// The largest array kept: beyond this a call's own work dwarfs the faults.
const MAX_BYTES: usize = 64 << 20;

/// One kept array of `T`.
pub struct Spare<T> {
    array: Mutex<Vec<T>>,
}

/// The candidates of capped `reroute` and `maximize`.
pub static CANDIDATES: Spare<Candidate> = Spare::new();
/// Each slot's score.
pub static SLOT_SCORES: Spare<f64> = Spare::new();
/// The offers each expert selects its bound from.
pub static RANKS: Spare<Rank> = Spare::new();
/// The packed pairs that `reroute` by score sorts.
pub static WORDS: Spare<u64> = Spare::new();

impl<T: Clone + Default> Spare<T> {
    const fn new() -> Self {
        Spare { array: Mutex::new(Vec::new()) }
    }

    /// An array of `len` values: the spare one when it is free, otherwise a
    /// new one. The values are unspecified (a spare's are left from its last
    /// call, not written again): the caller writes every one it reads.
    pub fn take(&self, len: usize) -> Vec<T> {
        // A poisoned lock (a panic elsewhere while holding it) only loses the spare.
        let mut array = self.array.try_lock().map(|mut spare| std::mem::take(&mut *spare)).unwrap_or_default();
        array.resize(len, T::default());
        array
    }

    /// Keeps `array` as the spare, unless it is too large or a larger one is kept.
    pub fn keep(&self, array: Vec<T>) {
        if array.capacity() * size_of::<T>() > MAX_BYTES {
            return;
        }
        if let Ok(mut spare) = self.array.try_lock() {
            if spare.capacity() < array.capacity() {
                *spare = array;
            }
        }
    }
}
