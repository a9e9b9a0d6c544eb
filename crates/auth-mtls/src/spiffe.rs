//! SPIFFE IDs and the X.509-SVID rules for leaf certificates.
//!
//! The rules enforced (SPIFFE-ID §2, X509-SVID §2–§4):
//! - exactly one URI SAN, counted in the DER of the subjectAltName extension(s);
//! - the URI is `spiffe://<trust-domain>/<path>`: lowercase scheme, a trust domain of
//!   `[a-z0-9.-_]`, a non-empty path of segments of `[a-zA-Z0-9.-_]`, no empty, `.` or `..`
//!   segments, no trailing `/`, no query, fragment, port or user info, at most
//!   [`MAX_SPIFFE_ID_LEN`] bytes;
//! - the leaf is not a CA;
//! - the leaf has a key usage extension with `digitalSignature` and without `keyCertSign` and
//!   `cRLSign`.

use crate::error::{Error, SpiffeViolation};
use crate::info::CertificateInfo;

/// Longest SPIFFE ID accepted, in bytes (SPIFFE-ID §2.4: 2048).
pub const MAX_SPIFFE_ID_LEN: usize = 2048;

/// Longest trust domain name accepted, in bytes (SPIFFE-ID §2.1: 255).
pub const MAX_TRUST_DOMAIN_LEN: usize = 255;

/// A validated SPIFFE ID (`spiffe://trust-domain/path`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpiffeId {
    id: String,
    td_len: usize,
}

impl SpiffeId {
    /// Parses and validates a SPIFFE ID. The ID must have a path (a workload ID, not a trust
    /// domain).
    ///
    /// # Errors
    /// [`Error::Spiffe`] with [`SpiffeViolation::InvalidId`] or [`SpiffeViolation::RootId`].
    pub fn parse(s: &str) -> Result<Self, Error> {
        let invalid = Error::Spiffe(SpiffeViolation::InvalidId);
        if s.len() > MAX_SPIFFE_ID_LEN {
            return Err(invalid);
        }
        let rest = s.strip_prefix("spiffe://").ok_or_else(|| invalid.clone())?;
        let (td, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        validate_trust_domain(td).map_err(|_| invalid.clone())?;
        if path.is_empty() {
            return Err(Error::Spiffe(SpiffeViolation::RootId));
        }
        // `path` starts with '/'; every segment after it must be non-empty and well-formed.
        let mut segments = path.split('/');
        segments.next();
        for seg in segments {
            if seg.is_empty() || seg == "." || seg == ".." {
                return Err(invalid);
            }
            if !seg.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')) {
                return Err(invalid);
            }
        }
        Ok(Self { id: s.to_owned(), td_len: td.len() })
    }

    /// The whole ID.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The trust domain name.
    #[must_use]
    pub fn trust_domain(&self) -> &str {
        self.id.get(9..9 + self.td_len).unwrap_or_default()
    }

    /// The path, starting with `/`.
    #[must_use]
    pub fn path(&self) -> &str {
        self.id.get(9 + self.td_len..).unwrap_or_default()
    }
}

impl core::fmt::Display for SpiffeId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.id)
    }
}

/// Validates a trust domain name: 1 to [`MAX_TRUST_DOMAIN_LEN`] bytes of `[a-z0-9.-_]`.
pub(crate) fn validate_trust_domain(td: &str) -> Result<(), Error> {
    if td.is_empty()
        || td.len() > MAX_TRUST_DOMAIN_LEN
        || !td.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(Error::Spiffe(SpiffeViolation::InvalidId));
    }
    Ok(())
}

/// The SPIFFE ID of a leaf, after checking the URI-SAN count and the ID syntax only.
pub(crate) fn leaf_id(info: &CertificateInfo) -> Result<SpiffeId, Error> {
    if info.uri_san_count != 1 || info.uris.len() != 1 {
        return Err(Error::Spiffe(SpiffeViolation::UriSanCount { count: info.uri_san_count }));
    }
    let uri = info.uris.first().ok_or(Error::Spiffe(SpiffeViolation::UriSanCount { count: 0 }))?;
    SpiffeId::parse(uri)
}

/// The remaining X.509-SVID leaf rules: not a CA, key usage.
pub(crate) fn check_leaf_rules(info: &CertificateInfo) -> Result<(), Error> {
    if info.is_ca {
        return Err(Error::Spiffe(SpiffeViolation::LeafIsCa));
    }
    match info.key_usage {
        Some(ku) if ku.digital_signature && !ku.key_cert_sign && !ku.crl_sign => Ok(()),
        _ => Err(Error::Spiffe(SpiffeViolation::KeyUsage)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let id = SpiffeId::parse("spiffe://example.org/ns/prod/sa/api").unwrap();
        assert_eq!(id.trust_domain(), "example.org");
        assert_eq!(id.path(), "/ns/prod/sa/api");
        for bad in [
            "spiffe://example.org/",
            "spiffe://example.org//a",
            "spiffe://example.org/a/",
            "spiffe://example.org/./a",
            "spiffe://example.org/../a",
            "spiffe://Example.org/a",
            "SPIFFE://example.org/a",
            "spiffe://example.org:443/a",
            "spiffe://user@example.org/a",
            "spiffe://example.org/a?q=1",
            "spiffe://example.org/a#f",
            "spiffe:///a",
            "https://example.org/a",
            "spiffe://example.org/a%20b",
        ] {
            assert!(SpiffeId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(SpiffeId::parse("spiffe://example.org"), Err(Error::Spiffe(SpiffeViolation::RootId)));
        let long = format!("spiffe://example.org/{}", "a".repeat(MAX_SPIFFE_ID_LEN));
        assert!(SpiffeId::parse(&long).is_err());
    }
}
