//! `issue-batch`: snapshots for many people, JSON Lines in and out, sharded and resumable.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use edgescore::demo;
use edgescore::issue::StatusListToken;
use edgescore::issuer::batch::{BatchIssuer, Shard, StatusAllocation, MAX_BATCH_LINE_BYTES};
use edgescore::issuer::rows::RowOutcome;
use edgescore::json::{Object, Value};
use edgescore::model::SignedModel;
use edgescore::status::StatusList;

use super::progress::Progress;
use super::resume::open_resumable;
use super::{create, open_input, per_second, summary, threads, write_rows};
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
    /// Write the snapshot lines here (resumable) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write bad rows here (JSON Lines with line numbers) instead of stderr.
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
    /// `iat` in seconds since the epoch (default: the resumed output's, else now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Signed models whose schemas may be issued; repeat (default: the two demo models).
    #[arg(long, value_name = "FILE")]
    pub model: Vec<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Only input lines N with (N-1) mod n = i, for one task of a job array.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Start over: truncate --out and --errors instead of resuming.
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
    let shard = match args.shard.as_deref() {
        None => Shard::ALL,
        Some(text) => Shard::parse(text).ok_or_else(|| usage("--shard must be i/n with 0 <= i < n"))?,
    };
    let issuer = signing_issuer(&args.signing)?;
    let iss = args.signing.issuer_name(args.iss.as_deref())?;
    let lifetime = parse_duration(&args.lifetime)?;
    let models = if args.model.is_empty() {
        vec![demo::consumer_model()?.model().clone(), demo::seller_model()?.model().clone()]
    } else {
        let keys = load_jwks(args.jwks.as_deref())?;
        let mut models = Vec::new();
        for path in &args.model {
            models.push(SignedModel::verify(&input::read_token(path)?, &keys)?.model().clone());
        }
        models
    };

    // Resume: the output's last complete line is the last input line done.
    let (out_file, last) = match args.out.as_deref() {
        Some(path) => {
            let (file, last) = open_resumable(path, args.restart, None)?;
            (Some(file), last)
        }
        None => (None, None),
    };
    let resumed_after = last.as_ref().and_then(|o| o.get("line")).and_then(Value::as_i64).map(|n| n as u64);
    if let Some(line) = resumed_after.filter(|&line| !shard.owns(line)) {
        return Err(usage(format!(
            "cannot resume: line {line} of the output is not in shard {}/{}",
            shard.index, shard.count
        )));
    }
    let errors_file = match args.errors.as_deref() {
        Some(path) => {
            Some(open_resumable(path, args.restart || resumed_after.is_none(), Some(resumed_after.unwrap_or(0)))?.0)
        }
        None => None,
    };
    let resumed_iat = last.as_ref().and_then(|o| o.get("iat")).and_then(Value::as_i64);
    let issued_at = args.now.or(resumed_iat).unwrap_or_else(|| input::now_or(None));
    let status = args
        .status_uri
        .as_ref()
        .map(|uri| StatusAllocation::new(&issuer, uri.clone(), args.status_size))
        .transpose()?;
    if let (Some(path), Some(uri)) = (&args.status_list_out, &args.status_uri) {
        let list = StatusList::new(2, args.status_size)?;
        let token = issuer.sign_status_list(&StatusListToken {
            uri,
            issuer: Some(&iss),
            issued_at,
            expires_at: Some(issued_at.saturating_add(86_400)),
            ttl: Some(300),
            list: &list,
        })?;
        input::write_new(path, &(token + "\n"), true)?;
    }
    let batch = BatchIssuer { issuer, iss, issued_at, lifetime, audience: args.aud.clone(), models, status };

    let (reader, size) = open_input(&args.input)?;
    let mut out: Box<dyn Write> = match out_file {
        Some(file) => Box::new(BufWriter::with_capacity(1 << 20, file)),
        None => create(None)?,
    };
    let mut errors: Box<dyn Write> = match errors_file {
        Some(file) => Box::new(BufWriter::new(file)),
        None => Box::new(io::stderr()),
    };
    let threads = threads(args.threads);
    let progress = Progress::new(size, "snapshots");
    let start_after = resumed_after.unwrap_or(0);
    let counts = write_rows(
        reader,
        threads,
        MAX_BATCH_LINE_BYTES,
        move |line| line > start_after && shard.owns(line),
        |line, bytes| Ok(RowOutcome { line: Some(batch.issue_row(line, bytes)?), events: 0 }),
        (&mut out, &mut errors),
        &progress,
    )
    .map_err(|e| usage(format!("issue-batch: {e}")))?;
    let seconds = progress.started.elapsed().as_secs_f64();
    Ok(summary(
        Object::new()
            .with("issued", counts.written as i64)
            .with("rejected", counts.rejected as i64)
            .with("blank", counts.blank as i64)
            .with("resumed_after_line", resumed_after.map(|n| Value::from(n as i64)).unwrap_or(Value::Null))
            .with("iat", batch.issued_at)
            .with("shard", format!("{}/{}", shard.index, shard.count))
            .with("threads", threads as i64)
            .with("seconds", edgescore::decimal::round_to_json(seconds, 3))
            .with("snapshots_per_second", per_second(counts.written, seconds)),
        args.out.is_none(),
    ))
}
