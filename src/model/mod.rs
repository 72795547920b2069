//! The scorecard model: a validated type with one way in. Evaluation lives in
//! [`crate::scorecard`].
//!
//! A model declares its feature schema (names, types, allowed ranges), the score range and
//! initial score, band cut-offs, and characteristics. A characteristic reads one feature, belongs
//! to one of five [`Dimension`]s, has a reason code and a baseline, and lists bins in order;
//! each bin has one predicate and exact decimal [`Points`]. Semantics follow the PMML 4.4
//! `Scorecard`: first matching bin wins; only a `missing` bin matches a missing value (and
//! `else`, which matches everything); a characteristic without a matching bin is an error.
//!
//! Two format versions are read. `format_version` 1: whole-number points, every
//! characteristic with a reason code and a baseline. `format_version` 2 adds decimal points
//! (up to six places), the `present` predicate (PMML `isNotMissing`), models without reason
//! codes (`"reason_codes": false`, PMML `useReasonCodes="false"`), characteristics whose bins
//! all name their own code, and a feature's `source` name (the name in the data it was fitted
//! or imported from). A model writes back the version it was read as; new models are written
//! as [`MODEL_FORMAT_VERSION`].
//!
//! A [`Model`] only exists validated. There are two ways to get one, and both run the same
//! checks ([`validate`]):
//! - read a model document ([`Model::parse`], or a signed model through [`SignedModel::verify`]);
//! - fill in a plain [`ModelSpec`] (what the lifecycle code does when it fits or imports a
//!   model) and convert it with `Model::try_from(spec)`.
//!
//! Writing goes the other way: [`Model::to_spec`] gives the spec, [`Model::to_value`] its
//! document. Reading is strict: unknown members are refused, so a typo cannot silently change a
//! score.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the validated [`Model`] and the value types it is made of |
//! | [`spec`] | [`ModelSpec`]: the document as plain data, with its serde form |
//! | [`validate`] | `ModelSpec` → `Model`, every rule of the format |
//! | [`signed`] | reading documents, signed models, digests |

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::json::Value;

pub mod points;
pub mod signed;
pub mod spec;
pub mod validate;

pub use points::Points;
pub use signed::{model_digest, SignedModel};
pub use spec::{CharacteristicSpec, ModelSpec, ScoreSpec, Texts};
pub use validate::TERSE_MESSAGE;

/// The model format this build writes for new models (fit, imports).
pub const MODEL_FORMAT_VERSION: u32 = 2;

/// The model formats this build reads.
pub const MODEL_FORMAT_VERSIONS: [u32; 2] = [1, 2];

/// The five dimensions every characteristic belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Repayment of loans and pay-later, utility bills paid on time.
    CreditHistory,
    /// Online activity, shopping habits, payment habits.
    BehaviourPreferences,
    /// Income and asset proxies, on-time use of credit services.
    FulfilmentCapacity,
    /// Real-name and education checks, stability of phone number and address.
    IdentityTraits,
    /// Standing of one's contacts.
    Relationships,
}

impl Dimension {
    /// All dimensions, in result order.
    pub const ALL: [Dimension; 5] = [
        Dimension::CreditHistory,
        Dimension::BehaviourPreferences,
        Dimension::FulfilmentCapacity,
        Dimension::IdentityTraits,
        Dimension::Relationships,
    ];

    /// The identifier used in models and results.
    pub const fn id(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "credit_history",
            Dimension::BehaviourPreferences => "behaviour_preferences",
            Dimension::FulfilmentCapacity => "fulfilment_capacity",
            Dimension::IdentityTraits => "identity_traits",
            Dimension::Relationships => "relationships",
        }
    }

    /// English name.
    pub const fn label_en(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "Credit history",
            Dimension::BehaviourPreferences => "Behaviour & preferences",
            Dimension::FulfilmentCapacity => "Fulfilment capacity",
            Dimension::IdentityTraits => "Identity traits",
            Dimension::Relationships => "Relationships",
        }
    }

    /// Simplified Chinese name.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Dimension::CreditHistory => "信用历史",
            Dimension::BehaviourPreferences => "行为偏好",
            Dimension::FulfilmentCapacity => "履约能力",
            Dimension::IdentityTraits => "身份特质",
            Dimension::Relationships => "人脉关系",
        }
    }

    /// The dimension with this identifier.
    pub fn parse(id: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.id() == id)
    }

    /// Position in [`Dimension::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The type of a feature in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureType {
    /// Any decimal number.
    Number,
    /// A whole number.
    Integer,
    /// A string from an open set of categories.
    Category,
    /// `true` or `false`.
    Boolean,
}

impl FeatureType {
    /// The name used in models.
    pub const fn name(self) -> &'static str {
        match self {
            FeatureType::Number => "number",
            FeatureType::Integer => "integer",
            FeatureType::Category => "category",
            FeatureType::Boolean => "boolean",
        }
    }

    /// Whether values are numbers (ranges and numeric value sets apply).
    pub const fn is_numeric(self) -> bool {
        matches!(self, FeatureType::Number | FeatureType::Integer)
    }
}

/// One feature of the schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "spec::FeatureDoc")]
pub struct FeatureSpec {
    /// The feature's name in a snapshot's `features`.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// The smallest allowed value (numeric features).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// The largest allowed value (numeric features).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// The feature's name in the data the model was fitted on or imported from, when it was
    /// renamed (`format_version` 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A scalar in a bin's value set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// A number.
    Number(Decimal),
    /// A category.
    Text(String),
    /// A boolean.
    Bool(bool),
}

/// One end of a numeric interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The bound's value.
    pub value: Decimal,
    /// Whether the bound itself is inside the interval.
    pub inclusive: bool,
}

/// A bin's predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Predicate {
    /// `{"missing": true}`: the feature is absent or null.
    Missing,
    /// `{"else": true}`: always true (PMML `True`), missing values included.
    Else,
    /// `{"present": true}`: any present value (PMML `isNotMissing`; `format_version` 2).
    Present,
    /// `{"gte"|"gt": a, "lt"|"lte": b}`: a present number in the interval (either end optional).
    Range {
        /// Lower end.
        lower: Option<Bound>,
        /// Upper end.
        upper: Option<Bound>,
    },
    /// `{"in": [...]}`: a present value equal to one listed.
    In(Vec<Scalar>),
    /// `{"not_in": [...]}`: a present value equal to none listed.
    NotIn(Vec<Scalar>),
}

/// A bin: predicate, points and an optional reason code overriding the characteristic's.
/// Written as one object with the predicate's members beside `points` (see [`spec`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "spec::BinDoc", into = "spec::BinDoc")]
pub struct Bin {
    /// When the bin applies.
    pub predicate: Predicate,
    /// The partial score.
    pub points: Points,
    /// Reason code for this bin, overriding the characteristic's.
    pub reason_code: Option<String>,
}

/// How reason points are computed (PMML `reasonCodeAlgorithm`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonAlgorithm {
    /// `baseline − points` (the default).
    #[default]
    PointsBelow,
    /// `points − baseline`.
    PointsAbove,
}

/// A score band: the lowest score that earns it and its labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "spec::BandDoc", into = "spec::BandDoc")]
pub struct Band {
    /// Identifier (`poor`, `fair`, …).
    pub id: String,
    /// Lowest score in the band.
    pub min: Points,
    /// English label.
    pub label_en: String,
    /// Simplified Chinese label.
    pub label_zh: String,
}

/// A reason text in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonText {
    /// The reason code.
    pub code: String,
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// A validated characteristic: its feature resolved to a schema index and its point extremes
/// worked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Characteristic {
    id: String,
    feature: usize,
    dimension: Dimension,
    reason_code: Option<String>,
    baseline: Option<Points>,
    label: Option<Texts>,
    bins: Vec<Bin>,
    min_points: Points,
    max_points: Points,
}

impl Characteristic {
    /// Identifier, unique in the model.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Index of the feature in [`Model::features`].
    pub fn feature_index(&self) -> usize {
        self.feature
    }

    /// The dimension it counts towards.
    pub fn dimension(&self) -> Dimension {
        self.dimension
    }

    /// The reason code (a bin may override it). `None` when the model has no reason codes,
    /// or when every bin names its own.
    pub fn reason_code(&self) -> Option<&str> {
        self.reason_code.as_deref()
    }

    /// The baseline for reason points (the model's `baseline_score` when the characteristic
    /// gives none); `None` only in a model without reason codes.
    pub fn baseline(&self) -> Option<Points> {
        self.baseline
    }

    /// English and Simplified Chinese labels, when the model gives them.
    pub fn label(&self) -> Option<&Texts> {
        self.label.as_ref()
    }

    /// Bins in order (at least one).
    pub fn bins(&self) -> &[Bin] {
        &self.bins
    }

    /// Lowest points of any bin.
    pub fn min_points(&self) -> Points {
        self.min_points
    }

    /// Highest points of any bin.
    pub fn max_points(&self) -> Points {
        self.max_points
    }

    /// Every reason code this characteristic can produce: its own, then its bins' overrides.
    pub fn reason_codes(&self) -> impl Iterator<Item = &str> {
        self.reason_code.as_deref().into_iter().chain(self.bins.iter().filter_map(|b| b.reason_code.as_deref()))
    }

    /// The reason code a bin produces: its own, else the characteristic's.
    pub fn reason_code_of<'a>(&'a self, bin: &'a Bin) -> Option<&'a str> {
        bin.reason_code.as_deref().or(self.reason_code.as_deref())
    }
}

/// Bands in ascending order, at least one: the lowest band is kept apart, so every score has a
/// band without a fallback.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bands {
    lowest: Band,
    higher: Vec<Band>,
}

/// A validated scorecard model. Fields are private: the only ways in are [`Model::parse`]
/// (and [`SignedModel::verify`]) and `Model::try_from(ModelSpec)`, which run the same checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    format_version: u32,
    id: String,
    version: String,
    demo: bool,
    title: Option<Value>,
    description: Option<Value>,
    issuer: Option<Value>,
    schema: String,
    features: Vec<FeatureSpec>,
    score_min: Points,
    score_max: Points,
    initial_score: Points,
    reason_codes: bool,
    reason_algorithm: ReasonAlgorithm,
    bands: Bands,
    characteristics: Vec<Characteristic>,
    reasons: Vec<ReasonText>,
}

impl Model {
    /// The format version the model was read as (or written for, when built from a spec).
    pub fn format_version(&self) -> u32 {
        self.format_version
    }

    /// Model id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Model version (free text).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Whether it is demo material, never for real decisions.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The feature-schema id a snapshot must carry.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The feature schema, in document order.
    pub fn features(&self) -> &[FeatureSpec] {
        &self.features
    }

    /// The feature with this name.
    pub fn feature(&self, name: &str) -> Option<&FeatureSpec> {
        self.features.iter().find(|f| f.name == name)
    }

    /// Lowest score.
    pub fn score_min(&self) -> Points {
        self.score_min
    }

    /// Highest score.
    pub fn score_max(&self) -> Points {
        self.score_max
    }

    /// Score before any characteristic.
    pub fn initial_score(&self) -> Points {
        self.initial_score
    }

    /// Whether results carry reason codes (PMML `useReasonCodes`).
    pub fn uses_reason_codes(&self) -> bool {
        self.reason_codes
    }

    /// The most decimal places of any points, initial score, baseline or score bound: the
    /// scale of the model's scores.
    pub fn scale(&self) -> u32 {
        let mut values = vec![self.score_min, self.score_max, self.initial_score];
        for characteristic in &self.characteristics {
            values.extend(characteristic.baseline);
            values.extend(characteristic.bins.iter().map(|bin| bin.points));
        }
        values.extend(self.bands().map(|band| band.min));
        values.into_iter().map(Points::decimal_places).max().unwrap_or(0)
    }

    /// How reason points are computed.
    pub fn reason_algorithm(&self) -> ReasonAlgorithm {
        self.reason_algorithm
    }

    /// Bands, ascending (at least one; the first starts at the score minimum).
    pub fn bands(&self) -> impl DoubleEndedIterator<Item = &Band> + Clone {
        std::iter::once(&self.bands.lowest).chain(self.bands.higher.iter())
    }

    /// The number of bands.
    pub fn band_count(&self) -> usize {
        1 + self.bands.higher.len()
    }

    /// The band at `index` in ascending order.
    pub fn band(&self, index: usize) -> Option<&Band> {
        match index.checked_sub(1) {
            None => Some(&self.bands.lowest),
            Some(higher) => self.bands.higher.get(higher),
        }
    }

    /// The index of the band of a score: the last band whose minimum it reaches (the lowest
    /// band for scores below every minimum).
    pub fn band_index_for(&self, score: Points) -> usize {
        self.bands.higher.iter().rposition(|band| band.min <= score).map_or(0, |index| index + 1)
    }

    /// The band of a score.
    pub fn band_for(&self, score: Points) -> &Band {
        self.bands.higher.iter().rev().find(|band| band.min <= score).unwrap_or(&self.bands.lowest)
    }

    /// Characteristics, in document order (at least one).
    pub fn characteristics(&self) -> &[Characteristic] {
        &self.characteristics
    }

    /// Reason texts, in document order.
    pub fn reasons(&self) -> &[ReasonText] {
        &self.reasons
    }

    /// The text of a reason code.
    pub fn reason_text(&self, code: &str) -> Option<&ReasonText> {
        self.reasons.iter().find(|r| r.code == code)
    }

    /// The model's `title`, as written (free-form; the demo models give `{en, zh}`).
    pub fn title(&self) -> Option<&Value> {
        self.title.as_ref()
    }

    /// The model's `description`, as written (free-form).
    pub fn description(&self) -> Option<&Value> {
        self.description.as_ref()
    }

    /// The model's `issuer`, as written (free-form).
    pub fn issuer(&self) -> Option<&Value> {
        self.issuer.as_ref()
    }
}
