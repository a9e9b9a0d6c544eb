//! RFC 9421 HTTP Message Signatures, verifying side.
//!
//! [`MessageVerifier`] holds the keys it trusts ([`SignatureKeys`], keyed by `keyid`, each bound to
//! one algorithm) and a [`Policy`]. `Signature-Input` and `Signature` are parsed as RFC 8941
//! Dictionaries by a bounded parser; the signature base is rebuilt from the message and the covered
//! components, and the signature checked with ring.
//!
//! - **Algorithms:** `hmac-sha256`, `ed25519`, `ecdsa-p256-sha256`, `ecdsa-p384-sha384` (raw `r‖s`),
//!   `rsa-pss-sha512` (salt 64), `rsa-v1_5-sha256`. The key decides the algorithm; an `alg` parameter,
//!   when present, must name the same one.
//! - **Derived components:** `@method`, `@target-uri`, `@authority`, `@scheme`, `@request-target`,
//!   `@path`, `@query`, `@query-param;name=…` (requests) and `@status` (responses). The scheme and
//!   authority are not in the request line of an origin-form request, so the caller states them in
//!   [`RequestContext`] (the authority defaults to the `Host` field).
//! - **Header fields:** lowercase names (a name starting with `@` that is not a known derived component
//!   is refused, never looked up as a header), values trimmed and joined with `, `; parameters `sf`
//!   (re-serialized as the structured type registered in [`Policy::structured_field`] or one of the
//!   built-in types), `key` (one Dictionary member) and `bs` (byte sequences of each field line).
//!   `req` and `tr` (request-bound and trailer components) are not supported.
//! - **Parameters:** `created` (required by default; not more than [`Policy::max_skew`] in the future
//!   and not older than [`Policy::max_age`]), `expires` (`expired` once passed), `nonce` (recorded in
//!   the [`ReplayGuard`] under the key id, only after the signature verifies), `keyid` (required),
//!   `tag` (matched when the policy names one), `alg`.
//! - **Policy:** the covered components every accepted signature must include
//!   ([`Policy::require_component`]), e.g. `@method`, `@authority`, `@path`, `content-digest`.
//! - **Content-Digest (RFC 9530):** when `content-digest` is covered, the body's `sha-256` / `sha-512`
//!   digests listed in the field are recomputed and must match (`digest_mismatch`); a field listing no
//!   supported algorithm is refused.
//!
//! When a message carries several signatures, those the policy accepts (label, tag, required
//! components) are tried in order; the first that verifies wins, otherwise the first failure is
//! returned. At most [`MAX_SIGNATURES`] are considered.

use crate::Error;
use crate::sf::{self, Bare, InnerList, Item, Member};
use auth_core::hash::HmacKey;
use auth_core::{Headers, Identity, ReplayGuard, RequestView, Scheme, Timestamp};
use base64ct::Encoding;
use ring::{digest, signature};
use std::borrow::Cow;
use std::collections::HashMap;

/// The most signatures in one message that are considered.
pub const MAX_SIGNATURES: usize = 8;
/// The most covered components in one signature.
pub const MAX_COMPONENTS: usize = 32;
/// Default `max_age` for `created`, in seconds.
pub const DEFAULT_MAX_AGE_SECS: u32 = 300;
/// Default tolerated clock skew for `created` in the future, in seconds.
pub const DEFAULT_MAX_SKEW_SECS: u32 = 60;
/// The most keys a [`SignatureKeys`] holds.
pub const MAX_KEYS: usize = 10_000;

/// The signature algorithms of RFC 9421 §3.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `hmac-sha256`.
    HmacSha256,
    /// `ed25519`.
    Ed25519,
    /// `ecdsa-p256-sha256` (signature is `r‖s`, 64 bytes).
    EcdsaP256Sha256,
    /// `ecdsa-p384-sha384` (signature is `r‖s`, 96 bytes).
    EcdsaP384Sha384,
    /// `rsa-pss-sha512` (MGF1-SHA512, salt 64).
    RsaPssSha512,
    /// `rsa-v1_5-sha256`.
    RsaV15Sha256,
}

impl Algorithm {
    /// The registered name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::Ed25519 => "ed25519",
            Self::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Self::EcdsaP384Sha384 => "ecdsa-p384-sha384",
            Self::RsaPssSha512 => "rsa-pss-sha512",
            Self::RsaV15Sha256 => "rsa-v1_5-sha256",
        }
    }

    /// The algorithm for a registered name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::HmacSha256,
            Self::Ed25519,
            Self::EcdsaP256Sha256,
            Self::EcdsaP384Sha384,
            Self::RsaPssSha512,
            Self::RsaV15Sha256,
        ]
        .into_iter()
        .find(|a| a.name() == name)
    }
}

enum KeyMaterial {
    Hmac(HmacKey),
    Public(&'static dyn signature::VerificationAlgorithm, Vec<u8>),
    Rsa(&'static signature::RsaParameters, Vec<u8>, Vec<u8>),
}

/// One verification key, bound to one algorithm.
pub struct SignatureKey {
    alg: Algorithm,
    material: KeyMaterial,
}

impl core::fmt::Debug for SignatureKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SignatureKey({})", self.alg.name())
    }
}

fn b64url(v: &serde_json::Value, member: &'static str) -> Result<Vec<u8>, Error> {
    let s = v.get(member).and_then(serde_json::Value::as_str).ok_or(Error::InvalidKey(member))?;
    base64ct::Base64UrlUnpadded::decode_vec(s).map_err(|_| Error::InvalidKey(member))
}

impl SignatureKey {
    /// An `hmac-sha256` key (at least 32 bytes).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a secret shorter than 32 or longer than
    /// [`crate::keys::MAX_SECRET_LEN`] bytes.
    pub fn hmac_sha256(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() < 32 || secret.len() > crate::keys::MAX_SECRET_LEN {
            return Err(Error::InvalidKey("hmac key length"));
        }
        Ok(Self { alg: Algorithm::HmacSha256, material: KeyMaterial::Hmac(HmacKey::sha256(secret)) })
    }

    /// A key from a JWK (RFC 7517): `oct` (hmac-sha256), `OKP`/`Ed25519`, `EC`/`P-256` or `P-384`, or
    /// `RSA`. RSA keys need an algorithm: the JWK's `alg` (`PS512` or `RS256`) or `alg_hint`. When both
    /// are present they must agree; for other key types `alg_hint`, if given, must match the key.
    /// Private members (`d`, `p`, …) are ignored and never kept.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] naming the first problem.
    pub fn from_jwk(jwk: &serde_json::Value, alg_hint: Option<Algorithm>) -> Result<Self, Error> {
        let kty = jwk.get("kty").and_then(serde_json::Value::as_str).ok_or(Error::InvalidKey("kty"))?;
        let jwk_alg = match jwk.get("alg").and_then(serde_json::Value::as_str) {
            None => None,
            Some("HS256") => Some(Algorithm::HmacSha256),
            Some("EdDSA" | "Ed25519") => Some(Algorithm::Ed25519),
            Some("ES256") => Some(Algorithm::EcdsaP256Sha256),
            Some("ES384") => Some(Algorithm::EcdsaP384Sha384),
            Some("PS512") => Some(Algorithm::RsaPssSha512),
            Some("RS256") => Some(Algorithm::RsaV15Sha256),
            Some(other) => Some(Algorithm::from_name(other).ok_or(Error::InvalidKey("alg"))?),
        };
        if let (Some(a), Some(b)) = (jwk_alg, alg_hint)
            && a != b
        {
            return Err(Error::InvalidKey("alg"));
        }
        let wanted = jwk_alg.or(alg_hint);
        let crv = jwk.get("crv").and_then(serde_json::Value::as_str);
        let key = match (kty, crv) {
            ("oct", _) => {
                let mut k = b64url(jwk, "k")?;
                let key = Self::hmac_sha256(&k);
                zeroize::Zeroize::zeroize(&mut k);
                key?
            }
            ("OKP", Some("Ed25519")) => {
                let x = b64url(jwk, "x")?;
                if x.len() != 32 {
                    return Err(Error::InvalidKey("x"));
                }
                Self { alg: Algorithm::Ed25519, material: KeyMaterial::Public(&signature::ED25519, x) }
            }
            ("EC", Some(c @ ("P-256" | "P-384"))) => {
                let (len, alg, va): (usize, _, &'static dyn signature::VerificationAlgorithm) = if c == "P-256" {
                    (32, Algorithm::EcdsaP256Sha256, &signature::ECDSA_P256_SHA256_FIXED)
                } else {
                    (48, Algorithm::EcdsaP384Sha384, &signature::ECDSA_P384_SHA384_FIXED)
                };
                let (x, y) = (b64url(jwk, "x")?, b64url(jwk, "y")?);
                if x.len() != len || y.len() != len {
                    return Err(Error::InvalidKey("x/y"));
                }
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                Self { alg, material: KeyMaterial::Public(va, point) }
            }
            ("RSA", _) => {
                let (n, e) = (b64url(jwk, "n")?, b64url(jwk, "e")?);
                if n.len() < 256 || n.first() == Some(&0) || e.is_empty() || e.first() == Some(&0) {
                    return Err(Error::InvalidKey("RSA modulus below 2048 bits or non-minimal encoding"));
                }
                let (alg, params) = match wanted {
                    Some(Algorithm::RsaPssSha512) => (Algorithm::RsaPssSha512, &signature::RSA_PSS_2048_8192_SHA512),
                    Some(Algorithm::RsaV15Sha256) => (Algorithm::RsaV15Sha256, &signature::RSA_PKCS1_2048_8192_SHA256),
                    _ => return Err(Error::InvalidKey("RSA key needs alg PS512 or RS256")),
                };
                Self { alg, material: KeyMaterial::Rsa(params, n, e) }
            }
            _ => return Err(Error::InvalidKey("unsupported kty/crv")),
        };
        if wanted.is_some_and(|w| w != key.alg) {
            return Err(Error::InvalidKey("alg does not match the key"));
        }
        Ok(key)
    }

    /// The key's algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match &self.material {
            KeyMaterial::Hmac(k) => k.verify(msg, sig),
            KeyMaterial::Public(alg, pk) => signature::UnparsedPublicKey::new(*alg, pk).verify(msg, sig).is_ok(),
            KeyMaterial::Rsa(params, n, e) => {
                signature::RsaPublicKeyComponents { n: n.as_slice(), e: e.as_slice() }.verify(params, msg, sig).is_ok()
            }
        }
    }
}

/// Verification keys by `keyid`.
#[derive(Debug, Default)]
pub struct SignatureKeys {
    keys: HashMap<Box<str>, SignatureKey>,
}

impl SignatureKeys {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key under `keyid`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an invalid or duplicate key id or a full set.
    pub fn insert(&mut self, keyid: &str, key: SignatureKey) -> Result<(), Error> {
        if keyid.is_empty()
            || keyid.len() > crate::keys::MAX_KEY_ID_LEN
            || keyid.bytes().any(|b| !(0x20..0x7f).contains(&b))
        {
            return Err(Error::InvalidKey("invalid keyid"));
        }
        if self.keys.contains_key(keyid) {
            return Err(Error::InvalidKey("duplicate keyid"));
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(Error::InvalidKey("too many keys"));
        }
        self.keys.insert(keyid.into(), key);
        Ok(())
    }

    /// Builder form of [`SignatureKeys::insert`].
    ///
    /// # Errors
    /// As [`SignatureKeys::insert`].
    pub fn with(mut self, keyid: &str, key: SignatureKey) -> Result<Self, Error> {
        self.insert(keyid, key)?;
        Ok(self)
    }

    /// Loads a JWK Set (`{"keys": [...]}`): each key is stored under its `kid` (required), with its
    /// algorithm from the JWK's `alg` or, for RSA keys without one, `rsa_default`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for malformed JSON, a key without `kid`, or a key refused by
    /// [`SignatureKey::from_jwk`].
    pub fn from_jwks(json: &str, rsa_default: Option<Algorithm>) -> Result<Self, Error> {
        if json.len() > 1 << 20 {
            return Err(Error::InvalidKey("JWK Set too large"));
        }
        let v: serde_json::Value = serde_json::from_str(json).map_err(|_| Error::InvalidKey("JWK Set JSON"))?;
        let keys = v.get("keys").and_then(serde_json::Value::as_array).ok_or(Error::InvalidKey("keys"))?;
        let mut out = Self::new();
        for jwk in keys {
            let kid = jwk.get("kid").and_then(serde_json::Value::as_str).ok_or(Error::InvalidKey("kid"))?;
            let hint =
                if jwk.get("kty").and_then(serde_json::Value::as_str) == Some("RSA") { rsa_default } else { None };
            out.insert(kid, SignatureKey::from_jwk(jwk, hint)?)?;
        }
        Ok(out)
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
}

/// The structured type of a header field, for the `sf` component parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldType {
    /// An RFC 8941 Item.
    Item,
    /// An RFC 8941 List.
    List,
    /// An RFC 8941 Dictionary.
    Dictionary,
}

/// What a signature must satisfy besides verifying.
#[derive(Debug, Clone)]
pub struct Policy {
    required: Vec<String>,
    label: Option<String>,
    tag: Option<String>,
    require_created: bool,
    require_expires: bool,
    require_nonce: bool,
    max_age: u32,
    max_skew: u32,
    field_types: Vec<(String, FieldType)>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            required: Vec::new(),
            label: None,
            tag: None,
            require_created: true,
            require_expires: false,
            require_nonce: false,
            max_age: DEFAULT_MAX_AGE_SECS,
            max_skew: DEFAULT_MAX_SKEW_SECS,
            field_types: Vec::new(),
        }
    }
}

impl Policy {
    /// `created` required, at most [`DEFAULT_MAX_AGE_SECS`] old and [`DEFAULT_MAX_SKEW_SECS`] ahead; no
    /// required components (add them: a signature covering nothing proves little).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Requires a covered component, written as in `Signature-Input` without quotes for plain names
    /// (`@method`, `content-digest`) or serialized with parameters (`"@query-param";name="id"`).
    #[must_use]
    pub fn require_component(mut self, component: &str) -> Self {
        let c = if component.starts_with('"') { component.to_owned() } else { format!("\"{component}\"") };
        self.required.push(c);
        self
    }

    /// Only the signature with this label is considered.
    #[must_use]
    pub fn label(mut self, label: &str) -> Self {
        self.label = Some(label.to_owned());
        self
    }

    /// Only signatures with this `tag` are considered.
    #[must_use]
    pub fn tag(mut self, tag: &str) -> Self {
        self.tag = Some(tag.to_owned());
        self
    }

    /// Whether `created` is required (default `true`).
    #[must_use]
    pub fn require_created(mut self, yes: bool) -> Self {
        self.require_created = yes;
        self
    }

    /// Whether `expires` is required (default `false`).
    #[must_use]
    pub fn require_expires(mut self, yes: bool) -> Self {
        self.require_expires = yes;
        self
    }

    /// Whether `nonce` is required (default `false`; a present nonce is always checked).
    #[must_use]
    pub fn require_nonce(mut self, yes: bool) -> Self {
        self.require_nonce = yes;
        self
    }

    /// The oldest `created` accepted, in seconds before `now`; also how long nonces are kept when the
    /// signature has no `expires`.
    #[must_use]
    pub fn max_age(mut self, secs: u32) -> Self {
        self.max_age = secs;
        self
    }

    /// How far in the future `created` may be, in seconds.
    #[must_use]
    pub fn max_skew(mut self, secs: u32) -> Self {
        self.max_skew = secs;
        self
    }

    /// Registers the structured type of a header field for `sf` components (built in: Dictionary for
    /// `content-digest`, `repr-digest`, `want-content-digest`, `signature`, `signature-input`,
    /// `priority`; List for `accept-signature`; Item for `idempotency-key`).
    #[must_use]
    pub fn structured_field(mut self, name: &str, ty: FieldType) -> Self {
        self.field_types.push((name.to_ascii_lowercase(), ty));
        self
    }

    fn field_type(&self, name: &str) -> Option<FieldType> {
        if let Some((_, t)) = self.field_types.iter().find(|(n, _)| n == name) {
            return Some(*t);
        }
        match name {
            "content-digest" | "repr-digest" | "want-content-digest" | "signature" | "signature-input" | "priority" => {
                Some(FieldType::Dictionary)
            }
            "accept-signature" => Some(FieldType::List),
            "idempotency-key" => Some(FieldType::Item),
            _ => None,
        }
    }
}

/// Facts about a request that the request line does not carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestContext<'a> {
    /// The scheme the client used (`https`), for `@scheme` and `@target-uri`.
    pub scheme: &'a str,
    /// The authority the client addressed; `None` takes the `Host` field.
    pub authority: Option<&'a str>,
}

impl Default for RequestContext<'_> {
    fn default() -> Self {
        Self { scheme: "https", authority: None }
    }
}

/// A verified message signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageVerified {
    /// The signature's label in the dictionaries.
    pub label: String,
    /// The `keyid`.
    pub keyid: String,
    /// The key's algorithm.
    pub algorithm: Algorithm,
    /// `created`, if present.
    pub created: Option<Timestamp>,
    /// `expires`, if present.
    pub expires: Option<Timestamp>,
    /// The covered components as serialized in the signature base, in order.
    pub covered: Vec<String>,
    /// `tag`, if present.
    pub tag: Option<String>,
}

impl MessageVerified {
    /// An [`Identity`] with the key id as subject.
    #[must_use]
    pub fn identity(&self) -> Identity {
        Identity::new(Scheme::Hmac, self.keyid.clone())
            .with_expiry(self.expires)
            .with_attribute("hmac_scheme", "rfc9421")
            .with_attribute("key_id", self.keyid.clone())
            .with_attribute("algorithm", self.algorithm.name())
    }
}

/// A prepared RFC 9421 verifier.
#[derive(Debug)]
pub struct MessageVerifier {
    keys: SignatureKeys,
    policy: Policy,
}

enum Msg<'a> {
    Request(&'a RequestView<'a>, RequestContext<'a>),
    Response(u16, Headers<'a>, &'a [u8]),
}

impl<'a> Msg<'a> {
    fn headers(&self) -> Headers<'a> {
        match self {
            Self::Request(r, _) => r.headers(),
            Self::Response(_, h, _) => *h,
        }
    }
    fn body(&self) -> &'a [u8] {
        match self {
            Self::Request(r, _) => r.body(),
            Self::Response(_, _, b) => b,
        }
    }
}

impl MessageVerifier {
    /// A verifier over `keys` with `policy`.
    #[must_use]
    pub fn new(keys: SignatureKeys, policy: Policy) -> Self {
        Self { keys, policy }
    }

    /// Verifies a request's signature.
    ///
    /// # Errors
    /// `missing_credentials` (neither `Signature-Input` nor `Signature`), `missing_header` (one of them,
    /// or `keyid`/`created`), `malformed_header`, `malformed_signature`,
    /// `too_large`, `missing_covered_component`, `invalid_component`, `unsupported_component`,
    /// `unknown_key`, `alg_mismatch`, `bad_signature`, `missing_created`, `stale_timestamp`,
    /// `future_timestamp`, `expired`, `digest_mismatch`, or the guard's reason.
    pub fn verify_request<G: ReplayGuard + ?Sized>(
        &self,
        req: &RequestView<'_>,
        ctx: RequestContext<'_>,
        now: Timestamp,
        guard: &G,
    ) -> Result<MessageVerified, Error> {
        self.verify_msg(&Msg::Request(req, ctx), now, guard)
    }

    /// Verifies a response's signature (`@status` and header fields; request-bound `req` components
    /// are not supported).
    ///
    /// # Errors
    /// As [`MessageVerifier::verify_request`].
    pub fn verify_response<G: ReplayGuard + ?Sized>(
        &self,
        status: u16,
        headers: Headers<'_>,
        body: &[u8],
        now: Timestamp,
        guard: &G,
    ) -> Result<MessageVerified, Error> {
        self.verify_msg(&Msg::Response(status, headers, body), now, guard)
    }

    /// The signature base of the signature labelled `label` (for diagnostics and tests).
    ///
    /// # Errors
    /// Parsing and component errors as for verification.
    pub fn signature_base(&self, req: &RequestView<'_>, ctx: RequestContext<'_>, label: &str) -> Result<String, Error> {
        self.base_of(&Msg::Request(req, ctx), label)
    }

    /// The signature base of a response's signature labelled `label` (for diagnostics and tests).
    ///
    /// # Errors
    /// Parsing and component errors as for verification.
    pub fn response_signature_base(&self, status: u16, headers: Headers<'_>, label: &str) -> Result<String, Error> {
        self.base_of(&Msg::Response(status, headers, b""), label)
    }

    fn base_of(&self, msg: &Msg<'_>, label: &str) -> Result<String, Error> {
        let (input_field, _) = signature_fields(msg)?;
        let inputs = sf::parse_dictionary(&input_field)?;
        let (_, member) = inputs.iter().find(|(l, _)| *l == label).ok_or(Error::MissingHeader("signature-input"))?;
        let Member::Inner(list) = member else { return Err(Error::MalformedHeader("signature-input")) };
        Ok(self.base(msg, list)?.0)
    }

    fn verify_msg<G: ReplayGuard + ?Sized>(
        &self,
        msg: &Msg<'_>,
        now: Timestamp,
        guard: &G,
    ) -> Result<MessageVerified, Error> {
        let (input_field, sig_field) = signature_fields(msg)?;
        let inputs = sf::parse_dictionary(&input_field)?;
        let sigs = sf::parse_dictionary(&sig_field)?;
        let mut first_err: Option<Error> = None;
        let mut tried = 0usize;
        for (label, member) in &inputs {
            if self.policy.label.as_deref().is_some_and(|l| l != *label) {
                continue;
            }
            tried += 1;
            if tried > MAX_SIGNATURES {
                return Err(Error::TooLarge);
            }
            let result = self.verify_one(msg, label, member, &sigs, now, guard);
            match result {
                Ok(v) => return Ok(v),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or(Error::MissingCoveredComponent))
    }

    fn verify_one<G: ReplayGuard + ?Sized>(
        &self,
        msg: &Msg<'_>,
        label: &str,
        member: &Member<'_>,
        sigs: &sf::Dictionary<'_>,
        now: Timestamp,
        guard: &G,
    ) -> Result<MessageVerified, Error> {
        let Member::Inner(list) = member else { return Err(Error::MalformedHeader("signature-input")) };
        let sig = match sigs.iter().find(|(l, _)| *l == label) {
            Some((_, Member::Item(Item { bare: Bare::Bytes(b), .. }))) => b,
            Some(_) => return Err(Error::MalformedSignature),
            None => return Err(Error::MissingHeader("signature")),
        };
        let mut p = SigParams::default();
        for (k, v) in &list.params {
            match (*k, v) {
                ("created", Bare::Integer(i)) => p.created = Some(Timestamp::from_unix(*i)),
                ("expires", Bare::Integer(i)) => p.expires = Some(Timestamp::from_unix(*i)),
                ("nonce", Bare::String(s)) => p.nonce = Some(s),
                ("keyid", Bare::String(s)) => p.keyid = Some(s),
                ("tag", Bare::String(s)) => p.tag = Some(s),
                ("alg", Bare::String(s)) => p.alg = Some(s),
                ("created" | "expires" | "nonce" | "keyid" | "tag" | "alg", _) => {
                    return Err(Error::MalformedHeader("signature-input"));
                }
                _ => {}
            }
        }
        if let Some(t) = &self.policy.tag
            && p.tag.map(AsRef::as_ref) != Some(t.as_str())
        {
            return Err(Error::ScopeMismatch);
        }
        let (base, covered) = self.base(msg, list)?;
        for r in &self.policy.required {
            if !covered.contains(r) {
                return Err(Error::MissingCoveredComponent);
            }
        }
        let keyid: &str = p.keyid.ok_or(Error::MissingHeader("keyid"))?;
        let key = self.keys.keys.get(keyid).ok_or(Error::UnknownKey)?;
        if let Some(a) = p.alg
            && a != key.alg.name()
        {
            return Err(Error::Unsupported("alg_mismatch"));
        }
        if sig.is_empty() || !key.verify(base.as_bytes(), sig) {
            return Err(Error::BadSignature);
        }
        // After the signature: digest, time, replay.
        if covered.iter().any(|c| c == "\"content-digest\"" || c.starts_with("\"content-digest\";")) {
            check_content_digest(msg)?;
        }
        match p.created {
            Some(c) => {
                if c > now.saturating_add_secs(i64::from(self.policy.max_skew)) {
                    return Err(Error::FutureTimestamp);
                }
                if c < now.saturating_sub_secs(i64::from(self.policy.max_age)) {
                    return Err(Error::StaleTimestamp);
                }
            }
            None if self.policy.require_created => return Err(Error::MissingHeader("created")),
            None => {}
        }
        match p.expires {
            Some(e) if now >= e => return Err(Error::Expired),
            None if self.policy.require_expires => return Err(Error::MissingHeader("expires")),
            _ => {}
        }
        match p.nonce {
            Some(n) => {
                let horizon = p.created.map_or(now, |c| c).saturating_add_secs(i64::from(self.policy.max_age) + 1);
                let until = p.expires.map_or(horizon, |e| e.max(horizon));
                guard.check_and_record(keyid.as_bytes(), n.as_bytes(), until, now)?;
            }
            None if self.policy.require_nonce => return Err(Error::MissingHeader("nonce")),
            None => {}
        }
        Ok(MessageVerified {
            label: label.to_owned(),
            keyid: keyid.to_owned(),
            algorithm: key.alg,
            created: p.created,
            expires: p.expires,
            covered,
            tag: p.tag.map(|t| t.to_string()),
        })
    }

    /// Builds the signature base; returns it and the serialized component identifiers.
    fn base(&self, msg: &Msg<'_>, list: &InnerList<'_>) -> Result<(String, Vec<String>), Error> {
        if list.items.len() > MAX_COMPONENTS {
            return Err(Error::TooLarge);
        }
        let mut out = String::with_capacity(256);
        let mut covered: Vec<String> = Vec::with_capacity(list.items.len());
        for item in &list.items {
            let Bare::String(name) = &item.bare else { return Err(Error::InvalidComponent) };
            // The identifier is serialized where the base needs it, then copied once for `covered`.
            let at = out.len();
            sf::ser_item(item, &mut out);
            let id = out.get(at..).unwrap_or_default();
            if covered.iter().any(|c| c == id) {
                return Err(Error::InvalidComponent);
            }
            covered.push(id.to_owned());
            out.push_str(": ");
            self.component_value(msg, name, &item.params, &mut out)?;
            out.push('\n');
        }
        out.push_str("\"@signature-params\": ");
        sf::ser_inner(list, &mut out);
        Ok((out, covered))
    }

    fn component_value(
        &self,
        msg: &Msg<'_>,
        name: &str,
        params: &sf::Params<'_>,
        out: &mut String,
    ) -> Result<(), Error> {
        if name.starts_with('@') {
            return derived(msg, name, params, out);
        }
        if name.is_empty() || name.bytes().any(|b| !auth_core::header::is_tchar(b) || b.is_ascii_uppercase()) {
            return Err(Error::InvalidComponent);
        }
        let (mut sf_, mut key, mut bs) = (false, None, false);
        for (k, v) in params {
            match (*k, v) {
                ("sf", Bare::Boolean(true)) => sf_ = true,
                ("bs", Bare::Boolean(true)) => bs = true,
                ("key", Bare::String(s)) => key = Some(s.as_ref()),
                ("req" | "tr", _) => return Err(Error::Unsupported("unsupported_component")),
                _ => return Err(Error::InvalidComponent),
            }
        }
        if (bs && (sf_ || key.is_some())) || (sf_ && key.is_some()) {
            return Err(Error::InvalidComponent);
        }
        let headers = msg.headers();
        let mut lines = headers.get_all(name).peekable();
        if lines.peek().is_none() {
            return Err(Error::InvalidComponent);
        }
        if bs {
            for (n, v) in lines.enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push(':');
                out.push_str(&base64ct::Base64::encode_string(v.trim_ascii()));
                out.push(':');
            }
            return Ok(());
        }
        if key.is_none() && !sf_ {
            // The plain form: the trimmed lines joined with `, `, written straight into the base.
            // Controls and the length are checked over every line before any line's UTF-8, the
            // order the joined form is checked in below.
            let mut len = 0usize;
            for (n, v) in lines.enumerate() {
                if v.iter().any(|&b| crate::util::is_ctl(b) && b != b'\t') {
                    return Err(Error::ControlCharacter);
                }
                len += 2 * usize::from(n > 0) + v.trim_ascii().len();
                if len > sf::MAX_FIELD_LEN {
                    return Err(Error::TooLarge);
                }
            }
            for (n, v) in headers.get_all(name).enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push_str(core::str::from_utf8(v.trim_ascii()).map_err(|_| Error::InvalidComponent)?);
            }
            return Ok(());
        }
        let mut joined = Vec::new();
        for (n, v) in lines.enumerate() {
            if v.iter().any(|&b| crate::util::is_ctl(b) && b != b'\t') {
                return Err(Error::ControlCharacter);
            }
            if n > 0 {
                joined.extend_from_slice(b", ");
            }
            joined.extend_from_slice(v.trim_ascii());
            if joined.len() > sf::MAX_FIELD_LEN {
                return Err(Error::TooLarge);
            }
        }
        if let Some(k) = key {
            let dict = sf::parse_dictionary(&joined)?;
            let (_, m) = dict.iter().find(|(n, _)| *n == k).ok_or(Error::InvalidComponent)?;
            sf::ser_member(m, out);
        } else {
            match self.policy.field_type(name).ok_or(Error::Unsupported("unsupported_component"))? {
                FieldType::Dictionary => sf::ser_dictionary(&sf::parse_dictionary(&joined)?, out),
                FieldType::List => sf::ser_list(&sf::parse_list(&joined)?, out),
                FieldType::Item => sf::ser_item(&sf::parse_item(&joined)?, out),
            }
        }
        Ok(())
    }
}

/// The signature parameters, borrowed from the parsed `Signature-Input`.
#[derive(Default)]
struct SigParams<'p> {
    created: Option<Timestamp>,
    expires: Option<Timestamp>,
    nonce: Option<&'p Cow<'p, str>>,
    keyid: Option<&'p Cow<'p, str>>,
    tag: Option<&'p Cow<'p, str>>,
    alg: Option<&'p Cow<'p, str>>,
}

/// The field's lines joined with `, ` (borrowed when there is one line).
fn joined_field<'a>(h: &Headers<'a>, name: &'static str) -> Result<FieldValue<'a>, Error> {
    let mut lines = h.get_all(name);
    let first = lines.next().ok_or(Error::MissingHeader(name))?;
    let Some(second) = lines.next() else {
        if first.is_empty() {
            return Err(Error::MissingHeader(name));
        }
        if first.len() > sf::MAX_FIELD_LEN {
            return Err(Error::TooLarge);
        }
        return Ok(Cow::Borrowed(first));
    };
    let mut out = Vec::new();
    for (n, v) in [first, second].into_iter().chain(lines).enumerate() {
        if n > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(v);
        if out.len() > sf::MAX_FIELD_LEN {
            return Err(Error::TooLarge);
        }
    }
    if out.is_empty() {
        return Err(Error::MissingHeader(name));
    }
    Ok(Cow::Owned(out))
}

/// A field value: borrowed from the message when it has one line, joined otherwise.
type FieldValue<'a> = Cow<'a, [u8]>;

/// The `Signature-Input` and `Signature` field values, each joined (see [`joined_field`]).
fn signature_fields<'a>(msg: &Msg<'a>) -> Result<(FieldValue<'a>, FieldValue<'a>), Error> {
    let h = msg.headers();
    if h.count("signature-input") == 0 && h.count("signature") == 0 {
        return Err(Error::MissingCredentials);
    }
    Ok((joined_field(&h, "signature-input")?, joined_field(&h, "signature")?))
}

fn authority<'a>(msg: &Msg<'a>, ctx: &RequestContext<'a>) -> Result<String, Error> {
    let raw = match ctx.authority {
        Some(a) => a.as_bytes(),
        None => crate::util::one(&msg.headers(), "host")?,
    };
    let s = core::str::from_utf8(raw).map_err(|_| Error::InvalidRequest)?;
    if s.is_empty() || s.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'/' || b == b'@') {
        return Err(Error::InvalidRequest);
    }
    let mut a = s.to_ascii_lowercase();
    let default = match ctx.scheme {
        "https" => Some(":443"),
        "http" => Some(":80"),
        _ => None,
    };
    if let Some(d) = default
        && a.ends_with(d)
    {
        a.truncate(a.len() - d.len());
    }
    Ok(a)
}

fn derived(msg: &Msg<'_>, name: &str, params: &sf::Params<'_>, out: &mut String) -> Result<(), Error> {
    let only_name = name == "@query-param";
    for (k, _) in params {
        if !(only_name && *k == "name") {
            return Err(if *k == "req" {
                Error::Unsupported("unsupported_component")
            } else {
                Error::InvalidComponent
            });
        }
    }
    let (req, ctx) = match (msg, name) {
        (Msg::Response(status, _, _), "@status") => {
            if !(100..=999).contains(status) {
                return Err(Error::InvalidRequest);
            }
            out.push_str(&status.to_string());
            return Ok(());
        }
        (Msg::Response(..), _) | (Msg::Request(..), "@status") => return Err(Error::InvalidComponent),
        (Msg::Request(r, c), _) => (r, c),
    };
    let target = req.target();
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(Error::ControlCharacter);
    }
    let origin = target.starts_with('/');
    match name {
        "@method" => out.push_str(req.method()),
        "@scheme" => out.push_str(&ctx.scheme.to_ascii_lowercase()),
        "@authority" => out.push_str(&authority(msg, ctx)?),
        "@request-target" => out.push_str(target),
        "@target-uri" => {
            if origin {
                out.push_str(&ctx.scheme.to_ascii_lowercase());
                out.push_str("://");
                out.push_str(&authority(msg, ctx)?);
            }
            out.push_str(target);
        }
        "@path" | "@query" | "@query-param" if !origin => return Err(Error::InvalidComponent),
        "@path" => out.push_str(if req.path().is_empty() { "/" } else { req.path() }),
        "@query" => {
            out.push('?');
            out.push_str(req.query().unwrap_or(""));
        }
        "@query-param" => {
            let want = params
                .iter()
                .find_map(|(k, v)| match (*k, v) {
                    ("name", Bare::String(s)) => Some(s.as_ref()),
                    _ => None,
                })
                .ok_or(Error::InvalidComponent)?;
            let want = percent_normal(&form_decode(want.as_bytes())?);
            let mut found: Option<String> = None;
            for pair in req.query().unwrap_or("").split('&').filter(|s| !s.is_empty()) {
                let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
                if percent_normal(&form_decode(n.as_bytes())?) == want {
                    if found.is_some() {
                        // RFC 9421 §2.2.8: a repeated parameter cannot be covered unambiguously.
                        return Err(Error::InvalidComponent);
                    }
                    found = Some(percent_normal(&form_decode(v.as_bytes())?));
                }
            }
            out.push_str(&found.ok_or(Error::InvalidComponent)?);
        }
        _ => return Err(Error::Unsupported("unsupported_component")),
    }
    Ok(())
}

fn form_decode(s: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        match c {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3).ok_or(Error::InvalidComponent)?;
                let hex = core::str::from_utf8(hex).map_err(|_| Error::InvalidComponent)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::InvalidComponent);
                }
                out.push(u8::from_str_radix(hex, 16).map_err(|_| Error::InvalidComponent)?);
                i += 2;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// Percent-encodes everything but unreserved characters, uppercase hex (RFC 9421 §2.2.8).
fn percent_normal(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            s.push(char::from(c));
        } else {
            s.push_str(&format!("%{c:02X}"));
        }
    }
    s
}

fn check_content_digest(msg: &Msg<'_>) -> Result<(), Error> {
    let field = joined_field(&msg.headers(), "content-digest")?;
    let dict = sf::parse_dictionary(&field)?;
    let mut checked = 0;
    for (alg, m) in &dict {
        let sha256 = match *alg {
            "sha-256" => true,
            "sha-512" => false,
            _ => continue,
        };
        let Member::Item(Item { bare: Bare::Bytes(claimed), .. }) = m else {
            return Err(Error::MalformedHeader("content-digest"));
        };
        let matches = if sha256 {
            auth_core::hash::sha256(msg.body()).as_slice() == claimed.as_slice()
        } else {
            digest::digest(&digest::SHA512, msg.body()).as_ref() == claimed.as_slice()
        };
        if !matches {
            return Err(Error::DigestMismatch);
        }
        checked += 1;
    }
    if checked == 0 {
        return Err(Error::Unsupported("unsupported_digest_algorithm"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth_core::MemoryReplayGuard;
    use ring::hmac;

    const SECRET: &[u8] = b"an hmac secret of thirty-two b!!";

    fn sign_hmac(base: &str) -> String {
        base64ct::Base64::encode_string(
            hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, SECRET), base.as_bytes()).as_ref(),
        )
    }

    fn verifier(policy: Policy) -> MessageVerifier {
        let keys = SignatureKeys::new().with("k1", SignatureKey::hmac_sha256(SECRET).unwrap()).unwrap();
        MessageVerifier::new(keys, policy)
    }

    #[test]
    fn hmac_round_trip_and_policy() {
        let input = r#"sig1=("@method" "@authority" "@path" "x-a";bs "@query-param";name="q");created=1000;keyid="k1";nonce="n-1""#;
        let base = "\"@method\": GET\n\"@authority\": example.com\n\"@path\": /p\n\"x-a\";bs: :dmFs:\n\"@query-param\";name=\"q\": a%20b\n\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"x-a\";bs \"@query-param\";name=\"q\");created=1000;keyid=\"k1\";nonce=\"n-1\"";
        let sig = format!("sig1=:{}:", sign_hmac(base));
        let hs: Vec<(&str, &[u8])> = vec![
            ("Host", b"Example.com:443"),
            ("x-a", b"val"),
            ("Signature-Input", input.as_bytes()),
            ("Signature", sig.as_bytes()),
        ];
        let req = RequestView::new("GET", "/p?q=a+b", Headers::from_pairs(&hs), b"");
        let v = verifier(Policy::new().require_component("@method").require_component("@authority"));
        assert_eq!(v.signature_base(&req, RequestContext::default(), "sig1").unwrap(), base);
        let g = MemoryReplayGuard::new(8);
        let now = Timestamp::from_unix(1010);
        let ok = v.verify_request(&req, RequestContext::default(), now, &g).unwrap();
        assert_eq!(ok.keyid, "k1");
        assert_eq!(v.verify_request(&req, RequestContext::default(), now, &g).unwrap_err().reason(), "replayed");
        let g = MemoryReplayGuard::new(8);
        let strict = verifier(Policy::new().require_component("content-digest"));
        assert_eq!(
            strict.verify_request(&req, RequestContext::default(), now, &g),
            Err(Error::MissingCoveredComponent)
        );
        let stale = Timestamp::from_unix(1000 + 301);
        assert_eq!(v.verify_request(&req, RequestContext::default(), stale, &g), Err(Error::StaleTimestamp));
        let early = Timestamp::from_unix(1000 - 61);
        assert_eq!(v.verify_request(&req, RequestContext::default(), early, &g), Err(Error::FutureTimestamp));
        let req2 = RequestView::new("POST", "/p?q=a+b", Headers::from_pairs(&hs), b"");
        assert_eq!(v.verify_request(&req2, RequestContext::default(), now, &g), Err(Error::BadSignature));
    }

    #[test]
    fn refuses_at_names_and_bad_components() {
        let g = MemoryReplayGuard::new(8);
        let now = Timestamp::from_unix(1000);
        let v = verifier(Policy::new());
        for (input, want) in [
            (r#"s=("@unknown");created=1000;keyid="k1""#, Error::Unsupported("unsupported_component")),
            (r#"s=("@signature-params");created=1000;keyid="k1""#, Error::Unsupported("unsupported_component")),
            (r#"s=("X-Upper");created=1000;keyid="k1""#, Error::InvalidComponent),
            (r#"s=("missing");created=1000;keyid="k1""#, Error::InvalidComponent),
            (r#"s=("host" "host");created=1000;keyid="k1""#, Error::InvalidComponent),
            (r#"s=("@method";req);created=1000;keyid="k1""#, Error::Unsupported("unsupported_component")),
            (r#"s=("@status");created=1000;keyid="k1""#, Error::InvalidComponent),
            (r#"s=("host");created=1000;keyid="nope""#, Error::UnknownKey),
            (r#"s=("host");created=1000;keyid="k1";alg="ed25519""#, Error::Unsupported("alg_mismatch")),
            (r#"s=("host");created=1000"#, Error::MissingHeader("keyid")),
        ] {
            let hs: Vec<(&str, &[u8])> =
                vec![("host", b"example.com"), ("signature-input", input.as_bytes()), ("signature", b"s=:AAAA:")];
            let req = RequestView::new("GET", "/", Headers::from_pairs(&hs), b"");
            assert_eq!(v.verify_request(&req, RequestContext::default(), now, &g), Err(want), "{input}");
        }
        // Empty signature bytes never verify.
        let hs: Vec<(&str, &[u8])> = vec![
            ("host", b"example.com"),
            ("signature-input", br#"s=("host");created=1000;keyid="k1""#),
            ("signature", b"s=::"),
        ];
        let req = RequestView::new("GET", "/", Headers::from_pairs(&hs), b"");
        assert_eq!(v.verify_request(&req, RequestContext::default(), now, &g), Err(Error::BadSignature));
    }

    #[test]
    fn content_digest_checked_when_covered() {
        let body = b"{\"hello\": \"world\"}";
        let d = base64ct::Base64::encode_string(digest::digest(&digest::SHA256, body).as_ref());
        let cd = format!("sha-256=:{d}:");
        let input = r#"s=("content-digest");created=1000;keyid="k1""#;
        let base =
            format!("\"content-digest\": {cd}\n\"@signature-params\": (\"content-digest\");created=1000;keyid=\"k1\"");
        let sig = format!("s=:{}:", sign_hmac(&base));
        let hs: Vec<(&str, &[u8])> = vec![
            ("content-digest", cd.as_bytes()),
            ("signature-input", input.as_bytes()),
            ("signature", sig.as_bytes()),
        ];
        let v = verifier(Policy::new());
        let g = MemoryReplayGuard::new(8);
        let now = Timestamp::from_unix(1000);
        let ok = RequestView::new("POST", "/", Headers::from_pairs(&hs), body);
        assert!(v.verify_request(&ok, RequestContext::default(), now, &g).is_ok());
        let bad = RequestView::new("POST", "/", Headers::from_pairs(&hs), b"{\"hello\": \"w0rld\"}");
        assert_eq!(v.verify_request(&bad, RequestContext::default(), now, &g), Err(Error::DigestMismatch));
    }

    #[test]
    fn jwk_loading() {
        let set = r#"{"keys":[{"kty":"oct","kid":"h","k":"dGhpcnR5LXR3by1ieXRlcy1vZi1zZWNyZXQtbWF0ZXJpYWwh"},
            {"kty":"OKP","crv":"Ed25519","kid":"e","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"}]}"#;
        let keys = SignatureKeys::from_jwks(set, None).unwrap();
        assert_eq!(keys.len(), 2);
        assert!(SignatureKeys::from_jwks(r#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#, None).is_err());
        assert!(SignatureKey::from_jwk(&serde_json::json!({"kty":"oct","k":"c2hvcnQ"}), None).is_err());
        assert!(SignatureKey::from_jwk(&serde_json::json!({"kty":"RSA","n":"AQAB","e":"AQAB"}), None).is_err());
        assert!(
            SignatureKey::from_jwk(
                &serde_json::json!({"kty":"OKP","crv":"Ed25519","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"}),
                Some(Algorithm::HmacSha256)
            )
            .is_err()
        );
    }
}
