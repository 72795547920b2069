//! Scoring raw feature rows, one line at a time: what `edgescore score-rows` does per row.
//!
//! No snapshot and no signature: the rows are features as the analyst has them (a validation
//! file, a population), scored by the core ([`Model::score_features`], the verifier's own
//! evaluation) into the total, the band, the dimension sub-scores and the ranked reasons. A row
//! the core refuses is an error for that row only.
//!
//! Input is CSV (a header line naming the columns; one record per line, so a quoted field may
//! not hold a line break; an empty cell is a missing value; columns that are not features are
//! ignored) or JSON Lines (one features object per line, or a line with a `features` object
//! such as `edgescore features` writes). Output is JSON Lines or CSV, one line per scored row,
//! carrying the input's line number (and an id column or member, when named).

use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::lifecycle::data::{feature_columns, features_from_row, is_feature_column};
use crate::model::{Dimension, Model};
use crate::scorecard::{ScoreOutcome, MAX_REASONS};

/// The form of the rows read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFormat {
    /// CSV with a header line.
    Csv,
    /// JSON Lines.
    Jsonl,
}

impl RowFormat {
    /// `csv` or `jsonl` (also `json`).
    pub fn parse(name: &str) -> Result<RowFormat> {
        match name {
            "csv" => Ok(RowFormat::Csv),
            "jsonl" | "json" => Ok(RowFormat::Jsonl),
            _ => bail!(ConfigInvalid, "format {name:?} is not csv or jsonl"),
        }
    }
}

/// How input lines are read.
#[derive(Clone, Debug)]
enum Input {
    Csv { width: usize, columns: Vec<Option<usize>>, id: Option<usize> },
    Jsonl { id: Option<String> },
}

/// Scores input lines with a model and writes output lines.
#[derive(Clone, Debug)]
pub struct RowScorer<'m> {
    model: &'m Model,
    input: Input,
    output: RowFormat,
    with_id: bool,
}

thread_local! {
    /// One CSV reader per thread, reset before each line: building one is most of the cost of
    /// reading a line (and `csv_core::Reader`'s `Clone` does not copy its tables).
    static READER: std::cell::RefCell<csv_core::Reader> = std::cell::RefCell::new(csv_core::Reader::new());
}

/// Splits one CSV line (RFC 4180 quoting; one record per line) into cells, an empty cell
/// being `None`.
fn split_line(line: &[u8]) -> Result<Vec<Option<String>>> {
    READER.with(|reader| split_line_with(&mut reader.borrow_mut(), line))
}

fn split_line_with(reader: &mut csv_core::Reader, line: &[u8]) -> Result<Vec<Option<String>>> {
    if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        bail!(DataInvalid, "CSV: a quoted field is not closed on its line (one record per line)");
    }
    reader.reset();
    let mut output = vec![0u8; line.len() + 1];
    let mut ends = vec![0usize; line.len() + 2];
    let (_, consumed, written, fields) = reader.read_record(line, &mut output, &mut ends);
    let (result, _, more_written, more_fields) = reader.read_record(
        &[],
        output.get_mut(written..).unwrap_or_default(),
        ends.get_mut(fields..).unwrap_or_default(),
    );
    if consumed != line.len() || result != csv_core::ReadRecordResult::Record {
        bail!(DataInvalid, "CSV: a line holds more than one record");
    }
    let text = std::str::from_utf8(output.get(..written + more_written).unwrap_or_default())
        .map_err(|_| Error::new(ErrorCode::DataInvalid, "CSV: the line is not UTF-8"))?;
    let mut cells = Vec::with_capacity(fields + more_fields);
    let mut start = 0;
    for &end in ends.get(..fields + more_fields).unwrap_or_default() {
        let cell = text.get(start..end).unwrap_or_default();
        cells.push((!cell.is_empty()).then(|| cell.to_owned()));
        start = end;
    }
    Ok(cells)
}

impl<'m> RowScorer<'m> {
    /// A scorer of CSV lines with this header line; also returns the columns that are not
    /// features (ignored). `id_column` names a column echoed as `id`.
    pub fn for_csv(
        model: &'m Model,
        header: &[u8],
        id_column: Option<&str>,
        output: RowFormat,
    ) -> Result<(RowScorer<'m>, Vec<String>)> {
        let names: Vec<String> = split_line(header)?
            .into_iter()
            .map(|cell| cell.unwrap_or_default().trim_start_matches('\u{feff}').to_owned())
            .collect();
        for (index, name) in names.iter().enumerate() {
            if name.is_empty() {
                bail!(DataInvalid, "the CSV header has an empty column name");
            }
            if names.iter().skip(index + 1).any(|other| other == name) {
                bail!(DataInvalid, "the CSV header names column {:?} twice", truncate(name, 60));
            }
        }
        let columns = feature_columns(model, &names);
        let id = match id_column {
            Some(wanted) => Some(names.iter().position(|c| c == wanted).ok_or_else(|| {
                Error::with_message(ErrorCode::DataInvalid, format!("no column {:?}", truncate(wanted, 60)))
            })?),
            None => None,
        };
        let ignored =
            names.iter().filter(|c| !is_feature_column(model, c) && Some(c.as_str()) != id_column).cloned().collect();
        let input = Input::Csv { width: names.len(), columns, id };
        Ok((RowScorer { model, input, output, with_id: id_column.is_some() }, ignored))
    }

    /// A scorer of JSON Lines; `id_member` names a top-level member echoed as `id`.
    pub fn for_jsonl(model: &'m Model, id_member: Option<&str>, output: RowFormat) -> RowScorer<'m> {
        RowScorer {
            model,
            input: Input::Jsonl { id: id_member.map(str::to_owned) },
            output,
            with_id: id_member.is_some(),
        }
    }

    /// The output's header line, for CSV output.
    pub fn header(&self) -> Option<String> {
        if self.output != RowFormat::Csv {
            return None;
        }
        let mut columns: Vec<String> = vec!["line".to_owned()];
        if self.with_id {
            columns.push("id".to_owned());
        }
        columns.extend(["score".to_owned(), "band".to_owned()]);
        columns.extend(Dimension::ALL.iter().map(|d| d.id().to_owned()));
        for rank in 1..=MAX_REASONS {
            columns.push(format!("reason_{rank}"));
            columns.push(format!("reason_{rank}_points"));
        }
        Some(columns.join(","))
    }

    /// Scores one input line (numbered from 1 in the file) into its output line.
    pub fn score_line(&self, line: u64, bytes: &[u8]) -> Result<String> {
        let (features, id) = match &self.input {
            Input::Csv { width, columns, id } => {
                let cells = split_line(bytes)?;
                if cells.len() != *width {
                    bail!(DataInvalid, "the row has {} cells, the header {width}", cells.len());
                }
                let id = id.and_then(|i| cells.get(i).cloned().flatten()).map(Value::String);
                (features_from_row(self.model, columns, &cells)?, id)
            }
            Input::Jsonl { id } => {
                let object = json::parse_object(bytes).map_err(|e| e.recode(ErrorCode::DataInvalid))?;
                let id = id.as_ref().map(|member| object.get(member).cloned().unwrap_or(Value::Null));
                let features = match object.get("features") {
                    Some(Value::Object(features)) => features.clone(),
                    _ => object,
                };
                (features, id)
            }
        };
        let outcome = self.model.score_features(&features)?;
        Ok(self.write(line, id, &outcome))
    }

    fn write(&self, line: u64, id: Option<Value>, outcome: &ScoreOutcome) -> String {
        let band = self.model.band(outcome.band).map_or("", |b| b.id.as_str());
        match self.output {
            RowFormat::Jsonl => {
                let mut object = Object::new().with("line", line as i64);
                if self.with_id {
                    object.insert("id", id.unwrap_or(Value::Null));
                }
                object.insert("score", outcome.score);
                object.insert("band", band);
                let mut dimensions = Object::new();
                for (dimension, value) in Dimension::ALL.iter().zip(outcome.dimensions) {
                    dimensions.insert(dimension.id(), value.map_or(Value::Null, |v| Value::from(i64::from(v))));
                }
                object.insert("dimensions", dimensions);
                let reasons: Vec<Value> = outcome
                    .reasons
                    .iter()
                    .map(|r| Value::Object(Object::new().with("code", r.code.as_str()).with("points", r.points)))
                    .collect();
                object.insert("reasons", reasons);
                object.to_json()
            }
            RowFormat::Csv => {
                let mut cells: Vec<String> = vec![line.to_string()];
                if self.with_id {
                    cells.push(match id {
                        Some(Value::String(text)) => csv_cell(&text),
                        Some(Value::Null) | None => String::new(),
                        Some(other) => csv_cell(&other.to_json()),
                    });
                }
                cells.push(outcome.score.to_string());
                cells.push(csv_cell(band));
                cells.extend(outcome.dimensions.iter().map(|d| d.map(|v| v.to_string()).unwrap_or_default()));
                for rank in 0..MAX_REASONS {
                    match outcome.reasons.get(rank) {
                        Some(reason) => {
                            cells.push(csv_cell(&reason.code));
                            cells.push(reason.points.to_string());
                        }
                        None => cells.extend([String::new(), String::new()]),
                    }
                }
                cells.join(",")
            }
        }
    }
}

/// A CSV cell, quoted when it must be (RFC 4180).
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_quote_when_needed() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(split_line(b"a,,\"b,c\"").unwrap(), [Some("a".to_owned()), None, Some("b,c".to_owned())]);
        assert_eq!(split_line(b"\"x \"\"y\"\"\",").unwrap(), [Some("x \"y\"".to_owned()), None]);
        assert_eq!(split_line(b"single").unwrap(), [Some("single".to_owned())]);
        assert!(split_line(b"a\nb").is_err());
        assert!(split_line(b"\"open,b").is_err());
    }
}
