//! Properties: every token the testkit mints (any algorithm, any claims) verifies, and any single-byte
//! change to it is rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use auth_core::Timestamp;
use auth_jwt::{KeySet, Policy, verify};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey};
use proptest::prelude::*;
use serde_json::json;
use std::sync::LazyLock;

const NOW: i64 = 1_700_000_000;

/// One key per algorithm, minted once, and the JWK Set that publishes them all (HMAC keys in a set of
/// their own: sets never mix symmetric and public keys).
static KEYS: LazyLock<(Vec<SigningKey>, KeySet, KeySet)> = LazyLock::new(|| {
    let keys: Vec<SigningKey> =
        Alg::ALL.iter().map(|a| SigningKey::new(*a, Seed::new(77)).with_kid(a.name())).collect();
    let (hmac, public): (Vec<&SigningKey>, Vec<&SigningKey>) = keys.iter().partition(|k| k.alg().is_hmac());
    let hs = KeySet::from_jwks(kit::jwk_set(&hmac).as_bytes()).unwrap();
    let pk = KeySet::from_jwks(kit::jwk_set(&public).as_bytes()).unwrap();
    (keys, hs, pk)
});

fn key_and_set(i: usize) -> (&'static SigningKey, &'static KeySet) {
    let (keys, hs, pk) = &*KEYS;
    let k = &keys[i % keys.len()];
    (k, if k.alg().is_hmac() { hs } else { pk })
}

fn claims_strategy() -> impl Strategy<Value = serde_json::Value> {
    (
        "[a-zA-Z0-9 _.@\\-\u{e9}\u{1F600}\"\\\\]{1,24}",
        proptest::option::of("[a-z:]{1,12}( [a-z:]{1,12}){0,3}"),
        1i64..100_000,
        proptest::collection::btree_map("[a-z]{1,8}", any::<i32>(), 0..4),
    )
        .prop_map(|(sub, scope, ttl, extra)| {
            let mut c = json!({"sub": sub, "exp": NOW + ttl, "iat": NOW});
            if let Some(s) = scope {
                c["scope"] = json!(s);
            }
            for (k, v) in extra {
                if !["sub", "exp", "iat", "scope"].contains(&k.as_str()) {
                    c[k] = json!(v);
                }
            }
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn minted_tokens_verify_and_every_single_byte_change_is_rejected(
        alg in 0usize..13,
        claims in claims_strategy(),
        pos in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let (key, set) = key_and_set(alg);
        let token = kit::mint(key, &claims);
        let now = Timestamp::from_unix(NOW);
        let verified = verify(&token, set, &Policy::new(), now);
        prop_assert!(verified.is_ok(), "{:?}: {:?}", key.alg(), verified.err());
        let v = verified.unwrap();
        prop_assert_eq!(v.subject(), claims["sub"].as_str());
        prop_assert_eq!(v.claims_value().unwrap(), claims);

        let mut bytes = token.into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= delta;
        prop_assert!(verify(&bytes, set, &Policy::new(), now).is_err(), "mutation at {} accepted", i);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes, and several random edits of a valid token, never panic and are never accepted
    /// unless they are the token itself.
    #[test]
    fn hostile_input_is_refused_without_panicking(
        noise in proptest::collection::vec(any::<u8>(), 0..600),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        alg in 0usize..13,
    ) {
        let (key, set) = key_and_set(alg);
        let now = Timestamp::from_unix(NOW);
        prop_assert!(verify(&noise, set, &Policy::new(), now).is_err());
        let token = kit::mint(key, &json!({"sub": "a", "exp": NOW + 60}));
        let mut bytes = token.clone().into_bytes();
        for (i, b) in &edits {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        let r = verify(&bytes, set, &Policy::new(), now);
        prop_assert!(r.is_err() || bytes == token.as_bytes());
        let _ = auth_jwt::KeySet::from_jwks(&noise);
        let _ = auth_jwt::Key::from_jwk(&noise);
        let _ = auth_jwt::Key::from_pem(&noise, None);
        let _ = auth_jwt::introspection::parse(&noise, &Policy::new(), now);
        let text = String::from_utf8_lossy(&noise);
        let req = auth_jwt::dpop::DpopRequest { method: "GET", uri: "https://a.example/", access_token: None, nonce: None };
        prop_assert!(auth_jwt::dpop::verify_proof(&text, &req, &auth_jwt::dpop::DpopPolicy::default(), now).is_err());
    }

    /// The strict scanner agrees with serde_json on what is JSON (serde_json accepts duplicate members,
    /// which the scanner refuses by design, so those are compared separately).
    #[test]
    fn strict_json_agrees_with_serde_json(s in r#"\{( |"[a-c\\u]{0,3}"|:|,|[0-9.eE+-]{1,4}|true|null|\[|\]|\{|\}|"\\u00e9"|"\\ud83d\\ude00"|"\\ud800"){0,14}"#) {
        let token_payload = s.as_bytes();
        let serde_ok = serde_json::from_slice::<serde_json::Value>(token_payload).is_ok_and(|v| v.is_object());
        let k = SigningKey::hmac_with_secret(Alg::HS256, &[7; 32]);
        let set = KeySet::single(auth_jwt::Key::hmac(auth_jwt::Algorithm::HS256, &[7; 32]).unwrap());
        let jws = kit::encode_raw(br#"{"alg":"HS256"}"#, token_payload, &k);
        let ours = auth_jwt::verify_jws(jws.as_bytes(), &set, &auth_jwt::JwsPolicy::default()).map(|_| ());
        // verify_jws does not parse the payload; the JWT layer does.
        prop_assert!(ours.is_ok());
        let jwt = verify(&jws, &set, &Policy::new().exp_optional(), Timestamp::from_unix(NOW));
        let strict_ok = !matches!(jwt, Err(auth_jwt::Error::Malformed(_) | auth_jwt::Error::DuplicateMember | auth_jwt::Error::TooDeep));
        match jwt {
            Err(auth_jwt::Error::DuplicateMember) => prop_assert!(serde_ok, "dup reported for non-JSON {}", s),
            _ => prop_assert_eq!(strict_ok, serde_ok, "{}", s),
        }
    }
}
