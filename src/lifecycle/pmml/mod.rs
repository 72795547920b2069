//! PMML 4.x `Scorecard` import ([`import`]) and PMML 4.4 export ([`export`]).
//!
//! **Import** reads every single-field construct of a PMML 4.4 `Scorecard` and maps it onto the
//! model exactly, or refuses the document (`ERR_MODEL_INVALID`) listing **every** blocker with
//! its line and a plain sentence; it never approximates:
//! - `DataDictionary` fields of type string (category), integer, float/double (number) and
//!   boolean; active `MiningField`s become the feature schema (names through
//!   [`crate::lifecycle::build::Names`]: `--rename`, `--normalize-names`, the source name kept).
//!   Valid, invalid and missing `Value`s, `Interval`s, and the mining field's
//!   `missingValueReplacement`, `missingValueTreatment` (`returnInvalid`),
//!   `invalidValueTreatment` (`returnInvalid`, `asIs`, `asMissing`, `asValue` with
//!   `invalidValueReplacement`) and `outliers` (`asMissingValues`, `asExtremeValues` with
//!   `lowValue`/`highValue`) are all folded into the bins (`regions.rs`): what a value is
//!   treated as decides which bin takes it, and a value whose result would be invalid is taken
//!   by no bin (so the core refuses it, as PMML's evaluators return an invalid result).
//! - `Scorecard` with `initialScore`, `useReasonCodes` (`false`: a model without reason codes),
//!   `reasonCodeAlgorithm` and `baselineScore`; `Characteristic`s with `reasonCode` and
//!   `baselineScore`; `Attribute`s with `partialScore` and `reasonCode`. Points are exact
//!   decimals with up to six places (`format_version` 2).
//! - Predicates over one field, in any order and nesting: `True`, `False`, `SimplePredicate`
//!   (all eight operators; order comparisons on numbers), `SimpleSetPredicate` (`isIn`,
//!   `isNotIn`; string, int and real arrays, quoted entries), `CompoundPredicate` (`and`, `or`,
//!   `xor`, `surrogate`) in PMML's three-valued logic.
//! - `Targets`/`Target` `min`/`max` become the score range (a clamp, as PMML applies it).
//! - Blockers: derived fields, `ComplexPartialScore`, a characteristic reading two fields, order
//!   comparisons on strings, rescaling or integer casting by the `Target`, points with more than
//!   six decimal places, missing baselines or reason codes while reason codes are on, names the
//!   format does not take (with the rename to use), data types other than the four.
//! - Evaluation is the core's, which is PMML's as JPMML-Evaluator applies it (first matching
//!   attribute, "no attribute matched" is an error). One difference, on the strict side: a
//!   value of the wrong JSON type (a string for a number) is refused (`ERR_FEATURE_INVALID`)
//!   even where `invalidValueTreatment="asMissing"` would score it as missing; and a missing or
//!   invalid value of a field no characteristic reads is not refused.
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
mod regions;

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
