//! Heap allocations per verification, counted with `allocation-counter` (this test binary's global
//! allocator). The signed-request scheme and the webhooks with header/body input must not allocate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use auth_core::{Headers, MemoryReplayGuard, RequestView, Timestamp};
use auth_hmac::{GitHub, KeyStore, Secrets, SignedRequestVerifier, Slack, StandardWebhooks, Stripe};
use auth_testkit::hmac as mint;

const SECRET: &[u8] = b"alloc-test-secret-0123456789abcd";
const T: i64 = 1_700_000_000;

#[test]
fn signed_request_verify_does_not_allocate() {
    let v = SignedRequestVerifier::new(KeyStore::new().with("k1", &[SECRET]).unwrap());
    let guard = MemoryReplayGuard::new(1024);
    let body = vec![b'x'; 1024];
    let signed: Vec<[(String, String); 4]> = (0..16)
        .map(|i| {
            mint::signed_request_headers("k1", SECRET, "POST", "/v1/items?id=7", T, &format!("nonce-{i:06}"), &body)
        })
        .collect();
    let pairs: Vec<Vec<(&str, &[u8])>> =
        signed.iter().map(|h| h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect()).collect();
    // Warm up the guard's shard (first use) outside the measurement.
    let req0 = RequestView::new("POST", "/v1/items?id=7", Headers::from_pairs(&pairs[0]), &body);
    v.verify(&req0, Timestamp::from_unix(T), &guard).unwrap();
    for hs in &pairs[1..] {
        let req = RequestView::new("POST", "/v1/items?id=7", Headers::from_pairs(hs), &body);
        let mut ok = false;
        let info = allocation_counter::measure(|| {
            ok = v.verify(&req, Timestamp::from_unix(T), &guard).is_ok();
        });
        assert!(ok);
        assert_eq!(info.count_total, 0, "signed-request verify allocated {info:?}");
    }
    // The rejection paths do not allocate either.
    let req = RequestView::new("POST", "/v1/items?id=7", Headers::from_pairs(&pairs[1]), &body);
    let info = allocation_counter::measure(|| {
        assert!(v.verify(&req, Timestamp::from_unix(T), &guard).is_err());
    });
    assert_eq!(info.count_total, 0, "replay rejection allocated {info:?}");
}

#[test]
fn webhook_verifies_do_not_allocate() {
    let body = vec![b'{'; 512];
    let now = Timestamp::from_unix(T);
    let stripe = Stripe::new(Secrets::sha256(&[SECRET]).unwrap());
    let header = mint::stripe_signature(&[SECRET], T, &body);
    let gh = GitHub::new(Secrets::sha256(&[SECRET]).unwrap());
    let gh_sig = mint::github_signature(SECRET, &body);
    let slack = Slack::new(Secrets::sha256(&[SECRET]).unwrap());
    let (ts, slack_sig) = mint::slack_headers(SECRET, T, &body);
    let sw = StandardWebhooks::new(Secrets::sha256(&[SECRET]).unwrap());
    let (id, sw_ts, sw_sig) = mint::standard_webhooks_headers(SECRET, "msg_1", T, &body);
    let guard = MemoryReplayGuard::new(64);
    let info = allocation_counter::measure(|| {
        assert!(stripe.verify(header.as_bytes(), &body, now).is_ok());
        assert!(gh.verify(gh_sig.as_bytes(), &body).is_ok());
        assert!(slack.verify(ts.as_bytes(), slack_sig.as_bytes(), &body, now).is_ok());
        assert!(sw.verify(id.as_bytes(), sw_ts.as_bytes(), sw_sig.as_bytes(), &body, now, &guard).is_ok());
    });
    assert_eq!(info.count_total, 0, "webhook verify allocated {info:?}");
}
