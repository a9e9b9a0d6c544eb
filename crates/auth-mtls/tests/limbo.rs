//! x509-limbo (C2SP) through the auth-mtls verifier.
//!
//! Runs every case of `x509-limbo/limbo.regenerated.json` and of the last official
//! `historical/limbo.2023-12-02.ddc40b47.json` that this verifier can express:
//!
//! - CLIENT cases verify for clientAuth; their RFC822 expected peer names become `email:` entries
//!   of the allow-list (the verifier's way of requiring an email identity).
//! - SERVER cases verify for the EKU they ask for (serverAuth by default) through
//!   [`Usage::ServerAuth`], and their DNS/IP expected peer name through
//!   [`Verifier::verify_chain_for_name`].
//! - CRLs are applied with the whole chain checked, unknown status allowed (limbo's CRL cases
//!   give a CRL for the leaf's issuer only) and expired CRLs rejected.
//!
//! Not expressible, and listed as skipped with the reason: a per-call maximum chain depth, a
//! required key usage, a restricted signature-algorithm set, and EKUs other than
//! serverAuth/clientAuth.
//!
//! Every divergence from the expected result must be listed, with one reason, in
//! `tests/limbo-exceptions.json`; a listed case that no longer diverges fails the test too, so the
//! file stays exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_core::{ScopeSet, Timestamp};
use auth_mtls::{AllowList, CrlExpiration, RevocationDepth, RevocationPolicy, UnknownStatusPolicy, Usage, Verifier};
use auth_testkit::vectors::{Tally, read};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Limbo {
    testcases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    #[serde(default)]
    signature_algorithms: Option<Vec<String>>,
    #[serde(default)]
    key_usage: Option<Vec<String>>,
    #[serde(default)]
    extended_key_usage: Option<Vec<String>>,
    expected_result: String,
    expected_peer_name: Option<PeerName>,
    #[serde(default)]
    expected_peer_names: Option<Vec<PeerName>>,
    max_chain_depth: Option<u32>,
    #[serde(default)]
    crls: Vec<String>,
}

#[derive(Deserialize, Clone)]
struct PeerName {
    kind: String,
    value: String,
}

#[derive(Deserialize)]
struct Exception {
    expected: String,
    actual: String,
    reason: String,
}

/// The time used for cases whose `validation_time` is null ("now"): limbo's generated certificates
/// are valid from 1970 to 2969, so any present-day instant does.
const DEFAULT_TIME: Timestamp = auth_testkit::mtls::NOW;

enum Plan {
    Run,
    Skip(&'static str),
}

fn plan(case: &Case) -> Plan {
    if case.max_chain_depth.is_some() {
        return Plan::Skip("max_chain_depth: the verifier has rustls-webpki's fixed depth limit, not a per-call one");
    }
    if case.key_usage.as_ref().is_some_and(|k| !k.is_empty()) {
        return Plan::Skip("key_usage: requiring leaf key-usage bits is not a verifier option outside SPIFFE mode");
    }
    if case.signature_algorithms.as_ref().is_some_and(|s| !s.is_empty()) {
        return Plan::Skip("signature_algorithms: the verifier's algorithm set is fixed to ring's");
    }
    let ekus = case.extended_key_usage.clone().unwrap_or_default();
    if ekus.iter().any(|e| e != "serverAuth" && e != "clientAuth") || ekus.len() > 1 {
        return Plan::Skip("extended_key_usage: only a single serverAuth or clientAuth requirement is expressible");
    }
    let names = case.expected_peer_names.clone().unwrap_or_default();
    if names.iter().any(|n| n.kind != "RFC822") || (case.expected_peer_name.is_some() && !names.is_empty()) {
        return Plan::Skip("expected_peer_names: only RFC822 names (as allow-list entries) are expressible there");
    }
    if case.expected_peer_name.as_ref().is_some_and(|n| n.kind != "DNS" && n.kind != "IP") {
        return Plan::Skip("expected_peer_name: only DNS and IP peer names are expressible");
    }
    Plan::Run
}

fn usage(case: &Case) -> Usage {
    match case.extended_key_usage.as_deref().and_then(<[String]>::first).map(String::as_str) {
        Some("clientAuth") => Usage::ClientAuth,
        Some("serverAuth") => Usage::ServerAuth,
        _ if case.validation_kind == "CLIENT" => Usage::ClientAuth,
        _ => Usage::ServerAuth,
    }
}

/// Runs one case; `Ok(())` is SUCCESS, `Err(reason)` FAILURE.
fn run(case: &Case) -> Result<(), String> {
    let mut builder = Verifier::builder().usage(usage(case));
    let anchors: String = case.trusted_certs.concat();
    builder = builder.trust_anchors_pem(anchors.as_bytes()).map_err(|e| e.reason().to_owned())?;
    let intermediates: String = case.untrusted_intermediates.concat();
    if !case.crls.is_empty() {
        builder = builder
            .crls_pem(case.crls.concat().as_bytes())
            .map_err(|e| e.reason().to_owned())?
            .revocation_policy(RevocationPolicy {
                depth: RevocationDepth::Chain,
                unknown_status: UnknownStatusPolicy::Allow,
                expiration: CrlExpiration::Enforce,
            });
    }
    let emails: Vec<&PeerName> = case.expected_peer_names.iter().flatten().collect();
    builder = if emails.is_empty() {
        builder.allow_any_trusted(ScopeSet::new())
    } else {
        let mut list = AllowList::new();
        for e in emails {
            list = list.allow(&format!("email:{}", e.value), ScopeSet::new()).map_err(|e| e.reason().to_owned())?;
        }
        builder.allow_list(list)
    };
    let verifier = builder.build().map_err(|e| e.reason().to_owned())?;
    let pem = format!("{}{}", case.peer_certificate, intermediates);
    let chain = match auth_mtls::pem_chain(pem.as_bytes()) {
        Ok(c) => c,
        Err(e) => return Err(e.reason().to_owned()),
    };
    let now = match &case.validation_time {
        Some(t) => {
            Timestamp::from(time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap())
        }
        None => DEFAULT_TIME,
    };
    let result = match &case.expected_peer_name {
        Some(name) => verifier.verify_chain_for_name(&chain, now, &name.value),
        None => verifier.verify_chain(&chain, now),
    };
    result.map(|_| ()).map_err(|e| e.reason().to_owned())
}

fn suite(file: &str) {
    let Some(bytes) = read(&format!("x509-limbo/{file}")) else { return };
    let limbo: Limbo = serde_json::from_slice(&bytes).unwrap();
    let exceptions: BTreeMap<String, BTreeMap<String, Exception>> =
        serde_json::from_str(include_str!("limbo-exceptions.json")).unwrap();
    let empty = BTreeMap::new();
    let exceptions = exceptions.get(file).unwrap_or(&empty);
    let mut tally = Tally::new(file);
    let (mut matched, mut diverged, mut inexpressible) = (0usize, 0usize, 0usize);
    for case in &limbo.testcases {
        if let Plan::Skip(why) = plan(case) {
            tally.skip(&case.id, why);
            inexpressible += 1;
            continue;
        }
        let outcome = run(case);
        let actual = if outcome.is_ok() { "SUCCESS" } else { "FAILURE" };
        let exception = exceptions.get(&case.id);
        if actual == case.expected_result {
            matched += 1;
            let stale =
                exception.map(|_| "listed in limbo-exceptions.json but now gives the expected result".to_owned());
            tally.record(&case.id, stale.map_or(Ok(()), Err));
        } else {
            match exception {
                Some(x) if x.actual == actual && x.expected == case.expected_result => {
                    diverged += 1;
                    tally.skip(
                        &case.id,
                        &format!("ran, diverges as documented ({actual}, {:?}): {}", outcome.err(), x.reason),
                    );
                }
                _ => tally.record(
                    &case.id,
                    Err(format!("expected {}, got {actual} ({:?})", case.expected_result, outcome.err())),
                ),
            }
        }
    }
    for id in exceptions.keys() {
        assert!(limbo.testcases.iter().any(|c| &c.id == id), "{file}: exception for unknown case {id}");
    }
    println!(
        "x509-limbo {file}: {} cases; {matched} gave the expected result, {diverged} documented divergences, {inexpressible} not expressible",
        limbo.testcases.len(),
    );
    tally.finish();
}

#[test]
fn limbo_regenerated() {
    suite("limbo.regenerated.json");
}

#[test]
fn limbo_historical_official() {
    suite("historical/limbo.2023-12-02.ddc40b47.json");
}
