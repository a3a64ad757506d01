use crate::gate::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most slots within the candidates, by plain augmenting paths one at a
/// time (Ford-Fulkerson with a depth-first search), independent of the phases.
fn most_slots(candidates: &[Candidate], width: usize, k: usize, caps: &[u64]) -> usize {
    let tokens = candidates.len() / width;
    let mut kept = vec![false; candidates.len()];
    let mut load = vec![0u64; caps.len()];
    // From token t: a path to an expert with room, moving holders along.
    fn search(
        t: usize,
        c: &[Candidate],
        w: usize,
        caps: &[u64],
        kept: &mut [bool],
        load: &mut [u64],
        seen: &mut [bool],
    ) -> bool {
        for p in t * w..(t + 1) * w {
            let e = c[p].expert as usize;
            if kept[p] || seen[e] {
                continue;
            }
            seen[e] = true;
            if load[e] < caps[e] {
                kept[p] = true;
                load[e] += 1;
                return true;
            }
            let holders: Vec<usize> = (0..c.len()).filter(|&q| kept[q] && c[q].expert as usize == e).collect();
            for q in holders {
                if search(q / w, c, w, caps, kept, load, seen) {
                    kept[q] = false;
                    kept[p] = true;
                    return true;
                }
            }
        }
        false
    }
    let mut total = 0;
    for t in 0..tokens {
        let mut held = 0;
        while held < k {
            let mut seen = vec![false; caps.len()];
            if !search(t, candidates, width, caps, &mut kept, &mut load, &mut seen) {
                break;
            }
            // The moved tokens keep their count; `load` of the last expert grew.
            held += 1;
            total += 1;
        }
    }
    total
}

fn random_case(rng: &mut ChaCha8Rng, round: usize) -> (Vec<f32>, Vec<i32>, usize, usize) {
    let experts = [4, 6, 8, 12][round % 4];
    let k = 1 + round % 3;
    let tokens = rng.gen_range(1..40);
    let skew: Vec<f32> = (0..experts).map(|e| -(e as f32) * 0.7).collect();
    let scores = (0..tokens * experts).map(|i| skew[i % experts] + rng.gen_range(0..8) as f32 * 0.25).collect();
    // Caps around the mean load, so that some bind and others leave room.
    let mean = (tokens * k) as f64 / experts as f64;
    let caps = (0..experts).map(|_| (mean * rng.gen_range(0.0..1.6)) as i32).collect();
    (scores, caps, experts, k)
}

fn options<'a>(experts: usize, k: usize, caps: &'a [i32], overflow: Overflow) -> GateOptions<'a> {
    GateOptions {
        capacity: Capacity::PerExpert(caps),
        overflow,
        reroute_within: Some(k + 2),
        ..GateOptions::new(experts, k)
    }
}

#[test]
fn keeps_the_share_of_the_most_slots_within_caps() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut augmented = 0;
    for round in 0..200 {
        let (scores, caps, experts, k) = random_case(&mut rng, round);
        let share = [1.0, 0.99, 0.9, 0.5][round % 4];
        let maximize = options(experts, k, &caps, Overflow::Maximize { slot_share: share });
        let gated = gate(&scores, &maximize).unwrap();
        let width = maximize.width();
        let cands = candidates(&scores, &maximize);
        let caps64: Vec<u64> = caps.iter().map(|&c| c as u64).collect();
        let most = most_slots(&cands, width, k, &caps64);
        let target = ((share * most as f64).ceil() as usize).min(most);
        let rerouted = gate(&scores, &options(experts, k, &caps, Overflow::Reroute)).unwrap();
        assert!(gated.kept >= target.max(rerouted.kept) && gated.kept <= most, "round {round}");
        for (e, &count) in gated.counts.iter().enumerate() {
            assert!(count <= caps[e], "round {round}: expert {e} over its cap");
        }
        for t in 0..scores.len() / experts {
            // Slots: candidates in candidate order (selection score descending), then -1s.
            let row: Vec<i32> = cands[t * width..(t + 1) * width].iter().map(|c| c.expert as i32).collect();
            let slots = &gated.experts[t * k..(t + 1) * k];
            let held = slots.iter().take_while(|&&e| e >= 0).count();
            assert!(slots[held..].iter().all(|&e| e == -1), "round {round} token {t}");
            let at: Vec<usize> = slots[..held].iter().map(|e| row.iter().position(|c| c == e).unwrap()).collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "round {round} token {t}: {slots:?} of {row:?}");
        }
        if rerouted.kept >= target {
            assert_eq!(gated, rerouted, "round {round}: nothing to augment, so reroute's result");
        } else {
            augmented += 1;
        }
    }
    assert!(augmented >= 20, "only {augmented} rounds needed augmenting");
}

#[test]
fn moves_a_token_to_make_room() {
    // Candidates (2 each): token 0 experts 0 then 1, token 1 experts 0 then 2;
    // expert 2 has no room. The greedy gives expert 0 to token 0 (the higher
    // score) and drops token 1; the augmenting path moves token 0 to expert 1.
    let scores = [5.0, 1.0, -9.0, 4.0, -9.0, 1.0];
    let caps = [1, 1, 0];
    let reroute = GateOptions {
        capacity: Capacity::PerExpert(&caps),
        overflow: Overflow::Reroute,
        reroute_within: Some(2),
        ..GateOptions::new(3, 1)
    };
    assert_eq!(gate(&scores, &reroute).unwrap().experts, [0, -1]);
    let maximize = GateOptions { overflow: Overflow::Maximize { slot_share: 1.0 }, ..reroute };
    let gated = gate(&scores, &maximize).unwrap();
    assert_eq!(gated.experts, [1, 0]);
    assert_eq!(gated.positions, [0, 0]);
    assert_eq!(gated.counts, [1, 1, 0]);
    assert_eq!(gated.weights, [1.0, 1.0]);
}

#[test]
fn same_output_at_every_thread_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (tokens, experts, k) = (4000, 64, 4);
    let scores: Vec<f32> =
        (0..tokens * experts).map(|i| rng.gen::<f32>() * 3.0 - (i % experts) as f32 * 0.05).collect();
    let options = GateOptions {
        capacity: Capacity::Each((tokens * k / experts) as u64),
        overflow: Overflow::Maximize { slot_share: 0.99 },
        ..GateOptions::new(experts, k)
    };
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| gate(&scores, &options).unwrap())
    };
    let one = run(1);
    let rerouted = gate(&scores, &GateOptions { overflow: Overflow::Reroute, ..options }).unwrap();
    assert!(one.kept > rerouted.kept, "the case needs augmenting");
    assert_eq!(one, run(3));
}

#[test]
fn slot_share_outside_zero_one_is_refused() {
    for share in [0.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        let options = GateOptions { overflow: Overflow::Maximize { slot_share: share }, ..GateOptions::new(2, 1) };
        let error = gate(&[0.0, 1.0], &options).unwrap_err();
        assert!(error.to_string().starts_with("options.slotShare"), "{error}");
    }
}

#[test]
fn moves_the_token_that_loses_least() {
    // k = 1, caps [2, 1, 0]. The greedy gives expert 0 to tokens 0 and 1 and
    // drops token 2 (its other candidate, expert 2, has no room). Either
    // token 0 (scores 0.525 / 0.475 for experts 0 / 1) or token 1 (0.98 /
    // 0.02) can move to expert 1 to make room; token 0 loses less.
    let scores = [3.0, 2.9, -9.0, 4.0, 0.0, -9.0, 0.0, -9.0, 0.5];
    let caps = [2, 1, 0];
    let maximize = GateOptions {
        capacity: Capacity::PerExpert(&caps),
        overflow: Overflow::Maximize { slot_share: 1.0 },
        reroute_within: Some(2),
        ..GateOptions::new(3, 1)
    };
    let rerouted = gate(&scores, &GateOptions { overflow: Overflow::Reroute, ..maximize }).unwrap();
    assert_eq!(rerouted.experts, [0, 0, -1]);
    assert_eq!(gate(&scores, &maximize).unwrap().experts, [1, 0, 0]);
}
