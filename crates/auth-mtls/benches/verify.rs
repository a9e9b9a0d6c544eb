//! Client-chain verification (leaf + intermediate under a root) for P-256 and RSA-2048, pair-wise:
//!
//! - `ring_two_signatures`: the primitive floor, ring verifying the leaf's and the intermediate's
//!   signatures on the same bytes;
//! - `webpki_verify_for_usage`: rustls-webpki alone (parse the leaf, build and verify the path for
//!   client auth) with anchors prepared once;
//! - `auth_mtls_verify_chain`: the full verify — limits, leaf parse and identity extraction,
//!   rustls-webpki, SHA-256 fingerprint, allow-list lookup and the verified result;
//! - `identity_extraction_only`: the x509-parser part of that alone (where the overhead over
//!   rustls-webpki comes from).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use auth_mtls::{CertificateDer, SUPPORTED_SIGNATURE_ALGORITHMS, Verifier};
use auth_testkit::mtls::{self, KeyKind, LeafSpec, Pki};
use criterion::{Criterion, criterion_group, criterion_main};
use rustls_pki_types::UnixTime;
use std::hint::black_box;
use std::time::Duration;

fn signed_parts(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    (c.tbs_certificate.as_ref().to_vec(), c.signature_value.data.to_vec())
}

fn spki_key(der: &[u8]) -> Vec<u8> {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    c.public_key().subject_public_key.data.to_vec()
}

fn bench_chain(
    c: &mut Criterion,
    name: &str,
    pki: &Pki,
    leaf_key: KeyKind,
    alg: &'static dyn ring::signature::VerificationAlgorithm,
) {
    let leaf = pki.leaf(&LeafSpec::client("bench-client").dns("client.example").key(leaf_key));
    let chain: Vec<CertificateDer<'static>> = leaf.chain();
    let verifier = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_list_json(r#"{"cn:bench-client": ["read", "write"], "dns:other.example": ["read"]}"#)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(verifier.verify_chain(&chain, mtls::NOW).unwrap().subject(), "bench-client");

    let root_der = pki.root.der();
    let anchors = vec![webpki::anchor_from_trusted_cert(&root_der).unwrap().to_owned()];
    let time = UnixTime::since_unix_epoch(Duration::from_secs(mtls::NOW.as_unix().unsigned_abs()));

    let (leaf_tbs, leaf_sig) = signed_parts(&chain[0]);
    let (int_tbs, int_sig) = signed_parts(&chain[1]);
    let int_key = spki_key(&chain[1]);
    let root_key = spki_key(&root_der);

    let mut g = c.benchmark_group(format!("mtls_chain_{name}"));
    g.sample_size(40).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    g.bench_function("ring_two_signatures", |b| {
        b.iter(|| {
            ring::signature::UnparsedPublicKey::new(alg, &int_key).verify(&leaf_tbs, &leaf_sig).unwrap();
            ring::signature::UnparsedPublicKey::new(alg, &root_key).verify(&int_tbs, &int_sig).unwrap();
        });
    });
    g.bench_function("webpki_verify_for_usage", |b| {
        b.iter(|| {
            let ee = webpki::EndEntityCert::try_from(black_box(&chain[0])).unwrap();
            let path = ee
                .verify_for_usage(
                    SUPPORTED_SIGNATURE_ALGORITHMS,
                    &anchors,
                    &chain[1..],
                    time,
                    webpki::KeyUsage::client_auth(),
                    None,
                    None,
                )
                .unwrap();
            black_box(path.anchor());
        });
    });
    g.bench_function("auth_mtls_verify_chain", |b| {
        b.iter(|| black_box(verifier.verify_chain(black_box(&chain), mtls::NOW).unwrap()));
    });
    g.bench_function("identity_extraction_only", |b| {
        b.iter(|| black_box(auth_mtls::CertificateInfo::from_der(black_box(&chain[0])).unwrap()));
    });
    g.finish();
}

fn chains(c: &mut Criterion) {
    let p256 = Pki::p256("Bench");
    bench_chain(c, "p256", &p256, KeyKind::P256, &ring::signature::ECDSA_P256_SHA256_ASN1);
    let rsa = Pki::rsa2048("Bench");
    bench_chain(c, "rsa2048", &rsa, KeyKind::Rsa2048(2), &ring::signature::RSA_PKCS1_2048_8192_SHA256);
}

criterion_group!(benches, chains);
criterion_main!(benches);
