//! A strict, allocation-light JSON scanner for JOSE headers, JWT payloads and JWKs.
//!
//! serde_json accepts duplicate object members (keeping the last one), which lets two parsers of the
//! same token disagree. This scanner validates RFC 8259 syntax exactly, bounds nesting depth, rejects
//! repeated member names in every object at every depth (comparing names after unescaping), rejects
//! lone UTF-16 surrogates in escapes, and reports each top-level member's name and value span so the
//! registered claims can be read without building a value tree. It also refuses numbers beyond the
//! range of an IEEE 754 double (`1e400`), which serde_json cannot represent. Later serde_json parses of
//! the same bytes therefore succeed and see exactly one value per name.

use crate::error::Error;

/// Where a scanned value sits in the input, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Value {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) kind: Kind,
}

/// The JSON type of a value. Strings remember whether they contain escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number,
    /// Span covers the content between the quotes.
    Str {
        escaped: bool,
    },
    Array,
    Object,
}

/// A [`Value`] packed into one word (start: 28 bits, end: 28 bits, kind: 8 bits) so that scanner
/// results travel in registers rather than through memory.
#[derive(Clone, Copy)]
struct Packed(u64);

const SPAN_BITS: u32 = 28;
/// The largest input the scanner accepts (256 MiB; every caller's own limit is far lower).
const MAX_INPUT: usize = 1 << SPAN_BITS;

impl Packed {
    fn new(start: usize, end: usize, kind: Kind) -> Result<Self, Fail> {
        if end >= MAX_INPUT || start > end {
            return Err(Fail::Large);
        }
        let k: u64 = match kind {
            Kind::Null => 0,
            Kind::Bool(false) => 1,
            Kind::Bool(true) => 2,
            Kind::Number => 3,
            Kind::Str { escaped: false } => 4,
            Kind::Str { escaped: true } => 5,
            Kind::Array => 6,
            Kind::Object => 7,
        };
        Ok(Self(((start as u64) << 36) | ((end as u64) << 8) | k))
    }

    #[allow(clippy::cast_possible_truncation)]
    fn unpack(self) -> Value {
        let mask = (1u64 << SPAN_BITS) - 1;
        let kind = match self.0 & 0xFF {
            0 => Kind::Null,
            1 => Kind::Bool(false),
            2 => Kind::Bool(true),
            3 => Kind::Number,
            4 => Kind::Str { escaped: false },
            5 => Kind::Str { escaped: true },
            6 => Kind::Array,
            _ => Kind::Object,
        };
        Value { start: ((self.0 >> 36) & mask) as u32, end: ((self.0 >> 8) & mask) as u32, kind }
    }
}

/// A member name: the span between the quotes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Key {
    start: u32,
    end: u32,
    escaped: bool,
    /// The first up-to-8 raw bytes, for a cheap inequality test before a full comparison.
    prefix: u64,
}

/// The deepest nesting the scanner ever follows, whatever a caller configures: it recurses once per
/// level, and this bound keeps the stack use small on any thread.
pub(crate) const HARD_MAX_DEPTH: usize = 64;

/// Member names kept on the stack for the duplicate check (all open objects together); more spill
/// to the heap.
const INLINE_KEYS: usize = 16;

/// Bytes that end the plain run inside a string: `"`, `\\`, controls and non-ASCII (one load per
/// byte instead of four comparisons). Built at compile time; the index is bounded by the loop.
#[allow(clippy::indexing_slicing)]
const STRING_STOP: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if i < 0x20 || i >= 0x80 || i == b'"' as usize || i == b'\\' as usize {
            t[i] = 1;
        }
        i += 1;
    }
    t
};

/// The length of the plain run at the start of `s`: bytes up to the first one in [`STRING_STOP`].
///
/// Eight bytes at a time ([`auth_core::bytes::swar`]): each test flags the lowest byte of its class
/// (`< 0x20`, `"`, `\\`, `>= 0x80`) exactly, so the lowest flag of their union is the first stop. The
/// tail is read through the table.
fn plain_run(s: &[u8]) -> usize {
    use auth_core::bytes::swar;
    let mut at = 0usize;
    for &w in s.as_chunks::<8>().0 {
        let x = swar::word(w);
        let stop = swar::first_below(x, 0x20)
            | swar::first_eq(x, b'"')
            | swar::first_eq(x, b'\\')
            | swar::first_at_least(x, 0x80);
        if stop != 0 {
            return at + (stop.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = s.get(at..).unwrap_or_default();
    at + tail.iter().position(|&b| STRING_STOP.get(usize::from(b)) != Some(&0)).unwrap_or(tail.len())
}

/// Objects with more members than this are checked for duplicates by sorting at the end instead of
/// pairwise on insertion, keeping the check O(n log n).
const PAIRWISE_LIMIT: usize = 24;

struct Scanner<'a> {
    s: &'a [u8],
    pos: usize,
    max_depth: usize,
    inline: [Key; INLINE_KEYS],
    inline_len: usize,
    spill: Vec<Key>,
}

/// Internal, one-byte failure (keeps `Result`s in registers on the hot path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fail {
    Json,
    Deep,
    Dup,
    Large,
    /// The caller's callback failed; its error is held by the caller.
    Callback,
}

impl Fail {
    fn into_error(self, held: Option<Error>) -> Error {
        match self {
            Self::Json => err_json_error(),
            Self::Deep => Error::TooDeep,
            Self::Dup => Error::DuplicateMember,
            Self::Large => Error::TooLarge,
            Self::Callback => held.unwrap_or_else(err_json_error),
        }
    }
}

fn err_json_error() -> Error {
    Error::Malformed(crate::error::Malformed::Json)
}

fn err_json() -> Fail {
    Fail::Json
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Fail> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(err_json())
        }
    }

    fn keys_len(&self) -> usize {
        self.inline_len + self.spill.len()
    }

    fn key_at(&self, i: usize) -> Key {
        if i < INLINE_KEYS {
            self.inline.get(i).copied().unwrap_or_default()
        } else {
            self.spill.get(i - INLINE_KEYS).copied().unwrap_or_default()
        }
    }

    fn push_key(&mut self, k: Key) {
        if self.inline_len < INLINE_KEYS {
            if let Some(slot) = self.inline.get_mut(self.inline_len) {
                *slot = k;
            }
            self.inline_len += 1;
        } else {
            self.spill.push(k);
        }
    }

    fn truncate_keys(&mut self, len: usize) {
        if len <= INLINE_KEYS {
            self.spill.clear();
            self.inline_len = len;
        } else {
            self.spill.truncate(len - INLINE_KEYS);
        }
    }

    fn key_eq(&self, a: Key, b: Key) -> bool {
        // Unequal prefixes settle most comparisons of unescaped names without touching the input.
        if !a.escaped && !b.escaped && a.prefix != b.prefix {
            return false;
        }
        let ra = self.s.get(a.start as usize..a.end as usize).unwrap_or_default();
        let rb = self.s.get(b.start as usize..b.end as usize).unwrap_or_default();
        if !a.escaped && !b.escaped {
            return ra == rb;
        }
        Unescape::new(ra).eq(Unescape::new(rb))
    }

    fn key_cmp(&self, a: Key, b: Key) -> core::cmp::Ordering {
        let ra = self.s.get(a.start as usize..a.end as usize).unwrap_or_default();
        let rb = self.s.get(b.start as usize..b.end as usize).unwrap_or_default();
        if !a.escaped && !b.escaped {
            return ra.cmp(rb);
        }
        Unescape::new(ra).cmp(Unescape::new(rb))
    }

    /// Parses a string starting at the opening quote; returns the content span and whether it had
    /// escapes. The common case, a plain ASCII run up to the closing quote, is inlined into the
    /// callers; anything else continues in [`Self::string_rest`].
    #[inline(always)]
    fn string(&mut self) -> Result<Packed, Fail> {
        self.expect(b'"')?;
        let start = self.pos;
        self.pos += plain_run(self.s.get(self.pos..).unwrap_or_default());
        if self.peek() == Some(b'"') {
            let end = self.pos;
            self.pos += 1;
            return Packed::new(start, end, Kind::Str { escaped: false });
        }
        self.string_rest(start)
    }

    /// Continues a string that began at `start` from `self.pos`, where its plain run stopped: at an
    /// escape, a non-ASCII byte, a control character or the end of the input.
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> Result<Packed, Fail> {
        let mut escaped = false;
        let mut non_ascii = false;
        loop {
            // Fast path: skip plain ASCII characters in one pass.
            self.pos += plain_run(self.s.get(self.pos..).unwrap_or_default());
            let b = self.peek().ok_or_else(err_json)?;
            match b {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    // Bytes >= 0x80 can only be valid inside strings, so UTF-8 is checked here, per
                    // string that has them, instead of over the whole input.
                    if non_ascii && core::str::from_utf8(self.s.get(start..end).unwrap_or_default()).is_err() {
                        return Err(err_json());
                    }
                    return Packed::new(start, end, Kind::Str { escaped });
                }
                0x80..=0xFF => {
                    non_ascii = true;
                    self.pos += 1;
                }
                b'\\' => {
                    escaped = true;
                    self.pos += 1;
                    match self.peek().ok_or_else(err_json)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 1,
                        b'u' => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate must be followed by an escaped low surrogate.
                                self.expect(b'\\')?;
                                self.expect(b'u')?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(err_json());
                                }
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(err_json());
                            }
                        }
                        _ => return Err(err_json()),
                    }
                }
                0x00..=0x1F => return Err(err_json()),
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let digits = self.s.get(self.pos..self.pos + 4).ok_or_else(err_json)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + hex_val(d).ok_or_else(err_json)?;
        }
        self.pos += 4;
        Ok(v)
    }

    fn number(&mut self) -> Result<(), Fail> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return Err(err_json()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        } else if self.pos - start <= LONG_NUMBER {
            // No exponent and too few digits to pass f64::MAX (about 1.8e308): always representable.
            // Every NumericDate on the hot path ends here.
            return Ok(());
        }
        let raw = self.s.get(start..self.pos).unwrap_or_default();
        if representable(raw) { Ok(()) } else { Err(err_json()) }
    }

    fn digits(&mut self) -> Result<(), Fail> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == start { Err(err_json()) } else { Ok(()) }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Fail> {
        if self.s.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(err_json())
        }
    }

    /// Parses any value at the current position (whitespace already skipped).
    fn value(&mut self, depth: usize) -> Result<Packed, Fail> {
        let start = self.pos;
        let kind = match self.peek().ok_or_else(err_json)? {
            b'{' => {
                self.object(depth + 1, &mut |_, _, _| Ok(()))?;
                Kind::Object
            }
            b'[' => {
                self.array(depth + 1)?;
                Kind::Array
            }
            b'"' => {
                return self.string();
            }
            b't' => {
                self.literal(b"true")?;
                Kind::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Kind::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Kind::Null
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
                Kind::Number
            }
            _ => return Err(err_json()),
        };
        Packed::new(start, self.pos, kind)
    }

    fn array(&mut self, depth: usize) -> Result<(), Fail> {
        if depth > self.max_depth {
            return Err(Fail::Deep);
        }
        self.expect(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            self.value(depth)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(err_json()),
            }
        }
    }

    /// Parses an object, calling `on_member` for each of its own members (not nested ones).
    fn object<F: FnMut(&Self, Key, Value) -> Result<(), Fail>>(
        &mut self,
        depth: usize,
        on_member: &mut F,
    ) -> Result<(), Fail> {
        if depth > self.max_depth {
            return Err(Fail::Deep);
        }
        self.expect(b'{')?;
        let base = self.keys_len();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let kv = self.string()?.unpack();
            let (ks, ke, escaped) = (kv.start, kv.end, matches!(kv.kind, Kind::Str { escaped: true }));
            let prefix = key_prefix(self.s, ks as usize, ke as usize);
            let key = Key { start: ks, end: ke, escaped, prefix };
            let count = self.keys_len() - base;
            if count < PAIRWISE_LIMIT {
                for i in base..self.keys_len() {
                    if self.key_eq(self.key_at(i), key) {
                        return Err(Fail::Dup);
                    }
                }
            }
            self.push_key(key);
            self.ws();
            self.expect(b':')?;
            self.ws();
            // String values (most claims) take the inlined string path directly.
            let v = if self.peek() == Some(b'"') { self.string()? } else { self.value(depth)? }.unpack();
            on_member(self, key, v)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(err_json()),
            }
        }
        let count = self.keys_len() - base;
        if count > PAIRWISE_LIMIT {
            let mut keys: Vec<Key> = (base..self.keys_len()).map(|i| self.key_at(i)).collect();
            keys.sort_by(|a, b| self.key_cmp(*a, *b));
            if keys.windows(2).any(|w| matches!(w, [a, b] if self.key_eq(*a, *b))) {
                return Err(Fail::Dup);
            }
        }
        self.truncate_keys(base);
        Ok(())
    }
}

/// The first up to seven bytes of the name `s[start..end]`, with its length in the top byte: unequal
/// prefixes mean unequal raw names. One word load where eight bytes follow `start` (everywhere but
/// the last few bytes of the input), byte by byte otherwise.
fn key_prefix(s: &[u8], start: usize, end: usize) -> u64 {
    let len = end.saturating_sub(start);
    let head = match s.get(start..start + 8) {
        Some(w) => u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8])),
        None => s.get(start..end).unwrap_or_default().iter().rev().fold(0, |acc, b| (acc << 8) | u64::from(*b)),
    };
    // Keep the name's own bytes (at most seven); the shift is at most 56.
    let mask = (1u64 << (8 * len.min(7))) - 1;
    (head & mask) | ((len as u64) << 56)
}

/// Numbers without an exponent and at most this long (sign, digits and point) are below f64::MAX.
const LONG_NUMBER: usize = 300;

/// Whether a syntactically valid JSON number is within the range of an IEEE 754 double (underflow to
/// zero is fine) and readable by serde_json as built: the scanner refuses any other number, so whatever
/// it accepts, [`VerifiedToken::claims_value`](crate::VerifiedToken::claims_value) can represent.
/// Checking both keeps the rule the same whatever serde_json features the final build enables
/// (`arbitrary_precision` would otherwise accept, and `float_roundtrip` round differently at the edge).
#[cold]
#[inline(never)]
fn representable(raw: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(raw) else { return false };
    text.parse::<f64>().is_ok_and(f64::is_finite) && text.parse::<serde_json::Number>().is_ok()
}

fn hex_val(d: u8) -> Option<u32> {
    match d {
        b'0'..=b'9' => Some(u32::from(d - b'0')),
        b'a'..=b'f' => Some(u32::from(d - b'a' + 10)),
        b'A'..=b'F' => Some(u32::from(d - b'A' + 10)),
        _ => None,
    }
}

/// Scans `input` as one JSON object (surrounding whitespace allowed), calling `on_member(name, raw
/// name bytes, value)` for each top-level member, with names unescaped only when they contain escapes.
///
/// # Errors
/// [`Error::Malformed`] for invalid JSON or a non-object, [`Error::TooDeep`] past `max_depth`,
/// [`Error::DuplicateMember`] for a repeated name in any object.
pub(crate) fn scan_object<F: FnMut(&[u8], Value) -> Result<(), Error>>(
    input: &[u8],
    max_depth: usize,
    on_member: &mut F,
) -> Result<(), Error> {
    let mut held: Option<Error> = None;
    scan_object_inner(input, max_depth, on_member, &mut held).map_err(|f| f.into_error(held))
}

#[inline]
fn scan_object_inner<F: FnMut(&[u8], Value) -> Result<(), Error>>(
    input: &[u8],
    max_depth: usize,
    on_member: &mut F,
    held: &mut Option<Error>,
) -> Result<(), Fail> {
    let mut sc = Scanner {
        s: input,
        pos: 0,
        max_depth: max_depth.min(HARD_MAX_DEPTH),
        inline: [Key::default(); INLINE_KEYS],
        inline_len: 0,
        spill: Vec::new(),
    };
    sc.ws();
    if sc.peek() != Some(b'{') {
        return Err(Fail::Json);
    }
    let mut owned_name = String::new();
    sc.object(1, &mut |sc, key, v| {
        let raw = sc.s.get(key.start as usize..key.end as usize).unwrap_or_default();
        let r = if key.escaped {
            owned_name.clear();
            owned_name.extend(Unescape::new(raw));
            on_member(owned_name.as_bytes(), v)
        } else {
            on_member(raw, v)
        };
        r.map_err(|e| {
            *held = Some(e);
            Fail::Callback
        })
    })?;
    sc.ws();
    if sc.pos != input.len() {
        return Err(Fail::Json);
    }
    Ok(())
}

/// Validates `input` as a JSON object (see [`scan_object`]) and returns its top-level members as
/// (unescaped name, value) pairs. For load-time parsing (JWKs), not the hot path.
pub(crate) fn object_members(input: &[u8], max_depth: usize) -> Result<Vec<(String, Value)>, Error> {
    let mut out = Vec::new();
    scan_object(input, max_depth, &mut |name, v| {
        out.push((String::from_utf8_lossy(name).into_owned(), v));
        Ok(())
    })?;
    Ok(out)
}

/// Iterates the characters of a validated JSON string's content, resolving escapes.
pub(crate) struct Unescape<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Unescape<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Self {
        Self { s, pos: 0 }
    }

    fn hex4(&mut self) -> u32 {
        let mut v = 0;
        for _ in 0..4 {
            v = v * 16 + self.s.get(self.pos).copied().and_then(hex_val).unwrap_or(0);
            self.pos += 1;
        }
        v
    }
}

impl Iterator for Unescape<'_> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let rest = self.s.get(self.pos..)?;
        let first = *rest.first()?;
        if first != b'\\' {
            // Decode one UTF-8 scalar (input was validated as UTF-8).
            let len = match first {
                0x00..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let c = rest.get(..len).and_then(|b| core::str::from_utf8(b).ok()).and_then(|s| s.chars().next());
            self.pos += len;
            return Some(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        self.pos += 1;
        let e = *self.s.get(self.pos)?;
        self.pos += 1;
        Some(match e {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4();
                if (0xD800..0xDC00).contains(&hi) {
                    self.pos += 2;
                    let lo = self.hex4();
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF))
                        .unwrap_or(char::REPLACEMENT_CHARACTER)
                } else {
                    char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
            }
            other => char::from(other),
        })
    }
}

/// The text of a validated string value: borrowed when it has no escapes.
pub(crate) fn str_of<'a>(input: &'a [u8], v: Value) -> Option<std::borrow::Cow<'a, str>> {
    let Kind::Str { escaped } = v.kind else { return None };
    let raw = input.get(v.start as usize..v.end as usize)?;
    if escaped {
        Some(std::borrow::Cow::Owned(Unescape::new(raw).collect()))
    } else {
        core::str::from_utf8(raw).ok().map(std::borrow::Cow::Borrowed)
    }
}

/// The bytes of a validated string value: borrowed when it has no escapes (no UTF-8 re-check needed
/// for comparisons).
pub(crate) fn bytes_of<'a>(input: &'a [u8], v: Value) -> Option<std::borrow::Cow<'a, [u8]>> {
    let Kind::Str { escaped } = v.kind else { return None };
    let raw = input.get(v.start as usize..v.end as usize)?;
    if escaped {
        Some(std::borrow::Cow::Owned(Unescape::new(raw).collect::<String>().into_bytes()))
    } else {
        Some(std::borrow::Cow::Borrowed(raw))
    }
}

/// The elements of a validated array value, each as a [`Value`] (elements nest no deeper than the
/// array did, which was already bounded).
pub(crate) fn array_elements(input: &[u8], v: Value) -> Result<Vec<Value>, Error> {
    array_elements_inner(input, v).map_err(|f| f.into_error(None))
}

fn array_elements_inner(input: &[u8], v: Value) -> Result<Vec<Value>, Fail> {
    if v.kind != Kind::Array {
        return Err(err_json());
    }
    let slice = input.get(..v.end as usize).ok_or_else(err_json)?;
    let mut sc = Scanner {
        s: slice,
        pos: v.start as usize + 1,
        max_depth: usize::MAX,
        inline: [Key::default(); INLINE_KEYS],
        inline_len: 0,
        spill: Vec::new(),
    };
    let mut out = Vec::new();
    sc.ws();
    if sc.peek() == Some(b']') {
        return Ok(out);
    }
    loop {
        sc.ws();
        out.push(sc.value(0)?.unpack());
        sc.ws();
        match sc.peek() {
            Some(b',') => sc.pos += 1,
            Some(b']') => return Ok(out),
            _ => return Err(err_json()),
        }
    }
}

/// Calls `f` for each string element of an array value without allocating; fails on a non-string.
pub(crate) fn for_each_str_element(
    input: &[u8],
    v: Value,
    f: &mut dyn FnMut(&str, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut held = None;
    for_each_str_inner(input, v, f, &mut held).map_err(|x| x.into_error(held))
}

fn for_each_str_inner(
    input: &[u8],
    v: Value,
    f: &mut dyn FnMut(&str, bool) -> Result<(), Error>,
    held: &mut Option<Error>,
) -> Result<(), Fail> {
    if v.kind != Kind::Array {
        return Err(err_json());
    }
    let slice = input.get(..v.end as usize).ok_or_else(err_json)?;
    let mut sc = Scanner {
        s: slice,
        pos: v.start as usize + 1,
        max_depth: usize::MAX,
        inline: [Key::default(); INLINE_KEYS],
        inline_len: 0,
        spill: Vec::new(),
    };
    let mut call = |s: &str, escaped: bool| {
        f(s, escaped).map_err(|e| {
            *held = Some(e);
            Fail::Callback
        })
    };
    sc.ws();
    if sc.peek() == Some(b']') {
        return Ok(());
    }
    loop {
        sc.ws();
        let e = sc.value(0)?.unpack();
        let Kind::Str { escaped } = e.kind else { return Err(err_json()) };
        let raw = slice.get(e.start as usize..e.end as usize).ok_or_else(err_json)?;
        if escaped {
            let owned: String = Unescape::new(raw).collect();
            call(&owned, true)?;
        } else {
            call(core::str::from_utf8(raw).map_err(|_| err_json())?, false)?;
        }
        sc.ws();
        match sc.peek() {
            Some(b',') => sc.pos += 1,
            Some(b']') => return Ok(()),
            _ => return Err(err_json()),
        }
    }
}

/// A JSON number as whole seconds (a JWT NumericDate, RFC 7519 §2): integers exactly; fractions and
/// exponents through `f64`, floored. Values beyond ±2^53 or non-finite are refused.
pub(crate) fn numeric_date(input: &[u8], v: Value) -> Option<i64> {
    if v.kind != Kind::Number {
        return None;
    }
    let raw = input.get(v.start as usize..v.end as usize)?;
    const LIMIT: i64 = 1 << 53;
    // Fast path: a plain non-negative integer of at most 16 digits (every realistic timestamp).
    if (1..=16).contains(&raw.len()) {
        // One pass: accumulate and check the digits together (16 digits of at most 255 cannot
        // overflow an i64, and any non-digit discards the value).
        let (n, digits) = raw.iter().fold((0i64, true), |(n, ok), d| {
            let x = d.wrapping_sub(b'0');
            (n * 10 + i64::from(x), ok & (x < 10))
        });
        if digits {
            return (n <= LIMIT).then_some(n);
        }
    }
    let text = core::str::from_utf8(raw).ok()?;
    if let Ok(n) = text.parse::<i64>() {
        return (-LIMIT..=LIMIT).contains(&n).then_some(n);
    }
    let f: f64 = text.parse().ok()?;
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let ok = f.is_finite() && f.abs() <= LIMIT as f64;
    #[allow(clippy::cast_possible_truncation)]
    ok.then(|| f.floor() as i64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time run agrees with the table, byte by byte, on bytes that mix every class.
        #[test]
        fn plain_run_agrees_with_the_table(
            s in prop::collection::vec(prop_oneof![
                4 => 0x20u8..0x7f,
                1 => Just(b'"'),
                1 => Just(b'\\'),
                1 => 0u8..0x20,
                1 => 0x7fu8..=0xff,
            ], 0..40),
        ) {
            let want = s.iter().position(|&b| STRING_STOP[usize::from(b)] != 0).unwrap_or(s.len());
            prop_assert_eq!(plain_run(&s), want);
        }
    }

    fn ok(s: &str) -> bool {
        scan_object(s.as_bytes(), 8, &mut |_, _| Ok(())).is_ok()
    }

    fn err(s: &str) -> Error {
        scan_object(s.as_bytes(), 8, &mut |_, _| Ok(())).unwrap_err()
    }

    #[test]
    fn accepts_valid_objects() {
        assert!(ok(r#"{}"#));
        assert!(ok(r#" { "a" : 1 , "b":[true,false,null,-0.5e+3,"x\u00e9\n"], "c":{"a":1} } "#));
        assert!(ok(r#"{"emoji":"\ud83d\ude00"}"#));
    }

    #[test]
    fn rejects_invalid_json() {
        for s in [
            "",
            "[]",
            "{",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":+1}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":tru}"#,
            r#"{"a":1} x"#,
            r#"{'a':1}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00"}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":NaN}"#,
        ] {
            assert!(matches!(err(s), Error::Malformed(_)), "{s:?}");
        }
        assert!(scan_object(b"{\"a\":\"\xff\"}", 8, &mut |_, _| Ok(())).is_err());
    }

    #[test]
    fn rejects_duplicates_at_any_depth_and_after_unescaping() {
        assert_eq!(err(r#"{"a":1,"a":2}"#), Error::DuplicateMember);
        assert_eq!(err(r#"{"x":{"b":1,"b":1}}"#), Error::DuplicateMember);
        assert_eq!(err(r#"{"x":[{"b":1,"b":1}]}"#), Error::DuplicateMember);
        assert_eq!(err(r#"{"alg":1,"\u0061lg":2}"#), Error::DuplicateMember);
        // Same name in sibling objects is fine.
        assert!(ok(r#"{"x":{"b":1},"y":{"b":1},"b":0}"#));
        // Many members: sorted check.
        let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        assert!(ok(&format!("{{{}}}", many.join(","))));
        assert_eq!(err(&format!("{{{},\"k7\":0}}", many.join(","))), Error::DuplicateMember);
        // Many keys in nested objects spill past the inline stack.
        let nested: Vec<String> = (0..60).map(|i| format!("\"n{i}\":{{\"a\":1,\"b\":2}}")).collect();
        assert!(ok(&format!("{{{}}}", nested.join(","))));
    }

    #[test]
    fn depth_has_a_hard_cap() {
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(HARD_MAX_DEPTH + 5), "]".repeat(HARD_MAX_DEPTH + 5));
        assert_eq!(scan_object(deep.as_bytes(), usize::MAX, &mut |_, _| Ok(())).unwrap_err(), Error::TooDeep);
    }

    #[test]
    fn bounds_depth() {
        assert!(ok(r#"{"a":[[[[[[1]]]]]]}"#));
        assert_eq!(err(r#"{"a":[[[[[[[[1]]]]]]]]}"#), Error::TooDeep);
        assert!(ok(r#"{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}"#));
        assert_eq!(err(r#"{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}"#), Error::TooDeep);
    }

    #[test]
    fn reports_members_and_values() {
        let input = br#"{"s":"a\"b","n":1.5e3,"arr":["x","y"],"esc\u0041":true}"#;
        let mut seen = Vec::new();
        scan_object(input, 8, &mut |k, v| {
            seen.push((String::from_utf8(k.to_vec()).unwrap(), v));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen[0].0, "s");
        assert_eq!(str_of(input, seen[0].1).unwrap(), "a\"b");
        assert_eq!(numeric_date(input, seen[1].1), Some(1500));
        let mut items = Vec::new();
        for_each_str_element(input, seen[2].1, &mut |s, _| {
            items.push(s.to_owned());
            Ok(())
        })
        .unwrap();
        assert_eq!(items, ["x", "y"]);
        assert_eq!(seen[3].0, "escA");
        assert_eq!(seen[3].1.kind, Kind::Bool(true));
    }

    #[test]
    fn numbers_beyond_f64_are_refused_anywhere() {
        // What serde_json (and so `claims_value`) cannot represent is refused by the scanner itself,
        // at any depth, so an accepted payload is always fully readable.
        let big = format!("1{}", "0".repeat(400));
        for n in ["1e400", "-1E4000", "17805E3998", "1.8e308", big.as_str(), "1e99999999999"] {
            for doc in [format!(r#"{{"x":{n}}}"#), format!(r#"{{"a":{{"b":[1,{n}]}}}}"#)] {
                assert_eq!(err(&doc), Error::Malformed(crate::error::Malformed::Json), "{doc}");
                assert!(serde_json::from_str::<serde_json::Value>(&doc).is_err(), "{doc}");
            }
        }
        // Large but finite, underflow to zero, zero with any exponent, long fractions: accepted, and
        // serde_json reads them.
        let long_fraction = format!("0.{}1", "0".repeat(400));
        for n in ["1.7976931348623157e308", "1e308", "-1e-400", "0e99999999999", "1e-99999999999", &long_fraction] {
            let doc = format!(r#"{{"x":{n}}}"#);
            assert!(ok(&doc), "{doc}");
            assert!(serde_json::from_str::<serde_json::Value>(&doc).is_ok(), "{doc}");
        }
    }

    #[test]
    fn numeric_dates() {
        let v = |s: &str| {
            let input = format!("{{\"t\":{s}}}");
            let mut out = None;
            scan_object(input.as_bytes(), 4, &mut |_, v| {
                out = numeric_date(input.as_bytes(), v);
                Ok(())
            })
            .unwrap();
            out
        };
        assert_eq!(v("1700000000"), Some(1_700_000_000));
        assert_eq!(v("1700000000.9"), Some(1_700_000_000));
        assert_eq!(v("-1.5"), Some(-2));
        assert_eq!(v("1e300"), None);
        assert_eq!(v("99999999999999999999"), None);
        assert_eq!(v("\"1\""), None);
    }
}
