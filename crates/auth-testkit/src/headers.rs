//! Header values for the credential forms auth-core parses.

use base64ct::{Base64, Encoding};

/// `Bearer <token>`.
#[must_use]
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// `Basic <base64(user:password)>` (RFC 7617), without any validation, so tests can also build
/// malformed credentials (a colon in the user-id, control characters).
#[must_use]
pub fn basic(user_id: &str, password: &str) -> String {
    format!("Basic {}", Base64::encode_string(format!("{user_id}:{password}").as_bytes()))
}

/// `Basic <base64(bytes)>` over raw bytes (non-UTF-8 and colon-less payloads for negative tests).
#[must_use]
pub fn basic_raw(bytes: &[u8]) -> String {
    format!("Basic {}", Base64::encode_string(bytes))
}
