//! Constant-time comparison where a secret meets attacker input.

use subtle::ConstantTimeEq;

/// Compares two byte strings in time that depends only on their lengths, never on their contents.
///
/// Use it for every comparison in which one side is secret or derived from a secret (a computed MAC, a
/// stored key digest, a certificate thumbprint bound to a token). The lengths are not hidden: callers
/// compare fixed-length values (digests, MACs) so the length reveals nothing. Built on the `subtle`
/// crate's `ConstantTimeEq`, whose result passes through an optimization barrier before it becomes a
/// `bool`.
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::ct_eq;

    #[test]
    fn equality() {
        assert!(ct_eq(b"", b""));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!ct_eq(b"", b"a"));
    }
}
