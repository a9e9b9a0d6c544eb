//! What a verified token must also satisfy: algorithms, issuers, audiences, type, time, scopes.

use crate::alg::{Algorithm, AlgorithmSet};
use crate::jws::{JwsPolicy, Limits};
use crate::token::VerifiedToken;
use auth_core::{ReplayGuard, ScopeSet};
use core::fmt;
use std::sync::Arc;

/// The default clock-skew allowance, in seconds.
pub const DEFAULT_LEEWAY_SECS: u32 = 30;
/// The most keys tried for a token without `kid` when [`Policy::try_all_keys`] is on.
pub const MAX_KEY_TRIES: usize = 8;

/// Which header `typ` values are accepted. Comparison is case-insensitive, and a value of the form
/// `application/x` is compared as `x` (RFC 7515 §4.1.9).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypPolicy {
    /// `typ` absent or `JWT` (the default). Tokens typed for another purpose (`at+jwt`, `dpop+jwt`,
    /// `secevent+jwt`, …) are refused, which stops cross-JWT confusion (RFC 8725 §3.11).
    JwtOrAbsent,
    /// Exactly this type (for example `at+jwt`); absence is refused.
    Exact(String),
    /// Any `typ` or none.
    Any,
}

/// A caller-supplied check over the verified claims; `Err(reason)` rejects the token with
/// [`Error::Rejected`](crate::Error::Rejected). The reason should be a stable snake_case word.
pub type ValidationHook = dyn Fn(&VerifiedToken) -> Result<(), &'static str> + Send + Sync;

/// How the access token reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Presentation {
    /// `Authorization: Bearer`. A DPoP-bound token (`cnf.jkt`) is refused (RFC 9449 §7.1).
    #[default]
    Bearer,
    /// `Authorization: DPoP`; the caller verifies the proof with [`crate::dpop`] and checks the binding.
    Dpop,
}

/// The claim policy and the JWS-level settings for [`verify`](crate::verify).
///
/// Defaults (strict): every supported algorithm that the selected key is bound to; `exp` required;
/// `nbf` and `iat` checked when present (`iat` may not be in the future); leeway
/// [`DEFAULT_LEEWAY_SECS`]; no issuer or audience configured — which means a token carrying `aud` is
/// refused (RFC 7519 §4.1.3); `typ` absent or `JWT`; no `crit` extensions understood; tokens without
/// `kid` must match exactly one key; Bearer presentation; [`Limits::DEFAULT`].
///
/// ```
/// use auth_jwt::{Algorithm, Policy};
/// let policy = Policy::new()
///     .algorithms(&[Algorithm::RS256, Algorithm::ES256])
///     .issuer("https://issuer.example")
///     .audience("https://api.example")
///     .require_scopes("read:items")
///     .unwrap()
///     .leeway(10);
/// # let _ = policy;
/// ```
#[derive(Clone)]
pub struct Policy {
    pub(crate) jws: JwsPolicy,
    pub(crate) issuers: Vec<String>,
    pub(crate) audiences: Vec<String>,
    pub(crate) subject: Option<String>,
    pub(crate) typ: TypPolicy,
    pub(crate) leeway: i64,
    pub(crate) require_exp: bool,
    pub(crate) max_age: Option<i64>,
    pub(crate) required_claims: Vec<String>,
    pub(crate) required_scopes: ScopeSet,
    pub(crate) presentation: Presentation,
    pub(crate) replay: Option<Arc<dyn ReplayGuard>>,
    pub(crate) hook: Option<Arc<ValidationHook>>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("algorithms", &self.jws.algorithms)
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .field("subject", &self.subject)
            .field("typ", &self.typ)
            .field("leeway", &self.leeway)
            .field("require_exp", &self.require_exp)
            .field("max_age", &self.max_age)
            .field("required_claims", &self.required_claims)
            .field("required_scopes", &self.required_scopes)
            .field("presentation", &self.presentation)
            .field("replay_guard", &self.replay.is_some())
            .field("hook", &self.hook.is_some())
            .field("limits", &self.jws.limits)
            .finish()
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::new()
    }
}

impl Policy {
    /// The strict defaults described on the type.
    #[must_use]
    pub fn new() -> Self {
        Self {
            jws: JwsPolicy::default(),
            issuers: Vec::new(),
            audiences: Vec::new(),
            subject: None,
            typ: TypPolicy::JwtOrAbsent,
            leeway: i64::from(DEFAULT_LEEWAY_SECS),
            require_exp: true,
            max_age: None,
            required_claims: Vec::new(),
            required_scopes: ScopeSet::new(),
            presentation: Presentation::Bearer,
            replay: None,
            hook: None,
        }
    }

    /// The RFC 9068 JWT access-token profile: `typ` must be `at+jwt` (or `application/at+jwt`); `iss`
    /// must be `issuer`; `aud` must contain `audience`; `exp`, `sub`, `client_id`, `iat` and `jti` are
    /// required; only asymmetric algorithms (RFC 9068 §4 requires verifying with the issuer's public
    /// keys).
    #[must_use]
    pub fn rfc9068(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        let mut p = Self::new().issuer(issuer).audience(audience).typ(TypPolicy::Exact("at+jwt".into()));
        p.jws.algorithms = AlgorithmSet::ASYMMETRIC;
        for c in ["sub", "client_id", "iat", "jti"] {
            p = p.require_claim(c);
        }
        p
    }

    /// Accept only these algorithms (further narrowed by each key's binding).
    #[must_use]
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.jws.algorithms = AlgorithmSet::of(algs);
        self
    }

    /// Accept only this algorithm set.
    #[must_use]
    pub fn algorithm_set(mut self, algs: AlgorithmSet) -> Self {
        self.jws.algorithms = algs;
        self
    }

    /// Adds an accepted issuer. Once any is set, `iss` is required and must equal one exactly
    /// (byte-for-byte: no prefix, case or trailing-slash folding).
    #[must_use]
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Adds an accepted audience. Once any is set, `aud` is required and one of its values must equal
    /// one of these exactly.
    #[must_use]
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Requires `sub` to equal this value.
    #[must_use]
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.subject = Some(sub.into());
        self
    }

    /// Sets the `typ` rule.
    #[must_use]
    pub fn typ(mut self, typ: TypPolicy) -> Self {
        self.typ = typ;
        self
    }

    /// Sets the one clock-skew allowance applied to `exp`, `nbf`, `iat` and the maximum age, in seconds.
    #[must_use]
    pub fn leeway(mut self, secs: u32) -> Self {
        self.leeway = i64::from(secs);
        self
    }

    /// Makes `exp` optional (it is still checked when present). Not recommended.
    #[must_use]
    pub fn exp_optional(mut self) -> Self {
        self.require_exp = false;
        self
    }

    /// Requires `iat` and refuses tokens issued more than `secs` seconds ago.
    #[must_use]
    pub fn max_age(mut self, secs: u32) -> Self {
        self.max_age = Some(i64::from(secs));
        self
    }

    /// Requires a top-level claim to be present (any type other than `null`).
    #[must_use]
    pub fn require_claim(mut self, name: impl Into<String>) -> Self {
        self.required_claims.push(name.into());
        self
    }

    /// Requires all of these space-delimited scopes (from `scope` or `scp`). A missing scope is a 403.
    ///
    /// # Errors
    /// [`auth_core::ScopeError`] when the string is not a valid scope list.
    pub fn require_scopes(mut self, scopes: &str) -> Result<Self, auth_core::ScopeError> {
        self.required_scopes = ScopeSet::parse(scopes)?;
        Ok(self)
    }

    /// Requires all scopes of `scopes`.
    #[must_use]
    pub fn require_scope_set(mut self, scopes: ScopeSet) -> Self {
        self.required_scopes = scopes;
        self
    }

    /// Declares a `crit` header extension the caller processes itself; tokens naming others in `crit`
    /// are refused.
    #[must_use]
    pub fn understand_crit(mut self, name: impl Into<String>) -> Self {
        self.jws.understood_crit.push(name.into());
        self
    }

    /// For tokens without `kid` that several keys could verify, try each (at most
    /// [`MAX_KEY_TRIES`], in key-set order) instead of refusing with `ambiguous_key`.
    #[must_use]
    pub fn try_all_keys(mut self) -> Self {
        self.jws.max_key_tries = MAX_KEY_TRIES;
        self
    }

    /// Sets the size and nesting limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.jws.limits = limits;
        self
    }

    /// Declares how the token was presented (default Bearer).
    #[must_use]
    pub fn presentation(mut self, p: Presentation) -> Self {
        self.presentation = p;
        self
    }

    /// Records each token's `jti` in `guard` until its `exp` (plus leeway), refusing replays. Makes
    /// `jti` and `exp` required. The guard is consulted last, after every other check passed.
    #[must_use]
    pub fn replay_guard(mut self, guard: Arc<dyn ReplayGuard>) -> Self {
        self.replay = Some(guard);
        self
    }

    /// Adds a caller-supplied check, run after all built-in checks and before the replay guard.
    #[must_use]
    pub fn validate_with(
        mut self,
        hook: impl Fn(&VerifiedToken) -> Result<(), &'static str> + Send + Sync + 'static,
    ) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The JWS-level part of the policy.
    #[must_use]
    pub fn jws(&self) -> &JwsPolicy {
        &self.jws
    }
}

/// `typ` normalization of RFC 7515 §4.1.9: case-insensitive, `application/` prefix dropped when the
/// rest has no `/`.
pub(crate) fn typ_matches(actual: &str, expected: &str) -> bool {
    fn norm(s: &str) -> &str {
        match s.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => {
                let rest = s.get(12..).unwrap_or_default();
                if rest.contains('/') { s } else { rest }
            }
            _ => s,
        }
    }
    norm(actual).eq_ignore_ascii_case(norm(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_normalization() {
        assert!(typ_matches("at+jwt", "at+jwt"));
        assert!(typ_matches("application/at+jwt", "at+jwt"));
        assert!(typ_matches("AT+JWT", "application/at+jwt"));
        assert!(!typ_matches("dpop+jwt", "at+jwt"));
        assert!(!typ_matches("application/x/at+jwt", "at+jwt"));
        assert!(!typ_matches("at+jwt ", "at+jwt"));
        assert!(typ_matches("JWT", "jwt"));
    }
}
