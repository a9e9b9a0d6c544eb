//! HMAC schemes: signed request (1 KiB), SigV4 header and query, Stripe, Standard Webhooks, RFC 9421.
#![allow(missing_docs)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    for case in authv_benches::hmac_cases() {
        common::bench_case(c, &case);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
