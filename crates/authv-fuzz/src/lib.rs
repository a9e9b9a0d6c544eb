//! # authv-fuzz
//!
//! The fuzz entry points of the authv workspace: one `pub fn <target>(data: &[u8])` per parser or
//! verifier an attacker reaches, each calling the public API exactly as a server would, with keys,
//! trust anchors and policies prepared once. The cargo-fuzz crate in `fuzz/` (outside the workspace,
//! nightly) wraps each function in a `fuzz_target!`; `tests/corpus_replay.rs` replays every committed
//! corpus file in `fuzz/corpus/<target>/` through the same functions on stable.
//!
//! Beyond "no panic", entry points assert properties where one exists, and a failed assertion is a
//! finding like a crash:
//!
//! - **Round trips**: `ScopeSet` parse → `to_string` → parse; Basic encode → parse; the raw HTTP
//!   reader on a re-serialized request.
//! - **Accepted implies a reference accepts**: an HS256 JWS the verifier accepts verifies with
//!   `ring::hmac` over its signing input; claims the policy accepts satisfy the policy when read
//!   with `serde_json`; a signed request, Slack, GitHub or Shopify webhook the verifier accepts
//!   carries the MAC that a one-shot `ring::hmac::sign` over the concatenated bytes computes; an API
//!   key or certificate chain that verifies is exactly the one minted for the store or PKI.
//! - **What the testkit mints verifies**: inputs with a mode byte become the payload, body, path or
//!   components of a credential minted by auth-testkit (one-shot over concatenated bytes, an
//!   implementation independent of the verifiers, which compute their MACs streaming), and the
//!   verifier must accept it.
//!
//! [`TARGETS`] lists every entry point by name; [`run`] dispatches on that name.
//!
//! ```
//! // Any bytes: never panics, never hangs.
//! authv_fuzz::auth_header(b"Basic dXNlcjpwYXNz");
//! authv_fuzz::run("rawhttp", b"GET / HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
//! ```
#![forbid(unsafe_code)]
// A fuzz harness: fixtures are built with `expect` (a broken fixture must stop the campaign loudly),
// and property violations are `assert!`s, which is how libFuzzer learns of a finding.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod apikey;
pub mod credentials;
pub mod http;
pub mod jwt;
pub mod mtls;
pub mod seeds;
pub mod signed;
pub mod webhooks;

pub use crate::apikey::apikey;
pub use crate::credentials::auth_header;
pub use crate::http::{RequestParts, rawhttp};
pub use crate::jwt::{dpop_proof, jwk_parse, jws_verify, jwt_claims};
pub use crate::mtls::{mtls_chain_der, mtls_chain_pem, mtls_forwarded};
pub use crate::signed::{rfc9421, signed_request, sigv4};
pub use crate::webhooks::webhooks;

/// One fuzz entry point.
pub type EntryPoint = fn(&[u8]);

/// Every entry point by target name (the name of its `fuzz/fuzz_targets/<name>.rs` and of its
/// `fuzz/corpus/<name>/` directory), with the dictionary it uses under `fuzz/dicts/`.
pub const TARGETS: &[(&str, EntryPoint, &str)] = &[
    ("auth_header", auth_header, "http.dict"),
    ("jws_verify", jws_verify, "jose.dict"),
    ("jwk_parse", jwk_parse, "jose.dict"),
    ("jwt_claims", jwt_claims, "jose.dict"),
    ("dpop_proof", dpop_proof, "jose.dict"),
    ("signed_request", signed_request, "http.dict"),
    ("webhooks", webhooks, "webhooks.dict"),
    ("sigv4", sigv4, "sigv4.dict"),
    ("rfc9421", rfc9421, "rfc9421.dict"),
    ("apikey", apikey, "http.dict"),
    ("mtls_chain_der", mtls_chain_der, "x509.dict"),
    ("mtls_chain_pem", mtls_chain_pem, "x509.dict"),
    ("mtls_forwarded", mtls_forwarded, "forwarded.dict"),
    ("rawhttp", rawhttp, "http.dict"),
];

/// Runs the entry point named `target` on `data`.
///
/// # Errors
/// When no target has that name.
pub fn run(target: &str, data: &[u8]) -> Result<(), String> {
    let (_, f, _) =
        TARGETS.iter().find(|(name, _, _)| *name == target).ok_or_else(|| format!("unknown fuzz target `{target}`"))?;
    f(data);
    Ok(())
}

/// The fixed "now" of the time-dependent targets (JWT, DPoP, signed requests, webhooks, mTLS): the
/// testkit's mTLS reference time, inside every minted certificate's validity.
pub const NOW: auth_core::Timestamp = auth_testkit::mtls::NOW;

/// Splits `data` at the first `\n` (the rest is empty when there is none).
pub(crate) fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (data.get(..i).unwrap_or_default(), data.get(i + 1..).unwrap_or_default()),
        None => (data, &[]),
    }
}

/// The first byte (a mode selector) and the rest.
pub(crate) fn selector(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(s, rest)| (*s, rest))
}

/// Maps bytes onto a safe alphabet (for minted paths, nonces and names): never empty.
pub(crate) fn safe_text(bytes: &[u8], alphabet: &[u8], max: usize) -> String {
    let mut s: String = bytes
        .iter()
        .take(max)
        .map(|&b| char::from(*alphabet.get(usize::from(b) % alphabet.len()).unwrap_or(&b'a')))
        .collect();
    if s.is_empty() {
        s.push('a');
    }
    s
}

pub(crate) const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(crate) fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}
