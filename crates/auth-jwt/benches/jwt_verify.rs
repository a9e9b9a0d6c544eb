//! Full JWT verification beside the bare signature primitive on the same bytes.
//!
//! Each group verifies one ~300-byte access token (`kid`, `iss`, `aud`, `exp`, `scope`, `sub`) with
//! authv (structure, header, key selection, signature, claims: issuer, audience, expiry, required
//! scope) and with the primitive alone (ring's HMAC/RSA/ECDSA/Ed25519 verification of the already
//! decoded signature over the signing input). The HS256 group also runs jsonwebtoken 9 with the same
//! checks.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use auth_core::Timestamp;
use auth_jwt::{KeySet, Policy, verify};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey};
use base64ct::{Base64UrlUnpadded, Encoding};
use criterion::{Criterion, criterion_group, criterion_main};
use ring::{hmac, signature};
use std::hint::black_box;

const NOW: i64 = 1_700_000_000;
const EXP: i64 = 4_000_000_000;

fn token_for(key: &SigningKey) -> String {
    let claims = serde_json::json!({
        "iss": "https://issuer.authv.test",
        "aud": "https://api.authv.test",
        "sub": "user-8f14e45fceea",
        "exp": EXP,
        "scope": "read:items write:items",
    });
    kit::mint(key, &claims)
}

fn policy() -> Policy {
    Policy::new()
        .issuer("https://issuer.authv.test")
        .audience("https://api.authv.test")
        .require_scopes("read:items")
        .unwrap()
}

fn split(token: &str) -> (Vec<u8>, Vec<u8>) {
    let (input, sig) = token.rsplit_once('.').unwrap();
    (input.as_bytes().to_vec(), Base64UrlUnpadded::decode_vec(sig).unwrap())
}

fn b64(v: &serde_json::Value) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(v.as_str().unwrap()).unwrap()
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PeerClaims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    scope: String,
}

fn bench_hs256(c: &mut Criterion) {
    let key = SigningKey::new(Alg::HS256, Seed::new(1)).with_kid("k1");
    let token = token_for(&key);
    let keys = KeySet::from_jwks(kit::jwk_set(&[&key]).as_bytes()).unwrap();
    let policy = policy();
    let now = Timestamp::from_unix(NOW);
    let (input, sig) = split(&token);
    let ring_key = hmac::Key::new(hmac::HMAC_SHA256, key.secret().unwrap());
    let peer_key = jsonwebtoken::DecodingKey::from_secret(key.secret().unwrap());
    let mut peer_validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    peer_validation.set_issuer(&["https://issuer.authv.test"]);
    peer_validation.set_audience(&["https://api.authv.test"]);
    assert!(verify(&token, &keys, &policy, now).is_ok());
    assert!(jsonwebtoken::decode::<PeerClaims>(&token, &peer_key, &peer_validation).is_ok());

    let mut g = c.benchmark_group(format!("jwt_hs256_{}B", token.len()));
    g.bench_function("ring_hmac_sha256_verify", |b| {
        b.iter(|| hmac::verify(&ring_key, black_box(&input), black_box(&sig)).unwrap())
    });
    g.bench_function("authv_verify", |b| b.iter(|| verify(black_box(&token), &keys, &policy, now).unwrap()));
    g.bench_function("jsonwebtoken9_decode", |b| {
        b.iter(|| {
            let scope_ok = jsonwebtoken::decode::<PeerClaims>(black_box(&token), &peer_key, &peer_validation)
                .unwrap()
                .claims
                .scope
                .split(' ')
                .any(|s| s == "read:items");
            assert!(scope_ok);
        })
    });
    g.finish();
}

fn bench_asymmetric(c: &mut Criterion) {
    for alg in [Alg::RS256, Alg::ES256, Alg::EdDSA] {
        let key = SigningKey::new(alg, Seed::new(1)).with_kid("k1");
        let token = token_for(&key);
        let keys = KeySet::from_jwks(kit::jwk_set(&[&key]).as_bytes()).unwrap();
        let policy = policy();
        let now = Timestamp::from_unix(NOW);
        let (input, sig) = split(&token);
        let jwk = key.bare_jwk();
        assert!(verify(&token, &keys, &policy, now).is_ok());
        let primitive: Box<dyn Fn() -> bool> = match alg {
            Alg::RS256 => {
                let comps = signature::RsaPublicKeyComponents { n: b64(&jwk["n"]), e: b64(&jwk["e"]) };
                let (input, sig) = (input.clone(), sig.clone());
                Box::new(move || {
                    comps.verify(&signature::RSA_PKCS1_2048_8192_SHA256, black_box(&input), black_box(&sig)).is_ok()
                })
            }
            Alg::ES256 => {
                let mut point = vec![4u8];
                point.extend(b64(&jwk["x"]));
                point.extend(b64(&jwk["y"]));
                let (input, sig) = (input.clone(), sig.clone());
                Box::new(move || {
                    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
                        .verify(black_box(&input), black_box(&sig))
                        .is_ok()
                })
            }
            _ => {
                let x = b64(&jwk["x"]);
                let (input, sig) = (input.clone(), sig.clone());
                Box::new(move || {
                    signature::UnparsedPublicKey::new(&signature::ED25519, &x)
                        .verify(black_box(&input), black_box(&sig))
                        .is_ok()
                })
            }
        };
        assert!(primitive());
        let mut g = c.benchmark_group(format!("jwt_{}_{}B", alg.name().to_lowercase(), token.len()));
        g.bench_function("ring_verify", |b| b.iter(|| assert!(primitive())));
        g.bench_function("authv_verify", |b| b.iter(|| verify(black_box(&token), &keys, &policy, now).unwrap()));
        g.finish();
    }
}

criterion_group!(benches, bench_hs256, bench_asymmetric);
criterion_main!(benches);
