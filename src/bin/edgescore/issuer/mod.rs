//! The bureau's batch commands: `synth`, `features`, `issue-batch`. Files and threads here;
//! the work itself is in `edgescore::issuer`. This module holds what the three share: the run
//! options (shards, threads, progress, reject rate), input ranges, the ordered row writer and
//! the summary line.

pub(crate) mod features;
pub(crate) mod issue_batch;
pub(crate) mod progress;
mod run;
pub(crate) mod synth;

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use clap::Args;
use edgescore::issuer::lines::{open_range, Position, ReadFrom, Shard};
use edgescore::issuer::output::StagedFile;
use edgescore::issuer::rows::{process_rows, ChunkResult, Counts, RowOutcome};
use edgescore::json::{Object, Value};
use edgescore::ErrorCode;

use crate::input::{self, usage, CliResult};
use crate::Output;
pub(crate) use progress::Progress;

/// The most worker threads a run may ask for.
const MAX_THREADS: usize = 1024;

/// Options `features` and `issue-batch` share.
#[derive(Args)]
pub(crate) struct RunArgs {
    /// Only shard i of n: the lines that begin in the i-th n-th of the input's bytes (a file).
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Worker threads, 1 to 1024 (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// When stderr is not a terminal, a JSON progress line every this many seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value = "10", allow_negative_numbers = true)]
    pub progress_interval: String,
    /// Exit 1, leaving the outputs unfinished (.part), when more than this share of rows is
    /// rejected (0 to 1, or a percentage like 2%).
    #[arg(long, value_name = "RATE")]
    pub max_reject_rate: Option<String>,
}

/// [`RunArgs`], checked.
pub(crate) struct RunOptions {
    pub shard: Shard,
    pub threads: usize,
    pub progress_every: Option<Duration>,
    pub max_reject_rate: Option<f64>,
}

impl RunArgs {
    pub(crate) fn check(&self, input: &Path) -> CliResult<RunOptions> {
        let shard = match self.shard.as_deref() {
            None => Shard::ALL,
            Some(text) => Shard::parse(text).ok_or_else(|| usage("--shard must be i/n with 0 <= i < n"))?,
        };
        if shard != Shard::ALL && input == Path::new("-") {
            return Err(usage("--shard reads a byte range of a file: give --in FILE, not standard input"));
        }
        let threads = threads(self.threads)?;
        let interval = self
            .progress_interval
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
            .ok_or_else(|| usage("--progress-interval must be seconds from 0 to 86400"))?;
        let max_reject_rate = self.max_reject_rate.as_deref().map(parse_rate).transpose()?;
        Ok(RunOptions {
            shard,
            threads,
            progress_every: (interval > 0.0).then(|| Duration::from_secs_f64(interval)),
            max_reject_rate,
        })
    }
}

/// `0.02` or `2%`, from 0 to 1.
fn parse_rate(text: &str) -> CliResult<f64> {
    let value = match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok().map(|p| p / 100.0),
        None => text.trim().parse::<f64>().ok(),
    };
    value
        .filter(|r| r.is_finite() && (0.0..=1.0).contains(r))
        .ok_or_else(|| usage(format!("--max-reject-rate must be 0 to 1 or a percentage, not {text:?}")))
}

impl RunOptions {
    /// Whether `rejected` of `rejected + written` rows is over `--max-reject-rate`.
    pub(crate) fn too_many_rejected(&self, written: u64, rejected: u64) -> bool {
        let total = written + rejected;
        self.max_reject_rate.is_some_and(|rate| total > 0 && rejected as f64 > rate * total as f64)
    }
}

pub(crate) fn threads(given: Option<usize>) -> CliResult<usize> {
    match given {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        Some(n) => Err(usage(format!("--threads must be 1 to {MAX_THREADS}, not {n}"))),
    }
}

pub(crate) fn io_failure(what: &Path, error: io::Error) -> input::Failure {
    usage(format!("{}: {error}", what.display()))
}

/// Where a run's rows (or its error lines) go: a file written complete-or-absent, or a stream
/// (stdout for rows, stderr for errors).
pub(crate) enum Sink {
    Staged(StagedFile),
    Stream(Box<dyn Write>),
}

impl Sink {
    /// `file`, else stdout (buffered).
    pub(crate) fn or_stdout(file: Option<StagedFile>) -> Sink {
        match file {
            Some(file) => Sink::Staged(file),
            None => Sink::Stream(Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock()))),
        }
    }

    /// `file`, else stderr.
    pub(crate) fn or_stderr(file: Option<StagedFile>) -> Sink {
        match file {
            Some(file) => Sink::Staged(file),
            None => Sink::Stream(Box::new(io::stderr())),
        }
    }

    /// Lines in the file so far (a resumed file's included); `None` for a stream.
    pub(crate) fn rows(&self) -> Option<u64> {
        match self {
            Sink::Staged(file) => Some(file.rows()),
            Sink::Stream(_) => None,
        }
    }

    /// The file, to finish it.
    pub(crate) fn into_staged(self) -> Option<StagedFile> {
        match self {
            Sink::Staged(file) => Some(file),
            Sink::Stream(_) => None,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Staged(file) => file.write(bytes),
            Sink::Stream(stream) => stream.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Staged(file) => file.flush(),
            Sink::Stream(stream) => stream.flush(),
        }
    }
}

/// The input of a run: a file's shard, resumed after the line at `after` when given, or
/// standard input. Returns the reader, where it stands, and the input's size.
pub(crate) fn open_input(
    path: &Path,
    shard: Shard,
    after: Option<Position>,
) -> CliResult<(Box<dyn BufRead + Send>, ReadFrom, Option<u64>)> {
    if path == Path::new("-") {
        if after.is_some() {
            return Err(usage("cannot resume from standard input: give --in FILE"));
        }
        return Ok((Box::new(BufReader::with_capacity(1 << 20, io::stdin())), ReadFrom::START, None));
    }
    let file = File::open(path).map_err(|e| io_failure(path, e))?;
    let size = file.metadata().map_err(|e| io_failure(path, e))?.len();
    let range = shard.byte_range(size);
    let (reader, offset) = open_range(file, &range, after.map(|at| at.offset)).map_err(|e| io_failure(path, e))?;
    let from = ReadFrom { lines_before: after.map_or(0, |at| at.line), offset, end: Some(range.end) };
    Ok((Box::new(reader), from, Some(range.end - range.start)))
}

/// The size of an input file (`None` for standard input).
pub(crate) fn input_size(path: &Path) -> CliResult<Option<u64>> {
    if path == Path::new("-") {
        return Ok(None);
    }
    Ok(Some(std::fs::metadata(path).map_err(|e| io_failure(path, e))?.len()))
}

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
pub(crate) fn peak_rss_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub(crate) fn peak_rss() -> Value {
    peak_rss_bytes().map(Value::from).unwrap_or(Value::Null)
}

pub(crate) fn per_second(count: u64, seconds: f64) -> i64 {
    (count as f64 / seconds.max(1e-6)).round() as i64
}

/// Prints the summary: on stdout when the data went to a file, on stderr when it went to
/// stdout (so stdout stays pure JSON Lines).
pub(crate) fn summary(object: Object, data_on_stdout: bool) -> Output {
    if data_on_stdout {
        eprintln!("{}", object.to_json());
        Output::Quiet
    } else {
        Output::Json(object)
    }
}

/// Runs `row` over the input's lines and writes each chunk: its error lines first, flushed,
/// then its output lines, so a killed run never has output past its reported errors (resume
/// relies on it). Returns the totals once both writers are flushed.
pub(crate) fn write_rows(
    (input, from): (impl BufRead + Send, ReadFrom),
    threads: usize,
    max_line_bytes: usize,
    row: impl Fn(Position, &[u8]) -> edgescore::Result<RowOutcome> + Sync,
    (out, errors): (&mut dyn Write, &mut dyn Write),
    progress: &Progress,
) -> io::Result<Counts> {
    let mut totals = Counts::default();
    let counts = process_rows(input, from, threads, max_line_bytes, row, |chunk: &ChunkResult| {
        errors.write_all(&chunk.errors)?;
        errors.flush()?;
        out.write_all(&chunk.out)?;
        totals.add(&chunk.counts);
        progress.update(chunk.bytes_consumed, &totals);
        Ok(())
    })?;
    out.flush()?;
    errors.flush()?;
    progress.finish();
    Ok(counts)
}

/// The input as run parameters: its path and size.
pub(crate) fn input_parameters(path: &Path) -> CliResult<Object> {
    let mut input = Object::new().with("path", path.display().to_string());
    if let Some(size) = input_size(path)? {
        input.insert("bytes", size as i64);
    }
    Ok(input)
}

/// The summary member and exit of a run that rejected too many rows: the outputs stay
/// unfinished.
pub(crate) fn reject_rate_failure(summary: Object, options: &RunOptions, written: u64, rejected: u64) -> Output {
    let message = format!(
        "{rejected} of {} rows rejected, more than --max-reject-rate {}; the outputs are left unfinished (.part)",
        written + rejected,
        options.max_reject_rate.unwrap_or(0.0)
    );
    Output::Failed(
        summary.with("error", edgescore::Error::with_message(ErrorCode::TooManyRejected, message).to_object()),
    )
}
