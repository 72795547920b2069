//! The PMML conformance corpus against the reference evaluator, without Java: every document
//! of `tests/conformance/pmml/` imported and every row scored by the core must give the score
//! and the reason codes, in rank order, that JPMML-Evaluator recorded
//! (`tests/conformance/expected/`), or an error where it gave an invalid result. The same for
//! the round trip: models fitted by `fit` (and the demo models), exported by `export pmml`,
//! scored by JPMML-Evaluator from the PMML. `./scripts/conformance.sh` regenerates the records.

use std::path::{Path, PathBuf};

use edgescore::json::{self, Object, Value};
use edgescore::lifecycle::build::ImportOptions;
use edgescore::lifecycle::data::{features_from_row, schema_columns, Table};
use edgescore::lifecycle::fit::{fit, FitOptions};
use edgescore::lifecycle::pmml;
use edgescore::scorecard::MAX_REASONS;
use edgescore::Model;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

fn lines(path: &Path) -> Vec<Object> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| json::parse_object(l.as_bytes()).unwrap()).collect()
}

/// Compares the core with JPMML-Evaluator row by row; returns the number of rows compared.
fn compare(name: &str, model: &Model, rows: &[Object], expected: &[Object]) -> usize {
    assert_eq!(rows.len(), expected.len(), "{name}: rows and results");
    let mut failures = Vec::new();
    for (index, (row, expect)) in rows.iter().zip(expected).enumerate() {
        let ours = model.score_features(row);
        let verdict = match (ours, expect.get("error")) {
            (Err(_), Some(_)) => None,
            (Err(error), None) => Some(format!("edgescore refused ({error}), JPMML scored {}", expect.to_json())),
            (Ok(outcome), Some(theirs)) => {
                Some(format!("edgescore scored {}, JPMML gave {}", outcome.score, theirs.to_json()))
            }
            (Ok(outcome), None) => {
                let score = expect.get("score").unwrap().to_json();
                let theirs: f64 = score.parse().unwrap();
                let ours = outcome.score.to_f64();
                let codes: Vec<&str> = outcome.reasons.iter().map(|r| r.code.as_str()).collect();
                let expected_codes: Vec<&str> = expect
                    .get("reasons")
                    .and_then(Value::as_array)
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .take(MAX_REASONS)
                    .collect();
                // JPMML adds in double precision, edgescore exactly: equal up to rounding.
                let score_ok = (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1.0);
                (!score_ok || codes != expected_codes)
                    .then(|| format!("edgescore {} {codes:?}, JPMML {score} {expected_codes:?}", outcome.score))
            }
        };
        if let Some(verdict) = verdict {
            failures.push(format!("{name} row {index} {}: {verdict}", row.to_json()));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
    rows.len()
}

#[test]
fn corpus_scores_as_jpmml_evaluator_on_every_row() {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(corpus().join("pmml"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "pmml"))
        .collect();
    documents.sort();
    assert!(documents.len() >= 12, "at least 12 documents, found {}", documents.len());
    let mut rows_compared = 0;
    for document in &documents {
        let name = document.file_stem().unwrap().to_str().unwrap();
        let model = pmml::import(&std::fs::read_to_string(document).unwrap(), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let rows = lines(&corpus().join("rows").join(format!("{name}.jsonl")));
        assert!(rows.len() >= 300, "{name}: {} rows", rows.len());
        let expected = lines(&corpus().join("expected").join(format!("{name}.jsonl")));
        rows_compared += compare(name, &model, &rows, &expected);
        // Exported by edgescore and imported again, it still scores every row as JPMML did (the
        // bins may list a set's values in another order).
        let again = pmml::import(&pmml::export(&model), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name} exported: {e}"));
        compare(&format!("{name} (exported)"), &again, &rows, &expected);
    }
    eprintln!("{} documents, {rows_compared} rows: every score and reason order as JPMML-Evaluator", documents.len());
}

/// The exported document must be the one JPMML scored; otherwise the records are stale.
fn exported_as_recorded(name: &str, model: &Model) {
    let recorded = std::fs::read_to_string(corpus().join("roundtrip").join(format!("{name}.pmml"))).unwrap();
    assert!(
        pmml::export(model) == recorded,
        "{name}: the exported PMML differs from tests/conformance/roundtrip/{name}.pmml: run ./scripts/conformance.sh"
    );
}

fn roundtrip_rows(name: &str) -> (Vec<Object>, Vec<Object>) {
    let dir = corpus().join("roundtrip");
    (lines(&dir.join(format!("{name}.rows.jsonl"))), lines(&dir.join(format!("{name}.expected.jsonl"))))
}

#[test]
fn fit_export_pmml_and_jpmml_agree_on_every_row() {
    let table = Table::from_csv(include_bytes!("../data/germancredit.csv")).unwrap();
    let options = FitOptions { id: "german-credit".to_owned(), ..FitOptions::new("creditability") };
    let fitted = fit(&table, &options).unwrap().model;
    exported_as_recorded("german-credit", &fitted);
    // JPMML scored every row of the CSV, as the core reads it.
    let expected = lines(&corpus().join("roundtrip/german-credit.expected.jsonl"));
    let columns = schema_columns(&fitted, &table);
    let rows: Vec<Object> = table.rows.iter().map(|row| features_from_row(&fitted, &columns, row).unwrap()).collect();
    assert_eq!(rows.len(), 1000);
    compare("german-credit", &fitted, &rows, &expected);
    // And the exported document, imported again, is the fitted model.
    let again = pmml::import(&pmml::export(&fitted), &ImportOptions::default()).unwrap();
    assert_eq!(again, fitted);
}

#[test]
fn demo_models_exported_score_as_jpmml_evaluator() {
    for (name, model) in [
        ("demo-consumer", edgescore::demo::consumer_model().unwrap()),
        ("demo-seller", edgescore::demo::seller_model().unwrap()),
    ] {
        let model = model.model();
        exported_as_recorded(name, model);
        let (rows, expected) = roundtrip_rows(name);
        assert!(rows.len() >= 100, "{name}: {} rows", rows.len());
        compare(name, model, &rows, &expected);
    }
}
