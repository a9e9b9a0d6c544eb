//! What a client certificate says about its holder, read with x509-parser.

use crate::error::Error;
use crate::input::{count_uri_general_names, der_tlv};
use auth_core::Timestamp;
use std::net::IpAddr;
use x509_parser::certificate::Validity;
use x509_parser::extensions::{BasicConstraints, ExtendedKeyUsage, GeneralName, KeyUsage, SubjectAlternativeName};
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AttributeTypeAndValue, SubjectPublicKeyInfo, X509Name};

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
/// validity, key usage, CA flag and key type. Strings that are not valid UTF-8 (or not decodable
/// string types) are left out of the lists; the URI count used by SPIFFE mode is taken from the DER,
/// so such names still count there.
///
/// The certificate's outer structure is walked with a small DER reader (to find the TBS fields
/// without decoding what is not needed); every field is then decoded by x509-parser's own parsers
/// (`X509Name`, `Validity`, `SubjectPublicKeyInfo`, `SubjectAlternativeName`, `KeyUsage`,
/// `ExtendedKeyUsage`, `BasicConstraints`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject `commonName` values, in order.
    pub common_names: Vec<String>,
    /// Subject `organizationName` values.
    pub organizations: Vec<String>,
    /// Subject `organizationalUnitName` values.
    pub organizational_units: Vec<String>,
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
    /// The DER of the subject name (rendered on demand by [`subject_dn`](Self::subject_dn)).
    pub subject_der: Vec<u8>,
    /// The DER of the issuer name (rendered on demand by [`issuer_dn`](Self::issuer_dn)).
    pub issuer_der: Vec<u8>,
}

impl Default for CertificateInfo {
    /// Empty lists, validity at the Unix epoch, no extensions.
    fn default() -> Self {
        Self {
            common_names: Vec::new(),
            organizations: Vec::new(),
            organizational_units: Vec::new(),
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
            subject_der: Vec::new(),
            issuer_der: Vec::new(),
        }
    }
}

const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_KU: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
const OID_BC: &[u8] = &[0x55, 0x1d, 0x13];

fn malformed<T>(_: T) -> Error {
    Error::MalformedCertificate
}

impl CertificateInfo {
    /// The serial number as lowercase hex.
    #[must_use]
    pub fn serial_hex(&self) -> String {
        crate::input::hex_lower(&self.serial)
    }

    /// The subject distinguished name in RFC 4514 form, as x509-parser renders it.
    #[must_use]
    pub fn subject_dn(&self) -> String {
        render_name(&self.subject_der)
    }

    /// The issuer distinguished name in RFC 4514 form, as x509-parser renders it.
    #[must_use]
    pub fn issuer_dn(&self) -> String {
        render_name(&self.issuer_der)
    }

    /// Reads the facts from a DER certificate. It checks the structure it reads (definite minimal
    /// lengths, field order, no trailing bytes, each decoded extension well-formed, no repeated
    /// extension of the kinds read) but not signatures; chain verification is rustls-webpki's.
    ///
    /// # Errors
    /// [`Error::MalformedCertificate`].
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let (tag, cert, rest) = der_tlv(der).ok_or(Error::MalformedCertificate)?;
        if tag != 0x30 || !rest.is_empty() {
            return Err(Error::MalformedCertificate);
        }
        let (tag, mut tbs, rest) = der_tlv(cert).ok_or(Error::MalformedCertificate)?;
        if tag != 0x30 {
            return Err(Error::MalformedCertificate);
        }
        // signatureAlgorithm SEQUENCE, signatureValue BIT STRING, nothing after.
        let (tag, _, rest) = der_tlv(rest).ok_or(Error::MalformedCertificate)?;
        let (tag2, _, rest) = der_tlv(rest).ok_or(Error::MalformedCertificate)?;
        if tag != 0x30 || tag2 != 0x03 || !rest.is_empty() {
            return Err(Error::MalformedCertificate);
        }

        // version [0] EXPLICIT: present for v2/v3 certificates; v1 certificates are read too.
        let has_version = der_tlv(tbs).map(|(t, _, _)| t) == Some(0xa0);
        let mut next = |want: u8| -> Result<(&[u8], &[u8]), Error> {
            let (tag, content, rest) = der_tlv(tbs).ok_or(Error::MalformedCertificate)?;
            if tag != want {
                return Err(Error::MalformedCertificate);
            }
            let whole = tbs.get(..tbs.len() - rest.len()).ok_or(Error::MalformedCertificate)?;
            tbs = rest;
            Ok((content, whole))
        };
        if has_version {
            next(0xa0)?;
        }
        let (serial, _) = next(0x02)?;
        next(0x30)?; // signature AlgorithmIdentifier
        let (_, issuer) = next(0x30)?;
        let (_, validity) = next(0x30)?;
        let (_, subject) = next(0x30)?;
        let (_, spki) = next(0x30)?;
        let mut extensions: Option<&[u8]> = None;
        while !tbs.is_empty() {
            let (tag, content, rest) = der_tlv(tbs).ok_or(Error::MalformedCertificate)?;
            match tag {
                0x81 | 0x82 if extensions.is_none() => {}
                0xa3 if extensions.is_none() => extensions = Some(content),
                _ => return Err(Error::MalformedCertificate),
            }
            tbs = rest;
        }

        let (_, subject_name) = X509Name::from_der(subject).map_err(malformed)?;
        let (_, validity) = Validity::from_der(validity).map_err(malformed)?;
        let (_, spki) = SubjectPublicKeyInfo::from_der(spki).map_err(malformed)?;
        let strings = |it: &mut dyn Iterator<Item = &AttributeTypeAndValue<'_>>| -> Vec<String> {
            it.filter_map(|a| a.as_str().ok().map(str::to_owned)).collect()
        };
        let mut info = Self {
            common_names: strings(&mut subject_name.iter_common_name()),
            organizations: strings(&mut subject_name.iter_organization()),
            organizational_units: strings(&mut subject_name.iter_organizational_unit()),
            serial: serial.to_vec(),
            not_before: Timestamp::from_unix(validity.not_before.timestamp()),
            not_after: Timestamp::from_unix(validity.not_after.timestamp()),
            public_key: public_key_algorithm(&spki),
            subject_der: subject.to_vec(),
            issuer_der: issuer.to_vec(),
            ..Self::default()
        };

        if let Some(exts) = extensions {
            let (tag, mut list, rest) = der_tlv(exts).ok_or(Error::MalformedCertificate)?;
            if tag != 0x30 || !rest.is_empty() {
                return Err(Error::MalformedCertificate);
            }
            let (mut seen_ku, mut seen_eku, mut seen_bc) = (false, false, false);
            while !list.is_empty() {
                let (tag, ext, rest) = der_tlv(list).ok_or(Error::MalformedCertificate)?;
                list = rest;
                if tag != 0x30 {
                    return Err(Error::MalformedCertificate);
                }
                let (tag, oid, ext) = der_tlv(ext).ok_or(Error::MalformedCertificate)?;
                if tag != 0x06 {
                    return Err(Error::MalformedCertificate);
                }
                let (mut tag, mut value, mut ext) = der_tlv(ext).ok_or(Error::MalformedCertificate)?;
                if tag == 0x01 {
                    (tag, value, ext) = der_tlv(ext).ok_or(Error::MalformedCertificate)?;
                }
                if tag != 0x04 || !ext.is_empty() {
                    return Err(Error::MalformedCertificate);
                }
                if oid == OID_SAN {
                    info.read_san(value)?;
                } else if oid == OID_KU {
                    if core::mem::replace(&mut seen_ku, true) {
                        return Err(Error::MalformedCertificate);
                    }
                    let (_, k) = KeyUsage::from_der(value).map_err(malformed)?;
                    info.key_usage = Some(KeyUsageBits {
                        digital_signature: k.digital_signature(),
                        non_repudiation: k.non_repudiation(),
                        key_encipherment: k.key_encipherment(),
                        data_encipherment: k.data_encipherment(),
                        key_agreement: k.key_agreement(),
                        key_cert_sign: k.key_cert_sign(),
                        crl_sign: k.crl_sign(),
                    });
                } else if oid == OID_EKU {
                    if core::mem::replace(&mut seen_eku, true) {
                        return Err(Error::MalformedCertificate);
                    }
                    let (_, e) = ExtendedKeyUsage::from_der(value).map_err(malformed)?;
                    info.extended_key_usage = Some(ExtendedKeyUsageBits {
                        client_auth: e.client_auth,
                        server_auth: e.server_auth,
                        any: e.any,
                    });
                } else if oid == OID_BC {
                    if core::mem::replace(&mut seen_bc, true) {
                        return Err(Error::MalformedCertificate);
                    }
                    let (_, bc) = BasicConstraints::from_der(value).map_err(malformed)?;
                    info.is_ca = bc.ca;
                }
            }
        }
        Ok(info)
    }

    fn read_san(&mut self, value: &[u8]) -> Result<(), Error> {
        if self.uri_san_count > 0
            || !self.dns_names.is_empty()
            || !self.emails.is_empty()
            || !self.ip_addresses.is_empty()
        {
            // A second subjectAltName extension (RFC 5280 §4.2: at most one instance).
            return Err(Error::MalformedCertificate);
        }
        let n = count_uri_general_names(value).ok_or(Error::MalformedCertificate)?;
        self.uri_san_count = n;
        let (rest, san) = SubjectAlternativeName::from_der(value).map_err(malformed)?;
        if !rest.is_empty() {
            return Err(Error::MalformedCertificate);
        }
        for name in &san.general_names {
            match name {
                GeneralName::DNSName(s) => self.dns_names.push((*s).to_owned()),
                GeneralName::URI(s) => self.uris.push((*s).to_owned()),
                GeneralName::RFC822Name(s) => self.emails.push((*s).to_owned()),
                GeneralName::IPAddress(b) => {
                    if let Ok(v4) = <[u8; 4]>::try_from(*b) {
                        self.ip_addresses.push(IpAddr::from(v4));
                    } else if let Ok(v6) = <[u8; 16]>::try_from(*b) {
                        self.ip_addresses.push(IpAddr::from(v6));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn render_name(der: &[u8]) -> String {
    X509Name::from_der(der).map(|(_, n)| n.to_string()).unwrap_or_default()
}

fn public_key_algorithm(spki: &SubjectPublicKeyInfo<'_>) -> PublicKeyAlgorithm {
    use x509_parser::oid_registry::{
        OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
    };
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

/// Full x509-parser parse (structure check for certificates that skip rustls-webpki, such as
/// pinned ones); trailing bytes are an error.
pub(crate) fn parse_strict(der: &[u8]) -> Result<(), Error> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], _)) => Ok(()),
        _ => Err(Error::MalformedCertificate),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed() {
        for bad in [&b""[..], &[0x30, 0x00], &[0x30, 0x03, 0x30, 0x01, 0x00], &[0x04, 0x00]] {
            assert_eq!(CertificateInfo::from_der(bad), Err(Error::MalformedCertificate));
        }
    }
}
