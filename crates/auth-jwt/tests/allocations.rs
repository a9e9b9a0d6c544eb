//! Heap allocations per verify, measured with a counting global allocator (this test binary only).
//!
//! The hot path allocates one buffer for the decoded header and payload; registered claims are read
//! from it by span, the signature is decoded on the stack (or, for HMAC, not decoded at all).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::indexing_slicing)]

use auth_core::Timestamp;
use auth_jwt::{Algorithm, Key, KeySet, Policy, verify};
use auth_testkit::Seed;
use auth_testkit::jwt::{self as kit, Alg, SigningKey};
use base64ct::{Base64UrlUnpadded, Encoding};

/// Allocations of the bare primitive (ring, or p521 for ES512) on the same signing input and signature.
fn primitive_allocations(key: &Key, alg: Algorithm, token: &str) -> u64 {
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = Base64UrlUnpadded::decode_vec(sig).unwrap();
    allocation_counter::measure(|| {
        key.verify_signature(alg, input.as_bytes(), &sig).unwrap();
    })
    .count_total
}

#[test]
fn one_allocation_per_verify_beyond_the_primitive() {
    let now = 1_700_000_000;
    for alg in Alg::ALL {
        let key = SigningKey::new(alg, Seed::new(5)).with_kid("k1");
        let keys = KeySet::from_jwks(kit::jwk_set(&[&key]).as_bytes()).unwrap();
        let token = kit::mint(&key, &kit::access_token_claims(Seed::new(5), now));
        let policy = Policy::new()
            .issuer("https://issuer.authv.test")
            .audience("https://api.authv.test")
            .require_scopes("read:items")
            .unwrap();
        let t = Timestamp::from_unix(now);
        verify(&token, &keys, &policy, t).unwrap();
        let mut result = None;
        let info = allocation_counter::measure(|| {
            result = Some(verify(&token, &keys, &policy, t));
        });
        let verified = result.unwrap().unwrap();
        let primitive = primitive_allocations(&keys.keys()[0], verified.alg(), &token);
        println!(
            "{:>6}: {} allocation(s), {} bytes per verify ({}-byte token); the primitive alone: {}",
            alg.name(),
            info.count_total,
            info.bytes_total,
            token.len(),
            primitive,
        );
        // authv's own share is the one buffer for the decoded header and payload. (ring's RSA
        // verification allocates its big-number temporaries; HMAC, ECDSA, Ed25519 and P-521 do not.)
        assert_eq!(info.count_total, primitive + 1, "{alg:?}");
    }
}
