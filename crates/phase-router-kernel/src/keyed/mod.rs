//! Keyed routing for services: a key (a string or a pre-hashed `u64`) goes to
//! `k` distinct targets of a weighted set, in preference order.
//!
//! # The model
//!
//! Every target `j` owns a Poisson process of rate `capacity_j` on a key's
//! "time" axis, independent across targets; a key's preferences are the
//! targets in the order of their first arrivals. That is weighted rendezvous
//! hashing: target `j` is first with probability `capacity_j / total`
//! exactly, and a change to one target only moves keys to or from that target.
//!
//! # How a lookup avoids touching every target
//!
//! Weighted rendezvous scores all `n` targets per key. Here the processes are
//! thinned out of one shared stream instead ([`Layout`]):
//!
//! - A `unit` (by default the smallest power of two at or above the median
//!   capacity) cuts every target into pieces: whole units, then the
//!   remainder. Piece `i` of target `j` has the hash `g = trial(h_j, i)`,
//!   where `h_j = xxh3_64_with_seed(utf8(id_j), seed)`.
//! - A table of `slots` (a power of two, by default the smallest one at or
//!   above 6 times the number of pieces) holds one piece per slot: largest
//!   pieces first, then by index, then by `g`, each in the first free slot of its probe
//!   sequence (home = the top `log2 slots` bits of `g`, step `(g mod slots) | 1`).
//! - Trial `i = 0, 1, ...` of a key hash `x` is `z = mix(x + (i + 1) * G)`
//!   ([`trial`]): slot = the top `log2 slots` bits of `z`, mark = the next 32
//!   bits. The trial picks the slot's target if the mark is below the piece's
//!   share of a unit (`ceil(size / unit * 2^32)` marks of `2^32`).
//!
//! Each target then accepts trials at a rate proportional to its capacity,
//! independently of every other target, so the first choice is proportional,
//! and a key's targets depend only on the key, the seed and the set of
//! `(id, capacity)` pairs. A lookup takes `slots * unit / total` trials on
//! average, whatever `n`: one table read and one mix each.
//!
//! Changing one target changes only its pieces, so keys move only to or from
//! it, except when one of its pieces takes a slot another piece (no larger)
//! held; that piece moves to its next free slot and its keys move too. The
//! table is rebuilt when the default `unit` changes (the median capacity
//! crosses a power of two) or the default `slots` doubles (6 times the piece
//! count crosses a power of two: at 171, 342, 683, ... unit pieces); then
//! about half of the keys move. Pinning both ([`Layout::with`]) keeps the
//! table across every change that fits it.
//!
//! `k > 1` preferences continue the same stream, skipping trials that land on
//! targets already chosen. After [`TRIAL_LIMIT`]-bounded failures (only with
//! extreme capacity spreads), the remaining preferences are filled by exact
//! weighted rendezvous over the targets not yet chosen ([`rendezvous_score`]).
//!
//! # Exact rendezvous, when no excess movement is acceptable
//!
//! [`Method::Rendezvous`] skips the table and scores every target for every
//! key ([`rendezvous_score`]): O(targets) per lookup, but no pushed pieces and
//! no rebuilt table, so a change moves keys only to or from the target that
//! changed, and exactly as many as its share requires (up to sampling).

mod assign;
mod layout;
#[cfg(test)]
mod tests;

pub use assign::{assign, caps};
pub use layout::{Layout, Method, Target};

use crate::InputError;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The golden-ratio increment between a key's trials.
pub const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// Most trials one preference may take before the fallback fills the rest.
pub const TRIAL_LIMIT: u64 = 1 << 16;

/// Keys per parallel chunk of a batch.
const CHUNK: usize = 4096;

/// The hash of a string key or target id: xxh3 64 of its UTF-8 bytes, seeded.
pub fn hash_str(bytes: &[u8], seed: u64) -> u64 {
    xxh3_64_with_seed(bytes, seed)
}

/// The SplitMix64 finalizer.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Trial `i` of key hash `x`: a uniform 64-bit word.
#[inline]
pub fn trial(x: u64, i: u64) -> u64 {
    mix(x.wrapping_add(i.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// A uniform number in `(0, 1]` from the top 53 bits of `z`.
#[inline]
fn unit_open(z: u64) -> f64 {
    ((z >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Rendezvous score of target hash `h` for key hash `x` (smaller is preferred):
/// an exponential variable of rate `capacity`, `-ln(u) / capacity`.
pub fn rendezvous_score(x: u64, h: u64, capacity: f64) -> f64 {
    exponential(unit_open(mix(x ^ mix(h ^ GOLDEN))), capacity)
}

/// `-ln(u) / rate`: an exponential variable from a uniform `u` in `(0, 1]`.
#[inline]
fn exponential(u: f64, rate: f64) -> f64 {
    -u.ln() / rate
}

/// Below `1 - 2^-40` times the true bound: safe from the rounding of a multiplication.
const BOUND_MARGIN: f64 = 1.0 - 1.0 / (1u64 << 40) as f64;

/// Checks `k` against the number of targets and the output size.
pub fn check_k(layout: &Layout, keys: usize, k: usize) -> Result<(), InputError> {
    if k == 0 {
        return Err(InputError::new("k", "must be at least 1"));
    }
    if k > layout.len() {
        return Err(InputError::new("k", format!("{k} exceeds the number of targets ({})", layout.len())));
    }
    match keys.checked_mul(k) {
        Some(slots) if slots <= crate::MAX_SLOTS => Ok(()),
        _ => Err(InputError::new("k", format!("keys * k = {keys} * {k} exceeds the largest output"))),
    }
}

/// Writes the first `out.len()` preferences of key hash `x` into `out`
/// (target indices in the order the targets were given), skipping any target
/// for which `blocked` says so. Returns how many were written: `out.len()`
/// unless fewer unblocked targets exist.
pub fn preferences_into(layout: &Layout, x: u64, out: &mut [i32], mut blocked: impl FnMut(u32) -> bool) -> usize {
    if layout.method() == Method::Rendezvous {
        return rendezvous_into(layout, x, out, &[], &mut blocked);
    }
    let want = out.len();
    let mut got = 0;
    let mut i = 0u64;
    let mut tries = 0u64;
    while got < want {
        if tries >= TRIAL_LIMIT {
            let (chosen, rest) = out.split_at_mut(got);
            return got + rendezvous_into(layout, x, rest, chosen, &mut blocked);
        }
        let z = trial(x, i);
        i += 1;
        tries += 1;
        if let Some(t) = layout.accept(z) {
            if blocked(t) || out[..got].contains(&(t as i32)) {
                continue;
            }
            out[got] = t as i32;
            got += 1;
            tries = 0;
        }
    }
    got
}

/// The targets neither chosen nor blocked in exact weighted rendezvous order
/// (increasing [`rendezvous_score`], ties by id hash), as many as `out` holds.
/// Returns how many were written.
fn rendezvous_into(
    layout: &Layout,
    x: u64,
    out: &mut [i32],
    chosen: &[i32],
    blocked: &mut impl FnMut(u32) -> bool,
) -> usize {
    if out.is_empty() {
        return 0;
    }
    // The best so far, best first: (score, id hash, target).
    let mut best: Vec<(f64, u64, u32)> = Vec::with_capacity(out.len());
    let before = |a: &(f64, u64, u32), b: &(f64, u64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_lt();
    for (j, t) in layout.targets().iter().enumerate() {
        let (salt, inverse) = t.rendezvous;
        let u = unit_open(mix(x ^ salt));
        // Once `out` is full, the last one kept is the one to beat.
        let last = if best.len() == out.len() { best.last().copied() } else { None };
        // The score `-ln(u) / capacity` is at least `(1 - u) / capacity`; a
        // target whose bound (taken a hair low, for rounding) already trails
        // the last one kept cannot enter: most targets skip the logarithm.
        if last.is_some_and(|last| (1.0 - u) * inverse * BOUND_MARGIN > last.0) {
            continue;
        }
        let entry = (exponential(u, t.capacity), t.hash, j as u32);
        if last.is_some_and(|last| !before(&entry, &last)) || chosen.contains(&(j as i32)) || blocked(j as u32) {
            continue;
        }
        if last.is_some() {
            best.pop();
        }
        let at = best.partition_point(|e| before(e, &entry));
        best.insert(at, entry);
    }
    for (slot, &(_, _, j)) in out.iter_mut().zip(&best) {
        *slot = j as i32;
    }
    best.len()
}

/// `k` preferences of each key hash, row-major into `out` (`hashes.len() * k`).
pub fn lookup_hashes_into(layout: &Layout, hashes: &[u64], k: usize, out: &mut [i32]) {
    assert_eq!(out.len(), hashes.len() * k, "out must hold keys * k slots");
    let body = |(rows, keys): (&mut [i32], &[u64])| {
        for (row, &x) in rows.chunks_exact_mut(k).zip(keys) {
            preferences_into(layout, x, row, |_| false);
        }
    };
    if hashes.len() >= 2 * CHUNK && rayon::current_num_threads() > 1 {
        out.par_chunks_mut(CHUNK * k).zip(hashes.par_chunks(CHUNK)).for_each(body);
    } else {
        body((out, hashes));
    }
}

/// Hashes of string keys given as one UTF-16 buffer cut by lengths (in code
/// units), as JavaScript holds them: each key is converted to UTF-8 (a lone
/// surrogate becomes U+FFFD, as `TextEncoder` does) and hashed with the seed.
pub fn hash_utf16_keys(units: &[u16], lengths: &[u32], seed: u64) -> Result<Vec<u64>, InputError> {
    let total: u64 = lengths.iter().map(|&l| l as u64).sum();
    if total != units.len() as u64 {
        return Err(InputError::new("keys", format!("lengths add up to {total}, not {}", units.len())));
    }
    let mut starts = Vec::with_capacity(lengths.len());
    let mut at = 0usize;
    for &l in lengths {
        starts.push(at);
        at += l as usize;
    }
    let mut hashes = vec![0u64; lengths.len()];
    let body = |(hs, (ss, ls)): (&mut [u64], (&[usize], &[u32]))| {
        let mut buf = Vec::new();
        for (h, (&s, &l)) in hs.iter_mut().zip(ss.iter().zip(ls)) {
            *h = hash_utf16(&units[s..s + l as usize], seed, &mut buf);
        }
    };
    if lengths.len() >= 2 * CHUNK && rayon::current_num_threads() > 1 {
        hashes.par_chunks_mut(CHUNK).zip(starts.par_chunks(CHUNK).zip(lengths.par_chunks(CHUNK))).for_each(body);
    } else {
        body((&mut hashes, (&starts, lengths)));
    }
    Ok(hashes)
}

/// Hash of one UTF-16 key (see [`hash_utf16_keys`]); `buf` is scratch space.
pub fn hash_utf16(key: &[u16], seed: u64, buf: &mut Vec<u8>) -> u64 {
    buf.clear();
    if key.iter().all(|&u| u < 0x80) {
        buf.extend(key.iter().map(|&u| u as u8));
    } else {
        let mut tmp = [0u8; 4];
        for c in char::decode_utf16(key.iter().copied()) {
            buf.extend_from_slice(c.unwrap_or(char::REPLACEMENT_CHARACTER).encode_utf8(&mut tmp).as_bytes());
        }
    }
    hash_str(buf, seed)
}

/// How many of `hashes` have a different set of `k` target ids under `b` than under `a`.
pub fn moved(a: &Layout, b: &Layout, hashes: &[u64], k: usize) -> Result<usize, InputError> {
    check_k(a, hashes.len(), k)?;
    check_k(b, hashes.len(), k)?;
    // Target index in `a` -> index in `b` of the same id, or -1.
    let index_b: std::collections::HashMap<&str, i32> =
        b.targets().iter().enumerate().map(|(j, t)| (t.id.as_str(), j as i32)).collect();
    let map: Vec<i32> = a.targets().iter().map(|t| index_b.get(t.id.as_str()).copied().unwrap_or(-1)).collect();
    let count = |keys: &[u64]| {
        let (mut ra, mut rb) = (vec![0i32; k], vec![0i32; k]);
        keys.iter()
            .filter(|&&x| {
                preferences_into(a, x, &mut ra, |_| false);
                preferences_into(b, x, &mut rb, |_| false);
                ra.iter().any(|&t| !rb.contains(&map[t as usize]))
            })
            .count()
    };
    Ok(if hashes.len() >= 2 * CHUNK && rayon::current_num_threads() > 1 {
        hashes.par_chunks(CHUNK).map(count).sum()
    } else {
        count(hashes)
    })
}
