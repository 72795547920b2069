//! `features`: a model's features derived from raw events, as JSON Lines for `issue-batch`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use edgescore::demo;
use edgescore::issuer::features::{self, Deriver, Derivers, Standing, MAX_RECORD_BYTES};
use edgescore::issuer::lines::Shard;
use edgescore::issuer::output::{self, write_atomically, StagedFile};
use edgescore::issuer::record::Kind;
use edgescore::json::{Object, Value};
use edgescore::model::SignedModel;
use sha2::{Digest, Sha256};

use super::progress::Progress;
use super::run::{self, Begin};
use super::{input_parameters, io_failure, open_input, peak_rss, per_second, write_rows, RunArgs, Sink};
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
    /// Only the first pass: write the contact-standing table of the input (or of its --shard)
    /// here, to give to sharded runs as --standing.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["out", "errors", "standing"])]
    pub standing_out: Option<PathBuf>,
    /// Contact-standing tables written by --standing-out (repeat: one per shard), instead of
    /// the first pass. Required with --shard: contacts may be anywhere in the population.
    #[arg(long, value_name = "FILE")]
    pub standing: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

fn signed_model(
    path: Option<&Path>,
    jwks_path: Option<&Path>,
    default: fn() -> edgescore::Result<SignedModel>,
) -> CliResult<SignedModel> {
    Ok(match path {
        Some(path) => SignedModel::verify(&input::read_token(path)?, &load_jwks(jwks_path)?)?,
        None => default()?,
    })
}

fn model_parameters(model: &SignedModel) -> Value {
    Value::Object(
        Object::new()
            .with("id", model.model().id())
            .with("version", model.model().version())
            .with("digest", model.digest()),
    )
}

/// Reads and merges standing tables; returns the table and each file's SHA-256.
fn read_standing(paths: &[PathBuf]) -> CliResult<(Standing, Vec<Value>)> {
    let mut standing = Standing::new();
    let mut digests = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path).map_err(|e| io_failure(path, e))?;
        let table = Standing::read_from(&bytes[..])
            .map_err(|e| io_failure(path, e))?
            .map_err(|e| usage(format!("{}: {}", path.display(), e.message())))?;
        standing.merge(&table);
        digests.push(Value::from(output::hex(&Sha256::digest(&bytes))));
    }
    Ok((standing, digests))
}

pub(crate) fn features(args: FeaturesArgs) -> CliResult<Output> {
    if args.input == Path::new("-") {
        return Err(usage("features reads files by byte range: give --in FILE, not -"));
    }
    let options = args.run.check(&args.input)?;
    let threads = options.threads;
    let started = Instant::now();
    if let Some(path) = args.standing_out.as_deref() {
        let (reader, from, _) = open_input(&args.input, options.shard, None)?;
        let standing = features::collect_standing(reader, from, threads).map_err(|e| io_failure(&args.input, e))?;
        let mut bytes = Vec::new();
        standing.write_to(&mut bytes).map_err(|e| io_failure(path, e))?;
        write_atomically(path, &bytes).map_err(|e| io_failure(path, e))?;
        return Ok(Output::Json(
            Object::new()
                .with("people", standing.people() as i64)
                .with("standing_table_bytes", bytes.len() as i64)
                .with("shard", options.shard.label())
                .with("seconds", edgescore::decimal::round_to_json(started.elapsed().as_secs_f64(), 3))
                .with("peak_rss_bytes", peak_rss()),
        ));
    }
    if options.shard != Shard::ALL && args.standing.is_empty() {
        return Err(usage(
            "features --shard needs --standing: the contact standing of the whole population (write it once with \
             --standing-out, or one table per shard, and give them all)",
        ));
    }
    let kind = match args.kind.as_deref() {
        None => None,
        Some(name) => Some(Kind::parse(name).ok_or_else(|| usage("--kind must be consumer or seller"))?),
    };
    let wanted = |k: Kind| kind.is_none_or(|only| only == k);
    let consumer = wanted(Kind::Consumer)
        .then(|| signed_model(args.model.as_deref(), args.jwks.as_deref(), demo::consumer_model))
        .transpose()?;
    let seller = wanted(Kind::Seller)
        .then(|| signed_model(args.seller_model.as_deref(), args.jwks.as_deref(), demo::seller_model))
        .transpose()?;
    let derivers = Derivers {
        consumer: consumer.as_ref().map(|m| Deriver::new(m.model().clone())).transpose()?,
        seller: seller.as_ref().map(|m| Deriver::new(m.model().clone())).transpose()?,
    };
    let (standing, standing_digests) = if args.standing.is_empty() {
        let (first, from, _) = open_input(&args.input, Shard::ALL, None)?;
        (features::collect_standing(first, from, threads).map_err(|e| io_failure(&args.input, e))?, Vec::new())
    } else {
        read_standing(&args.standing)?
    };
    let parameters = Object::new()
        .with("command", "features")
        .with("edgescore", env!("CARGO_PKG_VERSION"))
        .with("input", input_parameters(&args.input)?)
        .with("shard", options.shard.label())
        .with("consumer_model", consumer.as_ref().map_or(Value::Null, model_parameters))
        .with("seller_model", seller.as_ref().map_or(Value::Null, model_parameters))
        .with("standing", standing_digests);

    let (out_file, errors_file) = match args.out.as_deref() {
        Some(path) => match run::begin(path, args.errors.as_deref(), &parameters, true, false)? {
            Begin::Fresh { out, errors } => (Some(out), errors),
            Begin::Complete(_) | Begin::Resume { .. } => return Err(usage("features does not resume")),
        },
        None => {
            let stage = |path: &Path| StagedFile::create(path).map_err(|e| io_failure(path, e));
            (None, args.errors.as_deref().map(stage).transpose()?)
        }
    };
    let (second, from, size) = open_input(&args.input, options.shard, None)?;
    let progress = Progress::new(size, "people", options.progress_every);
    let (mut out, mut errors) = (Sink::or_stdout(out_file), Sink::or_stderr(errors_file));
    let counts = write_rows(
        (second, from),
        threads,
        MAX_RECORD_BYTES,
        |_, bytes| features::features_row(&derivers, &standing, bytes),
        (&mut out, &mut errors),
        &progress,
    )
    .map_err(|e| usage(format!("features: {e}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let report = Object::new()
        .with("written", counts.written as i64)
        .with("rejected", counts.rejected as i64)
        .with("skipped", counts.skipped as i64)
        .with("raw_events", counts.events as i64)
        .with("shard", options.shard.label())
        .with("seconds", edgescore::decimal::round_to_json(seconds, 3))
        .with("raw_events_per_second", per_second(counts.events, seconds))
        .with("people_per_second", per_second(counts.written, seconds))
        .with("standing_people", standing.people() as i64)
        .with("standing_table_bytes", standing.bytes() as i64)
        .with("peak_rss_bytes", peak_rss());
    let manifest_counts = Object::new()
        .with("written", counts.written as i64)
        .with("rejected", counts.rejected as i64)
        .with("skipped", counts.skipped as i64);
    run::conclude(
        "features",
        &options,
        report,
        (counts.written, counts.rejected),
        manifest_counts,
        (args.out.as_deref(), out),
        (args.errors.as_deref(), errors),
        &parameters,
    )
}
