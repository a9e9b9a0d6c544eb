//! mTLS: leaf + intermediate chains (P-256, RSA-2048) beside ring's two signatures (the limit) and
//! rustls-webpki's `verify_for_usage` alone (the peer), then `identity_extraction_only`: the
//! x509-parser stage of auth-mtls's verify alone, where its overhead over rustls-webpki comes from
//! (moved here from auth-mtls's own bench).
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use auth_testkit::mtls::{KeyKind, LeafSpec, Pki};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    for case in authv_benches::mtls_cases() {
        common::bench_case(c, &case);
    }
    let mut g = c.benchmark_group("mtls_stages");
    g.warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(2)).sample_size(40);
    for (name, pki, key) in
        [("p256", Pki::p256("Bench"), KeyKind::P256), ("rsa2048", Pki::rsa2048("Bench"), KeyKind::Rsa2048(2))]
    {
        let leaf = pki.leaf(&LeafSpec::client("bench-client").dns("client.example").key(key));
        let chain = leaf.chain();
        g.bench_function(format!("identity_extraction_only_{name}"), |b| {
            b.iter(|| black_box(auth_mtls::CertificateInfo::from_der(black_box(&chain[0])).unwrap()));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
