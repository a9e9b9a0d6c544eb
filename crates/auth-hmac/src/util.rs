//! Small strict decoders and checks shared by the schemes. None of them allocates.

use crate::Error;
use auth_core::{HeaderError, Headers, Timestamp};
use base64ct::Encoding;

/// Decodes exactly `2 * N` lowercase hex digits into `[u8; N]`. Uppercase, odd length, any other length
/// or any other byte is rejected: the encoding of a MAC is canonical, so a second spelling of the same
/// bytes is refused rather than normalized.
pub(crate) fn hex_lower_exact<const N: usize>(s: &[u8]) -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    if s.len() != N.saturating_mul(2) {
        return Err(Error::MalformedSignature);
    }
    // Decode everything, then check once: no data-dependent early exit inside the loop.
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        if let [h, l] = pair {
            let digit = |c: u8| HEX_LOWER.get(usize::from(c)).copied().unwrap_or(0xff);
            let (hi, lo) = (digit(*h), digit(*l));
            bad |= (hi | lo) & 0x80;
            *o = (hi << 4) | (lo & 0x0f);
        }
    }
    if bad != 0 {
        return Err(Error::MalformedSignature);
    }
    Ok(out)
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut n = 0;
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        if let [h, l] = pair {
            *h = DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *l = DIGITS.get(usize::from(b & 0x0f)).copied().unwrap_or(b'0');
            n += 2;
        }
    }
    out.get(..n).unwrap_or_default()
}

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
    if s.is_empty() || s.len() > MAX_TIMESTAMP_DIGITS || (s.len() > 1 && s.first() == Some(&b'0')) {
        return Err(Error::MalformedTimestamp);
    }
    let mut v: i64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return Err(Error::MalformedTimestamp);
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Ok(Timestamp::from_unix(v))
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
    fn hex_is_strict() {
        assert_eq!(hex_lower_exact::<2>(b"0aff").unwrap(), [0x0a, 0xff]);
        assert!(hex_lower_exact::<2>(b"0AFF").is_err());
        assert!(hex_lower_exact::<2>(b"0af").is_err());
        assert!(hex_lower_exact::<2>(b"0aff00").is_err());
        assert!(hex_lower_exact::<2>(b"").is_err());
        assert!(hex_lower_exact::<2>(b"0g00").is_err());
        let mut buf = [0u8; 4];
        assert_eq!(hex_encode(&[0x0a, 0xff], &mut buf), b"0aff");
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
}
