//! The AWS SigV4 suites in `../shared/vectors/aws-sigv4`: the CRT signing suite (header and presigned
//! forms), the smithy-rs additions and the legacy aws-sig-v4-test-suite. For every case the canonical
//! request and string to sign are reproduced from the signed request, the signed request verifies, and
//! tampered variants are rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use auth_core::{Headers, RequestView, Timestamp};
use auth_hmac::sigv4::UriMode;
use auth_hmac::{Error, SigV4Verified, SigV4Verifier};
use auth_testkit::vectors::{self, Tally};
use std::path::Path;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z, the date of both suites.
const T_2015: i64 = 1_440_938_160;
/// 2021-05-11T15:40:45Z, the date of the smithy-rs double-url-encode case.
const T_2021: i64 = 1_620_747_645;

/// A raw HTTP/1.1 request as the suites write it (test code only): request line, `Name:value` header
/// lines (a line starting with whitespace continues the previous value, unfolded to one space, as
/// RFC 9112 §5.2 allows a recipient to do), a blank line, the body.
struct Raw {
    method: String,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

fn parse_raw(text: &str) -> Raw {
    let text = text.replace("\r\n", "\n");
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], text[i + 2..].to_owned()),
        None => (text.trim_end_matches('\n'), String::new()),
    };
    let mut lines = head.split('\n');
    let line = lines.next().unwrap();
    let (method, rest) = line.split_once(' ').unwrap();
    let target = match rest.rsplit_once(' ') {
        Some((t, v)) if v.starts_with("HTTP/") => t,
        _ => rest,
    };
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for l in lines {
        if l.starts_with(' ') || l.starts_with('\t') {
            let last = headers.last_mut().unwrap();
            last.1.push(b' ');
            last.1.extend_from_slice(l.trim().as_bytes());
            continue;
        }
        let (n, v) = l.split_once(':').unwrap();
        headers.push((n.to_owned(), v.trim_start_matches([' ', '\t']).as_bytes().to_vec()));
    }
    Raw { method: method.to_owned(), target: target.to_owned(), headers, body: body.into_bytes() }
}

impl Raw {
    fn with<R>(&self, f: impl FnOnce(&RequestView<'_>) -> R) -> R {
        let pairs: Vec<(&str, &[u8])> = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
        let req = RequestView::new(&self.method, &self.target, Headers::from_pairs(&pairs), &self.body);
        f(&req)
    }
}

fn read_text(rel: &str) -> Option<String> {
    vectors::read(rel).map(|b| String::from_utf8(b).unwrap())
}

fn exists(rel: &str) -> bool {
    vectors::dir().is_some_and(|d| d.join(rel).exists())
}

/// Checks one signed request against its expected canonical request / string to sign, verifies it,
/// and checks that tampered variants fail.
fn check(
    verifier: &SigV4Verifier,
    signed: &str,
    creq: Option<&str>,
    sts: Option<&str>,
    sig: Option<&str>,
    now: i64,
) -> Result<(), String> {
    let raw = parse_raw(signed);
    let explained = raw.with(|r| verifier.explain(r)).map_err(|e| format!("explain: {e}"))?;
    if let Some(want) = creq.map(|w| w.trim_end_matches('\n'))
        && explained.canonical_request != want
    {
        return Err(format!("canonical request differs:\n--- got\n{}\n--- want\n{want}", explained.canonical_request));
    }
    if let Some(want) = sts.map(|w| w.trim_end_matches('\n'))
        && explained.string_to_sign != want
    {
        return Err(format!("string to sign differs:\n{}\nvs\n{want}", explained.string_to_sign));
    }
    if let Some(sig) = sig
        && !signed.contains(sig.trim())
    {
        return Err("signature file does not match the signed request".into());
    }
    let now = Timestamp::from_unix(now);
    raw.with(|r| verifier.verify(r, now).map(SigV4Verified::into_owned)).map_err(|e| format!("verify: {e}"))?;
    // Tampered variants.
    let mut t = parse_raw(signed);
    t.method = if t.method == "GET" { "HEAD".into() } else { "GET".into() };
    expect_bad(&t, verifier, now, "method")?;
    let mut t = parse_raw(signed);
    t.target = if t.target.contains('?') { format!("{}&zz=1", t.target) } else { format!("{}?zz=1", t.target) };
    expect_bad(&t, verifier, now, "query")?;
    let mut t = parse_raw(signed);
    for h in &mut t.headers {
        if h.0.eq_ignore_ascii_case("host") {
            h.1 = b"evil.example.com".to_vec();
        }
    }
    expect_bad(&t, verifier, now, "host")?;
    let mut t = parse_raw(signed);
    t.target = match t.target.split_once('?') {
        Some((p, q)) => format!("{p}zz?{q}"),
        None => format!("{}zz", t.target),
    };
    expect_bad(&t, verifier, now, "path")?;
    Ok(())
}

fn expect_bad(raw: &Raw, v: &SigV4Verifier, now: Timestamp, what: &str) -> Result<(), String> {
    match raw.with(|r| v.verify(r, now).map(SigV4Verified::into_owned)) {
        Err(Error::BadSignature) => Ok(()),
        other => Err(format!("tampered {what}: expected bad_signature, got {other:?}")),
    }
}

fn context_verifier(ctx: &serde_json::Value) -> SigV4Verifier {
    let creds = &ctx["credentials"];
    let mut v = SigV4Verifier::new()
        .with_credential(
            creds["access_key_id"].as_str().unwrap(),
            creds["secret_access_key"].as_str().unwrap(),
            creds["token"].as_str(),
        )
        .unwrap()
        .pin_region(ctx["region"].as_str().unwrap())
        .pin_service(ctx["service"].as_str().unwrap())
        .uri_mode(if ctx["normalize"].as_bool().unwrap() {
            UriMode::Standard
        } else {
            UriMode::EncodeWithoutNormalizing
        });
    if ctx["omit_session_token"].as_bool() == Some(true) {
        v = v.session_token_outside_presigned_signature();
    }
    v
}

fn now_of(ctx: &serde_json::Value) -> i64 {
    let ts = ctx["timestamp"].as_str().unwrap();
    assert_eq!(ts, "2015-08-30T12:36:00Z", "new suite date: add it here");
    T_2015
}

fn case_dirs(rel: &str) -> Vec<String> {
    let Some(dir) = vectors::dir() else { return Vec::new() };
    let mut names: Vec<String> = std::fs::read_dir(dir.join(rel))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn crt_signing_suite() {
    let base = "aws-sigv4/aws-signing-test-suite/v4";
    if vectors::dir().is_none() {
        return;
    }
    let mut tally = Tally::new("aws-sigv4/aws-signing-test-suite/v4 (header + query forms)");
    for case in case_dirs(base) {
        let ctx: serde_json::Value =
            serde_json::from_str(&read_text(&format!("{base}/{case}/context.json")).unwrap()).unwrap();
        let v = context_verifier(&ctx);
        for form in ["header", "query"] {
            let rel = |f: &str| format!("{base}/{case}/{form}-{f}");
            if !exists(&rel("signed-request.txt")) {
                tally.skip(format!("{case}/{form}"), "no signed request in the suite");
                continue;
            }
            let outcome = check(
                &v,
                &read_text(&rel("signed-request.txt")).unwrap(),
                read_text(&rel("canonical-request.txt")).as_deref(),
                read_text(&rel("string-to-sign.txt")).as_deref(),
                read_text(&rel("signature.txt")).as_deref(),
                now_of(&ctx),
            );
            tally.record(format!("{case}/{form}"), outcome);
        }
    }
    tally.finish();
}

#[test]
fn smithy_additions() {
    let base = "aws-sigv4/smithy-rs-additions/v4";
    if vectors::dir().is_none() {
        return;
    }
    let mut tally = Tally::new("aws-sigv4/smithy-rs-additions/v4");
    // double-url-encode: lambda, us-east-2, full case (canonical request, string to sign, verify).
    let v = SigV4Verifier::new().with_credential(AKID, SECRET, None).unwrap();
    let outcome = check(
        &v,
        &read_text(&format!("{base}/double-url-encode/header-signed-request.txt")).unwrap(),
        read_text(&format!("{base}/double-url-encode/header-canonical-request.txt")).as_deref(),
        read_text(&format!("{base}/double-url-encode/header-string-to-sign.txt")).as_deref(),
        None,
        T_2021,
    );
    tally.record("double-url-encode", outcome);
    // double-encode-path: the signed request is by a credential whose secret the suite does not give
    // (ANOTREAL), and its canonical request file carries a different x-amz-date than the signed
    // request; the canonical URI (what the case is about) is checked line by line otherwise.
    let signed = read_text(&format!("{base}/double-encode-path/header-signed-request.txt")).unwrap();
    let want = read_text(&format!("{base}/double-encode-path/header-canonical-request.txt")).unwrap();
    let got = parse_raw(&signed).with(|r| v.explain(r)).unwrap().canonical_request;
    let outcome = if got
        .lines()
        .zip(want.lines())
        .all(|(g, w)| g == w || (g.starts_with("x-amz-date:") && w.starts_with("x-amz-date:")))
        && got.lines().count() == want.lines().count()
    {
        Ok(())
    } else {
        Err(format!("canonical request differs:\n{got}\nvs\n{want}"))
    };
    tally.record("double-encode-path (canonical request; signature not verifiable: secret not in suite)", outcome);
    tally.skip(
        "get-space-normalized",
        "smithy-rs's variant sends %20 on the request line yet expects /example%20space/; under SigV4 \
         double encoding a received %20 canonicalizes to %2520 (as double-encode-path's %3D -> %253D \
         shows), so the two smithy cases contradict each other; the CRT copy of this case (literal \
         space) runs in crt_signing_suite",
    );
    tally.finish();
}

/// Legacy cases whose files disagree with each other or with the current (CRT) suite.
fn legacy_skip(name: &str) -> Option<&'static str> {
    match name {
        "get-header-value-multiline" => Some(
            "the legacy suite joins obs-fold continuation lines with ',' (value1,value2,value3); the CRT \
             suite's copy of the case expects them unfolded to one space (value1 value2 value3), as \
             RFC 9112 5.2 has a recipient do; the CRT copy runs in crt_signing_suite",
        ),
        "post-x-www-form-urlencoded" => Some(
            "internally inconsistent: the .sreq signs content-type but carries no Content-Type field and no \
             body, and the .creq lists content-type among the canonical headers while its SignedHeaders \
             line says host;x-amz-date; the CRT copy of the case runs in crt_signing_suite",
        ),
        "post-x-www-form-urlencoded-parameters" => Some(
            "the .creq moves the form body's parameters into the canonical query and hashes an empty \
             payload (an old form-POST convention), which SigV4 servers do not do for the body as \
             sent; the CRT copy of the case (body hashed) runs in crt_signing_suite",
        ),
        _ => None,
    }
}

#[test]
fn legacy_suite() {
    let base = "aws-sigv4/aws-sig-v4-test-suite-legacy";
    if vectors::dir().is_none() {
        return;
    }
    let mut tally = Tally::new("aws-sigv4/aws-sig-v4-test-suite-legacy");
    let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    let mut cases: Vec<String> = Vec::new();
    for c in case_dirs(base) {
        let sub = format!("{base}/{c}");
        if exists(&format!("{sub}/{c}.sreq")) {
            cases.push(sub);
        } else {
            cases.extend(case_dirs(&sub).into_iter().map(|s| format!("{sub}/{s}")));
        }
    }
    for dir in cases {
        let name = Path::new(&dir).file_name().unwrap().to_string_lossy().into_owned();
        let with_token = name.starts_with("post-sts-header");
        let v = SigV4Verifier::new()
            .with_credential(AKID, SECRET, with_token.then_some(token))
            .unwrap()
            .pin_region("us-east-1")
            .pin_service("service");
        let rel = |ext: &str| format!("{dir}/{name}.{ext}");
        if let Some(reason) = legacy_skip(&name) {
            tally.skip(&dir[base.len() + 1..], reason);
            continue;
        }
        let signed = read_text(&rel("sreq")).unwrap();
        let outcome =
            check(&v, &signed, read_text(&rel("creq")).as_deref(), read_text(&rel("sts")).as_deref(), None, T_2015);
        tally.record(&dir[base.len() + 1..], outcome);
    }
    tally.finish();
}
