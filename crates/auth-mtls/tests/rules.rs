//! Every verification rule, on chains minted by auth-testkit at fixed times.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use auth_core::{Reject, ScopeSet, Timestamp};
use auth_mtls::{
    AllowList, CertificateDer, CrlExpiration, Error, RevocationDepth, RevocationPolicy, SpiffeViolation, Trust,
    UnknownStatusPolicy, Usage, Verifier,
};
use auth_testkit::mtls::{
    self, AFTER_EXPIRY, Authority, BEFORE_VALIDITY, CaSpec, ExtendedKeyUsagePurpose as Eku, KeyKind,
    KeyUsagePurpose as Ku, LeafSpec, NOW, Pki,
};

fn scopes(s: &str) -> ScopeSet {
    ScopeSet::parse(s).unwrap()
}

fn any_trusted(pki: &Pki) -> Verifier {
    Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_any_trusted(scopes("read"))
        .build()
        .unwrap()
}

fn reason(r: Result<auth_mtls::VerifiedClient, Error>) -> (u16, &'static str) {
    let e = r.expect_err("verification should fail");
    let rej = e.rejection();
    (rej.status().code(), rej.reason())
}

fn tamper_signature(der: &CertificateDer<'_>) -> CertificateDer<'static> {
    let mut v = der.to_vec();
    let last = v.len() - 1;
    v[last] ^= 0x01;
    CertificateDer::from(v)
}

#[test]
fn valid_chains_for_each_key_type() {
    for (name, pki, leaf_key) in [
        ("p256", Pki::p256("P256"), KeyKind::P256),
        ("rsa", Pki::rsa2048("RSA"), KeyKind::Rsa2048(2)),
        ("p384", Pki::with_keys("P384", KeyKind::P384, KeyKind::P384), KeyKind::P384),
        ("ed25519", Pki::with_keys("Ed", KeyKind::Ed25519, KeyKind::Ed25519), KeyKind::Ed25519),
        ("mixed", Pki::with_keys("Mixed", KeyKind::Rsa2048(0), KeyKind::P256), KeyKind::Rsa2048(3)),
    ] {
        let leaf = pki.leaf(&LeafSpec::client("svc").key(leaf_key));
        let v = any_trusted(&pki);
        let c = v.verify_chain(&leaf.chain(), NOW).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.subject(), "svc", "{name}");
        assert_eq!(c.scopes(), &scopes("read"));
        assert_eq!(c.fingerprint_sha256_hex(), leaf.fingerprint_hex());
        assert_eq!(c.trust(), Trust::Anchor { fingerprint_sha256: fp(&pki.root.fingerprint_hex()) });
        // The same chain as PEM.
        assert_eq!(v.verify_pem(leaf.chain_pem().as_bytes(), NOW).unwrap(), c);
    }
}

fn fp(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    base16ct::mixed::decode(hex.as_bytes(), &mut out).unwrap();
    out
}

#[test]
fn seeded_ed25519_pki_is_reproducible() {
    let mint = || {
        let pki = Pki::ed25519_seeded("Seeded", 42);
        let leaf = pki.leaf(&LeafSpec::client("s").key(KeyKind::Ed25519Seeded(44)));
        (pki.root.der(), leaf.chain())
    };
    let (root_a, chain_a) = mint();
    let (root_b, chain_b) = mint();
    assert_eq!((root_a, &chain_a), (root_b, &chain_b));
    let pki = Pki::ed25519_seeded("Seeded", 42);
    assert!(any_trusted(&pki).verify_chain(&chain_a, NOW).is_ok());
}

#[test]
fn identity_extraction() {
    let pki = Pki::p256("Id");
    let mut spec = LeafSpec::client("alice")
        .dns("alice.example")
        .uri("https://id.example/alice")
        .email("alice@example.com")
        .ip("192.0.2.7".parse().unwrap())
        .serial(0x1234);
    spec.organization = Some("Example Corp".into());
    spec.organizational_unit = Some("Payments".into());
    let leaf = pki.leaf(&spec);
    let c = any_trusted(&pki).verify_chain(&leaf.chain(), NOW).unwrap();
    let info = c.certificate();
    assert_eq!(info.common_names, ["alice"]);
    assert_eq!(info.organizations, ["Example Corp"]);
    assert_eq!(info.organizational_units, ["Payments"]);
    assert_eq!(c.dns_names(), ["alice.example"]);
    assert_eq!(c.uris(), ["https://id.example/alice"]);
    assert_eq!(c.emails(), ["alice@example.com"]);
    assert_eq!(info.ip_addresses, ["192.0.2.7".parse::<std::net::IpAddr>().unwrap()]);
    assert_eq!(info.serial, mtls::serial_bytes(0x1234));
    assert_eq!(info.not_before, mtls::NOT_BEFORE);
    assert_eq!(info.not_after, mtls::NOT_AFTER);
    let ku = info.key_usage.unwrap();
    assert!(ku.digital_signature && !ku.key_cert_sign);
    assert!(info.extended_key_usage.unwrap().client_auth);
    assert_eq!(info.public_key, auth_mtls::PublicKeyAlgorithm::EcdsaP256);

    // RFC 8705 x5t#S256: unpadded base64url of the SHA-256 of the DER.
    use base64ct::Encoding as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, &leaf.der);
    assert_eq!(c.x5t_s256(), base64ct::Base64UrlUnpadded::encode_string(digest.as_ref()));
    assert!(!c.x5t_s256().contains('='));

    let id = c.identity();
    assert_eq!(id.scheme, auth_core::Scheme::Mtls);
    assert_eq!(id.subject, "alice");
    assert_eq!(id.expires_at, Some(mtls::NOT_AFTER));
    assert_eq!(id.attributes["x5t#S256"], c.x5t_s256());
    assert_eq!(id.attributes["serial"], "010000000000001234");
    assert_eq!(id.attributes["trust"], "anchor");
    assert_eq!(id.attributes["anchor_sha256"], pki.root.fingerprint_hex());
}

#[test]
fn subject_fallbacks() {
    let pki = Pki::p256("Subj");
    let v = any_trusted(&pki);
    let mut spec = LeafSpec::client("").dns("only-dns.example");
    spec.common_name = None;
    assert_eq!(v.verify_chain(&pki.leaf(&spec).chain(), NOW).unwrap().subject(), "only-dns.example");
    let mut bare = LeafSpec::client("");
    bare.common_name = None;
    let leaf = pki.leaf(&bare);
    let c = v.verify_chain(&leaf.chain(), NOW).unwrap();
    assert_eq!(c.subject(), format!("sha256:{}", leaf.fingerprint_hex()));
}

#[test]
fn usage_rules() {
    let pki = Pki::p256("Eku");
    let v = any_trusted(&pki);
    let server_only = pki.leaf(&LeafSpec::client("s").eku(vec![Eku::ServerAuth]));
    assert_eq!(reason(v.verify_chain(&server_only.chain(), NOW)), (401, "wrong_usage"));
    let both = pki.leaf(&LeafSpec::client("b").eku(vec![Eku::ServerAuth, Eku::ClientAuth]));
    assert!(v.verify_chain(&both.chain(), NOW).is_ok());
    // RFC 5280 §4.2.1.12: without the extension the certificate is not restricted.
    let none = pki.leaf(&LeafSpec::client("n").eku(vec![]));
    assert!(v.verify_chain(&none.chain(), NOW).is_ok());
    // anyExtendedKeyUsage is not honoured by rustls-webpki.
    let any = pki.leaf(&LeafSpec::client("a").eku(vec![Eku::Any]));
    assert_eq!(reason(v.verify_chain(&any.chain(), NOW)), (401, "wrong_usage"));
    // A verifier for serverAuth accepts the server-only leaf and rejects the client one.
    let sv = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .usage(Usage::ServerAuth)
        .build()
        .unwrap();
    assert!(sv.verify_chain(&server_only.chain(), NOW).is_ok());
    let client = pki.leaf(&LeafSpec::client("c"));
    assert_eq!(reason(sv.verify_chain(&client.chain(), NOW)), (401, "wrong_usage"));
    // A leaf asserting keyCertSign without being a CA.
    let kcs = pki.leaf(&LeafSpec::client("k").key_usage(vec![Ku::DigitalSignature, Ku::KeyCertSign]));
    assert_eq!(reason(v.verify_chain(&kcs.chain(), NOW)), (401, "leaf_key_cert_sign"));
    // A CA as the leaf.
    let mut ca_leaf = LeafSpec::client("ca");
    ca_leaf.is_ca = true;
    assert_eq!(reason(v.verify_chain(&pki.leaf(&ca_leaf).chain(), NOW)), (401, "ca_used_as_leaf"));
}

#[test]
fn validity_rules() {
    let pki = Pki::p256("Time");
    let v = any_trusted(&pki);
    let leaf = pki.leaf(&LeafSpec::client("t"));
    match v.verify_chain(&leaf.chain(), AFTER_EXPIRY) {
        Err(Error::Expired(c)) => {
            assert_eq!((c.time, c.not_after), (AFTER_EXPIRY, mtls::NOT_AFTER));
        }
        other => panic!("{other:?}"),
    }
    match v.verify_chain(&leaf.chain(), BEFORE_VALIDITY) {
        Err(Error::NotYetValid(c)) => assert_eq!(c.not_before, mtls::NOT_BEFORE),
        other => panic!("{other:?}"),
    }
    assert_eq!(reason(v.verify_chain(&leaf.chain(), AFTER_EXPIRY)), (401, "expired"));
    assert_eq!(reason(v.verify_chain(&leaf.chain(), BEFORE_VALIDITY)), (401, "not_yet_valid"));
    // The boundaries are inclusive.
    assert!(v.verify_chain(&leaf.chain(), mtls::NOT_BEFORE).is_ok());
    assert!(v.verify_chain(&leaf.chain(), mtls::NOT_AFTER).is_ok());
    assert!(v.verify_chain(&leaf.chain(), mtls::NOT_AFTER.saturating_add_secs(1)).is_err());
    // An expired intermediate.
    let root = Authority::root("Root", KeyKind::P256);
    let old = root.intermediate_with(&CaSpec {
        not_after: Timestamp::from_unix(1_700_000_000),
        ..CaSpec::new("Old issuing CA", KeyKind::P256)
    });
    let leaf = old.issue(&LeafSpec::client("o"));
    let v = Verifier::builder()
        .trust_anchors_pem(root.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&leaf.chain(), NOW)), (401, "expired"));
}

#[test]
fn trust_rules() {
    let pki = Pki::p256("Trust");
    let other = Pki::p256("Other");
    let v = any_trusted(&pki);
    let stranger = other.leaf(&LeafSpec::client("x"));
    assert_eq!(reason(v.verify_chain(&stranger.chain(), NOW)), (401, "unknown_issuer"));
    // Missing intermediate, then supplied by configuration.
    let leaf = pki.leaf(&LeafSpec::client("l"));
    assert_eq!(reason(v.verify_chain(&leaf.chain()[..1], NOW)), (401, "unknown_issuer"));
    let with_int = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .intermediates_pem(pki.intermediate.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert!(with_int.verify_chain(&leaf.chain()[..1], NOW).is_ok());
    // A bad signature on the leaf, and on the intermediate.
    let mut chain = leaf.chain();
    chain[0] = tamper_signature(&chain[0]);
    assert_eq!(reason(v.verify_chain(&chain, NOW)), (401, "bad_signature"));
    let mut chain = leaf.chain();
    chain[1] = tamper_signature(&chain[1]);
    assert_eq!(reason(v.verify_chain(&chain, NOW)), (401, "bad_signature"));
    // Garbage.
    assert_eq!(
        reason(v.verify_chain(&[CertificateDer::from(vec![0x30, 0x03, 1, 2, 3])], NOW)),
        (401, "malformed_certificate")
    );
    assert_eq!(reason(v.verify_chain(&[], NOW)), (401, "missing_credentials"));
    assert_eq!(v.verify_chain(&[], NOW).unwrap_err().rejection().error(), None);
    // Trailing bytes after the leaf.
    let mut trailing = leaf.der.to_vec();
    trailing.push(0);
    assert_eq!(reason(v.verify_chain(&[CertificateDer::from(trailing)], NOW)), (401, "malformed_certificate"));
}

#[test]
fn ca_structure_rules() {
    // A "CA" that is not one.
    let root = Authority::root("Root", KeyKind::P256);
    let not_ca = root.intermediate_with(&CaSpec { is_ca: false, ..CaSpec::new("Not a CA", KeyKind::P256) });
    let leaf = not_ca.issue(&LeafSpec::client("n"));
    let v = Verifier::builder()
        .trust_anchors_pem(root.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&leaf.chain(), NOW)), (401, "issuer_not_ca"));

    // pathLenConstraint 0 on an intermediate forbids another intermediate below it...
    let root = Authority::root("Root", KeyKind::P256);
    let int0 = root.intermediate_with(&CaSpec { path_len: Some(0), ..CaSpec::new("Int0", KeyKind::P256) });
    let below = int0.intermediate("Below", KeyKind::P256);
    let leaf = below.issue(&LeafSpec::client("p"));
    let v = Verifier::builder()
        .trust_anchors_pem(root.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&leaf.chain(), NOW)), (401, "path_len_constraint"));
    // ...but allows a leaf directly under it.
    assert!(v.verify_chain(&int0.issue(&LeafSpec::client("d")).chain(), NOW).is_ok());
    // rustls-webpki takes only the key, subject and name constraints from a trust anchor
    // (RFC 5280 §6.1.1 leaves anchor constraints optional), so a root's pathLenConstraint is not
    // applied.
    let root0 = Authority::root_with(&CaSpec { path_len: Some(0), ..CaSpec::new("Root0", KeyKind::P256) });
    let leaf = root0.intermediate("Int", KeyKind::P256).issue(&LeafSpec::client("q"));
    let v = Verifier::builder()
        .trust_anchors_pem(root0.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert!(v.verify_chain(&leaf.chain(), NOW).is_ok());

    // Depth: a long chain of intermediates exceeds rustls-webpki's limit.
    let root = Authority::root("Deep", KeyKind::P256);
    let mut ca = root.intermediate("I0", KeyKind::P256);
    for i in 1..8 {
        ca = ca.intermediate(&format!("I{i}"), KeyKind::P256);
    }
    let leaf = ca.issue(&LeafSpec::client("deep"));
    assert_eq!(leaf.chain().len(), 9);
    let v = Verifier::builder()
        .trust_anchors_pem(root.pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&leaf.chain(), NOW)), (401, "chain_too_long"));
    // And more certificates than MAX_CHAIN_CERTS are refused before any work.
    let mut many = leaf.chain();
    while many.len() <= auth_mtls::MAX_CHAIN_CERTS {
        many.push(many[1].clone());
    }
    assert!(matches!(v.verify_chain(&many, NOW), Err(Error::TooLarge(_))));
}

fn crl_verifier(pki: &Pki, crls: &[&str], policy: RevocationPolicy) -> Verifier {
    let mut b = Verifier::builder().trust_anchors_pem(pki.root_pem().as_bytes()).unwrap();
    for c in crls {
        b = b.crls_pem(c.as_bytes()).unwrap();
    }
    b.revocation_policy(policy).allow_any_trusted(ScopeSet::new()).build().unwrap()
}

#[test]
fn revocation_rules() {
    let pki = Pki::p256("Crl");
    let good = pki.leaf(&LeafSpec::client("good").serial(10));
    let bad = pki.leaf(&LeafSpec::client("bad").serial(11));
    let int_crl = pki.intermediate.crl(&[11], mtls::NOT_BEFORE, mtls::NOT_AFTER);
    let root_crl = pki.root.crl(&[], mtls::NOT_BEFORE, mtls::NOT_AFTER);
    let strict = RevocationPolicy::strict();

    let v = crl_verifier(&pki, &[&int_crl.pem, &root_crl.pem], strict);
    assert!(v.verify_chain(&good.chain(), NOW).is_ok());
    assert_eq!(reason(v.verify_chain(&bad.chain(), NOW)), (401, "revoked"));

    // Whole chain, no CRL from the root: the intermediate's status is unknown.
    let v = crl_verifier(&pki, &[&int_crl.pem], strict);
    assert_eq!(reason(v.verify_chain(&good.chain(), NOW)), (401, "revocation_status_unknown"));
    // ...allowed by policy, or not checked at end-entity depth.
    let allow = RevocationPolicy { unknown_status: UnknownStatusPolicy::Allow, ..strict };
    assert!(crl_verifier(&pki, &[&int_crl.pem], allow).verify_chain(&good.chain(), NOW).is_ok());
    let ee_only = RevocationPolicy { depth: RevocationDepth::EndEntity, ..strict };
    let v = crl_verifier(&pki, &[&int_crl.pem], ee_only);
    assert!(v.verify_chain(&good.chain(), NOW).is_ok());
    assert_eq!(reason(v.verify_chain(&bad.chain(), NOW)), (401, "revoked"));

    // A revoked intermediate, checked at chain depth only.
    let revoked_int_crl = pki.root.crl(&[2000], mtls::NOT_BEFORE, mtls::NOT_AFTER);
    let v = crl_verifier(&pki, &[&int_crl.pem, &revoked_int_crl.pem], strict);
    assert_eq!(reason(v.verify_chain(&good.chain(), NOW)), (401, "revoked"));
    let v = crl_verifier(&pki, &[&int_crl.pem, &revoked_int_crl.pem], ee_only);
    assert!(v.verify_chain(&good.chain(), NOW).is_ok());

    // An expired CRL: enforced or ignored, as configured.
    let stale = pki.intermediate.crl(&[], mtls::NOT_BEFORE, mtls::NOT_BEFORE.saturating_add_secs(86_400));
    let v = crl_verifier(&pki, &[&stale.pem, &root_crl.pem], strict);
    assert_eq!(reason(v.verify_chain(&good.chain(), NOW)), (401, "crl_expired"));
    let ignore = RevocationPolicy { expiration: CrlExpiration::Ignore, ..strict };
    assert!(crl_verifier(&pki, &[&stale.pem, &root_crl.pem], ignore).verify_chain(&good.chain(), NOW).is_ok());

    // Auto-detected PEM or DER (as a command-line tool reads files).
    let v = Verifier::builder()
        .trust_anchors(&pki.root.der())
        .unwrap()
        .crls(&int_crl.der)
        .unwrap()
        .crls(root_crl.pem.as_bytes())
        .unwrap()
        .revocation_policy(strict)
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&bad.chain(), NOW)), (401, "revoked"));
    assert!(v.verify_chain(&good.chain(), NOW).is_ok());

    // DER input works the same.
    let v = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .crl_der(&int_crl.der)
        .revocation_policy(ee_only)
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&bad.chain(), NOW)), (401, "revoked"));

    // CRLs without a stated policy are a configuration error.
    let err = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .crls_pem(int_crl.pem.as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap_err();
    assert_eq!(err.reason(), "revocation_policy_required");
}

fn spiffe_verifier(domains: &[(&str, &Pki)]) -> Verifier {
    let mut b = Verifier::builder();
    for (td, pki) in domains {
        b = b.spiffe_trust_domain(td, pki.root_pem().as_bytes()).unwrap();
    }
    b.allow_any_trusted(scopes("svc")).build().unwrap()
}

#[test]
fn spiffe_rules() {
    let prod = Pki::p256("Prod");
    let dev = Pki::p256("Dev");
    let v = spiffe_verifier(&[("prod.example", &prod), ("dev.example", &dev)]);
    assert!(v.spiffe_mode());

    let svid = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/ns/pay/sa/api"));
    let c = v.verify_chain(&svid.chain(), NOW).unwrap();
    assert_eq!(c.subject(), "spiffe://prod.example/ns/pay/sa/api");
    let id = c.spiffe_id().unwrap();
    assert_eq!((id.trust_domain(), id.path()), ("prod.example", "/ns/pay/sa/api"));
    assert_eq!(c.identity().attributes["spiffe_id"], id.as_str());

    // The SVID's trust domain must be the one its anchor serves.
    let cross = dev.leaf(&LeafSpec::spiffe("spiffe://prod.example/ns/pay/sa/api"));
    assert_eq!(reason(v.verify_chain(&cross.chain(), NOW)), (401, "unknown_issuer"));
    let unknown_td = prod.leaf(&LeafSpec::spiffe("spiffe://other.example/x"));
    assert_eq!(reason(v.verify_chain(&unknown_td.chain(), NOW)), (401, "spiffe_unknown_trust_domain"));

    let two = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").uri("spiffe://prod.example/b"));
    assert_eq!(
        v.verify_chain(&two.chain(), NOW).unwrap_err(),
        Error::Spiffe(SpiffeViolation::UriSanCount { count: 2 })
    );
    // A second URI that is not a SPIFFE ID still counts.
    let mixed = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").uri("https://example.com/"));
    assert_eq!(reason(v.verify_chain(&mixed.chain(), NOW)), (401, "spiffe_uri_san_count"));
    let mut none = LeafSpec::spiffe("spiffe://prod.example/a");
    none.uris.clear();
    none.dns.push("a.example".into());
    assert_eq!(reason(v.verify_chain(&prod.leaf(&none).chain(), NOW)), (401, "spiffe_uri_san_count"));
    let root_id = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example"));
    assert_eq!(reason(v.verify_chain(&root_id.chain(), NOW)), (401, "spiffe_root_id"));
    for bad in [
        "spiffe://prod.example/a/../b",
        "spiffe://Prod.example/a",
        "https://prod.example/a",
        "spiffe://prod.example/a?x",
    ] {
        let leaf = prod.leaf(&LeafSpec::spiffe(bad));
        assert_eq!(reason(v.verify_chain(&leaf.chain(), NOW)), (401, "spiffe_invalid_id"), "{bad}");
    }
    let no_ku = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").key_usage(vec![]));
    assert_eq!(reason(v.verify_chain(&no_ku.chain(), NOW)), (401, "spiffe_key_usage"));
    let no_ds = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").key_usage(vec![Ku::KeyEncipherment]));
    assert_eq!(reason(v.verify_chain(&no_ds.chain(), NOW)), (401, "spiffe_key_usage"));
    let crl_sign =
        prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").key_usage(vec![Ku::DigitalSignature, Ku::CrlSign]));
    assert_eq!(reason(v.verify_chain(&crl_sign.chain(), NOW)), (401, "spiffe_key_usage"));
    let cert_sign =
        prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").key_usage(vec![Ku::DigitalSignature, Ku::KeyCertSign]));
    assert!(v.verify_chain(&cert_sign.chain(), NOW).is_err());
    let mut ca = LeafSpec::spiffe("spiffe://prod.example/a");
    ca.is_ca = true;
    assert!(v.verify_chain(&prod.leaf(&ca).chain(), NOW).is_err());

    // A chain failure is reported even when the SPIFFE ID is also wrong.
    let mut chain = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/a").uri("spiffe://prod.example/b")).chain();
    chain[0] = tamper_signature(&chain[0]);
    assert_eq!(reason(v.verify_chain(&chain, NOW)), (401, "bad_signature"));
    let expired_bad_id = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example"));
    assert_eq!(reason(v.verify_chain(&expired_bad_id.chain(), AFTER_EXPIRY)), (401, "expired"));

    // Plain anchors cannot be mixed into SPIFFE mode.
    let err = Verifier::builder()
        .spiffe_trust_domain("prod.example", prod.root_pem().as_bytes())
        .unwrap()
        .trust_anchors_pem(dev.root_pem().as_bytes())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap_err();
    assert_eq!(err.reason(), "spiffe_anchor_without_trust_domain");
    assert!(Verifier::builder().spiffe_trust_domain("Bad_Domain", prod.root_pem().as_bytes()).is_err());
}

#[test]
fn allow_list_rules() {
    let pki = Pki::p256("Allow");
    let other = Pki::p256("Second");
    let pinned = pki.leaf(&LeafSpec::client("pinned"));
    let json = format!(
        r#"{{
            "cn:alice": ["read"],
            "dns:bob.example": ["write"],
            "uri:https://id.example/carol": ["admin"],
            "email:dave@example.com": ["audit"],
            "sha256:{}": ["pin"],
            "cn:multi": ["a"],
            "dns:multi.example": ["b"],
            "cn:second-only": {{"scopes": ["s"], "anchors": ["sha256:{}"]}}
        }}"#,
        pinned.fingerprint_hex(),
        other.root.fingerprint_hex()
    );
    let v = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .trust_anchors_pem(other.root_pem().as_bytes())
        .unwrap()
        .allow_list_json(&json)
        .unwrap()
        .build()
        .unwrap();
    let check = |pki: &Pki, spec: &LeafSpec, want: &str| {
        let c = v.verify_chain(&pki.leaf(spec).chain(), NOW).unwrap();
        assert_eq!(c.scopes().to_string(), want);
    };
    check(&pki, &LeafSpec::client("alice"), "read");
    check(&pki, &LeafSpec::client("x").dns("BOB.example"), "write");
    check(&pki, &LeafSpec::client("x").uri("https://id.example/carol"), "admin");
    check(&pki, &LeafSpec::client("x").email("dave@EXAMPLE.com"), "audit");
    check(&pki, &LeafSpec::client("multi").dns("multi.example"), "a b");
    check(&other, &LeafSpec::client("second-only"), "s");
    assert_eq!(v.verify_chain(&pinned.chain(), NOW).unwrap().scopes().to_string(), "pin");

    let miss = |pki: &Pki, spec: &LeafSpec| {
        let r = v.verify_chain(&pki.leaf(spec).chain(), NOW);
        assert_eq!(reason(r), (403, "identity_not_allowed"));
    };
    miss(&pki, &LeafSpec::client("mallory"));
    miss(&pki, &LeafSpec::client("Alice"));
    miss(&pki, &LeafSpec::client("x").dns("bob.example.evil"));
    miss(&pki, &LeafSpec::client("x").uri("https://id.example/carol/"));
    miss(&pki, &LeafSpec::client("x").email("Dave@example.com"));
    // The per-anchor entry does not admit the same CN from the other anchor.
    miss(&pki, &LeafSpec::client("second-only"));
    // An untrusted chain is a 401 even when its CN is allowed.
    let stranger = Pki::p256("Stranger");
    assert_eq!(
        reason(v.verify_chain(&stranger.leaf(&LeafSpec::client("alice")).chain(), NOW)),
        (401, "unknown_issuer")
    );

    // The programmatic builder matches the JSON one.
    let list = AllowList::new().allow("cn:alice", scopes("read")).unwrap();
    assert_eq!(list.len(), 1);
    assert!(
        Verifier::builder().trust_anchors_pem(pki.root_pem().as_bytes()).unwrap().build().is_err(),
        "a policy is required"
    );
}

#[test]
fn pinned_self_signed() {
    let spec = LeafSpec::client("device-7");
    let leaf = mtls::self_signed(&spec);
    let v = Verifier::builder()
        .pin_self_signed(&format!("sha256:{}", leaf.fingerprint_hex()), scopes("telemetry"))
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    let c = v.verify_chain(&leaf.chain(), NOW).unwrap();
    assert_eq!((c.subject(), c.trust()), ("device-7", Trust::Pinned));
    assert_eq!(c.scopes().to_string(), "telemetry");
    assert_eq!(c.identity().attributes["trust"], "pinned");
    assert_eq!(reason(v.verify_chain(&leaf.chain(), AFTER_EXPIRY)), (401, "expired"));
    assert_eq!(reason(v.verify_chain(&leaf.chain(), BEFORE_VALIDITY)), (401, "not_yet_valid"));
    // Another self-signed certificate with the same subject is not pinned.
    let twin = mtls::self_signed(&spec);
    assert_eq!(reason(v.verify_chain(&twin.chain(), NOW)), (401, "unknown_issuer"));
    // A pinned certificate must still allow client authentication.
    let server = mtls::self_signed(&LeafSpec::client("srv").eku(vec![Eku::ServerAuth]));
    let v = Verifier::builder()
        .pin_self_signed_pem(server.pem.as_bytes(), &ScopeSet::new())
        .unwrap()
        .allow_any_trusted(ScopeSet::new())
        .build()
        .unwrap();
    assert_eq!(reason(v.verify_chain(&server.chain(), NOW)), (401, "wrong_usage"));
    assert!(Verifier::builder().pin_self_signed("sha256:1234", ScopeSet::new()).is_err());
}

#[test]
fn peer_name_rules() {
    let pki = Pki::p256("Name");
    let v = any_trusted(&pki);
    let leaf = pki.leaf(&LeafSpec::client("n").dns("client.example").ip("192.0.2.1".parse().unwrap()));
    assert!(v.verify_chain_for_name(&leaf.chain(), NOW, "client.example").is_ok());
    assert!(v.verify_chain_for_name(&leaf.chain(), NOW, "192.0.2.1").is_ok());
    assert_eq!(reason(v.verify_chain_for_name(&leaf.chain(), NOW, "other.example")), (401, "name_mismatch"));
    assert_eq!(v.verify_chain_for_name(&leaf.chain(), NOW, "not a name").unwrap_err().reason(), "peer_name");
}

#[test]
fn configuration_errors() {
    assert_eq!(Verifier::builder().allow_any_trusted(ScopeSet::new()).build().unwrap_err().reason(), "no_trust_anchor");
    assert!(Verifier::builder().trust_anchors_pem(b"").is_err());
    assert!(
        Verifier::builder()
            .trust_anchors_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .is_err()
    );
    assert!(Verifier::builder().crls_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
    let pki = Pki::p256("Cfg");
    let bad_crl = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .crl_der(&[0x30, 0x00])
        .revocation_policy(RevocationPolicy::strict())
        .allow_any_trusted(ScopeSet::new())
        .build();
    assert_eq!(bad_crl.unwrap_err().reason(), "bad_crl");
}

#[test]
fn verifier_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Verifier>();
    assert_send_sync::<auth_mtls::VerifiedClient>();
    assert_send_sync::<Error>();
    let pki = Pki::p256("Threads");
    let v = std::sync::Arc::new(any_trusted(&pki));
    let chain = pki.leaf(&LeafSpec::client("t")).chain();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (v, chain) = (v.clone(), chain.clone());
            std::thread::spawn(move || v.verify_chain(&chain, NOW).map(|c| c.subject().to_owned()))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), "t");
    }
}

#[test]
fn spiffe_any_trust_domain_with_plain_anchors() {
    let single = Pki::p256("Single");
    let prod = Pki::p256("Prod");
    let v = Verifier::builder()
        .spiffe_any_trust_domain()
        .trust_anchors_pem(single.root_pem().as_bytes())
        .unwrap()
        .spiffe_trust_domain("prod.example", prod.root_pem().as_bytes())
        .unwrap()
        .allow_any_trusted(scopes("svc"))
        .build()
        .unwrap();
    assert!(v.spiffe_mode());
    // Any trust domain chains to the unbound anchor, with the SPIFFE ID as subject.
    let svid = single.leaf(&LeafSpec::spiffe("spiffe://team.example/ns/a/sa/b"));
    let c = v.verify_chain(&svid.chain(), NOW).unwrap();
    assert_eq!(c.subject(), "spiffe://team.example/ns/a/sa/b");
    assert_eq!(c.spiffe_id().map(|i| i.as_str().to_owned()).as_deref(), Some("spiffe://team.example/ns/a/sa/b"));
    // Every SVID rule still applies.
    let not_svid = single.leaf(&LeafSpec::client("alice"));
    assert_eq!(reason(v.verify_chain(&not_svid.chain(), NOW)), (401, "spiffe_uri_san_count"));
    let root_id = single.leaf(&LeafSpec::spiffe("spiffe://team.example"));
    assert_eq!(reason(v.verify_chain(&root_id.chain(), NOW)), (401, "spiffe_root_id"));
    // A mapped trust domain is served only by its own anchors...
    let impostor = single.leaf(&LeafSpec::spiffe("spiffe://prod.example/ns/pay/sa/api"));
    assert_eq!(reason(v.verify_chain(&impostor.chain(), NOW)), (401, "unknown_issuer"));
    let real = prod.leaf(&LeafSpec::spiffe("spiffe://prod.example/ns/pay/sa/api"));
    assert!(v.verify_chain(&real.chain(), NOW).is_ok());
    // ...and a mapped domain's CA cannot vouch for unmapped domains.
    let stray = prod.leaf(&LeafSpec::spiffe("spiffe://team.example/x"));
    assert_eq!(reason(v.verify_chain(&stray.chain(), NOW)), (401, "unknown_issuer"));
}

#[test]
fn malformed_configured_intermediates_are_refused() {
    let pki = Pki::p256("Cfg");
    let base =
        || Verifier::builder().trust_anchors_pem(pki.root_pem().as_bytes()).unwrap().allow_any_trusted(scopes("x"));
    let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let err = base().intermediates_pem(junk.as_bytes()).unwrap().build().unwrap_err();
    assert_eq!(err.reason(), "malformed_certificate");
    let err = base().intermediates_pem(b"no pem here").unwrap_err();
    assert_eq!(err.reason(), "no_intermediate");
    let err = base().intermediate_der(CertificateDer::from(vec![0x30, 0x00])).build().unwrap_err();
    assert_eq!(err.reason(), "malformed_certificate");
    let good = tk_pem_intermediate(&pki);
    assert!(base().intermediates_pem(good.as_bytes()).unwrap().build().is_ok());
}

fn tk_pem_intermediate(pki: &Pki) -> String {
    auth_testkit::mtls::pem_cert(&pki.intermediate.der())
}
