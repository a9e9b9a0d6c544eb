//! API keys: full verify against a 1 000-record store beside SHA-256 + lookup + compare.
#![allow(missing_docs)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    common::bench_case(c, &authv_benches::apikey_case());
}

criterion_group!(benches, bench);
criterion_main!(benches);
