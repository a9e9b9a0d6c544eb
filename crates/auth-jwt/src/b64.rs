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

/// Set in a [`shifted`] table entry for a byte outside the alphabet: above the 24 bits that four
/// characters decode to, so one test of the OR of all entries refuses the input.
const INVALID_BITS: u32 = 0xFF00_0000;

/// A decoding table whose entries are the 6-bit values already shifted into place for one of the
/// four positions in a quantum (`shift` 18, 12, 6 or 0), so that four characters decode with four
/// loads and three ORs. Built at compile time; the indices are bounded by the loop and the alphabet.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn shifted(shift: u32) -> [u32; 256] {
    let mut t = [INVALID_BITS; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = (i as u32) << shift;
        i += 1;
    }
    t
}

static AT_0: [u32; 256] = shifted(18);
static AT_1: [u32; 256] = shifted(12);
static AT_2: [u32; 256] = shifted(6);
static AT_3: [u32; 256] = shifted(0);

/// Four characters as 24 bits, plus [`INVALID_BITS`] when one of them is outside the alphabet. The
/// unpadded tail passes `A` (zero) for the characters it lacks.
fn quantum(a: u8, b: u8, c: u8, d: u8) -> u32 {
    let at = |t: &[u32; 256], x: u8| t.get(usize::from(x)).copied().unwrap_or(INVALID_BITS);
    at(&AT_0, a) | at(&AT_1, b) | at(&AT_2, c) | at(&AT_3, d)
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
///
/// Table lookups indexed by the input: for public data only (token headers, payloads and signatures,
/// which the sender already knows); key material goes through [`decode`].
pub(crate) fn decode_public(src: &[u8], dst: &mut [u8]) -> Result<(), Invalid> {
    if decoded_len(src.len()) != Some(dst.len()) {
        return Err(Invalid);
    }
    let mut bad = 0u32;
    // Sixteen characters (twelve bytes) at a time, then four, then the unpadded tail.
    let wide = src.len() / 16;
    let (src_wide, src) = src.split_at(wide * 16);
    let (dst_wide, dst) = dst.split_at_mut(wide * 12);
    for (c, o) in src_wide.chunks_exact(16).zip(dst_wide.chunks_exact_mut(12)) {
        let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15] =
            <[u8; 16]>::try_from(c).map_err(|_| Invalid)?;
        let q0 = quantum(c0, c1, c2, c3);
        let q1 = quantum(c4, c5, c6, c7);
        let q2 = quantum(c8, c9, c10, c11);
        let q3 = quantum(c12, c13, c14, c15);
        bad |= q0 | q1 | q2 | q3;
        // Invalid characters pollute neighbouring bits, but then `bad` refuses the whole input.
        let v = (u128::from(q0) << 72) | (u128::from(q1) << 48) | (u128::from(q2) << 24) | u128::from(q3);
        o.copy_from_slice(v.to_be_bytes().get(4..).ok_or(Invalid)?);
    }
    let mut chunks = src.chunks_exact(4);
    let mut out = dst.chunks_exact_mut(3);
    for (c, o) in (&mut chunks).zip(&mut out) {
        let [a, b, c, d] = <[u8; 4]>::try_from(c).map_err(|_| Invalid)?;
        let v = quantum(a, b, c, d);
        bad |= v;
        o.copy_from_slice(v.to_be_bytes().get(1..).ok_or(Invalid)?);
    }
    let tail = out.into_remainder();
    match (chunks.remainder(), tail) {
        ([], []) => {}
        ([a, b], [t0]) => {
            let v = quantum(*a, *b, b'A', b'A');
            bad |= v;
            // The unused low four bits of the second character (bits 12-15) must be zero.
            if v & 0xF000 != 0 {
                return Err(Invalid);
            }
            let [_, x, _, _] = v.to_be_bytes();
            *t0 = x;
        }
        ([a, b, c], [t0, t1]) => {
            let v = quantum(*a, *b, *c, b'A');
            bad |= v;
            // The unused low two bits of the third character (bits 6-7) must be zero.
            if v & 0xC0 != 0 {
                return Err(Invalid);
            }
            let [_, x, y, _] = v.to_be_bytes();
            (*t0, *t1) = (x, y);
        }
        _ => return Err(Invalid),
    }
    if bad & INVALID_BITS != 0 { Err(Invalid) } else { Ok(()) }
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

    /// Every byte as the last character of both unpadded tail forms, after inputs long enough to
    /// pass through the wide loop: the decoders agree on which trailing bits are refused.
    #[test]
    fn tails_agree_exhaustively() {
        for prefix in ["Z", "Zm", "Zm9vYmFyYmF6cXV4Zm9vYmFy", "Zm9vYmFyYmF6cXV4Zm9vYmFyZ"] {
            for last in 0..=255u8 {
                let mut e = prefix.as_bytes().to_vec();
                e.push(last);
                let mut a = Vec::new();
                let a = decode_public_into(&e, &mut a).map(|()| a).ok();
                assert_eq!(a, decode_vec(&e).ok(), "{prefix} + {last:#04x}");
            }
        }
    }

    proptest! {
        #[test]
        fn decoders_agree(s in "[A-Za-z0-9_=+/ -]{0,56}") {
            let a = public(&s).ok();
            let b = decode_vec(s.as_bytes()).ok();
            prop_assert_eq!(a, b);
        }

        /// A valid encoding with one character replaced (by anything, inside the alphabet or not):
        /// both decoders accept or refuse it alike, at every position of the wide and narrow loops
        /// and the tail.
        #[test]
        fn decoders_agree_on_mutations(
            bytes in proptest::collection::vec(any::<u8>(), 0..48),
            at in any::<proptest::sample::Index>(),
            with in any::<u8>(),
        ) {
            let mut e = encode_string(&bytes).into_bytes();
            if !e.is_empty() {
                let i = at.index(e.len());
                e[i] = with;
            }
            let mut a = Vec::new();
            let a = decode_public_into(&e, &mut a).map(|()| a).ok();
            prop_assert_eq!(a, decode_vec(&e).ok());
        }

        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let e = encode_string(&bytes);
            prop_assert_eq!(public(&e).unwrap(), bytes);
        }
    }
}
