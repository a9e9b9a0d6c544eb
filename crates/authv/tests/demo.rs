//! `authv demo` end to end: mints credentials, serves HTTPS on loopback, drives every case with a real
//! TLS client, and exits 0 only when every verdict is as expected.
#![allow(missing_docs, clippy::unwrap_used)]

use std::process::Command;

#[test]
fn demo_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_authv")).arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("verdicts as expected"), "{stdout}");
    for scheme in ["apikey", "jwt", "hmac", "sigv4", "mtls"] {
        assert!(stdout.lines().any(|l| l.starts_with(scheme)), "no {scheme} rows:\n{stdout}");
    }
    assert!(!stdout.contains("UNEXPECTED"), "{stdout}");
}
