//! PMML 4.x `Scorecard` import ([`import`]) and PMML 4.4 export ([`export`]).
//!
//! **Import** takes the subset real scorecard files use and maps it onto the core model
//! exactly, or refuses it (`ERR_MODEL_INVALID`) with the reason; it never approximates:
//! - `DataDictionary` fields of type string (category), integer, float/double (number) and
//!   boolean; active `MiningField`s become the feature schema. A `missingValueReplacement`, an
//!   `outliers` treatment other than `asIs`, or a `Value` declared as a missing-value token
//!   change what a value means and are refused.
//! - `Scorecard` with `initialScore`, `useReasonCodes`, `reasonCodeAlgorithm`
//!   (`pointsBelow`/`pointsAbove`) and `baselineScore`; `Characteristic`s with `reasonCode` and
//!   `baselineScore`; `Attribute`s with `partialScore` and `reasonCode`. Scores and baselines
//!   must be whole numbers (the core's points are integers).
//! - Predicates: `True`; `False` (never matches, so left out); `SimplePredicate` (`equal`,
//!   `notEqual`, `lessThan`, `lessOrEqual`, `greaterThan`, `greaterOrEqual`, `isMissing`, and
//!   `isNotMissing` after an `isMissing` attribute, where it is exactly `True`);
//!   `SimpleSetPredicate` (`isIn`, `isNotIn`); `CompoundPredicate` `and` (comparisons on one
//!   field, at most one lower and one upper bound) and `or` (any of these: one attribute
//!   becomes consecutive bins with the same points, which first-match evaluation makes exact).
//!   `xor`, `surrogate`, `ComplexPartialScore`, derived fields and a characteristic reading two
//!   fields are refused.
//! - `Targets`/`Target` `min`/`max` become the score range (a clamp, as PMML applies it);
//!   rescaling is refused. Without them the range is what the points allow.
//! - Evaluation is the core's, which is PMML's as JPMML applies it (first matching attribute,
//!   "no attribute matched" is an error, unknown comparisons on missing values do not match).
//!   One difference, on the strict side: a value of the wrong type is refused
//!   (`ERR_FEATURE_INVALID`) even where `invalidValueTreatment="asMissing"` would score it as
//!   missing.
//!
//! **Export** writes a PMML 4.4 `Scorecard` that any PMML evaluator scores like the core: the
//! score range as `Target` `min`/`max`, four reason-code outputs, and the edgescore-only parts
//! (bands, reason texts, dimensions, ids) in an `Extension` that the importer reads back.

//!
//! Both sides share one type for edgescore's own parts of a model (bands, reason texts,
//! dimensions, labels, ids): [`Extension`], written as JSON in the Scorecard's `Extension`
//! named [`EXTENSION`].

use serde::{Deserialize, Serialize};

use crate::json::{OrderedMap, Value};
use crate::model::{Band, Dimension, Texts};

mod export;
mod import;

pub use export::export;
pub use import::import;

/// The `Extension` name carrying edgescore's own parts of a model.
pub const EXTENSION: &str = "edgescore-model";

/// edgescore's own parts of a model, which PMML has no place for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// The model's format version (an import gives back the version that was exported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    /// Model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Model version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Feature-schema id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Demo material.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// The model's title, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Value>,
    /// The model's description, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
    /// The model's issuer, free-form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Value>,
    /// Bands, ascending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<Band>>,
    /// Reason texts by code.
    #[serde(default)]
    pub reasons: OrderedMap<Texts>,
    /// Characteristic labels by characteristic id.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub labels: OrderedMap<Texts>,
    /// Dimensions by characteristic id.
    #[serde(default)]
    pub dimensions: OrderedMap<Dimension>,
}
