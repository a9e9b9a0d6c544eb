//! Certificates forwarded by TLS-terminating proxies: each format valid, tampered and injected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use auth_core::{Headers, Reject};
use auth_mtls::{Error, ForwardedFormat, Verifier, forwarded};
use auth_testkit::mtls::{LeafSpec, NOW, Pki, pem_cert, proxy};

struct Setup {
    pki: Pki,
    verifier: Verifier,
    alice: auth_testkit::mtls::Leaf,
    mallory: auth_testkit::mtls::Leaf,
}

fn setup() -> Setup {
    let pki = Pki::p256("Proxy");
    let verifier = Verifier::builder()
        .trust_anchors_pem(pki.root_pem().as_bytes())
        .unwrap()
        .intermediates_pem(pki.intermediate.pem().as_bytes())
        .unwrap()
        .allow_list_json(r#"{"cn:alice": ["read"]}"#)
        .unwrap()
        .build()
        .unwrap();
    let alice = pki.leaf(&LeafSpec::client("alice"));
    let mallory = pki.leaf(&LeafSpec::client("mallory"));
    Setup { pki, verifier, alice, mallory }
}

fn verify(s: &Setup, format: ForwardedFormat, pairs: &[(&str, &str)]) -> Result<String, (u16, &'static str)> {
    let owned: Vec<(&str, &[u8])> = pairs.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
    let headers = Headers::from_pairs(&owned);
    s.verifier.verify_forwarded(format, &headers, NOW).map(|c| c.subject().to_owned()).map_err(|e| {
        let r = e.rejection();
        (r.status().code(), r.reason())
    })
}

/// The leaf PEM with one base64 character of the signature changed (still valid base64 and DER
/// length, so the failure is the signature).
fn tampered_pem(leaf: &auth_testkit::mtls::Leaf) -> String {
    let mut der = leaf.der.to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    pem_cert(&der)
}

#[test]
fn nginx() {
    let s = setup();
    let h = "x-ssl-client-cert";
    let value = proxy::nginx_escaped_cert(&s.alice);
    assert!(value.contains("%0A") && !value.contains('\n'));
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &[(h, &value)]), Ok("alice".into()));
    // Tampered certificate: re-verified, so the signature fails.
    let bad = tampered_pem(&s.alice).replace('\n', "%0A").replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &[(h, &bad)]), Err((401, "bad_signature")));
    // Broken escapes, two certificates, a repeated header, no header.
    assert_eq!(
        verify(&s, ForwardedFormat::NginxEscapedCert, &[(h, &value.replacen("%0A", "%0", 1))]),
        Err((400, "malformed_forwarded_header"))
    );
    let two = format!("{value}{}", proxy::nginx_escaped_cert(&s.mallory));
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &[(h, &two)]), Err((400, "malformed_forwarded_header")));
    let dup = [(h, value.as_str()), (h, value.as_str())];
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &dup), Err((400, "duplicate_header")));
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &[]), Err((401, "missing_credentials")));
    // A custom header name, still exactly once.
    let custom = [("X-Client-Cert", value.as_str())];
    let owned: Vec<(&str, &[u8])> = custom.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
    let headers = Headers::from_pairs(&owned);
    let c = s.verifier.verify_forwarded_from(ForwardedFormat::NginxEscapedCert, "x-client-cert", &headers, NOW);
    assert_eq!(c.unwrap().subject(), "alice");
    let twice: Vec<(&str, &[u8])> = vec![("x-client-cert", value.as_bytes()), ("X-Client-Cert", value.as_bytes())];
    let e = s
        .verifier
        .verify_forwarded_from(ForwardedFormat::NginxEscapedCert, "x-client-cert", &Headers::from_pairs(&twice), NOW)
        .unwrap_err();
    assert_eq!(e.reason(), "duplicate_header");
    // A trusted identity outside the allow-list is still a 403.
    let m = proxy::nginx_escaped_cert(&s.mallory);
    assert_eq!(verify(&s, ForwardedFormat::NginxEscapedCert, &[(h, &m)]), Err((403, "identity_not_allowed")));
}

#[test]
fn aws_alb() {
    let s = setup();
    let h = "x-amzn-mtls-clientcert";
    let value = proxy::alb_clientcert(&s.alice);
    assert!(value.contains('+') || value.contains('/'), "ALB leaves + and / unescaped");
    assert_eq!(verify(&s, ForwardedFormat::AwsAlb, &[(h, &value)]), Ok("alice".into()));
    // `+` is a literal plus: decoding it as a space (form encoding) would corrupt the base64.
    // The leaf comes first, so when its PEM holds a `+` the first `+` of the value is the leaf's (a `+`
    // only in the intermediate would leave the leaf intact, verifiable with the configured chain).
    if s.alice.pem.contains('+') {
        let spaced = value.replacen('+', " ", 1);
        assert!(verify(&s, ForwardedFormat::AwsAlb, &[(h, &spaced)]).is_err());
    }
    let mut tampered = tampered_pem(&s.alice);
    tampered.push_str(&pem_cert(&s.pki.intermediate.der()));
    let bad: String = tampered.replace('\n', "%0A").replace(' ', "%20");
    assert_eq!(verify(&s, ForwardedFormat::AwsAlb, &[(h, &bad)]), Err((401, "bad_signature")));
    // A chain whose leaf is from another PKI is re-verified against our anchors.
    let other = Pki::p256("Other").leaf(&LeafSpec::client("alice"));
    assert_eq!(
        verify(&s, ForwardedFormat::AwsAlb, &[(h, &proxy::alb_clientcert(&other))]),
        Err((401, "unknown_issuer"))
    );
    assert_eq!(verify(&s, ForwardedFormat::AwsAlb, &[(h, "%ZZ")]), Err((400, "malformed_forwarded_header")));
    let dup = [(h, value.as_str()), ("X-Amzn-Mtls-Clientcert", value.as_str())];
    assert_eq!(verify(&s, ForwardedFormat::AwsAlb, &dup), Err((400, "duplicate_header")));
}

#[test]
fn rfc9440() {
    let s = setup();
    let cert = proxy::rfc9440_cert(&s.alice.der);
    let chain = proxy::rfc9440_chain(&s.alice.intermediates);
    assert_eq!(
        verify(&s, ForwardedFormat::Rfc9440, &[("Client-Cert", &cert), ("Client-Cert-Chain", &chain)]),
        Ok("alice".into())
    );
    assert_eq!(verify(&s, ForwardedFormat::Rfc9440, &[("client-cert", &cert)]), Ok("alice".into()));
    let mut der = s.alice.der.to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let bad = proxy::rfc9440_cert(&der);
    assert_eq!(verify(&s, ForwardedFormat::Rfc9440, &[("client-cert", &bad)]), Err((401, "bad_signature")));
    for malformed in [
        cert.trim_matches(':').to_owned(),
        format!("{cert};a=1"),
        // One `=` too many: never a multiple of four characters, whatever padding the DER length gives.
        format!("{}=:", cert.trim_end_matches(':')),
        format!("{cert},{cert}"),
    ] {
        assert_eq!(
            verify(&s, ForwardedFormat::Rfc9440, &[("client-cert", &malformed)]),
            Err((400, "malformed_forwarded_header")),
            "{malformed}"
        );
    }
    let dup =
        [("client-cert-chain", chain.as_str()), ("client-cert", cert.as_str()), ("client-cert-chain", chain.as_str())];
    assert_eq!(verify(&s, ForwardedFormat::Rfc9440, &dup), Err((400, "duplicate_header")));
    // A chain header alone carries no client certificate.
    assert_eq!(
        verify(&s, ForwardedFormat::Rfc9440, &[("client-cert-chain", &chain)]),
        Err((401, "missing_credentials"))
    );
}

#[test]
fn envoy_xfcc() {
    let s = setup();
    let h = "x-forwarded-client-cert";
    let alice = proxy::xfcc_element(&s.alice, "CN=alice");
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &alice)]), Ok("alice".into()));

    // Only the last element counts: one the client smuggled in earlier is ignored...
    let smuggled =
        format!("{},{}", proxy::xfcc_element(&s.alice, "CN=alice"), proxy::xfcc_element(&s.mallory, "CN=mallory"));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &smuggled)]), Err((403, "identity_not_allowed")));
    // ...and a quoted Subject carrying `;Cert=` and `,` cannot inject a certificate.
    let injected_subject = format!("CN=x\";Cert={},By=\"", proxy::nginx_escaped_cert(&s.alice));
    let injected = proxy::xfcc_element(&s.mallory, &injected_subject);
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &injected)]), Err((403, "identity_not_allowed")));
    let injected2 = proxy::xfcc_element(&s.mallory, &format!("CN=x;Cert={}", proxy::nginx_escaped_cert(&s.alice)));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &injected2)]), Err((403, "identity_not_allowed")));

    // Cert only, Chain only.
    let cert_only = format!("By=spiffe://p/e;Cert=\"{}\"", proxy::nginx_escaped_cert(&s.alice));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &cert_only)]), Ok("alice".into()));
    let unquoted = format!("Cert={}", proxy::nginx_escaped_cert(&s.alice));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &unquoted)]), Ok("alice".into()));
    // No certificate in the last element.
    assert_eq!(
        verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, "By=spiffe://p/e;Hash=ab;Subject=\"CN=a\"")]),
        Err((401, "missing_credentials"))
    );

    // Tampered: the hash no longer matches, or Cert and Chain disagree, or a key repeats.
    let wrong_hash = alice.replacen(&s.alice.fingerprint_hex(), &s.mallory.fingerprint_hex(), 1);
    assert_eq!(
        verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &wrong_hash)]),
        Err((400, "inconsistent_forwarded_header"))
    );
    let disagree =
        format!("Cert=\"{}\";Chain=\"{}\"", proxy::nginx_escaped_cert(&s.mallory), proxy::nginx_escaped_cert(&s.alice));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &disagree)]), Err((400, "inconsistent_forwarded_header")));
    let twice = format!("{cert_only};Cert=\"{}\"", proxy::nginx_escaped_cert(&s.alice));
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &twice)]), Err((400, "inconsistent_forwarded_header")));
    let tampered = format!(
        "Cert=\"{}\"",
        tampered_pem(&s.alice).replace('\n', "%0A").replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
    );
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &tampered)]), Err((401, "bad_signature")));
    // Unbalanced quotes anywhere fail the whole header.
    let unbalanced = format!("Subject=\"CN=a,{alice}");
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &[(h, &unbalanced)]), Err((400, "malformed_forwarded_header")));
    let dup = [(h, alice.as_str()), (h, alice.as_str())];
    assert_eq!(verify(&s, ForwardedFormat::EnvoyXfcc, &dup), Err((400, "duplicate_header")));
}

#[test]
fn value_api_and_limits() {
    let s = setup();
    let v = proxy::nginx_escaped_cert(&s.alice);
    let c = s.verifier.verify_forwarded_value(ForwardedFormat::NginxEscapedCert, v.as_bytes(), None, NOW).unwrap();
    assert_eq!(c.subject(), "alice");
    let chain =
        forwarded::extract_chain(ForwardedFormat::AwsAlb, proxy::alb_clientcert(&s.alice).as_bytes(), None).unwrap();
    assert_eq!(chain, s.alice.chain());
    let huge = "A".repeat(auth_mtls::MAX_FORWARDED_HEADER_LEN + 1);
    let e = s.verifier.verify_forwarded_value(ForwardedFormat::EnvoyXfcc, huge.as_bytes(), None, NOW).unwrap_err();
    assert_eq!((e.rejection().status().code(), e.reason()), (400, "header_too_large"));
    assert!(matches!(
        forwarded::extract_chain(ForwardedFormat::NginxEscapedCert, b"a", Some(b"b")),
        Err(Error::Forwarded(_))
    ));
}
