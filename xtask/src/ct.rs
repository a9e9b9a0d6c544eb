//! `cargo xtask ct`: the constant-time gate.
//!
//! 1. Builds the harness `authv-ct` (crates/authv-ct) in release mode (debug builds give false
//!    positives) and checks that it refuses to report when run natively.
//! 2. Runs `authv-ct memcheck <path>` under `valgrind --tool=memcheck --xml=yes` for every path
//!    (two at a time). The harness marks the path's secrets undefined before the library prepares
//!    its keys and declassifies only the returned verdict, so memcheck reports every conditional
//!    jump and every memory address that depends on a secret.
//! 3. Classifies each report: a conditional jump whose innermost frame is one of the path's declared
//!    verdict sites (the branch on the comparison's one-bit result; matched on the function's own
//!    path, never on the generic arguments valgrind prints after it), at no more distinct source
//!    locations than declared, is the verdict; anything else — another branch, a second location,
//!    a secret-dependent address — is a finding and fails the gate. The leaky control must have a
//!    finding, and every run must have been a real memcheck run.
//! 4. Runs the dudect-style timing report natively (`authv-ct dudect`), which fails only at |t| >= 500
//!    or when the control does not exceed 10.
//!
//! Options: `--skip-dudect`, `--samples N` (dudect samples per path), `--only <path>` (repeatable).
//! Reports: `target/ct/memcheck.json`, `target/ct/dudect.json`, and the raw XML per path.

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

/// One path as the harness lists it.
struct PathSpec {
    name: String,
    max_sites: usize,
    sites: Vec<String>,
    what: String,
}

/// One memcheck report (an `<error>` of the XML).
#[derive(Debug, Clone)]
struct Report {
    kind: String,
    /// Innermost frame first: (function, file:line).
    frames: Vec<(String, String)>,
}

/// What the gate concluded for one path.
struct Outcome {
    spec: PathSpec,
    reports: Vec<Report>,
    verdict_sites: Vec<String>,
    findings: Vec<Report>,
    problem: Option<String>,
    /// Verdicts (of 10) that arrived in the harness still undefined (derived from the secret).
    undefined_verdicts: usize,
}

pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| crate::workspace_root().join("target"), PathBuf::from)
}

/// Runs `cargo xtask ct`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut skip_dudect = false;
    let mut samples: Option<String> = None;
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--skip-dudect" => skip_dudect = true,
            "--samples" => samples = Some(it.next().ok_or("--samples needs a number")?.clone()),
            "--only" => only.push(it.next().ok_or("--only needs a path name")?.clone()),
            other => return Err(format!("ct: unknown option `{other}` (--skip-dudect, --samples N, --only PATH)")),
        }
    }
    let started = Instant::now();
    crate::step("build harness", &crate::cargo(), &["build", "--release", "--locked", "-p", "authv-ct"], &[])?;
    let bin = target_dir().join("release").join("authv-ct");
    let out_dir = target_dir().join("ct");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;

    // The harness must refuse to report natively (RUNNING_ON_VALGRIND is 0): a gate that passes
    // because nothing was measured is worse than none.
    let native = Command::new(&bin).args(["memcheck", "control_leaky"]).output().map_err(|e| format!("{e}"))?;
    if native.status.code() != Some(3) {
        return Err(format!("ct: the harness did not refuse a native run (status {})", native.status));
    }
    let vg = Command::new("valgrind").arg("--version").output().map_err(|e| format!("ct: valgrind not found: {e}"))?;
    println!("==> memcheck ({}) over every secret-meets-input comparison", String::from_utf8_lossy(&vg.stdout).trim());

    let list = Command::new(&bin).arg("list").output().map_err(|e| format!("{e}"))?;
    let specs: Vec<PathSpec> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(4, '\t');
            let name = f.next()?.to_owned();
            let max_sites = f.next()?.parse().ok()?;
            let sites = f.next()?.split('|').filter(|s| !s.is_empty()).map(str::to_owned).collect();
            let what = f.next()?.to_owned();
            Some(PathSpec { name, max_sites, sites, what })
        })
        .filter(|s| only.is_empty() || only.contains(&s.name))
        .collect();
    if specs.is_empty() || !specs.iter().any(|s| s.name == "control_leaky") && only.is_empty() {
        return Err("ct: the harness listed no paths, or no leaky control".to_owned());
    }

    let queue = Mutex::new(specs.into_iter().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(spec) = queue.lock().ok().and_then(|mut q| q.pop()) {
                    let outcome = check_path(&bin, &out_dir, spec);
                    if let Ok(mut r) = results.lock() {
                        r.push(outcome);
                    }
                }
            });
        }
    });
    let mut outcomes = results.into_inner().map_err(|_| "ct: a worker panicked".to_owned())?;
    outcomes.sort_by(|a, b| {
        (a.spec.name.starts_with("control"), &a.spec.name).cmp(&(b.spec.name.starts_with("control"), &b.spec.name))
    });

    println!();
    println!("{:<22} {:>7} {:>9} {:>9} {:>9}  result", "path", "reports", "verdicts", "undefined", "findings");
    let mut failed = Vec::new();
    for o in &outcomes {
        let control = o.spec.name.starts_with("control");
        let result = match (&o.problem, control, o.findings.is_empty()) {
            (Some(p), _, _) => format!("FAIL: {p}"),
            (None, true, false) => "flagged (control: expected)".to_owned(),
            (None, true, true) => "FAIL: the leaky control was not flagged".to_owned(),
            (None, false, true) => "constant time (only the verdict branches)".to_owned(),
            (None, false, false) => "FAIL: secret-dependent branch or address".to_owned(),
        };
        println!(
            "{:<22} {:>7} {:>9} {:>9} {:>9}  {result}",
            o.spec.name,
            o.reports.len(),
            o.verdict_sites.len(),
            format!("{}/10", o.undefined_verdicts),
            o.findings.len()
        );
        for site in &o.verdict_sites {
            println!("{:<22}   verdict branch: {site}", "");
        }
        let mut shown: Vec<String> = Vec::new();
        for f in &o.findings {
            let d = format!("finding ({}): {}", f.kind, describe(f));
            if !shown.contains(&d) && shown.len() < 4 {
                println!("{:<22}   {d}", "");
                shown.push(d);
            }
        }
        if result.starts_with("FAIL") {
            failed.push(o.spec.name.clone());
        }
    }
    let report = json!({
        "tool": String::from_utf8_lossy(&vg.stdout).trim(),
        "paths": outcomes.iter().map(|o| json!({
            "path": o.spec.name,
            "compares": o.spec.what,
            "declared_verdict_sites": o.spec.sites,
            "reports": o.reports.len(),
            "verdict_branches": o.verdict_sites,
            "undefined_verdicts_of_10": o.undefined_verdicts,
            "findings": o.findings.iter().map(describe).collect::<Vec<_>>(),
            "flagged": !o.findings.is_empty() || o.problem.is_some(),
            "problem": o.problem,
        })).collect::<Vec<_>>(),
    });
    let json_path = out_dir.join("memcheck.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report).unwrap_or_default())
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    println!("memcheck report: {}", json_path.display());

    if !skip_dudect {
        let dudect_json = out_dir.join("dudect.json");
        let dudect_json = dudect_json.to_string_lossy().into_owned();
        let mut dargs = vec!["dudect", "--json", dudect_json.as_str()];
        if let Some(n) = &samples {
            dargs.extend(["--samples", n.as_str()]);
        }
        dargs.extend(only.iter().map(String::as_str));
        let bin_s = bin.to_string_lossy().into_owned();
        if crate::step("dudect timing report", &bin_s, &dargs, &[]).is_err() {
            failed.push("dudect".to_owned());
        }
    }
    println!("xtask ct: {:.0}s", started.elapsed().as_secs_f64());
    if failed.is_empty() {
        println!("xtask ct: passed (every path constant time up to its verdict; the leaky control flagged)");
        Ok(())
    } else {
        Err(format!("ct failed: {}", failed.join(", ")))
    }
}

fn describe(r: &Report) -> String {
    r.frames.iter().take(3).map(|(f, l)| format!("{f} ({l})")).collect::<Vec<_>>().join(" <- ")
}

fn check_path(bin: &Path, out_dir: &Path, spec: PathSpec) -> Outcome {
    let xml_path = out_dir.join(format!("{}.xml", spec.name));
    let _ = std::fs::remove_file(&xml_path);
    let mut outcome = Outcome {
        spec,
        reports: Vec::new(),
        verdict_sites: Vec::new(),
        findings: Vec::new(),
        problem: None,
        undefined_verdicts: 0,
    };
    let run = Command::new("valgrind")
        .arg("--tool=memcheck")
        .arg("--xml=yes")
        .arg(format!("--xml-file={}", xml_path.display()))
        .args(["--track-origins=yes", "--error-limit=no", "--read-inline-info=yes", "--leak-check=no"])
        .arg(bin)
        .args(["memcheck", &outcome.spec.name])
        .output();
    let run = match run {
        Ok(r) => r,
        Err(e) => {
            outcome.problem = Some(format!("cannot run valgrind: {e}"));
            return outcome;
        }
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() || !stdout.contains(", 0 wrong verdicts") {
        outcome.problem = Some(format!(
            "harness run failed ({}): {} {}",
            run.status,
            stdout.trim(),
            String::from_utf8_lossy(&run.stderr).lines().last().unwrap_or("")
        ));
        return outcome;
    }
    let xml = match std::fs::read_to_string(&xml_path) {
        Ok(x) => x,
        Err(e) => {
            outcome.problem = Some(format!("no memcheck XML report: {e}"));
            return outcome;
        }
    };
    if !xml.contains("<tool>memcheck</tool>") || !xml.contains("<status>\n  <state>FINISHED</state>") {
        outcome.problem = Some("the XML report is not a finished memcheck run".to_owned());
        return outcome;
    }
    outcome.reports = parse_errors(&xml);
    let mut sites: Vec<String> = Vec::new();
    for r in &outcome.reports {
        let top = r.frames.first();
        let is_verdict = r.kind == "UninitCondition" && outcome.spec.sites.iter().any(|s| site_matches(s, &r.frames));
        if is_verdict {
            let site = top.map(|(f, l)| format!("{f} ({l})")).unwrap_or_default();
            if !sites.contains(&site) {
                sites.push(site);
            }
        } else {
            outcome.findings.push(r.clone());
        }
    }
    if sites.len() > outcome.spec.max_sites {
        outcome.problem = Some(format!(
            "{} distinct branches on secret data in verdict functions, {} expected: {}",
            sites.len(),
            outcome.spec.max_sites,
            sites.join("; ")
        ));
    }
    // Proof that the marked secret reached the comparison: either memcheck saw the library branch on
    // the verdict (a verdict site), or the verdict arrived in the harness still undefined.
    let undefined_verdicts: usize = stdout
        .split(", ")
        .find_map(|p| {
            p.strip_suffix(" undefined verdicts").or_else(|| p.trim_end().strip_suffix(" undefined verdicts"))
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    if sites.is_empty() && outcome.findings.is_empty() && undefined_verdicts < 10 && outcome.problem.is_none() {
        outcome.problem = Some(format!(
            "the secret reached neither a branch nor the verdict ({undefined_verdicts} of 10 verdicts undefined): not measured"
        ));
    }
    outcome.undefined_verdicts = undefined_verdicts;
    outcome.verdict_sites = sites;
    outcome
}

/// A function's own path, without the generic arguments valgrind prints after it (those name other
/// functions, e.g. the closure a `position` was instantiated with, and must not match).
fn base_name(f: &str) -> &str {
    f.split('<').next().unwrap_or(f)
}

/// Whether a report is at a declared verdict site. A site is `function` or `function@caller`: the
/// innermost frame's own path equals `function` or ends with `::function`, and with `@caller` the next
/// frame's own path starts with `caller` (for generic helpers such as `position` that valgrind names
/// without their crate).
fn site_matches(site: &str, frames: &[(String, String)]) -> bool {
    let (func, caller) = site.split_once('@').map_or((site, None), |(f, c)| (f, Some(c)));
    let Some((top, _)) = frames.first() else { return false };
    let top = base_name(top);
    let own = top == func || top.ends_with(&format!("::{func}"));
    own && caller.is_none_or(|c| frames.get(1).is_some_and(|(f, _)| base_name(f).starts_with(c)))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn tag<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = s.find(&open)? + open.len();
    let end = s.get(start..)?.find(&close)? + start;
    s.get(start..end)
}

/// The `<error>` elements of a memcheck XML report: kind and the first stack (where it happened).
fn parse_errors(xml: &str) -> Vec<Report> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<error>") {
        let Some(body) = rest.get(i..) else { break };
        let end = body.find("</error>").unwrap_or(body.len());
        let err = body.get(..end).unwrap_or("");
        let kind = tag(err, "kind").unwrap_or("?").to_owned();
        let stack = tag(err, "stack").unwrap_or("");
        let frames = stack
            .split("<frame>")
            .skip(1)
            .map(|f| {
                let func = tag(f, "fn").map_or_else(|| tag(f, "obj").unwrap_or("?").to_owned(), unescape);
                let loc = match (tag(f, "file"), tag(f, "line")) {
                    (Some(file), Some(line)) => format!("{}:{line}", unescape(file)),
                    _ => "?".to_owned(),
                };
                (func, loc)
            })
            .collect();
        out.push(Report { kind, frames });
        rest = body.get(end..).unwrap_or("");
    }
    out
}
