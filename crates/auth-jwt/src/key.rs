//! Verification keys: JWK (RFC 7517/7518/8037), JWK Sets, PEM SPKI and PKCS#1 public keys, PEM certificates and
//! raw HMAC secrets, each parsed once into a [`Key`] bound to the algorithms it may serve.

use crate::alg::{Algorithm, AlgorithmSet};
use crate::b64;
use crate::error::{Error, KeyProblem};
use crate::json::{self, Kind};
use auth_core::hash::HmacKey;
use core::fmt;
use ring::{hmac, signature};
use zeroize::Zeroizing;

/// The most keys a [`KeySet`] holds. Larger JWK Sets are refused at load time.
pub const MAX_KEYS: usize = 64;
/// The largest JWK Set document accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
/// The largest PEM document accepted, in bytes.
pub const MAX_PEM_BYTES: usize = 64 * 1024;
/// JSON nesting allowed in a JWK or JWK Set.
const JWK_DEPTH: usize = 6;
/// The shortest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// The longest RSA modulus accepted, in bits (ring's bound).
pub const MAX_RSA_BITS: usize = 8192;

/// A prepared verification key, bound to the algorithms it may verify.
///
/// Binding rules, applied at load time:
/// - the key type decides the family: `oct` → HS*, `RSA` → RS*/PS*, `EC` P-256/P-384/P-521 →
///   ES256/ES384/ES512, `OKP` Ed25519 → EdDSA; nothing else;
/// - a JWK `alg` member narrows that to exactly one algorithm and must fit the family;
/// - `use`, when present, must be `sig`; `key_ops`, when present, must contain `verify`;
/// - RSA moduli under [`MIN_RSA_BITS`], RSA public exponents that are even, below 3 or over 2^32, ROCA
///   moduli, and HMAC keys shorter than the hash output are refused;
/// - an EC public point (JWK `x`/`y` or SPKI) must be uncompressed, its coordinates exactly the field
///   length and below the field prime, and on its curve (P-256, P-384 and P-521 alike), or the key is
///   refused with [`KeyProblem::InvalidPoint`]. An Ed25519 key is checked for its length only: ring
///   decodes the point when it verifies, so an undecodable Ed25519 key loads and then fails every
///   token as `bad_signature`;
/// - a JWK's RSA `n` and `e` must be minimal Base64urlUInt values (no leading zero octet, RFC 7518
///   §6.3.1), or the key is refused with [`KeyProblem::NonMinimalInteger`]: its RFC 7638 thumbprint is
///   computed over the members as sent, and a normalized copy would hash differently;
/// - an HMAC key is only ever made from bytes the caller calls a secret ([`Key::hmac`]) or from an
///   `oct` JWK: a public key can never become an HMAC key, so RS→HS confusion cannot be expressed.
pub struct Key {
    kid: Option<Box<str>>,
    algs: AlgorithmSet,
    material: Material,
    thumbprint: Option<Box<str>>,
}

enum Material {
    Hmac(Box<HmacKeys>),
    Rsa(signature::RsaPublicKeyComponents<Box<[u8]>>),
    P256(Box<[u8]>),
    P384(Box<[u8]>),
    P521(Box<p521::ecdsa::VerifyingKey>),
    Ed25519([u8; 32]),
}

struct HmacKeys {
    hs256: Option<HmacKey>,
    hs384: Option<HmacKey>,
    hs512: Option<HmacKey>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.material {
            Material::Hmac(_) => "oct",
            Material::Rsa(_) => "RSA",
            Material::P256(_) => "EC P-256",
            Material::P384(_) => "EC P-384",
            Material::P521(_) => "EC P-521",
            Material::Ed25519(_) => "OKP Ed25519",
        };
        f.debug_struct("Key").field("kid", &self.kid).field("type", &kind).field("algorithms", &self.algs).finish()
    }
}

/// The kind of key, as a JWK names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyType {
    /// A symmetric HMAC secret (`oct`).
    Oct,
    /// An RSA public key.
    Rsa,
    /// An elliptic-curve public key (P-256, P-384, P-521).
    Ec,
    /// An octet key pair public key (Ed25519).
    Okp,
}

fn malformed() -> Error {
    Error::InvalidKey(KeyProblem::Malformed)
}

impl Key {
    /// An HMAC key for exactly `alg` from secret bytes.
    ///
    /// # Errors
    /// [`KeyProblem::AlgorithmMismatch`] when `alg` is not HS256/384/512; [`KeyProblem::TooWeak`] when the
    /// secret is shorter than the hash output (RFC 7518 §3.2).
    pub fn hmac(alg: Algorithm, secret: &[u8]) -> Result<Self, Error> {
        if !alg.is_symmetric() {
            return Err(KeyProblem::AlgorithmMismatch.into());
        }
        Self::hmac_for(AlgorithmSet::only(alg), secret)
    }

    fn hmac_for(requested: AlgorithmSet, secret: &[u8]) -> Result<Self, Error> {
        let len = secret.len();
        let mk = |alg: Algorithm, ring_alg| {
            (requested.contains(alg) && len >= alg.hmac_len()).then(|| HmacKey::new(ring_alg, secret))
        };
        let hs256 = mk(Algorithm::HS256, hmac::HMAC_SHA256);
        let hs384 = mk(Algorithm::HS384, hmac::HMAC_SHA384);
        let hs512 = mk(Algorithm::HS512, hmac::HMAC_SHA512);
        let algs: AlgorithmSet = [(Algorithm::HS256, hs256.is_some()), (Algorithm::HS384, hs384.is_some())]
            .into_iter()
            .chain([(Algorithm::HS512, hs512.is_some())])
            .filter_map(|(a, ok)| ok.then_some(a))
            .collect();
        // Every requested algorithm must be servable when exactly one was asked for; with a family
        // request (an `oct` JWK without `alg`), the key serves those its length allows.
        if algs.is_empty() || (requested.iter().count() == 1 && algs != requested) {
            return Err(KeyProblem::TooWeak.into());
        }
        Ok(Self {
            kid: None,
            algs,
            material: Material::Hmac(Box::new(HmacKeys { hs256, hs384, hs512 })),
            thumbprint: None,
        })
    }

    /// Parses one JWK (a JSON object). See the type docs for the binding rules.
    ///
    /// Private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`) are refused: a verifier has no business
    /// holding a private key. Unknown members are ignored (RFC 7517 §4).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] with the problem, or [`Error::DuplicateMember`].
    pub fn from_jwk(jwk: &[u8]) -> Result<Self, Error> {
        if jwk.len() > MAX_JWKS_BYTES {
            return Err(Error::TooLarge);
        }
        let members = json::object_members(jwk, JWK_DEPTH)?;
        Self::from_members(jwk, &members)
    }

    fn from_members(src: &[u8], members: &[(String, json::Value)]) -> Result<Self, Error> {
        let get = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
        let get_str = |name: &str| -> Result<Option<String>, Error> {
            match get(name) {
                None => Ok(None),
                Some(v) => json::str_of(src, v).map(|s| Some(s.into_owned())).ok_or_else(malformed),
            }
        };
        let get_b64 = |name: &str| -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
            match get_str(name)? {
                None => Ok(None),
                Some(s) => b64::decode_vec(s.as_bytes()).map(|v| Some(Zeroizing::new(v))).map_err(|_| malformed()),
            }
        };
        let kty = get_str("kty")?.ok_or_else(malformed)?;
        let kid = get_str("kid")?;
        let alg_name = get_str("alg")?;
        if get_str("use")?.is_some_and(|u| u != "sig") {
            return Err(KeyProblem::NotForVerification.into());
        }
        if let Some(ops) = get("key_ops") {
            let mut has_verify = false;
            let mut seen: Vec<String> = Vec::new();
            json::for_each_str_element(src, ops, &mut |op, _| {
                if seen.iter().any(|s| s == op) {
                    return Err(malformed());
                }
                has_verify |= op == "verify";
                seen.push(op.to_owned());
                Ok(())
            })
            .map_err(|_| malformed())?;
            if !has_verify {
                return Err(KeyProblem::NotForVerification.into());
            }
        }
        let alg = match alg_name.as_deref() {
            None => None,
            Some(name) => Some(Algorithm::from_name(name).ok_or(KeyProblem::AlgorithmMismatch)?),
        };
        let narrow = |family: AlgorithmSet| -> Result<AlgorithmSet, Error> {
            match alg {
                None => Ok(family),
                Some(a) if family.contains(a) => Ok(AlgorithmSet::only(a)),
                Some(_) => Err(KeyProblem::AlgorithmMismatch.into()),
            }
        };
        let key = match kty.as_str() {
            "oct" => {
                let k = get_b64("k")?.ok_or_else(malformed)?;
                let algs = narrow(AlgorithmSet::HMAC)?;
                Self::hmac_for(algs, &k)?
            }
            "RSA" | "EC" | "OKP" => {
                const PRIVATE: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];
                if PRIVATE.iter().any(|m| get(m).is_some()) {
                    return Err(KeyProblem::MixedKeySet.into());
                }
                match kty.as_str() {
                    "RSA" => {
                        let n = get_b64("n")?.ok_or_else(malformed)?;
                        let e = get_b64("e")?.ok_or_else(malformed)?;
                        Self::rsa(jwk_uint(&n)?, jwk_uint(&e)?, narrow(AlgorithmSet::RSA)?)?
                    }
                    "EC" => {
                        let crv = get_str("crv")?.ok_or_else(malformed)?;
                        let x = get_b64("x")?.ok_or_else(malformed)?;
                        let y = get_b64("y")?.ok_or_else(malformed)?;
                        let (alg, len) = match crv.as_str() {
                            "P-256" => (Algorithm::ES256, 32),
                            "P-384" => (Algorithm::ES384, 48),
                            "P-521" => (Algorithm::ES512, 66),
                            _ => return Err(KeyProblem::Unsupported.into()),
                        };
                        if x.len() != len || y.len() != len {
                            return Err(KeyProblem::InvalidPoint.into());
                        }
                        let mut point = Vec::with_capacity(1 + 2 * len);
                        point.push(4);
                        point.extend_from_slice(&x);
                        point.extend_from_slice(&y);
                        Self::ec(alg, &point, narrow(AlgorithmSet::only(alg))?)?
                    }
                    _ => {
                        let crv = get_str("crv")?.ok_or_else(malformed)?;
                        if crv != "Ed25519" {
                            return Err(KeyProblem::Unsupported.into());
                        }
                        let x = get_b64("x")?.ok_or_else(malformed)?;
                        Self::ed25519(&x, narrow(AlgorithmSet::only(Algorithm::EdDSA))?)?
                    }
                }
            }
            _ => return Err(KeyProblem::Unsupported.into()),
        };
        Ok(Self { kid: kid.map(String::into_boxed_str), ..key })
    }

    /// An RSA key from the big-endian magnitudes of `n` and `e`, each in its minimal form (no leading
    /// zero octet, zero being the single octet `0`): the JWK and DER parsers guarantee that, so the
    /// thumbprint below is the one RFC 7638 defines over the members as sent.
    fn rsa(n: &[u8], e: &[u8], algs: AlgorithmSet) -> Result<Self, Error> {
        let bits = bit_len(n);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyProblem::TooWeak.into());
        }
        if e.is_empty() || e.len() > 4 || e.last().is_none_or(|b| b & 1 == 0) || (e.len() == 1 && e == [1]) {
            return Err(KeyProblem::TooWeak.into());
        }
        if n.last().is_none_or(|b| b & 1 == 0) {
            return Err(KeyProblem::Malformed.into());
        }
        if is_roca(n) {
            return Err(KeyProblem::Vulnerable.into());
        }
        let thumb = format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64::encode_string(e), b64::encode_string(n));
        Ok(Self {
            kid: None,
            algs,
            material: Material::Rsa(signature::RsaPublicKeyComponents { n: n.into(), e: e.into() }),
            thumbprint: Some(sha256_b64(thumb.as_bytes())),
        })
    }

    fn ec(alg: Algorithm, point: &[u8], algs: AlgorithmSet) -> Result<Self, Error> {
        let len = match alg {
            Algorithm::ES256 => 32,
            Algorithm::ES384 => 48,
            _ => 66,
        };
        if point.len() != 1 + 2 * len || point.first() != Some(&4) {
            return Err(KeyProblem::InvalidPoint.into());
        }
        let (x, y) = point.get(1..).unwrap_or_default().split_at(len);
        let crv = match alg {
            Algorithm::ES256 => "P-256",
            Algorithm::ES384 => "P-384",
            _ => "P-521",
        };
        let thumb =
            format!(r#"{{"crv":"{crv}","kty":"EC","x":"{}","y":"{}"}}"#, b64::encode_string(x), b64::encode_string(y));
        // ring validates a public point only when it verifies a signature; checking here refuses an
        // invalid key at load, with its own reason, instead of failing every token as a bad signature.
        // `from_sec1_bytes` requires coordinates below the field prime and the curve equation to hold
        // (P-256 and P-384 have cofactor 1, and the uncompressed form cannot encode the identity).
        let material = match alg {
            Algorithm::ES256 => {
                p256::PublicKey::from_sec1_bytes(point).map_err(|_| KeyProblem::InvalidPoint)?;
                Material::P256(point.into())
            }
            Algorithm::ES384 => {
                p384::PublicKey::from_sec1_bytes(point).map_err(|_| KeyProblem::InvalidPoint)?;
                Material::P384(point.into())
            }
            _ => Material::P521(Box::new(
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| KeyProblem::InvalidPoint)?,
            )),
        };
        Ok(Self { kid: None, algs, material, thumbprint: Some(sha256_b64(thumb.as_bytes())) })
    }

    fn ed25519(x: &[u8], algs: AlgorithmSet) -> Result<Self, Error> {
        let key: [u8; 32] = x.try_into().map_err(|_| KeyProblem::InvalidPoint)?;
        let thumb = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64::encode_string(&key));
        Ok(Self { kid: None, algs, material: Material::Ed25519(key), thumbprint: Some(sha256_b64(thumb.as_bytes())) })
    }

    /// Parses a PEM `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1 `RSAPublicKey`, RFC 8017 §A.1.1) or
    /// `CERTIFICATE` (its subject public key is used; the certificate itself is not validated — chain,
    /// validity and usage are the caller's concern). Only the first PEM block is read.
    ///
    /// `alg` narrows the key to one algorithm; without it an RSA key serves RS*/PS*, an EC key its
    /// curve's ES algorithm, an Ed25519 key EdDSA.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the PEM is malformed, of another label, or holds an unsupported or
    /// weak key; [`KeyProblem::AlgorithmMismatch`] when `alg` does not fit the key.
    pub fn from_pem(pem: &[u8], alg: Option<Algorithm>) -> Result<Self, Error> {
        if pem.len() > MAX_PEM_BYTES {
            return Err(Error::TooLarge);
        }
        let (_, parsed) = x509_parser::pem::parse_x509_pem(pem).map_err(|_| malformed())?;
        match parsed.label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&parsed.contents, alg),
            "RSA PUBLIC KEY" => Self::from_pkcs1_der(&parsed.contents, alg),
            "CERTIFICATE" => {
                let (_, cert) = x509_parser::parse_x509_certificate(&parsed.contents).map_err(|_| malformed())?;
                Self::from_spki(cert.public_key(), alg)
            }
            _ => Err(malformed()),
        }
    }

    /// Parses a DER SubjectPublicKeyInfo. See [`Key::from_pem`].
    ///
    /// # Errors
    /// As [`Key::from_pem`].
    pub fn from_spki_der(der: &[u8], alg: Option<Algorithm>) -> Result<Self, Error> {
        use x509_parser::prelude::FromDer;
        let (rest, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(der).map_err(|_| malformed())?;
        if !rest.is_empty() {
            return Err(malformed());
        }
        Self::from_spki(&spki, alg)
    }

    /// Parses a DER PKCS#1 `RSAPublicKey` (RFC 8017 §A.1.1: a SEQUENCE of the modulus and the public
    /// exponent), the content of a PEM `RSA PUBLIC KEY`. See [`Key::from_pem`].
    ///
    /// # Errors
    /// As [`Key::from_pem`]; anything but exactly one SEQUENCE of exactly two positive, minimally
    /// encoded INTEGERs is [`KeyProblem::Malformed`].
    pub fn from_pkcs1_der(der: &[u8], alg: Option<Algorithm>) -> Result<Self, Error> {
        let (n, e) = pkcs1_components(der)?;
        Self::rsa(n, e, narrow_to(alg, AlgorithmSet::RSA)?)
    }

    fn from_spki(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>, alg: Option<Algorithm>) -> Result<Self, Error> {
        use x509_parser::oid_registry::{
            OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521, OID_PKCS1_RSAENCRYPTION,
            OID_SIG_ED25519,
        };
        let narrow = |family: AlgorithmSet| narrow_to(alg, family);
        let oid = &spki.algorithm.algorithm;
        let bits = spki.subject_public_key.data.as_ref();
        if *oid == OID_PKCS1_RSAENCRYPTION {
            // The key bits are a PKCS#1 RSAPublicKey, read as strictly as a PEM `RSA PUBLIC KEY`.
            let (n, e) = pkcs1_components(bits)?;
            Self::rsa(n, e, narrow(AlgorithmSet::RSA)?)
        } else if *oid == OID_KEY_TYPE_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).ok_or_else(malformed)?;
            let alg_for_curve = if curve == OID_EC_P256 {
                Algorithm::ES256
            } else if curve == OID_NIST_EC_P384 {
                Algorithm::ES384
            } else if curve == OID_NIST_EC_P521 {
                Algorithm::ES512
            } else {
                return Err(KeyProblem::Unsupported.into());
            };
            Self::ec(alg_for_curve, bits, narrow(AlgorithmSet::only(alg_for_curve))?)
        } else if *oid == OID_SIG_ED25519 {
            Self::ed25519(bits, narrow(AlgorithmSet::only(Algorithm::EdDSA))?)
        } else {
            Err(KeyProblem::Unsupported.into())
        }
    }

    /// Sets the key id used for `kid` selection.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into().into_boxed_str());
        self
    }

    /// Narrows the algorithms this key serves to those also in `algs`.
    ///
    /// # Errors
    /// [`KeyProblem::AlgorithmMismatch`] when nothing would be left.
    pub fn restrict(mut self, algs: AlgorithmSet) -> Result<Self, Error> {
        let left = self.algs.intersect(algs);
        if left.is_empty() {
            return Err(KeyProblem::AlgorithmMismatch.into());
        }
        self.algs = left;
        Ok(self)
    }

    /// The key id, if any.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithms this key may verify.
    #[must_use]
    pub fn algorithms(&self) -> AlgorithmSet {
        self.algs
    }

    /// The key type.
    #[must_use]
    pub fn key_type(&self) -> KeyType {
        match self.material {
            Material::Hmac(_) => KeyType::Oct,
            Material::Rsa(_) => KeyType::Rsa,
            Material::P256(_) | Material::P384(_) | Material::P521(_) => KeyType::Ec,
            Material::Ed25519(_) => KeyType::Okp,
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key; `None` for HMAC keys, whose
    /// thumbprint would be a hash of the secret.
    #[must_use]
    pub fn thumbprint(&self) -> Option<&str> {
        self.thumbprint.as_deref()
    }

    /// Verifies `signature` over `signing_input` with `alg`: the algorithm layer under every JWS
    /// verification. `alg` must be one this key is bound to. ECDSA signatures are raw `r || s` of
    /// exactly twice the field length; DER is refused.
    ///
    /// # Errors
    /// [`Error::AlgorithmNotAllowed`] when the key is not bound to `alg`; [`Error::BadSignature`] when
    /// the signature does not verify (including wrong lengths).
    pub fn verify_signature(&self, alg: Algorithm, signing_input: &[u8], sig: &[u8]) -> Result<(), Error> {
        if !self.algs.contains(alg) {
            return Err(Error::AlgorithmNotAllowed);
        }
        let ok = match (&self.material, alg) {
            (Material::Hmac(h), _) => {
                let key = match alg {
                    Algorithm::HS256 => h.hs256.as_ref(),
                    Algorithm::HS384 => h.hs384.as_ref(),
                    _ => h.hs512.as_ref(),
                };
                key.is_some_and(|k| k.verify(signing_input, sig))
            }
            (Material::Rsa(c), _) => {
                let params: &signature::RsaParameters = match alg {
                    Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                    Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                    Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                    Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
                    Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
                    _ => &signature::RSA_PSS_2048_8192_SHA512,
                };
                c.verify(params, signing_input, sig).is_ok()
            }
            (Material::P256(p), _) => {
                sig.len() == 64
                    && signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, p)
                        .verify(signing_input, sig)
                        .is_ok()
            }
            (Material::P384(p), _) => {
                sig.len() == 96
                    && signature::UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, p)
                        .verify(signing_input, sig)
                        .is_ok()
            }
            (Material::P521(vk), _) => {
                use p521::ecdsa::signature::Verifier;
                sig.len() == 132
                    && p521::ecdsa::Signature::from_slice(sig).is_ok_and(|s| vk.verify(signing_input, &s).is_ok())
            }
            (Material::Ed25519(k), _) => {
                sig.len() == 64
                    && signature::UnparsedPublicKey::new(&signature::ED25519, k).verify(signing_input, sig).is_ok()
            }
        };
        if ok { Ok(()) } else { Err(Error::BadSignature) }
    }

    /// JWS hot path: verifies the base64url signature segment. The segment is public, so it is decoded
    /// with the fast strict decoder into a stack buffer; an HMAC tag is compared in constant time
    /// ([`HmacKey::verify`]).
    pub(crate) fn verify_segment(&self, alg: Algorithm, signing_input: &[u8], sig_b64: &[u8]) -> Result<(), Error> {
        let len = b64::decoded_len(sig_b64.len()).ok_or(Error::BadSignature)?;
        if len <= 132 {
            // HMAC, ECDSA and Ed25519 signatures: a small buffer, nothing large to clear.
            let mut buf = [0u8; 132];
            let sig = buf.get_mut(..len).ok_or(Error::BadSignature)?;
            b64::decode_public(sig_b64, sig).map_err(|_| Error::BadSignature)?;
            return self.verify_signature(alg, signing_input, sig);
        }
        if len <= 512 {
            // RSA up to 4096 bits.
            let mut buf = [0u8; 512];
            let sig = buf.get_mut(..len).ok_or(Error::BadSignature)?;
            b64::decode_public(sig_b64, sig).map_err(|_| Error::BadSignature)?;
            return self.verify_signature(alg, signing_input, sig);
        }
        let mut buf = [0u8; MAX_RSA_BITS / 8];
        let sig = buf.get_mut(..len).ok_or(Error::BadSignature)?;
        b64::decode_public(sig_b64, sig).map_err(|_| Error::BadSignature)?;
        self.verify_signature(alg, signing_input, sig)
    }

    pub(crate) fn is_symmetric(&self) -> bool {
        matches!(self.material, Material::Hmac(_))
    }
}

/// A JWK Base64urlUInt (RFC 7518 §2, §6.3.1): the unsigned big-endian value "using the minimum number
/// of octets needed to represent" it, zero being one zero octet. Leading zero octets are refused, not
/// stripped: two encodings of one key would have two RFC 7638 thumbprints, and a `cnf.jkt` computed by
/// the issuer over the JWK as sent would not match the one computed here.
fn jwk_uint(b: &[u8]) -> Result<&[u8], Error> {
    match b {
        [] => Err(malformed()),
        [0, _, ..] => Err(KeyProblem::NonMinimalInteger.into()),
        _ => Ok(b),
    }
}

/// The algorithms a key of `family` serves when the caller asks for `alg` (all of them for `None`).
fn narrow_to(alg: Option<Algorithm>, family: AlgorithmSet) -> Result<AlgorithmSet, Error> {
    match alg {
        None => Ok(family),
        Some(a) if family.contains(a) => Ok(AlgorithmSet::only(a)),
        Some(_) => Err(KeyProblem::AlgorithmMismatch.into()),
    }
}

/// The modulus and public exponent magnitudes of a DER PKCS#1 `RSAPublicKey`: exactly one SEQUENCE
/// holding exactly two INTEGERs, each positive and minimally encoded (DER), and nothing after it.
fn pkcs1_components(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    use x509_parser::der_parser::ber::BerObjectContent;
    let (rest, seq) = x509_parser::der_parser::der::parse_der_sequence(der).map_err(|_| malformed())?;
    let items = seq.as_sequence().map_err(|_| malformed())?;
    match (rest, items.as_slice()) {
        ([], [n, e]) => match (&n.content, &e.content) {
            (BerObjectContent::Integer(n), BerObjectContent::Integer(e)) => Ok((der_uint(n)?, der_uint(e)?)),
            _ => Err(malformed()),
        },
        _ => Err(malformed()),
    }
}

/// The magnitude of a DER INTEGER that must be positive (an RSA modulus or exponent). The DER parser
/// has already refused empty and non-minimal encodings, so the only leading zero octet left is the sign
/// octet in front of a value whose top bit is set; a negative value (top bit set without it) is refused.
fn der_uint(b: &[u8]) -> Result<&[u8], Error> {
    match b {
        [] => Err(malformed()),
        [0, rest @ ..] if !rest.is_empty() => Ok(rest),
        [top, ..] if top & 0x80 != 0 => Err(malformed()),
        _ => Ok(b),
    }
}

fn bit_len(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(top) => n.len() * 8 - top.leading_zeros() as usize,
    }
}

pub(crate) fn sha256_b64(data: &[u8]) -> Box<str> {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    b64::encode_string(d.as_ref()).into_boxed_str()
}

/// The ROCA fingerprint (CVE-2017-15361): moduli made by the vulnerable Infineon generator are, modulo
/// each small prime below, a power of 65537. A random modulus passes all of these tests with
/// negligible probability.
fn is_roca(n: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    PRIMES.iter().all(|&p| {
        let r = n.iter().fold(0u32, |acc, b| (acc * 256 + u32::from(*b)) % p);
        let g = 65537 % p;
        let mut x = 1u32;
        for _ in 0..p {
            if x == r {
                return true;
            }
            x = x * g % p;
        }
        false
    })
}

/// Why a key in a JWK Set was left out (not usable for verifying signatures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedKey {
    /// The key's `kid`, if it had one.
    pub kid: Option<String>,
    /// Its position in the set's `keys` array.
    pub index: usize,
    /// Why it was left out.
    pub problem: KeyProblem,
}

/// A set of prepared keys, looked up by `kid`.
///
/// Invariants enforced as keys are added: at most [`MAX_KEYS`] keys; no two keys with the same `kid`;
/// never a mix of HMAC and public keys (a set is either a shared-secret set or a public-key set, so a
/// token cannot steer verification from one kind to the other).
///
/// **Key selection** for a token:
/// - with a `kid`: the key with that `kid`. If none has it and the set holds keys without a `kid`
///   (for example a single PEM key), those are the candidates; otherwise the result is
///   [`Error::UnknownKey`], so the caller can refresh its JWK Set and retry;
/// - without a `kid`: the keys bound to the token's `alg`. None: [`Error::NoMatchingKey`]; one: it is
///   used; several: [`Error::AmbiguousKey`], unless the policy opts in to trying each
///   ([`Policy::try_all_keys`](crate::Policy::try_all_keys)), bounded.
///
/// **Header memo.** A set remembers the protected headers of up to 8 distinct tokens that verified
/// with it (only headers without `crit`, `b64` or nested values, whose parse cannot depend on the
/// policy), so the hot path skips decoding and parsing a header it has already seen from the
/// issuer. Reads are lock-free; nothing is ever evicted; rebuilding the set (for example after a JWK
/// Set refresh) starts afresh.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    skipped: Vec<SkippedKey>,
    headers: crate::jws::HeaderCache,
}

impl KeySet {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A set of one key.
    #[must_use]
    pub fn single(key: Key) -> Self {
        Self { keys: vec![key], ..Self::default() }
    }

    /// Parses a JWK Set (`{"keys": [...]}`, RFC 7517 §5).
    ///
    /// Keys that are well formed but not for verifying signatures (`use` other than `sig`, `key_ops`
    /// without `verify`, unsupported `kty`/`crv`, an `alg` that is not a supported JWS algorithm) are
    /// left out and listed by [`KeySet::skipped`]. Everything else that is wrong refuses the whole set:
    /// malformed JSON or keys, duplicate members, weak keys, private key material, duplicate `kid`s,
    /// mixing HMAC and public keys, more than [`MAX_KEYS`] keys, or no usable key at all.
    ///
    /// # Errors
    /// [`Error::InvalidKey`], [`Error::DuplicateMember`] or [`Error::TooLarge`].
    pub fn from_jwks(jwks: &[u8]) -> Result<Self, Error> {
        if jwks.len() > MAX_JWKS_BYTES {
            return Err(Error::TooLarge);
        }
        let members = json::object_members(jwks, JWK_DEPTH)?;
        let keys = members.iter().find(|(k, _)| k == "keys").map(|(_, v)| *v).ok_or_else(malformed)?;
        let elements = json::array_elements(jwks, keys).map_err(|_| malformed())?;
        if elements.len() > MAX_KEYS {
            return Err(KeyProblem::Count.into());
        }
        let mut set = Self::new();
        for (index, e) in elements.into_iter().enumerate() {
            if e.kind != Kind::Object {
                return Err(malformed());
            }
            let bytes = jwks.get(e.start as usize..e.end as usize).ok_or_else(malformed)?;
            let members = json::object_members(bytes, JWK_DEPTH)?;
            match Key::from_members(bytes, &members) {
                Ok(key) => set.add(key)?,
                Err(Error::InvalidKey(
                    p @ (KeyProblem::NotForVerification | KeyProblem::Unsupported | KeyProblem::AlgorithmMismatch),
                )) => {
                    let kid = members
                        .iter()
                        .find(|(k, _)| k == "kid")
                        .and_then(|(_, v)| json::str_of(bytes, *v))
                        .map(|s| s.into_owned());
                    set.skipped.push(SkippedKey { kid, index, problem: p });
                }
                Err(other) => return Err(other),
            }
        }
        if set.keys.is_empty() {
            return Err(KeyProblem::Count.into());
        }
        Ok(set)
    }

    /// A set holding the one key of a JWK document.
    ///
    /// # Errors
    /// As [`Key::from_jwk`].
    pub fn from_jwk(jwk: &[u8]) -> Result<Self, Error> {
        Key::from_jwk(jwk).map(Self::single)
    }

    /// Adds a key.
    ///
    /// # Errors
    /// [`KeyProblem::DuplicateKid`], [`KeyProblem::MixedKeySet`] or [`KeyProblem::Count`].
    pub fn add(&mut self, key: Key) -> Result<(), Error> {
        if self.keys.len() >= MAX_KEYS {
            return Err(KeyProblem::Count.into());
        }
        if let Some(kid) = key.kid()
            && self.keys.iter().any(|k| k.kid() == Some(kid))
        {
            return Err(KeyProblem::DuplicateKid.into());
        }
        if self.keys.first().is_some_and(|k| k.is_symmetric() != key.is_symmetric()) {
            return Err(KeyProblem::MixedKeySet.into());
        }
        self.keys.push(key);
        Ok(())
    }

    /// The keys.
    #[must_use]
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Keys of the JWK Set that were left out, with the reason.
    #[must_use]
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(crate) fn header_cache(&self) -> &crate::jws::HeaderCache {
        &self.headers
    }

    /// The candidate keys for a token, per the selection rules in the type docs. `max_tries` is 1 unless
    /// the policy allows trying several keys.
    pub(crate) fn select(&self, kid: Option<&[u8]>, alg: Algorithm, max_tries: usize) -> Result<Candidates<'_>, Error> {
        if let Some(kid) = kid {
            if let Some(k) = self.keys.iter().find(|k| k.kid().map(str::as_bytes) == Some(kid)) {
                return if k.algs.contains(alg) { Ok(Candidates::One(k)) } else { Err(Error::AlgorithmNotAllowed) };
            }
            if !self.keys.iter().any(|k| k.kid.is_none()) {
                return Err(Error::UnknownKey);
            }
            return self.select_unnamed(alg, max_tries, true);
        }
        self.select_unnamed(alg, max_tries, false)
    }

    fn select_unnamed(&self, alg: Algorithm, max_tries: usize, kidless_only: bool) -> Result<Candidates<'_>, Error> {
        let fits = |k: &&Key| k.algs.contains(alg) && (!kidless_only || k.kid.is_none());
        let mut iter = self.keys.iter().filter(fits);
        let Some(first) = iter.next() else {
            return Err(if kidless_only { Error::UnknownKey } else { Error::NoMatchingKey });
        };
        let count = 1 + iter.count();
        if count == 1 {
            return Ok(Candidates::One(first));
        }
        if count > max_tries {
            return Err(Error::AmbiguousKey);
        }
        Ok(Candidates::Many(self.keys.iter().filter(fits).collect()))
    }
}

pub(crate) enum Candidates<'a> {
    One(&'a Key),
    Many(Vec<&'a Key>),
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn hmac_binding_and_length() {
        assert!(Key::hmac(Algorithm::HS256, &[1; 31]).is_err());
        let k = Key::hmac(Algorithm::HS256, &[1; 32]).unwrap();
        assert_eq!(k.algorithms(), AlgorithmSet::only(Algorithm::HS256));
        assert!(Key::hmac(Algorithm::HS512, &[1; 63]).is_err());
        assert!(Key::hmac(Algorithm::RS256, &[1; 64]).is_err());
        // An oct JWK without alg serves what its length allows.
        let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64::encode_string(&[7; 48]));
        let k = Key::from_jwk(jwk.as_bytes()).unwrap();
        assert_eq!(k.algorithms(), AlgorithmSet::of(&[Algorithm::HS256, Algorithm::HS384]));
        assert!(k.thumbprint().is_none());
    }

    #[test]
    fn jwk_member_rules() {
        let x = b64::encode_string(&[9; 32]);
        let ok = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","use":"sig","key_ops":["verify"]}}"#);
        assert_eq!(Key::from_jwk(ok.as_bytes()).unwrap().algorithms(), AlgorithmSet::only(Algorithm::EdDSA));
        let enc = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","use":"enc"}}"#);
        assert_eq!(Key::from_jwk(enc.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::NotForVerification));
        let ops = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","key_ops":["sign"]}}"#);
        assert_eq!(Key::from_jwk(ops.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::NotForVerification));
        let wrong_alg = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","alg":"ES256"}}"#);
        assert_eq!(Key::from_jwk(wrong_alg.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::AlgorithmMismatch));
        let private = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{x}"}}"#);
        assert_eq!(Key::from_jwk(private.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::MixedKeySet));
        let dup = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","x":"{x}"}}"#);
        assert_eq!(Key::from_jwk(dup.as_bytes()).unwrap_err(), Error::DuplicateMember);
        let ed448 = format!(r#"{{"kty":"OKP","crv":"Ed448","x":"{x}"}}"#);
        assert_eq!(Key::from_jwk(ed448.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::Unsupported));
        let padded = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}="}}"#);
        assert_eq!(Key::from_jwk(padded.as_bytes()).unwrap_err(), Error::InvalidKey(KeyProblem::Malformed));
    }

    #[test]
    fn rsa_size_and_exponent() {
        let n1024 = {
            let mut v = vec![0xC5; 128];
            v[127] = 0x01;
            v
        };
        assert_eq!(
            Key::rsa(&n1024, &[1, 0, 1], AlgorithmSet::RSA).unwrap_err(),
            Error::InvalidKey(KeyProblem::TooWeak)
        );
        let mut n2048 = vec![0xC5; 256];
        n2048[255] = 0x03;
        assert!(Key::rsa(&n2048, &[1, 0, 1], AlgorithmSet::RSA).is_ok());
        assert_eq!(Key::rsa(&n2048, &[1], AlgorithmSet::RSA).unwrap_err(), Error::InvalidKey(KeyProblem::TooWeak));
        assert_eq!(Key::rsa(&n2048, &[2], AlgorithmSet::RSA).unwrap_err(), Error::InvalidKey(KeyProblem::TooWeak));
    }

    #[test]
    fn rsa_jwk_integers_must_be_minimal() {
        // RFC 7638 §3.1's key, whose thumbprint is defined over `n` and `e` exactly as sent.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let jwk = |n: &str, e: &str| Key::from_jwk(format!(r#"{{"kty":"RSA","n":"{n}","e":"{e}"}}"#).as_bytes());
        assert!(jwk(n, "AQAB").is_ok());
        let non_minimal = Error::InvalidKey(KeyProblem::NonMinimalInteger);
        // 0x00F001 (odd, ≥ 3 once stripped) and 0x00010001: leading zero octets in `e`.
        assert_eq!(jwk(n, "APAB").unwrap_err(), non_minimal);
        assert_eq!(jwk(n, "AAEAAQ").unwrap_err(), non_minimal);
        // A zero octet in front of `n`.
        let mut padded = vec![0u8];
        padded.extend(b64::decode_vec(n.as_bytes()).unwrap());
        assert_eq!(jwk(&b64::encode_string(&padded), "AQAB").unwrap_err(), non_minimal);
        // Zero itself is one zero octet ("AA", minimal) and too weak; an empty member is malformed.
        assert_eq!(jwk(n, "AA").unwrap_err(), Error::InvalidKey(KeyProblem::TooWeak));
        assert_eq!(jwk(n, "").unwrap_err(), Error::InvalidKey(KeyProblem::Malformed));
        // A JWK Set holding such a key is refused whole, like any other bad key.
        let set = format!(r#"{{"keys":[{{"kty":"RSA","n":"{n}","e":"APAB"}}]}}"#);
        assert_eq!(KeySet::from_jwks(set.as_bytes()).unwrap_err(), non_minimal);
    }

    #[test]
    fn der_integers_are_positive_magnitudes() {
        assert_eq!(der_uint(&[0x00, 0x80, 0x01]).unwrap(), &[0x80, 0x01]);
        assert_eq!(der_uint(&[0x01, 0x00, 0x01]).unwrap(), &[0x01, 0x00, 0x01]);
        assert_eq!(der_uint(&[0x00]).unwrap(), &[0x00]);
        // Top bit set without the sign octet: a negative INTEGER.
        assert_eq!(der_uint(&[0x80, 0x01]).unwrap_err(), Error::InvalidKey(KeyProblem::Malformed));
        assert_eq!(der_uint(&[]).unwrap_err(), Error::InvalidKey(KeyProblem::Malformed));
    }

    #[test]
    fn ec_points_are_validated_at_load() {
        use auth_testkit::Seed;
        use auth_testkit::jwt::{Alg, SigningKey};
        const P256_PRIME: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
        const P384_PRIME: &str =
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff";
        let invalid = Error::InvalidKey(KeyProblem::InvalidPoint);
        for (alg, prime) in [(Alg::ES256, P256_PRIME), (Alg::ES384, P384_PRIME)] {
            let k = SigningKey::new(alg, Seed::new(7));
            let jwk = k.bare_jwk();
            let crv = jwk["crv"].as_str().unwrap();
            let coord = |name: &str| b64::decode_vec(jwk[name].as_str().unwrap().as_bytes()).unwrap();
            let (x, y) = (coord("x"), coord("y"));
            let len = x.len();
            let load = |x: &[u8], y: &[u8]| {
                let (x, y) = (b64::encode_string(x), b64::encode_string(y));
                Key::from_jwk(format!(r#"{{"kty":"EC","crv":"{crv}","x":"{x}","y":"{y}"}}"#).as_bytes())
            };
            assert!(load(&x, &y).is_ok(), "{crv}");
            // Off the curve: one bit of y flipped (y ^ 1 is neither y nor p - y).
            let mut bent = y.clone();
            bent[len - 1] ^= 1;
            assert_eq!(load(&x, &bent).unwrap_err(), invalid, "{crv} off-curve");
            // (0, 0) is not on the curve; a coordinate equal to the field prime is not a field element.
            assert_eq!(load(&vec![0; len], &vec![0; len]).unwrap_err(), invalid, "{crv} zero");
            let p: Vec<u8> =
                (0..prime.len()).step_by(2).map(|i| u8::from_str_radix(&prime[i..i + 2], 16).unwrap()).collect();
            assert_eq!(load(&p, &y).unwrap_err(), invalid, "{crv} x = p");
            // Coordinates of the wrong length.
            assert_eq!(load(&x[1..], &y).unwrap_err(), invalid, "{crv} short x");
            let mut long = vec![0];
            long.extend_from_slice(&y);
            assert_eq!(load(&x, &long).unwrap_err(), invalid, "{crv} long y");
            // The SPKI path checks the same way.
            let pem = k.spki_pem().unwrap();
            let (_, parsed) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
            let mut der = parsed.contents;
            assert!(Key::from_spki_der(&der, None).is_ok(), "{crv} SPKI");
            let last = der.len() - 1;
            der[last] ^= 1;
            assert_eq!(Key::from_spki_der(&der, None).unwrap_err(), invalid, "{crv} SPKI off-curve");
        }
    }

    #[test]
    fn pkcs1_rsa_public_key_pem() {
        use auth_testkit::Seed;
        use auth_testkit::jwt::{Alg, SigningKey, encode_raw};
        use x509_parser::prelude::FromDer;
        let pem_of = |label: &str, der: &[u8]| {
            let b64 = <base64ct::Base64 as base64ct::Encoding>::encode_string(der);
            let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| core::str::from_utf8(c).unwrap()).collect();
            format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
        };
        let k = SigningKey::new(Alg::RS256, Seed::new(3));
        // The testkit's SPKI (rcgen) wraps the PKCS#1 RSAPublicKey in its BIT STRING.
        let (_, spki_pem) = x509_parser::pem::parse_x509_pem(k.spki_pem().unwrap().as_bytes()).unwrap();
        let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&spki_pem.contents).unwrap();
        let pkcs1 = spki.subject_public_key.data.to_vec();
        let key = Key::from_pem(pem_of("RSA PUBLIC KEY", &pkcs1).as_bytes(), None).unwrap();
        assert_eq!(key.key_type(), KeyType::Rsa);
        assert_eq!(key.algorithms(), AlgorithmSet::RSA);
        // The same key as through its JWK: same thumbprint, and it verifies what the testkit signs.
        let from_jwk = Key::from_jwk(k.bare_jwk().to_string().as_bytes()).unwrap();
        assert_eq!(key.thumbprint(), from_jwk.thumbprint());
        let token = encode_raw(br#"{"alg":"RS256"}"#, b"{}", &k);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = b64::decode_vec(sig.as_bytes()).unwrap();
        assert!(key.verify_signature(Algorithm::RS256, input.as_bytes(), &sig).is_ok());
        // `alg` narrows as for SPKI.
        let rs = Key::from_pem(pem_of("RSA PUBLIC KEY", &pkcs1).as_bytes(), Some(Algorithm::PS256)).unwrap();
        assert_eq!(rs.algorithms(), AlgorithmSet::only(Algorithm::PS256));
        assert_eq!(
            Key::from_pem(pem_of("RSA PUBLIC KEY", &pkcs1).as_bytes(), Some(Algorithm::ES256)).unwrap_err(),
            Error::InvalidKey(KeyProblem::AlgorithmMismatch)
        );
        // Strict DER: an SPKI under the PKCS#1 label, a third INTEGER inside the SEQUENCE, bytes after
        // it, and a negative modulus are all malformed.
        let malformed = Error::InvalidKey(KeyProblem::Malformed);
        assert_eq!(
            Key::from_pem(pem_of("RSA PUBLIC KEY", &spki_pem.contents).as_bytes(), None).unwrap_err(),
            malformed
        );
        let seq = |content: &[u8]| {
            let mut d = vec![0x30, 0x82];
            d.extend_from_slice(&u16::try_from(content.len()).unwrap().to_be_bytes());
            d.extend_from_slice(content);
            d
        };
        let (hdr, content) = (&pkcs1[..4], &pkcs1[4..]);
        assert_eq!(hdr, &seq(content)[..4], "RSA-2048 RSAPublicKey has a two-octet length");
        let mut three = content.to_vec();
        three.extend_from_slice(&[0x02, 0x01, 0x03]);
        assert_eq!(Key::from_pkcs1_der(&seq(&three), None).unwrap_err(), malformed);
        let mut trailing = pkcs1.clone();
        trailing.push(0);
        assert_eq!(Key::from_pkcs1_der(&trailing, None).unwrap_err(), malformed);
        // Modulus INTEGER: tag, 0x82 LL, then a sign octet 00 in front of the top-bit-set value.
        assert_eq!(&content[..5], &[0x02, 0x82, 0x01, 0x01, 0x00]);
        let mut negative = vec![0x02, 0x82, 0x01, 0x00];
        negative.extend_from_slice(&content[5..]);
        assert_eq!(Key::from_pkcs1_der(&seq(&negative), None).unwrap_err(), malformed);
        assert!(Key::from_pkcs1_der(&pkcs1, None).is_ok());
    }

    #[test]
    fn set_rules() {
        let h = |kid: &str| Key::hmac(Algorithm::HS256, &[3; 32]).unwrap().with_kid(kid);
        let mut set = KeySet::new();
        set.add(h("a")).unwrap();
        assert_eq!(set.add(h("a")).unwrap_err(), Error::InvalidKey(KeyProblem::DuplicateKid));
        let x = b64::encode_string(&[9; 32]);
        let ed = Key::from_jwk(format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#).as_bytes()).unwrap();
        assert_eq!(set.add(ed).unwrap_err(), Error::InvalidKey(KeyProblem::MixedKeySet));
        set.add(h("b")).unwrap();
        assert!(matches!(set.select(Some(b"a"), Algorithm::HS256, 1), Ok(Candidates::One(_))));
        assert_eq!(set.select(Some(b"zz"), Algorithm::HS256, 1).err(), Some(Error::UnknownKey));
        assert_eq!(set.select(Some(b"a"), Algorithm::HS384, 1).err(), Some(Error::AlgorithmNotAllowed));
        assert_eq!(set.select(None, Algorithm::HS256, 1).err(), Some(Error::AmbiguousKey));
        assert!(matches!(set.select(None, Algorithm::HS256, 2), Ok(Candidates::Many(v)) if v.len() == 2));
        assert_eq!(set.select(None, Algorithm::HS512, 4).err(), Some(Error::NoMatchingKey));
    }

    #[test]
    fn jwks_skips_unusable_keys() {
        let x = b64::encode_string(&[9; 32]);
        let doc = format!(
            r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"s"}},{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"e","use":"enc"}},{{"kty":"OKP","crv":"X25519","x":"{x}"}}]}}"#
        );
        let set = KeySet::from_jwks(doc.as_bytes()).unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(set.skipped().len(), 2);
        assert_eq!(set.skipped()[0].kid.as_deref(), Some("e"));
        assert!(KeySet::from_jwks(br#"{"keys":[]}"#).is_err());
        assert!(KeySet::from_jwks(br#"{"keys":{}}"#).is_err());
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1.
        let jwk = br#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#;
        let k = Key::from_jwk(jwk).unwrap();
        assert_eq!(k.thumbprint(), Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
        assert_eq!(k.kid(), Some("2011-04-29"));
    }
}
