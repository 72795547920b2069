//! `fit`: a scorecard fitted from training data.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use edgescore::json::Object;
use edgescore::lifecycle::build;
use edgescore::lifecycle::data::Table;
use edgescore::lifecycle::figure;
use edgescore::lifecycle::fit::{self, FitOptions, Split};
use edgescore::model::{Band, Points};

use super::{read_data, DimensionArgs, NameArgs};
use crate::input::{self, usage, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct FitArgs {
    /// The data: CSV with a header line (an empty cell is a missing value), split into
    /// training and test rows as the split options say.
    #[arg(long, value_name = "FILE", required_unless_present = "train", conflicts_with = "train")]
    data: Option<PathBuf>,
    /// Training rows, when you split the data yourself (CSV; every row trains).
    #[arg(long, value_name = "FILE", requires = "test")]
    train: Option<PathBuf>,
    /// Test rows, with --train (CSV with the same columns; every row is held out).
    #[arg(long, value_name = "FILE", requires = "train")]
    test: Option<PathBuf>,
    /// A column of the data saying `train` or `test` for each row (not a feature).
    #[arg(long, value_name = "COLUMN", conflicts_with_all = ["train", "test_share"])]
    split_column: Option<String>,
    /// The target column.
    #[arg(long)]
    target: String,
    /// The target's bad value (default: 1 of 0/1, bad of good/bad).
    #[arg(long)]
    bad: Option<String>,
    /// Split seed (the split is stratified; see docs/lifecycle.md).
    #[arg(long, default_value_t = 1994)]
    seed: u64,
    /// Share of each class held out for testing; 0 trains on every row.
    #[arg(long, alias = "holdout", value_name = "SHARE")]
    test_share: Option<f64>,
    /// Points to double the odds.
    #[arg(long, default_value_t = 20.0)]
    pdo: f64,
    /// Score at the base odds.
    #[arg(long, default_value_t = 600.0)]
    base_score: f64,
    /// Base odds, good:bad.
    #[arg(long, default_value_t = 50.0)]
    base_odds: f64,
    /// Smallest information value for a feature to enter the regression.
    #[arg(long, default_value_t = 0.02)]
    min_iv: f64,
    /// Most features in the model (highest IV first).
    #[arg(long)]
    max_features: Option<usize>,
    /// Most bins per feature (the missing bin not counted).
    #[arg(long, default_value_t = 8)]
    max_bins: usize,
    /// Smallest share of training rows in a bin.
    #[arg(long, default_value_t = 0.05)]
    min_bin_share: f64,
    /// Require monotonic weight of evidence across a feature's bins.
    #[arg(long)]
    monotonic: bool,
    /// L2 penalty of the regression.
    #[arg(long, default_value_t = 1.0)]
    l2: f64,
    /// Treat this column as categorical even if it holds numbers; repeat for several.
    #[arg(long)]
    categorical: Vec<String>,
    /// Leave this column out; repeat for several.
    #[arg(long)]
    exclude: Vec<String>,
    /// Keep features whose regression coefficient is not positive.
    #[arg(long)]
    keep_negative: bool,
    #[command(flatten)]
    dimension: DimensionArgs,
    #[command(flatten)]
    names: NameArgs,
    /// Model id.
    #[arg(long, default_value = "fitted-scorecard")]
    id: String,
    /// Model version.
    #[arg(long, default_value = "1")]
    model_version: String,
    /// Feature-schema id.
    #[arg(long, default_value = "edgescore.fitted.v1")]
    schema: String,
    /// Lowest score (scores are clamped).
    #[arg(long, default_value = "350", allow_negative_numbers = true)]
    score_min: Points,
    /// Highest score.
    #[arg(long, default_value = "950", allow_negative_numbers = true)]
    score_max: Points,
    /// Decimal places of the points and the initial score (0 to 6; 0 gives whole points).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=6))]
    points_places: u32,
    /// Refit this model JSON: keep its feature schema, schema id, texts, labels, dimensions,
    /// reason codes, score range and bands; fit the characteristics anew from the data.
    #[arg(long, value_name = "MODEL")]
    template: Option<PathBuf>,
    /// Bands as ID=MIN, lowest first; repeat (default: the consumer bands, or one band).
    #[arg(long = "band", value_name = "ID=MIN")]
    bands: Vec<String>,
    /// Write the model JSON here (default: stdout).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the fit report JSON here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write every row's split, class, fitted probability and core score here (CSV).
    #[arg(long, value_name = "FILE")]
    split_out: Option<PathBuf>,
}

fn parse_bands(pairs: &[String], score_min: Points) -> CliResult<Vec<Band>> {
    if pairs.is_empty() {
        let consumer = build::consumer_bands();
        return Ok(if consumer.first().is_some_and(|b| b.min == score_min) {
            consumer
        } else {
            build::single_band(score_min)
        });
    }
    pairs
        .iter()
        .map(|pair| {
            let (id, min) = pair.split_once('=').ok_or_else(|| usage(format!("band {pair:?} is not ID=MIN")))?;
            let min = min.parse().map_err(|_| usage(format!("band {pair:?}: {min:?} is not a number")))?;
            let label = id.replace('_', " ");
            Ok(Band { id: id.to_owned(), min, label_en: label.clone(), label_zh: label })
        })
        .collect()
}

/// One table of the training rows then the test rows (columns in the training file's order),
/// and which rows are test rows.
fn train_and_test(train: &Table, test: Table) -> CliResult<(Table, Vec<bool>)> {
    let mut positions = Vec::with_capacity(train.columns.len());
    for name in &train.columns {
        positions.push(test.column(name).map_err(|_| usage(format!("the test file has no column {name:?}")))?);
    }
    if test.columns.len() != train.columns.len() {
        return Err(usage("the training and test files have different columns"));
    }
    let mut table = train.clone();
    let mut marks = vec![false; table.rows.len()];
    for row in test.rows {
        table.rows.push(positions.iter().map(|&p| row.get(p).cloned().flatten()).collect());
        marks.push(true);
    }
    Ok((table, marks))
}

pub(crate) fn fit(args: FitArgs) -> CliResult<Output> {
    let (dimensions, default_dimension) = args.dimension.resolve()?;
    let mut options = FitOptions::new(&args.target);
    options.bad = args.bad;
    options.names = args.names.resolve()?;
    options.pdo = args.pdo;
    options.base_score = args.base_score;
    options.base_odds = args.base_odds;
    options.min_iv = args.min_iv;
    options.max_features = args.max_features;
    options.binning.max_bins = args.max_bins;
    options.binning.min_bin_share = args.min_bin_share;
    options.binning.monotonic = args.monotonic;
    options.l2 = args.l2;
    options.categorical = args.categorical;
    options.exclude = args.exclude;
    options.keep_negative = args.keep_negative;
    options.dimensions = dimensions;
    options.default_dimension = default_dimension;
    options.id = args.id;
    options.version = args.model_version;
    options.schema = args.schema;
    options.score_min = args.score_min;
    options.score_max = args.score_max;
    options.points_places = args.points_places;
    options.bands = parse_bands(&args.bands, args.score_min)?;
    if let Some(path) = &args.template {
        options.template = Some(edgescore::Model::parse(&input::read_bytes(path)?)?);
    }
    let table = match (&args.data, &args.train, &args.test) {
        (Some(data), _, _) => {
            options.split = match (&args.split_column, args.test_share) {
                (Some(column), _) => Split::Column(column.clone()),
                (None, Some(0.0)) => Split::None,
                (None, share) => Split::Stratified { test_share: share.unwrap_or(0.3), seed: args.seed },
            };
            Table::from_csv(&read_data(data)?)?
        }
        (None, Some(train), Some(test)) => {
            let (table, marks) =
                train_and_test(&Table::from_csv(&read_data(train)?)?, Table::from_csv(&read_data(test)?)?)?;
            options.split = Split::Rows(marks);
            table
        }
        _ => return Err(usage("give --data, or --train and --test")),
    };
    let outcome = fit::fit(&table, &options)?;
    if let Some(path) = &args.report {
        input::write_new(path, &(outcome.report.to_json_pretty() + "\n"), true)?;
    }
    if let Some(path) = &args.split_out {
        let mut text = String::from("row,set,bad,p_good,score\n");
        for (index, row) in outcome.rows.iter().enumerate() {
            let p = row.p_good.map(|p| format!("{p:.17}")).unwrap_or_default();
            let score = row.score.map(|s| s.to_string()).unwrap_or_default();
            let _ =
                writeln!(text, "{index},{},{},{p},{score}", if row.test { "test" } else { "train" }, u8::from(row.bad));
        }
        input::write_new(path, &text, true)?;
    }
    let model_text = outcome.model_json.to_json_pretty() + "\n";
    match &args.out {
        Some(path) => {
            input::write_new(path, &model_text, true)?;
            let metrics = |m: &fit::SplitMetrics| {
                Object::new()
                    .with("auc", figure(m.probability.auc))
                    .with("ks", figure(m.probability.ks))
                    .with("gini", figure(m.probability.gini))
                    .with("points_auc", figure(m.points.auc))
                    .with("points_ks", figure(m.points.ks))
            };
            Ok(Output::Json(
                Object::new()
                    .with("written", path.display().to_string())
                    .with("characteristics", outcome.model.characteristics().len() as i64)
                    .with("train", metrics(&outcome.train))
                    .with("test", outcome.test.as_ref().map_or(edgescore::json::Value::Null, |t| metrics(t).into())),
            ))
        }
        None => Ok(Output::Text(model_text.trim_end().to_owned())),
    }
}
