//! Locating the third-party test suites and reporting how many of their cases ran.
//!
//! The suites live outside the repository, in the folder named by `AUTHV_VECTORS`, defaulting to
//! `../shared/vectors` beside the workspace root. Where the folder is absent, suite tests say so loudly
//! on standard error and pass; under `CI=true` its absence fails the test, so CI can never pass by
//! silently running nothing.

// Suite tests report their counts to the terminal by design.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};

/// The vectors folder, or `None` (after a loud notice) when it is absent outside CI.
///
/// # Panics
/// When the folder is absent and `CI=true`.
#[must_use]
pub fn dir() -> Option<PathBuf> {
    let configured = std::env::var_os("AUTHV_VECTORS").map(PathBuf::from);
    let path = configured.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..").join("..").join("shared").join("vectors")
    });
    if path.is_dir() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "third-party vectors not found at {} (set AUTHV_VECTORS); CI requires them", path.display());
    eprintln!(
        "\n!!! third-party vectors not found at {} — suite tests are NOT running (set AUTHV_VECTORS) !!!\n",
        path.display()
    );
    None
}

/// The bytes of `relative` inside the vectors folder, or `None` when the folder is absent outside CI.
///
/// # Panics
/// When the folder exists but the file cannot be read (a broken checkout must not pass silently), or
/// as [`dir`].
#[must_use]
pub fn read(relative: &str) -> Option<Vec<u8>> {
    let path = dir()?.join(relative);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", path.display())))
}

/// Counts of one suite file's cases: ran, passed, and skipped with a reason each.
#[derive(Debug, Default)]
pub struct Tally {
    name: String,
    ran: usize,
    failures: Vec<String>,
    skipped: Vec<(String, String)>,
}

impl Tally {
    /// A tally for the suite file `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self { name: name.to_owned(), ..Self::default() }
    }

    /// Records a case that ran; `Err(description)` when its result differed from the expected one.
    pub fn record(&mut self, id: impl std::fmt::Display, outcome: Result<(), String>) {
        self.ran += 1;
        if let Err(why) = outcome {
            self.failures.push(format!("{id}: {why}"));
        }
    }

    /// Records a case not run, with the reason.
    pub fn skip(&mut self, id: impl std::fmt::Display, reason: &str) {
        self.skipped.push((id.to_string(), reason.to_owned()));
    }

    /// Cases that ran.
    #[must_use]
    pub fn ran(&self) -> usize {
        self.ran
    }

    /// Cases that ran and gave the expected result.
    #[must_use]
    pub fn passed(&self) -> usize {
        self.ran - self.failures.len()
    }

    /// Prints the counts and every skip reason, then fails the test if any case failed or none ran.
    ///
    /// # Panics
    /// When a case failed, or when no case ran.
    pub fn finish(self) {
        println!(
            "suite {}: ran {}, expected result {} of {}, skipped {}",
            self.name,
            self.ran,
            self.passed(),
            self.ran,
            self.skipped.len()
        );
        for (id, why) in &self.skipped {
            println!("  skipped {id}: {why}");
        }
        assert!(self.ran > 0, "suite {}: no case ran", self.name);
        assert!(
            self.failures.is_empty(),
            "suite {}: {} case(s) failed:\n{}",
            self.name,
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}
