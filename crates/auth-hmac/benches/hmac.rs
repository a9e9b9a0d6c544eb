//! Verification cost of each scheme beside the raw ring primitive over the same bytes, in one group
//! per scheme so the ratios are pair-wise.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use auth_core::{Headers, MemoryReplayGuard, ReplayError, ReplayGuard, RequestView, Timestamp};
use auth_hmac::{KeyStore, Secrets, SigV4Verifier, SignedRequestVerifier, StandardWebhooks, Stripe};
use criterion::{Criterion, criterion_group, criterion_main};
use ring::{digest, hmac};
use std::hint::black_box;

const SECRET: &[u8] = b"bench-secret-0123456789abcdef012";
const T: i64 = 1_700_000_000;

/// Lowercase hex of a SHA-256 into a stack buffer (no allocation, as the verifier does).
fn hex_stack(b: &[u8]) -> [u8; 64] {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, x) in b.iter().take(32).enumerate() {
        out[2 * i] = D[usize::from(x >> 4)];
        out[2 * i + 1] = D[usize::from(x & 15)];
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// Accepts every id: isolates the verifier's own cost from the guard's.
struct AcceptAll;
impl ReplayGuard for AcceptAll {
    fn check_and_record(&self, _: &[u8], _: &[u8], _: Timestamp, _: Timestamp) -> Result<(), ReplayError> {
        Ok(())
    }
}

fn signed_request(c: &mut Criterion) {
    let body = vec![b'x'; 1024];
    let target = "/v1/items?id=42";
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    let verifier = SignedRequestVerifier::new(KeyStore::new().with("client-1", &[SECRET]).unwrap());
    // A ring of distinct signed requests, so the replay guard sees fresh nonces.
    let n = 4096;
    let ts = T.to_string();
    let reqs: Vec<(String, String, Vec<u8>)> = (0..n)
        .map(|i| {
            let nonce = format!("nonce-{i:010}");
            let mut m = format!("POST\n{target}\n{ts}\n{nonce}\n").into_bytes();
            m.extend_from_slice(&body);
            let sig = hex(hmac::sign(&key, &m).as_ref());
            (nonce, sig, m)
        })
        .collect();

    let mut g = c.benchmark_group("signed_request_1KiB");
    g.bench_function("ring_hmac_sha256_same_bytes", |b| b.iter(|| hmac::sign(&key, black_box(&reqs[0].2))));
    g.bench_function("verify_no_guard", |b| {
        b.iter(|| {
            let (nonce, sig, _) = &reqs[0];
            let hs: [(&str, &[u8]); 4] = [
                ("X-API-Key", b"client-1"),
                ("X-Timestamp", ts.as_bytes()),
                ("X-Nonce", nonce.as_bytes()),
                ("X-Signature", sig.as_bytes()),
            ];
            let req = RequestView::new("POST", target, Headers::from_pairs(&hs), &body);
            black_box(verifier.verify(&req, Timestamp::from_unix(T), &AcceptAll).is_ok())
        })
    });
    // With the in-memory guard: fresh nonces until the ring wraps; after that the guard answers
    // `replayed`, which costs the same MAC and the same guard lookup.
    let guard = MemoryReplayGuard::new(2 * n);
    let mut i = 0usize;
    g.bench_function("verify_with_memory_replay_guard", |b| {
        b.iter(|| {
            let (nonce, sig, _) = &reqs[i % n];
            i += 1;
            let hs: [(&str, &[u8]); 4] = [
                ("X-API-Key", b"client-1"),
                ("X-Timestamp", ts.as_bytes()),
                ("X-Nonce", nonce.as_bytes()),
                ("X-Signature", sig.as_bytes()),
            ];
            let req = RequestView::new("POST", target, Headers::from_pairs(&hs), &body);
            black_box(verifier.verify(&req, Timestamp::from_unix(T), &guard).is_ok())
        })
    });
    g.finish();
}

fn sigv4(c: &mut Criterion) {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let v = SigV4Verifier::new().with_credential("AKIDEXAMPLE", secret, None).unwrap();
    let headers_unsigned: Vec<(&str, &[u8])> =
        vec![("Host", b"example.amazonaws.com"), ("X-Amz-Date", b"20150830T123600Z")];
    // Sign with the primitives: the verifier's own canonicalization is only used to get the bytes.
    let auth_probe: Vec<(&str, &[u8])> = {
        let mut h = headers_unsigned.clone();
        h.push((
            "Authorization",
            b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
        ));
        h
    };
    let probe = RequestView::new("GET", "/?Param1=value1", Headers::from_pairs(&auth_probe), b"");
    let explained = v.explain(&probe).unwrap();
    let step = |k: &[u8], d: &[u8]| hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, k), d);
    let k = step(format!("AWS4{secret}").as_bytes(), b"20150830");
    let k = step(k.as_ref(), b"us-east-1");
    let k = step(k.as_ref(), b"service");
    let k = step(k.as_ref(), b"aws4_request");
    let signing_key = hmac::Key::new(hmac::HMAC_SHA256, k.as_ref());
    let sig = hex(hmac::sign(&signing_key, explained.string_to_sign.as_bytes()).as_ref());
    let authz = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={sig}"
    );
    let mut hs = headers_unsigned.clone();
    hs.push(("Authorization", authz.as_bytes()));
    let req = RequestView::new("GET", "/?Param1=value1", Headers::from_pairs(&hs), b"");
    let now = Timestamp::from_unix(1_440_938_160);
    assert!(v.verify(&req, now).is_ok());
    let sts_prefix = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n";

    let mut g = c.benchmark_group("sigv4_header");
    g.bench_function("ring_sha256_plus_hmac_same_bytes", |b| {
        b.iter(|| {
            let h = digest::digest(&digest::SHA256, black_box(explained.canonical_request.as_bytes()));
            let mut ctx = hmac::Context::with_key(&signing_key);
            ctx.update(sts_prefix.as_bytes());
            ctx.update(&hex_stack(h.as_ref()));
            ctx.sign()
        })
    });
    g.bench_function("verify_cached_signing_key", |b| b.iter(|| black_box(v.verify(&req, now).is_ok())));
    g.finish();
}

fn webhooks(c: &mut Criterion) {
    let body = vec![b'{'; 1024];
    let secret = b"whsec_bench_secret_0123456789";
    let stripe = Stripe::new(Secrets::sha256(&[secret]).unwrap());
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut signed = format!("{T}.").into_bytes();
    signed.extend_from_slice(&body);
    let header = format!("t={T},v1={}", hex(hmac::sign(&key, &signed).as_ref()));
    let now = Timestamp::from_unix(T);
    let mut g = c.benchmark_group("stripe_1KiB");
    g.bench_function("ring_hmac_sha256_same_bytes", |b| b.iter(|| hmac::sign(&key, black_box(&signed))));
    g.bench_function("verify", |b| b.iter(|| black_box(stripe.verify(header.as_bytes(), &body, now).is_ok())));
    g.finish();

    let raw_key = [7u8; 32];
    let sw = StandardWebhooks::new(Secrets::sha256(&[raw_key]).unwrap());
    let key = hmac::Key::new(hmac::HMAC_SHA256, &raw_key);
    let mut content = format!("msg_bench.{T}.").into_bytes();
    content.extend_from_slice(&body);
    let sig = format!("v1,{}", base64_std(hmac::sign(&key, &content).as_ref()));
    let mut g = c.benchmark_group("standard_webhooks_1KiB");
    g.bench_function("ring_hmac_sha256_same_bytes", |b| b.iter(|| hmac::sign(&key, black_box(&content))));
    g.bench_function("verify_no_guard", |b| {
        b.iter(|| {
            black_box(sw.verify(b"msg_bench", T.to_string().as_bytes(), sig.as_bytes(), &body, now, &AcceptAll).is_ok())
        })
    });
    g.finish();
}

fn rfc9421(c: &mut Criterion) {
    use auth_hmac::rfc9421::{MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
    let secret = [5u8; 64];
    let v = MessageVerifier::new(
        SignatureKeys::new().with("k1", SignatureKey::hmac_sha256(&secret).unwrap()).unwrap(),
        Policy::new().require_component("@method").require_component("@path"),
    );
    let params = format!(";created={T};keyid=\"k1\"");
    let input = "sig1=(\"@method\" \"@authority\" \"@path\" \"content-type\")".to_owned() + &params;
    let base = format!(
        "\"@method\": POST\n\"@authority\": api.example\n\"@path\": /v1/items\n\"content-type\": application/json\n\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"content-type\"){params}"
    );
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
    let sig = format!("sig1=:{}:", base64_std(hmac::sign(&key, base.as_bytes()).as_ref()));
    let hs: Vec<(&str, &[u8])> = vec![
        ("host", b"api.example"),
        ("content-type", b"application/json"),
        ("signature-input", input.as_bytes()),
        ("signature", sig.as_bytes()),
    ];
    let req = RequestView::new("POST", "/v1/items", Headers::from_pairs(&hs), b"{}");
    let now = Timestamp::from_unix(T);
    assert!(v.verify_request(&req, RequestContext::default(), now, &AcceptAll).is_ok());
    let mut g = c.benchmark_group("rfc9421_hmac_sha256");
    g.bench_function("ring_hmac_sha256_same_base", |b| b.iter(|| hmac::sign(&key, black_box(base.as_bytes()))));
    g.bench_function("verify", |b| {
        b.iter(|| black_box(v.verify_request(&req, RequestContext::default(), now, &AcceptAll).is_ok()))
    });
    g.finish();
}

fn base64_std(b: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(b)
}

criterion_group!(benches, signed_request, sigv4, webhooks, rfc9421);
criterion_main!(benches);
