//! Scorecard evaluation, in integer arithmetic only.
//!
//! For each characteristic in document order the first bin whose predicate holds gives the
//! partial score; the score is the initial score plus all partial scores, clamped to the
//! model's range, and its band is the last band whose minimum it reaches. Points are exact
//! decimals ([`Points`], whole millionths), so the score is exact at the model's scale. Reason
//! points per characteristic are `baseline − points` (or `points − baseline` with
//! `points_above`), summed per reason code; negative totals are dropped, zero totals kept, and
//! codes are ranked by total with ties in the order the codes were first produced (PMML 4.4, as
//! JPMML-Evaluator applies it). The top [`MAX_REASONS`] are returned; a model without reason
//! codes returns none. Showing a person only the reasons that lowered their score (points above
//! zero) is for the user interface to decide (the wallet does).
//!
//! Each dimension's sub-score is where its points fall between the lowest and highest points
//! its characteristics can give, as a whole number from 0 to 100 (rounded half up), worked out
//! on the exact totals.

use crate::decimal::Decimal;
use crate::error::{bail, truncate, ClaimReason, Result};
use crate::json::{Object, Value};
use crate::limits::MAX_CATEGORY_LENGTH;
use crate::model::{FeatureSpec, FeatureType, Model, Points, Predicate, ReasonAlgorithm, Scalar};
use crate::snapshot::VerifiedSnapshot;

/// How many reasons a result carries (US adverse-action practice: up to four).
pub const MAX_REASONS: usize = 4;

/// A reason code and its summed reason points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The reason code.
    pub code: String,
    /// Summed reason points (≥ 0).
    pub points: Points,
}

/// The result of evaluating a model on one set of features.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreOutcome {
    /// The score, clamped to the model's range.
    pub score: Points,
    /// The score before clamping.
    pub raw_score: Points,
    /// Index of the band in [`Model::bands`].
    pub band: usize,
    /// Sub-score 0–100 per dimension, in [`crate::model::Dimension::ALL`] order; `None` where the model has
    /// no characteristic of that dimension (or they cannot vary).
    pub dimensions: [Option<u8>; 5],
    /// The top reasons, ranked.
    pub reasons: Vec<Reason>,
    /// Points of each characteristic, in model order.
    pub partial_scores: Vec<Points>,
}

/// A feature value checked against its schema entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Typed<'a> {
    Missing,
    Number(Decimal),
    Text(&'a str),
    Bool(bool),
}

/// Scores a verified snapshot; its feature schema must be the model's.
pub fn score_snapshot(model: &Model, snapshot: &VerifiedSnapshot) -> Result<ScoreOutcome> {
    if snapshot.schema() != model.schema() {
        bail!(
            SchemaMismatch,
            "snapshot schema \"{}\" is not the model's \"{}\"",
            truncate(snapshot.schema(), 60),
            model.schema()
        );
    }
    model.score_features(snapshot.features())
}

impl Model {
    /// Evaluates the model on a features object (names as in the schema; absent or `null`
    /// means missing). For analytics and tests on raw features; decisions go through
    /// [`score_snapshot`], which needs a [`VerifiedSnapshot`].
    pub fn score_features(&self, features: &Object) -> Result<ScoreOutcome> {
        let values = self.typed_values(features)?;
        let mut raw_score = self.initial_score();
        let mut partial_scores = Vec::with_capacity(self.characteristics().len());
        let mut totals: Vec<(&str, Points)> = Vec::new();
        let mut dimension_points = [(Points::ZERO, Points::ZERO, Points::ZERO, false); 5];

        for characteristic in self.characteristics() {
            let value = values.get(characteristic.feature_index()).unwrap_or(&Typed::Missing);
            let Some(bin) = characteristic.bins().iter().find(|bin| matches(&bin.predicate, value)) else {
                let name = self.features().get(characteristic.feature_index()).map_or("", |spec| spec.name.as_str());
                return Err(crate::Error::with_message(
                    crate::ErrorCode::FeatureInvalid,
                    format!(
                        "no bin of characteristic \"{}\" matches the value of feature \"{name}\"",
                        characteristic.id()
                    ),
                )
                .about(name.to_owned(), ClaimReason::Invalid));
            };
            raw_score += bin.points;
            partial_scores.push(bin.points);

            // Validation gives every characteristic a code and a baseline when the model uses
            // reason codes.
            if let (true, Some(code), Some(baseline)) =
                (self.uses_reason_codes(), characteristic.reason_code_of(bin), characteristic.baseline())
            {
                let reason_points = match self.reason_algorithm() {
                    ReasonAlgorithm::PointsBelow => baseline - bin.points,
                    ReasonAlgorithm::PointsAbove => bin.points - baseline,
                };
                match totals.iter_mut().find(|(known, _)| *known == code) {
                    Some(entry) => entry.1 += reason_points,
                    None => totals.push((code, reason_points)),
                }
            }

            if let Some(slot) = dimension_points.get_mut(characteristic.dimension().index()) {
                slot.0 += bin.points;
                slot.1 += characteristic.min_points();
                slot.2 += characteristic.max_points();
                slot.3 = true;
            }
        }

        totals.retain(|(_, points)| *points >= Points::ZERO);
        rank_highest_first(&mut totals);
        let reasons = totals
            .into_iter()
            .take(MAX_REASONS)
            .map(|(code, points)| Reason { code: code.to_owned(), points })
            .collect();

        let dimensions = dimension_points.map(|(points, low, high, present)| {
            if !present || high <= low {
                return None;
            }
            // Millionths: at most 64 × 2·10^12 apart, so × 100 stays inside i64.
            let span = (high - low).millionths();
            let scaled = ((points - low).millionths() * 100 + span / 2) / span;
            u8::try_from(scaled.clamp(0, 100)).ok()
        });
        let score = raw_score.clamp(self.score_min(), self.score_max());
        let band = self.band_index_for(score);
        Ok(ScoreOutcome { score, raw_score, band, dimensions, reasons, partial_scores })
    }

    /// Checks every feature against the schema and returns the values in schema order.
    fn typed_values<'a>(&self, features: &'a Object) -> Result<Vec<Typed<'a>>> {
        let mut values = vec![Typed::Missing; self.features().len()];
        for (name, value) in features.iter() {
            let Some(index) = self.features().iter().position(|spec| spec.name == name) else {
                return Err(crate::Error::with_message(
                    crate::ErrorCode::FeatureInvalid,
                    format!("feature \"{}\" is not in schema \"{}\"", truncate(name, 40), self.schema()),
                )
                .about(truncate(name, 64).to_owned(), ClaimReason::Invalid));
            };
            if let (Some(slot), Some(spec)) = (values.get_mut(index), self.features().get(index)) {
                *slot = typed(spec, value).map_err(|e| e.about(spec.name.clone(), ClaimReason::Invalid))?;
            }
        }
        Ok(values)
    }
}

/// A stable insertion sort, highest points first: ties keep the order the codes were first
/// produced. (At most one entry per characteristic, so at most 64.)
fn rank_highest_first(totals: &mut [(&str, Points)]) {
    for start in 1..totals.len() {
        let mut at = start;
        while at > 0 {
            match (totals.get(at - 1), totals.get(at)) {
                (Some(before), Some(this)) if before.1 < this.1 => totals.swap(at - 1, at),
                _ => break,
            }
            at -= 1;
        }
    }
}

fn typed<'a>(spec: &FeatureSpec, value: &'a Value) -> Result<Typed<'a>> {
    let name = spec.name.as_str();
    let typed = match (spec.kind, value) {
        (_, Value::Null) => Typed::Missing,
        (FeatureType::Number | FeatureType::Integer, Value::Number(number)) => {
            let decimal = number
                .to_decimal()
                .map_err(|e| e.recode(crate::ErrorCode::FeatureInvalid).context(&format!("feature \"{name}\"")))?;
            if spec.kind == FeatureType::Integer && !decimal.is_integer() {
                bail!(FeatureInvalid, "feature \"{name}\" must be a whole number");
            }
            if spec.min.as_ref().is_some_and(|min| decimal < *min)
                || spec.max.as_ref().is_some_and(|max| decimal > *max)
            {
                bail!(FeatureInvalid, "feature \"{name}\" is outside its declared range");
            }
            Typed::Number(decimal)
        }
        (FeatureType::Category, Value::String(text)) => {
            if text.len() > MAX_CATEGORY_LENGTH {
                bail!(FeatureInvalid, "feature \"{name}\" is longer than {MAX_CATEGORY_LENGTH} bytes");
            }
            Typed::Text(text)
        }
        (FeatureType::Boolean, Value::Bool(flag)) => Typed::Bool(*flag),
        (kind, other) => bail!(
            FeatureInvalid,
            "feature \"{name}\" must be {} ({}), not {}",
            match kind {
                FeatureType::Number | FeatureType::Integer => "a number",
                FeatureType::Category => "a string",
                FeatureType::Boolean => "true or false",
            },
            kind.name(),
            other.type_name()
        ),
    };
    Ok(typed)
}

fn matches(predicate: &Predicate, value: &Typed<'_>) -> bool {
    match (predicate, value) {
        (Predicate::Else, _) => true,
        (Predicate::Missing, Typed::Missing) => true,
        // A comparison with a missing value is unknown, and unknown does not match.
        (_, Typed::Missing) | (Predicate::Missing, _) => false,
        (Predicate::Present, _) => true,
        (Predicate::Range { lower, upper }, Typed::Number(number)) => {
            let above_lower =
                lower.as_ref().is_none_or(
                    |bound| {
                        if bound.inclusive {
                            *number >= bound.value
                        } else {
                            *number > bound.value
                        }
                    },
                );
            let below_upper =
                upper.as_ref().is_none_or(
                    |bound| {
                        if bound.inclusive {
                            *number <= bound.value
                        } else {
                            *number < bound.value
                        }
                    },
                );
            above_lower && below_upper
        }
        (Predicate::Range { .. }, _) => false,
        (Predicate::In(set), value) => set.iter().any(|item| equals(item, value)),
        (Predicate::NotIn(set), value) => !set.iter().any(|item| equals(item, value)),
    }
}

fn equals(item: &Scalar, value: &Typed<'_>) -> bool {
    match (item, value) {
        (Scalar::Number(a), Typed::Number(b)) => a == b,
        (Scalar::Text(a), Typed::Text(b)) => a == b,
        (Scalar::Bool(a), Typed::Bool(b)) => a == b,
        _ => false,
    }
}
