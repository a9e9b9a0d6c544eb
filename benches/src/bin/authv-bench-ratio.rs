//! Wall-clock ratios that hold up on a loaded machine: for each case, authv, its limit and its peers
//! run in alternating batches, and each round's authv batch is divided by the limit's (or the peer's)
//! batch right beside it. A burst of load slows the batches it hits, in whichever order; the median of
//! the per-round ratios is what survives it. Criterion's medians, which `cargo xtask bench` prints as
//! the absolute times, are taken seconds apart and move with the load between them.
//!
//! Batches are [`authv_benches::SIGNED_RING`] calls for the signed request (so its fixture's periodic
//! work, replacing the replay guard once per ring, falls in every batch) and about two milliseconds'
//! worth of calls for the other cases.
//!
//! ```text
//! authv-bench-ratio [ROUNDS] [CASE...]      a table: best and median batches, e.g.
//!                                           authv-bench-ratio 100 signed_request_1k sigv4_header
//! authv-bench-ratio --json [CASE...]        per case, the median per-round ratio against the limit
//!                                           and each peer, as JSON (for `cargo xtask bench`)
//! ```
#![allow(missing_docs, clippy::print_stdout)]

use std::time::Instant;

/// Nanoseconds per call of one batch of `n` calls.
fn batch(op: &authv_benches::Op, n: u32) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(op());
    }
    t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn median(v: Vec<f64>) -> f64 {
    let v = sorted(v);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The batch size for `case`: the signed request's ring, else about 2 ms of calls (16 to 1024).
fn batch_len(case: &authv_benches::Case) -> u32 {
    let ring = u32::try_from(authv_benches::SIGNED_RING).unwrap_or(1024);
    if case.id == "signed_request_1k" {
        return ring;
    }
    let per_call = batch(&case.authv, 16).max(1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to 16..=1024
    let n = (2e6 / per_call).clamp(16.0, f64::from(ring)) as u32;
    n
}

/// Rounds for about `seconds` of measuring `ops` operations in batches of `n`, at least 9.
fn rounds_for(case: &authv_benches::Case, n: u32, ops: usize, seconds: f64) -> u32 {
    let per_round = batch(&case.authv, n) * f64::from(n) * 1e-9 * ops as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to 9..=200
    let r = (seconds / per_round.max(1e-9)).clamp(9.0, 200.0) as u32;
    r
}

fn json(wanted: &[String]) {
    let cases = authv_benches::all_cases(&|_| Vec::new());
    let mut out = serde_json::Map::new();
    for case in cases.iter().filter(|c| wanted.is_empty() || wanted.iter().any(|w| w == c.id)) {
        let n = batch_len(case);
        let rounds = rounds_for(case, n, 2 + case.peers.len(), 4.0);
        let mut authv = Vec::new();
        let mut limit = Vec::new();
        let mut vs_limit = Vec::new();
        let mut peers: Vec<(Vec<f64>, Vec<f64>)> = case.peers.iter().map(|_| (Vec::new(), Vec::new())).collect();
        for _ in 0..rounds {
            let a = batch(&case.authv, n);
            let l = batch(&case.limit, n);
            authv.push(a);
            limit.push(l);
            vs_limit.push(a / l);
            for ((_, op), (times, ratios)) in case.peers.iter().zip(&mut peers) {
                let p = batch(op, n);
                times.push(p);
                ratios.push(a / p);
            }
        }
        let peers: serde_json::Map<String, serde_json::Value> = case
            .peers
            .iter()
            .zip(peers)
            .map(|((name, _), (times, ratios))| {
                ((*name).to_owned(), serde_json::json!({"ns": median(times), "authv_over_peer": median(ratios)}))
            })
            .collect();
        out.insert(
            case.id.to_owned(),
            serde_json::json!({
                "rounds": rounds,
                "batch": n,
                "authv_ns": median(authv),
                "limit_ns": median(limit),
                "authv_over_limit": median(vs_limit),
                "peers": peers,
            }),
        );
    }
    println!("{}", serde_json::Value::Object(out));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--json") {
        json(args.get(1..).unwrap_or_default());
        return;
    }
    let (rounds, wanted) = match args.first().and_then(|a| a.parse::<u32>().ok()) {
        Some(r) => (r, args.get(1..).unwrap_or_default()),
        None => (100, args.as_slice()),
    };
    let cases = authv_benches::all_cases(&|_| Vec::new());
    println!(
        "{:24} {:>12} {:>12} {:>8} {:>14} {:>14} {:>8}",
        "case", "authv ns", "limit ns", "ratio", "median authv", "median limit", "ratio"
    );
    for case in cases.iter().filter(|c| wanted.is_empty() || wanted.iter().any(|w| w == c.id)) {
        let n = batch_len(case);
        let (mut a, mut l) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            a.push(batch(&case.authv, n));
            l.push(batch(&case.limit, n));
        }
        let (a, l) = (sorted(a), sorted(l));
        let best = |v: &[f64]| v.first().copied().unwrap_or(f64::NAN);
        let mid = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(f64::NAN);
        let (ab, am, lb, lm) = (best(&a), mid(&a), best(&l), mid(&l));
        println!("{:24} {ab:12.1} {lb:12.1} {:8.3} {am:14.1} {lm:14.1} {:8.3}", case.id, ab / lb, am / lm);
    }
}
