//! The key format: grammar, encoding, checksum, parsing and minting.
//!
//! # Grammar
//!
//! ```text
//! api-key   = prefix "_" key-id "_" secret checksum
//! prefix    = ALPHA *( [ "_" ] ALNUM )          ; 1..=32 bytes, e.g. "sk_live", "acme_test"
//! key-id    = 14BASE62                          ; public: 10 random bytes, big-endian base62
//! secret    = 43BASE62                          ; 32 random bytes (256 bits), big-endian base62
//! checksum  = 6BASE62                           ; CRC-32 of everything before it, big-endian base62
//! BASE62    = DIGIT / ALPHA                     ; alphabet "0-9A-Za-z" in that order, case-sensitive
//! ```
//!
//! A key with the prefix `sk_live` looks like
//! `sk_live_15xDqtlcZ57kOw_CtQa462zwZ40YlvySnhOzduFwz48AthkunVHGYDGIvI2HqJZN`: 72 characters, all of them
//! unreserved in URLs and valid in header values, and a single "word" for double-click selection.
//!
//! ```
//! use auth_apikey::{Error, ParsedKey};
//!
//! let key = "sk_live_15xDqtlcZ57kOw_CtQa462zwZ40YlvySnhOzduFwz48AthkunVHGYDGIvI2HqJZN";
//! let parsed = ParsedKey::parse(key)?;
//! assert_eq!(parsed.prefix(), "sk_live");
//! assert_eq!(parsed.id().as_str(), "15xDqtlcZ57kOw");
//! // One changed letter, or one changed case, fails the checksum without any lookup.
//! let typo = key.replacen("Ct", "Cs", 1);
//! assert_eq!(ParsedKey::parse(&typo).unwrap_err(), Error::BadChecksum);
//! let case = key.replacen("Ct", "CT", 1);
//! assert_eq!(ParsedKey::parse(&case).unwrap_err(), Error::BadChecksum);
//! // One deleted character breaks the structure.
//! let short = key.replacen("Ct", "C", 1);
//! assert_eq!(ParsedKey::parse(&short).unwrap_err(), Error::MalformedKey);
//! # Ok::<(), Error>(())
//! ```
//!
//! - **Prefix**: names the environment the key belongs to (Stripe's `sk_live` / `sk_test`), so secret
//!   scanners can match `\b<prefix>_[0-9A-Za-z]{14}_[0-9A-Za-z]{49}\b` and route a leak to the right
//!   owner. It is case-sensitive and is the exact beginning of the key. [`Prefix::new`] accepts one
//!   trailing `_` and drops it (`sk_live_` and `sk_live` give the same keys).
//! - **Key id**: public, fixed length; the verifier looks the stored record up by it. It may be logged.
//! - **Secret**: 43 base62 characters encoding 32 bytes from the caller's `SecureRandom`, so 256 bits of
//!   entropy (the floor is 192). Only its digest is stored ([`crate::Record`]).
//! - **Checksum**: CRC-32 (IEEE 802.3, as `crc32fast` computes it) over the bytes of
//!   `prefix "_" key-id "_" secret`, written as exactly six base62 digits, most significant first,
//!   zero-padded with `0`. It is not a security measure (anyone can compute it): it lets scanners and the
//!   verifier discard typos and garbage without a lookup.
//!
//! # What the format detects before any lookup
//!
//! The parser reads the fixed-length tail (`"_" key-id "_" secret checksum`, 65 bytes) from the right
//! and the prefix is what remains, so:
//!
//! - **Any single-character substitution or case change** is rejected: inside the checksummed bytes it
//!   is an error burst of at most 8 bits, and CRC-32 detects every burst of 32 bits or fewer; inside the
//!   checksum digits it changes the decoded value (every digit is significant and base62 is
//!   case-sensitive), or makes it exceed 32 bits. A substitution that puts a non-base62 byte where
//!   base62 is required, or removes a separator, is a parse error. Transpositions of two different
//!   adjacent characters inside the checksummed bytes (bursts of at most 16 bits) or inside the checksum
//!   digits are detected too.
//! - **Any single insertion or deletion outside the prefix** moves a separator away from its fixed
//!   position (or puts `_` where base62 is required, or leaves the prefix ending in `_`), which the parser
//!   rejects.
//! - **An insertion or deletion inside the prefix** is a parse error or yields another well-formed
//!   prefix, whose checksum is wrong except with probability 2⁻³²; a [`crate::Policy`] that names its environments rejects the
//!   changed prefix deterministically, still before the lookup.
//!
//! # Limits
//! - A prefix is at most [`MAX_PREFIX_LEN`] bytes, so a key is at most [`MAX_KEY_LEN`] bytes; longer
//!   input is rejected before any other work.

use crate::Error;
use crate::record::{Pepper, Record};
use auth_core::SecretString;
use core::fmt;
use zeroize::Zeroize;

/// The base62 alphabet, in digit order: `0-9`, `A-Z`, `a-z`.
pub const BASE62_ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The longest prefix accepted, in bytes.
pub const MAX_PREFIX_LEN: usize = 32;
/// Random bytes in a key id.
pub const ID_BYTES: usize = 10;
/// Characters in a key id (10 bytes need 14 base62 digits: 62¹⁴ > 2⁸⁰).
pub const ID_LEN: usize = 14;
/// Random bytes in a secret (256 bits).
pub const SECRET_BYTES: usize = 32;
/// Characters in a secret (32 bytes need 43 base62 digits: 62⁴³ > 2²⁵⁶).
pub const SECRET_LEN: usize = 43;
/// Characters in the checksum (a 32-bit CRC needs 6 base62 digits: 62⁶ > 2³²).
pub const CHECKSUM_LEN: usize = 6;
/// Length of everything after the prefix: `"_" key-id "_" secret checksum`.
pub const TAIL_LEN: usize = 1 + ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN;
/// The longest key the format allows, in bytes.
pub const MAX_KEY_LEN: usize = MAX_PREFIX_LEN + TAIL_LEN;

/// Digit values by byte; `INVALID` for bytes outside the alphabet.
const B62_VALUES: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < BASE62_ALPHABET.len() {
        // Evaluated at compile time: an out-of-range index would fail the build, not panic at run time.
        #[allow(clippy::indexing_slicing)]
        {
            t[BASE62_ALPHABET[i] as usize] = i as u8;
        }
        i += 1;
    }
    t
};
const INVALID: u8 = 0xFF;

/// The value of a base62 digit, or `None` for any other byte.
fn b62_value(c: u8) -> Option<u8> {
    B62_VALUES.get(usize::from(c)).copied().filter(|&v| v != INVALID)
}

/// Whether every byte is a base62 digit. Branch-free over the input: valid digit values are below
/// 0x80 and `INVALID` has the top bit set.
fn all_base62(s: &[u8]) -> bool {
    s.iter().fold(0u8, |acc, &c| acc | B62_VALUES.get(usize::from(c)).copied().unwrap_or(INVALID)) & 0x80 == 0
}

/// Encodes the big-endian number in `num` as exactly `out.len()` base62 digits, most significant first.
/// `num` is used as scratch space and left zeroed. The caller sizes `out` so that every value fits.
fn encode_base62(num: &mut [u8], out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        let mut rem: u32 = 0;
        for b in num.iter_mut() {
            let acc = (rem << 8) | u32::from(*b);
            // acc < 62 * 256, so the quotient fits a byte.
            *b = u8::try_from(acc / 62).unwrap_or(0);
            rem = acc % 62;
        }
        *slot = BASE62_ALPHABET.get(rem as usize).copied().unwrap_or(b'0');
    }
    num.zeroize();
}

/// Decodes the six checksum digits; `None` if a byte is not base62 or the value exceeds 32 bits.
fn decode_checksum(digits: &[u8]) -> Option<u32> {
    let mut v: u64 = 0;
    for &c in digits {
        v = v * 62 + u64::from(b62_value(c)?);
    }
    u32::try_from(v).ok()
}

fn encode_checksum(crc: u32) -> [u8; CHECKSUM_LEN] {
    let mut num = crc.to_be_bytes();
    let mut out = [0u8; CHECKSUM_LEN];
    encode_base62(&mut num, &mut out);
    out
}

/// Whether `p` is a prefix per the grammar (without a trailing `_`).
fn valid_prefix(p: &[u8]) -> bool {
    let (Some(first), Some(last)) = (p.first(), p.last()) else { return false };
    if p.len() > MAX_PREFIX_LEN || !first.is_ascii_alphabetic() || *last == b'_' {
        return false;
    }
    let mut prev_underscore = false;
    for &c in p {
        let underscore = c == b'_';
        if !(c.is_ascii_alphanumeric() || underscore) || (underscore && prev_underscore) {
            return false;
        }
        prev_underscore = underscore;
    }
    true
}

/// A validated key prefix, naming an environment (`sk_live`, `sk_test`, `acme_prod`, …).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prefix(Box<str>);

impl Prefix {
    /// Validates a prefix: an ASCII letter, then ASCII letters, digits and single underscores, at most
    /// [`MAX_PREFIX_LEN`] bytes, not ending in `_`. One trailing `_` is accepted and dropped, since the
    /// key continues with `_` anyway: `Prefix::new("sk_live_")` equals `Prefix::new("sk_live")`.
    ///
    /// # Errors
    /// [`Error::InvalidPrefix`].
    pub fn new(prefix: &str) -> Result<Self, Error> {
        let p = prefix.strip_suffix('_').unwrap_or(prefix);
        if valid_prefix(p.as_bytes()) { Ok(Self(p.into())) } else { Err(Error::InvalidPrefix) }
    }

    /// The prefix text (without a trailing `_`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Prefix({:?})", &*self.0)
    }
}

impl core::str::FromStr for Prefix {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

/// The public id of a key: [`ID_LEN`] base62 characters. Copyable and allocation-free, so lookups by id
/// cost no heap work.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; ID_LEN]);

impl KeyId {
    /// Parses a key id: exactly [`ID_LEN`] base62 characters.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let bytes: [u8; ID_LEN] = s.as_bytes().try_into().ok()?;
        all_base62(&bytes).then_some(Self(bytes))
    }

    /// The id encoding `bytes`.
    #[must_use]
    pub fn from_bytes(bytes: &[u8; ID_BYTES]) -> Self {
        let mut num = *bytes;
        let mut out = [0u8; ID_LEN];
        encode_base62(&mut num, &mut out);
        Self(out)
    }

    /// The id text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Always base62, hence ASCII.
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.as_str())
    }
}

/// A newly minted key: the full text, which is shown to its holder once and never stored.
///
/// The text is a [`SecretString`] (zeroized on drop); `Debug` shows only the prefix and the public id.
/// There is no `Display`: reveal the key with [`ApiKey::expose`].
#[derive(Clone)]
pub struct ApiKey {
    text: SecretString,
    prefix_len: usize,
}

impl ApiKey {
    /// The whole key, e.g. to print once to its new owner.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.text.expose()
    }

    /// The prefix (environment).
    #[must_use]
    pub fn prefix(&self) -> &str {
        self.text.expose().get(..self.prefix_len).unwrap_or("")
    }

    /// The public key id.
    #[must_use]
    pub fn id(&self) -> &str {
        let start = self.prefix_len + 1;
        self.text.expose().get(start..start + ID_LEN).unwrap_or("")
    }

    /// The key split for HTTP Basic `id:secret` pairs ([`crate::KeySources::with_basic_id_secret`]): the
    /// user-id is `prefix "_" key-id` (public) and the password is `secret checksum`. Joining them with
    /// `_` gives the key back.
    #[must_use]
    pub fn basic_pair(&self) -> (&str, &str) {
        let split = self.prefix_len + 1 + ID_LEN;
        let text = self.text.expose();
        (text.get(..split).unwrap_or(""), text.get(split + 1..).unwrap_or(""))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}_{}_[REDACTED])", self.prefix(), self.id())
    }
}

/// Mints the text of a key from its parts. The result is exactly `prefix.len() + TAIL_LEN` bytes.
pub(crate) fn mint(prefix: &Prefix, id: &KeyId, secret: &[u8; SECRET_BYTES]) -> ApiKey {
    let mut num = *secret;
    let mut secret_text = [0u8; SECRET_LEN];
    encode_base62(&mut num, &mut secret_text);
    let mut text = String::with_capacity(prefix.as_str().len() + TAIL_LEN);
    text.push_str(prefix.as_str());
    text.push('_');
    text.push_str(id.as_str());
    text.push('_');
    // Base62 digits are ASCII, so each byte is one char.
    text.extend(secret_text.iter().map(|&b| char::from(b)));
    secret_text.zeroize();
    let crc = crc32fast::hash(text.as_bytes());
    text.extend(encode_checksum(crc).iter().map(|&b| char::from(b)));
    ApiKey { text: SecretString::new(text), prefix_len: prefix.as_str().len() }
}

/// A key whose structure and checksum are valid. Borrowed from the presented text: parsing allocates
/// nothing and performs no lookup.
#[derive(Clone, Copy)]
pub struct ParsedKey<'a> {
    prefix: &'a str,
    id: KeyId,
    secret: &'a str,
}

impl<'a> ParsedKey<'a> {
    /// Parses a whole key and checks its checksum.
    ///
    /// # Errors
    /// [`Error::MalformedKey`] when the text does not follow the grammar (including over-long input),
    /// [`Error::BadChecksum`] when it does but the checksum does not match.
    pub fn parse(key: &'a str) -> Result<Self, Error> {
        let (parsed, checksum) = Self::parse_structure(key).ok_or(Error::MalformedKey)?;
        let body = key.as_bytes().get(..key.len() - CHECKSUM_LEN).ok_or(Error::MalformedKey)?;
        parsed.check(&[body], checksum)
    }

    /// Parses a key presented as an HTTP Basic `id:secret` pair: `public` is `prefix "_" key-id` and
    /// `secret` is `secret checksum` (see [`ApiKey::basic_pair`]). The checksum covers the same bytes as
    /// for the whole key.
    ///
    /// # Errors
    /// As [`ParsedKey::parse`].
    pub fn parse_pair(public: &'a str, secret: &'a str) -> Result<Self, Error> {
        let pb = public.as_bytes();
        let sb = secret.as_bytes();
        if pb.len() > MAX_PREFIX_LEN + 1 + ID_LEN || pb.len() < 2 + ID_LEN || sb.len() != SECRET_LEN + CHECKSUM_LEN {
            return Err(Error::MalformedKey);
        }
        let (head, id) = pb.split_at_checked(pb.len() - ID_LEN).ok_or(Error::MalformedKey)?;
        let (prefix, sep) = head.split_at_checked(head.len() - 1).ok_or(Error::MalformedKey)?;
        let (secret_text, checksum) = sb.split_at_checked(SECRET_LEN).ok_or(Error::MalformedKey)?;
        if sep != b"_" || !valid_prefix(prefix) || !all_base62(sb) {
            return Err(Error::MalformedKey);
        }
        let id = KeyId::parse(core::str::from_utf8(id).map_err(|_| Error::MalformedKey)?).ok_or(Error::MalformedKey)?;
        let parsed = Self {
            prefix: public.get(..prefix.len()).ok_or(Error::MalformedKey)?,
            id,
            secret: secret.get(..SECRET_LEN).ok_or(Error::MalformedKey)?,
        };
        parsed.check(&[pb, b"_", secret_text], checksum)
    }

    /// Structure only (no checksum): the parts and the checksum digits.
    pub(crate) fn parse_structure(key: &'a str) -> Option<(Self, &'a [u8])> {
        let b = key.as_bytes();
        if b.len() > MAX_KEY_LEN || b.len() < TAIL_LEN + 1 {
            return None;
        }
        let (prefix, tail) = b.split_at_checked(b.len() - TAIL_LEN)?;
        let (sep1, rest) = tail.split_first()?;
        let (id, rest) = rest.split_at_checked(ID_LEN)?;
        let (sep2, rest) = rest.split_first()?;
        let checksum = rest.get(SECRET_LEN..)?;
        if *sep1 != b'_' || *sep2 != b'_' || !all_base62(id) || !all_base62(rest) || !valid_prefix(prefix) {
            return None;
        }
        let id = KeyId(id.try_into().ok()?);
        let secret_start = prefix.len() + 1 + ID_LEN + 1;
        Some((
            Self { prefix: key.get(..prefix.len())?, id, secret: key.get(secret_start..secret_start + SECRET_LEN)? },
            checksum,
        ))
    }

    fn check(self, covered: &[&[u8]], checksum: &[u8]) -> Result<Self, Error> {
        let mut h = crc32fast::Hasher::new();
        for part in covered {
            h.update(part);
        }
        if decode_checksum(checksum) == Some(h.finalize()) { Ok(self) } else { Err(Error::BadChecksum) }
    }

    /// The prefix (environment) the key names.
    #[must_use]
    pub fn prefix(&self) -> &'a str {
        self.prefix
    }

    /// The public key id, to look the record up by.
    #[must_use]
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The secret characters (the digest input).
    pub(crate) fn secret(&self) -> &'a str {
        self.secret
    }
}

impl fmt::Debug for ParsedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParsedKey({}_{}_[REDACTED])", self.prefix, self.id)
    }
}

/// What a new key is for. The scopes, expiry, owner and metadata go into its [`Record`].
#[derive(Debug, Clone)]
pub struct KeySpec<'a> {
    pub(crate) prefix: Prefix,
    pub(crate) created_at: auth_core::Timestamp,
    pub(crate) scopes: auth_core::ScopeSet,
    pub(crate) expires_at: Option<auth_core::Timestamp>,
    pub(crate) owner: Option<String>,
    pub(crate) metadata: std::collections::BTreeMap<String, String>,
    pub(crate) pepper: Option<&'a Pepper>,
}

impl<'a> KeySpec<'a> {
    /// A key with `prefix`, created at `created_at` (the caller's clock: the crate reads none), with no
    /// scopes, no expiry, no owner, no metadata, and a plain SHA-256 digest.
    #[must_use]
    pub fn new(prefix: Prefix, created_at: auth_core::Timestamp) -> Self {
        Self {
            prefix,
            created_at,
            scopes: auth_core::ScopeSet::new(),
            expires_at: None,
            owner: None,
            metadata: std::collections::BTreeMap::new(),
            pepper: None,
        }
    }

    /// Sets the scopes the key grants.
    #[must_use]
    pub fn scopes(mut self, scopes: auth_core::ScopeSet) -> Self {
        self.scopes = scopes;
        self
    }

    /// Sets when the key stops being valid (`None`: never).
    #[must_use]
    pub fn expires_at(mut self, expires_at: Option<auth_core::Timestamp>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Sets the owner (account, service) the key acts for. One owner may hold several live keys, which
    /// is how keys are rotated with overlap: issue the new key, move clients, revoke the old one.
    #[must_use]
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// Adds one free-form metadata entry (never a secret: records are not secret).
    #[must_use]
    pub fn metadata(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(name.into(), value.into());
        self
    }

    /// Stores HMAC-SHA256 under `pepper` instead of SHA-256 (see [`Pepper`]).
    #[must_use]
    pub fn pepper(mut self, pepper: &'a Pepper) -> Self {
        self.pepper = Some(pepper);
        self
    }
}

/// Generates a key and its record, drawing the id and the secret from `rng`.
///
/// # Errors
/// [`Error::Rng`] when the generator fails; [`Error::InvalidRecord`] when the spec's owner or metadata
/// exceed the record limits.
pub fn generate(spec: KeySpec<'_>, rng: &dyn ring::rand::SecureRandom) -> Result<(ApiKey, Record), Error> {
    let mut id = [0u8; ID_BYTES];
    rng.fill(&mut id).map_err(|_| Error::Rng)?;
    let mut secret = zeroize::Zeroizing::new([0u8; SECRET_BYTES]);
    rng.fill(&mut secret[..]).map_err(|_| Error::Rng)?;
    generate_from_bytes(spec, &id, &secret)
}

/// Builds a key and its record from given random bytes: the building block of [`generate`], for
/// deterministic test fixtures and for callers with their own random source. The bytes must be
/// uniformly random and secret; the same bytes always give the same key.
///
/// # Errors
/// [`Error::InvalidRecord`] when the spec's owner or metadata exceed the record limits.
pub fn generate_from_bytes(
    spec: KeySpec<'_>,
    id: &[u8; ID_BYTES],
    secret: &[u8; SECRET_BYTES],
) -> Result<(ApiKey, Record), Error> {
    let id = KeyId::from_bytes(id);
    let key = mint(&spec.prefix, &id, secret);
    let parsed = ParsedKey::parse(key.expose())?;
    let record = Record::for_new_key(&parsed, spec)?;
    Ok((key, record))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn base62_fixed_width() {
        let mut out = [0u8; CHECKSUM_LEN];
        encode_base62(&mut [0, 0, 0, 0], &mut out);
        assert_eq!(&out, b"000000");
        assert_eq!(&encode_checksum(u32::MAX), b"4gfFC3");
        assert_eq!(decode_checksum(b"4gfFC3"), Some(u32::MAX));
        assert_eq!(decode_checksum(b"4gfFC4"), None);
        assert_eq!(decode_checksum(b"zzzzzz"), None);
        assert_eq!(&encode_checksum(61), b"00000z");
        assert_eq!(&encode_checksum(62), b"000010");
        assert_eq!(KeyId::from_bytes(&[0xff; ID_BYTES]).as_str().len(), ID_LEN);
        let mut s = [0u8; SECRET_LEN];
        encode_base62(&mut [0xff; SECRET_BYTES], &mut s);
        // 2^256 - 1 fits 43 digits and uses the leading one.
        assert_ne!(s[0], b'0');
    }

    #[test]
    fn crc32_is_ieee() {
        // The CRC-32 check value (IEEE 802.3).
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn prefixes() {
        for ok in ["sk", "sk_live", "sk_live_", "A", "acme_prod_2", "Sk_Test"] {
            assert!(Prefix::new(ok).is_ok(), "{ok}");
        }
        assert_eq!(Prefix::new("sk_live_").unwrap(), Prefix::new("sk_live").unwrap());
        let long = "a".repeat(MAX_PREFIX_LEN + 1);
        for bad in ["", "_", "1sk", "sk__live", "sk_live__", "sk-live", "sk live", "ské", long.as_str()] {
            assert_eq!(Prefix::new(bad), Err(Error::InvalidPrefix), "{bad}");
        }
        assert!(Prefix::new(&"a".repeat(MAX_PREFIX_LEN)).is_ok());
    }

    #[test]
    fn mint_and_parse() {
        let p = Prefix::new("sk_live").unwrap();
        let id = KeyId::from_bytes(&[7; ID_BYTES]);
        let key = mint(&p, &id, &[9; SECRET_BYTES]);
        assert_eq!(key.expose().len(), 7 + TAIL_LEN);
        assert!(key.expose().starts_with("sk_live_"));
        assert_eq!(key.prefix(), "sk_live");
        assert_eq!(key.id(), id.as_str());
        let parsed = ParsedKey::parse(key.expose()).unwrap();
        assert_eq!(parsed.prefix(), "sk_live");
        assert_eq!(parsed.id(), &id);
        assert_eq!(parsed.secret().len(), SECRET_LEN);
        let (user, pass) = key.basic_pair();
        assert_eq!(format!("{user}_{pass}"), key.expose());
        let pair = ParsedKey::parse_pair(user, pass).unwrap();
        assert_eq!(pair.id(), &id);
        assert_eq!(pair.secret(), parsed.secret());
        let dbg = format!("{key:?} {parsed:?}");
        assert!(!dbg.contains(parsed.secret()), "{dbg}");
    }

    #[test]
    fn garbage_is_malformed() {
        for bad in ["", "sk_live", "x".repeat(500).as_str(), "sk_live_abc_def"] {
            assert_eq!(ParsedKey::parse(bad).unwrap_err(), Error::MalformedKey);
        }
        assert_eq!(ParsedKey::parse_pair("sk_live", "x").unwrap_err(), Error::MalformedKey);
    }
}
