//! Items laid out by bucket, in parallel over chunks of their source, in
//! the order of one pass over the chunks in turn however many threads run.
//!
//! Every chunk counts its items per bucket; an item's place is the number
//! of items in smaller buckets, plus those of its bucket in earlier chunks,
//! plus those before it in its own chunk. The places of one chunk's items in
//! one bucket are one range, which only that chunk writes: the output is
//! cut into those ranges, so the chunks write side by side.

use crate::parallel;

/// Each chunk's count of items per bucket: `counts[chunk][bucket]`, where
/// `count_chunk(chunk, counts)` adds one to `counts[bucket]` for each of
/// the chunk's items. (The caller's closure runs the loop over the items,
/// so that it is compiled in one piece with them.)
pub fn count(
    chunks: usize,
    buckets: usize,
    work: usize,
    count_chunk: impl Fn(usize, &mut [usize]) + Sync,
) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0usize; buckets]; chunks];
    parallel::for_each_chunk(&mut counts, 1, work, || (), |_, chunk, counts| count_chunk(chunk, &mut counts[0]));
    counts
}

/// Items per bucket, summed over the chunks.
pub fn totals(counts: &[Vec<usize>]) -> Vec<usize> {
    let mut totals = vec![0usize; counts.first().map_or(0, Vec::len)];
    for count in counts {
        for (total, c) in totals.iter_mut().zip(count) {
            *total += c;
        }
    }
    totals
}

/// One chunk's places in the output: the next free place of each bucket.
pub struct Places<'a, T> {
    ranges: Vec<std::slice::IterMut<'a, T>>,
}

impl<T> Places<'_, T> {
    /// Writes `item` to the next place of `bucket`.
    #[inline(always)]
    pub fn put(&mut self, bucket: usize, item: T) {
        if let Some(place) = self.ranges[bucket].next() {
            *place = item;
        }
    }
}

/// Writes each chunk's items to their places in `out` (as long as all of
/// them together): `place_chunk(chunk, places)` calls `places.put(bucket,
/// item)` for each of the chunk's items, matching `counts`.
pub fn place<T: Send>(
    counts: &[Vec<usize>],
    out: &mut [T],
    work: usize,
    place_chunk: impl Fn(usize, &mut Places<T>) + Sync,
) {
    let buckets = counts.first().map_or(0, Vec::len);
    // Cut `out` into one range per (bucket, chunk), in that order, and hand
    // each chunk its ranges.
    let mut places: Vec<Places<T>> = counts.iter().map(|_| Places { ranges: Vec::with_capacity(buckets) }).collect();
    let mut rest = out;
    for bucket in 0..buckets {
        for (count, places) in counts.iter().zip(places.iter_mut()) {
            let (range, tail) = std::mem::take(&mut rest).split_at_mut(count[bucket]);
            places.ranges.push(range.iter_mut());
            rest = tail;
        }
    }
    parallel::for_each_chunk(&mut places, 1, work, || (), |_, chunk, places| place_chunk(chunk, &mut places[0]));
}
