//! JWT verification: a verified JWS whose payload is a JSON object of claims that satisfy a [`Policy`].

use crate::error::{Error, Malformed};
use crate::json::{self, Kind};
use crate::jws::{self, Text, VerifiedJws};
use crate::policy::{Policy, Presentation, TypPolicy, typ_matches};
use auth_core::{Identity, MAX_SCOPE_LEN, MAX_SCOPES, Scheme, ScopeSet, Timestamp};
use serde::de::DeserializeOwned;
use std::borrow::Cow;

/// The registered claims, located once in the payload.
#[derive(Debug, Clone, Default)]
pub(crate) struct Registered {
    pub(crate) iss: Option<Text>,
    pub(crate) sub: Option<Text>,
    pub(crate) jti: Option<Text>,
    pub(crate) client_id: Option<Text>,
    pub(crate) aud: Option<json::Value>,
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) scope: Option<json::Value>,
    pub(crate) scp: Option<json::Value>,
    pub(crate) cnf: Option<json::Value>,
}

/// A token whose signature verified and whose claims satisfied the policy.
///
/// Holds the decoded header and payload in one buffer; registered claims are read from it without
/// copying. Convert to an [`Identity`] with [`VerifiedToken::identity`], or deserialize the claims into
/// your own type with [`VerifiedToken::claims`].
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    jws: VerifiedJws,
    reg: Registered,
}

fn parse_registered(payload: &[u8], offset: u32, depth: usize) -> Result<Registered, Error> {
    let mut r = Registered::default();
    let text = |v: json::Value, name: &'static str| -> Result<Option<Text>, Error> {
        match Text::from_value(payload, v, offset) {
            Some(t) => Ok(Some(t)),
            None => Err(Error::invalid(name)),
        }
    };
    let date = |v: json::Value, name: &'static str| -> Result<Option<i64>, Error> {
        json::numeric_date(payload, v).map(Some).ok_or_else(|| Error::invalid(name))
    };
    json::scan_object(payload, depth, &mut |name, v| {
        match name {
            b"iss" => r.iss = text(v, "iss")?,
            b"sub" => r.sub = text(v, "sub")?,
            b"jti" => r.jti = text(v, "jti")?,
            b"client_id" => r.client_id = text(v, "client_id")?,
            b"exp" => r.exp = date(v, "exp")?,
            b"nbf" => r.nbf = date(v, "nbf")?,
            b"iat" => r.iat = date(v, "iat")?,
            b"aud" => {
                match v.kind {
                    Kind::Str { .. } => {}
                    Kind::Array => {
                        json::for_each_str_element(payload, v, &mut |_, _| Ok(())).map_err(|_| Error::invalid("aud"))?
                    }
                    _ => return Err(Error::invalid("aud")),
                }
                r.aud = Some(v);
            }
            b"scope" => {
                let s = json::bytes_of(payload, v).ok_or_else(|| Error::invalid("scope"))?;
                check_scope_string(&s).ok_or_else(|| Error::invalid("scope"))?;
                r.scope = Some(v);
            }
            b"scp" => {
                match v.kind {
                    Kind::Str { .. } => {
                        let s = json::bytes_of(payload, v).ok_or_else(|| Error::invalid("scp"))?;
                        check_scope_string(&s).ok_or_else(|| Error::invalid("scp"))?;
                    }
                    Kind::Array => {
                        let mut n = 0usize;
                        json::for_each_str_element(payload, v, &mut |s, _| {
                            n += 1;
                            if n > MAX_SCOPES || !scope_token_ok(s) {
                                return Err(Error::invalid("scp"));
                            }
                            Ok(())
                        })
                        .map_err(|_| Error::invalid("scp"))?;
                    }
                    _ => return Err(Error::invalid("scp")),
                }
                r.scp = Some(v);
            }
            b"cnf" => {
                if v.kind != Kind::Object {
                    return Err(Error::invalid("cnf"));
                }
                r.cnf = Some(v);
            }
            _ => {}
        }
        Ok(())
    })
    .map_err(|e| match e {
        Error::Malformed(_) => Error::Malformed(Malformed::Json),
        other => other,
    })?;
    // Store value spans relative to the whole buffer.
    let shift = |v: &mut Option<json::Value>| {
        if let Some(v) = v {
            v.start += offset;
            v.end += offset;
        }
    };
    shift(&mut r.aud);
    shift(&mut r.scope);
    shift(&mut r.scp);
    shift(&mut r.cnf);
    Ok(r)
}

fn scope_token_ok(t: &str) -> bool {
    !t.is_empty() && t.len() <= MAX_SCOPE_LEN && t.bytes().all(is_scope_char)
}

/// RFC 6749 §3.3 scope list in one pass: tokens of scope characters separated by single spaces, none
/// empty, at most [`MAX_SCOPES`] tokens of at most [`MAX_SCOPE_LEN`] bytes.
///
/// Eight bytes at a time ([`auth_core::bytes::swar`]): a word is refused when any byte is outside
/// `0x20..=0x7E` or is `"` or `\`, and its spaces are then located exactly to measure the tokens
/// between them. The tail goes byte by byte.
fn check_scope_string(s: &[u8]) -> Option<()> {
    use auth_core::bytes::swar;
    let mut tokens = 0usize;
    // Just past the last separator (a virtual one before the string).
    let mut token_start = 0usize;
    let mut separator = |at: usize| {
        let run = at - token_start;
        tokens += 1;
        token_start = at + 1;
        (run != 0 && run <= MAX_SCOPE_LEN).then_some(())
    };
    let (words, tail) = s.as_chunks::<8>();
    let mut base = 0usize;
    for &w in words {
        let x = swar::word(w);
        let refused = swar::first_below(x, 0x20)
            | swar::first_at_least(x, 0x7F)
            | swar::first_eq(x, b'"')
            | swar::first_eq(x, b'\\');
        if refused != 0 {
            return None;
        }
        let mut spaces = swar::eq(x, b' ');
        while spaces != 0 {
            separator(base + (spaces.trailing_zeros() / 8) as usize)?;
            spaces &= spaces - 1;
        }
        base += 8;
    }
    for (i, &b) in tail.iter().enumerate() {
        if b == b' ' {
            separator(base + i)?;
        } else if !is_scope_char(b) {
            return None;
        }
    }
    if !s.is_empty() {
        separator(s.len())?;
    }
    (tokens <= MAX_SCOPES).then_some(())
}

/// Whether `token` (a scope token, so without spaces) is one of the space-separated tokens of
/// `list`: a comparison at each token start, skipping to the next space only when it fails.
fn has_token(mut list: &[u8], token: &[u8]) -> bool {
    loop {
        if let Some(rest) = list.strip_prefix(token)
            && matches!(rest.first(), None | Some(b' '))
        {
            return true;
        }
        match list.iter().position(|b| *b == b' ') {
            Some(i) => list = list.get(i + 1..).unwrap_or_default(),
            None => return false,
        }
    }
}

/// RFC 6749 scope-token characters: `%x21 / %x23-5B / %x5D-7E`.
fn is_scope_char(b: u8) -> bool {
    SCOPE_CHARS.get(usize::from(b)) == Some(&1)
}

// Compile-time table; the index is bounded by the loop.
#[allow(clippy::indexing_slicing)]
const SCOPE_CHARS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0x21;
    while i <= 0x7E {
        if i != 0x22 && i != 0x5C {
            t[i] = 1;
        }
        i += 1;
    }
    t
};

/// Verifies a JWT: the compact JWS (limits, header, key selection, signature — always first), then
/// the claims against `policy` at time `now`.
///
/// `token` is the token text (for example the Bearer credential); surrounding whitespace is not
/// trimmed and is an error.
///
/// # Errors
/// The first failed check, as an [`Error`]; a signature failure is never masked by a claim failure.
///
/// # Example
/// ```
/// use auth_jwt::{verify, Algorithm, Key, KeySet, Policy};
/// use auth_core::Timestamp;
///
/// let keys = KeySet::single(Key::hmac(Algorithm::HS256, &[7u8; 32]).unwrap());
/// let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MjAwMDAwMDAwMH0.bad";
/// let err = verify(token, &keys, &Policy::new(), Timestamp::from_unix(1_700_000_000)).unwrap_err();
/// assert_eq!(err.reason(), "bad_signature");
/// ```
pub fn verify(
    token: impl AsRef<[u8]>,
    keys: &crate::KeySet,
    policy: &Policy,
    now: Timestamp,
) -> Result<VerifiedToken, Error> {
    let jws = jws::verify_jws(token.as_ref(), keys, &policy.jws)?;
    let offset = u32::try_from(jws.header_len).map_err(|_| Error::TooLarge)?;
    let reg = parse_registered(jws.payload(), offset, policy.jws.limits.max_json_depth)?;
    let token = VerifiedToken { jws, reg };
    token.check(policy, now)?;
    Ok(token)
}

/// [`verify`], then deserializes the claims into `T`.
///
/// # Errors
/// As [`verify`], or [`Error::InvalidClaim`] (claim `*`) when the claims do not fit `T`.
pub fn verify_as<T: DeserializeOwned>(
    token: impl AsRef<[u8]>,
    keys: &crate::KeySet,
    policy: &Policy,
    now: Timestamp,
) -> Result<(VerifiedToken, T), Error> {
    let t = verify(token, keys, policy, now)?;
    let claims = t.claims()?;
    Ok((t, claims))
}

impl VerifiedToken {
    fn check(&self, p: &Policy, now: Timestamp) -> Result<(), Error> {
        let now_s = now.as_unix();
        // Header type.
        let typ = self.jws.header.typ.as_ref().map(|t| t.bytes(&self.jws.buf));
        match (&p.typ, typ) {
            (TypPolicy::Any, _) => {}
            (TypPolicy::JwtOrAbsent, None) => {}
            (TypPolicy::JwtOrAbsent, Some(t)) if t.eq_ignore_ascii_case(b"JWT") => {}
            (TypPolicy::JwtOrAbsent, Some(t)) if typ_matches(&String::from_utf8_lossy(t), "JWT") => {}
            (TypPolicy::Exact(want), Some(t)) if typ_matches(&String::from_utf8_lossy(t), want) => {}
            _ => return Err(Error::InvalidType),
        }
        // Time.
        match self.reg.exp {
            Some(exp) if now_s >= exp.saturating_add(p.leeway) => {
                return Err(Error::Expired { exp: Timestamp::from_unix(exp), now });
            }
            None if p.require_exp || p.replay.is_some() => return Err(Error::missing("exp")),
            _ => {}
        }
        if let Some(nbf) = self.reg.nbf
            && nbf > now_s.saturating_add(p.leeway)
        {
            return Err(Error::NotYetValid { nbf: Timestamp::from_unix(nbf), now });
        }
        match self.reg.iat {
            Some(iat) if iat > now_s.saturating_add(p.leeway) => return Err(Error::IssuedInFuture),
            Some(iat) => {
                if let Some(max) = p.max_age
                    && now_s.saturating_sub(iat) > max.saturating_add(p.leeway)
                {
                    return Err(Error::TooOld);
                }
            }
            None if p.max_age.is_some() => return Err(Error::missing("iat")),
            None => {}
        }
        // Issuer: exact, one of.
        if !p.issuers.is_empty() {
            let iss = self.reg.iss.as_ref().ok_or_else(|| Error::missing("iss"))?.bytes(&self.jws.buf);
            if !p.issuers.iter().any(|i| i.as_bytes() == iss) {
                return Err(Error::InvalidIssuer);
            }
        }
        // Audience: any-of; present without configuration is refused (RFC 7519 §4.1.3).
        match self.reg.aud {
            None if !p.audiences.is_empty() => return Err(Error::missing("aud")),
            None => {}
            Some(_) if p.audiences.is_empty() => return Err(Error::InvalidAudience),
            Some(v) => {
                let mut hit = false;
                self.for_each_aud(v, &mut |a| hit |= p.audiences.iter().any(|x| x.as_bytes() == a))?;
                if !hit {
                    return Err(Error::InvalidAudience);
                }
            }
        }
        if let Some(want) = &p.subject {
            let sub = self.subject().ok_or_else(|| Error::missing("sub"))?;
            if sub != want {
                return Err(Error::InvalidSubject);
            }
        }
        for name in &p.required_claims {
            self.require_present(name)?;
        }
        if self.reg.sub.as_ref().is_some_and(|s| s.bytes(&self.jws.buf).is_empty()) {
            return Err(Error::invalid("sub"));
        }
        // Scopes.
        if !p.required_scopes.is_empty() {
            let missing = p.required_scopes.iter().any(|r| !self.has_scope(r.as_bytes()));
            if missing {
                return Err(Error::InsufficientScope { required: p.required_scopes.to_string() });
            }
        }
        // Sender constraint: a DPoP-bound token presented as Bearer.
        if p.presentation == Presentation::Bearer && self.confirmation_member("jkt")?.is_some() {
            return Err(Error::DpopBoundTokenAsBearer);
        }
        if let Some(hook) = &p.hook {
            hook(self).map_err(|reason| Error::Rejected { reason })?;
        }
        if let Some(guard) = &p.replay {
            let jti = self.jwt_id().ok_or_else(|| Error::missing("jti"))?;
            let exp = self.reg.exp.ok_or_else(|| Error::missing("exp"))?;
            let ns = self.issuer().unwrap_or("");
            guard
                .check_and_record(
                    ns.as_bytes(),
                    jti.as_bytes(),
                    Timestamp::from_unix(exp.saturating_add(p.leeway)),
                    now,
                )
                .map_err(Error::Replay)?;
        }
        Ok(())
    }

    fn require_present(&self, name: &str) -> Result<(), Error> {
        let mut found = false;
        json::scan_object(self.payload(), usize::MAX, &mut |n, v| {
            if n == name.as_bytes() && v.kind != Kind::Null {
                found = true;
            }
            Ok(())
        })?;
        if found { Ok(()) } else { Err(Error::MissingClaim { claim: Cow::Owned(name.to_owned()) }) }
    }

    fn for_each_aud(&self, v: json::Value, f: &mut dyn FnMut(&[u8])) -> Result<(), Error> {
        let buf = &self.jws.buf;
        match v.kind {
            Kind::Str { .. } => {
                let s = json::bytes_of(buf, v).ok_or_else(|| Error::invalid("aud"))?;
                f(&s);
                Ok(())
            }
            _ => json::for_each_str_element(buf, v, &mut |s, _| {
                f(s.as_bytes());
                Ok(())
            })
            .map_err(|_| Error::invalid("aud")),
        }
    }

    /// Whether `scope` is one of the token's scopes (`scope` string or `scp` string/array). Both were
    /// validated during parsing; escaped strings take the slow path.
    fn has_scope(&self, scope: &[u8]) -> bool {
        let buf = &self.jws.buf;
        [self.reg.scope, self.reg.scp].into_iter().flatten().any(|v| match v.kind {
            Kind::Str { escaped: false } => {
                has_token(buf.get(v.start as usize..v.end as usize).unwrap_or_default(), scope)
            }
            _ => {
                let mut found = false;
                let _ = self.for_each_scope_of(v, &mut |t| found |= t == scope);
                found
            }
        })
    }

    fn for_each_scope_of(&self, v: json::Value, f: &mut dyn FnMut(&[u8])) -> Result<(), Error> {
        let buf = &self.jws.buf;
        match v.kind {
            Kind::Str { .. } => {
                let s = json::bytes_of(buf, v).ok_or_else(|| Error::invalid("scope"))?;
                s.split(|b| *b == b' ').filter(|t| !t.is_empty()).for_each(&mut *f);
                Ok(())
            }
            _ => json::for_each_str_element(buf, v, &mut |s, _| {
                f(s.as_bytes());
                Ok(())
            })
            .map_err(|_| Error::invalid("scp")),
        }
    }

    fn for_each_scope(&self, f: &mut dyn FnMut(&[u8])) -> Result<(), Error> {
        let buf = &self.jws.buf;
        for v in [self.reg.scope, self.reg.scp].into_iter().flatten() {
            match v.kind {
                Kind::Str { .. } => {
                    let s = json::bytes_of(buf, v).ok_or_else(|| Error::invalid("scope"))?;
                    s.split(|b| *b == b' ').filter(|t| !t.is_empty()).for_each(&mut *f);
                }
                _ => json::for_each_str_element(buf, v, &mut |s, _| {
                    f(s.as_bytes());
                    Ok(())
                })
                .map_err(|_| Error::invalid("scp"))?,
            }
        }
        Ok(())
    }

    /// A string member of the `cnf` claim.
    fn confirmation_member(&self, member: &str) -> Result<Option<String>, Error> {
        let Some(cnf) = self.reg.cnf else { return Ok(None) };
        let buf = &self.jws.buf;
        let obj = buf.get(cnf.start as usize..cnf.end as usize).unwrap_or_default();
        let mut out = None;
        let mut bad = false;
        json::scan_object(obj, usize::MAX, &mut |n, v| {
            if n == member.as_bytes() {
                match json::str_of(obj, v) {
                    Some(s) => out = Some(s.into_owned()),
                    None => bad = true,
                }
            }
            Ok(())
        })?;
        if bad {
            return Err(Error::invalid("cnf"));
        }
        Ok(out)
    }

    /// The verified JWS (header and payload bytes).
    #[must_use]
    pub fn jws(&self) -> &VerifiedJws {
        &self.jws
    }

    /// The algorithm that verified the signature.
    #[must_use]
    pub fn alg(&self) -> crate::Algorithm {
        self.jws.alg()
    }

    /// The header `kid`.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.jws.kid()
    }

    /// The header `typ`.
    #[must_use]
    pub fn typ(&self) -> Option<&str> {
        self.jws.typ()
    }

    /// The decoded protected header JSON.
    #[must_use]
    pub fn header_json(&self) -> &[u8] {
        self.jws.header_json()
    }

    /// The decoded payload (the claims JSON).
    #[must_use]
    pub fn payload(&self) -> &[u8] {
        self.jws.payload()
    }

    /// `iss`.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.reg.iss.as_ref().map(|t| t.get(&self.jws.buf))
    }

    /// `sub`.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.reg.sub.as_ref().map(|t| t.get(&self.jws.buf))
    }

    /// `jti`.
    #[must_use]
    pub fn jwt_id(&self) -> Option<&str> {
        self.reg.jti.as_ref().map(|t| t.get(&self.jws.buf))
    }

    /// `client_id` (RFC 9068 / RFC 8693).
    #[must_use]
    pub fn client_id(&self) -> Option<&str> {
        self.reg.client_id.as_ref().map(|t| t.get(&self.jws.buf))
    }

    /// The audiences (`aud` as a string or an array); empty when absent.
    #[must_use]
    pub fn audiences(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = self.reg.aud {
            let _ = self.for_each_aud(v, &mut |a| out.push(String::from_utf8_lossy(a).into_owned()));
        }
        out
    }

    /// `exp`.
    #[must_use]
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.reg.exp.map(Timestamp::from_unix)
    }

    /// `nbf`.
    #[must_use]
    pub fn not_before(&self) -> Option<Timestamp> {
        self.reg.nbf.map(Timestamp::from_unix)
    }

    /// `iat`.
    #[must_use]
    pub fn issued_at(&self) -> Option<Timestamp> {
        self.reg.iat.map(Timestamp::from_unix)
    }

    /// The scopes from `scope` (space-delimited) and `scp` (string or array), merged.
    #[must_use]
    pub fn scopes(&self) -> ScopeSet {
        let mut all: Vec<String> = Vec::new();
        let _ = self.for_each_scope(&mut |s| all.push(String::from_utf8_lossy(s).into_owned()));
        // Every token was validated during verification.
        ScopeSet::from_tokens(all.iter().map(String::as_str)).unwrap_or_default()
    }

    /// `cnf.x5t#S256`, the RFC 8705 certificate thumbprint the token is bound to.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`] when `cnf` holds it with the wrong type.
    pub fn certificate_thumbprint(&self) -> Result<Option<String>, Error> {
        self.confirmation_member("x5t#S256")
    }

    /// `cnf.jkt`, the RFC 9449 JWK thumbprint of the DPoP key the token is bound to.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`] when `cnf` holds it with the wrong type.
    pub fn dpop_thumbprint(&self) -> Result<Option<String>, Error> {
        self.confirmation_member("jkt")
    }

    /// RFC 8705 §3: checks that the token is bound to the client certificate the TLS layer saw, given
    /// as its SHA-256 digest (32 bytes, DER certificate). Compared in constant time.
    ///
    /// # Errors
    /// [`Error::CertificateBindingMismatch`] when the token has no `cnf.x5t#S256`, it is malformed, or
    /// it differs.
    pub fn check_certificate_binding(&self, cert_sha256: &[u8]) -> Result<(), Error> {
        let t = self.certificate_thumbprint().map_err(|_| Error::CertificateBindingMismatch)?;
        let t = t.ok_or(Error::CertificateBindingMismatch)?;
        let mut buf = [0u8; 32];
        let bound = crate::b64::decode(t.as_bytes(), &mut buf).map_err(|_| Error::CertificateBindingMismatch)?;
        if bound.len() == 32 && cert_sha256.len() == 32 && auth_core::ct_eq(bound, cert_sha256) {
            Ok(())
        } else {
            Err(Error::CertificateBindingMismatch)
        }
    }

    /// The claims as a `serde_json::Value` (an object).
    ///
    /// # Errors
    /// None in practice: verification already refused payloads serde_json cannot represent (invalid
    /// JSON, duplicate members, numbers beyond the range of an f64), so this succeeds for every
    /// verified token. [`Error::Malformed`] is kept for the signature's sake.
    pub fn claims_value(&self) -> Result<serde_json::Value, Error> {
        serde_json::from_slice(self.payload()).map_err(|_| Error::Malformed(Malformed::Json))
    }

    /// Deserializes the claims into the caller's type. Duplicate members were already refused, so the
    /// type sees exactly the members that were signed.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`] with claim `*` when the claims do not fit `T`.
    pub fn claims<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.payload()).map_err(|_| Error::InvalidClaim { claim: Cow::Borrowed("*") })
    }

    /// The authenticated caller: subject (`sub`, else `client_id`, else empty), scopes, expiry, and the
    /// attributes `iss`, `client_id`, `jti`, `kid`, `alg` when present.
    #[must_use]
    pub fn identity(&self) -> Identity {
        let subject = self.subject().or(self.client_id()).unwrap_or_default();
        let mut id = Identity::new(Scheme::Jwt, subject).with_scopes(self.scopes()).with_expiry(self.expires_at());
        id = id.with_attribute("alg", self.alg().name());
        for (name, value) in
            [("iss", self.issuer()), ("client_id", self.client_id()), ("jti", self.jwt_id()), ("kid", self.kid())]
        {
            if let Some(v) = value {
                id = id.with_attribute(name, v);
            }
        }
        id
    }
}

/// The standard claims with every other member kept, for callers without their own claims type.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct StandardClaims {
    /// `iss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud`, as a string or an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// `exp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<f64>,
    /// `nbf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<f64>,
    /// `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<f64>,
    /// `jti`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Every other member.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `aud`: one string or several.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Audience {
    /// A single audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule of [`check_scope_string`], byte by byte.
    fn reference(s: &[u8]) -> Option<()> {
        if s.is_empty() {
            return Some(());
        }
        let tokens: Vec<&[u8]> = s.split(|b| *b == b' ').collect();
        let ok = tokens.len() <= MAX_SCOPES
            && tokens.iter().all(|t| !t.is_empty() && t.len() <= MAX_SCOPE_LEN && t.iter().all(|b| is_scope_char(*b)));
        ok.then_some(())
    }

    #[test]
    fn token_lists() {
        for (list, token, want) in [
            ("read write", "read", true),
            ("read write", "write", true),
            ("read write", "rea", false),
            ("read write", "ad", false),
            ("readwrite write", "read", false),
            ("a b c", "c", true),
            ("a bc c", "b", false),
            ("", "a", false),
            ("a", "", false),
            ("a ", "", true),
        ] {
            assert_eq!(has_token(list.as_bytes(), token.as_bytes()), want, "{list:?} {token:?}");
        }
    }

    proptest! {
        /// The word-at-a-time check agrees with the reference on strings mixing every byte class,
        /// at every alignment of spaces, quotes, backslashes, controls, DEL and non-ASCII bytes.
        #[test]
        fn scope_check_agrees_with_the_reference(
            s in prop::collection::vec(prop_oneof![
                6 => prop::sample::select(b"abz:/.!~#[]{}".to_vec()),
                3 => Just(b' '),
                1 => prop::sample::select(vec![b'"', b'\\', 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]),
            ], 0..40),
        ) {
            prop_assert_eq!(check_scope_string(&s), reference(&s));
        }
    }

    #[test]
    fn scope_strings_follow_rfc6749() {
        for ok in ["", "read", "read write", "a:b c/d", &"s".repeat(MAX_SCOPE_LEN)] {
            assert!(check_scope_string(ok.as_bytes()).is_some(), "{ok:?}");
        }
        let too_long = "s".repeat(MAX_SCOPE_LEN + 1);
        let too_many = vec!["s"; MAX_SCOPES + 1].join(" ");
        for bad in [" read", "read ", "read  write", " ", "re\"ad", "re\\ad", "lecture:é", "a\tb", &too_long, &too_many]
        {
            assert!(check_scope_string(bad.as_bytes()).is_none(), "{bad:?}");
        }
    }
}
