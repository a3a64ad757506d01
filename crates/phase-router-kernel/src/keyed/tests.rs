use super::*;

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("worker-{i}")).collect()
}

/// Capacities spanning 100:1, geometrically.
fn spread(n: usize) -> Vec<f64> {
    (0..n).map(|i| 100f64.powf(i as f64 / (n - 1) as f64)).collect()
}

fn keys(count: usize, salt: u64) -> Vec<u64> {
    (0..count as u64).map(|i| mix(i ^ (salt << 40))).collect()
}

fn firsts(layout: &Layout, hashes: &[u64]) -> Vec<i32> {
    let mut out = vec![0; hashes.len()];
    lookup_hashes_into(layout, hashes, 1, &mut out);
    out
}

fn id_rows(layout: &Layout, hashes: &[u64], k: usize) -> Vec<Vec<String>> {
    let mut out = vec![0; hashes.len() * k];
    lookup_hashes_into(layout, hashes, k, &mut out);
    out.chunks(k).map(|r| r.iter().map(|&t| layout.targets()[t as usize].id.clone()).collect()).collect()
}

/// `n` targets spanning 100:1 in another order: reversed, two swapped.
fn reordered(n: usize) -> (Vec<String>, Vec<f64>) {
    let mut pairs: Vec<(String, f64)> = ids(n).into_iter().zip(spread(n)).collect();
    pairs.reverse();
    pairs.swap(3, n - 3);
    pairs.into_iter().unzip()
}

#[test]
fn keyed_order_of_targets_does_not_matter() {
    let a = Layout::new(ids(50), &spread(50), 7).unwrap();
    let (b_ids, b_caps) = reordered(50);
    let b = Layout::new(b_ids, &b_caps, 7).unwrap();
    let hashes = keys(20_000, 1);
    assert_eq!(id_rows(&a, &hashes, 3), id_rows(&b, &hashes, 3));
}

#[test]
fn keyed_preferences_are_distinct_and_complete() {
    let layout = Layout::new(ids(9), &spread(9), 3).unwrap();
    let mut out = vec![0; 9 * 500];
    lookup_hashes_into(&layout, &keys(500, 2), 9, &mut out);
    for row in out.chunks(9) {
        let mut sorted = row.to_vec();
        sorted.sort();
        assert_eq!(sorted, (0..9).collect::<Vec<i32>>());
    }
}

/// Asserts that each target's share of `count` keys' first choices is its
/// capacity share, within `relative` of it or 4 standard errors.
fn assert_first_choices_proportional(layout: &Layout, count: usize, relative: f64) {
    let mut hits = vec![0usize; layout.len()];
    for t in firsts(layout, &keys(count, 3)) {
        hits[t as usize] += 1;
    }
    for (j, t) in layout.targets().iter().enumerate() {
        let p = t.capacity / layout.total();
        let se = (p * (1.0 - p) / count as f64).sqrt();
        let got = hits[j] as f64 / count as f64;
        assert!((got - p).abs() <= (relative * p).max(4.0 * se), "target {j}: {got} vs {p}");
    }
}

#[test]
fn keyed_first_choice_is_proportional() {
    let n = 20;
    assert_first_choices_proportional(&Layout::new(ids(n), &spread(n), 11).unwrap(), 400_000, 0.02);
}

/// Keys that change target between two layouts, and whether every move
/// involves `id` (to or from it).
fn moves(a: &Layout, b: &Layout, hashes: &[u64], id: &str) -> (usize, bool) {
    let (ra, rb) = (id_rows(a, hashes, 1), id_rows(b, hashes, 1));
    let changed: Vec<usize> = (0..hashes.len()).filter(|&i| ra[i] != rb[i]).collect();
    let all_involve = changed.iter().all(|&i| ra[i][0] == id || rb[i][0] == id);
    (changed.len(), all_involve)
}

#[test]
fn keyed_changes_move_keys_only_to_or_from_the_changed_target() {
    let n = 100;
    let (names, caps) = (ids(n), spread(n));
    let base = Layout::new(names.clone(), &caps, 5).unwrap();
    let hashes = keys(100_000, 4);
    // Capacity of one target doubled (bound and slots unchanged here).
    let mut doubled = caps.clone();
    doubled[10] *= 2.0;
    let changed = Layout::with(names.clone(), &doubled, 5, Some(base.slots()), Some(base.bound())).unwrap();
    let (moved, involve) = moves(&base, &changed, &hashes, "worker-10");
    assert!(involve && moved > 0);
    // A target added.
    let mut more = names.clone();
    more.push("worker-new".into());
    let mut more_caps = caps.clone();
    more_caps.push(10.0);
    let added = Layout::with(more, &more_caps, 5, Some(base.slots()), Some(base.bound())).unwrap();
    let (moved, involve) = moves(&base, &added, &hashes, "worker-new");
    assert!(involve && moved > 0);
    // A target removed.
    let fewer = Layout::new(names[1..].to_vec(), &caps[1..], 5).unwrap();
    assert_eq!((fewer.slots(), fewer.bound()), (base.slots(), base.bound()));
    let (moved, involve) = moves(&base, &fewer, &hashes, "worker-0");
    assert!(involve && moved > 0);
}

#[test]
fn keyed_moved_counts_changed_keys() {
    let (names, caps) = (ids(30), spread(30));
    let a = Layout::new(names.clone(), &caps, 1).unwrap();
    let b = Layout::new(names[1..].to_vec(), &caps[1..], 1).unwrap();
    let hashes = keys(10_000, 5);
    assert_eq!(moved(&a, &a, &hashes, 2).unwrap(), 0);
    let expected = id_rows(&a, &hashes, 1).iter().zip(id_rows(&b, &hashes, 1)).filter(|(x, y)| **x != *y).count();
    assert_eq!(moved(&a, &b, &hashes, 1).unwrap(), expected);
}

#[test]
fn keyed_assign_respects_caps_and_ignores_key_order() {
    let n = 16;
    let layout = Layout::new(ids(n), &spread(n), 9).unwrap();
    // Skewed popularity: key i repeated about 1000 / (i + 1) times.
    let mut hashes: Vec<u64> = Vec::new();
    for i in 0..400u64 {
        for _ in 0..(2000 / (i + 1)).max(1) {
            hashes.push(mix(i + 77));
        }
    }
    for k in [1, 2] {
        let out = assign(&layout, &hashes, k, 1.25).unwrap();
        let caps = caps(&layout, hashes.len(), k, 1.25);
        let mut loads = vec![0u64; n];
        for &t in &out {
            assert!(t >= 0);
            loads[t as usize] += 1;
        }
        assert!(loads.iter().zip(&caps).all(|(l, c)| l <= c));
        let mut reversed = hashes.clone();
        reversed.reverse();
        let back = assign(&layout, &reversed, k, 1.25).unwrap();
        let rows = |o: &[i32], hs: &[u64]| {
            let mut v: Vec<(u64, Vec<i32>)> = hs.iter().zip(o.chunks(k)).map(|(&h, r)| (h, r.to_vec())).collect();
            v.sort();
            v
        };
        assert_eq!(rows(&out, &hashes), rows(&back, &reversed));
    }
}

#[test]
fn keyed_utf16_hash_matches_utf8() {
    for s in ["", "a", "héllo", "日本語", "emoji 😀 ok"] {
        let units: Vec<u16> = s.encode_utf16().collect();
        let mut buf = Vec::new();
        assert_eq!(hash_utf16(&units, 42, &mut buf), hash_str(s.as_bytes(), 42));
    }
    // A lone surrogate hashes as U+FFFD.
    let mut buf = Vec::new();
    assert_eq!(hash_utf16(&[0x61, 0xD800], 1, &mut buf), hash_str("a\u{FFFD}".as_bytes(), 1));
    let hs = hash_utf16_keys(&"abcde".encode_utf16().collect::<Vec<_>>(), &[2, 0, 3], 9).unwrap();
    assert_eq!(hs, vec![hash_str(b"ab", 9), hash_str(b"", 9), hash_str(b"cde", 9)]);
    assert!(hash_utf16_keys(&[1, 2], &[1], 0).is_err());
}

#[test]
fn keyed_bad_input_is_refused() {
    assert_eq!(Layout::new(vec![], &[], 0).unwrap_err().argument, "targets");
    assert_eq!(Layout::new(ids(2), &[1.0], 0).unwrap_err().argument, "capacities");
    assert_eq!(Layout::new(ids(2), &[1.0, 0.0], 0).unwrap_err().index, Some(1));
    assert_eq!(Layout::new(vec!["a".into(), "a".into()], &[1.0, 1.0], 0).unwrap_err().argument, "targets");
    assert!(Layout::with(ids(2), &[1.0, 1.0], 0, Some(3), None).is_err());
    assert_eq!(Layout::with(ids(2), &[1.0, 1.0], 0, None, Some(0.0)).unwrap_err().argument, "options.bound");
    assert_eq!(Layout::with(ids(2), &[1.0, 1.0], 0, None, Some(f64::NAN)).unwrap_err().argument, "options.bound");
    // Three unit pieces do not fit two slots.
    assert_eq!(Layout::with(ids(3), &[1.0; 3], 0, Some(2), Some(1.0)).unwrap_err().argument, "options.slots");
    let layout = Layout::new(ids(3), &[1.0; 3], 0).unwrap();
    assert!(check_k(&layout, 1, 4).is_err());
    assert!(check_k(&layout, 1, 0).is_err());
    assert!(assign(&layout, &[1, 2], 1, 0.9).is_err());
}

#[test]
fn keyed_extreme_spread_uses_the_fallback_and_stays_distinct() {
    let layout = Layout::new(ids(3), &[1e9, 1e-9, 1.0], 0).unwrap();
    let mut out = vec![0; 3 * 50];
    lookup_hashes_into(&layout, &keys(50, 9), 3, &mut out);
    for row in out.chunks(3) {
        let mut sorted = row.to_vec();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2]);
    }
}

#[test]
fn keyed_pieces_cut_each_capacity_into_units_and_a_remainder() {
    // Unit 4: capacities 10, 4 and 1 make 3 + 1 + 1 pieces.
    let layout = Layout::with(ids(3), &[10.0, 4.0, 1.0], 0, None, Some(4.0)).unwrap();
    assert_eq!(layout.pieces(), 5);
    assert_eq!(layout.slots(), 32);
    let hashes = keys(300_000, 6);
    let mut hits = [0usize; 3];
    for t in firsts(&layout, &hashes) {
        hits[t as usize] += 1;
    }
    for (j, c) in [10.0, 4.0, 1.0].iter().enumerate() {
        let p = c / 15.0;
        let se = (p * (1.0 - p) / hashes.len() as f64).sqrt();
        assert!((hits[j] as f64 / hashes.len() as f64 - p).abs() <= 4.0 * se, "target {j}");
    }
}

#[test]
fn keyed_table_does_not_change_at_the_usual_thresholds() {
    // The unit follows the median capacity, so doubling the largest keeps it.
    let caps = spread(100);
    let base = Layout::new(ids(100), &caps, 3).unwrap();
    let mut doubled = caps.clone();
    doubled[99] *= 2.0;
    let bigger = Layout::new(ids(100), &doubled, 3).unwrap();
    assert_eq!((bigger.slots(), bigger.bound()), (base.slots(), base.bound()));
    // The table doubles when 6 * pieces crosses a power of two: at 171 unit targets, not at 129.
    let size = |n: usize| Layout::new(ids(n), &vec![1.0; n], 3).unwrap().slots();
    assert_eq!(size(128), size(129));
    assert_eq!(size(129), size(170));
    assert_eq!(size(171), 2 * size(170));
}

/// Each key's `k` preferences under `b`, with `id` taken out, cut to `k - 1`
/// when it was there, compared with its first `k - 1` under `a` (ids).
fn lists_agree_without(a: &Layout, b: &Layout, hashes: &[u64], k: usize, id: &str) -> bool {
    let (ra, rb) = (id_rows(a, hashes, k), id_rows(b, hashes, k));
    ra.iter().zip(&rb).all(|(x, y)| {
        let strip = |r: &Vec<String>| r.iter().filter(|t| *t != id).take(k - 1).cloned().collect::<Vec<_>>();
        strip(x) == strip(y)
    })
}

#[test]
fn keyed_rendezvous_moves_keys_only_to_or_from_the_changed_target() {
    let n = 60;
    let (names, caps) = (ids(n), spread(n));
    let base = Layout::rendezvous(names.clone(), &caps, 5).unwrap();
    let hashes = keys(50_000, 6);
    let mut more = names.clone();
    more.push("worker-new".into());
    let added = Layout::rendezvous(more, &[caps.clone(), vec![10.0]].concat(), 5).unwrap();
    let removed = Layout::rendezvous(names[1..].to_vec(), &caps[1..], 5).unwrap();
    let mut doubled = caps.clone();
    doubled[n - 1] *= 2.0;
    let grown = Layout::rendezvous(names.clone(), &doubled, 5).unwrap();
    for (changed, id) in [(&added, "worker-new"), (&removed, "worker-0"), (&grown, "worker-59")] {
        let (moved, involve) = moves(&base, changed, &hashes, id);
        assert!(involve && moved > 0, "{id}: {moved} moved");
        // Beyond first choices: every other target keeps its place in each key's order.
        assert!(lists_agree_without(&base, changed, &hashes[..5000], 4, id), "{id}");
    }
}

#[test]
fn keyed_rendezvous_is_proportional_and_ignores_target_order() {
    let n = 20;
    let layout = Layout::rendezvous(ids(n), &spread(n), 11).unwrap();
    assert_eq!((layout.method(), layout.slots(), layout.mean_trials()), (Method::Rendezvous, 0, n as f64));
    assert_first_choices_proportional(&layout, 200_000, 0.0);
    let (r_ids, r_caps) = reordered(n);
    let reordered = Layout::rendezvous(r_ids, &r_caps, 11).unwrap();
    let hashes = keys(5000, 7);
    assert_eq!(id_rows(&layout, &hashes, 3), id_rows(&reordered, &hashes, 3));
}

#[test]
fn keyed_rendezvous_orders_targets_by_score_and_serves_assign() {
    let n = 30;
    let layout = Layout::rendezvous(ids(n), &spread(n), 3).unwrap();
    let hashes = keys(2000, 8);
    // Every target scored and sorted: what the lookups (which skip hopeless
    // targets) must give, for every k.
    let sorted: Vec<Vec<i32>> = hashes
        .iter()
        .map(|&x| {
            let mut all: Vec<(f64, u64, i32)> = (layout.targets().iter().enumerate())
                .map(|(j, t)| (rendezvous_score(x, t.hash, t.capacity), t.hash, j as i32))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            all.into_iter().map(|e| e.2).collect()
        })
        .collect();
    for k in [1, 2, 5, n] {
        let mut out = vec![0; k * hashes.len()];
        lookup_hashes_into(&layout, &hashes, k, &mut out);
        for (row, order) in out.chunks(k).zip(&sorted) {
            assert_eq!(row, &order[..k]);
        }
    }
    let layout = Layout::rendezvous(ids(9), &spread(9), 3).unwrap();
    let k = 2;
    let assigned = assign(&layout, &hashes, k, 1.25).unwrap();
    let caps = caps(&layout, hashes.len(), k, 1.25);
    let mut loads = vec![0u64; 9];
    for &t in assigned.iter().filter(|&&t| t >= 0) {
        loads[t as usize] += 1;
    }
    assert!(loads.iter().zip(&caps).all(|(l, c)| l <= c), "{loads:?} over {caps:?}");
    assert!(Layout::rendezvous(ids(2), &[1.0, 0.0], 0).is_err());
}
