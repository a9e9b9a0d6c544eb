//! Criterion benchmarks for authv. Run them with `cargo bench -p authv-benches`; each scheme's verify
//! path is measured beside the raw primitive it is built on, in the same run.
#![forbid(unsafe_code)]
