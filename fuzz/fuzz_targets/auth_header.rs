#![no_main]
//! Fuzz target `auth_header`: see `authv_fuzz::auth_header` for what it feeds and which properties it asserts.
//! dict: http.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::auth_header(data));
