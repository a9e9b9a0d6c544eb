//! Full API-key verification against its primitive floor, pair-wise in one group:
//!
//! - `floor_sha256_40B_map_ct`: what the issue names as the floor: SHA-256 of a 40-byte key (ring), a
//!   `HashMap` lookup, a 32-byte constant-time compare.
//! - `ring_sha256_43B`: ring's SHA-256 over the 43 secret characters alone (the digest `verify` runs).
//! - `verify_sha256`: `auth_apikey::verify` (parse, checksum, environment, digest, lookup, compare,
//!   revoked/expired/scope checks) against a 1 000-record store.
//! - `verify_hmac_pepper`: the same with HMAC-SHA256 records under a pepper.
//! - `crc32fast_66B` / `parse_and_checksum`: the checksum primitive, and the whole pre-lookup stage.
//! - `reject_bad_checksum` / `reject_unknown_key`: the cost of refusing a typo and an unknown id.
//!
//! Before the timings it prints the heap allocations of one `verify` (measured with
//! `allocation-counter`; the target is zero).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::print_stderr)]

use auth_apikey::{MemoryStore, Pepper, Policy, Record, verify};
use auth_core::{ScopeSet, Timestamp, ct_eq};
use auth_testkit::{Seed, apikey};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::hint::black_box;

const NOW: Timestamp = Timestamp::from_unix(1_700_000_100);
const STORE_SIZE: u64 = 1_000;

fn store(pepper: Option<&[u8]>) -> (MemoryStore, Vec<String>) {
    let mut o = apikey::MintOptions::new("sk_live").scopes("read write");
    if let Some(p) = pepper {
        o = o.pepper(p);
    }
    let minted: Vec<_> = (0..STORE_SIZE).map(|i| apikey::mint(Seed::new(i), &o)).collect();
    let records = minted.iter().map(|m| serde_json::from_value::<Record>(m.record.clone()).unwrap());
    let store = MemoryStore::from_records(records, pepper.map(|p| Pepper::new(p).unwrap())).unwrap();
    (store, minted.into_iter().map(|m| m.key).collect())
}

fn bench(c: &mut Criterion) {
    let pepper = [7u8; 32];
    let (plain, plain_keys) = store(None);
    let (peppered, peppered_keys) = store(Some(&pepper));
    let read = ScopeSet::parse("read").unwrap();
    let policy = Policy::new(&["sk_live"]).require_scopes(&read);
    let key = plain_keys[500].clone();
    let pkey = peppered_keys[500].clone();
    let mut typo = key.clone().into_bytes();
    typo[30] = if typo[30] == b'a' { b'b' } else { b'a' };
    let typo = String::from_utf8(typo).unwrap();
    let unknown = apikey::mint(Seed::new(STORE_SIZE + 1), &apikey::MintOptions::new("sk_live")).key;

    for (name, k, s) in [("sha256", &key, &plain), ("hmac_pepper", &pkey, &peppered)] {
        let mut ok = false;
        let info = allocation_counter::measure(|| ok = verify(k, s, &policy, NOW).is_ok());
        assert!(ok);
        eprintln!(
            "auth-apikey verify_{name}: {} heap allocations per verify ({} bytes)",
            info.count_total, info.bytes_total
        );
    }

    // The floor: a 40-byte key, SHA-256, a map from id to digest, a constant-time compare.
    let floor_key: [u8; 40] = Seed::new(1).array("floor-key");
    let floor_id: [u8; 14] = floor_key[..14].try_into().unwrap();
    let mut floor_map: HashMap<[u8; 14], [u8; 32]> = (0..STORE_SIZE)
        .map(|i| (Seed::new(i).array::<14>("floor-id"), Seed::new(i).array::<32>("floor-digest")))
        .collect();
    let mut floor_digest = [0u8; 32];
    floor_digest.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, &floor_key).as_ref());
    floor_map.insert(floor_id, floor_digest);
    let secret43 = &key.as_bytes()["sk_live_".len() + 15..][..43];

    let mut g = c.benchmark_group("apikey");
    g.bench_function("floor_sha256_40B_map_ct", |b| {
        b.iter(|| {
            let k = black_box(&floor_key);
            let d = ring::digest::digest(&ring::digest::SHA256, k);
            let id: &[u8; 14] = k[..14].try_into().unwrap();
            let stored = floor_map.get(id).unwrap();
            ct_eq(d.as_ref(), stored)
        });
    });
    g.bench_function("ring_sha256_43B", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(secret43)))
    });
    let body = &key.as_bytes()[..key.len() - 6];
    g.bench_function("crc32fast_66B", |b| b.iter(|| crc32fast::hash(black_box(body))));
    g.bench_function("parse_and_checksum", |b| b.iter(|| auth_apikey::ParsedKey::parse(black_box(&key)).is_ok()));
    g.bench_function("verify_sha256", |b| b.iter(|| verify(black_box(&key), &plain, &policy, NOW).is_ok()));
    g.bench_function("verify_hmac_pepper", |b| b.iter(|| verify(black_box(&pkey), &peppered, &policy, NOW).is_ok()));
    g.bench_function("reject_bad_checksum", |b| b.iter(|| verify(black_box(&typo), &plain, &policy, NOW).is_err()));
    g.bench_function("reject_unknown_key", |b| b.iter(|| verify(black_box(&unknown), &plain, &policy, NOW).is_err()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
