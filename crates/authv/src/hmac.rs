//! `authv hmac verify --scheme SCHEME`: a thin layer over `auth-hmac`.
//!
//! Each INPUT is one raw HTTP/1.1 request as captured (see [`crate::rawhttp`]). All INPUTs of one run
//! share one replay guard and are verified in order, so a second copy of a request with a nonce or a
//! webhook id is rejected as `replayed`; ids are recorded only after the signature verified.

use crate::cli::{self, UsageError, Verdict};
use crate::rawhttp;
use auth_core::{Headers, Identity, MemoryReplayGuard, Rejection, RequestView, Scheme, Timestamp};
use auth_hmac::webhook::{GitHub, Slack, StandardWebhooks, Stripe};
use auth_hmac::{
    Error, KeyStore, MessageVerifier, Policy, RequestContext, Secrets, SigV4Verifier, SignatureKeys,
    SignedRequestVerifier,
};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Map, Value};

/// `authv hmac …`
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Verify signed HTTP requests (one raw request per INPUT).
    Verify(VerifyArgs),
}

/// The signature schemes `authv hmac verify` understands.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeName {
    /// `X-API-Key`, `X-Timestamp`, `X-Nonce`, `X-Signature` (hex HMAC-SHA256).
    SignedRequest,
    /// AWS Signature Version 4 (header and presigned forms).
    Sigv4,
    /// `Stripe-Signature`.
    Stripe,
    /// `X-Hub-Signature-256`.
    Github,
    /// `X-Slack-Signature` with `X-Slack-Request-Timestamp`.
    Slack,
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
    StandardWebhooks,
    /// RFC 9421 HTTP Message Signatures.
    Rfc9421,
}

impl SchemeName {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignedRequest => "signed-request",
            Self::Sigv4 => "sigv4",
            Self::Stripe => "stripe",
            Self::Github => "github",
            Self::Slack => "slack",
            Self::StandardWebhooks => "standard-webhooks",
            Self::Rfc9421 => "rfc9421",
        }
    }
}

/// Options of `authv hmac verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The signature scheme.
    #[arg(long, value_enum)]
    pub scheme: SchemeName,
    /// JSON object mapping key ids (or AWS access key ids) to secrets (signed-request, sigv4).
    #[arg(long, value_name = "FILE")]
    pub keys: Option<String>,
    /// The shared secret: the file's bytes, one trailing newline ignored (stripe, github, slack;
    /// standard-webhooks takes a `whsec_` secret, base64-decoded after the prefix).
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<String>,
    /// A JWK Set whose keys are looked up by `kid` = `keyid` (rfc9421; `oct` keys for hmac-sha256).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<String>,
    /// Pin the SigV4 credential scope's region.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Pin the SigV4 credential scope's service.
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Override the scheme's time window in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub tolerance: Option<u32>,
    /// `--now` and the INPUTs.
    #[command(flatten)]
    pub common: cli::CommonArgs,
}

/// Runs `authv hmac …`.
///
/// # Errors
/// A [`UsageError`] for unusable options or files.
pub fn run(action: Action) -> Result<u8, UsageError> {
    match action {
        Action::Verify(args) => verify(&args),
    }
}

/// A prepared verifier for one scheme.
enum Prepared {
    Signed(SignedRequestVerifier),
    SigV4(Box<SigV4Verifier>),
    Stripe(Stripe),
    GitHub(GitHub),
    Slack(Slack),
    Standard(StandardWebhooks),
    Rfc9421(Box<MessageVerifier>),
}

fn need<'a>(opt: &'a Option<String>, flag: &str, scheme: SchemeName) -> Result<&'a str, UsageError> {
    opt.as_deref().ok_or_else(|| UsageError(format!("--scheme {} requires {flag}", scheme.as_str())))
}

/// Reads a `--keys` file: a JSON object, id -> secret string (or an array of secret strings, newest
/// first, for rotation).
fn read_key_map(path: &str) -> Result<Vec<(String, Vec<String>)>, UsageError> {
    let bytes = cli::read_source(path, "cannot read keys")?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| UsageError::file(path, "invalid keys file", e))?;
    let Value::Object(map) = value else {
        return Err(UsageError::file(path, "invalid keys file", "expected a JSON object of id -> secret"));
    };
    if map.is_empty() {
        return Err(UsageError::file(path, "invalid keys file", "no keys"));
    }
    map.into_iter()
        .map(|(id, v)| match v {
            Value::String(s) => Ok((id, vec![s])),
            Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    _ => Err(UsageError::file(path, "invalid keys file", format!("secret of {id} is not a string"))),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|s| (id, s)),
            _ => Err(UsageError::file(path, "invalid keys file", format!("secret of {id} is not a string"))),
        })
        .collect()
}

fn read_secret(path: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, UsageError> {
    let bytes = cli::strip_one_newline(cli::read_source(path, "cannot read secret")?);
    if bytes.is_empty() {
        return Err(UsageError::file(path, "unusable secret", "empty"));
    }
    Ok(zeroize::Zeroizing::new(bytes))
}

fn config_err(path: &str) -> impl Fn(Error) -> UsageError + '_ {
    move |e| UsageError::file(path, "unusable key material", e)
}

fn window(args: &VerifyArgs) -> Option<u32> {
    args.tolerance
}

fn prepare(args: &VerifyArgs) -> Result<Prepared, UsageError> {
    let scheme = args.scheme;
    let tol_err = |e: Error| UsageError(format!("--tolerance: {e}"));
    Ok(match scheme {
        SchemeName::SignedRequest => {
            let path = need(&args.keys, "--keys", scheme)?;
            let mut store = KeyStore::new();
            for (id, secrets) in read_key_map(path)? {
                let bytes: Vec<&[u8]> = secrets.iter().map(String::as_bytes).collect();
                store.insert(&id, &bytes).map_err(config_err(path))?;
            }
            let mut v = SignedRequestVerifier::new(store);
            if let Some(t) = window(args) {
                v = v.with_window(t).map_err(tol_err)?;
            }
            Prepared::Signed(v)
        }
        SchemeName::Sigv4 => {
            let path = need(&args.keys, "--keys", scheme)?;
            let mut v = SigV4Verifier::new();
            for (id, secrets) in read_key_map(path)? {
                let [secret] = secrets.as_slice() else {
                    return Err(UsageError::file(path, "invalid keys file", "one secret access key per access key id"));
                };
                v = v.with_credential(&id, secret, None).map_err(config_err(path))?;
            }
            if let Some(r) = &args.region {
                v = v.pin_region(r);
            }
            if let Some(s) = &args.service {
                v = v.pin_service(s);
            }
            if let Some(t) = window(args) {
                v = v.max_skew(t).map_err(tol_err)?;
            }
            Prepared::SigV4(Box::new(v))
        }
        SchemeName::Stripe | SchemeName::Github | SchemeName::Slack => {
            let path = need(&args.secret_file, "--secret-file", scheme)?;
            let secret = read_secret(path)?;
            let secrets = Secrets::sha256(&[secret.as_slice()]).map_err(config_err(path))?;
            match scheme {
                SchemeName::Stripe => {
                    let mut v = Stripe::new(secrets);
                    if let Some(t) = window(args) {
                        v = v.with_tolerance(t).map_err(tol_err)?;
                    }
                    Prepared::Stripe(v)
                }
                SchemeName::Slack => {
                    let mut v = Slack::new(secrets);
                    if let Some(t) = window(args) {
                        v = v.with_tolerance(t).map_err(tol_err)?;
                    }
                    Prepared::Slack(v)
                }
                _ => Prepared::GitHub(GitHub::new(secrets)),
            }
        }
        SchemeName::StandardWebhooks => {
            let path = need(&args.secret_file, "--secret-file", scheme)?;
            let secret = read_secret(path)?;
            let text =
                core::str::from_utf8(&secret).map_err(|_| UsageError::file(path, "unusable secret", "not text"))?;
            let mut v = StandardWebhooks::from_whsec(&[text]).map_err(config_err(path))?;
            if let Some(t) = window(args) {
                v = v.with_tolerance(t).map_err(tol_err)?;
            }
            Prepared::Standard(v)
        }
        SchemeName::Rfc9421 => {
            let path = need(&args.jwks, "--jwks", scheme)?;
            let bytes = cli::read_source(path, "cannot read JWK Set")?;
            let text =
                core::str::from_utf8(&bytes).map_err(|_| UsageError::file(path, "invalid JWK Set", "not UTF-8"))?;
            let keys = SignatureKeys::from_jwks(text, None).map_err(config_err(path))?;
            let mut policy = Policy::new();
            if let Some(t) = window(args) {
                policy = policy.max_age(t).max_skew(t);
            }
            Prepared::Rfc9421(Box::new(MessageVerifier::new(keys, policy)))
        }
    })
}

fn webhook_identity(scheme: SchemeName, id: Option<&str>, ts: Option<Timestamp>) -> Identity {
    let mut identity = Identity::new(Scheme::Hmac, scheme.as_str()).with_attribute("hmac_scheme", scheme.as_str());
    if let Some(id) = id {
        identity = identity.with_attribute("webhook_id", id);
    }
    if let Some(ts) = ts {
        identity = identity.with_attribute("timestamp", ts.as_unix().to_string());
    }
    identity
}

/// Verifies one parsed request with the prepared verifier.
fn verify_one(
    prepared: &Prepared,
    scheme: SchemeName,
    req: &RequestView<'_>,
    now: Timestamp,
    guard: &MemoryReplayGuard,
) -> Result<Identity, Error> {
    match prepared {
        Prepared::Signed(v) => v.verify(req, now, guard).map(|ok| ok.identity()),
        Prepared::SigV4(v) => v.verify(req, now).map(|ok| ok.identity()),
        Prepared::Stripe(v) => v.verify_request(req, now).map(|ok| webhook_identity(scheme, None, ok.timestamp)),
        Prepared::GitHub(v) => v.verify_request(req).map(|ok| webhook_identity(scheme, None, ok.timestamp)),
        Prepared::Slack(v) => v.verify_request(req, now).map(|ok| webhook_identity(scheme, None, ok.timestamp)),
        Prepared::Standard(v) => {
            v.verify_request(req, now, guard).map(|ok| webhook_identity(scheme, ok.id, ok.timestamp))
        }
        Prepared::Rfc9421(v) => {
            let authority = req.headers().get_one("host").ok().flatten().and_then(|h| core::str::from_utf8(h).ok());
            let ctx = RequestContext { scheme: "https", authority };
            v.verify_request(req, ctx, now, guard).map(|ok| ok.identity())
        }
    }
}

fn verify(args: &VerifyArgs) -> Result<u8, UsageError> {
    let prepared = prepare(args)?;
    let now = args.common.now()?;
    let inputs = args.common.read()?;
    let guard = MemoryReplayGuard::new(1 << 16);
    let scheme = args.scheme;
    let verdicts: Vec<Verdict> = inputs
        .iter()
        .map(|input| {
            let raw = match rawhttp::parse(input) {
                Ok(raw) => raw,
                Err(e) => return Verdict::rejected("hmac", &Rejection::invalid_request(e.reason())),
            };
            let req = RequestView::new(raw.method, raw.target, Headers::from_pairs(&raw.headers), raw.body);
            match verify_one(&prepared, scheme, &req, now, &guard) {
                Ok(identity) => {
                    let mut extra = Map::new();
                    extra.insert("hmac_scheme".into(), Value::String(scheme.as_str().into()));
                    for (k, v) in &identity.attributes {
                        if k != "hmac_scheme" {
                            extra.insert(k.clone(), Value::String(v.clone()));
                        }
                    }
                    Verdict::accepted("hmac", &identity, extra)
                }
                Err(e) => Verdict::from_error("hmac", &e),
            }
        })
        .collect();
    Ok(cli::emit(&verdicts))
}
