//! Where keys arrive: Bearer, a custom header, Basic (key as user-id, and id:secret pairs), query.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_apikey::{Error, KeySources, MemoryStore, Policy, Record, verify_request};
use auth_core::{HeaderError, Headers, Reject, RequestView, Timestamp};
use auth_testkit::{Seed, apikey, headers};

const NOW: Timestamp = Timestamp::from_unix(1_700_000_100);

fn setup() -> (apikey::MintedKey, MemoryStore) {
    let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_live").owner("acct"));
    let legacy = apikey::legacy_record_for("sk-live-a1b2c3d4", "old-1", &apikey::MintOptions::new("sk_live"));
    let records = [&k, &legacy].map(|m| serde_json::from_value::<Record>(m.record.clone()).unwrap());
    (k, MemoryStore::from_records(records, None).unwrap())
}

fn run(h: &[(&str, &[u8])], target: &str, sources: KeySources<'_>, store: &MemoryStore) -> Result<String, Error> {
    let req = RequestView::new("GET", target, Headers::from_pairs(h), b"");
    let policy = Policy::new(&["sk_live"]).allow_legacy();
    verify_request(&req, &sources, store, &policy, NOW).map(|v| v.id().to_owned())
}

#[test]
fn every_form() {
    let (k, store) = setup();
    let all = KeySources::none()
        .with_bearer()
        .with_header("x-api-key")
        .with_basic_key_as_user()
        .with_basic_id_secret()
        .with_query_param("api_key");
    let bearer = headers::bearer(&k.key);
    assert_eq!(run(&[("Authorization", bearer.as_bytes())], "/", all, &store).unwrap(), k.id);
    assert_eq!(run(&[("X-API-Key", k.key.as_bytes())], "/", all, &store).unwrap(), k.id);
    let basic_user = headers::basic(&k.key, "");
    assert_eq!(run(&[("authorization", basic_user.as_bytes())], "/", all, &store).unwrap(), k.id);
    let (user, pass) = k.basic_pair();
    let pair = headers::basic(&user, &pass);
    assert_eq!(run(&[("authorization", pair.as_bytes())], "/", all, &store).unwrap(), k.id);
    assert_eq!(run(&[], &format!("/v1?api_key={}", k.key), all, &store).unwrap(), k.id);
    // Legacy keys arrive the same ways (not as pairs).
    assert_eq!(run(&[("x-api-key", b"sk-live-a1b2c3d4")], "/", all, &store).unwrap(), "old-1");
    let legacy_basic = headers::basic("sk-live-a1b2c3d4", "");
    assert_eq!(run(&[("authorization", legacy_basic.as_bytes())], "/", all, &store).unwrap(), "old-1");
}

#[test]
fn only_enabled_forms() {
    let (k, store) = setup();
    let bearer_only = KeySources::none().with_bearer();
    // Query strings are off unless enabled.
    let e = run(&[], &format!("/?api_key={}", k.key), bearer_only, &store).unwrap_err();
    assert_eq!(e, Error::Credential(HeaderError::Missing));
    assert_eq!(e.rejection().status().code(), 401);
    assert_eq!(e.rejection().error(), None);
    // A header that is not configured is not looked at.
    let e = run(&[("x-api-key", k.key.as_bytes())], "/", bearer_only, &store).unwrap_err();
    assert_eq!(e, Error::Credential(HeaderError::Missing));
    // Basic key-as-user needs an empty password; pairs need one.
    let user_only = KeySources::none().with_basic_key_as_user();
    let with_pass = headers::basic(&k.key, "x");
    assert_eq!(run(&[("authorization", with_pass.as_bytes())], "/", user_only, &store), Err(Error::MalformedKey));
    let pair_only = KeySources::none().with_basic_id_secret();
    let empty = headers::basic(&k.key, "");
    assert_eq!(run(&[("authorization", empty.as_bytes())], "/", pair_only, &store), Err(Error::MalformedKey));
    // Basic is not accepted by a Bearer-only server: a challenge, not an error.
    let e = run(&[("authorization", empty.as_bytes())], "/", bearer_only, &store).unwrap_err();
    assert_eq!(e, Error::Credential(HeaderError::UnexpectedScheme));
}

#[test]
fn duplicates_and_two_forms_at_once() {
    let (k, store) = setup();
    let s = KeySources::none().with_bearer().with_header("x-api-key");
    let bearer = headers::bearer(&k.key);
    let e = run(&[("authorization", bearer.as_bytes()), ("x-api-key", k.key.as_bytes())], "/", s, &store);
    assert_eq!(e, Err(Error::Credential(HeaderError::MultipleCredentials)));
    assert_eq!(e.unwrap_err().rejection().status().code(), 400);
    let e = run(&[("x-api-key", k.key.as_bytes()), ("X-Api-Key", k.key.as_bytes())], "/", s, &store);
    assert_eq!(e, Err(Error::Credential(HeaderError::DuplicateHeader)));
}

#[test]
fn bad_keys_through_every_form() {
    let (k, store) = setup();
    let all = KeySources::none().with_bearer().with_header("x-api-key").with_basic_key_as_user();
    let mut bytes = k.key.clone().into_bytes();
    bytes[40] = if bytes[40] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(bytes).unwrap();
    assert_eq!(run(&[("x-api-key", typo.as_bytes())], "/", all, &store), Err(Error::BadChecksum));
    let b = headers::bearer(&typo);
    assert_eq!(run(&[("authorization", b.as_bytes())], "/", all, &store), Err(Error::BadChecksum));
    let b = headers::basic(&typo, "");
    assert_eq!(run(&[("authorization", b.as_bytes())], "/", all, &store), Err(Error::BadChecksum));
}
