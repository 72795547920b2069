//! The bureau's batch commands: `synth`, `features`, `issue-batch`. Files and threads here;
//! the work itself is in `edgescore::issuer`. This module holds what the three share: threads,
//! output and error writers, the ordered row writer and the summary line.

pub(crate) mod features;
pub(crate) mod issue_batch;
pub(crate) mod progress;
mod resume;
pub(crate) mod synth;

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use edgescore::issuer::rows::{process_rows, ChunkResult, Counts, RowOutcome};
use edgescore::json::Object;

use crate::input::{self, usage, CliResult};
use crate::Output;
pub(crate) use progress::Progress;

pub(crate) fn threads(given: Option<usize>) -> usize {
    given.filter(|&n| n > 0).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub(crate) fn io_failure(what: &Path, error: io::Error) -> input::Failure {
    usage(format!("{}: {error}", what.display()))
}

/// A buffered writer on a new (truncated) file, or on stdout.
pub(crate) fn create(path: Option<&Path>) -> CliResult<Box<dyn Write>> {
    Ok(match path {
        Some(path) => Box::new(BufWriter::with_capacity(1 << 20, File::create(path).map_err(|e| io_failure(path, e))?)),
        None => Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    })
}

/// The error lines' writer: a new file, or stderr.
pub(crate) fn create_errors(path: Option<&Path>) -> CliResult<Box<dyn Write>> {
    match path {
        Some(path) => create(Some(path)),
        None => Ok(Box::new(io::stderr())),
    }
}

pub(crate) fn open_input(path: &Path) -> CliResult<(Box<dyn BufRead + Send>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(BufReader::with_capacity(1 << 20, io::stdin())), None));
    }
    let file = File::open(path).map_err(|e| io_failure(path, e))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(BufReader::with_capacity(1 << 20, file)), size))
}

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
pub(crate) fn peak_rss_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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

/// Runs `row` over the input's kept lines and writes each chunk: its error lines first,
/// flushed, then its output lines, so a killed run never has output past its reported
/// errors (resume relies on it). Returns the totals once both writers are flushed.
pub(crate) fn write_rows(
    input: impl BufRead + Send,
    threads: usize,
    max_line_bytes: usize,
    keep: impl Fn(u64) -> bool + Send,
    row: impl Fn(u64, &[u8]) -> edgescore::Result<RowOutcome> + Sync,
    (out, errors): (&mut dyn Write, &mut dyn Write),
    progress: &Progress,
) -> io::Result<Counts> {
    let mut totals = Counts::default();
    let counts = process_rows(input, threads, max_line_bytes, keep, row, |chunk: &ChunkResult| {
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
