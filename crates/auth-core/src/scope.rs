//! Scope sets (RFC 6749 §3.3): parsed from space-delimited strings or JSON arrays, checked all/any.

use crate::rejection::{Reject, Rejection};
use core::fmt;

/// The most scopes one set may hold.
pub const MAX_SCOPES: usize = 256;
/// The longest scope token accepted, in bytes.
pub const MAX_SCOPE_LEN: usize = 256;

/// A set of scope tokens, kept sorted and without duplicates.
///
/// Every token satisfies RFC 6749 §3.3: `1*( %x21 / %x23-5B / %x5D-7E )` (printable ASCII other than
/// space, `"` and `\`). Deserializes from a space-delimited string (`"read write"`, the OAuth `scope`
/// form) or from an array of strings (the `scp` form); serializes as an array.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(Vec<Box<str>>);

/// Why a scope string or check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeError {
    /// A token is empty (two spaces in a row, or a leading or trailing space).
    EmptyToken,
    /// A token holds a character outside the RFC 6749 scope-token set.
    InvalidCharacter,
    /// A token is longer than [`MAX_SCOPE_LEN`].
    TokenTooLong,
    /// More than [`MAX_SCOPES`] tokens.
    TooManyScopes,
    /// A required scope is absent; carries the scope(s) the resource requires, space-delimited.
    Missing {
        /// The scopes that were required.
        required: String,
    },
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyToken => f.write_str("empty scope token"),
            Self::InvalidCharacter => f.write_str("invalid character in scope token"),
            Self::TokenTooLong => f.write_str("scope token too long"),
            Self::TooManyScopes => f.write_str("too many scopes"),
            Self::Missing { required } => write!(f, "missing required scope (requires: {required})"),
        }
    }
}

impl std::error::Error for ScopeError {}

impl Reject for ScopeError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::Missing { required } => {
                Rejection::insufficient_scope("insufficient_scope").with_required_scope(required.clone())
            }
            // A malformed scope inside a credential makes the credential invalid.
            _ => Rejection::invalid_token("malformed_scope"),
        }
    }
}

fn is_scope_char(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

fn check_token(t: &str) -> Result<(), ScopeError> {
    if t.is_empty() {
        return Err(ScopeError::EmptyToken);
    }
    if t.len() > MAX_SCOPE_LEN {
        return Err(ScopeError::TokenTooLong);
    }
    if !t.bytes().all(is_scope_char) {
        return Err(ScopeError::InvalidCharacter);
    }
    Ok(())
}

impl ScopeSet {
    /// An empty set.
    #[must_use]
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Parses a space-delimited scope string. The empty string is the empty set; otherwise tokens are
    /// separated by exactly one space, with none leading or trailing.
    ///
    /// # Errors
    /// A [`ScopeError`] for an empty, oversized or invalid token, or more than [`MAX_SCOPES`] tokens.
    pub fn parse(s: &str) -> Result<Self, ScopeError> {
        if s.is_empty() {
            return Ok(Self::new());
        }
        Self::from_tokens(s.split(' '))
    }

    /// Builds a set from individual tokens (a JSON array, a configuration list), validating each.
    ///
    /// # Errors
    /// As [`ScopeSet::parse`].
    pub fn from_tokens<'a, I: IntoIterator<Item = &'a str>>(tokens: I) -> Result<Self, ScopeError> {
        let mut v: Vec<Box<str>> = Vec::new();
        for t in tokens {
            check_token(t)?;
            if v.len() >= MAX_SCOPES {
                return Err(ScopeError::TooManyScopes);
            }
            v.push(t.into());
        }
        v.sort_unstable();
        v.dedup();
        Ok(Self(v))
    }

    /// Whether `scope` is in the set.
    #[must_use]
    pub fn contains(&self, scope: &str) -> bool {
        self.0.binary_search_by(|s| (**s).cmp(scope)).is_ok()
    }

    /// Number of scopes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes, sorted.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.0.iter().map(|s| &**s)
    }

    /// Succeeds when every scope of `required` is in this set.
    ///
    /// # Errors
    /// [`ScopeError::Missing`] naming all of `required`.
    pub fn require_all(&self, required: &ScopeSet) -> Result<(), ScopeError> {
        if required.iter().all(|r| self.contains(r)) {
            Ok(())
        } else {
            Err(ScopeError::Missing { required: required.to_string() })
        }
    }

    /// Succeeds when at least one scope of `required` is in this set, or `required` is empty.
    ///
    /// # Errors
    /// [`ScopeError::Missing`] naming all of `required`.
    pub fn require_any(&self, required: &ScopeSet) -> Result<(), ScopeError> {
        if required.is_empty() || required.iter().any(|r| self.contains(r)) {
            Ok(())
        } else {
            Err(ScopeError::Missing { required: required.to_string() })
        }
    }
}

impl fmt::Display for ScopeSet {
    /// The space-delimited form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(s)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl core::str::FromStr for ScopeSet {
    type Err = ScopeError;
    fn from_str(s: &str) -> Result<Self, ScopeError> {
        Self::parse(s)
    }
}

impl serde::Serialize for ScopeSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for ScopeSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ScopeSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a space-delimited scope string or an array of scope strings")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ScopeSet, E> {
                ScopeSet::parse(s).map_err(E::custom)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ScopeSet, A::Error> {
                let mut tokens: Vec<String> = Vec::new();
                while let Some(t) = seq.next_element::<String>()? {
                    if tokens.len() >= MAX_SCOPES {
                        return Err(serde::de::Error::custom(ScopeError::TooManyScopes));
                    }
                    tokens.push(t);
                }
                ScopeSet::from_tokens(tokens.iter().map(String::as_str)).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_sorts() {
        let s = ScopeSet::parse("write read read admin:all").unwrap();
        assert_eq!(s.iter().collect::<Vec<_>>(), ["admin:all", "read", "write"]);
        assert_eq!(s.to_string(), "admin:all read write");
        assert!(ScopeSet::parse("").unwrap().is_empty());
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(ScopeSet::parse(" read"), Err(ScopeError::EmptyToken));
        assert_eq!(ScopeSet::parse("read  write"), Err(ScopeError::EmptyToken));
        assert_eq!(ScopeSet::parse("read "), Err(ScopeError::EmptyToken));
        assert_eq!(ScopeSet::parse("re\"ad"), Err(ScopeError::InvalidCharacter));
        assert_eq!(ScopeSet::parse("re\\ad"), Err(ScopeError::InvalidCharacter));
        assert_eq!(ScopeSet::parse("read\twrite"), Err(ScopeError::InvalidCharacter));
        assert_eq!(ScopeSet::parse("lecture:é"), Err(ScopeError::InvalidCharacter));
        assert_eq!(ScopeSet::parse(&"a".repeat(MAX_SCOPE_LEN + 1)), Err(ScopeError::TokenTooLong));
        let many = (0..=MAX_SCOPES).map(|i| format!("s{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(ScopeSet::parse(&many), Err(ScopeError::TooManyScopes));
    }

    #[test]
    fn require_all_and_any() {
        let have = ScopeSet::parse("read write").unwrap();
        assert!(have.require_all(&ScopeSet::parse("read").unwrap()).is_ok());
        assert!(have.require_all(&ScopeSet::new()).is_ok());
        let err = have.require_all(&ScopeSet::parse("read admin").unwrap()).unwrap_err();
        assert_eq!(err, ScopeError::Missing { required: "admin read".into() });
        let r = err.rejection();
        assert_eq!(r.status().code(), 403);
        assert_eq!(r.required_scope(), Some("admin read"));
        assert!(have.require_any(&ScopeSet::parse("admin write").unwrap()).is_ok());
        assert!(have.require_any(&ScopeSet::parse("admin root").unwrap()).is_err());
        assert!(have.require_any(&ScopeSet::new()).is_ok());
    }

    #[test]
    fn serde_string_and_array() {
        let a: ScopeSet = serde_json::from_str(r#""read write""#).unwrap();
        let b: ScopeSet = serde_json::from_str(r#"["write","read"]"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["read","write"]"#);
        assert!(serde_json::from_str::<ScopeSet>("42").is_err());
        assert!(serde_json::from_str::<ScopeSet>(r#"["a b"]"#).is_err());
        assert!(serde_json::from_str::<ScopeSet>(r#"[1]"#).is_err());
    }
}
