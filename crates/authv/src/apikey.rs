//! `authv apikey new` and `authv apikey verify`: a thin layer over `auth-apikey`.

use crate::cli::{self, UsageError, Verdict};
use auth_apikey::{KeySpec, MemoryStore, Policy, Prefix, Record};
use auth_core::{ScopeSet, Timestamp};
use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

/// `authv apikey …`
#[derive(Subcommand, Debug)]
pub enum Action {
    /// Issue a key: prints `{"key": …, "record": …}`. The key is shown once; store the record.
    New(NewArgs),
    /// Verify presented keys (one per INPUT) against stored records.
    Verify(VerifyArgs),
}

/// Options of `authv apikey new`.
#[derive(Args, Debug)]
pub struct NewArgs {
    /// The key's prefix, naming its environment (for example `sk_live`).
    #[arg(long, value_name = "PREFIX")]
    pub prefix: String,
    /// A scope the key grants (repeatable).
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// When the key expires, in Unix seconds.
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    pub expires: Option<i64>,
    /// The issue time in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    pub now: Option<i64>,
}

/// Options of `authv apikey verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Stored records as JSON Lines (one record per line, as `new` prints under `record`).
    #[arg(long, value_name = "FILE")]
    pub keys: String,
    /// A required scope (repeatable; all are required).
    #[arg(long = "scope", value_name = "S")]
    pub scopes: Vec<String>,
    /// `--now` and the INPUTs.
    #[command(flatten)]
    pub common: cli::CommonArgs,
}

/// Runs `authv apikey …`.
///
/// # Errors
/// A [`UsageError`] for unusable options or files.
pub fn run(action: Action) -> Result<u8, UsageError> {
    match action {
        Action::New(args) => new(&args),
        Action::Verify(args) => verify(&args),
    }
}

fn scopes(list: &[String]) -> Result<ScopeSet, UsageError> {
    ScopeSet::from_tokens(list.iter().map(String::as_str)).map_err(|e| UsageError(format!("--scope: {e}")))
}

fn new(args: &NewArgs) -> Result<u8, UsageError> {
    let now = cli::now(args.now)?;
    let prefix = Prefix::new(&args.prefix).map_err(|e| UsageError(format!("--prefix {}: {e}", args.prefix)))?;
    let spec =
        KeySpec::new(prefix, now).scopes(scopes(&args.scopes)?).expires_at(args.expires.map(Timestamp::from_unix));
    let rng = ring::rand::SystemRandom::new();
    let (key, record) =
        auth_apikey::generate(spec, &rng).map_err(|e| UsageError(format!("cannot issue a key: {e}")))?;
    let record = serde_json::to_value(&record).map_err(|e| UsageError(format!("cannot encode the record: {e}")))?;
    println!("{}", json!({ "key": key.expose(), "record": record }));
    Ok(0)
}

fn load_store(path: &str) -> Result<(MemoryStore, bool), UsageError> {
    let bytes = cli::read_source(path, "cannot read keys")?;
    let text = core::str::from_utf8(&bytes).map_err(|_| UsageError::file(path, "invalid records", "not UTF-8"))?;
    let mut store = MemoryStore::new();
    let mut legacy = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line)
            .map_err(|e| UsageError::file(path, "invalid record", format!("line {}: {e}", n + 1)))?;
        legacy |= record.is_legacy();
        store.insert(record).map_err(|e| UsageError::file(path, "invalid record", format!("line {}: {e}", n + 1)))?;
    }
    Ok((store, legacy))
}

fn verify(args: &VerifyArgs) -> Result<u8, UsageError> {
    let (store, legacy) = load_store(&args.keys)?;
    let required = scopes(&args.scopes)?;
    let mut policy = Policy::any_environment();
    if !required.is_empty() {
        policy = policy.require_scopes(&required);
    }
    if legacy {
        policy = policy.allow_legacy();
    }
    let now = args.common.now()?;
    let inputs = args.common.read()?;
    let verdicts: Vec<Verdict> = inputs
        .iter()
        .map(|input| {
            let presented = core::str::from_utf8(input.trim_ascii()).unwrap_or("\u{fffd}");
            match auth_apikey::verify(presented, &store, &policy, now) {
                Ok(ok) => {
                    let mut extra = Map::new();
                    extra.insert("key_id".into(), Value::String(ok.id().into()));
                    extra.insert("environment".into(), Value::String(ok.environment().into()));
                    Verdict::accepted("apikey", &ok.identity(), extra)
                }
                Err(e) => Verdict::rejected("apikey", &policy.rejection(&e)),
            }
        })
        .collect();
    Ok(cli::emit(&verdicts))
}
