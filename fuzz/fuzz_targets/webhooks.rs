#![no_main]
//! Fuzz target `webhooks`: see `authv_fuzz::webhooks` for what it feeds and which properties it asserts.
//! dict: webhooks.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::webhooks(data));
