#![no_main]
//! Fuzz target `mtls_chain_pem`: see `authv_fuzz::mtls_chain_pem` for what it feeds and which properties it asserts.
//! dict: x509.dict

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| authv_fuzz::mtls_chain_pem(data));
