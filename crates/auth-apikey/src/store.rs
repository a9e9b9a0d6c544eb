//! Where records live: the [`KeyStore`] trait and the in-memory [`MemoryStore`].

use crate::Error;
use crate::format::KeyId;
use crate::record::{DigestAlg, Pepper, Record};
use std::collections::HashMap;

/// Looks records up for [`crate::verify`]. A server backs it with its database or a cache of it; the
/// crate ships [`MemoryStore`].
///
/// Lookups take public values only: a key id, or the digest of a legacy key (a digest of a secret is
/// safe to index on: its bits reveal nothing usable about the key). Implementations need not be
/// constant-time. A store whose lookups are asynchronous uses the two-step API instead:
/// [`crate::ParsedKey::parse`], fetch the record by [`crate::ParsedKey::id`], then
/// [`crate::verify_record`].
pub trait KeyStore {
    /// The record of the formatted key with this id, if any. Must not return legacy records.
    fn find(&self, id: &KeyId) -> Option<&Record>;

    /// The legacy record whose digest under `alg` is `digest`, if any. The default finds none.
    fn find_legacy(&self, alg: DigestAlg, digest: &[u8; 32]) -> Option<&Record> {
        let _ = (alg, digest);
        None
    }

    /// The pepper the store's HMAC-SHA256 digests use, if any. The default has none.
    fn pepper(&self) -> Option<&Pepper> {
        None
    }
}

/// Records held in memory, indexed by key id (and by digest for legacy keys). Load it at start-up
/// from the records a database or a JSON Lines file holds; it allocates nothing per lookup.
///
/// Ids are unique across the store (formatted and legacy records alike), so revocation by id is
/// unambiguous. Several records may share an owner: that is how keys rotate with overlap.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Vec<Record>,
    by_key_id: HashMap<KeyId, usize>,
    by_id: HashMap<Box<str>, usize>,
    legacy: HashMap<(DigestAlg, [u8; 32]), usize>,
    pepper: Option<Pepper>,
}

impl MemoryStore {
    /// An empty store without a pepper (records must use SHA-256).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose HMAC-SHA256 records use `pepper`. SHA-256 records are still accepted, so a
    /// deployment can introduce a pepper for new keys while old ones run out.
    #[must_use]
    pub fn with_pepper(pepper: Pepper) -> Self {
        Self { pepper: Some(pepper), ..Self::default() }
    }

    /// A store holding `records`, with an optional pepper.
    ///
    /// # Errors
    /// As [`MemoryStore::insert`].
    pub fn from_records<I: IntoIterator<Item = Record>>(records: I, pepper: Option<Pepper>) -> Result<Self, Error> {
        let mut store = Self { pepper, ..Self::default() };
        for r in records {
            store.insert(r)?;
        }
        Ok(store)
    }

    /// Adds a record.
    ///
    /// # Errors
    /// [`Error::DuplicateKey`] when its id (or, for a legacy record, its digest) is already present;
    /// [`Error::PepperRequired`] for an HMAC-SHA256 record in a store without a pepper.
    pub fn insert(&mut self, record: Record) -> Result<(), Error> {
        if record.digest_alg() == DigestAlg::HmacSha256 && self.pepper.is_none() {
            return Err(Error::PepperRequired);
        }
        if self.by_id.contains_key(record.id()) {
            return Err(Error::DuplicateKey);
        }
        let legacy_key = (record.digest_alg(), *record.digest());
        if record.is_legacy() && self.legacy.contains_key(&legacy_key) {
            return Err(Error::DuplicateKey);
        }
        let index = self.records.len();
        self.by_id.insert(record.id().into(), index);
        match record.key_id() {
            Some(id) => {
                self.by_key_id.insert(*id, index);
            }
            None => {
                self.legacy.insert(legacy_key, index);
            }
        }
        self.records.push(record);
        Ok(())
    }

    /// The record with this id (a key id or a legacy label).
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id).and_then(|&i| self.records.get(i))
    }

    /// Revokes the record with this id; `false` when there is none.
    pub fn revoke(&mut self, id: &str) -> bool {
        match self.by_id.get(id).and_then(|&i| self.records.get_mut(i)) {
            Some(r) => {
                r.revoke();
                true
            }
            None => false,
        }
    }

    /// Every record, in insertion order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Record> + '_ {
        self.records.iter()
    }

    /// The records of one owner (all of an owner's keys, for rotation and bulk revocation).
    pub fn owned_by<'s>(&'s self, owner: &'s str) -> impl Iterator<Item = &'s Record> + 's {
        self.records.iter().filter(move |r| r.owner() == Some(owner))
    }

    /// Number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the store is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl KeyStore for MemoryStore {
    fn find(&self, id: &KeyId) -> Option<&Record> {
        self.by_key_id.get(id).and_then(|&i| self.records.get(i))
    }

    fn find_legacy(&self, alg: DigestAlg, digest: &[u8; 32]) -> Option<&Record> {
        self.legacy.get(&(alg, *digest)).and_then(|&i| self.records.get(i))
    }

    fn pepper(&self) -> Option<&Pepper> {
        self.pepper.as_ref()
    }
}
