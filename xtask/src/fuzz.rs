//! `cargo xtask fuzz`: cargo-fuzz campaigns over the targets in `fuzz/`, and their seed corpora.
//!
//! ```text
//! cargo xtask fuzz [TARGET...] [--time SECONDS] [--jobs N] [--work DIR] [--no-build]
//!                                                     campaigns (default: every target, 60 s, 1 job)
//! cargo xtask fuzz --smoke [--time SECONDS] [--jobs N]   every target, 15 s each, 2 at a time (CI)
//! cargo xtask fuzz --list                                                the targets and their dictionaries
//! cargo xtask fuzz seed                                                  write testkit seeds into fuzz/corpus
//! ```
//!
//! A campaign builds every target once with the installed nightly (`cargo +nightly fuzz build`: its
//! defaults are AddressSanitizer and debug assertions with overflow checks, so that integer overflow is
//! a finding), then runs each target
//! with `cargo +nightly fuzz run <target> <scratch> fuzz/corpus/<target> -- -max_total_time=S
//! -rss_limit_mb=2048 -timeout=10 -dict=fuzz/dicts/<dict>`. libFuzzer writes new inputs only to the
//! first corpus directory, a scratch directory under `fuzz/target/campaign/` (ignored by git; `--work`
//! moves it), so a campaign never grows the committed corpus. Any crash, leak, timeout or
//! out-of-memory fails the task; the reproducer is in `fuzz/artifacts/<target>/`.
//!
//! Each target's dictionary is named on a `//! dict: <file>` line of `fuzz/fuzz_targets/<target>.rs`.
//! Per target, the summary reports the time run, executions, executions per second, coverage (`cov`,
//! edges, and `ft`, features, from libFuzzer's final `#N DONE` line) and crashes; each run's full
//! output is in `<work>/<target>.log`.

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The smoke run's default seconds per target.
const SMOKE_SECS: u64 = 15;
/// A campaign's default seconds per target.
const DEFAULT_SECS: u64 = 60;

fn fuzz_dir() -> PathBuf {
    crate::workspace_root().join("fuzz")
}

/// The targets (`fuzz/fuzz_targets/*.rs`), sorted, with their dictionary file names.
fn targets() -> Result<Vec<(String, Option<String>)>, String> {
    let dir = fuzz_dir().join("fuzz_targets");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let (Some(stem), Some("rs")) =
            (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|s| s.to_str()))
        else {
            continue;
        };
        let src = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let dict = src.lines().find_map(|l| l.strip_prefix("//! dict:")).map(|d| d.trim().to_owned());
        out.push((stem.to_owned(), dict));
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("no fuzz targets in {}", dir.display()));
    }
    Ok(out)
}

struct Options {
    targets: Vec<String>,
    secs: u64,
    jobs: usize,
    work: PathBuf,
    build: bool,
}

/// Runs `cargo xtask fuzz`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let all = targets()?;
    let mut selected = Vec::new();
    let mut secs = None;
    let mut jobs = None;
    let mut smoke = false;
    let mut build = true;
    let mut work = fuzz_dir().join("target").join("campaign");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list" => {
                for (t, d) in &all {
                    println!("{t:<16} dict: {}", d.as_deref().unwrap_or("-"));
                }
                return Ok(());
            }
            "seed" if selected.is_empty() => return seed(),
            "--smoke" => smoke = true,
            "--no-build" => build = false,
            "--time" => secs = Some(number(it.next(), "--time")?),
            "--jobs" => jobs = Some(usize::try_from(number(it.next(), "--jobs")?).map_err(|e| e.to_string())?),
            "--work" => work = PathBuf::from(it.next().ok_or("--work needs a directory")?),
            "-h" | "--help" => {
                println!("{}", USAGE);
                return Ok(());
            }
            t if t.starts_with('-') => return Err(format!("fuzz: unknown option `{t}`\n{USAGE}")),
            t => {
                if !all.iter().any(|(n, _)| n == t) {
                    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(format!("fuzz: unknown target `{t}` (targets: {})", names.join(", ")));
                }
                selected.push(t.to_owned());
            }
        }
    }
    if selected.is_empty() {
        selected = all.iter().map(|(n, _)| n.clone()).collect();
    }
    let default_jobs = if smoke { std::thread::available_parallelism().map_or(1, |n| n.get().min(2)) } else { 1 };
    let opts = Options {
        targets: selected,
        secs: secs.unwrap_or(if smoke { SMOKE_SECS } else { DEFAULT_SECS }).max(1),
        jobs: jobs.unwrap_or(default_jobs).max(1),
        work,
        build,
    };
    campaign(&opts, &all)
}

const USAGE: &str = "usage: cargo xtask fuzz [TARGET...] [--time SECONDS] [--jobs N] [--work DIR] [--no-build]
       cargo xtask fuzz --smoke [--time SECONDS] [--jobs N]
       cargo xtask fuzz --list
       cargo xtask fuzz seed";

fn number(v: Option<&String>, flag: &str) -> Result<u64, String> {
    v.ok_or_else(|| format!("{flag} needs a number"))?.parse().map_err(|e| format!("{flag}: {e}"))
}

/// `cargo xtask fuzz seed`: the testkit seeds, written by the `authv-fuzz-seed` binary of the
/// workspace crate that holds the entry points (so seeds and targets share keys and PKI).
fn seed() -> Result<(), String> {
    let corpus = fuzz_dir().join("corpus");
    let corpus = corpus.to_str().ok_or("non-UTF-8 path")?;
    crate::step(
        "fuzz seed",
        &crate::cargo(),
        &["run", "--locked", "-q", "-p", "authv-fuzz", "--bin", "authv-fuzz-seed", "--", corpus],
        &[],
    )
}

/// What one run reported.
#[derive(Debug, Default, Clone)]
struct Stats {
    target: String,
    secs: f64,
    execs: Option<u64>,
    exec_per_sec: Option<u64>,
    cov: Option<u64>,
    ft: Option<u64>,
    crashes: usize,
    failure: Option<String>,
}

/// The number after `key` in `line` (`cov: 123` -> 123).
fn field(line: &str, key: &str) -> Option<u64> {
    let rest = line.split(key).nth(1)?;
    let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Reads libFuzzer's output: the final `#N DONE cov: … ft: … exec/s: …` line (the last status line
/// when it ended otherwise), and the artifacts it wrote.
fn parse_output(target: &str, text: &str, secs: f64) -> Stats {
    let mut s = Stats { target: target.to_owned(), secs, ..Stats::default() };
    let status = text.lines().rev().find(|l| l.starts_with('#') && l.contains("cov:"));
    let done = text.lines().find(|l| l.starts_with('#') && l.contains(" DONE "));
    if let Some(line) = done.or(status) {
        s.execs = field(line, "#");
        s.cov = field(line, "cov:");
        s.ft = field(line, "ft:");
        s.exec_per_sec = field(line, "exec/s:");
    }
    for l in text.lines() {
        // `Done 1234 runs in 600 second(s)`: the fuzzing time proper.
        if let Some(rest) = l.strip_prefix("Done ")
            && let Some(t) = rest.split(" in ").nth(1).and_then(|t| t.split(' ').next()).and_then(|t| t.parse().ok())
        {
            s.secs = t;
        }
        if let Some(n) = l.strip_prefix("stat::number_of_executed_units:") {
            s.execs = n.trim().parse().ok().or(s.execs);
        }
        if let Some(n) = l.strip_prefix("stat::average_exec_per_sec:") {
            s.exec_per_sec = n.trim().parse().ok().or(s.exec_per_sec);
        }
    }
    let artifacts: Vec<&str> = text.lines().filter(|l| l.contains("Test unit written to")).collect();
    s.crashes = artifacts.len();
    let kinds = [
        ("ERROR: AddressSanitizer", "memory error"),
        ("ERROR: LeakSanitizer", "leak"),
        ("ERROR: libFuzzer: timeout", "timeout"),
        ("ERROR: libFuzzer: out-of-memory", "out-of-memory"),
        ("ERROR: libFuzzer: deadly signal", "crash (panic or signal)"),
        ("ERROR: libFuzzer: fuzz target exited", "target exited"),
    ];
    if let Some((_, kind)) = kinds.iter().find(|(needle, _)| text.contains(needle)) {
        s.failure = Some(format!("{kind}: {}", artifacts.join("; ")));
    }
    s
}

fn fmt_opt(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn campaign(opts: &Options, all: &[(String, Option<String>)]) -> Result<(), String> {
    let fuzz = fuzz_dir();
    let fuzz_str = fuzz.to_str().ok_or("non-UTF-8 path")?.to_owned();
    if opts.build {
        let build_started = Instant::now();
        println!("==> fuzz build: cargo +nightly fuzz build (AddressSanitizer, debug assertions)");
        let status =
            Command::new("cargo").args(["+nightly", "fuzz", "build"]).current_dir(&fuzz).status().map_err(|e| {
                format!("cannot run `cargo +nightly fuzz` (install: cargo install --locked cargo-fuzz): {e}")
            })?;
        if !status.success() {
            return Err(format!("fuzz build failed ({status})"));
        }
        println!("<== fuzz build: {:.1}s", build_started.elapsed().as_secs_f64());
    }
    let bin_dir = binary_dir(&fuzz)?;
    for t in &opts.targets {
        if !bin_dir.join(t).is_file() {
            return Err(format!("{} is not built (run without --no-build)", bin_dir.join(t).display()));
        }
    }
    fs::create_dir_all(opts.work.join("corpus")).map_err(|e| format!("{}: {e}", opts.work.display()))?;

    let queue: Arc<Mutex<VecDeque<String>>> = Arc::new(Mutex::new(opts.targets.iter().cloned().collect()));
    let results: Arc<Mutex<Vec<Stats>>> = Arc::new(Mutex::new(Vec::new()));
    println!(
        "==> fuzz: {} target(s), {} s each, {} at a time; scratch corpora and logs in {}",
        opts.targets.len(),
        opts.secs,
        opts.jobs,
        opts.work.display()
    );
    let mut workers = Vec::new();
    for _ in 0..opts.jobs.min(opts.targets.len()) {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        let work = opts.work.clone();
        let fuzz_str = fuzz_str.clone();
        let bin_dir = bin_dir.clone();
        let secs = opts.secs;
        let dicts: Vec<(String, Option<String>)> = all.to_vec();
        workers.push(std::thread::spawn(move || {
            // The guard is consumed inside `map_or`: the queue is not locked while a target runs.
            while let Some(target) = queue.lock().map_or(None, |mut q| q.pop_front()) {
                let dict = dicts.iter().find(|(n, _)| *n == target).and_then(|(_, d)| d.clone());
                let stats = run_one(&bin_dir.join(&target), &target, dict.as_deref(), secs, &work, &fuzz_str);
                println!("{}", line(&stats));
                if let Ok(mut r) = results.lock() {
                    r.push(stats);
                }
            }
        }));
    }
    for w in workers {
        w.join().map_err(|_| "a fuzz worker panicked".to_owned())?;
    }
    let mut results = results.lock().map_err(|_| "results poisoned".to_owned())?.clone();
    results.sort_by(|a, b| a.target.cmp(&b.target));
    println!();
    println!(
        "{:<16} {:>7} {:>12} {:>8} {:>7} {:>7} {:>7}  result",
        "target", "secs", "executions", "exec/s", "cov", "ft", "crashes"
    );
    for s in &results {
        println!("{}", line(s));
    }
    let failed: Vec<&Stats> = results.iter().filter(|s| s.failure.is_some()).collect();
    if failed.is_empty() {
        println!("xtask fuzz: {} target(s), no crash, leak, timeout or out-of-memory", results.len());
        Ok(())
    } else {
        for s in &failed {
            eprintln!("xtask fuzz: {}: {}", s.target, s.failure.as_deref().unwrap_or_default());
        }
        Err(format!("{} target(s) failed; reproducers are in fuzz/artifacts/<target>/", failed.len()))
    }
}

fn line(s: &Stats) -> String {
    format!(
        "{:<16} {:>7.0} {:>12} {:>8} {:>7} {:>7} {:>7}  {}",
        s.target,
        s.secs,
        fmt_opt(s.execs),
        fmt_opt(s.exec_per_sec),
        fmt_opt(s.cov),
        fmt_opt(s.ft),
        s.crashes,
        s.failure.as_deref().unwrap_or("ok")
    )
}

/// Where cargo-fuzz puts the target binaries: `<target dir>/<host triple>/release/`.
fn binary_dir(fuzz: &Path) -> Result<PathBuf, String> {
    let out = Command::new("rustc")
        .args(["+nightly", "-vV"])
        .output()
        .map_err(|e| format!("cannot run rustc +nightly: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let host =
        text.lines().find_map(|l| l.strip_prefix("host: ")).ok_or("rustc -vV printed no host")?.trim().to_owned();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| fuzz.join("target"), PathBuf::from);
    Ok(target_dir.join(host).join("release"))
}

fn run_one(binary: &Path, target: &str, dict: Option<&str>, secs: u64, work: &Path, fuzz: &str) -> Stats {
    let scratch = work.join("corpus").join(target);
    let log_path = work.join(format!("{target}.log"));
    let fail = |msg: String| Stats { target: target.to_owned(), failure: Some(msg), ..Stats::default() };
    if let Err(e) = fs::create_dir_all(&scratch) {
        return fail(format!("{}: {e}", scratch.display()));
    }
    let committed = format!("{fuzz}/corpus/{target}");
    let artifacts = format!("{fuzz}/artifacts/{target}/");
    if let Err(e) = fs::create_dir_all(&artifacts) {
        return fail(format!("{artifacts}: {e}"));
    }
    let mut libfuzzer = vec![
        format!("-artifact_prefix={artifacts}"),
        format!("-max_total_time={secs}"),
        "-rss_limit_mb=2048".to_owned(),
        "-timeout=10".to_owned(),
        "-print_final_stats=1".to_owned(),
    ];
    if let Some(d) = dict {
        libfuzzer.push(format!("-dict={fuzz}/dicts/{d}"));
    }
    let log = match fs::File::create(&log_path) {
        Ok(f) => f,
        Err(e) => return fail(format!("{}: {e}", log_path.display())),
    };
    let log_err = match log.try_clone() {
        Ok(f) => f,
        Err(e) => return fail(e.to_string()),
    };
    let started = Instant::now();
    let status = Command::new(binary)
        .args(&libfuzzer)
        .arg(&scratch)
        .arg(&committed)
        .current_dir(fuzz)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .status();
    let secs_run = started.elapsed().as_secs_f64();
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let mut stats = parse_output(target, &text, secs_run);
    match status {
        Ok(st) if st.success() => {}
        Ok(st) => {
            if stats.failure.is_none() {
                stats.failure = Some(format!("{target} exited with {st}; see {}", log_path.display()));
            }
        }
        Err(e) => stats.failure = Some(format!("cannot run {}: {e}", binary.display())),
    }
    if stats.execs.is_none() && stats.failure.is_none() {
        stats.failure = Some(format!("no libFuzzer statistics; see {}", log_path.display()));
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_done_line_and_final_stats() {
        let text = "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                    #1234\tDONE   cov: 456 ft: 789 corp: 12/345b lim: 4 exec/s: 41 rss: 60Mb\n\
                    Done 1234 runs in 30 second(s)\n\
                    stat::number_of_executed_units: 1234\n\
                    stat::average_exec_per_sec:     41\n";
        let s = parse_output("t", text, 30.0);
        assert_eq!((s.execs, s.cov, s.ft, s.exec_per_sec, s.crashes), (Some(1234), Some(456), Some(789), Some(41), 0));
        assert!(s.failure.is_none());
    }

    #[test]
    fn reports_a_crash() {
        let text = "#100\tNEW    cov: 5 ft: 6 corp: 2/2b exec/s: 0 rss: 30Mb\n\
                    ==1== ERROR: libFuzzer: deadly signal\n\
                    artifact_prefix='/f/artifacts/t/'; Test unit written to /f/artifacts/t/crash-abc\n";
        let s = parse_output("t", text, 1.0);
        assert_eq!((s.cov, s.crashes), (Some(5), 1));
        assert!(s.failure.as_deref().is_some_and(|f| f.contains("crash-abc")));
    }
}
