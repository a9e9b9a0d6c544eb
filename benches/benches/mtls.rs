//! mTLS: leaf + intermediate chains (P-256, RSA-2048) beside ring's two signatures and rustls-webpki alone.
#![allow(missing_docs)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    for case in authv_benches::mtls_cases() {
        common::bench_case(c, &case);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
