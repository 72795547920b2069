//! Reading JSON Lines in numbered chunks, with a cap on the length of one line so a hostile
//! file cannot exhaust memory. Line numbers start at 1 and count every line of the input
//! (blank and skipped ones too), so they name the same line in every run, shard and thread
//! count. A trailing `\r` is removed; the last line needs no line ending.

use std::io::{self, BufRead};
use std::ops::Range;

/// One line of a chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// Where the line's bytes are in [`LineChunk::data`]; `None` when the line was longer than
    /// the cap (its bytes were read and dropped).
    pub span: Option<Range<usize>>,
}

/// Consecutive kept lines of the input, their bytes in one buffer.
#[derive(Debug, Default)]
pub struct LineChunk {
    /// The lines' bytes, back to back.
    pub data: Vec<u8>,
    /// The lines kept, in input order.
    pub lines: Vec<Line>,
    /// Bytes of input consumed when this chunk was complete (for progress).
    pub bytes_consumed: u64,
}

impl LineChunk {
    /// Each line's number and bytes (`Err(())` for a line over the cap).
    pub fn iter(&self) -> impl Iterator<Item = (u64, Result<&[u8], ()>)> {
        self.lines.iter().map(|line| {
            let bytes = line.span.clone().and_then(|span| self.data.get(span)).ok_or(());
            (line.number, bytes)
        })
    }
}

/// Reads numbered lines from a buffered reader.
pub struct LineReader<R> {
    inner: R,
    last_number: u64,
    max_line_bytes: usize,
    bytes_consumed: u64,
}

impl<R: BufRead> LineReader<R> {
    /// A reader whose lines may be at most `max_line_bytes` long.
    pub fn new(inner: R, max_line_bytes: usize) -> LineReader<R> {
        LineReader { inner, last_number: 0, max_line_bytes, bytes_consumed: 0 }
    }

    /// The next chunk of at most `max_lines` kept lines or about `max_bytes` bytes; `keep`
    /// decides by line number which lines are kept (the others are scanned past, not copied).
    /// `None` at the end of the input.
    pub fn next_chunk(
        &mut self,
        max_lines: usize,
        max_bytes: usize,
        keep: impl Fn(u64) -> bool,
    ) -> io::Result<Option<LineChunk>> {
        let mut chunk = LineChunk::default();
        while chunk.lines.len() < max_lines && chunk.data.len() < max_bytes {
            let number = self.last_number + 1;
            let wanted = keep(number);
            let start = chunk.data.len();
            let Some(fits) = self.read_line(wanted.then_some(&mut chunk.data))? else {
                break;
            };
            self.last_number = number;
            if wanted {
                if chunk.data.get(start..).is_some_and(|line| line.ends_with(b"\r")) {
                    chunk.data.pop();
                }
                let span = fits.then_some(start..chunk.data.len());
                if !fits {
                    chunk.data.truncate(start);
                }
                chunk.lines.push(Line { number, span });
            }
        }
        chunk.bytes_consumed = self.bytes_consumed;
        // The loop only stops with nothing kept at the end of the input.
        Ok((!chunk.lines.is_empty()).then_some(chunk))
    }

    /// Reads one line, appending its bytes (without the `\n`) to `out` when given. Returns
    /// whether it fit under the cap, or `None` at the end of the input.
    fn read_line(&mut self, mut out: Option<&mut Vec<u8>>) -> io::Result<Option<bool>> {
        let mut length = 0usize;
        let mut any = false;
        loop {
            let buffer = self.inner.fill_buf()?;
            if buffer.is_empty() {
                return Ok(any.then_some(length <= self.max_line_bytes));
            }
            any = true;
            let (piece, done) = match buffer.iter().position(|&b| b == b'\n') {
                Some(at) => (buffer.get(..at).unwrap_or_default(), Some(at + 1)),
                None => (buffer, None),
            };
            if let Some(out) = out.as_deref_mut() {
                let room = self.max_line_bytes.saturating_sub(length);
                out.extend_from_slice(piece.get(..piece.len().min(room)).unwrap_or_default());
            }
            length = length.saturating_add(piece.len());
            let used = done.unwrap_or(buffer.len());
            self.inner.consume(used);
            self.bytes_consumed += used as u64;
            if done.is_some() {
                return Ok(Some(length <= self.max_line_bytes));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize, keep: impl Fn(u64) -> bool + Copy) -> Vec<(u64, Option<Vec<u8>>)> {
        let mut reader = LineReader::new(std::io::BufReader::with_capacity(3, input), cap);
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk(2, 1 << 20, keep).unwrap() {
            out.extend(chunk.iter().map(|(n, bytes)| (n, bytes.ok().map(<[u8]>::to_vec))));
        }
        out
    }

    #[test]
    fn numbers_caps_and_skips() {
        let got = lines(b"ab\r\n\ntoo long line\nlast", 5, |_| true);
        assert_eq!(got, vec![(1, Some(b"ab".to_vec())), (2, Some(vec![])), (3, None), (4, Some(b"last".to_vec()))]);
        let odd = lines(b"1\n2\n3\n4\n5\n", 5, |n| n % 2 == 1);
        assert_eq!(odd, vec![(1, Some(b"1".to_vec())), (3, Some(b"3".to_vec())), (5, Some(b"5".to_vec()))]);
        assert!(lines(b"", 5, |_| true).is_empty());
        assert!(lines(b"1\n2\n", 5, |n| n > 2).is_empty());
    }
}
