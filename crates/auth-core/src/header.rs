//! Credentials carried in header fields: `Authorization` (RFC 9110 §11), Bearer (RFC 6750 §2.1),
//! Basic (RFC 7617) and single-value custom headers such as `x-api-key`.
//!
//! # Limits
//! - A field value longer than [`MAX_HEADER_VALUE_LEN`] bytes is rejected before anything else is done.
//! - An auth-param list may hold at most [`MAX_AUTH_PARAMS`] parameters (empty list elements included).
//!
//! # Strictness
//! - The whole value must be visible ASCII or SP/HTAB: NUL, CR, LF and other controls, DEL and non-ASCII
//!   bytes are rejected.
//! - Leading and trailing SP/HTAB around the field value are ignored (RFC 9110 §5.5); between the
//!   scheme and its credentials only SP is allowed.
//! - The auth-scheme is matched case-insensitively; token68 values and parameter values are returned as
//!   they are (credentials are case-sensitive).
//! - A parameter name that appears twice is rejected (RFC 9110 §11.2: "MUST NOT occur more than once").

use crate::rejection::{Reject, Rejection};
use crate::secret::SecretString;
use base64ct::{Base64, Encoding};
use core::fmt;
use std::borrow::Cow;

/// The longest header field value accepted, in bytes (16 KiB): room for large JWTs, far below what
/// would let a client make the server do unbounded work.
pub const MAX_HEADER_VALUE_LEN: usize = 16 * 1024;

/// The most auth-params (list elements, empty ones included) one `Authorization` value may hold.
pub const MAX_AUTH_PARAMS: usize = 32;

/// Why a header could not yield credentials. Every variant has a stable [`HeaderError::reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// No credential was found where one was expected.
    Missing,
    /// The field value is empty or only whitespace.
    Empty,
    /// The field value is longer than the limit.
    TooLong {
        /// Length seen.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A control character (NUL, CR, LF, …) or DEL in the field value.
    ControlCharacter,
    /// A byte outside ASCII in the field value.
    NonAscii,
    /// The auth-scheme is not an RFC 9110 token.
    InvalidScheme,
    /// Something other than a single SP separates the scheme from its credentials, or the credentials
    /// hold whitespace.
    InvalidWhitespace,
    /// The scheme is present but carries no credentials.
    MissingCredentials,
    /// The credentials are neither a token68 nor a well-formed auth-param list.
    MalformedCredentials,
    /// The scheme requires a token68 and got auth-params, or the token68 has invalid characters.
    InvalidToken68,
    /// More than [`MAX_AUTH_PARAMS`] auth-params.
    TooManyParams,
    /// An auth-param name appears more than once.
    DuplicateParam,
    /// The credentials use a different scheme than the one accepted here.
    UnexpectedScheme,
    /// The Basic credentials are not canonical padded base64.
    InvalidBase64,
    /// The decoded Basic credentials are not UTF-8.
    NotUtf8,
    /// The decoded Basic credentials contain no colon.
    MissingColon,
    /// The decoded Basic credentials contain a control character.
    ControlCharacterInCredentials,
    /// The field appears more than once.
    DuplicateHeader,
    /// Credentials were offered in more than one way at once (RFC 6750 §2: "MUST NOT use more than one
    /// method").
    MultipleCredentials,
    /// A query parameter could not be percent-decoded to UTF-8.
    InvalidQueryEncoding,
}

impl HeaderError {
    /// A stable snake_case cause for logs and metrics.
    #[must_use]
    pub const fn reason(self) -> &'static str {
        match self {
            Self::Missing => "missing_credentials",
            Self::Empty => "empty_header",
            Self::TooLong { .. } => "header_too_long",
            Self::ControlCharacter => "control_character",
            Self::NonAscii => "non_ascii_header",
            Self::InvalidScheme => "invalid_auth_scheme",
            Self::InvalidWhitespace => "invalid_whitespace",
            Self::MissingCredentials => "missing_credentials_after_scheme",
            Self::MalformedCredentials => "malformed_credentials",
            Self::InvalidToken68 => "invalid_token68",
            Self::TooManyParams => "too_many_auth_params",
            Self::DuplicateParam => "duplicate_auth_param",
            Self::UnexpectedScheme => "unsupported_auth_scheme",
            Self::InvalidBase64 => "invalid_base64",
            Self::NotUtf8 => "not_utf8",
            Self::MissingColon => "missing_colon",
            Self::ControlCharacterInCredentials => "control_character_in_credentials",
            Self::DuplicateHeader => "duplicate_header",
            Self::MultipleCredentials => "multiple_credentials",
            Self::InvalidQueryEncoding => "invalid_query_encoding",
        }
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { len, max } => write!(f, "header value of {len} bytes exceeds {max}"),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for HeaderError {}

impl Reject for HeaderError {
    /// Credentials of another scheme, or none, are a 401 challenge without an error code (RFC 6750
    /// §3.1); everything else is a malformed request, 400 `invalid_request`.
    fn rejection(&self) -> Rejection {
        match self {
            Self::Missing | Self::UnexpectedScheme => Rejection::missing_credentials(),
            other => Rejection::invalid_request(other.reason()),
        }
    }
}

/// Whether `b` is an RFC 9110 `tchar`, the characters of tokens (header field names, methods,
/// auth-schemes, unquoted parameter values).
#[must_use]
pub const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// RFC 9110 token68 characters other than the trailing `=`.
const fn is_token68_char(b: u8) -> bool {
    matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// RFC 9110 `qdtext` (ASCII part: obs-text is rejected by the value check).
const fn is_qdtext(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Checks length and characters of a field value and strips surrounding SP/HTAB.
fn check_value(value: &[u8]) -> Result<&str, HeaderError> {
    if value.len() > MAX_HEADER_VALUE_LEN {
        return Err(HeaderError::TooLong { len: value.len(), max: MAX_HEADER_VALUE_LEN });
    }
    for &b in value {
        if b >= 0x80 {
            return Err(HeaderError::NonAscii);
        }
        if (b < 0x20 && b != b'\t') || b == 0x7F {
            return Err(HeaderError::ControlCharacter);
        }
    }
    let s = core::str::from_utf8(value).map_err(|_| HeaderError::NonAscii)?;
    let s = s.trim_matches([' ', '\t']);
    if s.is_empty() {
        return Err(HeaderError::Empty);
    }
    Ok(s)
}

fn is_token68(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty() && body.bytes().all(is_token68_char)
}

/// A parsed `Authorization` (or `Proxy-Authorization`) field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'a> {
    scheme: &'a str,
    credentials: Credentials<'a>,
}

/// What follows the auth-scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials<'a> {
    /// A token68 (Bearer tokens, Basic's base64).
    Token68(&'a str),
    /// A validated auth-param list; iterate it with [`Credentials::params`].
    Params(&'a str),
}

impl<'a> Credentials<'a> {
    /// The auth-params, in order, with quoted-string values unescaped. Empty for a token68.
    #[must_use]
    pub fn params(&self) -> AuthParams<'a> {
        match *self {
            Self::Token68(_) => AuthParams { rest: "", count: 0 },
            Self::Params(s) => AuthParams { rest: s, count: 0 },
        }
    }
}

impl<'a> Authorization<'a> {
    /// The auth-scheme as sent.
    #[must_use]
    pub const fn scheme(&self) -> &'a str {
        self.scheme
    }

    /// Whether the auth-scheme is `name`, compared case-insensitively.
    #[must_use]
    pub fn is_scheme(&self, name: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(name)
    }

    /// The credentials.
    #[must_use]
    pub const fn credentials(&self) -> Credentials<'a> {
        self.credentials
    }

    /// The token68, if the credentials are one.
    #[must_use]
    pub const fn token68(&self) -> Option<&'a str> {
        match self.credentials {
            Credentials::Token68(t) => Some(t),
            Credentials::Params(_) => None,
        }
    }
}

/// One auth-param.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParam<'a> {
    /// The parameter name as sent (compare case-insensitively).
    pub name: &'a str,
    /// The value, with quoted-string escapes removed.
    pub value: Cow<'a, str>,
}

/// Iterator over a validated auth-param list. Produced only for lists that [`parse_authorization`] has
/// already checked, so it never fails.
#[derive(Debug, Clone)]
pub struct AuthParams<'a> {
    rest: &'a str,
    count: usize,
}

/// Parses one auth-param at the start of `s`; returns it and the remainder after it.
fn parse_param(s: &str) -> Result<(AuthParam<'_>, &str), HeaderError> {
    let name_end = s.bytes().position(|b| !is_tchar(b)).unwrap_or(s.len());
    let (name, rest) = s.split_at_checked(name_end).ok_or(HeaderError::MalformedCredentials)?;
    if name.is_empty() {
        return Err(HeaderError::MalformedCredentials);
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix('=').ok_or(HeaderError::MalformedCredentials)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    if let Some(quoted) = rest.strip_prefix('"') {
        let bytes = quoted.as_bytes();
        let mut i = 0usize;
        let mut escaped = false;
        loop {
            let b = *bytes.get(i).ok_or(HeaderError::MalformedCredentials)?;
            match b {
                b'"' => break,
                b'\\' => {
                    let next = *bytes.get(i.saturating_add(1)).ok_or(HeaderError::MalformedCredentials)?;
                    if !(next == b'\t' || (0x20..=0x7E).contains(&next)) {
                        return Err(HeaderError::MalformedCredentials);
                    }
                    escaped = true;
                    i = i.saturating_add(2);
                }
                b if is_qdtext(b) => i = i.saturating_add(1),
                _ => return Err(HeaderError::MalformedCredentials),
            }
        }
        let (raw, after) = quoted.split_at_checked(i).ok_or(HeaderError::MalformedCredentials)?;
        let after = after.get(1..).ok_or(HeaderError::MalformedCredentials)?;
        let value = if escaped {
            let mut out = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            Cow::Owned(out)
        } else {
            Cow::Borrowed(raw)
        };
        Ok((AuthParam { name, value }, after))
    } else {
        let end = rest.bytes().position(|b| !is_tchar(b)).unwrap_or(rest.len());
        let (value, after) = rest.split_at_checked(end).ok_or(HeaderError::MalformedCredentials)?;
        if value.is_empty() {
            return Err(HeaderError::MalformedCredentials);
        }
        Ok((AuthParam { name, value: Cow::Borrowed(value) }, after))
    }
}

/// Advances past OWS "," OWS separators; returns the remainder and how many empty elements it held.
fn skip_separators(s: &str) -> (&str, usize, bool) {
    let mut rest = s.trim_start_matches([' ', '\t']);
    let mut commas = 0usize;
    while let Some(r) = rest.strip_prefix(',') {
        commas = commas.saturating_add(1);
        rest = r.trim_start_matches([' ', '\t']);
    }
    (rest, commas.saturating_sub(1), commas > 0)
}

impl<'a> Iterator for AuthParams<'a> {
    type Item = AuthParam<'a>;
    fn next(&mut self) -> Option<AuthParam<'a>> {
        let (rest, _, _) = skip_separators(self.rest);
        if rest.is_empty() {
            self.rest = rest;
            return None;
        }
        match parse_param(rest) {
            Ok((p, after)) => {
                self.rest = after;
                self.count = self.count.saturating_add(1);
                Some(p)
            }
            Err(_) => {
                self.rest = "";
                None
            }
        }
    }
}

/// Validates a whole auth-param list: grammar, count, duplicate names, and at least one parameter (a
/// list of nothing but empty elements, such as `X ,`, carries no credentials).
fn validate_params(s: &str) -> Result<(), HeaderError> {
    let mut seen: [&str; MAX_AUTH_PARAMS] = [""; MAX_AUTH_PARAMS];
    let mut n = 0usize;
    let mut elements = 0usize;
    let mut rest = s;
    let mut first = true;
    loop {
        let (r, empties, had_comma) = skip_separators(rest);
        if !first && !had_comma && !r.is_empty() {
            return Err(HeaderError::MalformedCredentials);
        }
        elements = elements.saturating_add(empties);
        if r.is_empty() {
            break;
        }
        let (p, after) = parse_param(r)?;
        elements = elements.saturating_add(1);
        if elements > MAX_AUTH_PARAMS {
            return Err(HeaderError::TooManyParams);
        }
        let names = seen.get(..n).unwrap_or(&[]);
        if names.iter().any(|s| s.eq_ignore_ascii_case(p.name)) {
            return Err(HeaderError::DuplicateParam);
        }
        if let Some(slot) = seen.get_mut(n) {
            *slot = p.name;
        }
        n = n.saturating_add(1);
        rest = after;
        first = false;
    }
    if n == 0 {
        return Err(HeaderError::MissingCredentials);
    }
    Ok(())
}

/// Parses an `Authorization` field value: `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`.
///
/// # Errors
/// A [`HeaderError`] naming the first problem found. A scheme with nothing after it is
/// [`HeaderError::MissingCredentials`]: no scheme authv serves is credential-less.
pub fn parse_authorization(value: &[u8]) -> Result<Authorization<'_>, HeaderError> {
    let s = check_value(value)?;
    let scheme_end = s.bytes().position(|b| !is_tchar(b)).unwrap_or(s.len());
    let (scheme, rest) = s.split_at_checked(scheme_end).ok_or(HeaderError::InvalidScheme)?;
    if scheme.is_empty() {
        return Err(HeaderError::InvalidScheme);
    }
    if rest.is_empty() {
        return Err(HeaderError::MissingCredentials);
    }
    if rest.starts_with('\t') {
        return Err(HeaderError::InvalidWhitespace);
    }
    if !rest.starts_with(' ') {
        return Err(HeaderError::InvalidScheme);
    }
    let creds = rest.trim_start_matches(' ');
    if creds.starts_with('\t') {
        return Err(HeaderError::InvalidWhitespace);
    }
    if is_token68(creds) {
        return Ok(Authorization { scheme, credentials: Credentials::Token68(creds) });
    }
    validate_params(creds)?;
    Ok(Authorization { scheme, credentials: Credentials::Params(creds) })
}

/// Extracts an RFC 6750 Bearer token (`Bearer <b64token>`) from an `Authorization` value.
///
/// # Errors
/// [`HeaderError::UnexpectedScheme`] for another scheme; [`HeaderError::InvalidToken68`] when the
/// credentials are not a b64token; otherwise as [`parse_authorization`].
pub fn parse_bearer(value: &[u8]) -> Result<&str, HeaderError> {
    let auth = parse_authorization(value)?;
    if !auth.is_scheme("Bearer") {
        return Err(HeaderError::UnexpectedScheme);
    }
    auth.token68().ok_or(HeaderError::InvalidToken68)
}

/// Decoded RFC 7617 Basic credentials. The password is a [`SecretString`].
#[derive(Debug, Clone)]
pub struct BasicCredentials {
    user_id: String,
    password: SecretString,
}

impl BasicCredentials {
    /// The user-id (everything before the first colon). May be empty.
    #[must_use]
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The password (everything after the first colon). May be empty, and may contain colons.
    #[must_use]
    pub fn password(&self) -> &SecretString {
        &self.password
    }

    /// Encodes credentials into the token68 of a Basic `Authorization` value (`Basic <this>`), for
    /// clients and tests.
    ///
    /// # Errors
    /// [`HeaderError::ControlCharacterInCredentials`] for controls, [`HeaderError::MalformedCredentials`]
    /// for a colon in the user-id.
    pub fn encode(user_id: &str, password: &str) -> Result<String, HeaderError> {
        if user_id.contains(':') {
            return Err(HeaderError::MalformedCredentials);
        }
        if user_id.chars().chain(password.chars()).any(char::is_control) {
            return Err(HeaderError::ControlCharacterInCredentials);
        }
        let joined = zeroize::Zeroizing::new(format!("{user_id}:{password}"));
        Ok(Base64::encode_string(joined.as_bytes()))
    }
}

/// Decodes the token68 of a Basic credential (RFC 7617 §2): canonical padded base64 of UTF-8
/// `user-id ":" password`, split at the first colon, with no control characters.
///
/// # Errors
/// [`HeaderError::InvalidBase64`], [`HeaderError::NotUtf8`], [`HeaderError::MissingColon`] or
/// [`HeaderError::ControlCharacterInCredentials`].
pub fn decode_basic_token(token68: &str) -> Result<BasicCredentials, HeaderError> {
    if token68.len() > MAX_HEADER_VALUE_LEN {
        return Err(HeaderError::TooLong { len: token68.len(), max: MAX_HEADER_VALUE_LEN });
    }
    let bytes = zeroize::Zeroizing::new(Base64::decode_vec(token68).map_err(|_| HeaderError::InvalidBase64)?);
    let text = core::str::from_utf8(&bytes).map_err(|_| HeaderError::NotUtf8)?;
    if text.chars().any(char::is_control) {
        return Err(HeaderError::ControlCharacterInCredentials);
    }
    let (user, password) = text.split_once(':').ok_or(HeaderError::MissingColon)?;
    Ok(BasicCredentials { user_id: user.to_owned(), password: SecretString::new(password.to_owned()) })
}

/// Parses a Basic `Authorization` value (`Basic <base64>`).
///
/// # Errors
/// [`HeaderError::UnexpectedScheme`] for another scheme, [`HeaderError::InvalidToken68`] for
/// auth-params, otherwise as [`decode_basic_token`] and [`parse_authorization`].
pub fn parse_basic(value: &[u8]) -> Result<BasicCredentials, HeaderError> {
    let auth = parse_authorization(value)?;
    if !auth.is_scheme("Basic") {
        return Err(HeaderError::UnexpectedScheme);
    }
    decode_basic_token(auth.token68().ok_or(HeaderError::InvalidToken68)?)
}

/// Parses the value of a single-credential custom header such as `x-api-key`: surrounding SP/HTAB
/// ignored, then one or more visible ASCII characters with no whitespace.
///
/// # Errors
/// [`HeaderError::Empty`], [`HeaderError::TooLong`], [`HeaderError::ControlCharacter`],
/// [`HeaderError::NonAscii`] or [`HeaderError::InvalidWhitespace`].
pub fn parse_key_header(value: &[u8]) -> Result<&str, HeaderError> {
    let s = check_value(value)?;
    if s.bytes().any(|b| b == b' ' || b == b'\t') {
        return Err(HeaderError::InvalidWhitespace);
    }
    Ok(s)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn rfc7617_aladdin() {
        // RFC 7617 §2: "Aladdin" / "open sesame".
        let c = parse_basic(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").unwrap();
        assert_eq!(c.user_id(), "Aladdin");
        assert_eq!(c.password().expose(), "open sesame");
        assert_eq!(BasicCredentials::encode("Aladdin", "open sesame").unwrap(), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        // Scheme is case-insensitive.
        assert!(parse_basic(b"bAsIc QWxhZGRpbjpvcGVuIHNlc2FtZQ==").is_ok());
    }

    #[test]
    fn basic_splits_at_first_colon() {
        let t = BasicCredentials::encode("user", "pa:ss:word").unwrap();
        let c = decode_basic_token(&t).unwrap();
        assert_eq!(c.user_id(), "user");
        assert_eq!(c.password().expose(), "pa:ss:word");
        let t = BasicCredentials::encode("sk_live_abc", "").unwrap();
        let c = decode_basic_token(&t).unwrap();
        assert_eq!((c.user_id(), c.password().expose()), ("sk_live_abc", ""));
    }

    #[test]
    fn rfc6750_bearer_example() {
        // RFC 6750 §2.1.
        assert_eq!(parse_bearer(b"Bearer mF_9.B5f-4.1JqM").unwrap(), "mF_9.B5f-4.1JqM");
        assert_eq!(parse_bearer(b"bearer abc==").unwrap(), "abc==");
        assert_eq!(parse_bearer(b"  Bearer   abc  ").unwrap(), "abc");
    }

    #[test]
    fn auth_params() {
        let a = parse_authorization(br#"Signature keyId="k1", algorithm=hmac-sha256 ,sig="a\"b""#).unwrap();
        assert!(a.is_scheme("signature"));
        let ps: Vec<_> = a.credentials().params().collect();
        assert_eq!(ps.len(), 3);
        assert_eq!((ps[0].name, &*ps[0].value), ("keyId", "k1"));
        assert_eq!((ps[1].name, &*ps[1].value), ("algorithm", "hmac-sha256"));
        assert_eq!((ps[2].name, &*ps[2].value), ("sig", "a\"b"));
        // Empty list elements are ignored (RFC 9110 §5.6.1.2).
        let a = parse_authorization(b"X a=1,,b=2").unwrap();
        assert_eq!(a.credentials().params().count(), 2);
        // token68 versus a parameter.
        assert_eq!(parse_authorization(b"X abc=").unwrap().token68(), Some("abc="));
        assert_eq!(parse_authorization(b"X a=b").unwrap().token68(), None);
    }

    /// Each malformed input with the exact error it must produce.
    #[test]
    fn malformed_inputs() {
        let long = format!("Bearer {}", "a".repeat(MAX_HEADER_VALUE_LEN));
        let many = format!("X {}", (0..=MAX_AUTH_PARAMS).map(|i| format!("p{i}=v")).collect::<Vec<_>>().join(","));
        let cases: Vec<(&[u8], HeaderError)> = vec![
            (b"", HeaderError::Empty),
            (b"   ", HeaderError::Empty),
            (b"\t", HeaderError::Empty),
            (long.as_bytes(), HeaderError::TooLong { len: long.len(), max: MAX_HEADER_VALUE_LEN }),
            (b"Bearer abc\0", HeaderError::ControlCharacter),
            (b"Bearer abc\r\nX-Injected: 1", HeaderError::ControlCharacter),
            (b"Bearer a\nb", HeaderError::ControlCharacter),
            (b"Bearer \x7f", HeaderError::ControlCharacter),
            (b"Bearer \xc3\xa9", HeaderError::NonAscii),
            (b"Bearer \xff", HeaderError::NonAscii),
            (b"Bearer", HeaderError::MissingCredentials),
            (b"Bearer   ", HeaderError::MissingCredentials),
            (b"Bearer\tabc", HeaderError::InvalidWhitespace),
            (b"Bearer \tabc", HeaderError::InvalidWhitespace),
            (b"Bea(rer abc", HeaderError::InvalidScheme),
            (b"=abc", HeaderError::InvalidScheme),
            (b" , abc", HeaderError::InvalidScheme),
            (b"Bearer a b", HeaderError::MalformedCredentials),
            (b"Bearer abc=def", HeaderError::InvalidToken68),
            (b"Bearer =abc", HeaderError::MalformedCredentials),
            (b"Bearer a=b, c", HeaderError::MalformedCredentials),
            (b"X a=\"unterminated", HeaderError::MalformedCredentials),
            (b"X a=\"bad\\", HeaderError::MalformedCredentials),
            (b"X a=b c=d", HeaderError::MalformedCredentials),
            (b"X a=,", HeaderError::MalformedCredentials),
            (b"X a=1, A=2", HeaderError::DuplicateParam),
            (b"X ,", HeaderError::MissingCredentials),
            (b"X , ,,", HeaderError::MissingCredentials),
            (many.as_bytes(), HeaderError::TooManyParams),
            (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", HeaderError::UnexpectedScheme),
            (b"Token abc", HeaderError::UnexpectedScheme),
        ];
        assert!(cases.len() >= 29);
        for (input, want) in &cases {
            assert_eq!(parse_bearer(input), Err(*want), "input {:?}", String::from_utf8_lossy(input));
        }
        let basic: Vec<(&[u8], HeaderError)> = vec![
            (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", HeaderError::InvalidBase64),
            (b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==", HeaderError::InvalidBase64),
            (b"Basic QWxhZGRpbjpvcGVu-HNlc2FtZQ==", HeaderError::InvalidBase64),
            (b"Basic QWxhZGRpbg==", HeaderError::MissingColon),
            (b"Basic /w==", HeaderError::NotUtf8),
            (b"Basic dXNlcjpwYXNzCg==", HeaderError::ControlCharacterInCredentials),
            (b"Basic AHVzZXI6cGFzcw==", HeaderError::ControlCharacterInCredentials),
            (b"Basic a=b", HeaderError::InvalidToken68),
            (b"Bearer abc", HeaderError::UnexpectedScheme),
            (b"Basic", HeaderError::MissingCredentials),
        ];
        for (input, want) in &basic {
            assert_eq!(parse_basic(input).map(|_| ()), Err(*want), "input {:?}", String::from_utf8_lossy(input));
        }
        let keys: Vec<(&[u8], HeaderError)> = vec![
            (b"", HeaderError::Empty),
            (b"sk_live abc", HeaderError::InvalidWhitespace),
            (b"sk_live\x01", HeaderError::ControlCharacter),
            (b"sk_\xe2\x80\x8blive", HeaderError::NonAscii),
        ];
        for (input, want) in &keys {
            assert_eq!(parse_key_header(input), Err(*want));
        }
        assert_eq!(parse_key_header(b" sk_live_abc ").unwrap(), "sk_live_abc");
    }

    #[test]
    fn rejections_map_to_statuses() {
        assert_eq!(HeaderError::Missing.rejection().status().code(), 401);
        assert_eq!(HeaderError::Missing.rejection().error(), None);
        assert_eq!(HeaderError::UnexpectedScheme.rejection().error(), None);
        let r = HeaderError::DuplicateHeader.rejection();
        assert_eq!((r.status().code(), r.reason()), (400, "duplicate_header"));
        assert_eq!(HeaderError::InvalidBase64.rejection().error().map(|c| c.as_str()), Some("invalid_request"));
    }
}
