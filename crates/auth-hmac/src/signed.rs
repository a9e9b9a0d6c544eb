//! The signed-request scheme: `X-API-Key`, `X-Timestamp`, `X-Nonce`, `X-Signature`.
//!
//! ## Wire format (as clients already sign it)
//!
//! ```text
//! X-API-Key:   <key id>
//! X-Timestamp: <decimal Unix seconds>
//! X-Nonce:     <nonce>
//! X-Signature: lowercase hex of HMAC-SHA256(secret, METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" BODY)
//! ```
//!
//! `PATH` is the request target exactly as on the request line (path and query, still
//! percent-encoded, as [`RequestView::target`] returns it); `BODY` is the raw body bytes.
//!
//! ## What the verifier hardens
//!
//! - **No control bytes** (CR, LF, HTAB, other C0, DEL) in the method, target, timestamp or nonce:
//!   with a newline in a field, two different requests could sign the same bytes.
//! - **Canonical fields:** the timestamp is 1 to 10 decimal digits without sign or leading zero; the
//!   nonce is [`MIN_NONCE_LEN`]..=[`MAX_NONCE_LEN`] bytes of `A-Z a-z 0-9 - _ . ~`; the signature is
//!   exactly 64 lowercase hex digits (uppercase, odd length, short or empty values are refused).
//! - **A window in both directions:** the timestamp must be within ±`window` seconds of `now`
//!   (default [`DEFAULT_WINDOW_SECS`]), so neither old nor far-future requests pass.
//! - **Replay:** after the MAC verifies (never before, so nobody can pre-claim nonces with forged
//!   requests), the nonce is recorded in the caller's [`ReplayGuard`] under the namespace of the key id,
//!   until the timestamp leaves the window; a second use inside the window is `replayed`.
//! - **Rotation:** a key id may have several live secrets ([`KeyStore`]).
//! - The body is streamed into the HMAC right after the other fields (which are gathered, with the
//!   body's first bytes up to a SHA-256 block boundary, in a small stack buffer): the body is never
//!   copied whole and nothing is allocated.
//! - The computed MAC is compared in constant time with the signature as spelled (lowercase hex), so
//!   an accepted signature is never decoded; a refused one is decoded to tell `malformed_signature`
//!   from `bad_signature`.
//!
//! ## What the format does not bind
//!
//! The MAC covers the method, the request target, the timestamp, the nonce and the body, and nothing
//! else. It does **not** bind:
//! - the **host** (`Host`/`:authority`) or scheme: a request signed for one host verifies on any other
//!   host that shares the key;
//! - the **key id** itself (`X-API-Key` is not in the signed bytes; it only selects the secret — a
//!   different key id with the same secret would verify too, so never share secrets across key ids);
//! - **any other header**, such as `Content-Type` or `Content-Encoding`: a body can be re-labelled;
//! - the **query string** only insofar as the client signs the full target: the verifier signs the
//!   target as received, so a proxy that rewrites or re-encodes the query breaks verification, and a
//!   client that signs only the path while sending a query will not verify.
//!
//! New integrations should prefer RFC 9421 HTTP Message Signatures ([`crate::rfc9421`]), which names
//! its covered components, binds `@authority` and headers explicitly, and carries `keyid`/`alg` in the
//! signed parameters.

use crate::Error;
use crate::keys::{KeyStore, is_valid_key_id};
use crate::util::{check_window, hex_lower_exact, hex_matches_ct, is_ctl, name_is, parse_unix};
use auth_core::bytes::copy_short;
use auth_core::hash::{HmacContext, HmacKey};
use auth_core::header::is_tchar;
use auth_core::{Identity, ReplayGuard, RequestView, Scheme, Timestamp};

/// Default half-width of the timestamp window, in seconds (±5 minutes).
pub const DEFAULT_WINDOW_SECS: u32 = 300;
/// The widest window a verifier may be configured with, in seconds (±1 hour).
pub const MAX_WINDOW_SECS: u32 = 3600;
/// The shortest nonce accepted, in bytes.
pub const MIN_NONCE_LEN: usize = 8;
/// The longest nonce accepted, in bytes.
pub const MAX_NONCE_LEN: usize = 128;

/// Header names of the scheme.
pub mod headers {
    /// The key id header.
    pub const API_KEY: &str = "x-api-key";
    /// The timestamp header.
    pub const TIMESTAMP: &str = "x-timestamp";
    /// The nonce header.
    pub const NONCE: &str = "x-nonce";
    /// The signature header.
    pub const SIGNATURE: &str = "x-signature";
}

/// The scheme's header names (the property tests draw names from them).
#[cfg(test)]
const NAMES: [&str; 4] = [headers::API_KEY, headers::TIMESTAMP, headers::NONCE, headers::SIGNATURE];

/// A prepared verifier for the signed-request scheme.
#[derive(Debug, Clone)]
pub struct SignedRequestVerifier {
    keys: KeyStore,
    window: u32,
}

/// A verified signed request. Borrows from the request; converts into an [`Identity`].
///
/// The key id and nonce are kept as the request's bytes (checked to be ASCII by
/// [`SignedRequestVerifier::verify`]) and read as text through [`key_id`](Self::key_id) and
/// [`nonce`](Self::nonce), so a caller that does not need them pays nothing for the conversion.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedRequestVerified<'a> {
    key_id: &'a [u8],
    /// The signed timestamp.
    pub timestamp: Timestamp,
    nonce: &'a [u8],
    /// Which of the key id's secrets matched (0 = first configured), useful to watch a rotation.
    pub secret_index: usize,
}

impl<'a> SignedRequestVerified<'a> {
    /// The key id that signed (`X-API-Key`): 1 to [`crate::keys::MAX_KEY_ID_LEN`] visible ASCII bytes.
    #[must_use]
    pub fn key_id(&self) -> &'a str {
        // Checked as visible ASCII before the request was accepted, so this never falls back.
        core::str::from_utf8(self.key_id).unwrap_or_default()
    }

    /// The nonce, now recorded in the replay guard: [`MIN_NONCE_LEN`]..=[`MAX_NONCE_LEN`] bytes of
    /// `A-Z a-z 0-9 - _ . ~`.
    #[must_use]
    pub fn nonce(&self) -> &'a str {
        // Checked against the nonce alphabet before the request was accepted.
        core::str::from_utf8(self.nonce).unwrap_or_default()
    }

    /// An [`Identity`] with the key id as subject and `key_id` / `secret_index` attributes.
    #[must_use]
    pub fn identity(&self) -> Identity {
        Identity::new(Scheme::Hmac, self.key_id())
            .with_attribute("key_id", self.key_id())
            .with_attribute("hmac_scheme", "signed_request")
            .with_attribute("secret_index", self.secret_index.to_string())
    }
}

impl core::fmt::Debug for SignedRequestVerified<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignedRequestVerified")
            .field("key_id", &self.key_id())
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce())
            .field("secret_index", &self.secret_index)
            .finish()
    }
}

impl SignedRequestVerifier {
    /// A verifier over `keys` with the default ±[`DEFAULT_WINDOW_SECS`] window.
    #[must_use]
    pub fn new(keys: KeyStore) -> Self {
        Self { keys, window: DEFAULT_WINDOW_SECS }
    }

    /// Sets the half-width of the timestamp window in seconds.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `secs` is 0 or above [`MAX_WINDOW_SECS`].
    pub fn with_window(mut self, secs: u32) -> Result<Self, Error> {
        if secs == 0 || secs > MAX_WINDOW_SECS {
            return Err(Error::InvalidKey("window out of range"));
        }
        self.window = secs;
        Ok(self)
    }

    /// The configured window half-width in seconds.
    #[must_use]
    pub const fn window(&self) -> u32 {
        self.window
    }

    /// The key store.
    #[must_use]
    pub const fn keys(&self) -> &KeyStore {
        &self.keys
    }

    /// Verifies `req` at `now`, recording its nonce in `guard` once the MAC verifies.
    ///
    /// Checks, in order: headers present once each and well-formed, no control bytes in signed fields,
    /// key id known, MAC (constant-time, any live secret), timestamp window, then the replay guard.
    ///
    /// # Errors
    /// [`Error`]: `missing_credentials` (neither `X-API-Key` nor `X-Signature`), `missing_header`,
    /// `duplicate_header`, `malformed_header`, `control_character`,
    /// `malformed_timestamp`, `invalid_nonce`, `malformed_signature`, `unknown_key`, `bad_signature`,
    /// `stale_timestamp`, `future_timestamp`, or the guard's reason (`replayed`, …).
    pub fn verify<'a, G: ReplayGuard + ?Sized>(
        &self,
        req: &RequestView<'a>,
        now: Timestamp,
        guard: &G,
    ) -> Result<SignedRequestVerified<'a>, Error> {
        // One pass over the fields collects the four the scheme uses (and notices repeats), each in its
        // own variable so they stay in registers.
        let [mut key_id, mut ts_raw, mut nonce, mut sig]: [Option<&'a [u8]>; 4] = [None; 4];
        for (name, value) in req.headers().iter() {
            let name = name.as_bytes();
            match name.len() {
                9 if name_is(name, headers::API_KEY.as_bytes()) => keep(&mut key_id, value, headers::API_KEY)?,
                11 if name_is(name, headers::TIMESTAMP.as_bytes()) => keep(&mut ts_raw, value, headers::TIMESTAMP)?,
                7 if name_is(name, headers::NONCE.as_bytes()) => keep(&mut nonce, value, headers::NONCE)?,
                11 if name_is(name, headers::SIGNATURE.as_bytes()) => keep(&mut sig, value, headers::SIGNATURE)?,
                _ => {}
            }
        }
        if key_id.is_none() && sig.is_none() {
            return Err(Error::MissingCredentials);
        }
        let key_id = key_id.ok_or(Error::MissingHeader(headers::API_KEY))?;
        let ts_raw = ts_raw.ok_or(Error::MissingHeader(headers::TIMESTAMP))?;
        let nonce = nonce.ok_or(Error::MissingHeader(headers::NONCE))?;
        let sig = sig.ok_or(Error::MissingHeader(headers::SIGNATURE))?;

        let method = req.method().as_bytes();
        let target = req.target().as_bytes();
        let body = req.body();
        let timestamp = check_fields(method, target, key_id, ts_raw, nonce)?;
        let secrets = self.keys.get_bytes(key_id);
        let mut buf = [0u8; HEAD_BUF_LEN];
        let head = join_head(&[method, target, ts_raw, nonce], body, &mut buf);
        let mac_matches = |key: &HmacKey| {
            let mut ctx = HmacContext::new(key);
            if let Some((head, rest)) = head {
                ctx.update(head);
                ctx.update(rest);
            } else {
                for part in [method, target, ts_raw, nonce] {
                    ctx.update(part);
                    ctx.update(b"\n");
                }
                ctx.update(body);
            }
            hex_matches_ct(ctx.sign().as_ref(), sig)
        };
        // The MAC is compared in its lowercase hex spelling, so the signature is not decoded on the way
        // to an accepted request: equal to a valid spelling, it is one. Otherwise it is decoded to tell a
        // malformed signature from a wrong one, before the key id is judged (the documented order).
        // Rotation: the live secrets are tried in order.
        let found = match secrets {
            Some(s) => s.keys().iter().position(mac_matches),
            None => None,
        };
        let Some(secret_index) = found else {
            hex_lower_exact::<32>(sig)?;
            return Err(if secrets.is_some() { Error::BadSignature } else { Error::UnknownKey });
        };

        check_window(timestamp, now, self.window)?;
        // Keep the nonce until the timestamp leaves the window: accepted up to ts + window inclusive.
        let until = timestamp.saturating_add_secs(i64::from(self.window) + 1);
        guard.check_and_record(key_id, nonce, until, now)?;
        Ok(SignedRequestVerified { key_id, timestamp, nonce, secret_index })
    }
}

/// Puts a field's value in its slot, refusing a second one (`duplicate_header`).
#[inline(always)]
fn keep<'a>(slot: &mut Option<&'a [u8]>, value: &'a [u8], name: &'static str) -> Result<(), Error> {
    if slot.replace(value).is_some() { Err(Error::DuplicateHeader(name)) } else { Ok(()) }
}

/// Stack buffer for the signed fields before the body (method, target, timestamp, nonce, newlines) and
/// the first body bytes after them: four SHA-256 blocks.
const HEAD_BUF_LEN: usize = 256;
/// The SHA-256 block size.
const BLOCK: usize = 64;

/// `parts`, each followed by `\n`, then the first bytes of `body` up to the next block boundary, copied
/// into `buf`; with the rest of `body`. `None` when the parts do not fit.
///
/// The head is a whole number of blocks (unless the body ends first), so the HMAC hashes it straight
/// from `buf` and the rest straight from the body: nothing is staged in the digest's own buffer.
fn join_head<'b, 'r>(parts: &[&[u8]], body: &'r [u8], buf: &'b mut [u8; HEAD_BUF_LEN]) -> Option<(&'b [u8], &'r [u8])> {
    let mut n = 0;
    for part in parts {
        let end = n + part.len();
        copy_short(buf.get_mut(n..end)?, part);
        *buf.get_mut(end)? = b'\n';
        n = end + 1;
    }
    let take = (n.next_multiple_of(BLOCK) - n).min(body.len());
    let (first, rest) = body.split_at_checked(take)?;
    copy_short(buf.get_mut(n..n + take)?, first);
    Some((buf.get(..n + take)?, rest))
}

/// Checks the method, target, key id, timestamp and nonce and parses the timestamp.
///
/// The common case (every field well-formed) is one pass per field, eight bytes at a time where the
/// class is a byte range ([`all_words`]), a table lookup per byte otherwise; anything else goes through
/// [`check_fields_in_order`], which names the first failure. Both agree on every input (a property test
/// checks it).
fn check_fields(method: &[u8], target: &[u8], key_id: &[u8], ts: &[u8], nonce: &[u8]) -> Result<Timestamp, Error> {
    use crate::util::{all_in, class};
    let well_formed = !method.is_empty()
        && all_in(method, class::TCHAR)
        && !target.is_empty()
        && all_words(target, class::NOT_CTL, swar::ctl)
        && all_words(ts, class::DIGIT, swar::not_digit)
        && (MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len())
        && all_in(nonce, class::NONCE)
        && !key_id.is_empty()
        && key_id.len() <= crate::keys::MAX_KEY_ID_LEN
        && all_words(key_id, class::VISIBLE, swar::not_visible)
        && crate::util::canonical_decimal_shape(ts);
    if well_formed {
        // Canonical digits, checked above: at most ten of them fit an i64.
        Ok(Timestamp::from_unix(crate::util::decimal_value(ts)))
    } else {
        check_fields_in_order(method, target, key_id, ts, nonce)
    }
}

/// Whether every byte of `s` is in `class`, where `bad` marks (top bit of each byte) the bytes of a
/// little-endian word outside it: eight bytes at a time, the last word overlapping the one before;
/// slices shorter than a word go to the table. The same answer as [`crate::util::all_in`].
///
/// Fields of 8 to 16 bytes (most key ids, timestamps, nonces, short targets) are two words, the first
/// and the last, with no loop to set up.
fn all_words(s: &[u8], class: u8, bad: fn(u64) -> u64) -> bool {
    let n = s.len();
    let word = |c: &[u8]| <[u8; 8]>::try_from(c).map_or(u64::MAX, u64::from_le_bytes);
    let at = |i: usize| s.get(i..i + 8).map_or(u64::MAX, word);
    match n {
        0..8 => crate::util::all_in(s, class),
        8..=16 => bad(at(0)) | bad(at(n - 8)) == 0,
        _ => s.chunks_exact(8).fold(bad(at(n - 8)), |acc, c| acc | bad(word(c))) == 0,
    }
}

/// Byte-range tests on eight bytes at once. With the top bit of each byte cleared, adding `0x80 - lo`
/// sets a byte's top bit exactly when it is `>= lo`, and no addition carries into the next byte.
mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = ONES * 0x80;

    /// Top bit set in each byte of `x` outside `lo..=hi` (an ASCII range, `lo >= 1`).
    const fn outside(x: u64, lo: u8, hi: u8) -> u64 {
        let y = x & !HI;
        let ge_lo = y + ONES * (0x80 - lo as u64);
        let gt_hi = y + ONES * (0x7f - hi as u64);
        (!(ge_lo & !gt_hi) | x) & HI
    }

    /// Control bytes (C0 and DEL); bytes from 0x80 up are not.
    pub(super) const fn ctl(x: u64) -> u64 {
        let y = x & !HI;
        let ge_space = y + ONES * 0x60;
        let del = y + ONES;
        (!ge_space | del) & !x & HI
    }

    /// Bytes that are not ASCII digits.
    pub(super) const fn not_digit(x: u64) -> u64 {
        outside(x, b'0', b'9')
    }

    /// Bytes that are not visible ASCII (`0x21..=0x7e`).
    pub(super) const fn not_visible(x: u64) -> u64 {
        outside(x, 0x21, 0x7e)
    }
}

/// The field checks one by one, in the documented order, so the error names the first failure.
fn check_fields_in_order(
    method: &[u8],
    target: &[u8],
    key_id: &[u8],
    ts_raw: &[u8],
    nonce: &[u8],
) -> Result<Timestamp, Error> {
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
        return Err(if method.iter().any(|&b| is_ctl(b)) { Error::ControlCharacter } else { Error::InvalidRequest });
    }
    if target.is_empty() {
        return Err(Error::InvalidRequest);
    }
    if target.iter().any(|&b| is_ctl(b)) || ts_raw.iter().any(|&b| is_ctl(b)) || nonce.iter().any(|&b| is_ctl(b)) {
        return Err(Error::ControlCharacter);
    }
    if !is_valid_key_id(key_id) {
        return Err(if key_id.iter().any(|&b| is_ctl(b)) {
            Error::ControlCharacter
        } else {
            Error::MalformedHeader(headers::API_KEY)
        });
    }
    let timestamp = parse_unix(ts_raw)?;
    if nonce.len() < MIN_NONCE_LEN
        || nonce.len() > MAX_NONCE_LEN
        || !nonce.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    {
        return Err(Error::InvalidNonce);
    }
    Ok(timestamp)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use auth_core::{Headers, MemoryReplayGuard, Reject};
    use ring::hmac;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const T: i64 = 1_700_000_000;

    fn sign(secret: &[u8], method: &str, target: &str, ts: &str, nonce: &str, body: &[u8]) -> String {
        let mut m = format!("{method}\n{target}\n{ts}\n{nonce}\n").into_bytes();
        m.extend_from_slice(body);
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), &m);
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    fn verifier() -> SignedRequestVerifier {
        SignedRequestVerifier::new(KeyStore::new().with("k1", &[b"new-secret-0123456789", SECRET]).unwrap())
    }

    fn run(
        v: &SignedRequestVerifier,
        g: &MemoryReplayGuard,
        method: &str,
        target: &str,
        hs: &[(&str, &[u8])],
        body: &[u8],
        now: i64,
    ) -> Result<usize, Error> {
        let req = RequestView::new(method, target, Headers::from_pairs(hs), body);
        v.verify(&req, Timestamp::from_unix(now), g).map(|ok| ok.secret_index)
    }

    #[test]
    fn accepts_then_refuses_replay_and_attacks() {
        let v = verifier();
        let g = MemoryReplayGuard::new(64);
        let ts = T.to_string();
        let sig = sign(SECRET, "POST", "/v1/items?a=1", &ts, "nonce-0001", b"{}");
        let hs: &[(&str, &[u8])] = &[
            ("X-API-Key", b"k1"),
            ("X-Timestamp", ts.as_bytes()),
            ("X-Nonce", b"nonce-0001"),
            ("X-Signature", sig.as_bytes()),
        ];
        // Second configured secret matches (rotation).
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=1", hs, b"{}", T), Ok(1));
        assert_eq!(
            run(&v, &g, "POST", "/v1/items?a=1", hs, b"{}", T + 10).unwrap_err().rejection().reason(),
            "replayed"
        );
        // Tampering with each signed part.
        let g = MemoryReplayGuard::new(64);
        assert_eq!(run(&v, &g, "PUT", "/v1/items?a=1", hs, b"{}", T), Err(Error::BadSignature));
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=2", hs, b"{}", T), Err(Error::BadSignature));
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=1", hs, b"{ }", T), Err(Error::BadSignature));
        // Window, both directions; the nonce is still free because the MAC verified but time did not.
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=1", hs, b"{}", T + 301), Err(Error::StaleTimestamp));
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=1", hs, b"{}", T - 301), Err(Error::FutureTimestamp));
        assert_eq!(run(&v, &g, "POST", "/v1/items?a=1", hs, b"{}", T + 300), Ok(1));
    }

    #[test]
    fn bad_mac_does_not_claim_the_nonce() {
        let v = verifier();
        let g = MemoryReplayGuard::new(64);
        let ts = T.to_string();
        let good = sign(SECRET, "GET", "/", &ts, "nonce-claim", b"");
        let forged = sign(b"attacker-secret-0000", "GET", "/", &ts, "nonce-claim", b"");
        let mk = |sig: &str| {
            vec![
                ("x-api-key", b"k1".to_vec()),
                ("x-timestamp", ts.clone().into_bytes()),
                ("x-nonce", b"nonce-claim".to_vec()),
                ("x-signature", sig.as_bytes().to_vec()),
            ]
        };
        let (f, ok) = (mk(&forged), mk(&good));
        let f: Vec<(&str, &[u8])> = f.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        let ok: Vec<(&str, &[u8])> = ok.iter().map(|(n, v)| (*n, v.as_slice())).collect();
        assert_eq!(run(&v, &g, "GET", "/", &f, b"", T), Err(Error::BadSignature));
        assert_eq!(run(&v, &g, "GET", "/", &f, b"", T), Err(Error::BadSignature));
        assert_eq!(run(&v, &g, "GET", "/", &ok, b"", T), Ok(1));
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn malformed_inputs() {
        let v = verifier();
        let g = MemoryReplayGuard::new(64);
        let ts = T.to_string();
        let sig = sign(SECRET, "GET", "/", &ts, "nonce-0002", b"");
        let upper = sig.to_uppercase();
        let cases: Vec<(Vec<(&str, &[u8])>, &str, Error)> = vec![
            (vec![("x-timestamp", ts.as_bytes())], "/", Error::MissingCredentials),
            (
                vec![("x-api-key", b"k1"), ("x-timestamp", ts.as_bytes()), ("x-nonce", b"nonce-0002")],
                "/",
                Error::MissingHeader("x-signature"),
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", b""),
                ],
                "/",
                Error::MalformedSignature,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", &sig.as_bytes()[..62]),
                ],
                "/",
                Error::MalformedSignature,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", &sig.as_bytes()[..63]),
                ],
                "/",
                Error::MalformedSignature,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", upper.as_bytes()),
                ],
                "/",
                Error::MalformedSignature,
            ),
            (
                vec![
                    ("x-api-key", b"k2"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::UnknownKey,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce\n0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::ControlCharacter,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"short"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::InvalidNonce,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce 0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::InvalidNonce,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", b"01700000000"),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::MalformedTimestamp,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/\r\nX: y",
                Error::ControlCharacter,
            ),
            (
                vec![
                    ("x-api-key", b"k1"),
                    ("x-api-key", b"k1"),
                    ("x-timestamp", ts.as_bytes()),
                    ("x-nonce", b"nonce-0002"),
                    ("x-signature", sig.as_bytes()),
                ],
                "/",
                Error::DuplicateHeader("x-api-key"),
            ),
        ];
        for (hs, target, want) in cases {
            assert_eq!(run(&v, &g, "GET", target, &hs, b"", T), Err(want), "{hs:?} {target:?}");
        }
        assert!(SignedRequestVerifier::new(KeyStore::new()).with_window(0).is_err());
        assert_eq!(verifier().with_window(60).unwrap().window(), 60);
    }

    #[test]
    fn newline_in_field_cannot_shift_bytes() {
        // "GET\n/a" + "\n" + ... would equal method "GET", target "/a"... only if newlines were allowed.
        let v = verifier();
        let g = MemoryReplayGuard::new(8);
        let ts = T.to_string();
        let sig = sign(SECRET, "GET", "/a\n1700000000", &ts, "nonce-0003", b"");
        let hs: &[(&str, &[u8])] = &[
            ("x-api-key", b"k1"),
            ("x-timestamp", ts.as_bytes()),
            ("x-nonce", b"nonce-0003"),
            ("x-signature", sig.as_bytes()),
        ];
        assert_eq!(run(&v, &g, "GET", "/a\n1700000000", hs, b"", T), Err(Error::ControlCharacter));
    }

    mod fast_path {
        use super::super::{BLOCK, HEAD_BUF_LEN, NAMES, check_fields, check_fields_in_order, join_head};
        use crate::util::name_is;
        use proptest::prelude::*;

        /// Bytes biased toward the interesting classes: field alphabets, boundaries, controls, non-ASCII.
        fn field(max: usize) -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    4 => prop::sample::select(b"0123456789abcXYZ-_.~/?=&%".to_vec()),
                    1 => any::<u8>(),
                    1 => prop::sample::select(vec![0u8, b'\t', b'\n', b'\r', 0x1f, b' ', 0x7f, 0x80, 0xff, b'!', b'"', b'0']),
                ],
                0..max,
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

            /// The single-pass check and the in-order checks agree on every input, error included.
            #[test]
            fn fast_check_agrees_with_in_order_checks(
                method in field(8),
                target in field(24),
                key_id in prop_oneof![field(12), field(140)],
                ts in field(12),
                nonce in prop_oneof![field(12), field(40), field(140)],
            ) {
                prop_assert_eq!(
                    check_fields(&method, &target, &key_id, &ts, &nonce),
                    check_fields_in_order(&method, &target, &key_id, &ts, &nonce)
                );
            }

            /// Fields that are well-formed by construction take the fast path and still agree.
            #[test]
            fn fast_check_agrees_on_well_formed_fields(
                method in "[A-Z]{1,7}",
                target in "/[ -~]{0,40}",
                key_id in "[!-~]{1,128}",
                ts in "0|[1-9][0-9]{0,10}",
                nonce in "[A-Za-z0-9_.~-]{7,129}",
            ) {
                let (m, t, k, s, n) = (method.as_bytes(), target.as_bytes(), key_id.as_bytes(), ts.as_bytes(), nonce.as_bytes());
                prop_assert_eq!(check_fields(m, t, k, s, n), check_fields_in_order(m, t, k, s, n));
            }

            /// The word-at-a-time class checks agree with the table on every class they replace.
            #[test]
            fn all_words_agrees_with_table(s in prop_oneof![field(8), field(30), field(140)]) {
                use crate::util::{all_in, class};
                for (c, bad) in [
                    (class::NOT_CTL, super::super::swar::ctl as fn(u64) -> u64),
                    (class::DIGIT, super::super::swar::not_digit),
                    (class::VISIBLE, super::super::swar::not_visible),
                ] {
                    prop_assert_eq!(super::super::all_words(&s, c, bad), all_in(&s, c), "class {}", c);
                }
            }

            /// The shared word-wise name match agrees with `eq_ignore_ascii_case` on the scheme's names, on near misses (one byte
            /// flipped in any bit, case changed) and on arbitrary names.
            #[test]
            fn name_is_agrees_on_the_scheme_names(
                which in 0usize..4,
                edits in prop::collection::vec((0usize..16, any::<u8>(), 0u8..3), 0..3),
                other in field(14),
                lowers in prop::collection::vec("[a-z-]{4,16}", 1..2),
            ) {
                // The scheme's names against one of them (same-length names included), then random
                // lowercase names against themselves.
                for (i, lower) in NAMES.iter().copied().chain(lowers.iter().map(String::as_str)).enumerate() {
                    let mut name = if i < NAMES.len() { NAMES[which] } else { lower }.as_bytes().to_vec();
                    for &(at, b, kind) in &edits {
                        if let Some(c) = name.get_mut(at % lower.len()) {
                            *c = match kind { 0 => b, 1 => c.to_ascii_uppercase(), _ => *c ^ (1 << (b % 8)) };
                        }
                    }
                    prop_assert_eq!(name_is(&name, lower.as_bytes()), name.eq_ignore_ascii_case(lower.as_bytes()));
                    prop_assert_eq!(name_is(&other, lower.as_bytes()), other.eq_ignore_ascii_case(lower.as_bytes()));
                }
            }

            /// The head is the fields with their newlines, then body bytes up to a block boundary (or the
            /// end of the body); head and rest are the whole message. `None` only when the fields do not fit.
            #[test]
            fn join_head_is_concatenation(parts in prop::collection::vec(field(60), 0..5), body in field(200)) {
                let mut buf = [0u8; HEAD_BUF_LEN];
                let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
                let fields: Vec<u8> = parts.iter().flat_map(|p| p.iter().copied().chain([b'\n'])).collect();
                match join_head(&parts, &body, &mut buf) {
                    Some((head, rest)) => {
                        prop_assert_eq!([head, rest].concat(), [&fields[..], &body[..]].concat());
                        prop_assert!(head.len() >= fields.len());
                        prop_assert!(head.len() % BLOCK == 0 || rest.is_empty());
                    }
                    None => prop_assert!(fields.len() > HEAD_BUF_LEN),
                }
            }
        }
    }
}
