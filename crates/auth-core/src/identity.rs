//! The success half of a verdict: who the caller is and what they may do.

use crate::{ScopeSet, Timestamp};
use std::collections::BTreeMap;

/// The family of credential that authenticated a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// A static API key.
    ApiKey,
    /// A JWT (OAuth 2.0 access token or service token).
    Jwt,
    /// An HMAC-signed request or webhook.
    Hmac,
    /// A mutual-TLS client certificate.
    Mtls,
}

impl Scheme {
    /// A stable lowercase name (`apikey`, `jwt`, `hmac`, `mtls`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "apikey",
            Self::Jwt => "jwt",
            Self::Hmac => "hmac",
            Self::Mtls => "mtls",
        }
    }
}

/// An authenticated caller.
///
/// Scheme crates return their own verified types (which borrow where they can, to keep the hot path
/// free of allocation) and convert into an `Identity` for code that handles every scheme alike.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identity {
    /// How the caller authenticated.
    pub scheme: Scheme,
    /// Who the caller is: a JWT `sub`, an API key id, a signing key id, a certificate identity.
    pub subject: String,
    /// What the caller may do.
    pub scopes: ScopeSet,
    /// When the credential stops being valid, if it says.
    pub expires_at: Option<Timestamp>,
    /// Scheme-specific facts worth logging or authorizing on (`client_id`, `key_id`,
    /// `fingerprint_sha256`, `environment`, …). Never secrets.
    pub attributes: BTreeMap<String, String>,
}

impl Identity {
    /// An identity with no scopes, expiry or attributes.
    #[must_use]
    pub fn new(scheme: Scheme, subject: impl Into<String>) -> Self {
        Self {
            scheme,
            subject: subject.into(),
            scopes: ScopeSet::default(),
            expires_at: None,
            attributes: BTreeMap::new(),
        }
    }

    /// Sets the scopes.
    #[must_use]
    pub fn with_scopes(mut self, scopes: ScopeSet) -> Self {
        self.scopes = scopes;
        self
    }

    /// Sets the expiry.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: Option<Timestamp>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Adds one attribute.
    #[must_use]
    pub fn with_attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }
}
