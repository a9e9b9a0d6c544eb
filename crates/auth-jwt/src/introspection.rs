//! RFC 7662 token introspection responses, parsed into the same [`Identity`] as a verified JWT.
//!
//! The response body comes from the caller's HTTP client (this crate does no I/O). It must be a JSON
//! object without duplicate members whose `active` member is the boolean `true` (a string `"true"` is
//! refused). The same [`Policy`] applies where it makes sense: `exp`/`nbf`/`iat` when present (an
//! authorization server decides expiry, so `exp` is not required), issuers and audiences when
//! configured, required scopes and claims, and a DPoP-bound response (`cnf.jkt`) presented as Bearer.
//!
//! ```
//! use auth_core::Timestamp;
//! use auth_jwt::{introspection, Policy};
//! let body = br#"{"active":true,"scope":"read write","client_id":"app","sub":"alice","exp":2000000000}"#;
//! let policy = Policy::new().require_scopes("read").unwrap();
//! let info = introspection::parse(body, &policy, Timestamp::from_unix(1_700_000_000)).unwrap();
//! assert_eq!(info.identity().subject, "alice");
//! let inactive = introspection::parse(br#"{"active":"true"}"#, &policy, Timestamp::from_unix(0));
//! assert_eq!(inactive.unwrap_err().reason(), "inactive_token");
//! ```

use crate::error::{Error, Malformed};
use crate::json;
use crate::policy::{Policy, Presentation};
use auth_core::{Identity, Scheme, ScopeSet, Timestamp};
use serde_json::{Map, Value};

/// The largest introspection response accepted, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// An active introspection response that satisfied the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Introspection {
    members: Map<String, Value>,
    scopes: ScopeSet,
}

fn str_member<'a>(m: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>, Error> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid(name)),
    }
}

fn date_member(m: &Map<String, Value>, name: &'static str) -> Result<Option<i64>, Error> {
    match m.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => {
            #[allow(clippy::cast_possible_truncation)]
            let v = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 9.0e15).map(|f| f.floor() as i64));
            v.map(Some).ok_or_else(|| Error::invalid(name))
        }
        Some(_) => Err(Error::invalid(name)),
    }
}

/// Parses and checks an introspection response body.
///
/// # Errors
/// [`Error::Inactive`] unless `active` is `true`; [`Error::DuplicateMember`], [`Error::Malformed`],
/// [`Error::InvalidClaim`] for wrong types; the time, issuer, audience, scope and binding errors of
/// [`crate::verify`].
pub fn parse(body: &[u8], policy: &Policy, now: Timestamp) -> Result<Introspection, Error> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(Error::TooLarge);
    }
    json::scan_object(body, policy.jws.limits.max_json_depth, &mut |_, _| Ok(()))?;
    let members: Map<String, Value> = serde_json::from_slice(body).map_err(|_| Error::Malformed(Malformed::Json))?;
    if members.get("active") != Some(&Value::Bool(true)) {
        return Err(Error::Inactive);
    }
    let now_s = now.as_unix();
    if let Some(exp) = date_member(&members, "exp")?
        && now_s >= exp.saturating_add(policy.leeway)
    {
        return Err(Error::Expired { exp: Timestamp::from_unix(exp), now });
    }
    if let Some(nbf) = date_member(&members, "nbf")?
        && nbf > now_s.saturating_add(policy.leeway)
    {
        return Err(Error::NotYetValid { nbf: Timestamp::from_unix(nbf), now });
    }
    if let Some(iat) = date_member(&members, "iat")?
        && iat > now_s.saturating_add(policy.leeway)
    {
        return Err(Error::IssuedInFuture);
    }
    for name in ["sub", "client_id", "username", "token_type", "jti"] {
        str_member(&members, name)?;
    }
    if !policy.issuers.is_empty() {
        let iss = str_member(&members, "iss")?.ok_or_else(|| Error::missing("iss"))?;
        if !policy.issuers.iter().any(|i| i == iss) {
            return Err(Error::InvalidIssuer);
        }
    }
    if !policy.audiences.is_empty() {
        let hit = match members.get("aud") {
            None => return Err(Error::missing("aud")),
            Some(Value::String(a)) => policy.audiences.iter().any(|x| x == a),
            Some(Value::Array(items)) => {
                let mut hit = false;
                for i in items {
                    let Value::String(a) = i else { return Err(Error::invalid("aud")) };
                    hit |= policy.audiences.iter().any(|x| x == a);
                }
                hit
            }
            Some(_) => return Err(Error::invalid("aud")),
        };
        if !hit {
            return Err(Error::InvalidAudience);
        }
    }
    let scopes = match members.get("scope") {
        None => ScopeSet::new(),
        Some(Value::String(s)) => ScopeSet::parse(s).map_err(|_| Error::invalid("scope"))?,
        Some(_) => return Err(Error::invalid("scope")),
    };
    if scopes.require_all(&policy.required_scopes).is_err() {
        return Err(Error::InsufficientScope { required: policy.required_scopes.to_string() });
    }
    for name in &policy.required_claims {
        if members.get(name).is_none_or(Value::is_null) {
            return Err(Error::MissingClaim { claim: name.clone().into() });
        }
    }
    let jkt = members.get("cnf").and_then(|c| c.get("jkt"));
    if policy.presentation == Presentation::Bearer && jkt.is_some() {
        return Err(Error::DpopBoundTokenAsBearer);
    }
    Ok(Introspection { members, scopes })
}

impl Introspection {
    /// All members of the response.
    #[must_use]
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// The scopes from `scope`.
    #[must_use]
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    fn s(&self, name: &str) -> Option<&str> {
        self.members.get(name).and_then(Value::as_str)
    }

    /// `exp`, when present.
    #[must_use]
    pub fn expires_at(&self) -> Option<Timestamp> {
        date_member(&self.members, "exp").ok().flatten().map(Timestamp::from_unix)
    }

    /// The caller: subject from `sub`, else `username`, else `client_id`; scopes; expiry; attributes
    /// `iss`, `client_id`, `username`, `token_type`, `jti` when present.
    #[must_use]
    pub fn identity(&self) -> Identity {
        let subject = self.s("sub").or(self.s("username")).or(self.s("client_id")).unwrap_or_default();
        let mut id =
            Identity::new(Scheme::Jwt, subject).with_scopes(self.scopes.clone()).with_expiry(self.expires_at());
        for name in ["iss", "client_id", "username", "token_type", "jti"] {
            if let Some(v) = self.s(name) {
                id = id.with_attribute(name, v);
            }
        }
        id
    }
}
