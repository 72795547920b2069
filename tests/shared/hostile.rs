//! Runs the hostile-input table (`tests/vectors/hostile.json`) against the core's public API.
//! Shared, word for word, by the native tests and the WebAssembly tests (`#[path]` include), so
//! both run one source of cases.

use std::collections::BTreeSet;

use edgescore::json::{self, Object, Value};
use edgescore::model::{Model, SignedModel};
use edgescore::policy::{OrderContext, Policy, WhenUnavailable};
use edgescore::scorer::{ScoreRequest, Scorer};
use edgescore::snapshot::VerifyOptions;
use edgescore::{demo, ErrorCode, Jwks};

/// The table, embedded.
pub(crate) const HOSTILE_JSON: &str = include_str!("../vectors/hostile.json");

/// What one case gave.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Case name.
    pub name: String,
    /// Which section it is in.
    pub section: &'static str,
    /// The expectation, as written.
    pub expected: String,
    /// What happened: an error code, or `ok:<band>`.
    pub got: String,
}

impl Outcome {
    /// Whether the case passed.
    pub(crate) fn passed(&self) -> bool {
        self.expected == self.got
    }
}

fn text<'a>(case: &'a Object, name: &str) -> Option<&'a str> {
    case.get(name).and_then(Value::as_str)
}

fn result_of<T>(result: edgescore::Result<T>, ok: impl FnOnce(T) -> String) -> String {
    match result {
        Ok(value) => ok(value),
        Err(error) => error.code().as_str().to_owned(),
    }
}

/// Runs every case of `doc`; returns each outcome.
pub(crate) fn run(doc: &str) -> Vec<Outcome> {
    let doc = json::parse_object(doc.as_bytes()).expect("hostile.json parses");
    let now = doc.get("now").and_then(Value::as_i64).expect("now");
    let audience = text(&doc, "audience").expect("audience").to_owned();
    let jwks_text = doc.get("jwks").expect("jwks").to_json();
    let keys = Jwks::parse(jwks_text.as_bytes()).expect("verifier JWKS");
    let model = demo::consumer_model().expect("demo model");
    let section = |name: &str| -> Vec<Object> {
        doc.get(name)
            .and_then(Value::as_array)
            .expect(name)
            .iter()
            .map(|case| case.as_object().expect("case object").clone())
            .collect()
    };
    let mut outcomes = Vec::new();

    for case in section("snapshot_cases") {
        let options_in = case.get("options").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut options = VerifyOptions { audience: Some(audience.clone()), ..VerifyOptions::default() };
        if let Some(value) = options_in.get("audience") {
            options.audience = value.as_str().map(str::to_owned);
        }
        if let Some(Value::Array(issuers)) = options_in.get("issuers") {
            options.issuers = issuers.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        }
        if options_in.get("require_binding").and_then(Value::as_bool) == Some(true) {
            options.require_holder_binding = true;
        }
        let mut policy = Policy::default_rentals();
        if options_in.get("status_unavailable").and_then(Value::as_str) == Some("refuse") {
            policy.status.unavailable = WhenUnavailable::Refuse;
        }
        policy.status.max_age_seconds = options_in.get("status_max_age").and_then(Value::as_i64);
        policy.status.required = options_in.get("status_required").and_then(Value::as_bool) == Some(true);
        let mut scorer = Scorer::new(keys.clone(), model.clone(), policy, options).expect("scorer");
        let request = ScoreRequest { now, nonce: text(&case, "nonce"), context: OrderContext::default(), ..ScoreRequest::default() };
        let added = match text(&case, "status_list") {
            Some(list) => scorer.add_status_list(list, now).map(|_| ()),
            None => Ok(()),
        };
        let got = match added {
            Err(error) => error.code().as_str().to_owned(),
            Ok(()) => result_of(scorer.score(text(&case, "snapshot").expect("snapshot"), &request), |r| match r.status {
                Some("unavailable") => format!("unavailable:{}", r.band),
                _ => format!("ok:{}", r.band),
            }),
        };
        outcomes.push(outcome(&case, "snapshot_cases", got));
    }
    for case in section("jwks_cases") {
        let got = result_of(Jwks::parse(text(&case, "jwks").expect("jwks").as_bytes()), |_| "ok".to_owned());
        outcomes.push(outcome(&case, "jwks_cases", got));
    }
    for case in section("model_cases") {
        let got = match (text(&case, "model"), text(&case, "signed")) {
            (Some(model), _) => result_of(Model::parse(model.as_bytes()), |_| "ok".to_owned()),
            (None, Some(signed)) => result_of(SignedModel::verify(signed, &keys), |_| "ok".to_owned()),
            _ => panic!("model case without model or signed"),
        };
        outcomes.push(outcome(&case, "model_cases", got));
    }
    for case in section("policy_cases") {
        let got = result_of(
            Policy::parse(text(&case, "policy").expect("policy").as_bytes())
                .and_then(|policy| Scorer::new(keys.clone(), model.clone(), policy, VerifyOptions::default())),
            |_| "ok".to_owned(),
        );
        outcomes.push(outcome(&case, "policy_cases", got));
    }
    for case in section("context_cases") {
        let got =
            result_of(OrderContext::parse(text(&case, "context").expect("context").as_bytes()), |_| "ok".to_owned());
        outcomes.push(outcome(&case, "context_cases", got));
    }
    outcomes
}

fn outcome(case: &Object, section: &'static str, got: String) -> Outcome {
    Outcome {
        name: text(case, "name").unwrap_or("?").to_owned(),
        section,
        expected: text(case, "expect").unwrap_or("?").to_owned(),
        got,
    }
}

pub(crate) fn every_case_gives_its_code() {
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

pub(crate) fn table_covers_every_input_code() {
    let outcomes = run(HOSTILE_JSON);
    let seen: BTreeSet<&str> = outcomes.iter().map(|o| o.expected.as_str()).collect();
    // ERR_CONFIG_INVALID is about the verifier's own options (tests/it/config.rs);
    // ERR_DATA_INVALID is about training and population data (model lifecycle, tests/it/lifecycle.rs);
    // the issuer's codes are about batch runs and signers (tests/it/issuer.rs).
    let not_verifier_input = ["ERR_CONFIG_INVALID", "ERR_DATA_INVALID"];
    let missing: Vec<&str> = ErrorCode::ALL
        .iter()
        .filter(|c| c.scope() != edgescore::error::CodeScope::Issuer)
        .map(|c| c.as_str())
        .filter(|c| !not_verifier_input.contains(c) && !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "no hostile case for {missing:?}");
}

pub(crate) fn case_names_are_unique() {
    let outcomes = run(HOSTILE_JSON);
    let mut names = BTreeSet::new();
    for outcome in &outcomes {
        assert!(names.insert(outcome.name.clone()), "duplicate case name {}", outcome.name);
    }
}
