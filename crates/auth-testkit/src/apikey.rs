//! API keys and their stored records, minted for tests.
//!
//! An independent implementation of the auth-apikey key format (see `auth_apikey::format` for the
//! grammar), written from the documented grammar rather than shared with the verifier:
//!
//! ```text
//! api-key  = prefix "_" key-id "_" secret checksum
//! key-id   = 14 base62 digits (10 random bytes, big-endian)
//! secret   = 43 base62 digits (32 random bytes, big-endian)
//! checksum = 6 base62 digits of the CRC-32 (IEEE) of everything before it
//! base62   = "0-9A-Za-z", in that digit order
//! ```
//!
//! Records are built as JSON with `serde_json` and digested with ring directly: SHA-256 (or
//! HMAC-SHA256 under a pepper) of the 43 secret characters, or of the whole key for legacy keys. The
//! CRC-32 here is a plain bitwise implementation, independent of the `crc32fast` the verifier uses.
//!
//! ```
//! use auth_testkit::{Seed, apikey};
//!
//! let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_test"));
//! assert!(k.key.starts_with("sk_test_"));
//! assert_eq!(k.key.len(), "sk_test".len() + 65);
//! assert_eq!(k.record["id"], k.id.as_str());
//! assert!(!k.record.to_string().contains(&k.secret));
//! ```

use crate::Seed;
use ring::{digest, hmac};
use serde_json::{Value, json};

/// The base62 alphabet in digit order.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Key-id digits.
pub const ID_LEN: usize = 14;
/// Secret digits.
pub const SECRET_LEN: usize = 43;
/// Checksum digits.
pub const CHECKSUM_LEN: usize = 6;

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit.
#[must_use]
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `bytes` (big-endian) as exactly `width` base62 digits, most significant first.
#[must_use]
pub fn base62(bytes: &[u8], width: usize) -> String {
    // Long division of a base-256 number by 62, one digit per pass.
    let mut n: Vec<u32> = bytes.iter().map(|&b| u32::from(b)).collect();
    let mut digits = vec![b'0'; width];
    for d in digits.iter_mut().rev() {
        let mut rem = 0u32;
        for limb in &mut n {
            let cur = rem * 256 + *limb;
            *limb = cur / 62;
            rem = cur % 62;
        }
        *d = BASE62[rem as usize];
    }
    assert!(n.iter().all(|&l| l == 0), "{width} base62 digits cannot hold {} bytes", bytes.len());
    String::from_utf8(digits).unwrap()
}

/// The key text for the given parts.
#[must_use]
pub fn key_from_parts(prefix: &str, id_bytes: &[u8; 10], secret_bytes: &[u8; 32]) -> String {
    let body = format!("{prefix}_{}_{}", base62(id_bytes, ID_LEN), base62(secret_bytes, SECRET_LEN));
    let check = base62(&crc32(body.as_bytes()).to_be_bytes(), CHECKSUM_LEN);
    body + &check
}

/// How to mint a key and its record.
#[derive(Debug, Clone)]
pub struct MintOptions {
    /// The prefix (environment), e.g. `sk_live`.
    pub prefix: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// `created_at` (Unix seconds).
    pub created_at: i64,
    /// `expires_at` (Unix seconds) or none.
    pub expires_at: Option<i64>,
    /// Whether the record is revoked.
    pub revoked: bool,
    /// The owner, if any.
    pub owner: Option<String>,
    /// A pepper: the record then holds HMAC-SHA256 instead of SHA-256.
    pub pepper: Option<Vec<u8>>,
}

impl MintOptions {
    /// A live key of `prefix` (one trailing `_` dropped, as the format does) with no scopes, created at
    /// 1 700 000 000, never expiring.
    #[must_use]
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.strip_suffix('_').unwrap_or(prefix).to_owned(),
            scopes: Vec::new(),
            created_at: 1_700_000_000,
            expires_at: None,
            revoked: false,
            owner: None,
            pepper: None,
        }
    }

    /// With these space-separated scopes.
    #[must_use]
    pub fn scopes(mut self, scopes: &str) -> Self {
        self.scopes = scopes.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        self
    }

    /// Expiring at `t`.
    #[must_use]
    pub fn expires_at(mut self, t: i64) -> Self {
        self.expires_at = Some(t);
        self
    }

    /// Revoked.
    #[must_use]
    pub fn revoked(mut self) -> Self {
        self.revoked = true;
        self
    }

    /// Owned by `owner`.
    #[must_use]
    pub fn owner(mut self, owner: &str) -> Self {
        self.owner = Some(owner.to_owned());
        self
    }

    /// Digested under `pepper`.
    #[must_use]
    pub fn pepper(mut self, pepper: &[u8]) -> Self {
        self.pepper = Some(pepper.to_vec());
        self
    }
}

/// A minted key, its parts and its record.
#[derive(Debug, Clone)]
pub struct MintedKey {
    /// The whole key (for legacy keys, the legacy text).
    pub key: String,
    /// The record id (the key id, or the legacy label).
    pub id: String,
    /// The secret characters (for legacy keys, the whole key).
    pub secret: String,
    /// The record, in the JSON shape auth-apikey reads.
    pub record: Value,
}

impl MintedKey {
    /// The record as one line of JSON.
    #[must_use]
    pub fn record_line(&self) -> String {
        self.record.to_string()
    }

    /// The HTTP Basic `id:secret` halves of a formatted key: `prefix_keyid` and `secret checksum`.
    #[must_use]
    pub fn basic_pair(&self) -> (String, String) {
        let split = self.key.len() - (SECRET_LEN + CHECKSUM_LEN) - 1;
        (self.key[..split].to_owned(), self.key[split + 1..].to_owned())
    }
}

fn digest_hex(data: &[u8], pepper: Option<&[u8]>) -> (&'static str, String) {
    match pepper {
        Some(p) => {
            let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, p), data);
            ("hmac-sha256", base16ct::lower::encode_string(tag.as_ref()))
        }
        None => ("sha256", base16ct::lower::encode_string(digest::digest(&digest::SHA256, data).as_ref())),
    }
}

fn record(id: &str, legacy: bool, digested: &[u8], o: &MintOptions) -> Value {
    let (alg, hex) = digest_hex(digested, o.pepper.as_deref());
    let mut r = json!({
        "id": id,
        "environment": o.prefix,
        "legacy": legacy,
        "digest_alg": alg,
        "digest": hex,
        "scopes": o.scopes,
        "created_at": o.created_at,
        "expires_at": o.expires_at,
        "revoked": o.revoked,
        "metadata": {"minted_by": "auth-testkit"},
    });
    if let Some(owner) = &o.owner {
        r["owner"] = json!(owner);
    }
    r
}

/// Mints a formatted key and its record from `seed`.
#[must_use]
pub fn mint(seed: Seed, o: &MintOptions) -> MintedKey {
    let id_bytes: [u8; 10] = seed.array("apikey-id");
    let secret_bytes: [u8; 32] = seed.array("apikey-secret");
    let key = key_from_parts(&o.prefix, &id_bytes, &secret_bytes);
    let id = base62(&id_bytes, ID_LEN);
    let secret = base62(&secret_bytes, SECRET_LEN);
    let record = record(&id, false, secret.as_bytes(), o);
    MintedKey { key, id, secret, record }
}

/// Mints a legacy opaque key (`<o.prefix with '-' for '_'>-<16 hex>`, e.g. `sk-live-…`) and its
/// digest-keyed record labelled `label`.
#[must_use]
pub fn mint_legacy(seed: Seed, label: &str, o: &MintOptions) -> MintedKey {
    let tail = base16ct::lower::encode_string(&seed.bytes("apikey-legacy", 8));
    let key = format!("{}-{tail}", o.prefix.replace('_', "-"));
    legacy_record_for(&key, label, o)
}

/// The legacy record for an existing legacy key text.
#[must_use]
pub fn legacy_record_for(key: &str, label: &str, o: &MintOptions) -> MintedKey {
    let record = record(label, true, key.as_bytes(), o);
    MintedKey { key: key.to_owned(), id: label.to_owned(), secret: key.to_owned(), record }
}

/// The kind of a single-character mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MutationKind {
    /// One character replaced by another (of the base62 alphabet, `_` or `-`).
    Substitution,
    /// One letter's case flipped.
    CaseChange,
    /// One character removed.
    Deletion,
    /// One character inserted.
    Insertion,
}

/// A mutated key.
#[derive(Debug, Clone)]
pub struct Mutation {
    /// What was done.
    pub kind: MutationKind,
    /// At which byte offset.
    pub position: usize,
    /// The mutated text.
    pub text: String,
}

/// Every single-character mutation of `key` over the alphabet base62 + `_` + `-`: all substitutions,
/// case changes, deletions and insertions (duplicates of the original excluded).
#[must_use]
pub fn mutations(key: &str) -> Vec<Mutation> {
    let alphabet: Vec<u8> = BASE62.iter().copied().chain([b'_', b'-']).collect();
    let bytes = key.as_bytes();
    let mut out = Vec::new();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    for i in 0..bytes.len() {
        for &c in &alphabet {
            if c != bytes[i] {
                let mut v = bytes.to_vec();
                v[i] = c;
                let kind = if c.eq_ignore_ascii_case(&bytes[i]) {
                    MutationKind::CaseChange
                } else {
                    MutationKind::Substitution
                };
                out.push(Mutation { kind, position: i, text: text(v) });
            }
        }
        let mut v = bytes.to_vec();
        v.remove(i);
        out.push(Mutation { kind: MutationKind::Deletion, position: i, text: text(v) });
    }
    for i in 0..=bytes.len() {
        for &c in &alphabet {
            let mut v = bytes.to_vec();
            v.insert(i, c);
            if v.as_slice() != bytes {
                out.push(Mutation { kind: MutationKind::Insertion, position: i, text: text(v) });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value_and_base62() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(base62(&[0, 0, 0, 61], 6), "00000z");
        assert_eq!(base62(&[0, 0, 0, 62], 6), "000010");
        assert_eq!(base62(&[0xff; 32], SECRET_LEN).len(), SECRET_LEN);
    }

    #[test]
    fn deterministic() {
        let o = MintOptions::new("sk_live").scopes("read write");
        let a = mint(Seed::new(3), &o);
        assert_eq!(a.key, mint(Seed::new(3), &o).key);
        assert_ne!(a.key, mint(Seed::new(4), &o).key);
        let (user, pass) = a.basic_pair();
        assert_eq!(format!("{user}_{pass}"), a.key);
        assert!(mutations(&a.key).iter().all(|m| m.text != a.key));
        let l = mint_legacy(Seed::new(3), "legacy-1", &o);
        assert!(l.key.starts_with("sk-live-"));
        assert_eq!(l.record["legacy"], true);
    }
}
