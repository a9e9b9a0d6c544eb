//! Targets `jws_verify`, `jwk_parse`, `jwt_claims` and `dpop_proof`: auth-jwt.

use auth_jwt::dpop::{self, DpopPolicy, DpopRequest};
use auth_jwt::{Algorithm, JwsPolicy, Key, KeySet, Policy, introspection, verify, verify_jws};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as tk, Alg, SigningKey};
use base64ct::{Base64UrlUnpadded, Encoding as _};
use ring::signature::{self as sig, KeyPair as _};
use serde_json::{Value, json};
use std::sync::LazyLock;

/// A fixed P-256 key (PKCS#8): the testkit generates ES256 keys afresh on each run, and seeds written
/// by one process must verify in another.
const ES256_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGsZcYWMRf7+kJd/e3llh+HfVDlvgG8wOlGVXy6RMYyWhRANCAAQuhvEj3S/K2HYGS2aIHN8f9hPJCAv0uEUhYI+zGm7rLSLqmcG3CkBQFRWrZFOiQXZFRL1OilTwDb3fTxH1yFgG";

/// Issuer the claims policy requires.
pub const ISSUER: &str = "https://issuer.authv.test";
/// Audience the claims policy requires.
pub const AUDIENCE: &str = "https://api.authv.test";
/// The request DPoP proofs are checked against.
pub const DPOP_METHOD: &str = "POST";
/// The request URI DPoP proofs are checked against.
pub const DPOP_URI: &str = "https://api.authv.test/token";
/// The access token the `ath` variant binds.
pub const DPOP_ACCESS_TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";

/// The fixed JWS keys: HS256 (`kid` "hs"), RS256 ("rs") and ES256 ("es").
pub struct JwsKeys {
    /// The HS256 signer (testkit, deterministic).
    pub hs: SigningKey,
    /// The RS256 signer (testkit, fixed RSA key).
    pub rs: SigningKey,
    /// The ES256 key pair.
    pub es: sig::EcdsaKeyPair,
    /// The ES256 public JWK.
    pub es_jwk: Value,
    /// The HMAC key set (HS256 `hs`). auth-jwt refuses sets that mix HMAC and public keys, so the
    /// targets verify against both sets.
    pub hmac_set: KeySet,
    /// The public key set (RS256 `rs`, ES256 `es`).
    pub public_set: KeySet,
}

impl JwsKeys {
    /// Signs `header.payload` with the ES256 key (raw `r || s`).
    #[must_use]
    pub fn sign_es256(&self, header: &[u8], payload: &[u8]) -> String {
        let input = format!("{}.{}", tk::b64url(header), tk::b64url(payload));
        let s = self.es.sign(&ring::rand::SystemRandom::new(), input.as_bytes()).expect("ES256 signing");
        format!("{input}.{}", tk::b64url(s.as_ref()))
    }
}

/// The key set every JWS target verifies against.
pub static JWS_KEYS: LazyLock<JwsKeys> = LazyLock::new(|| {
    let hs = SigningKey::new(Alg::HS256, Seed::new(0x4a57)).with_kid("hs");
    let rs = SigningKey::new(Alg::RS256, Seed::new(0x4a57)).with_kid("rs");
    let pkcs8 = base64ct::Base64::decode_vec(ES256_PKCS8).expect("embedded P-256 key");
    let es =
        sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &ring::rand::SystemRandom::new())
            .expect("embedded P-256 key");
    let p = es.public_key().as_ref();
    let es_jwk = json!({
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "es",
        "x": tk::b64url(p.get(1..33).expect("P-256 point")), "y": tk::b64url(p.get(33..65).expect("P-256 point")),
    });
    let hmac_set = KeySet::single(
        Key::hmac(Algorithm::HS256, hs.secret().expect("HMAC secret")).expect("HS256 key").with_kid("hs"),
    );
    let mut public_set = KeySet::new();
    public_set.add(Key::from_jwk(rs.jwk().to_string().as_bytes()).expect("RS256 JWK")).expect("add RS256");
    public_set.add(Key::from_jwk(es_jwk.to_string().as_bytes()).expect("ES256 JWK")).expect("add ES256");
    JwsKeys { hs, rs, es, es_jwk, hmac_set, public_set }
});

/// The claims policy of `jws_verify`'s `verify` call: issuer and audience, defaults otherwise.
pub static ACCESS_POLICY: LazyLock<Policy> = LazyLock::new(|| Policy::new().issuer(ISSUER).audience(AUDIENCE));

/// The strict claims policy of `jwt_claims`.
static CLAIMS_POLICY: LazyLock<Policy> = LazyLock::new(|| {
    Policy::new()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .require_scopes("read")
        .expect("scopes")
        .require_claim("sub")
        .max_age(3600)
});

fn b64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(core::str::from_utf8(s).ok()?).ok()
}

/// The reference check of an accepted compact JWS: the signature verifies with ring alone over the
/// signing input, with the key of the algorithm the verifier reports.
fn reference_accepts(token: &[u8], alg: Algorithm) -> bool {
    let keys = &*JWS_KEYS;
    let Some(dot) = token.iter().rposition(|&b| b == b'.') else { return false };
    let (input, sig_b64) = (token.get(..dot).unwrap_or_default(), token.get(dot + 1..).unwrap_or_default());
    let Some(signature) = b64url_decode(sig_b64) else { return false };
    match alg {
        Algorithm::HS256 => {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, keys.hs.secret().unwrap_or_default());
            ring::hmac::verify(&key, input, &signature).is_ok()
        }
        Algorithm::ES256 => sig::UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_FIXED, keys.es.public_key().as_ref())
            .verify(input, &signature)
            .is_ok(),
        Algorithm::RS256 => {
            let jwk = keys.rs.bare_jwk();
            let n =
                b64url_decode(jwk.get("n").and_then(Value::as_str).unwrap_or_default().as_bytes()).unwrap_or_default();
            let e =
                b64url_decode(jwk.get("e").and_then(Value::as_str).unwrap_or_default().as_bytes()).unwrap_or_default();
            sig::RsaPublicKeyComponents { n, e }.verify(&sig::RSA_PKCS1_2048_8192_SHA256, input, &signature).is_ok()
        }
        _ => false,
    }
}

/// Target `jws_verify`: the input as a compact JWS through `verify_jws` against the HS256 key set and
/// the RS256 + ES256 key set, and through `verify` with [`ACCESS_POLICY`].
///
/// Properties: whatever verifies also verifies with ring alone over the signing input (HMAC with the
/// same secret, ECDSA P-256 / RSA PKCS#1 with the same public key), with one of the three algorithms;
/// the payload reported is the decoded middle segment; a token `verify` accepts has claims
/// `claims_value` reads in full.
pub fn jws_verify(data: &[u8]) {
    let keys = &*JWS_KEYS;
    for set in [&keys.hmac_set, &keys.public_set] {
        if let Ok(v) = verify_jws(data, set, &JwsPolicy::default()) {
            assert!(reference_accepts(data, v.alg()), "verify_jws accepted a token ring rejects ({:?})", v.alg());
            let mut segments = data.split(|&b| b == b'.');
            let _ = segments.next();
            let payload = segments.next().and_then(b64url_decode);
            assert_eq!(payload.as_deref(), Some(v.payload()), "payload differs from the decoded segment");
        }
        if let Ok(t) = verify(data, set, &ACCESS_POLICY, crate::NOW) {
            assert!(reference_accepts(data, t.alg()));
            let _ = t.identity();
            assert!(t.claims_value().is_ok(), "a verified token's claims cannot be read in full");
        }
    }
}

/// RFC 7638 thumbprint computed from the JSON alone (serde_json), over the members exactly as sent,
/// for comparison with the verifier's; `None` where the input is not a JWK with the required members.
fn reference_thumbprint(jwk: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(jwk).ok()?;
    let m = |k: &str| v.get(k).filter(|x| x.is_string()).map(Value::to_string);
    let canonical = match v.get("kty")?.as_str()? {
        "RSA" => format!(r#"{{"e":{},"kty":"RSA","n":{}}}"#, m("e")?, m("n")?),
        "EC" => format!(r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#, m("crv")?, m("x")?, m("y")?),
        "OKP" => format!(r#"{{"crv":{},"kty":"OKP","x":{}}}"#, m("crv")?, m("x")?),
        _ => return None,
    };
    Some(tk::b64url(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref()))
}

/// Target `jwk_parse`: the input as a JWK (`Key::from_jwk`, `KeySet::from_jwk`,
/// `dpop::thumbprint_of_jwk`), a JWK Set (`KeySet::from_jwks`) and PEM (`Key::from_pem`).
///
/// Property: the thumbprint of every parsed public key equals RFC 7638 computed from the JSON with
/// serde_json over the members as sent (auth-jwt refuses RSA integers with leading zero octets, the
/// one encoding whose thumbprint would otherwise depend on normalization); a set never holds more than
/// `MAX_KEYS` keys.
pub fn jwk_parse(data: &[u8]) {
    if let Ok(key) = Key::from_jwk(data) {
        if let Some(t) = key.thumbprint() {
            let reference = reference_thumbprint(data).expect("an accepted public JWK has an RFC 7638 thumbprint");
            assert_eq!(t, reference, "JWK thumbprint differs from RFC 7638 over the JSON");
            assert_eq!(dpop::thumbprint_of_jwk(data).ok().as_deref(), Some(t));
        }
        let _ = (key.kid(), key.algorithms(), key.key_type());
    }
    let _ = KeySet::from_jwk(data);
    if let Ok(set) = KeySet::from_jwks(data) {
        assert!(set.len() <= auth_jwt::MAX_KEYS && !set.is_empty());
        let _ = set.skipped();
    }
    let _ = Key::from_pem(data, None);
    let _ = Key::from_pem(data, Some(Algorithm::ES256));
}

fn number(v: &Value, name: &str) -> Option<f64> {
    v.get(name).and_then(Value::as_f64)
}

/// Target `jwt_claims`: the input is the payload of a token signed with the fixed HS256 key (header
/// `{"alg":"HS256","typ":"JWT","kid":"hs"}`), verified with a strict policy (issuer, audience, scope
/// `read`, `sub` required, `max_age` 3600, `exp` required); the input is also read as an RFC 7662
/// introspection response under the same policy.
///
/// Property: accepted claims are JSON serde_json reads in full (numbers beyond f64 range included: the
/// verifier refuses them), `claims_value` returns exactly that, and they satisfy the policy.
pub fn jwt_claims(data: &[u8]) {
    let keys = &*JWS_KEYS;
    let token = tk::encode_raw(br#"{"alg":"HS256","typ":"JWT","kid":"hs"}"#, data, &keys.hs);
    if let Ok(t) = verify(&token, &keys.hmac_set, &CLAIMS_POLICY, crate::NOW) {
        let v: Value =
            serde_json::from_slice(data).unwrap_or_else(|e| panic!("accepted claims are not JSON to serde_json: {e}"));
        assert!(v.is_object());
        assert_eq!(t.claims_value().ok().as_ref(), Some(&v), "claims_value differs from serde_json over the payload");
        assert_eq!(v.get("iss").and_then(Value::as_str), Some(ISSUER));
        let aud_ok = match v.get("aud") {
            Some(Value::String(a)) => a == AUDIENCE,
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(AUDIENCE)),
            _ => false,
        };
        assert!(aud_ok, "accepted a token without the audience");
        assert!(v.get("sub").is_some());
        let now = crate::NOW.as_unix() as f64;
        let leeway = f64::from(auth_jwt::DEFAULT_LEEWAY_SECS);
        let exp = number(&v, "exp").expect("accepted a token without a numeric exp");
        assert!(exp + leeway > now, "accepted an expired token");
        if let Some(nbf) = number(&v, "nbf") {
            assert!(nbf - leeway <= now, "accepted a token before nbf");
        }
        let iat = number(&v, "iat").expect("max_age requires iat");
        assert!(now - iat <= 3600.0 + leeway, "accepted a token older than max_age");
        assert!(t.scopes().contains("read"));
        assert_eq!(t.issuer(), Some(ISSUER));
    }
    let _ = introspection::parse(data, &CLAIMS_POLICY, crate::NOW);
}

/// The DPoP proof key (testkit ES256; proofs carry their JWK, so a fresh key per run is fine).
static DPOP_KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::new(Alg::ES256, Seed::new(0xd909)));

/// Target `dpop_proof`: `dpop::verify_proof` for `POST https://api.authv.test/token` at [`crate::NOW`].
/// The first byte selects the mode: even — the rest is a proof as sent; odd — the rest is the claims
/// of a proof signed by a fixed ES256 key with a correct header; bit 1 — an access token is sent and
/// `ath` required.
///
/// Property: an accepted proof's claims, read with serde_json, match the request (htm, htu, iat
/// window, ath), and in the minted mode its thumbprint is the key's.
pub fn dpop_proof(data: &[u8]) {
    let Some((mode, rest)) = crate::selector(data) else { return };
    let minted;
    let proof = if mode & 1 == 1 {
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": DPOP_KEY.bare_jwk()});
        minted = tk::encode_raw(header.to_string().as_bytes(), rest, &DPOP_KEY);
        minted.as_str()
    } else {
        match core::str::from_utf8(rest) {
            Ok(s) => s,
            Err(_) => return,
        }
    };
    let access_token = (mode & 2 == 2).then_some(DPOP_ACCESS_TOKEN);
    let req = DpopRequest { method: DPOP_METHOD, uri: DPOP_URI, access_token, nonce: None };
    let policy = DpopPolicy::default();
    let Ok(p) = dpop::verify_proof(proof, &req, &policy, crate::NOW) else { return };
    let payload = proof.split('.').nth(1).and_then(|s| b64url_decode(s.as_bytes())).expect("accepted proof payload");
    let claims: Value = serde_json::from_slice(&payload).expect("accepted proof claims must be JSON");
    assert_eq!(claims.get("htm").and_then(Value::as_str), Some(DPOP_METHOD));
    assert!(claims.get("htu").and_then(Value::as_str).is_some_and(|u| dpop::http_uri_matches(u, DPOP_URI)));
    let iat = number(&claims, "iat").expect("accepted proof without numeric iat");
    let now = crate::NOW.as_unix() as f64;
    assert!(iat <= now + f64::from(policy.leeway_secs) && now - iat <= f64::from(policy.max_age_secs));
    if access_token.is_some() {
        let ath = tk::b64url(ring::digest::digest(&ring::digest::SHA256, DPOP_ACCESS_TOKEN.as_bytes()).as_ref());
        assert_eq!(claims.get("ath").and_then(Value::as_str), Some(ath.as_str()));
    }
    if mode & 1 == 1 {
        assert_eq!(p.thumbprint, tk::thumbprint(&DPOP_KEY));
    }
}
