//! Fitting a scorecard: split, bin, select by IV, regress on WoE, scale to points (whole, or
//! to a few decimal places), and measure it — the classic credit-scorecard method, end to end.
//!
//! 1. **Split** the rows ([`Split`]): by default [`crate::lifecycle::split::stratified_split`]
//!    (seed and test share fixed up front); or the caller's own split (a column of `train` /
//!    `test`, or rows marked by the caller, as `--train FILE --test FILE` does); or no test
//!    rows at all (`--holdout 0`). Everything below is fitted on the training rows only.
//! 2. **Bin** every feature ([`crate::lifecycle::binning`]) and take its IV; keep the features
//!    with IV ≥ [`FitOptions::min_iv`] (at most [`FitOptions::max_features`], highest IV first).
//! 3. **Regress** good (1) vs bad (0) on the WoE-coded features ([`crate::lifecycle::logistic`],
//!    L2 [`FitOptions::l2`]). With `WoE = ln(%good/%bad)` a sensible coefficient is positive;
//!    while any is not, the feature with the lowest coefficient is dropped and the rest refitted
//!    (a negative weight on WoE means collinearity, and would make its points run backwards).
//! 4. **Scale** by points-to-double-odds, odds as good:bad: `factor = pdo / ln 2`,
//!    `offset = base_score − factor · ln(base_odds)`, and `score = offset + factor · ln(odds)`
//!    with `ln(odds) = β₀ + Σ βⱼ·WoEⱼ`. So the initial score is `round(offset + factor·β₀)` and
//!    a bin's points are `round(factor · βⱼ · WoE)`.
//! 5. **Model**: one characteristic per feature (missing bin first), reason codes `R01`, `R02`,
//!    … in feature order, each characteristic's baseline its highest points (so reason points
//!    are the points a person lost against the best bin), generated reason texts in English and
//!    Chinese, a dimension per characteristic (flags, else a default), the score range and bands
//!    given. The model goes through [`crate::lifecycle::build::finish`].
//! 6. **Measure** on both splits (the test split when there is one): AUC, KS and Gini of the
//!    fitted probabilities, and the same of the scores the core gives
//!    ([`crate::Model::score_features`]).
//!
//! Column names become feature names through [`Names`] (`--rename`, `--normalize-names`); a
//! renamed feature keeps its column name as its `source`, and reason texts use it.

use crate::error::{bail, Result};
use crate::json::{Object, Value};
use crate::lifecycle::binning::{bin_feature, BinningOptions, FeatureBinning};
use crate::lifecycle::build::{self, characteristic, dimension_of, reason_text, Names};
use crate::lifecycle::data::{features_from_row, schema_columns, target_classes, Table};
use crate::lifecycle::figure;
use crate::lifecycle::logistic::{self, sigmoid, Logistic};
use crate::lifecycle::split::stratified_split;
use crate::metrics::{discrimination, Discrimination};
use crate::model::{
    Band, Bin, Dimension, FeatureSpec, FeatureType, Model, ModelSpec, Points, Predicate, ReasonAlgorithm, ReasonText,
    Scalar, ScoreSpec, MODEL_FORMAT_VERSION,
};

/// Everything `fit` can be told. [`FitOptions::new`] gives the documented defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct FitOptions {
    /// The target column.
    pub target: String,
    /// The target's bad value (default: `1` of `0`/`1`, `bad` of `good`/`bad`).
    pub bad: Option<String>,
    /// How rows are split into training and test rows.
    pub split: Split,
    /// How column names become feature names.
    pub names: Names,
    /// Binning options.
    pub binning: BinningOptions,
    /// Smallest IV for a feature to enter the regression.
    pub min_iv: f64,
    /// Most features in the model (highest IV first).
    pub max_features: Option<usize>,
    /// L2 penalty on the slopes.
    pub l2: f64,
    /// Points to double the odds.
    pub pdo: f64,
    /// Score at the base odds.
    pub base_score: f64,
    /// Base odds, good:bad.
    pub base_odds: f64,
    /// Decimal places of the points and the initial score (0 to 6; 0 gives whole points).
    pub points_places: u32,
    /// Columns to treat as categorical even when they hold numbers.
    pub categorical: Vec<String>,
    /// Columns to leave out.
    pub exclude: Vec<String>,
    /// Keep features whose coefficient is not positive.
    pub keep_negative: bool,
    /// Dimension per feature.
    pub dimensions: Vec<(String, Dimension)>,
    /// Dimension of features not named in `dimensions`.
    pub default_dimension: Dimension,
    /// Model id.
    pub id: String,
    /// Model version.
    pub version: String,
    /// Feature-schema id.
    pub schema: String,
    /// Lowest score (scores are clamped to the range).
    pub score_min: Points,
    /// Highest score.
    pub score_max: Points,
    /// Bands; the first must start at `score_min`.
    pub bands: Vec<Band>,
    /// A model to refit: its feature schema (every feature, with types and ranges), schema id,
    /// title, description, issuer, demo flag, score range and bands are kept, and a feature's
    /// characteristic keeps its id, reason code and texts, label and dimension; only columns
    /// of its schema are candidates.
    pub template: Option<Model>,
}

impl FitOptions {
    /// The defaults for a target column: seed 1994, 30 % test, IV ≥ 0.02, L2 1 (scikit-learn's
    /// default `C = 1`), 600 points at good:bad odds 50:1 with 20 points to double the odds,
    /// scores 350–950 in the consumer bands, dimension `credit_history`.
    pub fn new(target: &str) -> FitOptions {
        FitOptions {
            target: target.to_owned(),
            bad: None,
            split: Split::Stratified { test_share: 0.3, seed: 1994 },
            names: Names::default(),
            binning: BinningOptions::default(),
            min_iv: 0.02,
            max_features: None,
            l2: 1.0,
            pdo: 20.0,
            base_score: 600.0,
            base_odds: 50.0,
            points_places: 0,
            categorical: Vec::new(),
            exclude: Vec::new(),
            keep_negative: false,
            dimensions: Vec::new(),
            default_dimension: Dimension::CreditHistory,
            id: "fitted-scorecard".to_owned(),
            version: "1".to_owned(),
            schema: "edgescore.fitted.v1".to_owned(),
            score_min: Points::whole(350),
            score_max: Points::whole(950),
            bands: build::consumer_bands(),
            template: None,
        }
    }
}

/// How rows are split into training and test rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Split {
    /// Stratified by class, `test_share` of each class held out, shuffled with `seed` (see
    /// [`crate::lifecycle::split`]).
    Stratified {
        /// Share of each class held out.
        test_share: f64,
        /// Shuffle seed.
        seed: u64,
    },
    /// Every row trains; nothing is held out (no test metrics).
    None,
    /// A column whose cells are `train` or `test` (the column is not a feature).
    Column(String),
    /// The caller's own marks, one per row (`true`: test), as `--train`/`--test` files give.
    Rows(Vec<bool>),
}

impl Split {
    /// Which rows are test rows, and how the split was made (for the report).
    fn apply(&self, table: &Table, is_bad: &[bool]) -> Result<(Vec<bool>, Object)> {
        let (is_test, about) = match self {
            Split::Stratified { test_share, seed } => (
                stratified_split(is_bad, *test_share, *seed)?,
                Object::new()
                    .with("method", "stratified, SplitMix64 Fisher-Yates per class")
                    .with("seed", seed.to_string())
                    .with("test_share", figure(*test_share)),
            ),
            Split::None => (vec![false; table.rows.len()], Object::new().with("method", "none: every row trains")),
            Split::Column(name) => {
                let column = table.column(name)?;
                let marks = table
                    .cells(column)
                    .enumerate()
                    .map(|(row, cell)| match cell {
                        Some("test") => Ok(true),
                        Some("train") => Ok(false),
                        other => bail!(DataInvalid, "split column {name:?}, row {row}: {other:?} is not train or test"),
                    })
                    .collect::<Result<Vec<bool>>>()?;
                (marks, Object::new().with("method", "given: column").with("column", name.as_str()))
            }
            Split::Rows(marks) => {
                if marks.len() != table.rows.len() {
                    bail!(DataInvalid, "{} split marks for {} rows", marks.len(), table.rows.len());
                }
                (marks.clone(), Object::new().with("method", "given: training and test files"))
            }
        };
        if !is_test.iter().any(|t| !t) {
            bail!(DataInvalid, "the split leaves no training rows");
        }
        Ok((is_test, about))
    }

    /// The column the split reads, which is not a feature.
    fn column(&self) -> Option<&str> {
        match self {
            Split::Column(name) => Some(name),
            _ => None,
        }
    }
}

/// Held-out row numbers are listed in the report up to this many (`--split-out` has them all).
const LISTED_TEST_ROWS: usize = 10_000;

/// What happened to one row.
#[derive(Clone, Debug, PartialEq)]
pub struct RowOutcome {
    /// Whether it is a test row.
    pub test: bool,
    /// Whether it is bad.
    pub bad: bool,
    /// The fitted probability of good (`None` if a value falls in no bin).
    pub p_good: Option<f64>,
    /// The core's exact score (`None` if the core refused the row).
    pub score: Option<Points>,
    /// The core's error code when it refused the row.
    pub refused: Option<&'static str>,
}

/// Metrics of one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitMetrics {
    /// Rows in the split.
    pub rows: usize,
    /// Rows both the probabilities and the core scored.
    pub scored: usize,
    /// Of the fitted probabilities.
    pub probability: Discrimination,
    /// Of the core's integer scores.
    pub points: Discrimination,
}

/// A fitted scorecard with its measurements.
#[derive(Clone, Debug)]
pub struct FitOutcome {
    /// The model, as the core reads it.
    pub model: Model,
    /// The model JSON (ready to sign).
    pub model_json: Object,
    /// The fit report (see docs/lifecycle.md).
    pub report: Object,
    /// One outcome per input row, in input order.
    pub rows: Vec<RowOutcome>,
    /// Training metrics.
    pub train: SplitMetrics,
    /// Test metrics (`None` when nothing was held out).
    pub test: Option<SplitMetrics>,
}

struct Candidate {
    name: String,
    source: Option<String>,
    column: usize,
    binning: FeatureBinning,
}

/// Fits a scorecard on a CSV table.
pub fn fit(table: &Table, options: &FitOptions) -> Result<FitOutcome> {
    if !(options.pdo > 0.0 && options.base_odds > 0.0 && options.base_score.is_finite()) {
        bail!(ConfigInvalid, "pdo and base odds must be positive");
    }
    let (is_bad, bad_label) = target_classes(table, &options.target, options.bad.as_deref())?;
    let (is_test, split_about) = options.split.apply(table, &is_bad)?;
    let train_rows: Vec<usize> = (0..table.rows.len()).filter(|&r| is_test.get(r) == Some(&false)).collect();
    let train_bad: Vec<bool> = train_rows.iter().map(|&r| is_bad.get(r).copied().unwrap_or(false)).collect();

    // Bin every candidate feature on the training rows.
    let mut candidates: Vec<Candidate> = Vec::new();
    for (column, source) in table.columns.iter().enumerate() {
        if *source == options.target
            || options.exclude.contains(source)
            || Some(source.as_str()) == options.split.column()
        {
            continue;
        }
        let (name, renamed_from) = options.names.feature_name(source);
        if !Names::is_feature_name(&name) {
            bail!(DataInvalid, "column {}, or --exclude it", Names::advice(source));
        }
        if candidates.iter().any(|c: &Candidate| c.name == name) {
            bail!(DataInvalid, "two columns become feature {name:?}; rename one with --rename");
        }
        let name = &name;
        let numeric = match options.template.as_ref().map(|t| t.feature(name)) {
            // A template's schema says what a column is; a column outside it is no candidate.
            Some(None) => continue,
            Some(Some(spec)) => spec.kind.is_numeric(),
            None => table.is_numeric(column) && !options.categorical.contains(name),
        };
        let cells: Vec<Option<&str>> = train_rows
            .iter()
            .map(|&r| table.rows.get(r).and_then(|row| row.get(column)).and_then(|c| c.as_deref()))
            .collect();
        let binning = bin_feature(&cells, &train_bad, numeric, &options.binning)
            .map_err(|e| e.context(&format!("feature {name:?}")))?;
        candidates.push(Candidate { name: name.clone(), source: renamed_from, column, binning });
    }
    let mut ranked: Vec<usize> =
        (0..candidates.len()).filter(|&i| candidates.get(i).is_some_and(|c| c.binning.iv >= options.min_iv)).collect();
    ranked.sort_by(|&a, &b| {
        let iv = |i: usize| candidates.get(i).map_or(0.0, |c| c.binning.iv);
        iv(b).total_cmp(&iv(a))
    });
    if let Some(limit) = options.max_features {
        ranked.truncate(limit);
    }
    let mut selected: Vec<usize> = ranked;
    selected.sort_unstable();
    let mut dropped: Vec<(usize, f64)> = Vec::new();

    // Regress good on WoE; drop non-positive coefficients one at a time.
    let regression = loop {
        if selected.is_empty() {
            bail!(DataInvalid, "no feature reaches IV {} on the training rows", options.min_iv);
        }
        let x: Vec<Vec<f64>> =
            train_rows.iter().map(|&r| woe_row(table, &candidates, &selected, r).unwrap_or_default()).collect();
        let y: Vec<bool> = train_bad.iter().map(|bad| !bad).collect();
        let fitted = logistic::fit(&x, &y, options.l2)?;
        let worst = fitted
            .coefficients
            .iter()
            .enumerate()
            .filter(|(_, b)| **b <= 0.0)
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, b)| (i, *b));
        match worst {
            Some((position, coefficient)) if !options.keep_negative => {
                let index = selected.remove(position);
                dropped.push((index, coefficient));
            }
            _ => break fitted,
        }
    };

    let spec = build_spec(&candidates, &selected, &regression, options)?;
    let (model, model_json) = build::finish(spec)?;

    // Score every row both ways.
    let columns = schema_columns(&model, table);
    let mut rows = Vec::with_capacity(table.rows.len());
    for (index, row) in table.rows.iter().enumerate() {
        let p_good = woe_row(table, &candidates, &selected, index).map(|x| sigmoid(regression.log_odds(&x)));
        let scored = features_from_row(&model, &columns, row).and_then(|features| model.score_features(&features));
        let (score, refused) = match scored {
            Ok(outcome) => (Some(outcome.score), None),
            Err(error) => (None, Some(error.code().as_str())),
        };
        rows.push(RowOutcome {
            test: is_test.get(index).copied().unwrap_or(false),
            bad: is_bad.get(index).copied().unwrap_or(false),
            p_good,
            score,
            refused,
        });
    }
    let train = split_metrics(&rows, false)?;
    let test = if is_test.contains(&true) { Some(split_metrics(&rows, true)?) } else { None };
    let report = fit_report(&FitReportInput {
        options,
        bad_label: &bad_label,
        candidates: &candidates,
        selected: &selected,
        dropped: &dropped,
        regression: &regression,
        model: &model,
        rows: &rows,
        train: &train,
        test: test.as_ref(),
        split: split_about,
    });
    Ok(FitOutcome { model, model_json, report, rows, train, test })
}

fn woe_row(table: &Table, candidates: &[Candidate], selected: &[usize], row: usize) -> Option<Vec<f64>> {
    let cells = table.rows.get(row)?;
    selected
        .iter()
        .map(|&i| {
            let candidate = candidates.get(i)?;
            candidate.binning.woe_of(cells.get(candidate.column).and_then(|c| c.as_deref()))
        })
        .collect()
}

/// The scaling factor and offset of points-to-double-odds.
pub fn pdo_scaling(pdo: f64, base_score: f64, base_odds: f64) -> (f64, f64) {
    let factor = pdo / std::f64::consts::LN_2;
    (factor, base_score - factor * base_odds.ln())
}

/// Rounds to `places` decimal places (at most six; half away from zero), refusing values
/// beyond the model's point limit.
pub fn round_points(value: f64, places: u32) -> Result<Points> {
    let places = places.min(Points::SCALE);
    let scale = 10f64.powi(places as i32);
    let rounded = (value * scale).round();
    if !rounded.is_finite() || rounded.abs() / scale > crate::limits::MAX_POINTS as f64 {
        bail!(DataInvalid, "points {value} are out of range");
    }
    Ok(Points::from_millionths(rounded as i64 * 10i64.pow(Points::SCALE - places)))
}

fn build_spec(
    candidates: &[Candidate],
    selected: &[usize],
    regression: &Logistic,
    options: &FitOptions,
) -> Result<ModelSpec> {
    let (factor, offset) = pdo_scaling(options.pdo, options.base_score, options.base_odds);
    let mut initial_score = round_points(offset + factor * regression.intercept, options.points_places)?;
    let template = options.template.as_ref();
    let mut features = Vec::new();
    let mut characteristics = Vec::new();
    let mut reasons: Vec<ReasonText> = Vec::new();
    for (position, (&index, &beta)) in selected.iter().zip(&regression.coefficients).enumerate() {
        let Some(candidate) = candidates.get(index) else { continue };
        let schema = template.and_then(|t| t.feature(&candidate.name));
        let kind = match schema {
            Some(spec) => spec.kind,
            None if candidate.binning.numeric => FeatureType::Number,
            None => FeatureType::Category,
        };
        if template.is_none() {
            features.push(FeatureSpec {
                name: candidate.name.clone(),
                kind,
                min: None,
                max: None,
                source: candidate.source.clone(),
            });
        }
        let mut bins = Vec::new();
        for bin in &candidate.binning.bins {
            let mut predicate = bin.predicate()?;
            if kind == FeatureType::Boolean {
                predicate = boolean_predicate(predicate, &candidate.name)?;
            }
            bins.push(Bin {
                predicate,
                points: round_points(factor * beta * bin.woe, options.points_places)?,
                reason_code: None,
            });
        }
        // A characteristic whose bins all round to the same points changes no score and no
        // reason: its points join the initial score instead.
        if let Some(first) = bins.first().map(|b| b.points) {
            if bins.iter().all(|b| b.points == first) {
                initial_score += first;
                continue;
            }
        }
        let baseline = bins.iter().map(|b| b.points).max().unwrap_or_default();
        // The template's characteristic for this feature, if any, gives its names and texts.
        let known = template.and_then(|t| {
            t.characteristics()
                .iter()
                .find(|c| t.features().get(c.feature_index()).is_some_and(|f| f.name == candidate.name))
        });
        let (id, code, dimension, label) = match known {
            Some(c) => (
                c.id().to_owned(),
                c.reason_code().map_or_else(|| format!("R{:02}", position + 1), str::to_owned),
                c.dimension(),
                c.label().cloned(),
            ),
            None => (
                candidate.name.clone(),
                format!("R{:02}", position + 1),
                dimension_of(&candidate.name, &options.dimensions, options.default_dimension),
                None,
            ),
        };
        let mut built = characteristic(id, &candidate.name, dimension, code.clone(), baseline, bins);
        built.label = label;
        characteristics.push(built);
        if !reasons.iter().any(|r| r.code == code) {
            reasons.push(match template.and_then(|t| t.reason_text(&code)) {
                Some(text) => text.clone(),
                None => reason_text(&code, candidate.source.as_deref().unwrap_or(&candidate.name)),
            });
        }
    }
    let (score_min, score_max, bands) = match template {
        Some(t) => (t.score_min(), t.score_max(), t.bands().cloned().collect()),
        None => (options.score_min, options.score_max, options.bands.clone()),
    };
    Ok(ModelSpec {
        format_version: MODEL_FORMAT_VERSION,
        id: options.id.clone(),
        version: options.version.clone(),
        demo: template.is_some_and(Model::is_demo),
        title: template.and_then(|t| t.title().cloned()),
        description: template.and_then(|t| t.description().cloned()),
        issuer: template.and_then(|t| t.issuer().cloned()),
        schema: template.map_or_else(|| options.schema.clone(), |t| t.schema().to_owned()),
        score: ScoreSpec { min: score_min, max: score_max, initial: initial_score },
        reason_codes: true,
        reason_algorithm: ReasonAlgorithm::PointsBelow,
        baseline_score: None,
        features: template.map_or(features, |t| t.features().to_vec()),
        bands,
        characteristics,
        reasons,
    })
}

/// A categorical bin of a boolean column (`"true"`, `"false"`) as a bin of booleans.
fn boolean_predicate(predicate: Predicate, feature: &str) -> Result<Predicate> {
    let flag = |scalar: Scalar| match scalar {
        Scalar::Text(text) if text == "true" => Ok(Scalar::Bool(true)),
        Scalar::Text(text) if text == "false" => Ok(Scalar::Bool(false)),
        other => bail!(DataInvalid, "boolean feature {feature:?} holds {other:?}, not true or false"),
    };
    Ok(match predicate {
        Predicate::In(items) => Predicate::In(items.into_iter().map(flag).collect::<Result<_>>()?),
        Predicate::NotIn(items) => Predicate::NotIn(items.into_iter().map(flag).collect::<Result<_>>()?),
        other => other,
    })
}

fn split_metrics(rows: &[RowOutcome], test: bool) -> Result<SplitMetrics> {
    let in_split: Vec<&RowOutcome> = rows.iter().filter(|r| r.test == test).collect();
    let scored: Vec<(f64, Points, bool)> = in_split.iter().filter_map(|r| Some((r.p_good?, r.score?, r.bad))).collect();
    let p: Vec<f64> = scored.iter().map(|s| s.0).collect();
    let points: Vec<f64> = scored.iter().map(|s| s.1.to_f64()).collect();
    let bad: Vec<bool> = scored.iter().map(|s| s.2).collect();
    let name = if test { "test" } else { "training" };
    let (Some(probability), Some(points)) = (discrimination(&p, &bad), discrimination(&points, &bad)) else {
        bail!(DataInvalid, "the {name} rows the model scores hold only one class");
    };
    Ok(SplitMetrics { rows: in_split.len(), scored: scored.len(), probability, points })
}

struct FitReportInput<'a> {
    options: &'a FitOptions,
    bad_label: &'a str,
    candidates: &'a [Candidate],
    selected: &'a [usize],
    dropped: &'a [(usize, f64)],
    regression: &'a Logistic,
    model: &'a Model,
    rows: &'a [RowOutcome],
    train: &'a SplitMetrics,
    test: Option<&'a SplitMetrics>,
    split: Object,
}

fn metrics_object(metrics: &SplitMetrics) -> Object {
    let d = |d: &Discrimination| {
        Object::new().with("auc", figure(d.auc)).with("ks", figure(d.ks)).with("gini", figure(d.gini))
    };
    Object::new()
        .with("rows", metrics.rows as i64)
        .with("scored", metrics.scored as i64)
        .with("probability", d(&metrics.probability))
        .with("points", d(&metrics.points))
}

fn fit_report(input: &FitReportInput<'_>) -> Object {
    let options = input.options;
    let (factor, offset) = pdo_scaling(options.pdo, options.base_score, options.base_odds);
    let mut features = Vec::new();
    for (index, candidate) in input.candidates.iter().enumerate() {
        let position = input.selected.iter().position(|&s| s == index);
        let coefficient = position.and_then(|p| input.regression.coefficients.get(p)).copied();
        let status = match (position, input.dropped.iter().find(|(i, _)| *i == index)) {
            (Some(_), _) => "selected".to_owned(),
            (None, Some((_, b))) => format!("dropped: coefficient {b:.4} not positive"),
            (None, None) if candidate.binning.iv < options.min_iv => "dropped: IV below the minimum".to_owned(),
            (None, None) => "dropped: beyond --max-features".to_owned(),
        };
        let model = input.model;
        let characteristic = model
            .characteristics()
            .iter()
            .find(|c| model.features().get(c.feature_index()).is_some_and(|f| f.name == candidate.name));
        let status = match (&position, characteristic) {
            (Some(_), None) => "selected, folded into the initial score: every bin gets the same points".to_owned(),
            _ => status,
        };
        let bins: Vec<Value> = candidate
            .binning
            .bins
            .iter()
            .enumerate()
            .map(|(b, bin)| {
                let mut object = Object::new()
                    .with("bin", bin.label())
                    .with("good", bin.counts.good as i64)
                    .with("bad", bin.counts.bad as i64)
                    .with("woe", figure(bin.woe));
                if let Some(points) = characteristic.and_then(|c| c.bins().get(b)).map(|bin| bin.points) {
                    object.insert("points", points);
                }
                Value::Object(object)
            })
            .collect();
        let mut object = Object::new()
            .with("feature", candidate.name.as_str())
            .with("type", if candidate.binning.numeric { "number" } else { "category" })
            .with("iv", figure(candidate.binning.iv))
            .with("status", status);
        if let Some(b) = coefficient {
            object.insert("coefficient", figure(b));
        }
        object.insert("bins", bins);
        features.push(Value::Object(object));
    }
    // Score distribution by band on the test rows (the training rows when none are held out).
    let mut bands = Vec::new();
    let on_test = input.test.is_some();
    let test_scored: Vec<&RowOutcome> = input.rows.iter().filter(|r| r.test == on_test && r.score.is_some()).collect();
    for (index, band) in input.model.bands().enumerate() {
        let upper = input.model.band(index + 1).map_or(Points::from_millionths(i64::MAX), |b| b.min);
        let members: Vec<&&RowOutcome> =
            test_scored.iter().filter(|r| r.score.is_some_and(|s| s >= band.min && s < upper)).collect();
        let bad = members.iter().filter(|r| r.bad).count();
        let share = if test_scored.is_empty() { 0.0 } else { members.len() as f64 / test_scored.len() as f64 };
        let bad_rate = if members.is_empty() { Value::Null } else { figure(bad as f64 / members.len() as f64) };
        bands.push(Value::Object(
            Object::new()
                .with("band", band.id.as_str())
                .with("min", band.min)
                .with("rows", members.len() as i64)
                .with("share", figure(share))
                .with("bad_rate", bad_rate),
        ));
    }
    let refused = input.rows.iter().filter(|r| r.refused.is_some()).count();
    let clamped = input
        .rows
        .iter()
        .filter(|r| r.score.is_some_and(|s| s == input.model.score_min() || s == input.model.score_max()))
        .count();
    Object::new()
        .with(
            "data",
            Object::new()
                .with("rows", input.rows.len() as i64)
                .with("target", options.target.as_str())
                .with("bad_value", input.bad_label)
                .with("bad_rows", input.rows.iter().filter(|r| r.bad).count() as i64),
        )
        .with("split", {
            let held_out: Vec<Value> =
                input.rows.iter().enumerate().filter(|(_, r)| r.test).map(|(i, _)| Value::from(i as i64)).collect();
            let mut split = input
                .split
                .clone()
                .with("train_rows", input.train.rows as i64)
                .with("test_rows", held_out.len() as i64);
            if held_out.len() <= LISTED_TEST_ROWS {
                // Data rows numbered from 0 in file order.
                split.insert("test_row_numbers", held_out);
            }
            split
        })
        .with(
            "scaling",
            Object::new()
                .with("pdo", figure(options.pdo))
                .with("base_score", figure(options.base_score))
                .with("base_odds_good_to_bad", figure(options.base_odds))
                .with("factor", figure(factor))
                .with("offset", figure(offset))
                .with("intercept", figure(input.regression.intercept))
                .with("initial_score", input.model.initial_score()),
        )
        .with("train", metrics_object(input.train))
        .with("test", input.test.map_or(Value::Null, |test| Value::Object(metrics_object(test))))
        .with(if on_test { "test_bands" } else { "train_bands" }, bands)
        .with("rows_refused_by_core", refused as i64)
        .with("rows_at_score_limit", clamped as i64)
        .with("features", features)
}
