//! The one error type of the crate.

use auth_core::{Reject, Rejection, ReplayError};
use core::fmt;

/// Why a signed request or webhook was rejected.
///
/// Every variant maps to an HTTP status and RFC 6750 code through [`Reject`], and to a stable
/// snake_case [`Error::reason`] meant for logs and metrics (never for the client, which only sees the
/// generic description of the error code). A failed cryptographic check is always
/// [`Error::BadSignature`] and says nothing about where the bytes differed.
///
/// Ordering guarantee: the signature is checked before the timestamp window, expiry and replay guard,
/// so a forged request is reported as `bad_signature`, never as something a later check would say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request carries none of the scheme's credential fields (no signature at all): 401 without an
    /// error code, so the server answers with a plain challenge (RFC 6750 §3.1). Reason
    /// `missing_credentials`.
    MissingCredentials,
    /// A header (or query parameter) the scheme requires is absent. 400 `missing_header`.
    MissingHeader(&'static str),
    /// A header that must appear once appears more than once. 400 `duplicate_header`.
    DuplicateHeader(&'static str),
    /// A header or parameter is not in the form the scheme defines. 400 `malformed_header`.
    MalformedHeader(&'static str),
    /// A signed field contains CR, LF or another control byte (which could make two requests sign the
    /// same bytes). 400 `control_character`.
    ControlCharacter,
    /// A timestamp is not a canonical decimal number of seconds (or date) in range.
    /// 400 `malformed_timestamp`.
    MalformedTimestamp,
    /// The nonce is empty, too long or has a byte outside the allowed set. 400 `invalid_nonce`.
    InvalidNonce,
    /// The signature value is empty, the wrong length, not lowercase hex / strict base64, or the list
    /// of signatures has no entry of the expected version. 401 `malformed_signature`.
    MalformedSignature,
    /// No configured key has this key id. 401 `unknown_key`.
    UnknownKey,
    /// No configured secret produces this signature. 401 `bad_signature`.
    BadSignature,
    /// The signed timestamp is older than the allowed window. 401 `stale_timestamp`.
    StaleTimestamp,
    /// The signed timestamp is further in the future than the allowed window. 401 `future_timestamp`.
    FutureTimestamp,
    /// A presigned request or RFC 9421 signature has expired. 401 `expired`.
    Expired,
    /// The nonce or message id was already used inside its window (or the replay guard refused it: full
    /// or unavailable; see [`ReplayError`]). 401 with the guard's reason (`replayed`, …).
    Replay(ReplayError),
    /// The credential scope (date, region, service, terminator) or an RFC 9421 parameter does not match
    /// what this verifier accepts. 401 `scope_mismatch`.
    ScopeMismatch,
    /// An algorithm, payload mode or component the verifier does not support or was not configured to
    /// accept (for example `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`). 400 with the given reason
    /// (`unsupported_algorithm`, `streaming_payload_unsupported`, `unsupported_component`, …).
    Unsupported(&'static str),
    /// The body does not match a covered digest (`x-amz-content-sha256` or RFC 9530 `Content-Digest`).
    /// 401 `digest_mismatch`.
    DigestMismatch,
    /// A covered component the policy requires is not covered by the signature.
    /// 401 `missing_covered_component`.
    MissingCoveredComponent,
    /// A covered component names something absent from the request, is duplicated, or is otherwise
    /// invalid. 400 `invalid_component`.
    InvalidComponent,
    /// The session token is missing, unexpected or differs from the credential's. 401 `bad_session_token`.
    BadSessionToken,
    /// An input exceeds a documented limit. 400 `too_large`.
    TooLarge,
    /// The request itself is malformed in a way the scheme cannot sign (bad method, target, host).
    /// 400 `invalid_request`.
    InvalidRequest,
    /// A key, secret or key set given to a constructor is unusable (empty, too short or too long, too
    /// many, duplicate key id, malformed JWK); the text says which. Only constructors return it, never
    /// `verify`. Maps to 401 `invalid_key` should it ever reach a response.
    InvalidKey(&'static str),
}

impl Error {
    /// A stable snake_case cause for logs and metrics.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::MissingCredentials => "missing_credentials",
            Self::MissingHeader(_) => "missing_header",
            Self::DuplicateHeader(_) => "duplicate_header",
            Self::MalformedHeader(_) => "malformed_header",
            Self::ControlCharacter => "control_character",
            Self::MalformedTimestamp => "malformed_timestamp",
            Self::InvalidNonce => "invalid_nonce",
            Self::MalformedSignature => "malformed_signature",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::StaleTimestamp => "stale_timestamp",
            Self::FutureTimestamp => "future_timestamp",
            Self::Expired => "expired",
            Self::Replay(e) => e.reason(),
            Self::ScopeMismatch => "scope_mismatch",
            Self::Unsupported(r) => r,
            Self::DigestMismatch => "digest_mismatch",
            Self::MissingCoveredComponent => "missing_covered_component",
            Self::InvalidComponent => "invalid_component",
            Self::BadSessionToken => "bad_session_token",
            Self::TooLarge => "too_large",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidKey(_) => "invalid_key",
        }
    }

    /// The header or parameter name a header error is about, for logs.
    #[must_use]
    pub const fn header(&self) -> Option<&'static str> {
        match self {
            Self::MissingHeader(h) | Self::DuplicateHeader(h) | Self::MalformedHeader(h) | Self::InvalidKey(h) => {
                Some(h)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.header() {
            Some(h) => write!(f, "{} ({h})", self.reason()),
            None => f.write_str(self.reason()),
        }
    }
}

impl std::error::Error for Error {}

impl Reject for Error {
    fn rejection(&self) -> Rejection {
        match self {
            Self::MissingHeader(_)
            | Self::DuplicateHeader(_)
            | Self::MalformedHeader(_)
            | Self::ControlCharacter
            | Self::MalformedTimestamp
            | Self::InvalidNonce
            | Self::Unsupported(_)
            | Self::InvalidComponent
            | Self::TooLarge
            | Self::InvalidRequest => Rejection::invalid_request(self.reason()),
            Self::Replay(e) => e.rejection(),
            Self::MissingCredentials => Rejection::missing_credentials(),
            Self::MalformedSignature
            | Self::UnknownKey
            | Self::BadSignature
            | Self::StaleTimestamp
            | Self::FutureTimestamp
            | Self::Expired
            | Self::ScopeMismatch
            | Self::DigestMismatch
            | Self::MissingCoveredComponent
            | Self::BadSessionToken
            | Self::InvalidKey(_) => Rejection::invalid_token(self.reason()),
        }
    }
}

impl From<ReplayError> for Error {
    fn from(e: ReplayError) -> Self {
        Self::Replay(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_reasons() {
        assert_eq!(Error::BadSignature.rejection().status().code(), 401);
        assert_eq!(Error::BadSignature.rejection().reason(), "bad_signature");
        assert_eq!(Error::MissingHeader("x-signature").rejection().status().code(), 400);
        assert_eq!(Error::MissingHeader("x-signature").to_string(), "missing_header (x-signature)");
        assert_eq!(Error::Replay(ReplayError::Replayed).rejection().reason(), "replayed");
        assert_eq!(Error::Replay(ReplayError::Replayed).rejection().status().code(), 401);
        assert_eq!(Error::Unsupported("streaming_payload_unsupported").reason(), "streaming_payload_unsupported");
        assert_eq!(Error::MissingCredentials.rejection().error(), None);
        assert_eq!(Error::MissingCredentials.rejection().status().code(), 401);
    }
}
