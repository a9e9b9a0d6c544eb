#![no_main]
//! Fuzz target `mtls_forwarded`: see `authv_fuzz::mtls_forwarded` for what it feeds and which properties it asserts.
//! dict: forwarded.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::mtls_forwarded(data));
