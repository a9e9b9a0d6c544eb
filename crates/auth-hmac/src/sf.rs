//! A bounded parser and serializer for RFC 8941 Structured Field Values (Items, Lists, Dictionaries),
//! as RFC 9421 needs them. Date and Display String (RFC 9651) are not supported and fail to parse.
//!
//! Strictness beyond RFC 8941: a repeated dictionary key or parameter key is an error (RFC 8941 keeps
//! the last one; for signature metadata two values for one key is an attack or a bug, never intended).

use crate::Error;
use base64ct::Encoding;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest field value parsed, in bytes.
pub(crate) const MAX_FIELD_LEN: usize = 8192;
/// The most members in a list or dictionary, items in an inner list, or parameters on one item.
pub(crate) const MAX_MEMBERS: usize = 64;

/// A bare item. Keys, tokens and strings without escapes borrow from the parsed field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bare<'a> {
    Integer(i64),
    /// In thousandths.
    Decimal(i64),
    String(Cow<'a, str>),
    Token(&'a str),
    Bytes(Vec<u8>),
    Boolean(bool),
}

pub(crate) type Params<'a> = Vec<(&'a str, Bare<'a>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub(crate) bare: Bare<'a>,
    pub(crate) params: Params<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InnerList<'a> {
    pub(crate) items: Vec<Item<'a>>,
    pub(crate) params: Params<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member<'a> {
    Item(Item<'a>),
    Inner(InnerList<'a>),
}

pub(crate) type Dictionary<'a> = Vec<(&'a str, Member<'a>)>;

const fn err() -> Error {
    Error::MalformedHeader("structured field")
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn bump(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }
    fn sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    fn ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn key(&mut self) -> Result<&'a str, Error> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => {}
            _ => return Err(err()),
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'.' | b'*') {
                self.i += 1;
            } else {
                break;
            }
        }
        let k = self.s.get(start..self.i).ok_or_else(err)?;
        core::str::from_utf8(k).map_err(|_| err())
    }

    fn params(&mut self) -> Result<Params<'a>, Error> {
        let mut out: Params<'a> = Vec::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.sp();
            let k = self.key()?;
            let v = if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare()?
            } else {
                Bare::Boolean(true)
            };
            if out.iter().any(|(e, _)| *e == k) {
                return Err(Error::MalformedHeader("repeated structured field parameter"));
            }
            if out.len() >= MAX_MEMBERS {
                return Err(Error::TooLarge);
            }
            out.push((k, v));
        }
        Ok(out)
    }

    fn item(&mut self) -> Result<Item<'a>, Error> {
        let bare = self.bare()?;
        let params = self.params()?;
        Ok(Item { bare, params })
    }

    fn member(&mut self) -> Result<Member<'a>, Error> {
        if self.peek() == Some(b'(') {
            self.i += 1;
            let mut items = Vec::new();
            loop {
                self.sp();
                if self.peek() == Some(b')') {
                    self.i += 1;
                    let params = self.params()?;
                    return Ok(Member::Inner(InnerList { items, params }));
                }
                if items.len() >= MAX_MEMBERS {
                    return Err(Error::TooLarge);
                }
                items.push(self.item()?);
                match self.peek() {
                    Some(b' ' | b')') => {}
                    _ => return Err(err()),
                }
            }
        }
        Ok(Member::Item(self.item()?))
    }

    fn bare(&mut self) -> Result<Bare<'a>, Error> {
        match self.peek().ok_or_else(err)? {
            b'-' | b'0'..=b'9' => self.number(),
            b'"' => self.string(),
            b':' => self.bytes(),
            b'?' => {
                self.i += 1;
                match self.bump() {
                    Some(b'1') => Ok(Bare::Boolean(true)),
                    Some(b'0') => Ok(Bare::Boolean(false)),
                    _ => Err(err()),
                }
            }
            c if c.is_ascii_alphabetic() || c == b'*' => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if auth_core::header::is_tchar(c) || c == b':' || c == b'/' {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                let t = self.s.get(start..self.i).ok_or_else(err)?;
                Ok(Bare::Token(core::str::from_utf8(t).map_err(|_| err())?))
            }
            _ => Err(err()),
        }
    }

    fn number(&mut self) -> Result<Bare<'a>, Error> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let (mut int, mut digits, mut frac, mut fdigits, mut dot) = (0i64, 0usize, 0i64, 0usize, false);
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' if !dot => {
                    digits += 1;
                    if digits > 15 {
                        return Err(err());
                    }
                    int = int * 10 + i64::from(c - b'0');
                }
                b'0'..=b'9' => {
                    fdigits += 1;
                    if fdigits > 3 {
                        return Err(err());
                    }
                    frac = frac * 10 + i64::from(c - b'0');
                }
                b'.' if !dot && digits > 0 && digits <= 12 => dot = true,
                _ => break,
            }
            self.i += 1;
        }
        if digits == 0 || (dot && fdigits == 0) {
            return Err(err());
        }
        let sign = if neg { -1 } else { 1 };
        if dot {
            let scale = [1000, 100, 10, 1].get(fdigits).copied().unwrap_or(1);
            Ok(Bare::Decimal(sign * (int * 1000 + frac * scale)))
        } else {
            Ok(Bare::Integer(sign * int))
        }
    }

    fn string(&mut self) -> Result<Bare<'a>, Error> {
        self.i += 1;
        // Most strings hold no escape: borrow them from the field value.
        let rest: &'a [u8] = self.s.get(self.i..).unwrap_or_default();
        if let Some(n) = rest.iter().position(|c| !(0x20..0x7f).contains(c) || *c == b'"' || *c == b'\\')
            && rest.get(n) == Some(&b'"')
        {
            let text = core::str::from_utf8(rest.get(..n).unwrap_or_default()).map_err(|_| err())?;
            self.i += n + 1;
            return Ok(Bare::String(Cow::Borrowed(text)));
        }
        let mut out = String::new();
        loop {
            match self.bump().ok_or_else(err)? {
                b'\\' => match self.bump() {
                    Some(c @ (b'"' | b'\\')) => out.push(char::from(c)),
                    _ => return Err(err()),
                },
                b'"' => return Ok(Bare::String(Cow::Owned(out))),
                c if (0x20..0x7f).contains(&c) => out.push(char::from(c)),
                _ => return Err(err()),
            }
        }
    }

    fn bytes(&mut self) -> Result<Bare<'a>, Error> {
        self.i += 1;
        let start = self.i;
        let rest = self.s.get(start..).unwrap_or_default();
        // The content runs to the closing colon and must be base64 throughout: one table lookup per
        // byte with no branch on which character it is, so the time taken depends on the length alone
        // (signatures are compared in constant time; their parsing should not vary with them either).
        self.i = start + rest.iter().position(|&c| c == b':').unwrap_or(rest.len());
        let b64 = self.s.get(start..self.i).ok_or_else(err)?;
        if !crate::util::all_in(b64, crate::util::class::BASE64) {
            return Err(err());
        }
        if self.bump() != Some(b':') {
            return Err(err());
        }
        let v = base64ct::Base64::decode_vec(core::str::from_utf8(b64).map_err(|_| err())?).map_err(|_| err())?;
        Ok(Bare::Bytes(v))
    }
}

fn start(s: &[u8]) -> Result<P<'_>, Error> {
    if s.len() > MAX_FIELD_LEN {
        return Err(Error::TooLarge);
    }
    let mut p = P { s, i: 0 };
    p.sp();
    Ok(p)
}

fn end(p: &mut P<'_>) -> Result<(), Error> {
    p.sp();
    if p.done() { Ok(()) } else { Err(err()) }
}

/// Parses a Dictionary field value (several field lines should be joined with `,` first).
pub(crate) fn parse_dictionary(s: &[u8]) -> Result<Dictionary<'_>, Error> {
    let mut p = start(s)?;
    let mut out: Dictionary<'_> = Vec::new();
    while !p.done() {
        let k = p.key()?;
        let m = if p.peek() == Some(b'=') {
            p.i += 1;
            p.member()?
        } else {
            Member::Item(Item { bare: Bare::Boolean(true), params: p.params()? })
        };
        if out.iter().any(|(e, _)| *e == k) {
            return Err(Error::MalformedHeader("repeated structured field key"));
        }
        if out.len() >= MAX_MEMBERS {
            return Err(Error::TooLarge);
        }
        out.push((k, m));
        p.ows();
        if p.done() {
            break;
        }
        if p.bump() != Some(b',') {
            return Err(err());
        }
        p.ows();
        if p.done() {
            return Err(err());
        }
    }
    Ok(out)
}

/// Parses a List field value.
pub(crate) fn parse_list(s: &[u8]) -> Result<Vec<Member<'_>>, Error> {
    let mut p = start(s)?;
    let mut out = Vec::new();
    while !p.done() {
        if out.len() >= MAX_MEMBERS {
            return Err(Error::TooLarge);
        }
        out.push(p.member()?);
        p.ows();
        if p.done() {
            break;
        }
        if p.bump() != Some(b',') {
            return Err(err());
        }
        p.ows();
        if p.done() {
            return Err(err());
        }
    }
    Ok(out)
}

/// Parses an Item field value.
pub(crate) fn parse_item(s: &[u8]) -> Result<Item<'_>, Error> {
    let mut p = start(s)?;
    let item = p.item()?;
    end(&mut p)?;
    Ok(item)
}

// ---- serialization (RFC 8941 §4.1) ----

pub(crate) fn ser_bare(b: &Bare<'_>, out: &mut String) {
    match b {
        // Writing to a String cannot fail.
        Bare::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Bare::Decimal(d) => {
            if *d < 0 {
                out.push('-');
            }
            let a = d.unsigned_abs();
            out.push_str(&(a / 1000).to_string());
            out.push('.');
            let f = format!("{:03}", a % 1000);
            let t = f.trim_end_matches('0');
            out.push_str(if t.is_empty() { "0" } else { t });
        }
        Bare::String(s) => {
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        Bare::Token(t) => out.push_str(t),
        Bare::Bytes(b) => {
            out.push(':');
            out.push_str(&base64ct::Base64::encode_string(b));
            out.push(':');
        }
        Bare::Boolean(true) => out.push_str("?1"),
        Bare::Boolean(false) => out.push_str("?0"),
    }
}

pub(crate) fn ser_params(p: &Params<'_>, out: &mut String) {
    for (k, v) in p {
        out.push(';');
        out.push_str(k);
        if *v != Bare::Boolean(true) {
            out.push('=');
            ser_bare(v, out);
        }
    }
}

pub(crate) fn ser_item(i: &Item<'_>, out: &mut String) {
    ser_bare(&i.bare, out);
    ser_params(&i.params, out);
}

pub(crate) fn ser_inner(l: &InnerList<'_>, out: &mut String) {
    out.push('(');
    for (n, i) in l.items.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        ser_item(i, out);
    }
    out.push(')');
    ser_params(&l.params, out);
}

pub(crate) fn ser_member(m: &Member<'_>, out: &mut String) {
    match m {
        Member::Item(i) => ser_item(i, out),
        Member::Inner(l) => ser_inner(l, out),
    }
}

pub(crate) fn ser_dictionary(d: &Dictionary<'_>, out: &mut String) {
    for (n, (k, m)) in d.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        match m {
            Member::Item(Item { bare: Bare::Boolean(true), params }) => ser_params(params, out),
            _ => {
                out.push('=');
                ser_member(m, out);
            }
        }
    }
}

pub(crate) fn ser_list(l: &[Member<'_>], out: &mut String) {
    for (n, m) in l.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        ser_member(m, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict_round_trip(s: &str) -> String {
        let d = parse_dictionary(s.as_bytes()).unwrap();
        let mut out = String::new();
        ser_dictionary(&d, &mut out);
        out
    }

    #[test]
    fn round_trips() {
        assert_eq!(dict_round_trip("a=1,  b=?0;x, c"), "a=1, b=?0;x, c");
        assert_eq!(
            dict_round_trip("sig=(\"@method\" \"x\";sf);created=1;keyid=\"k\""),
            "sig=(\"@method\" \"x\";sf);created=1;keyid=\"k\""
        );
        assert_eq!(dict_round_trip("a=1.500, b=-0.0, c=:AQID:, d=tok/en:x"), "a=1.5, b=0.0, c=:AQID:, d=tok/en:x");
        assert_eq!(dict_round_trip("s=\"a\\\"b\\\\\""), "s=\"a\\\"b\\\\\"");
        let l = parse_list(b"a, (b c);d, \"e\"").unwrap();
        let mut out = String::new();
        ser_list(&l, &mut out);
        assert_eq!(out, "a, (b c);d, \"e\"");
        let i = parse_item(b"  12.25;q=?1 ").unwrap();
        let mut out = String::new();
        ser_item(&i, &mut out);
        assert_eq!(out, "12.25;q");
    }

    #[test]
    fn rejects() {
        for bad in [
            &b"a=1,"[..],
            b"a=1,,b=2",
            b"A=1",
            b"a=1;x=1;x=2",
            b"a=1, a=2",
            b"a=\"unterminated",
            b"a=:not base64!:",
            b"a=1234567890123456",
            b"a=1.2345",
            b"a=(b",
            b"a=@d",
            b"a=\"\\x\"",
        ] {
            assert!(parse_dictionary(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(parse_item(b"1 2").is_err());
        assert_eq!(parse_dictionary(&vec![b'a'; MAX_FIELD_LEN + 1]), Err(Error::TooLarge));
        let many = (0..=MAX_MEMBERS).map(|i| format!("k{i}=1")).collect::<Vec<_>>().join(",");
        assert_eq!(parse_dictionary(many.as_bytes()), Err(Error::TooLarge));
    }
}
