//! Reading JSON Lines in numbered chunks, with a cap on the length of one line so a hostile
//! file cannot exhaust memory. Each line has a number (1-based, counting every line of the
//! part read, blank ones too) and a byte offset in the input (the same in every run, shard
//! layout and thread count). A trailing `\r` is removed; the last line needs no line ending.
//!
//! **Shards** are byte ranges: shard `i` of `n` of a file of `size` bytes owns the lines whose
//! first byte lies in `[size·i/n, size·(i+1)/n)`, so a task reads its own range (plus the rest
//! of its last line) and nothing else, and the `n` shards together hold every line once.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::Range;

/// One shard of `count`: a byte range of the input, aligned to lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The whole input.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/n` with `0 ≤ i < n`.
    pub fn parse(text: &str) -> Option<Shard> {
        let (index, count) = text.split_once('/')?;
        let shard = Shard { index: index.trim().parse().ok()?, count: count.trim().parse().ok()? };
        (shard.count > 0 && shard.index < shard.count).then_some(shard)
    }

    /// The bytes `[start, end)` of a `size`-byte input in which this shard's lines begin.
    pub fn byte_range(&self, size: u64) -> Range<u64> {
        let at = |index: u64| (u128::from(size) * u128::from(index) / u128::from(self.count.max(1))) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// `i/n`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// Where a line is: its number and the offset of its first byte in the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number in the part read.
    pub line: u64,
    /// Byte offset of the line's first byte in the input.
    pub offset: u64,
}

/// Opens `file` for reading the lines that begin in `range` (see [`Shard::byte_range`]),
/// positioned at the first of them. With `after`, reading resumes after the line that begins
/// at that offset instead (a line already done). Returns the reader and the offset it stands
/// at; give both to [`LineReader::new`] with `range.end` as the end.
pub fn open_range(mut file: File, range: &Range<u64>, after: Option<u64>) -> io::Result<(BufReader<File>, u64)> {
    let start = match after {
        Some(offset) => skip_line(&mut file, offset)?,
        None if range.start == 0 => 0,
        // The line holding byte start − 1 belongs to the previous range unless it ends there.
        None => skip_line(&mut file, range.start - 1)?,
    };
    file.seek(SeekFrom::Start(start))?;
    Ok((BufReader::with_capacity(1 << 20, file), start))
}

/// The offset just past the line ending at or after `offset` (the file's size if none).
fn skip_line(file: &mut File, offset: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(offset))?;
    let mut block = vec![0u8; 64 * 1024];
    let mut at = offset;
    loop {
        let read = file.read(&mut block)?;
        let piece = block.get(..read).unwrap_or_default();
        if read == 0 {
            return Ok(at);
        }
        if let Some(newline) = piece.iter().position(|&b| b == b'\n') {
            return Ok(at + newline as u64 + 1);
        }
        at += read as u64;
    }
}

/// One line of a chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Its number and offset.
    pub position: Position,
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
    /// Each line's position and bytes (`Err(())` for a line over the cap).
    pub fn iter(&self) -> impl Iterator<Item = (Position, Result<&[u8], ()>)> {
        self.lines.iter().map(|line| {
            let bytes = line.span.clone().and_then(|span| self.data.get(span)).ok_or(());
            (line.position, bytes)
        })
    }
}

/// Where a [`LineReader`] starts and stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadFrom {
    /// The number of the first line read, minus one.
    pub lines_before: u64,
    /// The input offset the reader stands at.
    pub offset: u64,
    /// No line beginning at or after this offset is read (`None`: read to the end).
    pub end: Option<u64>,
}

impl ReadFrom {
    /// From the first byte to the end.
    pub const START: ReadFrom = ReadFrom { lines_before: 0, offset: 0, end: None };
}

/// Reads numbered lines from a buffered reader.
pub struct LineReader<R> {
    inner: R,
    last_number: u64,
    max_line_bytes: usize,
    offset: u64,
    end: Option<u64>,
    bytes_consumed: u64,
}

impl<R: BufRead> LineReader<R> {
    /// A reader whose lines may be at most `max_line_bytes` long, standing at `from`.
    pub fn new(inner: R, max_line_bytes: usize, from: ReadFrom) -> LineReader<R> {
        LineReader {
            inner,
            last_number: from.lines_before,
            max_line_bytes,
            offset: from.offset,
            end: from.end,
            bytes_consumed: 0,
        }
    }

    /// The next chunk of at most `max_lines` lines or about `max_bytes` bytes; `None` at the
    /// end of the input or of the range.
    pub fn next_chunk(&mut self, max_lines: usize, max_bytes: usize) -> io::Result<Option<LineChunk>> {
        let mut chunk = LineChunk::default();
        while chunk.lines.len() < max_lines && chunk.data.len() < max_bytes {
            if self.end.is_some_and(|end| self.offset >= end) {
                break;
            }
            let position = Position { line: self.last_number + 1, offset: self.offset };
            let start = chunk.data.len();
            let Some(fits) = self.read_line(&mut chunk.data)? else {
                break;
            };
            self.last_number = position.line;
            if chunk.data.get(start..).is_some_and(|line| line.ends_with(b"\r")) {
                chunk.data.pop();
            }
            let span = fits.then_some(start..chunk.data.len());
            if !fits {
                chunk.data.truncate(start);
            }
            chunk.lines.push(Line { position, span });
        }
        chunk.bytes_consumed = self.bytes_consumed;
        // The loop only stops with nothing kept at the end of the input.
        Ok((!chunk.lines.is_empty()).then_some(chunk))
    }

    /// Reads one line, appending its bytes (without the `\n`) to `out`. Returns whether it
    /// fit under the cap, or `None` at the end of the input.
    fn read_line(&mut self, out: &mut Vec<u8>) -> io::Result<Option<bool>> {
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
            let room = self.max_line_bytes.saturating_sub(length);
            out.extend_from_slice(piece.get(..piece.len().min(room)).unwrap_or_default());
            length = length.saturating_add(piece.len());
            let used = done.unwrap_or(buffer.len());
            self.inner.consume(used);
            self.bytes_consumed += used as u64;
            self.offset += used as u64;
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

    type Got = Vec<(u64, u64, Option<Vec<u8>>)>;

    /// Every line of `input` (read 3 bytes at a time, 2 lines a chunk).
    fn lines(input: &[u8], cap: usize, from: ReadFrom) -> Got {
        lines_from(std::io::BufReader::with_capacity(3, input), cap, from)
    }

    #[test]
    fn numbers_offsets_and_caps() {
        let got = lines(b"ab\r\n\ntoo long line\nlast", 5, ReadFrom::START);
        let want: Got =
            vec![(1, 0, Some(b"ab".to_vec())), (2, 4, Some(vec![])), (3, 5, None), (4, 19, Some(b"last".to_vec()))];
        assert_eq!(got, want);
        assert!(lines(b"", 5, ReadFrom::START).is_empty());
        // A reader that stops before a line beginning at its end.
        let bounded = lines(b"1\n2\n3\n", 5, ReadFrom { lines_before: 9, offset: 0, end: Some(3) });
        assert_eq!(bounded, vec![(10, 0, Some(b"1".to_vec())), (11, 2, Some(b"2".to_vec()))]);
    }

    #[test]
    fn byte_ranges_hold_every_line_once() {
        let dir = std::env::temp_dir().join(format!("edgescore-lines-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("input.jsonl");
        let text: String = (0..500).map(|i| format!("{}\n", "x".repeat(i % 37))).collect();
        std::fs::write(&path, &text).unwrap();
        let size = text.len() as u64;
        for count in [1, 2, 3, 7, 64, 700] {
            let mut seen = Vec::new();
            for index in 0..count {
                let range = Shard { index, count }.byte_range(size);
                let (reader, offset) = open_range(File::open(&path).unwrap(), &range, None).unwrap();
                let from = ReadFrom { lines_before: 0, offset, end: Some(range.end) };
                for (_, offset, bytes) in lines_from(reader, 100, from) {
                    assert!(offset >= range.start && offset < range.end, "{offset} outside {range:?}");
                    seen.push((offset, bytes));
                }
            }
            let whole: Vec<_> =
                lines(text.as_bytes(), 100, ReadFrom::START).into_iter().map(|(_, o, b)| (o, b)).collect();
            assert_eq!(seen, whole, "{count} shards");
        }
        // Resuming after a line.
        let range = Shard::ALL.byte_range(size);
        let (reader, offset) = open_range(File::open(&path).unwrap(), &range, Some(0)).unwrap();
        assert_eq!(offset, 1);
        assert_eq!(lines_from(reader, 100, ReadFrom { lines_before: 1, offset, end: None }).len(), 499);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn lines_from(reader: impl BufRead, cap: usize, from: ReadFrom) -> Got {
        let mut reader = LineReader::new(reader, cap, from);
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk(2, 1 << 20).unwrap() {
            out.extend(chunk.iter().map(|(at, bytes)| (at.line, at.offset, bytes.ok().map(<[u8]>::to_vec))));
        }
        out
    }

    #[test]
    fn shards_parse() {
        assert_eq!(Shard::parse("1/3"), Some(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "-1/3", "a/b", "1/3/4"] {
            assert_eq!(Shard::parse(bad), None, "{bad}");
        }
        assert_eq!(Shard { index: 2, count: 3 }.byte_range(10), 6..10);
        assert_eq!(Shard::ALL.byte_range(u64::MAX), 0..u64::MAX);
    }
}
