//! Every secret-meets-input comparison in the workspace, as a [`Path`] over a pool of attacker
//! inputs.
//!
//! Each builder computes the attacker inputs (correct and wrong MACs, keys, tokens) from the plain
//! secret first, then calls [`Marker::secret`] on the caller-supplied secret buffer (memcheck: mark
//! it undefined), and only then prepares the library's keys from that buffer, so everything the
//! library derives from it (ring's HMAC pad states, SigV4 signing keys, stored digests) is undefined
//! as well: any branch or address computed from it is reported by memcheck.

use crate::{Marker, Rng};
use auth_core::{Headers, RequestView, Timestamp};
use auth_testkit::Seed;
use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use ring::{digest, hmac};
use std::hint::black_box;

/// Inputs per timing class.
pub(crate) const VARIANTS: usize = 64;
/// Size of every input pool: index 0 verifies; indices `1..=VARIANTS` are near misses (equal to the
/// secret-derived value except in its last byte: dudect's fixed class); the rest are random (dudect's
/// random class). Every input but index 0 is rejected, so both timing classes take the same verdict,
/// and both cycle through as many distinct inputs, so caches and branch predictors treat them alike
/// and a difference can only come from how close the input is to the secret.
pub(crate) const POOL: usize = 1 + 2 * VARIANTS;

/// One comparison under test.
pub(crate) struct Path {
    /// Stable name (JSON key, command-line argument).
    pub(crate) name: &'static str,
    /// What is compared, for the report.
    pub(crate) what: &'static str,
    /// Where the library branches on the comparison's one-bit verdict, as `function` or
    /// `function@caller`: the innermost frame of the memcheck report (inlined frames included) is
    /// `function` (its own path, or a path ending in `::function`; generic arguments are ignored) and,
    /// with `@caller`, the next frame's path starts with `caller`. `cargo xtask ct` accepts a report
    /// only when it is a conditional jump at such a site, and at most [`Path::max_sites`] distinct
    /// source locations: so a new secret-dependent branch, even inside the same function, is a
    /// finding.
    pub(crate) verdict_sites: &'static [&'static str],
    /// How many distinct verdict branches (function, file, line) are expected.
    pub(crate) max_sites: usize,
    /// Verifies pool input `i`; true when accepted.
    pub(crate) verify: Box<dyn Fn(usize) -> bool>,
}

const T: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid","data":{"amount":4200,"currency":"eur"}}"#;

fn hex(b: &[u8]) -> String {
    base16ct::lower::encode_string(b)
}

fn mac(alg: hmac::Algorithm, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(alg, key));
    for p in parts {
        ctx.update(p);
    }
    ctx.sign().as_ref().to_vec()
}

/// The raw-MAC pool: `[correct, near misses (the last byte changed), random…]`.
fn mac_pool(correct: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut v = vec![correct.to_vec()];
    for k in 1..=VARIANTS {
        let mut near = correct.to_vec();
        if let Some(last) = near.last_mut() {
            *last ^= u8::try_from(k).unwrap_or(1);
        }
        v.push(near);
    }
    while v.len() < POOL {
        let mut r = vec![0u8; correct.len()];
        rng.fill(&mut r);
        v.push(r);
    }
    v
}

/// A path whose attacker input is an encoding of a MAC: `encode` turns each raw MAC of the pool into
/// what the verifier reads, `check` runs the verifier on it.
fn mac_path(
    name: &'static str,
    what: &'static str,
    verdict_sites: &'static [&'static str],
    correct: &[u8],
    rng: &mut Rng,
    encode: impl Fn(&[u8]) -> Vec<u8>,
    check: impl Fn(&[u8]) -> bool + 'static,
) -> Path {
    let inputs: Vec<Vec<u8>> = mac_pool(correct, rng).iter().map(|m| encode(m)).collect();
    Path { name, what, verdict_sites, max_sites: 1, verify: Box::new(move |i| check(black_box(&inputs[i % POOL]))) }
}

/// The webhooks' verdict: `auth_hmac::webhook::first_match` ORs the constant-time comparisons of one
/// secret's MAC with every candidate signature into `hit`, then branches on `hit` (valgrind names the
/// generic instantiation `first_match<N, …>`).
const FIRST_MATCH: &[&str] = &["first_match@auth_hmac::webhook::"];
/// The signed-request verdict: `SignedRequestVerifier::verify` tries the live secrets with a
/// `position` whose predicate is the constant-time comparison of the MAC with the signature as spelled
/// (`hex_matches_ct`); `position` branches on it (inlined `core` frame inside `verify`).
const SIGNED_VERDICT: &[&str] = &["position@auth_hmac::signed::"];

/// A path's builder.
type Builder = fn(&Marker, &mut Rng) -> Path;

/// Every path, by name, unbuilt: a memcheck run builds only the path it checks, so no other path's
/// set-up (and none of its marked secrets) is in its report.
pub(crate) const ALL: [(&str, Builder); 16] = [
    ("apikey", apikey),
    ("signed_request", signed_request),
    ("stripe", stripe),
    ("github", github),
    ("slack", slack),
    ("standard_webhooks", standard_webhooks),
    ("shopify", shopify),
    ("twilio", twilio),
    ("sigv4", sigv4),
    ("rfc9421_hmac_sha256", rfc9421),
    ("jwt_hs256", |m, r| jwt_hs(m, r, auth_jwt::Algorithm::HS256, hmac::HMAC_SHA256, "jwt_hs256")),
    ("jwt_hs384", |m, r| jwt_hs(m, r, auth_jwt::Algorithm::HS384, hmac::HMAC_SHA384, "jwt_hs384")),
    ("jwt_hs512", |m, r| jwt_hs(m, r, auth_jwt::Algorithm::HS512, hmac::HMAC_SHA512, "jwt_hs512")),
    ("jwt_cnf_x5t", cnf_binding),
    ("hmac_sha256_blocks", hmac_sha256_blocks),
    ("control_leaky", control_leaky),
];

/// Builds the paths named in `only` (all when empty).
pub(crate) fn build(m: &Marker, rng: &mut Rng, only: &[String]) -> Vec<Path> {
    ALL.iter().filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n)).map(|(_, b)| b(m, rng)).collect()
}

fn apikey(m: &Marker, rng: &mut Rng) -> Path {
    use auth_testkit::apikey::{MintOptions, key_from_parts, mint};
    let o = MintOptions::new("sk_live").scopes("read");
    let good = mint(Seed::new(1), &o);
    // VARIANTS more records, each with a stored digest equal to SHA-256 of its own `near_secret`
    // except in the last byte: presenting (id, near_secret) is a near miss; presenting the same ids
    // with random secrets is the random class. Both classes look up the same records.
    let mut records = vec![good.record.clone()];
    let mut near_keys = Vec::new();
    let mut random_keys = Vec::new();
    for k in 0..VARIANTS as u64 {
        let near_id: [u8; 10] = Seed::new(100 + k).array("ct-id");
        let near_secret: [u8; 32] = Seed::new(100 + k).array("ct-secret");
        let near_key = key_from_parts("sk_live", &near_id, &near_secret);
        let secret_chars = &near_key[near_key.len() - 6 - 43..near_key.len() - 6];
        let mut digest = digest::digest(&digest::SHA256, secret_chars.as_bytes()).as_ref().to_vec();
        if let Some(last) = digest.last_mut() {
            *last ^= 0x01;
        }
        let mut near_record = good.record.clone();
        near_record["id"] = serde_json::json!(auth_testkit::apikey::base62(&near_id, 14));
        near_record["digest"] = serde_json::json!(hex(&digest));
        records.push(near_record);
        near_keys.push(near_key);
        let mut s = [0u8; 32];
        rng.fill(&mut s);
        random_keys.push(key_from_parts("sk_live", &near_id, &s));
    }
    let records = records
        .into_iter()
        .map(|r| serde_json::from_value::<auth_apikey::Record>(r).unwrap_or_else(|e| panic!("record: {e}")));
    let store = auth_apikey::MemoryStore::from_records(records, None).unwrap_or_else(|e| panic!("store: {e}"));
    // The stored digests are the secrets here: they live inside the store's records, and are marked
    // where they are kept (the store has no other copy).
    for r in store.records() {
        m.secret(r.digest());
    }
    let mut inputs = vec![good.key.clone()];
    inputs.extend(near_keys);
    inputs.extend(random_keys);
    let policy = auth_apikey::Policy::new(&["sk_live"]);
    let now = Timestamp::from_unix(1_700_000_100);
    Path {
        name: "apikey",
        what: "auth_apikey::verify: SHA-256 of the presented secret vs the stored digest (auth_core::ct_eq)",
        // `if !ct_eq(&digest, record.digest())` (inlined into `verify` from a helper of the module).
        verdict_sites: &["auth_apikey::verify::check_formatted"],
        max_sites: 1,
        verify: Box::new(move |i| auth_apikey::verify(black_box(&inputs[i % POOL]), &store, &policy, now).is_ok()),
    }
}

fn signed_request(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"ct-signed-request-secret-0123456".to_vec();
    let target = "/v1/items?id=7";
    let nonce = "nonce-ct-0001";
    let mut signed = format!("POST\n{target}\n{T}\n{nonce}\n").into_bytes();
    signed.extend_from_slice(BODY);
    let correct = mac(hmac::HMAC_SHA256, &secret, &[&signed]);
    m.secret(&secret);
    let v = auth_hmac::SignedRequestVerifier::new(
        auth_hmac::KeyStore::new().with("client-1", &[&secret]).unwrap_or_else(|e| panic!("{e}")),
    );
    let ts = T.to_string();
    mac_path(
        "signed_request",
        "auth_hmac::SignedRequestVerifier::verify: X-Signature vs HMAC-SHA256",
        SIGNED_VERDICT,
        &correct,
        rng,
        |m| hex(m).into_bytes(),
        move |sig| {
            let hs: [(&str, &[u8]); 4] = [
                ("X-API-Key", b"client-1"),
                ("X-Timestamp", ts.as_bytes()),
                ("X-Nonce", nonce.as_bytes()),
                ("X-Signature", sig),
            ];
            let req = RequestView::new("POST", target, Headers::from_pairs(&hs), BODY);
            v.verify(&req, Timestamp::from_unix(T), &auth_core::MemoryReplayGuard::new(4)).is_ok()
        },
    )
}

fn stripe(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"whsec_ct_stripe_0123456789abcdef".to_vec();
    let correct = mac(hmac::HMAC_SHA256, &secret, &[format!("{T}.").as_bytes(), BODY]);
    m.secret(&secret);
    let v = auth_hmac::Stripe::new(auth_hmac::Secrets::sha256(&[&secret]).unwrap_or_else(|e| panic!("{e}")));
    mac_path(
        "stripe",
        "auth_hmac::Stripe::verify: v1 signatures vs HMAC-SHA256",
        FIRST_MATCH,
        &correct,
        rng,
        |m| format!("t={T},v1={}", hex(m)).into_bytes(),
        move |h| v.verify(h, BODY, Timestamp::from_unix(T)).is_ok(),
    )
}

fn github(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"ct-github-secret".to_vec();
    let correct = mac(hmac::HMAC_SHA256, &secret, &[BODY]);
    m.secret(&secret);
    let v = auth_hmac::GitHub::new(auth_hmac::Secrets::sha256(&[&secret]).unwrap_or_else(|e| panic!("{e}")));
    mac_path(
        "github",
        "auth_hmac::GitHub::verify: X-Hub-Signature-256 vs HMAC-SHA256",
        FIRST_MATCH,
        &correct,
        rng,
        |m| format!("sha256={}", hex(m)).into_bytes(),
        move |h| v.verify(h, BODY).is_ok(),
    )
}

fn slack(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"ct-slack-signing-secret".to_vec();
    let ts = T.to_string();
    let correct = mac(hmac::HMAC_SHA256, &secret, &[b"v0:", ts.as_bytes(), b":", BODY]);
    m.secret(&secret);
    let v = auth_hmac::Slack::new(auth_hmac::Secrets::sha256(&[&secret]).unwrap_or_else(|e| panic!("{e}")));
    mac_path(
        "slack",
        "auth_hmac::Slack::verify: v0 signature vs HMAC-SHA256",
        FIRST_MATCH,
        &correct,
        rng,
        |m| format!("v0={}", hex(m)).into_bytes(),
        move |s| v.verify(ts.as_bytes(), s, BODY, Timestamp::from_unix(T)).is_ok(),
    )
}

fn standard_webhooks(m: &Marker, rng: &mut Rng) -> Path {
    let secret = [9u8; 32].to_vec();
    let ts = T.to_string();
    let correct = mac(hmac::HMAC_SHA256, &secret, &[b"msg_ct.", ts.as_bytes(), b".", BODY]);
    m.secret(&secret);
    let v = auth_hmac::StandardWebhooks::new(auth_hmac::Secrets::sha256(&[&secret]).unwrap_or_else(|e| panic!("{e}")));
    mac_path(
        "standard_webhooks",
        "auth_hmac::StandardWebhooks::verify: v1 signatures vs HMAC-SHA256",
        FIRST_MATCH,
        &correct,
        rng,
        |m| format!("v1,{}", Base64::encode_string(m)).into_bytes(),
        move |s| {
            let guard = auth_core::MemoryReplayGuard::new(4);
            v.verify(b"msg_ct", ts.as_bytes(), s, BODY, Timestamp::from_unix(T), &guard).is_ok()
        },
    )
}

fn shopify(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"ct-shopify-secret".to_vec();
    let correct = mac(hmac::HMAC_SHA256, &secret, &[BODY]);
    m.secret(&secret);
    let v = auth_hmac::Shopify::new(auth_hmac::Secrets::sha256(&[&secret]).unwrap_or_else(|e| panic!("{e}")));
    mac_path(
        "shopify",
        "auth_hmac::Shopify::verify: X-Shopify-Hmac-Sha256 vs HMAC-SHA256",
        FIRST_MATCH,
        &correct,
        rng,
        |m| Base64::encode_string(m).into_bytes(),
        move |h| v.verify(h, BODY).is_ok(),
    )
}

fn twilio(m: &Marker, rng: &mut Rng) -> Path {
    let secret = b"ct-twilio-auth-token".to_vec();
    let url = "https://example.com/twilio/sms";
    let params: [(&str, &str); 2] = [("Body", "hello"), ("From", "+15550000000")];
    let correct = mac(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &secret, &[url.as_bytes(), b"BodyhelloFrom+15550000000"]);
    m.secret(&secret);
    let v = auth_hmac::Twilio::new(&[&secret]).unwrap_or_else(|e| panic!("{e}"));
    mac_path(
        "twilio",
        "auth_hmac::Twilio::verify: X-Twilio-Signature vs HMAC-SHA1",
        FIRST_MATCH,
        &correct,
        rng,
        |m| Base64::encode_string(m).into_bytes(),
        move |s| v.verify(url, &params, s).is_ok(),
    )
}

fn sigv4(m: &Marker, rng: &mut Rng) -> Path {
    use auth_testkit::hmac::{SigV4Params, sigv4_header_request};
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned();
    let p = SigV4Params {
        access_key_id: "AKIDEXAMPLE",
        secret: &secret,
        region: "us-east-1",
        service: "service",
        amz_date: "20150830T123600Z",
        session_token: None,
    };
    let (target, headers) = sigv4_header_request(&p, "GET", "example.amazonaws.com", "/v1/items", &[], &[], b"");
    let authz = headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone()).unwrap_or_default();
    let (prefix, sig_hex) = authz.rsplit_once("Signature=").unwrap_or_else(|| panic!("no signature"));
    let correct = base16ct::lower::decode_vec(sig_hex).unwrap_or_else(|e| panic!("{e}"));
    let prefix = format!("{prefix}Signature=");
    let others: Vec<(String, String)> = headers.into_iter().filter(|(k, _)| k != "authorization").collect();
    m.secret(secret.as_bytes());
    let v =
        auth_hmac::SigV4Verifier::new().with_credential("AKIDEXAMPLE", &secret, None).unwrap_or_else(|e| panic!("{e}"));
    let now = Timestamp::from_unix(1_440_938_160);
    mac_path(
        "sigv4",
        "auth_hmac::SigV4Verifier::verify (header form): Signature vs HMAC-SHA256 under the derived signing key",
        // `if !ct_eq(computed, presented)` in `verify`.
        &["auth_hmac::sigv4::SigV4Verifier::verify"],
        &correct,
        rng,
        |m| format!("{prefix}{}", hex(m)).into_bytes(),
        move |authz| {
            let mut hs: Vec<(&str, &[u8])> = others.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect();
            hs.push(("authorization", authz));
            let req = RequestView::new("GET", &target, Headers::from_pairs(&hs), b"");
            v.verify(&req, now).is_ok()
        },
    )
}

fn rfc9421(m: &Marker, rng: &mut Rng) -> Path {
    use auth_hmac::rfc9421::{MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
    let secret = [5u8; 64].to_vec();
    let params = format!(";created={T};keyid=\"k1\"");
    let input = "sig1=(\"@method\" \"@authority\" \"@path\")".to_owned() + &params;
    let base = format!(
        "\"@method\": POST\n\"@authority\": api.example\n\"@path\": /v1/items\n\"@signature-params\": (\"@method\" \"@authority\" \"@path\"){params}"
    );
    let correct = mac(hmac::HMAC_SHA256, &secret, &[base.as_bytes()]);
    m.secret(&secret);
    let v = MessageVerifier::new(
        SignatureKeys::new()
            .with("k1", SignatureKey::hmac_sha256(&secret).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}")),
        Policy::new(),
    );
    mac_path(
        "rfc9421_hmac_sha256",
        "auth_hmac::rfc9421::MessageVerifier::verify_request: hmac-sha256 signature (ring::hmac::verify)",
        // ring::hmac::verify compares in constant time and returns its verdict without branching;
        // the first branch on it is `if … !key.verify(base, sig)` in `verify_one`.
        &["verify_one@auth_hmac::rfc9421::"],
        &correct,
        rng,
        |m| format!("sig1=:{}:", Base64::encode_string(m)).into_bytes(),
        move |sig| {
            let hs: [(&str, &[u8]); 3] =
                [("host", b"api.example"), ("signature-input", input.as_bytes()), ("signature", sig)];
            let req = RequestView::new("POST", "/v1/items", Headers::from_pairs(&hs), b"");
            v.verify_request(&req, RequestContext::default(), Timestamp::from_unix(T), &crate::AcceptAll).is_ok()
        },
    )
}

fn jwt_token(input: &str, sig: &[u8]) -> Vec<u8> {
    format!("{input}.{}", Base64UrlUnpadded::encode_string(sig)).into_bytes()
}

fn jwt_hs(m: &Marker, rng: &mut Rng, alg: auth_jwt::Algorithm, ring_alg: hmac::Algorithm, name: &'static str) -> Path {
    let secret = Seed::new(7).bytes("ct-jwt-secret", 64);
    let header = format!(r#"{{"alg":"{}","typ":"JWT","kid":"k1"}}"#, alg.name());
    let claims = r#"{"iss":"https://issuer.authv.test","sub":"ct","exp":4000000000}"#;
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(claims.as_bytes())
    );
    let correct = mac(ring_alg, &secret, &[input.as_bytes()]);
    m.secret(&secret);
    let keys =
        auth_jwt::KeySet::single(auth_jwt::Key::hmac(alg, &secret).unwrap_or_else(|e| panic!("{e}")).with_kid("k1"));
    let policy = auth_jwt::Policy::new().issuer("https://issuer.authv.test");
    mac_path(
        name,
        "auth_jwt::verify: HS* signature (ring::hmac::verify)",
        // ring::hmac::verify's verdict reaches `if ok { Ok(()) } else { Err(BadSignature) }` in
        // `Key::verify_signature` without a branch.
        &["auth_jwt::key::Key::verify_signature"],
        &correct,
        rng,
        |m| jwt_token(&input, m),
        move |t| auth_jwt::verify(t, &keys, &policy, Timestamp::from_unix(T)).is_ok(),
    )
}

fn cnf_binding(m: &Marker, rng: &mut Rng) -> Path {
    // The thumbprint of the presented certificate is the secret; the token (its `cnf`) is the input.
    let thumbprint: Vec<u8> = Seed::new(11).bytes("ct-cert-thumbprint", 32);
    let key = auth_testkit::jwt::SigningKey::new(auth_testkit::jwt::Alg::ES256, Seed::new(11)).with_kid("k1");
    let keys =
        auth_jwt::KeySet::from_jwks(auth_testkit::jwt::jwk_set(&[&key]).as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let policy = auth_jwt::Policy::new().issuer("https://issuer.authv.test");
    let tokens: Vec<auth_jwt::VerifiedToken> = mac_pool(&thumbprint, rng)
        .iter()
        .map(|t| {
            let claims = serde_json::json!({
                "iss": "https://issuer.authv.test",
                "sub": "ct",
                "exp": 4_000_000_000_i64,
                "cnf": {"x5t#S256": Base64UrlUnpadded::encode_string(t)},
            });
            let token = auth_testkit::jwt::mint(&key, &claims);
            auth_jwt::verify(&token, &keys, &policy, Timestamp::from_unix(T)).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    m.secret(&thumbprint);
    Path {
        name: "jwt_cnf_x5t",
        what: "auth_jwt::VerifiedToken::check_certificate_binding: cnf x5t#S256 vs the certificate's SHA-256",
        // `check_certificate_binding` compiles to branch-free code and returns the verdict as the
        // discriminant of its `Result`. No branch on it is expected inside the method; the harness
        // reads the verdict with `is_ok` (no branch) and does not drop the `Result` (its drop glue
        // would branch on the secret-dependent discriminant, here rather than in the library; the
        // error carries no heap data, so nothing leaks).
        verdict_sites: &["auth_jwt::token::VerifiedToken::check_certificate_binding"],
        max_sites: 1,
        verify: Box::new(move |i| {
            let r = tokens[i % POOL].check_certificate_binding(black_box(&thumbprint));
            let ok = r.is_ok();
            std::mem::forget(r);
            ok
        }),
    }
}

/// `auth_core::hash` on `sha2`'s block function, the HMAC-SHA256 every verifier above uses on CPUs
/// with SHA extensions. valgrind's CPU has none, so there the verifiers take ring's HMAC; this path
/// asks for the block-function implementation explicitly (its portable compression under valgrind), so
/// the pad states, padding and block handling around it are checked too: the one-shot, streamed and
/// in-place MACs of a marked key, each compared with `ct_eq`, the three verdicts combined without a
/// branch.
fn hmac_sha256_blocks(m: &Marker, rng: &mut Rng) -> Path {
    use auth_core::hash::{Backend, HmacContext, HmacKey};
    // 70 bytes: longer than a block, so the key is hashed first, as RFC 2104 says.
    let secret = Seed::new(14).bytes("ct-hash-blocks-secret", 70);
    let correct = mac(hmac::HMAC_SHA256, &secret, &[BODY]);
    let pool = mac_pool(&correct, rng);
    m.secret(&secret);
    let key = HmacKey::with_backend(hmac::HMAC_SHA256, &secret, Backend::Blocks);
    Path {
        name: "hmac_sha256_blocks",
        what: "auth_core::hash::HmacKey on sha2's block function: one-shot, streamed and in-place HMAC-SHA256 vs the tag (ct_eq)",
        // Nothing in the library branches on the verdicts: they are returned as booleans.
        verdict_sites: &[],
        max_sites: 0,
        verify: Box::new(move |i| {
            let tag = black_box(&pool[i % POOL]);
            let (head, tail) = BODY.split_at(BODY.len() / 3);
            let mut ctx = HmacContext::new(&key);
            ctx.update(head);
            ctx.update(tail);
            let streamed = auth_core::ct_eq(ctx.sign().as_ref(), tag);
            let mut buf = [0u8; 192];
            buf[..BODY.len()].copy_from_slice(BODY);
            let in_place = auth_core::ct_eq(key.sign_in_place(&mut buf, BODY.len()).as_ref(), tag);
            key.verify(BODY, tag) & streamed & in_place
        }),
    }
}

/// The deliberately leaky control: an early-exit byte comparison of a secret MAC. It MUST be
/// flagged by memcheck and show a timing difference; if it is not, the harness is not measuring.
#[inline(never)]
fn early_exit_eq(secret: &[u8], input: &[u8]) -> bool {
    if secret.len() != input.len() {
        return false;
    }
    for (a, b) in secret.iter().zip(input) {
        if black_box(*a) != *b {
            return false;
        }
    }
    true
}

fn control_leaky(m: &Marker, rng: &mut Rng) -> Path {
    let secret = Seed::new(13).bytes("ct-control-secret", 32);
    let correct = mac(hmac::HMAC_SHA512, &secret, &[BODY]);
    let pool = mac_pool(&correct, rng);
    // The stored MAC is the secret the early exit leaks.
    let stored = correct.clone();
    m.secret(&stored);
    Path {
        name: "control_leaky",
        what: "CONTROL: early-exit byte compare of a 64-byte secret MAC (must be flagged)",
        verdict_sites: &[],
        max_sites: 0,
        verify: Box::new(move |i| early_exit_eq(&stored, black_box(&pool[i % POOL]))),
    }
}
