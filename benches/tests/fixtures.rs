//! The fixtures every bench, the allocation probe and the gate measure: each case verifies (its
//! constructor asserts authv, the limit and every peer accept their input) and keeps verifying on
//! repeated calls, so a bench can never silently time a rejection.
#![allow(missing_docs)]

#[test]
fn every_case_verifies_repeatedly() {
    let cases = authv_benches::all_cases(&|_| Vec::new());
    let ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
    for expected in [
        "jwt_hs256",
        "jwt_rs256",
        "jwt_ps256",
        "jwt_es256",
        "jwt_es384",
        "jwt_es512",
        "jwt_eddsa",
        "signed_request_1k",
        "sigv4_header",
        "sigv4_query",
        "stripe_1k",
        "standard_webhooks_1k",
        "rfc9421_hmac",
        "apikey",
        "mtls_p256",
        "mtls_rsa2048",
    ] {
        assert!(ids.contains(&expected), "missing case {expected}");
    }
    for case in &cases {
        for _ in 0..3 {
            assert!((case.authv)(), "{} authv", case.id);
            assert!((case.limit)(), "{} limit", case.id);
            for (name, op) in &case.peers {
                assert!(op(), "{} {name}", case.id);
            }
        }
    }
}
