//! Client certificates forwarded by a TLS-terminating proxy.
//!
//! Use these only for requests that reached the server through the proxy the caller trusts (a
//! private listener, a checked peer address): a client that can reach the server directly can send
//! any header. Whatever chain is found is always verified again against the configured trust
//! anchors, so the proxy's own verification is never relied upon.
//!
//! | format | header (default name) | value |
//! | --- | --- | --- |
//! | [`NginxEscapedCert`](ForwardedFormat::NginxEscapedCert) | `x-ssl-client-cert` | `$ssl_client_escaped_cert`: the URL-escaped PEM leaf |
//! | [`EnvoyXfcc`](ForwardedFormat::EnvoyXfcc) | `x-forwarded-client-cert` | Envoy's element list; only the **last** element (added by the proxy nearest the server) counts; its `Chain`, else `Cert` (URL-escaped PEM) |
//! | [`Rfc9440`](ForwardedFormat::Rfc9440) | `client-cert`, `client-cert-chain` | RFC 8941 byte sequences `:base64:` of DER |
//! | [`AwsAlb`](ForwardedFormat::AwsAlb) | `x-amzn-mtls-clientcert` | URL-encoded PEM chain, leaf first (`+` is a literal plus) |
//!
//! Every header must appear at most once (a repeated header is a 400), and each value is limited
//! to [`MAX_FORWARDED_HEADER_LEN`] bytes.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use auth_core::{Headers, Reject, ScopeSet};
//! use auth_mtls::{ForwardedFormat, Verifier};
//! use auth_testkit::mtls::{self, proxy, LeafSpec, Pki};
//!
//! let pki = Pki::p256("Edge");
//! let leaf = pki.leaf(&LeafSpec::client("billing"));
//! let verifier = Verifier::builder()
//!     .trust_anchors_pem(pki.root_pem().as_bytes())?
//!     .allow_any_trusted(ScopeSet::parse("read")?)
//!     .build()?;
//!
//! // Envoy appended its element last; an element the client smuggled in before it is ignored.
//! let smuggled = proxy::xfcc_element(&pki.leaf(&LeafSpec::client("admin")), "CN=admin");
//! let xfcc = format!("{smuggled},{}", proxy::xfcc_element(&leaf, "CN=billing"));
//! let pairs: &[(&str, &[u8])] = &[("x-forwarded-client-cert", xfcc.as_bytes())];
//! let client = verifier.verify_forwarded(ForwardedFormat::EnvoyXfcc, &Headers::from_pairs(pairs), mtls::NOW)?;
//! assert_eq!(client.subject(), "billing");
//!
//! // A repeated header is a malformed request.
//! let twice: &[(&str, &[u8])] = &[("client-cert", b":AA==:"), ("client-cert", b":AA==:")];
//! let err = verifier.verify_forwarded(ForwardedFormat::Rfc9440, &Headers::from_pairs(twice), mtls::NOW).unwrap_err();
//! assert_eq!((err.rejection().status().code(), err.reason()), (400, "duplicate_header"));
//! # Ok(())
//! # }
//! ```

use crate::error::{Error, ForwardedError};
use crate::input::{self, MAX_CHAIN_CERTS, MAX_PEM_LEN, percent_decode_strict};
use crate::verifier::{VerifiedClient, Verifier, sha256};
use auth_core::{HeaderError, Headers, Timestamp};
use base64ct::Encoding as _;
use rustls_pki_types::CertificateDer;

/// Longest forwarded-certificate header value accepted (192 KiB: a chain at the DER limit, PEM
/// armoured and percent-escaped).
pub const MAX_FORWARDED_HEADER_LEN: usize = 192 * 1024;

/// Most elements accepted in one `x-forwarded-client-cert` value.
pub const MAX_XFCC_ELEMENTS: usize = 32;

/// Most key/value pairs accepted in one XFCC element.
pub const MAX_XFCC_PAIRS: usize = 64;

/// How a proxy forwards the client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ForwardedFormat {
    /// nginx `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;` (exactly one
    /// certificate; intermediates must be configured on the verifier).
    NginxEscapedCert,
    /// Envoy `x-forwarded-client-cert` (`forward_client_cert_details` with `Cert` or `Chain`).
    EnvoyXfcc,
    /// RFC 9440 `Client-Cert` (leaf) and optional `Client-Cert-Chain` (intermediates).
    Rfc9440,
    /// AWS Application Load Balancer mTLS passthrough `X-Amzn-Mtls-Clientcert`.
    AwsAlb,
}

impl ForwardedFormat {
    /// The header carrying the (leaf) certificate, lowercase.
    #[must_use]
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::NginxEscapedCert => "x-ssl-client-cert",
            Self::EnvoyXfcc => "x-forwarded-client-cert",
            Self::Rfc9440 => "client-cert",
            Self::AwsAlb => "x-amzn-mtls-clientcert",
        }
    }

    /// The separate header carrying intermediates, if the format has one.
    #[must_use]
    pub const fn chain_header_name(self) -> Option<&'static str> {
        match self {
            Self::Rfc9440 => Some("client-cert-chain"),
            _ => None,
        }
    }

    /// Parses the format's name as a CLI would accept it: `nginx`, `xfcc` (or `envoy`), `rfc9440`,
    /// `alb` (or `aws-alb`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "nginx" => Some(Self::NginxEscapedCert),
            "xfcc" | "envoy" => Some(Self::EnvoyXfcc),
            "rfc9440" => Some(Self::Rfc9440),
            "alb" | "aws-alb" => Some(Self::AwsAlb),
            _ => None,
        }
    }
}

const fn fwd(e: ForwardedError) -> Error {
    Error::Forwarded(e)
}

fn check_len(value: &[u8]) -> Result<(), Error> {
    if value.len() > MAX_FORWARDED_HEADER_LEN {
        return Err(fwd(ForwardedError::HeaderTooLarge { len: value.len() }));
    }
    Ok(())
}

/// Extracts the presented chain (leaf first) from forwarded header values without verifying it.
///
/// `chain_value` is the [`chain_header_name`](ForwardedFormat::chain_header_name) value for RFC
/// 9440 and must be `None` for the other formats.
///
/// # Errors
/// [`Error::Forwarded`] (400) for a malformed, inconsistent or oversized value;
/// [`Error::NoCertificate`] when the value carries no certificate (an XFCC element without `Cert`
/// or `Chain`, an empty value).
pub fn extract_chain(
    format: ForwardedFormat,
    value: &[u8],
    chain_value: Option<&[u8]>,
) -> Result<Vec<CertificateDer<'static>>, Error> {
    check_len(value)?;
    if let Some(c) = chain_value {
        check_len(c)?;
        if format != ForwardedFormat::Rfc9440 {
            return Err(fwd(ForwardedError::Malformed));
        }
    }
    if value.iter().all(|b| *b == b' ' || *b == b'\t') {
        return Err(Error::NoCertificate);
    }
    match format {
        ForwardedFormat::NginxEscapedCert => {
            let chain = escaped_pem(value)?;
            if chain.len() != 1 {
                return Err(fwd(ForwardedError::Malformed));
            }
            Ok(chain)
        }
        ForwardedFormat::AwsAlb => escaped_pem(value),
        ForwardedFormat::EnvoyXfcc => xfcc(value),
        ForwardedFormat::Rfc9440 => {
            let leaf = sf_binary(trim_ows(value))?;
            let mut chain = vec![CertificateDer::from(leaf)];
            if let Some(c) = chain_value {
                for item in split_sf_list(trim_ows(c))? {
                    if chain.len() >= MAX_CHAIN_CERTS {
                        return Err(Error::TooLarge(crate::error::TooLarge {
                            what: "certificates",
                            len: chain.len() + 1,
                            max: MAX_CHAIN_CERTS,
                        }));
                    }
                    chain.push(CertificateDer::from(sf_binary(item)?));
                }
            }
            Ok(chain)
        }
    }
}

/// Percent-decoded PEM holding one or more certificates.
fn escaped_pem(value: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let pem = percent_decode_strict(value).ok_or(fwd(ForwardedError::Malformed))?;
    let chain = input::pem_certificates(&pem, MAX_PEM_LEN, MAX_CHAIN_CERTS).map_err(|e| match e {
        Error::MalformedCertificate => fwd(ForwardedError::Malformed),
        other => other,
    })?;
    if chain.is_empty() {
        return Err(fwd(ForwardedError::Malformed));
    }
    Ok(chain)
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|b| *b != b' ' && *b != b'\t').unwrap_or(v.len());
    let end = v.iter().rposition(|b| *b != b' ' && *b != b'\t').map_or(start, |e| e + 1);
    v.get(start..end).unwrap_or_default()
}

/// An RFC 8941 §3.3.5 byte sequence `:base64:` with nothing else (no parameters). The base64 is the
/// standard alphabet with padding, decoded strictly (no non-canonical trailing bits).
fn sf_binary(item: &[u8]) -> Result<Vec<u8>, Error> {
    let inner = item.strip_prefix(b":").and_then(|r| r.strip_suffix(b":")).ok_or(fwd(ForwardedError::Malformed))?;
    let text = core::str::from_utf8(inner).map_err(|_| fwd(ForwardedError::Malformed))?;
    let der = base64ct::Base64::decode_vec(text).map_err(|_| fwd(ForwardedError::Malformed))?;
    if der.is_empty() {
        return Err(fwd(ForwardedError::Malformed));
    }
    Ok(der)
}

/// Splits an RFC 8941 list of byte sequences at commas (with optional whitespace around them).
/// Byte sequences contain no commas, so no quoting applies.
fn split_sf_list(v: &[u8]) -> Result<Vec<&[u8]>, Error> {
    if v.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<&[u8]> = v.split(|b| *b == b',').map(trim_ows).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(fwd(ForwardedError::Malformed));
    }
    Ok(items)
}

/// One parsed XFCC element: its key/value pairs, values unquoted.
type XfccElement = Vec<(String, String)>;

/// Parses the whole `x-forwarded-client-cert` value (Envoy grammar: elements separated by `,`,
/// pairs by `;`, `key=value` with the value optionally a double-quoted string in which `\"` and
/// `\\` are escapes). Separators inside quotes are data. Any malformation anywhere fails.
fn parse_xfcc(value: &[u8]) -> Result<Vec<XfccElement>, Error> {
    let text = core::str::from_utf8(value).map_err(|_| fwd(ForwardedError::Malformed))?;
    let mut elements: Vec<XfccElement> = Vec::new();
    let mut pairs: XfccElement = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        // key
        while matches!(chars.peek(), Some(' ' | '\t')) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' {
                break;
            }
            if !(c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(fwd(ForwardedError::Malformed));
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() || chars.next() != Some('=') {
            return Err(fwd(ForwardedError::Malformed));
        }
        // value
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(fwd(ForwardedError::Malformed)),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c @ ('"' | '\\')) => val.push(c),
                        _ => return Err(fwd(ForwardedError::Malformed)),
                    },
                    Some(c) if c.is_control() => return Err(fwd(ForwardedError::Malformed)),
                    Some(c) => val.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ';' || c == ',' {
                    break;
                }
                if c == '"' || c == '\\' || c.is_control() || c == ' ' {
                    return Err(fwd(ForwardedError::Malformed));
                }
                val.push(c);
                chars.next();
            }
        }
        if pairs.len() >= MAX_XFCC_PAIRS {
            return Err(fwd(ForwardedError::Malformed));
        }
        pairs.push((key, val));
        while matches!(chars.peek(), Some(' ' | '\t')) {
            chars.next();
        }
        match chars.next() {
            None => {
                elements.push(pairs);
                break;
            }
            Some(';') => {}
            Some(',') => {
                // This element plus at least the one that follows.
                if elements.len() + 2 > MAX_XFCC_ELEMENTS {
                    return Err(fwd(ForwardedError::Malformed));
                }
                elements.push(core::mem::take(&mut pairs));
            }
            Some(_) => return Err(fwd(ForwardedError::Malformed)),
        }
    }
    Ok(elements)
}

fn xfcc(value: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let elements = parse_xfcc(value)?;
    // The element the trusted proxy appended is the last; earlier ones came from further away
    // (or from the client itself) and are ignored.
    let last = elements.last().ok_or(fwd(ForwardedError::Malformed))?;
    let mut cert = None;
    let mut chain = None;
    let mut hash = None;
    let mut seen: Vec<String> = Vec::new();
    for (k, v) in last {
        let k = k.to_ascii_lowercase();
        match k.as_str() {
            // Envoy repeats URI and DNS once per SAN.
            "uri" | "dns" => continue,
            _ if seen.contains(&k) => return Err(fwd(ForwardedError::Inconsistent)),
            _ => seen.push(k.clone()),
        }
        match k.as_str() {
            "cert" => cert = Some(v),
            "chain" => chain = Some(v),
            "hash" => hash = Some(v),
            _ => {}
        }
    }
    let leaf_only = cert.map(|c| escaped_pem(c.as_bytes())).transpose()?;
    let full = chain.map(|c| escaped_pem(c.as_bytes())).transpose()?;
    if leaf_only.as_ref().is_some_and(|l| l.len() != 1) {
        return Err(fwd(ForwardedError::Malformed));
    }
    let presented = match (leaf_only, full) {
        (None, None) => return Err(Error::NoCertificate),
        (Some(l), None) => l,
        (None, Some(c)) => c,
        (Some(l), Some(c)) => {
            if l.first() != c.first() {
                return Err(fwd(ForwardedError::Inconsistent));
            }
            c
        }
    };
    if let Some(h) = hash {
        let leaf = presented.first().ok_or(Error::NoCertificate)?;
        let mut expected = [0u8; 32];
        match base16ct::mixed::decode(h.as_bytes(), &mut expected) {
            Ok(d) if d.len() == 32 => {}
            _ => return Err(fwd(ForwardedError::Malformed)),
        }
        if expected != sha256(leaf.as_ref()) {
            return Err(fwd(ForwardedError::Inconsistent));
        }
    }
    Ok(presented)
}

impl Verifier {
    /// Verifies the client certificate a trusted TLS-terminating proxy forwarded in `headers`
    /// (under the format's default header names), at `now`. Call it only for requests that came
    /// through that proxy.
    ///
    /// # Errors
    /// [`Error::NoCertificate`] (401, no error code) when the header is absent; 400
    /// [`Error::Forwarded`] when it is repeated, oversized or malformed; otherwise as
    /// [`Verifier::verify_chain`].
    pub fn verify_forwarded(
        &self,
        format: ForwardedFormat,
        headers: &Headers<'_>,
        now: Timestamp,
    ) -> Result<VerifiedClient, Error> {
        self.verify_forwarded_from(format, format.header_name(), headers, now)
    }

    /// As [`verify_forwarded`](Self::verify_forwarded), with the certificate under `header_name`
    /// (matched case-insensitively) instead of the format's default name, for proxies configured
    /// with another header (`proxy_set_header X-Client-Cert $ssl_client_escaped_cert;`). The RFC
    /// 9440 chain header keeps its standard name.
    ///
    /// # Errors
    /// As [`verify_forwarded`](Self::verify_forwarded).
    pub fn verify_forwarded_from(
        &self,
        format: ForwardedFormat,
        header_name: &str,
        headers: &Headers<'_>,
        now: Timestamp,
    ) -> Result<VerifiedClient, Error> {
        let one = |name: &str| {
            headers.get_one(name).map_err(|e| match e {
                HeaderError::DuplicateHeader => fwd(ForwardedError::DuplicateHeader),
                _ => fwd(ForwardedError::Malformed),
            })
        };
        let value = one(header_name)?.ok_or(Error::NoCertificate)?;
        let chain_value = match format.chain_header_name() {
            Some(name) => one(name)?,
            None => None,
        };
        self.verify_forwarded_value(format, value, chain_value, now)
    }

    /// As [`verify_forwarded`](Self::verify_forwarded), for header values the caller already
    /// picked (custom header names). The caller must ensure each header appeared exactly once.
    ///
    /// # Errors
    /// As [`extract_chain`] and [`Verifier::verify_chain`].
    pub fn verify_forwarded_value(
        &self,
        format: ForwardedFormat,
        value: &[u8],
        chain_value: Option<&[u8]>,
        now: Timestamp,
    ) -> Result<VerifiedClient, Error> {
        let chain = extract_chain(format, value, chain_value)?;
        self.verify_chain(&chain, now)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn xfcc_grammar() {
        let e =
            parse_xfcc(br#"By=spiffe://a/b;Hash=ab;Subject="CN=x;Cert=evil, O=\"q\"";URI=u;DNS=d1;DNS=d2,By=z;Cert=c"#)
                .unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0][2], ("Subject".into(), r#"CN=x;Cert=evil, O="q""#.into()));
        assert_eq!(e[1][1], ("Cert".into(), "c".into()));
        for bad in [&b"Cert"[..], b"=x", b"Cert=\"abc", b"Cert=a\"b", b"Cert=a;;", b"Cert=a,", b"Subject=\"a\\x\""] {
            assert!(parse_xfcc(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn xfcc_element_limit() {
        let ok = vec!["By=a"; MAX_XFCC_ELEMENTS].join(",");
        assert_eq!(parse_xfcc(ok.as_bytes()).unwrap().len(), MAX_XFCC_ELEMENTS);
        let over = vec!["By=a"; MAX_XFCC_ELEMENTS + 1].join(",");
        assert!(parse_xfcc(over.as_bytes()).is_err());
        let pairs = vec!["DNS=a"; MAX_XFCC_PAIRS].join(";");
        assert!(parse_xfcc(pairs.as_bytes()).is_ok());
        let pairs = vec!["DNS=a"; MAX_XFCC_PAIRS + 1].join(";");
        assert!(parse_xfcc(pairs.as_bytes()).is_err());
    }

    #[test]
    fn sf_binary_strict() {
        assert_eq!(sf_binary(b":AQID:").unwrap(), vec![1, 2, 3]);
        assert!(sf_binary(b"AQID").is_err());
        assert!(sf_binary(b":AQI:").is_err(), "unpadded");
        assert!(sf_binary(b":AQJ=:").is_err(), "non-canonical trailing bits");
        assert!(sf_binary(b":AQID:;a=1").is_err());
        assert!(sf_binary(b"::").is_err());
        assert_eq!(split_sf_list(b":AQID:, :BA==:").unwrap().len(), 2);
        assert!(split_sf_list(b":AQID:,,:BA==:").is_err());
    }

    #[test]
    fn limits_and_names() {
        let big = vec![b'a'; MAX_FORWARDED_HEADER_LEN + 1];
        assert!(matches!(
            extract_chain(ForwardedFormat::AwsAlb, &big, None),
            Err(Error::Forwarded(ForwardedError::HeaderTooLarge { .. }))
        ));
        assert_eq!(extract_chain(ForwardedFormat::AwsAlb, b"  ", None), Err(Error::NoCertificate));
        assert_eq!(ForwardedFormat::from_name("XFCC"), Some(ForwardedFormat::EnvoyXfcc));
        assert_eq!(ForwardedFormat::from_name("caddy"), None);
        assert!(extract_chain(ForwardedFormat::AwsAlb, b"x", Some(b"y")).is_err());
    }
}
