//! `authv mtls verify`: a thin layer over `auth-mtls`.

use crate::cli::{self, UsageError, Verdict};
use auth_core::ScopeSet;
use auth_mtls::{
    CrlExpiration, ForwardedFormat, RevocationDepth, RevocationPolicy, UnknownStatusPolicy, VerifiedClient, Verifier,
};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Map, Value};

/// `authv mtls …`
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Verify client certificate chains (one per INPUT).
    Verify(VerifyArgs),
}

/// How a TLS-terminating proxy forwarded the client certificate.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forwarded {
    /// nginx `$ssl_client_escaped_cert` (URL-escaped PEM).
    Nginx,
    /// Envoy `x-forwarded-client-cert`; only its last element counts.
    Xfcc,
    /// RFC 9440 `Client-Cert` (with `--chain-header` for `Client-Cert-Chain`).
    Rfc9440,
    /// AWS ALB `X-Amzn-Mtls-Clientcert`.
    Alb,
}

impl Forwarded {
    fn format(self) -> ForwardedFormat {
        match self {
            Self::Nginx => ForwardedFormat::NginxEscapedCert,
            Self::Xfcc => ForwardedFormat::EnvoyXfcc,
            Self::Rfc9440 => ForwardedFormat::Rfc9440,
            Self::Alb => ForwardedFormat::AwsAlb,
        }
    }
}

/// Options of `authv mtls verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// PEM trust anchors (repeatable).
    #[arg(long = "ca", value_name = "FILE", required = true)]
    pub cas: Vec<String>,
    /// PEM intermediate CA certificates used for path building.
    #[arg(long, value_name = "FILE")]
    pub intermediates: Option<String>,
    /// A CRL, PEM or DER (repeatable). The end-entity certificate's status must then be known and the
    /// CRL current.
    #[arg(long = "crl", value_name = "FILE")]
    pub crls: Vec<String>,
    /// Apply the SPIFFE X.509-SVID rules and use the SPIFFE ID as subject.
    #[arg(long)]
    pub spiffe: bool,
    /// JSON object: identity -> scopes (SPIFFE ID, URI or DNS SAN, `cn:<name>`, `sha256:<hex>`).
    #[arg(long, value_name = "FILE")]
    pub allow: Option<String>,
    /// INPUT holds the header value a TLS-terminating proxy of this kind set.
    #[arg(long, value_enum, value_name = "KIND")]
    pub forwarded: Option<Forwarded>,
    /// With `--forwarded rfc9440`: a file holding the `Client-Cert-Chain` value.
    #[arg(long, value_name = "FILE")]
    pub chain_header: Option<String>,
    /// `--now` and the INPUTs.
    #[command(flatten)]
    pub common: cli::CommonArgs,
}

/// Runs `authv mtls …`.
///
/// # Errors
/// A [`UsageError`] for unusable options or files.
pub fn run(action: Action) -> Result<u8, UsageError> {
    match action {
        Action::Verify(args) => verify(&args),
    }
}

fn build(args: &VerifyArgs) -> Result<Verifier, UsageError> {
    let mut builder = Verifier::builder();
    if args.spiffe {
        builder = builder.spiffe_any_trust_domain();
    }
    for path in &args.cas {
        let pem = cli::read_source(path, "cannot read CA")?;
        builder = builder.trust_anchors_pem(&pem).map_err(|e| UsageError::file(path, "invalid CA", e))?;
    }
    if let Some(path) = &args.intermediates {
        let pem = cli::read_source(path, "cannot read intermediates")?;
        builder = builder.intermediates_pem(&pem).map_err(|e| UsageError::file(path, "invalid intermediates", e))?;
    }
    for path in &args.crls {
        let bytes = cli::read_source(path, "cannot read CRL")?;
        builder = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            builder.crls_pem(&bytes).map_err(|e| UsageError::file(path, "invalid CRL", e))?
        } else {
            builder.crl_der(&bytes)
        };
    }
    if !args.crls.is_empty() {
        builder = builder.revocation_policy(RevocationPolicy {
            depth: RevocationDepth::EndEntity,
            unknown_status: UnknownStatusPolicy::Deny,
            expiration: CrlExpiration::Enforce,
        });
    }
    builder = match &args.allow {
        Some(path) => {
            let bytes = cli::read_source(path, "cannot read allow-list")?;
            let text =
                core::str::from_utf8(&bytes).map_err(|_| UsageError::file(path, "invalid allow-list", "not UTF-8"))?;
            let normalized = normalize_allow_list(text).map_err(|e| UsageError::file(path, "invalid allow-list", e))?;
            builder.allow_list_json(&normalized).map_err(|e| UsageError::file(path, "invalid allow-list", e))?
        }
        None => builder.allow_any_trusted(ScopeSet::new()),
    };
    builder.build().map_err(|e| UsageError(format!("unusable configuration: {e}")))
}

/// The CLI's allow file names identities the way operators write them: a SPIFFE ID, a URI SAN, a DNS SAN,
/// `cn:<common name>` or `sha256:<hex>`. auth-mtls asks for an explicit kind on URIs and DNS names
/// (`uri:`, `dns:`), so bare ones are given theirs here: text with `://` is a URI, other text without a
/// kind prefix a DNS name.
fn normalize_allow_list(text: &str) -> Result<String, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let Value::Object(map) = value else {
        return Err("expected a JSON object of identity -> scopes".into());
    };
    let mut out = Map::new();
    for (identity, scopes) in map {
        let explicit = ["spiffe://", "cn:", "sha256:", "uri:", "dns:", "email:"];
        let key = if explicit.iter().any(|p| identity.starts_with(p)) {
            identity
        } else if identity.contains("://") {
            format!("uri:{identity}")
        } else {
            format!("dns:{identity}")
        };
        if out.insert(key.clone(), scopes).is_some() {
            return Err(format!("identity {key} listed twice"));
        }
    }
    Ok(Value::Object(out).to_string())
}

fn accepted(client: &VerifiedClient) -> Verdict {
    let strings = |v: &[String]| Value::Array(v.iter().map(|s| Value::String(s.clone())).collect());
    let mut extra = Map::new();
    extra.insert("fingerprint_sha256".into(), Value::String(client.fingerprint_sha256_hex()));
    extra.insert("x5t#S256".into(), Value::String(client.x5t_s256()));
    extra.insert("dns".into(), strings(client.dns_names()));
    extra.insert("uris".into(), strings(client.uris()));
    if let Some(cn) = client.common_name() {
        extra.insert("cn".into(), Value::String(cn.into()));
    }
    if let Some(id) = client.spiffe_id() {
        extra.insert("spiffe_id".into(), Value::String(id.to_string()));
    }
    extra.insert("not_after".into(), Value::from(client.not_after().as_unix()));
    Verdict::accepted("mtls", &client.identity(), extra)
}

fn verify(args: &VerifyArgs) -> Result<u8, UsageError> {
    if args.chain_header.is_some() && args.forwarded != Some(Forwarded::Rfc9440) {
        return Err(UsageError("--chain-header goes with --forwarded rfc9440".into()));
    }
    let verifier = build(args)?;
    let chain_header = match &args.chain_header {
        Some(path) => Some(cli::read_source(path, "cannot read chain header")?),
        None => None,
    };
    let now = args.common.now()?;
    let inputs = args.common.read()?;
    let verdicts: Vec<Verdict> = inputs
        .iter()
        .map(|input| {
            let result = match args.forwarded {
                Some(kind) => verifier.verify_forwarded_value(
                    kind.format(),
                    input.trim_ascii(),
                    chain_header.as_deref().map(<[u8]>::trim_ascii),
                    now,
                ),
                None => verifier.verify_pem(input, now),
            };
            match result {
                Ok(client) => accepted(&client),
                Err(e) => Verdict::from_error("mtls", &e),
            }
        })
        .collect();
    Ok(cli::emit(&verdicts))
}
