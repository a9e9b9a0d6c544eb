//! The one error type of this crate.

use auth_core::{ErrorCode, Reject, Rejection, ReplayError, Timestamp};
use core::fmt;
use std::borrow::Cow;

/// Why a token, a key or a DPoP proof was refused.
///
/// Every variant maps to a stable snake_case [`Error::reason`] meant for logs and metrics, and to an
/// [`auth_core::Rejection`] through [`Reject`]: a bad, expired or unverifiable token is 401
/// `invalid_token`, a missing scope is 403 `insufficient_scope`. The client-facing text of a rejection
/// is generic; the context carried here (claim names, times) is for the server's logs only and never
/// contains key material or token bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The token is not a well-formed compact JWS: wrong number of segments, bad base64url, invalid
    /// JSON, a header member of the wrong type, a missing `alg`. Reason `malformed_token`.
    Malformed(Malformed),
    /// The token, its header or its payload exceeds a [`Limits`](crate::Limits) bound. Reason
    /// `token_too_large`.
    TooLarge,
    /// The header or payload JSON nests deeper than [`Limits::max_json_depth`](crate::Limits). Reason
    /// `json_too_deep`.
    TooDeep,
    /// A five-segment compact JWE was presented; only JWS is accepted. Reason `jwe_not_supported`.
    JweNotSupported,
    /// A JSON object in the header or the payload (or a JWK) repeats a member name. Reason
    /// `duplicate_member`.
    DuplicateMember,
    /// The header's `crit` names an extension this verifier does not understand, or is itself
    /// malformed. Reason `unsupported_crit`.
    UnsupportedCrit,
    /// The header sets `b64: false` (RFC 7797 unencoded payload), which is refused. Reason
    /// `unencoded_payload`.
    UnencodedPayload,
    /// The header's `alg` is `none`, unknown, not in the policy's allow-list, or not one the selected key
    /// is bound to. Reason `algorithm_not_allowed`.
    AlgorithmNotAllowed,
    /// The token names a `kid` that is not in the key set. A caller may refresh its JWK Set and retry.
    /// Reason `unknown_key`.
    UnknownKey,
    /// The token has no `kid` and no key in the set can serve its `alg`. Reason `no_matching_key`.
    NoMatchingKey,
    /// The token has no `kid` and several keys could serve its `alg`; the policy does not allow trying
    /// them (or there are more than its bound). Reason `ambiguous_key`.
    AmbiguousKey,
    /// The signature does not verify. Deliberately opaque. Reason `bad_signature`.
    BadSignature,
    /// `exp` is at or before `now` (with leeway). Reason `expired`.
    Expired {
        /// The token's `exp`.
        exp: Timestamp,
        /// The verification time.
        now: Timestamp,
    },
    /// `nbf` is after `now` (with leeway). Reason `not_yet_valid`.
    NotYetValid {
        /// The token's `nbf`.
        nbf: Timestamp,
        /// The verification time.
        now: Timestamp,
    },
    /// `iat` is in the future (with leeway). Reason `issued_in_future`.
    IssuedInFuture,
    /// `iat` is older than the policy's maximum age. Reason `token_too_old`.
    TooOld,
    /// `iss` is not one of the accepted issuers. Reason `invalid_issuer`.
    InvalidIssuer,
    /// `aud` matches none of the accepted audiences, or the token carries an audience when none is
    /// configured (RFC 7519 §4.1.3). Reason `invalid_audience`.
    InvalidAudience,
    /// `sub` is not the required subject. Reason `invalid_subject`.
    InvalidSubject,
    /// The header `typ` is not the one the policy requires. Reason `invalid_type`.
    InvalidType,
    /// A required claim is absent. Reason `missing_claim`.
    MissingClaim {
        /// The claim's name.
        claim: Cow<'static, str>,
    },
    /// A claim is present with the wrong JSON type or an invalid value (a string `exp`, a numeric `aud`,
    /// an empty `sub`). Reason `invalid_claim`.
    InvalidClaim {
        /// The claim's name.
        claim: Cow<'static, str>,
    },
    /// The claims do not grant the scopes the policy requires. 403. Reason `insufficient_scope`.
    InsufficientScope {
        /// The required scopes, space-delimited, for the `scope` attribute of the challenge.
        required: String,
    },
    /// The `jti` was seen before (or the replay guard refused it). Reason as the [`ReplayError`].
    Replay(ReplayError),
    /// The caller's validation hook refused the claims with this reason.
    Rejected {
        /// The hook's stable reason.
        reason: &'static str,
    },
    /// The token is bound to a certificate (`cnf.x5t#S256`) other than the one presented, or the binding
    /// is absent or malformed. Reason `certificate_binding_mismatch`.
    CertificateBindingMismatch,
    /// A DPoP-bound token (`cnf.jkt`) was presented as a plain Bearer token. Reason `dpop_bound_token`.
    DpopBoundTokenAsBearer,
    /// The DPoP proof failed one of the RFC 9449 §4.3 checks. Reason `invalid_dpop_proof`.
    InvalidDpopProof(DpopFailure),
    /// The introspection response says the token is not active, or its `active` member is not the
    /// boolean `true`. Reason `inactive_token`.
    Inactive,
    /// A key could not be loaded (load time only). Reason `invalid_key`.
    InvalidKey(KeyProblem),
}

/// The detail of a [`Error::Malformed`] token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Not exactly three `.`-separated segments.
    Segments,
    /// A segment is not strict unpadded base64url.
    Base64,
    /// The header or payload is not valid UTF-8 JSON, or not a JSON object, or holds a number beyond
    /// the range of an IEEE 754 double (which no claim reader could represent).
    Json,
    /// A registered header member has the wrong type, or `alg` is missing.
    Header,
    /// The token carries JWS JSON serialization, not compact.
    JsonSerialization,
}

/// Which DPoP proof check failed ([`Error::InvalidDpopProof`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DpopFailure {
    /// The proof is not a well-formed JWS, or its header/claims have the wrong types.
    Malformed,
    /// `typ` is not `dpop+jwt`.
    Type,
    /// `alg` is symmetric, `none`, unsupported or not allowed.
    Algorithm,
    /// The header `jwk` is missing, malformed, carries private members or does not match `alg`.
    Key,
    /// The signature does not verify with the header `jwk`.
    Signature,
    /// `htm` does not match the request method.
    Method,
    /// `htu` does not match the request URI (query and fragment ignored).
    Uri,
    /// `iat` is outside the accepted window.
    Time,
    /// `ath` does not match the access token's hash, or is missing when a token is presented.
    AccessTokenHash,
    /// The access token's `cnf.jkt` does not match the proof key's thumbprint.
    KeyBinding,
    /// `jti` is missing.
    MissingJti,
    /// The server requires a nonce (RFC 9449 §8/§9) and the proof's `nonce` is missing or different;
    /// the server answers with a fresh `DPoP-Nonce`.
    Nonce,
}

/// Why a key was refused at load time ([`Error::InvalidKey`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The JWK, JWK Set or PEM is not well formed, or a member has the wrong type.
    Malformed,
    /// The key type or curve is not supported (`Ed448`, `secp256k1`, …).
    Unsupported,
    /// The JWK's `alg` does not fit its `kty`/`crv`, or is not a JWS algorithm authv supports.
    AlgorithmMismatch,
    /// `use` is present and not `sig`, or `key_ops` is present and lacks `verify`.
    NotForVerification,
    /// An RSA modulus under 2048 bits (or over 8192), an exponent other than an odd value ≥ 3, or an
    /// HMAC key shorter than its hash output.
    TooWeak,
    /// The RSA modulus has the ROCA (CVE-2017-15361) fingerprint.
    Vulnerable,
    /// A JWK's RSA `n` or `e` has leading zero octets: RFC 7518 §6.3.1 requires the minimal big-endian
    /// encoding (Base64urlUInt), and the key's RFC 7638 thumbprint is only well defined over that form.
    NonMinimalInteger,
    /// The EC point is not uncompressed, a coordinate has the wrong length or is not below the field
    /// prime, or the point is not on the curve (all checked at load); or the Ed25519 key is not 32
    /// bytes.
    InvalidPoint,
    /// A public-key set holds private-key members, or a set mixes symmetric and asymmetric keys.
    MixedKeySet,
    /// Two keys in a set share a `kid`.
    DuplicateKid,
    /// The set holds more keys than [`MAX_KEYS`](crate::MAX_KEYS), or no usable key.
    Count,
}

impl Error {
    /// A stable snake_case cause for logs and metrics.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_token",
            Self::TooLarge => "token_too_large",
            Self::TooDeep => "json_too_deep",
            Self::JweNotSupported => "jwe_not_supported",
            Self::DuplicateMember => "duplicate_member",
            Self::UnsupportedCrit => "unsupported_crit",
            Self::UnencodedPayload => "unencoded_payload",
            Self::AlgorithmNotAllowed => "algorithm_not_allowed",
            Self::UnknownKey => "unknown_key",
            Self::NoMatchingKey => "no_matching_key",
            Self::AmbiguousKey => "ambiguous_key",
            Self::BadSignature => "bad_signature",
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::TooOld => "token_too_old",
            Self::InvalidIssuer => "invalid_issuer",
            Self::InvalidAudience => "invalid_audience",
            Self::InvalidSubject => "invalid_subject",
            Self::InvalidType => "invalid_type",
            Self::MissingClaim { .. } => "missing_claim",
            Self::InvalidClaim { .. } => "invalid_claim",
            Self::InsufficientScope { .. } => "insufficient_scope",
            Self::Replay(e) => e.reason(),
            Self::Rejected { reason } => reason,
            Self::CertificateBindingMismatch => "certificate_binding_mismatch",
            Self::DpopBoundTokenAsBearer => "dpop_bound_token",
            Self::InvalidDpopProof(_) => "invalid_dpop_proof",
            Self::Inactive => "inactive_token",
            Self::InvalidKey(_) => "invalid_key",
        }
    }

    pub(crate) fn missing(claim: &'static str) -> Self {
        Self::MissingClaim { claim: Cow::Borrowed(claim) }
    }

    pub(crate) fn invalid(claim: &'static str) -> Self {
        Self::InvalidClaim { claim: Cow::Borrowed(claim) }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(m) => write!(f, "malformed token ({m:?})"),
            Self::Expired { exp, now } => write!(f, "token expired at {exp} (now {now})"),
            Self::NotYetValid { nbf, now } => write!(f, "token not valid before {nbf} (now {now})"),
            Self::MissingClaim { claim } => write!(f, "missing claim `{claim}`"),
            Self::InvalidClaim { claim } => write!(f, "invalid claim `{claim}`"),
            Self::InsufficientScope { required } => write!(f, "insufficient scope (requires: {required})"),
            Self::InvalidDpopProof(d) => write!(f, "invalid DPoP proof ({d:?})"),
            Self::InvalidKey(k) => write!(f, "invalid key ({k:?})"),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for Error {}

impl Reject for Error {
    fn rejection(&self) -> Rejection {
        match self {
            Self::InsufficientScope { required } => {
                Rejection::insufficient_scope("insufficient_scope").with_required_scope(required.clone())
            }
            Self::Replay(e) => e.rejection(),
            // RFC 9449 §7.1 gives a bad proof its own error code, answered with a DPoP challenge.
            Self::InvalidDpopProof(_) => Rejection::with_code(ErrorCode::InvalidDpopProof, self.reason()),
            other => Rejection::invalid_token(other.reason()),
        }
    }
}

impl From<KeyProblem> for Error {
    fn from(k: KeyProblem) -> Self {
        Self::InvalidKey(k)
    }
}

impl From<Malformed> for Error {
    fn from(m: Malformed) -> Self {
        Self::Malformed(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth_core::Status;

    #[test]
    fn statuses_and_reasons() {
        assert_eq!(Error::BadSignature.rejection().status(), Status::Unauthorized);
        assert_eq!(Error::BadSignature.rejection().reason(), "bad_signature");
        let r = Error::InsufficientScope { required: "read".into() }.rejection();
        assert_eq!(r.status(), Status::Forbidden);
        assert_eq!(r.required_scope(), Some("read"));
        assert_eq!(Error::Replay(ReplayError::Replayed).rejection().reason(), "replayed");
        assert_eq!(Error::UnknownKey.reason(), "unknown_key");
        assert_eq!(Error::Malformed(Malformed::Base64).to_string(), "malformed token (Base64)");
    }
}
