//! The model-lifecycle commands: `fit`, `import`, `export`, `report`, `score-rows`. This module holds what
//! they share: reading data files, writing or printing a result, and the dimension flags.

pub(crate) mod export;
pub(crate) mod fit;
pub(crate) mod import;
pub(crate) mod report;
pub(crate) mod score_rows;

use std::path::Path;

use clap::Args;
use edgescore::json::Object;
use edgescore::lifecycle::build;
use edgescore::model::Dimension;

use crate::input::{self, usage, CliResult};
use crate::Output;

/// Data files may be larger than tokens and models.
const MAX_DATA_BYTES: u64 = 512 * 1024 * 1024;

pub(crate) fn read_data(path: &Path) -> CliResult<Vec<u8>> {
    input::read_bytes_up_to(path, MAX_DATA_BYTES)
}

pub(crate) fn write_or_print(out: Option<&Path>, text: String, what: &str) -> CliResult<Output> {
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
pub(crate) struct DimensionArgs {
    /// A feature's dimension, as FEATURE=DIMENSION; repeat for several.
    #[arg(long = "dimension", value_name = "FEATURE=DIM")]
    dimensions: Vec<String>,
    /// The dimension of features not named by --dimension.
    #[arg(long, default_value = "credit_history")]
    default_dimension: String,
}

/// How names in the data become feature names (`a-z`, `0-9`, `_`, `-`, `.`).
#[derive(Args)]
pub(crate) struct NameArgs {
    /// Rename a column or field, as FROM=TO; repeat for several. The model records the source
    /// name, so reports show it.
    #[arg(long = "rename", value_name = "FROM=TO")]
    renames: Vec<String>,
    /// Make every other name a feature name: MonthsOnBook and "months on book" become
    /// months_on_book.
    #[arg(long)]
    normalize_names: bool,
}

impl NameArgs {
    pub(crate) fn resolve(&self) -> CliResult<build::Names> {
        let renames = build::Names::parse_renames(&self.renames).map_err(|e| usage(e.message().to_owned()))?;
        Ok(build::Names { renames, normalize: self.normalize_names })
    }
}

impl DimensionArgs {
    pub(crate) fn resolve(&self) -> CliResult<(Vec<(String, Dimension)>, Dimension)> {
        let pairs = build::parse_dimensions(&self.dimensions).map_err(|e| usage(e.message().to_owned()))?;
        Ok((pairs, parse_dimension(&self.default_dimension)?))
    }
}
