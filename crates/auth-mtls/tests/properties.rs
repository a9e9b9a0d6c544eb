//! Properties: what the testkit mints verifies; any single mutation of a presented certificate is
//! rejected; identity extraction agrees with a full x509-parser parse; parsers never panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use auth_core::ScopeSet;
use auth_mtls::{CertificateDer, CertificateInfo, ForwardedFormat, Verifier, forwarded};
use auth_testkit::mtls::{KeyKind, Leaf, LeafSpec, NOW, Pki, proxy};
use proptest::prelude::*;
use std::sync::OnceLock;

struct Fixture {
    verifier: Verifier,
    p256: Leaf,
    rsa: Leaf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let pki = Pki::p256("Prop");
        let rsa_pki = Pki::rsa2048("PropRsa");
        let verifier = Verifier::builder()
            .trust_anchors_pem(pki.root_pem().as_bytes())
            .unwrap()
            .trust_anchors_pem(rsa_pki.root_pem().as_bytes())
            .unwrap()
            .allow_any_trusted(ScopeSet::new())
            .build()
            .unwrap();
        let p256 = pki.leaf(&LeafSpec::client("p").dns("p.example"));
        let rsa = rsa_pki.leaf(&LeafSpec::client("r").key(KeyKind::Rsa2048(2)));
        Fixture { verifier, p256, rsa }
    })
}

fn pki_for(kind: u8) -> &'static Pki {
    static PKIS: OnceLock<[Pki; 3]> = OnceLock::new();
    let pkis =
        PKIS.get_or_init(|| [Pki::p256("A"), Pki::rsa2048("B"), Pki::with_keys("C", KeyKind::Ed25519, KeyKind::P384)]);
    &pkis[usize::from(kind) % 3]
}

fn key_for(kind: u8) -> KeyKind {
    match kind % 4 {
        0 => KeyKind::P256,
        1 => KeyKind::Rsa2048(3),
        2 => KeyKind::P384,
        _ => KeyKind::Ed25519,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn minted_chains_verify(cn in "[a-z][a-z0-9-]{0,15}", dns in proptest::option::of("[a-z]{1,10}\\.example"),
                            uri in proptest::option::of("https://[a-z]{1,8}\\.example/[a-z]{1,8}"),
                            pki_kind in 0u8..3, key in 0u8..4) {
        let pki = pki_for(pki_kind);
        let mut spec = LeafSpec::client(&cn).key(key_for(key));
        if let Some(d) = &dns { spec = spec.dns(d); }
        if let Some(u) = &uri { spec = spec.uri(u); }
        let leaf = pki.leaf(&spec);
        let json = format!(r#"{{"cn:{cn}": ["read"]}}"#);
        let v = Verifier::builder()
            .trust_anchors_pem(pki.root_pem().as_bytes()).unwrap()
            .allow_list_json(&json).unwrap()
            .build().unwrap();
        let c = v.verify_chain(&leaf.chain(), NOW).unwrap();
        prop_assert_eq!(c.subject(), cn.as_str());
        prop_assert_eq!(c.scopes().to_string(), "read");
        let want_dns: Vec<String> = dns.iter().cloned().collect();
        let want_uris: Vec<String> = uri.iter().cloned().collect();
        prop_assert_eq!(c.dns_names(), want_dns.as_slice());
        prop_assert_eq!(c.uris(), want_uris.as_slice());
        // Identity extraction agrees with a full x509-parser parse.
        let (_, full) = x509_parser::parse_x509_certificate(&leaf.der).unwrap();
        let info = CertificateInfo::from_der(&leaf.der).unwrap();
        prop_assert_eq!(info.serial.as_slice(), full.raw_serial());
        prop_assert_eq!(info.not_after.as_unix(), full.validity().not_after.timestamp());
        prop_assert_eq!(info.subject_dn(), full.subject().to_string());
        prop_assert_eq!(info.issuer_dn(), full.issuer().to_string());
        prop_assert_eq!(info.is_ca, full.is_ca());
        let ku = full.key_usage().unwrap().unwrap().value;
        prop_assert_eq!(info.key_usage.unwrap().digital_signature, ku.digital_signature());
        // Every forwarded form of the same chain verifies to the same client.
        let nginx = v.verify_forwarded_value(ForwardedFormat::NginxEscapedCert,
            proxy::nginx_escaped_cert(&leaf).as_bytes(), None, NOW);
        // nginx forwards only the leaf; the intermediate is not configured here.
        prop_assert_eq!(nginx.unwrap_err().reason(), "unknown_issuer");
        let alb = v.verify_forwarded_value(ForwardedFormat::AwsAlb, proxy::alb_clientcert(&leaf).as_bytes(), None, NOW);
        prop_assert_eq!(alb.unwrap(), c.clone());
        let xfcc = v.verify_forwarded_value(ForwardedFormat::EnvoyXfcc,
            proxy::xfcc_element(&leaf, &format!("CN={cn}")).as_bytes(), None, NOW);
        prop_assert_eq!(xfcc.unwrap(), c.clone());
        let rfc = v.verify_forwarded_value(ForwardedFormat::Rfc9440, proxy::rfc9440_cert(&leaf.der).as_bytes(),
            Some(proxy::rfc9440_chain(&leaf.intermediates).as_bytes()), NOW);
        prop_assert_eq!(rfc.unwrap(), c);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn any_single_byte_mutation_is_rejected(which in 0usize..4, pos in any::<proptest::sample::Index>(), mask in 1u8..=255) {
        let f = fixture();
        let (leaf, cert_index) = match which {
            0 => (&f.p256, 0),
            1 => (&f.p256, 1),
            2 => (&f.rsa, 0),
            _ => (&f.rsa, 1),
        };
        let mut chain = leaf.chain();
        prop_assert!(f.verifier.verify_chain(&chain, NOW).is_ok());
        let mut bytes = chain[cert_index].to_vec();
        let i = pos.index(bytes.len());
        bytes[i] ^= mask;
        chain[cert_index] = CertificateDer::from(bytes);
        prop_assert!(f.verifier.verify_chain(&chain, NOW).is_err(), "mutation at {} of cert {} accepted", i, cert_index);
    }

    #[test]
    fn extraction_never_panics_on_mutations(pos in any::<proptest::sample::Index>(), mask in 1u8..=255, cut in any::<proptest::sample::Index>()) {
        let f = fixture();
        let mut bytes = f.p256.der.to_vec();
        let i = pos.index(bytes.len());
        bytes[i] ^= mask;
        let _ = CertificateInfo::from_der(&bytes);
        let _ = CertificateInfo::from_der(&bytes[..cut.index(bytes.len())]);
    }

    #[test]
    fn forwarded_parsers_never_panic(value in proptest::collection::vec(any::<u8>(), 0..512),
                                     text in "[ -~]{0,300}") {
        for format in [ForwardedFormat::NginxEscapedCert, ForwardedFormat::EnvoyXfcc, ForwardedFormat::Rfc9440, ForwardedFormat::AwsAlb] {
            let _ = forwarded::extract_chain(format, &value, None);
            let _ = forwarded::extract_chain(format, text.as_bytes(), None);
        }
        let _ = forwarded::extract_chain(ForwardedFormat::Rfc9440, b":AQID:", Some(text.as_bytes()));
        let _ = auth_mtls::pem_chain(&value);
    }

    #[test]
    fn xfcc_quoted_subject_never_injects(subject in "[ -~]{0,80}") {
        // Whatever the Subject holds, the certificate taken is the element's own.
        let f = fixture();
        let element = proxy::xfcc_element(&f.p256, &subject);
        let chain = forwarded::extract_chain(ForwardedFormat::EnvoyXfcc, element.as_bytes(), None).unwrap();
        prop_assert_eq!(chain, f.p256.chain());
    }
}
