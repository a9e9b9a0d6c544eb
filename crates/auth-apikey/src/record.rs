//! Stored records: what a server keeps about each key (never the key).

use crate::Error;
use crate::format::{KeyId, KeySpec, ParsedKey, Prefix};
use auth_core::hash::HmacKey;
use auth_core::{ScopeSet, Timestamp};
use core::fmt;
use std::collections::BTreeMap;

/// The longest legacy-record id, in bytes.
pub const MAX_LEGACY_ID_LEN: usize = 64;
/// The longest owner, in bytes.
pub const MAX_OWNER_LEN: usize = 256;
/// The most metadata entries a record may hold.
pub const MAX_METADATA_ENTRIES: usize = 64;
/// The longest metadata name, in bytes.
pub const MAX_METADATA_NAME_LEN: usize = 64;
/// The longest metadata value, in bytes.
pub const MAX_METADATA_VALUE_LEN: usize = 1024;
/// The shortest pepper accepted, in bytes.
pub const MIN_PEPPER_LEN: usize = 32;

/// A server-side secret mixed into stored digests: records then hold HMAC-SHA256(pepper, secret), so a
/// leaked table of records cannot be checked against guesses without the pepper too. It matters most for
/// legacy keys, whose entropy may be low; formatted keys carry 256 random bits either way.
///
/// Keep it outside the database that holds the records (configuration, a secrets manager). Changing it
/// invalidates every record digested under it. The key schedule is an [`auth_core::hash::HmacKey`]: its
/// pad states are wiped on drop where it hashes with `sha2`'s block function (x86-64 with SHA
/// extensions); elsewhere it is ring's key, which does not zeroize its memory.
pub struct Pepper(HmacKey);

impl Pepper {
    /// A pepper from at least [`MIN_PEPPER_LEN`] secret bytes.
    ///
    /// # Errors
    /// [`Error::InvalidPepper`] when `bytes` is shorter.
    pub fn new(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < MIN_PEPPER_LEN {
            return Err(Error::InvalidPepper);
        }
        Ok(Self(HmacKey::sha256(bytes)))
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pepper([REDACTED])")
    }
}

/// How a record's digest was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum DigestAlg {
    /// SHA-256 (`"sha256"` in JSON).
    #[serde(rename = "sha256")]
    Sha256,
    /// HMAC-SHA256 under the server's [`Pepper`] (`"hmac-sha256"` in JSON).
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
}

impl DigestAlg {
    /// The algorithm used with an optional pepper: HMAC-SHA256 with one, SHA-256 without.
    #[must_use]
    pub const fn for_pepper(pepper: Option<&Pepper>) -> Self {
        if pepper.is_some() { Self::HmacSha256 } else { Self::Sha256 }
    }

    /// Digests `data`; `None` for [`DigestAlg::HmacSha256`] without a pepper.
    pub(crate) fn digest(self, pepper: Option<&Pepper>, data: &[u8]) -> Option<[u8; 32]> {
        match (self, pepper) {
            (Self::Sha256, _) => Some(auth_core::hash::sha256(data)),
            (Self::HmacSha256, Some(p)) => p.0.sign(data).as_ref().try_into().ok(),
            (Self::HmacSha256, None) => None,
        }
    }
}

/// What a server stores for one key: its public id, a digest of its secret, and what it grants.
///
/// A record never holds the key or its secret, only `digest_alg(secret)` where `secret` is the 43
/// secret characters of a formatted key, or the whole text of a legacy key. Records are not secret in the
/// way keys are, but a leak still exposes scopes and owners, and for legacy keys a digest to guess
/// against (use a [`Pepper`]).
///
/// # JSON
/// One object per record, as the CLI prints them (JSON Lines):
///
/// ```json
/// {"id":"15xDqtlcZ57kOw","environment":"sk_live","owner":"acct_42","legacy":false,
///  "digest_alg":"sha256","digest":"<64 lowercase hex digits>","scopes":["read"],
///  "created_at":1700000000,"expires_at":null,"revoked":false,"metadata":{}}
/// ```
///
/// `id`, `environment`, `digest_alg`, `digest`, `scopes`, `created_at`, `expires_at` (a Unix time or
/// `null`) and `revoked` are required; `owner`, `legacy` (default `false`) and `metadata` (default
/// empty) are optional. Unknown fields are rejected, so a misspelt `expires_at` cannot silently make a
/// key immortal. `scopes` also accepts a space-delimited string.
///
/// # Validation and limits
/// A formatted key's `id` is a [`KeyId`] and its `environment` is its [`Prefix`]; a legacy record's `id`
/// is 1..=[`MAX_LEGACY_ID_LEN`] visible ASCII bytes and its `environment` follows the prefix grammar.
/// `owner` is at most [`MAX_OWNER_LEN`] bytes; `metadata` holds at most [`MAX_METADATA_ENTRIES`] entries
/// of at most [`MAX_METADATA_NAME_LEN`] / [`MAX_METADATA_VALUE_LEN`] bytes; none may hold control
/// characters.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RecordRepr", into = "RecordRepr")]
pub struct Record {
    id: Box<str>,
    key_id: Option<KeyId>,
    environment: Prefix,
    owner: Option<String>,
    digest_alg: DigestAlg,
    digest: [u8; 32],
    scopes: ScopeSet,
    created_at: Timestamp,
    expires_at: Option<Timestamp>,
    revoked: bool,
    metadata: BTreeMap<String, String>,
}

impl Record {
    pub(crate) fn for_new_key(key: &ParsedKey<'_>, spec: KeySpec<'_>) -> Result<Self, Error> {
        let digest_alg = DigestAlg::for_pepper(spec.pepper);
        let digest = digest_alg.digest(spec.pepper, key.secret().as_bytes()).ok_or(Error::PepperRequired)?;
        let record = Self {
            id: key.id().as_str().into(),
            key_id: Some(*key.id()),
            environment: spec.prefix,
            owner: spec.owner,
            digest_alg,
            digest,
            scopes: spec.scopes,
            created_at: spec.created_at,
            expires_at: spec.expires_at,
            revoked: false,
            metadata: spec.metadata,
        };
        record.check_limits()?;
        Ok(record)
    }

    /// A record for a legacy key issued before the format (any opaque text such as `sk-live-a1b2c3d4`),
    /// so it verifies without being reissued (see [`crate::Policy::allow_legacy`]). `id` is a label for
    /// logs and revocation (not part of the key); `spec`'s prefix becomes the record's environment label.
    /// The digest covers the whole legacy key.
    ///
    /// # Errors
    /// [`Error::MalformedKey`] when `legacy_key` is not a [legacy key](crate#legacy-keys);
    /// [`Error::InvalidRecord`] for a bad id or over-limit owner or metadata.
    pub fn for_legacy_key(legacy_key: &str, id: &str, spec: KeySpec<'_>) -> Result<Self, Error> {
        if !crate::verify::is_legacy_key(legacy_key) {
            return Err(Error::MalformedKey);
        }
        let digest_alg = DigestAlg::for_pepper(spec.pepper);
        let digest = digest_alg.digest(spec.pepper, legacy_key.as_bytes()).ok_or(Error::PepperRequired)?;
        let record = Self {
            id: id.into(),
            key_id: None,
            environment: spec.prefix,
            owner: spec.owner,
            digest_alg,
            digest,
            scopes: spec.scopes,
            created_at: spec.created_at,
            expires_at: spec.expires_at,
            revoked: false,
            metadata: spec.metadata,
        };
        record.check_limits()?;
        Ok(record)
    }

    fn check_limits(&self) -> Result<(), Error> {
        let clean = |s: &str| !s.chars().any(char::is_control);
        if self.key_id.is_none()
            && (self.id.is_empty()
                || self.id.len() > MAX_LEGACY_ID_LEN
                || !self.id.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(Error::InvalidRecord("id"));
        }
        if self.owner.as_deref().is_some_and(|o| o.is_empty() || o.len() > MAX_OWNER_LEN || !clean(o)) {
            return Err(Error::InvalidRecord("owner"));
        }
        if self.metadata.len() > MAX_METADATA_ENTRIES
            || self.metadata.iter().any(|(k, v)| {
                k.is_empty()
                    || k.len() > MAX_METADATA_NAME_LEN
                    || v.len() > MAX_METADATA_VALUE_LEN
                    || !clean(k)
                    || !clean(v)
            })
        {
            return Err(Error::InvalidRecord("metadata"));
        }
        Ok(())
    }

    /// The record's id: the key id of a formatted key, or the label of a legacy key.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key id, for a formatted key; `None` for a legacy record.
    #[must_use]
    pub fn key_id(&self) -> Option<&KeyId> {
        self.key_id.as_ref()
    }

    /// Whether this record is for a legacy (unformatted) key.
    #[must_use]
    pub fn is_legacy(&self) -> bool {
        self.key_id.is_none()
    }

    /// The environment: the prefix of a formatted key, or the label given to a legacy key.
    #[must_use]
    pub fn environment(&self) -> &str {
        self.environment.as_str()
    }

    /// The owner the key acts for, if recorded.
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// How the digest was computed.
    #[must_use]
    pub fn digest_alg(&self) -> DigestAlg {
        self.digest_alg
    }

    /// The stored digest.
    #[must_use]
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The scopes the key grants.
    #[must_use]
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    /// When the key was created.
    #[must_use]
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the key stops being valid (exclusive: at `expires_at` it is already expired); `None`: never.
    #[must_use]
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.expires_at
    }

    /// Whether the key has been revoked.
    #[must_use]
    pub fn is_revoked(&self) -> bool {
        self.revoked
    }

    /// Free-form metadata.
    #[must_use]
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    /// Revokes the key. Revocation is permanent: there is deliberately no way back.
    pub fn revoke(&mut self) {
        self.revoked = true;
    }

    /// Changes the expiry (for example to end a rotation overlap).
    pub fn set_expires_at(&mut self, expires_at: Option<Timestamp>) {
        self.expires_at = expires_at;
    }

    /// Replaces the scopes.
    pub fn set_scopes(&mut self, scopes: ScopeSet) {
        self.scopes = scopes;
    }
}

impl PartialEq for Record {
    /// Field by field; the digests are compared in constant time.
    fn eq(&self, other: &Self) -> bool {
        let digests_equal = auth_core::ct_eq(&self.digest, &other.digest);
        digests_equal
            && self.id == other.id
            && self.key_id == other.key_id
            && self.environment == other.environment
            && self.owner == other.owner
            && self.digest_alg == other.digest_alg
            && self.scopes == other.scopes
            && self.created_at == other.created_at
            && self.expires_at == other.expires_at
            && self.revoked == other.revoked
            && self.metadata == other.metadata
    }
}

impl Eq for Record {}

impl fmt::Debug for Record {
    /// Everything but the digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("id", &self.id)
            .field("legacy", &self.is_legacy())
            .field("environment", &self.environment.as_str())
            .field("owner", &self.owner)
            .field("digest_alg", &self.digest_alg)
            .field("scopes", &self.scopes)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// The JSON shape of a [`Record`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordRepr {
    id: String,
    environment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(default)]
    legacy: bool,
    digest_alg: DigestAlg,
    digest: String,
    scopes: ScopeSet,
    created_at: Timestamp,
    // `deserialize_with` makes the field required: `null` must be written out.
    #[serde(deserialize_with = "required_option")]
    expires_at: Option<Timestamp>,
    revoked: bool,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

fn required_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    <Option<Timestamp> as serde::Deserialize>::deserialize(d)
}

impl TryFrom<RecordRepr> for Record {
    type Error = Error;
    fn try_from(r: RecordRepr) -> Result<Self, Error> {
        let key_id = if r.legacy { None } else { Some(KeyId::parse(&r.id).ok_or(Error::InvalidRecord("id"))?) };
        if r.environment.ends_with('_') {
            return Err(Error::InvalidRecord("environment"));
        }
        let environment = Prefix::new(&r.environment).map_err(|_| Error::InvalidRecord("environment"))?;
        let mut digest = [0u8; 32];
        match base16ct::lower::decode(&r.digest, &mut digest) {
            Ok(d) if d.len() == 32 => {}
            _ => return Err(Error::InvalidRecord("digest")),
        }
        let record = Self {
            id: r.id.into(),
            key_id,
            environment,
            owner: r.owner,
            digest_alg: r.digest_alg,
            digest,
            scopes: r.scopes,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked: r.revoked,
            metadata: r.metadata,
        };
        record.check_limits()?;
        Ok(record)
    }
}

impl From<Record> for RecordRepr {
    fn from(r: Record) -> Self {
        Self {
            legacy: r.is_legacy(),
            id: r.id.into(),
            environment: r.environment.as_str().to_owned(),
            owner: r.owner,
            digest_alg: r.digest_alg,
            digest: base16ct::lower::encode_string(&r.digest),
            scopes: r.scopes,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked: r.revoked,
            metadata: r.metadata,
        }
    }
}
