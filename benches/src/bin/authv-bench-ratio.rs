//! Wall-clock ratios that hold up on a loaded machine: for each case, authv and its limit run in
//! alternating batches (200 calls each), and the best batch of each gives the ratio. A burst of
//! load slows whichever batch it hits, so the best batches are the ones it missed; criterion's
//! medians, which `cargo xtask bench` reports, need a quiet machine.
//!
//! ```text
//! authv-bench-ratio [ROUNDS] [CASE...]     e.g. authv-bench-ratio 300 signed_request_1k sigv4_header
//! ```
#![allow(missing_docs, clippy::print_stdout)]

use std::time::Instant;

const BATCH: u32 = 200;

fn best_batch(op: &authv_benches::Op, best: &mut f64) {
    let t = Instant::now();
    for _ in 0..BATCH {
        std::hint::black_box(op());
    }
    *best = best.min(t.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (rounds, wanted) = match args.first().and_then(|a| a.parse::<u32>().ok()) {
        Some(r) => (r, args.get(1..).unwrap_or_default()),
        None => (100, args.as_slice()),
    };
    let cases = authv_benches::all_cases(&|_| Vec::new());
    println!("{:24} {:>12} {:>12} {:>8}", "case", "authv ns", "limit ns", "ratio");
    for case in cases.iter().filter(|c| wanted.is_empty() || wanted.iter().any(|w| w == c.id)) {
        let (mut a, mut l) = (f64::MAX, f64::MAX);
        for _ in 0..rounds {
            best_batch(&case.authv, &mut a);
            best_batch(&case.limit, &mut l);
        }
        println!("{:24} {a:12.1} {l:12.1} {:8.3}", case.id, a / l);
    }
}
