//! auth-core hot paths: credential extraction and the replay guard.
#![allow(missing_docs, clippy::unwrap_used)]

use auth_core::{
    CredentialSources, Headers, MemoryReplayGuard, ReplayGuard, RequestView, Timestamp, extract_credential, header,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn parsing(c: &mut Criterion) {
    let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMzItYnl0ZXMtbG9uZw";
    let value = format!("Bearer {token}");
    c.bench_function("core/parse_bearer", |b| b.iter(|| header::parse_bearer(black_box(value.as_bytes())).unwrap()));
    let pairs: Vec<(&str, &[u8])> = vec![
        ("host", b"api.example"),
        ("user-agent", b"bench/1"),
        ("accept", b"*/*"),
        ("authorization", value.as_bytes()),
    ];
    let sources = CredentialSources::none().with_bearer().with_header("x-api-key");
    c.bench_function("core/extract_credential", |b| {
        b.iter(|| {
            let view = RequestView::new("GET", "/v1/items", Headers::from_pairs(black_box(&pairs)), b"");
            extract_credential(&view, &sources).map(|_| ()).unwrap();
        });
    });
    c.bench_function("core/parse_basic", |b| {
        b.iter(|| header::parse_basic(black_box(b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")).unwrap());
    });
}

fn replay(c: &mut Criterion) {
    let guard = MemoryReplayGuard::new(1 << 20);
    let now = Timestamp::from_unix(1_700_000_000);
    let until = now.saturating_add_secs(300);
    let mut i = 0u64;
    c.bench_function("core/replay_guard_record", |b| {
        b.iter(|| {
            i += 1;
            // Stays below capacity for any realistic iteration count; when full it fails closed.
            let _ = black_box(guard.check_and_record(b"key-1", &i.to_le_bytes(), until, now));
        });
    });
}

criterion_group!(benches, parsing, replay);
criterion_main!(benches);
