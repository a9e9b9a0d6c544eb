//! Where keys arrive in a request: Bearer, a custom header, HTTP Basic, and (only when enabled) a query
//! parameter — all through auth-core's credential extraction, so duplicates and credentials offered two
//! ways at once are refused the same way for every scheme.

use crate::Error;
use crate::store::KeyStore;
use crate::verify::{Policy, Verified, verify, verify_pair};
use auth_core::{Credential, CredentialSources, RequestView, Timestamp, extract_credential};

/// Where a server accepts API keys. Nothing is accepted by default; enable each form explicitly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeySources<'a> {
    bearer: bool,
    header: Option<&'a str>,
    basic_key_as_user: bool,
    basic_id_secret: bool,
    query: Option<&'a str>,
}

impl<'a> KeySources<'a> {
    /// Accepts nothing.
    #[must_use]
    pub const fn none() -> Self {
        Self { bearer: false, header: None, basic_key_as_user: false, basic_id_secret: false, query: None }
    }

    /// `Authorization: Bearer <key>`.
    #[must_use]
    pub const fn with_bearer(mut self) -> Self {
        self.bearer = true;
        self
    }

    /// A header holding the key alone, such as `x-api-key` (names compare case-insensitively).
    #[must_use]
    pub const fn with_header(mut self, name: &'a str) -> Self {
        self.header = Some(name);
        self
    }

    /// HTTP Basic with the whole key as the user-id and an empty password (`curl -u KEY:`, as Stripe
    /// does). A non-empty password is refused as [`Error::MalformedKey`] unless
    /// [`KeySources::with_basic_id_secret`] is also on.
    #[must_use]
    pub const fn with_basic_key_as_user(mut self) -> Self {
        self.basic_key_as_user = true;
        self
    }

    /// HTTP Basic `id:secret` pairs, as Twilio's account SID and auth token: the user-id is the key's
    /// public half `prefix "_" key-id` and the password its secret half `secret checksum`
    /// ([`crate::ApiKey::basic_pair`]). The pair maps onto the record of that key id exactly as the
    /// whole key does, checksum included. An empty password is refused as [`Error::MalformedKey`]
    /// unless [`KeySources::with_basic_key_as_user`] is also on.
    #[must_use]
    pub const fn with_basic_id_secret(mut self) -> Self {
        self.basic_id_secret = true;
        self
    }

    /// A query parameter (`?api_key=…`). Off unless enabled: URLs end up in logs, browser history and
    /// `Referer` headers.
    #[must_use]
    pub const fn with_query_param(mut self, name: &'a str) -> Self {
        self.query = Some(name);
        self
    }

    fn credential_sources(&self) -> CredentialSources<'a> {
        let mut s = CredentialSources::none();
        if self.bearer {
            s = s.with_bearer();
        }
        if self.basic_key_as_user || self.basic_id_secret {
            s = s.with_basic();
        }
        if let Some(h) = self.header {
            s = s.with_header(h);
        }
        if let Some(q) = self.query {
            s = s.with_query_param(q);
        }
        s
    }
}

/// Finds the one key `req` offers through `sources` and [`verify`]s it.
///
/// Header problems (none offered, a duplicate field, two forms at once, bad Basic encoding) are
/// [`Error::Credential`] and answer as auth-core decides. Bearer, header and query values verify with
/// no allocation; Basic decoding (in auth-core) allocates the decoded pair.
///
/// # Errors
/// [`Error::Credential`], or as [`verify`] / [`verify_pair`].
pub fn verify_request<'s, S: KeyStore + ?Sized>(
    req: &RequestView<'_>,
    sources: &KeySources<'_>,
    store: &'s S,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'s>, Error> {
    match extract_credential(req, &sources.credential_sources())? {
        Credential::Bearer(key) | Credential::Header(key) => verify(key, store, policy, now),
        Credential::Query(key) => verify(&key, store, policy, now),
        Credential::Basic(basic) => {
            let password = basic.password().expose();
            if password.is_empty() && sources.basic_key_as_user {
                verify(basic.user_id(), store, policy, now)
            } else if !password.is_empty() && sources.basic_id_secret {
                verify_pair(basic.user_id(), password, store, policy, now)
            } else {
                Err(Error::MalformedKey)
            }
        }
        _ => Err(Error::MalformedKey),
    }
}
