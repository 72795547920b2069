//! `report`: the monitoring report of a scored population (HTML, and a JSON summary).

use std::path::PathBuf;

use clap::Args;
use edgescore::lifecycle::data::read_population;
use edgescore::lifecycle::report;
use edgescore::Model;

use super::read_data;
use crate::input::{self, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct ReportArgs {
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

pub(crate) fn report(args: ReportArgs) -> CliResult<Output> {
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
