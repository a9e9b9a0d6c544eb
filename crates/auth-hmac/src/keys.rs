//! Shared secrets prepared once: rotation sets and key-id stores.

use crate::Error;
use auth_core::hash::{HmacContext, HmacKey};
use hashbrown::HashTable;
use ring::hmac;
use std::hash::{BuildHasher, Hasher};

/// The most live secrets one key id (or one webhook endpoint) may hold at once, for rotation.
pub const MAX_SECRETS_PER_KEY: usize = 8;
/// The longest secret accepted, in bytes.
pub const MAX_SECRET_LEN: usize = 1024;
/// The shortest secret a [`KeyStore`] accepts, in bytes (128 bits). Webhook [`Secrets`] only refuse
/// empty secrets, because the providers choose those secrets, not the server.
pub const MIN_KEY_STORE_SECRET_LEN: usize = 16;
/// The most key ids a [`KeyStore`] holds.
pub const MAX_KEY_IDS: usize = 100_000;
/// The longest key id, in bytes. Key ids are 1 to this many visible ASCII bytes (`0x21..=0x7e`).
pub const MAX_KEY_ID_LEN: usize = 128;

/// One to [`MAX_SECRETS_PER_KEY`] live secrets for one HMAC algorithm, prepared once (the inner and
/// outer pad states are computed here, not per request; HMAC-SHA256 keys use the faster implementation
/// on the CPU at hand, see [the crate's notes on hashing](crate#hashing)).
///
/// A signature is accepted when any of the secrets produces it, so a sender can move to a new secret
/// while the old one is still configured. Order the secrets newest first: verification tries them in
/// order.
///
/// `Debug` prints only the number of secrets. The secrets are not kept in raw form, only the derived
/// pad states.
#[derive(Clone)]
pub struct Secrets {
    keys: Vec<HmacKey>,
}

impl core::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secrets([REDACTED; {}])", self.keys.len())
    }
}

impl Secrets {
    /// Prepares `secrets` for `algorithm`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when there are no secrets, more than [`MAX_SECRETS_PER_KEY`], or one is
    /// empty or longer than [`MAX_SECRET_LEN`].
    pub fn new<S: AsRef<[u8]>>(algorithm: hmac::Algorithm, secrets: &[S]) -> Result<Self, Error> {
        Self::with_min_len(algorithm, secrets, 1)
    }

    pub(crate) fn with_min_len<S: AsRef<[u8]>>(
        algorithm: hmac::Algorithm,
        secrets: &[S],
        min_len: usize,
    ) -> Result<Self, Error> {
        if secrets.is_empty() {
            return Err(Error::InvalidKey("no secrets"));
        }
        if secrets.len() > MAX_SECRETS_PER_KEY {
            return Err(Error::InvalidKey("too many secrets"));
        }
        let mut keys = Vec::with_capacity(secrets.len());
        for s in secrets {
            let s = s.as_ref();
            if s.is_empty() {
                return Err(Error::InvalidKey("empty secret"));
            }
            if s.len() < min_len {
                return Err(Error::InvalidKey("secret too short"));
            }
            if s.len() > MAX_SECRET_LEN {
                return Err(Error::InvalidKey("secret too long"));
            }
            keys.push(HmacKey::new(algorithm, s));
        }
        Ok(Self { keys })
    }

    /// HMAC-SHA256 secrets (every scheme here except Twilio).
    ///
    /// # Errors
    /// As [`Secrets::new`].
    pub fn sha256<S: AsRef<[u8]>>(secrets: &[S]) -> Result<Self, Error> {
        Self::new(hmac::HMAC_SHA256, secrets)
    }

    /// How many secrets are live.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always `false`: a `Secrets` holds at least one secret.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Verifies a raw HMAC `tag` over the concatenation of `parts` (streamed, not copied) against every
    /// live secret; returns the index of the secret that matched. The tag must be the algorithm's full
    /// output length: truncated tags are refused. For custom schemes built on this crate's key handling.
    ///
    /// # Errors
    /// [`Error::MalformedSignature`] for a tag of the wrong length, [`Error::BadSignature`] when no
    /// secret matches.
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> Result<usize, Error> {
        let full = self.keys.first().map_or(0, HmacKey::output_len);
        if tag.len() != full {
            return Err(Error::MalformedSignature);
        }
        self.find(tag, |ctx| {
            for p in parts {
                ctx.update(p);
            }
        })
        .ok_or(Error::BadSignature)
    }

    pub(crate) fn keys(&self) -> &[HmacKey] {
        &self.keys
    }

    /// Index of the first secret whose MAC over the parts fed by `feed` equals `expected`, compared in
    /// constant time.
    pub(crate) fn find(&self, expected: &[u8], feed: impl Fn(&mut HmacContext)) -> Option<usize> {
        self.keys.iter().position(|key| {
            let mut ctx = HmacContext::new(key);
            feed(&mut ctx);
            auth_core::ct_eq(ctx.sign().as_ref(), expected)
        })
    }
}

/// Whether `id` is an acceptable key id: 1 to [`MAX_KEY_ID_LEN`] visible ASCII bytes.
#[must_use]
pub fn is_valid_key_id(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_KEY_ID_LEN && id.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// Key id -> live secrets, for schemes where the request names its key (the signed-request scheme's
/// `X-API-Key`, RFC 9421 `keyid` with `hmac-sha256`).
///
/// Bounded by [`MAX_KEY_IDS`]; secrets must be at least [`MIN_KEY_STORE_SECRET_LEN`] bytes.
///
/// The table hashes key ids with foldhash under a per-store random seed rather than SipHash: requests
/// only look ids up, every entry comes from configuration, so there is no insertion an attacker could
/// flood, and the lookup is on every request's hot path (where ids are compared a word at a time,
/// inline: they are public, so the comparison may stop at the first difference).
#[derive(Clone, Default)]
pub struct KeyStore {
    table: HashTable<(Box<[u8]>, Secrets)>,
    hasher: foldhash::fast::RandomState,
}

impl core::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Key ids are stored as bytes but are always visible ASCII.
        let mut map = f.debug_map();
        for (id, secrets) in &self.table {
            map.entry(&String::from_utf8_lossy(id), secrets);
        }
        map.finish()
    }
}

impl KeyStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key_id` with one or more HMAC-SHA256 secrets (newest first).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an invalid or duplicate key id, a full store, or secrets refused by
    /// [`Secrets::new`] or shorter than [`MIN_KEY_STORE_SECRET_LEN`].
    pub fn insert<S: AsRef<[u8]>>(&mut self, key_id: &str, secrets: &[S]) -> Result<(), Error> {
        let id = key_id.as_bytes();
        if !is_valid_key_id(id) {
            return Err(Error::InvalidKey("invalid key id"));
        }
        if self.get_bytes(id).is_some() {
            return Err(Error::InvalidKey("duplicate key id"));
        }
        if self.table.len() >= MAX_KEY_IDS {
            return Err(Error::InvalidKey("too many key ids"));
        }
        let secrets = Secrets::with_min_len(hmac::HMAC_SHA256, secrets, MIN_KEY_STORE_SECRET_LEN)?;
        let hasher = &self.hasher;
        self.table.insert_unique(id_hash(hasher, id), (id.into(), secrets), |(k, _)| id_hash(hasher, k));
        Ok(())
    }

    /// Builder form of [`KeyStore::insert`].
    ///
    /// # Errors
    /// As [`KeyStore::insert`].
    pub fn with<S: AsRef<[u8]>>(mut self, key_id: &str, secrets: &[S]) -> Result<Self, Error> {
        self.insert(key_id, secrets)?;
        Ok(self)
    }

    /// Removes a key id; returns whether it was present.
    pub fn remove(&mut self, key_id: &str) -> bool {
        let id = key_id.as_bytes();
        match self.table.find_entry(id_hash(&self.hasher, id), |(k, _)| same_id(k, id)) {
            Ok(entry) => {
                entry.remove();
                true
            }
            Err(_) => false,
        }
    }

    /// The secrets of `key_id`.
    #[must_use]
    pub fn get(&self, key_id: &str) -> Option<&Secrets> {
        self.get_bytes(key_id.as_bytes())
    }

    /// The secrets of the key id spelled by `key_id` (bytes as received; only visible ASCII ids are
    /// ever stored, so anything else is absent).
    #[must_use]
    pub fn get_bytes(&self, key_id: &[u8]) -> Option<&Secrets> {
        self.table.find(id_hash(&self.hasher, key_id), |(k, _)| same_id(k, key_id)).map(|(_, s)| s)
    }

    /// Number of key ids.
    #[must_use]
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether the store is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// The table hash of a key id: its bytes alone, one write into foldhash. No length prefix is needed:
/// ids that hash alike are told apart by [`same_id`], which compares lengths first.
fn id_hash(hasher: &foldhash::fast::RandomState, id: &[u8]) -> u64 {
    let mut h = hasher.build_hasher();
    h.write(id);
    h.finish()
}

/// Whether two key ids are the same bytes: eight bytes at a time (the last word overlapping the one
/// before), inline. Key ids are public, so this need not be constant-time.
fn same_id(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let Some(last) = n.checked_sub(8) else {
        return a.iter().zip(b).all(|(x, y)| x == y);
    };
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    (0..last).step_by(8).chain([last]).all(|at| word(a, at) == word(b, at))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let none: [&[u8]; 0] = [];
        assert!(Secrets::sha256(&none).is_err());
        assert!(Secrets::sha256(&[b""]).is_err());
        assert!(Secrets::sha256(&[[7u8; MAX_SECRET_LEN + 1]]).is_err());
        assert!(Secrets::sha256(&[b"x"; MAX_SECRETS_PER_KEY + 1]).is_err());
        assert_eq!(Secrets::sha256(&[b"a", b"b"]).unwrap().len(), 2);
        let mut ks = KeyStore::new();
        assert!(ks.insert("k1", &[b"short"]).is_err());
        ks.insert("k1", &[[1u8; 16]]).unwrap();
        assert!(ks.insert("k1", &[[1u8; 16]]).is_err());
        assert!(ks.insert("bad id", &[[1u8; 16]]).is_err());
        assert!(ks.insert("", &[[1u8; 16]]).is_err());
        assert_eq!(ks.len(), 1);
        assert_eq!(format!("{:?}", ks.get("k1").unwrap()), "Secrets([REDACTED; 1])");
        assert!(ks.remove("k1"));
        assert!(!ks.remove("k1"));
        assert!(ks.get("k1").is_none());
    }

    #[test]
    fn ids_compare_as_bytes_at_every_length() {
        let long: Vec<u8> = (0..MAX_KEY_ID_LEN).map(|i| b'!' + (i % 90) as u8).collect();
        for n in 0..=long.len() {
            let a = &long[..n];
            assert!(same_id(a, a));
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 1;
                assert!(!same_id(a, &b), "length {n}, byte {i}");
            }
            assert!(!same_id(a, &long[..n.saturating_sub(1)]) || n == 0);
        }
        let mut ks = KeyStore::new();
        for i in 0..200 {
            ks.insert(&format!("client-{i}"), &[[i as u8; 16]]).unwrap();
        }
        assert_eq!(ks.len(), 200);
        assert!(
            ks.get("client-199").is_some() && ks.get("client-200").is_none() && ks.get_bytes(b"client-0\n").is_none()
        );
        assert!(ks.insert("client-7", &[[1u8; 16]]).is_err());
    }
}
