// The shared cases, included (`include!`) by tests/it/main.rs (native, `#[test]`) and by
// tests/wasm/main.rs (WebAssembly in Node and Chromium, `#[wasm_bindgen_test]`): one list, so
// every runtime runs the same cases.

#[path = "../shared/golden.rs"]
mod golden;
#[path = "../shared/hostile.rs"]
#[allow(dead_code)]
mod hostile_table;
#[path = "../shared/vectors.rs"]
mod vectors;

macro_rules! shared_tests {
    ($attribute:meta) => {
        shared_tests!(@each $attribute;
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
    };
    (@each $attribute:meta; $($module:ident :: $name:ident $(if $feature:literal)?),* $(,)?) => {
        mod shared {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[cfg(feature = $feature)])?
                #[$attribute]
                fn $name() {
                    crate::$module::$name()
                }
            )*
        }
    };
}
