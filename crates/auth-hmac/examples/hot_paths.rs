//! Runs one hot path many times, for instruction counts (`valgrind --tool=callgrind`) and quick timing.
//!
//! ```text
//! cargo build --release -p auth-hmac --example hot_paths
//! hot_paths <mode> <iterations>
//! ```
//!
//! Modes: `setup` (fixtures only, the baseline to subtract), `signed_ring`, `signed_no_guard`,
//! `signed_memory_guard`, `sigv4_ring`, `sigv4_verify`, `sigv4_multi_ring`, `sigv4_multi_verify`, `sigv4_any`,
//! `sigv4_multi_any`, `sigv4_bench_any` (the verify calls without asserting success, for a verifier cut
//! short while profiling), `sigv4_bench_ring`, `sigv4_bench_verify` (the request of the `sigv4_header`
//! bench case, `auth_testkit::hmac::sigv4_bench_request`), `sigv4_presigned_verify` (the request of the
//! `sigv4_query` bench case).
//! Every mode builds the same fixtures, so `count(mode, n) - count(setup, n)` is the cost of `n` runs
//! (for the `sigv4*` modes, subtract `setup_sigv4`: they mint one signed request instead of `n`).
//! `time_any <rounds>` prints the best batch of the `_any` calls.
//! `ratio <rounds>` times each verify beside its primitive in interleaved batches and prints the best
//! batch of each and their ratio.
//! The `*_ring` modes are the primitive over the same bytes: the raw HMAC-SHA256 of the signed-request
//! message, and one SHA-256 of the canonical request plus one HMAC of the string to sign.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::panic,
    clippy::type_complexity
)]

use auth_core::{Headers, MemoryReplayGuard, ReplayError, ReplayGuard, RequestView, Timestamp};
use auth_hmac::{KeyStore, SigV4Verifier, SignedRequestVerifier};
use auth_testkit::hmac::{self as mint, SigV4Params};
use ring::{digest, hmac};
use std::hint::black_box;

const SECRET: &[u8] = b"bench-secret-0123456789abcdef012";
const T: i64 = 1_700_000_000;
const AWS_SECRET: &str = SigV4Params::AWS_EXAMPLE.secret;

struct AcceptAll;
impl ReplayGuard for AcceptAll {
    fn check_and_record(&self, _: &[u8], _: &[u8], _: Timestamp, _: Timestamp) -> Result<(), ReplayError> {
        Ok(())
    }
}

fn hex(b: &[u8]) -> [u8; 64] {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, x) in b.iter().take(32).enumerate() {
        out[2 * i] = D[usize::from(x >> 4)];
        out[2 * i + 1] = D[usize::from(x & 15)];
    }
    out
}

/// A SigV4 header-form request and the primitive's inputs (canonical request, string-to-sign prefix).
struct SigV4Case {
    target: String,
    headers: Vec<(String, String)>,
    canonical_request: String,
    sts_prefix: String,
}

fn sigv4_case(v: &SigV4Verifier, multi: bool) -> SigV4Case {
    sigv4_case_of(v, if multi { 1 } else { 0 })
}

/// Case 0: the minimal request; 1: the multi-header one; 2: the `sigv4_header` bench case.
fn sigv4_case_of(v: &SigV4Verifier, which: u8) -> SigV4Case {
    let p = SigV4Params::AWS_EXAMPLE;
    let (target, headers) = if which == 2 {
        mint::sigv4_bench_request(&p)
    } else if which == 1 {
        // Three query parameters out of order, four signed headers (one with folded whitespace), the
        // payload hash sent.
        let (t, mut h) = mint::sigv4_header_request(
            &p,
            "GET",
            "example.amazonaws.com",
            "/v1/items/42",
            &[("max-items", "10"), ("filter", "a b"), ("Action", "List")],
            &[("content-type", "application/json"), ("x-amz-meta-trace", "a  b   c")],
            b"",
        );
        h.push(("user-agent".to_owned(), "aws-sdk-rust/1.0".to_owned()));
        (t, h)
    } else {
        // GET /?Param1=value1, host and x-amz-date signed, signed here with the primitives over the
        // canonical request the verifier computes.
        let mut h = vec![
            ("Host".to_owned(), "example.amazonaws.com".to_owned()),
            ("X-Amz-Date".to_owned(), "20150830T123600Z".to_owned()),
        ];
        let scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
        let authz =
            |sig: &str| format!("AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host;x-amz-date, Signature={sig}");
        let mut probe = h.clone();
        probe.push(("Authorization".to_owned(), authz(&"0".repeat(64))));
        let pairs: Vec<(&str, &[u8])> = probe.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
        let req = RequestView::new("GET", "/?Param1=value1", Headers::from_pairs(&pairs), b"");
        let sts = v.explain(&req).unwrap().string_to_sign;
        let sig = hmac::sign(&mint::sigv4_signing_key(&SigV4Params::AWS_EXAMPLE), sts.as_bytes());
        h.push(("Authorization".to_owned(), authz(std::str::from_utf8(&hex(sig.as_ref())).unwrap())));
        ("/?Param1=value1".to_owned(), h)
    };
    // The canonical request the verifier hashes (the primitive hashes the same bytes).
    let pairs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
    let req = RequestView::new("GET", &target, Headers::from_pairs(&pairs), b"");
    let explained = v.explain(&req).unwrap();
    let sts_prefix = explained.string_to_sign.rsplit_once('\n').unwrap().0.to_owned() + "\n";
    SigV4Case { target, headers, canonical_request: explained.canonical_request, sts_prefix }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("setup", String::as_str);
    let n: usize = args.get(2).map_or(1000, |s| s.parse().unwrap());

    // Signed request, 1 KiB body, a fresh nonce per iteration.
    let body = vec![b'x'; 1024];
    let target = "/v1/items?id=42";
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    let verifier = SignedRequestVerifier::new(KeyStore::new().with("client-1", &[SECRET]).unwrap());
    // SigV4 modes (and `setup_sigv4`, their baseline) mint one signed request, not `n`.
    let minted = if mode.starts_with("sigv4") || mode == "setup_sigv4" { 1 } else { n.max(1) };
    let signed: Vec<Vec<(String, Vec<u8>)>> = (0..minted)
        .map(|i| {
            mint::signed_request_headers("client-1", SECRET, "POST", target, T, &format!("nonce-{i:010}"), &body)
                .into_iter()
                .map(|(k, v)| (k, v.into_bytes()))
                .collect()
        })
        .collect();
    let signed_pairs: Vec<Vec<(&str, &[u8])>> =
        signed.iter().map(|h| h.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect()).collect();
    let mut message = format!("POST\n{target}\n{T}\nnonce-0000000000\n").into_bytes();
    message.extend_from_slice(&body);
    let guard = MemoryReplayGuard::new(2 * n.max(1));
    let now = Timestamp::from_unix(T);

    // SigV4 with the signing key cached (one verify during setup derives it).
    let sigv4 = SigV4Verifier::new().with_credential("AKIDEXAMPLE", AWS_SECRET, None).unwrap();
    let cases = [sigv4_case(&sigv4, false), sigv4_case(&sigv4, true), sigv4_case_of(&sigv4, 2)];
    let signing_key = mint::sigv4_signing_key(&SigV4Params::AWS_EXAMPLE);
    let case_pairs: Vec<Vec<(&str, &[u8])>> =
        cases.iter().map(|c| c.headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect()).collect();
    let sigv4_now = Timestamp::from_unix(1_440_938_160);
    for (c, pairs) in cases.iter().zip(&case_pairs) {
        let req = RequestView::new("GET", &c.target, Headers::from_pairs(pairs), b"");
        let warm = sigv4.verify(&req, sigv4_now);
        assert!(warm.is_ok() || mode.ends_with("_any"), "{warm:?}");
    }
    assert!(
        verifier
            .verify(&RequestView::new("POST", target, Headers::from_pairs(&signed_pairs[0]), &body), now, &AcceptAll)
            .is_ok()
    );

    let sigv4_ring = |c: &SigV4Case| {
        let h = digest::digest(&digest::SHA256, black_box(c.canonical_request.as_bytes()));
        let mut ctx = hmac::Context::with_key(&signing_key);
        ctx.update(c.sts_prefix.as_bytes());
        ctx.update(&hex(h.as_ref()));
        black_box(ctx.sign());
    };
    let sigv4_verify = |i: usize| {
        let req = RequestView::new("GET", &cases[i].target, Headers::from_pairs(&case_pairs[i]), b"");
        assert!(black_box(sigv4.verify(black_box(&req), sigv4_now)).is_ok());
    };

    if mode == "time_any" {
        // Best batch of the `_any` calls (no success assertion), for timing a verifier cut short.
        for (name, i) in [("sigv4_any", 0usize), ("sigv4_multi_any", 1), ("sigv4_bench_any", 2)] {
            let req = RequestView::new("GET", &cases[i].target, Headers::from_pairs(&case_pairs[i]), b"");
            let mut best = f64::MAX;
            for _ in 0..n {
                let t = std::time::Instant::now();
                for _ in 0..200 {
                    let _ = black_box(sigv4.verify(black_box(&req), sigv4_now));
                }
                best = best.min(t.elapsed().as_secs_f64() / 200.0 * 1e9);
            }
            println!("{name:22} {best:8.1} ns");
        }
        return;
    }
    if mode == "ratio" {
        // Interleaved batches, best batch of each: robust to a loaded machine.
        let best = |f: &mut dyn FnMut(usize)| {
            let t = std::time::Instant::now();
            for i in 0..200 {
                f(i);
            }
            t.elapsed().as_secs_f64() / 200.0 * 1e9
        };
        let mut ring_signed = |_: usize| {
            black_box(hmac::sign(&key, black_box(&message)));
        };
        let mut ring_signed2 = |_: usize| {
            black_box(hmac::sign(&key, black_box(&message)));
        };
        let mut verify_no_guard = |i: usize| {
            let h = Headers::from_pairs(&signed_pairs[i % signed_pairs.len()]);
            let req = RequestView::new("POST", target, h, &body);
            assert!(black_box(verifier.verify(black_box(&req), now, &AcceptAll)).is_ok());
        };
        let mut k = 0usize;
        let mut verify_guard = |_: usize| {
            k += 1;
            let h = Headers::from_pairs(&signed_pairs[k % signed_pairs.len()]);
            let req = RequestView::new("POST", target, h, &body);
            black_box(verifier.verify(black_box(&req), now, &guard).is_ok());
        };
        let (mut r0, mut v0) = (|_: usize| sigv4_ring(&cases[0]), |_: usize| sigv4_verify(0));
        let (mut r1, mut v1) = (|_: usize| sigv4_ring(&cases[1]), |_: usize| sigv4_verify(1));
        let (mut r2, mut v2) = (|_: usize| sigv4_ring(&cases[2]), |_: usize| sigv4_verify(2));
        let pairs: [(&str, &mut dyn FnMut(usize), &mut dyn FnMut(usize)); 5] = [
            ("signed_no_guard", &mut ring_signed, &mut verify_no_guard),
            ("signed_memory_guard", &mut ring_signed2, &mut verify_guard),
            ("sigv4", &mut r0, &mut v0),
            ("sigv4_multi", &mut r1, &mut v1),
            ("sigv4_bench", &mut r2, &mut v2),
        ];
        for (name, prim, ver) in pairs {
            let (mut bp, mut bv) = (f64::MAX, f64::MAX);
            for _ in 0..n {
                bp = bp.min(best(prim));
                bv = bv.min(best(ver));
            }
            println!("{name:22} primitive {bp:8.1} ns  verify {bv:8.1} ns  ratio {:.3}", bv / bp);
        }
        return;
    }
    match mode {
        "setup" | "setup_sigv4" => {}
        "signed_ring" => (0..n).for_each(|_| {
            black_box(hmac::sign(&key, black_box(&message)));
        }),
        "signed_no_guard" => (0..n).for_each(|i| {
            let req = RequestView::new("POST", target, Headers::from_pairs(&signed_pairs[i]), &body);
            assert!(black_box(verifier.verify(black_box(&req), now, &AcceptAll)).is_ok());
        }),
        "signed_memory_guard" => (0..n).for_each(|i| {
            let req = RequestView::new("POST", target, Headers::from_pairs(&signed_pairs[i]), &body);
            assert!(black_box(verifier.verify(black_box(&req), now, &guard)).is_ok());
        }),
        "sigv4_ring" => (0..n).for_each(|_| sigv4_ring(&cases[0])),
        "sigv4_verify" => (0..n).for_each(|_| sigv4_verify(0)),
        "sigv4_multi_ring" => (0..n).for_each(|_| sigv4_ring(&cases[1])),
        "sigv4_multi_verify" => (0..n).for_each(|_| sigv4_verify(1)),
        "sigv4_presigned_verify" => {
            // The request of the `sigv4_query` bench case.
            let p = SigV4Params::AWS_EXAMPLE;
            let target = mint::sigv4_presigned_target(
                &p,
                "GET",
                "example.amazonaws.com",
                "/v1/items",
                &[("Param1", "value1")],
                900,
                b"",
            );
            let hs: [(&str, &[u8]); 1] = [("host", b"example.amazonaws.com")];
            let req = RequestView::new("GET", &target, Headers::from_pairs(&hs), b"");
            assert!(sigv4.verify(&req, sigv4_now).is_ok());
            (0..n).for_each(|_| assert!(black_box(sigv4.verify(black_box(&req), sigv4_now)).is_ok()));
        }
        "sigv4_bench_ring" => (0..n).for_each(|_| sigv4_ring(&cases[2])),
        "sigv4_bench_verify" => (0..n).for_each(|_| sigv4_verify(2)),
        // The same calls without asserting success: for measuring a verifier cut short while profiling.
        "sigv4_any" | "sigv4_multi_any" | "sigv4_bench_any" => {
            let i = match mode {
                "sigv4_any" => 0,
                "sigv4_multi_any" => 1,
                _ => 2,
            };
            let req = RequestView::new("GET", &cases[i].target, Headers::from_pairs(&case_pairs[i]), b"");
            (0..n).for_each(|_| {
                let _ = black_box(sigv4.verify(black_box(&req), sigv4_now));
            });
        }
        other => panic!("unknown mode {other}"),
    }
}
