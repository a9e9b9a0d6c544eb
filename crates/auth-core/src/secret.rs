//! Secret material that zeroizes on drop and never prints.

use core::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Secret bytes: HMAC keys, API-key secrets, passwords from Basic credentials.
///
/// The bytes are overwritten with zeros when the value is dropped, and `Debug` prints
/// `SecretBytes([REDACTED; n])` — the length only. There is deliberately no `Display`, `Serialize`,
/// `PartialEq` or `Hash`: compare secrets with [`crate::ct_eq`] and reveal them only through
/// [`SecretBytes::expose`], so every use is visible in review.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Box<[u8]>);

impl SecretBytes {
    /// Takes ownership of `bytes`; the vector's spare capacity is zeroed and released first.
    #[must_use]
    pub fn new(bytes: Vec<u8>) -> Self {
        let mut bytes = bytes;
        // `into_boxed_slice` may reallocate when capacity exceeds length, leaving a copy behind; wipe
        // the spare capacity so the old allocation holds nothing but zeros past the copied prefix.
        if bytes.capacity() != bytes.len() {
            let boxed: Box<[u8]> = bytes.as_slice().into();
            bytes.zeroize();
            return Self(boxed);
        }
        Self(bytes.into_boxed_slice())
    }

    /// Copies `bytes` into a new secret (the caller remains responsible for its own copy).
    #[must_use]
    pub fn copy_from(bytes: &[u8]) -> Self {
        Self(bytes.into())
    }

    /// The secret bytes. Named so that every place a secret is revealed is easy to find.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(v: Vec<u8>) -> Self {
        Self::new(v)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([REDACTED; {}])", self.0.len())
    }
}

/// A secret UTF-8 string (a Basic-auth password, an API key as presented). Same guarantees as
/// [`SecretBytes`].
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    /// Takes ownership of `s`.
    #[must_use]
    pub fn new(s: String) -> Self {
        Self(s)
    }

    /// The secret text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Number of bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretString([REDACTED; {}])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let s = SecretBytes::new(b"hunter2-hunter2".to_vec());
        let shown = format!("{s:?}");
        assert_eq!(shown, "SecretBytes([REDACTED; 15])");
        assert!(!shown.contains("hunter2"));
        let p = SecretString::new("open sesame".to_owned());
        assert_eq!(format!("{p:?}"), "SecretString([REDACTED; 11])");
        assert_eq!(p.expose(), "open sesame");
    }

    #[test]
    fn keeps_exact_bytes() {
        let mut v = Vec::with_capacity(64);
        v.extend_from_slice(b"abc");
        let s = SecretBytes::new(v);
        assert_eq!(s.expose(), b"abc");
        assert_eq!(s.len(), 3);
        assert!(!s.is_empty());
        assert!(SecretBytes::default().is_empty());
    }
}
