//! The native integration tests, in one crate (one link, faster builds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[cfg(feature = "demo-issuer")]
mod cases;
#[cfg(feature = "cli")]
mod cli;
mod config;
mod golden;
#[cfg(feature = "demo-issuer")]
mod hostile;
#[cfg(feature = "cli")]
mod issuer;
mod props;
mod vectors;

#[path = "../shared/hostile.rs"]
#[allow(dead_code)]
mod hostile_table;
