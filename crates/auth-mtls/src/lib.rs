//! # auth-mtls
//!
//! Turns a presented client-certificate chain into a verified identity and an authorization
//! decision: chain verification with rustls-webpki, identity extraction (subject attributes, SANs,
//! fingerprints) with x509-parser, SPIFFE X.509-SVID rules, an allow-list from identity to scopes,
//! and certificates forwarded by TLS-terminating proxies. No I/O: the caller passes the chain (DER
//! or PEM), or the proxy's headers, and the current time.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use auth_core::Reject;
//! use auth_mtls::Verifier;
//! use auth_testkit::mtls::{self, LeafSpec, Pki};
//!
//! // A root CA, an intermediate, and two client certificates (minted for the example).
//! let pki = Pki::p256("Example");
//! let alice = pki.leaf(&LeafSpec::client("alice"));
//! let mallory = pki.leaf(&LeafSpec::client("mallory"));
//!
//! // Start-up: anchors and the allow-list are parsed once.
//! let verifier = Verifier::builder()
//!     .trust_anchors_pem(pki.root_pem().as_bytes())?
//!     .allow_list_json(r#"{"cn:alice": ["read", "write"]}"#)?
//!     .build()?;
//!
//! // Per request: the chain the TLS layer received (leaf first), and the time.
//! let client = verifier.verify_chain(&alice.chain(), mtls::NOW)?;
//! assert_eq!(client.subject(), "alice");
//! assert_eq!(client.scopes().to_string(), "read write");
//! assert_eq!(client.x5t_s256().len(), 43); // RFC 8705 thumbprint for certificate-bound tokens
//! let identity = client.identity(); // the workspace-wide auth_core::Identity
//! assert_eq!(identity.attributes["fingerprint_sha256"], client.fingerprint_sha256_hex());
//!
//! // A trusted certificate outside the allow-list is a 403; an expired one a 401.
//! let err = verifier.verify_chain(&mallory.chain(), mtls::NOW).unwrap_err();
//! assert_eq!((err.rejection().status().code(), err.rejection().reason()), (403, "identity_not_allowed"));
//! let err = verifier.verify_chain(&alice.chain(), mtls::AFTER_EXPIRY).unwrap_err();
//! assert_eq!((err.rejection().status().code(), err.rejection().reason()), (401, "expired"));
//! # Ok(())
//! # }
//! ```
//!
//! ## What is checked, in order
//! 1. Input limits: at most [`MAX_CHAIN_CERTS`] certificates, [`MAX_CERT_DER_LEN`] bytes each and
//!    [`MAX_CHAIN_DER_LEN`] in all; PEM at most [`MAX_PEM_LEN`] bytes with only `CERTIFICATE`
//!    sections.
//! 2. The leaf parses (x509-parser and rustls-webpki).
//! 3. A leaf pinned by fingerprint ([`VerifierBuilder::pin_self_signed`]) is accepted within its
//!    validity period, without a CA.
//! 4. rustls-webpki builds a path to a configured trust anchor, from the presented intermediates and
//!    the configured ones, at the caller's time, with the [`SUPPORTED_SIGNATURE_ALGORITHMS`], for
//!    client authentication ([`Usage`]), and checks the configured CRLs per the explicit
//!    [`RevocationPolicy`].
//! 5. SPIFFE mode: the X.509-SVID rules (see [`SpiffeId`]) and the trust-domain-to-anchor mapping.
//! 6. The policy: an [`AllowList`] (403 outside it) or an explicit
//!    [`VerifierBuilder::allow_any_trusted`].
//!
//! Errors are one [`Error`] enum whose [`auth_core::Reject`] mapping gives 401 for an invalid or
//! untrusted certificate, 403 for an identity outside the allow-list and 400 for a malformed
//! forwarded header.
//!
//! ## Proxy-forwarded certificates
//! See [`forwarded`] and [`Verifier::verify_forwarded`]: nginx, Envoy XFCC, RFC 9440 and AWS ALB.
//! The chain found is always verified again against the configured anchors.
//!
//! ## The API a front end needs
//! | step | call |
//! | --- | --- |
//! | configure | [`Verifier::builder`], then [`trust_anchors`](VerifierBuilder::trust_anchors) (PEM or DER), [`trust_anchors_pem`](VerifierBuilder::trust_anchors_pem), [`intermediates_pem`](VerifierBuilder::intermediates_pem), [`crls`](VerifierBuilder::crls) (PEM or DER)/[`crls_pem`](VerifierBuilder::crls_pem)/[`crl_der`](VerifierBuilder::crl_der) with [`revocation_policy`](VerifierBuilder::revocation_policy), [`spiffe_trust_domain`](VerifierBuilder::spiffe_trust_domain), [`allow_list_json`](VerifierBuilder::allow_list_json) or [`allow_any_trusted`](VerifierBuilder::allow_any_trusted), [`pin_self_signed`](VerifierBuilder::pin_self_signed), [`build`](VerifierBuilder::build) |
//! | verify a chain | [`Verifier::verify_chain`]`(&[CertificateDer], now)`, [`Verifier::verify_pem`]`(pem, now)`, [`Verifier::verify_chain_for_name`] |
//! | verify a proxy's headers | [`ForwardedFormat::from_name`]`("nginx" \| "xfcc" \| "rfc9440" \| "alb")`, [`Verifier::verify_forwarded`]`(format, &Headers, now)`, [`Verifier::verify_forwarded_from`] (custom header name), [`Verifier::verify_forwarded_value`] |
//! | read the result | [`VerifiedClient::subject`], [`scopes`](VerifiedClient::scopes), [`fingerprint_sha256_hex`](VerifiedClient::fingerprint_sha256_hex), [`x5t_s256`](VerifiedClient::x5t_s256), [`dns_names`](VerifiedClient::dns_names), [`uris`](VerifiedClient::uris), [`certificate`](VerifiedClient::certificate), [`identity`](VerifiedClient::identity) |
//! | answer a failure | [`Error::reason`], and [`auth_core::Reject::rejection`] for status and challenge |
//!
//! ## Behaviour inherited from rustls-webpki, stated
//! - A leaf without an extended key usage extension is accepted for client auth (RFC 5280
//!   §4.2.1.12); `anyExtendedKeyUsage` alone is not accepted.
//! - A trust anchor contributes its key, subject and name constraints only: a root's
//!   `pathLenConstraint` is not applied (intermediates' are).
//! - rfc822Name (email) name constraints are not evaluated; a leaf with an email SAN under such a
//!   constraint is rejected (fails closed).
//! - Self-signed leaves are never trust anchors; pin them by fingerprint instead.
//! - Revocation uses only the CRLs given at start-up (no fetching, no OCSP); rebuild the verifier
//!   to refresh them.
//!
//! Checks added here on top: the leaf's own key must be RSA 2048–8192, ECDSA P-256/P-384 or
//! Ed25519, and a leaf that is not a CA must not assert `keyCertSign`.
#![forbid(unsafe_code)]

mod error;
pub mod forwarded;
mod info;
mod input;
mod policy;
mod spiffe;
mod verifier;

pub use error::{
    CertExpired, CertNotYetValid, ConfigError, Error, ForwardedError, InvalidCertificate, SpiffeViolation, TooLarge,
};
pub use forwarded::{ForwardedFormat, MAX_FORWARDED_HEADER_LEN};
pub use info::{CertificateInfo, ExtendedKeyUsageBits, KeyUsageBits, PublicKeyAlgorithm};
pub use input::{MAX_CERT_DER_LEN, MAX_CHAIN_CERTS, MAX_CHAIN_DER_LEN, MAX_CONFIG_PEM_LEN, MAX_PEM_LEN, pem_chain};
pub use policy::{AllowList, IdentityMatcher, MAX_ALLOW_LIST_ENTRIES, MAX_ALLOW_LIST_JSON_LEN, MAX_IDENTITY_LEN};
pub use rustls_pki_types::CertificateDer;
pub use spiffe::{MAX_SPIFFE_ID_LEN, MAX_TRUST_DOMAIN_LEN, SpiffeId};
pub use verifier::{
    CrlExpiration, MAX_CONFIGURED_INTERMEDIATES, MAX_CRLS, MAX_TRUST_ANCHORS, RevocationDepth, RevocationPolicy,
    SUPPORTED_SIGNATURE_ALGORITHMS, Trust, UnknownStatusPolicy, Usage, VerifiedClient, Verifier, VerifierBuilder,
};
