#![no_main]
//! Fuzz target `jwt_claims`: see `authv_fuzz::jwt_claims` for what it feeds and which properties it asserts.
//! dict: jose.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::jwt_claims(data));
