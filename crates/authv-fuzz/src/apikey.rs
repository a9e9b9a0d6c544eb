//! Target `apikey`: auth-apikey's key grammar, lookup and verification.

use crate::http::RequestParts;
use auth_apikey::key_id_of;
use auth_apikey::{KeySources, MemoryStore, ParsedKey, Policy, Record, verify, verify_pair, verify_request};
use auth_testkit::Seed;
use auth_testkit::apikey::{self as tk, MintOptions, MintedKey};
use std::sync::LazyLock;

/// The minted keys the store holds: a formatted `sk_test` key and a legacy key.
pub struct Keys {
    /// The formatted key and its record.
    pub formatted: MintedKey,
    /// The legacy key and its record.
    pub legacy: MintedKey,
    store: MemoryStore,
}

/// The store of the `apikey` target.
pub static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let options = MintOptions::new("sk_test").scopes("read write");
    let formatted = tk::mint(Seed::new(0xa91), &options);
    let legacy = tk::mint_legacy(Seed::new(0xa92), "legacy-1", &options);
    let records: Vec<Record> = [&formatted, &legacy]
        .iter()
        .map(|k| serde_json::from_value(k.record.clone()).expect("testkit record"))
        .collect();
    let store = MemoryStore::from_records(records, None).expect("store");
    Keys { formatted, legacy, store }
});

/// Target `apikey`. Mode byte `% 3`: 0 — the rest is a presented key for `verify` (and
/// `ParsedKey::parse`, `key_id_of`); 1 — the rest split at the first `:` is a Basic `id:secret` pair
/// for `verify_pair`; 2 — the rest is a request (see [`RequestParts`]) for `verify_request` with every
/// source enabled (Bearer, `x-api-key`, Basic both ways, `?api_key=`). Legacy keys are allowed.
///
/// Properties: a key that parses has the key id `key_id_of` reports; whatever verifies is exactly the
/// minted formatted key (or its Basic pair) or the minted legacy key.
pub fn apikey(data: &[u8]) {
    let Some((mode, rest)) = crate::selector(data) else { return };
    let Ok(text) = core::str::from_utf8(rest) else { return };
    let keys = &*KEYS;
    let envs = ["sk_test"];
    let policy = Policy::new(&envs).allow_legacy();
    match mode % 3 {
        0 => {
            if let Ok(parsed) = ParsedKey::parse(text) {
                assert_eq!(key_id_of(text).as_ref().map(|k| k.as_str()), Ok(parsed.id().as_str()));
            }
            if let Ok(v) = verify(text, &keys.store, &policy, crate::NOW) {
                assert!(
                    text == keys.formatted.key || text == keys.legacy.key,
                    "accepted a key that was never minted: {text:?}"
                );
                let _ = v.identity();
            }
        }
        1 => {
            let (public, secret) = text.split_once(':').unwrap_or((text, ""));
            if verify_pair(public, secret, &keys.store, &policy, crate::NOW).is_ok() {
                let (p, s) = keys.formatted.basic_pair();
                assert!(public == p && secret == s, "accepted a pair that was never minted: {text:?}");
            }
        }
        _ => {
            let parts = RequestParts::decode(rest);
            let pairs = parts.pairs();
            let req = parts.view(&pairs);
            let sources = KeySources::none()
                .with_bearer()
                .with_header("x-api-key")
                .with_basic_key_as_user()
                .with_basic_id_secret()
                .with_query_param("api_key");
            if let Ok(v) = verify_request(&req, &sources, &keys.store, &policy, crate::NOW) {
                assert!(v.id() == keys.formatted.id || v.id() == keys.legacy.id);
            }
        }
    }
}
