//! Runs N verifications of a leaf + intermediate chain, either the full `Verifier::verify_chain`
//! or rustls-webpki's `verify_for_usage` alone, for load-independent comparisons by instruction
//! count on a shared machine:
//!
//! ```text
//! cargo build --release -p auth-mtls --example verify_loop
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/verify_loop rsa full 200
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/verify_loop rsa webpki 200
//! ```
//!
//! Arguments: `rsa|p256`, `full|webpki`, iteration count. Subtract a run with 0 iterations (the
//! set-up) and divide by the count.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::indexing_slicing)]
use auth_mtls::{SUPPORTED_SIGNATURE_ALGORITHMS, Verifier};
use auth_testkit::mtls::{KeyKind, LeafSpec, NOW, Pki};
use rustls_pki_types::UnixTime;
use std::hint::black_box;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        println!("usage: verify_loop rsa|p256 full|webpki COUNT");
        return;
    }
    let rsa = args[1] == "rsa";
    let full = args[2] == "full";
    let n: u32 = args[3].parse().unwrap();
    let (pki, key) = if rsa { (Pki::rsa2048("B"), KeyKind::Rsa2048(2)) } else { (Pki::p256("B"), KeyKind::P256) };
    let leaf = pki.leaf(&LeafSpec::client("bench-client").dns("client.example").key(key));
    let chain = leaf.chain();
    let v = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_list_json(r#"{"cn:bench-client": ["read", "write"], "dns:other.example": ["read"]}"#)
        .unwrap()
        .build()
        .unwrap();
    let root = pki.root.der();
    let anchors = vec![webpki::anchor_from_trusted_cert(&root).unwrap().to_owned()];
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(NOW.as_unix().unsigned_abs()));
    for _ in 0..n {
        if full {
            black_box(v.verify_chain(black_box(&chain), NOW).unwrap());
        } else {
            let ee = webpki::EndEntityCert::try_from(black_box(&chain[0])).unwrap();
            black_box(
                ee.verify_for_usage(
                    SUPPORTED_SIGNATURE_ALGORITHMS,
                    &anchors,
                    &chain[1..],
                    time,
                    webpki::KeyUsage::client_auth(),
                    None,
                    None,
                )
                .unwrap()
                .anchor(),
            );
        }
    }
}
