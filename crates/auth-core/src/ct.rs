//! Constant-time comparison where a secret meets attacker input.

use subtle::ConstantTimeEq;

/// Compares two byte strings in time that depends only on their lengths, never on their contents.
///
/// Use it for every comparison in which one side is secret or derived from a secret (a computed MAC, a
/// stored key digest, a certificate thumbprint bound to a token). The lengths are not hidden: callers
/// compare fixed-length values (digests, MACs) so the length reveals nothing.
///
/// The differences are gathered without branches: the XOR of the two strings, eight bytes at a time as
/// `u64` words (the tail byte by byte), is OR-ed into one accumulator, and only that accumulator meets
/// `subtle`'s `ConstantTimeEq` and its optimization barrier, once per call, to become the verdict.
/// `cargo xtask ct` checks under valgrind that no branch or memory index depends on the compared bytes.
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail = a_words.remainder().iter().zip(b_words.remainder()).fold(0u64, |acc, (x, y)| acc | u64::from(x ^ y));
    let diff = a_words.zip(b_words).fold(tail, |acc, (x, y)| acc | (word(x) ^ word(y)));
    bool::from(diff.ct_eq(&0))
}

/// An 8-byte chunk as a `u64` (chunks come from `chunks_exact(8)`, so the conversion cannot fail).
fn word(chunk: &[u8]) -> u64 {
    u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
mod tests {
    use super::ct_eq;

    #[test]
    fn every_length_and_position() {
        // Any single differing byte, at any position of any length up to 70, is noticed.
        for len in 0..70usize {
            let a: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert!(ct_eq(&a, &a.clone()));
            for i in 0..len {
                let mut b = a.clone();
                b[i] ^= 0x80;
                assert!(!ct_eq(&a, &b), "len {len} pos {i}");
            }
        }
    }

    #[test]
    fn equality() {
        assert!(ct_eq(b"", b""));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!ct_eq(b"", b"a"));
    }
}
