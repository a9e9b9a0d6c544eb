//! The instruction-count probe behind `cargo xtask bench --gate`. Run under callgrind with
//! `--zero-before=authv_bench_gate::authv_gate_measure --dump-after=authv_bench_gate::authv_gate_measure`: every call of
//! [`authv_gate_measure`] becomes one callgrind dump holding exactly the instructions of its loop,
//! and this program prints one line per dump, in order:
//!
//! ```text
//! MEASURE\t<case id>\t<authv|limit|peer name>\t<iterations>
//! ```
//!
//! Set-up (minting keys and tokens, building verifiers) is outside the dumps. Each operation runs
//! twice before its measured loop, so caches the hot path is designed around (SigV4's signing-key
//! cache, lazily built tables) are warm, as in a server. Natively (no callgrind) it runs the same
//! loops and checks that every call verified.
#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

use authv_benches::Op;
use std::process::ExitCode;

/// The measured loop; callgrind's `--zero-before`/`--dump-after` hook on its name.
#[inline(never)]
fn authv_gate_measure(op: &Op, iterations: u32) -> u32 {
    let mut ok = 0;
    for _ in 0..iterations {
        ok += u32::from(std::hint::black_box(op()));
    }
    ok
}

fn iterations(id: &str) -> u32 {
    // Few iterations keep the gate fast under callgrind; counts are deterministic, so more would
    // add nothing but time.
    match id {
        "jwt_es512" | "mtls_p256" | "mtls_rsa2048" | "jwt_rs256" | "jwt_ps256" => 3,
        id if id.starts_with("jwt_e") => 5,
        _ => 50,
    }
}

fn main() -> ExitCode {
    let only: Vec<String> = std::env::args().skip(1).collect();
    let cases = authv_benches::all_cases(&|_| Vec::new());
    let mut failed = false;
    for case in &cases {
        if !only.is_empty() && !only.iter().any(|o| o == case.id) {
            continue;
        }
        let n = iterations(case.id);
        let mut ops: Vec<(&str, &Op)> = vec![("authv", &case.authv), ("limit", &case.limit)];
        ops.extend(case.peers.iter().map(|(name, op)| (*name, op)));
        for (which, op) in ops {
            let warm = op() && op();
            println!("MEASURE\t{}\t{which}\t{n}", case.id);
            let ok = authv_gate_measure(op, n);
            if !warm || ok != n {
                eprintln!("gate: {} {which}: {ok} of {n} calls verified", case.id);
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
