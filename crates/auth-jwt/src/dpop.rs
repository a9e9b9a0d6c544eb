//! RFC 9449 DPoP: the pure steps of verifying a proof (§4.3) and its binding to an access token.
//!
//! The caller extracts the single `DPoP` header value and the `Authorization: DPoP` token, verifies the
//! access token with [`verify`](crate::verify) under [`Presentation::Dpop`](crate::Presentation::Dpop),
//! verifies the proof with [`verify_proof`], then checks [`check_binding`]. Nonces (§8, §9) are
//! compared when the caller passes one.
//!
//! ```
//! use auth_jwt::dpop::{http_uri_matches, thumbprint_of_jwk};
//! // RFC 7638 §3.1 example key.
//! let jwk = br#"{"kty":"RSA","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#;
//! assert_eq!(thumbprint_of_jwk(jwk).unwrap(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
//! assert!(http_uri_matches("https://Server.example:443/token?x=1#f", "https://server.example/token"));
//! ```

use crate::alg::{Algorithm, AlgorithmSet};
use crate::b64;
use crate::error::{DpopFailure, Error};
use crate::json::{self, Kind};
use crate::jws::{self, Limits};
use crate::key::Key;
use crate::token::VerifiedToken;
use auth_core::{ReplayGuard, Timestamp};
use std::sync::Arc;

/// The request a proof must match.
#[derive(Debug, Clone, Copy)]
pub struct DpopRequest<'a> {
    /// The HTTP method, as received (`GET`, `POST`, …); compared case-sensitively with `htm`.
    pub method: &'a str,
    /// The request's absolute URI as the server sees it (scheme, host, path; query and fragment are
    /// ignored).
    pub uri: &'a str,
    /// The access token sent with the proof, if any; then `ath` is required and checked.
    pub access_token: Option<&'a str>,
    /// The nonce the server expects (§8/§9), if it issued one; then `nonce` must equal it.
    pub nonce: Option<&'a str>,
}

/// How proofs are checked.
#[derive(Clone)]
pub struct DpopPolicy {
    /// Accepted algorithms; only asymmetric ones are ever accepted. Default: all asymmetric.
    pub algorithms: AlgorithmSet,
    /// How old `iat` may be, in seconds. Default 300.
    pub max_age_secs: u32,
    /// How far in the future `iat` may be, in seconds (clock skew). Default 5.
    pub leeway_secs: u32,
    /// Records each proof's `jti` (namespace: the key thumbprint) until `iat + max_age + leeway`.
    pub replay: Option<Arc<dyn ReplayGuard>>,
    /// Size and nesting limits for the proof.
    pub limits: Limits,
}

impl Default for DpopPolicy {
    fn default() -> Self {
        Self {
            algorithms: AlgorithmSet::ASYMMETRIC,
            max_age_secs: 300,
            leeway_secs: 5,
            replay: None,
            limits: Limits { max_token_bytes: 4096, max_header_bytes: 2048, max_json_depth: 4 },
        }
    }
}

impl core::fmt::Debug for DpopPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DpopPolicy")
            .field("algorithms", &self.algorithms)
            .field("max_age_secs", &self.max_age_secs)
            .field("leeway_secs", &self.leeway_secs)
            .field("replay", &self.replay.is_some())
            .field("limits", &self.limits)
            .finish()
    }
}

/// A verified DPoP proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopProof {
    /// The RFC 7638 SHA-256 thumbprint of the proof key (base64url): what `cnf.jkt` must equal.
    pub thumbprint: String,
    /// The proof's `jti`.
    pub jti: String,
    /// The proof's `iat`.
    pub issued_at: Timestamp,
    /// The proof's algorithm.
    pub alg: Algorithm,
}

fn fail(f: DpopFailure) -> Error {
    Error::InvalidDpopProof(f)
}

/// Verifies a DPoP proof JWT against the request (RFC 9449 §4.3 steps 2–12; step 1, a single `DPoP`
/// header, is the caller's).
///
/// # Errors
/// [`Error::InvalidDpopProof`] naming the failed step, or [`Error::Replay`] from the guard.
pub fn verify_proof(
    proof: &str,
    req: &DpopRequest<'_>,
    policy: &DpopPolicy,
    now: Timestamp,
) -> Result<DpopProof, Error> {
    let malformed = |_| fail(DpopFailure::Malformed);
    let parts = jws::split(proof.as_bytes(), &policy.limits).map_err(malformed)?;
    if parts.payload.contains(&b'.') {
        return Err(fail(DpopFailure::Malformed));
    }
    let mut header = Vec::new();
    b64::decode_public_into(parts.header, &mut header).map_err(|_| fail(DpopFailure::Malformed))?;
    let h = jws::parse_header(&header, policy.limits.max_json_depth, &[]).map_err(|e| match e {
        Error::AlgorithmNotAllowed => fail(DpopFailure::Algorithm),
        _ => fail(DpopFailure::Malformed),
    })?;
    match &h.typ {
        Some(t) if t.get(&header) == "dpop+jwt" => {}
        _ => return Err(fail(DpopFailure::Type)),
    }
    if h.alg.is_symmetric() || !policy.algorithms.contains(h.alg) || !AlgorithmSet::ASYMMETRIC.contains(h.alg) {
        return Err(fail(DpopFailure::Algorithm));
    }
    let (js, je) = h.jwk.ok_or(fail(DpopFailure::Key))?;
    let jwk = header.get(js as usize..je as usize).ok_or(fail(DpopFailure::Key))?;
    // Key::from_jwk refuses private members, `oct` keys are refused below, and the binding to `alg`
    // follows the same rules as for configured keys.
    let key = Key::from_jwk(jwk).map_err(|_| fail(DpopFailure::Key))?;
    if key.algorithms().is_empty() || matches!(key.key_type(), crate::KeyType::Oct) {
        return Err(fail(DpopFailure::Key));
    }
    if !key.algorithms().contains(h.alg) {
        return Err(fail(DpopFailure::Key));
    }
    key.verify_segment(h.alg, parts.signing_input, parts.signature).map_err(|_| fail(DpopFailure::Signature))?;
    let thumbprint = key.thumbprint().ok_or(fail(DpopFailure::Key))?.to_owned();

    let mut payload = Vec::new();
    b64::decode_public_into(parts.payload, &mut payload).map_err(|_| fail(DpopFailure::Malformed))?;
    let (mut jti, mut htm, mut htu, mut iat, mut ath, mut nonce) = (None, None, None, None, None, None);
    json::scan_object(&payload, policy.limits.max_json_depth, &mut |name, v| {
        let s = || json::str_of(&payload, v).map(|s| s.into_owned()).ok_or(fail(DpopFailure::Malformed));
        match name {
            b"jti" => jti = Some(s()?),
            b"htm" => htm = Some(s()?),
            b"htu" => htu = Some(s()?),
            b"ath" => ath = Some(s()?),
            b"nonce" => nonce = Some(s()?),
            b"iat" => {
                if v.kind != Kind::Number {
                    return Err(fail(DpopFailure::Malformed));
                }
                iat = Some(json::numeric_date(&payload, v).ok_or(fail(DpopFailure::Malformed))?);
            }
            _ => {}
        }
        Ok(())
    })
    .map_err(|e| if matches!(e, Error::InvalidDpopProof(_)) { e } else { fail(DpopFailure::Malformed) })?;
    let jti = jti.filter(|j| !j.is_empty()).ok_or(fail(DpopFailure::MissingJti))?;
    if htm.as_deref() != Some(req.method) {
        return Err(fail(DpopFailure::Method));
    }
    if !htu.as_deref().is_some_and(|u| http_uri_matches(u, req.uri)) {
        return Err(fail(DpopFailure::Uri));
    }
    if let Some(expected) = req.nonce
        && !nonce.as_deref().is_some_and(|n| auth_core::ct_eq(n.as_bytes(), expected.as_bytes()))
    {
        return Err(fail(DpopFailure::Nonce));
    }
    let iat = iat.ok_or(fail(DpopFailure::Time))?;
    let now_s = now.as_unix();
    if iat > now_s.saturating_add(i64::from(policy.leeway_secs))
        || now_s.saturating_sub(iat) > i64::from(policy.max_age_secs)
    {
        return Err(fail(DpopFailure::Time));
    }
    if let Some(token) = req.access_token {
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let expected = b64::encode_string(digest.as_ref());
        if !ath.as_deref().is_some_and(|a| auth_core::ct_eq(a.as_bytes(), expected.as_bytes())) {
            return Err(fail(DpopFailure::AccessTokenHash));
        }
    }
    if let Some(guard) = &policy.replay {
        let until = Timestamp::from_unix(
            iat.saturating_add(i64::from(policy.max_age_secs)).saturating_add(i64::from(policy.leeway_secs)),
        );
        guard.check_and_record(thumbprint.as_bytes(), jti.as_bytes(), until, now).map_err(Error::Replay)?;
    }
    Ok(DpopProof { thumbprint, jti, issued_at: Timestamp::from_unix(iat), alg: h.alg })
}

/// RFC 9449 §6.1: the access token's `cnf.jkt` must equal the proof key's thumbprint (constant-time
/// comparison).
///
/// # Errors
/// [`Error::InvalidDpopProof`] with [`DpopFailure::KeyBinding`] when the token is not DPoP-bound or is
/// bound to another key.
pub fn check_binding(token: &VerifiedToken, proof: &DpopProof) -> Result<(), Error> {
    let jkt = token.dpop_thumbprint().map_err(|_| fail(DpopFailure::KeyBinding))?;
    match jkt {
        Some(j) if auth_core::ct_eq(j.as_bytes(), proof.thumbprint.as_bytes()) => Ok(()),
        _ => Err(fail(DpopFailure::KeyBinding)),
    }
}

/// The RFC 7638 SHA-256 thumbprint (base64url) of a public JWK.
///
/// # Errors
/// As [`Key::from_jwk`]; HMAC (`oct`) keys have no thumbprint here ([`crate::KeyProblem::Unsupported`]).
pub fn thumbprint_of_jwk(jwk: &[u8]) -> Result<String, Error> {
    let key = Key::from_jwk(jwk)?;
    key.thumbprint().map(str::to_owned).ok_or(Error::InvalidKey(crate::KeyProblem::Unsupported))
}

/// Compares a proof's `htu` with the request URI: query and fragment dropped, scheme and host compared
/// case-insensitively, default ports (`:443` for https, `:80` for http) removed, and an empty path
/// read as `/` (RFC 3986 §6.2.2–6.2.3). Everything else must match exactly.
#[must_use]
pub fn http_uri_matches(htu: &str, request_uri: &str) -> bool {
    match (normalize_uri(htu), normalize_uri(request_uri)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn normalize_uri(u: &str) -> Option<String> {
    let base = u.split(['?', '#']).next()?;
    let (scheme, rest) = base.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let mut authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    if authority.ends_with(default_port) {
        authority.truncate(authority.len() - default_port.len());
    }
    Some(format!("{scheme}://{authority}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_matching() {
        assert!(http_uri_matches("https://server.example.com/token", "https://server.example.com/token?a=b"));
        assert!(http_uri_matches("HTTPS://SERVER.example.com:443/token", "https://server.example.com/token"));
        assert!(http_uri_matches("https://a.example", "https://a.example/"));
        assert!(!http_uri_matches("https://a.example/Token", "https://a.example/token"));
        assert!(!http_uri_matches("http://a.example/token", "https://a.example/token"));
        assert!(!http_uri_matches("https://a.example:8443/token", "https://a.example/token"));
        assert!(!http_uri_matches("https://evil@a.example/token", "https://a.example/token"));
        assert!(!http_uri_matches("ftp://a.example/x", "ftp://a.example/x"));
    }
}
