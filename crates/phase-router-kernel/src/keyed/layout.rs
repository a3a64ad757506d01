//! The table a keyed router looks keys up in, built from the set of targets.
//!
//! Every target is cut into pieces of at most one `unit` of capacity (whole
//! units, then the remainder), and each piece takes one slot of an open
//! addressing table. The table's size follows the number of pieces, not the
//! number of targets or the largest capacity, so the events that rebuild it
//! (`slots` doubling, `unit` changing) are tied to slowly moving quantities:
//! the median capacity and the piece count times [`SLOTS_PER_PIECE`].

use super::{hash_str, mix, trial, GOLDEN};
use crate::InputError;

/// Most targets one router holds (indices must fit in an `Int32Array`).
pub const MAX_TARGETS: usize = 1 << 30;

/// Largest table size.
pub const MAX_SLOTS: u64 = 1 << 31;

/// Default slots per piece: the table doubles when `6 * pieces` crosses a
/// power of two. A factor that is not a power of two keeps those thresholds
/// away from the power-of-two pool sizes that services often use.
pub const SLOTS_PER_PIECE: u64 = 6;

/// Default cap on pieces per target, on average: past it the unit doubles.
const PIECES_PER_TARGET: f64 = 16.0;

/// A slot no piece holds.
const EMPTY: u32 = u32::MAX;

/// One target as given: its id, capacity and id hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The id as given.
    pub id: String,
    /// Its capacity, finite and positive.
    pub capacity: f64,
    /// `xxh3_64_with_seed(utf8(id), seed)`.
    pub hash: u64,
    /// What rendezvous needs of the target for every key, made once:
    /// `mix(hash ^ GOLDEN)` and `1 / capacity`.
    pub(super) rendezvous: (u64, f64),
}

/// One slot: the target of the piece it holds (or [`EMPTY`]) and the largest
/// 32-bit mark that hits it (`ceil(size / unit * 2^32) - 1`).
#[derive(Debug, Clone, Copy)]
struct Slot {
    target: u32,
    limit: u32,
}

/// How a router finds a key's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The table: a few trials per lookup, whatever the number of targets;
    /// a change can also move the keys of a piece it pushes aside.
    Table,
    /// Exact weighted rendezvous: every target scored for every key, so a
    /// lookup costs O(targets), and a change moves keys only to or from the
    /// target that changed.
    Rendezvous,
}

impl std::str::FromStr for Method {
    type Err = InputError;

    fn from_str(name: &str) -> Result<Self, InputError> {
        match name {
            "table" => Ok(Method::Table),
            "rendezvous" => Ok(Method::Rendezvous),
            _ => Err(InputError::new("options.method", format!("'{name}' is not 'table' or 'rendezvous'"))),
        }
    }
}

/// A keyed router's targets and lookup table. Depends only on the seed, the
/// set of `(id, capacity)` pairs, the method and the pinned `slots` /
/// `bound`, never on the order the targets were given in (which only numbers
/// the results).
#[derive(Debug, Clone)]
pub struct Layout {
    targets: Vec<Target>,
    method: Method,
    seed: u64,
    bits: u32,
    unit: f64,
    total: f64,
    pieces: u64,
    pinned_slots: bool,
    pinned_unit: bool,
    table: Vec<Slot>,
}

/// A piece before placement: its hash `g`, target, index and limit.
struct Piece {
    g: u64,
    target: u32,
    index: u64,
    limit: u32,
}

impl Layout {
    /// A router with the default table size and unit.
    pub fn new(ids: Vec<String>, capacities: &[f64], seed: u64) -> Result<Self, InputError> {
        Self::with(ids, capacities, seed, None, None)
    }

    /// A router with `slots` (a power of two in `[2, 2^31]`, at least the
    /// number of pieces) and `bound` (the unit: the most capacity one piece
    /// holds, finite and positive) pinned when given.
    pub fn with(
        ids: Vec<String>,
        capacities: &[f64],
        seed: u64,
        slots: Option<u64>,
        bound: Option<f64>,
    ) -> Result<Self, InputError> {
        check_inputs(&ids, capacities, slots, bound)?;
        let targets = hashed_targets(ids, capacities, seed)?;
        let unit = bound.unwrap_or_else(|| default_unit(capacities));
        let pieces = piece_count(capacities, unit);
        let table_slots = match slots {
            Some(s) if (s as f64) < pieces => {
                let msg = format!("{s} slots cannot hold the {pieces} pieces these capacities need");
                return Err(InputError::new("options.slots", msg));
            }
            Some(s) => s,
            None if pieces * SLOTS_PER_PIECE as f64 > MAX_SLOTS as f64 => {
                let msg = format!("{unit} cuts the capacities into {pieces} pieces, more than a table holds");
                return Err(InputError::new("options.bound", msg));
            }
            None => (pieces as u64 * SLOTS_PER_PIECE).next_power_of_two().max(2),
        };
        let bits = table_slots.trailing_zeros();
        let table = place(&targets, unit, bits);
        Ok(Layout {
            total: capacity_sum(&targets),
            targets,
            method: Method::Table,
            seed,
            bits,
            unit,
            pieces: pieces as u64,
            pinned_slots: slots.is_some(),
            pinned_unit: bound.is_some(),
            table,
        })
    }

    /// A router by `method`, with the table's `slots` and `bound` pinned when
    /// given (see [`Layout::with`]); only the table has them to pin.
    pub fn build(
        ids: Vec<String>,
        capacities: &[f64],
        seed: u64,
        method: Method,
        slots: Option<u64>,
        bound: Option<f64>,
    ) -> Result<Self, InputError> {
        const UNPINNABLE: &str = "only the 'table' method has a table to pin";
        match method {
            Method::Table => Self::with(ids, capacities, seed, slots, bound),
            Method::Rendezvous if slots.is_some() => Err(InputError::new("options.slots", UNPINNABLE)),
            Method::Rendezvous if bound.is_some() => Err(InputError::new("options.bound", UNPINNABLE)),
            Method::Rendezvous => Self::rendezvous(ids, capacities, seed),
        }
    }

    /// A router by exact weighted rendezvous ([`Method::Rendezvous`]): no table.
    pub fn rendezvous(ids: Vec<String>, capacities: &[f64], seed: u64) -> Result<Self, InputError> {
        check_inputs(&ids, capacities, None, None)?;
        let targets = hashed_targets(ids, capacities, seed)?;
        Ok(Layout {
            total: capacity_sum(&targets),
            targets,
            method: Method::Rendezvous,
            seed,
            bits: 0,
            unit: 0.0,
            pieces: 0,
            pinned_slots: false,
            pinned_unit: false,
            table: Vec::new(),
        })
    }

    /// How this router finds a key's targets.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The target a trial word `z` lands on, if any (the table method only).
    #[inline]
    pub fn accept(&self, z: u64) -> Option<u32> {
        let slot = self.table[(z >> (64 - self.bits)) as usize];
        let mark = ((z << self.bits) >> 32) as u32;
        (slot.target != EMPTY && mark <= slot.limit).then_some(slot.target)
    }

    /// The targets in the order given.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Number of targets.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Always false: a layout holds at least one target.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Slots of the table (0 without one).
    pub fn slots(&self) -> u64 {
        self.table.len() as u64
    }

    /// The unit: the most capacity one piece (and one slot) holds (0 without a table).
    pub fn bound(&self) -> f64 {
        self.unit
    }

    /// Pieces in the table.
    pub fn pieces(&self) -> u64 {
        self.pieces
    }

    /// Sum of all capacities.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Whether `slots` / `bound` were pinned by the caller (kept by derived routers).
    pub fn pinned(&self) -> (Option<u64>, Option<f64>) {
        (self.pinned_slots.then(|| self.slots()), self.pinned_unit.then_some(self.unit))
    }

    /// Mean trials per first choice: `slots * bound / total` with the table;
    /// by rendezvous, every target is scored once.
    pub fn mean_trials(&self) -> f64 {
        match self.method {
            Method::Table => self.slots() as f64 * self.unit / self.total,
            Method::Rendezvous => self.targets.len() as f64,
        }
    }
}

/// The targets with their id hashes, refusing a repeated id.
fn hashed_targets(ids: Vec<String>, capacities: &[f64], seed: u64) -> Result<Vec<Target>, InputError> {
    let targets: Vec<Target> = ids
        .into_iter()
        .zip(capacities)
        .map(|(id, &capacity)| {
            let hash = hash_str(id.as_bytes(), seed);
            Target { hash, id, capacity, rendezvous: (mix(hash ^ GOLDEN), 1.0 / capacity) }
        })
        .collect();
    check_unique(&targets)?;
    Ok(targets)
}

/// The sum of the capacities, in canonical order (by hash) so that it does
/// not depend on the order the targets were given in.
fn capacity_sum(targets: &[Target]) -> f64 {
    let mut by_hash: Vec<&Target> = targets.iter().collect();
    by_hash.sort_unstable_by_key(|t| t.hash);
    by_hash.iter().map(|t| t.capacity).sum()
}

/// Checks sizes, capacities and pinned options, before any work.
fn check_inputs(ids: &[String], capacities: &[f64], slots: Option<u64>, bound: Option<f64>) -> Result<(), InputError> {
    let n = ids.len();
    if n == 0 {
        return Err(InputError::new("targets", "must hold at least one target"));
    }
    if n > MAX_TARGETS {
        return Err(InputError::new("targets", format!("{n} targets exceed the most of {MAX_TARGETS}")));
    }
    if capacities.len() != n {
        return Err(InputError::new("capacities", format!("length {} does not match {n} targets", capacities.len())));
    }
    if let Some(bad) = capacities.iter().position(|c| !(c.is_finite() && *c > 0.0)) {
        return Err(InputError::at("capacities", bad, format!("{} is not a finite positive number", capacities[bad])));
    }
    if let Some(s) = slots {
        if !(2..=MAX_SLOTS).contains(&s) || !s.is_power_of_two() {
            return Err(InputError::new("options.slots", format!("{s} is not a power of two in [2, 2^31]")));
        }
    }
    if let Some(b) = bound {
        if !(b.is_finite() && b > 0.0) {
            return Err(InputError::new("options.bound", format!("{b} is not a finite positive number")));
        }
    }
    Ok(())
}

/// Refuses a repeated id, naming the later of two equal ones.
fn check_unique(targets: &[Target]) -> Result<(), InputError> {
    let mut order: Vec<u32> = (0..targets.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        let (ta, tb) = (&targets[a as usize], &targets[b as usize]);
        ta.hash.cmp(&tb.hash).then_with(|| ta.id.cmp(&tb.id))
    });
    match order.windows(2).find(|w| targets[w[0] as usize].id == targets[w[1] as usize].id) {
        Some(w) => {
            let later = w[0].max(w[1]) as usize;
            Err(InputError::at("targets", later, format!("'{}' appears more than once", targets[later].id)))
        }
        None => Ok(()),
    }
}

/// The default unit: the smallest power of two at or above the median
/// capacity (the lower middle one), doubled while the pieces would exceed
/// [`PIECES_PER_TARGET`] per target. A median moves little when one target
/// changes, unlike the largest capacity or the total.
fn default_unit(capacities: &[f64]) -> f64 {
    let mut sorted = capacities.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut unit = next_power_of_two(sorted[(sorted.len() - 1) / 2]);
    let most = PIECES_PER_TARGET * capacities.len() as f64;
    while piece_count(capacities, unit) > most {
        unit *= 2.0;
    }
    unit
}

/// Pieces of all targets at a unit: `ceil(capacity / unit)` each.
fn piece_count(capacities: &[f64], unit: f64) -> f64 {
    capacities.iter().map(|&c| (c / unit).ceil()).sum()
}

/// Size of piece `i` of a target: whole units, then the remainder. Each
/// piece's size only grows with the capacity, so a capacity change only
/// grows (or only shrinks) that target's pieces.
fn piece_size(capacity: f64, unit: f64, i: u64) -> f64 {
    (capacity - i as f64 * unit).min(unit)
}

/// The table. Pieces are placed largest first (by `limit`), then by index
/// (every target's first unit before anyone's second), then in increasing
/// order of `(g, id)`; each takes the first free slot of its probe sequence:
/// its home (the top `bits` bits of `g`), then steps of `(g mod slots) | 1`,
/// wrapping. A piece can then only push aside pieces no larger than itself,
/// so a small target coming or going never moves a large one; the units a
/// growing target adds come late in the order and rarely push whole units;
/// and a push moves one piece, not a run of them.
fn place(targets: &[Target], unit: f64, bits: u32) -> Vec<Slot> {
    let mut pieces = Vec::new();
    for (j, t) in targets.iter().enumerate() {
        let count = (t.capacity / unit).ceil() as u64;
        for i in 0..count {
            let limit = limit(piece_size(t.capacity, unit, i), unit);
            pieces.push(Piece { g: trial(t.hash, i), target: j as u32, index: i, limit });
        }
    }
    pieces.sort_unstable_by(|a, b| {
        let ids = |p: &Piece| &targets[p.target as usize].id;
        (b.limit.cmp(&a.limit)).then(a.index.cmp(&b.index)).then(a.g.cmp(&b.g)).then_with(|| ids(a).cmp(ids(b)))
    });
    let mask = (1usize << bits) - 1;
    let mut table = vec![Slot { target: EMPTY, limit: 0 }; mask + 1];
    for p in &pieces {
        // Double hashing: an odd step visits every slot of a power-of-two table.
        let step = (p.g as usize & mask) | 1;
        let mut at = (p.g >> (64 - bits)) as usize;
        while table[at].target != EMPTY {
            at = (at + step) & mask;
        }
        table[at] = Slot { target: p.target, limit: p.limit };
    }
    table
}

/// The largest 32-bit mark that hits a piece of `size`: a trial hits it with
/// probability `ceil(size / unit * 2^32) / 2^32`.
fn limit(size: f64, unit: f64) -> u32 {
    let scaled = (size / unit * 4_294_967_296.0).ceil();
    (scaled.clamp(1.0, 4_294_967_296.0) - 1.0) as u32
}

/// The smallest power of two at or above a positive finite `x`.
pub fn next_power_of_two(x: f64) -> f64 {
    let mut p = 2f64.powi(x.log2().floor() as i32);
    while p < x {
        p *= 2.0;
    }
    while p / 2.0 >= x {
        p /= 2.0;
    }
    p
}
