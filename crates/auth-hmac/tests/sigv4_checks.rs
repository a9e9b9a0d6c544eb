//! SigV4 policy checks beyond the suites: skew, presigned expiry bounds, scope pins, session tokens,
//! payload modes, S3 path rules, malformed authorization headers. Requests are minted by
//! auth-testkit (an independent signer).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use auth_core::{Headers, Reject, RequestView, Timestamp};
use auth_hmac::sigv4::UriMode;
use auth_hmac::{Error, SigV4Verifier};
use auth_testkit::hmac::{self as mint, SigV4Params};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DATE: &str = "20150830T123600Z";
const T: i64 = 1_440_938_160;
const HOST: &str = "example.amazonaws.com";

fn params(service: &'static str, token: Option<&'static str>) -> SigV4Params<'static> {
    SigV4Params {
        access_key_id: "AKIDEXAMPLE",
        secret: SECRET,
        region: "us-east-1",
        service,
        amz_date: DATE,
        session_token: token,
    }
}

fn verifier(token: Option<&str>) -> SigV4Verifier {
    SigV4Verifier::new().with_credential("AKIDEXAMPLE", SECRET, token).unwrap()
}

fn run(
    v: &SigV4Verifier,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Result<(), Error> {
    let pairs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
    let req = RequestView::new(method, target, Headers::from_pairs(&pairs), body);
    v.verify(&req, Timestamp::from_unix(now)).map(|_| ())
}

fn header_request(p: &SigV4Params<'_>, body: &[u8]) -> (String, Vec<(String, String)>) {
    mint::sigv4_header_request(
        p,
        "POST",
        HOST,
        "/a b/c",
        &[("x", "1 2"), ("a", "/")],
        &[("content-type", "text/plain")],
        body,
    )
}

#[test]
fn header_form_skew_both_directions() {
    let v = verifier(None);
    let (t, h) = header_request(&params("service", None), b"hi");
    assert_eq!(run(&v, "POST", &t, &h, b"hi", T), Ok(()));
    assert_eq!(run(&v, "POST", &t, &h, b"hi", T + 900), Ok(()));
    assert_eq!(run(&v, "POST", &t, &h, b"hi", T + 901), Err(Error::StaleTimestamp));
    assert_eq!(run(&v, "POST", &t, &h, b"hi", T - 901), Err(Error::FutureTimestamp));
    // A body that is not the one hashed in x-amz-content-sha256.
    assert_eq!(run(&v, "POST", &t, &h, b"ho", T), Err(Error::DigestMismatch));
    // The verified result converts to an identity.
    let pairs: Vec<(&str, &[u8])> = h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
    let ok =
        v.verify(&RequestView::new("POST", &t, Headers::from_pairs(&pairs), b"hi"), Timestamp::from_unix(T)).unwrap();
    assert_eq!(ok.identity().subject, "AKIDEXAMPLE");
    assert_eq!(ok.region, "us-east-1");
    assert_eq!(ok.expires_at, None);
}

#[test]
fn presigned_expiry_and_bounds() {
    let v = verifier(None);
    let host = vec![("host".to_owned(), HOST.to_owned())];
    let t = mint::sigv4_presigned_target(&params("service", None), "GET", HOST, "/obj", &[("k", "v")], 600, b"");
    assert_eq!(run(&v, "GET", &t, &host, b"", T + 600), Ok(()));
    assert_eq!(run(&v, "GET", &t, &host, b"", T + 601), Err(Error::Expired));
    assert_eq!(run(&v, "GET", &t, &host, b"", T - 901), Err(Error::FutureTimestamp));
    // X-Amz-Expires outside 1..=604800 is refused before anything else.
    for bad in [0u32, 604_801] {
        let t = mint::sigv4_presigned_target(&params("service", None), "GET", HOST, "/obj", &[], bad, b"");
        assert_eq!(run(&v, "GET", &t, &host, b"", T), Err(Error::MalformedHeader("X-Amz-Expires")), "{bad}");
    }
    let t = mint::sigv4_presigned_target(&params("service", None), "GET", HOST, "/obj", &[], 604_800, b"");
    assert_eq!(run(&v, "GET", &t, &host, b"", T + 604_800), Ok(()));
    // Removing X-Amz-Expires.
    let stripped: String = t.split('&').filter(|p| !p.starts_with("X-Amz-Expires")).collect::<Vec<_>>().join("&");
    assert_eq!(run(&v, "GET", &stripped, &host, b"", T), Err(Error::MissingHeader("X-Amz-Expires")));
    // A presigned URL and an Authorization header at once is ambiguous.
    let mut both = host.clone();
    both.push(("authorization".into(), "AWS4-HMAC-SHA256 Credential=x".into()));
    assert_eq!(run(&v, "GET", &t, &both, b"", T), Err(Error::InvalidRequest));
}

#[test]
fn scope_pins_and_unknown_keys() {
    let (t, h) = header_request(&params("service", None), b"");
    assert_eq!(run(&verifier(None).pin_region("us-east-1").pin_service("service"), "POST", &t, &h, b"", T), Ok(()));
    assert_eq!(run(&verifier(None).pin_region("eu-west-1"), "POST", &t, &h, b"", T), Err(Error::ScopeMismatch));
    assert_eq!(run(&verifier(None).pin_service("s3"), "POST", &t, &h, b"", T), Err(Error::ScopeMismatch));
    let other = SigV4Verifier::new().with_credential("AKIDOTHER", SECRET, None).unwrap();
    assert_eq!(run(&other, "POST", &t, &h, b"", T), Err(Error::UnknownKey));
    // A scope date that is not the X-Amz-Date day.
    let h2: Vec<(String, String)> = h
        .iter()
        .map(|(n, v)| (n.clone(), if n == "authorization" { v.replace("/20150830/", "/20150831/") } else { v.clone() }))
        .collect();
    assert_eq!(run(&verifier(None), "POST", &t, &h2, b"", T), Err(Error::ScopeMismatch));
    // Wrong secret.
    let wrong = SigV4Verifier::new().with_credential("AKIDEXAMPLE", "not-the-secret", None).unwrap();
    assert_eq!(run(&wrong, "POST", &t, &h, b"", T), Err(Error::BadSignature));
}

#[test]
fn session_tokens() {
    let token = "FwoGZXIvYXdzEXAMPLETOKEN";
    let (t, h) = header_request(&params("service", Some(token)), b"");
    assert_eq!(run(&verifier(Some(token)), "POST", &t, &h, b"", T), Ok(()));
    // The credential expects no token / another token.
    assert_eq!(run(&verifier(None), "POST", &t, &h, b"", T), Err(Error::BadSessionToken));
    assert_eq!(run(&verifier(Some("another")), "POST", &t, &h, b"", T), Err(Error::BadSessionToken));
    // The credential expects a token the request lacks.
    let (t, h) = header_request(&params("service", None), b"");
    assert_eq!(run(&verifier(Some(token)), "POST", &t, &h, b"", T), Err(Error::BadSessionToken));
    // Presigned with a token in the query.
    let host = vec![("host".to_owned(), HOST.to_owned())];
    let t = mint::sigv4_presigned_target(&params("service", Some(token)), "GET", HOST, "/o", &[], 60, b"");
    assert_eq!(run(&verifier(Some(token)), "GET", &t, &host, b"", T), Ok(()));
}

#[test]
fn payload_modes() {
    let v = verifier(None);
    let (t, h) = header_request(&params("service", None), b"");
    let with = |value: &str| -> Vec<(String, String)> {
        h.iter()
            .map(|(n, v)| (n.clone(), if n == "x-amz-content-sha256" { value.to_owned() } else { v.clone() }))
            .collect()
    };
    let streaming = with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    let e = run(&v, "POST", &t, &streaming, b"", T).unwrap_err();
    assert_eq!(e, Error::Unsupported("streaming_payload_unsupported"));
    assert_eq!(e.rejection().reason(), "streaming_payload_unsupported");
    // UNSIGNED-PAYLOAD changes the canonical request, so this one (signed over the hash) fails its MAC,
    // but it is refused earlier when the verifier does not accept unsigned payloads.
    let unsigned = with("UNSIGNED-PAYLOAD");
    assert_eq!(run(&v, "POST", &t, &unsigned, b"", T), Err(Error::BadSignature));
    assert_eq!(
        run(&verifier(None).allow_unsigned_payload(false), "POST", &t, &unsigned, b"", T),
        Err(Error::Unsupported("unsigned_payload_refused"))
    );
    assert_eq!(run(&v, "POST", &t, &with("ABC"), b"", T), Err(Error::MalformedHeader("x-amz-content-sha256")));
}

#[test]
fn s3_single_encoding_without_normalization() {
    let v = verifier(None);
    let p = params("s3", None);
    let (t, h) = mint::sigv4_header_request(&p, "GET", HOST, "/bucket/a b/../c~", &[], &[], b"");
    assert_eq!(run(&v, "GET", &t, &h, b"", T), Ok(()));
    // Forcing the non-S3 rules on the same request breaks it (normalization and double encoding).
    assert_eq!(run(&verifier(None).uri_mode(UriMode::Standard), "GET", &t, &h, b"", T), Err(Error::BadSignature));
    // Presigned S3 uses UNSIGNED-PAYLOAD.
    let host = vec![("host".to_owned(), HOST.to_owned())];
    let t = mint::sigv4_presigned_target(&p, "PUT", HOST, "/bucket/key", &[], 300, b"");
    assert_eq!(run(&v, "PUT", &t, &host, b"any body", T), Ok(()));
}

#[test]
fn malformed_authorization() {
    let v = verifier(None);
    let (t, h) = header_request(&params("service", None), b"");
    let auth = h.iter().find(|(n, _)| n == "authorization").unwrap().1.clone();
    let with_auth = |a: &str| -> Vec<(String, String)> {
        h.iter().map(|(n, v)| (n.clone(), if n == "authorization" { a.to_owned() } else { v.clone() })).collect()
    };
    let cases = [
        (auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), Error::Unsupported("unsupported_algorithm")),
        (
            auth.replace("SignedHeaders=content-type;host;", "SignedHeaders=host;content-type;"),
            Error::MalformedHeader("signed headers"),
        ),
        (
            auth.replace(
                "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date",
                "SignedHeaders=content-type;x-amz-content-sha256;x-amz-date",
            ),
            Error::MalformedHeader("signed headers"),
        ),
        (
            auth.replace(
                "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date",
                "SignedHeaders=content-type;host;x-amz-content-sha256",
            ),
            Error::MalformedHeader("signed headers"),
        ),
        (auth.replace("/aws4_request", "/aws5_request"), Error::ScopeMismatch),
        (format!("{auth}, Signature=00"), Error::MalformedHeader("authorization")),
        (format!("{auth},"), Error::MalformedHeader("authorization")),
        (format!("{},{}", &auth[..auth.len() - 8], &auth[auth.len() - 7..]), Error::MalformedHeader("authorization")),
        (auth[..auth.len() - 2].to_owned(), Error::MalformedSignature),
        (
            auth.to_uppercase().replace("AWS4-HMAC-SHA256 CREDENTIAL", "AWS4-HMAC-SHA256 Credential"),
            Error::MalformedHeader("authorization"),
        ),
    ];
    for (a, want) in cases {
        assert_eq!(run(&v, "POST", &t, &with_auth(&a), b"", T), Err(want), "{a}");
    }
    assert_eq!(run(&v, "POST", &t, &[], b"", T), Err(Error::MissingCredentials));
    // Without X-Amz-Date: a comma in the signature is still reported as a malformed Authorization
    // value (it is read before the date), a signature that is merely not hex after the missing date.
    let no_date =
        |a: &str| -> Vec<(String, String)> { with_auth(a).into_iter().filter(|(n, _)| n != "x-amz-date").collect() };
    let comma = format!("{},{}", &auth[..auth.len() - 8], &auth[auth.len() - 7..]);
    assert_eq!(run(&v, "POST", &t, &no_date(&comma), b"", T), Err(Error::MalformedHeader("authorization")));
    let not_hex = format!("{}g", &auth[..auth.len() - 1]);
    assert_eq!(run(&v, "POST", &t, &no_date(&not_hex), b"", T), Err(Error::MissingHeader("x-amz-date")));
    assert_eq!(run(&v, "POST", &t, &with_auth(&not_hex), b"", T), Err(Error::MalformedSignature));
}

/// Signing keys are cached per access key id, date, region and service: requests under many scopes,
/// interleaved and repeated (so most are cache hits), each verify under their own key only.
#[test]
fn signing_key_cache_keeps_scopes_apart() {
    const OTHER_SECRET: &str = "otherSecretAccessKeyOfTheSecondCredential";
    let v = verifier(None).with_credential("AKIDOTHER", OTHER_SECRET, None).unwrap();
    let mut cases = Vec::new();
    for (akid, secret) in [("AKIDEXAMPLE", SECRET), ("AKIDOTHER", OTHER_SECRET)] {
        for (date, now) in [("20150830T123600Z", T), ("20150831T123600Z", T + 86_400)] {
            for region in ["us-east-1", "eu-west-1"] {
                for service in ["service", "iam"] {
                    let p = SigV4Params {
                        access_key_id: akid,
                        secret,
                        region,
                        service,
                        amz_date: date,
                        session_token: None,
                    };
                    let (t, h) = header_request(&p, b"hi");
                    cases.push((akid, region, t, h, now));
                }
            }
        }
    }
    for _ in 0..3 {
        for (_, _, t, h, now) in &cases {
            assert_eq!(run(&v, "POST", t, h, b"hi", *now), Ok(()));
        }
    }
    // Claiming another scope (or another access key id) than the one signed for fails, though the
    // claimed scope's key is cached by now.
    for (akid, region, t, h, now) in &cases {
        let swapped_region = if *region == "us-east-1" { "eu-west-1" } else { "us-east-1" };
        let swapped_akid = if *akid == "AKIDEXAMPLE" { "AKIDOTHER" } else { "AKIDEXAMPLE" };
        for (from, to) in
            [(format!("/{region}/"), format!("/{swapped_region}/")), (format!("={akid}/"), format!("={swapped_akid}/"))]
        {
            let forged: Vec<(String, String)> = h
                .iter()
                .map(|(n, val)| {
                    let val =
                        if n.eq_ignore_ascii_case("authorization") { val.replacen(&from, &to, 1) } else { val.clone() };
                    (n.clone(), val)
                })
                .collect();
            assert_ne!(&forged, h);
            assert_eq!(run(&v, "POST", t, &forged, b"hi", *now), Err(Error::BadSignature));
        }
    }
}

/// The same requests verify, and fail, alike through a view of pairs (read as a slice) and a view of an
/// `http::HeaderMap` (read through the iterator): names in any case, a value with whitespace to fold
/// (sent folded or refolded), a signed header missing; and a changed value fails.
#[test]
fn header_map_and_pairs_views_agree() {
    let v = verifier(None);
    let p = params("service", None);
    let (t, h) = mint::sigv4_header_request(
        &p,
        "GET",
        HOST,
        "/v1/items",
        &[("a", "1")],
        &[("x-amz-meta-a", " one   two "), ("content-type", "text/plain")],
        b"",
    );
    type Field = (String, String);
    let edit = |f: &dyn Fn(&Field) -> Option<Field>| -> Vec<Field> { h.iter().filter_map(f).collect() };
    let upper = edit(&|(n, v)| Some((n.to_ascii_uppercase(), v.clone())));
    let missing = edit(&|(n, v)| (n != "content-type").then(|| (n.clone(), v.clone())));
    let folded = edit(&|(n, v)| Some((n.clone(), if n == "x-amz-meta-a" { "one two".to_owned() } else { v.clone() })));
    let refolded =
        edit(&|(n, v)| Some((n.clone(), if n == "x-amz-meta-a" { "one\ttwo".to_owned() } else { v.clone() })));
    for (headers, want) in [
        (&h, Ok(())),
        (&upper, Ok(())),
        (&refolded, Ok(())),
        (&missing, Err(Error::MissingHeader("signed header"))),
        (&folded, Ok(())),
    ] {
        assert_eq!(run(&v, "GET", &t, headers, b"", T), want);
        let mut map = http::HeaderMap::new();
        for (n, value) in headers {
            map.append(
                http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                http::HeaderValue::from_str(value).unwrap(),
            );
        }
        let req = RequestView::new("GET", &t, Headers::from(&map), b"");
        assert_eq!(v.verify(&req, Timestamp::from_unix(T)).map(|_| ()), want);
    }
    let tampered =
        edit(&|(n, v)| Some((n.clone(), if n == "content-type" { "text/html".to_owned() } else { v.clone() })));
    assert_eq!(run(&v, "GET", &t, &tampered, b"", T), Err(Error::BadSignature));
}

/// Builder calls after requests were verified apply to requests whose `Authorization` prefix is
/// remembered: a region pinned afterwards applies to a request already verified, and a credential added
/// afterwards (which moves the others in the verifier's sorted list) does not make a remembered request
/// check another key's session token.
#[test]
fn builders_apply_to_remembered_prefixes() {
    let p = params("service", None);
    let (t, h) = header_request(&p, b"x");
    let v = verifier(None);
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Ok(()));
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Ok(()));
    let v = v.pin_region("eu-west-1");
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Err(Error::ScopeMismatch));

    let v = verifier(None);
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Ok(()));
    let v = v.with_credential("AAAAEXAMPLE", "other-secret", Some("other-token")).unwrap();
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Ok(()));
    let v = v.pin_service("other");
    assert_eq!(run(&v, "POST", &t, &h, b"x", T), Err(Error::ScopeMismatch));
}
