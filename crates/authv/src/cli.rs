//! What every `verify` subcommand shares: reading inputs, the JSON Lines verdicts, exit codes.
//!
//! The contract (flags, JSON Lines, exit codes) is pinned by `authv`'s integration tests:
//! - one JSON object per INPUT, in input order, on standard output;
//! - exit 0 when every INPUT was accepted, 1 when at least one was rejected, 2 for a usage error or an
//!   unusable configuration, with one line on standard error and nothing on standard output.

use auth_core::{Identity, Reject, Rejection, Timestamp};
use serde_json::{Map, Value, json};
use std::io::{Read, Write};
use std::path::Path;

/// Options every `verify` subcommand takes: the verification time and the INPUTs.
#[derive(clap::Args, Debug)]
pub struct CommonArgs {
    /// Verification time in Unix seconds (default: the system clock).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Files holding one credential each (a token, a raw HTTP request, a key, a PEM chain or a proxy
    /// header value), or `-` for standard input.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
}

impl CommonArgs {
    /// `--now` or the system clock.
    ///
    /// # Errors
    /// As [`now`].
    pub fn now(&self) -> Result<Timestamp, UsageError> {
        now(self.now)
    }

    /// Every INPUT's bytes, as [`read_inputs`].
    ///
    /// # Errors
    /// As [`read_inputs`].
    pub fn read(&self) -> Result<Vec<Vec<u8>>, UsageError> {
        read_inputs(&self.inputs)
    }
}

/// A usage or configuration error: exit status 2 and one line on standard error.
#[derive(Debug)]
pub struct UsageError(pub String);

impl UsageError {
    /// An error about a file that could not be used.
    pub fn file(path: &str, what: &str, detail: impl std::fmt::Display) -> Self {
        Self(format!("{what} {path}: {detail}"))
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One line, whatever the detail held.
        f.write_str(&self.0.replace(['\n', '\r'], " "))
    }
}

/// The most bytes read from one INPUT or configuration file (16 MiB): far above any credential, far
/// below what could exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file, or standard input for `-`, bounded by [`MAX_FILE_BYTES`].
///
/// # Errors
/// A [`UsageError`] naming the file.
pub fn read_source(path: &str, what: &str) -> Result<Vec<u8>, UsageError> {
    let mut buf = Vec::new();
    let result = if path == "-" {
        std::io::stdin().lock().take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)
    } else {
        std::fs::File::open(Path::new(path)).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf))
    };
    result.map_err(|e| UsageError::file(path, what, e))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(UsageError::file(path, what, format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok(buf)
}

/// Reads every INPUT before anything is verified, so an unreadable one fails the run with exit 2 and
/// nothing printed. `-` may appear once.
///
/// # Errors
/// A [`UsageError`] for a missing list, a repeated `-`, or an unreadable file.
pub fn read_inputs(inputs: &[String]) -> Result<Vec<Vec<u8>>, UsageError> {
    if inputs.is_empty() {
        return Err(UsageError("no INPUT given (a file path, or - for standard input)".into()));
    }
    if inputs.iter().filter(|i| *i == "-").count() > 1 {
        return Err(UsageError("standard input (-) can be read only once".into()));
    }
    inputs.iter().map(|p| read_source(p, "cannot read INPUT")).collect()
}

/// A secret file's bytes with one trailing newline (LF or CRLF) removed.
pub fn strip_one_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    bytes
}

/// `--now` or the system clock.
///
/// # Errors
/// When the system clock is outside the representable range.
pub fn now(fixed: Option<i64>) -> Result<Timestamp, UsageError> {
    match fixed {
        Some(secs) => Ok(Timestamp::from_unix(secs)),
        None => Timestamp::try_from(std::time::SystemTime::now())
            .map_err(|_| UsageError("the system clock is out of range; pass --now".into())),
    }
}

/// One verdict line.
#[derive(Debug, Clone)]
pub struct Verdict(pub Value);

impl Verdict {
    /// An accepted credential: `ok`, `scheme`, `subject`, `scopes`, plus `extra` members.
    pub fn accepted(scheme: &str, identity: &Identity, extra: Map<String, Value>) -> Self {
        let mut obj = Map::new();
        obj.insert("ok".into(), Value::Bool(true));
        obj.insert("scheme".into(), Value::String(scheme.into()));
        obj.insert("subject".into(), Value::String(identity.subject.clone()));
        obj.insert("scopes".into(), Value::Array(identity.scopes.iter().map(|s| Value::String(s.into())).collect()));
        if let Some(exp) = identity.expires_at {
            obj.insert("expires_at".into(), json!(exp.as_unix()));
        }
        for (k, v) in extra {
            obj.insert(k, v);
        }
        Self(Value::Object(obj))
    }

    /// A rejected credential: `ok`, `scheme`, `status`, `error`, `reason`.
    pub fn rejected(scheme: &str, rejection: &Rejection) -> Self {
        // Missing credentials carry no RFC 6750 code on the wire; the CLI reports them as the request
        // being unusable, which is what a server would log.
        let error = rejection.error().map_or("invalid_request", |c| c.as_str());
        Self(json!({
            "ok": false,
            "scheme": scheme,
            "status": rejection.status().code(),
            "error": error,
            "reason": rejection.reason(),
        }))
    }

    /// A rejection from any crate's error type.
    pub fn from_error<E: Reject>(scheme: &str, e: &E) -> Self {
        Self::rejected(scheme, &e.rejection())
    }

    /// Whether this verdict accepted.
    pub fn is_ok(&self) -> bool {
        self.0.get("ok") == Some(&Value::Bool(true))
    }
}

/// Prints verdicts as JSON Lines and returns the exit status: 0 if all accepted, else 1.
pub fn emit(verdicts: &[Verdict]) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for v in verdicts {
        // A closed pipe is not worth a panic; the exit status still tells the verdict.
        let _ = writeln!(out, "{}", v.0);
    }
    let _ = out.flush();
    if verdicts.iter().all(Verdict::is_ok) { 0 } else { 1 }
}
