//! API keys: full verify against a 1 000-record store beside SHA-256 + lookup + compare (the table's
//! row), then the stages of the verify path (moved here from auth-apikey's own bench):
//!
//! - `verify_hmac_pepper`: the same verify with HMAC-SHA256 records under a pepper;
//! - `ring_sha256_43B`: ring's SHA-256 over the 43 secret characters alone (the digest `verify` runs);
//! - `crc32fast_66B` / `parse_and_checksum`: the checksum primitive, and the whole pre-lookup stage;
//! - `reject_bad_checksum` / `reject_unknown_key`: the cost of refusing a typo and an unknown id.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use auth_apikey::{MemoryStore, Pepper, Policy, Record, verify};
use auth_core::{ScopeSet, Timestamp};
use auth_testkit::{Seed, apikey};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

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
    common::bench_case(c, &authv_benches::apikey_case());

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
    let secret43 = &key.as_bytes()["sk_live_".len() + 15..][..43];
    let body = &key.as_bytes()[..key.len() - 6];

    let mut g = c.benchmark_group("apikey_stages");
    g.warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(2)).sample_size(40);
    g.bench_function("verify_hmac_pepper", |b| b.iter(|| verify(black_box(&pkey), &peppered, &policy, NOW).is_ok()));
    g.bench_function("ring_sha256_43B", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(secret43)))
    });
    g.bench_function("crc32fast_66B", |b| b.iter(|| crc32fast::hash(black_box(body))));
    g.bench_function("parse_and_checksum", |b| b.iter(|| auth_apikey::ParsedKey::parse(black_box(&key)).is_ok()));
    g.bench_function("reject_bad_checksum", |b| b.iter(|| verify(black_box(&typo), &plain, &policy, NOW).is_err()));
    g.bench_function("reject_unknown_key", |b| b.iter(|| verify(black_box(&unknown), &plain, &policy, NOW).is_err()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
