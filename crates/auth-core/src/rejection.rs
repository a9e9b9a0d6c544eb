//! The failure half of a verdict: what the server answers, and what it logs.
//!
//! Every crate's error enum converts into a [`Rejection`] through the [`Reject`] trait. A rejection knows
//! its HTTP [`Status`], its RFC 6750 [`ErrorCode`] (absent when the request simply carried no
//! credentials), a stable snake_case `reason` for logs and metrics, and how to render the
//! `WWW-Authenticate` challenge. The client-facing text is generic per error code; the precise cause is
//! only in `reason`, which is meant for the server's logs.

use core::fmt;
use std::borrow::Cow;

/// The HTTP status a rejection is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 400: the request is malformed (RFC 6750 `invalid_request`).
    BadRequest,
    /// 401: credentials are missing, or are not valid (RFC 6750 `invalid_token`).
    Unauthorized,
    /// 403: the credentials are valid but do not grant access (RFC 6750 `insufficient_scope`).
    Forbidden,
}

impl Status {
    /// The numeric status code.
    #[must_use]
    pub const fn code(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
        }
    }
}

/// The error codes of RFC 6750 §3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is missing a required parameter, has an unsupported parameter or value, repeats a
    /// parameter, offers more than one method, or is otherwise malformed. HTTP 400.
    InvalidRequest,
    /// The credential is expired, revoked, malformed, or invalid for other reasons. HTTP 401.
    InvalidToken,
    /// The request requires higher privileges than the credential provides. HTTP 403.
    InsufficientScope,
    /// RFC 9449 §7.1: the DPoP proof is invalid (answered with a `DPoP` challenge). HTTP 401.
    InvalidDpopProof,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::InvalidDpopProof => "invalid_dpop_proof",
        }
    }

    /// The status RFC 6750 (or RFC 9449 for `invalid_dpop_proof`) assigns to the code.
    #[must_use]
    pub const fn status(self) -> Status {
        match self {
            Self::InvalidRequest => Status::BadRequest,
            Self::InvalidToken | Self::InvalidDpopProof => Status::Unauthorized,
            Self::InsufficientScope => Status::Forbidden,
        }
    }

    /// The generic, client-facing description. It never names the precise cause.
    #[must_use]
    pub const fn public_description(self) -> &'static str {
        match self {
            Self::InvalidRequest => "The request is malformed",
            Self::InvalidToken => "The credentials are invalid or expired",
            Self::InsufficientScope => "The credentials do not grant access to this resource",
            Self::InvalidDpopProof => "The DPoP proof is invalid",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: Status,
    error: Option<ErrorCode>,
    reason: &'static str,
    required_scope: Option<Cow<'static, str>>,
}

impl Rejection {
    /// No credentials of the expected scheme were offered: 401, a challenge and no `error` attribute
    /// (RFC 6750 §3.1: "the resource server SHOULD NOT include an error code").
    #[must_use]
    pub const fn missing_credentials() -> Self {
        Self { status: Status::Unauthorized, error: None, reason: "missing_credentials", required_scope: None }
    }

    /// A malformed request: 400 `invalid_request`.
    #[must_use]
    pub const fn invalid_request(reason: &'static str) -> Self {
        Self::with_code(ErrorCode::InvalidRequest, reason)
    }

    /// Bad, expired, revoked or unverifiable credentials: 401 `invalid_token`.
    #[must_use]
    pub const fn invalid_token(reason: &'static str) -> Self {
        Self::with_code(ErrorCode::InvalidToken, reason)
    }

    /// Valid credentials without the required scope: 403 `insufficient_scope`.
    #[must_use]
    pub const fn insufficient_scope(reason: &'static str) -> Self {
        Self::with_code(ErrorCode::InsufficientScope, reason)
    }

    /// A rejection with the status RFC 6750 assigns to `code`.
    #[must_use]
    pub const fn with_code(code: ErrorCode, reason: &'static str) -> Self {
        Self { status: code.status(), error: Some(code), reason, required_scope: None }
    }

    /// Adds the `scope` attribute of the challenge (the scopes the resource requires), for
    /// `insufficient_scope` responses.
    #[must_use]
    pub fn with_required_scope(mut self, scope: impl Into<Cow<'static, str>>) -> Self {
        self.required_scope = Some(scope.into());
        self
    }

    /// The HTTP status.
    #[must_use]
    pub const fn status(&self) -> Status {
        self.status
    }

    /// The RFC 6750 error code; `None` when credentials were missing.
    #[must_use]
    pub const fn error(&self) -> Option<ErrorCode> {
        self.error
    }

    /// A stable snake_case cause for logs and metrics (`expired`, `bad_signature`, `replayed`, …). It is
    /// precise and is not sent to the client.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        self.reason
    }

    /// The required scope carried by the challenge, if any.
    #[must_use]
    pub fn required_scope(&self) -> Option<&str> {
        self.required_scope.as_deref()
    }

    /// Renders the `WWW-Authenticate` field value for `challenge` (RFC 9110 §11.6.1, RFC 6750 §3,
    /// RFC 7617 §2). Attribute values are quoted strings with `"` and `\` escaped; characters that a
    /// quoted-string cannot carry (controls other than HTAB) are dropped from caller-supplied text.
    ///
    /// Bearer challenges carry `error`, `error_description` and `scope` when the rejection has them;
    /// Basic challenges carry only `realm` and `charset="UTF-8"`, since RFC 7617 defines no error
    /// attributes.
    #[must_use]
    pub fn www_authenticate(&self, challenge: &Challenge<'_>) -> String {
        let mut out = String::with_capacity(96);
        out.push_str(challenge.scheme.as_str());
        let mut first = true;
        let mut param = |out: &mut String, name: &str, value: &str| {
            out.push_str(if first { " " } else { ", " });
            first = false;
            out.push_str(name);
            out.push_str("=\"");
            push_quoted_content(out, value);
            out.push('"');
        };
        if let Some(realm) = challenge.realm {
            param(&mut out, "realm", realm);
        }
        match challenge.scheme {
            ChallengeScheme::Basic => param(&mut out, "charset", "UTF-8"),
            ChallengeScheme::Bearer | ChallengeScheme::Custom(_) => {
                if let Some(code) = self.error {
                    param(&mut out, "error", code.as_str());
                    param(&mut out, "error_description", code.public_description());
                }
                if let Some(scope) = self.required_scope.as_deref() {
                    param(&mut out, "scope", scope);
                }
            }
        }
        out
    }
}

impl fmt::Display for Rejection {
    /// `<status> <error or "missing_credentials">: <reason>` — for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.error.map_or("no_error_code", ErrorCode::as_str);
        write!(f, "{} {}: {}", self.status.code(), code, self.reason)
    }
}

impl std::error::Error for Rejection {}

/// Converts a crate's error into the rejection a server answers with.
pub trait Reject {
    /// The rejection for this error.
    fn rejection(&self) -> Rejection;
}

impl Reject for Rejection {
    fn rejection(&self) -> Rejection {
        self.clone()
    }
}

/// The authentication scheme named in a `WWW-Authenticate` challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeScheme {
    /// RFC 6750 `Bearer`.
    Bearer,
    /// RFC 7617 `Basic`.
    Basic,
    /// Another scheme name (an RFC 9110 token, such as `DPoP` or `Signature`). Names that are not tokens
    /// are rendered as `Bearer` rather than producing a malformed header.
    Custom(&'static str),
}

impl ChallengeScheme {
    /// The scheme name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bearer => "Bearer",
            Self::Basic => "Basic",
            Self::Custom(name) if !name.is_empty() && name.bytes().all(crate::header::is_tchar) => name,
            Self::Custom(_) => "Bearer",
        }
    }
}

/// What to put in a `WWW-Authenticate` challenge besides the rejection's own attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Challenge<'a> {
    /// The scheme the server accepts.
    pub scheme: ChallengeScheme,
    /// The protection space (`realm`), if the server names one.
    pub realm: Option<&'a str>,
}

impl<'a> Challenge<'a> {
    /// A Bearer challenge with an optional realm.
    #[must_use]
    pub const fn bearer(realm: Option<&'a str>) -> Self {
        Self { scheme: ChallengeScheme::Bearer, realm }
    }

    /// A Basic challenge; RFC 7617 requires a realm.
    #[must_use]
    pub const fn basic(realm: &'a str) -> Self {
        Self { scheme: ChallengeScheme::Basic, realm: Some(realm) }
    }
}

fn push_quoted_content(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6750_missing_credentials_challenge() {
        // RFC 6750 §3: `WWW-Authenticate: Bearer realm="example"`
        let r = Rejection::missing_credentials();
        assert_eq!(r.status().code(), 401);
        assert_eq!(r.error(), None);
        assert_eq!(r.www_authenticate(&Challenge::bearer(Some("example"))), r#"Bearer realm="example""#);
    }

    #[test]
    fn rfc6750_invalid_token_challenge() {
        // RFC 6750 §3: `Bearer realm="example", error="invalid_token", error_description="…"`
        let r = Rejection::invalid_token("expired");
        assert_eq!(r.status().code(), 401);
        assert_eq!(r.reason(), "expired");
        assert_eq!(
            r.www_authenticate(&Challenge::bearer(Some("example"))),
            r#"Bearer realm="example", error="invalid_token", error_description="The credentials are invalid or expired""#
        );
    }

    #[test]
    fn insufficient_scope_carries_scope() {
        let r = Rejection::insufficient_scope("missing_scope").with_required_scope("read write");
        assert_eq!(r.status(), Status::Forbidden);
        let h = r.www_authenticate(&Challenge::bearer(None));
        assert!(h.starts_with(r#"Bearer error="insufficient_scope""#), "{h}");
        assert!(h.ends_with(r#", scope="read write""#), "{h}");
    }

    #[test]
    fn dpop_challenge_per_rfc9449() {
        // RFC 9449 §7.1: `WWW-Authenticate: DPoP error="invalid_dpop_proof", error_description="…"`.
        let r = Rejection::with_code(ErrorCode::InvalidDpopProof, "invalid_dpop_proof");
        assert_eq!(r.status().code(), 401);
        let c = Challenge { scheme: ChallengeScheme::Custom("DPoP"), realm: None };
        assert_eq!(
            r.www_authenticate(&c),
            r#"DPoP error="invalid_dpop_proof", error_description="The DPoP proof is invalid""#
        );
    }

    #[test]
    fn invalid_request_is_400() {
        let r = Rejection::invalid_request("duplicate_authorization");
        assert_eq!(r.status().code(), 400);
        assert_eq!(r.error(), Some(ErrorCode::InvalidRequest));
        assert_eq!(r.to_string(), "400 invalid_request: duplicate_authorization");
    }

    #[test]
    fn basic_challenge_per_rfc7617() {
        let r = Rejection::invalid_token("bad_password");
        assert_eq!(r.www_authenticate(&Challenge::basic("WallyWorld")), r#"Basic realm="WallyWorld", charset="UTF-8""#);
    }

    #[test]
    fn realm_is_escaped() {
        let r = Rejection::missing_credentials();
        let h = r.www_authenticate(&Challenge::bearer(Some("a\"b\\c\r\nd")));
        assert_eq!(h, r#"Bearer realm="a\"b\\cd""#);
    }

    #[test]
    fn custom_scheme_must_be_a_token() {
        let r = Rejection::missing_credentials();
        let ok = Challenge { scheme: ChallengeScheme::Custom("DPoP"), realm: None };
        assert_eq!(r.www_authenticate(&ok), "DPoP");
        let bad = Challenge { scheme: ChallengeScheme::Custom("a b"), realm: None };
        assert_eq!(r.www_authenticate(&bad), "Bearer");
    }
}
