#![no_main]
//! Fuzz target `jwk_parse`: see `authv_fuzz::jwk_parse` for what it feeds and which properties it asserts.
//! dict: jose.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::jwk_parse(data));
