//! Heap allocations per verification, measured (and bounded, so a regression fails).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::indexing_slicing)]

use auth_mtls::{SUPPORTED_SIGNATURE_ALGORITHMS, Verifier};
use auth_testkit::mtls::{LeafSpec, NOW, Pki};
use rustls_pki_types::UnixTime;
use std::time::Duration;

#[test]
fn allocations_per_verify() {
    let pki = Pki::p256("Alloc");
    let leaf = pki.leaf(&LeafSpec::client("alice").dns("alice.example"));
    let chain = leaf.chain();
    let verifier = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_list_json(r#"{"cn:alice": ["read", "write"]}"#)
        .unwrap()
        .build()
        .unwrap();
    verifier.verify_chain(&chain, NOW).unwrap();
    let full = allocation_counter::measure(|| {
        verifier.verify_chain(&chain, NOW).unwrap();
    });

    let root = pki.root.der();
    let anchors = vec![webpki::anchor_from_trusted_cert(&root).unwrap().to_owned()];
    let time = UnixTime::since_unix_epoch(Duration::from_secs(NOW.as_unix().unsigned_abs()));
    let webpki_only = allocation_counter::measure(|| {
        let ee = webpki::EndEntityCert::try_from(&chain[0]).unwrap();
        ee.verify_for_usage(
            SUPPORTED_SIGNATURE_ALGORITHMS,
            &anchors,
            &chain[1..],
            time,
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .unwrap();
    });
    println!(
        "allocations per verify_chain: {} ({} bytes); rustls-webpki verify_for_usage alone: {} ({} bytes)",
        full.count_total, full.bytes_total, webpki_only.count_total, webpki_only.bytes_total
    );
    // The result owns its strings (subject, SANs, DER names, scopes); everything else is borrowed.
    assert!(full.count_total <= 24, "{} allocations", full.count_total);
}
