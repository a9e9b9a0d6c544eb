//! Writes the seed corpora of every fuzz target: `authv-fuzz-seed <corpus dir>` creates
//! `<dir>/<target>/seed-<name>` for each seed of [`authv_fuzz::seeds::all`] (existing seeds are
//! overwritten; other files are left alone). `cargo xtask fuzz seed` runs it on `fuzz/corpus`.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: authv-fuzz-seed <corpus dir>");
        return ExitCode::from(2);
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (target, name, bytes) in authv_fuzz::seeds::all() {
        let sub = dir.join(target);
        let path = sub.join(format!("seed-{name}"));
        if let Err(e) = std::fs::create_dir_all(&sub).and_then(|()| std::fs::write(&path, &bytes)) {
            eprintln!("authv-fuzz-seed: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        *counts.entry(target).or_default() += 1;
    }
    for (target, _, _) in authv_fuzz::TARGETS {
        println!("{target:>16}: {} seeds", counts.get(target).copied().unwrap_or(0));
    }
    ExitCode::SUCCESS
}
