//! Small byte helpers shared by the verifiers' hot paths.

/// `dst.copy_from_slice(src)` for slices of equal length (otherwise nothing is copied), without a
/// library call for the short pieces requests are made of: 4 to 32 bytes (methods, key ids, nonces,
/// timestamps, short paths) are two overlapping fixed-size copies, the first and the last 4, 8 or 16
/// bytes, which compile to plain loads and stores; other lengths use `copy_from_slice`.
///
/// ```
/// let mut dst = [0u8; 11];
/// auth_core::bytes::copy_short(&mut dst, b"x-timestamp");
/// assert_eq!(&dst, b"x-timestamp");
/// ```
#[inline(always)]
pub fn copy_short(dst: &mut [u8], src: &[u8]) {
    #[inline(always)]
    fn two<const W: usize>(dst: &mut [u8], src: &[u8]) {
        // Only called with W <= len == dst.len(), so both ranges are W bytes.
        let last = src.len() - W;
        if let (Some(d), Some(s)) = (dst.get_mut(..W), src.get(..W)) {
            d.copy_from_slice(s);
        }
        if let (Some(d), Some(s)) = (dst.get_mut(last..), src.get(last..)) {
            d.copy_from_slice(s);
        }
    }
    if dst.len() != src.len() {
        return;
    }
    match src.len() {
        8..=16 => two::<8>(dst, src),
        17..=32 => two::<16>(dst, src),
        4..8 => two::<4>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Word-at-a-time byte tests on eight input bytes read as a little-endian `u64` (byte `i` of the
/// input is bits `8i..8i+8`). Each test returns a mask with the top bit (`0x80`) of some bytes set:
///
/// - the `first_*` tests are exact for the **lowest** flagged byte (so "is any byte flagged" is exact
///   too, and `mask.trailing_zeros() / 8` is the first such byte's index); a borrow may also flag
///   bytes above a truly flagged one;
/// - [`swar::eq`] flags exactly the bytes equal to its argument, every one of them.
///
/// ```
/// use auth_core::bytes::swar;
/// let w = swar::word(*b"ab\"cd\"ef");
/// assert_eq!(swar::first_eq(w, b'"').trailing_zeros() / 8, 2);
/// assert_eq!(swar::eq(w, b'"'), 0x80 << 16 | 0x80 << 40);
/// assert_eq!(swar::first_below(w, 0x20), 0);
/// assert_ne!(swar::first_at_least(swar::word(*b"abc\x80defg"), 0x80), 0);
/// ```
pub mod swar {
    /// `0x01` in every byte.
    pub const ONES: u64 = 0x0101_0101_0101_0101;
    /// `0x80` in every byte: the flag bits.
    pub const HI: u64 = ONES * 0x80;
    const LOW7: u64 = ONES * 0x7F;

    /// Eight bytes as a little-endian word.
    #[inline(always)]
    #[must_use]
    pub const fn word(bytes: [u8; 8]) -> u64 {
        u64::from_le_bytes(bytes)
    }

    /// The lowest zero byte of `x` (exact for the lowest; see the module notes).
    #[inline(always)]
    #[must_use]
    pub const fn first_zero(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HI
    }

    /// The lowest byte of `x` equal to `b` (exact for the lowest).
    #[inline(always)]
    #[must_use]
    pub const fn first_eq(x: u64, b: u8) -> u64 {
        first_zero(x ^ (ONES * b as u64))
    }

    /// The lowest byte of `x` below `n`, for `n <= 0x80` (exact for the lowest).
    #[inline(always)]
    #[must_use]
    pub const fn first_below(x: u64, n: u8) -> u64 {
        x.wrapping_sub(ONES * n as u64) & !x & HI
    }

    /// The lowest byte of `x` at or above `n`, for `n <= 0x80` (exact for the lowest; bytes of
    /// `0x80` and above are flagged by their own top bit, and only they can carry).
    #[inline(always)]
    #[must_use]
    pub const fn first_at_least(x: u64, n: u8) -> u64 {
        (x.wrapping_add(ONES * (0x80 - n as u64)) | x) & HI
    }

    /// Every byte of `x` equal to `b`, exactly (no borrow crosses bytes).
    #[inline(always)]
    #[must_use]
    pub const fn eq(x: u64, b: u8) -> u64 {
        let y = x ^ (ONES * b as u64);
        !(((y & LOW7) + LOW7) | y) & HI
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::{copy_short, swar};
    use proptest::prelude::*;

    /// The index of the lowest flagged byte of a mask.
    fn lowest(mask: u64) -> Option<u32> {
        (mask != 0).then(|| mask.trailing_zeros() / 8)
    }

    proptest! {
        /// Each word test against the byte-by-byte rule, on words whose bytes cluster around the
        /// test's boundary (where borrows and carries happen).
        #[test]
        fn word_tests_agree_with_bytes(
            bytes in prop::array::uniform8(prop_oneof![any::<u8>(), 0x1eu8..0x23, 0x7du8..0x82, 0u8..3]),
            b in any::<u8>(),
            n in 0u8..=0x80,
        ) {
            let x = swar::word(bytes);
            let first = |f: &dyn Fn(u8) -> bool| bytes.iter().position(|&c| f(c)).map(|i| i as u32);
            prop_assert_eq!(lowest(swar::first_zero(x)), first(&|c| c == 0));
            prop_assert_eq!(lowest(swar::first_eq(x, b)), first(&|c| c == b));
            prop_assert_eq!(lowest(swar::first_below(x, n)), first(&|c| c < n));
            prop_assert_eq!(lowest(swar::first_at_least(x, n)), first(&|c| c >= n));
            let every: u64 = bytes.iter().enumerate().map(|(i, &c)| if c == b { 0x80u64 << (8 * i) } else { 0 }).sum();
            prop_assert_eq!(swar::eq(x, b), every);
        }
    }

    #[test]
    fn copies_every_length_and_nothing_on_a_mismatch() {
        let src: Vec<u8> = (1..=80).collect();
        for n in 0..=80 {
            let mut dst = vec![0u8; n];
            copy_short(&mut dst, &src[..n]);
            assert_eq!(dst, &src[..n], "length {n}");
        }
        let mut dst = [0u8; 3];
        copy_short(&mut dst, &src[..4]);
        assert_eq!(dst, [0; 3]);
    }
}
