//! # auth-apikey
//!
//! Static API keys done the way the careful providers converged on: a scanner-friendly prefix that names
//! the environment (`sk_live`, `sk_test`), a public key id for lookup, a 256-bit secret, and a CRC-32
//! checksum that rejects typos and garbage before any lookup. Servers store a [`Record`] holding a digest
//! of the secret (SHA-256, or HMAC-SHA256 under a server-side [`Pepper`]), never the key; verification
//! parses, checks the checksum, looks the record up by id, compares digests in constant time, then
//! checks revocation, expiry, environment and scopes. The key grammar is documented in [`format`](mod@crate::format).
//!
//! The crate does no I/O: the caller passes the random generator, the store and the time.
//!
//! ## Example
//!
//! ```
//! use auth_apikey::{generate, verify, Error, KeySpec, MemoryStore, Policy, Prefix};
//! use auth_core::{Reject, ScopeSet, Timestamp};
//! use ring::rand::SystemRandom;
//!
//! let now = Timestamp::from_unix(1_700_000_000);
//! let rng = SystemRandom::new();
//!
//! // Issue a key: show `key` to its owner once, store `record`.
//! let spec = KeySpec::new(Prefix::new("sk_live")?, now)
//!     .scopes(ScopeSet::parse("orders:read orders:write")?)
//!     .expires_at(Some(now.saturating_add_secs(90 * 86_400)))
//!     .owner("acct_42");
//! let (key, record) = generate(spec, &rng)?;
//! assert!(key.expose().starts_with("sk_live_"));
//! let stored = serde_json::to_string(&record)?; // what the database holds
//! assert!(!stored.contains(key.expose()));
//!
//! // At start-up: load the records; per route: a policy.
//! let store = MemoryStore::from_records([serde_json::from_str(&stored)?], None)?;
//! let read = ScopeSet::parse("orders:read")?;
//! let policy = Policy::new(&["sk_live"]).require_scopes(&read);
//!
//! // Per request: no allocation, no lookup for malformed keys.
//! let verified = verify(key.expose(), &store, &policy, now)?;
//! assert_eq!(verified.owner(), Some("acct_42"));
//!
//! // A typo is caught by the checksum, before any lookup.
//! let mut typo = key.expose().as_bytes().to_vec();
//! typo[30] = if typo[30] == b'x' { b'y' } else { b'x' };
//! let err = verify(std::str::from_utf8(&typo)?, &store, &policy, now).unwrap_err();
//! assert_eq!(err, Error::BadChecksum);
//! assert_eq!(err.rejection().status().code(), 401);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Where keys arrive
//! [`verify_request`] takes a [`auth_core::RequestView`] and [`KeySources`]: `Authorization: Bearer`, a
//! custom header such as `x-api-key`, HTTP Basic with the key as user-id and an empty password, HTTP
//! Basic `id:secret` pairs ([`ApiKey::basic_pair`]), and a query parameter only when enabled.
//!
//! ## Rotation
//! Records carry an optional owner; one owner may hold several live keys. Rotate by issuing a new key,
//! moving clients to it, and revoking (or expiring) the old one; [`MemoryStore::owned_by`] lists them.
//!
//! ## Legacy keys
//! Keys issued before adopting the format (opaque text such as `sk-live-a1b2c3d4`: 8 to 256 visible
//! ASCII bytes) can be migrated without reissuing them: [`Record::for_legacy_key`] digests the whole
//! key, the store indexes such records by digest, and a [`Policy::allow_legacy`] policy looks up any
//! text that is not a formatted key by its digest. Legacy keys have no checksum, so nothing is rejected
//! before the lookup on that path; their entropy is whatever it was, so give such stores a [`Pepper`].
//! A legacy key that happens to match the new grammar's shape is treated as a formatted key.
//!
//! ## Errors and what clients see
//! Every failure is an [`Error`] with a precise [`Error::reason`] for logs (`malformed_key`,
//! `bad_checksum`, `wrong_environment`, `unknown_key`, `bad_secret`, `revoked`, `expired`,
//! `insufficient_scope`, …) and a rejection whose client-facing text is the generic one of its RFC 6750
//! code: 401 `invalid_token` for every bad key, 403 `insufficient_scope` for missing scopes.
//!
//! ## Timing
//! The digest comparison is constant-time ([`auth_core::ct_eq`]). Key ids are public (they appear in
//! logs and Basic user-ids), so lookups by id are not constant-time; still, the secret is digested before
//! the lookup, so an unknown id costs the same hashing as a known one with a wrong secret. Parsing
//! and the checksum run on the presented text in time that depends on its length and structure, which
//! reveals nothing about any stored key. Legacy records are found by the digest of the presented text;
//! a lookup by digest may take time that depends on how the digest compares with stored ones, which
//! cannot be steered without SHA-256 preimages, so it reveals nothing usable either. The checksum
//! (CRC-32 by table lookups) and the alphabet check (one table lookup per character) read tables at
//! offsets that depend on the presented key, secret part included: an observer of the server's cache
//! on the same machine could learn about keys as they are presented, as with every checksummed-token
//! scheme. Stored digests never go through a table.
//!
//! ## Limits
//! - Presented text: at most [`MAX_LEGACY_KEY_LEN`] bytes (formatted keys: at most
//!   [`format::MAX_KEY_LEN`], prefixes at most [`format::MAX_PREFIX_LEN`]); legacy keys at least
//!   [`MIN_LEGACY_KEY_LEN`]. Longer input is refused before any other work.
//! - Records: see [`Record`] ([`MAX_OWNER_LEN`], [`MAX_METADATA_ENTRIES`], [`MAX_METADATA_NAME_LEN`],
//!   [`MAX_METADATA_VALUE_LEN`], [`MAX_LEGACY_ID_LEN`]); scopes as [`auth_core::ScopeSet`] limits them.
//! - Peppers: at least [`MIN_PEPPER_LEN`] bytes.
//! - Request headers: as auth-core limits them ([`auth_core::header::MAX_HEADER_VALUE_LEN`]).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
pub mod format;
mod record;
mod sources;
mod store;
mod verify;

pub use error::{Error, Expired};
pub use format::{ApiKey, KeyId, KeySpec, ParsedKey, Prefix, generate, generate_from_bytes};
pub use record::{
    DigestAlg, MAX_LEGACY_ID_LEN, MAX_METADATA_ENTRIES, MAX_METADATA_NAME_LEN, MAX_METADATA_VALUE_LEN, MAX_OWNER_LEN,
    MIN_PEPPER_LEN, Pepper, Record,
};
pub use sources::{KeySources, verify_request};
pub use store::{KeyStore, MemoryStore};
pub use verify::{
    MAX_LEGACY_KEY_LEN, MIN_LEGACY_KEY_LEN, Policy, Verified, key_id_of, verify, verify_pair, verify_parsed,
    verify_record,
};
