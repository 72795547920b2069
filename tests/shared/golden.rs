//! Golden scores: hand-computed profiles with their score, band, sub-scores and reason order,
//! and small purpose-built models for each scorecard rule.

use edgescore::json::{self, Object};
use edgescore::model::{Model, Points};
use edgescore::scorecard::Reason;
use edgescore::{demo, ErrorCode};

struct Golden {
    person: &'static str,
    score: i64,
    band: &'static str,
    dimensions: [Option<u8>; 5],
    reasons: &'static [(&'static str, i64)],
}

/// Computed by hand from `src/assets/models/*.json` (points per characteristic are listed for
/// the first profiles) and cross-checked with an independent script.
const GOLDEN: &[Golden] = &[
    // lin: repay .985 → 60, late 0 → 40, defaults 0 → 40, utility .96 → 25, lines 5 → 20
    // (credit 185 of 5..210 → 88); orders 20 → 20, electronics 18, returns .08 → 18,
    // digital .94 → 25, autopay false → 10 (behaviour 91 of 26..132 → 61); income 3k-8k 20,
    // assets 56000 → 22, utilisation .41 → 18, services missing 12 (72 of 5..132 → 53);
    // real name 30, college 8, residence 38 → 18, phone 70 → 20 (76 of 3..90 → 84);
    // contacts .86 → 20, verified 14 → 8 (28 of 2..36 → 76). 350 + 452 = 802.
    Golden {
        person: "lin",
        score: 802,
        band: "excellent",
        dimensions: [Some(88), Some(61), Some(53), Some(84), Some(76)],
        reasons: &[("R10", 15), ("R14", 3)],
    },
    Golden {
        person: "chen",
        score: 680,
        band: "very_good",
        dimensions: [Some(68), Some(42), Some(26), Some(68), Some(35)],
        reasons: &[("R01", 15), ("R05", 15), ("R10", 15), ("R14", 15)],
    },
    // wang: no repayment history (missing → 20, reason R01 60-20 = 40) and few contacts in good
    // standing (.45 → 0, R19 20) lead the reasons.
    Golden {
        person: "wang",
        score: 627,
        band: "good",
        dimensions: [Some(56), Some(32), Some(23), Some(67), Some(0)],
        reasons: &[("R01", 40), ("R19", 20), ("R12", 17), ("R05", 15)],
    },
    Golden {
        person: "zhao",
        score: 579,
        band: "fair",
        dimensions: [Some(44), Some(28), Some(6), Some(48), Some(53)],
        reasons: &[("R01", 40), ("R02", 25), ("R04", 25), ("R12", 22)],
    },
    Golden {
        person: "liu",
        score: 443,
        band: "poor",
        dimensions: [Some(7), Some(35), Some(0), Some(0), Some(0)],
        reasons: &[("R01", 60), ("R03", 40), ("R15", 30), ("R02", 25)],
    },
    // The seller: four codes tie at 20 points below baseline; ties keep document order.
    Golden {
        person: "mei",
        score: 695,
        band: "very_good",
        dimensions: [Some(67), Some(57), Some(39), Some(67), Some(42)],
        reasons: &[("S03", 20), ("S05", 20), ("S06", 20), ("S09", 20)],
    },
];

/// Whole points as an integer (the demo models' points are whole).
fn whole(points: Points) -> i64 {
    points.to_whole().unwrap()
}

fn model_for(kind: &str) -> Model {
    let model = if kind == "seller" { demo::seller_model() } else { demo::consumer_model() };
    model.unwrap().model().clone()
}

#[cfg(feature = "demo-issuer")]
pub(crate) fn demo_people_score_as_computed_by_hand() {
    let people = demo::people().unwrap();
    assert_eq!(people.len(), GOLDEN.len());
    for golden in GOLDEN {
        let person = people.iter().find(|p| p.id == golden.person).unwrap();
        let model = model_for(&person.model);
        let outcome = model.score_features(&person.features).unwrap();
        assert_eq!(outcome.score, Points::whole(golden.score), "{} score", golden.person);
        assert_eq!(model.band(outcome.band).unwrap().id, golden.band, "{} band", golden.person);
        assert_eq!(outcome.dimensions, golden.dimensions, "{} dimensions", golden.person);
        let positive: Vec<(&str, i64)> =
            outcome.reasons.iter().filter(|r| r.points > Points::ZERO).map(|r| (r.code.as_str(), whole(r.points))).collect();
        assert_eq!(positive, golden.reasons, "{} reasons", golden.person);
    }
}

pub(crate) fn empty_profile_lands_in_missing_bins() {
    // Every feature missing: the sum of the missing bins is 176 → 526 (poor: fair starts at 550). Reasons:
    // R01 60-20=40, R15 30-0=30, R02 40-15=25, R03 40-20=20 (then R12 17, …).
    let model = model_for("consumer");
    let outcome = model.score_features(&Object::new()).unwrap();
    assert_eq!(whole(outcome.score), 526);
    assert_eq!(model.band(outcome.band).unwrap().id, "poor");
    assert_eq!(outcome.dimensions, [Some(32), Some(18), Some(25), Some(8), Some(35)]);
    let codes: Vec<&str> = outcome.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["R01", "R15", "R02", "R03"]);
}

pub(crate) fn bin_boundaries_are_exact() {
    let model = model_for("consumer");
    let points = |value: &str| {
        let features = json::parse_object(format!(r#"{{"repay_on_time_ratio_24m":{value}}}"#).as_bytes()).unwrap();
        whole(model.score_features(&features).unwrap().partial_scores[0])
    };
    // Bins: <0.8 → 0, [0.8,0.9) → 20, [0.9,0.97) → 45, [0.97,0.99) → 60, ≥0.99 → 70.
    for (value, expected) in [
        ("0", 0),
        ("0.79999999999999999999", 0),
        ("0.8", 20),
        ("8e-1", 20),
        ("0.800", 20),
        ("0.8999999", 20),
        ("0.9", 45),
        ("0.97", 60),
        ("0.98999999999999999999999", 60),
        ("0.99", 70),
        ("1", 70),
        ("null", 20),
    ] {
        assert_eq!(points(value), expected, "repay_on_time_ratio_24m = {value}");
    }
}

const TINY: &str = r#"{
  "format_version": 1, "id": "tiny", "version": "1", "schema": "tiny.v1",
  "features": [{"name": "a", "type": "integer"}, {"name": "b", "type": "category"}, {"name": "c", "type": "boolean"}],
  "score": {"min": 0, "max": 100, "initial": 50},
  "bands": [{"id": "low", "min": 0, "label": {"en": "Low", "zh": "低"}}, {"id": "high", "min": 60, "label": {"en": "High", "zh": "高"}}],
  "characteristics": [
    {"id": "ca", "feature": "a", "dimension": "credit_history", "reason_code": "X", "baseline": 10,
     "bins": [{"lt": 0, "points": -100}, {"lt": 10, "points": 0}, {"gte": 10, "points": 40, "reason_code": "Z"}]},
    {"id": "cb", "feature": "b", "dimension": "credit_history", "reason_code": "Y", "baseline": 10,
     "bins": [{"missing": true, "points": 5}, {"in": ["x"], "points": 0}, {"not_in": ["z"], "points": 10}]},
    {"id": "cc", "feature": "c", "dimension": "relationships", "reason_code": "X", "baseline": 10,
     "bins": [{"in": [true], "points": 10}, {"else": true, "points": 0}]}
  ],
  "reasons": {"X": {"en": "x", "zh": "x"}, "Y": {"en": "y", "zh": "y"}, "Z": {"en": "z", "zh": "z"}}
}"#;

fn tiny(features: &str) -> edgescore::Result<edgescore::scorecard::ScoreOutcome> {
    let model = Model::parse(TINY.as_bytes()).unwrap();
    model.score_features(&json::parse_object(features.as_bytes()).unwrap())
}

fn reasons(outcome: &edgescore::scorecard::ScoreOutcome) -> Vec<(&str, i64)> {
    outcome.reasons.iter().map(|Reason { code, points }| (code.as_str(), whole(*points))).collect()
}

pub(crate) fn scorecard_semantics() {
    // a=5 → 0 (X: 10), b="x" → 0 (Y: 10), c=false → else 0 (X: 10) → X totals 20, Y 10.
    let outcome = tiny(r#"{"a":5,"b":"x","c":false}"#).unwrap();
    assert_eq!(whole(outcome.score), 50);
    assert_eq!(reasons(&outcome), [("X", 20), ("Y", 10)]);
    // Ties keep the order codes were first produced: X (from ca) before Y.
    let outcome = tiny(r#"{"a":5,"b":"x","c":true}"#).unwrap();
    assert_eq!(reasons(&outcome), [("X", 10), ("Y", 10)]);
    // A bin's reason code overrides the characteristic's; negative totals are dropped, zero kept.
    let outcome = tiny(r#"{"a":12,"b":"q","c":true}"#).unwrap();
    assert_eq!(whole(outcome.score), 100);
    assert_eq!(reasons(&outcome), [("Y", 0), ("X", 0)]);
    // Clamping: 50 + 40 + 10 + 10 = 110 → 100; 50 − 100 + … → 0.
    assert_eq!(whole(outcome.raw_score), 110);
    assert_eq!(whole(tiny(r#"{"a":-1}"#).unwrap().score), 0);
    // Missing values only match "missing" or "else": b missing → 5; c missing → else.
    let outcome = tiny(r#"{"a":0}"#).unwrap();
    assert_eq!(outcome.partial_scores.iter().copied().map(whole).collect::<Vec<_>>(), [0, 5, 0]);
    // not_in never matches a missing value, and a value no bin takes is an error.
    let error = tiny(r#"{"a":0,"b":"z"}"#).unwrap_err();
    assert_eq!(error.code(), ErrorCode::FeatureInvalid);
    assert!(error.message().contains("no bin"), "{}", error.message());
    // a missing with no missing or else bin: no bin matches.
    assert_eq!(tiny(r#"{"b":"x"}"#).unwrap_err().code(), ErrorCode::FeatureInvalid);
    // Sub-scores: credit_history spans −100..50, relationships 0..10.
    let outcome = tiny(r#"{"a":5,"b":"x","c":true}"#).unwrap();
    assert_eq!(outcome.dimensions, [Some(67), None, None, None, Some(100)]);
    // 50 + 0 + 0 + 10 = 60: the first score of band "high".
    assert_eq!((whole(outcome.score), outcome.band), (60, 1));
}

pub(crate) fn points_above_ranks_the_other_way() {
    let text = TINY.replace("\"score\":", "\"reason_code_algorithm\": \"points_above\", \"score\":");
    let model = Model::parse(text.as_bytes()).unwrap();
    let outcome = model.score_features(&json::parse_object(br#"{"a":12,"b":"q","c":true}"#).unwrap()).unwrap();
    // Z: 40 − 10 = 30; Y: 10 − 10 = 0; X: 10 − 10 = 0.
    assert_eq!(reasons(&outcome), [("Z", 30), ("Y", 0), ("X", 0)]);
}
