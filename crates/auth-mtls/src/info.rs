//! What a client certificate says about its holder, read with x509-parser.

use crate::error::Error;
use crate::input::count_uri_general_names;
use auth_core::Timestamp;
use std::net::IpAddr;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_X509_EXT_SUBJECT_ALT_NAME;

/// The key usage bits of a certificate (RFC 5280 §4.2.1.3), or `None` when it has no key usage
/// extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(clippy::struct_excessive_bools)]
pub struct KeyUsageBits {
    /// `digitalSignature`.
    pub digital_signature: bool,
    /// `nonRepudiation` / `contentCommitment`.
    pub non_repudiation: bool,
    /// `keyEncipherment`.
    pub key_encipherment: bool,
    /// `dataEncipherment`.
    pub data_encipherment: bool,
    /// `keyAgreement`.
    pub key_agreement: bool,
    /// `keyCertSign`.
    pub key_cert_sign: bool,
    /// `cRLSign`.
    pub crl_sign: bool,
}

/// The extended key usage purposes of a certificate that matter here (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtendedKeyUsageBits {
    /// `id-kp-clientAuth`.
    pub client_auth: bool,
    /// `id-kp-serverAuth`.
    pub server_auth: bool,
    /// `anyExtendedKeyUsage` (not honoured by the chain verifier, reported for information).
    pub any: bool,
}

/// The public-key algorithm of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PublicKeyAlgorithm {
    /// `rsaEncryption` with a modulus of `bits` bits.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// `id-ecPublicKey` on P-256.
    EcdsaP256,
    /// `id-ecPublicKey` on P-384.
    EcdsaP384,
    /// Ed25519.
    Ed25519,
    /// Anything else (DSA, other curves, RSA-PSS-only keys, …).
    #[default]
    Other,
}

impl PublicKeyAlgorithm {
    /// Whether a TLS client could prove possession of this key to a ring-backed rustls server:
    /// RSA 2048–8192 bits, ECDSA P-256/P-384 or Ed25519.
    #[must_use]
    pub const fn is_supported(self) -> bool {
        match self {
            Self::Rsa { bits } => bits >= 2048 && bits <= 8192,
            Self::EcdsaP256 | Self::EcdsaP384 | Self::Ed25519 => true,
            Self::Other => false,
        }
    }
}

/// Facts read from the leaf certificate: subject attributes, subject alternative names, serial,
/// validity, key usage and CA flag. Strings that are not valid UTF-8 (or not decodable string types)
/// are left out of the lists; the URI count used by SPIFFE mode is taken from the DER, so such names
/// still count there.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject `commonName` values, in order.
    pub common_names: Vec<String>,
    /// Subject `organizationName` values.
    pub organizations: Vec<String>,
    /// Subject `organizationalUnitName` values.
    pub organizational_units: Vec<String>,
    /// The subject distinguished name in RFC 4514 form (as x509-parser renders it).
    pub subject_dn: String,
    /// The issuer distinguished name in RFC 4514 form.
    pub issuer_dn: String,
    /// `dNSName` SANs.
    pub dns_names: Vec<String>,
    /// `uniformResourceIdentifier` SANs.
    pub uris: Vec<String>,
    /// `rfc822Name` (email) SANs.
    pub emails: Vec<String>,
    /// `iPAddress` SANs (4 or 16 bytes; other lengths are left out).
    pub ip_addresses: Vec<IpAddr>,
    /// Number of `uniformResourceIdentifier` SANs counted in the DER of every subjectAltName
    /// extension (includes names x509-parser could not decode).
    pub uri_san_count: usize,
    /// The serial number's big-endian bytes, as encoded.
    pub serial: Vec<u8>,
    /// `notBefore`.
    pub not_before: Timestamp,
    /// `notAfter`.
    pub not_after: Timestamp,
    /// The key usage extension, if present.
    pub key_usage: Option<KeyUsageBits>,
    /// The extended key usage extension, if present.
    pub extended_key_usage: Option<ExtendedKeyUsageBits>,
    /// Whether `basicConstraints` says `cA=TRUE`.
    pub is_ca: bool,
    /// The subject public key's algorithm.
    pub public_key: PublicKeyAlgorithm,
}

impl Default for CertificateInfo {
    /// Empty lists, validity at the Unix epoch, no extensions.
    fn default() -> Self {
        Self {
            common_names: Vec::new(),
            organizations: Vec::new(),
            organizational_units: Vec::new(),
            subject_dn: String::new(),
            issuer_dn: String::new(),
            dns_names: Vec::new(),
            uris: Vec::new(),
            emails: Vec::new(),
            ip_addresses: Vec::new(),
            uri_san_count: 0,
            serial: Vec::new(),
            not_before: Timestamp::UNIX_EPOCH,
            not_after: Timestamp::UNIX_EPOCH,
            key_usage: None,
            extended_key_usage: None,
            is_ca: false,
            public_key: PublicKeyAlgorithm::Other,
        }
    }
}

impl CertificateInfo {
    /// The serial number as lowercase hex.
    #[must_use]
    pub fn serial_hex(&self) -> String {
        crate::input::hex_lower(&self.serial)
    }

    /// Reads the facts from a DER certificate.
    ///
    /// # Errors
    /// [`Error::MalformedCertificate`] when x509-parser rejects the DER, bytes trail it, or a
    /// subjectAltName extension is malformed.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let cert = parse(der)?;
        Self::from_parsed(&cert)
    }

    pub(crate) fn from_parsed(cert: &X509Certificate<'_>) -> Result<Self, Error> {
        let mut info = Self {
            subject_dn: cert.subject().to_string(),
            issuer_dn: cert.issuer().to_string(),
            serial: cert.raw_serial().to_vec(),
            not_before: Timestamp::from_unix(cert.validity().not_before.timestamp()),
            not_after: Timestamp::from_unix(cert.validity().not_after.timestamp()),
            is_ca: cert.is_ca(),
            public_key: public_key_algorithm(cert),
            ..Self::default()
        };
        let subject = cert.subject();
        info.common_names = subject.iter_common_name().filter_map(|a| a.as_str().ok().map(str::to_owned)).collect();
        info.organizations = subject.iter_organization().filter_map(|a| a.as_str().ok().map(str::to_owned)).collect();
        info.organizational_units =
            subject.iter_organizational_unit().filter_map(|a| a.as_str().ok().map(str::to_owned)).collect();

        for ext in cert.extensions() {
            if ext.oid == OID_X509_EXT_SUBJECT_ALT_NAME {
                let n = count_uri_general_names(ext.value).ok_or(Error::MalformedCertificate)?;
                info.uri_san_count = info.uri_san_count.saturating_add(n);
                let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() else {
                    return Err(Error::MalformedCertificate);
                };
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(s) => info.dns_names.push((*s).to_owned()),
                        GeneralName::URI(s) => info.uris.push((*s).to_owned()),
                        GeneralName::RFC822Name(s) => info.emails.push((*s).to_owned()),
                        GeneralName::IPAddress(b) => {
                            if let Ok(v4) = <[u8; 4]>::try_from(*b) {
                                info.ip_addresses.push(IpAddr::from(v4));
                            } else if let Ok(v6) = <[u8; 16]>::try_from(*b) {
                                info.ip_addresses.push(IpAddr::from(v6));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Ok(Some(ku)) = cert.key_usage() {
            let k = ku.value;
            info.key_usage = Some(KeyUsageBits {
                digital_signature: k.digital_signature(),
                non_repudiation: k.non_repudiation(),
                key_encipherment: k.key_encipherment(),
                data_encipherment: k.data_encipherment(),
                key_agreement: k.key_agreement(),
                key_cert_sign: k.key_cert_sign(),
                crl_sign: k.crl_sign(),
            });
        } else if cert.key_usage().is_err() {
            return Err(Error::MalformedCertificate);
        }
        match cert.extended_key_usage() {
            Ok(Some(eku)) => {
                info.extended_key_usage = Some(ExtendedKeyUsageBits {
                    client_auth: eku.value.client_auth,
                    server_auth: eku.value.server_auth,
                    any: eku.value.any,
                });
            }
            Ok(None) => {}
            Err(_) => return Err(Error::MalformedCertificate),
        }
        Ok(info)
    }
}

fn public_key_algorithm(cert: &X509Certificate<'_>) -> PublicKeyAlgorithm {
    use x509_parser::oid_registry::{
        OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
    };
    let spki = cert.public_key();
    let alg = &spki.algorithm.algorithm;
    if *alg == OID_PKCS1_RSAENCRYPTION {
        match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
                let m = rsa.modulus;
                let start = m.iter().position(|b| *b != 0).unwrap_or(m.len());
                let m = m.get(start..).unwrap_or_default();
                let bits = m.first().map_or(0, |b| m.len() * 8 - b.leading_zeros() as usize);
                PublicKeyAlgorithm::Rsa { bits }
            }
            _ => PublicKeyAlgorithm::Other,
        }
    } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
        match spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()) {
            Some(curve) if curve == OID_EC_P256 => PublicKeyAlgorithm::EcdsaP256,
            Some(curve) if curve == OID_NIST_EC_P384 => PublicKeyAlgorithm::EcdsaP384,
            _ => PublicKeyAlgorithm::Other,
        }
    } else if *alg == OID_SIG_ED25519 {
        PublicKeyAlgorithm::Ed25519
    } else {
        PublicKeyAlgorithm::Other
    }
}

/// Parses a DER certificate with x509-parser; trailing bytes are an error.
pub(crate) fn parse(der: &[u8]) -> Result<X509Certificate<'_>, Error> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(Error::MalformedCertificate),
    }
}
