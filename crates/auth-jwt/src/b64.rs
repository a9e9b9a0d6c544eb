//! Strict unpadded base64url (RFC 4648 §5, RFC 7515 §2).
//!
//! Two decoders with the same strictness — alphabet `A-Z a-z 0-9 - _` only, no padding, no
//! whitespace, a length that is not 1 mod 4, and zero unused trailing bits (so every byte string has
//! exactly one accepted encoding):
//! - [`decode`] / [`decode_vec`] use `base64ct` (constant time) for key material;
//! - [`decode_public_into`] is a table decoder for the public token header and payload, several times
//!   faster on the hot path. Their agreement is checked by a property test.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Invalid base64url input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

/// Decodes into `buf` (constant time, for secrets and signatures).
pub(crate) fn decode<'b>(src: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8], Invalid> {
    Base64UrlUnpadded::decode(src, buf).map_err(|_| Invalid)
}

/// Decodes into a new vector (constant time, for key material).
pub(crate) fn decode_vec(src: &[u8]) -> Result<Vec<u8>, Invalid> {
    let s = core::str::from_utf8(src).map_err(|_| Invalid)?;
    Base64UrlUnpadded::decode_vec(s).map_err(|_| Invalid)
}

/// Encodes into a new string.
pub(crate) fn encode_string(src: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(src)
}

/// The decoded length of `len` base64url characters, or `None` for an impossible length.
pub(crate) const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        0 => Some(len / 4 * 3),
        r => Some(len / 4 * 3 + r - 1),
    }
}

const INVALID: u8 = 0xFF;

// Compile-time construction; the indices are bounded by the loop and the alphabet length.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const TABLE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn val(c: u8) -> u32 {
    u32::from(TABLE.get(usize::from(c)).copied().unwrap_or(INVALID))
}

/// Decodes public data, appending to `out`.
pub(crate) fn decode_public_into(src: &[u8], out: &mut Vec<u8>) -> Result<(), Invalid> {
    let n = decoded_len(src.len()).ok_or(Invalid)?;
    let base = out.len();
    out.resize(base + n, 0);
    let dst = out.get_mut(base..).ok_or(Invalid)?;
    let result = decode_public(src, dst);
    if result.is_err() {
        out.truncate(base);
    }
    result
}

/// Decodes public data into `dst`, which must be exactly [`decoded_len`] bytes long.
pub(crate) fn decode_public(src: &[u8], dst: &mut [u8]) -> Result<(), Invalid> {
    if decoded_len(src.len()) != Some(dst.len()) {
        return Err(Invalid);
    }
    let mut bad = 0u32;
    // Eight characters (six bytes) at a time, then the 4-character loop for what is left.
    let wide = src.len() / 8;
    let (src_wide, src) = src.split_at(wide * 8);
    let (dst_wide, dst) = dst.split_at_mut(wide * 6);
    for (c, o) in src_wide.chunks_exact(8).zip(dst_wide.chunks_exact_mut(6)) {
        let [a, b, c, d, e, f, g, h] = <[u8; 8]>::try_from(c).map_err(|_| Invalid)?.map(val);
        bad |= a | b | c | d | e | f | g | h;
        // Invalid characters pollute neighbouring bits, but then `bad` refuses the whole input.
        let v = (u64::from(a) << 42)
            | (u64::from(b) << 36)
            | (u64::from(c) << 30)
            | (u64::from(d) << 24)
            | (u64::from(e) << 18)
            | (u64::from(f) << 12)
            | (u64::from(g) << 6)
            | u64::from(h);
        let bytes = v.to_be_bytes();
        o.copy_from_slice(bytes.get(2..).ok_or(Invalid)?);
    }
    let mut chunks = src.chunks_exact(4);
    let mut out = dst.chunks_exact_mut(3);
    for (c, o) in (&mut chunks).zip(&mut out) {
        let [a, b, d, e] = <[u8; 4]>::try_from(c).map_err(|_| Invalid)?.map(val);
        bad |= a | b | d | e;
        let v = (a << 18) | (b << 12) | (d << 6) | e;
        o.copy_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
    }
    let tail = out.into_remainder();
    match (chunks.remainder(), tail) {
        ([], []) => {}
        ([a, b], [t0]) => {
            let (a, b) = (val(*a), val(*b));
            bad |= a | b;
            if b & 0x0F != 0 {
                return Err(Invalid);
            }
            *t0 = ((a << 2) | (b >> 4)) as u8;
        }
        ([a, b, d], [t0, t1]) => {
            let (a, b, d) = (val(*a), val(*b), val(*d));
            bad |= a | b | d;
            if d & 0x03 != 0 {
                return Err(Invalid);
            }
            let v = (a << 10) | (b << 4) | (d >> 2);
            *t0 = (v >> 8) as u8;
            *t1 = v as u8;
        }
        _ => return Err(Invalid),
    }
    // An invalid character maps to 0xFF, which sets bits above the 6-bit range.
    if bad & !0x3F != 0 { Err(Invalid) } else { Ok(()) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn public(s: &str) -> Result<Vec<u8>, Invalid> {
        let mut v = Vec::new();
        decode_public_into(s.as_bytes(), &mut v).map(|()| v)
    }

    #[test]
    fn strictness() {
        assert_eq!(public("Zm9v").unwrap(), b"foo");
        assert_eq!(public("Zm8").unwrap(), b"fo");
        assert_eq!(public("Zg").unwrap(), b"f");
        assert_eq!(public("").unwrap(), b"");
        for bad in ["Zg==", "Zm8=", "Zh", "Zm9", "Z", "Zm9v+", "Zm9/", "Zm 9v", "Zm9v\n", "Zm.v", "Zm9vZ"] {
            assert!(public(bad).is_err(), "{bad}");
            assert!(decode_vec(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn decoders_agree(s in "[A-Za-z0-9_=+/ -]{0,24}") {
            let a = public(&s).ok();
            let b = decode_vec(s.as_bytes()).ok();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let e = encode_string(&bytes);
            prop_assert_eq!(public(&e).unwrap(), bytes);
        }
    }
}
