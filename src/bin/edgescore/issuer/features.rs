//! `features`: a model's features derived from raw events, as JSON Lines for `issue-batch`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use edgescore::demo;
use edgescore::issuer::features::{self, Deriver, Derivers, MAX_RECORD_BYTES};
use edgescore::issuer::record::Kind;
use edgescore::json::{Object, Value};
use edgescore::model::{Model, SignedModel};

use super::progress::Progress;
use super::{create, create_errors, io_failure, open_input, peak_rss_bytes, per_second, summary, threads, write_rows};
use crate::input::{self, usage, CliResult};
use crate::verify::load_jwks;
use crate::Output;

#[derive(Args)]
pub(crate) struct FeaturesArgs {
    /// The people, as `synth` writes them (a file: it is read twice).
    #[arg(long = "in", value_name = "FILE")]
    pub input: PathBuf,
    /// Write the features lines here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write bad rows here (JSON Lines with line numbers) instead of stderr.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Signed model whose schema consumers get (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Signed model whose schema sellers get (default: the demo seller model).
    #[arg(long, value_name = "FILE")]
    pub seller_model: Option<PathBuf>,
    /// JWKS that verifies the models (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Only this kind of person: consumer or seller.
    #[arg(long)]
    pub kind: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
}

fn signed_model(
    path: Option<&Path>,
    jwks_path: Option<&Path>,
    default: fn() -> edgescore::Result<SignedModel>,
) -> CliResult<Model> {
    Ok(match path {
        Some(path) => SignedModel::verify(&input::read_token(path)?, &load_jwks(jwks_path)?)?.model().clone(),
        None => default()?.model().clone(),
    })
}

pub(crate) fn features(args: FeaturesArgs) -> CliResult<Output> {
    let kind = match args.kind.as_deref() {
        None => None,
        Some(name) => Some(Kind::parse(name).ok_or_else(|| usage("--kind must be consumer or seller"))?),
    };
    let wanted = |k: Kind| kind.is_none_or(|only| only == k);
    let derivers = Derivers {
        consumer: wanted(Kind::Consumer)
            .then(|| signed_model(args.model.as_deref(), args.jwks.as_deref(), demo::consumer_model))
            .transpose()?
            .map(Deriver::new)
            .transpose()?,
        seller: wanted(Kind::Seller)
            .then(|| signed_model(args.seller_model.as_deref(), args.jwks.as_deref(), demo::seller_model))
            .transpose()?
            .map(Deriver::new)
            .transpose()?,
    };
    if args.input == Path::new("-") {
        return Err(usage("features reads its input twice: give a file, not -"));
    }
    let threads = threads(args.threads);
    let started = Instant::now();
    let (first, _) = open_input(&args.input)?;
    let standing = features::collect_standing(first, threads).map_err(|e| io_failure(&args.input, e))?;
    let (second, size) = open_input(&args.input)?;
    let progress = Progress::new(size, "people");
    let mut out = create(args.out.as_deref())?;
    let mut errors = create_errors(args.errors.as_deref())?;
    let counts = write_rows(
        second,
        threads,
        MAX_RECORD_BYTES,
        |_| true,
        |_, bytes| features::features_row(&derivers, &standing, bytes),
        (&mut out, &mut errors),
        &progress,
    )
    .map_err(|e| usage(format!("features: {e}")))?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(summary(
        Object::new()
            .with("written", counts.written as i64)
            .with("rejected", counts.rejected as i64)
            .with("skipped", counts.skipped as i64)
            .with("raw_events", counts.events as i64)
            .with("seconds", edgescore::decimal::round_to_json(seconds, 3))
            .with("raw_events_per_second", per_second(counts.events, seconds))
            .with("people_per_second", per_second(counts.written, seconds))
            .with("standing_table_bytes", standing.bytes() as i64)
            .with("peak_rss_bytes", peak_rss_bytes().map(Value::from).unwrap_or(Value::Null)),
        args.out.is_none(),
    ))
}
