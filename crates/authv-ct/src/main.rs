//! `authv-ct`: the constant-time harness behind `cargo xtask ct`.
//!
//! - `authv-ct memcheck <path>` must run under `valgrind --tool=memcheck`: it marks the path's
//!   secret inputs undefined (valgrind client request `MAKE_MEM_UNDEFINED`) before the library
//!   prepares its keys, runs the verification on an accepted input, a near miss and random inputs,
//!   and declassifies (`MAKE_MEM_DEFINED`) only each returned verdict. memcheck then reports every
//!   conditional jump or memory address that depends on a secret; `cargo xtask ct` reads its XML
//!   report and allows only the branches on the comparison's one-bit verdict (`verdict_sites` in
//!   `paths.rs`). It refuses to run natively (exit 3), so the gate cannot pass by not measuring.
//! - `authv-ct dudect [--samples N] [--json FILE]` (native): per path, Welch's t-test between a
//!   fixed class (the near miss) and a random class of rejected inputs, on the raw timings and on
//!   dudect's 100 percentile crops; prints the maximum |t| per path and writes JSON.
//! - `authv-ct list` prints the path names.
// A command-line harness reports to the terminal; set-up failures are reported by panicking.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::panic, clippy::indexing_slicing)]

mod dudect;
mod paths;

mod vg;

use auth_core::{ReplayError, ReplayGuard, Timestamp};
use std::process::ExitCode;

/// Marks secret buffers for memcheck (undefined) and declassifies verdicts (defined). Natively both
/// are no-ops.
pub(crate) struct Marker {
    under_valgrind: bool,
}

impl Marker {
    fn new() -> Self {
        Self { under_valgrind: vg::running_on_valgrind() }
    }

    /// Marks the bytes of `secret` undefined: memcheck reports any branch or address computed from
    /// them or from anything derived from them.
    pub(crate) fn secret(&self, secret: &[u8]) {
        if self.under_valgrind && !vg::make_undefined(secret) {
            panic!("memcheck refused MAKE_MEM_UNDEFINED: run under --tool=memcheck");
        }
    }

    /// Marks a verdict defined: the one bit the caller is allowed to learn.
    /// The verdict goes through a memory cell that is marked defined and read back, so what the
    /// caller branches on carries no undefinedness from the secret. Also returns whether the verdict
    /// was still undefined (derived from the secret, not yet branched on) when it arrived.
    fn declassify(&self, verdict: bool) -> (bool, bool) {
        let cell = [u8::from(verdict)];
        let mut tainted = false;
        if self.under_valgrind {
            tainted = vg::is_undefined(&cell).unwrap_or(false);
            // The request only fails when not under memcheck, which `secret` already rules out.
            let _ = vg::make_defined(&cell);
        }
        (std::hint::black_box(&cell)[0] != 0, tainted)
    }
}

/// A replay guard accepting every id (the replay check is not a secret comparison).
pub(crate) struct AcceptAll;

impl ReplayGuard for AcceptAll {
    fn check_and_record(&self, _: &[u8], _: &[u8], _: Timestamp, _: Timestamp) -> Result<(), ReplayError> {
        Ok(())
    }
}

/// splitmix64: deterministic input pools and class order.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") => {
            let m = Marker { under_valgrind: false };
            for p in paths::build(&m, &mut Rng::new(1), &[]) {
                println!("{}\t{}\t{}\t{}", p.name, p.max_sites, p.verdict_sites.join("|"), p.what);
            }
            ExitCode::SUCCESS
        }
        Some("memcheck") => memcheck(args.get(1).map(String::as_str)),
        Some("dudect") => dudect::run(args.get(1..).unwrap_or_default()),
        _ => {
            eprintln!("usage: authv-ct list | memcheck <path> | dudect [--samples N] [--json FILE]");
            ExitCode::from(2)
        }
    }
}

fn memcheck(only: Option<&str>) -> ExitCode {
    let m = Marker::new();
    if !m.under_valgrind {
        eprintln!("authv-ct memcheck: not running under valgrind (RUNNING_ON_VALGRIND is 0); refusing to report");
        return ExitCode::from(3);
    }
    let Some(name) = only else {
        eprintln!("authv-ct memcheck: name one path (authv-ct list)");
        return ExitCode::from(2);
    };
    let mut rng = Rng::new(0x00c7_5eed);
    let paths = paths::build(&m, &mut rng, &[name.to_owned()]);
    let Some(path) = paths.first() else {
        eprintln!("authv-ct memcheck: unknown path `{name}`");
        return ExitCode::from(2);
    };
    // Accepted, near miss, then random inputs, twice over, so both verdicts go through every branch.
    // A verdict that arrives undefined shows the secret reached it without any branch in between
    // (the library's comparison and its result handling are branch-free); one that arrives defined
    // was branched on inside the library, which memcheck reports. `cargo xtask ct` requires one of
    // the two for every path, so a secret marked where it is never used cannot pass unnoticed.
    let (mut wrong, mut tainted) = (0, 0);
    for round in 0..2 {
        for i in [0usize, 1, 2, paths::VARIANTS + 1, paths::VARIANTS + 2] {
            let (verdict, t) = m.declassify((path.verify)(i));
            tainted += usize::from(t);
            let expected = i == 0;
            if verdict != expected {
                eprintln!("{name}: input {i} (round {round}) gave {verdict}, expected {expected}");
                wrong += 1;
            }
        }
    }
    println!("{name}: 10 verifications, {wrong} wrong verdicts, {tainted} undefined verdicts");
    if wrong == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

#[cfg(test)]
mod tests {
    use super::{Marker, Rng, paths};

    /// Natively (no valgrind), every path accepts its pool's first input and rejects the near miss
    /// and the random ones: the inputs memcheck and dudect use are what they claim to be.
    #[test]
    fn every_path_accepts_only_the_correct_input() {
        let m = Marker::new();
        assert!(!m.under_valgrind);
        let all = paths::build(&m, &mut Rng::new(5), &[]);
        assert_eq!(all.len(), paths::ALL.len());
        for p in &all {
            assert!((p.verify)(0), "{}: correct input rejected", p.name);
            for i in 1..paths::POOL {
                assert!(!(p.verify)(i), "{}: input {i} accepted", p.name);
            }
        }
    }
}
