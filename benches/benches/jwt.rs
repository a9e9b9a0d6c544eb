//! JWT: HS256, RS256, PS256, ES256, ES384, ES512 and EdDSA access tokens (~300 bytes: `kid`, `iss`,
//! `aud`, `sub`, `exp`, `scope`), each beside the bare primitive on the same signing input and beside
//! jsonwebtoken 9 (ring backend) and jwt-simple (pure-Rust backend) checking the same claims: issuer,
//! audience, expiry and the required scope. Neither peer supports ES512.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use auth_testkit::jwt::Alg;
use authv_benches::{JWT_AUD, JWT_ISS, JWT_SCOPE, JwtFixture, Op};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[derive(serde::Deserialize)]
struct PeerClaims {
    scope: String,
}

fn jsonwebtoken_peer(f: &JwtFixture) -> Option<Op> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let (alg, key) = match f.alg {
        Alg::HS256 => (Algorithm::HS256, DecodingKey::from_secret(f.key.secret()?)),
        Alg::RS256 => (Algorithm::RS256, DecodingKey::from_rsa_components(&f.jwk_text("n"), &f.jwk_text("e")).ok()?),
        Alg::PS256 => (Algorithm::PS256, DecodingKey::from_rsa_components(&f.jwk_text("n"), &f.jwk_text("e")).ok()?),
        Alg::ES256 => (Algorithm::ES256, DecodingKey::from_ec_components(&f.jwk_text("x"), &f.jwk_text("y")).ok()?),
        Alg::ES384 => (Algorithm::ES384, DecodingKey::from_ec_components(&f.jwk_text("x"), &f.jwk_text("y")).ok()?),
        Alg::EdDSA => (Algorithm::EdDSA, DecodingKey::from_ed_components(&f.jwk_text("x")).ok()?),
        _ => return None,
    };
    let mut v = Validation::new(alg);
    v.set_issuer(&[JWT_ISS]);
    v.set_audience(&[JWT_AUD]);
    let token = f.token.clone();
    Some(Box::new(move || {
        decode::<PeerClaims>(black_box(&token), &key, &v)
            .is_ok_and(|d| d.claims.scope.split(' ').any(|s| s == JWT_SCOPE))
    }))
}

fn jwt_simple_peer(f: &JwtFixture) -> Option<Op> {
    use jwt_simple::prelude::*;
    use std::collections::HashSet;
    let opts = VerificationOptions {
        allowed_issuers: Some(HashSet::from([JWT_ISS.to_owned()])),
        allowed_audiences: Some(HashSet::from([JWT_AUD.to_owned()])),
        ..Default::default()
    };
    let token = f.token.clone();
    fn scope_ok(c: &JWTClaims<PeerScope>) -> bool {
        c.custom.scope.split(' ').any(|s| s == JWT_SCOPE)
    }
    macro_rules! peer {
        ($key:expr) => {{
            let key = $key;
            Some(Box::new(move || {
                key.verify_token::<PeerScope>(black_box(&token), Some(opts.clone())).is_ok_and(|c| scope_ok(&c))
            }))
        }};
    }
    match f.alg {
        Alg::HS256 => peer!(HS256Key::from_bytes(f.key.secret()?)),
        Alg::RS256 => peer!(RS256PublicKey::from_components(&f.jwk_bytes("n"), &f.jwk_bytes("e")).ok()?),
        Alg::PS256 => peer!(PS256PublicKey::from_components(&f.jwk_bytes("n"), &f.jwk_bytes("e")).ok()?),
        Alg::ES256 => peer!(ES256PublicKey::from_bytes(&f.ec_point()).ok()?),
        Alg::ES384 => peer!(ES384PublicKey::from_bytes(&f.ec_point()).ok()?),
        Alg::EdDSA => peer!(Ed25519PublicKey::from_bytes(&f.jwk_bytes("x")).ok()?),
        _ => None,
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PeerScope {
    scope: String,
}

/// The JWT peers for one fixture, for `authv_benches::all_cases` and this bench.
fn peers(f: &JwtFixture) -> Vec<(&'static str, Op)> {
    let mut v: Vec<(&'static str, Op)> = Vec::new();
    if let Some(p) = jsonwebtoken_peer(f) {
        v.push(("jsonwebtoken 9", p));
    }
    if let Some(p) = jwt_simple_peer(f) {
        v.push(("jwt-simple 0.14", p));
    }
    v
}

fn bench(c: &mut Criterion) {
    for alg in authv_benches::JWT_ALGS {
        let f = JwtFixture::new(alg);
        let mut case = authv_benches::jwt_case(&f);
        for (name, op) in peers(&f) {
            case = case.peer(name, op);
        }
        common::bench_case(c, &case);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
