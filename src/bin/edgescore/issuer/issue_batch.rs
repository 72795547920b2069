//! `issue-batch`: snapshots for many people, JSON Lines in and out, sharded and resumable.

use std::path::PathBuf;

use clap::Args;
use edgescore::demo;
use edgescore::issue::StatusListToken;
use edgescore::issuer::batch::{BatchIssuer, StatusAllocation, MAX_BATCH_LINE_BYTES};
use edgescore::issuer::lines::Position;
use edgescore::issuer::output::{write_atomically, StagedFile};
use edgescore::issuer::rows::RowOutcome;
use edgescore::json::{Object, Value};
use edgescore::model::SignedModel;
use edgescore::status::StatusList;

use super::progress::Progress;
use super::run::{self, Begin};
use super::{input_parameters, open_input, per_second, write_rows, RunArgs, Sink};
use crate::input::{self, usage, CliResult};
use crate::keys::{signing_issuer, SigningKeyArgs};
use crate::tokens::parse_duration;
use crate::verify::load_jwks;
use crate::Output;

#[derive(Args)]
pub(crate) struct IssueBatchArgs {
    /// Features lines (file or - for stdin).
    #[arg(long = "in", value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    /// Write the snapshot lines here (resumable; FILE.part until complete, then FILE and
    /// FILE.manifest.json) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write bad rows here (JSON Lines with line numbers and offsets) instead of stderr.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    /// `iss` (default with --demo-key: the demo issuer).
    #[arg(long)]
    pub iss: Option<String>,
    /// `aud`; repeat for several.
    #[arg(long)]
    pub aud: Vec<String>,
    /// Lifetime: seconds, or with a unit (90m, 12h, 30d).
    #[arg(long, default_value = "30d")]
    pub lifetime: String,
    /// `iat` in seconds since the epoch (default: the resumed run's, else now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Signed models whose schemas may be issued; repeat (default: the two demo models).
    #[arg(long, value_name = "FILE")]
    pub model: Vec<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Start over: replace --out and --errors instead of resuming.
    #[arg(long)]
    pub restart: bool,
    /// Give every snapshot an entry in the status list at this URI (`status.status_list`).
    #[arg(long, value_name = "URI")]
    pub status_uri: Option<String>,
    /// Entries in that status list (2 bits each); one per input line, at most.
    #[arg(long, default_value_t = 1 << 20, requires = "status_uri")]
    pub status_size: u64,
    /// Write the (all-valid) status list token here.
    #[arg(long, value_name = "FILE", requires = "status_uri")]
    pub status_list_out: Option<PathBuf>,
}

pub(crate) fn issue_batch(args: IssueBatchArgs) -> CliResult<Output> {
    let options = args.run.check(&args.input)?;
    if args.restart && args.out.is_none() {
        return Err(usage("--restart applies to --out FILE"));
    }
    let issuer = signing_issuer(&args.signing)?;
    let iss = args.signing.issuer_name(args.iss.as_deref())?;
    let lifetime = parse_duration(&args.lifetime)?;
    let signed_models = if args.model.is_empty() {
        vec![demo::consumer_model()?, demo::seller_model()?]
    } else {
        let keys = load_jwks(args.jwks.as_deref())?;
        let mut models = Vec::new();
        for path in &args.model {
            models.push(SignedModel::verify(&input::read_token(path)?, &keys)?);
        }
        models
    };
    // A resumed run keeps its iat unless --now says otherwise (and then it must agree).
    let recorded = match args.out.as_deref() {
        Some(path) => run::recorded(path, args.restart)?,
        None => None,
    };
    let recorded_iat = recorded.as_ref().and_then(|r| r.get("iat")).and_then(Value::as_i64);
    let issued_at = args.now.or(recorded_iat).unwrap_or_else(|| input::now_or(None));
    // Line numbers count from each shard's start, so each shard has its own status list.
    let status_uri =
        match &args.status_uri {
            Some(uri) if options.shard.count > 1 && !uri.contains("{shard}") => return Err(usage(
                "with --shard, --status-uri must contain {shard}: each shard gets its own status list (indexes count \
                 from the shard's first line)",
            )),
            Some(uri) => Some(uri.replace("{shard}", &options.shard.index.to_string())),
            None => None,
        };
    let status = status_uri
        .as_ref()
        .map(|uri| StatusAllocation::new(&issuer, uri.clone(), args.status_size))
        .transpose()
        .map_err(|e| usage(e.message().to_owned()))?;
    let batch = BatchIssuer {
        issuer,
        iss,
        issued_at,
        lifetime,
        audience: args.aud.clone(),
        models: signed_models.iter().map(|m| m.model().clone()).collect(),
        status,
    };
    batch.validate().map_err(|e| usage(e.message().to_owned()))?;
    if let (Some(path), Some(uri)) = (&args.status_list_out, &status_uri) {
        let list = StatusList::new(2, args.status_size)?;
        let token = batch.issuer.sign_status_list(&StatusListToken {
            uri,
            issuer: Some(&batch.iss),
            issued_at,
            expires_at: Some(issued_at.saturating_add(86_400)),
            ttl: Some(300),
            list: &list,
        })?;
        write_atomically(path, (token + "\n").as_bytes()).map_err(|e| super::io_failure(path, e))?;
    }
    let parameters = Object::new()
        .with("command", "issue-batch")
        .with("edgescore", env!("CARGO_PKG_VERSION"))
        .with("input", input_parameters(&args.input)?)
        .with("shard", options.shard.label())
        .with("kid", batch.issuer.kid())
        .with("alg", batch.issuer.alg().as_str())
        .with("iss", batch.iss.as_str())
        .with("aud", batch.audience.iter().map(|a| Value::from(a.as_str())).collect::<Vec<_>>())
        .with("iat", batch.issued_at)
        .with("lifetime", batch.lifetime)
        .with(
            "status",
            match &batch.status {
                Some(status) => {
                    Value::Object(Object::new().with("uri", status.uri.as_str()).with("size", status.size as i64))
                }
                None => Value::Null,
            },
        )
        .with(
            "models",
            signed_models
                .iter()
                .map(|m| {
                    Value::Object(
                        Object::new()
                            .with("id", m.model().id())
                            .with("version", m.model().version())
                            .with("digest", m.digest()),
                    )
                })
                .collect::<Vec<_>>(),
        );

    let (staged, last) = match args.out.as_deref() {
        Some(path) => match run::begin(path, args.errors.as_deref(), &parameters, args.restart, true)? {
            Begin::Complete(manifest) => {
                let counts = manifest.get("counts").cloned().unwrap_or(Value::Null);
                return Ok(Output::Json(
                    Object::new()
                        .with("issued", 0)
                        .with("rejected", 0)
                        .with("already_complete", true)
                        .with("manifest_counts", counts),
                ));
            }
            Begin::Resume { out, errors, last } => (Some((out, errors)), last),
            Begin::Fresh { out, errors } => (Some((out, errors)), None),
        },
        None => (None, None),
    };
    let position = |object: &Object, name: &str| object.get(name).and_then(Value::as_i64).map(|n| n as u64);
    let after =
        last.as_ref().and_then(|o| Some(Position { line: position(o, "line")?, offset: position(o, "offset")? }));

    let (out_file, errors_file) = match staged {
        Some((out, errors)) => (Some(out), errors),
        None => {
            let stage = |path: &std::path::Path| StagedFile::create(path).map_err(|e| super::io_failure(path, e));
            (None, args.errors.as_deref().map(stage).transpose()?)
        }
    };
    let (reader, from, size) = open_input(&args.input, options.shard, after)?;
    let (mut out, mut errors) = (Sink::or_stdout(out_file), Sink::or_stderr(errors_file));
    let progress = Progress::new(size, "snapshots", options.progress_every);
    let counts = write_rows(
        (reader, from),
        options.threads,
        MAX_BATCH_LINE_BYTES,
        |at, bytes| Ok(RowOutcome { line: Some(batch.issue_row(at, bytes)?), events: 0 }),
        (&mut out, &mut errors),
        &progress,
    )
    .map_err(|e| usage(format!("issue-batch: {e}")))?;
    let seconds = progress.started.elapsed().as_secs_f64();
    // Over the whole output when resumed (the files hold every row so far).
    let issued_total = out.rows().unwrap_or(counts.written);
    let rejected_total = errors.rows().unwrap_or(counts.rejected);
    let resumed_after = after.map(|at| Value::from(at.line as i64)).unwrap_or(Value::Null);
    let report = Object::new()
        .with("issued", counts.written as i64)
        .with("rejected", counts.rejected as i64)
        .with("blank", counts.blank as i64)
        .with("resumed_after_line", resumed_after)
        .with("iat", batch.issued_at)
        .with("shard", options.shard.label())
        .with("threads", options.threads as i64)
        .with("seconds", edgescore::decimal::round_to_json(seconds, 3))
        .with("snapshots_per_second", per_second(counts.written, seconds));
    let manifest_counts = Object::new().with("issued", issued_total as i64).with("rejected", rejected_total as i64);
    run::conclude(
        "issue-batch",
        &options,
        report,
        (issued_total, rejected_total),
        manifest_counts,
        (args.out.as_deref(), out),
        (args.errors.as_deref(), errors),
        &parameters,
    )
}
