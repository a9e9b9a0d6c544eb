#![no_main]
//! Fuzz target `dpop_proof`: see `authv_fuzz::dpop_proof` for what it feeds and which properties it asserts.
//! dict: jose.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::dpop_proof(data));
