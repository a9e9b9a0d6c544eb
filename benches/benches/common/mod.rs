//! Runs one [`Case`] as a criterion group: authv, the limit and the peers back to back, so the
//! ratios `cargo xtask bench` computes are pair-wise within one run.

use authv_benches::Case;
use criterion::{Criterion, SamplingMode};
use std::time::Duration;

/// Benchmarks `case` in the group named by its id (functions `authv`, `limit`, then each peer's name).
pub(crate) fn bench_case(c: &mut Criterion, case: &Case) {
    // Slow operations (RSA, P-521, chains) get flat sampling so a run stays within a few seconds.
    let slow = {
        let t = std::time::Instant::now();
        for _ in 0..10 {
            std::hint::black_box((case.authv)());
        }
        t.elapsed() > Duration::from_micros(500)
    };
    let mut g = c.benchmark_group(case.id);
    g.warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(2)).sample_size(40);
    if slow {
        g.sampling_mode(SamplingMode::Flat);
    }
    g.bench_function("authv", |b| b.iter(|| std::hint::black_box((case.authv)())));
    g.bench_function("limit", |b| b.iter(|| std::hint::black_box((case.limit)())));
    for (name, op) in &case.peers {
        g.bench_function(*name, |b| b.iter(|| std::hint::black_box(op())));
    }
    g.finish();
}
