//! Webhook signatures: Stripe, GitHub, Slack, Standard Webhooks / Svix, Shopify and Twilio.
//!
//! Each verifier is built once from the endpoint's secrets ([`Secrets`], up to
//! [`crate::keys::MAX_SECRETS_PER_KEY`] live at once for rotation) and verifies either explicit header
//! values and the raw body, or a whole [`RequestView`] (`verify_request`). Signatures are decoded
//! strictly into fixed arrays (an empty, short, long, uppercase-hex or non-canonical base64 signature is
//! `malformed_signature`, never "compared and found different") and compared in constant time.
//!
//! | scheme | header(s) | signed bytes | encoding | time |
//! | --- | --- | --- | --- | --- |
//! | [`Stripe`] | `Stripe-Signature: t=…,v1=…` | `t "." body` | hex | ±tolerance |
//! | [`GitHub`] | `X-Hub-Signature-256: sha256=…` | body | hex | none |
//! | [`Slack`] | `X-Slack-Request-Timestamp`, `X-Slack-Signature: v0=…` | `"v0:" ts ":" body` | hex | ±tolerance |
//! | [`StandardWebhooks`] | `webhook-id`, `webhook-timestamp`, `webhook-signature` | `id "." ts "." body` | base64 | ±tolerance, id replay |
//! | [`Shopify`] | `X-Shopify-Hmac-Sha256` | body | base64 | none |
//! | [`Twilio`] | `X-Twilio-Signature` | URL + sorted form params | base64 (HMAC-SHA1) | none |
//!
//! Schemes without a timestamp (GitHub, Shopify, Twilio) cannot bound replay by themselves: a captured
//! delivery verifies forever. Deduplicate on the provider's delivery id (`X-GitHub-Delivery`,
//! `X-Shopify-Webhook-Id`) with a [`ReplayGuard`] of your own if that matters.

use crate::Error;
use crate::keys::{MAX_SECRET_LEN, Secrets};
use crate::util::{b64_exact, check_window, hex_lower_exact, is_ctl, one, opt, parse_unix};
use auth_core::hash::HmacContext;
use auth_core::{ReplayGuard, RequestView, Timestamp};
use base64ct::Encoding;
use ring::hmac;

/// Default tolerance for timestamped webhooks, in seconds (±5 minutes, as the providers' libraries use).
pub const DEFAULT_TOLERANCE_SECS: u32 = 300;
/// The widest tolerance a webhook verifier accepts, in seconds.
pub const MAX_TOLERANCE_SECS: u32 = 3600;
/// The longest signature header accepted, in bytes.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 4096;
/// The most signatures considered in one header (Stripe `v1` entries, Standard Webhooks list entries).
pub const MAX_SIGNATURES: usize = 16;
/// The longest Standard Webhooks `webhook-id`, in bytes.
pub const MAX_WEBHOOK_ID_LEN: usize = 256;
/// The largest form body a Twilio verification parses, in bytes.
pub const MAX_TWILIO_BODY: usize = 64 * 1024;
/// The most form parameters a Twilio verification parses.
pub const MAX_TWILIO_PARAMS: usize = 256;

/// A verified webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookVerified<'a> {
    /// The signed timestamp, for schemes that have one.
    pub timestamp: Option<Timestamp>,
    /// The message id (Standard Webhooks), now recorded in the replay guard.
    pub id: Option<&'a str>,
    /// Which configured secret matched (0 = first).
    pub secret_index: usize,
}

fn tolerance(secs: u32) -> Result<u32, Error> {
    if secs == 0 || secs > MAX_TOLERANCE_SECS { Err(Error::InvalidKey("tolerance out of range")) } else { Ok(secs) }
}

fn bounded(v: &[u8]) -> Result<&[u8], Error> {
    if v.len() > MAX_SIGNATURE_HEADER_LEN { Err(Error::TooLarge) } else { Ok(v) }
}

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`.
///
/// The delivery verifies when any `v1` entry matches any secret; other schemes (`v0`) are ignored. A
/// header with no `v1` entry, a malformed `v1` value, or a missing or repeated `t` is
/// `malformed_signature` / `malformed_header`. The timestamp must be within ±tolerance of `now`
/// (Stripe's own libraries only bound the past; this verifier bounds both directions).
#[derive(Debug, Clone)]
pub struct Stripe {
    secrets: Secrets,
    tolerance: u32,
}

impl Stripe {
    /// The header name.
    pub const HEADER: &'static str = "stripe-signature";

    /// A verifier for the endpoint's `whsec_…` signing secrets, used as bytes exactly as Stripe shows
    /// them (Stripe does not base64-decode them). Tolerance [`DEFAULT_TOLERANCE_SECS`].
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Self { secrets, tolerance: DEFAULT_TOLERANCE_SECS }
    }

    /// Sets the tolerance in seconds (1..=[`MAX_TOLERANCE_SECS`]).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when out of range.
    pub fn with_tolerance(mut self, secs: u32) -> Result<Self, Error> {
        self.tolerance = tolerance(secs)?;
        Ok(self)
    }

    /// Verifies the `Stripe-Signature` value and the raw body.
    ///
    /// # Errors
    /// `malformed_header`, `malformed_timestamp`, `malformed_signature`, `too_large`, `bad_signature`,
    /// `stale_timestamp`, `future_timestamp`.
    pub fn verify(&self, header: &[u8], body: &[u8], now: Timestamp) -> Result<WebhookVerified<'static>, Error> {
        let header = bounded(header)?;
        let mut t: Option<&[u8]> = None;
        let mut sigs = [[0u8; 32]; MAX_SIGNATURES];
        let mut n = 0usize;
        for item in header.split(|&b| b == b',') {
            let item = item.trim_ascii();
            let Some(eq) = item.iter().position(|&b| b == b'=') else {
                return Err(Error::MalformedHeader(Self::HEADER));
            };
            let (k, v) = (item.get(..eq).unwrap_or_default(), item.get(eq + 1..).unwrap_or_default());
            match k {
                b"t" if t.is_none() => t = Some(v),
                b"t" => return Err(Error::MalformedHeader(Self::HEADER)),
                b"v1" => {
                    let slot = sigs.get_mut(n).ok_or(Error::TooLarge)?;
                    *slot = hex_lower_exact(v)?;
                    n += 1;
                }
                _ => {}
            }
        }
        let t = t.ok_or(Error::MalformedHeader(Self::HEADER))?;
        let ts = parse_unix(t)?;
        let candidates = sigs.get(..n).unwrap_or_default();
        if candidates.is_empty() {
            return Err(Error::MalformedSignature);
        }
        let secret_index = first_match(&self.secrets, candidates, |ctx| {
            ctx.update(t);
            ctx.update(b".");
            ctx.update(body);
        })?;
        check_window(ts, now, self.tolerance)?;
        Ok(WebhookVerified { timestamp: Some(ts), id: None, secret_index })
    }

    /// Verifies a request carrying `Stripe-Signature`.
    ///
    /// # Errors
    /// As [`Stripe::verify`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request(&self, req: &RequestView<'_>, now: Timestamp) -> Result<WebhookVerified<'static>, Error> {
        self.verify(one(&req.headers(), Self::HEADER)?, req.body(), now)
    }
}

/// Index of the first secret whose MAC matches any candidate. Every candidate is compared in constant
/// time; the search stops at the first secret that matches.
fn first_match<const N: usize>(
    secrets: &Secrets,
    candidates: &[[u8; N]],
    feed: impl Fn(&mut HmacContext),
) -> Result<usize, Error> {
    for (i, key) in secrets.keys().iter().enumerate() {
        let mut ctx = HmacContext::new(key);
        feed(&mut ctx);
        let tag = ctx.sign();
        let mut hit = false;
        for c in candidates {
            hit |= auth_core::ct_eq(tag.as_ref(), c);
        }
        if hit {
            return Ok(i);
        }
    }
    Err(Error::BadSignature)
}

/// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. The legacy SHA-1
/// `X-Hub-Signature` is not accepted.
#[derive(Debug, Clone)]
pub struct GitHub {
    secrets: Secrets,
}

impl GitHub {
    /// The header name.
    pub const HEADER: &'static str = "x-hub-signature-256";

    /// A verifier for the webhook's secret(s).
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Self { secrets }
    }

    /// Verifies the header value and the raw body.
    ///
    /// # Errors
    /// `malformed_signature`, `bad_signature`.
    pub fn verify(&self, header: &[u8], body: &[u8]) -> Result<WebhookVerified<'static>, Error> {
        let hex = header.strip_prefix(b"sha256=").ok_or(Error::MalformedSignature)?;
        let sig: [u8; 32] = hex_lower_exact(hex)?;
        let secret_index = first_match(&self.secrets, &[sig], |ctx| ctx.update(body))?;
        Ok(WebhookVerified { timestamp: None, id: None, secret_index })
    }

    /// Verifies a request carrying `X-Hub-Signature-256`.
    ///
    /// # Errors
    /// As [`GitHub::verify`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request(&self, req: &RequestView<'_>) -> Result<WebhookVerified<'static>, Error> {
        self.verify(one(&req.headers(), Self::HEADER)?, req.body())
    }
}

/// Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:" ts ":" body)>` with
/// `X-Slack-Request-Timestamp: <unix>` within ±tolerance.
#[derive(Debug, Clone)]
pub struct Slack {
    secrets: Secrets,
    tolerance: u32,
}

impl Slack {
    /// The signature header.
    pub const SIGNATURE: &'static str = "x-slack-signature";
    /// The timestamp header.
    pub const TIMESTAMP: &'static str = "x-slack-request-timestamp";

    /// A verifier for the app's signing secret(s), used as the bytes Slack shows.
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Self { secrets, tolerance: DEFAULT_TOLERANCE_SECS }
    }

    /// Sets the tolerance in seconds (1..=[`MAX_TOLERANCE_SECS`]).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when out of range.
    pub fn with_tolerance(mut self, secs: u32) -> Result<Self, Error> {
        self.tolerance = tolerance(secs)?;
        Ok(self)
    }

    /// Verifies the two header values and the raw body.
    ///
    /// # Errors
    /// `malformed_timestamp`, `malformed_signature`, `bad_signature`, `stale_timestamp`,
    /// `future_timestamp`.
    pub fn verify(
        &self,
        timestamp: &[u8],
        signature: &[u8],
        body: &[u8],
        now: Timestamp,
    ) -> Result<WebhookVerified<'static>, Error> {
        let ts = parse_unix(timestamp)?;
        let hex = signature.strip_prefix(b"v0=").ok_or(Error::MalformedSignature)?;
        let sig: [u8; 32] = hex_lower_exact(hex)?;
        let secret_index = first_match(&self.secrets, &[sig], |ctx| {
            ctx.update(b"v0:");
            ctx.update(timestamp);
            ctx.update(b":");
            ctx.update(body);
        })?;
        check_window(ts, now, self.tolerance)?;
        Ok(WebhookVerified { timestamp: Some(ts), id: None, secret_index })
    }

    /// Verifies a request carrying the Slack headers.
    ///
    /// # Errors
    /// As [`Slack::verify`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request(&self, req: &RequestView<'_>, now: Timestamp) -> Result<WebhookVerified<'static>, Error> {
        let h = req.headers();
        self.verify(one(&h, Self::TIMESTAMP)?, one(&h, Self::SIGNATURE)?, req.body(), now)
    }
}

/// Standard Webhooks (and Svix, which it standardizes): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256(key, id "." ts "." body)>` entries.
///
/// - Secrets are `whsec_<base64>`; the key is the decoded base64 (see [`StandardWebhooks::secret`]).
/// - Entries of other versions (`v1a` asymmetric signatures) are skipped; a `v1` entry whose value is
///   not exactly 32 bytes of strict base64 — including the empty `v1,` of CVE-2024-21491 — makes the
///   whole header `malformed_signature`. A header without any `v1` entry is `malformed_signature`.
/// - The id must be 1 to [`MAX_WEBHOOK_ID_LEN`] bytes without control bytes, spaces or `.` (the signed
///   content is dot-separated, so a dot in the id would let two deliveries share signed bytes).
/// - After the MAC verifies and the timestamp is within ±tolerance, the id is recorded in the replay
///   guard (namespace = the verifier's namespace, default `standard-webhooks`) until the timestamp
///   leaves the window; a redelivery of the same id inside the window is `replayed`.
#[derive(Debug, Clone)]
pub struct StandardWebhooks {
    secrets: Secrets,
    tolerance: u32,
    namespace: Box<str>,
    svix_names: bool,
}

impl StandardWebhooks {
    /// The id header.
    pub const ID: &'static str = "webhook-id";
    /// The timestamp header.
    pub const TIMESTAMP: &'static str = "webhook-timestamp";
    /// The signature header.
    pub const SIGNATURE: &'static str = "webhook-signature";

    /// Decodes one `whsec_<base64>` secret (the prefix is optional) into key bytes.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the base64 is not strict standard base64, or decodes to nothing or
    /// more than [`MAX_SECRET_LEN`] bytes.
    pub fn secret(text: &str) -> Result<Vec<u8>, Error> {
        let b64 = text.strip_prefix("whsec_").unwrap_or(text);
        let key = base64ct::Base64::decode_vec(b64).map_err(|_| Error::InvalidKey("secret is not base64"))?;
        if key.is_empty() || key.len() > MAX_SECRET_LEN {
            return Err(Error::InvalidKey("secret length"));
        }
        Ok(key)
    }

    /// A verifier from `whsec_…` secret strings (newest first).
    ///
    /// # Errors
    /// As [`StandardWebhooks::secret`] and [`Secrets::new`].
    pub fn from_whsec(secrets: &[&str]) -> Result<Self, Error> {
        let keys = secrets.iter().map(|s| Self::secret(s)).collect::<Result<Vec<_>, _>>()?;
        let out = Self::new(Secrets::sha256(&keys)?);
        let mut keys = keys;
        for k in &mut keys {
            zeroize::Zeroize::zeroize(k);
        }
        Ok(out)
    }

    /// A verifier over already-decoded keys.
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Self { secrets, tolerance: DEFAULT_TOLERANCE_SECS, namespace: "standard-webhooks".into(), svix_names: false }
    }

    /// Sets the tolerance in seconds (1..=[`MAX_TOLERANCE_SECS`]).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when out of range.
    pub fn with_tolerance(mut self, secs: u32) -> Result<Self, Error> {
        self.tolerance = tolerance(secs)?;
        Ok(self)
    }

    /// Sets the replay-guard namespace (use one per endpoint or sender when ids are only unique per
    /// sender).
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// In [`StandardWebhooks::verify_request`], also accept Svix's `svix-id`, `svix-timestamp` and
    /// `svix-signature` names when the `webhook-*` headers are absent.
    #[must_use]
    pub fn accept_svix_header_names(mut self) -> Self {
        self.svix_names = true;
        self
    }

    /// Verifies the three header values and the raw body, then records the id in `guard`.
    ///
    /// # Errors
    /// `malformed_header` (id), `control_character`, `malformed_timestamp`, `malformed_signature`,
    /// `too_large`, `bad_signature`, `stale_timestamp`, `future_timestamp`, or the guard's reason.
    pub fn verify<'a, G: ReplayGuard + ?Sized>(
        &self,
        id: &'a [u8],
        timestamp: &[u8],
        signature: &[u8],
        body: &[u8],
        now: Timestamp,
        guard: &G,
    ) -> Result<WebhookVerified<'a>, Error> {
        if id.iter().any(|&b| is_ctl(b)) {
            return Err(Error::ControlCharacter);
        }
        if id.is_empty() || id.len() > MAX_WEBHOOK_ID_LEN || id.contains(&b'.') || id.contains(&b' ') {
            return Err(Error::MalformedHeader(Self::ID));
        }
        let id_str = core::str::from_utf8(id).map_err(|_| Error::MalformedHeader(Self::ID))?;
        let ts = parse_unix(timestamp)?;
        let signature = bounded(signature)?;
        let mut sigs = [[0u8; 32]; MAX_SIGNATURES];
        let mut n = 0usize;
        for entry in signature.split(|&b| b == b' ').filter(|e| !e.is_empty()) {
            let Some(comma) = entry.iter().position(|&b| b == b',') else {
                return Err(Error::MalformedSignature);
            };
            if entry.get(..comma) != Some(b"v1") {
                continue;
            }
            let slot = sigs.get_mut(n).ok_or(Error::TooLarge)?;
            *slot = b64_exact(entry.get(comma + 1..).unwrap_or_default())?;
            n += 1;
        }
        let candidates = sigs.get(..n).unwrap_or_default();
        if candidates.is_empty() {
            return Err(Error::MalformedSignature);
        }
        let secret_index = first_match(&self.secrets, candidates, |ctx| {
            ctx.update(id);
            ctx.update(b".");
            ctx.update(timestamp);
            ctx.update(b".");
            ctx.update(body);
        })?;
        check_window(ts, now, self.tolerance)?;
        let until = ts.saturating_add_secs(i64::from(self.tolerance) + 1);
        guard.check_and_record(self.namespace.as_bytes(), id, until, now)?;
        Ok(WebhookVerified { timestamp: Some(ts), id: Some(id_str), secret_index })
    }

    /// Verifies a request carrying the `webhook-*` headers (or `svix-*` if enabled).
    ///
    /// # Errors
    /// As [`StandardWebhooks::verify`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request<'a, G: ReplayGuard + ?Sized>(
        &self,
        req: &RequestView<'a>,
        now: Timestamp,
        guard: &G,
    ) -> Result<WebhookVerified<'a>, Error> {
        let h = req.headers();
        let (id, ts, sig) = if self.svix_names && opt(&h, Self::ID)?.is_none() {
            (one(&h, "svix-id")?, one(&h, "svix-timestamp")?, one(&h, "svix-signature")?)
        } else {
            (one(&h, Self::ID)?, one(&h, Self::TIMESTAMP)?, one(&h, Self::SIGNATURE)?)
        };
        self.verify(id, ts, sig, req.body(), now, guard)
    }
}

/// Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(secret, body)>`.
#[derive(Debug, Clone)]
pub struct Shopify {
    secrets: Secrets,
}

impl Shopify {
    /// The header name.
    pub const HEADER: &'static str = "x-shopify-hmac-sha256";

    /// A verifier for the app's webhook secret(s).
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Self { secrets }
    }

    /// Verifies the header value and the raw body.
    ///
    /// # Errors
    /// `malformed_signature`, `bad_signature`.
    pub fn verify(&self, header: &[u8], body: &[u8]) -> Result<WebhookVerified<'static>, Error> {
        let sig: [u8; 32] = b64_exact(header)?;
        let secret_index = first_match(&self.secrets, &[sig], |ctx| ctx.update(body))?;
        Ok(WebhookVerified { timestamp: None, id: None, secret_index })
    }

    /// Verifies a request carrying `X-Shopify-Hmac-Sha256`.
    ///
    /// # Errors
    /// As [`Shopify::verify`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request(&self, req: &RequestView<'_>) -> Result<WebhookVerified<'static>, Error> {
        self.verify(one(&req.headers(), Self::HEADER)?, req.body())
    }
}

/// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, URL + k1 v1 k2 v2 …)>`, where the URL is
/// the full URL Twilio requested (scheme, host, path and query, as configured in Twilio) and the POST
/// parameters are sorted by name (byte order; equal names by value) and appended as name then value
/// with no delimiters. For GET requests there are no parameters beyond the URL's query.
///
/// The URL is not in the request view (the scheme and host a proxy saw may differ from what Twilio
/// used), so the caller passes it. JSON bodies signed with the `bodySHA256` query parameter are not
/// supported.
#[derive(Debug, Clone)]
pub struct Twilio {
    secrets: Secrets,
}

impl Twilio {
    /// The header name.
    pub const HEADER: &'static str = "x-twilio-signature";

    /// A verifier for the account's auth token(s) (HMAC-SHA1, which Twilio mandates; ring names it
    /// `HMAC_SHA1_FOR_LEGACY_USE_ONLY`).
    ///
    /// # Errors
    /// As [`Secrets::new`].
    pub fn new<S: AsRef<[u8]>>(auth_tokens: &[S]) -> Result<Self, Error> {
        Ok(Self { secrets: Secrets::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, auth_tokens)? })
    }

    /// Verifies a signature over `url` and decoded POST parameters `params` (any order; they are
    /// sorted here).
    ///
    /// # Errors
    /// `malformed_signature`, `too_large`, `bad_signature`.
    pub fn verify(
        &self,
        url: &str,
        params: &[(&str, &str)],
        signature: &[u8],
    ) -> Result<WebhookVerified<'static>, Error> {
        if params.len() > MAX_TWILIO_PARAMS {
            return Err(Error::TooLarge);
        }
        let sig: [u8; 20] = b64_exact(signature)?;
        let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.as_bytes().cmp(b.1.as_bytes())));
        let secret_index = first_match(&self.secrets, &[sig], |ctx| {
            ctx.update(url.as_bytes());
            for (k, v) in &sorted {
                ctx.update(k.as_bytes());
                ctx.update(v.as_bytes());
            }
        })?;
        Ok(WebhookVerified { timestamp: None, id: None, secret_index })
    }

    /// Verifies a signature over `url` and an `application/x-www-form-urlencoded` body (decoded here:
    /// `+` is a space, `%XX` a byte; the decoded text must be UTF-8).
    ///
    /// # Errors
    /// As [`Twilio::verify`], plus `malformed_header` when the body is not a valid form encoding.
    pub fn verify_form(
        &self,
        url: &str,
        form_body: &[u8],
        signature: &[u8],
    ) -> Result<WebhookVerified<'static>, Error> {
        if form_body.len() > MAX_TWILIO_BODY {
            return Err(Error::TooLarge);
        }
        let mut owned: Vec<(String, String)> = Vec::new();
        for pair in form_body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
            if owned.len() >= MAX_TWILIO_PARAMS {
                return Err(Error::TooLarge);
            }
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (pair.get(..i).unwrap_or_default(), pair.get(i + 1..).unwrap_or_default()),
                None => (pair, &b""[..]),
            };
            owned.push((form_decode(k)?, form_decode(v)?));
        }
        let params: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.verify(url, &params, signature)
    }

    /// Verifies a request: `url` is the full URL Twilio used; the body is parsed as a form when the
    /// method is `POST`.
    ///
    /// # Errors
    /// As [`Twilio::verify_form`], plus `missing_header` / `duplicate_header`.
    pub fn verify_request(&self, url: &str, req: &RequestView<'_>) -> Result<WebhookVerified<'static>, Error> {
        let sig = one(&req.headers(), Self::HEADER)?;
        if req.method() == "POST" { self.verify_form(url, req.body(), sig) } else { self.verify(url, &[], sig) }
    }
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn form_decode(s: &[u8]) -> Result<String, Error> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        match c {
            b'+' => out.push(b' '),
            b'%' => {
                let h = s.get(i + 1..i + 3).ok_or(Error::MalformedHeader("form body"))?;
                let v =
                    u8::from_str_radix(core::str::from_utf8(h).map_err(|_| Error::MalformedHeader("form body"))?, 16)
                        .map_err(|_| Error::MalformedHeader("form body"))?;
                if !h.iter().all(u8::is_ascii_hexdigit) {
                    return Err(Error::MalformedHeader("form body"));
                }
                out.push(v);
                i += 2;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| Error::MalformedHeader("form body"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth_core::MemoryReplayGuard;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn mac(secret: &[u8], msg: &[u8]) -> Vec<u8> {
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), msg).as_ref().to_vec()
    }

    #[test]
    fn github_docs_example() {
        // docs.github.com "Validating webhook deliveries", testing the webhook payload validation.
        let v = GitHub::new(Secrets::sha256(&[b"It's a Secret to Everybody"]).unwrap());
        let sig = b"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(v.verify(sig, b"Hello, World!").unwrap().secret_index, 0);
        assert_eq!(v.verify(sig, b"Hello, World?"), Err(Error::BadSignature));
        assert_eq!(v.verify(b"sha256=", b"Hello, World!"), Err(Error::MalformedSignature));
        assert_eq!(v.verify(&sig[..sig.len() - 1], b"Hello, World!"), Err(Error::MalformedSignature));
        assert_eq!(v.verify(&sig.to_ascii_uppercase(), b"Hello, World!"), Err(Error::MalformedSignature));
        assert_eq!(v.verify(b"sha1=0000", b"Hello, World!"), Err(Error::MalformedSignature));
    }

    #[test]
    fn slack_docs_example() {
        // api.slack.com "Verifying requests from Slack", the worked example.
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let v = Slack::new(Secrets::sha256(&[b"8f742231b10e8888abcd99yyyzzz85a5"]).unwrap());
        let sig = b"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        let now = Timestamp::from_unix(1_531_420_618);
        assert!(v.verify(b"1531420618", sig, body, now).is_ok());
        assert_eq!(v.verify(b"1531420619", sig, body, now), Err(Error::BadSignature));
        assert_eq!(v.verify(b"1531420618", sig, body, now.saturating_add_secs(301)), Err(Error::StaleTimestamp));
        assert_eq!(v.verify(b"1531420618", sig, body, now.saturating_sub_secs(301)), Err(Error::FutureTimestamp));
        assert_eq!(v.verify(b"1531420618", b"v0=", body, now), Err(Error::MalformedSignature));
    }

    #[test]
    fn twilio_docs_example() {
        // Twilio's request-validation documentation example (auth token 12345).
        let v = Twilio::new(&[b"12345"]).unwrap();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let params = [
            ("To", "+18005551212"),
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
        ];
        assert!(v.verify(url, &params, b"RSOYDt4T1cUTdK1PDd93/VVr8B8=").is_ok());
        let form = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
        assert!(v.verify_form(url, form, b"RSOYDt4T1cUTdK1PDd93/VVr8B8=").is_ok());
        let tampered =
            b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1235&From=%2B14158675309&To=%2B18005551212";
        assert_eq!(v.verify_form(url, tampered, b"RSOYDt4T1cUTdK1PDd93/VVr8B8="), Err(Error::BadSignature));
        assert_eq!(v.verify(url, &params, b""), Err(Error::MalformedSignature));
        assert_eq!(
            v.verify_form(url, b"a=%zz", b"RSOYDt4T1cUTdK1PDd93/VVr8B8="),
            Err(Error::MalformedHeader("form body"))
        );
    }

    #[test]
    fn shopify_known_answer_and_malformed() {
        // No secret/signature pair is published by Shopify; this known answer was computed with an
        // independent HMAC-SHA256 (Python's hmac module): key "shopify-test-secret", body below.
        let v = Shopify::new(Secrets::sha256(&[&b"other-secret"[..], b"shopify-test-secret"]).unwrap());
        let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
        let good = "mNfrdp3JGPIAycLjYyaBMlDV8vLpLMGbKSueYfs6Poo=";
        assert_eq!(v.verify(good.as_bytes(), body).unwrap().secret_index, 1);
        assert_eq!(v.verify(good.as_bytes(), b"{}"), Err(Error::BadSignature));
        assert_eq!(v.verify(b"", body), Err(Error::MalformedSignature));
        assert_eq!(v.verify(&good.as_bytes()[..20], body), Err(Error::MalformedSignature));
    }

    #[test]
    fn stripe_multiple_signatures_and_attacks() {
        let secret = b"whsec_test_secret";
        let v = Stripe::new(Secrets::sha256(&[secret]).unwrap());
        let body = br#"{"id":"evt_1"}"#;
        let t = 1_700_000_000i64;
        let now = Timestamp::from_unix(t + 5);
        let good = hex(&mac(secret, format!("{t}.{{\"id\":\"evt_1\"}}").as_bytes()));
        let other = hex(&mac(b"other", b"x"));
        let h = format!("t={t},v1={other},v1={good},v0={other}");
        assert!(v.verify(h.as_bytes(), body, now).is_ok());
        let none = format!("t={t},v1={other},v1={other}");
        assert_eq!(v.verify(none.as_bytes(), body, now), Err(Error::BadSignature));
        assert_eq!(v.verify(format!("t={t},v0={good}").as_bytes(), body, now), Err(Error::MalformedSignature));
        assert_eq!(v.verify(format!("t={t},v1=").as_bytes(), body, now), Err(Error::MalformedSignature));
        assert_eq!(v.verify(format!("v1={good}").as_bytes(), body, now), Err(Error::MalformedHeader(Stripe::HEADER)));
        assert_eq!(
            v.verify(format!("t={t},t={t},v1={good}").as_bytes(), body, now),
            Err(Error::MalformedHeader(Stripe::HEADER))
        );
        assert_eq!(v.verify(h.as_bytes(), body, Timestamp::from_unix(t + 301)), Err(Error::StaleTimestamp));
        assert_eq!(v.verify(h.as_bytes(), body, Timestamp::from_unix(t - 301)), Err(Error::FutureTimestamp));
        let many = format!("t={t}{}", format!(",v1={other}").repeat(MAX_SIGNATURES + 1));
        assert_eq!(v.verify(many.as_bytes(), body, now), Err(Error::TooLarge));
    }

    #[test]
    fn standard_webhooks_replay_and_cve_2024_21491() {
        let v = StandardWebhooks::from_whsec(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
        let g = MemoryReplayGuard::new(16);
        let now = Timestamp::from_unix(1_614_265_330);
        let body = br#"{"test": 2432232314}"#;
        let id = b"msg_p5jXN8AQM9LWM0D4loKWxJek";
        let sig = b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        // A bad MAC first: it must not claim the id.
        assert_eq!(
            v.verify(id, b"1614265330", b"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", body, now, &g),
            Err(Error::BadSignature)
        );
        assert!(v.verify(id, b"1614265330", sig, body, now, &g).is_ok());
        assert_eq!(v.verify(id, b"1614265330", sig, body, now, &g).unwrap_err().reason(), "replayed");
        let g = MemoryReplayGuard::new(16);
        for bad in [&b"v1,"[..], b"v1", b"", b"v1,g0hM9SsE", b"v2,abc", b"v1a,xyz="] {
            assert_eq!(v.verify(id, b"1614265330", bad, body, now, &g), Err(Error::MalformedSignature), "{bad:?}");
        }
        let mixed = b"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(v.verify(id, b"1614265330", mixed, body, now, &g).is_ok());
        assert_eq!(v.verify(b"a\nb", b"1614265330", sig, body, now, &g), Err(Error::ControlCharacter));
        assert!(StandardWebhooks::secret("whsec_!!").is_err());
    }

    #[test]
    fn request_forms() {
        use auth_core::Headers;
        let secret = b"request-form-secret";
        let now = Timestamp::from_unix(1_700_000_000);
        let body = b"payload";
        // Svix header names, accepted only when enabled.
        let key = [3u8; 24];
        let sw = StandardWebhooks::new(Secrets::sha256(&[key]).unwrap());
        let sig = format!("v1,{}", base64ct::Base64::encode_string(&mac(&key, b"msg_9.1700000000.payload")));
        let hs: &[(&str, &[u8])] =
            &[("svix-id", b"msg_9"), ("svix-timestamp", b"1700000000"), ("svix-signature", sig.as_bytes())];
        let req = RequestView::new("POST", "/hook", Headers::from_pairs(hs), body);
        let g = MemoryReplayGuard::new(8);
        assert_eq!(sw.verify_request(&req, now, &g), Err(Error::MissingHeader(StandardWebhooks::ID)));
        let svix = sw.clone().accept_svix_header_names().with_namespace("endpoint-1");
        assert_eq!(svix.verify_request(&req, now, &g).unwrap().id, Some("msg_9"));
        assert_eq!(svix.verify_request(&req, now, &g).unwrap_err().reason(), "replayed");
        // Stripe, Slack, GitHub, Shopify over a request view; duplicate signature headers refused.
        let stripe = Stripe::new(Secrets::sha256(&[secret]).unwrap());
        let h = format!("t=1700000000,v1={}", hex(&mac(secret, b"1700000000.payload")));
        let hs: &[(&str, &[u8])] = &[("Stripe-Signature", h.as_bytes())];
        assert!(stripe.verify_request(&RequestView::new("POST", "/", Headers::from_pairs(hs), body), now).is_ok());
        let twice: &[(&str, &[u8])] = &[("Stripe-Signature", h.as_bytes()), ("stripe-signature", h.as_bytes())];
        assert_eq!(
            stripe.verify_request(&RequestView::new("POST", "/", Headers::from_pairs(twice), body), now),
            Err(Error::DuplicateHeader(Stripe::HEADER))
        );
        let slack = Slack::new(Secrets::sha256(&[secret]).unwrap()).with_tolerance(60).unwrap();
        let sl = format!("v0={}", hex(&mac(secret, b"v0:1700000000:payload")));
        let hs: &[(&str, &[u8])] =
            &[("X-Slack-Request-Timestamp", b"1700000000"), ("X-Slack-Signature", sl.as_bytes())];
        let req = RequestView::new("POST", "/", Headers::from_pairs(hs), body);
        assert!(slack.verify_request(&req, now).is_ok());
        assert_eq!(slack.verify_request(&req, now.saturating_add_secs(61)), Err(Error::StaleTimestamp));
        let gh = GitHub::new(Secrets::sha256(&[secret]).unwrap());
        let g_sig = format!("sha256={}", hex(&mac(secret, body)));
        let hs: &[(&str, &[u8])] = &[("X-Hub-Signature-256", g_sig.as_bytes())];
        assert!(gh.verify_request(&RequestView::new("POST", "/", Headers::from_pairs(hs), body)).is_ok());
        assert_eq!(
            gh.verify_request(&RequestView::new("POST", "/", Headers::empty(), body)),
            Err(Error::MissingHeader(GitHub::HEADER))
        );
        let shop = Shopify::new(Secrets::sha256(&[secret]).unwrap());
        let s_sig = base64ct::Base64::encode_string(&mac(secret, body));
        let hs: &[(&str, &[u8])] = &[("X-Shopify-Hmac-Sha256", s_sig.as_bytes())];
        assert!(shop.verify_request(&RequestView::new("POST", "/", Headers::from_pairs(hs), body)).is_ok());
        // Twilio GET: only the URL is signed.
        let tw = Twilio::new(&[b"tok"]).unwrap();
        let url = "https://example.com/voice?From=%2B1555";
        let t_sig = base64ct::Base64::encode_string(
            hmac::sign(&hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, b"tok"), url.as_bytes()).as_ref(),
        );
        let hs: &[(&str, &[u8])] = &[("X-Twilio-Signature", t_sig.as_bytes())];
        assert!(
            tw.verify_request(url, &RequestView::new("GET", "/voice?From=%2B1555", Headers::from_pairs(hs), b""))
                .is_ok()
        );
        assert!(Stripe::new(Secrets::sha256(&[secret]).unwrap()).with_tolerance(0).is_err());
    }
}
