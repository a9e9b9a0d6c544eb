//! HMAC schemes: signed request (1 KiB), SigV4 header and query, Stripe, Standard Webhooks, RFC 9421,
//! each beside ring's HMAC over the same bytes; Standard Webhooks also beside the specification's own
//! Rust library (`standardwebhooks`), and RFC 9421 beside `httpsig-hyper` on the same request. The
//! other rows have no peer: the signed-request scheme is authv's own, `aws-sigv4` only signs, and the
//! one standalone Stripe verifier published recently (`webhook-verify` 0.1) depends on `rsa` 0.9
//! unconditionally, which carries an advisory with no fixed release (RUSTSEC-2023-0071).
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

/// `httpsig-hyper` verifying the RFC 9421 fixture as an `http::Request` (it derives `@authority`
/// from the URI). Checked once on a tampered signature so that a peer accepting anything cannot
/// pass for a fast one.
fn httpsig_peer() -> Op {
    use httpsig_hyper::MessageSignatureReqSync;
    use httpsig_hyper::prelude::SharedKey;
    let f = authv_benches::Rfc9421Fixture::new();
    let request = |signature: &str| {
        http::Request::builder()
            .method("POST")
            .uri("https://api.example/v1/items")
            .header("host", "api.example")
            .header("content-type", "application/json")
            .header("signature-input", &f.signature_input)
            .header("signature", signature)
            .body(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")))
            .unwrap()
    };
    let key = SharedKey::HmacSha256(f.secret.to_vec());
    let tampered = f.signature.replacen(":", ":AAAA", 1);
    assert!(request(&tampered).verify_message_signature_sync(&key, Some("k1")).is_err());
    let req = request(&f.signature);
    assert!(req.verify_message_signature_sync(&key, Some("k1")).is_ok());
    Box::new(move || black_box(&req).verify_message_signature_sync(&key, Some("k1")).is_ok())
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
        let case = match case.id {
            "standard_webhooks_1k" => case.peer("standardwebhooks 1.0", standardwebhooks_peer()),
            "rfc9421_hmac" => case.peer("httpsig-hyper 0.0.26", httpsig_peer()),
            _ => case,
        };
        common::bench_case(c, &case);
    }
}

criterion_group!(benches, bench, stages);
criterion_main!(benches);
