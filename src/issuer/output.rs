//! Output files that are complete or absent: each is written under a temporary name
//! (`NAME.part`), flushed to disk (`fsync`) and renamed into place only when the run is done,
//! and a **manifest** (`NAME.manifest.json`) is written last, the same way, naming every file
//! of the run with its size, rows and SHA-256 and the run's parameters. A reader that finds
//! the manifest finds complete files; a machine crash leaves at most `.part` files. The run's
//! parameters are recorded beside the output (`NAME.run.json`) before the first row is
//! written, so a resumed run can be refused when its parameters differ.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::json::{self, Object, Value};

use super::batch::trim_tail;

/// The `format` member of a manifest.
pub const MANIFEST_FORMAT: &str = "edgescore.manifest.v1";

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Where an output is written until it is complete.
pub fn part_path(path: &Path) -> PathBuf {
    with_suffix(path, ".part")
}

/// Where a run's parameters are recorded.
pub fn run_path(path: &Path) -> PathBuf {
    with_suffix(path, ".run.json")
}

/// Where a run's manifest is written.
pub fn manifest_path(path: &Path) -> PathBuf {
    with_suffix(path, ".manifest.json")
}

/// What a finished file holds: its name (without folder), size, rows (lines) and SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDigest {
    /// The file's name, without its folder.
    pub file: String,
    /// Bytes.
    pub bytes: u64,
    /// Lines (rows).
    pub rows: u64,
    /// SHA-256 of the contents, lower-case hex.
    pub sha256: String,
}

impl FileDigest {
    /// `{"file","bytes","rows","sha256"}`.
    pub fn to_object(&self) -> Object {
        Object::new()
            .with("file", self.file.as_str())
            .with("bytes", self.bytes as i64)
            .with("rows", self.rows as i64)
            .with("sha256", self.sha256.as_str())
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An output being written under its `.part` name: hashes and counts lines as it goes.
pub struct StagedFile {
    path: PathBuf,
    part: PathBuf,
    writer: io::BufWriter<File>,
    hash: Sha256,
    bytes: u64,
    rows: u64,
}

impl StagedFile {
    /// A new, empty `.part` file for `path` (an old one is truncated).
    pub fn create(path: &Path) -> io::Result<StagedFile> {
        let part = part_path(path);
        let file = File::create(&part)?;
        Ok(StagedFile::around(path, part, file))
    }

    /// Reopens `path`'s `.part` file to append to it: a partial last line is dropped (and with
    /// `limit`, every line whose `"offset"` is above it, see [`trim_tail`]), the rest is
    /// hashed. Returns the file and its last line. `Err` inside when the file was not written
    /// by a batch command.
    pub fn resume(path: &Path, limit: Option<u64>) -> io::Result<Result<(StagedFile, Option<Object>)>> {
        let part = part_path(path);
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&part)?;
        let last = match trim_tail(&mut file, limit)? {
            Ok(last) => last,
            Err(error) => return Ok(Err(error)),
        };
        let mut staged = StagedFile::around(path, part, file.try_clone()?);
        file.seek(SeekFrom::Start(0))?;
        let mut block = vec![0u8; 1 << 20];
        loop {
            let read = file.read(&mut block)?;
            if read == 0 {
                break;
            }
            staged.account(block.get(..read).unwrap_or_default());
        }
        staged.writer.get_mut().seek(SeekFrom::End(0))?;
        Ok(Ok((staged, last)))
    }

    fn around(path: &Path, part: PathBuf, file: File) -> StagedFile {
        StagedFile {
            path: path.to_owned(),
            part,
            writer: io::BufWriter::with_capacity(1 << 20, file),
            hash: Sha256::new(),
            bytes: 0,
            rows: 0,
        }
    }

    fn account(&mut self, bytes: &[u8]) {
        self.hash.update(bytes);
        self.bytes += bytes.len() as u64;
        self.rows += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    }

    /// Lines written so far (those of a resumed file included).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes, syncs the data to disk, renames the `.part` file into place and syncs the
    /// folder. Returns what the file holds.
    pub fn finish(mut self) -> io::Result<FileDigest> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()?;
        fs::rename(&self.part, &self.path)?;
        sync_folder(&self.path)?;
        Ok(FileDigest {
            file: file_name(&self.path),
            bytes: self.bytes,
            rows: self.rows,
            sha256: hex(&self.hash.finalize()),
        })
    }
}

impl Write for StagedFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.writer.write(bytes)?;
        self.account(bytes.get(..written).unwrap_or_default());
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// The file name of a path, as text.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Syncs the folder holding `path`, so a rename in it survives a crash.
fn sync_folder(path: &Path) -> io::Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(folder)?.sync_all()
}

/// Writes `contents` to `path` completely or not at all: a temporary file beside it, synced,
/// then renamed into place.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temporary = with_suffix(path, ".tmp");
    let mut file = File::create(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    sync_folder(path)
}

/// Reads a small JSON object file (a run record or a manifest); `Ok(None)` when absent.
pub fn read_object(path: &Path) -> io::Result<Option<Result<Object>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(json::parse_object(&bytes))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// The run-parameter members whose values differ between two records (missing on one side
/// counts), in the order of `expected` then `found`.
pub fn differences(expected: &Object, found: &Object) -> Vec<String> {
    let mut names: Vec<String> =
        expected.iter().filter(|(name, value)| found.get(name) != Some(*value)).map(|(n, _)| n.to_owned()).collect();
    names.extend(found.iter().filter(|(name, _)| !expected.contains(name)).map(|(n, _)| n.to_owned()));
    names
}

/// The manifest of a finished run: the command's parameters, the files it wrote and its
/// counts, written last.
pub fn manifest(command: &str, parameters: &Object, files: &[(&str, &FileDigest)], counts: Object) -> Object {
    let mut outputs = Object::new();
    for (role, digest) in files {
        outputs.insert(*role, digest.to_object());
    }
    Object::new()
        .with("format", MANIFEST_FORMAT)
        .with("command", command)
        .with("parameters", parameters.clone())
        .with("files", outputs)
        .with("counts", counts)
}

/// The `parameters` member of a manifest, if it is one.
pub fn manifest_parameters(manifest: &Object) -> Option<&Object> {
    (manifest.get("format").and_then(Value::as_str) == Some(MANIFEST_FORMAT))
        .then(|| manifest.get("parameters").and_then(Value::as_object))
        .flatten()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_complete_with_their_digest() {
        let dir = std::env::temp_dir().join(format!("edgescore-output-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.jsonl");
        let mut staged = StagedFile::create(&path).unwrap();
        staged.write_all(b"{\"line\":1,\"offset\":0}\n{\"line\":2,\"offset\":22}\n{\"li").unwrap();
        staged.flush().unwrap();
        assert!(!path.exists() && part_path(&path).exists());
        drop(staged);
        let (resumed, last) = StagedFile::resume(&path, None).unwrap().unwrap();
        assert_eq!(last.unwrap().get("line").and_then(Value::as_i64), Some(2));
        assert_eq!(resumed.rows(), 2);
        let digest = resumed.finish().unwrap();
        let contents = fs::read(&path).unwrap();
        assert_eq!(contents.len() as u64, digest.bytes);
        assert_eq!(digest.sha256, hex(&Sha256::digest(&contents)));
        assert!(!part_path(&path).exists());
        let mut a = Object::new().with("iat", 1).with("kid", "k");
        let b = Object::new().with("iat", 2).with("kid", "k").with("aud", "x");
        assert_eq!(differences(&a, &b), vec!["iat".to_owned(), "aud".to_owned()]);
        a.insert("iat", 2);
        a.insert("aud", "x");
        assert!(differences(&a, &b).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
