//! `score-rows`: raw feature rows scored with a model, streaming.

use std::io::{BufRead, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use edgescore::issuer::lines::{ReadFrom, Shard};
use edgescore::issuer::output::StagedFile;
use edgescore::issuer::rows::RowOutcome;
use edgescore::json::{Object, Value};
use edgescore::lifecycle::rows::{RowFormat, RowScorer};
use edgescore::model::{Model, SignedModel};

use crate::input::{self, usage, CliResult};
use crate::issuer::{io_failure, open_input, per_second, summary, threads, write_rows, Progress, Sink};
use crate::verify::load_jwks;
use crate::Output;

/// The longest input line read (a row of a few hundred features fits easily).
const MAX_LINE_BYTES: usize = 1 << 20;

#[derive(Args)]
pub(crate) struct ScoreRowsArgs {
    /// The model: a model JSON, or a signed model (verified with --jwks).
    pub model: PathBuf,
    /// The rows: CSV with a header line, or JSON Lines of features objects (file or -).
    #[arg(long = "input", value_name = "FILE")]
    pub input: PathBuf,
    /// The input's form: csv or jsonl (default: from the file name, else from its first byte).
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<String>,
    /// Write the scored rows here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The output's form: jsonl or csv (default: from --output's name, else jsonl).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// A CSV column or JSON member to echo as `id` in each output row.
    #[arg(long, value_name = "NAME")]
    pub id: Option<String>,
    /// Write bad rows here (JSON Lines with line numbers) instead of stderr.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// JWKS that verifies a signed model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
}

fn format_of(path: Option<&Path>) -> Option<RowFormat> {
    match path?.extension()?.to_str()? {
        "csv" => Some(RowFormat::Csv),
        "jsonl" | "json" | "ndjson" => Some(RowFormat::Jsonl),
        _ => None,
    }
}

fn load(path: &Path, jwks: Option<&Path>) -> CliResult<Model> {
    let bytes = input::read_bytes(path)?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Ok(Model::parse(&bytes)?);
    }
    let token = String::from_utf8(bytes)
        .map_err(|_| usage(format!("{}: neither model JSON nor a signed model", path.display())))?;
    Ok(SignedModel::verify(token.trim_end(), &load_jwks(jwks)?)?.model().clone())
}

pub(crate) fn score_rows(args: ScoreRowsArgs) -> CliResult<Output> {
    let model = load(&args.model, args.jwks.as_deref())?;
    let output_format = match (&args.format, format_of(args.output.as_deref())) {
        (Some(name), _) => RowFormat::parse(name).map_err(|e| usage(e.message().to_owned()))?,
        (None, Some(format)) => format,
        (None, None) => RowFormat::Jsonl,
    };
    let (mut reader, _, size) = open_input(&args.input, Shard::ALL, None)?;
    // The first line decides the form (unless given) and, for CSV, is the header.
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first).map_err(|e| io_failure(&args.input, e))?;
    let input_format = match (&args.input_format, format_of(Some(&args.input))) {
        (Some(name), _) => RowFormat::parse(name).map_err(|e| usage(e.message().to_owned()))?,
        (None, Some(format)) => format,
        (None, None) if first.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => RowFormat::Jsonl,
        (None, None) => RowFormat::Csv,
    };
    let (scorer, ignored) = match input_format {
        RowFormat::Csv => {
            let header = first.strip_suffix(b"\n").unwrap_or(&first);
            let header = header.strip_suffix(b"\r").unwrap_or(header);
            RowScorer::for_csv(&model, header, args.id.as_deref(), output_format)?
        }
        RowFormat::Jsonl => (RowScorer::for_jsonl(&model, args.id.as_deref(), output_format), Vec::new()),
    };
    let skip_first = input_format == RowFormat::Csv;
    let input = Cursor::new(first).chain(reader);

    let data_on_stdout = args.output.is_none();
    let stage = |path: &Path| StagedFile::create(path).map_err(|e| io_failure(path, e));
    let mut out = Sink::or_stdout(args.output.as_deref().map(stage).transpose()?);
    let mut errors = Sink::or_stderr(args.errors.as_deref().map(stage).transpose()?);
    if let Some(header) = scorer.header() {
        writeln!(out, "{header}").map_err(|e| io_failure(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    }
    let progress = Progress::new(size, "rows", Some(Duration::from_secs(10)));
    let counts = write_rows(
        (input, ReadFrom::START),
        threads(args.threads)?,
        MAX_LINE_BYTES,
        |at, bytes| {
            if skip_first && at.line == 1 {
                return Ok(RowOutcome::default());
            }
            let trimmed = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            scorer.score_line(at.line, trimmed).map(|text| RowOutcome { line: Some(text), events: 0 })
        },
        (&mut out, &mut errors),
        &progress,
    )
    .map_err(|e| io_failure(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    for (path, sink) in [(args.output.as_deref(), out), (args.errors.as_deref(), errors)] {
        if let (Some(path), Some(file)) = (path, sink.into_staged()) {
            file.finish().map_err(|e| io_failure(path, e))?;
        }
    }
    let seconds = progress.started.elapsed().as_secs_f64();
    let mut object = Object::new()
        .with("model", Object::new().with("id", model.id()).with("version", model.version()))
        .with("scored", counts.written as i64)
        .with("rejected", counts.rejected as i64)
        .with("seconds", edgescore::lifecycle::figure(seconds))
        .with("rows_per_second", per_second(counts.written + counts.rejected, seconds));
    if let Some(path) = &args.output {
        object.insert("written", path.display().to_string());
    }
    if !ignored.is_empty() {
        object.insert("ignored_columns", ignored.into_iter().map(Value::from).collect::<Vec<_>>());
    }
    Ok(summary(object, data_on_stdout))
}
