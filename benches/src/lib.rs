//! Shared fixtures for authv's benchmarks: one [`Case`] per hot verify path, holding the authv
//! verification, the **limit** (the bare primitive on the same bytes) and, where the library has one,
//! a peer. The criterion benches (`benches/*.rs`), the allocation probe
//! (`src/bin/authv-bench-allocations.rs`) and the instruction-count gate
//! (`src/bin/authv-bench-gate.rs`, run under callgrind by `cargo xtask bench --gate`) all measure
//! these same closures, so the numbers of the three agree on what they measure.
//!
//! Every closure returns `true` when the verification came out as the fixture expects (accepted);
//! the constructors check that once, so a bench can never silently measure a rejection.
#![forbid(unsafe_code)]
// Fixtures are built once at start-up from constants: a failure there is a broken bench, reported by
// the panic's message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use auth_core::{Headers, MemoryReplayGuard, ReplayError, ReplayGuard, RequestView, ScopeSet, Timestamp, ct_eq};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey};
use base64ct::{Base64UrlUnpadded, Encoding};
use ring::{digest, hmac, signature};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hint::black_box;

/// One measured operation: returns whether it verified.
pub type Op = Box<dyn Fn() -> bool>;

/// A hot verify path with its limit and peers.
pub struct Case {
    /// Stable identifier (criterion group name, JSON key, gate key), e.g. `jwt_hs256`.
    pub id: &'static str,
    /// Human-readable row label for the table.
    pub label: String,
    /// authv's full verification.
    pub authv: Op,
    /// What the limit column measures.
    pub limit_label: &'static str,
    /// The bare primitive on the same bytes.
    pub limit: Op,
    /// Peer verifiers a user would pick instead: `(name, op)`.
    pub peers: Vec<(&'static str, Op)>,
}

impl Case {
    fn new(id: &'static str, label: String, authv: Op, limit_label: &'static str, limit: Op) -> Self {
        assert!(authv(), "{id}: authv did not verify the fixture");
        assert!(limit(), "{id}: the limit did not verify the fixture");
        Self { id, label, authv, limit_label, limit, peers: Vec::new() }
    }

    /// Adds a peer, checking that it verifies the fixture.
    #[must_use]
    pub fn peer(mut self, name: &'static str, op: Op) -> Self {
        assert!(op(), "{}: peer {name} did not verify the fixture", self.id);
        self.peers.push((name, op));
        self
    }
}

/// Every case, in table order. `jwt_peers` adds peers to the JWT cases (the criterion bench passes
/// jsonwebtoken and jwt-simple; the gate and the allocation probe pass nothing).
pub fn all_cases(jwt_peers: &dyn Fn(&JwtFixture) -> Vec<(&'static str, Op)>) -> Vec<Case> {
    let mut v = Vec::new();
    for alg in JWT_ALGS {
        let f = JwtFixture::new(alg);
        let mut c = jwt_case(&f);
        for (name, op) in jwt_peers(&f) {
            c = c.peer(name, op);
        }
        v.push(c);
    }
    v.extend(hmac_cases());
    v.push(apikey_case());
    v.extend(mtls_cases());
    v
}

// ---------------------------------------------------------------------------------------------------
// JWT

/// The JWT algorithms benchmarked, in table order.
pub const JWT_ALGS: [Alg; 7] = [Alg::HS256, Alg::RS256, Alg::PS256, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA];

/// `now` for the JWT fixtures.
pub const JWT_NOW: i64 = 1_700_000_000;
/// `exp` of the JWT fixtures (far in the future so peers reading the real clock accept them too).
pub const JWT_EXP: i64 = 4_000_000_000;
/// Issuer of the JWT fixtures.
pub const JWT_ISS: &str = "https://issuer.authv.test";
/// Audience of the JWT fixtures.
pub const JWT_AUD: &str = "https://api.authv.test";
/// The scope every verifier must find in the token.
pub const JWT_SCOPE: &str = "read:items";

/// One ~300-byte access token (`kid`, `iss`, `aud`, `sub`, `exp`, `scope`) and its key.
pub struct JwtFixture {
    /// The algorithm.
    pub alg: Alg,
    /// The signing key (secret or key pair), for peers to build their verification keys.
    pub key: SigningKey,
    /// The compact token.
    pub token: String,
    /// The signing input (`header.payload`).
    pub signing_input: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

impl JwtFixture {
    /// Mints the fixture for `alg` (deterministic).
    #[must_use]
    pub fn new(alg: Alg) -> Self {
        let key = SigningKey::new(alg, Seed::new(1)).with_kid("k1");
        let claims = serde_json::json!({
            "iss": JWT_ISS,
            "aud": JWT_AUD,
            "sub": "user-8f14e45fceea",
            "exp": JWT_EXP,
            "scope": "read:items write:items",
        });
        let token = kit::mint(&key, &claims);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let signing_input = input.as_bytes().to_vec();
        let signature = Base64UrlUnpadded::decode_vec(sig).unwrap();
        Self { alg, key, token, signing_input, signature }
    }

    /// A member of the key's bare JWK, base64url-decoded (`n`, `e`, `x`, `y`).
    #[must_use]
    pub fn jwk_bytes(&self, member: &str) -> Vec<u8> {
        let jwk = self.key.bare_jwk();
        Base64UrlUnpadded::decode_vec(jwk[member].as_str().unwrap()).unwrap()
    }

    /// A member of the key's bare JWK as its base64url text.
    #[must_use]
    pub fn jwk_text(&self, member: &str) -> String {
        self.key.bare_jwk()[member].as_str().unwrap().to_owned()
    }

    /// The uncompressed SEC1 point of an EC key.
    #[must_use]
    pub fn ec_point(&self) -> Vec<u8> {
        let mut p = vec![4u8];
        p.extend(self.jwk_bytes("x"));
        p.extend(self.jwk_bytes("y"));
        p
    }
}

/// The identifier of a JWT case.
#[must_use]
pub fn jwt_id(alg: Alg) -> &'static str {
    match alg {
        Alg::HS256 => "jwt_hs256",
        Alg::RS256 => "jwt_rs256",
        Alg::PS256 => "jwt_ps256",
        Alg::ES256 => "jwt_es256",
        Alg::ES384 => "jwt_es384",
        Alg::ES512 => "jwt_es512",
        Alg::EdDSA => "jwt_eddsa",
        _ => "jwt_other",
    }
}

/// authv's verification of the fixture beside the bare primitive.
#[must_use]
pub fn jwt_case(f: &JwtFixture) -> Case {
    let keys = auth_jwt::KeySet::from_jwks(kit::jwk_set(&[&f.key]).as_bytes()).unwrap();
    let policy = auth_jwt::Policy::new().issuer(JWT_ISS).audience(JWT_AUD).require_scopes(JWT_SCOPE).unwrap();
    let now = Timestamp::from_unix(JWT_NOW);
    let token = f.token.clone();
    let authv: Op = Box::new(move || auth_jwt::verify(black_box(&token), &keys, &policy, now).is_ok());
    let (input, sig) = (f.signing_input.clone(), f.signature.clone());
    let (limit_label, limit): (&'static str, Op) = match f.alg {
        Alg::HS256 => {
            let key = hmac::Key::new(hmac::HMAC_SHA256, f.key.secret().unwrap());
            (
                "ring hmac::verify (HMAC-SHA256) over the signing input",
                Box::new(move || hmac::verify(&key, black_box(&input), black_box(&sig)).is_ok()),
            )
        }
        Alg::RS256 | Alg::PS256 => {
            let comps = signature::RsaPublicKeyComponents { n: f.jwk_bytes("n"), e: f.jwk_bytes("e") };
            let (alg, label): (&'static signature::RsaParameters, _) = if f.alg == Alg::RS256 {
                (&signature::RSA_PKCS1_2048_8192_SHA256, "ring RSA PKCS#1 v1.5 SHA-256 verify (2048-bit)")
            } else {
                (&signature::RSA_PSS_2048_8192_SHA256, "ring RSA-PSS SHA-256 verify (2048-bit)")
            };
            (label, Box::new(move || comps.verify(alg, black_box(&input), black_box(&sig)).is_ok()))
        }
        Alg::ES256 | Alg::ES384 => {
            let point = f.ec_point();
            let (alg, label): (&'static signature::EcdsaVerificationAlgorithm, _) = if f.alg == Alg::ES256 {
                (&signature::ECDSA_P256_SHA256_FIXED, "ring ECDSA P-256 SHA-256 verify")
            } else {
                (&signature::ECDSA_P384_SHA384_FIXED, "ring ECDSA P-384 SHA-384 verify")
            };
            (
                label,
                Box::new(move || {
                    signature::UnparsedPublicKey::new(alg, &point).verify(black_box(&input), black_box(&sig)).is_ok()
                }),
            )
        }
        Alg::ES512 => {
            use p521::ecdsa::signature::Verifier as _;
            let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(&f.ec_point()).unwrap();
            let s = p521::ecdsa::Signature::from_slice(&sig).unwrap();
            ("p521 crate ECDSA P-521 SHA-512 verify", Box::new(move || vk.verify(black_box(&input), &s).is_ok()))
        }
        _ => {
            let x = f.jwk_bytes("x");
            (
                "ring Ed25519 verify",
                Box::new(move || {
                    signature::UnparsedPublicKey::new(&signature::ED25519, &x)
                        .verify(black_box(&input), black_box(&sig))
                        .is_ok()
                }),
            )
        }
    };
    let label = format!("JWT {} ({} B token)", f.alg.name(), f.token.len());
    Case::new(jwt_id(f.alg), label, authv, limit_label, limit)
}

// ---------------------------------------------------------------------------------------------------
// HMAC schemes

const HMAC_SECRET: &[u8] = b"bench-secret-0123456789abcdef012";
const HMAC_T: i64 = 1_700_000_000;

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex of a 32-byte digest into a stack buffer (no allocation, as the verifiers do).
fn hex32(b: &[u8]) -> [u8; 64] {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, x) in b.iter().take(32).enumerate() {
        out[2 * i] = D[usize::from(x >> 4)];
        out[2 * i + 1] = D[usize::from(x & 15)];
    }
    out
}

/// A replay guard that accepts every id: isolates a verifier's cost from its guard's.
pub struct AcceptAll;

impl ReplayGuard for AcceptAll {
    fn check_and_record(&self, _: &[u8], _: &[u8], _: Timestamp, _: Timestamp) -> Result<(), ReplayError> {
        Ok(())
    }
}

/// Signed requests carry fresh nonces: this many distinct requests are pre-signed, and the in-memory
/// replay guard is replaced each time the ring wraps (inside the measured call), so every measured
/// call is accepted. The ring is kept small enough to stay in cache, as a request a server has just
/// read would be. `authv-bench-ratio` batches this many calls, so the replacement falls in every batch.
pub const SIGNED_RING: usize = 1024;

fn signed_request_case() -> Case {
    let body = vec![b'x'; 1024];
    let target = "/v1/items?id=42";
    let verifier =
        auth_hmac::SignedRequestVerifier::new(auth_hmac::KeyStore::new().with("client-1", &[HMAC_SECRET]).unwrap());
    // The header pairs borrow from strings that live as long as the closure: leaked once at set-up, so
    // the measured call only picks its request (the limit builds nothing either).
    let reqs: &'static [[(&'static str, &'static [u8]); 4]] = (0..SIGNED_RING)
        .map(|i| {
            let h = auth_testkit::hmac::signed_request_headers(
                "client-1",
                HMAC_SECRET,
                "POST",
                target,
                HMAC_T,
                &format!("nonce-{i:010}"),
                &body,
            );
            let h: &'static [(String, String); 4] = Box::leak(Box::new(h));
            [
                (h[0].0.as_str(), h[0].1.as_bytes()),
                (h[1].0.as_str(), h[1].1.as_bytes()),
                (h[2].0.as_str(), h[2].1.as_bytes()),
                (h[3].0.as_str(), h[3].1.as_bytes()),
            ]
        })
        .collect::<Vec<_>>()
        .leak();
    let mut signed = format!("POST\n{target}\n{HMAC_T}\nnonce-{:010}\n", 0).into_bytes();
    signed.extend_from_slice(&body);
    let key = hmac::Key::new(hmac::HMAC_SHA256, HMAC_SECRET);
    let tag = hmac::sign(&key, &signed);
    let guard = RefCell::new(MemoryReplayGuard::new(2 * SIGNED_RING));
    let next = Cell::new(0usize);
    let b2 = body.clone();
    let authv: Op = Box::new(move || {
        let i = next.get();
        next.set((i + 1) % SIGNED_RING);
        if i == 0 {
            *guard.borrow_mut() = MemoryReplayGuard::new(2 * SIGNED_RING);
        }
        let req = RequestView::new("POST", target, Headers::from_pairs(&reqs[i]), &b2);
        verifier.verify(black_box(&req), Timestamp::from_unix(HMAC_T), &*guard.borrow()).is_ok()
    });
    let limit: Op = Box::new(move || hmac::verify(&key, black_box(&signed), tag.as_ref()).is_ok());
    Case::new(
        "signed_request_1k",
        "Signed request, 1 KiB body, in-memory replay guard".into(),
        authv,
        "ring hmac::verify (HMAC-SHA256) over the same signed bytes",
        limit,
    )
}

fn sigv4_limit(v: &auth_hmac::SigV4Verifier, req: &RequestView<'_>, signing_key: hmac::Key) -> Op {
    let explained = v.explain(req).unwrap();
    let creq = explained.canonical_request.clone();
    let sts = explained.string_to_sign.clone();
    let prefix_len = sts.rfind('\n').unwrap() + 1;
    let prefix = sts[..prefix_len].to_owned();
    // The expected signature, so the limit verifies as the verifier does.
    let expected = hmac::sign(&signing_key, sts.as_bytes());
    Box::new(move || {
        let h = digest::digest(&digest::SHA256, black_box(creq.as_bytes()));
        let mut ctx = hmac::Context::with_key(&signing_key);
        ctx.update(prefix.as_bytes());
        ctx.update(&hex32(h.as_ref()));
        ct_eq(ctx.sign().as_ref(), expected.as_ref())
    })
}

fn sigv4_cases() -> Vec<Case> {
    use auth_testkit::hmac::{SigV4Params, sigv4_bench_request, sigv4_presigned_target};
    let p = SigV4Params::AWS_EXAMPLE;
    let secret = p.secret;
    // `p.amz_date`, 2015-08-30T12:36:00Z.
    let now = Timestamp::from_unix(1_440_938_160);
    let signing_key = auth_testkit::hmac::sigv4_signing_key(&p);
    let mut out = Vec::new();

    // Header form.
    let v = auth_hmac::SigV4Verifier::new().with_credential(p.access_key_id, secret, None).unwrap();
    let (target, headers) = sigv4_bench_request(&p);
    // The header pairs borrow from strings that live as long as the closure: leaked once at set-up,
    // so the measured call builds no vector (the limit builds nothing either).
    let headers: &'static [(String, String)] = Box::leak(headers.into_boxed_slice());
    let target: &'static str = Box::leak(target.into_boxed_str());
    let hs: Vec<(&'static str, &'static [u8])> = headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect();
    let limit = sigv4_limit(&v, &RequestView::new("GET", target, Headers::from_pairs(&hs), b""), signing_key.clone());
    let authv: Op = Box::new(move || {
        let req = RequestView::new("GET", target, Headers::from_pairs(&hs), b"");
        v.verify(black_box(&req), now).is_ok()
    });
    out.push(Case::new(
        "sigv4_header",
        "AWS SigV4, Authorization header, cached signing key".into(),
        authv,
        "ring SHA-256 of the canonical request + HMAC-SHA256 of the string to sign",
        limit,
    ));

    // Query (presigned) form.
    let v = auth_hmac::SigV4Verifier::new().with_credential(p.access_key_id, secret, None).unwrap();
    let target =
        sigv4_presigned_target(&p, "GET", "example.amazonaws.com", "/v1/items", &[("Param1", "value1")], 900, b"");
    let hs: [(&str, &[u8]); 1] = [("host", b"example.amazonaws.com")];
    let limit = sigv4_limit(&v, &RequestView::new("GET", &target, Headers::from_pairs(&hs), b""), signing_key);
    let authv: Op = Box::new(move || {
        let req = RequestView::new("GET", &target, Headers::from_pairs(&hs), b"");
        v.verify(black_box(&req), now).is_ok()
    });
    out.push(Case::new(
        "sigv4_query",
        "AWS SigV4, presigned query, cached signing key".into(),
        authv,
        "ring SHA-256 of the canonical request + HMAC-SHA256 of the string to sign",
        limit,
    ));
    out
}

fn base64_std(b: &[u8]) -> String {
    base64ct::Base64::encode_string(b)
}

fn webhook_cases() -> Vec<Case> {
    let body = vec![b'{'; 1024];
    let now = Timestamp::from_unix(HMAC_T);
    let mut out = Vec::new();

    let secret = b"whsec_bench_secret_0123456789";
    let stripe = auth_hmac::Stripe::new(auth_hmac::Secrets::sha256(&[secret]).unwrap());
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut signed = format!("{HMAC_T}.").into_bytes();
    signed.extend_from_slice(&body);
    let tag = hmac::sign(&key, &signed);
    let header = format!("t={HMAC_T},v1={}", hex(tag.as_ref()));
    let b = body.clone();
    out.push(Case::new(
        "stripe_1k",
        "Stripe webhook, 1 KiB body".into(),
        Box::new(move || stripe.verify(black_box(header.as_bytes()), &b, now).is_ok()),
        "ring hmac::verify (HMAC-SHA256) over the same signed bytes",
        Box::new(move || hmac::verify(&key, black_box(&signed), tag.as_ref()).is_ok()),
    ));

    let raw_key = [7u8; 32];
    let sw = auth_hmac::StandardWebhooks::new(auth_hmac::Secrets::sha256(&[raw_key]).unwrap());
    let key = hmac::Key::new(hmac::HMAC_SHA256, &raw_key);
    let mut content = format!("msg_bench.{HMAC_T}.").into_bytes();
    content.extend_from_slice(&body);
    let tag = hmac::sign(&key, &content);
    let sig = format!("v1,{}", base64_std(tag.as_ref()));
    let ts = HMAC_T.to_string();
    let b = body.clone();
    out.push(Case::new(
        "standard_webhooks_1k",
        "Standard Webhooks, 1 KiB body (replay guard excluded)".into(),
        Box::new(move || {
            sw.verify(b"msg_bench", ts.as_bytes(), black_box(sig.as_bytes()), &b, now, &AcceptAll).is_ok()
        }),
        "ring hmac::verify (HMAC-SHA256) over the same signed bytes",
        Box::new(move || hmac::verify(&key, black_box(&content), tag.as_ref()).is_ok()),
    ));
    out
}

/// The RFC 9421 request every verifier checks: `POST https://api.example/v1/items` with a JSON
/// content type, signed with HMAC-SHA256 over four components.
pub struct Rfc9421Fixture {
    /// The shared secret (64 bytes).
    pub secret: [u8; 64],
    /// The `Signature-Input` field value.
    pub signature_input: String,
    /// The `Signature` field value.
    pub signature: String,
    /// The signature base the MAC covers.
    pub base: String,
}

impl Rfc9421Fixture {
    /// Signs the fixture (deterministic).
    #[must_use]
    pub fn new() -> Self {
        let secret = [5u8; 64];
        let params = format!(";created={HMAC_T};keyid=\"k1\"");
        let input = auth_testkit::hmac::Rfc9421Input {
            label: "sig1",
            components: &[
                ("\"@method\"", "POST"),
                ("\"@authority\"", "api.example"),
                ("\"@path\"", "/v1/items"),
                ("\"content-type\"", "application/json"),
            ],
            params: &params,
        };
        let (signature_input, signature) = input.sign_hmac_sha256(&secret);
        Self { secret, signature_input, signature, base: input.base() }
    }
}

impl Default for Rfc9421Fixture {
    fn default() -> Self {
        Self::new()
    }
}

fn rfc9421_case() -> Case {
    use auth_hmac::rfc9421::{MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
    let f = Rfc9421Fixture::new();
    let v = MessageVerifier::new(
        SignatureKeys::new().with("k1", SignatureKey::hmac_sha256(&f.secret).unwrap()).unwrap(),
        Policy::new().require_component("@method").require_component("@path"),
    );
    let key = hmac::Key::new(hmac::HMAC_SHA256, &f.secret);
    let tag = hmac::sign(&key, f.base.as_bytes());
    let now = Timestamp::from_unix(HMAC_T);
    let (input, sig, base) = (f.signature_input, f.signature, f.base);
    let authv: Op = Box::new(move || {
        let hs: [(&str, &[u8]); 4] = [
            ("host", b"api.example"),
            ("content-type", b"application/json"),
            ("signature-input", input.as_bytes()),
            ("signature", sig.as_bytes()),
        ];
        let req = RequestView::new("POST", "/v1/items", Headers::from_pairs(&hs), b"{}");
        v.verify_request(black_box(&req), RequestContext::default(), now, &AcceptAll).is_ok()
    });
    Case::new(
        "rfc9421_hmac",
        "RFC 9421 hmac-sha256, 4 components (replay guard excluded)".into(),
        authv,
        "ring hmac::verify (HMAC-SHA256) over the same signature base",
        Box::new(move || hmac::verify(&key, black_box(base.as_bytes()), tag.as_ref()).is_ok()),
    )
}

/// The HMAC-scheme cases: signed request, SigV4 header and query, Stripe, Standard Webhooks, RFC 9421.
#[must_use]
pub fn hmac_cases() -> Vec<Case> {
    let mut v = vec![signed_request_case()];
    v.extend(sigv4_cases());
    v.extend(webhook_cases());
    v.push(rfc9421_case());
    v
}

// ---------------------------------------------------------------------------------------------------
// API keys

const APIKEY_NOW: Timestamp = Timestamp::from_unix(1_700_000_100);
const APIKEY_STORE: u64 = 1_000;

/// API-key verification against a 1 000-record store beside the issue's floor: SHA-256 of a 40-byte
/// key, a `HashMap` lookup, a 32-byte constant-time compare.
#[must_use]
pub fn apikey_case() -> Case {
    use auth_testkit::apikey;
    let o = apikey::MintOptions::new("sk_live").scopes("read write");
    let minted: Vec<_> = (0..APIKEY_STORE).map(|i| apikey::mint(Seed::new(i), &o)).collect();
    let records = minted.iter().map(|m| serde_json::from_value::<auth_apikey::Record>(m.record.clone()).unwrap());
    let store = auth_apikey::MemoryStore::from_records(records, None).unwrap();
    let key = minted[500].key.clone();
    let read: &'static ScopeSet = Box::leak(Box::new(ScopeSet::parse("read").unwrap()));
    let policy = auth_apikey::Policy::new(&["sk_live"]).require_scopes(read);
    let authv: Op = Box::new(move || auth_apikey::verify(black_box(&key), &store, &policy, APIKEY_NOW).is_ok());

    let floor_key: [u8; 40] = Seed::new(1).array("floor-key");
    let floor_id: [u8; 14] = floor_key[..14].try_into().unwrap();
    let mut map: HashMap<[u8; 14], [u8; 32]> = (0..APIKEY_STORE)
        .map(|i| (Seed::new(i).array::<14>("floor-id"), Seed::new(i).array::<32>("floor-digest")))
        .collect();
    let mut d = [0u8; 32];
    d.copy_from_slice(digest::digest(&digest::SHA256, &floor_key).as_ref());
    map.insert(floor_id, d);
    let limit: Op = Box::new(move || {
        let k = black_box(&floor_key);
        let d = digest::digest(&digest::SHA256, k);
        let id: &[u8; 14] = k[..14].try_into().unwrap();
        map.get(id).is_some_and(|stored| ct_eq(d.as_ref(), stored))
    });
    Case::new(
        "apikey",
        "API key, 1 000-record store".into(),
        authv,
        "ring SHA-256 of a 40-byte key + HashMap lookup + 32-byte ct_eq",
        limit,
    )
}

// ---------------------------------------------------------------------------------------------------
// mTLS

fn signed_parts(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    (c.tbs_certificate.as_ref().to_vec(), c.signature_value.data.to_vec())
}

fn spki_key(der: &[u8]) -> Vec<u8> {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    c.public_key().subject_public_key.data.to_vec()
}

fn mtls_case(
    id: &'static str,
    label: &str,
    pki: &auth_testkit::mtls::Pki,
    leaf_key: auth_testkit::mtls::KeyKind,
    alg: &'static dyn signature::VerificationAlgorithm,
) -> Case {
    use auth_mtls::{CertificateDer, SUPPORTED_SIGNATURE_ALGORITHMS, Verifier};
    use auth_testkit::mtls::{LeafSpec, NOW};
    use rustls_pki_types::UnixTime;

    let leaf = pki.leaf(&LeafSpec::client("bench-client").dns("client.example").key(leaf_key));
    let chain: Vec<CertificateDer<'static>> = leaf.chain();
    let verifier = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_list_json(r#"{"cn:bench-client": ["read", "write"], "dns:other.example": ["read"]}"#)
        .unwrap()
        .build()
        .unwrap();
    let root_der = pki.root.der();
    let anchors = vec![webpki::anchor_from_trusted_cert(&root_der).unwrap().to_owned()];
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW.as_unix().unsigned_abs()));
    let (leaf_tbs, leaf_sig) = signed_parts(&chain[0]);
    let (int_tbs, int_sig) = signed_parts(&chain[1]);
    let int_key = spki_key(&chain[1]);
    let root_key = spki_key(&root_der);

    let c1 = chain.clone();
    let authv: Op = Box::new(move || verifier.verify_chain(black_box(&c1), NOW).is_ok());
    let limit: Op = Box::new(move || {
        signature::UnparsedPublicKey::new(alg, &int_key).verify(black_box(&leaf_tbs), &leaf_sig).is_ok()
            && signature::UnparsedPublicKey::new(alg, &root_key).verify(black_box(&int_tbs), &int_sig).is_ok()
    });
    let peer: Op = Box::new(move || {
        let Ok(ee) = webpki::EndEntityCert::try_from(black_box(&chain[0])) else { return false };
        ee.verify_for_usage(
            SUPPORTED_SIGNATURE_ALGORITHMS,
            &anchors,
            &chain[1..],
            time,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .is_ok()
    });
    Case::new(id, label.to_owned(), authv, "ring: the leaf's and the intermediate's signatures", limit)
        .peer("rustls-webpki verify_for_usage", peer)
}

/// Leaf + intermediate client chains under a root: P-256 and RSA-2048.
#[must_use]
pub fn mtls_cases() -> Vec<Case> {
    use auth_testkit::mtls::{KeyKind, Pki};
    vec![
        mtls_case(
            "mtls_p256",
            "mTLS chain P-256 (leaf + intermediate)",
            &Pki::p256("Bench"),
            KeyKind::P256,
            &signature::ECDSA_P256_SHA256_ASN1,
        ),
        mtls_case(
            "mtls_rsa2048",
            "mTLS chain RSA-2048 (leaf + intermediate)",
            &Pki::rsa2048("Bench"),
            KeyKind::Rsa2048(2),
            &signature::RSA_PKCS1_2048_8192_SHA256,
        ),
    ]
}
