//! One test per attack class named in the issue, plus the policy, key-selection and OAuth behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use auth_core::{MemoryReplayGuard, Reject, Status, Timestamp};
use auth_jwt::dpop::{self, DpopPolicy, DpopRequest};
use auth_jwt::{
    Algorithm, DpopFailure, Error, Key, KeyProblem, KeySet, Malformed, Policy, Presentation, StandardClaims, TypPolicy,
    introspection, verify, verify_as,
};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey, b64url};
use serde_json::json;
use std::sync::Arc;

const NOW: i64 = 1_700_000_000;

fn now() -> Timestamp {
    Timestamp::from_unix(NOW)
}

fn claims() -> serde_json::Value {
    json!({"iss": "https://issuer.example", "sub": "alice", "exp": NOW + 600, "iat": NOW - 10})
}

fn hs_key() -> SigningKey {
    SigningKey::new(Alg::HS256, Seed::new(1)).with_kid("h1")
}

fn hs_set(k: &SigningKey) -> KeySet {
    KeySet::from_jwks(kit::jwk_set(&[k]).as_bytes()).unwrap()
}

fn reason(r: Result<auth_jwt::VerifiedToken, Error>) -> &'static str {
    r.map(|_| "accepted").unwrap_or_else(|e| e.reason())
}

#[test]
fn every_algorithm_round_trips_through_jwk_pem_and_certificate() {
    for alg in Alg::ALL {
        let k = SigningKey::new(alg, Seed::new(9)).with_kid("k");
        let token = kit::mint(&k, &claims());
        let set = KeySet::from_jwks(kit::jwk_set(&[&k]).as_bytes()).unwrap();
        let t = verify(&token, &set, &Policy::new(), now()).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(t.alg().name(), alg.name());
        assert_eq!(t.subject(), Some("alice"));
        if let Some(pem) = k.spki_pem() {
            let key = Key::from_pem(pem.as_bytes(), None).unwrap();
            assert!(verify(&token, &KeySet::single(key), &Policy::new(), now()).is_ok(), "{alg:?} pem");
        }
        if let Some(cert) = k.certificate_pem() {
            let key = Key::from_pem(cert.as_bytes(), Some(t.alg())).unwrap();
            assert!(verify(&token, &KeySet::single(key), &Policy::new(), now()).is_ok(), "{alg:?} cert");
        }
        if let Some(secret) = k.secret() {
            let key = Key::hmac(t.alg(), secret).unwrap();
            assert!(verify(&token, &KeySet::single(key), &Policy::new(), now()).is_ok(), "{alg:?} secret");
        }
    }
}

#[test]
fn attack_none_in_any_casing() {
    let k = hs_key();
    let set = hs_set(&k);
    let payload = b64url(claims().to_string().as_bytes());
    for none in ["none", "None", "NONE", "nOnE"] {
        let header = b64url(format!(r#"{{"alg":"{none}","kid":"h1"}}"#).as_bytes());
        // Empty signature (the unsecured form) and a signature-shaped one.
        for sig in ["", "c2ln"] {
            let token = format!("{header}.{payload}.{sig}");
            let r = verify(&token, &set, &Policy::new(), now());
            assert!(matches!(r, Err(Error::AlgorithmNotAllowed | Error::Malformed(Malformed::Segments))), "{none}");
        }
    }
    assert!(Algorithm::from_name("none").is_none());
}

#[test]
fn attack_rs_to_hs_and_es_to_hs_confusion() {
    for alg in [Alg::RS256, Alg::ES256, Alg::EdDSA] {
        let real = SigningKey::new(alg, Seed::new(2)).with_kid("pub");
        let set = KeySet::from_jwks(kit::jwk_set(&[&real]).as_bytes()).unwrap();
        // The attacker MACs with the public key material the server publishes.
        for public_bytes in [real.spki_pem().unwrap().into_bytes(), real.jwk().to_string().into_bytes()] {
            let forger = SigningKey::hmac_with_secret(Alg::HS256, &public_bytes);
            for kid in [Some("pub"), None] {
                let mut h = json!({"alg": "HS256"});
                if let Some(kid) = kid {
                    h["kid"] = json!(kid);
                }
                let token = kit::encode(&h, &claims(), &forger);
                let r = verify(&token, &set, &Policy::new(), now());
                let want = if kid.is_some() { "algorithm_not_allowed" } else { "no_matching_key" };
                assert_eq!(reason(r), want, "{alg:?} kid {kid:?}");
            }
        }
        // And no API turns public material into an HMAC key in the same set.
        let mut mixed = KeySet::from_jwks(kit::jwk_set(&[&real]).as_bytes()).unwrap();
        let hmac = Key::hmac(Algorithm::HS256, real.spki_pem().unwrap().as_bytes()).unwrap();
        assert_eq!(mixed.add(hmac).unwrap_err(), Error::InvalidKey(KeyProblem::MixedKeySet));
    }
}

#[test]
fn attack_header_key_injection_jwk_jku_x5u_x5c() {
    let real = SigningKey::new(Alg::ES256, Seed::new(3)).with_kid("real");
    let set = KeySet::from_jwks(kit::jwk_set(&[&real]).as_bytes()).unwrap();
    let attacker = SigningKey::new(Alg::ES256, Seed::new(4));
    let cert_b64 = {
        let pem = attacker.certificate_pem().unwrap();
        pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>()
    };
    for extra in [
        json!({"jwk": attacker.bare_jwk()}),
        json!({"jku": "https://attacker.example/jwks.json"}),
        json!({"x5u": "https://attacker.example/cert.pem"}),
        json!({"x5c": [cert_b64]}),
    ] {
        for kid in [json!("real"), serde_json::Value::Null] {
            let mut h = json!({"alg": "ES256"});
            h.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            if !kid.is_null() {
                h["kid"] = kid.clone();
            }
            let token = kit::encode(&h, &claims(), &attacker);
            assert_eq!(reason(verify(&token, &set, &Policy::new(), now())), "bad_signature", "{extra}");
        }
    }
}

#[test]
fn attack_issuer_prefix_superstring_and_case() {
    let k = hs_key();
    let set = hs_set(&k);
    let policy = Policy::new().issuer("https://issuer.example");
    assert!(verify(kit::mint(&k, &claims()), &set, &policy, now()).is_ok());
    for iss in [
        "https://issuer.example.evil",
        "https://issuer.exampl",
        "https://issuer.example/",
        "HTTPS://issuer.example",
        "",
    ] {
        let mut c = claims();
        c["iss"] = json!(iss);
        assert_eq!(reason(verify(kit::mint(&k, &c), &set, &policy, now())), "invalid_issuer", "{iss}");
    }
    let mut c = claims();
    c.as_object_mut().unwrap().remove("iss");
    assert_eq!(reason(verify(kit::mint(&k, &c), &set, &policy, now())), "missing_claim");
    // One of several.
    let policy = Policy::new().issuer("https://a.example").issuer("https://issuer.example");
    assert!(verify(kit::mint(&k, &claims()), &set, &policy, now()).is_ok());
}

#[test]
fn attack_wrong_typed_exp_nbf_aud() {
    let k = hs_key();
    let set = hs_set(&k);
    let policy = Policy::new().audience("api");
    let base = || {
        let mut c = claims();
        c["aud"] = json!("api");
        c
    };
    assert!(verify(kit::mint(&k, &base()), &set, &policy, now()).is_ok());
    for (name, value) in [
        ("exp", json!("2000000000")),
        ("exp", json!(null)),
        ("exp", json!(1e300)),
        ("nbf", json!(true)),
        ("nbf", json!("0")),
        ("iat", json!([1])),
        ("aud", json!(123)),
        ("aud", json!(["api", 7])),
        ("aud", json!({"api": true})),
        ("iss", json!(1)),
        ("sub", json!({"id": 1})),
        ("scope", json!(["read"])),
        ("scp", json!(5)),
        ("cnf", json!("x")),
    ] {
        let mut c = base();
        c[name] = value.clone();
        let policy = if name == "iss" { policy.clone().issuer("https://issuer.example") } else { policy.clone() };
        match verify(kit::mint(&k, &c), &set, &policy, now()) {
            Err(Error::InvalidClaim { claim }) => assert_eq!(claim, name),
            other => panic!("{name}={value}: {other:?}"),
        }
    }
}

#[test]
fn attack_duplicate_members() {
    let k = hs_key();
    let set = hs_set(&k);
    let good_header = r#"{"alg":"HS256","kid":"h1"}"#;
    let cases: [(&str, String); 5] = [
        (r#"{"alg":"HS256","kid":"h1","alg":"none"}"#, claims().to_string()),
        (r#"{"alg":"HS256","kid":"h1","kid":"h1"}"#, claims().to_string()),
        (good_header, format!(r#"{{"sub":"alice","sub":"admin","exp":{}}}"#, NOW + 60)),
        (good_header, format!(r#"{{"sub":"alice","\u0073ub":"admin","exp":{}}}"#, NOW + 60)),
        (good_header, format!(r#"{{"sub":"alice","exp":{},"ext":{{"role":"a","role":"b"}}}}"#, NOW + 60)),
    ];
    for (h, p) in cases {
        let token = kit::encode_raw(h.as_bytes(), p.as_bytes(), &k);
        assert_eq!(reason(verify(&token, &set, &Policy::new(), now())), "duplicate_member", "{h} {p}");
    }
}

/// A payload number serde_json cannot represent (beyond f64 range), in a claim the verifier never
/// reads, would leave a verified token whose claims cannot be read in full: refused as malformed.
#[test]
fn attack_unrepresentable_numbers_in_unread_claims() {
    let k = hs_key();
    let set = hs_set(&k);
    let header = br#"{"alg":"HS256","kid":"h1"}"#;
    for n in ["17805E3998", "-1e400", "[1,{\"x\":1E4000}]"] {
        let payload = format!(r#"{{"sub":"alice","exp":{},"nbaupf":{n}}}"#, NOW + 60);
        let token = kit::encode_raw(header, payload.as_bytes(), &k);
        let err = verify(&token, &set, &Policy::new(), now()).unwrap_err();
        assert_eq!(err, Error::Malformed(Malformed::Json), "{payload}");
        assert_eq!(err.rejection().status(), Status::Unauthorized);
        assert_eq!(err.rejection().reason(), "malformed_token");
    }
    // Large but finite numbers are fine, and the full claim set reads back.
    let payload = format!(r#"{{"sub":"alice","exp":{},"big":1e308,"long":{}}}"#, NOW + 60, "9".repeat(40));
    let t = verify(kit::encode_raw(header, payload.as_bytes(), &k), &set, &Policy::new(), now()).unwrap();
    assert_eq!(t.claims_value().unwrap()["big"], json!(1e308));
}

#[test]
fn attack_unknown_crit_and_unencoded_payload() {
    let k = hs_key();
    let set = hs_set(&k);
    let crit = |h: serde_json::Value| verify(kit::encode(&h, &claims(), &k), &set, &Policy::new(), now());
    assert_eq!(reason(crit(json!({"alg":"HS256","kid":"h1","crit":["exp"],"exp":1}))), "unsupported_crit");
    assert_eq!(reason(crit(json!({"alg":"HS256","kid":"h1","crit":["http://x"]}))), "unsupported_crit");
    assert_eq!(reason(crit(json!({"alg":"HS256","kid":"h1","crit":[]}))), "unsupported_crit");
    assert_eq!(reason(crit(json!({"alg":"HS256","kid":"h1","crit":"exp"}))), "unsupported_crit");
    assert_eq!(reason(crit(json!({"alg":"HS256","kid":"h1","b64":false,"crit":["b64"]}))), "unencoded_payload");
    // A declared extension is accepted when present.
    let policy = Policy::new().understand_crit("exp");
    let token = kit::encode(&json!({"alg":"HS256","kid":"h1","crit":["exp"],"exp":1}), &claims(), &k);
    assert!(verify(&token, &set, &policy, now()).is_ok());
}

#[test]
fn attack_non_canonical_base64() {
    let k = hs_key();
    let set = hs_set(&k);
    let token = kit::mint(&k, &claims());
    let (rest, sig) = token.rsplit_once('.').unwrap();
    // 43 characters encode 32 bytes: the last character carries 2 unused bits, which must be zero.
    let last = sig.as_bytes()[sig.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.iter().position(|c| *c == last).unwrap();
    let tweaked = alphabet[(idx & !3) | ((idx + 1) & 3)] as char;
    let non_canonical = format!("{rest}.{}{tweaked}", &sig[..sig.len() - 1]);
    assert_eq!(reason(verify(&non_canonical, &set, &Policy::new(), now())), "bad_signature");
    for bad in [
        format!("{token}="),
        format!("{rest}.{sig}=="),
        token.replacen('-', "+", 1).replacen('_', "/", 1),
        format!(" {token}"),
        format!("{token}\n"),
        {
            let (h, p) = rest.split_once('.').unwrap();
            format!("{h}=.{p}.{sig}")
        },
    ] {
        if bad == token {
            continue;
        }
        assert!(verify(&bad, &set, &Policy::new(), now()).is_err(), "{bad}");
    }
    // Payload segment with non-canonical trailing bits (signature recomputed over it): make the JSON
    // length 1 mod 3 so the segment ends in a character with 4 unused bits.
    let header = b64url(br#"{"alg":"HS256","kid":"h1"}"#);
    let mut c = claims();
    let mut pad = String::new();
    loop {
        c["pad"] = json!(pad);
        if c.to_string().len() % 3 == 1 {
            break;
        }
        pad.push('x');
    }
    let mut payload = b64url(c.to_string().as_bytes());
    let last = payload.pop().unwrap();
    let i = alphabet.iter().position(|ch| *ch == last as u8).unwrap();
    assert_eq!(i & 0x0F, 0, "canonical encoding leaves the unused bits zero");
    payload.push(alphabet[i | 1] as char);
    let input = format!("{header}.{payload}");
    let forged = format!("{input}.{}", b64url(&k.sign(input.as_bytes())));
    assert_eq!(reason(verify(&forged, &set, &Policy::new(), now())), "malformed_token");
}

#[test]
fn attack_extra_or_missing_segments() {
    let k = hs_key();
    let set = hs_set(&k);
    let token = kit::mint(&k, &claims());
    let parts: Vec<&str> = token.split('.').collect();
    let r = |t: String| reason(verify(&t, &set, &Policy::new(), now()));
    assert_eq!(r(format!("{}.{}", parts[0], parts[1])), "malformed_token");
    assert_eq!(r(format!("{token}.")), "malformed_token");
    assert_eq!(r(format!("{token}.{}", parts[2])), "malformed_token");
    assert_eq!(r(format!("{}.{}.{}.{}.{}", parts[0], "a", "b", "c", "d")), "jwe_not_supported");
    assert_eq!(r(format!("{token}.x.y.z")), "malformed_token");
    assert_eq!(r(format!("{}..{}", parts[0], parts[2])), "bad_signature");
    assert_eq!(r(String::new()), "malformed_token");
    assert_eq!(r(format!(r#"{{"payload":"{}","signatures":[]}}"#, parts[1])), "malformed_token");
}

fn der_of(raw: &[u8]) -> Vec<u8> {
    fn int(b: &[u8]) -> Vec<u8> {
        let b = &b[b.iter().position(|x| *x != 0).unwrap_or(b.len() - 1)..];
        let mut v = vec![0x02];
        let pad = b[0] & 0x80 != 0;
        v.push((b.len() + usize::from(pad)) as u8);
        if pad {
            v.push(0);
        }
        v.extend_from_slice(b);
        v
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let body = [int(r), int(s)].concat();
    let mut out = vec![0x30];
    if body.len() > 127 {
        out.push(0x81);
    }
    out.push(body.len() as u8);
    out.extend(body);
    out
}

#[test]
fn attack_ecdsa_zero_and_der_signatures() {
    for (alg, len) in [(Alg::ES256, 64), (Alg::ES384, 96), (Alg::ES512, 132)] {
        let k = SigningKey::new(alg, Seed::new(5)).with_kid("e");
        let set = KeySet::from_jwks(kit::jwk_set(&[&k]).as_bytes()).unwrap();
        let token = kit::mint(&k, &claims());
        let (input, sig) = token.rsplit_once('.').unwrap();
        assert!(verify(&token, &set, &Policy::new(), now()).is_ok());
        let zero = format!("{input}.{}", b64url(&vec![0u8; len]));
        assert_eq!(reason(verify(&zero, &set, &Policy::new(), now())), "bad_signature", "{alg:?} r=s=0");
        let raw: Vec<u8> = <base64ct::Base64UrlUnpadded as base64ct::Encoding>::decode_vec(sig).unwrap();
        let der = format!("{input}.{}", b64url(&der_of(&raw)));
        assert_eq!(reason(verify(&der, &set, &Policy::new(), now())), "bad_signature", "{alg:?} DER");
    }
}

#[test]
fn attack_oversize_and_deeply_nested_input() {
    let k = hs_key();
    let set = hs_set(&k);
    let mut c = claims();
    c["blob"] = json!("x".repeat(9000));
    assert_eq!(reason(verify(kit::mint(&k, &c), &set, &Policy::new(), now())), "token_too_large");
    let huge_header = json!({"alg": "HS256", "kid": "h1", "pad": "p".repeat(1200)});
    assert_eq!(
        reason(verify(kit::encode(&huge_header, &claims(), &k), &set, &Policy::new(), now())),
        "token_too_large"
    );
    let nested = format!(r#"{{"sub":"a","exp":{},"deep":{}1{}}}"#, NOW + 60, "[".repeat(100), "]".repeat(100));
    let token = kit::encode_raw(br#"{"alg":"HS256","kid":"h1"}"#, nested.as_bytes(), &k);
    assert_eq!(reason(verify(&token, &set, &Policy::new(), now())), "json_too_deep");
    let nested_obj = format!(r#"{{"exp":{},"d":{}1{}}}"#, NOW + 60, r#"{"a":"#.repeat(20), "}".repeat(20));
    let token = kit::encode_raw(br#"{"alg":"HS256","kid":"h1"}"#, nested_obj.as_bytes(), &k);
    assert_eq!(reason(verify(&token, &set, &Policy::new(), now())), "json_too_deep");
}

#[test]
fn attack_typ_confusion() {
    let k = hs_key();
    let set = hs_set(&k);
    let with_typ = |typ: &str| kit::encode(&json!({"alg":"HS256","kid":"h1","typ":typ}), &claims(), &k);
    assert!(verify(with_typ("JWT"), &set, &Policy::new(), now()).is_ok());
    assert!(verify(with_typ("application/jwt"), &set, &Policy::new(), now()).is_ok());
    for t in ["dpop+jwt", "at+jwt", "secevent+jwt", "JOSE", "jwt+x"] {
        assert_eq!(reason(verify(with_typ(t), &set, &Policy::new(), now())), "invalid_type", "{t}");
    }
    let at = Policy::new().typ(TypPolicy::Exact("at+jwt".into()));
    assert!(verify(with_typ("application/AT+JWT"), &set, &at, now()).is_ok());
    assert_eq!(reason(verify(with_typ("JWT"), &set, &at, now())), "invalid_type");
    let untyped = kit::encode(&json!({"alg":"HS256","kid":"h1"}), &claims(), &k);
    assert_eq!(reason(verify(&untyped, &set, &at, now())), "invalid_type");
    assert!(verify(&untyped, &set, &Policy::new(), now()).is_ok());
}

#[test]
fn attack_dpop_bound_token_presented_as_bearer() {
    let k = hs_key();
    let set = hs_set(&k);
    let mut c = claims();
    c["cnf"] = json!({"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"});
    let token = kit::mint(&k, &c);
    let e = verify(&token, &set, &Policy::new(), now()).unwrap_err();
    assert_eq!(e, Error::DpopBoundTokenAsBearer);
    assert_eq!(e.rejection().status(), Status::Unauthorized);
    assert!(verify(&token, &set, &Policy::new().presentation(Presentation::Dpop), now()).is_ok());
}

#[test]
fn signature_is_checked_before_any_claim() {
    let k = hs_key();
    let set = hs_set(&k);
    let mut c = claims();
    c["exp"] = json!("not a number");
    c["iss"] = json!("https://evil.example");
    let token = kit::mint(&k, &c);
    let broken = format!("{}A", &token[..token.len() - 1]);
    let broken = if broken == token { format!("{}B", &token[..token.len() - 1]) } else { broken };
    let policy = Policy::new().issuer("https://issuer.example");
    assert_eq!(reason(verify(&broken, &set, &policy, now())), "bad_signature");
    let wrong_key = KeySet::single(Key::hmac(Algorithm::HS256, &[9; 32]).unwrap().with_kid("h1"));
    assert_eq!(reason(verify(&token, &wrong_key, &policy, now())), "bad_signature");
}

#[test]
fn time_claims_and_leeway() {
    let k = hs_key();
    let set = hs_set(&k);
    let at = |c: serde_json::Value, p: &Policy| reason(verify(kit::mint(&k, &c), &set, p, now()));
    let p = Policy::new().leeway(30);
    assert_eq!(at(json!({"exp": NOW - 31}), &p), "expired");
    assert_eq!(at(json!({"exp": NOW - 29}), &p), "accepted");
    assert_eq!(at(json!({"exp": NOW + 60, "nbf": NOW + 31}), &p), "not_yet_valid");
    assert_eq!(at(json!({"exp": NOW + 60, "nbf": NOW + 29}), &p), "accepted");
    assert_eq!(at(json!({"exp": NOW + 60, "iat": NOW + 31}), &p), "issued_in_future");
    assert_eq!(at(json!({"sub": "a"}), &p), "missing_claim");
    assert_eq!(at(json!({"sub": "a"}), &p.clone().exp_optional()), "accepted");
    let aged = p.clone().max_age(100);
    assert_eq!(at(json!({"exp": NOW + 60, "iat": NOW - 200}), &aged), "token_too_old");
    assert_eq!(at(json!({"exp": NOW + 60, "iat": NOW - 120}), &aged), "accepted");
    assert_eq!(at(json!({"exp": NOW + 60}), &aged), "missing_claim");
    assert_eq!(at(json!({"exp": (NOW + 60) as f64 + 0.5}), &p), "accepted");
    let e = verify(kit::mint(&k, &json!({"exp": NOW - 100})), &set, &p, now()).unwrap_err();
    assert_eq!(e, Error::Expired { exp: Timestamp::from_unix(NOW - 100), now: now() });
}

#[test]
fn audience_rules() {
    let k = hs_key();
    let set = hs_set(&k);
    let with_aud = |aud: serde_json::Value| {
        let mut c = claims();
        c["aud"] = aud;
        kit::mint(&k, &c)
    };
    let p = Policy::new().audience("api").audience("api2");
    assert!(verify(with_aud(json!("api")), &set, &p, now()).is_ok());
    assert!(verify(with_aud(json!(["other", "api2"])), &set, &p, now()).is_ok());
    assert_eq!(reason(verify(with_aud(json!(["other"])), &set, &p, now())), "invalid_audience");
    assert_eq!(reason(verify(with_aud(json!([])), &set, &p, now())), "invalid_audience");
    assert_eq!(reason(verify(kit::mint(&k, &claims()), &set, &p, now())), "missing_claim");
    // RFC 7519 §4.1.3: a token with an audience is refused when none is configured.
    assert_eq!(reason(verify(with_aud(json!("api")), &set, &Policy::new(), now())), "invalid_audience");
}

#[test]
fn scopes_required_claims_subject_and_hook() {
    let k = hs_key();
    let set = hs_set(&k);
    let mut c = claims();
    c["scope"] = json!("read write");
    c["scp"] = json!(["admin"]);
    c["tenant"] = json!("t1");
    let token = kit::mint(&k, &c);
    let p = Policy::new().require_scopes("read admin").unwrap();
    let t = verify(&token, &set, &p, now()).unwrap();
    assert_eq!(t.scopes().iter().collect::<Vec<_>>(), ["admin", "read", "write"]);
    let e = verify(&token, &set, &Policy::new().require_scopes("delete").unwrap(), now()).unwrap_err();
    assert_eq!(e.reason(), "insufficient_scope");
    let r = e.rejection();
    assert_eq!(r.status(), Status::Forbidden);
    assert_eq!(r.required_scope(), Some("delete"));
    assert!(verify(&token, &set, &Policy::new().require_claim("tenant"), now()).is_ok());
    assert_eq!(reason(verify(&token, &set, &Policy::new().require_claim("org"), now())), "missing_claim");
    assert!(verify(&token, &set, &Policy::new().subject("alice"), now()).is_ok());
    assert_eq!(reason(verify(&token, &set, &Policy::new().subject("bob"), now())), "invalid_subject");
    let hook = Policy::new().validate_with(|t| {
        let v = t.claims_value().map_err(|_| "bad_claims")?;
        if v["tenant"] == "t1" { Ok(()) } else { Err("wrong_tenant") }
    });
    assert!(verify(&token, &set, &hook, now()).is_ok());
    let mut c2 = c.clone();
    c2["tenant"] = json!("t2");
    assert_eq!(reason(verify(kit::mint(&k, &c2), &set, &hook, now())), "wrong_tenant");
    let mut bad_scope = claims();
    bad_scope["scope"] = json!("read  write");
    assert_eq!(reason(verify(kit::mint(&k, &bad_scope), &set, &Policy::new(), now())), "invalid_claim");
}

#[test]
fn replay_guard_on_jti() {
    let k = hs_key();
    let set = hs_set(&k);
    let guard = Arc::new(MemoryReplayGuard::new(100));
    let p = Policy::new().replay_guard(guard);
    let mut c = claims();
    c["jti"] = json!("id-1");
    let token = kit::mint(&k, &c);
    assert!(verify(&token, &set, &p, now()).is_ok());
    assert_eq!(reason(verify(&token, &set, &p, now())), "replayed");
    assert_eq!(reason(verify(kit::mint(&k, &claims()), &set, &p, now())), "missing_claim");
}

#[test]
fn key_selection_unknown_ambiguous_and_try_all() {
    let a = SigningKey::new(Alg::HS256, Seed::new(10)).with_kid("a");
    let b = SigningKey::new(Alg::HS256, Seed::new(11)).with_kid("b");
    let set = KeySet::from_jwks(kit::jwk_set(&[&a, &b]).as_bytes()).unwrap();
    assert!(verify(kit::mint(&a, &claims()), &set, &Policy::new(), now()).is_ok());
    let c = SigningKey::new(Alg::HS256, Seed::new(12)).with_kid("c");
    let e = verify(kit::mint(&c, &claims()), &set, &Policy::new(), now()).unwrap_err();
    assert_eq!(e, Error::UnknownKey);
    assert_eq!(e.rejection().reason(), "unknown_key");
    let no_kid = kit::encode(&json!({"alg": "HS256"}), &claims(), &b);
    assert_eq!(reason(verify(&no_kid, &set, &Policy::new(), now())), "ambiguous_key");
    assert!(verify(&no_kid, &set, &Policy::new().try_all_keys(), now()).is_ok());
    let stranger = kit::encode(&json!({"alg": "HS256"}), &claims(), &c);
    assert_eq!(reason(verify(&stranger, &set, &Policy::new().try_all_keys(), now())), "bad_signature");
    // Algorithm allow-list and key binding.
    assert_eq!(
        reason(verify(kit::mint(&a, &claims()), &set, &Policy::new().algorithms(&[Algorithm::RS256]), now())),
        "algorithm_not_allowed"
    );
    let a384 = a.as_alg(Alg::HS384);
    assert_eq!(reason(verify(kit::mint(&a384, &claims()), &set, &Policy::new(), now())), "algorithm_not_allowed");
    // A PEM key without kid serves tokens that carry a kid.
    let r = SigningKey::new(Alg::RS256, Seed::new(1)).with_kid("rotated-2024");
    let pem_set = KeySet::single(Key::from_pem(r.spki_pem().unwrap().as_bytes(), Some(Algorithm::RS256)).unwrap());
    assert!(verify(kit::mint(&r, &claims()), &pem_set, &Policy::new(), now()).is_ok());
    let ps = r.as_alg(Alg::PS256);
    assert_eq!(reason(verify(kit::mint(&ps, &claims()), &pem_set, &Policy::new(), now())), "unknown_key");
}

#[test]
fn typed_claims_standard_claims_and_identity() {
    #[derive(serde::Deserialize)]
    struct Mine {
        sub: String,
        tenant: String,
    }
    let k = hs_key();
    let set = hs_set(&k);
    let mut c = claims();
    c["tenant"] = json!("t9");
    c["scope"] = json!("read");
    c["client_id"] = json!("app-1");
    c["aud"] = json!(["x", "y"]);
    let token = kit::mint(&k, &c);
    let p = Policy::new().audience("y");
    let (t, mine): (_, Mine) = verify_as(&token, &set, &p, now()).unwrap();
    assert_eq!((mine.sub.as_str(), mine.tenant.as_str()), ("alice", "t9"));
    let std: StandardClaims = t.claims().unwrap();
    assert_eq!(std.sub.as_deref(), Some("alice"));
    assert_eq!(std.extra["tenant"], "t9");
    assert_eq!(t.audiences(), ["x", "y"]);
    let id = t.identity();
    assert_eq!(id.subject, "alice");
    assert!(id.scopes.contains("read"));
    assert_eq!(id.expires_at, Some(Timestamp::from_unix(NOW + 600)));
    assert_eq!(id.attributes["client_id"], "app-1");
    assert_eq!(id.attributes["kid"], "h1");
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Strict {
        tenant: u32,
    }
    assert_eq!(t.claims::<Strict>().unwrap_err().reason(), "invalid_claim");
}

#[test]
fn rfc9068_profile() {
    let k = SigningKey::new(Alg::ES256, Seed::new(20)).with_kid("as");
    let set = KeySet::from_jwks(kit::jwk_set(&[&k]).as_bytes()).unwrap();
    let p = Policy::rfc9068("https://issuer.example", "https://api.example");
    let c = json!({"iss": "https://issuer.example", "aud": "https://api.example", "sub": "u", "client_id": "c",
        "iat": NOW, "exp": NOW + 60, "jti": "j1", "scope": "read"});
    let at = |claims: &serde_json::Value, typ: &str| {
        kit::encode(&json!({"alg": "ES256", "kid": "as", "typ": typ}), claims, &k)
    };
    assert!(verify(at(&c, "at+jwt"), &set, &p, now()).is_ok());
    assert!(verify(at(&c, "application/at+jwt"), &set, &p, now()).is_ok());
    assert_eq!(reason(verify(at(&c, "JWT"), &set, &p, now())), "invalid_type");
    for missing in ["sub", "client_id", "iat", "jti", "exp", "aud", "iss"] {
        let mut c2 = c.clone();
        c2.as_object_mut().unwrap().remove(missing);
        assert_eq!(reason(verify(at(&c2, "at+jwt"), &set, &p, now())), "missing_claim", "{missing}");
    }
    // HMAC-signed access tokens are refused by the profile.
    let h = hs_key();
    let hset = hs_set(&h);
    let token = kit::encode(&json!({"alg": "HS256", "kid": "h1", "typ": "at+jwt"}), &c, &h);
    assert_eq!(reason(verify(&token, &hset, &p, now())), "algorithm_not_allowed");
}

#[test]
fn certificate_bound_tokens_rfc8705() {
    let k = hs_key();
    let set = hs_set(&k);
    let cert_hash = [7u8; 32];
    let mut c = claims();
    c["cnf"] = json!({"x5t#S256": b64url(&cert_hash)});
    let t = verify(kit::mint(&k, &c), &set, &Policy::new(), now()).unwrap();
    assert!(t.check_certificate_binding(&cert_hash).is_ok());
    assert_eq!(t.check_certificate_binding(&[8u8; 32]).unwrap_err(), Error::CertificateBindingMismatch);
    assert_eq!(t.check_certificate_binding(&cert_hash[..31]).unwrap_err(), Error::CertificateBindingMismatch);
    let unbound = verify(kit::mint(&k, &claims()), &set, &Policy::new(), now()).unwrap();
    assert_eq!(unbound.check_certificate_binding(&cert_hash).unwrap_err(), Error::CertificateBindingMismatch);
}

#[test]
fn introspection_responses_rfc7662() {
    let p = Policy::new().issuer("https://as.example").audience("api").require_scopes("read").unwrap();
    let ok = br#"{"active":true,"iss":"https://as.example","aud":["api"],"scope":"read write","sub":"alice","client_id":"c","exp":1700000600}"#;
    let i = introspection::parse(ok, &p, now()).unwrap();
    let id = i.identity();
    assert_eq!(id.subject, "alice");
    assert!(id.scopes.contains("write"));
    for (body, why) in [
        (&br#"{"active":false}"#[..], "inactive_token"),
        (br#"{"active":"true","sub":"a"}"#, "inactive_token"),
        (br#"{"active":1}"#, "inactive_token"),
        (br#"{"sub":"a"}"#, "inactive_token"),
        (br#"{"active":true,"active":false}"#, "duplicate_member"),
        (br#"{"active":true,"iss":"https://as.example","aud":"api","scope":"read","exp":1699999000}"#, "expired"),
        (br#"{"active":true,"iss":"https://as.example","aud":"api","scope":"write"}"#, "insufficient_scope"),
        (br#"{"active":true,"iss":"https://other","aud":"api","scope":"read"}"#, "invalid_issuer"),
        (br#"{"active":true,"iss":"https://as.example","aud":"api","scope":"read","exp":"soon"}"#, "invalid_claim"),
        (
            br#"{"active":true,"iss":"https://as.example","aud":"api","scope":"read","cnf":{"jkt":"x"}}"#,
            "dpop_bound_token",
        ),
        (b"not json", "malformed_token"),
    ] {
        assert_eq!(
            introspection::parse(body, &p, now()).unwrap_err().reason(),
            why,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn dpop_proofs_rfc9449() {
    let client = SigningKey::new(Alg::ES256, Seed::new(30));
    let as_key = hs_key();
    let set = hs_set(&as_key);
    let mut c = claims();
    c["cnf"] = json!({"jkt": kit::thumbprint(&client)});
    let access = kit::mint(&as_key, &c);
    let token = verify(&access, &set, &Policy::new().presentation(Presentation::Dpop), now()).unwrap();
    let uri = "https://api.example/items";
    let req = DpopRequest { method: "GET", uri, access_token: Some(&access), nonce: None };
    let guard = Arc::new(MemoryReplayGuard::new(100));
    let policy = DpopPolicy { replay: Some(guard), ..DpopPolicy::default() };
    let proof = kit::dpop_proof(&client, "GET", "https://api.example/items?page=2", NOW, "p-1", Some(&access));
    let verified = dpop::verify_proof(&proof, &req, &policy, now()).unwrap();
    assert_eq!(verified.thumbprint, kit::thumbprint(&client));
    assert!(dpop::check_binding(&token, &verified).is_ok());
    // Replay of the same proof.
    assert_eq!(dpop::verify_proof(&proof, &req, &policy, now()).unwrap_err().reason(), "replayed");

    let fresh = DpopPolicy::default();
    let check = |proof: &str, req: &DpopRequest<'_>| dpop::verify_proof(proof, req, &fresh, now()).map(|_| ());
    let fail = |f: DpopFailure| Err(Error::InvalidDpopProof(f));
    assert_eq!(check(&kit::dpop_proof(&client, "POST", uri, NOW, "p", Some(&access)), &req), fail(DpopFailure::Method));
    // RFC 9449 §7.1: a bad proof is answered with its own error code.
    let wrong_method = check(&kit::dpop_proof(&client, "POST", uri, NOW, "p", Some(&access)), &req).unwrap_err();
    let rejection = auth_core::Reject::rejection(&wrong_method);
    assert_eq!((rejection.status().code(), rejection.reason()), (401, "invalid_dpop_proof"));
    assert_eq!(rejection.error().map(auth_core::ErrorCode::as_str), Some("invalid_dpop_proof"));
    assert_eq!(
        check(&kit::dpop_proof(&client, "GET", "https://api.example/other", NOW, "p", Some(&access)), &req),
        fail(DpopFailure::Uri)
    );
    assert_eq!(
        check(&kit::dpop_proof(&client, "GET", uri, NOW - 1000, "p", Some(&access)), &req),
        fail(DpopFailure::Time)
    );
    assert_eq!(
        check(&kit::dpop_proof(&client, "GET", uri, NOW + 100, "p", Some(&access)), &req),
        fail(DpopFailure::Time)
    );
    assert_eq!(
        check(&kit::dpop_proof(&client, "GET", uri, NOW, "p", Some("other-token")), &req),
        fail(DpopFailure::AccessTokenHash)
    );
    assert_eq!(check(&kit::dpop_proof(&client, "GET", uri, NOW, "p", None), &req), fail(DpopFailure::AccessTokenHash));
    // Wrong typ, symmetric alg, private key in the header jwk, a jwk that is not the signer.
    let claims_ok = json!({"jti": "p", "htm": "GET", "htu": uri, "iat": NOW});
    let typ_jwt = kit::encode(&json!({"typ": "JWT", "alg": "ES256", "jwk": client.bare_jwk()}), &claims_ok, &client);
    assert_eq!(check(&typ_jwt, &DpopRequest { access_token: None, ..req }), fail(DpopFailure::Type));
    let hs = SigningKey::new(Alg::HS256, Seed::new(1));
    let hs_proof = kit::encode(&json!({"typ": "dpop+jwt", "alg": "HS256", "jwk": hs.bare_jwk()}), &claims_ok, &hs);
    assert_eq!(check(&hs_proof, &DpopRequest { access_token: None, ..req }), fail(DpopFailure::Algorithm));
    let mut private = client.bare_jwk();
    private["d"] = json!("AAAA");
    let with_d = kit::encode(&json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": private}), &claims_ok, &client);
    assert_eq!(check(&with_d, &DpopRequest { access_token: None, ..req }), fail(DpopFailure::Key));
    let other = SigningKey::new(Alg::ES256, Seed::new(31));
    let swapped =
        kit::encode(&json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": other.bare_jwk()}), &claims_ok, &client);
    assert_eq!(check(&swapped, &DpopRequest { access_token: None, ..req }), fail(DpopFailure::Signature));
    // A proof by another key does not match the token's binding.
    let other_proof = kit::dpop_proof(&other, "GET", uri, NOW, "p-2", Some(&access));
    let v = dpop::verify_proof(&other_proof, &req, &fresh, now()).unwrap();
    assert_eq!(dpop::check_binding(&token, &v), fail(DpopFailure::KeyBinding));
    // A server-issued nonce must come back.
    let with_nonce = DpopRequest { access_token: None, nonce: Some("n-1"), ..req };
    let no_nonce = kit::dpop_proof(&client, "GET", uri, NOW, "p-n", None);
    assert_eq!(check(&no_nonce, &with_nonce), fail(DpopFailure::Nonce));
    let nonced = kit::encode(
        &json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": client.bare_jwk()}),
        &json!({"jti": "p-n2", "htm": "GET", "htu": uri, "iat": NOW, "nonce": "n-1"}),
        &client,
    );
    assert!(check(&nonced, &with_nonce).is_ok());
    // Every asymmetric algorithm can sign proofs.
    for alg in [Alg::RS256, Alg::PS384, Alg::ES384, Alg::ES512, Alg::EdDSA] {
        let k = SigningKey::new(alg, Seed::new(40));
        let p = kit::dpop_proof(&k, "GET", uri, NOW, "p-3", None);
        let v = dpop::verify_proof(&p, &DpopRequest { access_token: None, ..req }, &fresh, now()).unwrap();
        assert_eq!(v.thumbprint, kit::thumbprint(&k), "{alg:?}");
    }
}

#[test]
fn weak_and_vulnerable_keys_are_refused_at_load() {
    assert_eq!(Key::hmac(Algorithm::HS256, &[1; 16]).unwrap_err(), Error::InvalidKey(KeyProblem::TooWeak));
    let short = format!(r#"{{"kty":"oct","alg":"HS512","k":"{}"}}"#, b64url(&[1; 32]));
    assert_eq!(Key::from_jwk(short.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::TooWeak));
    assert_eq!(KeySet::from_jwks(b"{\"keys\":[").unwrap_err().reason(), "malformed_token");
    assert_eq!(
        Key::from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", None).unwrap_err().reason(),
        "invalid_key"
    );
    let es = SigningKey::new(Alg::ES256, Seed::new(1));
    assert_eq!(
        Key::from_pem(es.spki_pem().unwrap().as_bytes(), Some(Algorithm::RS256)).unwrap_err(),
        Error::InvalidKey(KeyProblem::AlgorithmMismatch)
    );
}

#[test]
fn header_memo_never_changes_an_outcome() {
    let k = hs_key();
    let set = hs_set(&k);
    // A header with `crit` is not memoized: another policy still refuses it after a success.
    let token = kit::encode(&json!({"alg":"HS256","kid":"h1","crit":["exp"],"exp":1}), &claims(), &k);
    assert!(verify(&token, &set, &Policy::new().understand_crit("exp"), now()).is_ok());
    assert_eq!(reason(verify(&token, &set, &Policy::new(), now())), "unsupported_crit");
    // A memoized header still goes through the policy's algorithm list and the signature check.
    let plain = kit::mint(&k, &claims());
    assert!(verify(&plain, &set, &Policy::new(), now()).is_ok());
    assert_eq!(
        reason(verify(&plain, &set, &Policy::new().algorithms(&[Algorithm::HS512]), now())),
        "algorithm_not_allowed"
    );
    let (input, _) = plain.rsplit_once('.').unwrap();
    let forged = format!("{input}.{}", b64url(&[0u8; 32]));
    assert_eq!(reason(verify(&forged, &set, &Policy::new(), now())), "bad_signature");
    // Headers of tokens that failed are never memoized: a fresh set sees the same outcome twice.
    let other = SigningKey::new(Alg::HS256, Seed::new(99)).with_kid("h1");
    let bad = kit::mint(&other, &claims());
    assert_eq!(reason(verify(&bad, &set, &Policy::new(), now())), "bad_signature");
    assert_eq!(reason(verify(&bad, &set, &Policy::new(), now())), "bad_signature");
}

#[test]
fn shared_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KeySet>();
    assert_send_sync::<Key>();
    assert_send_sync::<Policy>();
    assert_send_sync::<auth_jwt::VerifiedToken>();
    assert_send_sync::<DpopPolicy>();
}
