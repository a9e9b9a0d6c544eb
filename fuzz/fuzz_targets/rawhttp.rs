#![no_main]
//! Fuzz target `rawhttp`: see `authv_fuzz::rawhttp` for what it feeds and which properties it asserts.
//! dict: http.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::rawhttp(data));
