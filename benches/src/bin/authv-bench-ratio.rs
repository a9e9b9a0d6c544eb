//! Wall-clock ratios that hold up on a loaded machine: for each case, authv and its limit run in
//! alternating batches (`SIGNED_RING` calls each, so a fixture's periodic work, such as the
//! signed-request fixture replacing its replay guard once per ring, falls in every batch), and the best batch of
//! each gives the ratio. A burst of load slows whichever batch it hits, so the best batches are the
//! ones it missed; the median batches are printed beside them. Criterion's medians, which
//! `cargo xtask bench` reports, need a quiet machine.
//!
//! ```text
//! authv-bench-ratio [ROUNDS] [CASE...]     e.g. authv-bench-ratio 100 signed_request_1k sigv4_header
//! ```
#![allow(missing_docs, clippy::print_stdout)]

use std::time::Instant;

/// One batch: one turn of the signed-request fixture's ring.
const BATCH: u32 = {
    assert!(authv_benches::SIGNED_RING <= u32::MAX as usize);
    authv_benches::SIGNED_RING as u32
};

/// Nanoseconds per call of one batch.
fn batch(op: &authv_benches::Op) -> f64 {
    let t = Instant::now();
    for _ in 0..BATCH {
        std::hint::black_box(op());
    }
    t.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
}

fn best_and_median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v.first().copied().unwrap_or(f64::NAN), v.get(v.len() / 2).copied().unwrap_or(f64::NAN))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
        let (mut a, mut l) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            a.push(batch(&case.authv));
            l.push(batch(&case.limit));
        }
        let ((a, am), (l, lm)) = (best_and_median(a), best_and_median(l));
        println!("{:24} {a:12.1} {l:12.1} {:8.3} {am:14.1} {lm:14.1} {:8.3}", case.id, a / l, am / lm);
    }
}
