//! Certificate input: limits, PEM and DER, strict percent-decoding, and a minimal DER walker.

use crate::error::{Error, TooLarge};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::{PemObject, SectionKind};

/// Most certificates accepted in one presented chain (leaf included). Longer chains are rejected
/// before any parsing or signature work. rustls-webpki separately limits a built path to 6
/// intermediates below the anchor.
pub const MAX_CHAIN_CERTS: usize = 10;

/// Largest DER encoding accepted for one certificate (16 KiB).
pub const MAX_CERT_DER_LEN: usize = 16 * 1024;

/// Largest total DER size accepted for one presented chain (64 KiB).
pub const MAX_CHAIN_DER_LEN: usize = 64 * 1024;

/// Largest PEM text accepted for a presented chain (128 KiB). Configuration PEM (anchors,
/// intermediates, CRLs) is limited to [`MAX_CONFIG_PEM_LEN`].
pub const MAX_PEM_LEN: usize = 128 * 1024;

/// Largest PEM text accepted for one configuration input (trust anchors, intermediates, CRLs): 8 MiB.
pub const MAX_CONFIG_PEM_LEN: usize = 8 * 1024 * 1024;

/// Checks a DER chain against [`MAX_CHAIN_CERTS`], [`MAX_CERT_DER_LEN`] and [`MAX_CHAIN_DER_LEN`].
pub(crate) fn check_chain_limits(chain: &[CertificateDer<'_>]) -> Result<(), Error> {
    if chain.is_empty() {
        return Err(Error::NoCertificate);
    }
    if chain.len() > MAX_CHAIN_CERTS {
        return Err(Error::TooLarge(TooLarge { what: "certificates", len: chain.len(), max: MAX_CHAIN_CERTS }));
    }
    let mut total = 0usize;
    for c in chain {
        let len = c.as_ref().len();
        if len > MAX_CERT_DER_LEN {
            return Err(Error::TooLarge(TooLarge { what: "certificate_bytes", len, max: MAX_CERT_DER_LEN }));
        }
        total = total.saturating_add(len);
    }
    if total > MAX_CHAIN_DER_LEN {
        return Err(Error::TooLarge(TooLarge { what: "chain_bytes", len: total, max: MAX_CHAIN_DER_LEN }));
    }
    Ok(())
}

/// Parses a presented chain from PEM text (leaf first): only `CERTIFICATE` sections, at most
/// [`MAX_PEM_LEN`] bytes and [`MAX_CHAIN_CERTS`] certificates. Text outside the sections is ignored
/// (RFC 7468 §5.2).
///
/// # Errors
/// [`Error::MalformedCertificate`] for broken PEM or another section kind; [`Error::TooLarge`] past
/// a limit; [`Error::NoCertificate`] when there is no section.
pub fn pem_chain(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let chain = pem_certificates(pem, MAX_PEM_LEN, MAX_CHAIN_CERTS)?;
    if chain.is_empty() {
        return Err(Error::NoCertificate);
    }
    Ok(chain)
}

/// Parses PEM text holding only `CERTIFICATE` sections, in order. Any other section kind (a private
/// key, a CRL) or a broken section is an error; text outside sections is ignored (RFC 7468 §5.2).
pub(crate) fn pem_certificates(
    pem: &[u8],
    max_len: usize,
    max_count: usize,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    if pem.len() > max_len {
        return Err(Error::TooLarge(TooLarge { what: "pem_bytes", len: pem.len(), max: max_len }));
    }
    let mut out = Vec::new();
    for item in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(pem) {
        let (kind, der) = item.map_err(|_| Error::MalformedCertificate)?;
        if kind != SectionKind::Certificate {
            return Err(Error::MalformedCertificate);
        }
        if out.len() >= max_count {
            return Err(Error::TooLarge(TooLarge { what: "certificates", len: out.len() + 1, max: max_count }));
        }
        out.push(CertificateDer::from(der));
    }
    Ok(out)
}

/// Parses PEM text holding only `X509 CRL` sections.
pub(crate) fn pem_crls(pem: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    if pem.len() > MAX_CONFIG_PEM_LEN {
        return Err(Error::TooLarge(TooLarge { what: "pem_bytes", len: pem.len(), max: MAX_CONFIG_PEM_LEN }));
    }
    let mut out = Vec::new();
    for item in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(pem) {
        let (kind, der) = item.map_err(|_| Error::BadCrl)?;
        if kind != SectionKind::Crl {
            return Err(Error::BadCrl);
        }
        out.push(der);
    }
    Ok(out)
}

/// Strict percent-decoding: `%XX` with two hex digits becomes the byte; every other byte is kept
/// as is (in particular `+` stays `+`, never a space). A `%` not followed by two hex digits fails.
pub(crate) fn percent_decode_strict(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = input.iter();
    while let Some(&b) = i.next() {
        if b == b'%' {
            let hi = hex_val(*i.next()?)?;
            let lo = hex_val(*i.next()?)?;
            out.push((hi << 4) | lo);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// One DER TLV: (tag byte, content, rest). Only definite lengths up to 4 length octets; `None` on
/// any malformation.
pub(crate) fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    // Multi-byte tags never occur in the structures walked here.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(n);
        let mut len = 0usize;
        for &b in len_bytes {
            len = (len << 8) | usize::from(b);
        }
        // Minimal encoding: long form only for lengths >= 128, no leading zero octet.
        if len < 0x80 || len_bytes.first() == Some(&0) {
            return None;
        }
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

/// Counts the `uniformResourceIdentifier` ([6] IA5String) entries of a GeneralNames value (the
/// content of a subjectAltName extension's OCTET STRING), straight from the DER. `None` when the
/// value is not a well-formed SEQUENCE of TLVs.
pub(crate) fn count_uri_general_names(ext_value: &[u8]) -> Option<usize> {
    let (tag, mut names, rest) = der_tlv(ext_value)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let mut count = 0usize;
    while !names.is_empty() {
        let (tag, _, rest) = der_tlv(names)?;
        if tag == 0x86 {
            count += 1;
        }
        names = rest;
    }
    Some(count)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_strict_and_keeps_plus() {
        assert_eq!(percent_decode_strict(b"a%2Bb+c%0A").unwrap(), b"a+b+c\n");
        assert_eq!(percent_decode_strict(b"%zz"), None);
        assert_eq!(percent_decode_strict(b"%4"), None);
        assert_eq!(percent_decode_strict(b"%"), None);
    }

    #[test]
    fn der_walker() {
        // SEQUENCE { [2] "a", [6] "u", [6] "v" }
        let v = [0x30, 0x09, 0x82, 0x01, b'a', 0x86, 0x01, b'u', 0x86, 0x01, b'v'];
        assert_eq!(count_uri_general_names(&v), Some(2));
        assert_eq!(count_uri_general_names(&v[..8]), None);
        assert_eq!(count_uri_general_names(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0]), None, "non-minimal length");
        assert_eq!(count_uri_general_names(&[0x30, 0x00]), Some(0));
    }

    #[test]
    fn limits() {
        assert_eq!(check_chain_limits(&[]), Err(Error::NoCertificate));
        let big = CertificateDer::from(vec![0u8; MAX_CERT_DER_LEN + 1]);
        assert_eq!(check_chain_limits(&[big]).unwrap_err().reason(), "certificate_too_large");
        let many: Vec<_> = (0..=MAX_CHAIN_CERTS).map(|_| CertificateDer::from(vec![0u8; 4])).collect();
        assert_eq!(check_chain_limits(&many).unwrap_err().reason(), "chain_too_long");
    }

    #[test]
    fn pem_rejects_other_sections() {
        let key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_certificates(key, MAX_PEM_LEN, 4), Err(Error::MalformedCertificate));
        let cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(cert, MAX_PEM_LEN, 4).unwrap().len(), 1);
        let broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n";
        assert!(pem_certificates(broken, MAX_PEM_LEN, 4).is_err());
        assert!(pem_certificates(cert, 10, 4).is_err());
    }
}
