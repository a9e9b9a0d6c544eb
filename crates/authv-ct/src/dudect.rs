//! A dudect-style timing report (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?",
//! 2017): per path, Welch's t-test between a fixed class (near misses: equal to the secret-derived
//! value except in the last byte) and a random class of inputs, both rejected, in random order; on the
//! raw timings and on 100 crops below dudect's percentiles `1 - 0.5^(10 (i+1) / 100)` of a first
//! batch (which is then discarded, as dudect does). The largest |t| over all tests is reported.
//!
//! On a shared 2-core machine timings are noisy, so the verdict is deliberately coarse: the run fails
//! only at |t| >= 500 on a real path (dudect itself calls |t| > 10 a likely leak and > 500 certain),
//! or when the deliberately leaky control does not exceed 10 (the measurement is then blind).

use crate::paths::{self, POOL, Path, VARIANTS};
use crate::{Marker, Rng};
use std::fmt::Write as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

const PERCENTILES: usize = 100;
/// A real path fails at this |t|.
pub(crate) const FAIL_T: f64 = 500.0;
/// The control must exceed this |t|.
pub(crate) const CONTROL_MIN_T: f64 = 10.0;

#[derive(Clone, Copy, Default)]
struct Welch {
    n: [f64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn push(&mut self, x: f64, class: usize) {
        let c = class & 1;
        self.n[c] += 1.0;
        let d = x - self.mean[c];
        self.mean[c] += d / self.n[c];
        self.m2[c] += d * (x - self.mean[c]);
    }

    fn t(&self) -> f64 {
        if self.n[0] < 2.0 || self.n[1] < 2.0 {
            return 0.0;
        }
        let v0 = self.m2[0] / (self.n[0] - 1.0);
        let v1 = self.m2[1] / (self.n[1] - 1.0);
        let den = (v0 / self.n[0] + v1 / self.n[1]).sqrt();
        if den == 0.0 { 0.0 } else { (self.mean[0] - self.mean[1]) / den }
    }
}

/// One path's result.
pub(crate) struct Report {
    pub(crate) name: &'static str,
    pub(crate) samples: usize,
    pub(crate) max_t: f64,
    /// Which test gave `max_t`: `None` for the uncropped one, else the percentile.
    pub(crate) at_percentile: Option<f64>,
    pub(crate) mean_ns: [f64; 2],
}

fn measure_batch(p: &Path, rng: &mut Rng, n: usize) -> Vec<(f64, usize)> {
    let plan: Vec<(usize, usize)> = (0..n)
        .map(|_| {
            let r = rng.next_u64();
            let class = usize::from(r & 1 == 1);
            // Class 0: a near miss (pool indices 1..=VARIANTS); class 1: a random input (the rest).
            let k = usize::try_from((r >> 1) % VARIANTS as u64).unwrap_or(0);
            let idx = if class == 0 { 1 + k } else { 1 + VARIANTS + k };
            (class, idx)
        })
        .collect();
    plan.into_iter()
        .map(|(class, idx)| {
            let t0 = Instant::now();
            let v = (p.verify)(black_box(idx));
            let dt = t0.elapsed();
            black_box(v);
            (dt.as_nanos() as f64, class)
        })
        .collect()
}

fn run_path(p: &Path, samples: usize, rng: &mut Rng) -> Report {
    // Warm up, and check the classes really are rejections (a bench of the wrong verdict is useless).
    for i in 0..POOL {
        let v = (p.verify)(i);
        assert_eq!(v, i == 0, "{}: input {i} gave {v}", p.name);
    }
    let mut first: Vec<f64> = measure_batch(p, rng, 5_000).into_iter().map(|(t, _)| t).collect();
    first.sort_by(f64::total_cmp);
    let thresholds: Vec<f64> = (0..PERCENTILES)
        .map(|i| {
            let q = 1.0 - 0.5f64.powf(10.0 * (i as f64 + 1.0) / PERCENTILES as f64);
            let k = ((q * first.len() as f64) as usize).min(first.len() - 1);
            first[k]
        })
        .collect();
    let mut raw = Welch::default();
    let mut cropped = vec![Welch::default(); PERCENTILES];
    let mut done = 0;
    while done < samples {
        let n = (samples - done).min(10_000);
        for (t, class) in measure_batch(p, rng, n) {
            raw.push(t, class);
            for (w, th) in cropped.iter_mut().zip(&thresholds) {
                if t < *th {
                    w.push(t, class);
                }
            }
        }
        done += n;
    }
    let mut max_t = raw.t().abs();
    let mut at = None;
    for (i, w) in cropped.iter().enumerate() {
        let t = w.t().abs();
        if t > max_t {
            max_t = t;
            at = Some(1.0 - 0.5f64.powf(10.0 * (i as f64 + 1.0) / PERCENTILES as f64));
        }
    }
    Report { name: p.name, samples, max_t, at_percentile: at, mean_ns: raw.mean }
}

pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut samples = 200_000usize;
    let mut json_path: Option<String> = None;
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--samples" => match it.next().and_then(|s| s.parse().ok()) {
                Some(n) => samples = n,
                None => return usage(),
            },
            "--json" => match it.next() {
                Some(p) => json_path = Some(p.clone()),
                None => return usage(),
            },
            name if !name.starts_with('-') => only.push(name.to_owned()),
            _ => return usage(),
        }
    }
    let m = Marker { under_valgrind: false };
    let mut rng = Rng::new(0x0d0d_ec75);
    let paths = paths::build(&m, &mut rng, &only);
    println!("{:<22} {:>9} {:>9} {:>10} {:>10}  verdict", "path", "samples", "max |t|", "fixed ns", "random ns");
    let mut reports = Vec::new();
    let mut failed = false;
    for p in &paths {
        let r = run_path(p, samples, &mut rng);
        let control = p.name.starts_with("control");
        let verdict = match (control, r.max_t) {
            (true, t) if t > CONTROL_MIN_T => "leak detected (control: expected)",
            (true, _) => "FAIL: control not detected",
            (false, t) if t >= FAIL_T => "FAIL: leak",
            (false, t) if t > 10.0 => "noise? (|t| > 10, below the failure threshold)",
            (false, _) => "no leak detected",
        };
        failed |= verdict.starts_with("FAIL");
        println!(
            "{:<22} {:>9} {:>9.2} {:>10.1} {:>10.1}  {verdict}",
            r.name, r.samples, r.max_t, r.mean_ns[0], r.mean_ns[1]
        );
        reports.push((r, verdict));
    }
    if let Some(path) = json_path {
        let mut out = String::from("{\n  \"fail_at\": 500, \"control_min\": 10,\n  \"paths\": [\n");
        for (i, (r, verdict)) in reports.iter().enumerate() {
            let _ = writeln!(
                out,
                "    {{\"path\": \"{}\", \"samples\": {}, \"max_abs_t\": {:.3}, \"at_percentile\": {}, \"mean_ns_fixed\": {:.1}, \"mean_ns_random\": {:.1}, \"verdict\": \"{}\"}}{}",
                r.name,
                r.samples,
                r.max_t,
                r.at_percentile.map_or("null".to_owned(), |p| format!("{p:.4}")),
                r.mean_ns[0],
                r.mean_ns[1],
                verdict,
                if i + 1 == reports.len() { "" } else { "," }
            );
        }
        out.push_str("  ]\n}\n");
        if let Err(e) = std::fs::write(&path, out) {
            eprintln!("authv-ct dudect: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn usage() -> ExitCode {
    eprintln!("usage: authv-ct dudect [--samples N] [--json FILE] [path...]");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::Welch;

    #[test]
    fn welch_t_matches_a_hand_computation() {
        let mut w = Welch::default();
        for x in [1.0, 2.0, 3.0, 4.0] {
            w.push(x, 0);
        }
        for x in [2.0, 4.0, 6.0, 8.0] {
            w.push(x, 1);
        }
        // Means 2.5 and 5, sample variances 5/3 and 20/3: t = -2.5 / sqrt(25/12).
        let expected = -2.5 / (25.0f64 / 12.0).sqrt();
        assert!((w.t() - expected).abs() < 1e-12, "{}", w.t());
        assert!(Welch::default().t().abs() < f64::EPSILON);
    }
}
