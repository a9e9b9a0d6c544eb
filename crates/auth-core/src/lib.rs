//! # auth-core
//!
//! The shared vocabulary of the authv verifiers. Every scheme crate (`auth-jwt`, `auth-hmac`,
//! `auth-apikey`, `auth-mtls`) takes its input through these types and reports through them, so a server
//! handles every scheme alike:
//!
//! - **Credentials out of a request** — [`header`]: `Authorization` per RFC 9110 §11 (case-insensitive
//!   scheme, token68 or auth-params), Bearer (RFC 6750), Basic (RFC 7617), custom headers such as
//!   `x-api-key`; [`extract_credential`] finds the single credential a request offers and rejects
//!   duplicates and credentials offered two ways at once.
//! - **A borrowed request view** — [`RequestView`] (method, target, headers in order, body) for the
//!   signed-request schemes; with the `http` feature, `RequestView::from_http_parts` converts
//!   `http::request::Parts` without copying.
//! - **The verdict** — an [`Identity`] on success; on failure a [`Rejection`] with its HTTP [`Status`],
//!   RFC 6750 [`ErrorCode`], stable snake_case reason and `WWW-Authenticate` rendering. Each crate's
//!   error type implements [`Reject`].
//! - **Scopes** — [`ScopeSet`]: space-delimited strings or JSON arrays; `require_all` / `require_any`.
//! - **Time** — [`Timestamp`]: `now` is always a parameter; nothing here reads a clock.
//! - **Secrets** — [`SecretBytes`] / [`SecretString`]: zeroized on drop, redacted in `Debug`.
//! - **Constant-time equality** — [`ct_eq`], from the `subtle` crate.
//! - **Hashing** — [`hash`]: SHA-256 and HMAC on whichever of ring and `sha2`'s block function is
//!   faster on the CPU at hand, for the verifiers' hot paths.
//! - **Replay protection** — the [`ReplayGuard`] trait and the bounded, fail-closed
//!   [`MemoryReplayGuard`].
//!
//! The crate does no I/O, holds no global state, never panics on input and forbids `unsafe`.
//!
//! ## Example
//!
//! A handler that accepts a Bearer token or an `x-api-key` header and answers a rejection correctly:
//!
//! ```
//! use auth_core::{
//!     extract_credential, Challenge, Credential, CredentialSources, Headers, Reject, RequestView,
//! };
//!
//! let headers: &[(&str, &[u8])] = &[("authorization", b"Bearer mF_9.B5f-4.1JqM")];
//! let request = RequestView::new("GET", "/v1/items", Headers::from_pairs(headers), b"");
//! let sources = CredentialSources::none().with_bearer().with_header("x-api-key");
//!
//! match extract_credential(&request, &sources) {
//!     Ok(Credential::Bearer(token)) => assert_eq!(token, "mF_9.B5f-4.1JqM"),
//!     Ok(_) => unreachable!("only a Bearer token was sent"),
//!     Err(e) => {
//!         let rejection = e.rejection();
//!         let status = rejection.status().code();
//!         let challenge = rejection.www_authenticate(&Challenge::bearer(Some("api")));
//!         println!("{status} WWW-Authenticate: {challenge}; log reason {}", rejection.reason());
//!     }
//! }
//!
//! // Two Authorization fields are never "take the first".
//! let twice: &[(&str, &[u8])] = &[("authorization", b"Bearer a"), ("authorization", b"Bearer b")];
//! let request = RequestView::new("GET", "/", Headers::from_pairs(twice), b"");
//! let rejection = extract_credential(&request, &sources).unwrap_err().rejection();
//! assert_eq!(rejection.status().code(), 400);
//! assert_eq!(rejection.reason(), "duplicate_header");
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod bytes;
mod credentials;
mod ct;
pub mod hash;
pub mod header;
mod identity;
mod rejection;
pub mod replay;
mod request;
mod scope;
mod secret;
mod time;

pub use credentials::{Credential, CredentialSources, extract_credential, extract_from};
pub use ct::ct_eq;
pub use header::{BasicCredentials, HeaderError};
pub use identity::{Identity, Scheme};
pub use rejection::{Challenge, ChallengeScheme, ErrorCode, Reject, Rejection, Status};
pub use replay::{MemoryReplayGuard, ReplayError, ReplayGuard};
pub use request::{HeaderIter, Headers, RequestView};
pub use scope::{MAX_SCOPE_LEN, MAX_SCOPES, ScopeError, ScopeSet};
pub use secret::{SecretBytes, SecretString};
pub use time::{TimeOutOfRange, Timestamp};
