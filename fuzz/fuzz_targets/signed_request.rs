#![no_main]
//! Fuzz target `signed_request`: see `authv_fuzz::signed_request` for what it feeds and which properties it asserts.
//! dict: http.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::signed_request(data));
