//! `authv jwt verify`: a thin layer over `auth-jwt`.

use crate::cli::{self, UsageError, Verdict};
use auth_core::ScopeSet;
use auth_jwt::{Algorithm, AlgorithmSet, Key, KeySet, Policy, TypPolicy};
use clap::{Args, Subcommand};
use serde_json::{Map, Value};

/// `authv jwt …`
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Verify compact JWS tokens (one per INPUT).
    Verify(VerifyArgs),
}

/// Options of `authv jwt verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// A JWK Set (`{"keys": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<String>,
    /// A PEM public key (SPKI `PUBLIC KEY`, or PKCS#1 `RSA PUBLIC KEY`), a PEM certificate, or one JWK as JSON.
    #[arg(long, value_name = "FILE")]
    pub key: Option<String>,
    /// An HMAC secret: the file's bytes, one trailing newline ignored.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<String>,
    /// An allowed algorithm (repeatable); required unless every key names its algorithm.
    #[arg(long = "alg", value_name = "ALG")]
    pub algs: Vec<String>,
    /// The issuer the token must name exactly.
    #[arg(long, value_name = "ISS")]
    pub iss: Option<String>,
    /// An accepted audience (repeatable); the token must name at least one.
    #[arg(long = "aud", value_name = "AUD")]
    pub auds: Vec<String>,
    /// The exact `typ` header required (compared case-insensitively, `application/` prefix ignored).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,
    /// A required scope (repeatable; all are required).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Allowed clock skew in seconds for `exp`, `nbf` and `iat`.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub leeway: u32,
    /// A claim that must be present (repeatable).
    #[arg(long = "require", value_name = "CLAIM")]
    pub require: Vec<String>,
    /// `--now` and the INPUTs.
    #[command(flatten)]
    pub common: cli::CommonArgs,
}

/// Runs `authv jwt …`.
///
/// # Errors
/// A [`UsageError`] for unusable options or files.
pub fn run(action: Action) -> Result<u8, UsageError> {
    match action {
        Action::Verify(args) => verify(&args),
    }
}

fn parse_algs(names: &[String]) -> Result<Vec<Algorithm>, UsageError> {
    names
        .iter()
        .map(|n| Algorithm::from_name(n).ok_or_else(|| UsageError(format!("--alg {n}: not a supported JWS algorithm"))))
        .collect()
}

fn load_key(path: &str, bytes: &[u8], algs: &[Algorithm]) -> Result<Vec<Key>, UsageError> {
    let bad = |e: auth_jwt::Error| UsageError::file(path, "invalid key", e.reason());
    let trimmed = bytes.trim_ascii();
    if trimmed.starts_with(b"{") {
        return Key::from_jwk(trimmed).map(|k| vec![k]).map_err(bad);
    }
    // A PEM key: narrow it to the one algorithm asked for, or let the policy's list do it.
    let alg = match algs {
        [one] => Some(*one),
        _ => None,
    };
    Key::from_pem(bytes, alg).map(|k| vec![k]).map_err(bad)
}

fn build_keys(args: &VerifyArgs, algs: &[Algorithm]) -> Result<KeySet, UsageError> {
    if args.jwks.is_none() && args.key.is_none() && args.secret_file.is_none() {
        return Err(UsageError("a key source is required: --jwks, --key or --secret-file".into()));
    }
    let mut keys = match &args.jwks {
        Some(path) => {
            let bytes = cli::read_source(path, "cannot read JWK Set")?;
            KeySet::from_jwks(&bytes).map_err(|e| UsageError::file(path, "invalid JWK Set", e.reason()))?
        }
        None => KeySet::new(),
    };
    let mut add =
        |key: Key, path: &str| keys.add(key).map_err(|e| UsageError::file(path, "cannot use key", e.reason()));
    if let Some(path) = &args.key {
        let bytes = cli::read_source(path, "cannot read key")?;
        for key in load_key(path, &bytes, algs)? {
            add(key, path)?;
        }
    }
    if let Some(path) = &args.secret_file {
        let secret = zeroize::Zeroizing::new(cli::strip_one_newline(cli::read_source(path, "cannot read secret")?));
        let hs: Vec<Algorithm> = algs.iter().copied().filter(|a| a.is_symmetric()).collect();
        if hs.is_empty() {
            return Err(UsageError("--secret-file needs --alg HS256, HS384 or HS512".into()));
        }
        for alg in hs {
            let key = Key::hmac(alg, &secret).map_err(|e| UsageError::file(path, "unusable secret", e.reason()))?;
            add(key, path)?;
        }
    }
    Ok(keys)
}

fn build_policy(args: &VerifyArgs, algs: &[Algorithm], keys: &KeySet) -> Result<Policy, UsageError> {
    let allowed = if algs.is_empty() {
        // Without --alg every key must name exactly one algorithm.
        let mut set = AlgorithmSet::of(&[]);
        for key in keys.keys() {
            let own = key.algorithms();
            if own.iter().count() != 1 {
                let kid = key.kid().map_or_else(String::new, |k| format!(" (kid {k})"));
                return Err(UsageError(format!("--alg is required: a key{kid} does not name its algorithm")));
            }
            set = set.iter().chain(own.iter()).collect();
        }
        set
    } else {
        AlgorithmSet::of(algs)
    };
    let mut policy = Policy::new().algorithm_set(allowed).leeway(args.leeway);
    if let Some(iss) = &args.iss {
        policy = policy.issuer(iss.clone());
    }
    for aud in &args.auds {
        policy = policy.audience(aud.clone());
    }
    if let Some(typ) = &args.typ {
        policy = policy.typ(TypPolicy::Exact(typ.clone()));
    }
    if !args.scopes.is_empty() {
        let required = ScopeSet::from_tokens(args.scopes.iter().map(String::as_str))
            .map_err(|e| UsageError(format!("--scope: {e}")))?;
        policy = policy.require_scope_set(required);
    }
    for claim in &args.require {
        policy = policy.require_claim(claim.clone());
    }
    Ok(policy)
}

fn verify(args: &VerifyArgs) -> Result<u8, UsageError> {
    let algs = parse_algs(&args.algs)?;
    let keys = build_keys(args, &algs)?;
    let policy = build_policy(args, &algs, &keys)?;
    let now = args.common.now()?;
    let inputs = args.common.read()?;
    let verdicts: Vec<Verdict> = inputs
        .iter()
        .map(|input| match auth_jwt::verify(input.trim_ascii(), &keys, &policy, now) {
            Ok(token) => {
                let mut extra = Map::new();
                extra.insert("claims".into(), token.claims_value().unwrap_or(Value::Null));
                extra.insert("alg".into(), Value::String(token.alg().name().into()));
                if let Some(kid) = token.kid() {
                    extra.insert("kid".into(), Value::String(kid.into()));
                }
                let mut identity = token.identity();
                identity.subject = token.subject().unwrap_or_default().to_owned();
                Verdict::accepted("jwt", &identity, extra)
            }
            Err(e) => Verdict::from_error("jwt", &e),
        })
        .collect();
    Ok(cli::emit(&verdicts))
}
