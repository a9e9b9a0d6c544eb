//! The `authv` command-line contract: flags, JSON Lines output and exit codes, for every subcommand.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use auth_testkit::{Seed, hmac as tk_hmac, jwt as tk_jwt, mtls as tk_mtls};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOW: i64 = 1_780_272_000; // inside the testkit's certificate validity

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> Vec<Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"))).collect()
    }

    /// A usage error: exit 2, one line on stderr, nothing on stdout.
    fn assert_usage_error(&self) {
        assert_eq!(self.code, 2, "stdout {} stderr {}", self.stdout, self.stderr);
        assert!(self.stdout.is_empty(), "stdout not empty: {}", self.stdout);
        assert_eq!(self.stderr.trim_end().lines().count(), 1, "stderr: {}", self.stderr);
        assert!(self.stderr.starts_with("authv: "), "{}", self.stderr);
    }
}

fn authv(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authv"));
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p: PathBuf = self.0.path().join(name);
        std::fs::write(&p, contents).unwrap();
        p.to_str().unwrap().to_owned()
    }
    fn path(&self, name: &str) -> String {
        self.0.path().join(name).to_str().unwrap().to_owned()
    }
}

fn rejected(v: &Value, status: u64, error: &str, reason: &str) {
    assert_eq!(v["ok"], json!(false), "{v}");
    assert_eq!(v["status"], json!(status), "{v}");
    assert_eq!(v["error"], json!(error), "{v}");
    assert_eq!(v["reason"], json!(reason), "{v}");
    assert!(v["scheme"].is_string());
}

// ----------------------------------------------------------------------------------------------- jwt

fn claims(exp: i64, scope: &str) -> Value {
    json!({"iss": "https://issuer.test", "aud": "api", "sub": "alice", "exp": exp, "iat": NOW - 10, "scope": scope})
}

#[test]
fn jwt_accepts_rejects_and_keeps_order() {
    let d = Dir::new();
    let key = tk_jwt::SigningKey::new(tk_jwt::Alg::ES256, Seed::new(1)).with_kid("k1");
    let jwks = d.file("jwks.json", tk_jwt::jwk_set(&[&key]));
    let good = d.file("good.jwt", format!("  {}\n", tk_jwt::mint(&key, &claims(NOW + 600, "read write"))));
    let expired = d.file("expired.jwt", tk_jwt::mint(&key, &claims(NOW - 600, "read")));
    let narrow = d.file("narrow.jwt", tk_jwt::mint(&key, &claims(NOW + 600, "profile")));
    let now = NOW.to_string();
    let base = ["jwt", "verify", "--jwks", &jwks, "--iss", "https://issuer.test", "--aud", "api", "--now", &now];

    let r = authv(&[&base[..], &[good.as_str()]].concat(), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = &r.lines()[0];
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["scheme"], json!("jwt"));
    assert_eq!(v["subject"], json!("alice"));
    assert_eq!(v["scopes"], json!(["read", "write"]));
    assert_eq!(v["claims"]["iss"], json!("https://issuer.test"));

    let r = authv(&[&base[..], &["--scope", "read", good.as_str(), expired.as_str(), narrow.as_str()]].concat(), None);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["ok"], json!(true));
    rejected(&lines[1], 401, "invalid_token", "expired");
    rejected(&lines[2], 403, "insufficient_scope", "insufficient_scope");

    // Leeway: 60 s by default, settable.
    let late = d.file("late.jwt", tk_jwt::mint(&key, &claims(NOW - 30, "read")));
    assert_eq!(authv(&[&base[..], &[late.as_str()]].concat(), None).code, 0);
    assert_eq!(authv(&[&base[..], &["--leeway", "0", late.as_str()]].concat(), None).code, 1);

    // Wrong audience and issuer.
    let r = authv(
        &["jwt", "verify", "--jwks", &jwks, "--aud", "other", "--iss", "https://issuer.test", "--now", &now, &good],
        None,
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.lines()[0]["status"], json!(401));
    let r = authv(
        &["jwt", "verify", "--jwks", &jwks, "--aud", "api", "--iss", "https://issuer.tes", "--now", &now, &good],
        None,
    );
    assert_eq!(r.code, 1);
    // Standard input.
    let token = tk_jwt::mint(&key, &claims(NOW + 600, "read"));
    let r = authv(&[&base[..], &["-"]].concat(), Some(token.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn jwt_hmac_secret_and_pem_keys() {
    let d = Dir::new();
    let secret = vec![7u8; 32];
    let key = tk_jwt::SigningKey::hmac_with_secret(tk_jwt::Alg::HS256, &secret);
    let mut file = secret.clone();
    file.push(b'\n');
    let secret_file = d.file("secret", &file);
    let token = d.file("t.jwt", tk_jwt::mint(&key, &claims(NOW + 60, "read")));
    let now = NOW.to_string();
    let r = authv(
        &["jwt", "verify", "--secret-file", &secret_file, "--alg", "HS256", "--aud", "api", "--now", &now, &token],
        None,
    );
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    // --secret-file needs an HS algorithm.
    authv(&["jwt", "verify", "--secret-file", &secret_file, "--now", &now, &token], None).assert_usage_error();
    // A too-short secret cannot be used (RFC 7518 §3.2).
    let short = d.file("short", b"secret");
    authv(&["jwt", "verify", "--secret-file", &short, "--alg", "HS256", &token], None).assert_usage_error();
    // An RS key via PEM without --alg cannot be used: it does not name its algorithm.
    let rsa = tk_jwt::SigningKey::new(tk_jwt::Alg::RS256, Seed::new(3));
    let pem = d.file("rsa.pem", rsa.spki_pem().unwrap());
    let rs_token = d.file("rs.jwt", tk_jwt::mint(&rsa, &claims(NOW + 60, "read")));
    authv(&["jwt", "verify", "--key", &pem, "--aud", "api", &rs_token], None).assert_usage_error();
    let r = authv(&["jwt", "verify", "--key", &pem, "--alg", "RS256", "--aud", "api", "--now", &now, &rs_token], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // RS->HS confusion: the RSA public key's PEM text as an HMAC secret signs a token; the RSA key refuses it.
    let confused = tk_jwt::SigningKey::hmac_with_secret(tk_jwt::Alg::HS256, rsa.spki_pem().unwrap().as_bytes());
    let forged = d.file("forged.jwt", tk_jwt::mint(&confused, &claims(NOW + 60, "read")));
    let r = authv(&["jwt", "verify", "--key", &pem, "--alg", "RS256", "--aud", "api", "--now", &now, &forged], None);
    assert_eq!(r.code, 1);
    rejected(&r.lines()[0], 401, "invalid_token", "algorithm_not_allowed");
}

#[test]
fn jwt_malformed_inputs_are_rejections_not_crashes() {
    let d = Dir::new();
    let key = tk_jwt::SigningKey::new(tk_jwt::Alg::EdDSA, Seed::new(2));
    let jwks = d.file("jwks.json", tk_jwt::jwk_set(&[&key]));
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"a.b".to_vec(),
        b"a.b.c.d.e".to_vec(),
        vec![0xff; 100],
        vec![b'a'; 2 * 1024 * 1024],
        b"e30.e30.".to_vec(),
        "é.é.é".as_bytes().to_vec(),
    ];
    let paths: Vec<String> = inputs.iter().enumerate().map(|(i, b)| d.file(&format!("in{i}"), b)).collect();
    let mut args = vec!["jwt", "verify", "--jwks", jwks.as_str()];
    args.extend(paths.iter().map(String::as_str));
    let r = authv(&args, None);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines.len(), inputs.len());
    for l in &lines {
        assert_eq!(l["ok"], json!(false));
        assert!(l["reason"].as_str().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn jwt_usage_errors() {
    let d = Dir::new();
    let token = d.file("t", "x.y.z");
    let bad_jwks = d.file("bad.json", "{\"keys\": 5}");
    authv(&["jwt", "verify", &token], None).assert_usage_error();
    authv(&["jwt", "verify", "--jwks", &d.path("absent.json"), &token], None).assert_usage_error();
    authv(&["jwt", "verify", "--jwks", &bad_jwks, &token], None).assert_usage_error();
    authv(&["jwt", "verify", "--bogus-flag", &token], None).assert_usage_error();
    authv(&["jwt", "verify", "--secret-file", &token, "--alg", "none", &token], None).assert_usage_error();
    let key = tk_jwt::SigningKey::new(tk_jwt::Alg::ES256, Seed::new(1));
    let jwks = d.file("jwks.json", tk_jwt::jwk_set(&[&key]));
    authv(&["jwt", "verify", "--jwks", &jwks, &d.path("missing-input")], None).assert_usage_error();
    // Malformed key files of every kind.
    for (name, contents) in [
        ("garbage.pem", "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"),
        ("private.pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"),
        ("jwk.json", "{\"kty\": \"EC\", \"crv\": \"P-256\"}"),
        ("empty", ""),
    ] {
        let path = d.file(name, contents);
        authv(&["jwt", "verify", "--key", &path, "--alg", "ES256", &token], None).assert_usage_error();
    }
    authv(&["jwt", "verify", "--jwks", &jwks], None).assert_usage_error();
    authv(&["frobnicate"], None).assert_usage_error();
}

// ---------------------------------------------------------------------------------------------- hmac

fn raw_request(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: api.example\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn hmac_signed_request_and_replay() {
    let d = Dir::new();
    let secret = "a shared secret of 32 bytes!!!!!";
    let keys = d.file("keys.json", json!({"client-1": secret}).to_string());
    let body = br#"{"amount":5}"#;
    let headers =
        tk_hmac::signed_request_headers("client-1", secret.as_bytes(), "POST", "/pay?x=1", NOW, "nonce-0001", body);
    let good = d.file("good.http", raw_request("POST", "/pay?x=1", &headers, body));
    let tampered = d.file("bad.http", raw_request("POST", "/pay?x=2", &headers, body));
    let now = NOW.to_string();
    let base = ["hmac", "verify", "--scheme", "signed-request", "--keys", &keys, "--now", &now];
    // A tampered request first: it uses up nothing, so the real one still verifies, then its copy is a replay.
    let r = authv(&[&base[..], &[tampered.as_str(), good.as_str(), good.as_str()]].concat(), None);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    rejected(&lines[0], 401, "invalid_token", "bad_signature");
    assert_eq!(lines[1]["ok"], json!(true), "{}", lines[1]);
    assert_eq!(lines[1]["subject"], json!("client-1"));
    rejected(&lines[2], 401, "invalid_token", "replayed");
    // Outside the window, in both directions.
    let later = (NOW + 301).to_string();
    let r = authv(&["hmac", "verify", "--scheme", "signed-request", "--keys", &keys, "--now", &later, &good], None);
    assert_eq!(r.code, 1);
    let earlier = (NOW - 301).to_string();
    let r = authv(&["hmac", "verify", "--scheme", "signed-request", "--keys", &keys, "--now", &earlier, &good], None);
    assert_eq!(r.code, 1);
    let r = authv(
        &[
            "hmac",
            "verify",
            "--scheme",
            "signed-request",
            "--keys",
            &keys,
            "--tolerance",
            "400",
            "--now",
            &later,
            &good,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Garbage is a rejection.
    let junk = d.file("junk", b"\x00\x01 not http\r\n\r\n");
    let r = authv(&[&base[..], &[junk.as_str()]].concat(), None);
    assert_eq!(r.code, 1);
    rejected(&r.lines()[0], 400, "invalid_request", "malformed_request_line");
}

#[test]
fn hmac_webhooks() {
    let d = Dir::new();
    let now = NOW.to_string();
    let body = br#"{"event":"ping"}"#;
    let secret = d.file("secret", "whsec_stripe_like_secret\n");
    let stripe = tk_hmac::stripe_signature(&[b"whsec_stripe_like_secret"], NOW, body);
    let req = d.file("stripe.http", raw_request("POST", "/hook", &[("Stripe-Signature".into(), stripe)], body));
    let r = authv(&["hmac", "verify", "--scheme", "stripe", "--secret-file", &secret, "--now", &now, &req], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.lines()[0]["scheme"], json!("hmac"));

    let gh = tk_hmac::github_signature(b"whsec_stripe_like_secret", body);
    let req = d.file("gh.http", raw_request("POST", "/hook", &[("X-Hub-Signature-256".into(), gh)], body));
    let r = authv(&["hmac", "verify", "--scheme", "github", "--secret-file", &secret, &req], None);
    assert_eq!(r.code, 0, "{}", r.stdout);

    let (ts, sig) = tk_hmac::slack_headers(b"whsec_stripe_like_secret", NOW, body);
    let req = d.file(
        "slack.http",
        raw_request(
            "POST",
            "/hook",
            &[("X-Slack-Signature".into(), sig), ("X-Slack-Request-Timestamp".into(), ts)],
            body,
        ),
    );
    let r = authv(&["hmac", "verify", "--scheme", "slack", "--secret-file", &secret, "--now", &now, &req], None);
    assert_eq!(r.code, 0, "{}", r.stdout);

    let key = [9u8; 24];
    let whsec = d.file("whsec", tk_hmac::standard_webhooks_secret(&key));
    let (id, ts, sig) = tk_hmac::standard_webhooks_headers(&key, "msg_1", NOW, body);
    let req = d.file(
        "sw.http",
        raw_request(
            "POST",
            "/hook",
            &[("webhook-id".into(), id), ("webhook-timestamp".into(), ts), ("webhook-signature".into(), sig)],
            body,
        ),
    );
    let r = authv(
        &["hmac", "verify", "--scheme", "standard-webhooks", "--secret-file", &whsec, "--now", &now, &req, &req],
        None,
    );
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines[0]["ok"], json!(true), "{}", lines[0]);
    rejected(&lines[1], 401, "invalid_token", "replayed");
}

#[test]
fn hmac_sigv4_and_rfc9421() {
    let d = Dir::new();
    let keys = d.file("aws.json", json!({"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}).to_string());
    let p = tk_hmac::SigV4Params {
        access_key_id: "AKIDEXAMPLE",
        secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "service",
        amz_date: "20260601T000000Z",
        session_token: None,
    };
    let (target, headers) =
        tk_hmac::sigv4_header_request(&p, "GET", "example.amazonaws.com", "/a", &[("b", "c")], &[], b"");
    let mut raw = format!("GET {target} HTTP/1.1\r\n").into_bytes();
    for (k, v) in &headers {
        raw.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    let req = d.file("sigv4.http", &raw);
    let now = "1780272000"; // 2026-06-01T00:00:00Z
    let r = authv(&["hmac", "verify", "--scheme", "sigv4", "--keys", &keys, "--now", now, &req], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.lines()[0]["subject"], json!("AKIDEXAMPLE"));
    let r = authv(
        &["hmac", "verify", "--scheme", "sigv4", "--keys", &keys, "--region", "eu-west-1", "--now", now, &req],
        None,
    );
    assert_eq!(r.code, 1);
    let r = authv(&["hmac", "verify", "--scheme", "sigv4", "--keys", &keys, "--now", "1780274000", &req], None);
    assert_eq!(r.code, 1, "past the 900 s skew");

    let secret = [5u8; 32];
    let jwks = d.file(
        "jwks.json",
        json!({"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": tk_jwt::b64url(&secret)}]}).to_string(),
    );
    let created = NOW.to_string();
    let params = format!(";created={created};keyid=\"k1\";alg=\"hmac-sha256\"");
    let input = tk_hmac::Rfc9421Input {
        label: "sig1",
        components: &[("\"@method\"", "POST"), ("\"@path\"", "/foo")],
        params: &params,
    };
    let (sig_input, sig) = input.sign_hmac_sha256(&secret);
    let req = d.file(
        "9421.http",
        raw_request("POST", "/foo", &[("Signature-Input".into(), sig_input), ("Signature".into(), sig)], b"{}"),
    );
    let r = authv(&["hmac", "verify", "--scheme", "rfc9421", "--jwks", &jwks, "--now", &created, &req], None);
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.lines()[0]["subject"], json!("k1"));
}

#[test]
fn hmac_usage_errors() {
    let d = Dir::new();
    let req = d.file("r.http", raw_request("GET", "/", &[], b""));
    authv(&["hmac", "verify", "--scheme", "signed-request", &req], None).assert_usage_error();
    authv(&["hmac", "verify", "--scheme", "nope", "--keys", &req, &req], None).assert_usage_error();
    authv(&["hmac", "verify", "--keys", &req, &req], None).assert_usage_error();
    let not_json = d.file("keys.json", "client-1: secret");
    authv(&["hmac", "verify", "--scheme", "signed-request", "--keys", &not_json, &req], None).assert_usage_error();
    let wrong_shape = d.file("keys2.json", "[\"a\"]");
    authv(&["hmac", "verify", "--scheme", "sigv4", "--keys", &wrong_shape, &req], None).assert_usage_error();
    let empty = d.file("empty", "\n");
    authv(&["hmac", "verify", "--scheme", "github", "--secret-file", &empty, &req], None).assert_usage_error();
    let bad_whsec = d.file("whsec", "whsec_***");
    authv(&["hmac", "verify", "--scheme", "standard-webhooks", "--secret-file", &bad_whsec, &req], None)
        .assert_usage_error();
    let bad_jwks = d.file("jwks", "{}");
    authv(&["hmac", "verify", "--scheme", "rfc9421", "--jwks", &bad_jwks, &req], None).assert_usage_error();
}

// -------------------------------------------------------------------------------------------- apikey

#[test]
fn apikey_new_then_verify() {
    let d = Dir::new();
    let now = NOW.to_string();
    let exp = (NOW + 3600).to_string();
    let r = authv(
        &["apikey", "new", "--prefix", "sk_test", "--scope", "orders:read", "--expires", &exp, "--now", &now],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = &r.lines()[0];
    let key = v["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sk_test_"));
    let record = &v["record"];
    assert!(record["id"].is_string());
    assert_eq!(record["scopes"], json!(["orders:read"]));
    assert_eq!(record["expires_at"], json!(NOW + 3600));
    assert_eq!(record["revoked"], json!(false));
    let record_text = record.to_string();
    assert!(!record_text.contains(&key));
    assert!(!record_text.contains(&key[key.len() - 20..]), "the secret part must not be stored");

    let mut revoked = record.clone();
    revoked["revoked"] = json!(true);
    let r2 = authv(&["apikey", "new", "--prefix", "sk_test", "--now", &now], None);
    let v2 = &r2.lines()[0];
    let mut rv = v2["record"].clone();
    rv["revoked"] = json!(true);
    let keys = d.file("keys.jsonl", format!("{record_text}\n{rv}\n"));
    let good = d.file("good", format!("{key}\n"));
    let other = d.file("revoked", v2["key"].as_str().unwrap());
    let typo = d.file("typo", key.replacen("sk_test", "sk_Test", 1));
    let r = authv(
        &["apikey", "verify", "--keys", &keys, "--now", &now, "--scope", "orders:read", &good, &other, &typo],
        None,
    );
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines[0]["ok"], json!(true), "{}", lines[0]);
    assert_eq!(lines[0]["scheme"], json!("apikey"));
    assert_eq!(lines[0]["scopes"], json!(["orders:read"]));
    rejected(&lines[1], 401, "invalid_token", "revoked");
    assert_eq!(lines[2]["status"], json!(401));
    // Scope and expiry.
    let r = authv(&["apikey", "verify", "--keys", &keys, "--now", &now, "--scope", "orders:write", &good], None);
    rejected(&r.lines()[0], 403, "insufficient_scope", "insufficient_scope");
    let after = (NOW + 3600).to_string();
    let r = authv(&["apikey", "verify", "--keys", &keys, "--now", &after, &good], None);
    rejected(&r.lines()[0], 401, "invalid_token", "expired");
}

#[test]
fn apikey_usage_errors() {
    let d = Dir::new();
    let input = d.file("k", "sk_test_x");
    authv(&["apikey", "new"], None).assert_usage_error();
    authv(&["apikey", "new", "--prefix", "bad prefix!"], None).assert_usage_error();
    authv(&["apikey", "verify", "--keys", &d.path("absent"), &input], None).assert_usage_error();
    let garbage = d.file("keys.jsonl", "{\"id\": 1}\n");
    authv(&["apikey", "verify", "--keys", &garbage, &input], None).assert_usage_error();
    let not_json = d.file("keys2.jsonl", "not json\n");
    authv(&["apikey", "verify", "--keys", &not_json, &input], None).assert_usage_error();
}

// ---------------------------------------------------------------------------------------------- mtls

#[test]
fn mtls_chains_allow_lists_and_forwarded_forms() {
    let d = Dir::new();
    let pki = tk_mtls::Pki::p256("cli test");
    let alice = pki.leaf(&tk_mtls::LeafSpec::client("alice").dns("alice.example"));
    let bob = pki.leaf(&tk_mtls::LeafSpec::client("bob"));
    let ca = d.file("ca.pem", pki.root_pem());
    let chain = d.file("alice.pem", alice.chain_pem());
    let bob_chain = d.file("bob.pem", bob.chain_pem());
    let allow = d.file("allow.json", json!({"cn:alice": ["read"], "alice.example": ["write"]}).to_string());
    let now = NOW.to_string();

    let r = authv(&["mtls", "verify", "--ca", &ca, "--now", &now, &chain], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = &r.lines()[0];
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["fingerprint_sha256"], json!(alice.fingerprint_hex()));
    assert_eq!(v["x5t#S256"].as_str().map(str::len), Some(43));
    assert_eq!(v["dns"], json!(["alice.example"]));
    assert_eq!(v["uris"], json!([]));

    let r = authv(&["mtls", "verify", "--ca", &ca, "--allow", &allow, "--now", &now, &chain, &bob_chain], None);
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines[0]["ok"], json!(true));
    assert_eq!(lines[0]["scopes"], json!(["read", "write"]));
    rejected(&lines[1], 403, "insufficient_scope", "identity_not_allowed");

    let pin = d.file("pin.json", json!({format!("sha256:{}", bob.fingerprint_hex()): ["admin"]}).to_string());
    let r = authv(&["mtls", "verify", "--ca", &ca, "--allow", &pin, "--now", &now, &bob_chain], None);
    assert_eq!(r.code, 0, "{}", r.stdout);

    // Expired and untrusted.
    let later = tk_mtls::AFTER_EXPIRY.as_unix().to_string();
    let r = authv(&["mtls", "verify", "--ca", &ca, "--now", &later, &chain], None);
    rejected(&r.lines()[0], 401, "invalid_token", "expired");
    let other = d.file("other.pem", tk_mtls::Pki::p256("other").root_pem());
    let r = authv(&["mtls", "verify", "--ca", &other, "--now", &now, &chain], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.lines()[0]["status"], json!(401));

    // Forwarded by a proxy.
    let forms = [
        ("nginx", tk_mtls::proxy::nginx_escaped_cert(&alice)),
        ("alb", tk_mtls::proxy::alb_clientcert(&alice)),
        ("xfcc", format!("By=spiffe://a/b;Hash=00,{}", tk_mtls::proxy::xfcc_element(&alice, "CN=alice"))),
        ("rfc9440", tk_mtls::proxy::rfc9440_cert(&alice.der)),
    ];
    let inter = d.file("inter.pem", tk_mtls::pem_cert(&pki.intermediate.der()));
    for (kind, value) in forms {
        let input = d.file(&format!("{kind}.txt"), &value);
        let r = authv(
            &["mtls", "verify", "--ca", &ca, "--intermediates", &inter, "--forwarded", kind, "--now", &now, &input],
            None,
        );
        assert_eq!(r.code, 0, "{kind}: {}", r.stdout);
        assert_eq!(r.lines()[0]["fingerprint_sha256"], json!(alice.fingerprint_hex()), "{kind}");
    }
    let chain_header = d.file("chain.txt", tk_mtls::proxy::rfc9440_chain(&alice.intermediates));
    let input = d.file("cc.txt", tk_mtls::proxy::rfc9440_cert(&alice.der));
    let r = authv(
        &[
            "mtls",
            "verify",
            "--ca",
            &ca,
            "--forwarded",
            "rfc9440",
            "--chain-header",
            &chain_header,
            "--now",
            &now,
            &input,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let junk = d.file("junk.txt", "%%%not a cert");
    let r = authv(&["mtls", "verify", "--ca", &ca, "--forwarded", "nginx", "--now", &now, &junk], None);
    assert_eq!(r.code, 1);
}

#[test]
fn mtls_spiffe_mode() {
    let d = Dir::new();
    let pki = tk_mtls::Pki::p256("spiffe test");
    let svid = pki.leaf(&tk_mtls::LeafSpec::spiffe("spiffe://prod.example/ns/pay/sa/api"));
    let plain = pki.leaf(&tk_mtls::LeafSpec::client("alice"));
    let ca = d.file("ca.pem", pki.root_pem());
    let svid_pem = d.file("svid.pem", svid.chain_pem());
    let plain_pem = d.file("plain.pem", plain.chain_pem());
    let allow = d.file("allow.json", json!({"spiffe://prod.example/ns/pay/sa/api": ["payments"]}).to_string());
    let now = NOW.to_string();
    let r = authv(
        &["mtls", "verify", "--spiffe", "--ca", &ca, "--allow", &allow, "--now", &now, &svid_pem, &plain_pem],
        None,
    );
    assert_eq!(r.code, 1);
    let lines = r.lines();
    assert_eq!(lines[0]["ok"], json!(true), "{}", lines[0]);
    assert_eq!(lines[0]["subject"], json!("spiffe://prod.example/ns/pay/sa/api"));
    assert_eq!(lines[0]["scopes"], json!(["payments"]));
    assert_eq!(lines[0]["uris"], json!(["spiffe://prod.example/ns/pay/sa/api"]));
    rejected(&lines[1], 401, "invalid_token", "spiffe_uri_san_count");
}

#[test]
fn mtls_revocation_and_usage_errors() {
    let d = Dir::new();
    let pki = tk_mtls::Pki::p256("crl test");
    let alice = pki.leaf(&tk_mtls::LeafSpec::client("alice").serial(77));
    let ca = d.file("ca.pem", pki.root_pem());
    let chain = d.file("alice.pem", alice.chain_pem());
    let crl = pki.intermediate.crl(&[77], tk_mtls::NOT_BEFORE, tk_mtls::NOT_AFTER);
    let crl_file = d.file("crl.der", crl.der.as_ref());
    let now = NOW.to_string();
    let r = authv(&["mtls", "verify", "--ca", &ca, "--crl", &crl_file, "--now", &now, &chain], None);
    rejected(&r.lines()[0], 401, "invalid_token", "revoked");

    let input = d.file("x", "x");
    authv(&["mtls", "verify", &input], None).assert_usage_error();
    authv(&["mtls", "verify", "--ca", &d.path("absent"), &input], None).assert_usage_error();
    let not_pem = d.file("ca2.pem", "hello");
    authv(&["mtls", "verify", "--ca", &not_pem, &input], None).assert_usage_error();
    let bad_allow = d.file("allow.json", "[1,2]");
    authv(&["mtls", "verify", "--ca", &ca, "--allow", &bad_allow, &input], None).assert_usage_error();
    authv(&["mtls", "verify", "--ca", &ca, "--forwarded", "haproxy", &input], None).assert_usage_error();
    let junk = d.file("junk", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    authv(&["mtls", "verify", "--ca", &ca, "--intermediates", &junk, &input], None).assert_usage_error();
    authv(&["mtls", "verify", "--ca", &ca, "--crl", &junk, &input], None).assert_usage_error();
    let not_crl = d.file("crl.der", b"\x30\x03\x02\x01\x00");
    authv(&["mtls", "verify", "--ca", &ca, "--crl", &not_crl, &input], None).assert_usage_error();
    authv(&["mtls", "verify", "--ca", &ca, "--chain-header", &input, &input], None).assert_usage_error();
}

#[test]
fn help_is_not_an_error() {
    let r = authv(&["--help"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("jwt"));
    assert!(Path::new(env!("CARGO_BIN_EXE_authv")).exists());
}
