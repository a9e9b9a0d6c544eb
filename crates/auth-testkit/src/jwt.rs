//! JWTs, JWKs and JWK Sets, minted for tests, benches and fuzz seeds.
//!
//! Signing uses the primitives directly — ring for HS*/RS*/PS*/ES256/ES384/EdDSA and the `p521` crate
//! for ES512 — never the `auth-jwt` verifier, so a test that mints here and verifies there checks one
//! implementation against another.
//!
//! Determinism: HMAC secrets, Ed25519 and P-521 keys derive from the [`Seed`]; RSA keys are two fixed
//! 2048-bit test keys (chosen by the seed) embedded below, because ring cannot generate RSA keys; P-256
//! and P-384 keys come from ring's system RNG (ring offers no seeded ECDSA key generation). ECDSA and
//! RSA-PSS signatures are randomized by ring; HMAC, RSA PKCS#1 v1.5, Ed25519 and the RFC 6979 P-521
//! signatures are deterministic.
//!
//! ```
//! use auth_testkit::{Seed, jwt::{self, Alg, SigningKey}};
//!
//! let key = SigningKey::new(Alg::HS256, Seed::new(1)).with_kid("k1");
//! let token = jwt::mint(&key, &serde_json::json!({"sub": "alice", "exp": 2_000_000_000}));
//! assert_eq!(token.split('.').count(), 3);
//! assert!(jwt::jwk_set(&[&key]).contains("\"kid\":\"k1\""));
//! ```

use crate::Seed;
use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use serde_json::{Value, json};

/// Two fixed RSA-2048 PKCS#8 test keys (generated once for this testkit; not secret).
const RSA_PKCS8_B64: [&str; 2] = [
    "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDQ9+JtnmVrG3hXBWX9a+ORuacdb/v92Vjxlus/7hgTRueiufoU\
UfBEOaTFoCdcojAFHGeejBLvS/At6mi9OlAoDSaHrXLIaJIpVQJN37RoSHxgk+PbXUtHuYe/2EwvAGWO0SLZMtJB0PL1Xk64mxUx\
kjQ94vn36TMjda1oqAij44pZBXJyputjyiBJWb1qJnfQ4DSvx1fASDBlynLBHE/Bus98g82g2OQq7AtqHEppaAn4oL/tAp8k9Ipt\
ezcq1n8PNy5XhhLhH4UR2++vvBw5WnN1esO0kWp9OHZOOb3IJ1QAdHXBLqmZsXNgyhskbla5s8rnP+LfU6EGA6CYTt3TAgMBAAEC\
ggEAEQvHeq2rFDufa2nTUgLVA3Qjf7E82w45xStMcWCYsinch1eoYLP2Z3pUSJKx40qPpDsW8MX4XXDSXMx8UsNI+ptoAzVQ4aw2\
EA0RLQ0MiF0xWCd4NNK9a1JlEm8wd70Oi8Hfl9wfbqL+zqksvr5X0j1c6Zd0UJbDRyc4SAs8+TFWmVnxvtOnFGJ6Py+0ayLUXlTJ\
ZnH6zHr/+cPNWpYcXnROF8KVtecj4/vENqJJVw/3i/qrwlsUHEZeK0BidPxhWW4jpIHj7DS3HjFLphh7FaIH9MPyBBK5LOJWS/NB\
xrWvTXu2qbne+zix6alT0shRBwicijKb6Yhg65zYssJiQQKBgQD9a+M2RSq0M3+uAl3Yu+kBBw42II2q/DgXdNq4jYmoNxJWgF8m\
6Hkl6XXrwIyI35DvJK0EpKgK4qlYTfRiGLmujcQqMWWgIBlP6iUiELcJHs79DHMdJ9o+ZBF1CNwh8NFULHT6Qj0DG7KxaoQCCUkd\
ho/iB80HDRA020cuRboaIwKBgQDTGDSSJP2DU3Xlmn/7h64FPghn8jAiQbnhW0EtHCJdAOeoAZHbd6/RpMtBi/GjBKdhgrn+RjTr\
D1Hg7R+zAYD5+/eDl1otsog0DuOh4dzjsNqvpOR28ygfwywGPMR7R7Pzm+whHQnxVX+1fpgzJqGkHPA2gXDXmb5fbfrHlDqwkQKB\
gQDIIuUc3gD8sVMbbFkLKlO4cQcDLjBTob72n12AtJ7LTzrXP6hlxOCwVTDAj58tFUqT4mYVrafceOb+iwn+UsKJnQIXxE0a6V60\
IxlSTtsOg9s6MxPSKcAM1+CFigq3b0UR8c4sOhWPF9fGj3VTWlv4ymVlP33nHKT46VfMrlpr+wKBgQCnnujfw4+q4HMVxwEpciu0\
7fUu1Rlzmk1HrXaro1OGFlndBqITa46pIfpkKgPONrvSqkOWrZkHrjqOKLyrH96SoomAbIanEsUk0U3gFcGY6647Guxvp9WMoyYq\
Lca3PdCe+IkgIjbq88FdFRE2TM69ylzUayR3jxWkIWipYgLYgQKBgQD1rXikEzgo02R3/9wW07yctyh2fazgXCaiiuC7I0kepthk\
/M71h4lmD7nVCp8hStIg6RueF70TnPx18Z8J9vAWjsLCe9QGKl5QTOzduQLIbwOsnyw/i6BdrrcnSNBwsfd5GGsJ+SA8Tr91E/ow\
YaLfHgYmabscpi/NpVvQ8EHgZQ==",
    "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQC2/6CFoeofIHTLIxx6nuUm86l/qL3FTPFqj6ufP3O/kSDpVYYF\
GR0zOiZMQFdWiKT8v5SFKDjI0yMqWb9Ei6p6GlZK7LFbqGYXMdVMbRtUbnrgdzJU/sOn44W6wqy9eV4NphQka/q8yhxH+LtJ6EVg\
dgTvxHLuQu8UXtVVzAKa34jZ8hrdV4JiOynHmlPz7B+4eEdq7n0Ao+g9ueJp/Ig86HAa6Gu5Ovst9W2JTq6+GS37E4/iD4dWGvX5\
1UVgulSy/ekQRWWFMhJ6kDLeYlxF3DGYeW7baUxyKPZ6vWjVBvAET6aMPtxdkHJTF8gvYmlNnO8ffNXW83QthIfWfJODAgMBAAEC\
ggEAKZ5/qoTFk2i1R1Hn8zdaFH7MKN1+s3WpXjvoo2Ix9/qQyqCJx3ULwA/Uj/j+JA8VvunvZE1ehMYINGSO7I77KaP9xjKIr7jf\
5xyNT0FtOsmZpp1VVCFQ7EkBrBUEZl9I9b+0ywfH0dIBlpjKN6fcx3Bv9Pvvy6Jrb22WBVpNqV0U1V+p+8+LYAGoUTFng89nmeyF\
k+DhH0yyEEBAjvsrQNQbIz9n3RrVLxGkywas6LqNcE9AHGrDGfeuGR7XFWWH/7vIbRU75FX3ekGP8gFUVOgLp4kyNnvZbK4qoNoB\
8tInoEUZ3Xh8S1dabjn3RNrl7Idxn4g4260O9Vo3G1SUsQKBgQDjvImsdzBmq0L4rWqu1FAexZsFdEnj45FAf+9zGQMwT4kaFyWQ\
OFX6toKtP73b0bjy/bRmU0PR+cRymprFHI9Dls47zFD7gOjAMWFZBuawedDvf9S3P/xyZeMH8X/Zr7KRbs2L3ubmKH+pmSTAtheh\
YzP1f9lbkECqPHCeRGRKeQKBgQDNtbYTRnAVYnuhQrDKzX62ZtBIFpTZI/sD/dmJCoZmv+uFxgX1wYfsUkz8FKyqmwrQZrsyxQDt\
HeixN3fqu5iAgWemGwgQMlGsAa5S2aR5YhCkQtiXZDjlyW7xAlEBVMQw7KTZCjjuBH/ckjufDNfuuY6JAS47OhNslguBdgBO2wKB\
gQCEZfcQSlbcSZLs6j0MmShfS3i9qgbPM10dx4MZQiBldMf7YBuZhfcOhA7i1Bz38Cx7MF4x4xSZvYClNBboo5ryq3kIsNcf8Kjg\
G5VB4c46KQf8RTAQvWVxyKQ92PwAPbIt9OIRACzy//aATiVc2EBStk7d2k8ueWXu0qaSjKZV2QKBgQCEZ8x9FZ55NT2MK4ft0V0Y\
/I5diCNgrHcaN594RM0Df86R+UbGyz24z7R7oLcOzOKmBynA4OratKCcyK4n6X2cYS6czNNg0XKeOyrAaxQhiQxbHieZMkopJYGC\
IVKQf8YUE417ocfI9B50k69KjZLDNq5W4uql9pigEOfw+UnzdwKBgQDHKH9kCSqfk1jvVsEEhl5racDO2RK7H5GihEUmLxWM7JIp\
yk+huVir3wu/YCLVnmpy6IWSp6t9Ychuj6ysF2cjSYAsb5ZQPgKk3srumehZE1HDIj55D7hNWMbT73BEVM/x88Ha5e1tCJ+qmA8o\
wilV7Pzy4yC3zx1yEZ53i9E55Q==",
];

/// The JWS algorithms the testkit signs with (`none` is deliberately absent; craft it by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Alg {
    /// HMAC-SHA-256.
    HS256,
    /// HMAC-SHA-384.
    HS384,
    /// HMAC-SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 SHA-512.
    RS512,
    /// RSASSA-PSS SHA-256.
    PS256,
    /// RSASSA-PSS SHA-384.
    PS384,
    /// RSASSA-PSS SHA-512.
    PS512,
    /// ECDSA P-256 SHA-256.
    ES256,
    /// ECDSA P-384 SHA-384.
    ES384,
    /// ECDSA P-521 SHA-512.
    ES512,
    /// Ed25519.
    EdDSA,
}

impl Alg {
    /// Every algorithm.
    pub const ALL: [Self; 13] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::ES512,
        Self::EdDSA,
    ];

    /// The JOSE `alg` name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
            Self::EdDSA => "EdDSA",
        }
    }

    /// Whether this is an HMAC algorithm.
    #[must_use]
    pub const fn is_hmac(self) -> bool {
        matches!(self, Self::HS256 | Self::HS384 | Self::HS512)
    }
}

enum Inner {
    Hmac(Vec<u8>),
    Rsa(RsaKeyPair),
    Ec { pair: EcdsaKeyPair, pkcs8: Vec<u8> },
    P521(Box<p521::ecdsa::SigningKey>),
    Ed { pair: Ed25519KeyPair, pkcs8: Vec<u8> },
}

/// A signing key for one algorithm, with an optional `kid`.
pub struct SigningKey {
    alg: Alg,
    kid: Option<String>,
    inner: Inner,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("alg", &self.alg).field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// A deterministic byte stream for the P-521 signer's added entropy (test-only; the nonce is still
/// derived per RFC 6979 from the key and message).
struct FixedRng(Seed, u64);

impl p521::elliptic_curve::rand_core::RngCore for FixedRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let bytes = self.0.bytes(&format!("p521-rng-{}", self.1), dest.len());
        self.1 += 1;
        dest.copy_from_slice(&bytes);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), p521::elliptic_curve::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl p521::elliptic_curve::rand_core::CryptoRng for FixedRng {}

/// Base64url without padding.
#[must_use]
pub fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn rsa_pkcs8(index: usize) -> Vec<u8> {
    let text: String = RSA_PKCS8_B64[index % RSA_PKCS8_B64.len()].chars().filter(|c| !c.is_whitespace()).collect();
    Base64::decode_vec(&text).expect("embedded RSA key")
}

impl SigningKey {
    /// A key for `alg` derived from `seed` (see the module docs for what is deterministic).
    #[must_use]
    pub fn new(alg: Alg, seed: Seed) -> Self {
        let rng = SystemRandom::new();
        let inner = match alg {
            Alg::HS256 => Inner::Hmac(seed.bytes("jwt-hs256", 32)),
            Alg::HS384 => Inner::Hmac(seed.bytes("jwt-hs384", 48)),
            Alg::HS512 => Inner::Hmac(seed.bytes("jwt-hs512", 64)),
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                let index = usize::from(seed.array::<1>("jwt-rsa")[0] & 1);
                Inner::Rsa(RsaKeyPair::from_pkcs8(&rsa_pkcs8(index)).expect("RSA key"))
            }
            Alg::ES256 | Alg::ES384 => {
                let a = if alg == Alg::ES256 {
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &signature::ECDSA_P384_SHA384_FIXED_SIGNING
                };
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(a, &rng).expect("EC key").as_ref().to_vec();
                let pair = EcdsaKeyPair::from_pkcs8(a, &pkcs8, &rng).expect("EC key");
                Inner::Ec { pair, pkcs8 }
            }
            Alg::ES512 => {
                let mut counter = 0u32;
                loop {
                    let mut bytes = seed.bytes(&format!("jwt-p521-{counter}"), 66);
                    bytes[0] &= 0x01;
                    if let Ok(k) = p521::ecdsa::SigningKey::from_slice(&bytes) {
                        break Inner::P521(Box::new(k));
                    }
                    counter += 1;
                }
            }
            Alg::EdDSA => {
                let s = seed.array::<32>("jwt-ed25519");
                let pair = Ed25519KeyPair::from_seed_unchecked(&s).expect("Ed25519 seed");
                // PKCS#8 v1 for Ed25519 (RFC 8410): fixed prefix + seed.
                let mut pkcs8 = vec![
                    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
                ];
                pkcs8.extend_from_slice(&s);
                Inner::Ed { pair, pkcs8 }
            }
        };
        Self { alg, kid: None, inner }
    }

    /// An HMAC key with these exact secret bytes (any length, for negative tests).
    #[must_use]
    pub fn hmac_with_secret(alg: Alg, secret: &[u8]) -> Self {
        assert!(alg.is_hmac(), "not an HMAC algorithm");
        Self { alg, kid: None, inner: Inner::Hmac(secret.to_vec()) }
    }

    /// The same key material signing under another algorithm of the same family (RS256 key as PS384,
    /// HS256 secret as HS512, …), for algorithm-binding tests.
    ///
    /// # Panics
    /// When the families differ.
    #[must_use]
    pub fn as_alg(&self, alg: Alg) -> Self {
        let inner = match (&self.inner, alg) {
            (Inner::Hmac(s), a) if a.is_hmac() => Inner::Hmac(s.clone()),
            (Inner::Rsa(_), Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512) => {
                let n = self.rsa_index();
                Inner::Rsa(RsaKeyPair::from_pkcs8(&rsa_pkcs8(n)).expect("RSA key"))
            }
            _ => panic!("as_alg: {alg:?} does not fit this key"),
        };
        Self { alg, kid: self.kid.clone(), inner }
    }

    fn rsa_index(&self) -> usize {
        let Inner::Rsa(pair) = &self.inner else { return 0 };
        let mine = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
        (0..RSA_PKCS8_B64.len())
            .find(|i| {
                let other = RsaKeyPair::from_pkcs8(&rsa_pkcs8(*i)).expect("RSA key");
                ring::rsa::PublicKeyComponents::<Vec<u8>>::from(other.public()).n == mine.n
            })
            .unwrap_or(0)
    }

    /// Sets the `kid`.
    #[must_use]
    pub fn with_kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }

    /// The algorithm.
    #[must_use]
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The `kid`.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The HMAC secret, for HS keys.
    #[must_use]
    pub fn secret(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Hmac(s) => Some(s),
            _ => None,
        }
    }

    /// Signs `input` (raw signature bytes: the MAC, the RSA signature, ECDSA `r||s`, Ed25519).
    #[must_use]
    pub fn sign(&self, input: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.inner {
            Inner::Hmac(secret) => {
                let a = match self.alg {
                    Alg::HS384 => ring::hmac::HMAC_SHA384,
                    Alg::HS512 => ring::hmac::HMAC_SHA512,
                    _ => ring::hmac::HMAC_SHA256,
                };
                ring::hmac::sign(&ring::hmac::Key::new(a, secret), input).as_ref().to_vec()
            }
            Inner::Rsa(pair) => {
                let padding: &dyn signature::RsaEncoding = match self.alg {
                    Alg::RS256 => &signature::RSA_PKCS1_SHA256,
                    Alg::RS384 => &signature::RSA_PKCS1_SHA384,
                    Alg::RS512 => &signature::RSA_PKCS1_SHA512,
                    Alg::PS256 => &signature::RSA_PSS_SHA256,
                    Alg::PS384 => &signature::RSA_PSS_SHA384,
                    _ => &signature::RSA_PSS_SHA512,
                };
                let mut sig = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &rng, input, &mut sig).expect("RSA sign");
                sig
            }
            Inner::Ec { pair, .. } => pair.sign(&rng, input).expect("ECDSA sign").as_ref().to_vec(),
            Inner::P521(k) => {
                use p521::ecdsa::signature::RandomizedSigner;
                // The nonce is RFC 6979 (deterministic) mixed with these bytes; a fixed stream keeps
                // P-521 signatures reproducible.
                let mut rng = FixedRng(Seed::new(0x0521), 0);
                let sig: p521::ecdsa::Signature = k.sign_with_rng(&mut rng, input);
                sig.to_bytes().to_vec()
            }
            Inner::Ed { pair, .. } => pair.sign(input).as_ref().to_vec(),
        }
    }

    /// The key as a JWK with `kty`, key members, `alg`, `use: "sig"` and `kid` when set. For HMAC keys
    /// this includes the secret `k`; for the others only public members.
    #[must_use]
    pub fn jwk(&self) -> Value {
        let mut jwk = self.bare_jwk();
        let obj = jwk.as_object_mut().expect("object");
        obj.insert("alg".into(), json!(self.alg.name()));
        obj.insert("use".into(), json!("sig"));
        if let Some(kid) = &self.kid {
            obj.insert("kid".into(), json!(kid));
        }
        jwk
    }

    /// Only the RFC 7638 required members (what a DPoP header `jwk` carries).
    #[must_use]
    pub fn bare_jwk(&self) -> Value {
        match &self.inner {
            Inner::Hmac(s) => json!({"kty": "oct", "k": b64url(s)}),
            Inner::Rsa(pair) => {
                let c = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
                json!({"kty": "RSA", "n": b64url(&c.n), "e": b64url(&c.e)})
            }
            Inner::Ec { pair, .. } => {
                let p = pair.public_key().as_ref();
                let len = (p.len() - 1) / 2;
                let crv = if len == 32 { "P-256" } else { "P-384" };
                json!({"kty": "EC", "crv": crv, "x": b64url(&p[1..=len]), "y": b64url(&p[1 + len..])})
            }
            Inner::P521(k) => {
                let point = p521::ecdsa::VerifyingKey::from(&**k).to_encoded_point(false);
                json!({"kty": "EC", "crv": "P-521", "x": b64url(point.x().expect("x")), "y": b64url(point.y().expect("y"))})
            }
            Inner::Ed { pair, .. } => json!({"kty": "OKP", "crv": "Ed25519", "x": b64url(pair.public_key().as_ref())}),
        }
    }

    /// The public key as a PEM `PUBLIC KEY` (SPKI); `None` for HMAC and P-521 keys.
    #[must_use]
    pub fn spki_pem(&self) -> Option<String> {
        self.rcgen_key().map(|k| k.public_key_pem())
    }

    /// A self-signed certificate for the key (PEM), valid 1970–2200; `None` for HMAC and P-521 keys
    /// (rcgen on ring cannot sign with P-521).
    #[must_use]
    pub fn certificate_pem(&self) -> Option<String> {
        let key = self.rcgen_key()?;
        let mut params = rcgen::CertificateParams::new(vec!["jwt-signer.test".to_owned()]).expect("params");
        params.not_before = time::OffsetDateTime::from_unix_timestamp(0).expect("time");
        params.not_after = time::OffsetDateTime::from_unix_timestamp(7_258_118_400).expect("time");
        Some(params.self_signed(&key).expect("self-signed").pem())
    }

    fn rcgen_key(&self) -> Option<rcgen::KeyPair> {
        let (der, alg): (Vec<u8>, &'static rcgen::SignatureAlgorithm) = match &self.inner {
            Inner::Rsa(_) => (rsa_pkcs8(self.rsa_index()), &rcgen::PKCS_RSA_SHA256),
            Inner::Ec { pkcs8, .. } => {
                let a = if self.alg == Alg::ES256 {
                    &rcgen::PKCS_ECDSA_P256_SHA256
                } else {
                    &rcgen::PKCS_ECDSA_P384_SHA384
                };
                (pkcs8.clone(), a)
            }
            Inner::Ed { pkcs8, .. } => (pkcs8.clone(), &rcgen::PKCS_ED25519),
            _ => return None,
        };
        let der = rustls_pki_types::PrivatePkcs8KeyDer::from(der);
        Some(rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, alg).expect("rcgen key"))
    }
}

/// Encodes and signs a compact JWS from raw header and payload bytes (any bytes: for crafting
/// malformed or hostile tokens that still carry a valid signature).
#[must_use]
pub fn encode_raw(header: &[u8], payload: &[u8], key: &SigningKey) -> String {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64url(&sig))
}

/// Encodes and signs a compact JWS from JSON header and claims.
#[must_use]
pub fn encode(header: &Value, claims: &Value, key: &SigningKey) -> String {
    encode_raw(header.to_string().as_bytes(), claims.to_string().as_bytes(), key)
}

/// The header the testkit uses by default: `alg`, `typ: "JWT"`, and `kid` when the key has one.
#[must_use]
pub fn default_header(key: &SigningKey) -> Value {
    let mut h = json!({"alg": key.alg.name(), "typ": "JWT"});
    if let Some(kid) = key.kid() {
        h["kid"] = json!(kid);
    }
    h
}

/// Mints a JWT with the default header and these claims.
#[must_use]
pub fn mint(key: &SigningKey, claims: &Value) -> String {
    encode(&default_header(key), claims, key)
}

/// A JWK Set document of the keys' [`SigningKey::jwk`] forms.
#[must_use]
pub fn jwk_set(keys: &[&SigningKey]) -> String {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()}).to_string()
}

/// Typical access-token claims (`iss`, `aud`, `sub`, `exp`, `iat`, `jti`, `scope`), valid for an hour
/// from `now`; with a `kid` header the encoded HS256 token is about 300 bytes.
#[must_use]
pub fn access_token_claims(seed: Seed, now: i64) -> Value {
    json!({
        "iss": "https://issuer.authv.test",
        "aud": "https://api.authv.test",
        "sub": format!("user-{}", seed.string("jwt-sub", b"0123456789abcdef", 12)),
        "exp": now + 3600,
        "iat": now,
        "jti": seed.string("jwt-jti", b"0123456789abcdef", 16),
        "scope": "read:items write:items",
    })
}

/// A DPoP proof (RFC 9449) signed by `key`, with the key's bare JWK in the header.
#[must_use]
pub fn dpop_proof(key: &SigningKey, htm: &str, htu: &str, iat: i64, jti: &str, access_token: Option<&str>) -> String {
    let header = json!({"typ": "dpop+jwt", "alg": key.alg.name(), "jwk": key.bare_jwk()});
    let mut claims = json!({"jti": jti, "htm": htm, "htu": htu, "iat": iat});
    if let Some(t) = access_token {
        let d = ring::digest::digest(&ring::digest::SHA256, t.as_bytes());
        claims["ath"] = json!(b64url(d.as_ref()));
    }
    encode(&header, &claims, key)
}

/// The RFC 7638 thumbprint of a key's public JWK (independent implementation for tests).
#[must_use]
pub fn thumbprint(key: &SigningKey) -> String {
    let jwk = key.bare_jwk();
    let canonical = match jwk["kty"].as_str() {
        Some("RSA") => format!(r#"{{"e":{},"kty":"RSA","n":{}}}"#, jwk["e"], jwk["n"]),
        Some("EC") => format!(r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#, jwk["crv"], jwk["x"], jwk["y"]),
        Some("OKP") => format!(r#"{{"crv":{},"kty":"OKP","x":{}}}"#, jwk["crv"], jwk["x"]),
        _ => format!(r#"{{"k":{},"kty":"oct"}}"#, jwk["k"]),
    };
    b64url(ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_signs_and_describes_its_key() {
        for alg in Alg::ALL {
            let k = SigningKey::new(alg, Seed::new(3)).with_kid("x");
            let t = mint(&k, &json!({"sub": "a"}));
            assert_eq!(t.split('.').count(), 3, "{alg:?}");
            assert_eq!(k.jwk()["alg"], alg.name());
            assert_eq!(k.spki_pem().is_some(), !alg.is_hmac() && alg != Alg::ES512);
        }
        let a = SigningKey::new(Alg::EdDSA, Seed::new(1));
        let b = SigningKey::new(Alg::EdDSA, Seed::new(1));
        assert_eq!(a.bare_jwk(), b.bare_jwk());
        assert_eq!(
            SigningKey::new(Alg::ES512, Seed::new(1)).sign(b"m"),
            SigningKey::new(Alg::ES512, Seed::new(1)).sign(b"m")
        );
        assert!(SigningKey::new(Alg::EdDSA, Seed::new(1)).certificate_pem().unwrap().contains("CERTIFICATE"));
    }
}
