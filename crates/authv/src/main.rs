//! `authv`: verify any credential from a file and say why it was rejected, or run the end-to-end demo.
//!
//! ```text
//! authv jwt verify    [--jwks F] [--key F] [--secret-file F] [--alg A]... [--iss I] [--aud A]... INPUT...
//! authv hmac verify   --scheme S [--keys F | --secret-file F | --jwks F] [--tolerance SECS] INPUT...
//! authv apikey new    --prefix P [--scope S]... [--expires UNIX]
//! authv apikey verify --keys F [--scope S]... INPUT...
//! authv mtls verify   --ca F... [--intermediates F] [--crl F]... [--spiffe] [--allow F] [--forwarded K] INPUT...
//! authv demo | serve
//! ```
//!
//! Standard output carries one JSON object per INPUT (JSON Lines). Exit status: 0 when every INPUT was
//! accepted, 1 when at least one was rejected, 2 for a usage error or an unusable configuration (one line
//! on standard error, nothing on standard output).
#![forbid(unsafe_code)]
// A command-line program talks to its terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use authv::cli::UsageError;
use authv::{apikey, demo, hmac, jwt, mtls};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "authv", version, about = "Verify API credentials and say why they were rejected")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// JWT / OAuth 2.0 access tokens.
    Jwt {
        #[command(subcommand)]
        action: jwt::Action,
    },
    /// HMAC-signed requests, webhooks, AWS SigV4 and RFC 9421.
    Hmac {
        #[command(subcommand)]
        action: hmac::Action,
    },
    /// API keys: issue and verify.
    Apikey {
        #[command(subcommand)]
        action: apikey::Action,
    },
    /// Mutual-TLS client certificates.
    Mtls {
        #[command(subcommand)]
        action: mtls::Action,
    },
    /// Mint credentials of every scheme, start an HTTPS server on 127.0.0.1, drive it with a real
    /// client and check every verdict. Exits 0 only if every verdict was as expected.
    Demo(demo::DemoArgs),
    /// Run the demo server until interrupted and print ready-to-paste curl commands.
    Serve(demo::ServeArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let rendered = e.to_string();
            let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("invalid usage");
            eprintln!("authv: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let result: Result<u8, UsageError> = match cli.command {
        Command::Jwt { action } => jwt::run(action),
        Command::Hmac { action } => hmac::run(action),
        Command::Apikey { action } => apikey::run(action),
        Command::Mtls { action } => mtls::run(action),
        Command::Demo(args) => demo::run_demo(&args),
        Command::Serve(args) => demo::run_serve(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("authv: {e}");
            ExitCode::from(2)
        }
    }
}
