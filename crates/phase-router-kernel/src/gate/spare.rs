//! One spare candidates array, kept from one capped `reroute` or `maximize`
//! call to the next.
//!
//! A serving loop gates batch after batch, each needing an array of
//! `tokens x width` candidates (1.5 MB at 16384 tokens and width 4). Freshly
//! allocated, its pages come from the operating system, which maps and
//! zeroes each one on first touch: at E = 8 those page faults took more of
//! `reroute`'s CPU time than the choice that fills the array. So the array
//! of the last call is kept (one, shared by all threads, up to
//! [`MAX_BYTES`]) and the next call takes it if nobody else holds it.

use super::choose::Candidate;
use std::sync::Mutex;

/// The largest array kept: beyond this a call's own work dwarfs the faults.
const MAX_BYTES: usize = 64 << 20;

static SPARE: Mutex<Vec<Candidate>> = Mutex::new(Vec::new());

/// An array of `len` candidates (their values unspecified): the spare one
/// when it is free, otherwise a new one.
pub fn take(len: usize) -> Vec<Candidate> {
    // A poisoned lock (a panic elsewhere while holding it) only loses the spare.
    let mut array = SPARE.try_lock().map(|mut spare| std::mem::take(&mut *spare)).unwrap_or_default();
    array.clear();
    array.resize(len, Candidate::default());
    array
}

/// Keeps `array` as the spare, unless it is too large or a larger one is kept.
pub fn keep(array: Vec<Candidate>) {
    if array.capacity() * size_of::<Candidate>() > MAX_BYTES {
        return;
    }
    if let Ok(mut spare) = SPARE.try_lock() {
        if spare.capacity() < array.capacity() {
            *spare = array;
        }
    }
}
