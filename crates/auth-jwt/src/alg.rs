//! The JWS algorithms authv verifies (RFC 7518 §3, RFC 8037 §3.1). `none` is not one of them.

use core::fmt;

/// A JWS signature algorithm. `none` does not exist here: there is no way to ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt length 32.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, salt length 48.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, salt length 64.
    PS512,
    /// ECDSA on P-256 with SHA-256; signature is raw `r || s`, 64 bytes.
    ES256,
    /// ECDSA on P-384 with SHA-384; signature is raw `r || s`, 96 bytes.
    ES384,
    /// ECDSA on P-521 with SHA-512; signature is raw `r || s`, 132 bytes.
    ES512,
    /// EdDSA with Ed25519 (RFC 8037).
    EdDSA,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Self; 13] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::ES512,
        Self::EdDSA,
    ];

    /// The `alg` value as registered (case-sensitive).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
            Self::EdDSA => "EdDSA",
        }
    }

    /// Parses an `alg` value. Matching is exact and case-sensitive (RFC 7515 §4.1.1): `none`, `None`,
    /// `hs256` and unknown names give `None`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether this is an HMAC (symmetric) algorithm.
    #[must_use]
    pub const fn is_symmetric(self) -> bool {
        matches!(self, Self::HS256 | Self::HS384 | Self::HS512)
    }

    /// The HMAC output length in bytes (the minimum key length), for HS algorithms.
    pub(crate) const fn hmac_len(self) -> usize {
        match self {
            Self::HS384 => 48,
            Self::HS512 => 64,
            _ => 32,
        }
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Algorithm {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        Self::from_name(s).ok_or(crate::Error::AlgorithmNotAllowed)
    }
}

/// A set of [`Algorithm`]s (a bit set; copying is free).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    /// The empty set.
    pub const EMPTY: Self = Self(0);
    /// HS256, HS384, HS512.
    pub const HMAC: Self = Self(Algorithm::HS256.bit() | Algorithm::HS384.bit() | Algorithm::HS512.bit());
    /// RS256..RS512 and PS256..PS512.
    pub const RSA: Self = Self(
        Algorithm::RS256.bit()
            | Algorithm::RS384.bit()
            | Algorithm::RS512.bit()
            | Algorithm::PS256.bit()
            | Algorithm::PS384.bit()
            | Algorithm::PS512.bit(),
    );
    /// Every asymmetric algorithm.
    pub const ASYMMETRIC: Self = Self(
        Self::RSA.0 | Algorithm::ES256.bit() | Algorithm::ES384.bit() | Algorithm::ES512.bit() | Algorithm::EdDSA.bit(),
    );
    /// Every supported algorithm.
    pub const ALL: Self = Self(Self::HMAC.0 | Self::ASYMMETRIC.0);

    /// A set of one algorithm.
    #[must_use]
    pub const fn only(alg: Algorithm) -> Self {
        Self(alg.bit())
    }

    /// A set from a list.
    #[must_use]
    pub fn of(algs: &[Algorithm]) -> Self {
        Self(algs.iter().fold(0, |acc, a| acc | a.bit()))
    }

    /// Whether `alg` is in the set.
    #[must_use]
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    /// The intersection.
    #[must_use]
    pub const fn intersect(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The algorithms in the set, in [`Algorithm::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

impl fmt::Debug for AlgorithmSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Algorithm> for AlgorithmSet {
    fn from_iter<I: IntoIterator<Item = Algorithm>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |acc, a| acc | a.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_exact() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
        for bad in ["none", "None", "NONE", "nOnE", "hs256", "Hs256", "ES521", "", "RS1"] {
            assert_eq!(Algorithm::from_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn sets() {
        assert!(AlgorithmSet::HMAC.contains(Algorithm::HS384));
        assert!(!AlgorithmSet::HMAC.contains(Algorithm::RS256));
        assert_eq!(AlgorithmSet::ALL.iter().count(), 13);
        assert!(AlgorithmSet::HMAC.intersect(AlgorithmSet::ASYMMETRIC).is_empty());
        assert_eq!(AlgorithmSet::of(&[Algorithm::ES256]), AlgorithmSet::only(Algorithm::ES256));
    }
}
