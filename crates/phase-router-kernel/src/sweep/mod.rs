//! The T-ring sweep: every row's candidates in one pass around the T-ring.
//!
//! Whether target `c` is a candidate of source `j` depends on `j` through two
//! things only: `j`'s S-arc and `j`'s point `q = perm_t[j]` on the T-ring. So
//! instead of visiting rows in index order, the sweep visits T-ring points
//! `q = 0, 1, ..., m-1` (the row at `q` is the source `j` with
//! `perm_t[j] = q`) and keeps a bitset over S-ring positions holding
//! `perm_s[c]` for every target `c` whose T-arc covers `q`. Stepping from `q - 1` to `q` changes only the targets whose arc
//! starts at `q` (they come in) or ends at `q` (they go out): each arc flips
//! its target's bit twice per lap. An arc as long as the ring never flips and
//! is set from the start; an empty arc is never set.
//!
//! Row `j`'s candidates are then the set bits inside its S-arc, met from the
//! start of the arc: exactly the reference's visit order. The sweep copies
//! them out of its [`RingBitset`] into an [`ArcWords`]. A row with at most
//! `k` candidates keeps them all, in that order; for a longer one a
//! [`Chooser`] decides which fill its `k` slots. Long rows are handed over two at a time, so that a chooser
//! whose work is a serial chain per row can run two chains side by side.
//!
//! On a large layout the T-ring is cut into contiguous chunks, one Rayon task
//! each; a small one is swept in one chunk on the calling thread
//! ([`crate::parallel`]). A chunk builds its starting bitset from scratch (one
//! arc test per target) and then sweeps, so the output never depends on how
//! the ring was cut or how many threads there are.

mod arc_words;
mod bitset;

pub(crate) use arc_words::{ArcWords, WordSpan, RANK_LANES};
pub(crate) use bitset::RingBitset;

use crate::parallel;
use crate::ring::Layout;
use std::marker::PhantomData;

/// Picks the slots of one row from its candidates.
///
/// `'out` is the lifetime of the output: a chooser may keep a row's slots
/// (and take its candidates, see [`choose`](Self::choose)) past the call and
/// fill them later, at the latest in [`finish`](Self::finish).
pub(crate) trait Chooser<'out> {
    /// Whether the chooser makes a draw per candidate (the reference's
    /// reservoir), so that a row's work grows with its arc, not just with `k`.
    const DRAWS_PER_CANDIDATE: bool = false;

    /// Fills `slots` (all -1 on entry, `k` long) for source `row`, whose
    /// candidates are the set bits of `candidates`, more of them than slots
    /// (the sweep fills shorter rows itself). The chooser may swap
    /// `candidates` for another `ArcWords` (the sweep reloads it anyway).
    fn choose(&mut self, row: usize, candidates: &mut ArcWords, slots: &'out mut [i32]);

    /// [`choose`](Self::choose) for two rows, the one met first first.
    fn choose_two(&mut self, first: RowToFill<'_, 'out>, second: RowToFill<'_, 'out>) {
        self.choose(first.row, first.candidates, first.slots);
        self.choose(second.row, second.candidates, second.slots);
    }

    /// Fills every row still pending: the sweep calls it after the last row of a chunk.
    fn finish(&mut self) {}
}

/// What [`Chooser::choose`] gets for one row.
pub(crate) struct RowToFill<'c, 'out> {
    pub row: usize,
    pub candidates: &'c mut ArcWords,
    pub slots: &'out mut [i32],
}

/// Routes every source into `out` (`sources * k` slots, `k >= 1`): the sweep
/// hands each row's candidates to a chooser made by `new_chooser` (one per chunk,
/// so that a chooser can own scratch space).
pub(crate) fn sweep<'out, C: Chooser<'out>>(
    layout: &Layout,
    k: usize,
    out: &'out mut [i32],
    new_chooser: impl Fn() -> C + Sync,
) {
    let m = layout.sources();
    assert!(k >= 1 && out.len() == m * k, "out must hold sources * k slots");
    if m == 0 {
        return;
    }
    // Two independent O(sources + targets) passes.
    let setup = m + layout.targets();
    let (mut rows, flips) = parallel::join(setup, || rows_by_point(layout), || Flips::new(layout));
    let work = sweep_work::<C>(layout, k);
    // Each chunk starts with an O(targets) rebuild of its bitset: one chunk on
    // the calling thread, two per thread on the pool.
    let chunk_len = parallel::chunk_len(m, work);

    // Rows are produced in T-ring order and written straight to their place,
    // all -1 beforehand: a sequential fill is cheap, while filling each row
    // as the sweep meets it, in random order, misses the cache once per row
    // (at a million rows, most of them with no candidate at all).
    let fill_rows = 1 << 14;
    parallel::for_each_chunk(out, fill_rows * k, m * k, || (), |_, _, rows| rows.fill(-1));
    let out = OutRows::new(out, k);
    parallel::for_each_chunk(
        &mut rows,
        chunk_len,
        work,
        || (),
        |_, chunk, rows| {
            let first = chunk * chunk_len;
            let mut bits = covering_targets(layout, first as u32);
            let mut chooser = new_chooser();
            // A long row waits in `buffers[0]` for the next long row, so that
            // the chooser gets them as a pair; short rows are filled at once.
            let mut buffers = [ArcWords::default(), ArcWords::default()];
            let mut waiting = None;
            for (q, row) in (first..).zip(rows.iter()) {
                if q > first {
                    flips.at(q).iter().for_each(|&p| bits.toggle(p as usize));
                }
                let buffer = &mut buffers[waiting.is_some() as usize];
                buffer.load(bits.arc(row.arc_start as usize, row.arc_len as usize));
                // SAFETY: each source sits at one T-point and this chunk is the
                // only one that visits point `q`.
                let slots = unsafe { out.row(row.source as usize) };
                if buffer.count() <= k {
                    keep_all(buffer, &layout.target_at, slots);
                    continue;
                }
                match waiting.take() {
                    None => waiting = Some((row.source as usize, slots)),
                    Some((first_row, first_slots)) => {
                        let [first_candidates, candidates] = &mut buffers;
                        chooser.choose_two(
                            RowToFill { row: first_row, candidates: first_candidates, slots: first_slots },
                            RowToFill { row: row.source as usize, candidates, slots },
                        );
                    }
                }
            }
            if let Some((row, slots)) = waiting {
                chooser.choose(row, &mut buffers[0], slots);
            }
            chooser.finish();
        },
    );
}

/// The output, handed out a row at a time to the sweep's chunks.
///
/// Chunks visit T-ring points, so they fill rows out of order and from
/// several threads at once. That is sound because `perm_t` is a permutation
/// (a [`Layout`] cannot be made with anything else): every source sits at
/// exactly one point, and the chunks cover disjoint runs of points, so no
/// row is handed out twice. Writing in place spares a second buffer of
/// `sources * k` slots and a pass copying it over.
struct OutRows<'a> {
    start: *mut i32,
    k: usize,
    rows: usize,
    _out: PhantomData<&'a mut [i32]>,
}

// SAFETY: the rows handed out are disjoint (see above), so threads never share one.
unsafe impl Send for OutRows<'_> {}
// SAFETY: as for `Send`: sharing `OutRows` hands out disjoint rows only.
unsafe impl Sync for OutRows<'_> {}

impl<'a> OutRows<'a> {
    fn new(out: &'a mut [i32], k: usize) -> Self {
        OutRows { start: out.as_mut_ptr(), k, rows: out.len() / k, _out: PhantomData }
    }

    /// The `k` slots of `source`.
    ///
    /// # Safety
    ///
    /// Each source may be asked for at most once.
    unsafe fn row(&self, source: usize) -> &'a mut [i32] {
        assert!(source < self.rows, "source {source} out of range");
        // SAFETY: in bounds (checked above), and by the caller's promise no
        // other reference to this row exists.
        unsafe { std::slice::from_raw_parts_mut(self.start.add(source * self.k), self.k) }
    }
}

/// Steps of the sweep, roughly: every row counts the words of its S-arc (at
/// most the whole ring) and fills `k` slots; a chooser that draws per
/// candidate may also draw once per position of every arc.
fn sweep_work<'out, C: Chooser<'out>>(layout: &Layout, k: usize) -> usize {
    let ring_words = layout.s.len.div_ceil(64);
    let rows = layout.sources().saturating_mul(ring_words + k);
    let draws = if C::DRAWS_PER_CANDIDATE { layout.s.degree.iter().map(|&d| d as usize).sum() } else { 0 };
    rows.saturating_add(draws)
}

/// A source as the sweep meets it: which one, and its S-arc.
#[derive(Clone, Copy, Default)]
struct Row {
    source: u32,
    arc_start: u32,
    arc_len: u32,
}

/// The sources in T-ring order. Gathered once up front, so that the sweep
/// reads them in sequence instead of jumping to a random source at every point.
fn rows_by_point(layout: &Layout) -> Vec<Row> {
    let mut rows = vec![Row::default(); layout.sources()];
    for (j, &q) in layout.perm_t.iter().enumerate() {
        rows[q as usize] = Row { source: j as u32, arc_start: layout.s.offset[j], arc_len: layout.s.degree[j] };
    }
    rows
}

/// Writes every candidate, in visit order, to the front of `slots` (which must be long enough).
fn keep_all(candidates: &ArcWords, target_at: &[u32], slots: &mut [i32]) {
    let mut slot = 0;
    candidates.for_each(|p| {
        slots[slot] = target_at[p] as i32;
        slot += 1;
    });
}

/// The S-positions of the targets whose T-arc covers T-point `q`.
fn covering_targets(layout: &Layout, q: u32) -> RingBitset {
    let mut bits = RingBitset::new(layout.s.len);
    for (c, &p) in layout.perm_s.iter().enumerate() {
        if layout.t.covers(c, q) {
            bits.set(p as usize);
        }
    }
    bits
}

/// For every T-point, the S-positions whose bit flips when the sweep arrives there
/// (grouped by point, as a compressed list).
struct Flips {
    /// Flips at point `q` are `positions[first[q]..first[q + 1]]`.
    first: Vec<u32>,
    positions: Vec<u32>,
}

impl Flips {
    fn new(layout: &Layout) -> Flips {
        let m = layout.t.len;
        // Each target whose arc is neither empty nor the whole ring flips at its start and its end.
        let ends = |c: usize| {
            let (start, len) = (layout.t.offset[c] as usize, layout.t.degree[c] as usize);
            let end = if start + len >= m { start + len - m } else { start + len };
            (len > 0 && len < m).then_some((start, end))
        };
        // Two flips per target at most, and a layout has fewer than 2^31 targets: u32 counts suffice.
        let mut first = vec![0u32; m + 1];
        for (start, end) in (0..layout.targets()).filter_map(ends) {
            first[start + 1] += 1;
            first[end + 1] += 1;
        }
        for q in 0..m {
            first[q + 1] += first[q];
        }
        let mut next = first.clone();
        let mut positions = vec![0u32; first[m] as usize];
        for c in 0..layout.targets() {
            if let Some((start, end)) = ends(c) {
                for q in [start, end] {
                    positions[next[q] as usize] = layout.perm_s[c];
                    next[q] += 1;
                }
            }
        }
        Flips { first, positions }
    }

    fn at(&self, q: usize) -> &[u32] {
        &self.positions[self.first[q] as usize..self.first[q + 1] as usize]
    }
}
