//! Property tests: what auth-testkit mints (an implementation independent of this crate) verifies, and
//! any single-byte change to the method, target, a header, the body, the timestamp or the signature is
//! rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use auth_core::{Headers, MemoryReplayGuard, RequestView, Timestamp};
use auth_hmac::rfc9421::{MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
use auth_hmac::{GitHub, KeyStore, Secrets, SigV4Verifier, SignedRequestVerifier, Slack, StandardWebhooks, Stripe};
use auth_testkit::hmac as mint;
use proptest::prelude::*;

const SECRET: &[u8] = b"property-secret-0123456789abcdef";
const T: i64 = 1_700_000_000;

fn owned_pairs(h: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
    h.iter().map(|(n, v)| (n.clone(), v.as_bytes().to_vec())).collect()
}

fn view_pairs(h: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    h.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect()
}

/// Replaces the byte at `i % len` with a different printable ASCII byte derived from `x` (keeps UTF-8
/// for ASCII text). The new byte also differs ignoring case, since some components (the authority)
/// are case-insensitive by definition.
fn mutate_ascii(s: &str, i: usize, x: u8) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = i % b.len();
    let mut c = 0x21 + (x % 94);
    while c.eq_ignore_ascii_case(&b[i]) {
        c = if c == 0x7e { 0x21 } else { c + 1 };
    }
    b[i] = c;
    String::from_utf8(b).unwrap()
}

fn method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn signed_request_mint_verifies_and_mutations_fail(
        method in method(),
        target in "/[a-z0-9/._-]{0,24}(\\?[a-z0-9=&]{1,16})?",
        nonce in "[A-Za-z0-9_.~-]{8,40}",
        body in prop::collection::vec(any::<u8>(), 0..256),
        skew in -300i64..=300,
        which in 0usize..7,
        at in any::<usize>(),
        x in any::<u8>(),
    ) {
        let v = SignedRequestVerifier::new(KeyStore::new().with("client-1", &[SECRET]).unwrap());
        let now = Timestamp::from_unix(T + skew);
        let h = owned_pairs(&mint::signed_request_headers("client-1", SECRET, method, &target, T, &nonce, &body));
        let g = MemoryReplayGuard::new(16);
        let pairs = view_pairs(&h);
        let req = RequestView::new(method, &target, Headers::from_pairs(&pairs), &body);
        prop_assert!(v.verify(&req, now, &g).is_ok());

        let g = MemoryReplayGuard::new(16);
        let (mut m, mut t, mut hs, mut b) = (method.to_owned(), target.clone(), h.clone(), body.clone());
        match which {
            0 => m = mutate_ascii(&m, at, x),
            1 => t = mutate_ascii(&t, at, x),
            2..=5 => {
                let k = which - 2;
                let val = String::from_utf8(hs[k].1.clone()).unwrap();
                hs[k].1 = mutate_ascii(&val, at, x).into_bytes();
            }
            _ => {
                if b.is_empty() { b.push(x) } else { let i = at % b.len(); b[i] ^= x | 1; }
            }
        }
        let pairs = view_pairs(&hs);
        let req = RequestView::new(&m, &t, Headers::from_pairs(&pairs), &b);
        prop_assert!(v.verify(&req, now, &g).is_err());
    }

    #[test]
    fn webhooks_mint_verifies_and_mutations_fail(
        body in prop::collection::vec(any::<u8>(), 0..256),
        at in any::<usize>(),
        x in any::<u8>(),
        mutate_sig in any::<bool>(),
    ) {
        let now = Timestamp::from_unix(T);
        let flip = |b: &[u8]| -> Vec<u8> {
            let mut b = b.to_vec();
            if b.is_empty() { b.push(x) } else { let i = at % b.len(); b[i] ^= x | 1; }
            b
        };
        let sig_flip = |s: &str| mutate_ascii(s, at, x);

        let stripe = Stripe::new(Secrets::sha256(&[SECRET]).unwrap());
        let h = mint::stripe_signature(&[SECRET], T, &body);
        prop_assert!(stripe.verify(h.as_bytes(), &body, now).is_ok());
        if mutate_sig { prop_assert!(stripe.verify(sig_flip(&h).as_bytes(), &body, now).is_err()); }
        else { prop_assert!(stripe.verify(h.as_bytes(), &flip(&body), now).is_err()); }

        let gh = GitHub::new(Secrets::sha256(&[SECRET]).unwrap());
        let h = mint::github_signature(SECRET, &body);
        prop_assert!(gh.verify(h.as_bytes(), &body).is_ok());
        if mutate_sig { prop_assert!(gh.verify(sig_flip(&h).as_bytes(), &body).is_err()); }
        else { prop_assert!(gh.verify(h.as_bytes(), &flip(&body)).is_err()); }

        let slack = Slack::new(Secrets::sha256(&[SECRET]).unwrap());
        let (ts, sig) = mint::slack_headers(SECRET, T, &body);
        prop_assert!(slack.verify(ts.as_bytes(), sig.as_bytes(), &body, now).is_ok());
        if mutate_sig { prop_assert!(slack.verify(ts.as_bytes(), sig_flip(&sig).as_bytes(), &body, now).is_err()); }
        else { prop_assert!(slack.verify(sig_flip(&ts).as_bytes(), sig.as_bytes(), &body, now).is_err()); }

        let sw = StandardWebhooks::from_whsec(&[&mint::standard_webhooks_secret(SECRET)]).unwrap();
        let (id, ts, sig) = mint::standard_webhooks_headers(SECRET, "msg_prop", T, &body);
        let g = MemoryReplayGuard::new(8);
        prop_assert!(sw.verify(id.as_bytes(), ts.as_bytes(), sig.as_bytes(), &body, now, &g).is_ok());
        let g = MemoryReplayGuard::new(8);
        if mutate_sig { prop_assert!(sw.verify(id.as_bytes(), ts.as_bytes(), sig_flip(&sig).as_bytes(), &body, now, &g).is_err()); }
        else { prop_assert!(sw.verify(id.as_bytes(), ts.as_bytes(), sig.as_bytes(), &flip(&body), now, &g).is_err()); }
    }

    #[test]
    fn sigv4_mint_verifies_and_mutations_fail(
        method in method(),
        // Normalized paths (no `.`/`..`/empty segments): the testkit signs the path as given.
        path in "/[a-z0-9][a-z0-9._~-]{0,11}(/[a-zA-Z0-9][a-zA-Z0-9 :@=-]{0,11}){0,2}",
        query in prop::collection::vec(("[a-zA-Z0-9_-]{1,8}", "[a-zA-Z0-9 /+=:-]{0,8}"), 0..3),
        body in prop::collection::vec(any::<u8>(), 0..64),
        presigned in any::<bool>(),
        which in 0usize..4,
        at in any::<usize>(),
        x in any::<u8>(),
    ) {
        let p = mint::SigV4Params::AWS_EXAMPLE;
        let v = SigV4Verifier::new().with_credential("AKIDEXAMPLE", p.secret, None).unwrap();
        let now = Timestamp::from_unix(1_440_938_160);
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (target, headers, body) = if presigned {
            let t = mint::sigv4_presigned_target(&p, method, "example.amazonaws.com", &path, &q, 600, b"");
            (t, vec![("host".to_owned(), b"example.amazonaws.com".to_vec())], Vec::new())
        } else {
            let (t, h) = mint::sigv4_header_request(&p, method, "example.amazonaws.com", &path, &q, &[("X-Custom", "a  b")], &body);
            (t, owned_pairs(&h), body)
        };
        let pairs = view_pairs(&headers);
        let req = RequestView::new(method, &target, Headers::from_pairs(&pairs), &body);
        prop_assert!(v.verify(&req, now).is_ok(), "{:?}", v.verify(&req, now));

        let (mut m, mut t, mut hs, mut b) = (method.to_owned(), target.clone(), headers.clone(), body.clone());
        match which {
            0 => m = mutate_ascii(&m, at, x),
            1 => {
                // Keep the mutation outside percent-escapes' meaning: change one unreserved byte.
                let idx: Vec<usize> = t.bytes().enumerate().filter(|(_, c)| c.is_ascii_alphanumeric()).map(|(i, _)| i).collect();
                let i = idx[at % idx.len()];
                let mut bytes = t.into_bytes();
                bytes[i] = if bytes[i] == b'z' { b'y' } else { b'z' };
                t = String::from_utf8(bytes).unwrap();
            }
            2 => {
                let k = at % hs.len();
                let val = String::from_utf8(hs[k].1.clone()).unwrap();
                hs[k].1 = mutate_ascii(&val, at / 7, x).into_bytes();
            }
            _ => { if presigned { m = mutate_ascii(&m, at, x) } else { b.push(x) } }
        }
        let pairs = view_pairs(&hs);
        let req = RequestView::new(&m, &t, Headers::from_pairs(&pairs), &b);
        prop_assert!(v.verify(&req, now).is_err());
    }

    #[test]
    fn rfc9421_mint_verifies_and_mutations_fail(
        method in method(),
        path in "/[a-z0-9._-]{0,16}",
        seed in any::<[u8; 32]>(),
        ed in any::<bool>(),
        which in 0usize..4,
        at in any::<usize>(),
        x in any::<u8>(),
    ) {
        let key = if ed {
            let pk = mint::ed25519_public_key(&seed);
            let jwk = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": base64url(&pk)});
            SignatureKey::from_jwk(&jwk, None).unwrap()
        } else {
            SignatureKey::hmac_sha256(SECRET).unwrap()
        };
        let v = MessageVerifier::new(SignatureKeys::new().with("k", key).unwrap(), Policy::new().require_component("@method"));
        let params = format!(";created={T};keyid=\"k\"");
        let comps = [("\"@method\"", method), ("\"@authority\"", "api.example"), ("\"@path\"", path.as_str()), ("\"x-a\"", "v")];
        let input = mint::Rfc9421Input { label: "sig1", components: &comps, params: &params };
        let (si, sig) = if ed { input.sign_ed25519(&seed) } else { input.sign_hmac_sha256(SECRET) };
        let headers = vec![
            ("host".to_owned(), b"api.example".to_vec()),
            ("x-a".to_owned(), b"v".to_vec()),
            ("signature-input".to_owned(), si.into_bytes()),
            ("signature".to_owned(), sig.into_bytes()),
        ];
        let now = Timestamp::from_unix(T);
        let g = MemoryReplayGuard::new(8);
        let pairs = view_pairs(&headers);
        let req = RequestView::new(method, &path, Headers::from_pairs(&pairs), b"");
        prop_assert!(v.verify_request(&req, RequestContext::default(), now, &g).is_ok());

        let (mut m, mut t, mut hs) = (method.to_owned(), path.clone(), headers.clone());
        match which {
            0 => m = mutate_ascii(&m, at, x),
            1 => t = format!("{t}{}", char::from(b'a' + x % 26)),
            2 => {
                let k = at % 2;
                let val = String::from_utf8(hs[k].1.clone()).unwrap();
                hs[k].1 = mutate_ascii(&val, at / 3, x).into_bytes();
            }
            _ => {
                let val = String::from_utf8(hs[3].1.clone()).unwrap();
                // Flip a base64 character of the signature (after "sig1=:").
                let inner = &val[6..val.len() - 1];
                let i = 6 + at % inner.len();
                let mut b = val.into_bytes();
                b[i] = if b[i] == b'A' { b'B' } else { b'A' };
                hs[3].1 = b;
            }
        }
        let pairs = view_pairs(&hs);
        let req = RequestView::new(&m, &t, Headers::from_pairs(&pairs), b"");
        prop_assert!(v.verify_request(&req, RequestContext::default(), now, &g).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A SigV4 verifier that has verified a request (and so remembers its `Authorization` prefix)
    /// answers every variant of it as a verifier that has seen nothing does: any byte of any header
    /// value (the prefix, the signature, the date, …) replaced, or the date moved within the day or to
    /// the next.
    #[test]
    fn sigv4_remembered_prefixes_answer_as_a_fresh_verifier(
        which in any::<usize>(),
        at in any::<usize>(),
        x in any::<u8>(),
        date in prop::sample::select(vec!["", "20150830T123601Z", "20150831T123600Z", "20150830T1236000"]),
        token in any::<bool>(),
    ) {
        let p = mint::SigV4Params { session_token: token.then_some("session-token"), ..mint::SigV4Params::AWS_EXAMPLE };
        let fresh = || SigV4Verifier::new().with_credential("AKIDEXAMPLE", p.secret, p.session_token).unwrap();
        let now = Timestamp::from_unix(1_440_938_160);
        let (t, h) = mint::sigv4_header_request(&p, "GET", "example.amazonaws.com", "/v1/items", &[("a", "1")], &[("content-type", "text/plain")], b"");
        let headers = owned_pairs(&h);
        let warm = fresh();
        let pairs = view_pairs(&headers);
        prop_assert!(warm.verify(&RequestView::new("GET", &t, Headers::from_pairs(&pairs), b""), now).is_ok());

        let mut hs = headers.clone();
        if date.is_empty() {
            let k = which % hs.len();
            let i = at % hs[k].1.len();
            hs[k].1[i] = if hs[k].1[i] == x { x.wrapping_add(1) } else { x };
        } else if let Some(d) = hs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date")) {
            d.1 = date.as_bytes().to_vec();
        }
        let pairs = view_pairs(&hs);
        let req = RequestView::new("GET", &t, Headers::from_pairs(&pairs), b"");
        let got = warm.verify(&req, now).map(|ok| ok.into_owned());
        prop_assert_eq!(&got, &fresh().verify(&req, now).map(|ok| ok.into_owned()));
        // The remembered request itself still verifies.
        let pairs = view_pairs(&headers);
        prop_assert!(warm.verify(&RequestView::new("GET", &t, Headers::from_pairs(&pairs), b""), now).is_ok());
    }

    /// Arbitrary header values, targets and bodies never panic any verifier; they are rejected.
    #[test]
    fn arbitrary_inputs_are_rejected_without_panic(
        target in "[ -~]{0,64}",
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..96), 8),
        sf_text in "[ -~]{0,96}",
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let now = Timestamp::from_unix(T);
        let g = MemoryReplayGuard::new(64);
        let names = ["x-api-key", "x-timestamp", "x-nonce", "x-signature", "authorization", "x-amz-date", "host", "content-digest"];
        let hs: Vec<(&str, &[u8])> = names.iter().zip(&values).map(|(n, v)| (*n, v.as_slice())).collect();
        let req = RequestView::new("POST", &target, Headers::from_pairs(&hs), &body);
        let signed = SignedRequestVerifier::new(KeyStore::new().with("k", &[SECRET]).unwrap());
        prop_assert!(signed.verify(&req, now, &g).is_err());
        let sigv4 = SigV4Verifier::new().with_credential("AKIDEXAMPLE", "secret", None).unwrap();
        prop_assert!(sigv4.verify(&req, now).is_err());
        let _ = sigv4.explain(&req);
        let mut with_sig = hs.clone();
        with_sig.push(("signature-input", sf_text.as_bytes()));
        with_sig.push(("signature", values[3].as_slice()));
        let req = RequestView::new("GET", &target, Headers::from_pairs(&with_sig), &body);
        let v = MessageVerifier::new(
            SignatureKeys::new().with("k", SignatureKey::hmac_sha256(SECRET).unwrap()).unwrap(),
            Policy::new(),
        );
        prop_assert!(v.verify_request(&req, RequestContext::default(), now, &g).is_err());
        let stripe = Stripe::new(Secrets::sha256(&[SECRET]).unwrap());
        prop_assert!(stripe.verify(&values[0], &body, now).is_err());
        let sw = StandardWebhooks::new(Secrets::sha256(&[SECRET]).unwrap());
        prop_assert!(sw.verify(&values[0], &values[1], &values[2], &body, now, &g).is_err());
        let tw = auth_hmac::Twilio::new(&[SECRET]).unwrap();
        prop_assert!(tw.verify_form("https://x.example/", &values[4], &values[5]).is_err());
    }
}

fn base64url(b: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::encode_string(b)
}
