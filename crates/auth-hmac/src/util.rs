//! Small strict decoders and checks shared by the schemes. None of them allocates.

use crate::Error;
use auth_core::{HeaderError, Headers, Timestamp};
use base64ct::Encoding;

/// Decodes exactly `2 * N` lowercase hex digits into `[u8; N]`. Uppercase, odd length, any other length
/// or any other byte is rejected: the encoding of a MAC is canonical, so a second spelling of the same
/// bytes is refused rather than normalized.
///
/// Eight digits at a time as one 64-bit word ([`hex8`]); a tail shorter than eight digits (only when
/// `N` is not a multiple of 4) goes through the table. Everything is decoded, then checked once: no
/// data-dependent early exit inside the loop.
pub(crate) fn hex_lower_exact<const N: usize>(s: &[u8]) -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    if s.len() != N.saturating_mul(2) {
        return Err(Error::MalformedSignature);
    }
    let mut bad = 0u64;
    let mut words = s.chunks_exact(8);
    let mut outs = out.chunks_exact_mut(4);
    for (w, o) in (&mut words).zip(&mut outs) {
        let (v, b) = hex8(u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0xff; 8])));
        bad |= b;
        o.copy_from_slice(&v.to_le_bytes());
    }
    bad |= u64::from(hex_lower_table(words.remainder(), outs.into_remainder()));
    if bad != 0 {
        return Err(Error::MalformedSignature);
    }
    Ok(out)
}

/// Decodes `2 * out.len()` lowercase hex digits from `s` into `out` with [`HEX_LOWER`]; returns non-zero
/// when a byte is not a lowercase hex digit. The reference for [`hex8`].
fn hex_lower_table(s: &[u8], out: &mut [u8]) -> u8 {
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        if let [h, l] = pair {
            let digit = |c: u8| HEX_LOWER.get(usize::from(c)).copied().unwrap_or(0xff);
            let (hi, lo) = (digit(*h), digit(*l));
            bad |= (hi | lo) & 0x80;
            *o = (hi << 4) | (lo & 0x0f);
        }
    }
    bad
}

/// Eight lowercase hex digits, read little-endian from one word, as four bytes (little-endian in the
/// returned `u32`), and a non-zero second value when any of the eight bytes is not `0-9` or `a-f`.
///
/// SWAR: with the top bit of each byte cleared, adding `0x80 - lo` to a byte sets its top bit exactly
/// when the byte is `>= lo`, and no addition carries into the next byte. Bytes with the top bit set are
/// refused separately.
const fn hex8(x: u64) -> (u32, u64) {
    const HI: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let y = x & !HI;
    let ge_0 = y + ONES * (0x80 - 0x30);
    let gt_9 = y + ONES * (0x80 - 0x3a);
    let ge_a = y + ONES * (0x80 - 0x61);
    let gt_f = y + ONES * (0x80 - 0x67);
    let digit = ge_0 & !gt_9 & HI;
    let alpha = ge_a & !gt_f & HI;
    let bad = (!(digit | alpha) | x) & HI;
    // Nibble values: the low four bits, plus 9 for `a-f`.
    let nib = (x & (ONES * 0x0f)) + (alpha >> 7) * 9;
    // Pairs (high nibble first in memory) into bytes, one per 16-bit lane, then the lanes packed.
    const LANES: u64 = 0x00ff_00ff_00ff_00ff;
    let w = (((nib & LANES) << 4) | ((nib >> 8) & LANES)) & LANES;
    let w = (w | (w >> 8)) & 0x0000_ffff_0000_ffff;
    let w = (w | (w >> 16)) & 0xffff_ffff;
    #[allow(clippy::cast_possible_truncation)] // masked to 32 bits above
    (w as u32, bad)
}

/// Whether `sig` is the lowercase hex spelling of `mac`, in time that depends only on the lengths.
///
/// The MAC is secret until this verdict, so it is spelled without tables or branches (`cargo xtask ct`
/// checks this path under valgrind), word by word beside the signature, and only the OR of all the
/// differences meets [`auth_core::ct_eq`]'s barrier. Nothing is decoded: a signature equal to a valid
/// spelling is one, and callers decode only to tell a malformed signature from a wrong one.
pub(crate) fn hex_matches_ct(mac: &[u8], sig: &[u8]) -> bool {
    if !mac.len().is_multiple_of(4) || sig.len() != mac.len().saturating_mul(2) {
        return false;
    }
    let diff = mac.chunks_exact(4).zip(sig.chunks_exact(8)).fold(0u64, |acc, (four, eight)| {
        let four = <[u8; 4]>::try_from(four).unwrap_or([0; 4]);
        acc | (hex8_of(four) ^ u64::from_le_bytes(<[u8; 8]>::try_from(eight).unwrap_or([0; 8])))
    });
    auth_core::ct_eq(&diff.to_le_bytes(), &[0; 8])
}

/// The eight lowercase hex digits of four bytes, as the little-endian word of their spelling.
///
/// Each byte's nibbles are spread into two bytes (high nibble first in memory), then `'0'` is added to
/// every nibble and `'a' - '0' - 10` more to those above 9, which `n + 0x76` marks in bit 7 (no byte
/// carries or borrows into the next). No tables, no branches.
const fn hex8_of(four: [u8; 4]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = u32::from_le_bytes(four) as u64;
    let x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    let x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    let nib = ((x >> 4) & 0x000f_000f_000f_000f) | ((x & 0x000f_000f_000f_000f) << 8);
    // 0x80 in each byte whose nibble is above 9, turned into 0x7f there, masked down to 0x27.
    let above9 = (nib + ONES * 0x76) & (ONES * 0x80);
    nib + ONES * b'0' as u64 + ((above9 - (above9 >> 7)) & (ONES * (b'a' - b'0' - 10) as u64))
}

/// Lowercase hex digit values; 0xff for every other byte.
#[allow(clippy::indexing_slicing)] // const construction over 0..256 within a [u8; 256]
const HEX_LOWER: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Lowercase hex of `bytes` into `out` (which must be twice as long); returns the written prefix.
pub(crate) fn hex_encode<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o [u8] {
    let mut n = 0;
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair.copy_from_slice(HEX_PAIRS.get(usize::from(*b)).unwrap_or(&[b'0'; 2]));
        n += 2;
    }
    out.get(..n).unwrap_or_default()
}

/// The two lowercase hex digits of every byte value.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)] // const construction over 0..256
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// Decodes strict, padded standard base64 (RFC 4648 §4) into exactly `N` bytes.
pub(crate) fn b64_exact<const N: usize>(s: &[u8]) -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    // One spare byte would be needed to notice over-long input; base64ct refuses input that does not
    // fit, and we check the decoded length is exactly N.
    let n = base64ct::Base64::decode(s, &mut out).map_err(|_| Error::MalformedSignature)?.len();
    if n != N {
        return Err(Error::MalformedSignature);
    }
    Ok(out)
}

/// Byte classes for single-pass field checks ([`all_in`]).
pub(crate) mod class {
    /// RFC 9110 `tchar` (methods).
    pub(crate) const TCHAR: u8 = 1;
    /// Visible ASCII `0x21..=0x7e` (key ids).
    pub(crate) const VISIBLE: u8 = 2;
    /// ASCII digits.
    pub(crate) const DIGIT: u8 = 4;
    /// The nonce alphabet `A-Z a-z 0-9 - _ . ~`.
    pub(crate) const NONCE: u8 = 8;
    /// Anything but a control byte ([`super::is_ctl`]).
    pub(crate) const NOT_CTL: u8 = 16;
    /// A `tchar` that is not an upper-case letter (lower-case header names).
    pub(crate) const LOWER_TCHAR: u8 = 32;
    /// The standard base64 alphabet with padding: `A-Z a-z 0-9 + / =`.
    pub(crate) const BASE64: u8 = 64;
}

/// The classes of every byte value.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)] // const construction over 0..256
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if auth_core::header::is_tchar(b) {
            c |= class::TCHAR;
        }
        if b >= 0x21 && b <= 0x7e {
            c |= class::VISIBLE;
        }
        if b.is_ascii_digit() {
            c |= class::DIGIT;
        }
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~' {
            c |= class::NONCE;
        }
        if !is_ctl(b) {
            c |= class::NOT_CTL;
        }
        if auth_core::header::is_tchar(b) && !b.is_ascii_uppercase() {
            c |= class::LOWER_TCHAR;
        }
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' {
            c |= class::BASE64;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Whether every byte of `s` is in all of the classes `classes` (true for an empty `s`). One table
/// load per byte, no early exit.
pub(crate) fn all_in(s: &[u8], classes: u8) -> bool {
    s.iter().fold(classes, |acc, &b| acc & CLASS.get(usize::from(b)).copied().unwrap_or(0)) == classes
}

/// 0x20 in each byte of `l` that is `a-z`, 0 elsewhere. With the top bit of each byte cleared, adding
/// `0x80 - lo` sets a byte's top bit exactly when it is `>= lo`, without carrying into the next byte.
const fn letter_bits(l: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = ONES * 0x80;
    let ge_a = (l & !HI) + ONES * (0x80 - b'a' as u64);
    let gt_z = (l & !HI) + ONES * (0x80 - (b'z' as u64 + 1));
    (ge_a & !gt_z & !l & HI) >> 2
}

/// Zero when the word `x` of a name equals the word `l` of `lower` ignoring ASCII case: where `l` holds
/// a letter, `x | 0x20` folds `A-Z` onto `a-z` (and nothing else onto a letter); elsewhere the byte
/// must match exactly. When `lower` is a constant, its letter mask is computed at compile time.
const fn fold_diff(x: u64, l: u64) -> u64 {
    (x | letter_bits(l)) ^ l
}

/// Whether the header name `name` equals `lower`, which has no upper-case letter, ignoring ASCII case
/// (what `eq_ignore_ascii_case` answers for such a `lower`), eight bytes per step. The last word is
/// loaded ending at the last byte (overlapping the one before it), and names of four to seven bytes
/// are read as two overlapping four-byte halves; only names shorter than four bytes are compared byte
/// by byte.
#[inline(always)]
pub(crate) fn name_is(name: &[u8], lower: &[u8]) -> bool {
    #[inline]
    fn word(s: &[u8], at: usize) -> u64 {
        s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes)
    }
    #[inline]
    fn half(s: &[u8], at: usize) -> u64 {
        s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map_or(0, |w| u64::from(u32::from_le_bytes(w)))
    }
    let n = name.len();
    if n != lower.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        // The common header name: two words, the second overlapping the first.
        fold_diff(word(name, 0), word(lower, 0)) | fold_diff(word(name, n - 8), word(lower, n - 8)) == 0
    } else if n > 16 {
        let mut diff = 0u64;
        let mut at = 0;
        while at + 8 < n {
            diff |= fold_diff(word(name, at), word(lower, at));
            at += 8;
        }
        diff |= fold_diff(word(name, n - 8), word(lower, n - 8));
        diff == 0
    } else if n >= 4 {
        let halves = |s: &[u8]| half(s, 0) | (half(s, n - 4) << 32);
        fold_diff(halves(name), halves(lower)) == 0
    } else {
        name.iter().zip(lower).all(|(&a, &b)| a.to_ascii_lowercase() == b)
    }
}

/// Whether `b` is a control byte (C0, DEL). HTAB counts as a control byte here: none of the signed
/// fields of these schemes may contain it.
pub(crate) const fn is_ctl(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// The longest decimal timestamp accepted, in digits (seconds up to year 2286).
pub const MAX_TIMESTAMP_DIGITS: usize = 10;

/// Parses canonical decimal Unix seconds: 1 to [`MAX_TIMESTAMP_DIGITS`] ASCII digits, no sign, no
/// leading zero (except `0` itself), no whitespace.
pub(crate) fn parse_unix(s: &[u8]) -> Result<Timestamp, Error> {
    if !canonical_decimal_shape(s) || !s.iter().all(u8::is_ascii_digit) {
        return Err(Error::MalformedTimestamp);
    }
    Ok(Timestamp::from_unix(decimal_value(s)))
}

/// The shape of canonical decimal seconds, digits aside: 1 to [`MAX_TIMESTAMP_DIGITS`] bytes, no
/// leading zero (except `0` itself). Callers check the digits their own way.
pub(crate) fn canonical_decimal_shape(s: &[u8]) -> bool {
    (1..=MAX_TIMESTAMP_DIGITS).contains(&s.len()) && (s.len() == 1 || s.first() != Some(&b'0'))
}

/// The value of 1 to [`MAX_TIMESTAMP_DIGITS`] ASCII digits, already checked by the caller (other
/// bytes give a meaningless value, never a panic). The last eight digits, when there are that many,
/// are one word: each step pairs neighbouring values (digits into two-digit values, those into
/// four-digit ones, then eight), three multiplications in place of eight. The leading digits are
/// folded one by one.
pub(crate) fn decimal_value(digits: &[u8]) -> i64 {
    let digit_fold = |s: &[u8]| s.iter().fold(0i64, |v, &c| v.wrapping_mul(10).wrapping_add(i64::from(c & 0x0f)));
    let Some((head, last8)) = digits.len().checked_sub(8).and_then(|at| digits.split_at_checked(at)) else {
        return digit_fold(digits);
    };
    let Ok(word) = <[u8; 8]>::try_from(last8) else { return digit_fold(digits) };
    // First digit in the lowest byte; the multiplications wrap by design and leave the value in the
    // top half of each step's lanes.
    let x = u64::from_le_bytes(word) & 0x0f0f_0f0f_0f0f_0f0f;
    let x = (x.wrapping_mul(10 << 8 | 1) >> 8) & 0x00ff_00ff_00ff_00ff;
    let x = (x.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_ffff_0000_ffff;
    let x = x.wrapping_mul(10_000 << 32 | 1) >> 32;
    digit_fold(head).wrapping_mul(100_000_000).wrapping_add(i64::try_from(x).unwrap_or(0))
}

/// Checks `signed` lies within `window` seconds of `now`, in both directions.
pub(crate) fn check_window(signed: Timestamp, now: Timestamp, window: u32) -> Result<(), Error> {
    let w = i64::from(window);
    if signed < now.saturating_sub_secs(w) {
        return Err(Error::StaleTimestamp);
    }
    if signed > now.saturating_add_secs(w) {
        return Err(Error::FutureTimestamp);
    }
    Ok(())
}

/// The single value of header `name`, or the matching error.
pub(crate) fn one<'a>(headers: &Headers<'a>, name: &'static str) -> Result<&'a [u8], Error> {
    match headers.require_one(name) {
        Ok(v) => Ok(v),
        Err(HeaderError::DuplicateHeader) => Err(Error::DuplicateHeader(name)),
        Err(_) => Err(Error::MissingHeader(name)),
    }
}

/// The single value of header `name` if present.
pub(crate) fn opt<'a>(headers: &Headers<'a>, name: &'static str) -> Result<Option<&'a [u8]>, Error> {
    headers.get_one(name).map_err(|_| Error::DuplicateHeader(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn base64_class_is_the_alphabet() {
        for b in 0..=255u8 {
            let alphabet = b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
            assert_eq!(all_in(&[b], class::BASE64), alphabet, "byte {b:#04x}");
        }
    }

    #[test]
    fn hex_is_strict() {
        assert_eq!(hex_lower_exact::<2>(b"0aff").unwrap(), [0x0a, 0xff]);
        assert!(hex_lower_exact::<2>(b"0AFF").is_err());
        assert!(hex_lower_exact::<2>(b"0af").is_err());
        assert!(hex_lower_exact::<2>(b"0aff00").is_err());
        assert!(hex_lower_exact::<2>(b"").is_err());
        assert!(hex_lower_exact::<2>(b"0g00").is_err());
        let mut buf = [0u8; 4];
        assert_eq!(hex_encode(&[0x0a, 0xff], &mut buf), b"0aff");
        let all: Vec<u8> = (0..=255).collect();
        let mut buf = [0u8; 512];
        let want: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex_encode(&all, &mut buf), want.as_bytes());
        // The constant-time matcher agrees with the table spelling on every byte value in every
        // position, and refuses any other spelling: uppercase, one digit changed, wrong lengths.
        for chunk in all.chunks_exact(32) {
            let mut mac: [u8; 32] = chunk.try_into().unwrap();
            for _ in 0..2 {
                let mut spelled = [0u8; 64];
                hex_encode(&mac, &mut spelled);
                assert!(hex_matches_ct(&mac, &spelled));
                assert!(
                    !hex_matches_ct(&mac, spelled.to_ascii_uppercase().as_slice())
                        || !spelled.iter().any(u8::is_ascii_alphabetic)
                );
                for i in 0..64 {
                    let mut bad = spelled;
                    bad[i] ^= 1;
                    assert!(!hex_matches_ct(&mac, &bad), "digit {i}");
                }
                assert!(!hex_matches_ct(&mac, &spelled[..62]));
                assert!(!hex_matches_ct(&mac[..31], &spelled[..62]));
                mac.reverse();
            }
        }
    }

    #[test]
    fn base64_is_strict_and_exact() {
        assert_eq!(b64_exact::<3>(b"AAEC").unwrap(), [0, 1, 2]);
        assert!(b64_exact::<3>(b"AAE=").is_err());
        assert!(b64_exact::<3>(b"AAECAw==").is_err());
        assert!(b64_exact::<3>(b"").is_err());
        assert!(b64_exact::<1>(b"AB==").is_err(), "non-canonical trailing bits");
    }

    #[test]
    fn timestamps_and_windows() {
        assert_eq!(parse_unix(b"1700000000").unwrap().as_unix(), 1_700_000_000);
        assert_eq!(parse_unix(b"0").unwrap().as_unix(), 0);
        for bad in [&b""[..], b"01", b"-1", b"+1", b" 1", b"1.0", b"12345678901"] {
            assert_eq!(parse_unix(bad), Err(Error::MalformedTimestamp), "{bad:?}");
        }
        let now = Timestamp::from_unix(1000);
        assert!(check_window(Timestamp::from_unix(700), now, 300).is_ok());
        assert!(check_window(Timestamp::from_unix(1300), now, 300).is_ok());
        assert_eq!(check_window(Timestamp::from_unix(699), now, 300), Err(Error::StaleTimestamp));
        assert_eq!(check_window(Timestamp::from_unix(1301), now, 300), Err(Error::FutureTimestamp));
    }

    /// Every byte value is in exactly the classes its definition says.
    #[test]
    fn class_table_matches_definitions() {
        use auth_core::header::is_tchar;
        for b in 0..=255u8 {
            let nonce = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
            assert_eq!(all_in(&[b], class::TCHAR), is_tchar(b), "{b:#x}");
            assert_eq!(all_in(&[b], class::VISIBLE), (0x21..=0x7e).contains(&b), "{b:#x}");
            assert_eq!(all_in(&[b], class::DIGIT), b.is_ascii_digit(), "{b:#x}");
            assert_eq!(all_in(&[b], class::NONCE), nonce, "{b:#x}");
            assert_eq!(all_in(&[b], class::NOT_CTL), !is_ctl(b), "{b:#x}");
            assert_eq!(all_in(&[b], class::LOWER_TCHAR), is_tchar(b) && !b.is_ascii_uppercase(), "{b:#x}");
        }
        assert!(all_in(b"", class::DIGIT));
        assert!(!all_in(b"12a", class::DIGIT));
    }

    mod hex_words {
        use super::super::{HEX_LOWER, decimal_value, hex_lower_exact, hex_lower_table, parse_unix};
        use auth_core::Timestamp;
        use proptest::prelude::*;

        /// The table decoder over the whole input (the reference).
        fn reference<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
            let mut out = [0u8; N];
            (s.len() == 2 * N && hex_lower_table(s, &mut out) == 0).then_some(out)
        }

        fn hexish() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    6 => prop::sample::select(b"0123456789abcdef".to_vec()),
                    1 => prop::sample::select(b"/:@`gAFG \x7f\x80\xb0\xe1\xff".to_vec()),
                    1 => any::<u8>(),
                ],
                0..80,
            )
        }

        #[test]
        fn table_is_lowercase_hex() {
            for b in 0..=255u8 {
                let want = match b {
                    b'0'..=b'9' => Some(b - b'0'),
                    b'a'..=b'f' => Some(b - b'a' + 10),
                    _ => None,
                };
                assert_eq!(HEX_LOWER[usize::from(b)] < 16, want.is_some());
                // Every byte value in every lane position of the word decoder.
                for lane in 0..8 {
                    let mut s = *b"0123456789abcdef";
                    s[lane] = b;
                    assert_eq!(hex_lower_exact::<8>(&s).ok(), reference::<8>(&s), "byte {b:#x} at {lane}");
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

            /// The word-at-a-time decoder agrees with the table decoder on any input, for sizes with and
            /// without a tail.
            #[test]
            fn word_decoder_agrees_with_table(s in hexish(), valid in prop::collection::vec(any::<u8>(), 32)) {
                prop_assert_eq!(hex_lower_exact::<32>(&s).ok(), reference::<32>(&s));
                prop_assert_eq!(hex_lower_exact::<5>(&s).ok(), reference::<5>(&s));
                prop_assert_eq!(hex_lower_exact::<20>(&s).ok(), reference::<20>(&s));
                let enc: String = valid.iter().map(|b| format!("{b:02x}")).collect();
                prop_assert_eq!(hex_lower_exact::<32>(enc.as_bytes()).ok(), Some(<[u8; 32]>::try_from(valid).unwrap()));
            }

            /// The word-at-a-time decimal value agrees with std on every accepted timestamp length, and
            /// parse_unix accepts exactly the canonical spellings.
            #[test]
            fn decimal_value_agrees_with_std(ts in "[0-9]{1,10}", any_bytes in prop::collection::vec(any::<u8>(), 0..12)) {
                prop_assert_eq!(decimal_value(ts.as_bytes()), ts.parse::<i64>().unwrap());
                let canonical = ts.len() == 1 || !ts.starts_with('0');
                prop_assert_eq!(parse_unix(ts.as_bytes()).ok().map(Timestamp::as_unix), canonical.then(|| ts.parse::<i64>().unwrap()));
                // Any bytes: a value or an error, never a panic.
                let _ = (decimal_value(&any_bytes), parse_unix(&any_bytes));
            }
        }
    }
}
