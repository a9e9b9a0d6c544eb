#![no_main]
//! Fuzz target `sigv4`: see `authv_fuzz::sigv4` for what it feeds and which properties it asserts.
//! dict: sigv4.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::sigv4(data));
