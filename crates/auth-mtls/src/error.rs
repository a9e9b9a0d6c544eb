//! The one error type of the crate, and how each variant is answered.

use auth_core::{Reject, Rejection, Timestamp};
use core::fmt;

/// Why a client certificate (or its configuration) was not accepted.
///
/// Every variant maps to an [`auth_core::Rejection`] through [`Reject`]:
///
/// | status | when | reasons |
/// | --- | --- | --- |
/// | 401 `invalid_token` | the certificate or chain is invalid, untrusted, expired, revoked, or breaks the SPIFFE rules | `expired`, `not_yet_valid`, `unknown_issuer`, `bad_signature`, `revoked`, `wrong_usage`, `malformed_certificate`, `chain_too_long`, … |
/// | 403 `insufficient_scope` | the chain is trusted but the identity is outside the allow-list | `identity_not_allowed` |
/// | 400 `invalid_request` | a proxy-forwarded certificate header is malformed, repeated or oversized | `malformed_forwarded_header`, `duplicate_header`, `header_too_large` |
/// | 401, no error code | no certificate was presented | `missing_credentials` |
///
/// The `reason` is precise and meant for logs; the client-facing text is generic per status.
/// Signature failures are reported as such and never replaced by a later check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// No certificate was presented (empty chain, absent forwarded header).
    NoCertificate,
    /// The certificate bytes (DER or PEM) are not a well-formed X.509 certificate.
    MalformedCertificate,
    /// The presented input exceeds a documented limit.
    TooLarge(TooLarge),
    /// The leaf is past its `notAfter`.
    Expired(CertExpired),
    /// The leaf (or a certificate in the chain) is before its `notBefore`.
    NotYetValid(CertNotYetValid),
    /// No path to a configured trust anchor could be built.
    UnknownIssuer,
    /// A signature in the chain did not verify.
    BadSignature,
    /// A signature algorithm outside the configured set (or one mismatched with its key) was used.
    UnsupportedSignatureAlgorithm,
    /// A certificate in the chain is listed on a configured CRL.
    Revoked,
    /// Revocation checking is configured, and no authoritative CRL covers a certificate in the chain
    /// (with [`UnknownStatusPolicy::Deny`](crate::UnknownStatusPolicy::Deny)).
    RevocationStatusUnknown,
    /// The authoritative CRL is past its `nextUpdate` (with
    /// [`CrlExpiration::Enforce`](crate::CrlExpiration::Enforce)).
    CrlExpired,
    /// A configured CRL could not be used (bad signature, unsupported form).
    BadCrl,
    /// The leaf's extended key usage does not allow the required purpose (client authentication
    /// unless configured otherwise).
    WrongUsage,
    /// A CA certificate was presented as the leaf.
    CaUsedAsLeaf,
    /// A certificate that is not a CA was used as an issuer.
    NotACa,
    /// An issuer's `pathLenConstraint` is exceeded.
    PathLenConstraint,
    /// The chain is longer than rustls-webpki's depth limit, or path building exceeded its budget.
    ChainTooLong,
    /// A name in the chain violates an issuer's name constraints.
    NameConstraintViolation,
    /// The leaf is not valid for the peer name the caller required.
    NameMismatch,
    /// The leaf's own public key is not one a client could use with this server's TLS stack
    /// (see [`PublicKeyAlgorithm::is_supported`](crate::PublicKeyAlgorithm::is_supported)).
    UnsupportedLeafKey,
    /// A leaf that is not a CA asserts `keyCertSign` (RFC 5280 §4.2.1.9).
    LeafKeyCertSign,
    /// A critical extension that is not understood.
    UnsupportedCriticalExtension,
    /// Any other failure reported by rustls-webpki; the variant's `reason` says which.
    InvalidCertificate(InvalidCertificate),
    /// The leaf breaks an X.509-SVID rule (SPIFFE mode only).
    Spiffe(SpiffeViolation),
    /// The chain is trusted, but no allow-list entry admits the identity.
    IdentityNotAllowed,
    /// A proxy-forwarded certificate header could not be used.
    Forwarded(ForwardedError),
    /// The verifier's configuration is invalid (only from builders, never at request time).
    Config(ConfigError),
}

/// Context of [`Error::Expired`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertExpired {
    /// The verification time.
    pub time: Timestamp,
    /// The certificate's `notAfter`.
    pub not_after: Timestamp,
}

/// Context of [`Error::NotYetValid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertNotYetValid {
    /// The verification time.
    pub time: Timestamp,
    /// The certificate's `notBefore`.
    pub not_before: Timestamp,
}

/// Context of [`Error::TooLarge`]: which limit was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// What was measured (`certificates`, `certificate_bytes`, `chain_bytes`, `pem_bytes`).
    pub what: &'static str,
    /// The size seen (counted up to the first excess).
    pub len: usize,
    /// The documented limit.
    pub max: usize,
}

/// Context of [`Error::InvalidCertificate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCertificate {
    /// A stable snake_case cause.
    pub reason: &'static str,
    /// The underlying rustls-webpki error.
    pub webpki: webpki::Error,
}

/// Context of [`Error::Spiffe`]: which X.509-SVID rule the leaf breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpiffeViolation {
    /// The leaf has no URI SAN, or more than one.
    UriSanCount {
        /// URI SANs counted in the DER.
        count: usize,
    },
    /// The URI SAN is not a valid SPIFFE ID (scheme, trust domain, path syntax).
    InvalidId,
    /// The SPIFFE ID has no path (it names the trust domain, not a workload).
    RootId,
    /// The leaf is a CA (`basicConstraints cA=TRUE`).
    LeafIsCa,
    /// The leaf has no key usage extension, lacks `digitalSignature`, or sets `keyCertSign`/`cRLSign`.
    KeyUsage,
    /// No trust anchor is configured for the SPIFFE ID's trust domain.
    UnknownTrustDomain,
}

impl SpiffeViolation {
    const fn reason(self) -> &'static str {
        match self {
            Self::UriSanCount { .. } => "spiffe_uri_san_count",
            Self::InvalidId => "spiffe_invalid_id",
            Self::RootId => "spiffe_root_id",
            Self::LeafIsCa => "spiffe_leaf_is_ca",
            Self::KeyUsage => "spiffe_key_usage",
            Self::UnknownTrustDomain => "spiffe_unknown_trust_domain",
        }
    }
}

/// Context of [`Error::Forwarded`]: what was wrong with a proxy-forwarded certificate header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForwardedError {
    /// The header appears more than once.
    DuplicateHeader,
    /// The header value exceeds [`MAX_FORWARDED_HEADER_LEN`](crate::MAX_FORWARDED_HEADER_LEN).
    HeaderTooLarge {
        /// The value's length.
        len: usize,
    },
    /// The header value does not follow its format's grammar (percent-escapes, quoting, byte
    /// sequences, base64, PEM armour).
    Malformed,
    /// An XFCC element repeats a key or carries a `Cert` that disagrees with its `Chain`/`Hash`.
    Inconsistent,
}

impl ForwardedError {
    const fn reason(self) -> &'static str {
        match self {
            Self::DuplicateHeader => "duplicate_header",
            Self::HeaderTooLarge { .. } => "header_too_large",
            Self::Malformed => "malformed_forwarded_header",
            Self::Inconsistent => "inconsistent_forwarded_header",
        }
    }
}

/// Context of [`Error::Config`]: what is wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// A stable snake_case cause.
    pub reason: &'static str,
    /// Details for the operator (never derived from request data).
    pub detail: String,
}

impl ConfigError {
    pub(crate) fn error(reason: &'static str, detail: impl Into<String>) -> Error {
        Error::Config(Self { reason, detail: detail.into() })
    }
}

impl Error {
    /// The stable snake_case reason (the same as the rejection's).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NoCertificate => "missing_credentials",
            Self::MalformedCertificate => "malformed_certificate",
            Self::TooLarge(t) => match t.what {
                "certificates" => "chain_too_long",
                _ => "certificate_too_large",
            },
            Self::Expired(_) => "expired",
            Self::NotYetValid(_) => "not_yet_valid",
            Self::UnknownIssuer => "unknown_issuer",
            Self::BadSignature => "bad_signature",
            Self::UnsupportedSignatureAlgorithm => "unsupported_signature_algorithm",
            Self::Revoked => "revoked",
            Self::RevocationStatusUnknown => "revocation_status_unknown",
            Self::CrlExpired => "crl_expired",
            Self::BadCrl => "bad_crl",
            Self::WrongUsage => "wrong_usage",
            Self::CaUsedAsLeaf => "ca_used_as_leaf",
            Self::NotACa => "issuer_not_ca",
            Self::PathLenConstraint => "path_len_constraint",
            Self::ChainTooLong => "chain_too_long",
            Self::NameConstraintViolation => "name_constraint_violation",
            Self::NameMismatch => "name_mismatch",
            Self::UnsupportedCriticalExtension => "unsupported_critical_extension",
            Self::UnsupportedLeafKey => "unsupported_leaf_key",
            Self::LeafKeyCertSign => "leaf_key_cert_sign",
            Self::InvalidCertificate(c) => c.reason,
            Self::Spiffe(v) => v.reason(),
            Self::IdentityNotAllowed => "identity_not_allowed",
            Self::Forwarded(f) => f.reason(),
            Self::Config(c) => c.reason,
        }
    }

    pub(crate) fn from_webpki(e: webpki::Error) -> Self {
        use webpki::Error as W;
        #[allow(deprecated)]
        match e {
            W::BadDer | W::BadDerTime | W::TrailingData(_) | W::MalformedExtensions | W::ExtensionValueInvalid => {
                Self::MalformedCertificate
            }
            W::CertExpired { time, not_after } => {
                Self::Expired(CertExpired { time: unix_to_ts(time), not_after: unix_to_ts(not_after) })
            }
            W::CertNotValidYet { time, not_before } => {
                Self::NotYetValid(CertNotYetValid { time: unix_to_ts(time), not_before: unix_to_ts(not_before) })
            }
            W::UnknownIssuer => Self::UnknownIssuer,
            W::InvalidSignatureForPublicKey => Self::BadSignature,
            W::SignatureAlgorithmMismatch
            | W::UnsupportedSignatureAlgorithm
            | W::UnsupportedSignatureAlgorithmContext(_)
            | W::UnsupportedSignatureAlgorithmForPublicKey
            | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => Self::UnsupportedSignatureAlgorithm,
            W::CertRevoked => Self::Revoked,
            W::UnknownRevocationStatus => Self::RevocationStatusUnknown,
            W::CrlExpired { .. } => Self::CrlExpired,
            W::InvalidCrlSignatureForPublicKey
            | W::UnsupportedCrlSignatureAlgorithm
            | W::UnsupportedCrlSignatureAlgorithmContext(_)
            | W::UnsupportedCrlSignatureAlgorithmForPublicKey
            | W::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_)
            | W::IssuerNotCrlSigner
            | W::InvalidCrlNumber
            | W::UnsupportedCrlVersion
            | W::UnsupportedDeltaCrl
            | W::UnsupportedIndirectCrl
            | W::UnsupportedRevocationReason
            | W::UnsupportedRevocationReasonsPartitioning
            | W::UnsupportedCrlIssuingDistributionPoint => Self::BadCrl,
            W::RequiredEkuNotFound | W::RequiredEkuNotFoundContext(_) | W::EmptyEkuExtension => Self::WrongUsage,
            W::CaUsedAsEndEntity => Self::CaUsedAsLeaf,
            W::EndEntityUsedAsCa => Self::NotACa,
            W::PathLenConstraintViolated => Self::PathLenConstraint,
            W::MaximumPathDepthExceeded | W::MaximumPathBuildCallsExceeded | W::MaximumSignatureChecksExceeded => {
                Self::ChainTooLong
            }
            W::NameConstraintViolation => Self::NameConstraintViolation,
            W::CertNotValidForName(_) => Self::NameMismatch,
            W::UnsupportedCriticalExtension => Self::UnsupportedCriticalExtension,
            other => {
                let reason = match &other {
                    W::CertDistrusted => "distrusted",
                    W::InvalidCertValidity => "invalid_validity",
                    W::InvalidSerialNumber => "invalid_serial_number",
                    W::UnsupportedCertVersion => "unsupported_certificate_version",
                    W::MalformedDnsIdentifier
                    | W::MalformedNameConstraint
                    | W::InvalidNetworkMaskConstraint
                    | W::MaximumNameConstraintComparisonsExceeded => "invalid_name_constraints",
                    W::UnsupportedNameType => "unsupported_name_type",
                    _ => "invalid_certificate",
                };
                Self::InvalidCertificate(InvalidCertificate { reason, webpki: other })
            }
        }
    }
}

fn unix_to_ts(t: rustls_pki_types::UnixTime) -> Timestamp {
    Timestamp::from_unix(i64::try_from(t.as_secs()).unwrap_or(i64::MAX))
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired(c) => write!(f, "certificate expired at {} (verified at {})", c.not_after, c.time),
            Self::NotYetValid(c) => write!(f, "certificate not valid before {} (verified at {})", c.not_before, c.time),
            Self::TooLarge(t) => write!(f, "input too large: {} {} exceeds {}", t.what, t.len, t.max),
            Self::Spiffe(SpiffeViolation::UriSanCount { count }) => {
                write!(f, "X.509-SVID must carry exactly one URI SAN, found {count}")
            }
            Self::Forwarded(ForwardedError::HeaderTooLarge { len }) => {
                write!(f, "forwarded certificate header too large ({len} bytes)")
            }
            Self::InvalidCertificate(c) => write!(f, "invalid certificate: {} ({:?})", c.reason, c.webpki),
            Self::Config(c) => write!(f, "invalid mTLS configuration: {}: {}", c.reason, c.detail),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for Error {}

impl Reject for Error {
    fn rejection(&self) -> Rejection {
        match self {
            Self::NoCertificate => Rejection::missing_credentials(),
            Self::IdentityNotAllowed => Rejection::insufficient_scope("identity_not_allowed"),
            Self::Forwarded(f) => Rejection::invalid_request(f.reason()),
            other => Rejection::invalid_token(other.reason()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(Error::UnknownIssuer.rejection().status().code(), 401);
        assert_eq!(Error::UnknownIssuer.rejection().reason(), "unknown_issuer");
        assert_eq!(Error::IdentityNotAllowed.rejection().status().code(), 403);
        let f = Error::Forwarded(ForwardedError::Malformed).rejection();
        assert_eq!((f.status().code(), f.reason()), (400, "malformed_forwarded_header"));
        let none = Error::NoCertificate.rejection();
        assert_eq!((none.status().code(), none.error()), (401, None));
        let exp = Error::from_webpki(webpki::Error::CertExpired {
            time: rustls_pki_types::UnixTime::since_unix_epoch(core::time::Duration::from_secs(20)),
            not_after: rustls_pki_types::UnixTime::since_unix_epoch(core::time::Duration::from_secs(10)),
        });
        assert_eq!(
            exp,
            Error::Expired(CertExpired { time: Timestamp::from_unix(20), not_after: Timestamp::from_unix(10) })
        );
        assert_eq!(exp.rejection().reason(), "expired");
        assert_eq!(Error::from_webpki(webpki::Error::InvalidSignatureForPublicKey).reason(), "bad_signature");
        assert_eq!(Error::TooLarge(TooLarge { what: "certificates", len: 11, max: 10 }).reason(), "chain_too_long");
    }
}
