//! Compact JWS (RFC 7515 §7.1): splitting, limits, the protected header, key selection and the
//! signature check. Claims are the business of [`crate::verify`]; this layer verifies any payload.

use crate::alg::{Algorithm, AlgorithmSet};
use crate::b64;
use crate::error::{Error, Malformed};
use crate::json::{self, Kind};
use crate::key::{Candidates, KeySet};

/// Size and nesting bounds, checked before any decoding or parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest token accepted, in bytes. Default 8192 (a typical HTTP header-field budget).
    pub max_token_bytes: usize,
    /// The longest encoded protected header, in bytes. Default 1024.
    pub max_header_bytes: usize,
    /// The deepest JSON nesting in the header or payload (objects and arrays; the top-level object is
    /// depth 1). Default 16; values above 64 act as 64 (the parser's fixed ceiling).
    pub max_json_depth: usize,
}

impl Limits {
    /// The defaults documented on each field.
    pub const DEFAULT: Self = Self { max_token_bytes: 8192, max_header_bytes: 1024, max_json_depth: 16 };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A string held either as a span of the token's decoded bytes (the common case: no JSON escapes) or
/// owned (when it had escapes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text {
    Span(u32, u32),
    Owned(Box<str>),
}

impl Text {
    pub(crate) fn from_value(src: &[u8], v: json::Value, offset: u32) -> Option<Self> {
        match v.kind {
            Kind::Str { escaped: false } => Some(Self::Span(v.start + offset, v.end + offset)),
            Kind::Str { escaped: true } => json::str_of(src, v).map(|s| Self::Owned(s.into_owned().into_boxed_str())),
            _ => None,
        }
    }

    /// The bytes (valid UTF-8: the scanner checked every string holding non-ASCII bytes).
    pub(crate) fn bytes<'a>(&'a self, buf: &'a [u8]) -> &'a [u8] {
        match self {
            Self::Span(s, e) => buf.get(*s as usize..*e as usize).unwrap_or_default(),
            Self::Owned(s) => s.as_bytes(),
        }
    }

    pub(crate) fn get<'a>(&'a self, buf: &'a [u8]) -> &'a str {
        match self {
            Self::Span(s, e) => {
                buf.get(*s as usize..*e as usize).and_then(|b| core::str::from_utf8(b).ok()).unwrap_or("")
            }
            Self::Owned(s) => s,
        }
    }
}

/// The protected header of a verified JWS, parsed once.
#[derive(Debug, Clone)]
pub(crate) struct HeaderInfo {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<Text>,
    pub(crate) typ: Option<Text>,
    pub(crate) cty: Option<Text>,
    /// The header `jwk` object span (used only by DPoP proofs; never trusted for ordinary tokens).
    pub(crate) jwk: Option<(u32, u32)>,
    /// No `crit`, no `b64`, no nested object or array: the parse does not depend on the policy, so
    /// it may be memoized (see [`HeaderCache`]).
    pub(crate) cacheable: bool,
}

/// How many distinct protected headers a [`KeySet`] memoizes.
pub(crate) const HEADER_CACHE_SLOTS: usize = 8;

/// Memoized protected headers of tokens that verified against a key set: the header segment, its
/// decoded JSON and its parse. Filled only after a signature verified (so only the issuer's own
/// headers get in), only with policy-independent headers, at most [`HEADER_CACHE_SLOTS`] of them,
/// never evicted. Lock-free reads (`OnceLock`).
#[derive(Default)]
pub(crate) struct HeaderCache {
    slots: [std::sync::OnceLock<CachedHeader>; HEADER_CACHE_SLOTS],
}

struct CachedHeader {
    segment: Box<[u8]>,
    json: Box<[u8]>,
    info: HeaderInfo,
}

impl core::fmt::Debug for HeaderCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let used = self.slots.iter().filter(|s| s.get().is_some()).count();
        f.debug_struct("HeaderCache").field("used", &used).finish()
    }
}

impl HeaderCache {
    fn get(&self, segment: &[u8]) -> Option<&CachedHeader> {
        for slot in &self.slots {
            match slot.get() {
                Some(c) if *c.segment == *segment => return Some(c),
                Some(_) => {}
                None => return None,
            }
        }
        None
    }

    fn insert(&self, segment: &[u8], json: &[u8], info: &HeaderInfo) {
        for slot in &self.slots {
            match slot.get() {
                Some(c) if *c.segment == *segment => return,
                Some(_) => {}
                None => {
                    let _ = slot.set(CachedHeader { segment: segment.into(), json: json.into(), info: info.clone() });
                    return;
                }
            }
        }
    }
}

/// Header parameter names registered by RFC 7515/7516/7797/8555/9449 that must not appear in `crit`.
const REGISTERED: [&str; 17] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip", "epk", "apu",
    "apv", "iv",
];

/// Parses the decoded header JSON. `understood_crit` lists extensions the caller processes.
pub(crate) fn parse_header(src: &[u8], depth: usize, understood_crit: &[String]) -> Result<HeaderInfo, Error> {
    let mut alg: Option<Result<Algorithm, Error>> = None;
    let (mut kid, mut typ, mut cty, mut jwk, mut crit) = (None, None, None, None, None);
    let mut is_jwe = false;
    let mut unencoded = false;
    let mut cacheable = true;
    let bad = || Error::Malformed(Malformed::Header);
    json::scan_object(src, depth, &mut |name, v| {
        if matches!(v.kind, Kind::Object | Kind::Array) {
            cacheable = false;
        }
        match name {
            b"alg" => {
                let s = json::str_of(src, v).ok_or_else(bad)?;
                alg = Some(Algorithm::from_name(&s).ok_or(Error::AlgorithmNotAllowed));
            }
            b"kid" => kid = Some(Text::from_value(src, v, 0).ok_or_else(bad)?),
            b"typ" => typ = Some(Text::from_value(src, v, 0).ok_or_else(bad)?),
            b"cty" => cty = Some(Text::from_value(src, v, 0).ok_or_else(bad)?),
            b"crit" => crit = Some(v),
            b"b64" => {
                cacheable = false;
                match v.kind {
                    Kind::Bool(true) => {}
                    Kind::Bool(false) => unencoded = true,
                    _ => return Err(bad()),
                }
            }
            b"enc" => is_jwe = true,
            b"jwk" => {
                if v.kind != Kind::Object {
                    return Err(bad());
                }
                jwk = Some((v.start, v.end));
            }
            // jku, x5u, x5c, x5t, x5t#S256 and anything else: never used to find or trust a key.
            _ => {}
        }
        Ok(())
    })?;
    if is_jwe {
        return Err(Error::JweNotSupported);
    }
    if let Some(c) = crit {
        check_crit(src, c, understood_crit)?;
    }
    if unencoded {
        return Err(Error::UnencodedPayload);
    }
    let alg = alg.ok_or_else(bad)??;
    let cacheable = cacheable && crit.is_none();
    Ok(HeaderInfo { alg, kid, typ, cty, jwk, cacheable })
}

fn check_crit(src: &[u8], crit: json::Value, understood: &[String]) -> Result<(), Error> {
    if crit.kind != Kind::Array {
        return Err(Error::UnsupportedCrit);
    }
    let mut seen: Vec<String> = Vec::new();
    json::for_each_str_element(src, crit, &mut |name, _| {
        if REGISTERED.contains(&name) || seen.iter().any(|s| s == name) {
            return Err(Error::UnsupportedCrit);
        }
        // `b64` is understood: `true` is the default encoding and `false` is refused on its own.
        if name != "b64" && !understood.iter().any(|u| u == name) {
            return Err(Error::UnsupportedCrit);
        }
        seen.push(name.to_owned());
        Ok(())
    })
    .map_err(|_| Error::UnsupportedCrit)?;
    if seen.is_empty() {
        return Err(Error::UnsupportedCrit);
    }
    // Every listed extension must be present in the header (RFC 7515 §4.1.11).
    let mut present = 0usize;
    json::scan_object(src, usize::MAX, &mut |name, _| {
        if seen.iter().any(|s| s.as_bytes() == name) {
            present += 1;
        }
        Ok(())
    })?;
    if present != seen.len() {
        return Err(Error::UnsupportedCrit);
    }
    Ok(())
}

/// The error for a payload segment that failed to decode: extra segments (five: a JWE) or bad base64.
pub(crate) fn segment_error(payload_segment: &[u8]) -> Error {
    match payload_segment.iter().filter(|b| **b == b'.').count() {
        0 => Malformed::Base64.into(),
        2 => Error::JweNotSupported,
        _ => Malformed::Segments.into(),
    }
}

/// The three segments of a compact JWS, after the structural checks.
pub(crate) struct Parts<'t> {
    pub(crate) header: &'t [u8],
    pub(crate) payload: &'t [u8],
    pub(crate) signing_input: &'t [u8],
    pub(crate) signature: &'t [u8],
}

pub(crate) fn split<'t>(token: &'t [u8], limits: &Limits) -> Result<Parts<'t>, Error> {
    if token.len() > limits.max_token_bytes {
        return Err(Error::TooLarge);
    }
    if token.first() == Some(&b'{') {
        return Err(Malformed::JsonSerialization.into());
    }
    // The first separator ends the (short) header, the last one starts the (short) signature; the
    // payload between them must hold no other (memchr-backed search).
    let (Some(d1), Some(d2)) = (first_dot(token), last_dot(token)) else { return Err(Malformed::Segments.into()) };
    // A `.` inside the payload segment (more than three segments) is found by the strict base64url
    // decoder, which refuses it; `segment_error` then names the cause.
    if d1 == d2 {
        return Err(Malformed::Segments.into());
    }
    let dots = [d1, d2];
    let [d1, d2] = dots;
    let header = token.get(..d1).ok_or(Malformed::Segments)?;
    let payload = token.get(d1 + 1..d2).ok_or(Malformed::Segments)?;
    let signing_input = token.get(..d2).ok_or(Malformed::Segments)?;
    let signature = token.get(d2 + 1..).ok_or(Malformed::Segments)?;
    if header.is_empty() || signature.is_empty() {
        return Err(Malformed::Segments.into());
    }
    if header.len() > limits.max_header_bytes {
        return Err(Error::TooLarge);
    }
    Ok(Parts { header, payload, signing_input, signature })
}

/// Whether any byte of `w` is `.`.
const fn has_dot(w: u64) -> bool {
    auth_core::bytes::swar::first_eq(w, b'.') != 0
}

/// The index of the first `.`, eight bytes at a time.
fn first_dot(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    for chunk in s.chunks_exact(8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
        if has_dot(w) {
            break;
        }
        i += 8;
    }
    s.get(i..)?.iter().position(|b| *b == b'.').map(|p| p + i)
}

/// The index of the last `.`, eight bytes at a time from the end.
fn last_dot(s: &[u8]) -> Option<usize> {
    let mut end = s.len();
    for chunk in s.rchunks_exact(8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
        if has_dot(w) {
            break;
        }
        end -= 8;
    }
    s.get(..end)?.iter().rposition(|b| *b == b'.')
}

/// What [`verify_jws`] needs from a policy.
#[derive(Debug, Clone)]
pub struct JwsPolicy {
    /// Algorithms accepted (intersected with each key's binding). Default: all supported.
    pub algorithms: AlgorithmSet,
    /// Header extensions (names in `crit`) the caller processes itself. Default: none.
    pub understood_crit: Vec<String>,
    /// Size and nesting bounds.
    pub limits: Limits,
    /// How many keys may be tried for a token without `kid` when several fit (1 = never try several).
    pub max_key_tries: usize,
}

impl Default for JwsPolicy {
    fn default() -> Self {
        Self { algorithms: AlgorithmSet::ALL, understood_crit: Vec::new(), limits: Limits::DEFAULT, max_key_tries: 1 }
    }
}

/// A JWS whose signature verified: the header and the payload bytes.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    /// Decoded header JSON followed by the decoded payload.
    pub(crate) buf: Vec<u8>,
    pub(crate) header_len: usize,
    pub(crate) header: HeaderInfo,
}

impl VerifiedJws {
    /// The algorithm that verified the signature.
    #[must_use]
    pub fn alg(&self) -> Algorithm {
        self.header.alg
    }

    /// The header `kid`.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.header.kid.as_ref().map(|t| t.get(&self.buf))
    }

    /// The header `typ`, as sent.
    #[must_use]
    pub fn typ(&self) -> Option<&str> {
        self.header.typ.as_ref().map(|t| t.get(&self.buf))
    }

    /// The header `cty`, as sent.
    #[must_use]
    pub fn cty(&self) -> Option<&str> {
        self.header.cty.as_ref().map(|t| t.get(&self.buf))
    }

    /// The decoded protected header JSON.
    #[must_use]
    pub fn header_json(&self) -> &[u8] {
        self.buf.get(..self.header_len).unwrap_or_default()
    }

    /// The decoded payload.
    #[must_use]
    pub fn payload(&self) -> &[u8] {
        self.buf.get(self.header_len..).unwrap_or_default()
    }
}

/// The decoded parts of a compact JWS whose signature was **not** checked.
///
/// For diagnostics only (a CLI printing why a token failed, a log line): nothing here may decide
/// access. The same structural checks as [`verify_jws`] apply (limits, three segments, strict
/// base64url, a duplicate-free JSON header with a supported `alg`), except that the payload is not
/// required to be JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified {
    /// The decoded protected header JSON.
    pub header_json: Vec<u8>,
    /// The decoded payload.
    pub payload: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// Decodes a compact JWS **without verifying it**. See [`Unverified`].
///
/// # Errors
/// The structural [`Error`]s of [`verify_jws`].
pub fn decode_unverified(token: &[u8], limits: &Limits) -> Result<Unverified, Error> {
    let parts = split(token, limits)?;
    let mut header_json = Vec::new();
    b64::decode_public_into(parts.header, &mut header_json).map_err(|_| Malformed::Base64)?;
    parse_header(&header_json, limits.max_json_depth, &[])?;
    let mut payload = Vec::new();
    b64::decode_public_into(parts.payload, &mut payload).map_err(|_| segment_error(parts.payload))?;
    let mut signature = Vec::new();
    b64::decode_public_into(parts.signature, &mut signature).map_err(|_| Malformed::Base64)?;
    Ok(Unverified { header_json, payload, signature })
}

/// Verifies a compact JWS with any payload: limits, structure, header (`alg`, `crit`, `b64`), key
/// selection and the signature. The payload is decoded (strictly) before the signature check but
/// interpreted only after it.
///
/// # Errors
/// Any structural, header, key-selection or signature [`Error`].
pub fn verify_jws(token: &[u8], keys: &KeySet, policy: &JwsPolicy) -> Result<VerifiedJws, Error> {
    let parts = split(token, &policy.limits)?;
    let payload_len = b64::decoded_len(parts.payload.len()).ok_or_else(|| segment_error(parts.payload))?;
    let cache = keys.header_cache();
    let (mut buf, header, cached) = match cache.get(parts.header) {
        Some(hit) => {
            let mut buf = Vec::with_capacity(hit.json.len() + payload_len);
            buf.extend_from_slice(&hit.json);
            (buf, hit.info.clone(), true)
        }
        None => {
            let header_len = b64::decoded_len(parts.header.len()).ok_or(Malformed::Base64)?;
            let mut buf = Vec::with_capacity(header_len + payload_len);
            b64::decode_public_into(parts.header, &mut buf).map_err(|_| Malformed::Base64)?;
            let header = parse_header(&buf, policy.limits.max_json_depth, &policy.understood_crit)?;
            (buf, header, false)
        }
    };
    // Decoding is structure, not claims: the payload is decoded here but read only after the
    // signature verified.
    let header_len = buf.len();
    b64::decode_public_into(parts.payload, &mut buf).map_err(|_| segment_error(parts.payload))?;
    if !policy.algorithms.contains(header.alg) {
        return Err(Error::AlgorithmNotAllowed);
    }
    let kid = header.kid.as_ref().map(|t| t.bytes(&buf));
    match keys.select(kid, header.alg, policy.max_key_tries.max(1))? {
        Candidates::One(k) => k.verify_segment(header.alg, parts.signing_input, parts.signature)?,
        Candidates::Many(ks) => {
            if !ks.iter().any(|k| k.verify_segment(header.alg, parts.signing_input, parts.signature).is_ok()) {
                return Err(Error::BadSignature);
            }
        }
    }
    if !cached && header.cacheable {
        cache.insert(parts.header, buf.get(..header_len).unwrap_or_default(), &header);
    }
    Ok(VerifiedJws { buf, header_len, header })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hdr(json: &str) -> Result<HeaderInfo, Error> {
        parse_header(json.as_bytes(), 8, &[])
    }

    #[test]
    fn header_rules() {
        assert_eq!(hdr(r#"{"alg":"HS256"}"#).unwrap().alg, Algorithm::HS256);
        for none in ["none", "None", "NONE", "nOnE"] {
            assert_eq!(hdr(&format!(r#"{{"alg":"{none}"}}"#)).unwrap_err(), Error::AlgorithmNotAllowed);
        }
        assert_eq!(hdr(r#"{"typ":"JWT"}"#).unwrap_err(), Error::Malformed(Malformed::Header));
        assert_eq!(hdr(r#"{"alg":256}"#).unwrap_err(), Error::Malformed(Malformed::Header));
        assert_eq!(hdr(r#"{"alg":"HS256","kid":1}"#).unwrap_err(), Error::Malformed(Malformed::Header));
        assert_eq!(hdr(r#"{"alg":"HS256","alg":"none"}"#).unwrap_err(), Error::DuplicateMember);
        assert_eq!(hdr(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#).unwrap_err(), Error::UnencodedPayload);
        assert!(hdr(r#"{"alg":"HS256","b64":true,"crit":["b64"]}"#).is_ok());
        assert_eq!(hdr(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#).unwrap_err(), Error::UnsupportedCrit);
        assert_eq!(hdr(r#"{"alg":"HS256","crit":[]}"#).unwrap_err(), Error::UnsupportedCrit);
        assert_eq!(hdr(r#"{"alg":"HS256","crit":"exp"}"#).unwrap_err(), Error::UnsupportedCrit);
        assert_eq!(hdr(r#"{"alg":"HS256","crit":["alg"]}"#).unwrap_err(), Error::UnsupportedCrit);
        let understood = vec!["exp".to_owned()];
        assert!(parse_header(br#"{"alg":"HS256","crit":["exp"],"exp":1}"#, 8, &understood).is_ok());
        assert_eq!(
            parse_header(br#"{"alg":"HS256","crit":["exp"]}"#, 8, &understood).unwrap_err(),
            Error::UnsupportedCrit
        );
        assert_eq!(hdr(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#).unwrap_err(), Error::JweNotSupported);
    }

    #[test]
    fn unverified_decoding_is_structural_only() {
        let t = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        let u = decode_unverified(t, &Limits::DEFAULT).unwrap();
        assert_eq!(u.header_json, br#"{"alg":"HS256"}"#);
        assert_eq!(u.payload, br#"{"sub":"a"}"#);
        assert_eq!(u.signature, b"sig");
        assert!(decode_unverified(b"eyJhbGciOiJub25lIn0.e30.", &Limits::DEFAULT).is_err());
        assert!(decode_unverified(b"eyJhbGciOiJIUzI1NiJ9.e30=.c2ln", &Limits::DEFAULT).is_err());
    }

    #[test]
    fn dot_search() {
        for s in [
            &b""[..],
            b".",
            b"abc",
            b"a.b",
            b"abcdefgh.ijklmnop.q",
            b"abcdefghijklmnopqrstuvwxyz.",
            b".abcdefghijklmnopqrstuvwxyz",
        ] {
            assert_eq!(first_dot(s), s.iter().position(|b| *b == b'.'), "{s:?}");
            assert_eq!(last_dot(s), s.iter().rposition(|b| *b == b'.'), "{s:?}");
        }
    }

    #[test]
    fn segments() {
        let l = Limits::DEFAULT;
        assert!(split(b"a.b.c", &l).is_ok());
        assert!(split(b"a..c", &l).is_ok());
        // Extra segments pass the split (the payload segment holds a `.`) and are named when the
        // payload fails to decode.
        assert!(split(b"a.b.c.d.e", &l).is_ok());
        assert_eq!(segment_error(b"b.c.d"), Error::JweNotSupported);
        assert_eq!(segment_error(b"b.c"), Error::Malformed(Malformed::Segments));
        assert_eq!(segment_error(b"b=c"), Error::Malformed(Malformed::Base64));
        for bad in [&b"a.b"[..], b"", b".b.c", b"a.b.", b"abc"] {
            assert_eq!(split(bad, &l).err(), Some(Error::Malformed(Malformed::Segments)), "{bad:?}");
        }
        assert_eq!(split(br#"{"payload":"x"}"#, &l).err(), Some(Error::Malformed(Malformed::JsonSerialization)));
        let big = vec![b'a'; 9000];
        assert_eq!(split(&big, &l).err(), Some(Error::TooLarge));
    }
}
