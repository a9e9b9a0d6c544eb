//! # auth-testkit
//!
//! The one place where authv mints credentials: for unit and property tests, benches, fuzz seeds and
//! `authv demo`. It signs with the primitives directly (ring, rcgen) and never with the verifier crates'
//! own code, so a test that mints here and verifies there checks the verifier against an independent
//! implementation.
//!
//! Everything is deterministic for a given [`Seed`], so a failing property test or a fuzz seed can be
//! reproduced exactly.
//!
//! **Not for production.** Keys derived from a seed are only as secret as the seed.
//!
//! ```
//! use auth_testkit::{Seed, headers};
//!
//! let seed = Seed::new(7);
//! let secret = seed.bytes("hmac-secret", 32);
//! assert_eq!(secret, Seed::new(7).bytes("hmac-secret", 32));
//! assert_ne!(secret, seed.bytes("another-label", 32));
//!
//! assert_eq!(headers::basic("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
//! ```
#![forbid(unsafe_code)]
// Minting code for tests: a failure here is a bug in the test setup and should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

pub mod apikey;
pub mod headers;
pub mod hmac;
pub mod jwt;
pub mod mtls;
mod seed;
pub mod vectors;

pub use seed::Seed;
