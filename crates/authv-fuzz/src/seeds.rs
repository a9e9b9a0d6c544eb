//! Seed corpora minted by auth-testkit with the same fixed keys, PKI and policies as the entry points:
//! valid tokens, signed requests, keys, chains and forwarded headers, plus a few near misses.
//! `cargo xtask fuzz seed` writes them to `fuzz/corpus/<target>/seed-<name>`.

use crate::http::RequestParts;
use crate::jwt::{AUDIENCE, DPOP_ACCESS_TOKEN, DPOP_METHOD, DPOP_URI, ISSUER, JWS_KEYS};
use crate::mtls::{MTLS, join_der};
use crate::signed::{
    HOST, RFC9421_ED_KEYID, RFC9421_ED_SEED, RFC9421_HMAC_KEYID, RFC9421_HMAC_SECRET, SIGNED_KEY_ID, SIGNED_SECRET,
    SIGV4_AKID, SIGV4_DATE, SIGV4_REGION, SIGV4_SECRET, SIGV4_SERVICE,
};
use crate::webhooks::{TWILIO_URL, WEBHOOK_SECRETS};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as tkjwt, Alg, SigningKey};
use auth_testkit::mtls::proxy;
use auth_testkit::{headers, hmac as tkhmac};
use serde_json::json;

/// One seed file: target, file name (without the `seed-` prefix), contents.
pub type SeedFile = (&'static str, String, Vec<u8>);

struct Out(Vec<SeedFile>);

impl Out {
    fn add(&mut self, target: &'static str, name: &str, bytes: impl Into<Vec<u8>>) {
        self.0.push((target, name.to_owned(), bytes.into()));
    }
    fn moded(&mut self, target: &'static str, name: &str, mode: u8, bytes: impl AsRef<[u8]>) {
        let mut v = vec![mode];
        v.extend_from_slice(bytes.as_ref());
        self.add(target, name, v);
    }
}

fn req(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let pairs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
    RequestParts::encode(method, target, &pairs, body)
}

fn req_owned(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    req(method, target, &pairs, body)
}

/// Every seed, in a stable order.
#[must_use]
pub fn all() -> Vec<SeedFile> {
    let mut o = Out(Vec::new());
    let now = crate::NOW.as_unix();
    credentials(&mut o);
    jwt(&mut o, now);
    signed(&mut o, now);
    webhooks(&mut o, now);
    apikey(&mut o);
    mtls(&mut o);
    rawhttp(&mut o);
    o.0
}

fn credentials(o: &mut Out) {
    let t = "auth_header";
    o.add(t, "bearer", headers::bearer("mF_9.B5f-4.1JqM"));
    o.add(t, "basic", headers::basic("aladdin", "open sesame"));
    o.add(t, "basic-colon", headers::basic("user", "pa:ss:word"));
    o.add(
        t,
        "params",
        r#"Digest username="Mufasa", realm="http-auth@example.org", qop=auth, nc=00000001, opaque="FQhe\"/q""#,
    );
    o.add(t, "token68-pad", "Negotiate YIIC+w==");
    o.add(t, "scopes", "read write orders:read https://api.example/scope");
    o.add(t, "request-bearer", req("GET", "/v1/items", &[("Authorization", "Bearer abc.def.ghi")], b""));
    o.add(t, "request-key", req("GET", "/v1/items", &[("x-api-key", "sk_test_abc")], b""));
    o.add(t, "request-query", req("GET", "/v1/items?api_key=k%20ey&x=1", &[], b""));
    o.add(t, "request-twice", req("GET", "/", &[("authorization", "Bearer a"), ("Authorization", "Basic Yjpj")], b""));
}

fn jwt(o: &mut Out, now: i64) {
    let keys = &*JWS_KEYS;
    let claims = json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "exp": now + 600, "iat": now - 10, "scope": "read write", "jti": "j-1"});
    let header_for = |k: &SigningKey| tkjwt::default_header(k).to_string();
    let t = "jws_verify";
    o.add(t, "hs256", tkjwt::mint(&keys.hs, &claims));
    o.add(t, "rs256", tkjwt::mint(&keys.rs, &claims));
    o.add(t, "es256", keys.sign_es256(br#"{"alg":"ES256","typ":"JWT","kid":"es"}"#, claims.to_string().as_bytes()));
    o.add(t, "es256-nokid", keys.sign_es256(br#"{"alg":"ES256"}"#, b"{}"));
    o.add(t, "none", format!("{}.{}.", tkjwt::b64url(br#"{"alg":"none"}"#), tkjwt::b64url(b"{}")));
    o.add(t, "crit", tkjwt::encode_raw(br#"{"alg":"HS256","kid":"hs","crit":["exp"],"exp":1}"#, b"{}", &keys.hs));
    o.add(t, "jwe", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d");
    o.add(t, "hs-header", tkjwt::encode_raw(header_for(&keys.hs).as_bytes(), b"payload bytes", &keys.hs));

    let t = "jwk_parse";
    let ed = SigningKey::new(Alg::EdDSA, Seed::new(3)).with_kid("ed");
    let es384 = SigningKey::new(Alg::ES384, Seed::new(4)).with_kid("es384");
    o.add(t, "rsa", keys.rs.jwk().to_string());
    o.add(t, "ec", keys.es_jwk.to_string());
    o.add(t, "okp", ed.jwk().to_string());
    o.add(t, "ec384-bare", es384.bare_jwk().to_string());
    o.add(t, "oct", keys.hs.jwk().to_string());
    o.add(t, "set", tkjwt::jwk_set(&[&keys.rs, &ed, &es384]));
    o.add(t, "set-skipped", r#"{"keys":[{"kty":"EC","crv":"P-256","use":"enc","x":"AA","y":"AA"},{"kty":"oct","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}"#);
    if let Some(p) = keys.rs.spki_pem() {
        o.add(t, "spki-pem", p);
    }
    if let Some(p) = ed.certificate_pem() {
        o.add(t, "cert-pem", p);
    }

    let t = "jwt_claims";
    o.add(t, "valid", claims.to_string());
    o.add(t, "aud-array", json!({"iss": ISSUER, "aud": ["x", AUDIENCE], "sub": "bob", "exp": now + 60, "iat": now, "scope": "read", "nbf": now - 1}).to_string());
    o.add(
        t,
        "expired",
        json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "c", "exp": now - 3600, "iat": now - 7200, "scope": "read"})
            .to_string(),
    );
    o.add(t, "duplicate", format!(r#"{{"iss":"{ISSUER}","iss":"https://evil","aud":"{AUDIENCE}","sub":"d","exp":{},"iat":{now},"scope":"read"}}"#, now + 60));
    o.add(t, "cnf", json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "e", "exp": now + 60, "iat": now, "scope": ["read", "write"], "cnf": {"jkt": "abc", "x5t#S256": "def"}, "client_id": "c1"}).to_string());
    o.add(t, "introspection", json!({"active": true, "iss": ISSUER, "aud": AUDIENCE, "sub": "f", "exp": now + 60, "scope": "read", "token_type": "Bearer"}).to_string());

    let t = "dpop_proof";
    let key = SigningKey::new(Alg::ES256, Seed::new(9));
    let rsa = SigningKey::new(Alg::PS256, Seed::new(9));
    o.moded(t, "es256", 0, tkjwt::dpop_proof(&key, DPOP_METHOD, DPOP_URI, now, "jti-1", None));
    o.moded(
        t,
        "ps256-ath",
        2,
        tkjwt::dpop_proof(&rsa, DPOP_METHOD, DPOP_URI, now - 5, "jti-2", Some(DPOP_ACCESS_TOKEN)),
    );
    o.moded(
        t,
        "ed-wrong-uri",
        0,
        tkjwt::dpop_proof(&SigningKey::new(Alg::EdDSA, Seed::new(9)), "GET", "https://other.test/", now, "j", None),
    );
    o.moded(t, "claims", 1, json!({"jti": "jti-3", "htm": DPOP_METHOD, "htu": DPOP_URI, "iat": now}).to_string());
    let ath = tkjwt::b64url(ring::digest::digest(&ring::digest::SHA256, DPOP_ACCESS_TOKEN.as_bytes()).as_ref());
    o.moded(t, "claims-ath", 3, json!({"jti": "jti-4", "htm": DPOP_METHOD, "htu": "https://API.authv.test:443/token?x=1", "iat": now, "ath": ath}).to_string());
}

fn signed(o: &mut Out, now: i64) {
    let t = "signed_request";
    let body = br#"{"amount":5}"#;
    let h = tkhmac::signed_request_headers(
        SIGNED_KEY_ID,
        SIGNED_SECRET,
        "POST",
        "/v1/payments?dry_run=1",
        now,
        "c2b8e0e1a4d3",
        body,
    );
    o.moded(t, "valid", 0, req_owned("POST", "/v1/payments?dry_run=1", &h, body));
    let h = tkhmac::signed_request_headers(SIGNED_KEY_ID, SIGNED_SECRET, "GET", "/", now - 299, "nonce-000000", b"");
    o.moded(t, "valid-get", 0, req_owned("GET", "/", &h, b""));
    o.moded(t, "minted", 3, b"\x10v1/items?x=1&y=2\x0cabcdefgh1234{\"a\":1}");

    let t = "sigv4";
    let p = tkhmac::SigV4Params {
        access_key_id: SIGV4_AKID,
        secret: SIGV4_SECRET,
        region: SIGV4_REGION,
        service: SIGV4_SERVICE,
        amz_date: SIGV4_DATE,
        session_token: None,
    };
    let (target, h) = tkhmac::sigv4_header_request(
        &p,
        "POST",
        HOST,
        "/v1/items",
        &[("a", "1"), ("b", "x y")],
        &[("content-type", "application/json")],
        body,
    );
    o.moded(t, "header", 0, req_owned("POST", &target, &h, body));
    let target = tkhmac::sigv4_presigned_target(&p, "GET", HOST, "/photos/cat.jpg", &[("v", "2")], 300, b"");
    o.moded(t, "presigned", 1, req("GET", &target, &[("host", HOST)], b""));
    let s3 = tkhmac::SigV4Params { service: "s3", ..p.clone() };
    let target = tkhmac::sigv4_presigned_target(&s3, "GET", HOST, "/bucket/key with space", &[], 60, b"");
    o.moded(t, "presigned-s3", 1, req("GET", &target, &[("host", HOST)], b""));
    o.moded(t, "minted-header", 2, b"\x08v1/items\x03key\x05value{}");
    o.moded(t, "minted-query", 3, b"\x04a/b/\x01k\x01v");

    let t = "rfc9421";
    let components = [
        ("\"@method\"", "POST"),
        ("\"@path\"", "/foo"),
        ("\"@authority\"", HOST),
        ("\"content-type\"", "application/json"),
    ];
    let params = format!(";created={now};keyid=\"{RFC9421_HMAC_KEYID}\"");
    let input = tkhmac::Rfc9421Input { label: "sig1", components: &components, params: &params };
    let (si, s) = input.sign_hmac_sha256(RFC9421_HMAC_SECRET);
    let hdrs = [
        ("Host", HOST),
        ("Content-Type", "application/json"),
        ("Signature-Input", si.as_str()),
        ("Signature", s.as_str()),
    ];
    o.moded(t, "hmac", 0, req("POST", "/foo", &hdrs, b"{\"hello\": \"world\"}"));
    let params = format!(";created={now};expires={};nonce=\"n-1\";keyid=\"{RFC9421_ED_KEYID}\";tag=\"app\"", now + 60);
    let input = tkhmac::Rfc9421Input { label: "sig-b", components: &components, params: &params };
    let (si, s) = input.sign_ed25519(&RFC9421_ED_SEED);
    let hdrs = [
        ("Host", HOST),
        ("Content-Type", "application/json"),
        ("Signature-Input", si.as_str()),
        ("Signature", s.as_str()),
    ];
    o.moded(t, "ed25519", 0, req("POST", "/foo", &hdrs, b""));
    let hdrs = [
        ("Host", HOST),
        ("Example-Dict", "a=1, b=2;x=1;y=2, c=(a b c), d=?1, e=:AQID:, f=@1659578233, g=%\"caf%c3%a9\""),
        ("Example-List", "(\"foo\" \"bar\");lvl=5, (\"baz\");lvl=1, 1.5, token, \"str\""),
        (
            "Signature-Input",
            "sig1=(\"@method\" \"example-dict\";sf \"example-dict\";key=\"b\" \"example-list\";sf \"@query-param\";name=\"q\" \"@request-target\" \"content-digest\");created=1;keyid=\"k-hmac\";alg=\"hmac-sha256\"",
        ),
        ("Signature", "sig1=:dGVzdA==:, sig2=:AAAA:"),
        ("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
    ];
    o.moded(t, "components", 0, req("GET", "/path?q=1&q=2", &hdrs, b"{\"hello\": \"world\"}"));
    o.moded(t, "minted-hmac", 1, b"\x03a/b{}");
    o.moded(t, "minted-ed", 3, b"\x01x");
}

fn webhooks(o: &mut Out, now: i64) {
    let t = "webhooks";
    let s = WEBHOOK_SECRETS[0];
    let old = WEBHOOK_SECRETS[1];
    let body: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    let line = |parts: &[&[u8]]| parts.join(&b'\n');
    // Form 0: header values then body.
    o.moded(t, "stripe", 0, line(&[tkhmac::stripe_signature(&[s, old], now, body).as_bytes(), body]));
    o.moded(t, "github", 1, line(&[tkhmac::github_signature(old, body).as_bytes(), body]));
    let (ts, sig) = tkhmac::slack_headers(s, now, body);
    o.moded(t, "slack", 2, line(&[ts.as_bytes(), sig.as_bytes(), body]));
    let (id, ts, sig) = tkhmac::standard_webhooks_headers(s, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now, body);
    o.moded(t, "standard", 3, line(&[id.as_bytes(), ts.as_bytes(), format!("v1,AAAA {sig} v2,x").as_bytes(), body]));
    o.moded(t, "shopify", 4, line(&[tkhmac::shopify_signature(s, body).as_bytes(), body]));
    let form: &[u8] = b"To=%2B15551234567&From=%2B15557654321&Body=Hello+world%21&MessageSid=SM1";
    let sig = tkhmac::twilio_signature(
        s,
        TWILIO_URL,
        &[("To", "+15551234567"), ("From", "+15557654321"), ("Body", "Hello world!"), ("MessageSid", "SM1")],
    );
    o.moded(t, "twilio", 5, line(&[sig.as_bytes(), form]));
    // Form 1: requests.
    let stripe = tkhmac::stripe_signature(&[s], now, body);
    o.moded(t, "stripe-req", 6, req("POST", "/hooks/stripe", &[("Stripe-Signature", &stripe)], body));
    let gh = tkhmac::github_signature(s, body);
    o.moded(
        t,
        "github-req",
        7,
        req("POST", "/hooks/github", &[("X-Hub-Signature-256", &gh), ("X-GitHub-Event", "push")], body),
    );
    let (ts, sig) = tkhmac::slack_headers(s, now, body);
    o.moded(
        t,
        "slack-req",
        8,
        req("POST", "/hooks/slack", &[("X-Slack-Request-Timestamp", &ts), ("X-Slack-Signature", &sig)], body),
    );
    let (id, ts, sig) = tkhmac::standard_webhooks_headers(s, "msg_1", now, body);
    o.moded(
        t,
        "svix-req",
        9,
        req("POST", "/hooks/svix", &[("svix-id", &id), ("svix-timestamp", &ts), ("svix-signature", &sig)], body),
    );
    let sh = tkhmac::shopify_signature(s, body);
    o.moded(t, "shopify-req", 10, req("POST", "/hooks/shopify", &[("X-Shopify-Hmac-Sha256", &sh)], body));
    o.moded(t, "twilio-req", 11, req("POST", "/twilio/sms?account=fuzz", &[("X-Twilio-Signature", &sig)], form));
    // Form 2: minted bodies.
    for (i, name) in ["stripe", "github", "slack", "standard", "shopify", "twilio"].iter().enumerate() {
        let sel = 12 + u8::try_from(i).unwrap_or(0);
        let payload: &[u8] = if i == 5 { b"To=15551234567&Body=hi&Body=ho" } else { body };
        o.moded(t, &format!("{name}-minted"), sel, payload);
    }
}

fn apikey(o: &mut Out) {
    let t = "apikey";
    let keys = &*crate::apikey::KEYS;
    o.moded(t, "key", 0, &keys.formatted.key);
    o.moded(t, "legacy", 0, &keys.legacy.key);
    let mut typo = keys.formatted.key.clone().into_bytes();
    if let Some(b) = typo.get_mut(20) {
        *b = if *b == b'x' { b'y' } else { b'x' };
    }
    o.moded(t, "typo", 0, typo);
    o.moded(t, "live", 0, keys.formatted.key.replace("sk_test", "sk_live"));
    let (p, s) = keys.formatted.basic_pair();
    o.moded(t, "pair", 1, format!("{p}:{s}"));
    let k = keys.formatted.key.as_str();
    o.moded(t, "req-bearer", 2, req("GET", "/", &[("Authorization", &headers::bearer(k))], b""));
    o.moded(t, "req-header", 2, req("GET", "/", &[("X-Api-Key", k)], b""));
    o.moded(t, "req-basic-user", 2, req("GET", "/", &[("Authorization", &headers::basic(k, ""))], b""));
    o.moded(t, "req-basic-pair", 2, req("GET", "/", &[("Authorization", &headers::basic(&p, &s))], b""));
    o.moded(t, "req-query", 2, req("GET", &format!("/x?api_key={k}"), &[], b""));
}

fn mtls(o: &mut Out) {
    let m = &*MTLS;
    let leaf = m.leaf.der.as_ref();
    let inter = m.pki.intermediate.der();
    let root = m.pki.root.der();
    let t = "mtls_chain_der";
    o.add(t, "chain", join_der(&[leaf, inter.as_ref()]));
    o.add(t, "leaf-only", join_der(&[leaf]));
    o.add(t, "with-root", join_der(&[leaf, inter.as_ref(), root.as_ref()]));
    o.add(t, "intermediate-as-leaf", join_der(&[inter.as_ref()]));
    let t = "mtls_chain_pem";
    o.add(t, "chain", m.leaf.chain_pem());
    o.add(t, "leaf", m.leaf.pem.clone());
    o.add(t, "root", m.pki.root_pem());
    o.add(t, "with-key", format!("{}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", m.leaf.pem));
    let t = "mtls_forwarded";
    let nginx = proxy::nginx_escaped_cert(&m.leaf);
    let xfcc = format!("By=spiffe://a/b;Hash=00,{}", proxy::xfcc_element(&m.leaf, "CN=fuzz-client"));
    let cc = proxy::rfc9440_cert(leaf);
    let ccc = proxy::rfc9440_chain(&m.leaf.intermediates);
    let alb = proxy::alb_clientcert(&m.leaf);
    o.moded(t, "nginx", 0, &nginx);
    o.moded(t, "xfcc", 1, &xfcc);
    o.moded(t, "rfc9440", 2, format!("{cc}\n{ccc}"));
    o.moded(t, "alb", 3, &alb);
    o.moded(t, "nginx-req", 4, req("GET", "/", &[("X-SSL-Client-Cert", &nginx)], b""));
    o.moded(t, "xfcc-req", 5, req("GET", "/", &[("x-forwarded-client-cert", &xfcc)], b""));
    o.moded(t, "rfc9440-req", 6, req("GET", "/", &[("Client-Cert", &cc), ("Client-Cert-Chain", &ccc)], b""));
    o.moded(t, "alb-req", 7, req("GET", "/", &[("X-Amzn-Mtls-Clientcert", &alb)], b""));
}

fn rawhttp(o: &mut Out) {
    let t = "rawhttp";
    o.add(t, "get", "GET /v1/items?x=1 HTTP/1.1\r\nHost: api.example\r\nAuthorization: Bearer abc\r\n\r\n");
    o.add(t, "post", "POST /v1/payments HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nX-A:  v \t\r\n\r\n{\"amount\":5}");
    o.add(t, "lf", "PUT / HTTP/1.0\nA:\n\n\r\nline\r\n");
    o.add(t, "folding", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n");
    o.add(t, "chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    let h = tkhmac::signed_request_headers(
        SIGNED_KEY_ID,
        SIGNED_SECRET,
        "POST",
        "/x",
        crate::NOW.as_unix(),
        "nonce-123456",
        b"hi",
    );
    o.add(t, "signed", req_owned("POST", "/x", &h, b"hi"));
}
