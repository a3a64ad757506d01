//! Items laid out by bucket, in parallel over chunks of their source, in
//! the order of one pass over the chunks in turn however many threads run.
//!
//! Every chunk counts its items per bucket; an item's place is the number
//! of items in smaller buckets, plus those of its bucket in earlier chunks,
//! plus those before it in its own chunk. The places of one chunk's items in
//! one bucket are one range, which only that chunk writes: the output is
//! cut into those ranges, so the chunks write side by side.

use crate::parallel;

/// Each chunk's count of items per bucket: `counts[chunk][bucket]`, from
/// `buckets_of(chunk)`, the bucket of each of the chunk's items.
pub fn count<I>(chunks: usize, buckets: usize, work: usize, buckets_of: impl Fn(usize) -> I + Sync) -> Vec<Vec<usize>>
where
    I: Iterator<Item = usize>,
{
    let mut counts = vec![vec![0usize; buckets]; chunks];
    parallel::for_each_chunk(
        &mut counts,
        1,
        work,
        || (),
        |_, chunk, counts| {
            for bucket in buckets_of(chunk) {
                counts[0][bucket] += 1;
            }
        },
    );
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

/// Writes each chunk's `items(chunk)`, (bucket, item) pairs that match
/// `counts`, to its places in `out` (as long as all of them together).
pub fn place<T, I>(counts: &[Vec<usize>], out: &mut [T], work: usize, items: impl Fn(usize) -> I + Sync)
where
    T: Send,
    I: Iterator<Item = (usize, T)>,
{
    let buckets = counts.first().map_or(0, Vec::len);
    // Cut `out` into one range per (bucket, chunk), in that order, and hand
    // each chunk its ranges.
    let mut ranges: Vec<Vec<std::slice::IterMut<T>>> = counts.iter().map(|_| Vec::with_capacity(buckets)).collect();
    let mut rest = out;
    for bucket in 0..buckets {
        for (count, ranges) in counts.iter().zip(ranges.iter_mut()) {
            let (range, tail) = std::mem::take(&mut rest).split_at_mut(count[bucket]);
            ranges.push(range.iter_mut());
            rest = tail;
        }
    }
    parallel::for_each_chunk(
        &mut ranges,
        1,
        work,
        || (),
        |_, chunk, ranges| {
            let ranges = &mut ranges[0];
            for (bucket, item) in items(chunk) {
                if let Some(place) = ranges[bucket].next() {
                    *place = item;
                }
            }
        },
    );
}
