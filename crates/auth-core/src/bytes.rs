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

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::copy_short;

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
