//! Third-party suites: RFC 7515 Appendix A, the JOSE cookbook (RFC 7520 + RFC 8037), and Wycheproof.
//!
//! The Wycheproof per-algorithm files (`ecdsa_*_p1363`, `rsa_signature_*`, `rsa_pss_*`, `ed25519`,
//! `hmac_*`) give a raw message and signature, not a JWS. They run through the algorithm layer under
//! every JWS verification: a prepared [`Key`] (loaded from the group's SPKI DER, or from the HMAC key
//! bytes) bound to the JOSE algorithm, then [`Key::verify_signature`] over the message as the signing
//! input — exactly the call `verify_jws` makes after decoding the signature segment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_core::Timestamp;
use auth_jwt::{Algorithm, Error, JwsPolicy, Key, KeySet, Policy, verify, verify_jws};
use auth_testkit::vectors::{Tally, read};
use serde_json::Value;

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn load(path: &str) -> Option<Value> {
    read(path).map(|b| serde_json::from_slice(&b).unwrap())
}

/// A JWK with its private members removed (the verifier refuses private keys by design).
fn public_part(jwk: &Value) -> Value {
    let mut j = jwk.clone();
    for m in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
        j.as_object_mut().unwrap().remove(m);
    }
    j
}

const A_PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

#[test]
fn rfc7515_appendix_a() {
    // Values transcribed from RFC 7515 Appendix A (public keys only for A.2-A.4).
    let now = Timestamp::from_unix(1_300_819_000);
    let policy = Policy::new().leeway(0);

    // A.1 HS256, a full JWT verify (typ "JWT", exp in the future at `now`).
    let a1 =
        format!("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.{A_PAYLOAD}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    let keys = KeySet::from_jwk(
        br#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    )
    .unwrap();
    let t = verify(&a1, &keys, &policy, now).unwrap();
    assert_eq!(t.issuer(), Some("joe"));
    assert_eq!(t.expires_at(), Some(Timestamp::from_unix(1_300_819_380)));
    assert_eq!(t.claims_value().unwrap()["http://example.com/is_root"], true);
    assert_eq!(verify(&a1, &keys, &policy, Timestamp::from_unix(1_300_819_380)).unwrap_err().reason(), "expired");

    // A.2 RS256.
    let a2 = format!(
        "eyJhbGciOiJSUzI1NiJ9.{A_PAYLOAD}.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
    );
    let keys = KeySet::from_jwk(br#"{"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"}"#).unwrap();
    assert_eq!(verify(&a2, &keys, &policy, now).unwrap().alg(), Algorithm::RS256);

    // A.3 ES256.
    let a3 = format!(
        "eyJhbGciOiJFUzI1NiJ9.{A_PAYLOAD}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
    );
    let keys = KeySet::from_jwk(br#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#).unwrap();
    assert_eq!(verify(&a3, &keys, &policy, now).unwrap().alg(), Algorithm::ES256);

    // A.4 ES512 over the non-JSON payload "Payload": the JWS layer.
    let a4 = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
    let keys = KeySet::from_jwk(br#"{"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"}"#).unwrap();
    let v = verify_jws(a4.as_bytes(), &keys, &JwsPolicy::default()).unwrap();
    assert_eq!(v.payload(), b"Payload");
    // A.5 (unsecured, alg "none") is refused.
    let a5 = format!("eyJhbGciOiJub25lIn0.{A_PAYLOAD}.");
    assert!(verify_jws(a5.as_bytes(), &keys, &JwsPolicy::default()).is_err());
}

#[test]
fn jose_cookbook() {
    let files = [
        "jose-cookbook/jws/4_1.rsa_v15_signature.json",
        "jose-cookbook/jws/4_2.rsa-pss_signature.json",
        "jose-cookbook/jws/4_3.ecdsa_signature.json",
        "jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
        "jose-cookbook/jws/4_5.signature_with_detached_content.json",
        "jose-cookbook/jws/4_6.protecting_specific_header_fields.json",
        "jose-cookbook/jws/4_7.protecting_content_only.json",
        "jose-cookbook/jws/4_8.multiple_signatures.json",
        "jose-cookbook/curve25519/jws.json",
    ];
    let mut tally = Tally::new("jose-cookbook (RFC 7520 §4, RFC 8037 A.4)");
    for file in files {
        let Some(doc) = load(file) else { return };
        let input = &doc["input"];
        let payload_b64 = base64ct_encode(input["payload"].as_str().unwrap().as_bytes());
        let keys: Vec<Value> = match &input["key"] {
            Value::Array(a) => a.clone(),
            k => vec![k.clone()],
        };
        let sigs: Vec<Value> = match &doc["output"]["json"]["signatures"] {
            Value::Array(a) => a.clone(),
            _ => vec![doc["output"]["json_flat"].clone()],
        };
        for (i, sig) in sigs.iter().enumerate() {
            let id = format!("{file}#{i}");
            let Some(protected) = sig["protected"].as_str() else {
                tally.skip(&id, "no protected header (alg only in the unprotected header): JWS JSON serialization only, no compact form exists");
                continue;
            };
            let compact = format!("{protected}.{payload_b64}.{}", sig["signature"].as_str().unwrap());
            let header: Value = serde_json::from_slice(&base64ct_decode(protected)).expect("cookbook header is JSON");
            let alg = header["alg"].as_str().unwrap();
            // The key for this signature: the one whose family fits `alg`.
            let kty = match &alg[..2] {
                "RS" | "PS" => "RSA",
                "ES" => "EC",
                "HS" => "oct",
                _ => "OKP",
            };
            let jwk = keys.iter().find(|k| k["kty"] == kty).expect("key for alg");
            let set = KeySet::from_jwk(public_part(jwk).to_string().as_bytes()).unwrap();
            let outcome = match verify_jws(compact.as_bytes(), &set, &JwsPolicy::default()) {
                Ok(v) if v.payload() == input["payload"].as_str().unwrap().as_bytes() => Ok(()),
                Ok(_) => Err("payload differs".to_owned()),
                Err(e) => Err(format!("rejected: {e}")),
            };
            tally.record(&id, outcome);
            // And the published compact form, when there is one, is the same token.
            if let Some(c) = doc["output"]["compact"].as_str()
                && !c.contains("..")
            {
                assert_eq!(c, compact, "{id}");
            }
        }
    }
    tally.finish();
}

fn base64ct_encode(b: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(b)
}

fn base64ct_decode(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

/// Cases whose expected result authv deliberately does not reproduce, with the reason.
fn jws_divergence(tc: u64) -> Option<&'static str> {
    match tc {
        372 | 373 => Some(
            "expects a lenient base64 decoder that skips a '?' inside the segment; RFC 7515 §2 base64url has no such character and authv's strict decoder refuses it",
        ),
        346 | 350 => Some(
            "the JWK binds the key to alg PS256 but the token is PS384; RFC 7517 §4.4 makes `alg` the key's intended algorithm, and authv refuses to use a key for another one",
        ),
        347 | 351 => Some(
            "the JWK carries alg \"ES521\", which is not a registered JWS algorithm (RFC 7518 names it ES512); strict key binding refuses a key whose alg it cannot honour",
        ),
        _ => None,
    }
}

fn keyset_from(v: &Value) -> Result<KeySet, Error> {
    if v.get("keys").is_some() {
        KeySet::from_jwks(v.to_string().as_bytes())
    } else {
        KeySet::from_jwk(v.to_string().as_bytes())
    }
}

fn run_jose_file(file: &str) {
    let Some(doc) = load(&format!("wycheproof/testvectors_v1/{file}")) else { return };
    let mut tally = Tally::new(file);
    for group in doc["testGroups"].as_array().unwrap() {
        // Asymmetric groups verify with the public key (set); symmetric ones only have the secret.
        let keys = group.get("public").or_else(|| group.get("private")).unwrap();
        let loaded = keyset_from(keys);
        let valid: Vec<(&Value, u64)> = group["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["result"] == "valid")
            .map(|t| (&t["jws"], t["tcId"].as_u64().unwrap()))
            .collect();
        for t in group["tests"].as_array().unwrap() {
            let tc = t["tcId"].as_u64().unwrap();
            let id = format!("tcId {tc} ({})", t["comment"].as_str().unwrap_or(""));
            if let Some(why) = jws_divergence(tc) {
                tally.skip(&id, why);
                continue;
            }
            if t["result"] == "invalid"
                && let Some((_, same)) = valid.iter().find(|(j, _)| **j == t["jws"])
            {
                tally.skip(
                    &id,
                    &format!("expected invalid, but the token is byte-identical to valid tcId {same} (the upstream vector lost its modification); no verifier can give both results"),
                );
                continue;
            }
            let token = match &t["jws"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let got = match &loaded {
                Ok(set) => verify_jws(token.as_bytes(), set, &JwsPolicy::default()).map(|_| ()),
                Err(e) => Err(e.clone()),
            };
            let expected_valid = t["result"] == "valid";
            let outcome = match (expected_valid, &got) {
                (true, Ok(())) | (false, Err(_)) => Ok(()),
                (true, Err(e)) => Err(format!("expected valid, got {e}")),
                (false, Ok(())) => Err("expected invalid, accepted".to_owned()),
            };
            tally.record(&id, outcome);
        }
    }
    tally.finish();
}

#[test]
fn wycheproof_json_web_signature() {
    run_jose_file("json_web_signature_test.json");
}

#[test]
fn wycheproof_json_web_key() {
    run_jose_file("json_web_key_test.json");
}

fn sha_alg(prefix: &str, sha: &str) -> Algorithm {
    let bits = match sha {
        "SHA-256" => "256",
        "SHA-384" => "384",
        "SHA-512" => "512",
        other => panic!("unexpected hash {other}"),
    };
    Algorithm::from_name(&format!("{prefix}{bits}")).unwrap()
}

/// Runs one per-algorithm file through `Key::verify_signature`.
fn run_primitive_file(file: &str, kind: &str) {
    let Some(doc) = load(&format!("wycheproof/testvectors_v1/{file}")) else { return };
    let mut tally = Tally::new(file);
    for (gi, group) in doc["testGroups"].as_array().unwrap().iter().enumerate() {
        let tests = group["tests"].as_array().unwrap();
        // The group's key (none for HMAC, whose key differs per test) and the JOSE algorithm.
        let prepared: Result<(Option<Key>, Algorithm), String> = match kind {
            "hmac" => {
                let sha = file.trim_start_matches("hmac_sha").trim_end_matches("_test.json");
                let alg = Algorithm::from_name(&format!("HS{sha}")).unwrap();
                let full = alg_bits(alg);
                if group["tagSize"].as_u64() != Some(full) {
                    for t in tests {
                        tally.skip(
                            format!("group {gi} tcId {}", t["tcId"]),
                            "truncated tag: JOSE HS* never truncates the MAC",
                        );
                    }
                    continue;
                }
                if group["keySize"].as_u64().unwrap() < full {
                    // RFC 7518 §3.2: such keys are refused at load time; assert that, then skip.
                    let k = hex(tests[0]["key"].as_str().unwrap());
                    assert!(Key::hmac(alg, &k).is_err(), "short HMAC key accepted");
                    for t in tests {
                        tally.skip(
                            format!("group {gi} tcId {}", t["tcId"]),
                            "key shorter than the hash output: refused at load (RFC 7518 §3.2), checked above",
                        );
                    }
                    continue;
                }
                Ok((None, alg))
            }
            _ => {
                let der = hex(group["publicKeyDer"].as_str().unwrap());
                let alg = match kind {
                    "ecdsa" => match group["publicKey"]["curve"].as_str().unwrap() {
                        "secp256r1" => Algorithm::ES256,
                        "secp384r1" => Algorithm::ES384,
                        _ => Algorithm::ES512,
                    },
                    "rsa" => sha_alg("RS", group["sha"].as_str().unwrap()),
                    "pss" => {
                        let alg = sha_alg("PS", group["sha"].as_str().unwrap());
                        let hash_len = alg_bits(alg) / 8;
                        if group["mgfSha"] != group["sha"] || group["sLen"].as_u64() != Some(hash_len) {
                            for t in tests {
                                tally.skip(
                                    format!("group {gi} tcId {}", t["tcId"]),
                                    "PSS parameters other than JOSE's (MGF1 with the same hash, salt = hash length)",
                                );
                            }
                            continue;
                        }
                        alg
                    }
                    _ => Algorithm::EdDSA,
                };
                Key::from_spki_der(&der, Some(alg)).map(|k| (Some(k), alg)).map_err(|e| e.to_string())
            }
        };
        for t in tests {
            let id = format!("tcId {} ({})", t["tcId"], t["comment"].as_str().unwrap_or(""));
            let msg = hex(t["msg"].as_str().unwrap());
            let got = match &prepared {
                Ok((None, alg)) => {
                    let key = Key::hmac(*alg, &hex(t["key"].as_str().unwrap())).unwrap();
                    key.verify_signature(*alg, &msg, &hex(t["tag"].as_str().unwrap()))
                }
                Ok((Some(key), alg)) => key.verify_signature(*alg, &msg, &hex(t["sig"].as_str().unwrap())),
                Err(e) => {
                    println!("  {id}: group key refused: {e}");
                    Err(Error::InvalidKey(auth_jwt::KeyProblem::Malformed))
                }
            };
            let outcome = match (t["result"].as_str().unwrap(), &got) {
                ("valid", Ok(())) | ("invalid", Err(_)) | ("acceptable", _) => Ok(()),
                ("valid", Err(e)) => Err(format!("expected valid, got {e}")),
                (r, g) => Err(format!("expected {r}, got {g:?}")),
            };
            tally.record(&id, outcome);
        }
    }
    tally.finish();
}

fn alg_bits(alg: Algorithm) -> u64 {
    match alg.name().get(2..).unwrap() {
        "256" => 256,
        "384" => 384,
        _ => 512,
    }
}

#[test]
fn wycheproof_ecdsa_p1363() {
    for f in [
        "ecdsa_secp256r1_sha256_p1363_test.json",
        "ecdsa_secp384r1_sha384_p1363_test.json",
        "ecdsa_secp521r1_sha512_p1363_test.json",
    ] {
        run_primitive_file(f, "ecdsa");
    }
}

#[test]
fn wycheproof_rsa_pkcs1() {
    for bits in ["2048", "3072", "4096"] {
        for sha in ["256", "384", "512"] {
            run_primitive_file(&format!("rsa_signature_{bits}_sha{sha}_test.json"), "rsa");
        }
    }
}

#[test]
fn wycheproof_rsa_pss() {
    for f in [
        "rsa_pss_2048_sha256_mgf1_32_test.json",
        "rsa_pss_3072_sha256_mgf1_32_test.json",
        "rsa_pss_4096_sha256_mgf1_32_test.json",
        "rsa_pss_2048_sha384_mgf1_48_test.json",
        "rsa_pss_4096_sha384_mgf1_48_test.json",
        "rsa_pss_4096_sha512_mgf1_64_test.json",
    ] {
        run_primitive_file(f, "pss");
    }
}

#[test]
fn wycheproof_ed25519() {
    run_primitive_file("ed25519_test.json", "ed25519");
}

#[test]
fn wycheproof_hmac() {
    for f in ["hmac_sha256_test.json", "hmac_sha384_test.json", "hmac_sha512_test.json"] {
        run_primitive_file(f, "hmac");
    }
}

/// The JWK suite's invalid keys are refused at load for the right reason, not by accident later.
#[test]
fn wycheproof_json_web_key_reasons() {
    let Some(doc) = load("wycheproof/testvectors_v1/json_web_key_test.json") else { return };
    let mut seen = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let keys = group.get("public").or_else(|| group.get("private")).unwrap();
        let expected = match group["comment"].as_str().unwrap() {
            "jws_rsa_roca_key" => auth_jwt::KeyProblem::Vulnerable,
            "keysize_too_small" | "exponentOne" => auth_jwt::KeyProblem::TooWeak,
            // Its second key's `k` has non-zero unused trailing bits (non-canonical base64url), which
            // refuses the set before the duplicate `kid` is reached (that rule has its own unit test).
            "jws_duplicate_kid" => auth_jwt::KeyProblem::Malformed,
            "jws_mixedSymmetryKeyset" => auth_jwt::KeyProblem::MixedKeySet,
            _ => continue,
        };
        assert_eq!(keyset_from(keys).unwrap_err(), Error::InvalidKey(expected), "{}", group["comment"]);
        seen += 1;
    }
    assert_eq!(seen, 5);
}
