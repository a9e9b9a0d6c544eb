//! AWS Signature Version 4, server side: the `Authorization` header form and presigned URLs.
//!
//! [`SigV4Verifier`] holds the credentials it accepts (access key id -> secret access key and, for
//! temporary credentials, the session token) and checks a request exactly as AWS builds the canonical
//! request:
//!
//! - **Canonical URI.** For every service but S3 (the default, [`UriMode::Standard`]) the path as
//!   received is normalized (empty and `.` segments removed, `..` resolved, a trailing `/` kept) and
//!   URI-encoded again (`%` becomes `%25`: "double encoding"). For S3 ([`UriMode::S3`], chosen
//!   automatically when the credential scope's service is `s3`) the path is encoded once and never
//!   normalized: percent-escapes are kept (hex upper-cased), unreserved bytes decoded, other bytes
//!   encoded.
//! - **Canonical query.** Every parameter is decoded and re-encoded with the SigV4 rules (everything
//!   but `A-Z a-z 0-9 - _ . ~` is `%XX`, including `/`, `+` and `=`), a parameter without `=` gets an
//!   empty value, and parameters are sorted by encoded name, then encoded value. The presigned form
//!   leaves out `X-Amz-Signature`.
//! - **Canonical headers.** The `SignedHeaders` list must be lowercase, strictly sorted, unique, and
//!   include `host` (and `x-amz-date` in the header form). Values are trimmed and runs of spaces/tabs
//!   folded to one space; repeated fields are joined with `,` in the order received. Control bytes are
//!   refused. For HTTP/2, the server must provide `host` (from `:authority`) in the header list.
//! - **Payload.** `x-amz-content-sha256` when present: a 64-digit lowercase hex SHA-256 that must
//!   match the body (else `digest_mismatch`), or `UNSIGNED-PAYLOAD` (accepted unless disabled with
//!   [`SigV4Verifier::allow_unsigned_payload`]); `STREAMING-…` chunked payloads are refused with
//!   `streaming_payload_unsupported`. Absent: the SHA-256 of the body (presigned S3 requests:
//!   `UNSIGNED-PAYLOAD`).
//! - **Date.** The header form takes its time from `X-Amz-Date` (the `Date` field is not used); the
//!   presigned form from the `X-Amz-Date` query parameter.
//! - **Scope and time.** The credential scope date must equal the `X-Amz-Date` day, the terminator must
//!   be `aws4_request`, and the region and service must match the optional pins. The header form must
//!   be within ±[`DEFAULT_MAX_SKEW_SECS`] of `now`; a presigned request must have `X-Amz-Expires` in
//!   1..=[`MAX_PRESIGNED_EXPIRES_SECS`], is `expired` after date + expires and `future_timestamp` more
//!   than the skew before its date.
//! - **Session tokens.** A credential configured with a token requires `X-Amz-Security-Token` to equal
//!   it (compared in constant time); a credential without one refuses requests that carry one.
//!
//! Derived signing keys are cached per (access key id — hence secret —, date, region, service) in a
//! small bounded cache ([`SIGNING_KEY_CACHE_SIZE`] entries behind a read-write lock, written only when a
//! request under a new key has verified), so the hot path is one SHA-256 of the canonical request and
//! one HMAC of the string to sign.
//! Beside them the verifier remembers, in the same bounded way, the `Authorization` prefixes
//! (credential and signed-header list) of requests that verified, so a client's later requests skip
//! parsing and checking that part again (see [`SigV4Verifier`]). Verifying a header-form request
//! allocates nothing once its signing key and prefix are remembered.
//!
//! SigV4 binds only the headers listed in `SignedHeaders`: a server must not act on unsigned headers
//! (other than those it ignores), and should require signing of any header it interprets.

use crate::Error;
use crate::util::{all_in, class, hex_encode, hex_lower_exact, is_ctl, name_is};
use auth_core::bytes::swar;
use auth_core::hash::{self, HmacContext, HmacKey, Tag};
use auth_core::{Identity, RequestView, Scheme, SecretBytes, Timestamp};
use ring::digest;
use std::borrow::Cow;
use std::sync::{PoisonError, RwLock};

/// Default allowed clock skew for the header form, in seconds (15 minutes, as AWS).
pub const DEFAULT_MAX_SKEW_SECS: u32 = 900;
/// The longest validity a presigned request may claim, in seconds (7 days, as AWS).
pub const MAX_PRESIGNED_EXPIRES_SECS: u32 = 604_800;
/// Signing keys kept in the cache; also the number of verified `Authorization` prefixes remembered
/// (see [`SigV4Verifier`]).
pub const SIGNING_KEY_CACHE_SIZE: usize = 64;
/// The longest `Authorization` prefix (everything before the signature) remembered, in bytes.
pub const MAX_REMEMBERED_PREFIX_LEN: usize = 1024;
/// The longest request target accepted, in bytes.
pub const MAX_TARGET_LEN: usize = 16 * 1024;
/// The most query parameters accepted.
pub const MAX_QUERY_PARAMS: usize = 256;
/// The most signed headers accepted.
pub const MAX_SIGNED_HEADERS: usize = 64;
/// The longest canonical request built, in bytes.
pub const MAX_CANONICAL_REQUEST_LEN: usize = 64 * 1024;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const UNSIGNED: &str = "UNSIGNED-PAYLOAD";
/// SHA-256 of the empty string, the payload hash of every body-less request.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// How the canonical URI is formed from the path as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UriMode {
    /// [`UriMode::S3`] when the credential scope's service is `s3`, else [`UriMode::Standard`].
    #[default]
    Auto,
    /// Normalize the path, then URI-encode it again (every AWS service except S3).
    Standard,
    /// URI-encode again without normalizing (some SDKs' setting for non-S3 services).
    EncodeWithoutNormalizing,
    /// Encode once, never normalize (S3).
    S3,
}

struct Credential {
    secret: SecretBytes,
    session_token: Option<SecretBytes>,
}

struct CacheEntry {
    /// `akid/date/region/service` as in the credential. No part can hold a `/` (access key ids are
    /// refused with one, the others are split at it), so equal texts are equal parts: one comparison
    /// instead of four.
    scope_key: Box<str>,
    key: HmacKey,
}

/// What the `Authorization` prefix of a verified request determined: a later request whose value starts
/// with the same bytes (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=`, laid out as SDKs
/// send it) and ends in a lowercase-hex signature needs none of it parsed again. Only what the prefix
/// bytes alone determine is kept, and the signing key (fixed by the access key's secret, which a
/// verifier never replaces, and the scope): the credential lookup and the scope pins are checked on
/// every request, so no builder call can make an entry stale.
struct AuthMemo {
    /// The value up to and including `Signature=`, exactly as received.
    prefix: Box<[u8]>,
    parts: MemoParts,
    /// The scope's signing key.
    key: HmacKey,
}

/// Where a remembered prefix's parts are.
#[derive(Clone)]
struct MemoParts {
    /// Where the credential and the signed-header list sit in the prefix.
    credential: core::ops::Range<usize>,
    signed_headers: core::ops::Range<usize>,
    /// The credential's separators, as [`Scope`] keeps them.
    akid_end: usize,
    region_end: usize,
    service_end: usize,
}

/// Where an `Authorization` value in the SDK layout splits: its prefix (everything before the
/// signature, at most [`MAX_REMEMBERED_PREFIX_LEN`] bytes) and the credential and signed-header list
/// within it.
struct SdkLayout<'a> {
    prefix: &'a [u8],
    credential: core::ops::Range<usize>,
    signed_headers: core::ops::Range<usize>,
}

/// The signing-key cache and the memo of verified `Authorization` prefixes, behind one lock. Each is a
/// ring of [`SIGNING_KEY_CACHE_SIZE`] entries.
struct Caches {
    keys: Vec<CacheEntry>,
    next_key: usize,
    memo: Vec<AuthMemo>,
    next_memo: usize,
}

/// Puts `entry` into the ring `entries` (next slot to replace at `next`) of [`SIGNING_KEY_CACHE_SIZE`].
fn ring_insert<T>(entries: &mut Vec<T>, next: &mut usize, entry: T) {
    if entries.len() < SIGNING_KEY_CACHE_SIZE {
        entries.push(entry);
    } else if let Some(slot) = entries.get_mut(*next % SIGNING_KEY_CACHE_SIZE) {
        *slot = entry;
        *next = (*next + 1) % SIGNING_KEY_CACHE_SIZE;
    }
}

/// A prepared SigV4 verifier.
///
/// Besides the derived signing keys, it remembers the `Authorization` prefixes of requests it has
/// verified (up to [`SIGNING_KEY_CACHE_SIZE`], each up to [`MAX_REMEMBERED_PREFIX_LEN`] bytes): a
/// client's requests repeat the same credential scope and signed-header list all day, so a request
/// whose prefix is byte for byte one already verified skips parsing the credential and the list and
/// finding the signing key, which would answer as they did. The credential lookup and the scope checks
/// still run on every request, so the memo holds nothing a builder call could make stale. Only
/// verified requests add a prefix (or a derived key), and the locks are held only to find or add one.
pub struct SigV4Verifier {
    /// Sorted by access key id (bytes), unique: found by binary search. Access key ids are public, so
    /// an ordinary comparison is fine (and cheaper than hashing the id).
    credentials: Vec<(Box<str>, Credential)>,
    region: Option<Box<str>>,
    service: Option<Box<str>>,
    uri_mode: UriMode,
    max_skew: u32,
    allow_unsigned: bool,
    token_in_canonical_query: bool,
    cache: RwLock<Caches>,
}

impl core::fmt::Debug for SigV4Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigV4Verifier")
            .field("credentials", &self.credentials.len())
            .field("region", &self.region)
            .field("service", &self.service)
            .field("uri_mode", &self.uri_mode)
            .field("max_skew", &self.max_skew)
            .finish_non_exhaustive()
    }
}

/// A verified SigV4 request. The texts borrow from the request (they are owned only when the presigned
/// form percent-encoded them), so verifying allocates nothing in the header form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigV4Verified<'a> {
    /// The access key id that signed.
    pub access_key_id: Cow<'a, str>,
    /// The credential scope's region.
    pub region: Cow<'a, str>,
    /// The credential scope's service.
    pub service: Cow<'a, str>,
    /// `X-Amz-Date`.
    pub date: Timestamp,
    /// The signed header names, `;`-separated.
    pub signed_headers: Cow<'a, str>,
    /// For presigned requests, when the URL stops being valid.
    pub expires_at: Option<Timestamp>,
    /// Whether a session token was presented (and matched).
    pub session_token: bool,
}

impl SigV4Verified<'_> {
    /// The same result owning its texts, for keeping beyond the request.
    #[must_use]
    pub fn into_owned(self) -> SigV4Verified<'static> {
        SigV4Verified {
            access_key_id: Cow::Owned(self.access_key_id.into_owned()),
            region: Cow::Owned(self.region.into_owned()),
            service: Cow::Owned(self.service.into_owned()),
            date: self.date,
            signed_headers: Cow::Owned(self.signed_headers.into_owned()),
            expires_at: self.expires_at,
            session_token: self.session_token,
        }
    }

    /// An [`Identity`] with the access key id as subject.
    #[must_use]
    pub fn identity(&self) -> Identity {
        Identity::new(Scheme::Hmac, &*self.access_key_id)
            .with_expiry(self.expires_at)
            .with_attribute("hmac_scheme", "aws_sigv4")
            .with_attribute("key_id", &*self.access_key_id)
            .with_attribute("region", &*self.region)
            .with_attribute("service", &*self.service)
    }
}

/// The intermediate texts of a SigV4 signature, for diagnostics and test suites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigV4Explained {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

struct Parsed<'a> {
    credential: Cow<'a, str>,
    signed_headers: Cow<'a, str>,
    signature: [u8; 32],
    /// `YYYYMMDDTHHMMSSZ` as received (checked by the time `date` is set).
    amz_date: Cow<'a, [u8]>,
    date: Timestamp,
    expires: Option<u32>,
    presigned: bool,
    token: Option<Cow<'a, [u8]>>,
    /// `x-amz-content-sha256`; a repeat is reported where the payload hash is written.
    content_sha256: Result<Option<&'a [u8]>, Error>,
    /// The request target before the first `?`, and after it (empty without `?`).
    path: &'a str,
    query: &'a str,
    query_index: QueryIndex,
    /// The `Authorization` value's layout when it is the SDKs' (to remember once verified).
    sdk_layout: Option<SdkLayout<'a>>,
}

impl Parsed<'_> {
    fn new() -> Self {
        Self {
            credential: Cow::Borrowed(""),
            signed_headers: Cow::Borrowed(""),
            signature: [0; 32],
            amz_date: Cow::Borrowed(&[]),
            date: Timestamp::from_unix(0),
            expires: None,
            presigned: false,
            token: None,
            content_sha256: Ok(None),
            path: "",
            query: "",
            query_index: QueryIndex::new(),
            sdk_layout: None,
        }
    }
}

/// A validated credential `akid/date/region/service/aws4_request`, kept as the offsets of its
/// separators.
struct Scope<'p> {
    credential: &'p str,
    /// The `/` after the access key id (the date follows it, 8 bytes long).
    akid_end: usize,
    /// The `/` after the region.
    region_end: usize,
    /// The `/` after the service.
    service_end: usize,
}

impl<'p> Scope<'p> {
    fn part(&self, r: core::ops::Range<usize>) -> &'p str {
        self.credential.get(r).unwrap_or_default()
    }
    fn access_key_id(&self) -> &'p str {
        self.part(0..self.akid_end)
    }
    fn date(&self) -> &'p [u8] {
        self.part(self.akid_end + 1..self.akid_end + 9).as_bytes()
    }
    fn region(&self) -> &'p str {
        self.part(self.akid_end + 10..self.region_end)
    }
    fn service(&self) -> &'p str {
        self.part(self.region_end + 1..self.service_end)
    }
    /// `akid/date/region/service`: the credential without the terminator, what the signing key depends
    /// on (with the secret, which the access key id determines).
    fn cache_key(&self) -> &'p str {
        self.part(0..self.service_end)
    }
    /// The credential scope: everything but the access key id.
    fn scope(&self) -> &'p str {
        self.part(self.akid_end + 1..self.credential.len())
    }
}

/// The byte offset of `part`, a slice of `whole`, within `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// The SigV4 signing key of the scope `sc` under `cred`'s secret: four chained HMACs over the date,
/// region, service and `aws4_request`.
fn derive_signing_key(cred: &Credential, sc: &Scope<'_>) -> HmacKey {
    let step = |key: &[u8], data: &[u8]| HmacKey::sha256(key).sign(data);
    let k_date = step(cred.secret.expose(), sc.date());
    let k_region = step(k_date.as_ref(), sc.region().as_bytes());
    let k_service = step(k_region.as_ref(), sc.service().as_bytes());
    let k_signing = step(k_service.as_ref(), b"aws4_request");
    HmacKey::sha256(k_signing.as_ref())
}

/// Byte offset of the next `/` in `s` at or after `from`.
fn next_slash(s: &[u8], from: usize) -> Option<usize> {
    find_byte(s.get(from..)?, b'/').map(|i| from + i)
}

/// Checks a `SignedHeaders` list: at most [`MAX_SIGNED_HEADERS`] names (else `too_large`), each
/// non-empty and made of lower-case `tchar`s, strictly increasing (so sorted and unique). Returns
/// whether it names `host` and `x-amz-date`.
fn check_signed_headers(list: &[u8]) -> Result<(bool, bool), Error> {
    const MALFORMED: Error = Error::MalformedHeader("signed headers");
    // Names made only of `a-z 0-9 -` (all of them, in practice) need no per-byte class check.
    let simple = is_simple_header_list(list);
    let (mut has_host, mut has_date) = (false, false);
    let (mut prev, mut rest): (&[u8], &[u8]) = (&[], list);
    for count in 0.. {
        if count >= MAX_SIGNED_HEADERS {
            return Err(Error::TooLarge);
        }
        let (name, tail) = match find_byte(rest, b';') {
            Some(i) => (rest.get(..i).unwrap_or_default(), rest.get(i + 1..)),
            None => (rest, None),
        };
        if name.is_empty() || !(simple || all_in(name, class::LOWER_TCHAR)) || (count > 0 && !bytes_lt(prev, name)) {
            return Err(MALFORMED);
        }
        has_host |= name == b"host";
        has_date |= name == b"x-amz-date";
        prev = name;
        match tail {
            Some(t) => rest = t,
            None => break,
        }
    }
    Ok((has_host, has_date))
}

/// `a < b` in byte order, without a call to `memcmp` (names differ early, and are short).
#[inline(always)]
fn bytes_lt(a: &[u8], b: &[u8]) -> bool {
    bytes_cmp(a, b).is_lt()
}

/// Byte order of `a` and `b`, comparing byte by byte (inputs here are short and differ early).
#[inline(always)]
fn bytes_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether every byte of `s` is one of `a-z 0-9 - ;`, eight bytes per step (the tail byte by byte).
/// Such a list of header names needs no other class check. With the top bit of each byte cleared,
/// adding `0x80 - lo` sets a byte's top bit exactly when it is `>= lo`; [`swar::eq`] flags every byte
/// equal to `-` or `;` exactly.
fn is_simple_header_list(s: &[u8]) -> bool {
    use swar::{HI, ONES};
    const LOW7: u64 = ONES * 0x7f;
    const fn ge(x: u64, lo: u64) -> u64 {
        x + ONES * (0x80 - lo)
    }
    let mut words = s.chunks_exact(8);
    let mut bad = 0u64;
    for word in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or([0; 8]));
        let x = w & LOW7;
        let lower = ge(x, 0x61) & !ge(x, 0x7b);
        let digit = ge(x, 0x30) & !ge(x, 0x3a);
        let good = ((lower | digit) & !w & HI) | swar::eq(w, b'-') | swar::eq(w, b';');
        bad |= !good & HI;
    }
    bad == 0
        && words.remainder().iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b';')
}

/// The bytes of a text that may have been decoded.
fn bytes(s: Cow<'_, str>) -> Cow<'_, [u8]> {
    match s {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// `Credential`, `SignedHeaders` and `Signature` of an `Authorization` value laid out as SDKs send it:
/// `AWS4-HMAC-SHA256 Credential=<c>, SignedHeaders=<s>, Signature=<sig>` (each comma followed by one
/// space or none, no space before a comma or at the end). `None` for any other layout, which
/// [`parse_authorization`] then reads. Whenever this answers with a signature free of commas,
/// [`parse_authorization`] answers the same values; the signature is not searched for commas here (a
/// signature that hex-decodes has none, so only one that fails to decode is searched, by the caller),
/// and with one [`parse_authorization`] refuses the value. A property test checks both.
fn parse_authorization_fast(auth: &str) -> Option<(&str, &str, &str)> {
    /// What follows a comma: one optional space, then `key`.
    fn after_comma<'s>(s: &'s str, key: &str) -> Option<&'s str> {
        s.strip_prefix(' ').unwrap_or(s).strip_prefix(key)
    }
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 Credential=")?;
    let (credential, rest) = bsplit_once(rest, b',')?;
    let (signed_headers, rest) = bsplit_once(after_comma(rest, "SignedHeaders=")?, b',')?;
    let signature = after_comma(rest, "Signature=")?;
    // The general parser trims spaces before a comma and at the end, and splits at every comma: leave
    // such values to it.
    if credential.ends_with(' ') || signed_headers.ends_with(' ') || signature.ends_with(' ') {
        return None;
    }
    Some((credential, signed_headers, signature))
}

/// `Credential`, `SignedHeaders` and `Signature` of an `Authorization: AWS4-HMAC-SHA256 …` value, in one
/// pass: each comma-separated part (spaces around it trimmed) one `key=value` with one of those three
/// keys, each key exactly once.
fn parse_authorization(auth: &str) -> Result<(&str, &str, &str), Error> {
    const MALFORMED: Error = Error::MalformedHeader("authorization");
    let rest = auth.strip_prefix(ALGORITHM).ok_or(Error::Unsupported("unsupported_algorithm"))?;
    let b = rest.as_bytes();
    if b.first() != Some(&b' ') {
        return Err(Error::Unsupported("unsupported_algorithm"));
    }
    let (mut c, mut s, mut sig) = (None, None, None);
    let mut start = 0usize;
    loop {
        let end = find_byte(b.get(start..).unwrap_or_default(), b',').map_or(b.len(), |i| start + i);
        let (mut lo, mut hi) = (start, end);
        while lo < hi && b.get(lo) == Some(&b' ') {
            lo += 1;
        }
        while hi > lo && b.get(hi - 1) == Some(&b' ') {
            hi -= 1;
        }
        let part = b.get(lo..hi).unwrap_or_default();
        let eq = lo + find_byte(part, b'=').ok_or(MALFORMED)?;
        let slot = match b.get(lo..eq).unwrap_or_default() {
            b"Credential" => &mut c,
            b"SignedHeaders" => &mut s,
            b"Signature" => &mut sig,
            _ => return Err(MALFORMED),
        };
        // Every offset sits next to an ASCII byte (or an end), so it is a character boundary.
        if slot.replace(rest.get(eq + 1..hi).ok_or(MALFORMED)?).is_some() {
            return Err(MALFORMED);
        }
        if end >= b.len() {
            break;
        }
        start = end + 1;
    }
    Ok((c.ok_or(MALFORMED)?, s.ok_or(MALFORMED)?, sig.ok_or(MALFORMED)?))
}

fn split_credential(credential: &str) -> Result<Scope<'_>, Error> {
    const MALFORMED: Error = Error::MalformedHeader("credential");
    let b = credential.as_bytes();
    let akid_end = next_slash(b, 0).ok_or(MALFORMED)?;
    let date_end = next_slash(b, akid_end + 1).ok_or(MALFORMED)?;
    let region_end = next_slash(b, date_end + 1).ok_or(MALFORMED)?;
    let service_end = next_slash(b, region_end + 1).ok_or(MALFORMED)?;
    let term = b.get(service_end + 1..).unwrap_or_default();
    if term != b"aws4_request" {
        // Six parts or more is malformed; five with another terminator is a scope mismatch.
        return Err(if term.contains(&b'/') { MALFORMED } else { Error::ScopeMismatch });
    }
    if akid_end == 0 || date_end != akid_end + 9 || region_end == date_end + 1 || service_end == region_end + 1 {
        return Err(Error::ScopeMismatch);
    }
    Ok(Scope { credential, akid_end, region_end, service_end })
}

/// `part` (a slice of `whole`'s text at `r`) with `whole`'s lifetime: borrowed from the request, or
/// copied when `whole` was decoded into an owned string.
#[inline(always)]
fn keep<'a>(whole: &Cow<'a, str>, r: core::ops::Range<usize>) -> Cow<'a, str> {
    /// The copy, out of line: only decoded presigned values take it.
    #[cold]
    #[inline(never)]
    fn copied(w: &str, r: core::ops::Range<usize>) -> Cow<'static, str> {
        Cow::Owned(w.get(r).unwrap_or_default().to_owned())
    }
    match whole {
        Cow::Borrowed(w) => Cow::Borrowed(w.get(r).unwrap_or_default()),
        Cow::Owned(w) => copied(w, r),
    }
}

impl Default for SigV4Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl SigV4Verifier {
    /// A verifier with no credentials, [`UriMode::Auto`], ±15 min skew and `UNSIGNED-PAYLOAD` allowed.
    #[must_use]
    pub fn new() -> Self {
        Self {
            credentials: Vec::new(),
            region: None,
            service: None,
            uri_mode: UriMode::Auto,
            max_skew: DEFAULT_MAX_SKEW_SECS,
            allow_unsigned: true,
            token_in_canonical_query: true,
            cache: RwLock::new(Caches { keys: Vec::new(), next_key: 0, memo: Vec::new(), next_memo: 0 }),
        }
    }

    /// Adds a credential; `session_token` for temporary (STS) credentials.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an invalid or duplicate access key id or an empty secret.
    pub fn with_credential(
        mut self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> Result<Self, Error> {
        if !crate::keys::is_valid_key_id(access_key_id.as_bytes()) || access_key_id.contains('/') {
            return Err(Error::InvalidKey("invalid access key id"));
        }
        if secret_access_key.is_empty() || secret_access_key.len() > crate::keys::MAX_SECRET_LEN {
            return Err(Error::InvalidKey("secret length"));
        }
        let Err(at) = self.credentials.binary_search_by(|(k, _)| k.as_bytes().cmp(access_key_id.as_bytes())) else {
            return Err(Error::InvalidKey("duplicate access key id"));
        };
        let mut prefixed = Vec::with_capacity(4 + secret_access_key.len());
        prefixed.extend_from_slice(b"AWS4");
        prefixed.extend_from_slice(secret_access_key.as_bytes());
        let cred = Credential {
            secret: SecretBytes::new(prefixed),
            session_token: session_token.map(|t| SecretBytes::copy_from(t.as_bytes())),
        };
        self.credentials.insert(at, (access_key_id.into(), cred));
        Ok(self)
    }

    /// Accepts only this region in the credential scope.
    #[must_use]
    pub fn pin_region(mut self, region: &str) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Accepts only this service in the credential scope.
    #[must_use]
    pub fn pin_service(mut self, service: &str) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Sets how the canonical URI is formed.
    #[must_use]
    pub fn uri_mode(mut self, mode: UriMode) -> Self {
        self.uri_mode = mode;
        self
    }

    /// Sets the allowed clock skew (header form; and how far in the future a presigned date may be).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when 0 or above one hour.
    pub fn max_skew(mut self, secs: u32) -> Result<Self, Error> {
        if secs == 0 || secs > 3600 {
            return Err(Error::InvalidKey("skew out of range"));
        }
        self.max_skew = secs;
        Ok(self)
    }

    /// Whether `x-amz-content-sha256: UNSIGNED-PAYLOAD` is accepted (default `true`, as S3 does).
    #[must_use]
    pub fn allow_unsigned_payload(mut self, allow: bool) -> Self {
        self.allow_unsigned = allow;
        self
    }

    /// For presigned URLs whose signer adds `X-Amz-Security-Token` after signing (AWS IoT over
    /// WebSockets), leave it out of the canonical query. Default: the token is signed like every other
    /// parameter.
    #[must_use]
    pub fn session_token_outside_presigned_signature(mut self) -> Self {
        self.token_in_canonical_query = false;
        self
    }

    /// Verifies `req` at `now`.
    ///
    /// # Errors
    /// `missing_credentials` (neither `Authorization` nor `X-Amz-Signature`), `missing_header`,
    /// `duplicate_header`, `malformed_header`, `malformed_signature`,
    /// `malformed_timestamp`, `control_character`, `too_large`, `invalid_request`, `unknown_key`,
    /// `scope_mismatch`, `streaming_payload_unsupported`, `unsigned_payload_refused`,
    /// `digest_mismatch`, `bad_signature`, `stale_timestamp`, `future_timestamp`, `expired`,
    /// `bad_session_token`.
    pub fn verify<'a>(&self, req: &RequestView<'a>, now: Timestamp) -> Result<SigV4Verified<'a>, Error> {
        let mut p = Parsed::new();
        // The signing key is copied straight into this slot and never moved after (two hash states on
        // CPUs with SHA extensions, a shared ring key elsewhere): remembered with the prefix,
        // cached, or derived (and cached once the request has verified). The caches' lock is held only
        // to find and copy it. The slot is filled exactly when `parse` reports a remembered prefix.
        let mut key = None;
        let hit = self.parse(req, &mut p, Some(&mut key))?;
        let sc = match hit {
            // A remembered prefix: its parts are where they were.
            Some(parts) => Scope {
                credential: &p.credential,
                akid_end: parts.akid_end,
                region_end: parts.region_end,
                service_end: parts.service_end,
            },
            None => split_credential(&p.credential)?,
        };
        let cred = self.credential(sc.access_key_id())?;
        self.check_scope(&p, &sc)?;
        if key.is_none() {
            self.cached_key(&sc, &mut key);
        }
        let derived = key.is_none();
        let key: &HmacKey = key.get_or_insert_with(|| derive_signing_key(cred, &sc));
        let mut creq = HashingSink::new();
        self.canonical_request(req, &p, sc.service(), &mut creq)?;
        let creq_hash = creq.finish();
        let tag = sign_string_to_sign(key, &p.amz_date, sc.scope().as_bytes(), creq_hash.as_ref());
        if !auth_core::ct_eq(tag.as_ref(), &p.signature) {
            return Err(Error::BadSignature);
        }
        // Only after the signature: time, expiry and session token.
        let expires_at = match p.expires {
            None => {
                crate::util::check_window(p.date, now, self.max_skew)?;
                None
            }
            Some(exp) => {
                if p.date > now.saturating_add_secs(i64::from(self.max_skew)) {
                    return Err(Error::FutureTimestamp);
                }
                let until = p.date.saturating_add_secs(i64::from(exp));
                if now > until {
                    return Err(Error::Expired);
                }
                Some(until)
            }
        };
        match (&cred.session_token, &p.token) {
            (None, None) => {}
            (Some(want), Some(got)) if auth_core::ct_eq(want.expose(), got) => {}
            _ => return Err(Error::BadSessionToken),
        }
        // A remembered prefix leaves no layout to remember.
        if derived || p.sdk_layout.is_some() {
            self.remember(key, derived, p.sdk_layout.as_ref(), &sc);
        }
        Ok(SigV4Verified {
            access_key_id: keep(&p.credential, 0..sc.akid_end),
            region: keep(&p.credential, sc.akid_end + 10..sc.region_end),
            service: keep(&p.credential, sc.region_end + 1..sc.service_end),
            date: p.date,
            signed_headers: p.signed_headers,
            expires_at,
            session_token: p.token.is_some(),
        })
    }

    /// The canonical request and string to sign this verifier computes for `req` (no signature,
    /// credential, time or token check). For diagnostics: never log it for untrusted traffic at volume.
    ///
    /// # Errors
    /// The parsing and canonicalization errors of [`SigV4Verifier::verify`].
    pub fn explain(&self, req: &RequestView<'_>) -> Result<SigV4Explained, Error> {
        let mut p = Parsed::new();
        self.parse(req, &mut p, None)?;
        let sc = split_credential(&p.credential)?;
        let mut creq = Vec::with_capacity(512);
        self.canonical_request(req, &p, sc.service(), &mut creq)?;
        let h = digest::digest(&digest::SHA256, &creq);
        let canonical_request = String::from_utf8_lossy(&creq).into_owned();
        let mut hex = [0u8; 64];
        let hex = core::str::from_utf8(hex_encode(h.as_ref(), &mut hex)).map_err(|_| Error::InvalidRequest)?;
        let string_to_sign = format!("{ALGORITHM}\n{}\n{}\n{hex}", String::from_utf8_lossy(&p.amz_date), sc.scope());
        Ok(SigV4Explained { canonical_request, string_to_sign })
    }

    /// The credential of `access_key_id`.
    fn credential(&self, access_key_id: &str) -> Result<&Credential, Error> {
        match self.credentials.binary_search_by(|(k, _)| k.as_bytes().cmp(access_key_id.as_bytes())) {
            Ok(i) => self.credentials.get(i).map(|(_, c)| c).ok_or(Error::UnknownKey),
            Err(_) => Err(Error::UnknownKey),
        }
    }

    /// The cached signing key of the scope `sc`, copied into `slot` under the read lock.
    fn cached_key(&self, sc: &Scope<'_>, slot: &mut Option<HmacKey>) {
        let caches = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(e) = caches.keys.iter().find(|e| *e.scope_key == *sc.cache_key()) {
            slot.replace(e.key.clone());
        }
    }

    /// The remembered prefix the `Authorization` value `auth` starts with, when the rest of `auth` is
    /// exactly a signature's 64 hex digits: where its parts are. Its signing key is copied into `slot`
    /// under the read lock.
    fn recall(&self, auth: &[u8], slot: &mut Option<HmacKey>) -> Option<MemoParts> {
        let caches = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        let m = caches.memo.iter().find(|m| auth.len() == m.prefix.len() + 64 && auth.starts_with(&m.prefix))?;
        slot.replace(m.key.clone());
        Some(m.parts.clone())
    }

    /// After a request verified under `key`: caches the key when it was `derived`, and remembers the
    /// prefix of the request's `Authorization` value when it has one to remember, under one write lock.
    fn remember(&self, key: &HmacKey, derived: bool, layout: Option<&SdkLayout<'_>>, sc: &Scope<'_>) {
        let mut caches = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        let Caches { keys, next_key, memo, next_memo } = &mut *caches;
        if derived && !keys.iter().any(|e| *e.scope_key == *sc.cache_key()) {
            ring_insert(keys, next_key, CacheEntry { scope_key: sc.cache_key().into(), key: key.clone() });
        }
        let Some(layout) = layout else { return };
        if memo.iter().any(|m| *m.prefix == *layout.prefix) {
            return;
        }
        let parts = MemoParts {
            credential: layout.credential.clone(),
            signed_headers: layout.signed_headers.clone(),
            akid_end: sc.akid_end,
            region_end: sc.region_end,
            service_end: sc.service_end,
        };
        ring_insert(memo, next_memo, AuthMemo { prefix: layout.prefix.into(), parts, key: key.clone() });
    }

    fn check_scope(&self, p: &Parsed<'_>, sc: &Scope<'_>) -> Result<(), Error> {
        if p.amz_date.get(..8) != Some(sc.date()) {
            return Err(Error::ScopeMismatch);
        }
        if self.region.as_deref().is_some_and(|r| r != sc.region())
            || self.service.as_deref().is_some_and(|s| s != sc.service())
        {
            return Err(Error::ScopeMismatch);
        }
        Ok(())
    }

    /// Reads and checks the request's SigV4 fields into `p` (built with [`Parsed::new`] in the caller's
    /// frame, so the large result is written in place rather than moved). With a `recall` slot, an
    /// `Authorization` value whose prefix is remembered is not parsed again: the remembered parts are
    /// returned and the key is copied into the slot (which is left empty otherwise).
    #[inline(never)]
    fn parse<'a>(
        &self,
        req: &RequestView<'a>,
        p: &mut Parsed<'a>,
        recall: Option<&mut Option<HmacKey>>,
    ) -> Result<Option<MemoParts>, Error> {
        let target = req.target();
        if target.len() > MAX_TARGET_LEN {
            return Err(Error::TooLarge);
        }
        if has_ctl(target.as_bytes(), false) {
            return Err(Error::ControlCharacter);
        }
        if req.method().is_empty() || !all_in(req.method().as_bytes(), class::TCHAR) {
            return Err(Error::InvalidRequest);
        }
        let h = AmzHeaders::scan(req.headers());
        let auth = h.get(AmzHeaders::AUTHORIZATION)?;
        let (path, q) = bsplit_once(target, b'?').unwrap_or((target, ""));
        let mut qp = QueryParams::default();
        p.query_index.scan(q, |name, value| qp.take(name, value))?;
        let presigned = qp.signature.is_some();
        if presigned && auth.is_some() {
            return Err(Error::InvalidRequest);
        }
        let mut decoded_early = false;
        let mut hit = None;
        let (credential, signed_headers, signature, amz_date, expires, token) = if let Some(auth) = auth {
            // A remembered prefix counts only with a well-formed signature after it (decoded here).
            if let Some(slot) = recall
                && let Some(found) = self.recall(auth, slot)
            {
                match hex_lower_exact::<32>(auth.get(auth.len().saturating_sub(64)..).unwrap_or_default()) {
                    Ok(decoded) => {
                        p.signature = decoded;
                        hit = Some(found);
                    }
                    Err(_) => *slot = None,
                }
            }
            let (c, s, sig) = if let Some(hit) = &hit {
                // The same bytes as a verified request's prefix, in the SDK layout: valid UTF-8 (one
                // check up to the end of the list makes the parts text), the parts where they were.
                let head = auth.get(..hit.signed_headers.end).unwrap_or_default();
                let head = core::str::from_utf8(head).map_err(|_| Error::MalformedHeader("authorization"))?;
                let part = |r: &core::ops::Range<usize>| head.get(r.clone()).unwrap_or_default();
                decoded_early = true;
                (part(&hit.credential), part(&hit.signed_headers), "")
            } else {
                let auth = core::str::from_utf8(auth).map_err(|_| Error::MalformedHeader("authorization"))?;
                match parse_authorization_fast(auth) {
                    // Decoded straight into the result. Commas are not hex digits: only a signature that
                    // fails to decode can hold one, and then the general parser (which splits at every
                    // comma) reads the value.
                    Some((c, s, sig)) => match hex_lower_exact::<32>(sig.as_bytes()) {
                        Ok(decoded) => {
                            p.signature = decoded;
                            decoded_early = true;
                            let prefix = auth.as_bytes().get(..auth.len() - sig.len()).unwrap_or_default();
                            p.sdk_layout = (prefix.len() <= MAX_REMEMBERED_PREFIX_LEN).then(|| SdkLayout {
                                prefix,
                                credential: offset_in(auth, c)..offset_in(auth, c) + c.len(),
                                signed_headers: offset_in(auth, s)..offset_in(auth, s) + s.len(),
                            });
                            (c, s, sig)
                        }
                        Err(_) if find_byte(sig.as_bytes(), b',').is_some() => parse_authorization(auth)?,
                        Err(_) => (c, s, sig),
                    },
                    None => parse_authorization(auth)?,
                }
            };
            let amz_date = h.get(AmzHeaders::DATE)?.ok_or(Error::MissingHeader("x-amz-date"))?;
            (
                Cow::Borrowed(c),
                Cow::Borrowed(s),
                Cow::Borrowed(sig.as_bytes()),
                Cow::Borrowed(amz_date),
                None,
                h.get(AmzHeaders::TOKEN)?.map(Cow::Borrowed),
            )
        } else if presigned {
            if qp.algorithm.as_deref() != Some(ALGORITHM) {
                return Err(Error::Unsupported("unsupported_algorithm"));
            }
            let expires = qp.expires.as_deref().ok_or(Error::MissingHeader("X-Amz-Expires"))?;
            let exp = parse_expires(expires)?;
            let token = match (qp.token, h.get(AmzHeaders::TOKEN)?) {
                (Some(_), Some(_)) => return Err(Error::DuplicateHeader("X-Amz-Security-Token")),
                (Some(t), None) => Some(bytes(t)),
                (None, hdr) => hdr.map(Cow::Borrowed),
            };
            (
                qp.credential.ok_or(Error::MissingHeader("X-Amz-Credential"))?,
                qp.signed_headers.ok_or(Error::MissingHeader("X-Amz-SignedHeaders"))?,
                bytes(qp.signature.ok_or(Error::MissingHeader("X-Amz-Signature"))?),
                bytes(qp.date.ok_or(Error::MissingHeader("X-Amz-Date"))?),
                Some(exp),
                token,
            )
        } else {
            return Err(Error::MissingCredentials);
        };
        // Decoded straight into the result (not moved there afterwards), unless already done.
        if !decoded_early {
            p.signature = hex_lower_exact::<32>(&signature)?;
        }
        let date = parse_amz_date(&amz_date)?;
        // Signed headers: lowercase, strictly sorted, unique, including host (and x-amz-date for the
        // header form). A remembered list passed these checks when its request verified.
        let (has_host, has_date) =
            if hit.is_some() { (true, true) } else { check_signed_headers(signed_headers.as_bytes())? };
        if !has_host || (!presigned && !has_date) {
            return Err(Error::MalformedHeader("signed headers"));
        }
        let content_sha256 = h.get(AmzHeaders::CONTENT_SHA256);
        p.credential = credential;
        p.signed_headers = signed_headers;
        p.amz_date = amz_date;
        p.date = date;
        p.expires = expires;
        p.presigned = presigned;
        p.token = token;
        p.content_sha256 = content_sha256;
        p.path = path;
        p.query = q;
        Ok(hit)
    }

    fn effective_mode(&self, service: &str) -> UriMode {
        match self.uri_mode {
            UriMode::Auto if service == "s3" => UriMode::S3,
            UriMode::Auto => UriMode::Standard,
            m => m,
        }
    }

    /// Writes the canonical request into `out` (a buffer for [`SigV4Verifier::explain`], straight into
    /// the SHA-256 for [`SigV4Verifier::verify`]).
    #[inline(never)]
    fn canonical_request<S: Scoped>(
        &self,
        req: &RequestView<'_>,
        p: &Parsed<'_>,
        service: &str,
        out: &mut S,
    ) -> Result<(), Error> {
        out.scoped(|out| self.write_canonical_request(req, p, service, out))
    }

    #[inline(always)]
    fn write_canonical_request<S: Sink>(
        &self,
        req: &RequestView<'_>,
        p: &Parsed<'_>,
        service: &str,
        out: &mut S,
    ) -> Result<(), Error> {
        out.put(req.method().as_bytes());
        out.byte(b'\n');
        let skip = Skip { signature: p.presigned, token: p.presigned && !self.token_in_canonical_query };
        let target = Target { whole: req.target(), path: p.path, query: p.query, index: &p.query_index };
        write_target(&target, self.effective_mode(service), skip, out)?;
        out.byte(b'\n');
        // Headers.
        let h = req.headers();
        for name in bsplit(&p.signed_headers, b';') {
            out.put(name.as_bytes());
            out.byte(b':');
            let any = match h.as_pairs() {
                Some(pairs) => push_values(pairs.iter().map(|&(n, v)| (n, v)), name.as_bytes(), out)?,
                None => push_values(h.iter(), name.as_bytes(), out)?,
            };
            if !any {
                return Err(Error::MissingHeader("signed header"));
            }
            out.byte(b'\n');
            if out.written() > MAX_CANONICAL_REQUEST_LEN {
                return Err(Error::TooLarge);
            }
        }
        out.byte(b'\n');
        out.put(p.signed_headers.as_bytes());
        out.byte(b'\n');
        self.push_payload_hash(req, p, service, out)
    }

    fn push_payload_hash<S: Sink>(
        &self,
        req: &RequestView<'_>,
        p: &Parsed<'_>,
        service: &str,
        out: &mut S,
    ) -> Result<(), Error> {
        match p.content_sha256? {
            Some(v) if v == UNSIGNED.as_bytes() => {
                if !self.allow_unsigned {
                    return Err(Error::Unsupported("unsigned_payload_refused"));
                }
                out.put(UNSIGNED.as_bytes());
            }
            Some(v) if v.starts_with(b"STREAMING-") => return Err(Error::Unsupported("streaming_payload_unsupported")),
            // The hash of the empty body, as it must be spelled: nothing to decode or compare.
            Some(v) if req.body().is_empty() && v == EMPTY_SHA256.as_bytes() => out.put(v),
            Some(v) => {
                let claimed: [u8; 32] =
                    hex_lower_exact(v).map_err(|_| Error::MalformedHeader("x-amz-content-sha256"))?;
                let matches = if req.body().is_empty() {
                    v == EMPTY_SHA256.as_bytes()
                } else {
                    hash::sha256(req.body()) == claimed
                };
                if !matches {
                    return Err(Error::DigestMismatch);
                }
                // `v` is the canonical lowercase hex of `claimed`.
                out.put(v);
            }
            None if p.presigned && self.effective_mode(service) == UriMode::S3 => out.put(UNSIGNED.as_bytes()),
            None if req.body().is_empty() => out.put(EMPTY_SHA256.as_bytes()),
            None => push_hex(&hash::sha256(req.body()), out),
        }
        Ok(())
    }
}

/// Writes the values of the field `name` among `fields`, joined by commas; whether there was any.
#[inline(always)]
fn push_values<'f, S: Sink>(
    fields: impl Iterator<Item = (&'f str, &'f [u8])>,
    name: &[u8],
    out: &mut S,
) -> Result<bool, Error> {
    let mut any = false;
    for (n, value) in fields {
        if name_is(n.as_bytes(), name) {
            if any {
                out.byte(b',');
            }
            any = true;
            push_header_value(value, out)?;
        }
    }
    Ok(any)
}

/// A request target split at its first `?`, with the index of its query.
struct Target<'t> {
    /// `path?query`, or `path` alone when `query` is empty.
    whole: &'t str,
    path: &'t str,
    query: &'t str,
    index: &'t QueryIndex,
}

/// The canonical URI, a line break and the canonical query of `t`. When the target as received is
/// already in canonical form (a plain path written as is in `mode`, a query that
/// [`QueryIndex::is_verbatim`] accepts) it is written in one piece, its `?` turned into the line break;
/// a property test checks that this writes what the general path writes.
fn write_target<S: Sink>(t: &Target<'_>, mode: UriMode, skip: Skip, out: &mut S) -> Result<(), Error> {
    if !t.query.is_empty()
        && t.whole.len() == t.path.len() + 1 + t.query.len()
        && t.index.is_verbatim(t.query, skip)
        && uri_is_verbatim(t.path, mode)
    {
        out.put_replacing(t.whole.as_bytes(), t.path.len(), b'\n');
        return Ok(());
    }
    canonical_uri(t.path, mode, out)?;
    out.byte(b'\n');
    if !t.index.write_sorted(t.query, skip, out) {
        canonical_query(t.query, skip, out)?;
    }
    Ok(())
}

/// Whether [`canonical_uri`] writes `path` as it is in `mode` (not [`UriMode::Auto`]): a non-empty path
/// of unreserved bytes and `/`, normal unless `mode` never normalizes.
fn uri_is_verbatim(path: &str, mode: UriMode) -> bool {
    !path.is_empty()
        && path.bytes().all(|b| b == b'/' || unreserved(b))
        && match mode {
            UriMode::S3 | UriMode::EncodeWithoutNormalizing => true,
            UriMode::Standard | UriMode::Auto => is_normal(path),
        }
}

/// The canonical URI of `path` (as received, before `?`) in `mode` (not [`UriMode::Auto`], which
/// [`SigV4Verifier::effective_mode`] resolves).
fn canonical_uri<S: Sink>(path: &str, mode: UriMode, out: &mut S) -> Result<(), Error> {
    let path = if path.is_empty() { "/" } else { path };
    // Only unreserved bytes and `/`: every mode writes such a path as is once it is normal (or need
    // not be). A property test checks this shortcut against the general encoders.
    if uri_is_verbatim(path, mode) {
        out.put(path.as_bytes());
        return Ok(());
    }
    canonical_uri_general(path, mode, out)
}

/// [`canonical_uri`] without the shortcut for plain paths.
fn canonical_uri_general<S: Sink>(path: &str, mode: UriMode, out: &mut S) -> Result<(), Error> {
    match mode {
        UriMode::S3 => encode_once(path.as_bytes(), true, out)?,
        UriMode::EncodeWithoutNormalizing => encode_raw(path.as_bytes(), true, out),
        UriMode::Standard | UriMode::Auto if is_normal(path) => encode_raw(path.as_bytes(), true, out),
        UriMode::Standard | UriMode::Auto => encode_raw(normalize_path(path).as_bytes(), true, out),
    }
    Ok(())
}

fn push_hex<S: Sink>(bytes: &[u8], out: &mut S) {
    let mut buf = [0u8; 64];
    out.put(hex_encode(bytes, &mut buf));
}

/// Where the canonical request goes: a buffer (`explain`) or a SHA-256 context (`verify`).
trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
    /// Appends one byte.
    fn byte(&mut self, b: u8);
    /// Bytes written so far.
    fn written(&self) -> usize;
    /// Appends `bytes` with the byte at `at` replaced by `b` (as is when `at` is out of range).
    fn put_replacing(&mut self, bytes: &[u8], at: usize, b: u8) {
        put_in_three(self, bytes, at, b);
    }
}

/// [`Sink::put_replacing`] as three writes: the bytes before `at`, `b`, the bytes after it (all of
/// `bytes` as is when `at` is out of range).
fn put_in_three<S: Sink + ?Sized>(out: &mut S, bytes: &[u8], at: usize, b: u8) {
    match (bytes.get(..at), bytes.get(at + 1..)) {
        (Some(head), Some(tail)) => {
            out.put(head);
            out.byte(b);
            out.put(tail);
        }
        _ => out.put(bytes),
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn byte(&mut self, b: u8) {
        self.push(b);
    }
    fn written(&self) -> usize {
        self.len()
    }
}

/// A sink written through a cursor made where the writing happens: the canonical request is built
/// with the write position in a local of the building function rather than behind a pointer to the
/// caller's frame.
trait Scoped {
    /// The cursor.
    type Cursor<'x>: Sink
    where
        Self: 'x;
    /// Runs `f` with a cursor over this sink.
    fn scoped<R>(&mut self, f: impl FnOnce(&mut Self::Cursor<'_>) -> R) -> R;
}

impl Scoped for Vec<u8> {
    type Cursor<'x> = Vec<u8>;
    fn scoped<R>(&mut self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        f(self)
    }
}

/// Size of [`HashingSink`]'s buffer: a canonical request up to this long is laid out whole on the stack
/// and hashed in one call; a longer one streams through the SHA-256 a buffer at a time.
const HASH_STAGE_LEN: usize = 512;

/// SHA-256 of everything written. Writes gather in a stack buffer; the hash context is only started
/// when they outgrow it, so the usual canonical request is hashed by one [`digest::digest`] call.
struct HashingSink {
    stage: [u8; HASH_STAGE_LEN],
    staged: usize,
    /// Started once the writes outgrow the buffer.
    ctx: Option<hash::Sha256>,
    /// Bytes already passed to `ctx`.
    flushed: usize,
}

impl HashingSink {
    fn new() -> Self {
        Self { stage: [0; HASH_STAGE_LEN], staged: 0, ctx: None, flushed: 0 }
    }

    /// The hash of everything written. By reference: moving the sink (its buffer and context) into a
    /// by-value call costs a copy of several hundred bytes.
    fn finish(&mut self) -> [u8; 32] {
        let hash = match self.ctx.take() {
            // The padding goes into the buffer after the request when it fits.
            None => hash::sha256_in_place(&mut self.stage, self.staged),
            Some(mut ctx) => {
                ctx.update(self.stage.get(..self.staged).unwrap_or_default());
                ctx.finish()
            }
        };
        // Empty again, so the sink never hashes part of what was written before.
        (self.staged, self.flushed) = (0, 0);
        hash
    }

    /// Passes the staged bytes and then `bytes` (when they do not fit the buffer) to the hash.
    #[inline(never)]
    #[cold]
    fn flush_and_put(&mut self, bytes: &[u8]) {
        let ctx = self.ctx.get_or_insert_with(hash::Sha256::new);
        ctx.update(self.stage.get(..self.staged).unwrap_or_default());
        self.flushed = self.flushed.saturating_add(self.staged);
        self.staged = 0;
        if let Some(dst) = self.stage.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.staged = bytes.len();
        } else {
            ctx.update(bytes);
            self.flushed = self.flushed.saturating_add(bytes.len());
        }
    }
}

impl Sink for HashingSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.staged + bytes.len();
        if let Some(dst) = self.stage.get_mut(self.staged..end) {
            dst.copy_from_slice(bytes);
            self.staged = end;
        } else {
            self.flush_and_put(bytes);
        }
    }
    #[inline]
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.stage.get_mut(self.staged) {
            *slot = b;
            self.staged += 1;
        } else {
            self.flush_and_put(&[b]);
        }
    }
    fn written(&self) -> usize {
        self.flushed.saturating_add(self.staged)
    }
}

impl Scoped for HashingSink {
    type Cursor<'x> = StageCursor<'x>;
    #[inline(always)]
    fn scoped<R>(&mut self, f: impl FnOnce(&mut StageCursor<'_>) -> R) -> R {
        let mut cursor = StageCursor { sink: self, pos: 0 };
        cursor.pos = cursor.sink.staged;
        let r = f(&mut cursor);
        cursor.sink.staged = cursor.pos;
        r
    }
}

/// [`HashingSink`]'s cursor: the position is the cursor's own, written back when the scope ends.
struct StageCursor<'s> {
    sink: &'s mut HashingSink,
    pos: usize,
}

impl Sink for StageCursor<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        if let Some(dst) = self.sink.stage.get_mut(self.pos..end) {
            dst.copy_from_slice(bytes);
            self.pos = end;
        } else {
            self.pos = spill(self.sink, self.pos, bytes);
        }
    }
    #[inline]
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.sink.stage.get_mut(self.pos) {
            *slot = b;
            self.pos += 1;
        } else {
            self.pos = spill(self.sink, self.pos, &[b]);
        }
    }
    fn written(&self) -> usize {
        self.sink.flushed.saturating_add(self.pos)
    }
    #[inline]
    fn put_replacing(&mut self, bytes: &[u8], at: usize, b: u8) {
        let end = self.pos + bytes.len();
        if let Some(dst) = self.sink.stage.get_mut(self.pos..end) {
            // One copy, then the one byte.
            dst.copy_from_slice(bytes);
            if let Some(slot) = dst.get_mut(at) {
                *slot = b;
            }
            self.pos = end;
        } else {
            put_in_three(self, bytes, at, b);
        }
    }
}

/// [`HashingSink::flush_and_put`] for a cursor at `pos`; returns the new position.
#[inline(never)]
#[cold]
fn spill(sink: &mut HashingSink, pos: usize, bytes: &[u8]) -> usize {
    sink.staged = pos;
    sink.flush_and_put(bytes);
    sink.staged
}

/// Room for the string to sign with a credential scope of up to 128 bytes (longer ones are fed part by
/// part), and for the SHA-256 padding after it.
const STRING_TO_SIGN_LEN: usize = (17 + 16 + 1 + 128 + 1 + 64 + 9usize).next_multiple_of(64);

/// The HMAC under `key` of the string to sign, `AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex of
/// creq_hash>`: laid out in one stack buffer (the hash's hex written there directly, the hash padding
/// after it) and signed in one call when it fits, else fed part by part.
fn sign_string_to_sign(key: &HmacKey, amz_date: &[u8], scope: &[u8], creq_hash: &[u8]) -> Tag {
    const HEAD: &[u8] = b"AWS4-HMAC-SHA256\n";
    fn fill<'b>(dst: &'b mut [u8], src: &[u8]) -> Option<&'b mut [u8]> {
        let (head, rest) = dst.split_at_mut_checked(src.len())?;
        head.copy_from_slice(src);
        Some(rest)
    }
    let mut buf = [0u8; STRING_TO_SIGN_LEN];
    let len = HEAD.len() + amz_date.len() + scope.len() + 2 + 2 * creq_hash.len();
    let laid_out = (|| {
        let rest = fill(&mut buf, HEAD)?;
        let rest = fill(rest, amz_date)?;
        let rest = fill(rest, b"\n")?;
        let rest = fill(rest, scope)?;
        let rest = fill(rest, b"\n")?;
        (hex_encode(creq_hash, rest).len() == 2 * creq_hash.len()).then_some(())
    })();
    match laid_out {
        Some(()) => key.sign_in_place(&mut buf, len),
        None => {
            let mut ctx = HmacContext::new(key);
            [HEAD, amz_date, b"\n", scope, b"\n"].iter().for_each(|part| ctx.update(part));
            ctx.update(hex_encode(creq_hash, &mut [0u8; 128]));
            ctx.sign()
        }
    }
}

/// Query parameters left out of the canonical query (the presigned signature, and the session token
/// when configured so).
#[derive(Clone, Copy)]
struct Skip {
    signature: bool,
    token: bool,
}

impl Skip {
    fn skips(self, name: &str) -> bool {
        (self.signature && name == "X-Amz-Signature") || (self.token && name == "X-Amz-Security-Token")
    }
}

/// The canonical query, general form: every parameter decoded and re-encoded into its own buffer, then
/// sorted by encoded name, then encoded value.
fn canonical_query<S: Sink>(query: &str, skip: Skip, out: &mut S) -> Result<(), Error> {
    let mut params: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (name, value) in bsplit(query, b'&').filter(|s| !s.is_empty()).map(split_pair) {
        if params.len() >= MAX_QUERY_PARAMS {
            return Err(Error::TooLarge);
        }
        if skip.skips(name) {
            continue;
        }
        let (mut n, mut v) = (Vec::new(), Vec::new());
        encode_once(name.as_bytes(), false, &mut n)?;
        encode_once(value.as_bytes(), false, &mut v)?;
        params.push((n, v));
    }
    params.sort_unstable();
    for (i, (n, v)) in params.iter().enumerate() {
        if i > 0 {
            out.byte(b'&');
        }
        out.put(n);
        out.byte(b'=');
        out.put(v);
    }
    Ok(())
}

/// The most parameters [`QueryIndex`] sorts on the stack.
const FAST_QUERY_PARAMS: usize = 24;

/// The query's non-empty parameters as offsets into it, gathered in the one pass that also reads the
/// `X-Amz-*` parameters, for sorting in place.
#[derive(Clone, Copy)]
struct QueryIndex {
    /// (name start, name end, value end); the value starts after the `=` (if any) that ends the name.
    params: [(u16, u16, u16); FAST_QUERY_PARAMS],
    /// Per parameter: [`QueryIndex::CANONICAL`], [`QueryIndex::SIGNATURE`], [`QueryIndex::TOKEN`].
    flags: [u8; FAST_QUERY_PARAMS],
    len: usize,
    /// More than [`FAST_QUERY_PARAMS`] parameters, or an offset beyond `u16`.
    overflow: bool,
    /// An empty piece between `&`s (or before the first, or after the last).
    gaps: bool,
}

impl QueryIndex {
    /// Name and value are already in canonical encoding.
    const CANONICAL: u8 = 1;
    /// The name is `X-Amz-Signature`.
    const SIGNATURE: u8 = 2;
    /// The name is `X-Amz-Security-Token`.
    const TOKEN: u8 = 4;

    /// Splits `query` at `&`, skipping empty pieces, and calls `each` with every parameter's name and
    /// value (empty without `=`) in order, recording them.
    const fn new() -> Self {
        Self {
            params: [(0, 0, 0); FAST_QUERY_PARAMS],
            flags: [0; FAST_QUERY_PARAMS],
            len: 0,
            overflow: false,
            gaps: false,
        }
    }

    #[inline(always)]
    fn scan<'q>(
        &mut self,
        query: &'q str,
        mut each: impl FnMut(&'q str, &'q str) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let q = query.as_bytes();
        let mut start = 0usize;
        while start <= q.len() {
            let rest = q.get(start..).unwrap_or_default();
            let len = find_byte(rest, b'&').unwrap_or(rest.len());
            if len > 0 {
                let (name, value) = split_pair(query.get(start..start + len).unwrap_or_default());
                each(name, value)?;
                self.record(start, name, value, start + len);
            } else {
                self.gaps = true;
            }
            start += len + 1;
        }
        Ok(())
    }

    fn record(&mut self, start: usize, name: &str, value: &str, end: usize) {
        let (Some(slot), Some(flags), Ok(a), Ok(b), Ok(c)) = (
            self.params.get_mut(self.len),
            self.flags.get_mut(self.len),
            u16::try_from(start),
            u16::try_from(start + name.len()),
            u16::try_from(end),
        ) else {
            self.overflow = true;
            return;
        };
        *slot = (a, b, c);
        let canonical = is_canonically_encoded(name.as_bytes()) && is_canonically_encoded(value.as_bytes());
        *flags = (u8::from(canonical) * Self::CANONICAL)
            | (u8::from(name == "X-Amz-Signature") * Self::SIGNATURE)
            | (u8::from(name == "X-Amz-Security-Token") * Self::TOKEN);
        self.len += 1;
    }

    /// Whether `query` (what this index was built from) is its own canonical query: not empty, every
    /// parameter already canonical, none skipped, each with an `=`, no empty pieces, in sorted order (by
    /// name, then value). [`write_target`] then writes it as received.
    fn is_verbatim(&self, query: &str, skip: Skip) -> bool {
        // A presigned query holds the skipped `X-Amz-Signature`: never verbatim.
        if self.overflow || self.gaps || self.len == 0 || skip.signature {
            return false;
        }
        let skipped = (u8::from(skip.signature) * Self::SIGNATURE) | (u8::from(skip.token) * Self::TOKEN);
        let want = Self::CANONICAL;
        let (Some(flags), Some(params)) = (self.flags.get(..self.len), self.params.get(..self.len)) else {
            return false;
        };
        // Every parameter canonical, none skipped, each name ended by an `=` (the value's end is past the
        // name's exactly then).
        if flags.iter().zip(params).fold(false, |any, (&f, &(_, b, c))| any | (f & (want | skipped) != want) | (b >= c))
        {
            return false;
        }
        let q = query.as_bytes();
        let parts = |&(a, b, c): &(u16, u16, u16)| {
            let name = q.get(usize::from(a)..usize::from(b)).unwrap_or_default();
            let value = q.get(usize::from(b) + 1..usize::from(c)).unwrap_or_default();
            (name, value)
        };
        params.windows(2).all(|w| match w {
            [x, y] => {
                let ((xn, xv), (yn, yv)) = (parts(x), parts(y));
                bytes_cmp(xn, yn).then_with(|| bytes_cmp(xv, yv)).is_le()
            }
            _ => true,
        })
    }

    /// Writes the canonical query when every parameter left after `skip` is already canonical: sorted
    /// by name, then value, as received. Returns `false`, having written nothing, otherwise.
    fn write_sorted<S: Sink>(&self, query: &str, skip: Skip, out: &mut S) -> bool {
        if self.overflow {
            return false;
        }
        let skipped = (u8::from(skip.signature) * Self::SIGNATURE) | (u8::from(skip.token) * Self::TOKEN);
        let mut params = [(0u16, 0u16, 0u16); FAST_QUERY_PARAMS];
        let mut stored = 0usize;
        for (p, &f) in self.params.iter().zip(&self.flags).take(self.len) {
            if f & skipped != 0 {
                continue;
            }
            if f & Self::CANONICAL == 0 {
                return false;
            }
            if let Some(slot) = params.get_mut(stored) {
                *slot = *p;
                stored += 1;
            }
        }
        let q = query.as_bytes();
        let parts = |&(a, b, c): &(u16, u16, u16)| {
            let name = q.get(usize::from(a)..usize::from(b)).unwrap_or_default();
            let value = q.get(usize::from(b) + 1..usize::from(c)).unwrap_or_default();
            (name, value)
        };
        let params = params.get_mut(..stored).unwrap_or_default();
        let less = |x: &(u16, u16, u16), y: &(u16, u16, u16)| {
            let ((xn, xv), (yn, yv)) = (parts(x), parts(y));
            bytes_cmp(xn, yn).then_with(|| bytes_cmp(xv, yv)).is_lt()
        };
        // Insertion sort: a handful of parameters, often already in order.
        for i in 1..params.len() {
            let mut j = i;
            while j > 0 {
                let (Some(a), Some(b)) = (params.get(j - 1), params.get(j)) else { break };
                if !less(b, a) {
                    break;
                }
                params.swap(j - 1, j);
                j -= 1;
            }
        }
        for (i, p) in params.iter().enumerate() {
            let (n, v) = parts(p);
            if i > 0 {
                out.byte(b'&');
            }
            out.put(n);
            out.byte(b'=');
            out.put(v);
        }
        true
    }
}

/// The canonical query for the common case where every name and value is already in canonical
/// encoding (only unreserved bytes and `%XX` escapes, upper-case, of bytes that must stay escaped):
/// the parameters are sorted on the stack as offsets into the query and written as received. Returns
/// `false`, having written nothing, when the query is not in that form or has more than
/// [`FAST_QUERY_PARAMS`] parameters; [`canonical_query`] then does the general work. Both produce the
/// same bytes whenever this one applies (a property test checks it). `verify` builds the index while
/// parsing; this is the same two steps in one call.
#[cfg(test)]
fn canonical_query_sorted_in_place<S: Sink>(query: &str, skip: Skip, out: &mut S) -> Result<bool, Error> {
    let mut index = QueryIndex::new();
    index.scan(query, |_, _| Ok(()))?;
    Ok(index.write_sorted(query, skip, out))
}

/// Whether [`encode_once`] (without `keep_slash`) would return `s` unchanged: only unreserved bytes and
/// `%XX` escapes with upper-case hex of bytes that are not unreserved.
fn is_canonically_encoded(s: &[u8]) -> bool {
    // The common case, only unreserved bytes, in one table pass.
    if all_in(s, class::NONCE) {
        return true;
    }
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if c == b'%' {
            match (s.get(i + 1).copied().and_then(hex_upper), s.get(i + 2).copied().and_then(hex_upper)) {
                (Some(h), Some(l)) if !unreserved((h << 4) | l) => i += 3,
                _ => return false,
            }
        } else if unreserved(c) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn hex_upper(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The header fields SigV4 reads itself, collected in one pass over the headers.
struct AmzHeaders<'a> {
    values: [Option<&'a [u8]>; 4],
    repeated: [bool; 4],
}

impl<'a> AmzHeaders<'a> {
    const AUTHORIZATION: (usize, &'static str) = (0, "authorization");
    const DATE: (usize, &'static str) = (1, "x-amz-date");
    const TOKEN: (usize, &'static str) = (2, "x-amz-security-token");
    const CONTENT_SHA256: (usize, &'static str) = (3, "x-amz-content-sha256");

    fn scan(headers: auth_core::Headers<'a>) -> Self {
        let mut this = Self { values: [None; 4], repeated: [false; 4] };
        for (name, value) in headers.iter() {
            let (slot, _) = match name.len() {
                13 if name_is(name.as_bytes(), Self::AUTHORIZATION.1.as_bytes()) => Self::AUTHORIZATION,
                10 if name_is(name.as_bytes(), Self::DATE.1.as_bytes()) => Self::DATE,
                20 if name_is(name.as_bytes(), Self::TOKEN.1.as_bytes()) => Self::TOKEN,
                20 if name_is(name.as_bytes(), Self::CONTENT_SHA256.1.as_bytes()) => Self::CONTENT_SHA256,
                _ => continue,
            };
            if let (Some(v), Some(r)) = (this.values.get_mut(slot), this.repeated.get_mut(slot)) {
                *r |= v.replace(value).is_some();
            }
        }
        this
    }

    /// The single value of the field, or [`Error::DuplicateHeader`] when it appears more than once (as
    /// `Headers::get_one` would answer).
    fn get(&self, (slot, name): (usize, &'static str)) -> Result<Option<&'a [u8]>, Error> {
        if self.repeated.get(slot).copied().unwrap_or(true) {
            return Err(Error::DuplicateHeader(name));
        }
        Ok(self.values.get(slot).copied().flatten())
    }
}

#[derive(Default)]
struct QueryParams<'a> {
    algorithm: Option<Cow<'a, str>>,
    credential: Option<Cow<'a, str>>,
    signed_headers: Option<Cow<'a, str>>,
    signature: Option<Cow<'a, str>>,
    date: Option<Cow<'a, str>>,
    expires: Option<Cow<'a, str>>,
    token: Option<Cow<'a, str>>,
}

impl<'a> QueryParams<'a> {
    fn take(&mut self, name: &'a str, value: &'a str) -> Result<(), Error> {
        // Every name below starts with `X-Amz-` and has at least ten bytes.
        if name.len() < 10 || !name.as_bytes().starts_with(b"X-Amz-") {
            return Ok(());
        }
        let slot = match name {
            "X-Amz-Algorithm" => &mut self.algorithm,
            "X-Amz-Credential" => &mut self.credential,
            "X-Amz-SignedHeaders" => &mut self.signed_headers,
            "X-Amz-Signature" => &mut self.signature,
            "X-Amz-Date" => &mut self.date,
            "X-Amz-Expires" => &mut self.expires,
            "X-Amz-Security-Token" => &mut self.token,
            _ => return Ok(()),
        };
        let v = if value.as_bytes().contains(&b'%') { Cow::Owned(decode(value)?) } else { Cow::Borrowed(value) };
        if slot.replace(v).is_some() {
            return Err(Error::MalformedHeader("repeated X-Amz-* query parameter"));
        }
        Ok(())
    }
}

/// The index of the first `b` in `s`, eight bytes per step ([`swar::first_eq`] flags the first match
/// exactly).
#[inline]
fn find_byte(s: &[u8], b: u8) -> Option<usize> {
    let (words, tail) = s.as_chunks::<8>();
    let mut at = 0usize;
    for &w in words {
        let hit = swar::first_eq(swar::word(w), b);
        if hit != 0 {
            return usize::try_from(hit.trailing_zeros() / 8).ok().map(|i| at + i);
        }
        at += 8;
    }
    tail.iter().position(|&c| c == b).map(|i| at + i)
}

/// Splits `s` at every ASCII byte `b` (an ASCII byte is always a character boundary).
fn bsplit(s: &str, b: u8) -> impl Iterator<Item = &str> {
    let mut start = Some(0usize);
    core::iter::from_fn(move || {
        let from = start?;
        let rest = s.as_bytes().get(from..)?;
        match find_byte(rest, b) {
            Some(i) => {
                start = Some(from + i + 1);
                s.get(from..from + i)
            }
            None => {
                start = None;
                s.get(from..)
            }
        }
    })
}

/// Splits `s` at the first ASCII byte `b`.
fn bsplit_once(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find_byte(s.as_bytes(), b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

fn split_pair(s: &str) -> (&str, &str) {
    bsplit_once(s, b'=').unwrap_or((s, ""))
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes (`+` stays `+`); the result must be UTF-8.
fn decode(s: &str) -> Result<String, Error> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let (Some(h), Some(l)) = (b.get(i + 1).copied().and_then(hexval), b.get(i + 2).copied().and_then(hexval))
            else {
                return Err(Error::MalformedHeader("percent-encoding"));
            };
            out.push((h << 4) | l);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Error::MalformedHeader("percent-encoding"))
}

const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn push_pct<S: Sink>(b: u8, out: &mut S) {
    const D: &[u8; 16] = b"0123456789ABCDEF";
    let hi = D.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
    let lo = D.get(usize::from(b & 15)).copied().unwrap_or(b'0');
    out.put(&[b'%', hi, lo]);
}

/// Length of the prefix of `s` that encodes to itself: unreserved bytes, and `/` when `keep_slash`.
fn pass_through_len(s: &[u8], keep_slash: bool) -> usize {
    s.iter().position(|&b| !(unreserved(b) || (keep_slash && b == b'/'))).unwrap_or(s.len())
}

/// SigV4 URI-encoding of raw bytes: unreserved bytes (and `/` when `keep_slash`) as is, everything else
/// — including `%` — as `%XX`. Runs of bytes that stay as they are are written in one piece.
fn encode_raw<S: Sink>(s: &[u8], keep_slash: bool, out: &mut S) {
    let mut rest = s;
    while !rest.is_empty() {
        let run = pass_through_len(rest, keep_slash);
        let (plain, tail) = rest.split_at_checked(run).unwrap_or((rest, &[]));
        out.put(plain);
        let Some((&b, tail)) = tail.split_first() else { break };
        push_pct(b, out);
        rest = tail;
    }
}

/// Encodes a component that is already percent-encoded (or partly so) to the canonical single
/// encoding: valid escapes are decoded and re-encoded (so `%7e` becomes `~`, `%2f` becomes `%2F`), raw
/// bytes are encoded as [`encode_raw`] does.
fn encode_once<S: Sink>(s: &[u8], keep_slash: bool, out: &mut S) -> Result<(), Error> {
    let mut rest = s;
    while !rest.is_empty() {
        let run = pass_through_len(rest, keep_slash);
        let (plain, tail) = rest.split_at_checked(run).unwrap_or((rest, &[]));
        out.put(plain);
        let Some((&c, tail)) = tail.split_first() else { break };
        if c == b'%' {
            let (Some(h), Some(l)) = (tail.first().copied().and_then(hexval), tail.get(1).copied().and_then(hexval))
            else {
                return Err(Error::MalformedHeader("percent-encoding"));
            };
            let b = (h << 4) | l;
            if unreserved(b) {
                out.byte(b)
            } else {
                push_pct(b, out)
            }
            rest = tail.get(2..).unwrap_or_default();
        } else {
            push_pct(c, out);
            rest = tail;
        }
    }
    Ok(())
}

/// Whether [`normalize_path`] would return `path` unchanged (no empty, `.` or `..` segments).
fn is_normal(path: &str) -> bool {
    let b = path.as_bytes();
    if b.first() != Some(&b'/') {
        return false;
    }
    // Inspect each segment start: after every '/', the segment must not be empty (unless it is the
    // final, trailing one), "." or "..".
    let mut i = 0;
    while i < b.len() {
        // b[i] == '/'
        let rest = b.get(i + 1..).unwrap_or_default();
        let seg_len = rest.iter().position(|&c| c == b'/').unwrap_or(rest.len());
        let seg = rest.get(..seg_len).unwrap_or_default();
        let last = seg_len == rest.len();
        if (seg.is_empty() && !last) || seg == b"." || seg == b".." {
            return false;
        }
        i += 1 + seg_len;
    }
    true
}

/// RFC 3986 §5.2.4 dot-segment removal plus collapsing of empty segments; a trailing `/` is kept.
fn normalize_path(path: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = String::with_capacity(path.len());
    for s in &stack {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() || trailing {
        out.push('/');
    }
    out
}

/// Whether every byte of `v` is above SP and not DEL (obs-text included): a value with nothing to trim,
/// fold or refuse. Sixteen bytes per step (a fixed-size fold the compiler turns into vector compares),
/// the last step overlapping the one before it; shorter values eight bytes per step ([`swar`]).
fn is_plain_header_value(v: &[u8]) -> bool {
    #[inline(always)]
    fn bad16(c: &[u8]) -> u8 {
        let c = <&[u8; 16]>::try_from(c).unwrap_or(&[0; 16]);
        c.iter().fold(0u8, |acc, &b| acc | u8::from(b <= b' ') | u8::from(b == 0x7f))
    }
    if v.len() >= 16 {
        let mut bad = v.get(v.len() - 16..).map_or(1, bad16);
        for c in v.chunks_exact(16) {
            bad |= bad16(c);
        }
        return bad == 0;
    }
    let (words, tail) = v.as_chunks::<8>();
    let mut bad = 0u64;
    for &w in words {
        let w = swar::word(w);
        bad |= swar::first_below(w, 0x21) | swar::first_eq(w, 0x7f);
    }
    bad == 0 && tail.iter().all(|&b| b > b' ' && b != 0x7f)
}

/// Whether `s` has a control byte (HTAB allowed when `allow_tab`). Folds over every byte without an
/// early exit, which the compiler turns into wide compares.
fn has_ctl(s: &[u8], allow_tab: bool) -> bool {
    s.iter().fold(false, |acc, &b| acc | (is_ctl(b) && !(allow_tab && b == b'\t')))
}

/// A header value trimmed, with runs of SP/HTAB folded to one SP. Control bytes are refused. The bytes
/// as received (obs-text included) between whitespace runs are written in one piece each.
#[inline(always)]
fn push_header_value<S: Sink>(v: &[u8], out: &mut S) -> Result<(), Error> {
    if is_plain_header_value(v) {
        // No whitespace to trim or fold, no control byte.
        out.put(v);
        return Ok(());
    }
    push_folded_header_value(v, out)
}

/// [`push_header_value`] for a value with whitespace to trim or fold, or a control byte.
#[inline(never)]
fn push_folded_header_value<S: Sink>(v: &[u8], out: &mut S) -> Result<(), Error> {
    if has_ctl(v, true) {
        return Err(Error::ControlCharacter);
    }
    let is_ws = |b: &u8| *b == b' ' || *b == b'\t';
    let mut rest = v.trim_ascii();
    while !rest.is_empty() {
        let word = rest.iter().position(is_ws).unwrap_or(rest.len());
        let (w, tail) = rest.split_at_checked(word).unwrap_or((rest, &[]));
        out.put(w);
        let gap = tail.iter().position(|b| !is_ws(b)).unwrap_or(tail.len());
        rest = tail.get(gap..).unwrap_or_default();
        if gap > 0 && !rest.is_empty() {
            out.byte(b' ');
        }
    }
    Ok(())
}

fn parse_expires(s: &str) -> Result<u32, Error> {
    if s.is_empty() || s.len() > 6 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::MalformedHeader("X-Amz-Expires"));
    }
    let v: u32 = s.parse().map_err(|_| Error::MalformedHeader("X-Amz-Expires"))?;
    if v == 0 || v > MAX_PRESIGNED_EXPIRES_SECS {
        return Err(Error::MalformedHeader("X-Amz-Expires"));
    }
    Ok(v)
}

/// Parses `YYYYMMDDTHHMMSSZ`.
fn parse_amz_date(b: &[u8]) -> Result<Timestamp, Error> {
    let Ok(b) = <&[u8; 16]>::try_from(b) else {
        return Err(Error::MalformedTimestamp);
    };
    // Every position but 8 (`T`) and 15 (`Z`) a digit; all checked before any is used.
    let mut bad = (b[8] != b'T') | (b[15] != b'Z');
    let mut v = [0i64; 16];
    for (i, (&c, d)) in b.iter().zip(v.iter_mut()).enumerate() {
        let digit = c.wrapping_sub(b'0');
        bad |= digit > 9 && i != 8 && i != 15;
        *d = i64::from(digit);
    }
    if bad {
        return Err(Error::MalformedTimestamp);
    }
    let y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    let (mo, d) = (v[4] * 10 + v[5], v[6] * 10 + v[7]);
    let (h, mi, se) = (v[9] * 10 + v[10], v[11] * 10 + v[12], v[13] * 10 + v[14]);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(Error::MalformedTimestamp),
    };
    if d < 1 || d > mdays || h > 23 || mi > 59 || se > 59 {
        return Err(Error::MalformedTimestamp);
    }
    Ok(Timestamp::from_unix(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The word-at-a-time scans against their byte-by-byte rules, on bytes around every boundary
        /// they test (SP, `!`, DEL, `-`, `;`, letters, digits, non-ASCII).
        #[test]
        fn word_scans_agree_with_bytes(
            s in proptest::collection::vec(proptest::sample::select(
                b" !\x1f\x7f\x80\xff-;,/=&az09AZ:`{".to_vec()), 0..40),
            b in proptest::sample::select(b"/;,=&-".to_vec()),
        ) {
            proptest::prop_assert_eq!(find_byte(&s, b), s.iter().position(|&c| c == b));
            proptest::prop_assert_eq!(is_plain_header_value(&s), s.iter().all(|&c| c > b' ' && c != 0x7f));
            let simple = s.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b';');
            proptest::prop_assert_eq!(is_simple_header_list(&s), simple);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_amz_date(b"20150830T123600Z").unwrap().as_unix(), 1_440_938_160);
        assert_eq!(parse_amz_date(b"19700101T000000Z").unwrap().as_unix(), 0);
        assert_eq!(parse_amz_date(b"20240229T000000Z").unwrap().as_unix(), 1_709_164_800);
        for bad in ["20230229T000000Z", "20150830T243600Z", "20150830123600Z", "2015-08-30T12:36Z", "20151301T000000Z"]
        {
            assert!(parse_amz_date(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_and_encoding() {
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/example/.."), "/");
        assert_eq!(normalize_path("/./example"), "/example");
        assert_eq!(normalize_path("/a/b/../c/./d"), "/a/c/d");
        assert_eq!(normalize_path("/"), "/");
        for p in ["/", "/a", "/a/", "/a/b", "/a.b/c..d/"] {
            assert!(is_normal(p), "{p}");
            assert_eq!(normalize_path(p), p);
        }
        for p in ["//", "/a//b", "/./a", "/a/..", "/a/.", ""] {
            assert!(!is_normal(p), "{p}");
        }
        let mut s = Vec::new();
        encode_raw(b"/a b/%3A~", true, &mut s);
        assert_eq!(s, b"/a%20b/%253A~");
        let mut s = Vec::new();
        encode_once(b"a%7e%2fb+c/d", false, &mut s).unwrap();
        assert_eq!(s, b"a~%2Fb%2Bc%2Fd");
        assert!(encode_once(b"%zz", false, &mut Vec::new()).is_err());
        let mut s = Vec::new();
        push_header_value(b"  a \t  b\tc  ", &mut s).unwrap();
        assert_eq!(s, b"a b c");
        assert_eq!(push_header_value(b"a\nb", &mut s), Err(Error::ControlCharacter));
        assert_eq!(bsplit("a,b,,c,", b',').collect::<Vec<_>>(), ["a", "b", "", "c", ""]);
        assert_eq!(bsplit("", b',').collect::<Vec<_>>(), [""]);
        assert_eq!(bsplit_once("k=v=w", b'='), Some(("k", "v=w")));
        assert_eq!(bsplit_once("kv", b'='), None);
        for bad in ["0", "604801", "01", "-1", ""] {
            assert!(parse_expires(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_expires("604800").unwrap(), 604_800);
    }

    /// The fast forms checked against straightforward byte-at-a-time references.
    mod fast_paths {
        use super::super::*;
        use proptest::prelude::*;

        fn ref_pct(b: u8, out: &mut Vec<u8>) {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }

        fn ref_encode_raw(s: &[u8], keep_slash: bool) -> Vec<u8> {
            let mut out = Vec::new();
            for &b in s {
                if unreserved(b) || (keep_slash && b == b'/') { out.push(b) } else { ref_pct(b, &mut out) }
            }
            out
        }

        fn ref_encode_once(s: &[u8], keep_slash: bool) -> Option<Vec<u8>> {
            let (mut out, mut i) = (Vec::new(), 0);
            while let Some(&c) = s.get(i) {
                if c == b'%' {
                    let h = hexval(*s.get(i + 1)?)?;
                    let l = hexval(*s.get(i + 2)?)?;
                    let b = (h << 4) | l;
                    if unreserved(b) {
                        out.push(b)
                    } else {
                        ref_pct(b, &mut out)
                    }
                    i += 3;
                } else {
                    if unreserved(c) || (keep_slash && c == b'/') {
                        out.push(c)
                    } else {
                        ref_pct(c, &mut out)
                    }
                    i += 1;
                }
            }
            Some(out)
        }

        fn ref_header_value(v: &[u8]) -> Option<Vec<u8>> {
            if v.iter().any(|&b| is_ctl(b) && b != b'\t') {
                return None;
            }
            let (mut out, mut in_space) = (Vec::new(), false);
            for &b in v.trim_ascii() {
                if b == b' ' || b == b'\t' {
                    if !in_space {
                        out.push(b' ');
                    }
                    in_space = true;
                } else {
                    out.push(b);
                    in_space = false;
                }
            }
            Some(out)
        }

        /// Bytes biased toward what URI and header encoding care about.
        fn uri_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    6 => prop::sample::select(b"aZ09-_.~/%=&+ 2Fe7Ef\t".to_vec()),
                    1 => any::<u8>(),
                ],
                0..max,
            )
        }

        /// Query strings made of `name=value` pairs, mostly already canonical, sometimes not.
        fn query() -> impl Strategy<Value = String> {
            let part = prop_oneof![
                4 => "[A-Za-z0-9_.~-]{0,6}",
                2 => "([A-Za-z0-9]|%2F|%20|%3D|%2B|%26|%25){0,4}",
                1 => "([a-z]|%7e|%2f|%41|[+/ =!*]|%|%g1){0,4}",
            ];
            let pair = (
                part.clone(),
                prop::option::of(part),
                prop::sample::select(vec!["", "", "", "X-Amz-Signature", "X-Amz-Security-Token"]),
            )
                .prop_map(|(n, v, special)| {
                    let n = if special.is_empty() { n } else { special.to_owned() };
                    match v {
                        Some(v) => format!("{n}={v}"),
                        None => n,
                    }
                });
            prop::collection::vec(pair, 0..40).prop_map(|ps| ps.join("&"))
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

            #[test]
            fn run_based_encoders_match_references(s in uri_bytes(40), keep_slash in any::<bool>()) {
                let mut out = Vec::new();
                encode_raw(&s, keep_slash, &mut out);
                prop_assert_eq!(out, ref_encode_raw(&s, keep_slash));
                let mut out = Vec::new();
                let got = encode_once(&s, keep_slash, &mut out).ok().map(|()| out);
                prop_assert_eq!(got, ref_encode_once(&s, keep_slash));
                let mut out = Vec::new();
                let got = push_header_value(&s, &mut out).ok().map(|()| out);
                prop_assert_eq!(got, ref_header_value(&s));
            }

            /// The plain-path shortcut writes what the general encoders write, in every mode.
            #[test]
            fn canonical_uri_shortcut_matches_general(
                path in prop::collection::vec(prop::sample::select(b"/a.~-_Z9%2F/. .".to_vec()), 0..20),
                mode in prop::sample::select(vec![UriMode::S3, UriMode::EncodeWithoutNormalizing, UriMode::Standard]),
            ) {
                let path = String::from_utf8(path).unwrap();
                let (mut fast, mut general) = (Vec::new(), Vec::new());
                let got = canonical_uri(&path, mode, &mut fast).map(|()| fast);
                let p = if path.is_empty() { "/" } else { path.as_str() };
                let want = canonical_uri_general(p, mode, &mut general).map(|()| general);
                prop_assert_eq!(got, want);
            }

            /// Whenever the in-place sort applies, it writes what the general path writes.
            #[test]
            fn sorted_in_place_query_matches_general(q in query(), signature in any::<bool>(), token in any::<bool>()) {
                let skip = Skip { signature, token: signature && token };
                let mut general = Vec::new();
                let general_ok = canonical_query(&q, skip, &mut general);
                let mut fast = Vec::new();
                if canonical_query_sorted_in_place(&q, skip, &mut fast).unwrap() {
                    prop_assert_eq!(general_ok, Ok(()));
                    prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&general));
                } else {
                    prop_assert!(fast.is_empty());
                }
            }

            /// A target written in one piece is what the general path writes: canonical URI, line
            /// break, canonical query.
            #[test]
            fn verbatim_target_matches_general(
                path in prop_oneof![
                    2 => prop::collection::vec(prop::sample::select(b"/a.~-_Z9%2F/. .".to_vec()), 0..12)
                        .prop_map(|p| String::from_utf8(p).unwrap()),
                    3 => "(/[A-Za-z0-9~_.-]{1,5}){1,3}/?",
                ],
                q in prop_oneof![
                    query(),
                    prop::collection::vec(("([A-Za-z0-9_.~-]|%2F|%20){0,4}", "([A-Za-z0-9_.~-]|%2F|%3D){0,4}"), 1..6)
                        .prop_map(|ps| ps.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")),
                ],
                sort in any::<bool>(),
                mode in prop::sample::select(vec![UriMode::S3, UriMode::EncodeWithoutNormalizing, UriMode::Standard]),
                signature in any::<bool>(),
                token in any::<bool>(),
            ) {
                let q = if sort {
                    let mut parts: Vec<&str> = q.split('&').collect();
                    parts.sort_by(|a, b| split_pair(a).cmp(&split_pair(b)));
                    parts.join("&")
                } else {
                    q
                };
                let skip = Skip { signature, token: signature && token };
                let mut index = QueryIndex::new();
                index.scan(&q, |_, _| Ok(())).unwrap();
                let whole = if q.is_empty() { path.clone() } else { format!("{path}?{q}") };
                let t = Target { whole: &whole, path: &path, query: &q, index: &index };
                let mut fast = Vec::new();
                let got = write_target(&t, mode, skip, &mut fast).map(|()| fast);
                let mut general = Vec::new();
                let want = canonical_uri(&path, mode, &mut general)
                    .and_then(|()| {
                        general.push(b'\n');
                        canonical_query(&q, skip, &mut general)
                    })
                    .map(|()| general);
                prop_assert_eq!(got, want);
                // The staged cursor writes the same bytes as the buffer.
                if uri_is_verbatim(&path, mode) && index.is_verbatim(&q, skip) {
                    let mut h = HashingSink::new();
                    h.scoped(|c| write_target(&t, mode, skip, c)).unwrap();
                    let mut v = Vec::new();
                    write_target(&t, mode, skip, &mut v).unwrap();
                    let (got, want) = (h.finish(), digest::digest(&digest::SHA256, &v));
                    prop_assert_eq!(got.as_ref(), want.as_ref());
                }
            }

            /// The in-place index finds sorted canonical queries verbatim.
            #[test]
            fn sorted_canonical_queries_are_verbatim(pairs in prop::collection::vec(("[A-Za-z0-9_.~-]{1,6}", "[A-Za-z0-9_.~-]{0,6}"), 1..10)) {
                let mut pairs = pairs;
                pairs.sort();
                let q = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&");
                let mut index = QueryIndex::new();
                index.scan(&q, |_, _| Ok(())).unwrap();
                prop_assert!(index.is_verbatim(&q, Skip { signature: false, token: false }), "{}", q);
            }

            /// The staged SHA-256 equals the SHA-256 of the same writes collected in a buffer.
            #[test]
            fn hashing_sink_matches_buffer(writes in prop::collection::vec(prop_oneof![1 => prop::collection::vec(any::<u8>(), 0..700), 2 => prop::collection::vec(any::<u8>(), 1..2)], 0..24)) {
                let (mut h, mut v) = (HashingSink::new(), Vec::new());
                for w in &writes {
                    h.put(w);
                    v.put(w);
                }
                prop_assert_eq!(h.written(), v.len());
                let (got, want) = (h.finish(), digest::digest(&digest::SHA256, &v));
                prop_assert_eq!(got.as_ref(), want.as_ref());
                // The same writes through the cursor (one-byte writes as `byte`).
                let mut h = HashingSink::new();
                let written = h.scoped(|c| {
                    for w in &writes {
                        match w.as_slice() {
                            [b] => c.byte(*b),
                            w => c.put(w),
                        }
                    }
                    c.written()
                });
                prop_assert_eq!(written, v.len());
                let got = h.finish();
                prop_assert_eq!(got.as_ref(), want.as_ref());
            }
        }

        #[test]
        fn in_place_sort_applies_to_canonical_queries() {
            let skip = Skip { signature: false, token: false };
            let mut out = Vec::new();
            assert!(canonical_query_sorted_in_place("b=2&a=%2F&a=1&c", skip, &mut out).unwrap());
            assert_eq!(out, b"a=%2F&a=1&b=2&c=");
            for not_canonical in ["a=%2f", "a=%7E", "a=b+c", "a=/", "a=b=c", "a=%zz"] {
                assert!(
                    !canonical_query_sorted_in_place(not_canonical, skip, &mut Vec::new()).unwrap(),
                    "{not_canonical}"
                );
            }
        }
    }

    /// Once the signing key is cached, the header form allocates nothing (also when rejecting).
    #[test]
    fn header_form_does_not_allocate() {
        use auth_core::Headers;
        use auth_testkit::hmac as mint;
        let p = mint::SigV4Params::AWS_EXAMPLE;
        let v = SigV4Verifier::new().with_credential("AKIDEXAMPLE", p.secret, None).unwrap();
        let now = Timestamp::from_unix(1_440_938_160);
        let (t, h) = mint::sigv4_header_request(
            &p,
            "POST",
            "example.amazonaws.com",
            "/v1/items/42",
            &[("max-items", "10"), ("filter", "a b"), ("Action", "List")],
            &[("content-type", "application/json"), ("x-amz-meta-trace", "a  b   c")],
            b"{}",
        );
        let pairs: Vec<(&str, &[u8])> = h.iter().map(|(n, v)| (n.as_str(), v.as_bytes())).collect();
        let req = RequestView::new("POST", &t, Headers::from_pairs(&pairs), b"{}");
        let tampered = RequestView::new("POST", &t, Headers::from_pairs(&pairs), b"{ }");
        v.verify(&req, now).unwrap();
        let info = allocation_counter::measure(|| {
            let ok = v.verify(&req, now).unwrap();
            assert!(matches!(ok.access_key_id, Cow::Borrowed("AKIDEXAMPLE")));
            assert_eq!(v.verify(&tampered, now), Err(Error::DigestMismatch));
        });
        assert_eq!(info.count_total, 0, "SigV4 verify allocated {info:?}");
    }

    /// The string to sign reaches the HMAC as the same bytes whether it fits the stack buffer or not.
    #[test]
    fn string_to_sign_fits_or_streams() {
        use ring::hmac;
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"k");
        for backend in [hash::Backend::Blocks, hash::Backend::Ring] {
            let mac_key = HmacKey::with_backend(hmac::HMAC_SHA256, b"k", backend);
            for scope_len in [0usize, 10, 128, 200, 300] {
                let scope = vec![b's'; scope_len];
                let hash = [0xa5u8; 32];
                let parts: [&[u8]; 7] =
                    [b"AWS4-HMAC-SHA256", b"\n", b"20150830T123600Z", b"\n", &scope, b"\n", &[b'a', b'5'].repeat(32)];
                let tag = sign_string_to_sign(&mac_key, b"20150830T123600Z", &scope, &hash);
                assert_eq!(
                    tag.as_ref(),
                    hmac::sign(&key, &parts.concat()).as_ref(),
                    "{backend:?}, scope of {scope_len}"
                );
            }
        }
    }

    mod find {
        use super::super::find_byte;
        use proptest::prelude::*;

        /// `YYYYMMDDTHHMMSSZ` through the standard library's parsing and `days_from_civil`.
        fn reference_amz_date(s: &[u8]) -> Option<auth_core::Timestamp> {
            let s = std::str::from_utf8(s).ok()?;
            if s.len() != 16 || &s[8..9] != "T" || &s[15..] != "Z" {
                return None;
            }
            let num = |r: std::ops::Range<usize>| -> Option<i64> {
                let t = &s[r];
                t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok()).flatten()
            };
            let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
            let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let mdays = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            if !(1..=12).contains(&mo) || d < 1 || d > mdays[(mo - 1) as usize] || h > 23 || mi > 59 || se > 59 {
                return None;
            }
            let days = super::super::days_from_civil(y, mo, d);
            Some(auth_core::Timestamp::from_unix(days * 86_400 + h * 3600 + mi * 60 + se))
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

            /// The word-at-a-time check agrees with a byte-at-a-time one.
            #[test]
            fn plain_header_value_matches_bytes(
                v in prop::collection::vec(prop_oneof![3 => 0x1fu8..=0x22, 1 => prop::sample::select(vec![0u8, 9, 0x7e, 0x7f, 0x80, 0xff]), 4 => any::<u8>(), 24 => 0x21u8..0x7f], 0..70),
            ) {
                prop_assert_eq!(super::super::is_plain_header_value(&v), v.iter().all(|&b| b > b' ' && b != 0x7f));
            }

            /// The word-at-a-time name comparison answers what `eq_ignore_ascii_case` answers against a
            /// name without upper-case letters.
            #[test]
            fn name_is_matches_eq_ignore_ascii_case(
                name in prop::collection::vec(prop_oneof![4 => prop::sample::select(b"aAzZ-@[`{0\x80\xc1\xe1\xfa".to_vec()), 1 => any::<u8>()], 0..24),
                flips in prop::collection::vec(any::<bool>(), 24),
                other in prop::collection::vec(any::<u8>(), 0..24),
            ) {
                let lower = name.to_ascii_lowercase();
                // The same name with some letters' case flipped, and an unrelated one.
                let flipped: Vec<u8> = name.iter().zip(&flips).map(|(&b, &f)| if f && b.is_ascii_alphabetic() { b ^ 0x20 } else { b }).collect();
                for candidate in [&name, &flipped, &other] {
                    prop_assert_eq!(crate::util::name_is(candidate, &lower), candidate.eq_ignore_ascii_case(&lower));
                }
                let other_lower = other.to_ascii_lowercase();
                prop_assert_eq!(crate::util::name_is(&name, &other_lower), name.eq_ignore_ascii_case(&other_lower));
            }

            /// Whenever the layout fast path reads an `Authorization` value, the general parser reads the
            /// same values from it.
            #[test]
            fn authorization_fast_path_matches_general(
                parts in (0usize..3).prop_flat_map(|_| {
                    let sep = prop_oneof![4 => prop::sample::select(vec![",", ", "]), 1 => prop::sample::select(vec!["", " ", "  ", " ,", ",  ", " , "])];
                    let value = prop_oneof![
                        4 => prop::sample::select(vec!["AKID/20150830/us-east-1/service/aws4_request", "host;x-amz-date"]),
                        4 => Just("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                        2 => prop::sample::select(vec!["a b", " x", "x ", "", "=", "a,b", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF"]),
                    ];
                    let key = |want: &'static str| prop_oneof![
                        6 => Just(want),
                        1 => prop::sample::select(vec!["Credential=", "SignedHeaders=", "Signature=", "Signature", "Other=", "credential=", ""]),
                    ];
                    (
                        (sep.clone(), key("Credential="), value.clone()),
                        (sep.clone(), key("SignedHeaders="), value.clone()),
                        (sep.clone(), key("Signature="), value.clone()),
                        prop::option::weighted(0.2, (sep, key("Other="), value)),
                    )
                }).prop_map(|(a, b, c, d)| {
                    let mut v = vec![a, b, c];
                    v.extend(d);
                    v
                }),
                prefix in prop::sample::select(vec!["AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256  ", "AWS4-HMAC-SHA1 "]),
            ) {
                let mut auth = prefix.to_owned();
                for (i, (sep, key, value)) in parts.iter().enumerate() {
                    if i > 0 {
                        auth.push_str(sep);
                    }
                    auth.push_str(key);
                    auth.push_str(value);
                }
                if let Some(fast) = super::super::parse_authorization_fast(&auth) {
                    if fast.2.contains(',') {
                        prop_assert!(super::super::parse_authorization(&auth).is_err());
                    } else {
                        prop_assert_eq!(Ok(fast), super::super::parse_authorization(&auth));
                    }
                }
            }

            /// The fast path reads what SDKs send.
            #[test]
            fn authorization_fast_path_reads_sdk_layout(space in any::<bool>(), sig in prop::collection::vec(any::<u8>(), 32)) {
                let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
                let sep = if space { ", " } else { "," };
                let auth = format!("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request{sep}SignedHeaders=host;x-amz-date{sep}Signature={hex}");
                let got = super::super::parse_authorization_fast(&auth).unwrap();
                prop_assert_eq!(got, ("AKID/20150830/us-east-1/iam/aws4_request", "host;x-amz-date", hex.as_str()));
            }

            /// The byte-loop comparison orders as slices do.
            #[test]
            fn bytes_cmp_matches_slices(a in prop::collection::vec(0u8..4, 0..6), b in prop::collection::vec(0u8..4, 0..6)) {
                prop_assert_eq!(super::super::bytes_cmp(&a, &b), a.cmp(&b));
                prop_assert_eq!(super::super::bytes_lt(&a, &b), a < b);
            }

            /// The word-at-a-time alphabet check agrees with a byte-at-a-time one.
            #[test]
            fn simple_header_list_matches_bytes(
                v in prop::collection::vec(prop_oneof![6 => prop::sample::select(b"az09-;`{/:,<AZ_\x80\xad\xbb\xe1\x00".to_vec()), 1 => any::<u8>()], 0..40),
            ) {
                let want = v.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b';');
                prop_assert_eq!(super::super::is_simple_header_list(&v), want);
            }

            /// The date parser agrees with a straightforward one on near-valid dates.
            #[test]
            fn amz_date_matches_reference(
                s in prop::collection::vec(prop_oneof![8 => prop::sample::select(b"0123456789".to_vec()), 1 => prop::sample::select(b"TZ/:\x00\xff".to_vec())], 15..=17),
                t in any::<bool>(),
            ) {
                let mut s = s;
                if t && s.len() == 16 {
                    s[8] = b'T';
                    s[15] = b'Z';
                }
                prop_assert_eq!(super::super::parse_amz_date(&s).ok(), reference_amz_date(&s));
            }

            /// The word-at-a-time search finds what the byte-at-a-time search finds.
            #[test]
            fn find_byte_matches_position(
                s in prop::collection::vec(prop_oneof![3 => prop::sample::select(b",;&=/?\x00\x01\x80\xff".to_vec()), 1 => any::<u8>()], 0..40),
                b in prop::sample::select(b",;&=/?\x00\x01\x80\xff".to_vec()),
            ) {
                prop_assert_eq!(find_byte(&s, b), s.iter().position(|&c| c == b));
            }
        }
    }
}
