//! RFC 9421 Appendix B.2: all six example signatures verify with the keys of Appendix B.1 (loaded from
//! their JWKs), their signature bases are reproduced exactly, and tampered variants fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use auth_core::{Headers, MemoryReplayGuard, RequestView, Timestamp};
use auth_hmac::Error;
use auth_hmac::rfc9421::{Algorithm, MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
use auth_testkit::vectors::{self, Tally};
use base64ct::Encoding;

const CREATED: i64 = 1_618_884_473;

struct Msg {
    start: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

/// RFC 9421's test response (B.1.3 / B.2.4 source) carries a `Content-Digest` that is not the SHA-512
/// of its body (`JlEy…`), while the B.2.4 signature base covers the correct digest of that body
/// (`mEWX…`, which the verifier recomputes and checks). The message is used with the corrected field,
/// taken from the case's signature base.
fn erratum_fix(msg: &mut Msg, case: &serde_json::Value) {
    let base = case["signature_base"].as_str().unwrap();
    let Some(line) = base.lines().find(|l| l.starts_with("\"content-digest\": ")) else { return };
    let value = &line["\"content-digest\": ".len()..];
    for h in &mut msg.headers {
        if h.0.eq_ignore_ascii_case("content-digest") && h.1 != value.as_bytes() {
            h.1 = value.as_bytes().to_vec();
        }
    }
}

fn parse(text: &str) -> Msg {
    let (head, body) = text.split_once("\n\n").unwrap();
    let mut lines = head.lines();
    let start = lines.next().unwrap().to_owned();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.trim().as_bytes().to_vec())
        })
        .collect();
    Msg { start, headers, body: body.as_bytes().to_vec() }
}

fn keys() -> Option<SignatureKeys> {
    let jwk = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&vectors::read(&format!("rfc9421/keys/{name}.jwk.json")).unwrap()).unwrap()
    };
    let secret_b64 = String::from_utf8(vectors::read("rfc9421/keys/test-shared-secret.b64")?).unwrap();
    let secret = base64ct::Base64::decode_vec(secret_b64.trim()).unwrap();
    Some(
        SignatureKeys::new()
            .with(
                "test-key-rsa-pss",
                SignatureKey::from_jwk(&jwk("test-key-rsa-pss"), Some(Algorithm::RsaPssSha512)).unwrap(),
            )
            .unwrap()
            .with("test-key-ecc-p256", SignatureKey::from_jwk(&jwk("test-key-ecc-p256"), None).unwrap())
            .unwrap()
            .with("test-key-ed25519", SignatureKey::from_jwk(&jwk("test-key-ed25519"), None).unwrap())
            .unwrap()
            .with("test-shared-secret", SignatureKey::hmac_sha256(&secret).unwrap())
            .unwrap(),
    )
}

/// Verifies `msg` with `sig_input` / `sig` replacing any signature fields.
fn run(v: &MessageVerifier, msg: &Msg, sig_input: &str, sig: &str) -> Result<(), Error> {
    let mut pairs: Vec<(&str, &[u8])> = msg.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    pairs.push(("Signature-Input", sig_input.as_bytes()));
    pairs.push(("Signature", sig.as_bytes()));
    let g = MemoryReplayGuard::new(16);
    let now = Timestamp::from_unix(CREATED + 10);
    if let Some(rest) = msg.start.strip_prefix("HTTP/1.1 ") {
        let status: u16 = rest[..3].parse().unwrap();
        v.verify_response(status, Headers::from_pairs(&pairs), &msg.body, now, &g).map(|_| ())
    } else {
        let mut it = msg.start.split(' ');
        let (method, target) = (it.next().unwrap(), it.next().unwrap());
        let req = RequestView::new(method, target, Headers::from_pairs(&pairs), &msg.body);
        v.verify_request(&req, RequestContext::default(), now, &g).map(|_| ())
    }
}

fn base_of(v: &MessageVerifier, msg: &Msg, sig_input: &str, label: &str) -> Option<String> {
    let mut pairs: Vec<(&str, &[u8])> = msg.headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    pairs.push(("Signature-Input", sig_input.as_bytes()));
    pairs.push(("Signature", b"x=:AAAA:"));
    if let Some(rest) = msg.start.strip_prefix("HTTP/1.1 ") {
        let status: u16 = rest[..3].parse().unwrap();
        return Some(v.response_signature_base(status, Headers::from_pairs(&pairs), label).unwrap());
    }
    let mut it = msg.start.split(' ');
    let (method, target) = (it.next().unwrap(), it.next().unwrap());
    let req = RequestView::new(method, target, Headers::from_pairs(&pairs), &msg.body);
    Some(v.signature_base(&req, RequestContext::default(), label).unwrap())
}

fn flip_signature(sig: &str) -> String {
    let (label, rest) = sig.split_once("=:").unwrap();
    let mut bytes = base64ct::Base64::decode_vec(rest.trim_end_matches(':')).unwrap();
    bytes[5] ^= 1;
    format!("{label}=:{}:", base64ct::Base64::encode_string(&bytes))
}

#[test]
fn appendix_b2() {
    let Some(raw) = vectors::read("rfc9421/appendix-b2.json") else { return };
    let doc: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let v = MessageVerifier::new(keys().unwrap(), Policy::new());
    let mut tally = Tally::new("rfc9421/appendix-b2.json");
    for case in doc["cases"].as_array().unwrap() {
        let id = case["section"].as_str().unwrap();
        let mut msg = parse(doc["messages"][case["message"].as_str().unwrap()].as_str().unwrap());
        erratum_fix(&mut msg, case);
        let input = case["signature_input"].as_str().unwrap();
        let sig = case["signature"].as_str().unwrap();
        let label = case["label"].as_str().unwrap();
        let outcome = (|| -> Result<(), String> {
            if let Some(base) = base_of(&v, &msg, input, label)
                && base != case["signature_base"].as_str().unwrap()
            {
                return Err(format!("signature base differs:\n{base}"));
            }
            run(&v, &msg, input, sig).map_err(|e| format!("verify: {e}"))?;
            // Tampered: signature bytes, a signed parameter, and (when covered) the body or a header.
            let t = run(&v, &msg, input, &flip_signature(sig));
            if t != Err(Error::BadSignature) {
                return Err(format!("flipped signature: {t:?}"));
            }
            let t = run(&v, &msg, &input.replace("created=1618884473", "created=1618884474"), sig);
            if t != Err(Error::BadSignature) {
                return Err(format!("changed created: {t:?}"));
            }
            if input.contains("content-digest") {
                let mut m = parse(doc["messages"][case["message"].as_str().unwrap()].as_str().unwrap());
                erratum_fix(&mut m, case);
                m.body[3] ^= 1;
                let t = run(&v, &m, input, sig);
                if t != Err(Error::DigestMismatch) {
                    return Err(format!("changed body: {t:?}"));
                }
            }
            if input.contains("\"content-type\"") {
                let mut m = parse(doc["messages"][case["message"].as_str().unwrap()].as_str().unwrap());
                erratum_fix(&mut m, case);
                for h in &mut m.headers {
                    if h.0.eq_ignore_ascii_case("content-type") {
                        h.1 = b"text/plain".to_vec();
                    }
                }
                let t = run(&v, &m, input, sig);
                if t != Err(Error::BadSignature) {
                    return Err(format!("changed content-type: {t:?}"));
                }
            }
            Ok(())
        })();
        tally.record(id, outcome);
    }
    tally.finish();
}
