//! How a batch run into an output file begins and ends: complete or absent outputs, the run's
//! parameters recorded beside them, resume only with the same parameters, a manifest last.
//! The file rules are in `edgescore::issuer::output`.

use std::fs;
use std::path::{Path, PathBuf};

use edgescore::issuer::output::{
    self, differences, manifest_parameters, manifest_path, read_object, run_path, write_atomically, FileDigest,
    StagedFile,
};
use edgescore::json::{Object, Value};

use super::{io_failure, reject_rate_failure, summary, RunOptions, Sink};
use crate::input::{usage, CliResult};
use crate::Output;

/// How a run into `--out` begins.
pub(crate) enum Begin {
    /// Nothing to do: the output is complete with these parameters (its manifest).
    Complete(Object),
    /// Append to the `.part` files; the output's last line, if any.
    Resume { out: StagedFile, errors: Option<StagedFile>, last: Option<Object> },
    /// A new run (its parameters are recorded).
    Fresh { out: StagedFile, errors: Option<StagedFile> },
}

/// The parameters a run into `out` was started with, unless `restart`: from its manifest when
/// complete, else from its run record.
pub(crate) fn recorded(out: &Path, restart: bool) -> CliResult<Option<Object>> {
    if restart {
        return Ok(None);
    }
    if let Some(manifest) = read_record(&manifest_path(out))? {
        return Ok(manifest_parameters(&manifest).cloned());
    }
    read_record(&run_path(out))
}

fn read_record(path: &Path) -> CliResult<Option<Object>> {
    match read_object(path).map_err(|e| io_failure(path, e))? {
        None => Ok(None),
        Some(Ok(object)) => Ok(Some(object)),
        Some(Err(_)) => Err(usage(format!("{} is damaged (not JSON); remove it or use --restart", path.display()))),
    }
}

/// Decides how a run with `parameters` into `out` (and `errors`) begins. With `resumable`
/// false (`features`), an unfinished run starts over.
pub(crate) fn begin(
    out: &Path,
    errors: Option<&Path>,
    parameters: &Object,
    restart: bool,
    resumable: bool,
) -> CliResult<Begin> {
    let mismatch = |what: &str, found: &Object| {
        usage(format!(
            "{} {what} other run parameters (differing: {}); use the same options, or --restart to start over",
            out.display(),
            differences(parameters, found).join(", ")
        ))
    };
    if !restart {
        if let Some(manifest) = read_record(&manifest_path(out))? {
            return match manifest_parameters(&manifest) {
                Some(found) if found == parameters => Ok(Begin::Complete(manifest)),
                Some(found) => Err(mismatch("is complete, written with", found)),
                None => Err(usage(format!("{} is not an edgescore manifest", manifest_path(out).display()))),
            };
        }
        if resumable {
            if let Some(found) = read_record(&run_path(out))? {
                if &found != parameters {
                    return Err(mismatch("was started with", &found));
                }
                let (out_file, last) = StagedFile::resume(out, None).map_err(|e| io_failure(out, e))?.map_err(|e| {
                    usage(format!("cannot resume {}: {} (use --restart to start over)", out.display(), e.message()))
                })?;
                let limit = last.as_ref().and_then(|o| o.get("offset")).and_then(Value::as_i64);
                let errors = match (errors, limit) {
                    (Some(path), Some(limit)) => Some(
                        StagedFile::resume(path, Some(limit as u64))
                            .map_err(|e| io_failure(path, e))?
                            .map_err(|e| usage(format!("cannot resume {}: {}", path.display(), e.message())))?
                            .0,
                    ),
                    (Some(path), None) => Some(StagedFile::create(path).map_err(|e| io_failure(path, e))?),
                    (None, _) => None,
                };
                return Ok(Begin::Resume { out: out_file, errors, last });
            }
        }
        if out.exists() && resumable {
            return Err(usage(format!(
                "{} exists and has no manifest, so no finished run wrote it; --restart replaces it",
                out.display()
            )));
        }
    }
    remove_if_present(&manifest_path(out))?;
    let record = run_path(out);
    write_atomically(&record, (parameters.to_json_pretty() + "\n").as_bytes()).map_err(|e| io_failure(&record, e))?;
    let out_file = StagedFile::create(out).map_err(|e| io_failure(out, e))?;
    let errors = errors.map(|path| StagedFile::create(path).map_err(|e| io_failure(path, e))).transpose()?;
    Ok(Begin::Fresh { out: out_file, errors })
}

fn remove_if_present(path: &Path) -> CliResult<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io_failure(path, error)),
        _ => Ok(()),
    }
}

/// Moves the finished files into place and, with an output file, writes the manifest last.
/// Returns the manifest (`None` when the rows went to stdout).
pub(crate) fn finish(
    command: &str,
    (out_path, out): (Option<&Path>, Sink),
    (errors_path, errors): (Option<&Path>, Sink),
    parameters: &Object,
    counts: Object,
) -> CliResult<Option<Object>> {
    let finish_file = |path: Option<&Path>, sink: Sink| -> CliResult<Option<FileDigest>> {
        match (path, sink.into_staged()) {
            (Some(path), Some(file)) => Ok(Some(file.finish().map_err(|e| io_failure(path, e))?)),
            _ => Ok(None),
        }
    };
    let out_digest = finish_file(out_path, out)?;
    let errors_digest = finish_file(errors_path, errors)?;
    let (Some(out_path), Some(out_digest)) = (out_path, out_digest) else {
        return Ok(None);
    };
    let mut files = vec![("output", &out_digest)];
    if let Some(digest) = &errors_digest {
        files.push(("errors", digest));
    }
    let manifest = output::manifest(command, parameters, &files, counts);
    let path: PathBuf = manifest_path(out_path);
    write_atomically(&path, (manifest.to_json_pretty() + "\n").as_bytes()).map_err(|e| io_failure(&path, e))?;
    Ok(Some(manifest))
}

/// How a run ends: over `--max-reject-rate` (of `written` and `rejected` over the whole
/// output), the outputs stay unfinished and the run fails; otherwise they are finished with their
/// manifest and the summary `report` is printed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn conclude(
    command: &str,
    options: &RunOptions,
    report: Object,
    (written, rejected): (u64, u64),
    manifest_counts: Object,
    out: (Option<&Path>, Sink),
    errors: (Option<&Path>, Sink),
    parameters: &Object,
) -> CliResult<Output> {
    if options.too_many_rejected(written, rejected) {
        return Ok(reject_rate_failure(report, options, written, rejected));
    }
    let data_on_stdout = out.0.is_none();
    finish(command, out, errors, parameters, manifest_counts)?;
    Ok(summary(report, data_on_stdout))
}
