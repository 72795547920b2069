//! The shared cases (vectors, golden scores, the hostile-input table) compiled to WebAssembly
//! and run by wasm-bindgen-test: in Node by default, in headless Chromium with
//! `WASM_BINDGEN_USE_BROWSER=1` (scripts/test-wasm.sh runs both).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use wasm_bindgen_test::wasm_bindgen_test;

#[path = "../shared/golden.rs"]
mod golden;
#[path = "../shared/hostile.rs"]
#[allow(dead_code)]
mod hostile_table;
#[path = "../shared/vectors.rs"]
mod vectors;

macro_rules! shared_tests {
    ($($module:ident :: $name:ident $(if $feature:literal)?),* $(,)?) => {
        $(
            $(#[cfg(feature = $feature)])?
            #[wasm_bindgen_test]
            fn $name() {
                crate::$module::$name()
            }
        )*
    };
}

shared_tests!(
    vectors::wycheproof_every_case_agrees,
    vectors::rfc8032_section_7_1,
    vectors::rfc8037_appendix_a,
    golden::demo_people_score_as_computed_by_hand if "demo-issuer",
    golden::empty_profile_lands_in_missing_bins,
    golden::bin_boundaries_are_exact,
    golden::scorecard_semantics,
    golden::points_above_ranks_the_other_way,
    hostile_table::every_case_gives_its_code,
    hostile_table::table_covers_every_input_code,
    hostile_table::case_names_are_unique,
);
