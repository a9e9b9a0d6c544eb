//! Finding the one credential a request offers.
//!
//! RFC 6750 §2 forbids offering a token in more than one way, and two `Authorization` fields are never
//! "take the first": both are [`HeaderError::DuplicateHeader`] / [`HeaderError::MultipleCredentials`],
//! answered with 400 `invalid_request`.

use crate::header::{self, BasicCredentials, HeaderError};
use crate::request::{Headers, RequestView};
use std::borrow::Cow;

/// Where a server accepts credentials. Build with the `with_*` methods; nothing is accepted by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CredentialSources<'a> {
    bearer: bool,
    basic: bool,
    header: Option<&'a str>,
    query: Option<&'a str>,
}

impl<'a> CredentialSources<'a> {
    /// Accepts nothing.
    #[must_use]
    pub const fn none() -> Self {
        Self { bearer: false, basic: false, header: None, query: None }
    }

    /// Accepts `Authorization: Bearer <token>`.
    #[must_use]
    pub const fn with_bearer(mut self) -> Self {
        self.bearer = true;
        self
    }

    /// Accepts `Authorization: Basic <base64>`.
    #[must_use]
    pub const fn with_basic(mut self) -> Self {
        self.basic = true;
        self
    }

    /// Accepts a custom header holding the credential alone, such as `x-api-key`.
    #[must_use]
    pub const fn with_header(mut self, name: &'a str) -> Self {
        self.header = Some(name);
        self
    }

    /// Accepts a query parameter. Off unless enabled: URLs end up in logs, browser history and `Referer`
    /// headers (RFC 6750 §2.3, §5.3).
    #[must_use]
    pub const fn with_query_param(mut self, name: &'a str) -> Self {
        self.query = Some(name);
        self
    }
}

/// The credential found in a request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credential<'a> {
    /// A Bearer token.
    Bearer(&'a str),
    /// Decoded Basic credentials.
    Basic(BasicCredentials),
    /// The value of the configured custom header.
    Header(&'a str),
    /// The percent-decoded value of the configured query parameter.
    Query(Cow<'a, str>),
}

/// Finds the single credential `req` offers through `sources`.
///
/// An `Authorization` field of a scheme not accepted here counts as no credential (a 401 challenge), so
/// that a server can stack several verifiers; but an accepted credential together with any other
/// credential (another accepted source, or an `Authorization` field of any scheme) is
/// [`HeaderError::MultipleCredentials`].
///
/// # Errors
/// [`HeaderError::Missing`] when nothing is offered, [`HeaderError::DuplicateHeader`] for a repeated
/// field, [`HeaderError::MultipleCredentials`], or the parse error of the credential found.
pub fn extract_credential<'a>(
    req: &RequestView<'a>,
    sources: &CredentialSources<'_>,
) -> Result<Credential<'a>, HeaderError> {
    extract_from(req.headers(), req.query(), sources)
}

/// As [`extract_credential`], from headers and an optional query string (after `?`).
///
/// # Errors
/// As [`extract_credential`].
pub fn extract_from<'a>(
    headers: Headers<'a>,
    query: Option<&'a str>,
    sources: &CredentialSources<'_>,
) -> Result<Credential<'a>, HeaderError> {
    let authorization = headers.get_one("authorization")?;
    let custom = match sources.header {
        Some(name) => headers.get_one(name)?,
        None => None,
    };
    let from_query = match (sources.query, query) {
        (Some(name), Some(q)) => query_param(q, name)?,
        _ => None,
    };
    let offered =
        usize::from(authorization.is_some()) + usize::from(custom.is_some()) + usize::from(from_query.is_some());
    if offered > 1 {
        return Err(HeaderError::MultipleCredentials);
    }
    if let Some(value) = authorization {
        let auth = header::parse_authorization(value)?;
        if sources.bearer && auth.is_scheme("Bearer") {
            return auth.token68().map(Credential::Bearer).ok_or(HeaderError::InvalidToken68);
        }
        if sources.basic && auth.is_scheme("Basic") {
            let token = auth.token68().ok_or(HeaderError::InvalidToken68)?;
            return header::decode_basic_token(token).map(Credential::Basic);
        }
        return Err(HeaderError::UnexpectedScheme);
    }
    if let Some(value) = custom {
        return header::parse_key_header(value).map(Credential::Header);
    }
    if let Some(v) = from_query {
        return Ok(Credential::Query(v));
    }
    Err(HeaderError::Missing)
}

/// The percent-decoded value of query parameter `name`; a repeated parameter is
/// [`HeaderError::DuplicateHeader`], an empty value is [`HeaderError::Empty`].
fn query_param<'a>(query: &'a str, name: &str) -> Result<Option<Cow<'a, str>>, HeaderError> {
    if query.len() > header::MAX_HEADER_VALUE_LEN {
        return Err(HeaderError::TooLong { len: query.len(), max: header::MAX_HEADER_VALUE_LEN });
    }
    let mut found: Option<&'a str> = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            if found.is_some() {
                return Err(HeaderError::DuplicateHeader);
            }
            found = Some(v);
        }
    }
    match found {
        None => Ok(None),
        Some("") => Err(HeaderError::Empty),
        Some(v) => {
            if v.bytes().any(|b| b == b'+') {
                // `+` is ambiguous (space in forms, literal in RFC 3986); credentials never hold either.
                return Err(HeaderError::InvalidQueryEncoding);
            }
            let decoded =
                percent_encoding::percent_decode_str(v).decode_utf8().map_err(|_| HeaderError::InvalidQueryEncoding)?;
            if decoded.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(HeaderError::InvalidQueryEncoding);
            }
            Ok(Some(decoded))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn extract(h: &[(&str, &[u8])], target: &str, s: CredentialSources<'_>) -> Result<String, HeaderError> {
        let view = RequestView::new("GET", target, Headers::from_pairs(h), b"");
        extract_credential(&view, &s).map(|c| match c {
            Credential::Bearer(t) => format!("bearer:{t}"),
            Credential::Basic(b) => format!("basic:{}:{}", b.user_id(), b.password().expose()),
            Credential::Header(k) => format!("header:{k}"),
            Credential::Query(q) => format!("query:{q}"),
        })
    }

    #[test]
    fn one_source_each() {
        let all = CredentialSources::none().with_bearer().with_basic().with_header("x-api-key").with_query_param("key");
        assert_eq!(extract(&[("Authorization", b"Bearer t1")], "/", all).unwrap(), "bearer:t1");
        assert_eq!(
            extract(&[("authorization", b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")], "/", all).unwrap(),
            "basic:Aladdin:open sesame"
        );
        assert_eq!(extract(&[("X-API-Key", b"k1")], "/", all).unwrap(), "header:k1");
        assert_eq!(extract(&[], "/x?a=1&key=k%5F2", all).unwrap(), "query:k_2");
        assert_eq!(extract(&[], "/x?a=1", all), Err(HeaderError::Missing));
    }

    #[test]
    fn never_take_the_first() {
        let s = CredentialSources::none().with_bearer().with_header("x-api-key").with_query_param("key");
        assert_eq!(
            extract(&[("Authorization", b"Bearer a"), ("authorization", b"Bearer b")], "/", s),
            Err(HeaderError::DuplicateHeader)
        );
        assert_eq!(
            extract(&[("Authorization", b"Bearer a"), ("x-api-key", b"b")], "/", s),
            Err(HeaderError::MultipleCredentials)
        );
        assert_eq!(extract(&[("x-api-key", b"b")], "/?key=c", s), Err(HeaderError::MultipleCredentials));
        assert_eq!(extract(&[("x-api-key", b"a"), ("X-Api-Key", b"b")], "/", s), Err(HeaderError::DuplicateHeader));
        assert_eq!(extract(&[], "/?key=a&key=b", s), Err(HeaderError::DuplicateHeader));
        // An Authorization field of another scheme still counts as a second credential.
        assert_eq!(
            extract(&[("Authorization", b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), ("x-api-key", b"k")], "/", s),
            Err(HeaderError::MultipleCredentials)
        );
    }

    #[test]
    fn other_scheme_is_a_challenge_and_query_is_off_by_default() {
        let bearer = CredentialSources::none().with_bearer();
        let r = extract(&[("Authorization", b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")], "/", bearer);
        assert_eq!(r, Err(HeaderError::UnexpectedScheme));
        assert_eq!(extract(&[], "/?access_token=abc", bearer), Err(HeaderError::Missing));
    }

    #[test]
    fn bad_query_values() {
        let s = CredentialSources::none().with_query_param("key");
        assert_eq!(extract(&[], "/?key=", s), Err(HeaderError::Empty));
        assert_eq!(extract(&[], "/?key=a+b", s), Err(HeaderError::InvalidQueryEncoding));
        assert_eq!(extract(&[], "/?key=%ff", s), Err(HeaderError::InvalidQueryEncoding));
        assert_eq!(extract(&[], "/?key=a%0Ab", s), Err(HeaderError::InvalidQueryEncoding));
    }
}
