//! [`ModelSpec`]: a model document as plain data, and its serde form.
//!
//! The spec mirrors the document (`format_version` 1 or 2) member for member: characteristics name
//! their feature, baselines may be left to the model's `baseline_score`, reason texts are an
//! object keyed by code. Reading a document deserializes a spec (shape only: unknown members,
//! wrong types); [`Model::try_from`](super::Model) then checks every rule. Lifecycle code fills
//! in a spec directly. Members are written in declaration order, which is the order of
//! `src/assets/models/consumer.json`.

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    Band, Bin, Bound, Dimension, FeatureSpec, FeatureType, Points, Predicate, ReasonAlgorithm, ReasonText, Scalar,
};
use crate::decimal::Decimal;
use crate::json::{Value, NUMBER_TOKEN};

/// A model document as plain data. Convert with `Model::try_from(spec)`, which validates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The format version ([`super::MODEL_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Model id: 1 to 64 of `a-z`, `0-9`, `_`, `-`, `.`.
    pub id: String,
    /// Model version (free text).
    pub version: String,
    /// Demo material, never for real decisions.
    #[serde(default, skip_serializing_if = "is_false")]
    pub demo: bool,
    /// A title, free-form (kept and written back, never interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Value>,
    /// A description, free-form (kept and written back, never interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
    /// The issuer, free-form (kept and written back, never interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Value>,
    /// The feature-schema id snapshots must carry.
    pub schema: String,
    /// Score range and initial score.
    pub score: ScoreSpec,
    /// Whether results carry reason codes (`format_version` 2 may say `false`, as PMML's
    /// `useReasonCodes="false"`; then characteristics need no reason codes or baselines).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub reason_codes: bool,
    /// Reason points algorithm.
    #[serde(default, rename = "reason_code_algorithm")]
    pub reason_algorithm: ReasonAlgorithm,
    /// The baseline of characteristics that give none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_score: Option<Points>,
    /// The feature schema.
    pub features: Vec<FeatureSpec>,
    /// Bands, ascending.
    pub bands: Vec<Band>,
    /// Characteristics, in order.
    pub characteristics: Vec<CharacteristicSpec>,
    /// Reason texts, written as an object keyed by code.
    #[serde(with = "reason_texts")]
    pub reasons: Vec<ReasonText>,
}

/// `score`: the range and the initial score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    /// Lowest score.
    pub min: Points,
    /// Highest score.
    pub max: Points,
    /// Score before any characteristic.
    pub initial: Points,
}

/// A characteristic as written: it names its feature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharacteristicSpec {
    /// Identifier, unique in the model.
    pub id: String,
    /// The feature it reads.
    pub feature: String,
    /// The dimension it counts towards.
    pub dimension: Dimension,
    /// The reason code: required in `format_version` 1; in 2 it may be left out when every
    /// bin names its own, or when the model has no reason codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// The baseline; the model's `baseline_score` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Points>,
    /// English and Simplified Chinese labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Texts>,
    /// Bins in order.
    pub bins: Vec<Bin>,
}

/// A text in English and Simplified Chinese.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

fn is_true(flag: &bool) -> bool {
    *flag
}

fn yes() -> bool {
    true
}

/// A feature as written (`description` is accepted and not kept).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FeatureDoc {
    name: String,
    #[serde(rename = "type")]
    kind: FeatureType,
    #[serde(default)]
    min: Option<Decimal>,
    #[serde(default)]
    max: Option<Decimal>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default, rename = "description")]
    _description: Option<Value>,
}

impl From<FeatureDoc> for FeatureSpec {
    fn from(doc: FeatureDoc) -> FeatureSpec {
        FeatureSpec { name: doc.name, kind: doc.kind, min: doc.min, max: doc.max, source: doc.source }
    }
}

/// A band as written: `{"id", "min", "label": {"en", "zh"}}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BandDoc {
    id: String,
    min: Points,
    label: Texts,
}

impl From<BandDoc> for Band {
    fn from(doc: BandDoc) -> Band {
        Band { id: doc.id, min: doc.min, label_en: doc.label.en, label_zh: doc.label.zh }
    }
}

impl From<Band> for BandDoc {
    fn from(band: Band) -> BandDoc {
        BandDoc { id: band.id, min: band.min, label: Texts { en: band.label_en, zh: band.label_zh } }
    }
}

/// A bin as written: exactly one predicate form (`missing`, `else`, `present`, `in`, `not_in`,
/// or a range of `gt`/`gte` and/or `lt`/`lte`) beside `points` and an optional `reason_code`.
/// `label` is accepted and not kept.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BinDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    missing: Option<bool>,
    #[serde(default, rename = "else", skip_serializing_if = "Option::is_none")]
    otherwise: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    present: Option<bool>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    within: Option<Vec<Scalar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_in: Option<Vec<Scalar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gt: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gte: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lt: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lte: Option<Decimal>,
    points: Points,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason_code: Option<String>,
    #[serde(default, rename = "label", skip_serializing)]
    _label: Option<Value>,
}

const ONE_FORM: &str = "a bin has exactly one of missing, else, present, in, not_in or a range (gt/gte/lt/lte)";

impl TryFrom<BinDoc> for Bin {
    type Error = String;

    fn try_from(doc: BinDoc) -> Result<Bin, String> {
        let mut forms = Vec::with_capacity(1);
        for (name, flag, predicate) in [
            ("missing", doc.missing, Predicate::Missing),
            ("else", doc.otherwise, Predicate::Else),
            ("present", doc.present, Predicate::Present),
        ] {
            match flag {
                None => {}
                Some(true) => forms.push(predicate),
                Some(false) => return Err(format!("\"{name}\" must be true")),
            }
        }
        forms.extend(doc.within.map(Predicate::In));
        forms.extend(doc.not_in.map(Predicate::NotIn));
        let end = |exclusive: Option<Decimal>, inclusive: Option<Decimal>| match (exclusive, inclusive) {
            (Some(_), Some(_)) => Err("a range has one lower (gt or gte) and one upper (lt or lte) end".to_owned()),
            (Some(value), None) => Ok(Some(Bound { value, inclusive: false })),
            (None, Some(value)) => Ok(Some(Bound { value, inclusive: true })),
            (None, None) => Ok(None),
        };
        let (lower, upper) = (end(doc.gt, doc.gte)?, end(doc.lt, doc.lte)?);
        if lower.is_some() || upper.is_some() {
            forms.push(Predicate::Range { lower, upper });
        }
        let mut forms = forms.into_iter();
        match (forms.next(), forms.next()) {
            (Some(predicate), None) => Ok(Bin { predicate, points: doc.points, reason_code: doc.reason_code }),
            _ => Err(ONE_FORM.to_owned()),
        }
    }
}

impl From<Bin> for BinDoc {
    fn from(bin: Bin) -> BinDoc {
        let mut doc = BinDoc { points: bin.points, reason_code: bin.reason_code, ..BinDoc::default() };
        match bin.predicate {
            Predicate::Missing => doc.missing = Some(true),
            Predicate::Else => doc.otherwise = Some(true),
            Predicate::Present => doc.present = Some(true),
            Predicate::In(items) => doc.within = Some(items),
            Predicate::NotIn(items) => doc.not_in = Some(items),
            Predicate::Range { lower, upper } => {
                if let Some(bound) = lower {
                    *(if bound.inclusive { &mut doc.gte } else { &mut doc.gt }) = Some(bound.value);
                }
                if let Some(bound) = upper {
                    *(if bound.inclusive { &mut doc.lte } else { &mut doc.lt }) = Some(bound.value);
                }
            }
        }
        doc
    }
}

/// Scalars are written as plain JSON: a number (exact), a string or a boolean.
impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Scalar::Number(number) => number.serialize(serializer),
            Scalar::Text(text) => serializer.serialize_str(text),
            Scalar::Bool(flag) => serializer.serialize_bool(*flag),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, a string or a boolean")
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(flag))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(Decimal::from_i64(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
        Decimal::parse(&value.to_string()).map(Scalar::Number).map_err(|e| E::custom(e.message()))
    }

    /// A number's exact text arrives as the one-member map `{NUMBER_TOKEN: text}`.
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Scalar, A::Error> {
        match access.next_key::<String>()? {
            Some(key) if key == NUMBER_TOKEN => {
                let text: String = access.next_value()?;
                Decimal::parse(&text).map(Scalar::Number).map_err(|e| de::Error::custom(e.message()))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// `reasons`: an object keyed by reason code, each `{"en", "zh"}`, in document order.
mod reason_texts {
    use super::*;

    pub(super) fn serialize<S: Serializer>(reasons: &[ReasonText], serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(reasons.len()))?;
        for reason in reasons {
            map.serialize_entry(&reason.code, &Texts { en: reason.en.clone(), zh: reason.zh.clone() })?;
        }
        map.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ReasonText>, D::Error> {
        deserializer.deserialize_map(ReasonsVisitor)
    }

    struct ReasonsVisitor;

    impl<'de> Visitor<'de> for ReasonsVisitor {
        type Value = Vec<ReasonText>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of reason texts keyed by reason code")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Vec<ReasonText>, A::Error> {
            let mut reasons = Vec::with_capacity(access.size_hint().unwrap_or(0).min(256));
            while let Some((code, texts)) = access.next_entry::<String, Texts>()? {
                reasons.push(ReasonText { code, en: texts.en, zh: texts.zh });
            }
            Ok(reasons)
        }
    }
}
