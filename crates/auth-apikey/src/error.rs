//! The crate's one error type.

use auth_core::{HeaderError, Reject, Rejection, Timestamp};
use core::fmt;

/// Why a key was rejected, or why a key, record or store could not be built.
///
/// Every variant has a stable snake_case [`Error::reason`] for logs and metrics. Clients see only the
/// generic text of the RFC 6750 error code ([`Reject::rejection`]): an unknown key id and a wrong secret
/// are told apart in the reason, never in the response. The type is `Copy` and carries no secret, so
/// rejecting a key allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request carried no usable credential, or a malformed one (from auth-core's header parsing).
    Credential(HeaderError),
    /// The key does not follow the format (and is not an accepted legacy key), or is too long.
    MalformedKey,
    /// The key follows the format but its checksum does not match: a typo or a forgery, caught before
    /// any lookup.
    BadChecksum,
    /// The key's environment (its prefix) is not one the policy accepts, or does not match its record.
    WrongEnvironment,
    /// No record has the key's id (or, for a legacy key, its digest).
    UnknownKey,
    /// A record has the key's id but the secret's digest does not match.
    BadSecret,
    /// The record is revoked.
    Revoked,
    /// The record's expiry has passed.
    Expired(Expired),
    /// The key does not grant every scope the policy requires (HTTP 403). Use
    /// [`crate::Policy::rejection`] to name the required scopes in the challenge.
    InsufficientScope,
    /// A record is digested with HMAC-SHA256 but no [`crate::Pepper`] is configured.
    PepperRequired,
    /// A prefix does not follow the grammar.
    InvalidPrefix,
    /// A pepper is shorter than [`crate::MIN_PEPPER_LEN`].
    InvalidPepper,
    /// A record field is invalid or over its limit; names the field.
    InvalidRecord(&'static str),
    /// A store already holds a record with this id (or a legacy record with this digest).
    DuplicateKey,
    /// The random number generator failed.
    Rng,
}

/// Context of [`Error::Expired`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// When the key expired.
    pub expires_at: Timestamp,
    /// The time of the check.
    pub now: Timestamp,
}

impl Error {
    /// A stable snake_case cause for logs and metrics.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Credential(e) => e.reason(),
            Self::MalformedKey => "malformed_key",
            Self::BadChecksum => "bad_checksum",
            Self::WrongEnvironment => "wrong_environment",
            Self::UnknownKey => "unknown_key",
            Self::BadSecret => "bad_secret",
            Self::Revoked => "revoked",
            Self::Expired(_) => "expired",
            Self::InsufficientScope => "insufficient_scope",
            Self::PepperRequired => "pepper_required",
            Self::InvalidPrefix => "invalid_prefix",
            Self::InvalidPepper => "invalid_pepper",
            Self::InvalidRecord(_) => "invalid_record",
            Self::DuplicateKey => "duplicate_key",
            Self::Rng => "rng_failure",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential(e) => write!(f, "credential: {e}"),
            Self::Expired(e) => write!(f, "expired at {} (now {})", e.expires_at, e.now),
            Self::InvalidRecord(field) => write!(f, "invalid record field `{field}`"),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for Error {}

impl Reject for Error {
    /// Header problems answer as auth-core decides (a 401 challenge for missing credentials, else 400);
    /// [`Error::InsufficientScope`] is 403 `insufficient_scope`; everything else is 401 `invalid_token`,
    /// including server-side configuration problems, which fail closed.
    fn rejection(&self) -> Rejection {
        match self {
            Self::Credential(e) => e.rejection(),
            Self::InsufficientScope => Rejection::insufficient_scope(self.reason()),
            other => Rejection::invalid_token(other.reason()),
        }
    }
}

impl From<HeaderError> for Error {
    fn from(e: HeaderError) -> Self {
        Self::Credential(e)
    }
}
