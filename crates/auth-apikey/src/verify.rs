//! Verification: policy, the verified view, and the verify entry points.

use crate::Error;
use crate::error::Expired;
use crate::format::{KeyId, MAX_KEY_LEN, ParsedKey};
use crate::record::{DigestAlg, Pepper, Record};
use crate::store::KeyStore;
use auth_core::{Identity, Reject, Rejection, Scheme, ScopeSet, Timestamp, ct_eq};
use std::collections::BTreeMap;

/// The shortest legacy key accepted, in bytes.
pub const MIN_LEGACY_KEY_LEN: usize = 8;
/// The longest legacy key accepted, in bytes; also the longest text [`verify`] looks at.
pub const MAX_LEGACY_KEY_LEN: usize = 256;

// Formatted keys must fit under the general limit.
const _: () = assert!(MAX_KEY_LEN <= MAX_LEGACY_KEY_LEN);

/// Whether `s` can be a legacy key: [`MIN_LEGACY_KEY_LEN`]..=[`MAX_LEGACY_KEY_LEN`] visible ASCII bytes.
pub(crate) fn is_legacy_key(s: &str) -> bool {
    (MIN_LEGACY_KEY_LEN..=MAX_LEGACY_KEY_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic())
}

/// What a resource requires of a key. Build once (it borrows its lists) and reuse for every request.
///
/// Strict by default: a policy names the environments it accepts, legacy keys are refused, and no
/// scope is required until [`Policy::require_scopes`] says so.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    environments: Option<&'a [&'a str]>,
    required_scopes: Option<&'a ScopeSet>,
    legacy: bool,
}

impl<'a> Policy<'a> {
    /// Accepts keys of these environments only (prefixes such as `"sk_live"`, compared exactly and
    /// case-sensitively, one trailing `_` ignored as in [`crate::Prefix::new`]; for legacy records, their
    /// environment label). An empty list accepts nothing.
    #[must_use]
    pub const fn new(environments: &'a [&'a str]) -> Self {
        Self { environments: Some(environments), required_scopes: None, legacy: false }
    }

    /// Accepts keys of any environment. A server that serves one environment should name it instead,
    /// so that a test key never opens production and a mangled prefix is refused before the lookup.
    #[must_use]
    pub const fn any_environment() -> Self {
        Self { environments: None, required_scopes: None, legacy: false }
    }

    /// Requires every scope of `scopes` (a 403 `insufficient_scope` otherwise).
    #[must_use]
    pub const fn require_scopes(mut self, scopes: &'a ScopeSet) -> Self {
        self.required_scopes = Some(scopes);
        self
    }

    /// Also accepts legacy keys (text that is not a formatted key) against legacy records. Off by
    /// default: with it on, text that fails to parse is looked up by digest instead of being refused
    /// before any lookup.
    #[must_use]
    pub const fn allow_legacy(mut self) -> Self {
        self.legacy = true;
        self
    }

    fn accepts_environment(&self, env: &str) -> bool {
        // A listed `sk_live_` means `sk_live`, as for `Prefix::new`.
        self.environments.is_none_or(|list| list.iter().any(|p| p.strip_suffix('_').unwrap_or(p) == env))
    }

    /// The rejection for `err`, with the `scope` attribute of the challenge naming the required scopes
    /// when `err` is [`Error::InsufficientScope`] (RFC 6750 §3).
    #[must_use]
    pub fn rejection(&self, err: &Error) -> Rejection {
        let r = err.rejection();
        match (err, self.required_scopes) {
            (Error::InsufficientScope, Some(s)) => r.with_required_scope(s.to_string()),
            _ => r,
        }
    }
}

/// A verified key: a view of its record, borrowed from the store (verification allocates nothing).
#[derive(Debug, Clone, Copy)]
pub struct Verified<'s> {
    record: &'s Record,
}

impl<'s> Verified<'s> {
    /// The whole record.
    #[must_use]
    pub fn record(&self) -> &'s Record {
        self.record
    }

    /// The record id (the key id, or a legacy key's label).
    #[must_use]
    pub fn id(&self) -> &'s str {
        self.record.id()
    }

    /// The owner, if recorded.
    #[must_use]
    pub fn owner(&self) -> Option<&'s str> {
        self.record.owner()
    }

    /// The environment.
    #[must_use]
    pub fn environment(&self) -> &'s str {
        self.record.environment()
    }

    /// The scopes the key grants.
    #[must_use]
    pub fn scopes(&self) -> &'s ScopeSet {
        self.record.scopes()
    }

    /// When the key expires, if ever.
    #[must_use]
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.record.expires_at()
    }

    /// Whether the key was a legacy key.
    #[must_use]
    pub fn is_legacy(&self) -> bool {
        self.record.is_legacy()
    }

    /// The record's metadata.
    #[must_use]
    pub fn metadata(&self) -> &'s BTreeMap<String, String> {
        self.record.metadata()
    }

    /// An owned [`Identity`] (this allocates): the subject is the owner when recorded, else the key
    /// id; attributes `key_id`, `environment`, `legacy` and, when recorded, `owner`.
    #[must_use]
    pub fn identity(&self) -> Identity {
        let r = self.record;
        let mut id = Identity::new(Scheme::ApiKey, r.owner().unwrap_or(r.id()))
            .with_scopes(r.scopes().clone())
            .with_expiry(r.expires_at())
            .with_attribute("key_id", r.id())
            .with_attribute("environment", r.environment())
            .with_attribute("legacy", if r.is_legacy() { "true" } else { "false" });
        if let Some(owner) = r.owner() {
            id = id.with_attribute("owner", owner);
        }
        id
    }
}

/// Verifies a presented key against `store` under `policy` at `now`.
///
/// Order of checks (each failure stops; the secret's check is never masked by a later one):
/// 1. length (at most [`MAX_LEGACY_KEY_LEN`]), grammar and checksum: [`Error::MalformedKey`],
///    [`Error::BadChecksum`], with no lookup (text that fails the grammar goes to the legacy path
///    instead when the policy allows legacy keys);
/// 2. the prefix is an environment the policy accepts: [`Error::WrongEnvironment`], still no lookup;
/// 3. the secret's digest is computed, then the record is looked up by key id: [`Error::UnknownKey`];
/// 4. the digests are compared in constant time ([`auth_core::ct_eq`]): [`Error::BadSecret`];
/// 5. the record's environment equals the key's prefix: [`Error::WrongEnvironment`];
/// 6. [`Error::Revoked`], then [`Error::Expired`] (`now >= expires_at`), then the required scopes:
///    [`Error::InsufficientScope`].
///
/// The digest is computed before the lookup, so an unknown id costs the same hashing as a known one.
///
/// # Errors
/// The [`Error`] of the first failed check.
pub fn verify<'s, S: KeyStore + ?Sized>(
    presented: &str,
    store: &'s S,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'s>, Error> {
    if presented.len() > MAX_LEGACY_KEY_LEN {
        return Err(Error::MalformedKey);
    }
    match ParsedKey::parse(presented) {
        Ok(key) => verify_parsed(&key, store, policy, now),
        Err(Error::MalformedKey) if policy.legacy => verify_legacy(presented, store, policy, now),
        Err(e) => Err(e),
    }
}

/// As [`verify`], for a key presented as an HTTP Basic `id:secret` pair (see
/// [`crate::ApiKey::basic_pair`]).
///
/// # Errors
/// As [`verify`]; legacy keys cannot be presented as pairs.
pub fn verify_pair<'s, S: KeyStore + ?Sized>(
    public: &str,
    secret: &str,
    store: &'s S,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'s>, Error> {
    let key = ParsedKey::parse_pair(public, secret)?;
    verify_parsed(&key, store, policy, now)
}

/// Verifies an already parsed key against `store` (steps 2–6 of [`verify`]).
///
/// # Errors
/// As [`verify`].
pub fn verify_parsed<'s, S: KeyStore + ?Sized>(
    key: &ParsedKey<'_>,
    store: &'s S,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'s>, Error> {
    if !policy.accepts_environment(key.prefix()) {
        return Err(Error::WrongEnvironment);
    }
    let pepper = store.pepper();
    let alg = DigestAlg::for_pepper(pepper);
    // Hashing before the lookup keeps unknown and known ids alike in cost.
    let presented = core::hint::black_box(alg.digest(pepper, key.secret().as_bytes()));
    let record = store.find(key.id()).ok_or(Error::UnknownKey)?;
    check_formatted(key, record, pepper, presented.filter(|_| record.digest_alg() == alg))?;
    check_record(record, policy, now)
}

/// Verifies a parsed key against a record the caller fetched itself (a store with asynchronous
/// lookups: fetch by [`ParsedKey::id`], then call this). `pepper` is the server's pepper, if any.
/// Passing `None` as the record is the unknown-key case; the digest is computed anyway.
///
/// # Errors
/// As [`verify`].
pub fn verify_record<'r>(
    key: &ParsedKey<'_>,
    record: Option<&'r Record>,
    pepper: Option<&Pepper>,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'r>, Error> {
    if !policy.accepts_environment(key.prefix()) {
        return Err(Error::WrongEnvironment);
    }
    let alg = record.map_or(DigestAlg::for_pepper(pepper), Record::digest_alg);
    let presented = core::hint::black_box(alg.digest(pepper, key.secret().as_bytes()));
    let record = record.ok_or(Error::UnknownKey)?;
    check_formatted(key, record, pepper, presented)?;
    check_record(record, policy, now)
}

/// Steps 4–5 for a formatted key. `presented` is the digest already computed under the record's
/// algorithm, if it was.
fn check_formatted(
    key: &ParsedKey<'_>,
    record: &Record,
    pepper: Option<&Pepper>,
    presented: Option<[u8; 32]>,
) -> Result<(), Error> {
    if record.key_id() != Some(key.id()) {
        // A store that answers with another key's (or a legacy) record.
        return Err(Error::UnknownKey);
    }
    let digest = match presented {
        Some(d) => d,
        None => record.digest_alg().digest(pepper, key.secret().as_bytes()).ok_or(Error::PepperRequired)?,
    };
    if !ct_eq(&digest, record.digest()) {
        return Err(Error::BadSecret);
    }
    if record.environment() != key.prefix() {
        return Err(Error::WrongEnvironment);
    }
    Ok(())
}

/// Step 6, and the policy's environment for legacy records.
fn check_record<'r>(record: &'r Record, policy: &Policy<'_>, now: Timestamp) -> Result<Verified<'r>, Error> {
    if record.is_revoked() {
        return Err(Error::Revoked);
    }
    if let Some(expires_at) = record.expires_at()
        && now >= expires_at
    {
        return Err(Error::Expired(Expired { expires_at, now }));
    }
    if !policy.accepts_environment(record.environment()) {
        return Err(Error::WrongEnvironment);
    }
    if let Some(required) = policy.required_scopes
        && !required.iter().all(|s| record.scopes().contains(s))
    {
        return Err(Error::InsufficientScope);
    }
    Ok(Verified { record })
}

/// The legacy path: digest the whole text, look it up by digest, then the record checks.
fn verify_legacy<'s, S: KeyStore + ?Sized>(
    presented: &str,
    store: &'s S,
    policy: &Policy<'_>,
    now: Timestamp,
) -> Result<Verified<'s>, Error> {
    if !is_legacy_key(presented) {
        return Err(Error::MalformedKey);
    }
    let pepper = store.pepper();
    // With a pepper, legacy records may be HMAC-SHA256 (re-digested) or still SHA-256: try both.
    let peppered = DigestAlg::HmacSha256.digest(pepper, presented.as_bytes()).map(|d| (DigestAlg::HmacSha256, d));
    let plain = DigestAlg::Sha256.digest(pepper, presented.as_bytes()).map(|d| (DigestAlg::Sha256, d));
    for (alg, digest) in [peppered, plain].into_iter().flatten() {
        if let Some(record) = store.find_legacy(alg, &digest) {
            if !record.is_legacy() || record.digest_alg() != alg || !ct_eq(&digest, record.digest()) {
                return Err(Error::UnknownKey);
            }
            return check_record(record, policy, now);
        }
    }
    Err(Error::UnknownKey)
}

/// The key id of a formatted key, for callers that log or route before verifying. Performs only the
/// grammar and checksum checks.
///
/// # Errors
/// As [`ParsedKey::parse`].
pub fn key_id_of(presented: &str) -> Result<KeyId, Error> {
    ParsedKey::parse(presented).map(|k| *k.id())
}
