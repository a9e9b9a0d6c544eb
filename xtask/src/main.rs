//! `cargo xtask <task>`: the project's checks, runnable the same way locally and in CI.
//!
//! - `cargo xtask ci [--skip-tests]` — formatting, clippy with `-D warnings`, the workspace tests, rustdoc
//!   with `-D warnings`, and `cargo deny check bans licenses sources`. `--skip-tests` is for `.ci/run`,
//!   which has just run the README's test command.
//! - `cargo xtask demo` — `authv demo` from a release build, as the README runs it.
//! - `cargo xtask fuzz …` — cargo-fuzz campaigns and seeds (see `fuzz.rs`).
//! - `cargo xtask bench …` — criterion benches and the instruction-count gate (see `bench.rs`).
//! - `cargo xtask ct …` — the constant-time harness (see `ct.rs`).
#![forbid(unsafe_code)]
// A task runner reports to the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ct;
mod fuzz;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(args.get(1..).unwrap_or(&[])),
        Some("demo") => demo(),
        Some("fuzz") => fuzz::run(args.get(1..).unwrap_or(&[])),
        Some("bench") => bench::run(args.get(1..).unwrap_or(&[])),
        Some("ct") => ct::run(args.get(1..).unwrap_or(&[])),
        Some("-h" | "--help" | "help") | None => {
            usage();
            return if args.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
        Some(other) => Err(format!("unknown task `{other}`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() {
    eprintln!("usage: cargo xtask <task>");
    eprintln!("  ci [--skip-tests]   fmt, clippy, tests, rustdoc, cargo-deny");
    eprintln!("  demo                authv demo from a release build");
}

pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// Runs one step, printing its command line and duration; fails on a non-zero exit.
pub(crate) fn step(name: &str, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    println!("==> {name}: {program} {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("{name}: cannot run `{program}`: {e}"))?;
    println!("<== {name}: {status} in {:.1}s", started.elapsed().as_secs_f64());
    if status.success() { Ok(()) } else { Err(format!("{name} failed ({status})")) }
}

pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn demo() -> Result<(), String> {
    step("demo", &cargo(), &["run", "--release", "--locked", "-p", "authv", "--", "demo"], &[])
}

fn ci(args: &[String]) -> Result<(), String> {
    let mut skip_tests = false;
    for a in args {
        match a.as_str() {
            "--skip-tests" => skip_tests = true,
            other => return Err(format!("ci: unknown option `{other}`")),
        }
    }
    let cargo = cargo();
    step("fmt", &cargo, &["fmt", "--all", "--check"], &[])?;
    step(
        "clippy",
        &cargo,
        &["clippy", "--workspace", "--all-targets", "--all-features", "--locked", "--", "-D", "warnings"],
        &[],
    )?;
    if !skip_tests {
        step("test", &cargo, &["test", "--workspace", "--all-features", "--locked"], &[])?;
    }
    step(
        "doc",
        &cargo,
        &["doc", "--workspace", "--no-deps", "--all-features", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    step("deny", &cargo, &["deny", "--locked", "check", "bans", "licenses", "sources"], &[])?;
    println!("xtask ci: all checks passed");
    Ok(())
}
