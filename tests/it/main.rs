//! The native integration tests, in one crate (one link, faster builds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[cfg(feature = "demo-issuer")]
mod cases;
#[cfg(feature = "cli")]
mod cli;
mod config;
#[cfg(feature = "lifecycle")]
mod conformance;
mod error_codes;
#[cfg(feature = "demo-issuer")]
mod hostile;
#[cfg(feature = "cli")]
mod issuer;
#[cfg(feature = "lifecycle")]
mod lifecycle;
#[cfg(feature = "cli")]
mod lifecycle_cli;
mod model;
#[cfg(all(feature = "pkcs11", feature = "cli"))]
mod pkcs11;
mod props;
#[cfg(feature = "demo-issuer")]
mod receipt;

// One source of cases: the same list runs here and, compiled to WebAssembly, in Node and in
// headless Chromium (tests/wasm/main.rs).
include!("../shared/cases.rs");
shared_tests!(test);
