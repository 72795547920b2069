//! Line-by-line processing shared by `features` and `issue-batch`: the input read in numbered
//! chunks, each chunk turned into output lines and error lines on worker threads, results
//! handed back in input order. A bad row becomes an error line
//! `{"line":N,"offset":O,"error":{"code":"ERR_…","message":"…"}}` and the run goes on; blank
//! lines are skipped silently.

use std::io::{self, BufRead};

use crate::error::{Error, ErrorCode, Result};
use crate::json::Object;

use super::lines::{LineChunk, LineReader, Position, ReadFrom};
use super::pipeline::run_ordered;

/// Lines per chunk handed to a worker.
pub const CHUNK_LINES: usize = 256;
/// Bytes per chunk handed to a worker (a chunk ends at the first line past this).
pub const CHUNK_BYTES: usize = 1 << 20;
/// Chunks in flight per worker thread.
pub const IN_FLIGHT_PER_THREAD: usize = 4;

/// What one row gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowOutcome {
    /// The output line (without line ending), or `None` when the row is skipped on purpose.
    pub line: Option<String>,
    /// Raw events the row held (for throughput figures).
    pub events: u64,
}

/// Running totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lines written to the output.
    pub written: u64,
    /// Rows rejected (reported as error lines).
    pub rejected: u64,
    /// Rows skipped on purpose (another kind or schema).
    pub skipped: u64,
    /// Blank lines.
    pub blank: u64,
    /// Raw events in the rows written.
    pub events: u64,
}

impl Counts {
    /// Adds another chunk's counts.
    pub fn add(&mut self, other: &Counts) {
        self.written += other.written;
        self.rejected += other.rejected;
        self.skipped += other.skipped;
        self.blank += other.blank;
        self.events += other.events;
    }
}

/// The result of one chunk, in input order.
#[derive(Debug, Default)]
pub struct ChunkResult {
    /// Output lines, each ending in `\n`.
    pub out: Vec<u8>,
    /// Error lines, each ending in `\n`.
    pub errors: Vec<u8>,
    /// This chunk's counts.
    pub counts: Counts,
    /// Input bytes consumed after this chunk.
    pub bytes_consumed: u64,
}

/// The error line for a rejected row.
pub fn error_line(at: Position, error: &Error) -> String {
    Object::new()
        .with("line", at.line as i64)
        .with("offset", at.offset as i64)
        .with("error", error.to_object())
        .to_json()
}

/// Reads `input` (standing at `from`) in chunks of lines and runs `work` on each chunk on
/// `threads` threads; `consume` gets the results in input order.
pub fn for_each_chunk<R: Send>(
    input: impl BufRead + Send,
    from: ReadFrom,
    threads: usize,
    max_line_bytes: usize,
    work: impl Fn(LineChunk) -> R + Sync,
    consume: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()> {
    let mut reader = LineReader::new(input, max_line_bytes, from);
    run_ordered(
        threads,
        threads.max(1) * IN_FLIGHT_PER_THREAD,
        move || reader.next_chunk(CHUNK_LINES, CHUNK_BYTES),
        work,
        consume,
    )
}

/// Runs `row` on every line of `input` (standing at `from`); `sink` gets each chunk's output
/// and error lines in input order. Returns the totals.
pub fn process_rows(
    input: impl BufRead + Send,
    from: ReadFrom,
    threads: usize,
    max_line_bytes: usize,
    row: impl Fn(Position, &[u8]) -> Result<RowOutcome> + Sync,
    mut sink: impl FnMut(&ChunkResult) -> io::Result<()>,
) -> io::Result<Counts> {
    let mut totals = Counts::default();
    let work = |chunk: LineChunk| {
        let mut result = ChunkResult { bytes_consumed: chunk.bytes_consumed, ..ChunkResult::default() };
        for (at, bytes) in chunk.iter() {
            let outcome = match bytes {
                Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {
                    result.counts.blank += 1;
                    continue;
                }
                Ok(bytes) => row(at, bytes),
                Err(()) => Err(Error::with_message(
                    ErrorCode::TooLarge,
                    format!("the line is longer than {max_line_bytes} bytes"),
                )),
            };
            match outcome {
                Ok(RowOutcome { line: Some(line), events }) => {
                    result.out.extend_from_slice(line.as_bytes());
                    result.out.push(b'\n');
                    result.counts.written += 1;
                    result.counts.events += events;
                }
                Ok(RowOutcome { line: None, .. }) => result.counts.skipped += 1,
                Err(error) => {
                    result.errors.extend_from_slice(error_line(at, &error).as_bytes());
                    result.errors.push(b'\n');
                    result.counts.rejected += 1;
                }
            }
        }
        result
    };
    for_each_chunk(input, from, threads, max_line_bytes, work, |result| {
        totals.add(&result.counts);
        sink(&result)
    })?;
    Ok(totals)
}
