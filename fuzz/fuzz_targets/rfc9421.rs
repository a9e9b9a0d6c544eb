#![no_main]
//! Fuzz target `rfc9421`: see `authv_fuzz::rfc9421` for what it feeds and which properties it asserts.
//! dict: rfc9421.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::rfc9421(data));
