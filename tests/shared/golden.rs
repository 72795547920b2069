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

/// Computed by hand from `src/assets/models/*.json` (the demo models fitted by
/// `scripts/demo-models.sh`; points per characteristic are listed for the first profiles) and
/// cross-checked with an independent script. Sub-scores: per dimension, (points − least) / (most
/// − least) of its characteristics, × 100 rounded half up. Reasons: baseline − points summed
/// per code, ranked, ties in document order; the points above zero are listed.
const GOLDEN: &[Golden] = &[
    // lin (initial 598): repay .985 → 3, defaults 0 → 2, utility .98 → 48, lines 5 → 3
    // (credit 56 of −97..66 → 94); electronics 2, returns .08 → 10, digital .94 → 5 (behaviour 17 of
    // −30..17 → 100); utilisation .41 → 6 (6 of −12..50 → 29); real name 2,
    // college −2, residence 38 → 18, phone 70 → 24 (42 of −41..48 → 93); contacts .86 → 3,
    // verified 14 → 2 (5 of −12..20 → 53). 598 + 126 = 724. Reasons: R13 50−6, R19 18−3,
    // R01 13−3, R16 4−(−2).
    Golden {
        person: "lin",
        score: 724,
        band: "excellent",
        dimensions: [Some(94), Some(100), Some(29), Some(93), Some(53)],
        reasons: &[("R13", 44), ("R19", 15), ("R01", 10), ("R16", 6)],
    },
    // chen: repay .93 → 3, defaults 2, utility .97 → 48, lines 8 → 3 (56 → 94); travel 2, returns
    // .2 → −1, digital .5 → −1 (0 of −30..17 → 64); utilisation .7 → −12 (−12 → 0);
    // real name 2, bachelor 1, residence 36 → 18, phone 62 → 24 (45 → 97); contacts .6 → −10,
    // verified 3 → 0 (−10 → 6). 598 + 79 = 677.
    Golden {
        person: "chen",
        score: 677,
        band: "very_good",
        dimensions: [Some(94), Some(64), Some(0), Some(97), Some(6)],
        reasons: &[("R13", 62), ("R19", 28), ("R08", 11), ("R01", 10)],
    },
    // wang: no repayment history (missing → −2), utility .92 → 14, no open lines → −3, no
    // utilisation (missing → −3), phone 20 → −3, contacts .45 → −10. 598 + 26 = 624.
    Golden {
        person: "wang",
        score: 624,
        band: "good",
        dimensions: [Some(66), Some(87), Some(15), Some(65), Some(6)],
        reasons: &[("R13", 53), ("R04", 34), ("R19", 28), ("R18", 27)],
    },
    // zhao: repay .88 → −12, utility .8 → −26 (R04 48 − (−26) = 74), gaming −10, utilisation
    // .25 → 23, residence 5 → −15, phone 10 → −3. 598 − 39 = 559.
    Golden {
        person: "zhao",
        score: 559,
        band: "fair",
        dimensions: [Some(39), Some(57), Some(56), Some(26), Some(13)],
        reasons: &[("R04", 74), ("R17", 33), ("R19", 28), ("R13", 27)],
    },
    Golden {
        person: "liu",
        score: 419,
        band: "poor",
        dimensions: [Some(4), Some(6), Some(0), Some(2), Some(6)],
        reasons: &[("R04", 118), ("R13", 62), ("R18", 39), ("R17", 33)],
    },
    // The seller (initial 594): loans .97 → 2, disputes .002 → 21, refunds .03 → 6, rating 4.6 → 2,
    // reviews .9 → 5, sales cv .5 → 0, sales 24000 → −1, shipping .97 → 25, tenure 20 → 3,
    // licence 1, repeat .2 → 2. 594 + 66 = 660.
    Golden {
        person: "mei",
        score: 660,
        band: "very_good",
        dimensions: [Some(78), Some(50), Some(56), Some(58), Some(69)],
        reasons: &[("S08", 48), ("S05", 24), ("S03", 19), ("S06", 8)],
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
    // Every feature missing: the missing bins sum to −15 (repay −2, utility −6, category −7,
    // returns −11, digital −4, utilisation −3, contacts 18, the rest 0) → 583 (fair). Reasons:
    // R04 48−(−6)=54, R13 50−(−3)=53, R18 24−0=24, R08 10−(−11)=21 (then R17 18, …).
    let model = model_for("consumer");
    let outcome = model.score_features(&Object::new()).unwrap();
    assert_eq!(whole(outcome.score), 583);
    assert_eq!(model.band(outcome.band).unwrap().id, "fair");
    assert_eq!(outcome.dimensions, [Some(55), Some(17), Some(15), Some(46), Some(94)]);
    let codes: Vec<&str> = outcome.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["R04", "R13", "R18", "R08"]);
}

pub(crate) fn bin_boundaries_are_exact() {
    let model = model_for("consumer");
    let points = |value: &str| {
        let features = json::parse_object(format!(r#"{{"repay_on_time_ratio_24m":{value}}}"#).as_bytes()).unwrap();
        whole(model.score_features(&features).unwrap().partial_scores[0])
    };
    // Bins: missing → −2, <0.9269 → −12, [0.9269,0.98615) → 3, ≥0.98615 → 13.
    for (value, expected) in [
        ("0", -12),
        ("0.92689999999999999999", -12),
        ("0.9269", 3),
        ("9.269e-1", 3),
        ("0.92690", 3),
        ("0.98614999999", 3),
        ("0.98614999999999999999999", 3),
        ("0.98615", 13),
        ("98615e-5", 13),
        ("1", 13),
        ("null", -2),
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
