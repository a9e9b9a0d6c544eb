//! Certificate chains, CRLs and proxy headers minted with rcgen for the auth-mtls tests, benches and
//! the demo.
//!
//! Certificates are minted at fixed times ([`NOT_BEFORE`], [`NOT_AFTER`], [`NOW`], …), with fixed
//! serial numbers and subjects, so every validity rule has a ready timestamp on either side of it.
//! Keys: RSA-2048 keys are fixed test keys embedded below (ring cannot generate RSA keys); seeded
//! Ed25519 keys ([`KeyKind::Ed25519Seeded`], [`Pki::ed25519_seeded`]) make whole PKIs reproducible
//! byte for byte; other ECDSA and Ed25519 keys are generated afresh by ring on each run, so their
//! signatures and fingerprints differ between runs while everything a verifier decides on does not.
//!
//! ```
//! use auth_testkit::mtls::{LeafSpec, Pki};
//!
//! let pki = Pki::p256("Example");
//! let leaf = pki.leaf(&LeafSpec::client("alice").dns("alice.example"));
//! assert_eq!(leaf.chain().len(), 2); // leaf + intermediate; the root is the trust anchor
//! assert!(pki.root_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! ```

use auth_core::Timestamp;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    RevocationReason, RevokedCertParams, SanType, SerialNumber,
};
pub use rcgen::{ExtendedKeyUsagePurpose, KeyUsagePurpose};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use std::net::IpAddr;

/// Start of every minted leaf's validity: 2026-01-01T00:00:00Z.
pub const NOT_BEFORE: Timestamp = Timestamp::from_unix(1_767_225_600);
/// End of every minted leaf's validity: 2027-01-01T00:00:00Z.
pub const NOT_AFTER: Timestamp = Timestamp::from_unix(1_798_761_600);
/// A time inside every minted certificate's validity: 2026-06-01T00:00:00Z.
pub const NOW: Timestamp = Timestamp::from_unix(1_780_272_000);
/// Before the leaves' validity: 2025-12-01T00:00:00Z (CAs are already valid).
pub const BEFORE_VALIDITY: Timestamp = Timestamp::from_unix(1_764_547_200);
/// After the leaves' validity: 2027-02-01T00:00:00Z (CAs are still valid).
pub const AFTER_EXPIRY: Timestamp = Timestamp::from_unix(1_801_440_000);
/// Start of the CAs' validity: 2020-01-01T00:00:00Z.
pub const CA_NOT_BEFORE: Timestamp = Timestamp::from_unix(1_577_836_800);
/// End of the CAs' validity: 2040-01-01T00:00:00Z.
pub const CA_NOT_AFTER: Timestamp = Timestamp::from_unix(2_208_988_800);

/// Fixed RSA-2048 test keys (PKCS#8). Public test material: never use them for anything else.
const RSA_KEYS: [&str; 4] = [
    "-----BEGIN PRIVATE KEY-----\n\
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDEA7Ee5jfeqmSe\n\
Qw/Ns3hSLs+aMjHkQPjlnzcDrWvMl4MOeikgt3KoL9oEHds8WFtcfw+04afwUit9\n\
+/+0KKdUQUnX+iUd7wivnnoAIDSBO4NETqsZfpPUHy3tcltDwwHraggm9iWGG2QP\n\
4NFoWrJsivev4u/3Gl6iH/vq8FXgcRIBSLixmRI1ED7w5t7b4no0QWjsCtlxtgxs\n\
7Z5IoKJ2wCjOG/QbMJDT03hip9pDwFIU89ZnYfVTkLnsHrbVvCaFuia5N63HC893\n\
2ciG8V/ny7n+WK3datHjuJix0CrGwwPjiVYqD1U0t5uewcoCIwMpPQhIA+pvnl2P\n\
5FH5yy71AgMBAAECggEAEup6Ss2TwbC24hD9su+pYmDzFuHWL71XZ61sPTYcq5NJ\n\
ifmfA3HApltr0i7ha9rpAi2e4elO8CG14cQSYpvzve1JB4cz0sYxE+Wax21UM85+\n\
9fYTi/PLp1JU98+r4AevJT1HyR7C80SsbN3Yx5XNFy14BqjDWJjaXhHxGTSVTQHg\n\
5zYYxBeNZhBHdo/55txCif6mhaXx6GDyqL/KrZjsK3E9duurTR4OTy9x+S80fNvD\n\
7f72/whQHZO2GE9ETHuEqHwMQerdMVmn1JFsMtJa11fr6IkZsRrNcjOXyR8QlJDz\n\
LoWu/nh0Q6ikVmOpS+MhCwgFut2X8tW1TPriIMeKUQKBgQD6PfLjSTU50tXxa2rV\n\
d8AeR7rd/b4TO/hYqU4gJc3x/0nJugxLLqPPC0B0ueBhwrhTt0EnCuCZNKK/j5BM\n\
dWpFXfxL8n+UDJxfLWQFDVdBsV+NQ9f0VOCI4OP/cWM6aeuELVI8th4+VefWFlRL\n\
hiGaYfPS2Th2Sbi6IkFOsuwPmQKBgQDIhlDBLn6KYPxpYFlO9Vc6Dd8Q+vNREz1j\n\
EHOJfpTZX+h7NCeIWSgiAk4deovxCyFXUzLGwejA7zvetu2Ns/lZeXpEgUE73MQw\n\
9GoySuOJocIeVyuxSbL2ibhduIdC6Ub78DmWkAkFtA0I01TV9E7DvsNHP1eNyx6v\n\
mrikxofjvQKBgAKBPD0qLm41vg58lMUuPa4P6b7vG0f2AbZhe3a26ijR9VsfkZ/v\n\
B5S6+BozAhv4Zv/vhaduZHEkJbzlIvyg8D9hgXUBKGXC+o25Vpb2Wzk9HUe8thyr\n\
/NNh7OZRrDyZctIP4hLZf9P/6CIsdwuKfCufb2Fc60PD2SWD0kOHZvWBAoGBAMAW\n\
yq0EGPv+RE29mk/k/hYCy7i8bPExeRC45bTEqVpCYbYEFAqtPaC2jJX4mq3hd6Lr\n\
dCyp/Ik1oyiKG64uxaJMmC+fkhoCNX6f5EshKi7h4c6mupgufV1mOFKvPgN+7BzT\n\
1pbAi6QHAqV9rDr4uasRxoctynVuKosVr+NIu0wRAoGBALJ280+T2PqH9Pa+KOif\n\
NsePePwt/A/z9AnAVXJ9CRoRMEKcjykPMiat4NmHJ7u3/5B/ui+F4DIl15D1BVyF\n\
fNZ5r9hgury2nvRFeGDyWFNjD0+Cw9IXVxCOzfiB3Vxdxrz9SvLBX6+RHabFR0aM\n\
Mfc4Cm4DoCOa9gvOxs5Zq+0+\n\
-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n\
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCkAN6QPQk+e7RL\n\
s+h3RHrmAj4yrW/9fu1PFEwo6Yafcj5+dcn0+Vt6sQaEV4XWW8aWs2QoPluXSBGb\n\
YetO08b89g7R3/azAg2mUjxmZQqC4fABf5jIhpoBBC0a0k/wJsQS8aEihxV40oM2\n\
o9PkZWQwyA9oSaqIV19gMqJN3a+ROv+Dyl/z5iCRayFhfTDR3U9ZrJPO5O2UuaRV\n\
hMNZvxvx1BHaNoBXNBW1kl9oL+bPubWot5t2xWtikEBnE9oR8skj4j4mqqNHElXP\n\
F4OQvefLlEndKZDWI0rN95s37rMTvGUy1rOB+ldNzUvqIYabEcf8kQpbT3UNShV+\n\
kRSTyQPFAgMBAAECggEADcgRuKBoaafB7tqfaxmGE+38UnKtbOmAzgEwPsytucuP\n\
4aPKsZtPfjy1ORaU8jGkIbKeQZ0VdUQvg2JaTU8RwBATqFWs4j4GutAOSbLgvz7d\n\
PEL/3VnyQ90yxrfSbKVu588GPpbumi783iQsmif302GWA3cTrYFdTAHCDpw8AXTu\n\
Ga5DT0RBzI/OeSKca8PAz+Ios9ZIouEzhYE0xJR8Cx6J8fsF/snTIRq/Qk6VvVvw\n\
7JNo9TALN2eW/sN2O0q9g/Dos2ptW6geMawVNj8p/+dUlg1ZIDmQyQpkKvsirg0C\n\
/eRbHTtAUhvu2/Df2ATwric9KTjQGFz4VY540BPlwQKBgQDPYjHw59PTpdrTw5zd\n\
lNw9jn0WZUllQPa6lvCm37dW228MG2toSi3so0VKp2EGGrxNTGKUvmSv6KUMni9A\n\
CUpDuqmqs9U+ctEalZDeq5CYw2PZ7RAjn9beu2G3wmBmI+7jH3is4XJgROba4NBL\n\
TWNj1aokOYv8/omuq4Rh6AgGVwKBgQDKc0enPbMy/94ujvNniz0s2JVuaFDf9i+m\n\
WJ0BSKlIwBLTS23nGh9b4eg2D78InKpV90cVfj6AOYcq3KMRY8wcAg+tR2bWCwm8\n\
VN1X4f+he7TqCP/hM6UH15tfkKkvNLBN88m/v3kOEKkcejtDhH8hXiqmS+E7dh75\n\
hiBoqRSdQwKBgHECYJaXrj36dmnJgfTZhr7go9eNcFaF9S2uzQsShDUHtNbTJk+Z\n\
hLccLclFtsB91zkENAA8VF/rle1vUe5CYb7QvF5ySvUR2lLzSBOfSFeGuiXqYk4X\n\
bx7G27QobyGZ2TbZUoha/lnpkieaNMekL1Ia//FnjppaFqshei1kJONXAoGAFQGB\n\
Hck5HsGNvCb4+nVoE48lch9AxPw2VXw8TjXL2tCTI3lgHeqH9nCqN3HK0Inw4pqV\n\
tZUzxvoxHDFoehVwyDcuiTwvX2YlzHTBwqygaZD8ZIwqgKNrLDUi2feYll1RLcVt\n\
2Yd0eBEieuHz5D2LM1sh8b9Nz22iKSHRmwpwKSECgYBAW65JduskMUtNpUgL9Wu3\n\
nrGXW+LHkqlGaI1SDN4kSgctIFIyGVfqUO1CZVgEp5gnT6RLJzGsuyQO3pSUAPbA\n\
ARdUeVMyfNHnNN13sgka0NeXtwG10hgUmboH/ahDTM5QwS644Xf97bdzKU9OIn8a\n\
uyNQPqKSkNYw/ZW/f60mZg==\n\
-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n\
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCqIWhEqqlJ/W0u\n\
7mB0XF76bbKGSybA6eDC/9B+qP2UTUhPPghP3tXvTH8LEY/ZiICRFNfS46DEvxaC\n\
lQ9PfdZ14Oy18t0dxdR3KHXvy1V/4Q49LT1KAw/3NDT+vaTV+4Xx2m4ub4c71umk\n\
QCTScc9CB3clbvyiktrwJlqn0YM8nktx6eBATE8B83B9Hh+WQb6ed9IITk11h34a\n\
2PRsw8Yn1xZsjJvoZYufr2i8VQhZEsmidQDhA5pmxHcUcepe+O5SzRjdBiEOUSbv\n\
GjHcHfh2ZgtUcItexzO3CQbH+j50Tn0FoFIPrgpyjvZ8ud9mTIeHY4r6Ed5FdUxj\n\
CnG70fxBAgMBAAECggEAJWt/KllKLnjEHtY2F2noxxbBNUoKzlQyyFkpc+56BfhA\n\
nxNTEzQ9ZGq0J8xXUj60npSRyvQfvJ6WFicwjKiuNtO/5N4z9dQ5QPNAi3tzBRNM\n\
hTax3BlT1ejg/iXav2kZA0LqyKJlwYrp7WNhZfs73bdUJMLmZOC9sKQS/QX3YmnH\n\
ZtYWeQ0TU5teU2p9RlXBnIN58ptOJRMIjuZGEn2lPvQ/MrdrW0HwWFB7rG2gnKXD\n\
n9Boslm+wb64GpbpUiiNCWuQPhoExgE7VXkVRQEVcvuDJ3uYMsnchvOr726z9uDs\n\
kQSU9zNVNoJXXrj6wDXOkFJl1RfUvSaN+Ux3wVLyBQKBgQDpc4SNcbXdprO8NWee\n\
HYRnejFoDaQ7sllxes/hJZuRVELGUZxwN8MxtGNBj8rHRf5n2YTCw/eXP4iH9weq\n\
XY5rSrHDtSwhuPrtnxUi53Z6WmW5QVyDk72ozfio3grjd1fyWeAVf5GNpdfuRbNN\n\
Yw+W64AllyXSt6jM2Ba+kmRQLQKBgQC6kCzwrswR7lJHClEeCM4JDW0AdqqJGaA9\n\
uQNKZiXqZO/vtPOfpMP6KfBHSO6qiziSOQlPYm4i9fpz45OEGVcrDj2tQg9gROnd\n\
2x+JwLbq6rAhE273Fn4EiAfpLZ5mcjEOWbLxne1oixDRXQL7v/a1jBHRHcEi8rL6\n\
2+xi6hXU5QKBgQC8s0Fby6RDy/HQmiJtblKOCflRsGUmU910mt7ZkLqU2FU5VNJs\n\
6sX+sV7hqccxGGSxsONdQ2YofZRwwr8ReJocI75ZAWLwx0MdO8+r7QiZkeRTwH91\n\
Y8CUaBks9n46q0cNgJRfDEStCHboBLMQRJhfV3C38dsC3q21Fp4b4Nzw6QKBgQCp\n\
D8/5x50cPqiGwf2iRv5Wy7jUa7S8iuFgLZGi0RBY6WFZCtSe/dOulmSsZJYLLCB2\n\
uYMLUjpWKivs6vUaB1CrrrsLj8qZRbnclx5sWZwpI8W6I38yIErQVmk80F8znRWB\n\
WJ3FQIUMcMEryKrUci/icu0OYHVN8ztoAvWi6VghVQKBgQDU8WEJ+WnAv3WaVVdQ\n\
GfkvZmmoXuilu22+/yC4lx+53gBUX5XWo7lM47ESK4+TJ7plciUsajJRoy6YZQSn\n\
4EirFUe1x23Tye5/e2Sb0TiuHQv7PUbyukoxeR4Q3CLYJhXQ1BeEo54OiBgEx/uq\n\
RIyLYaDJz7q4va0mLbovtOrMRQ==\n\
-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE KEY-----\n\
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDLGko7IU0kAUC8\n\
gZ8Vhe/m2qg8wRFlTpCZSCl11tSwVWREeG3XDeFwOTLfg4zG2uzFGFuKiuHls6Po\n\
wYh2O8OXMabrJwTw66jIRIwJ801YAaWG3lbs8doLMBrr6sczlMQDSjQR/TXe+v9k\n\
YRKVamgnkfUGNSbkVTUql8r+vKsiZH5QdOyxBycOkkk2dQuAuqK8OCMJJlj08a9y\n\
tXWuG8Ctd0fJ9hL3SGLzQ88fhbtbOYvoZL7usn/7Co8BMwshdp/26Z5Hy16mWPXU\n\
hHRe68zSd1NvhJ4AkeL9i0grixQVFVr4rIw7S4KT3da2v71TMZINDvR83ycAS+Qd\n\
GOQHhvHFAgMBAAECggEADgP17GerZZkqiPee7ULNX85l/q9KDoYh51n59nZJPhPe\n\
c/Uli0obbP2de5wd2lkgLqe0JXbZCNthK74zNwl/wU69WIvcRO3WO1+zlDo0c6bF\n\
b+2m7PnxlIUQzofokDAraJi1yCoDjiwe9KPYPvRVVKm3UWLYmLgij5pi+To2ywwp\n\
rVKOOrNAFF7qrAcgRLtG6jIbLHIlXs3+NYY4bedK89A00TOL6nB4xvoegXm86iaJ\n\
Ys0in6zAvC6S7FUKbAMdETOq9KEjvARV1vD+iCpD+RpSdKchxU9wUZBUjz3mZlIf\n\
to/G9NNHJd8tQCvrhMtpMCHT8Njj+6Odrle021EGLwKBgQD5F6B/k5AfAiCU99zl\n\
mAoPDFAF0eve20iPMovMp8sfT3c92tCA3ybaXxit+9Mt4g5SGg3lX4XARugNb1Y6\n\
vmmjnBJC66ohLj7RyiQrgrt61NwRqdG3vQAP1jR7d7oQVxcU0lIQ7LHdS/JQmbLD\n\
bwMXG3bRksls7sqH6EpHVZu/hwKBgQDQvCunJmGs2YcDhi8SIh0jfvECNjhAXXQy\n\
33viBQ6bll7f4ZjtQkCKkBlFcl2mah1Md4Ex/QaERWyuoiOHVYUZUbbibtUrZyxK\n\
hFCFedj4OKEyfXb8iqecW+rfogtlQvWGyIBg1oagqLnYZhAFpziV230hmkB5T0G3\n\
kgsVjBWfUwKBgCJMXo0yhGXApTvd5Uy34qqvx1UF0rSc/SC6lQVZFV76UjDyMEOO\n\
dosbDQrn4ewvdElZzRAIVyJioRE4g2cTUPh2RQ1x5bsr4vqAGvrixW3kYWkNORNT\n\
su57UD6v/a7CTytOyn4KGXOfQX5Xq4W9g29rGLFCxPl65+hO0+t+njOBAoGALt+i\n\
ueVvl749iHgQh/TrMDZobsO4PBQAbRAspKPYFO5enc3uZpEzJyqW0jaNezpnG+3W\n\
MGCOnxNsBYdZjSGSQw5LkGutKRMBKjauUlr7czpcUJdGKg4E96LYiqG8B2BS/JJ3\n\
6cci8l8RZNv+ixZzKYvhfLND+TnoGw4LuSn9DQsCgYATrAxL2uKBRqwMfakDjnWl\n\
xOAzJf8aQDCnzACm+OLJq7adVRP+J8mG1ZR8DHiDu0O4K0W4KIY7dcDwr/K8L95f\n\
L+wcJ++gc9FlYSPnebO+bFhHgCSbgZu5Sta06uszNDaoxzf0nj6zJiINDWDXoPTH\n\
qWatuSMWfRiQz6cPhaDFVg==\n\
-----END PRIVATE KEY-----\n",
];

/// The key type of a minted certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA P-256, signing with SHA-256.
    P256,
    /// ECDSA P-384, signing with SHA-384.
    P384,
    /// Ed25519.
    Ed25519,
    /// RSA-2048 (one of four fixed keys, 0–3), signing with PKCS#1 v1.5 SHA-256.
    Rsa2048(usize),
    /// Ed25519 with the private key derived from [`Seed`](crate::Seed) `n`. Ed25519 signatures
    /// are deterministic, so certificates minted only with seeded keys are byte-for-byte
    /// reproducible.
    Ed25519Seeded(u64),
}

impl KeyKind {
    fn key(self) -> KeyPair {
        match self {
            Self::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap(),
            Self::P384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap(),
            Self::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap(),
            Self::Rsa2048(i) => KeyPair::from_pem(RSA_KEYS[i % RSA_KEYS.len()]).unwrap(),
            Self::Ed25519Seeded(n) => {
                // PKCS#8 v1 (RFC 8410): fixed prefix, then the 32-byte seed.
                let mut der = vec![
                    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
                ];
                der.extend_from_slice(&crate::Seed::new(n).array::<32>("mtls-ed25519"));
                let der = rustls_pki_types::PrivatePkcs8KeyDer::from(der);
                KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_ED25519).unwrap()
            }
        }
    }
}

fn odt(t: Timestamp) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.as_unix()).unwrap()
}

/// The DER serial number the testkit writes for `n`: `01` followed by `n` as 8 big-endian bytes
/// (always positive and minimally encoded).
#[must_use]
pub fn serial_bytes(n: u64) -> Vec<u8> {
    let mut v = vec![1u8];
    v.extend_from_slice(&n.to_be_bytes());
    v
}

/// What a CA certificate looks like.
#[derive(Debug, Clone)]
pub struct CaSpec {
    /// Subject CN (and O = "authv test").
    pub name: String,
    /// Key type.
    pub key: KeyKind,
    /// `basicConstraints cA`; `false` mints a "CA" that is not one (for the non-CA-issuer rule).
    pub is_ca: bool,
    /// `pathLenConstraint`.
    pub path_len: Option<u8>,
    /// Validity.
    pub not_before: Timestamp,
    /// Validity.
    pub not_after: Timestamp,
    /// Serial number (see [`serial_bytes`]).
    pub serial: u64,
}

impl CaSpec {
    /// An unconstrained CA valid from [`CA_NOT_BEFORE`] to [`CA_NOT_AFTER`].
    #[must_use]
    pub fn new(name: &str, key: KeyKind) -> Self {
        Self {
            name: name.to_owned(),
            key,
            is_ca: true,
            path_len: None,
            not_before: CA_NOT_BEFORE,
            not_after: CA_NOT_AFTER,
            serial: 1000,
        }
    }
}

/// A certificate authority that can issue intermediates, leaves and CRLs.
pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    cert: rcgen::Certificate,
    /// This authority's certificate followed by the intermediates above it (not the root): what a
    /// client presents after its leaf.
    chain: Vec<CertificateDer<'static>>,
    is_root: bool,
    next_serial: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority").field("is_root", &self.is_root).finish_non_exhaustive()
    }
}

fn ca_params(spec: &CaSpec) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, spec.name.as_str());
    p.distinguished_name.push(DnType::OrganizationName, "authv test");
    p.is_ca = if spec.is_ca {
        IsCa::Ca(spec.path_len.map_or(BasicConstraints::Unconstrained, BasicConstraints::Constrained))
    } else {
        IsCa::ExplicitNoCa
    };
    p.key_usages = if spec.is_ca {
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    };
    p.not_before = odt(spec.not_before);
    p.not_after = odt(spec.not_after);
    p.serial_number = Some(SerialNumber::from_slice(&serial_bytes(spec.serial)));
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = KeyIdMethod::Sha256;
    p
}

impl Authority {
    /// A self-signed root CA with `name` and key type `key`.
    #[must_use]
    pub fn root(name: &str, key: KeyKind) -> Self {
        Self::root_with(&CaSpec::new(name, key))
    }

    /// A self-signed root CA as `spec` says.
    #[must_use]
    pub fn root_with(spec: &CaSpec) -> Self {
        let key = spec.key.key();
        let params = ca_params(spec);
        let cert = params.self_signed(&key).unwrap();
        Self { issuer: Issuer::new(params, key), cert, chain: Vec::new(), is_root: true, next_serial: 1.into() }
    }

    /// An intermediate CA issued by this authority.
    #[must_use]
    pub fn intermediate(&self, name: &str, key: KeyKind) -> Self {
        self.intermediate_with(&CaSpec { serial: 2000, ..CaSpec::new(name, key) })
    }

    /// An intermediate (or, with `is_ca: false`, a non-CA "issuer") as `spec` says.
    #[must_use]
    pub fn intermediate_with(&self, spec: &CaSpec) -> Self {
        let key = spec.key.key();
        let params = ca_params(spec);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let mut chain = vec![cert.der().clone()];
        chain.extend(self.chain.iter().cloned());
        Self { issuer: Issuer::new(params, key), cert, chain, is_root: false, next_serial: 1.into() }
    }

    /// This authority's certificate (DER).
    #[must_use]
    pub fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    /// This authority's certificate (PEM).
    #[must_use]
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// SHA-256 of the certificate's DER, lowercase hex.
    #[must_use]
    pub fn fingerprint_hex(&self) -> String {
        sha256_hex(self.cert.der())
    }

    /// Issues a leaf as `spec` says. Without an explicit serial, leaves get 1, 2, 3, … per
    /// authority.
    #[must_use]
    pub fn issue(&self, spec: &LeafSpec) -> Leaf {
        let serial = spec.serial.unwrap_or_else(|| self.next_serial.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let key = spec.key.key();
        let params = leaf_params(spec, serial);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf { der: cert.der().clone(), pem: cert.pem(), intermediates: self.chain.clone(), serial, key }
    }

    /// A CRL issued by this authority listing `revoked_serials` (as passed to [`serial_bytes`]),
    /// valid from `this_update` to `next_update`.
    #[must_use]
    pub fn crl(&self, revoked_serials: &[u64], this_update: Timestamp, next_update: Timestamp) -> Crl {
        let params = CertificateRevocationListParams {
            this_update: odt(this_update),
            next_update: odt(next_update),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: revoked_serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from_slice(&serial_bytes(*s)),
                    revocation_time: odt(this_update),
                    reason_code: Some(RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let crl = params.signed_by(&self.issuer).unwrap();
        Crl { der: crl.der().clone(), pem: crl.pem().unwrap() }
    }
}

/// A minted CRL.
#[derive(Debug, Clone)]
pub struct Crl {
    /// DER.
    pub der: CertificateRevocationListDer<'static>,
    /// PEM (`X509 CRL`).
    pub pem: String,
}

/// What a leaf certificate looks like. Start from [`LeafSpec::client`] or [`LeafSpec::spiffe`] and
/// adjust the public fields or use the chaining helpers.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// Subject OU.
    pub organizational_unit: Option<String>,
    /// DNS SANs.
    pub dns: Vec<String>,
    /// URI SANs.
    pub uris: Vec<String>,
    /// Email SANs.
    pub emails: Vec<String>,
    /// IP SANs.
    pub ips: Vec<IpAddr>,
    /// Extended key usages (empty: no EKU extension).
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    /// Key usages (empty: no key usage extension).
    pub key_usage: Vec<KeyUsagePurpose>,
    /// `basicConstraints cA=TRUE` on the leaf.
    pub is_ca: bool,
    /// Validity start.
    pub not_before: Timestamp,
    /// Validity end.
    pub not_after: Timestamp,
    /// Key type.
    pub key: KeyKind,
    /// Serial (see [`serial_bytes`]); `None` takes the issuing authority's next number.
    pub serial: Option<u64>,
}

impl LeafSpec {
    /// A client certificate: CN `cn`, EKU clientAuth, key usage digitalSignature, P-256, valid from
    /// [`NOT_BEFORE`] to [`NOT_AFTER`].
    #[must_use]
    pub fn client(cn: &str) -> Self {
        Self {
            common_name: Some(cn.to_owned()),
            organization: None,
            organizational_unit: None,
            dns: Vec::new(),
            uris: Vec::new(),
            emails: Vec::new(),
            ips: Vec::new(),
            eku: vec![ExtendedKeyUsagePurpose::ClientAuth],
            key_usage: vec![KeyUsagePurpose::DigitalSignature],
            is_ca: false,
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            key: KeyKind::P256,
            serial: None,
        }
    }

    /// An X.509-SVID: one URI SAN `id`, no CN, EKU clientAuth, key usage digitalSignature.
    #[must_use]
    pub fn spiffe(id: &str) -> Self {
        Self { common_name: None, uris: vec![id.to_owned()], ..Self::client("") }
    }

    /// Adds a DNS SAN.
    #[must_use]
    pub fn dns(mut self, name: &str) -> Self {
        self.dns.push(name.to_owned());
        self
    }

    /// Adds a URI SAN.
    #[must_use]
    pub fn uri(mut self, uri: &str) -> Self {
        self.uris.push(uri.to_owned());
        self
    }

    /// Adds an email SAN.
    #[must_use]
    pub fn email(mut self, email: &str) -> Self {
        self.emails.push(email.to_owned());
        self
    }

    /// Adds an IP SAN.
    #[must_use]
    pub fn ip(mut self, ip: IpAddr) -> Self {
        self.ips.push(ip);
        self
    }

    /// Sets the key type.
    #[must_use]
    pub fn key(mut self, key: KeyKind) -> Self {
        self.key = key;
        self
    }

    /// Sets the EKUs.
    #[must_use]
    pub fn eku(mut self, eku: Vec<ExtendedKeyUsagePurpose>) -> Self {
        self.eku = eku;
        self
    }

    /// Sets the key usages.
    #[must_use]
    pub fn key_usage(mut self, ku: Vec<KeyUsagePurpose>) -> Self {
        self.key_usage = ku;
        self
    }

    /// Sets the serial.
    #[must_use]
    pub fn serial(mut self, serial: u64) -> Self {
        self.serial = Some(serial);
        self
    }

    /// Sets the validity.
    #[must_use]
    pub fn validity(mut self, not_before: Timestamp, not_after: Timestamp) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }
}

fn leaf_params(spec: &LeafSpec, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    if let Some(cn) = spec.common_name.as_deref().filter(|c| !c.is_empty()) {
        p.distinguished_name.push(DnType::CommonName, cn);
    }
    if let Some(o) = &spec.organization {
        p.distinguished_name.push(DnType::OrganizationName, o.as_str());
    }
    if let Some(ou) = &spec.organizational_unit {
        p.distinguished_name.push(DnType::OrganizationalUnitName, ou.as_str());
    }
    p.subject_alt_names = spec
        .dns
        .iter()
        .map(|d| SanType::DnsName(d.as_str().try_into().unwrap()))
        .chain(spec.uris.iter().map(|u| SanType::URI(u.as_str().try_into().unwrap())))
        .chain(spec.emails.iter().map(|e| SanType::Rfc822Name(e.as_str().try_into().unwrap())))
        .chain(spec.ips.iter().map(|i| SanType::IpAddress(*i)))
        .collect();
    p.extended_key_usages = spec.eku.clone();
    p.key_usages = spec.key_usage.clone();
    p.is_ca = if spec.is_ca { IsCa::Ca(BasicConstraints::Unconstrained) } else { IsCa::ExplicitNoCa };
    p.not_before = odt(spec.not_before);
    p.not_after = odt(spec.not_after);
    p.serial_number = Some(SerialNumber::from_slice(&serial_bytes(serial)));
    p.use_authority_key_identifier_extension = true;
    p
}

/// A minted leaf with the intermediates above it.
pub struct Leaf {
    /// The leaf's DER.
    pub der: CertificateDer<'static>,
    /// The leaf's PEM.
    pub pem: String,
    /// The intermediates from the issuer up to (not including) the root.
    pub intermediates: Vec<CertificateDer<'static>>,
    /// The serial number passed to [`serial_bytes`].
    pub serial: u64,
    key: KeyPair,
}

impl std::fmt::Debug for Leaf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leaf").field("serial", &self.serial).finish_non_exhaustive()
    }
}

impl Leaf {
    /// What a client presents: the leaf then its intermediates.
    #[must_use]
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        let mut v = vec![self.der.clone()];
        v.extend(self.intermediates.iter().cloned());
        v
    }

    /// [`chain`](Self::chain) as concatenated PEM.
    #[must_use]
    pub fn chain_pem(&self) -> String {
        self.chain().iter().map(|c| pem_cert(c)).collect()
    }

    /// The leaf's private key as PKCS#8 PEM (for a TLS client in the demo).
    #[must_use]
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// SHA-256 of the leaf's DER, lowercase hex.
    #[must_use]
    pub fn fingerprint_hex(&self) -> String {
        sha256_hex(&self.der)
    }
}

/// A root with one intermediate: the usual two-level PKI for client certificates.
#[derive(Debug)]
pub struct Pki {
    /// The trust anchor.
    pub root: Authority,
    /// The issuing CA.
    pub intermediate: Authority,
}

impl Pki {
    /// P-256 root and intermediate named after `name`.
    #[must_use]
    pub fn p256(name: &str) -> Self {
        Self::with_keys(name, KeyKind::P256, KeyKind::P256)
    }

    /// RSA-2048 root and intermediate (fixed keys 0 and 1).
    #[must_use]
    pub fn rsa2048(name: &str) -> Self {
        Self::with_keys(name, KeyKind::Rsa2048(0), KeyKind::Rsa2048(1))
    }

    /// Ed25519 root and intermediate with seeded keys (`seed` and `seed + 1`): with leaves keyed by
    /// [`KeyKind::Ed25519Seeded`] too, every certificate is reproducible byte for byte.
    #[must_use]
    pub fn ed25519_seeded(name: &str, seed: u64) -> Self {
        Self::with_keys(name, KeyKind::Ed25519Seeded(seed), KeyKind::Ed25519Seeded(seed.wrapping_add(1)))
    }

    /// Root and intermediate with the given key types.
    #[must_use]
    pub fn with_keys(name: &str, root: KeyKind, intermediate: KeyKind) -> Self {
        let root = Authority::root(&format!("{name} Root CA"), root);
        let intermediate = root.intermediate(&format!("{name} Issuing CA"), intermediate);
        Self { root, intermediate }
    }

    /// A leaf issued by the intermediate.
    #[must_use]
    pub fn leaf(&self, spec: &LeafSpec) -> Leaf {
        self.intermediate.issue(spec)
    }

    /// The root certificate PEM (the trust anchor to configure).
    #[must_use]
    pub fn root_pem(&self) -> String {
        self.root.pem()
    }
}

/// A self-signed leaf (for pinning by fingerprint).
#[must_use]
pub fn self_signed(spec: &LeafSpec) -> Leaf {
    let key = spec.key.key();
    let params = leaf_params(spec, spec.serial.unwrap_or(1));
    let cert = params.self_signed(&key).unwrap();
    Leaf { der: cert.der().clone(), pem: cert.pem(), intermediates: Vec::new(), serial: spec.serial.unwrap_or(1), key }
}

fn sha256_hex(der: &[u8]) -> String {
    base16ct::lower::encode_string(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
}

/// PEM armour for a DER certificate (64-column base64, LF line ends).
#[must_use]
pub fn pem_cert(der: &[u8]) -> String {
    use base64ct::Encoding as _;
    let b64 = base64ct::Base64::encode_string(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Percent-encodes every byte outside `unreserved` (RFC 3986 ALPHA / DIGIT / `-._~`), as nginx's
/// `$ssl_client_escaped_cert` does for the PEM's `+`, `/`, `=`, spaces and newlines.
fn escape_except(bytes: &[u8], keep: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Headers a TLS-terminating proxy would send for a client certificate.
pub mod proxy {
    use super::*;

    /// nginx `$ssl_client_escaped_cert`: the leaf PEM, URL-escaped.
    #[must_use]
    pub fn nginx_escaped_cert(leaf: &Leaf) -> String {
        escape_except(leaf.pem.as_bytes(), b"-._~")
    }

    /// AWS ALB `X-Amzn-Mtls-Clientcert`: the chain PEM, URL-encoded with `+`, `=` and `/` left as
    /// they are (so `+` is a literal plus).
    #[must_use]
    pub fn alb_clientcert(leaf: &Leaf) -> String {
        escape_except(leaf.chain_pem().as_bytes(), b"-._~+=/")
    }

    /// One Envoy XFCC element for `leaf`: `By`, `Hash`, `Cert`, `Chain` and a quoted `Subject`, as
    /// Envoy writes it with `set_current_client_cert_details` asking for them.
    #[must_use]
    pub fn xfcc_element(leaf: &Leaf, subject: &str) -> String {
        format!(
            "By=spiffe://proxy.example/envoy;Hash={};Cert=\"{}\";Chain=\"{}\";Subject=\"{}\"",
            leaf.fingerprint_hex(),
            nginx_escaped_cert(leaf),
            escape_except(leaf.chain_pem().as_bytes(), b"-._~"),
            subject.replace('\\', "\\\\").replace('"', "\\\"")
        )
    }

    /// RFC 9440 `Client-Cert`: `:base64(DER):`.
    #[must_use]
    pub fn rfc9440_cert(der: &[u8]) -> String {
        use base64ct::Encoding as _;
        format!(":{}:", base64ct::Base64::encode_string(der))
    }

    /// RFC 9440 `Client-Cert-Chain`: the intermediates as a list of byte sequences.
    #[must_use]
    pub fn rfc9440_chain(intermediates: &[CertificateDer<'_>]) -> String {
        intermediates.iter().map(|c| rfc9440_cert(c)).collect::<Vec<_>>().join(", ")
    }
}
