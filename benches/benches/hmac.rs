//! HMAC schemes: signed request (1 KiB), SigV4 header and query, Stripe, Standard Webhooks, RFC 9421,
//! each beside ring's HMAC over the same bytes; Standard Webhooks also beside the specification's own
//! Rust library (`standardwebhooks`). No maintained Rust crate verifies the signed-request scheme
//! (it is authv's own), Stripe webhooks without a full API client, AWS SigV4 (`aws-sigv4` only signs)
//! or RFC 9421 HMAC signatures, so those rows have no peer.
//!
//! The `hmac_stages` group (moved here from auth-hmac's own bench) separates the signed-request
//! verifier's own cost from its replay guard's: `signed_request_no_guard` verifies the same 1 KiB
//! request with a guard that accepts everything.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use authv_benches::Op;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// `standardwebhooks` over the same 1 KiB body, signed now (it checks the timestamp against the
/// real clock, 5 minutes' tolerance).
fn standardwebhooks_peer() -> Op {
    let key = [7u8; 32];
    let wh = standardwebhooks::Webhook::from_bytes(key.to_vec()).unwrap();
    let body = vec![b'{'; 1024];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let ts = i64::try_from(now).unwrap();
    let sig = wh.sign("msg_bench", ts, &body).unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("webhook-id", http::HeaderValue::from_static("msg_bench"));
    headers.insert("webhook-timestamp", http::HeaderValue::from_str(&ts.to_string()).unwrap());
    headers.insert("webhook-signature", http::HeaderValue::from_str(&sig).unwrap());
    Box::new(move || wh.verify(black_box(&body), &headers).is_ok())
}

fn stages(c: &mut Criterion) {
    use auth_core::{Headers, RequestView, Timestamp};
    let secret = b"bench-secret-0123456789abcdef012";
    let body = vec![b'x'; 1024];
    let target = "/v1/items?id=42";
    let t = 1_700_000_000;
    let verifier =
        auth_hmac::SignedRequestVerifier::new(auth_hmac::KeyStore::new().with("client-1", &[secret]).unwrap());
    let h =
        auth_testkit::hmac::signed_request_headers("client-1", secret, "POST", target, t, "nonce-0000000001", &body);
    let hs: Vec<(&str, &[u8])> = h.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect();
    let req = RequestView::new("POST", target, Headers::from_pairs(&hs), &body);
    assert!(verifier.verify(&req, Timestamp::from_unix(t), &authv_benches::AcceptAll).is_ok());
    let mut g = c.benchmark_group("hmac_stages");
    g.warm_up_time(std::time::Duration::from_millis(700))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(40);
    g.bench_function("signed_request_no_guard", |b| {
        b.iter(|| verifier.verify(black_box(&req), Timestamp::from_unix(t), &authv_benches::AcceptAll).is_ok())
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    for case in authv_benches::hmac_cases() {
        let case = if case.id == "standard_webhooks_1k" {
            case.peer("standardwebhooks 1.0", standardwebhooks_peer())
        } else {
            case
        };
        common::bench_case(c, &case);
    }
}

criterion_group!(benches, bench, stages);
criterion_main!(benches);
