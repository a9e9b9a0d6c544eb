//! HMAC schemes: signed request (1 KiB), SigV4 header and query, Stripe, Standard Webhooks, RFC 9421,
//! each beside ring's HMAC over the same bytes; Standard Webhooks also beside the specification's own
//! Rust library (`standardwebhooks`). No maintained Rust crate verifies the signed-request scheme
//! (it is authv's own), Stripe webhooks without a full API client, AWS SigV4 (`aws-sigv4` only signs)
//! or RFC 9421 HMAC signatures, so those rows have no peer.
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

criterion_group!(benches, bench);
criterion_main!(benches);
