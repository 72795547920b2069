//! The hostile-input table: the file matches its generator, and every case gives its code.

use std::collections::BTreeSet;

use edgescore::ErrorCode;

use crate::cases;
use crate::hostile_table::{run, HOSTILE_JSON};

#[test]
fn table_file_matches_generator() {
    let built = cases::build();
    if std::env::var_os("EDGESCORE_BLESS").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/hostile.json"), &built).unwrap();
        return;
    }
    assert!(
        built == HOSTILE_JSON,
        "tests/vectors/hostile.json is out of date: run `EDGESCORE_BLESS=1 cargo test --features cli` and review the diff"
    );
}

#[test]
fn every_case_gives_its_code() {
    let outcomes = run(HOSTILE_JSON);
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}/{}: expected {}, got {}", o.section, o.name, o.expected, o.got))
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), outcomes.len(), failures.join("\n"));
    let hostile_snapshots =
        outcomes.iter().filter(|o| o.section == "snapshot_cases" && o.expected.starts_with("ERR_")).count();
    assert!(hostile_snapshots >= 40, "only {hostile_snapshots} hostile snapshot cases");
}

#[test]
fn table_covers_every_input_code() {
    let outcomes = run(HOSTILE_JSON);
    let seen: BTreeSet<&str> = outcomes.iter().map(|o| o.expected.as_str()).collect();
    // ERR_CONFIG_INVALID is about the verifier's own options, tested in unit tests;
    // ERR_DATA_INVALID is about training and population data (model lifecycle, tests/it/lifecycle.rs).
    let not_verifier_input = ["ERR_CONFIG_INVALID", "ERR_DATA_INVALID"];
    let missing: Vec<&str> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !not_verifier_input.contains(c) && !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no hostile case for {missing:?}");
}

#[test]
fn case_names_are_unique() {
    let outcomes = run(HOSTILE_JSON);
    let mut names = BTreeSet::new();
    for outcome in &outcomes {
        assert!(names.insert(outcome.name.clone()), "duplicate case name {}", outcome.name);
    }
}
