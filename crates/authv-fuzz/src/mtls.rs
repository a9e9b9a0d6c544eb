//! Targets `mtls_chain_der`, `mtls_chain_pem` and `mtls_forwarded`: auth-mtls.

use crate::http::RequestParts;
use auth_core::{Headers, ScopeSet};
use auth_mtls::forwarded::extract_chain;
use auth_mtls::{CertificateDer, CertificateInfo, ForwardedFormat, VerifiedClient, Verifier, pem_chain};
use auth_testkit::mtls::{KeyKind, Leaf, LeafSpec, Pki};
use std::sync::LazyLock;

/// The fixed PKI: an Ed25519 root and intermediate and one Ed25519 client leaf, all from seeded keys,
/// so that every run (and the seed writer) mints the same bytes.
pub struct MtlsFixture {
    /// Root and intermediate.
    pub pki: Pki,
    /// The client leaf (`CN=fuzz-client`, DNS `client.example`).
    pub leaf: Leaf,
    verifier: Verifier,
}

/// The PKI and verifier of the mTLS targets: the root is the trust anchor, and the intermediate is
/// configured too (nginx forwards the leaf alone).
pub static MTLS: LazyLock<MtlsFixture> = LazyLock::new(|| {
    let pki = Pki::ed25519_seeded("Fuzz", 0x3175);
    let leaf = pki.leaf(&LeafSpec::client("fuzz-client").dns("client.example").key(KeyKind::Ed25519Seeded(0x3177)));
    let verifier = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .expect("root PEM")
        .intermediate_der(pki.intermediate.der())
        .allow_any_trusted(ScopeSet::parse("read").expect("scopes"))
        .build()
        .expect("verifier");
    MtlsFixture { pki, leaf, verifier }
});

fn check_accepted(client: &VerifiedClient) {
    let want = ring::digest::digest(&ring::digest::SHA256, MTLS.leaf.der.as_ref());
    assert_eq!(&client.fingerprint_sha256()[..], want.as_ref(), "accepted a certificate that was never issued");
    let _ = client.identity();
}

/// Splits fuzz input into DER certificates: each is a big-endian `u16` length then that many bytes
/// (a short last piece takes what is left).
#[must_use]
pub fn split_der(mut data: &[u8]) -> Vec<CertificateDer<'static>> {
    let mut out = Vec::new();
    while let [hi, lo, rest @ ..] = data {
        let n = usize::from(u16::from_be_bytes([*hi, *lo])).min(rest.len());
        let (cert, tail) = rest.split_at(n);
        out.push(CertificateDer::from(cert.to_vec()));
        data = tail;
        if out.len() > 16 {
            break;
        }
    }
    out
}

/// Joins DER certificates in the format [`split_der`] reads.
#[must_use]
pub fn join_der(certs: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in certs {
        out.extend_from_slice(&u16::try_from(c.len()).unwrap_or(u16::MAX).to_be_bytes());
        out.extend_from_slice(c);
    }
    out
}

/// Target `mtls_chain_der`: the input split into DER certificates (see [`split_der`]), leaf first,
/// through `Verifier::verify_chain` and `verify_chain_for_name`, and each certificate through
/// `CertificateInfo::from_der`.
///
/// Property: a chain that verifies has the issued leaf.
pub fn mtls_chain_der(data: &[u8]) {
    let chain = split_der(data);
    for c in &chain {
        let _ = CertificateInfo::from_der(c.as_ref()).map(|i| (i.subject_dn(), i.serial_hex()));
    }
    if let Ok(client) = MTLS.verifier.verify_chain(&chain, crate::NOW) {
        check_accepted(&client);
    }
    if let Ok(client) = MTLS.verifier.verify_chain_for_name(&chain, crate::NOW, "client.example") {
        check_accepted(&client);
    }
}

/// Target `mtls_chain_pem`: the input as PEM through `pem_chain` and `Verifier::verify_pem`.
///
/// Property: a chain that verifies has the issued leaf, and `pem_chain` found it too.
pub fn mtls_chain_pem(data: &[u8]) {
    let parsed = pem_chain(data);
    if let Ok(client) = MTLS.verifier.verify_pem(data, crate::NOW) {
        check_accepted(&client);
        let chain = parsed.expect("verify_pem accepted what pem_chain refuses");
        assert_eq!(chain.first().map(|c| c.as_ref()), Some(MTLS.leaf.der.as_ref()));
    }
}

const FORMATS: [ForwardedFormat; 4] =
    [ForwardedFormat::NginxEscapedCert, ForwardedFormat::EnvoyXfcc, ForwardedFormat::Rfc9440, ForwardedFormat::AwsAlb];

/// Target `mtls_forwarded`: proxy-forwarded certificates. The first byte selects the format
/// (`% 4`: nginx, Envoy XFCC, RFC 9440, AWS ALB) and the form (`/ 4 % 2`): 0 — the rest is the
/// header value, and for RFC 9440 the part after the first newline is the `Client-Cert-Chain` value,
/// through `extract_chain` and `verify_forwarded_value`; 1 — the rest is a request (see
/// [`RequestParts`]) through `verify_forwarded` (default header names, duplicates refused).
///
/// Property: a forwarded chain that verifies has the issued leaf.
pub fn mtls_forwarded(data: &[u8]) {
    let Some((sel, rest)) = crate::selector(data) else { return };
    let format = FORMATS.get(usize::from(sel % 4)).copied().unwrap_or(ForwardedFormat::EnvoyXfcc);
    if (sel / 4) % 2 == 0 {
        let (value, chain) = if format == ForwardedFormat::Rfc9440 {
            let (v, c) = crate::split_line(rest);
            (v, (!c.is_empty()).then_some(c))
        } else {
            (rest, None)
        };
        if let Ok(chain) = extract_chain(format, value, chain) {
            assert!(!chain.is_empty(), "extract_chain returned no certificate");
        }
        if let Ok(client) = MTLS.verifier.verify_forwarded_value(format, value, chain, crate::NOW) {
            check_accepted(&client);
        }
    } else {
        let parts = RequestParts::decode(rest);
        let pairs = parts.pairs();
        if let Ok(client) = MTLS.verifier.verify_forwarded(format, &Headers::from_pairs(&pairs), crate::NOW) {
            check_accepted(&client);
        }
    }
}
