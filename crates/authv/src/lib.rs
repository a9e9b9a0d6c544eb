//! The `authv` command line and demo server, as a library so the integration tests and fuzz targets reach
//! the same code the binary runs. Every subcommand is a thin layer over the scheme crates' public APIs.
#![forbid(unsafe_code)]
// A command-line front end prints its verdicts.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

pub mod apikey;
pub mod cli;
pub mod demo;
pub mod hmac;
pub mod jwt;
pub mod mtls;
pub mod rawhttp;
pub mod tls;
