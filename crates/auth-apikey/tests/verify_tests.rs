//! Verification end to end: keys minted by auth-testkit (an independent implementation of the format
//! and digests) and by the crate itself, against records loaded from JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_apikey::{
    DigestAlg, Error, KeySpec, MemoryStore, Pepper, Policy, Prefix, Record, generate, generate_from_bytes, verify,
    verify_pair, verify_parsed, verify_record,
};
use auth_core::{Reject, Scheme, ScopeSet, Status, Timestamp};
use auth_testkit::{Seed, apikey};

const NOW: Timestamp = Timestamp::from_unix(1_700_000_100);
const LIVE: &[&str] = &["sk_live"];

fn load(minted: &[&apikey::MintedKey], pepper: Option<&[u8]>) -> MemoryStore {
    let records = minted.iter().map(|m| serde_json::from_str::<Record>(&m.record_line()).unwrap());
    MemoryStore::from_records(records, pepper.map(|p| Pepper::new(p).unwrap())).unwrap()
}

#[test]
fn testkit_keys_verify() {
    let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_live").scopes("read write").owner("acct_1"));
    let store = load(&[&k], None);
    let v = verify(&k.key, &store, &Policy::new(LIVE), NOW).unwrap();
    assert_eq!(v.id(), k.id);
    assert_eq!(v.owner(), Some("acct_1"));
    assert_eq!(v.environment(), "sk_live");
    assert!(!v.is_legacy());
    let identity = v.identity();
    assert_eq!(identity.scheme, Scheme::ApiKey);
    assert_eq!(identity.subject, "acct_1");
    assert_eq!(identity.attributes["key_id"], k.id);
    assert_eq!(identity.scopes, ScopeSet::parse("read write").unwrap());
}

#[test]
fn crate_and_testkit_agree_on_the_format() {
    for n in 0..50 {
        let seed = Seed::new(n);
        let id: [u8; 10] = seed.array("id");
        let secret: [u8; 32] = seed.array("secret");
        let prefix = if n % 2 == 0 { "sk_live" } else { "Acme_test_2" };
        let spec = KeySpec::new(Prefix::new(prefix).unwrap(), NOW);
        let (key, record) = generate_from_bytes(spec, &id, &secret).unwrap();
        assert_eq!(key.expose(), apikey::key_from_parts(prefix, &id, &secret));
        // Same digest as ring computes directly over the secret characters.
        let secret_text = apikey::base62(&secret, apikey::SECRET_LEN);
        let expect = ring::digest::digest(&ring::digest::SHA256, secret_text.as_bytes());
        assert_eq!(record.digest(), expect.as_ref());
        assert_eq!(record.id(), apikey::base62(&id, apikey::ID_LEN));
    }
}

#[test]
fn generated_keys_verify_and_records_hold_no_secret() {
    let rng = ring::rand::SystemRandom::new();
    let mut store = MemoryStore::new();
    let mut keys = Vec::new();
    for i in 0..20 {
        let spec = KeySpec::new(Prefix::new("sk_live_").unwrap(), NOW)
            .scopes(ScopeSet::parse("read").unwrap())
            .owner("acct_rotating")
            .metadata("label", format!("key {i}"));
        let (key, record) = generate(spec, &rng).unwrap();
        assert!(key.expose().starts_with("sk_live_"));
        let json = serde_json::to_string(&record).unwrap();
        let (_, secret_half) = key.basic_pair();
        assert!(!json.contains(key.expose()));
        assert!(!json.contains(&secret_half[..43]), "record leaks the secret: {json}");
        assert!(!format!("{record:?}").contains(&secret_half[..43]));
        assert!(!format!("{key:?}").contains(&secret_half[..43]));
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back, record);
        store.insert(back).unwrap();
        keys.push(key);
    }
    // Every key of the owner is live at once (rotation with overlap) …
    for k in &keys {
        assert_eq!(verify(k.expose(), &store, &Policy::new(LIVE), NOW).unwrap().owner(), Some("acct_rotating"));
    }
    assert_eq!(store.owned_by("acct_rotating").count(), 20);
    // … until the old one is revoked.
    assert!(store.revoke(keys[0].id()));
    assert_eq!(verify(keys[0].expose(), &store, &Policy::new(LIVE), NOW).unwrap_err(), Error::Revoked);
    assert!(verify(keys[1].expose(), &store, &Policy::new(LIVE), NOW).is_ok());
}

#[test]
fn record_json_shape() {
    let k = apikey::mint(Seed::new(2), &apikey::MintOptions::new("sk_live").scopes("a b").expires_at(1_800_000_000));
    let store = load(&[&k], None);
    let rec = store.get(&k.id).unwrap();
    let v: serde_json::Value = serde_json::to_value(rec).unwrap();
    assert_eq!(v["id"], k.id.as_str());
    assert_eq!(v["environment"], "sk_live");
    assert_eq!(v["scopes"], serde_json::json!(["a", "b"]));
    assert_eq!(v["expires_at"], 1_800_000_000);
    assert_eq!(v["revoked"], false);
    assert_eq!(v["legacy"], false);
    assert_eq!(v["digest_alg"], "sha256");
    assert_eq!(v["digest"], k.record["digest"]);
    let never = apikey::mint(Seed::new(3), &apikey::MintOptions::new("sk_live"));
    let v: serde_json::Value = serde_json::to_value(load(&[&never], None).get(&never.id).unwrap()).unwrap();
    assert!(v["expires_at"].is_null());
}

#[test]
fn invalid_records_are_refused_at_load() {
    let k = apikey::mint(Seed::new(4), &apikey::MintOptions::new("sk_live"));
    let base = k.record.clone();
    let bad = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut r = base.clone();
        f(&mut r);
        serde_json::from_value::<Record>(r).expect_err("should be refused")
    };
    bad(&|r| r["expires"] = serde_json::json!(5)); // unknown field (a typo)
    bad(&|r| {
        r.as_object_mut().unwrap().remove("expires_at");
    });
    bad(&|r| {
        r.as_object_mut().unwrap().remove("revoked");
    });
    bad(&|r| r["id"] = serde_json::json!("short"));
    bad(&|r| r["digest"] = serde_json::json!("00"));
    bad(&|r| r["digest"] = serde_json::json!("G".repeat(64)));
    bad(&|r| r["digest_alg"] = serde_json::json!("md5"));
    bad(&|r| r["environment"] = serde_json::json!("sk-live"));
    bad(&|r| r["scopes"] = serde_json::json!(["a b"]));
    bad(&|r| r["expires_at"] = serde_json::json!("tomorrow"));
    bad(&|r| r["owner"] = serde_json::json!("a\nb"));
    // A duplicate id, and an HMAC record without a pepper.
    let rec: Record = serde_json::from_value(base.clone()).unwrap();
    assert_eq!(MemoryStore::from_records([rec.clone(), rec], None).unwrap_err(), Error::DuplicateKey);
    let peppered = apikey::mint(Seed::new(4), &apikey::MintOptions::new("sk_live").pepper(&[7; 32]));
    let rec: Record = serde_json::from_value(peppered.record).unwrap();
    assert_eq!(rec.digest_alg(), DigestAlg::HmacSha256);
    assert_eq!(MemoryStore::from_records([rec], None).unwrap_err(), Error::PepperRequired);
}

#[test]
fn revoked_expired_environment_scopes() {
    let o = apikey::MintOptions::new("sk_live").scopes("read");
    let ok = apikey::mint(Seed::new(10), &o);
    let revoked = apikey::mint(Seed::new(11), &o.clone().revoked());
    let expired = apikey::mint(Seed::new(12), &o.clone().expires_at(NOW.as_unix()));
    let later = apikey::mint(Seed::new(13), &o.clone().expires_at(NOW.as_unix() + 1));
    let test_env = apikey::mint(Seed::new(14), &apikey::MintOptions::new("sk_test").scopes("read"));
    let store = load(&[&ok, &revoked, &expired, &later, &test_env], None);
    let live = Policy::new(LIVE);
    assert!(verify(&ok.key, &store, &live, NOW).is_ok());
    assert_eq!(verify(&revoked.key, &store, &live, NOW).unwrap_err(), Error::Revoked);
    let e = verify(&expired.key, &store, &live, NOW).unwrap_err();
    assert!(matches!(e, Error::Expired(x) if x.now == NOW), "{e:?}");
    assert!(verify(&later.key, &store, &live, NOW).is_ok());
    assert!(matches!(verify(&later.key, &store, &live, NOW.saturating_add_secs(1)), Err(Error::Expired(_))));
    // A test key never opens live, and is refused before the lookup.
    assert_eq!(verify(&test_env.key, &store, &live, NOW).unwrap_err(), Error::WrongEnvironment);
    assert!(verify(&test_env.key, &store, &Policy::new(&["sk_test", "sk_live"]), NOW).is_ok());
    assert!(verify(&test_env.key, &store, &Policy::any_environment(), NOW).is_ok());
    assert!(verify(&test_env.key, &store, &Policy::new(&["sk_test_"]), NOW).is_ok());
    assert_eq!(verify(&test_env.key, &store, &Policy::new(&["sk_tes"]), NOW).unwrap_err(), Error::WrongEnvironment);
    assert_eq!(verify(&ok.key, &store, &Policy::new(&[]), NOW).unwrap_err(), Error::WrongEnvironment);
    // Scopes: 403 with the required scopes in the challenge.
    let need = ScopeSet::parse("read write").unwrap();
    let policy = Policy::new(LIVE).require_scopes(&need);
    let e = verify(&ok.key, &store, &policy, NOW).unwrap_err();
    assert_eq!(e, Error::InsufficientScope);
    let r = policy.rejection(&e);
    assert_eq!(r.status(), Status::Forbidden);
    assert_eq!(r.required_scope(), Some("read write"));
    let read = ScopeSet::parse("read").unwrap();
    assert!(verify(&ok.key, &store, &Policy::new(LIVE).require_scopes(&read), NOW).is_ok());
    // A revoked key is revoked even when it also lacks scopes: the order is fixed.
    assert_eq!(verify(&revoked.key, &store, &policy, NOW).unwrap_err(), Error::Revoked);
}

#[test]
fn unknown_id_and_wrong_secret_differ_only_in_reason() {
    let k = apikey::mint(Seed::new(20), &apikey::MintOptions::new("sk_live"));
    let other = apikey::mint(Seed::new(21), &apikey::MintOptions::new("sk_live"));
    let store = load(&[&k], None);
    let policy = Policy::new(LIVE);
    let unknown = verify(&other.key, &store, &policy, NOW).unwrap_err();
    assert_eq!(unknown, Error::UnknownKey);
    // The right id with another secret, and a valid checksum (forged with the testkit's CRC).
    let body = format!("sk_live_{}_{}", k.id, other.secret);
    let forged = format!("{body}{}", apikey::base62(&apikey::crc32(body.as_bytes()).to_be_bytes(), 6));
    let bad = verify(&forged, &store, &policy, NOW).unwrap_err();
    assert_eq!(bad, Error::BadSecret);
    let (ru, rb) = (unknown.rejection(), bad.rejection());
    assert_eq!((ru.reason(), rb.reason()), ("unknown_key", "bad_secret"));
    assert_eq!(ru.status(), rb.status());
    assert_eq!(ru.error(), rb.error());
    let c = auth_core::Challenge::bearer(Some("api"));
    assert_eq!(ru.www_authenticate(&c), rb.www_authenticate(&c));
    assert!(!ru.www_authenticate(&c).contains("unknown"));
}

#[test]
fn prefix_forgery_with_recomputed_checksum() {
    let k = apikey::mint(Seed::new(30), &apikey::MintOptions::new("sk_test"));
    let store = load(&[&k], None);
    let body = format!("sk_live_{}_{}", k.id, k.secret);
    let forged = format!("{body}{}", apikey::base62(&apikey::crc32(body.as_bytes()).to_be_bytes(), 6));
    // The policy names its environment: refused before the lookup; without it: after the lookup.
    assert_eq!(verify(&forged, &store, &Policy::new(LIVE), NOW).unwrap_err(), Error::WrongEnvironment);
    assert_eq!(verify(&forged, &store, &Policy::any_environment(), NOW).unwrap_err(), Error::WrongEnvironment);
    // A plain prefix swap without recomputing the checksum is a checksum failure.
    let swapped = k.key.replacen("sk_test", "sk_live", 1);
    assert_eq!(verify(&swapped, &store, &Policy::any_environment(), NOW).unwrap_err(), Error::BadChecksum);
}

#[test]
fn pepper() {
    let pepper = [42u8; 32];
    let k = apikey::mint(Seed::new(40), &apikey::MintOptions::new("sk_live").pepper(&pepper));
    let plain = apikey::mint(Seed::new(41), &apikey::MintOptions::new("sk_live"));
    let store = load(&[&k, &plain], Some(&pepper));
    assert!(verify(&k.key, &store, &Policy::new(LIVE), NOW).is_ok());
    // SHA-256 records keep working in a peppered store (introducing a pepper needs no flag day).
    assert!(verify(&plain.key, &store, &Policy::new(LIVE), NOW).is_ok());
    // The wrong pepper: the digest does not match.
    let wrong = load(&[&k], Some(&[43u8; 32]));
    assert_eq!(verify(&k.key, &wrong, &Policy::new(LIVE), NOW).unwrap_err(), Error::BadSecret);
    assert_eq!(Pepper::new(&[1; 31]).unwrap_err(), Error::InvalidPepper);
    assert_eq!(format!("{:?}", Pepper::new(&pepper).unwrap()), "Pepper([REDACTED])");
    // The crate's own generation under a pepper matches ring's HMAC directly.
    let p = Pepper::new(&pepper).unwrap();
    let (key, record) = generate_from_bytes(
        KeySpec::new(Prefix::new("sk_live").unwrap(), NOW).pepper(&p),
        &Seed::new(40).array("apikey-id"),
        &Seed::new(40).array("apikey-secret"),
    )
    .unwrap();
    assert_eq!(key.expose(), k.key);
    assert_eq!(serde_json::to_value(&record).unwrap()["digest"], k.record["digest"]);
}

#[test]
fn legacy_keys() {
    let o = apikey::MintOptions::new("live").scopes("read");
    let legacy = apikey::mint_legacy(Seed::new(50), "legacy-1", &o);
    let exact = apikey::legacy_record_for("sk-live-a1b2c3d4", "legacy-2", &o);
    let revoked = apikey::legacy_record_for("sk-live-00000000", "legacy-3", &o.clone().revoked());
    let modern = apikey::mint(Seed::new(51), &apikey::MintOptions::new("sk_live"));
    let store = load(&[&legacy, &exact, &revoked, &modern], None);
    let policy = Policy::new(&["live", "sk_live"]).allow_legacy();
    let v = verify("sk-live-a1b2c3d4", &store, &policy, NOW).unwrap();
    assert!(v.is_legacy());
    assert_eq!(v.id(), "legacy-2");
    assert_eq!(v.identity().attributes["legacy"], "true");
    assert_eq!(verify(&legacy.key, &store, &policy, NOW).unwrap().id(), "legacy-1");
    assert_eq!(verify("sk-live-00000000", &store, &policy, NOW).unwrap_err(), Error::Revoked);
    assert_eq!(verify("sk-live-a1b2c3d5", &store, &policy, NOW).unwrap_err(), Error::UnknownKey);
    assert_eq!(verify("short", &store, &policy, NOW).unwrap_err(), Error::MalformedKey);
    assert_eq!(verify("has space in it", &store, &policy, NOW).unwrap_err(), Error::MalformedKey);
    // Formatted keys keep working, and a bad checksum is not retried as a legacy key.
    assert!(verify(&modern.key, &store, &policy, NOW).is_ok());
    let mut bytes = modern.key.clone().into_bytes();
    bytes[30] = if bytes[30] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(bytes).unwrap();
    assert_eq!(verify(&typo, &store, &policy, NOW).unwrap_err(), Error::BadChecksum);
    // Legacy keys are refused unless the policy allows them, and only in the named environments.
    assert_eq!(verify("sk-live-a1b2c3d4", &store, &Policy::new(&["live"]), NOW).unwrap_err(), Error::MalformedKey);
    let other_env = Policy::new(LIVE).allow_legacy();
    assert_eq!(verify("sk-live-a1b2c3d4", &store, &other_env, NOW).unwrap_err(), Error::WrongEnvironment);
    // The crate's own legacy record matches the testkit's.
    let mine = Record::for_legacy_key("sk-live-a1b2c3d4", "legacy-2", KeySpec::new(Prefix::new("live").unwrap(), NOW))
        .unwrap();
    assert_eq!(serde_json::to_value(&mine).unwrap()["digest"], exact.record["digest"]);
    assert_eq!(
        Record::for_legacy_key("bad key", "x", KeySpec::new(Prefix::new("live").unwrap(), NOW)).unwrap_err(),
        Error::MalformedKey
    );
    // A record's JSON never holds the legacy key either.
    assert!(!serde_json::to_string(&mine).unwrap().contains("a1b2c3d4"));
}

#[test]
fn legacy_keys_with_pepper() {
    let pepper = [9u8; 32];
    let o = apikey::MintOptions::new("live");
    let peppered = apikey::legacy_record_for("sk-live-peppered", "p1", &o.clone().pepper(&pepper));
    let plain = apikey::legacy_record_for("sk-live-plain-01", "p2", &o);
    let store = load(&[&peppered, &plain], Some(&pepper));
    let policy = Policy::new(&["live"]).allow_legacy();
    assert_eq!(verify("sk-live-peppered", &store, &policy, NOW).unwrap().id(), "p1");
    assert_eq!(verify("sk-live-plain-01", &store, &policy, NOW).unwrap().id(), "p2");
}

#[test]
fn two_step_api_for_async_stores() {
    let k = apikey::mint(Seed::new(60), &apikey::MintOptions::new("sk_live"));
    let record: Record = serde_json::from_value(k.record.clone()).unwrap();
    let parsed = auth_apikey::ParsedKey::parse(&k.key).unwrap();
    assert_eq!(parsed.id().as_str(), k.id);
    let policy = Policy::new(LIVE);
    assert!(verify_record(&parsed, Some(&record), None, &policy, NOW).is_ok());
    assert_eq!(verify_record(&parsed, None, None, &policy, NOW).unwrap_err(), Error::UnknownKey);
    let other = apikey::mint(Seed::new(61), &apikey::MintOptions::new("sk_live"));
    let other_record: Record = serde_json::from_value(other.record).unwrap();
    assert_eq!(verify_record(&parsed, Some(&other_record), None, &policy, NOW).unwrap_err(), Error::UnknownKey);
    let store = load(&[&k], None);
    assert!(verify_parsed(&parsed, &store, &policy, NOW).is_ok());
    assert_eq!(auth_apikey::key_id_of(&k.key).unwrap().as_str(), k.id);
}

#[test]
fn basic_pair_verifies_like_the_whole_key() {
    let k = apikey::mint(Seed::new(70), &apikey::MintOptions::new("AC_live"));
    let store = load(&[&k], None);
    let policy = Policy::new(&["AC_live"]);
    let (user, pass) = k.basic_pair();
    assert!(verify_pair(&user, &pass, &store, &policy, NOW).is_ok());
    let mut bad = pass.clone().into_bytes();
    bad[0] = if bad[0] == b'Z' { b'Y' } else { b'Z' };
    let bad = String::from_utf8(bad).unwrap();
    assert_eq!(verify_pair(&user, &bad, &store, &policy, NOW).unwrap_err(), Error::BadChecksum);
    assert_eq!(verify_pair(&user, &pass[1..], &store, &policy, NOW).unwrap_err(), Error::MalformedKey);
    assert_eq!(verify_pair(&user[..user.len() - 1], &pass, &store, &policy, NOW).unwrap_err(), Error::MalformedKey);
}

#[test]
fn rejections_are_generic_401_or_403() {
    for e in [
        Error::MalformedKey,
        Error::BadChecksum,
        Error::UnknownKey,
        Error::BadSecret,
        Error::Revoked,
        Error::WrongEnvironment,
        Error::Expired(auth_apikey::Expired { expires_at: NOW, now: NOW }),
        Error::PepperRequired,
    ] {
        let r = e.rejection();
        assert_eq!(r.status(), Status::Unauthorized, "{e:?}");
        assert_eq!(r.error(), Some(auth_core::ErrorCode::InvalidToken));
        assert_eq!(r.reason(), e.reason());
    }
    assert_eq!(Error::InsufficientScope.rejection().status(), Status::Forbidden);
    let reasons = ["malformed_key", "bad_checksum", "unknown_key", "bad_secret", "revoked", "wrong_environment"];
    let got = [
        Error::MalformedKey,
        Error::BadChecksum,
        Error::UnknownKey,
        Error::BadSecret,
        Error::Revoked,
        Error::WrongEnvironment,
    ]
    .map(|e| e.reason());
    assert_eq!(got, reasons);
}

mod record_parsing {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary JSON text never panics the record parser.
        #[test]
        fn arbitrary_json_never_panics(s in "\\PC{0,200}") {
            let _ = serde_json::from_str::<Record>(&s);
        }

        /// A minted record with one field replaced by an arbitrary JSON scalar either loads or is refused,
        /// and never loads with a different digest.
        #[test]
        fn mangled_fields(field in prop::sample::select(vec![
            "id", "environment", "owner", "legacy", "digest_alg", "digest", "scopes", "created_at",
            "expires_at", "revoked", "metadata",
        ]), value in prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "\\PC{0,70}".prop_map(serde_json::Value::from),
        ]) {
            let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_live"));
            let mut r = k.record.clone();
            r[field] = value;
            if let Ok(rec) = serde_json::from_value::<Record>(r) {
                prop_assert_eq!(serde_json::to_value(&rec).unwrap()["digest"].clone(), k.record["digest"].clone());
            }
        }
    }
}
