//! # auth-jwt
//!
//! Strict verification of compact JWS/JWT bearer tokens for resource servers: OAuth 2.0 access tokens
//! and service tokens. No I/O: keys and policies are prepared once, and [`verify`] takes the token
//! bytes, the [`KeySet`], the [`Policy`] and the current time.
//!
//! ```
//! use auth_core::{Reject, Timestamp};
//! use auth_jwt::{verify, Algorithm, Key, KeySet, Policy};
//!
//! // At start-up: keys and policy.
//! let secret = [0x42u8; 32];
//! let keys = KeySet::single(Key::hmac(Algorithm::HS256, &secret)?.with_kid("k1"));
//! let policy = Policy::new().issuer("https://issuer.example").audience("api").require_scopes("read")?;
//!
//! // {"alg":"HS256","kid":"k1"} . {"iss":"https://issuer.example","aud":"api","sub":"alice",
//! //  "exp":2000000000,"scope":"read write"} . HMAC-SHA256 with the secret above
//! let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIiwic3ViIjoiYWxpY2UiLCJleHAiOjIwMDAwMDAwMDAsInNjb3BlIjoicmVhZCB3cml0ZSJ9.FvlHPmE7xImcxTT-QFJL1kwWnAjs8IeJfN2l9wugmIU";
//! let now = Timestamp::from_unix(1_700_000_000);
//!
//! let verified = verify(token, &keys, &policy, now)?;
//! let identity = verified.identity();
//! assert_eq!(identity.subject, "alice");
//! assert!(identity.scopes.contains("write"));
//!
//! // Failures carry a stable reason and an HTTP rejection.
//! let later = Timestamp::from_unix(2_000_000_100);
//! let err = verify(token, &keys, &policy, later).unwrap_err();
//! assert_eq!(err.reason(), "expired");
//! assert_eq!(err.rejection().status().code(), 401);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is checked, in order
//! 1. **Limits** ([`Limits`]): token, header size and JSON depth, before decoding anything.
//! 2. **Structure**: exactly three segments (five is `jwe_not_supported`), strict unpadded base64url,
//!    header a JSON object without duplicate members, `alg` a supported algorithm (never `none`),
//!    `crit` only with extensions the policy understands, `b64: false` refused. Header `jwk`, `jku`,
//!    `x5u`, `x5c` are never used.
//! 3. **Key selection** by `kid` ([`KeySet`] documents the rules) and the key's algorithm binding
//!    ([`Key`]).
//! 4. **Signature** — always before any claim.
//! 5. **Claims** ([`Policy`]): payload a JSON object without duplicate members at any depth and
//!    without numbers beyond the range of an f64 (so [`VerifiedToken::claims_value`] can always read
//!    it);
//!    registered claims of the wrong type are errors; `typ`, `exp`, `nbf`, `iat`, `iss`, `aud`, `sub`,
//!    required claims, scopes, DPoP binding, the caller's hook, and finally the `jti` replay guard.
//!
//! ## Defaults and limits
//! | what | default | where |
//! | --- | --- | --- |
//! | token size | 8192 bytes | [`Limits::max_token_bytes`] |
//! | encoded protected header | 1024 bytes | [`Limits::max_header_bytes`] |
//! | JSON nesting (header, payload) | 16 | [`Limits::max_json_depth`] |
//! | keys in a set / JWK Set document | [`MAX_KEYS`] / [`MAX_JWKS_BYTES`] | [`KeySet`] |
//! | RSA modulus | [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`] bits | [`Key`] |
//! | HMAC key | at least the hash output (32/48/64 bytes) | [`Key::hmac`] |
//! | clock-skew leeway | [`DEFAULT_LEEWAY_SECS`] | [`Policy::leeway`] |
//! | keys tried for a token without `kid` | 1 (ambiguity is refused); [`MAX_KEY_TRIES`] when opted in | [`Policy::try_all_keys`] |
//! | accepted `typ` | absent or `JWT` | [`TypPolicy`] |
//!
//! ## Cost
//! One heap allocation per [`verify`] (the decoded header and payload), beyond what the signature
//! primitive itself allocates (ring's RSA does; HMAC, ECDSA, Ed25519 and P-521 do not). Registered
//! claims are read from that buffer by span; no JSON value tree is built unless you ask for one
//! ([`VerifiedToken::claims_value`], [`VerifiedToken::claims`]). A [`KeySet`] memoizes the protected
//! headers it has verified, so a known header is neither decoded nor parsed again.
//!
//! ## Modules
//! - [`dpop`]: RFC 9449 DPoP proof verification and RFC 7638 thumbprints.
//! - [`introspection`]: RFC 7662 introspection responses into the same [`auth_core::Identity`].
//! - Certificate-bound tokens (RFC 8705): [`VerifiedToken::check_certificate_binding`].
//!
//! ## Errors
//! [`Error`] implements [`auth_core::Reject`]: 401 `invalid_token` for bad, expired or unverifiable
//! tokens and 403 `insufficient_scope` for missing scopes, each with a stable snake_case reason.
#![forbid(unsafe_code)]

mod alg;
mod b64;
pub mod dpop;
mod error;
pub mod introspection;
mod json;
mod jws;
mod key;
mod policy;
mod token;

pub use alg::{Algorithm, AlgorithmSet};
pub use error::{DpopFailure, Error, KeyProblem, Malformed};
pub use jws::{JwsPolicy, Limits, Unverified, VerifiedJws, decode_unverified, verify_jws};
pub use key::{Key, KeySet, KeyType, MAX_JWKS_BYTES, MAX_KEYS, MAX_PEM_BYTES, MAX_RSA_BITS, MIN_RSA_BITS, SkippedKey};
pub use policy::{DEFAULT_LEEWAY_SECS, MAX_KEY_TRIES, Policy, Presentation, TypPolicy, ValidationHook};
pub use token::{Audience, StandardClaims, VerifiedToken, verify, verify_as};
