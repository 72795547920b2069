//! Tables read from CSV, the target column, and features objects for the core.
//!
//! CSV: one header line with unique column names, RFC 4180 quoting, every row as wide as the
//! header. An empty cell is a missing value; nothing else is (a literal `NA` is a category).
//! JSON Lines: one features object per non-empty line, in the core's strict JSON.

use crate::decimal::Decimal;
use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Number, Object, Value};
use crate::model::{FeatureType, Model};

/// The most rows a table may have.
pub const MAX_ROWS: usize = 2_000_000;

/// A table of text cells; `None` is a missing (empty) cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Rows of cells, each as wide as `columns`.
    pub rows: Vec<Vec<Option<String>>>,
}

impl Table {
    /// Reads a CSV document.
    pub fn from_csv(bytes: &[u8]) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&e))?
            .iter()
            .map(|name| name.trim_start_matches('\u{feff}').to_owned())
            .collect();
        if columns.is_empty() || columns.iter().any(String::is_empty) {
            bail!(DataInvalid, "the CSV header has an empty column name");
        }
        for (index, name) in columns.iter().enumerate() {
            if columns.iter().skip(index + 1).any(|other| other == name) {
                bail!(DataInvalid, "the CSV header names column {:?} twice", truncate(name, 60));
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&e))?;
            if rows.len() >= MAX_ROWS {
                bail!(DataInvalid, "more than {MAX_ROWS} rows");
            }
            rows.push(record.iter().map(|cell| if cell.is_empty() { None } else { Some(cell.to_owned()) }).collect());
        }
        Ok(Table { columns, rows })
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::with_message(ErrorCode::DataInvalid, format!("no column {:?}", truncate(name, 60))))
    }

    /// The cells of one column.
    pub fn cells(&self, column: usize) -> impl Iterator<Item = Option<&str>> + '_ {
        self.rows.iter().map(move |row| row.get(column).and_then(|c| c.as_deref()))
    }

    /// Whether every present cell of the column is a number (JSON number grammar).
    pub fn is_numeric(&self, column: usize) -> bool {
        let mut any = false;
        for cell in self.cells(column).flatten() {
            if !is_number_text(cell) {
                return false;
            }
            any = true;
        }
        any
    }
}

fn csv_error(error: &csv::Error) -> Error {
    let line = error.position().map(|p| format!(" (line {})", p.line())).unwrap_or_default();
    Error::with_message(ErrorCode::DataInvalid, format!("CSV{line}: {error}"))
}

/// Whether `text` is a number in JSON grammar that the core reads exactly and `f64` holds.
pub fn is_number_text(text: &str) -> bool {
    Decimal::parse(text).is_ok() && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The classes of the target column: `true` for bad. The column must hold exactly two values
/// and no missing cell. `bad` names the bad value; without it `1` (of `0`/`1`) or `bad` (of
/// `good`/`bad`) is bad.
pub fn target_classes(table: &Table, target: &str, bad: Option<&str>) -> Result<(Vec<bool>, String)> {
    let column = table.column(target)?;
    let mut values: Vec<&str> = Vec::new();
    for (row, cell) in table.cells(column).enumerate() {
        let Some(cell) = cell else {
            bail!(DataInvalid, "target {target:?} is missing in row {row}");
        };
        if !values.contains(&cell) {
            values.push(cell);
        }
    }
    values.sort_unstable();
    let bad_value = match (bad, values.as_slice()) {
        (Some(bad), _) => bad.to_owned(),
        (None, ["0", "1"]) => "1".to_owned(),
        (None, ["bad", "good"]) => "bad".to_owned(),
        (None, _) => bail!(DataInvalid, "target {target:?} has values {values:?}: name the bad one (--bad)"),
    };
    if values.len() != 2 || !values.contains(&bad_value.as_str()) {
        bail!(DataInvalid, "target {target:?} must hold two values, one of them {bad_value:?}; it has {values:?}");
    }
    Ok((table.cells(column).map(|cell| cell == Some(bad_value.as_str())).collect(), bad_value))
}

/// The features object of a table row for a model: every schema feature with a column, present
/// cells only (an empty cell is a missing feature). Numeric features must hold numbers.
pub fn features_from_row(model: &Model, columns: &[Option<usize>], row: &[Option<String>]) -> Result<Object> {
    let mut object = Object::new();
    for (spec, column) in model.features().iter().zip(columns) {
        let Some(cell) = column.and_then(|c| row.get(c)).and_then(|c| c.as_deref()) else {
            continue;
        };
        let value = match spec.kind {
            FeatureType::Number | FeatureType::Integer => {
                let decimal = Decimal::parse(cell).map_err(|_| {
                    Error::with_message(
                        ErrorCode::DataInvalid,
                        format!("feature {:?}: {:?} is not a number", spec.name, truncate(cell, 40)),
                    )
                })?;
                Value::Number(Number::from_decimal(&decimal))
            }
            FeatureType::Boolean => match cell {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                _ => bail!(DataInvalid, "feature {:?}: {:?} is not true or false", spec.name, truncate(cell, 40)),
            },
            FeatureType::Category => Value::String(cell.to_owned()),
        };
        object.insert(spec.name.as_str(), value);
    }
    Ok(object)
}

/// For each schema feature of the model, the table column of its name, or of its source name
/// (the column it was fitted or imported from), if any.
pub fn schema_columns(model: &Model, table: &Table) -> Vec<Option<usize>> {
    feature_columns(model, &table.columns)
}

/// For each schema feature, the position in `columns` of its name or its source name.
pub fn feature_columns(model: &Model, columns: &[String]) -> Vec<Option<usize>> {
    model
        .features()
        .iter()
        .map(|spec| {
            columns
                .iter()
                .position(|c| *c == spec.name)
                .or_else(|| spec.source.as_ref().and_then(|source| columns.iter().position(|c| c == source)))
        })
        .collect()
}

/// Whether a column is read as one of the model's features (by name or source name).
pub fn is_feature_column(model: &Model, column: &str) -> bool {
    model.features().iter().any(|spec| spec.name == column || spec.source.as_deref() == Some(column))
}

/// Features objects from a population file: JSON Lines (one object per line) when the first
/// non-space byte is `{`, otherwise CSV (columns named as the schema's features; other columns
/// are ignored and listed in the second value).
pub fn read_population(model: &Model, bytes: &[u8]) -> Result<(Vec<Object>, Vec<String>)> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        let text =
            std::str::from_utf8(bytes).map_err(|_| Error::new(ErrorCode::DataInvalid, "JSON Lines are not UTF-8"))?;
        let mut objects = Vec::new();
        for (line_number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            if objects.len() >= MAX_ROWS {
                bail!(DataInvalid, "more than {MAX_ROWS} rows");
            }
            let object = json::parse_object(line.as_bytes()).map_err(|e| {
                Error::with_message(ErrorCode::DataInvalid, format!("line {}: {}", line_number + 1, e.message()))
            })?;
            objects.push(object);
        }
        return Ok((objects, Vec::new()));
    }
    let table = Table::from_csv(bytes)?;
    let columns = schema_columns(model, &table);
    let ignored = table.columns.iter().filter(|c| !is_feature_column(model, c)).cloned().collect();
    let objects = table
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| features_from_row(model, &columns, row).map_err(|e| e.context(&format!("row {index}"))))
        .collect::<Result<Vec<_>>>()?;
    Ok((objects, ignored))
}
