//! Verification allocates nothing on the heap, on success and on every rejection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_apikey::{MemoryStore, Pepper, Policy, Record, verify};
use auth_core::{ScopeSet, Timestamp};
use auth_testkit::{Seed, apikey};

const NOW: Timestamp = Timestamp::from_unix(1_700_000_100);

#[test]
fn zero_allocations_per_verify() {
    let pepper = [5u8; 32];
    let o = apikey::MintOptions::new("sk_live").scopes("read write");
    let plain = apikey::mint(Seed::new(1), &o);
    let peppered = apikey::mint(Seed::new(2), &o.clone().pepper(&pepper));
    let revoked = apikey::mint(Seed::new(3), &o.clone().revoked());
    let legacy =
        apikey::legacy_record_for("sk-live-a1b2c3d4", "old", &apikey::MintOptions::new("sk_live").scopes("read"));
    let records =
        [&plain, &peppered, &revoked, &legacy].map(|m| serde_json::from_value::<Record>(m.record.clone()).unwrap());
    let store = MemoryStore::from_records(records, Some(Pepper::new(&pepper).unwrap())).unwrap();
    let read = ScopeSet::parse("read").unwrap();
    let admin = ScopeSet::parse("admin").unwrap();
    let policy = Policy::new(&["sk_live"]).require_scopes(&read).allow_legacy();
    let strict = Policy::new(&["sk_live"]).require_scopes(&admin);
    let mut typo = plain.key.clone().into_bytes();
    typo[30] = if typo[30] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    let unknown = apikey::mint(Seed::new(99), &o).key;
    let cases: [(&str, &Policy<'_>, bool); 8] = [
        (&plain.key, &policy, true),
        (&peppered.key, &policy, true),
        ("sk-live-a1b2c3d4", &policy, true),
        (&revoked.key, &policy, false),
        (&typo, &policy, false),
        (&unknown, &policy, false),
        (&plain.key, &strict, false),
        ("garbage", &strict, false),
    ];
    for (key, policy, ok) in cases {
        let mut result = None;
        let info = allocation_counter::measure(|| {
            result = Some(verify(key, &store, policy, NOW).map(|v| v.id().len()));
        });
        assert_eq!(result.unwrap().is_ok(), ok, "{key}");
        assert_eq!(info.count_total, 0, "{key}: {info:?}");
        println!("{key:.12}…: {} allocations", info.count_total);
    }
}
