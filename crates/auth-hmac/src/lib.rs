//! # auth-hmac
//!
//! Verifiers for HMAC-signed requests and their relatives, over [`auth_core::RequestView`] or explicit
//! header and body bytes:
//!
//! - [`signed`] — the signed-request scheme (`X-API-Key`, `X-Timestamp`, `X-Nonce`, `X-Signature`),
//!   hardened: control bytes refused, a window in both directions, nonces recorded only after the MAC
//!   verifies, several live secrets per key id.
//! - [`webhook`] — Stripe, GitHub, Slack, Standard Webhooks / Svix, Shopify and Twilio.
//! - [`sigv4`] — AWS Signature Version 4, header and presigned forms, server side.
//! - [`rfc9421`] — HTTP Message Signatures (RFC 9421) with RFC 8941 structured fields, keys from JWKs.
//!
//! Every verifier is prepared once (secrets become HMAC pad states at start-up) and verifies many
//! requests; `verify` takes `now` and, where the scheme has nonces or ids, a [`ReplayGuard`]. Nothing
//! here reads a clock, a file or the environment. Failures are one [`Error`] enum that implements
//! [`auth_core::Reject`] (status, RFC 6750 code, stable reason). MACs are compared in constant time.
//!
//! ## API at a glance
//!
//! | scheme | prepared verifier | verify |
//! | --- | --- | --- |
//! | signed request | [`SignedRequestVerifier::new`]`(`[`KeyStore`]`)`, `.with_window(secs)` | `verify(&RequestView, now, &guard) -> SignedRequestVerified` |
//! | Stripe | [`Stripe::new`]`(`[`Secrets`]`)`, `.with_tolerance(secs)` | `verify(header, body, now)` / `verify_request(&RequestView, now)` |
//! | GitHub | [`GitHub::new`]`(Secrets)` | `verify(header, body)` / `verify_request` |
//! | Slack | [`Slack::new`]`(Secrets)`, `.with_tolerance(secs)` | `verify(ts, sig, body, now)` / `verify_request` |
//! | Standard Webhooks / Svix | [`StandardWebhooks::from_whsec`]`(&["whsec_…"])` | `verify(id, ts, sig, body, now, &guard)` / `verify_request` |
//! | Shopify | [`Shopify::new`]`(Secrets)` | `verify(header, body)` / `verify_request` |
//! | Twilio | [`Twilio::new`]`(&[auth_token])` | `verify(url, params, sig)` / `verify_form(url, body, sig)` / `verify_request(url, &RequestView)` |
//! | AWS SigV4 | [`SigV4Verifier::new`]`().with_credential(akid, secret, token)`, pins | `verify(&RequestView<'a>, now) -> SigV4Verified<'a>` (borrows from the request; `into_owned()` to keep it); `explain` |
//! | RFC 9421 | [`MessageVerifier::new`]`(`[`SignatureKeys`]`, `[`Policy`]`)`; keys from JWK Sets | `verify_request(&RequestView, RequestContext, now, &guard)` / `verify_response` |
//!
//! Every `verify` returns [`Error`] on failure; `error.rejection()` gives the HTTP status, RFC 6750
//! code and stable reason (`bad_signature`, `replayed`, `unknown_key`, `stale_timestamp`,
//! `future_timestamp`, `malformed_signature`, `missing_header`, `expired`, …). The verified values
//! convert into an [`auth_core::Identity`] with `.identity()`.
//!
//! ## Limits and defaults
//!
//! Each limit is a documented constant beside the code that enforces it: secrets per key id
//! ([`keys::MAX_SECRETS_PER_KEY`]), secret length ([`keys::MAX_SECRET_LEN`]), the signed-request window
//! ([`signed::DEFAULT_WINDOW_SECS`]) and nonce bounds ([`signed::MIN_NONCE_LEN`],
//! [`signed::MAX_NONCE_LEN`]), webhook tolerance ([`webhook::DEFAULT_TOLERANCE_SECS`]) and signature
//! list sizes ([`webhook::MAX_SIGNATURES`]), SigV4 skew and presigned expiry
//! ([`sigv4::DEFAULT_MAX_SKEW_SECS`], [`sigv4::MAX_PRESIGNED_EXPIRES_SECS`]) and request sizes, RFC 9421
//! signature and component counts ([`rfc9421::MAX_SIGNATURES`], [`rfc9421::MAX_COMPONENTS`]).
//!
//! ## Hashing
//!
//! HMAC-SHA256 and SHA-256 go through [`auth_core::hash`]: ring, except on x86-64 CPUs with the SHA
//! extensions, where the `sha2` crate's block function is driven directly, which spends far less
//! around each block than ring's `hmac` and `digest` APIs. The choice follows the CPU features std
//! detects, never the data, and both paths compute the same functions. SigV4 hashes its canonical
//! request and its string to sign in the buffers it lays them out in. HMAC-SHA1 (Twilio) and the
//! other algorithms always use ring.
//!
//! ## Example
//!
//! ```
//! use auth_core::{Headers, MemoryReplayGuard, Reject, RequestView, Timestamp};
//! use auth_hmac::{KeyStore, SignedRequestVerifier};
//! use ring::hmac;
//!
//! let secret = b"an example secret of 32 bytes!!!";
//! let verifier = SignedRequestVerifier::new(KeyStore::new().with("client-1", &[secret])?);
//! let guard = MemoryReplayGuard::new(100_000);
//!
//! // What a client sends (here signed with ring directly).
//! let (ts, nonce, body) = ("1700000000", "c2b8e0e1a4d3", br#"{"amount":5}"#);
//! let mut msg = format!("POST\n/v1/payments?dry_run=1\n{ts}\n{nonce}\n").into_bytes();
//! msg.extend_from_slice(body);
//! let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), &msg);
//! let sig: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
//! let headers: &[(&str, &[u8])] = &[
//!     ("X-API-Key", b"client-1"),
//!     ("X-Timestamp", ts.as_bytes()),
//!     ("X-Nonce", nonce.as_bytes()),
//!     ("X-Signature", sig.as_bytes()),
//! ];
//! let req = RequestView::new("POST", "/v1/payments?dry_run=1", Headers::from_pairs(headers), body);
//! let now = Timestamp::from_unix(1_700_000_030);
//!
//! let ok = verifier.verify(&req, now, &guard)?;
//! assert_eq!(ok.key_id(), "client-1");
//!
//! // The same request again is a replay.
//! let err = verifier.verify(&req, now, &guard).unwrap_err();
//! assert_eq!(err.rejection().reason(), "replayed");
//! assert_eq!(err.rejection().status().code(), 401);
//! # Ok::<(), auth_hmac::Error>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod error;
pub mod keys;
pub mod rfc9421;
mod sf;
pub mod signed;
pub mod sigv4;
mod util;
pub mod webhook;

pub use auth_core::ReplayGuard;
pub use error::Error;
pub use keys::{KeyStore, Secrets};
pub use rfc9421::{MessageVerified, MessageVerifier, Policy, RequestContext, SignatureKey, SignatureKeys};
pub use signed::{SignedRequestVerified, SignedRequestVerifier};
pub use sigv4::{SigV4Verified, SigV4Verifier};
pub use util::MAX_TIMESTAMP_DIGITS;
pub use webhook::{GitHub, Shopify, Slack, StandardWebhooks, Stripe, Twilio, WebhookVerified};
