//! Best-of-N batch timing of authv's full verify beside the bare primitive, printed as ratios.
//!
//! The criterion bench (`jwt`) reports medians, which a shared, loaded machine inflates
//! unevenly. This companion interleaves batches of the two functions and keeps each one's fastest
//! batch mean, which estimates the uncontended cost of both under the same conditions. Same tokens,
//! keys and policy as `jwt`. Run with `cargo bench -p authv-benches --bench jwt_min_ratio`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use auth_core::Timestamp;
use auth_jwt::{KeySet, Policy, verify};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey};
use base64ct::{Base64UrlUnpadded, Encoding};
use ring::{hmac, signature};
use std::hint::black_box;
use std::time::Instant;

fn best_of(rounds: usize, batch: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut best_a, mut best_b) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..batch {
            a();
        }
        best_a = best_a.min(t.elapsed().as_nanos() as f64 / batch as f64);
        let t = Instant::now();
        for _ in 0..batch {
            b();
        }
        best_b = best_b.min(t.elapsed().as_nanos() as f64 / batch as f64);
    }
    (best_a, best_b)
}

fn main() {
    let claims = serde_json::json!({
        "iss": "https://issuer.authv.test",
        "aud": "https://api.authv.test",
        "sub": "user-8f14e45fceea",
        "exp": 4_000_000_000i64,
        "scope": "read:items write:items",
    });
    let policy = Policy::new()
        .issuer("https://issuer.authv.test")
        .audience("https://api.authv.test")
        .require_scopes("read:items")
        .unwrap();
    let now = Timestamp::from_unix(1_700_000_000);
    let b64 = |v: &serde_json::Value| Base64UrlUnpadded::decode_vec(v.as_str().unwrap()).unwrap();
    for alg in [Alg::HS256, Alg::RS256, Alg::ES256, Alg::EdDSA] {
        let key = SigningKey::new(alg, Seed::new(1)).with_kid("k1");
        let token = kit::mint(&key, &claims);
        let keys = KeySet::from_jwks(kit::jwk_set(&[&key]).as_bytes()).unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let (input, sig) = (input.as_bytes().to_vec(), Base64UrlUnpadded::decode_vec(sig).unwrap());
        let jwk = key.bare_jwk();
        let primitive: Box<dyn Fn() -> bool> = match alg {
            Alg::HS256 => {
                let k = hmac::Key::new(hmac::HMAC_SHA256, key.secret().unwrap());
                Box::new(move || hmac::verify(&k, black_box(&input), black_box(&sig)).is_ok())
            }
            Alg::RS256 => {
                let c = signature::RsaPublicKeyComponents { n: b64(&jwk["n"]), e: b64(&jwk["e"]) };
                Box::new(move || {
                    c.verify(&signature::RSA_PKCS1_2048_8192_SHA256, black_box(&input), black_box(&sig)).is_ok()
                })
            }
            Alg::ES256 => {
                let mut point = vec![4u8];
                point.extend(b64(&jwk["x"]));
                point.extend(b64(&jwk["y"]));
                Box::new(move || {
                    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
                        .verify(black_box(&input), black_box(&sig))
                        .is_ok()
                })
            }
            _ => {
                let x = b64(&jwk["x"]);
                Box::new(move || {
                    signature::UnparsedPublicKey::new(&signature::ED25519, &x)
                        .verify(black_box(&input), black_box(&sig))
                        .is_ok()
                })
            }
        };
        assert!(primitive());
        assert!(verify(&token, &keys, &policy, now).is_ok());
        let (rounds, batch) = if alg == Alg::HS256 { (300, 1000) } else { (40, 20) };
        let (p, a) = best_of(
            rounds,
            batch,
            || assert!(primitive()),
            || {
                black_box(verify(black_box(&token), &keys, &policy, now).unwrap());
            },
        );
        println!(
            "{:>5} ({}-byte token): primitive {:>9.0} ns, authv verify {:>9.0} ns, ratio {:.3}",
            alg.name(),
            token.len(),
            p,
            a,
            a / p
        );
        if alg == Alg::HS256 {
            let peer_key = jsonwebtoken::DecodingKey::from_secret(key.secret().unwrap());
            let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
            v.set_issuer(&["https://issuer.authv.test"]);
            v.set_audience(&["https://api.authv.test"]);
            let (j, a) = best_of(
                rounds,
                batch,
                || {
                    let c = jsonwebtoken::decode::<PeerClaims>(black_box(&token), &peer_key, &v).unwrap().claims;
                    assert!(c.scope.split(' ').any(|s| s == "read:items"));
                },
                || {
                    black_box(verify(black_box(&token), &keys, &policy, now).unwrap());
                },
            );
            println!("HS256 jsonwebtoken 9 {j:.0} ns vs authv {a:.0} ns: authv {:.2}x faster", j / a);
        }
    }
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
