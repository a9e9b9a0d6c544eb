#![no_main]
//! Fuzz target `jws_verify`: see `authv_fuzz::jws_verify` for what it feeds and which properties it asserts.
//! dict: jose.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::jws_verify(data));
