//! Resuming `issue-batch`: an output file's last complete line says where the run stopped.

use std::fs::{File, OpenOptions};
use std::path::Path;

use edgescore::issuer::batch;
use edgescore::json::Object;

use super::io_failure;
use crate::input::{usage, CliResult};

/// Opens an output file for resuming: trims a partial last line (and, with `limit`, lines
/// past it) and returns the file positioned at its end with its last line; `restart`
/// truncates it instead.
pub(super) fn open_resumable(path: &Path, restart: bool, limit: Option<u64>) -> CliResult<(File, Option<Object>)> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| io_failure(path, e))?;
    if restart {
        file.set_len(0).map_err(|e| io_failure(path, e))?;
        return Ok((file, None));
    }
    let last = batch::trim_tail(&mut file, limit).map_err(|e| io_failure(path, e))?.map_err(|e| {
        usage(format!("cannot resume {}: {} (use --restart to start over)", path.display(), e.message()))
    })?;
    Ok((file, last))
}
