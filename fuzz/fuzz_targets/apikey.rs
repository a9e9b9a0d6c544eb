#![no_main]
//! Fuzz target `apikey`: see `authv_fuzz::apikey` for what it feeds and which properties it asserts.
//! dict: http.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::apikey(data));
