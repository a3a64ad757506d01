//! What a correct answer looks like, independent of how the kernel computes it.

use phase_router_kernel::capacity::Enforced;
use phase_router_kernel::{walk, Layout};

/// docs/algorithm.md#the-reference-algorithm's output shape: `rows` rows of `k` slots; each row holds
/// distinct targets in `0..n` at the front and -1 after them.
pub fn check_routes_shape(routes: &[i32], rows: usize, n: usize, k: usize) {
    assert_eq!(routes.len(), rows * k, "output length");
    for (j, row) in routes.chunks(k).enumerate() {
        let filled = row.iter().take_while(|&&c| c >= 0).count();
        assert!(row[filled..].iter().all(|&c| c == -1), "row {j}: -1 before a column: {row:?}");
        assert!(row[..filled].iter().all(|&c| (c as usize) < n), "row {j}: column out of range: {row:?}");
        let mut columns = row[..filled].to_vec();
        columns.sort_unstable();
        columns.dedup();
        assert_eq!(columns.len(), filled, "row {j}: a column twice: {row:?}");
    }
}

/// The baseline walk of docs/algorithm.md#the-reference-algorithm on already-valid inputs.
pub fn walk(s_degree: &[u32], t_degree: &[u32], perm_s: &[u32], perm_t: &[u32], k: usize, seed: u64) -> Vec<i32> {
    let layout = Layout::new(s_degree.to_vec(), t_degree.to_vec(), perm_s, perm_t).expect("oracle given a bad layout");
    let mut out = vec![-1; s_degree.len() * k];
    walk::route(&layout, k, seed, &mut out);
    out
}

/// Fast mode's promise, checked against every candidate in visit order
/// (`all`, the walk with `n` slots per row): a row keeps all its candidates
/// when it has at most `k`, otherwise `k` of them, in visit order.
pub fn check_fast_picks(routes: &[i32], all: &[i32], k: usize, n: usize) {
    for (j, (row, candidates)) in routes.chunks(k).zip(all.chunks(n)).enumerate() {
        let candidates: Vec<i32> = candidates.iter().copied().take_while(|&c| c >= 0).collect();
        let picked: Vec<i32> = row.iter().copied().take_while(|&c| c >= 0).collect();
        assert_eq!(picked.len(), candidates.len().min(k), "row {j}: wrong number of picks");
        let positions: Vec<usize> = picked
            .iter()
            .map(|c| candidates.iter().position(|x| x == c).unwrap_or_else(|| panic!("row {j}: {c} is no candidate")))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "row {j}: picks out of visit order");
    }
}

/// First-come enforcement: kept slots are unchanged, no target over its cap, counts add up.
pub fn check_enforced(routes: &[i32], caps: &[i32], enforced: &Enforced) {
    assert_eq!(enforced.routes.len(), routes.len());
    let mut load = vec![0i32; caps.len()];
    for (&before, &after) in routes.iter().zip(&enforced.routes) {
        assert!(after == before || after == -1, "enforcement changed a target");
        if after >= 0 {
            load[after as usize] += 1;
        }
    }
    assert!(load.iter().zip(caps).all(|(l, c)| l <= c), "a target over its cap");
    let routed = routes.iter().filter(|&&t| t >= 0).count();
    assert_eq!(enforced.kept + enforced.dropped, routed);
    assert_eq!(enforced.kept, load.iter().map(|&l| l as usize).sum::<usize>());
}
