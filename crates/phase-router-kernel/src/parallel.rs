//! Loops that go to Rayon's pool only when they are big enough to pay for it.
//!
//! Handing work to Rayon from a thread outside its pool (a Node call, a CLI)
//! queues a job, wakes a sleeping worker and blocks the caller until the job
//! is done: tens of microseconds, many times the whole routing of a small
//! batch (n = 64). So every parallel loop of the crate goes through here
//! with a rough estimate of its work, and runs on the calling thread when
//! that estimate is below [`POOL_WORK`].
//!
//! Every loop here is row-independent: a chunk's output depends only on its
//! own rows, never on how the rows were cut into chunks or which thread ran
//! them. The output is therefore the same on either path, and the same at
//! any thread count.

use rayon::prelude::*;

/// Work, in steps, from which a loop is worth sending to the pool.
///
/// A step is one elementary operation of a loop: a 64-bit word counted, a
/// random draw, a slot written, each a few nanoseconds. A call from outside
/// the pool pays 15-50 µs to wake it (measured on two cores at n = 64); with
/// two threads a loop saves at most half its time, so it needs about twice
/// that much work to gain: some tens of thousands of steps.
pub const POOL_WORK: usize = 1 << 15;

/// Whether a loop of `work` steps goes to the pool.
fn on_pool(work: usize) -> bool {
    work >= POOL_WORK && rayon::current_num_threads() > 1
}

/// Runs `a` and `b`, side by side on the pool when `work` (both together) is large.
pub fn join<A, B, RA, RB>(work: usize, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if on_pool(work) {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

/// Runs `f` on a thread of the pool when `work` is large and the caller is
/// outside it, so that the parallel loops `f` starts hand their work over
/// from within the pool, where it takes a few microseconds instead of tens:
/// for a pass that runs many short loops one after another.
pub fn within_pool<R: Send>(work: usize, f: impl FnOnce() -> R + Send) -> R {
    if on_pool(work) && rayon::current_thread_index().is_none() {
        rayon::scope(|_| f())
    } else {
        f()
    }
}

/// Whether `test` holds for every `chunk_len`-long chunk of `items`: on the
/// pool when `work` is large, otherwise in order on the calling thread;
/// either way it may stop at the first chunk that fails.
pub fn all_chunks<T: Sync>(items: &[T], chunk_len: usize, work: usize, test: impl Fn(&[T]) -> bool + Sync) -> bool {
    if on_pool(work) {
        items.par_chunks(chunk_len).all(&test)
    } else {
        items.chunks(chunk_len).all(test)
    }
}

/// How many of `len` items go in one chunk of a loop of `work` steps that
/// pays a fixed cost per chunk: all of them on the calling thread, otherwise
/// enough for two chunks per pool thread (so that a busy core is evened out
/// without paying the per-chunk cost many times).
pub fn chunk_len(len: usize, work: usize) -> usize {
    let chunks = if on_pool(work) { 2 * rayon::current_num_threads() } else { 1 };
    len.div_ceil(chunks).max(1)
}

/// Calls `body(scratch, index, chunk)` for every `chunk_len`-long chunk of
/// `items`, numbered from 0: on the pool when `work` is large, otherwise in
/// order on the calling thread. `scratch` comes from `new_scratch`, made once
/// per thread-local run of chunks, for buffers a chunk may reuse.
pub fn for_each_chunk<T, S>(
    items: &mut [T],
    chunk_len: usize,
    work: usize,
    new_scratch: impl Fn() -> S + Send + Sync,
    body: impl Fn(&mut S, usize, &mut [T]) + Send + Sync,
) where
    T: Send,
{
    if on_pool(work) {
        items
            .par_chunks_mut(chunk_len)
            .enumerate()
            .for_each_init(new_scratch, |scratch, (index, chunk)| body(scratch, index, chunk));
    } else {
        let mut scratch = new_scratch();
        items.chunks_mut(chunk_len).enumerate().for_each(|(index, chunk)| body(&mut scratch, index, chunk));
    }
}

/// [`for_each_chunk`] over two slices cut at the same places: chunk `index`
/// is `a[index * a_len..][..a_len]` with `b[index * b_len..][..b_len]`
/// (both slices hold the same number of chunks).
pub fn for_each_chunk_pair<A, B>(
    a: &mut [A],
    b: &mut [B],
    (a_len, b_len): (usize, usize),
    work: usize,
    body: impl Fn(usize, &mut [A], &mut [B]) + Send + Sync,
) where
    A: Send,
    B: Send,
{
    if on_pool(work) {
        a.par_chunks_mut(a_len).zip(b.par_chunks_mut(b_len)).enumerate().for_each(|(index, (a, b))| body(index, a, b));
    } else {
        a.chunks_mut(a_len).zip(b.chunks_mut(b_len)).enumerate().for_each(|(index, (a, b))| body(index, a, b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squares(work: usize) -> Vec<usize> {
        let mut items = vec![0; 1000];
        let per_chunk = chunk_len(items.len(), work);
        for_each_chunk(
            &mut items,
            per_chunk,
            work,
            || (),
            |_, index, chunk| {
                for (i, item) in chunk.iter_mut().enumerate() {
                    let at = index * per_chunk + i;
                    *item = at * at;
                }
            },
        );
        items
    }

    #[test]
    fn both_paths_give_the_same_output() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let (small, large) = pool.install(|| (squares(1), squares(POOL_WORK)));
        assert_eq!(small, (0..1000).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(small, large);
        assert_eq!(pool.install(|| chunk_len(1000, POOL_WORK)), 167);
        assert_eq!(chunk_len(1000, 1), 1000);
        assert_eq!(join(1, || 1, || 2), (1, 2));
        // From outside a pool, a large `within_pool` runs on the global one, when it has threads to share.
        let on_a_worker = within_pool(POOL_WORK, rayon::current_thread_index).is_some();
        assert_eq!(on_a_worker, rayon::current_num_threads() > 1);
        assert_eq!(within_pool(1, rayon::current_thread_index), None);
        let pairs = |work| {
            let (mut a, mut b) = (vec![0; 10], vec![0; 20]);
            for_each_chunk_pair(&mut a, &mut b, (3, 6), work, |index, a, b| {
                a.fill(index);
                b.fill(10 * index);
            });
            (a, b)
        };
        assert_eq!(pool.install(|| pairs(POOL_WORK)), pairs(1));
        assert_eq!(pairs(1).0, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
    }
}
