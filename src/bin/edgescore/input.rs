//! Everything the CLI takes from the outside world: files, standard input, the clock and
//! randomness. The core gets only bytes, values and `now`.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use edgescore::{b64, Error, ErrorCode};

/// Largest file the CLI reads (bigger than any cap in the core, so the core's own caps and
/// codes apply, but bounded so a wrong path cannot exhaust memory).
const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// A failure of the CLI itself (not of the input's content): exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub String);

/// What a command can fail with: rejected input (exit 1) or a usage problem (exit 2).
#[derive(Debug)]
pub(crate) enum Failure {
    Rejected(Error),
    Usage(UsageError),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Rejected(error)
    }
}

impl From<UsageError> for Failure {
    fn from(error: UsageError) -> Failure {
        Failure::Usage(error)
    }
}

pub(crate) type CliResult<T> = Result<T, Failure>;

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(UsageError(message.into()))
}

/// Reads a file, or standard input for `-`, up to [`MAX_INPUT_BYTES`].
pub(crate) fn read_bytes(path: &Path) -> CliResult<Vec<u8>> {
    read_bytes_up_to(path, MAX_INPUT_BYTES)
}

/// Reads a file, or standard input for `-`, up to `max` bytes.
pub(crate) fn read_bytes_up_to(path: &Path, max: u64) -> CliResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin().lock().take(max + 1).read_to_end(&mut bytes)
    } else {
        fs::File::open(path).and_then(|file| file.take(max + 1).read_to_end(&mut bytes))
    };
    result.map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() as u64 > max {
        return Err(
            Error::with_message(ErrorCode::TooLarge, format!("{} is larger than {max} bytes", path.display())).into()
        );
    }
    Ok(bytes)
}

/// Reads a compact token from a file or `-`. One trailing line ending is removed (files end
/// with one); anything else, whitespace included, is left for the core to judge.
pub(crate) fn read_token(path: &Path) -> CliResult<String> {
    let bytes = read_bytes(path)?;
    let mut text = String::from_utf8(bytes).map_err(|_| Error::new(ErrorCode::Malformed, "token is not UTF-8 text"))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Writes `contents` to `path`, refusing to overwrite unless `force`.
pub(crate) fn write_new(path: &Path, contents: &str, force: bool) -> CliResult<()> {
    if path.exists() && !force {
        return Err(usage(format!("{} exists; pass --force to overwrite", path.display())));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    fs::write(path, contents).map_err(|e| usage(format!("cannot write {}: {e}", path.display())))
}

/// Writes a private key to `path`, readable and writable by its owner only (mode 0600 from
/// the moment it exists: a temporary file made with that mode, then renamed into place),
/// refusing to overwrite unless `force`.
pub(crate) fn write_private(path: &Path, contents: &str, force: bool) -> CliResult<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if path.exists() && !force {
        return Err(usage(format!("{} exists; pass --force to overwrite", path.display())));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(name);
    let failed = |e: io::Error| usage(format!("cannot write {}: {e}", path.display()));
    let _ = fs::remove_file(&temporary);
    let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary).map_err(failed)?;
    file.write_all(contents.as_bytes()).and_then(|()| file.sync_all()).map_err(failed)?;
    fs::rename(&temporary, path).map_err(failed)
}

/// Refuses a private key file that its group or others may read or write (mode bits 077),
/// unless `allow`: a signing key readable by other accounts is a leaked key.
pub(crate) fn check_private_key_permissions(path: &Path, allow: bool) -> CliResult<()> {
    use std::os::unix::fs::PermissionsExt;
    if allow || path == Path::new("-") {
        return Ok(());
    }
    let mode =
        fs::metadata(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(usage(format!(
            "{} is open to its group or others (mode {:04o}); make it private (chmod 600) or pass \
             --allow-insecure-key-permissions",
            path.display(),
            mode & 0o7777
        )));
    }
    Ok(())
}

/// Joins a directory and a file name.
pub(crate) fn in_dir(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

/// The current time in seconds, unless `--now` gave one.
pub(crate) fn now_or(given: Option<i64>) -> i64 {
    given.unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0))
}

/// `len` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> CliResult<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| usage(format!("no randomness available: {e}")))?;
    Ok(bytes)
}

/// A fresh random identifier (16 bytes, base64url): for `jti` and nonces.
pub(crate) fn random_id() -> CliResult<String> {
    Ok(b64::encode(&random_bytes::<16>()?))
}
