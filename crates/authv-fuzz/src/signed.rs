//! Targets `signed_request`, `sigv4` and `rfc9421`: auth-hmac's request signatures.

use crate::http::RequestParts;
use auth_core::{Headers, MemoryReplayGuard, RequestView};
use auth_hmac::rfc9421::FieldType;
use auth_hmac::{
    KeyStore, MessageVerifier, Policy, RequestContext, SigV4Verifier, SignatureKey, SignatureKeys,
    SignedRequestVerifier,
};
use auth_testkit::hmac as tk;
use serde_json::json;
use std::sync::LazyLock;

/// Key id of the signed-request scheme.
pub const SIGNED_KEY_ID: &str = "client-1";
/// Secret of [`SIGNED_KEY_ID`].
pub const SIGNED_SECRET: &[u8] = b"authv fuzz signed-request secret";
/// SigV4 access key id.
pub const SIGV4_AKID: &str = "AKIDEXAMPLE";
/// SigV4 secret access key.
pub const SIGV4_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// SigV4 region.
pub const SIGV4_REGION: &str = "us-east-1";
/// SigV4 service.
pub const SIGV4_SERVICE: &str = "service";
/// [`crate::NOW`] as an `x-amz-date`.
pub const SIGV4_DATE: &str = "20260601T000000Z";
/// Host of the minted SigV4 and RFC 9421 requests.
pub const HOST: &str = "example.com";
/// RFC 9421 HMAC key id and secret.
pub const RFC9421_HMAC_KEYID: &str = "k-hmac";
/// RFC 9421 HMAC secret (32 bytes).
pub const RFC9421_HMAC_SECRET: &[u8] = b"authv fuzz rfc9421 hmac secret!!";
/// RFC 9421 Ed25519 key id.
pub const RFC9421_ED_KEYID: &str = "k-ed";
/// RFC 9421 Ed25519 seed.
pub const RFC9421_ED_SEED: [u8; 32] = *b"authv fuzz rfc9421 ed25519 seed!";

static SIGNED: LazyLock<SignedRequestVerifier> = LazyLock::new(|| {
    SignedRequestVerifier::new(KeyStore::new().with(SIGNED_KEY_ID, &[SIGNED_SECRET]).expect("key store"))
});

static SIGV4: LazyLock<SigV4Verifier> =
    LazyLock::new(|| SigV4Verifier::new().with_credential(SIGV4_AKID, SIGV4_SECRET, None).expect("SigV4 credential"));

static RFC9421: LazyLock<MessageVerifier> = LazyLock::new(|| {
    let ed = json!({"kty": "OKP", "crv": "Ed25519", "x": auth_testkit::jwt::b64url(&tk::ed25519_public_key(&RFC9421_ED_SEED))});
    let keys = SignatureKeys::new()
        .with(RFC9421_HMAC_KEYID, SignatureKey::hmac_sha256(RFC9421_HMAC_SECRET).expect("HMAC key"))
        .expect("HMAC key id")
        .with(RFC9421_ED_KEYID, SignatureKey::from_jwk(&ed, None).expect("Ed25519 JWK"))
        .expect("Ed25519 key id");
    let policy = Policy::new()
        .require_component("@method")
        .structured_field("example-dict", FieldType::Dictionary)
        .structured_field("example-list", FieldType::List);
    MessageVerifier::new(keys, policy)
});

/// Takes a length byte and that many bytes (bounded by `max`) off the front of `data`.
fn take<'a>(data: &mut &'a [u8], max: usize) -> &'a [u8] {
    let Some((&len, rest)) = data.split_first() else { return &[] };
    let n = usize::from(len).min(max).min(rest.len());
    let (head, tail) = rest.split_at(n);
    *data = tail;
    head
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

fn method_of(b: u8) -> &'static str {
    METHODS.get(usize::from(b) % METHODS.len()).copied().unwrap_or("GET")
}

fn header_pairs(headers: &[(String, String)]) -> Vec<(&str, &[u8])> {
    headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect()
}

/// Target `signed_request`: `SignedRequestVerifier::verify` (key `client-1`, ±300 s at
/// [`crate::NOW`], a fresh replay guard). Mode byte: even — the rest is a request (see
/// [`RequestParts`]); odd — method, path, nonce and body taken from the rest are signed by the testkit
/// (one-shot HMAC over the concatenated message) and must verify.
///
/// Property (request mode): an accepted request's `X-Signature` equals a one-shot
/// `ring::hmac::sign` over `method \n target \n timestamp \n nonce \n body`, and the testkit's signer's
/// when the timestamp is in canonical form.
pub fn signed_request(data: &[u8]) {
    let Some((mode, mut rest)) = crate::selector(data) else { return };
    let guard = MemoryReplayGuard::new(16);
    if mode & 1 == 1 {
        let method = method_of(mode >> 1);
        let target = format!(
            "/{}",
            crate::safe_text(take(&mut rest, 200), b"abcdefghijklmnopqrstuvwxyz0123456789/?=&._-~%", 200)
        );
        let nonce = crate::safe_text(take(&mut rest, 64), crate::ALNUM, 64);
        let nonce = if nonce.len() < 8 { format!("{nonce}-padding") } else { nonce };
        let body = rest;
        let headers = tk::signed_request_headers(
            SIGNED_KEY_ID,
            SIGNED_SECRET,
            method,
            &target,
            crate::NOW.as_unix(),
            &nonce,
            body,
        );
        let pairs = header_pairs(&headers);
        let req = RequestView::new(method, &target, Headers::from_pairs(&pairs), body);
        let r = SIGNED.verify(&req, crate::NOW, &guard);
        assert!(r.is_ok(), "a request the testkit signed was rejected: {r:?} ({method} {target})");
        return;
    }
    let parts = RequestParts::decode(rest);
    let pairs = parts.pairs();
    let req = parts.view(&pairs);
    let Ok(ok) = SIGNED.verify(&req, crate::NOW, &guard) else { return };
    let h = req.headers();
    let ts_raw = h.get_all("x-timestamp").next().expect("accepted without a timestamp");
    let sig = h.get_all("x-signature").next().expect("accepted without a signature");
    let mut msg = Vec::new();
    for part in [req.method().as_bytes(), req.target().as_bytes(), ts_raw, ok.nonce().as_bytes()] {
        msg.extend_from_slice(part);
        msg.push(b'\n');
    }
    msg.extend_from_slice(req.body());
    let one_shot =
        crate::hex(ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SIGNED_SECRET), &msg).as_ref());
    assert_eq!(one_shot.as_bytes(), sig, "accepted a signature a one-shot HMAC does not compute");
    if ts_raw == ok.timestamp.as_unix().to_string().as_bytes() {
        let minted = tk::signed_request_headers(
            ok.key_id(),
            SIGNED_SECRET,
            req.method(),
            req.target(),
            ok.timestamp.as_unix(),
            ok.nonce(),
            req.body(),
        );
        assert_eq!(minted[3].1.as_bytes(), sig);
    }
}

fn sigv4_params() -> tk::SigV4Params<'static> {
    tk::SigV4Params {
        access_key_id: SIGV4_AKID,
        secret: SIGV4_SECRET,
        region: SIGV4_REGION,
        service: SIGV4_SERVICE,
        amz_date: SIGV4_DATE,
        session_token: None,
    }
}

/// Target `sigv4`: `SigV4Verifier::verify` and `SigV4Verifier::explain` (the canonicalizer) at
/// [`crate::NOW`]. Mode byte 0–1: the rest is a request in header or query form (see
/// [`RequestParts`]); 2: path, query and body from the rest are signed in the header form by the
/// testkit and must verify; 3: likewise in the presigned (query) form.
///
/// Property: the canonical request `explain` shows starts with the method line; what the testkit
/// signs verifies.
pub fn sigv4(data: &[u8]) {
    let Some((mode, mut rest)) = crate::selector(data) else { return };
    match mode % 4 {
        m @ (2 | 3) => {
            // A normalized path (no empty, `.` or `..` segments), as the testkit signer expects.
            let text = crate::safe_text(take(&mut rest, 64), b"abcdefghijklmnopqrstuvwxyz0123456789/", 64);
            let segments: Vec<&str> = text.split('/').filter(|s| !s.is_empty()).collect();
            let path = format!("/{}", if segments.is_empty() { "a".to_owned() } else { segments.join("/") });
            let key = crate::safe_text(take(&mut rest, 16), crate::ALNUM, 16);
            let value = crate::safe_text(take(&mut rest, 32), crate::ALNUM, 32);
            let query = [(key.as_str(), value.as_str())];
            let p = sigv4_params();
            let (target, headers) = if m == 2 {
                tk::sigv4_header_request(&p, "POST", HOST, &path, &query, &[("content-type", "application/json")], rest)
            } else {
                let target = tk::sigv4_presigned_target(&p, "GET", HOST, &path, &query, 300, b"");
                (target, vec![("host".to_owned(), HOST.to_owned())])
            };
            let (method, body) = if m == 2 { ("POST", rest) } else { ("GET", &b""[..]) };
            let pairs = header_pairs(&headers);
            let req = RequestView::new(method, &target, Headers::from_pairs(&pairs), body);
            let r = SIGV4.verify(&req, crate::NOW);
            assert!(r.is_ok(), "a SigV4 request the testkit signed was rejected: {r:?} ({method} {target})");
        }
        _ => {
            let parts = RequestParts::decode(rest);
            let pairs = parts.pairs();
            let req = parts.view(&pairs);
            if let Ok(e) = SIGV4.explain(&req) {
                assert!(e.canonical_request.starts_with(&format!("{}\n", req.method())));
                assert!(e.string_to_sign.starts_with("AWS4-HMAC-SHA256\n"));
            }
            if let Ok(v) = SIGV4.verify(&req, crate::NOW) {
                let _ = v.identity();
            }
        }
    }
}

/// Target `rfc9421`: `MessageVerifier::verify_request` and `signature_base` (HMAC-SHA256 key `k-hmac`,
/// Ed25519 key `k-ed`, `@method` required, `example-dict` / `example-list` typed as structured fields)
/// at [`crate::NOW`]. Mode byte even: the rest is a request (see [`RequestParts`]) whose
/// `Signature-Input` / `Signature` fields are parsed as RFC 8941 dictionaries; odd: method, path and
/// body from the rest are signed by the testkit (HMAC, or Ed25519 when bit 1 is set) over `@method`,
/// `@path`, `@authority` and `content-type`, and must verify.
pub fn rfc9421(data: &[u8]) {
    let Some((mode, mut rest)) = crate::selector(data) else { return };
    let guard = MemoryReplayGuard::new(16);
    if mode & 1 == 1 {
        let method = method_of(mode >> 2);
        let path =
            format!("/{}", crate::safe_text(take(&mut rest, 64), b"abcdefghijklmnopqrstuvwxyz0123456789/-._~", 64));
        let ed = mode & 2 == 2;
        let keyid = if ed { RFC9421_ED_KEYID } else { RFC9421_HMAC_KEYID };
        let params = format!(";created={};keyid=\"{keyid}\"", crate::NOW.as_unix());
        let components = [
            ("\"@method\"", method),
            ("\"@path\"", path.as_str()),
            ("\"@authority\"", HOST),
            ("\"content-type\"", "application/json"),
        ];
        let input = tk::Rfc9421Input { label: "sig1", components: &components, params: &params };
        let (si, s) =
            if ed { input.sign_ed25519(&RFC9421_ED_SEED) } else { input.sign_hmac_sha256(RFC9421_HMAC_SECRET) };
        let pairs: [(&str, &[u8]); 4] = [
            ("host", HOST.as_bytes()),
            ("content-type", b"application/json"),
            ("signature-input", si.as_bytes()),
            ("signature", s.as_bytes()),
        ];
        let req = RequestView::new(method, &path, Headers::from_pairs(&pairs), rest);
        let r = RFC9421.verify_request(&req, RequestContext::default(), crate::NOW, &guard);
        assert!(r.is_ok(), "an RFC 9421 request the testkit signed was rejected: {r:?} ({method} {path})");
        let base = RFC9421.signature_base(&req, RequestContext::default(), "sig1");
        assert_eq!(base.as_deref().ok(), Some(input.base().as_str()), "signature base differs from the testkit's");
        return;
    }
    let parts = RequestParts::decode(rest);
    let pairs = parts.pairs();
    let req = parts.view(&pairs);
    if let Ok(v) = RFC9421.verify_request(&req, RequestContext::default(), crate::NOW, &guard) {
        assert!(v.covered.iter().any(|c| c == "\"@method\""), "accepted a signature not covering @method");
        let _ = v.identity();
    }
    let _ = RFC9421.signature_base(&req, RequestContext::default(), "sig1");
    let _ = RFC9421.verify_response(200, req.headers(), req.body(), crate::NOW, &guard);
}
