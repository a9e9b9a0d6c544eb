//! Signed requests, webhooks, AWS SigV4 and RFC 9421 signatures, minted with ring directly.
//!
//! This is an implementation independent of `auth-hmac` (which it never depends on): each signer
//! follows the provider's documentation in the plainest way, so a verifier test that mints here checks
//! the verifier against a second reading of the spec.
//!
//! ```
//! use auth_testkit::hmac;
//!
//! let h = hmac::signed_request_headers("client-1", b"0123456789abcdef", "GET", "/v1/x", 1_700_000_000, "nonce-0001", b"");
//! assert_eq!(h[0], ("X-API-Key".to_owned(), "client-1".to_owned()));
//! assert_eq!(h[3].1.len(), 64);
//! ```

use base64ct::Encoding;
use ring::{digest, hmac, signature};

fn hex(b: &[u8]) -> String {
    base16ct::lower::encode_string(b)
}

fn b64(b: &[u8]) -> String {
    base64ct::Base64::encode_string(b)
}

fn mac(alg: hmac::Algorithm, key: &[u8], parts: &[&[u8]]) -> hmac::Tag {
    let mut ctx = hmac::Context::with_key(&hmac::Key::new(alg, key));
    for p in parts {
        ctx.update(p);
    }
    ctx.sign()
}

/// The four headers of the signed-request scheme (`X-API-Key`, `X-Timestamp`, `X-Nonce`,
/// `X-Signature`), in that order.
#[must_use]
pub fn signed_request_headers(
    key_id: &str,
    secret: &[u8],
    method: &str,
    target: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> [(String, String); 4] {
    let ts = timestamp.to_string();
    let signing = format!("{method}\n{target}\n{ts}\n{nonce}\n");
    let tag = mac(hmac::HMAC_SHA256, secret, &[signing.as_bytes(), body]);
    [
        ("X-API-Key".to_owned(), key_id.to_owned()),
        ("X-Timestamp".to_owned(), ts),
        ("X-Nonce".to_owned(), nonce.to_owned()),
        ("X-Signature".to_owned(), hex(tag.as_ref())),
    ]
}

/// A `Stripe-Signature` value: `t=<ts>,v1=<hex>` (one `v1` per secret given).
#[must_use]
pub fn stripe_signature(secrets: &[&[u8]], timestamp: i64, body: &[u8]) -> String {
    let ts = timestamp.to_string();
    let mut out = format!("t={ts}");
    for s in secrets {
        let tag = mac(hmac::HMAC_SHA256, s, &[ts.as_bytes(), b".", body]);
        out.push_str(",v1=");
        out.push_str(&hex(tag.as_ref()));
    }
    out
}

/// An `X-Hub-Signature-256` value.
#[must_use]
pub fn github_signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex(mac(hmac::HMAC_SHA256, secret, &[body]).as_ref()))
}

/// `(X-Slack-Request-Timestamp, X-Slack-Signature)` values.
#[must_use]
pub fn slack_headers(secret: &[u8], timestamp: i64, body: &[u8]) -> (String, String) {
    let ts = timestamp.to_string();
    let tag = mac(hmac::HMAC_SHA256, secret, &[b"v0:", ts.as_bytes(), b":", body]);
    (ts, format!("v0={}", hex(tag.as_ref())))
}

/// A Standard Webhooks secret (`whsec_` + base64 of `key`).
#[must_use]
pub fn standard_webhooks_secret(key: &[u8]) -> String {
    format!("whsec_{}", b64(key))
}

/// `(webhook-id, webhook-timestamp, webhook-signature)` values for raw `key`.
#[must_use]
pub fn standard_webhooks_headers(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> (String, String, String) {
    let ts = timestamp.to_string();
    let tag = mac(hmac::HMAC_SHA256, key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    (id.to_owned(), ts, format!("v1,{}", b64(tag.as_ref())))
}

/// An `X-Shopify-Hmac-Sha256` value.
#[must_use]
pub fn shopify_signature(secret: &[u8], body: &[u8]) -> String {
    b64(mac(hmac::HMAC_SHA256, secret, &[body]).as_ref())
}

/// An `X-Twilio-Signature` value over `url` and POST `params` (sorted here by name, then value).
#[must_use]
pub fn twilio_signature(auth_token: &[u8], url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    b64(mac(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_token, &[data.as_bytes()]).as_ref())
}

/// What a SigV4 signer needs besides the request.
#[derive(Debug, Clone)]
pub struct SigV4Params<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Secret access key.
    pub secret: &'a str,
    /// Region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Service, e.g. `service` or `s3`.
    pub service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
    /// Session token, if any (signed as `x-amz-security-token`).
    pub session_token: Option<&'a str>,
}

impl SigV4Params<'static> {
    /// The credential of AWS's own SigV4 examples and test suites (`AKIDEXAMPLE`, us-east-1,
    /// service `service`, 2015-08-30T12:36:00Z, no session token).
    pub const AWS_EXAMPLE: Self = Self {
        access_key_id: "AKIDEXAMPLE",
        secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "service",
        amz_date: "20150830T123600Z",
        session_token: None,
    };
}

fn aws_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SigV4 signing key of `p`'s scope (`AWS4` + secret, then HMAC over date, region, service and
/// `aws4_request`), as a verifier with a cached key signs with it.
#[must_use]
pub fn sigv4_signing_key(p: &SigV4Params<'_>) -> hmac::Key {
    let date = &p.amz_date[..8];
    let k = mac(hmac::HMAC_SHA256, format!("AWS4{}", p.secret).as_bytes(), &[date.as_bytes()]);
    let k = mac(hmac::HMAC_SHA256, k.as_ref(), &[p.region.as_bytes()]);
    let k = mac(hmac::HMAC_SHA256, k.as_ref(), &[p.service.as_bytes()]);
    let k = mac(hmac::HMAC_SHA256, k.as_ref(), &[b"aws4_request"]);
    hmac::Key::new(hmac::HMAC_SHA256, k.as_ref())
}

/// Canonical request and signature for a logical request: `path` is the unencoded, already-normalized
/// path, `query` the unencoded `(name, value)` pairs; `headers` are `(lowercase name, value)`.
fn sigv4_sign(
    p: &SigV4Params<'_>,
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    payload_hash: &str,
) -> (String, String) {
    let s3 = p.service == "s3";
    let uri = if s3 { aws_encode(path, true) } else { aws_encode(&aws_encode(path, true), true) };
    let mut q: Vec<(String, String)> =
        query.iter().map(|(k, v)| (aws_encode(k, false), aws_encode(v, false))).collect();
    q.sort();
    let q = q.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let mut h: Vec<(String, String)> = headers.to_vec();
    h.sort();
    // Values trimmed, runs of whitespace folded to one space.
    let canonical_headers: String =
        h.iter().map(|(k, v)| format!("{k}:{}\n", v.split_whitespace().collect::<Vec<_>>().join(" "))).collect();
    let signed: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let creq = format!("{method}\n{uri}\n{q}\n{canonical_headers}\n{signed}\n{payload_hash}");
    let scope = format!("{}/{}/{}/aws4_request", &p.amz_date[..8], p.region, p.service);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        p.amz_date,
        hex(digest::digest(&digest::SHA256, creq.as_bytes()).as_ref())
    );
    let sig = hex(hmac::sign(&sigv4_signing_key(p), sts.as_bytes()).as_ref());
    (signed, sig)
}

/// Header-form SigV4: returns the headers to send (the given ones plus `host`, `x-amz-date`,
/// `x-amz-content-sha256`, the token if any, and `authorization`) and the request target. `path` is
/// unencoded and normalized; `query` pairs are unencoded.
#[must_use]
pub fn sigv4_header_request(
    p: &SigV4Params<'_>,
    method: &str,
    host: &str,
    path: &str,
    query: &[(&str, &str)],
    extra_headers: &[(&str, &str)],
    body: &[u8],
) -> (String, Vec<(String, String)>) {
    let payload = hex(digest::digest(&digest::SHA256, body).as_ref());
    let mut headers: Vec<(String, String)> =
        extra_headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())).collect();
    headers.push(("host".into(), host.into()));
    headers.push(("x-amz-date".into(), p.amz_date.into()));
    headers.push(("x-amz-content-sha256".into(), payload.clone()));
    if let Some(t) = p.session_token {
        headers.push(("x-amz-security-token".into(), t.into()));
    }
    let q: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let (signed, sig) = sigv4_sign(p, method, path, &q, &headers, &payload);
    headers.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request, SignedHeaders={signed}, Signature={sig}",
            p.access_key_id,
            &p.amz_date[..8],
            p.region,
            p.service
        ),
    ));
    (target(path, &q), headers)
}

/// The header-form request the SigV4 benchmarks and profiles measure, signed under `p`: `GET
/// /v1/items?Param1=value1&list-type=2` to `example.amazonaws.com` with `content-type:
/// application/json` and an empty body (what [`sigv4_header_request`] returns for those parts).
#[must_use]
pub fn sigv4_bench_request(p: &SigV4Params<'_>) -> (String, Vec<(String, String)>) {
    sigv4_header_request(
        p,
        "GET",
        "example.amazonaws.com",
        "/v1/items",
        &[("Param1", "value1"), ("list-type", "2")],
        &[("content-type", "application/json")],
        b"",
    )
}

/// Presigned SigV4 (query form, only `host` signed): returns the request target to send with a
/// `Host: host` header. Non-S3 services hash the (empty) body; S3 uses `UNSIGNED-PAYLOAD`.
#[must_use]
pub fn sigv4_presigned_target(
    p: &SigV4Params<'_>,
    method: &str,
    host: &str,
    path: &str,
    query: &[(&str, &str)],
    expires: u32,
    body: &[u8],
) -> String {
    let mut q: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let cred = format!("{}/{}/{}/{}/aws4_request", p.access_key_id, &p.amz_date[..8], p.region, p.service);
    q.push(("X-Amz-Algorithm".into(), "AWS4-HMAC-SHA256".into()));
    q.push(("X-Amz-Credential".into(), cred));
    q.push(("X-Amz-Date".into(), p.amz_date.into()));
    q.push(("X-Amz-Expires".into(), expires.to_string()));
    q.push(("X-Amz-SignedHeaders".into(), "host".into()));
    if let Some(t) = p.session_token {
        q.push(("X-Amz-Security-Token".into(), t.into()));
    }
    let payload = if p.service == "s3" {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        hex(digest::digest(&digest::SHA256, body).as_ref())
    };
    let (_, sig) = sigv4_sign(p, method, path, &q, &[("host".into(), host.into())], &payload);
    q.push(("X-Amz-Signature".into(), sig));
    target(path, &q)
}

fn target(path: &str, q: &[(String, String)]) -> String {
    let mut t = aws_encode(path, true);
    for (i, (k, v)) in q.iter().enumerate() {
        t.push(if i == 0 { '?' } else { '&' });
        t.push_str(&aws_encode(k, false));
        t.push('=');
        t.push_str(&aws_encode(v, false));
    }
    t
}

/// RFC 9421 signing inputs: the covered components as `(identifier as it appears in
/// Signature-Input, value)` pairs, e.g. `("\"@method\"", "POST")`, and the signature parameters text
/// after the inner list, e.g. `;created=1700000000;keyid="k1"`.
#[derive(Debug, Clone)]
pub struct Rfc9421Input<'a> {
    /// The label, e.g. `sig1`.
    pub label: &'a str,
    /// Covered components, serialized identifier and value.
    pub components: &'a [(&'a str, &'a str)],
    /// Signature parameters, serialized (starting with `;`).
    pub params: &'a str,
}

impl Rfc9421Input<'_> {
    /// The signature base (RFC 9421 §2.5).
    #[must_use]
    pub fn base(&self) -> String {
        let ids: Vec<&str> = self.components.iter().map(|(id, _)| *id).collect();
        let mut out = String::new();
        for (id, v) in self.components {
            out.push_str(&format!("{id}: {v}\n"));
        }
        out.push_str(&format!("\"@signature-params\": ({}){}", ids.join(" "), self.params));
        out
    }

    fn headers(&self, sig: &[u8]) -> (String, String) {
        let ids: Vec<&str> = self.components.iter().map(|(id, _)| *id).collect();
        (format!("{}=({}){}", self.label, ids.join(" "), self.params), format!("{}=:{}:", self.label, b64(sig)))
    }

    /// `(Signature-Input, Signature)` values signed with `hmac-sha256`.
    #[must_use]
    pub fn sign_hmac_sha256(&self, secret: &[u8]) -> (String, String) {
        self.headers(mac(hmac::HMAC_SHA256, secret, &[self.base().as_bytes()]).as_ref())
    }

    /// `(Signature-Input, Signature)` values signed with `ed25519` from a 32-byte seed.
    #[must_use]
    pub fn sign_ed25519(&self, seed: &[u8; 32]) -> (String, String) {
        let kp = signature::Ed25519KeyPair::from_seed_unchecked(seed).expect("seed");
        self.headers(kp.sign(self.base().as_bytes()).as_ref())
    }
}

/// The Ed25519 public key of a seed, for a verifier's key set.
#[must_use]
pub fn ed25519_public_key(seed: &[u8; 32]) -> Vec<u8> {
    use ring::signature::KeyPair;
    signature::Ed25519KeyPair::from_seed_unchecked(seed).expect("seed").public_key().as_ref().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // GitHub's documented example.
        assert_eq!(
            github_signature(b"It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        // Standard Webhooks libraries' sign test.
        let key = base64ct::Base64::decode_vec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let (_, _, sig) =
            standard_webhooks_headers(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        // Twilio's documented example.
        let params = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ];
        assert_eq!(
            twilio_signature(b"12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &params),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        );
        // AWS get-vanilla (header form, without x-amz-content-sha256 it would differ; check the key).
        let p = SigV4Params::AWS_EXAMPLE;
        let q: Vec<(String, String)> = Vec::new();
        let h = vec![
            ("host".to_owned(), "example.amazonaws.com".to_owned()),
            ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
        ];
        let (_, sig) = sigv4_sign(&p, "GET", "/", &q, &h, &hex(digest::digest(&digest::SHA256, b"").as_ref()));
        assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }
}
