//! The native integration tests, in one crate (one link, faster builds).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[cfg(feature = "demo-issuer")]
mod cases;
#[cfg(feature = "cli")]
mod cli;
mod config;
#[cfg(feature = "demo-issuer")]
mod hostile;
#[cfg(feature = "cli")]
mod issuer;
#[cfg(feature = "lifecycle")]
mod lifecycle;
#[cfg(feature = "cli")]
mod lifecycle_cli;
mod props;

// One source of cases: these files run here and, compiled to WebAssembly, in Node and in
// headless Chromium (tests/wasm/main.rs).
#[path = "../shared/golden.rs"]
mod golden;
#[path = "../shared/hostile.rs"]
#[allow(dead_code)]
mod hostile_table;
#[path = "../shared/vectors.rs"]
mod vectors;

macro_rules! shared_tests {
    ($($module:ident :: $name:ident $(if $feature:literal)?),* $(,)?) => {
        mod shared {
            $(
                $(#[cfg(feature = $feature)])?
                #[test]
                fn $name() {
                    crate::$module::$name()
                }
            )*
        }
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
