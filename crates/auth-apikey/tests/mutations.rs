//! Every single-character mutation of a key is rejected, and (for formatted keys) before any lookup.
//!
//! The mutations come from auth-testkit (substitutions over base62 + `_` + `-`, case changes,
//! deletions, insertions at every position). A store that counts lookups proves "before any lookup".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::print_stdout)]

use auth_apikey::{DigestAlg, Error, KeyId, KeyStore, MemoryStore, Pepper, Policy, Record, verify};
use auth_core::Timestamp;
use auth_testkit::Seed;
use auth_testkit::apikey::{self, MutationKind};
use proptest::prelude::*;
use std::cell::Cell;

const NOW: Timestamp = Timestamp::from_unix(1_700_000_100);

/// Counts every lookup.
struct Counting {
    inner: MemoryStore,
    lookups: Cell<usize>,
}

impl KeyStore for Counting {
    fn find(&self, id: &KeyId) -> Option<&Record> {
        self.lookups.set(self.lookups.get() + 1);
        self.inner.find(id)
    }
    fn find_legacy(&self, alg: DigestAlg, digest: &[u8; 32]) -> Option<&Record> {
        self.lookups.set(self.lookups.get() + 1);
        self.inner.find_legacy(alg, digest)
    }
    fn pepper(&self) -> Option<&Pepper> {
        self.inner.pepper()
    }
}

fn store_for(k: &apikey::MintedKey) -> Counting {
    let record: Record = serde_json::from_value(k.record.clone()).unwrap();
    Counting { inner: MemoryStore::from_records([record], None).unwrap(), lookups: Cell::new(0) }
}

/// The grammar, written out independently of the crate: prefix, `_`, 14 base62, `_`, 49 base62.
fn has_key_shape(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 66 || b.len() > 32 + 65 {
        return false;
    }
    let (prefix, tail) = b.split_at(b.len() - 65);
    let b62 = |c: &u8| c.is_ascii_alphanumeric();
    let prefix_ok = prefix[0].is_ascii_alphabetic()
        && prefix.iter().all(|c| b62(c) || *c == b'_')
        && !prefix.ends_with(b"_")
        && !prefix.windows(2).any(|w| w == b"__");
    prefix_ok && tail[0] == b'_' && tail[1..15].iter().all(b62) && tail[15] == b'_' && tail[16..].iter().all(b62)
}

/// Checks one mutation; returns the error.
fn check(k: &apikey::MintedKey, store: &Counting, policy: &Policy<'_>, m: &apikey::Mutation) -> Error {
    store.lookups.set(0);
    let err = verify(&m.text, store, policy, NOW).expect_err(&format!("mutation accepted: {m:?}"));
    assert_eq!(store.lookups.get(), 0, "{m:?} reached the store ({err:?})");
    let prefix_len = k.key.len() - 65;
    let in_prefix = m.position < prefix_len || (m.kind == MutationKind::Insertion && m.position == prefix_len);
    let expected: &[Error] = match m.kind {
        // Deterministic: CRC-32 catches every error burst of up to 32 bits.
        MutationKind::Substitution | MutationKind::CaseChange if has_key_shape(&m.text) => &[Error::BadChecksum],
        MutationKind::Substitution | MutationKind::CaseChange => &[Error::MalformedKey],
        // Outside the prefix, the fixed-position separators catch every insertion and deletion.
        _ if !in_prefix => {
            assert!(!has_key_shape(&m.text), "{m:?}");
            &[Error::MalformedKey]
        }
        // Inside the prefix: the checksum (all but 2^-32), else the policy's environment list.
        _ => &[Error::MalformedKey, Error::BadChecksum, Error::WrongEnvironment],
    };
    assert!(expected.contains(&err), "{m:?}: got {err:?}, expected one of {expected:?}");
    err
}

#[test]
fn every_single_character_mutation_is_rejected_before_lookup() {
    let mut tally = std::collections::BTreeMap::<(String, &'static str), usize>::new();
    for (n, prefix) in [(1, "sk_live"), (2, "sk_live"), (3, "Ab_9"), (4, "x")] {
        let k = apikey::mint(Seed::new(n), &apikey::MintOptions::new(prefix));
        let store = store_for(&k);
        let policy = Policy::new(std::slice::from_ref(&prefix));
        assert!(verify(&k.key, &store, &policy, NOW).is_ok());
        let muts = apikey::mutations(&k.key);
        assert!(muts.len() > 9_000 || prefix.len() < 7, "{}", muts.len());
        for m in &muts {
            let err = check(&k, &store, &policy, m);
            *tally.entry((format!("{:?}", m.kind), err.reason())).or_default() += 1;
        }
        // The same with a policy that accepts any environment: still no lookup.
        let any = Policy::any_environment();
        for m in &muts {
            store.lookups.set(0);
            let err = verify(&m.text, &store, &any, NOW).unwrap_err();
            assert!(matches!(err, Error::MalformedKey | Error::BadChecksum), "{m:?}: {err:?}");
            assert_eq!(store.lookups.get(), 0);
        }
    }
    println!("mutations rejected (kind, reason) -> count: {tally:#?}");
    assert!(tally.keys().any(|(_, r)| *r == "bad_checksum"));
    assert!(tally.keys().any(|(_, r)| *r == "malformed_key"));
}

#[test]
fn prefix_changes_are_rejected_before_lookup() {
    let k = apikey::mint(Seed::new(9), &apikey::MintOptions::new("sk_live"));
    let store = store_for(&k);
    let policy = Policy::new(&["sk_live"]);
    for other in ["sk_test", "sk_Live", "SK_LIVE", "pk_live", "sk_live_x", "sk", "rk_live"] {
        store.lookups.set(0);
        let changed = format!("{other}{}", &k.key["sk_live".len()..]);
        let err = verify(&changed, &store, &policy, NOW).unwrap_err();
        assert_eq!(err, Error::BadChecksum, "{changed}");
        assert_eq!(store.lookups.get(), 0);
    }
    // Dropping the prefix, or adding text in front of it.
    for changed in [k.key["sk_live_".len()..].to_owned(), format!("x{}", k.key), format!("{} ", k.key)] {
        let err = verify(&changed, &store, &policy, NOW).unwrap_err();
        assert!(matches!(err, Error::MalformedKey | Error::BadChecksum), "{changed}: {err:?}");
        assert_eq!(store.lookups.get(), 0);
    }
}

#[test]
fn adjacent_transpositions_are_rejected_before_lookup() {
    for (n, prefix) in [(11, "sk_live"), (12, "acme_test")] {
        let k = apikey::mint(Seed::new(n), &apikey::MintOptions::new(prefix));
        let store = store_for(&k);
        let policy = Policy::any_environment();
        let b = k.key.as_bytes();
        let checksum_start = b.len() - 6;
        let mut swapped = 0;
        for i in 0..b.len() - 1 {
            if b[i] == b[i + 1] {
                continue;
            }
            let mut v = b.to_vec();
            v.swap(i, i + 1);
            let text = String::from_utf8(v).unwrap();
            let err = verify(&text, &store, &policy, NOW).unwrap_err();
            assert_eq!(store.lookups.get(), 0, "{text}");
            let within = i + 1 < checksum_start || i >= checksum_start;
            if within && has_key_shape(&text) {
                assert_eq!(err, Error::BadChecksum, "{text}");
            } else {
                assert!(matches!(err, Error::MalformedKey | Error::BadChecksum), "{text}: {err:?}");
            }
            swapped += 1;
        }
        assert!(swapped > 50);
    }
}

#[test]
fn legacy_path_still_rejects_mutations() {
    // With legacy keys allowed, text that fails the grammar is looked up by digest instead: still
    // rejected, though no longer before the lookup.
    let k = apikey::mint(Seed::new(5), &apikey::MintOptions::new("sk_live"));
    let store = store_for(&k);
    let policy = Policy::new(&["sk_live"]).allow_legacy();
    for m in apikey::mutations(&k.key).iter().step_by(7) {
        let err = verify(&m.text, &store, &policy, NOW).unwrap_err();
        assert!(
            matches!(err, Error::MalformedKey | Error::BadChecksum | Error::WrongEnvironment | Error::UnknownKey),
            "{m:?}: {err:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn minted_keys_verify_and_random_mutations_do_not(
        seed in any::<u64>(),
        prefix in "[A-Za-z]([A-Za-z0-9]|_[A-Za-z0-9]){0,12}",
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 40),
    ) {
        let k = apikey::mint(Seed::new(seed), &apikey::MintOptions::new(&prefix));
        let store = store_for(&k);
        let envs = [prefix.as_str()];
        let policy = Policy::new(&envs);
        let v = verify(&k.key, &store, &policy, NOW).unwrap();
        prop_assert_eq!(v.id(), k.id.as_str());
        let muts = apikey::mutations(&k.key);
        for p in picks {
            check(&k, &store, &policy, p.get(&muts));
        }
    }

    #[test]
    fn arbitrary_text_never_verifies_and_never_panics(s in "\\PC{0,120}") {
        let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_live"));
        let store = store_for(&k);
        prop_assert!(verify(&s, &store, &Policy::any_environment().allow_legacy(), NOW).is_err());
    }

    #[test]
    fn arbitrary_basic_pairs_never_verify(user in "[A-Za-z0-9_]{0,60}", pass in "[A-Za-z0-9_]{0,60}") {
        let k = apikey::mint(Seed::new(1), &apikey::MintOptions::new("sk_live"));
        let store = store_for(&k);
        let r = auth_apikey::verify_pair(&user, &pass, &store, &Policy::any_environment(), NOW);
        prop_assert!(r.is_err());
        prop_assert_eq!(store.lookups.get(), 0);
    }
}
