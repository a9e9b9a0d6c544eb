//! The testkit seeds that are meant to be valid credentials are accepted by the verifiers under the
//! entry points' fixtures, so campaigns start from inputs that reach past every check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use auth_core::{MemoryReplayGuard, ScopeSet};
use authv_fuzz::http::RequestParts;
use authv_fuzz::jwt::JWS_KEYS;
use std::collections::HashMap;

fn seeds() -> HashMap<(String, String), Vec<u8>> {
    authv_fuzz::seeds::all().into_iter().map(|(t, n, b)| ((t.to_owned(), n), b)).collect()
}

fn get<'a>(s: &'a HashMap<(String, String), Vec<u8>>, t: &str, n: &str) -> &'a [u8] {
    s.get(&(t.to_owned(), n.to_owned())).unwrap_or_else(|| panic!("no seed {t}/{n}"))
}

#[test]
fn jwt_seeds_verify() {
    let s = seeds();
    let k = &*JWS_KEYS;
    for (name, set) in [("hs256", &k.hmac_set), ("rs256", &k.public_set), ("es256", &k.public_set)] {
        let t = get(&s, "jws_verify", name);
        auth_jwt::verify(t, set, &authv_fuzz::jwt::ACCESS_POLICY, authv_fuzz::NOW)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let dpop = std::str::from_utf8(&get(&s, "dpop_proof", "es256")[1..]).unwrap();
    let req = auth_jwt::dpop::DpopRequest {
        method: authv_fuzz::jwt::DPOP_METHOD,
        uri: authv_fuzz::jwt::DPOP_URI,
        access_token: None,
        nonce: None,
    };
    auth_jwt::dpop::verify_proof(dpop, &req, &auth_jwt::dpop::DpopPolicy::default(), authv_fuzz::NOW).unwrap();
    for name in ["rsa", "ec", "okp", "ec384-bare"] {
        auth_jwt::Key::from_jwk(get(&s, "jwk_parse", name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    auth_jwt::KeySet::from_jwks(get(&s, "jwk_parse", "set")).unwrap();
}

#[test]
fn hmac_seeds_verify() {
    let s = seeds();
    let now = authv_fuzz::NOW;
    let signed = auth_hmac::SignedRequestVerifier::new(
        auth_hmac::KeyStore::new()
            .with(authv_fuzz::signed::SIGNED_KEY_ID, &[authv_fuzz::signed::SIGNED_SECRET])
            .unwrap(),
    );
    for name in ["valid", "valid-get"] {
        let p = RequestParts::decode(&get(&s, "signed_request", name)[1..]);
        let pairs = p.pairs();
        signed.verify(&p.view(&pairs), now, &MemoryReplayGuard::new(4)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let sigv4 = auth_hmac::SigV4Verifier::new()
        .with_credential(authv_fuzz::signed::SIGV4_AKID, authv_fuzz::signed::SIGV4_SECRET, None)
        .unwrap();
    for name in ["header", "presigned"] {
        let p = RequestParts::decode(&get(&s, "sigv4", name)[1..]);
        let pairs = p.pairs();
        sigv4.verify(&p.view(&pairs), now).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

#[test]
fn apikey_and_mtls_seeds_verify() {
    let s = seeds();
    let keys = &*authv_fuzz::apikey::KEYS;
    assert_eq!(&get(&s, "apikey", "key")[1..], keys.formatted.key.as_bytes());
    let m = &*authv_fuzz::mtls::MTLS;
    let verifier = auth_mtls::Verifier::builder()
        .trust_anchors_pem(m.pki.root_pem().as_bytes())
        .unwrap()
        .intermediate_der(m.pki.intermediate.der())
        .allow_any_trusted(ScopeSet::parse("read").unwrap())
        .build()
        .unwrap();
    let chain = authv_fuzz::mtls::split_der(get(&s, "mtls_chain_der", "chain"));
    verifier.verify_chain(&chain, now()).unwrap();
    verifier.verify_pem(get(&s, "mtls_chain_pem", "chain"), now()).unwrap();
    let formats = [
        auth_mtls::ForwardedFormat::NginxEscapedCert,
        auth_mtls::ForwardedFormat::EnvoyXfcc,
        auth_mtls::ForwardedFormat::AwsAlb,
    ];
    for (name, format) in ["nginx", "xfcc", "alb"].into_iter().zip(formats) {
        verifier
            .verify_forwarded_value(format, &get(&s, "mtls_forwarded", name)[1..], None, now())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

fn now() -> auth_core::Timestamp {
    authv_fuzz::NOW
}
