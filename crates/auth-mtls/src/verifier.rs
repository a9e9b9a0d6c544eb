//! The verifier: configuration, chain verification and the verified result.

use crate::error::{CertExpired, CertNotYetValid, ConfigError, Error, SpiffeViolation};
use crate::info::{self, CertificateInfo};
use crate::input::{self, MAX_CONFIG_PEM_LEN};
use crate::policy::{AllowList, parse_fingerprint};
use crate::spiffe::{self, SpiffeId};
use auth_core::{Identity, Scheme, ScopeSet, Timestamp};
use rustls_pki_types::{CertificateDer, ServerName, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use std::collections::{HashMap, HashSet};
use webpki::{CertRevocationList, EndEntityCert, KeyUsage, OwnedCertRevocationList, RevocationOptionsBuilder};

/// The signature algorithms accepted in chains: everything ring offers to rustls-webpki.
///
/// ECDSA P-256/P-384 with SHA-256/384, Ed25519, RSA PKCS#1 v1.5 (2048–8192 bits) with SHA-256/384/512,
/// and RSA-PSS (2048–8192 bits) with SHA-256/384/512 on `rsaEncryption` keys.
pub static SUPPORTED_SIGNATURE_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// Most trust anchors one verifier holds.
pub const MAX_TRUST_ANCHORS: usize = 10_000;

/// Most configured intermediates one verifier holds.
pub const MAX_CONFIGURED_INTERMEDIATES: usize = 1_000;

/// Most CRLs one verifier holds.
pub const MAX_CRLS: usize = 1_000;

/// The extended key usage the leaf must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Usage {
    /// `id-kp-clientAuth` (the default): a leaf with an EKU extension must list it; a leaf without
    /// the extension is accepted (RFC 5280 §4.2.1.12).
    #[default]
    ClientAuth,
    /// `id-kp-serverAuth`, for checking server certificates with the same machinery (test suites,
    /// service-to-service checks of a peer's server certificate).
    ServerAuth,
}

/// How much of the chain is checked against the CRLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationDepth {
    /// Only the leaf.
    EndEntity,
    /// The leaf and every intermediate.
    Chain,
}

/// What to do when no configured CRL is authoritative for a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownStatusPolicy {
    /// Accept it as not revoked.
    Allow,
    /// Reject it ([`Error::RevocationStatusUnknown`]).
    Deny,
}

/// What to do with a CRL past its `nextUpdate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlExpiration {
    /// Reject ([`Error::CrlExpired`]).
    Enforce,
    /// Use it anyway.
    Ignore,
}

/// Revocation checking settings. There is deliberately no `Default`: a verifier with CRLs must
/// state all three choices ([`RevocationPolicy::strict`] is the recommended one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevocationPolicy {
    /// Which certificates are checked.
    pub depth: RevocationDepth,
    /// Whether a certificate no CRL speaks for is accepted.
    pub unknown_status: UnknownStatusPolicy,
    /// Whether an expired CRL is an error.
    pub expiration: CrlExpiration,
}

impl RevocationPolicy {
    /// Whole chain, unknown status rejected, expired CRLs rejected.
    #[must_use]
    pub const fn strict() -> Self {
        Self {
            depth: RevocationDepth::Chain,
            unknown_status: UnknownStatusPolicy::Deny,
            expiration: CrlExpiration::Enforce,
        }
    }
}

#[derive(Debug, Clone)]
enum Policy {
    AllowList(Box<AllowList>),
    AnyTrusted(ScopeSet),
}

#[derive(Debug, Clone)]
struct AnchorMeta {
    fingerprint: [u8; 32],
    trust_domain: Option<String>,
}

/// Builds a [`Verifier`]. See [`Verifier::builder`].
#[derive(Debug, Default)]
pub struct VerifierBuilder {
    anchors: Vec<(CertificateDer<'static>, Option<String>)>,
    intermediates: Vec<CertificateDer<'static>>,
    crls: Vec<Vec<u8>>,
    revocation: Option<RevocationPolicy>,
    spiffe: bool,
    spiffe_unbound: bool,
    policy: Option<Policy>,
    pins: Vec<([u8; 32], ScopeSet)>,
    usage: Usage,
}

impl VerifierBuilder {
    /// Trusts every `CERTIFICATE` in `pem` as a trust anchor (a CA). Any other PEM section is an
    /// error.
    ///
    /// # Errors
    /// [`Error::MalformedCertificate`], [`Error::TooLarge`] past [`MAX_CONFIG_PEM_LEN`], or
    /// [`Error::Config`] when the PEM holds no certificate or SPIFFE mode is on (use
    /// [`spiffe_trust_domain`](Self::spiffe_trust_domain)).
    pub fn trust_anchors_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let certs = input::pem_certificates(pem, MAX_CONFIG_PEM_LEN, MAX_TRUST_ANCHORS)?;
        if certs.is_empty() {
            return Err(ConfigError::error("no_trust_anchor", "the trust-anchor PEM holds no certificate"));
        }
        self.anchors.extend(certs.into_iter().map(|c| (c, None)));
        Ok(self)
    }

    /// Trusts the certificates in `bytes`, PEM (one or more `CERTIFICATE` sections) or a single DER
    /// certificate, whichever it is: the form a command-line tool reads from a file.
    ///
    /// # Errors
    /// As [`trust_anchors_pem`](Self::trust_anchors_pem).
    pub fn trust_anchors(self, bytes: &[u8]) -> Result<Self, Error> {
        if looks_like_pem(bytes) {
            self.trust_anchors_pem(bytes)
        } else {
            if bytes.len() > crate::MAX_CERT_DER_LEN {
                return Err(Error::TooLarge(crate::TooLarge {
                    what: "certificate_bytes",
                    len: bytes.len(),
                    max: crate::MAX_CERT_DER_LEN,
                }));
            }
            Ok(self.trust_anchor_der(CertificateDer::from(bytes)))
        }
    }

    /// Trusts one DER certificate as a trust anchor.
    #[must_use]
    pub fn trust_anchor_der(mut self, der: CertificateDer<'_>) -> Self {
        self.anchors.push((der.into_owned(), None));
        self
    }

    /// Turns on SPIFFE X.509-SVID mode and trusts the CA certificates in `bundle_pem` for the trust
    /// domain `trust_domain` only: a leaf whose SPIFFE ID names another trust domain never chains
    /// to them. May be called once per trust domain (or several times to add certificates).
    ///
    /// # Errors
    /// As [`trust_anchors_pem`](Self::trust_anchors_pem), or an invalid trust domain name.
    pub fn spiffe_trust_domain(mut self, trust_domain: &str, bundle_pem: &[u8]) -> Result<Self, Error> {
        spiffe::validate_trust_domain(trust_domain)
            .map_err(|_| ConfigError::error("spiffe_trust_domain", format!("invalid trust domain `{trust_domain}`")))?;
        let certs = input::pem_certificates(bundle_pem, MAX_CONFIG_PEM_LEN, MAX_TRUST_ANCHORS)?;
        if certs.is_empty() {
            return Err(ConfigError::error("no_trust_anchor", "the trust bundle holds no certificate"));
        }
        self.spiffe = true;
        self.anchors.extend(certs.into_iter().map(|c| (c, Some(trust_domain.to_owned()))));
        Ok(self)
    }

    /// Turns on SPIFFE X.509-SVID mode for the anchors added with
    /// [`trust_anchors_pem`](Self::trust_anchors_pem) / [`trust_anchor_der`](Self::trust_anchor_der)
    /// without binding them to a trust domain: every SVID rule applies and the SPIFFE ID becomes the
    /// subject, and a chain to one of those anchors is accepted for any trust domain its SPIFFE ID
    /// names. Anchors added with [`spiffe_trust_domain`](Self::spiffe_trust_domain) keep serving
    /// only their own trust domain, and a leaf naming such a trust domain must chain to them.
    ///
    /// Use it when one CA serves exactly one trust domain anyway (the usual single-domain
    /// deployment, or a command-line check); with several trust domains, prefer
    /// `spiffe_trust_domain`, which stops one domain's CA from vouching for another domain's IDs.
    #[must_use]
    pub fn spiffe_any_trust_domain(mut self) -> Self {
        self.spiffe = true;
        self.spiffe_unbound = true;
        self
    }

    /// Adds intermediate CA certificates from PEM, used for path building besides those the client
    /// presents. They are not trusted by themselves.
    ///
    /// # Errors
    /// As [`trust_anchors_pem`](Self::trust_anchors_pem).
    pub fn intermediates_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let certs = input::pem_certificates(pem, MAX_CONFIG_PEM_LEN, MAX_CONFIGURED_INTERMEDIATES)?;
        if certs.is_empty() {
            return Err(ConfigError::error("no_intermediate", "the intermediates PEM holds no certificate"));
        }
        self.intermediates.extend(certs);
        Ok(self)
    }

    /// Adds one intermediate CA certificate (DER).
    #[must_use]
    pub fn intermediate_der(mut self, der: CertificateDer<'_>) -> Self {
        self.intermediates.push(der.into_owned());
        self
    }

    /// Adds the CRLs (`X509 CRL` sections) in `pem`. A [`revocation_policy`](Self::revocation_policy)
    /// must be set too.
    ///
    /// # Errors
    /// [`Error::BadCrl`] for malformed PEM or another section kind.
    pub fn crls_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.crls.extend(input::pem_crls(pem)?);
        Ok(self)
    }

    /// Adds the CRLs in `bytes`, PEM (`X509 CRL` sections) or a single DER CRL, whichever it is.
    ///
    /// # Errors
    /// As [`crls_pem`](Self::crls_pem).
    pub fn crls(self, bytes: &[u8]) -> Result<Self, Error> {
        if looks_like_pem(bytes) { self.crls_pem(bytes) } else { Ok(self.crl_der(bytes)) }
    }

    /// Adds one DER CRL.
    #[must_use]
    pub fn crl_der(mut self, der: &[u8]) -> Self {
        self.crls.push(der.to_vec());
        self
    }

    /// Sets how the CRLs are applied. Required when CRLs are configured.
    #[must_use]
    pub fn revocation_policy(mut self, policy: RevocationPolicy) -> Self {
        self.revocation = Some(policy);
        self
    }

    /// Admits only the identities in `list` (403 for others).
    #[must_use]
    pub fn allow_list(mut self, list: AllowList) -> Self {
        self.policy = Some(Policy::AllowList(Box::new(list)));
        self
    }

    /// Admits the identities of a JSON allow-list (see [`AllowList::from_json`]).
    ///
    /// # Errors
    /// As [`AllowList::from_json`].
    pub fn allow_list_json(self, json: &str) -> Result<Self, Error> {
        Ok(self.allow_list(AllowList::from_json(json)?))
    }

    /// Admits every certificate that chains to a trust anchor, granting each `scopes`. This is an
    /// explicit choice: without it or an allow-list, [`build`](Self::build) fails.
    #[must_use]
    pub fn allow_any_trusted(mut self, scopes: ScopeSet) -> Self {
        self.policy = Some(Policy::AnyTrusted(scopes));
        self
    }

    /// Accepts the self-signed client certificate with SHA-256 fingerprint `sha256_hex` (64 hex
    /// digits, optionally `sha256:`-prefixed) without a CA, granting `scopes`.
    ///
    /// A pinned certificate is matched on its exact DER bytes; its validity period is still checked
    /// at the verification time, it must not be a CA, and an EKU extension on it must allow the
    /// configured [`Usage`]. Its signature is not checked (the pin fixes the bytes; possession of
    /// the key is proven by the TLS handshake). Pins bypass the allow-list and anchors.
    ///
    /// # Errors
    /// [`Error::Config`] for a malformed fingerprint.
    pub fn pin_self_signed(mut self, sha256_hex: &str, scopes: ScopeSet) -> Result<Self, Error> {
        let fp = parse_fingerprint(sha256_hex.strip_prefix("sha256:").unwrap_or(sha256_hex))?;
        self.pins.push((fp, scopes));
        Ok(self)
    }

    /// Pins each certificate in `pem` (see [`pin_self_signed`](Self::pin_self_signed)).
    ///
    /// # Errors
    /// As [`trust_anchors_pem`](Self::trust_anchors_pem).
    pub fn pin_self_signed_pem(mut self, pem: &[u8], scopes: &ScopeSet) -> Result<Self, Error> {
        for c in input::pem_certificates(pem, MAX_CONFIG_PEM_LEN, MAX_TRUST_ANCHORS)? {
            self.pins.push((sha256(c.as_ref()), scopes.clone()));
        }
        Ok(self)
    }

    /// Sets the extended key usage the leaf must allow (default [`Usage::ClientAuth`]).
    #[must_use]
    pub fn usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// Prepares the verifier: parses every anchor, intermediate and CRL once.
    ///
    /// # Errors
    /// [`Error::Config`] when no policy was chosen, no anchor or pin is configured, CRLs lack a
    /// revocation policy, SPIFFE mode mixes with anchors that have no trust domain, or a limit is
    /// exceeded; [`Error::MalformedCertificate`]/[`Error::BadCrl`] for unusable inputs.
    pub fn build(self) -> Result<Verifier, Error> {
        let policy = self.policy.ok_or_else(|| {
            ConfigError::error("no_policy", "choose allow_list(..) or allow_any_trusted(..) explicitly")
        })?;
        if self.anchors.is_empty() && self.pins.is_empty() {
            return Err(ConfigError::error("no_trust_anchor", "no trust anchor and no pinned certificate"));
        }
        if self.anchors.len() > MAX_TRUST_ANCHORS
            || self.intermediates.len() > MAX_CONFIGURED_INTERMEDIATES
            || self.crls.len() > MAX_CRLS
        {
            return Err(ConfigError::error("config_too_large", "too many anchors, intermediates or CRLs"));
        }
        if self.spiffe && !self.spiffe_unbound && self.anchors.iter().any(|(_, td)| td.is_none()) {
            return Err(ConfigError::error(
                "spiffe_anchor_without_trust_domain",
                "in SPIFFE mode every anchor must belong to a trust domain",
            ));
        }
        // A configured intermediate that does not even parse is a broken configuration, not something
        // to skip silently at every verification.
        for der in &self.intermediates {
            EndEntityCert::try_from(der).map_err(|_| Error::MalformedCertificate)?;
        }
        let mut anchors = Vec::with_capacity(self.anchors.len());
        let mut meta = Vec::with_capacity(self.anchors.len());
        for (der, td) in &self.anchors {
            let ta = webpki::anchor_from_trusted_cert(der).map_err(|_| Error::MalformedCertificate)?.to_owned();
            anchors.push(ta);
            meta.push(AnchorMeta { fingerprint: sha256(der.as_ref()), trust_domain: td.clone() });
        }
        let crls = self
            .crls
            .iter()
            .map(|der| OwnedCertRevocationList::from_der(der).map(CertRevocationList::from))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| Error::BadCrl)?;
        if !crls.is_empty() && self.revocation.is_none() {
            return Err(ConfigError::error(
                "revocation_policy_required",
                "CRLs are configured without a revocation policy",
            ));
        }
        let mut pins = HashMap::new();
        for (fp, scopes) in self.pins {
            if pins.insert(fp, scopes).is_some() {
                return Err(ConfigError::error("duplicate_pin", "a fingerprint is pinned twice"));
            }
        }
        let trust_domains = meta.iter().filter_map(|m| m.trust_domain.clone()).collect();
        Ok(Verifier {
            trust_domains,
            anchors,
            meta,
            intermediates: self.intermediates,
            crls,
            revocation: self.revocation.unwrap_or(RevocationPolicy::strict()),
            spiffe: self.spiffe,
            spiffe_unbound: self.spiffe_unbound,
            policy,
            pins,
            usage: self.usage,
        })
    }
}

/// A prepared client-certificate verifier: trust anchors, intermediates, CRLs, SPIFFE mode and
/// policy, parsed once; [`verify_chain`](Self::verify_chain) is the per-request call.
#[derive(Debug)]
pub struct Verifier {
    anchors: Vec<TrustAnchor<'static>>,
    meta: Vec<AnchorMeta>,
    intermediates: Vec<CertificateDer<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    revocation: RevocationPolicy,
    spiffe: bool,
    /// SPIFFE mode also accepts anchors bound to no trust domain, for any trust domain not mapped.
    spiffe_unbound: bool,
    trust_domains: HashSet<String>,
    policy: Policy,
    pins: HashMap<[u8; 32], ScopeSet>,
    usage: Usage,
}

/// How a verified certificate was trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trust {
    /// Through a chain to the trust anchor whose certificate DER has this SHA-256.
    Anchor {
        /// SHA-256 of the anchor certificate's DER.
        fingerprint_sha256: [u8; 32],
    },
    /// As a pinned self-signed certificate.
    Pinned,
}

impl Verifier {
    /// A builder with nothing configured.
    #[must_use]
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder::default()
    }

    /// Whether SPIFFE X.509-SVID mode is on.
    #[must_use]
    pub fn spiffe_mode(&self) -> bool {
        self.spiffe
    }

    /// Verifies a presented chain (leaf first, then intermediates in any order) at `now`.
    ///
    /// Steps: input limits ([`MAX_CHAIN_CERTS`](crate::MAX_CHAIN_CERTS) and friends); leaf parse;
    /// pinned self-signed certificates; path building with rustls-webpki to a trust anchor for the
    /// configured [`Usage`], with the presented and configured intermediates and the CRLs; the
    /// SPIFFE rules (SPIFFE mode); the policy.
    ///
    /// # Errors
    /// Any [`Error`]: 401 for an invalid or untrusted chain, 403 for an identity outside the
    /// allow-list.
    pub fn verify_chain(&self, chain: &[CertificateDer<'_>], now: Timestamp) -> Result<VerifiedClient, Error> {
        self.verify_inner(chain, now, None)
    }

    /// As [`verify_chain`](Self::verify_chain), and the leaf must also be valid for `peer_name`
    /// (a DNS name, with wildcard SANs honoured, or an IP address), as rustls-webpki's
    /// `verify_is_valid_for_subject_name` decides.
    ///
    /// # Errors
    /// As [`verify_chain`](Self::verify_chain); [`Error::NameMismatch`] when the name does not
    /// match; [`Error::Config`] when `peer_name` is neither a DNS name nor an IP address.
    pub fn verify_chain_for_name(
        &self,
        chain: &[CertificateDer<'_>],
        now: Timestamp,
        peer_name: &str,
    ) -> Result<VerifiedClient, Error> {
        let name = ServerName::try_from(peer_name)
            .map_err(|_| ConfigError::error("peer_name", "not a DNS name or IP address"))?;
        self.verify_inner(chain, now, Some(&name))
    }

    /// Parses PEM text (leaf first; at most [`MAX_PEM_LEN`](crate::MAX_PEM_LEN) bytes, only
    /// `CERTIFICATE` sections) and verifies it as [`verify_chain`](Self::verify_chain).
    ///
    /// # Errors
    /// As [`verify_chain`](Self::verify_chain), plus PEM errors ([`Error::MalformedCertificate`]).
    pub fn verify_pem(&self, pem: &[u8], now: Timestamp) -> Result<VerifiedClient, Error> {
        let chain = input::pem_chain(pem)?;
        self.verify_chain(&chain, now)
    }

    fn verify_inner(
        &self,
        chain: &[CertificateDer<'_>],
        now: Timestamp,
        peer_name: Option<&ServerName<'_>>,
    ) -> Result<VerifiedClient, Error> {
        input::check_chain_limits(chain)?;
        let (leaf, presented) = chain.split_first().ok_or(Error::NoCertificate)?;
        let fingerprint = sha256(leaf.as_ref());
        let info = CertificateInfo::from_der(leaf.as_ref())?;

        if let Some(scopes) = self.pins.get(&fingerprint) {
            // Pinned certificates skip rustls-webpki, so x509-parser checks their whole structure.
            info::parse_strict(leaf.as_ref())?;
            return self.accept_pinned(info, fingerprint, scopes.clone(), now);
        }

        // SPIFFE: find the ID first (syntax only), so path building is limited to its trust domain.
        // Its errors are reported only after the chain verified, so they never mask a chain failure.
        let spiffe_id = self.spiffe.then(|| spiffe::leaf_id(&info));
        let trust_domain = match &spiffe_id {
            Some(Ok(id)) if self.trust_domains.contains(id.trust_domain()) => Some(id.trust_domain()),
            _ => None,
        };
        let trust_domain_known = trust_domain.is_some();

        let ee = EndEntityCert::try_from(leaf).map_err(Error::from_webpki)?;
        let joined: Vec<CertificateDer<'_>>;
        let intermediates: &[CertificateDer<'_>] = if self.intermediates.is_empty() {
            presented
        } else {
            joined = presented.iter().chain(&self.intermediates).map(|c| CertificateDer::from(c.as_ref())).collect();
            &joined
        };
        let crl_refs: Vec<&CertRevocationList<'_>> = self.crls.iter().collect();
        let revocation = RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
            b.with_depth(match self.revocation.depth {
                RevocationDepth::EndEntity => webpki::RevocationCheckDepth::EndEntity,
                RevocationDepth::Chain => webpki::RevocationCheckDepth::Chain,
            })
            .with_status_policy(match self.revocation.unknown_status {
                UnknownStatusPolicy::Allow => webpki::UnknownStatusPolicy::Allow,
                UnknownStatusPolicy::Deny => webpki::UnknownStatusPolicy::Deny,
            })
            .with_expiration_policy(match self.revocation.expiration {
                CrlExpiration::Enforce => webpki::ExpirationPolicy::Enforce,
                CrlExpiration::Ignore => webpki::ExpirationPolicy::Ignore,
            })
            .build()
        });
        let usage = match self.usage {
            Usage::ClientAuth => KeyUsage::client_auth(),
            Usage::ServerAuth => KeyUsage::server_auth(),
        };
        let time = UnixTime::since_unix_epoch(core::time::Duration::from_secs(now.as_unix().max(0).unsigned_abs()));
        let anchor_td = |ta: &TrustAnchor<'_>| {
            self.anchors
                .iter()
                .position(|a| core::ptr::eq(a, ta))
                .and_then(|i| self.meta.get(i))
                .and_then(|m| m.trust_domain.as_deref())
        };
        let unmapped_spiffe = self.spiffe && self.spiffe_unbound && trust_domain.is_none();
        let in_trust_domain = |path: &webpki::VerifiedPath<'_>| match trust_domain {
            Some(td) if anchor_td(path.anchor()) != Some(td) => Err(webpki::Error::UnknownIssuer),
            // With unbound anchors, an ID in an unmapped trust domain may chain only to one of them.
            None if unmapped_spiffe && anchor_td(path.anchor()).is_some() => Err(webpki::Error::UnknownIssuer),
            _ => Ok(()),
        };
        let path = ee
            .verify_for_usage(
                SUPPORTED_SIGNATURE_ALGORITHMS,
                &self.anchors,
                intermediates,
                time,
                usage,
                revocation,
                Some(&in_trust_domain),
            )
            .map_err(Error::from_webpki)?;
        let anchor_index =
            self.anchors.iter().position(|a| core::ptr::eq(a, path.anchor())).ok_or(Error::UnknownIssuer)?;
        let anchor_fp = self.meta.get(anchor_index).map(|m| m.fingerprint).ok_or(Error::UnknownIssuer)?;

        check_leaf_profile(&info)?;
        if let Some(name) = peer_name {
            ee.verify_is_valid_for_subject_name(name).map_err(Error::from_webpki)?;
        }

        let spiffe_id = match spiffe_id {
            None => None,
            Some(id) => {
                let id = id?;
                if !trust_domain_known && !self.spiffe_unbound {
                    return Err(Error::Spiffe(SpiffeViolation::UnknownTrustDomain));
                }
                spiffe::check_leaf_rules(&info)?;
                Some(id)
            }
        };

        let scopes = match &self.policy {
            Policy::AnyTrusted(scopes) => scopes.clone(),
            Policy::AllowList(list) => list.lookup(&info, &fingerprint, &anchor_fp).ok_or(Error::IdentityNotAllowed)?,
        };
        Ok(VerifiedClient::new(info, spiffe_id, scopes, fingerprint, Trust::Anchor { fingerprint_sha256: anchor_fp }))
    }

    fn accept_pinned(
        &self,
        info: CertificateInfo,
        fingerprint: [u8; 32],
        scopes: ScopeSet,
        now: Timestamp,
    ) -> Result<VerifiedClient, Error> {
        if now < info.not_before {
            return Err(Error::NotYetValid(CertNotYetValid { time: now, not_before: info.not_before }));
        }
        if now > info.not_after {
            return Err(Error::Expired(CertExpired { time: now, not_after: info.not_after }));
        }
        if info.is_ca {
            return Err(Error::CaUsedAsLeaf);
        }
        self.check_pinned_eku(&info)?;
        check_leaf_profile(&info)?;
        let spiffe_id = if self.spiffe {
            let id = spiffe::leaf_id(&info)?;
            spiffe::check_leaf_rules(&info)?;
            Some(id)
        } else {
            None
        };
        Ok(VerifiedClient::new(info, spiffe_id, scopes, fingerprint, Trust::Pinned))
    }

    fn check_pinned_eku(&self, info: &CertificateInfo) -> Result<(), Error> {
        match (&info.extended_key_usage, self.usage) {
            (None, _) => Ok(()),
            (Some(eku), Usage::ClientAuth) if eku.client_auth => Ok(()),
            (Some(eku), Usage::ServerAuth) if eku.server_auth => Ok(()),
            _ => Err(Error::WrongUsage),
        }
    }
}

/// Leaf rules rustls-webpki leaves to the caller: the leaf's own key must be usable (RSA 2048–8192,
/// ECDSA P-256/P-384, Ed25519), and a non-CA leaf must not assert `keyCertSign`.
fn check_leaf_profile(info: &CertificateInfo) -> Result<(), Error> {
    if !info.public_key.is_supported() {
        return Err(Error::UnsupportedLeafKey);
    }
    if !info.is_ca && info.key_usage.is_some_and(|ku| ku.key_cert_sign) {
        return Err(Error::LeafKeyCertSign);
    }
    Ok(())
}

/// Whether `bytes` starts (after ASCII whitespace) with a PEM armour line. DER starts with 0x30.
fn looks_like_pem(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    bytes.get(start..).is_some_and(|b| b.starts_with(b"-----BEGIN "))
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A client whose certificate verified and whose identity the policy admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedClient {
    subject: String,
    spiffe_id: Option<SpiffeId>,
    scopes: ScopeSet,
    fingerprint: [u8; 32],
    info: CertificateInfo,
    trust: Trust,
}

impl VerifiedClient {
    fn new(
        info: CertificateInfo,
        spiffe_id: Option<SpiffeId>,
        scopes: ScopeSet,
        fingerprint: [u8; 32],
        trust: Trust,
    ) -> Self {
        let subject = match &spiffe_id {
            Some(id) => id.as_str().to_owned(),
            None => info
                .common_names
                .first()
                .filter(|s| !s.is_empty())
                .or_else(|| info.uris.first())
                .or_else(|| info.dns_names.first())
                .or_else(|| info.emails.first())
                .cloned()
                .unwrap_or_else(|| format!("sha256:{}", input::hex_lower(&fingerprint))),
        };
        Self { subject, spiffe_id, scopes, fingerprint, info, trust }
    }

    /// Who the client is: the SPIFFE ID in SPIFFE mode; otherwise the first subject CN, else the
    /// first URI SAN, else the first DNS SAN, else the first email SAN, else `sha256:<fingerprint>`.
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The SPIFFE ID (SPIFFE mode only).
    #[must_use]
    pub fn spiffe_id(&self) -> Option<&SpiffeId> {
        self.spiffe_id.as_ref()
    }

    /// The scopes granted by the policy.
    #[must_use]
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    /// SHA-256 of the leaf certificate's DER.
    #[must_use]
    pub fn fingerprint_sha256(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// [`fingerprint_sha256`](Self::fingerprint_sha256) as 64 lowercase hex digits.
    #[must_use]
    pub fn fingerprint_sha256_hex(&self) -> String {
        input::hex_lower(&self.fingerprint)
    }

    /// The RFC 8705 §3.1 `x5t#S256` thumbprint: unpadded base64url of the leaf's SHA-256, for
    /// comparing with a certificate-bound access token's `cnf` claim.
    #[must_use]
    pub fn x5t_s256(&self) -> String {
        use base64ct::Encoding as _;
        base64ct::Base64UrlUnpadded::encode_string(&self.fingerprint)
    }

    /// DNS SANs of the leaf.
    #[must_use]
    pub fn dns_names(&self) -> &[String] {
        &self.info.dns_names
    }

    /// URI SANs of the leaf.
    #[must_use]
    pub fn uris(&self) -> &[String] {
        &self.info.uris
    }

    /// Email SANs of the leaf.
    #[must_use]
    pub fn emails(&self) -> &[String] {
        &self.info.emails
    }

    /// The first subject common name, if any.
    #[must_use]
    pub fn common_name(&self) -> Option<&str> {
        self.info.common_names.first().map(String::as_str)
    }

    /// Everything read from the leaf.
    #[must_use]
    pub fn certificate(&self) -> &CertificateInfo {
        &self.info
    }

    /// How the certificate was trusted.
    #[must_use]
    pub fn trust(&self) -> Trust {
        self.trust
    }

    /// The leaf's `notAfter`.
    #[must_use]
    pub fn not_after(&self) -> Timestamp {
        self.info.not_after
    }

    /// The workspace-wide identity: scheme `mtls`, [`subject`](Self::subject), scopes, expiry at
    /// `notAfter`, and attributes `fingerprint_sha256`, `x5t#S256`, `serial`, `subject_dn`,
    /// `issuer_dn`, `trust` (`anchor` or `pinned`), `anchor_sha256` and `spiffe_id` where they
    /// apply.
    #[must_use]
    pub fn identity(&self) -> Identity {
        let mut id = Identity::new(Scheme::Mtls, self.subject.clone())
            .with_scopes(self.scopes.clone())
            .with_expiry(Some(self.info.not_after))
            .with_attribute("fingerprint_sha256", self.fingerprint_sha256_hex())
            .with_attribute("x5t#S256", self.x5t_s256())
            .with_attribute("serial", self.info.serial_hex())
            .with_attribute("subject_dn", self.info.subject_dn())
            .with_attribute("issuer_dn", self.info.issuer_dn());
        id = match self.trust {
            Trust::Anchor { fingerprint_sha256 } => id
                .with_attribute("trust", "anchor")
                .with_attribute("anchor_sha256", input::hex_lower(&fingerprint_sha256)),
            Trust::Pinned => id.with_attribute("trust", "pinned"),
        };
        if let Some(s) = &self.spiffe_id {
            id = id.with_attribute("spiffe_id", s.as_str());
        }
        id
    }
}
