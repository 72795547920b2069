//! The shared cases (vectors, golden scores, the hostile-input table) compiled to WebAssembly
//! and run by wasm-bindgen-test: in Node by default, in headless Chromium with
//! `WASM_BINDGEN_USE_BROWSER=1` (scripts/test-pkg.sh runs both).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use wasm_bindgen_test::wasm_bindgen_test;

include!("../shared/cases.rs");
shared_tests!(wasm_bindgen_test);
