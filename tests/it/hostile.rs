//! The hostile-input table: the file matches its generator, and every case gives its code.

use crate::cases;
use crate::hostile_table::HOSTILE_JSON;

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
