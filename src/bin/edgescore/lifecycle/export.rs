//! `export`: a model JSON as PMML.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use edgescore::lifecycle::pmml;
use edgescore::Model;

use super::write_or_print;
use crate::input::{self, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct ExportArgs {
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

pub(crate) fn export(args: ExportArgs) -> CliResult<Output> {
    let ExportFormat::Pmml { model, out } = args.format;
    let model = Model::parse(&input::read_bytes(&model)?)?;
    write_or_print(out.as_deref(), pmml::export(&model), "pmml")
}
