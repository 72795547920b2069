//! The bureau's batch commands: `synth`, `features`, `issue-batch`. Files and threads here;
//! the work itself is in `edgescore::issuer`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use edgescore::demo;
use edgescore::issuer::batch::{self, BatchIssuer, Shard, MAX_BATCH_LINE_BYTES};
use edgescore::issuer::features::{self, Deriver, Derivers, MAX_RECORD_BYTES};
use edgescore::issuer::pipeline::run_ordered;
use edgescore::issuer::record::Kind;
use edgescore::issuer::rows::{process_rows, ChunkResult, Counts, RowOutcome};
use edgescore::issuer::synth::{self, SynthConfig, OUTCOMES_CSV_HEADER};
use edgescore::json::{Object, Value};
use edgescore::model::{Model, SignedModel};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::commands::{load_jwks, parse_duration, signing_issuer};
use crate::input::{self, usage, CliResult};
use crate::{Output, SigningKeyArgs};

#[derive(Args)]
pub struct SynthArgs {
    /// How many people.
    #[arg(long)]
    people: u64,
    /// The seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Percentage of small-business sellers.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=100))]
    seller_percent: u32,
    /// Write the people (JSON Lines) here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the ground truth as CSV here (person,sub,kind,community,risk,pd_12m,default_12m).
    #[arg(long, value_name = "FILE")]
    outcomes: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
pub struct FeaturesArgs {
    /// The people, as `synth` writes them (a file: it is read twice).
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// Write the features lines here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write bad rows here (JSON Lines with line numbers) instead of stderr.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Signed model whose schema consumers get (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Signed model whose schema sellers get (default: the demo seller model).
    #[arg(long, value_name = "FILE")]
    seller_model: Option<PathBuf>,
    /// JWKS that verifies the models (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// Only this kind of person: consumer or seller.
    #[arg(long)]
    kind: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args)]
pub struct IssueBatchArgs {
    /// Features lines (file or - for stdin).
    #[arg(long = "in", value_name = "FILE", default_value = "-")]
    input: PathBuf,
    /// Write the snapshot lines here (resumable) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write bad rows here (JSON Lines with line numbers) instead of stderr.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    #[command(flatten)]
    signing: SigningKeyArgs,
    /// `iss` (default with --demo-key: the demo issuer).
    #[arg(long)]
    iss: Option<String>,
    /// `aud`; repeat for several.
    #[arg(long)]
    aud: Vec<String>,
    /// Lifetime: seconds, or with a unit (90m, 12h, 30d).
    #[arg(long, default_value = "30d")]
    lifetime: String,
    /// `iat` in seconds since the epoch (default: the resumed output's, else now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Signed models whose schemas may be issued; repeat (default: the two demo models).
    #[arg(long, value_name = "FILE")]
    model: Vec<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// Only input lines N with (N-1) mod n = i, for one task of a job array.
    #[arg(long, value_name = "i/n")]
    shard: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Start over: truncate --out and --errors instead of resuming.
    #[arg(long)]
    restart: bool,
}

fn threads(given: Option<usize>) -> usize {
    given.filter(|&n| n > 0).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn io_failure(what: &Path, error: io::Error) -> input::Failure {
    usage(format!("{}: {error}", what.display()))
}

/// A buffered writer on a new (truncated) file, or on stdout.
fn create(path: Option<&Path>) -> CliResult<Box<dyn Write>> {
    Ok(match path {
        Some(path) => Box::new(BufWriter::with_capacity(1 << 20, File::create(path).map_err(|e| io_failure(path, e))?)),
        None => Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    })
}

/// The error lines' writer: a new file, or stderr.
fn create_errors(path: Option<&Path>) -> CliResult<Box<dyn Write>> {
    match path {
        Some(path) => create(Some(path)),
        None => Ok(Box::new(io::stderr())),
    }
}

fn open_input(path: &Path) -> CliResult<(Box<dyn BufRead + Send>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(BufReader::with_capacity(1 << 20, io::stdin())), None));
    }
    let file = File::open(path).map_err(|e| io_failure(path, e))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(BufReader::with_capacity(1 << 20, file)), size))
}

/// A progress bar on stderr when it is a terminal (rate and ETA); nothing otherwise.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    noun: &'static str,
}

impl Progress {
    fn new(total_bytes: Option<u64>, noun: &'static str) -> Progress {
        let bar = if io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(total_bytes, ProgressDrawTarget::stderr());
            let template = if total_bytes.is_some() {
                "{bar:20} {percent:>3}% {msg}, ETA {eta}"
            } else {
                "{spinner} {msg}, {elapsed}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar, started: Instant::now(), noun }
    }

    fn update(&self, bytes: u64, counts: &Counts) {
        let rate = counts.written as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_position(bytes);
        self.bar
            .set_message(format!("{} {} · {:.0}/s · {} rejected", counts.written, self.noun, rate, counts.rejected));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
fn peak_rss_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn per_second(count: u64, seconds: f64) -> i64 {
    (count as f64 / seconds.max(1e-6)).round() as i64
}

/// Prints the summary: on stdout when the data went to a file, on stderr when it went to
/// stdout (so stdout stays pure JSON Lines).
fn summary(object: Object, data_on_stdout: bool) -> Output {
    if data_on_stdout {
        eprintln!("{}", object.to_json());
        Output::Quiet
    } else {
        Output::Json(object)
    }
}

/// Runs `row` over the input's kept lines and writes each chunk: its error lines first,
/// flushed, then its output lines, so a killed run never has output past its reported
/// errors (resume relies on it). Returns the totals once both writers are flushed.
fn write_rows(
    input: impl BufRead + Send,
    threads: usize,
    max_line_bytes: usize,
    keep: impl Fn(u64) -> bool + Send,
    row: impl Fn(u64, &[u8]) -> edgescore::Result<RowOutcome> + Sync,
    (out, errors): (&mut dyn Write, &mut dyn Write),
    progress: &Progress,
) -> io::Result<Counts> {
    let mut totals = Counts::default();
    let counts = process_rows(input, threads, max_line_bytes, keep, row, |chunk: &ChunkResult| {
        errors.write_all(&chunk.errors)?;
        errors.flush()?;
        out.write_all(&chunk.out)?;
        totals.add(&chunk.counts);
        progress.update(chunk.bytes_consumed, &totals);
        Ok(())
    })?;
    out.flush()?;
    errors.flush()?;
    progress.finish();
    Ok(counts)
}

pub fn synth(args: SynthArgs) -> CliResult<Output> {
    if args.people == 0 || args.people > edgescore::issuer::record::MAX_PERSON + 1 {
        return Err(usage("--people must be 1 to 4294967296"));
    }
    let config = SynthConfig { people: args.people, seed: args.seed, seller_percent: args.seller_percent };
    let mut out = create(args.out.as_deref())?;
    let mut outcomes = args.outcomes.as_deref().map(|path| create(Some(path))).transpose()?;
    if let Some(csv) = outcomes.as_mut() {
        writeln!(csv, "{OUTCOMES_CSV_HEADER}").map_err(|e| usage(format!("cannot write the outcomes: {e}")))?;
    }
    const BLOCK: u64 = 256;
    let progress = Progress::new(Some(args.people), "people");
    let (mut next, mut written, mut defaults) = (0u64, 0u64, 0u64);
    let result = run_ordered(
        threads(args.threads),
        threads(args.threads) * 4,
        || {
            let start = next;
            next = (next + BLOCK).min(config.people);
            Ok((start < config.people).then_some(start..next))
        },
        |range| {
            let mut lines = String::new();
            let mut rows = String::new();
            let mut defaults = 0;
            for index in range {
                let person = synth::person(&config, index);
                lines.push_str(&person.record.to_json());
                lines.push('\n');
                rows.push_str(&person.truth.csv_row());
                rows.push('\n');
                defaults += u64::from(person.truth.default_12m);
            }
            (lines, rows, defaults)
        },
        |(lines, rows, block_defaults)| {
            out.write_all(lines.as_bytes())?;
            if let Some(csv) = outcomes.as_mut() {
                csv.write_all(rows.as_bytes())?;
            }
            written = (written + BLOCK).min(config.people);
            defaults += block_defaults;
            progress.bar.set_position(written);
            Ok(())
        },
    );
    result.and_then(|()| out.flush()).map_err(|e| usage(format!("cannot write the people: {e}")))?;
    if let Some(csv) = outcomes.as_mut() {
        csv.flush().map_err(|e| usage(format!("cannot write the outcomes: {e}")))?;
    }
    progress.finish();
    let seconds = progress.started.elapsed().as_secs_f64();
    Ok(summary(
        Object::new()
            .with("people", config.people as i64)
            .with("seed", config.seed as i64)
            .with("defaults_12m", defaults as i64)
            .with("seconds", edgescore::issuer::decimal_value(seconds, 3))
            .with("people_per_second", per_second(config.people, seconds)),
        args.out.is_none(),
    ))
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

pub fn features(args: FeaturesArgs) -> CliResult<Output> {
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
            .with("seconds", edgescore::issuer::decimal_value(seconds, 3))
            .with("raw_events_per_second", per_second(counts.events, seconds))
            .with("people_per_second", per_second(counts.written, seconds))
            .with("standing_table_bytes", standing.bytes() as i64)
            .with("peak_rss_bytes", peak_rss_bytes().map(Value::from).unwrap_or(Value::Null)),
        args.out.is_none(),
    ))
}

/// Opens an output file for resuming: trims a partial last line (and, with `limit`, lines
/// past it) and returns the file positioned at its end with its last line; `restart`
/// truncates it instead.
fn open_resumable(path: &Path, restart: bool, limit: Option<u64>) -> CliResult<(File, Option<Object>)> {
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

pub fn issue_batch(args: IssueBatchArgs) -> CliResult<Output> {
    let shard = match args.shard.as_deref() {
        None => Shard::ALL,
        Some(text) => Shard::parse(text).ok_or_else(|| usage("--shard must be i/n with 0 <= i < n"))?,
    };
    let issuer = signing_issuer(&args.signing)?;
    let iss = match (&args.iss, args.signing.demo_key) {
        (Some(iss), _) => iss.clone(),
        (None, true) => demo::DEMO_ISSUER.to_owned(),
        (None, false) => return Err(usage("--iss is required with --key")),
    };
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
    let batch = BatchIssuer { issuer, iss, issued_at, lifetime, audience: args.aud.clone(), models };

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
            .with("seconds", edgescore::issuer::decimal_value(seconds, 3))
            .with("snapshots_per_second", per_second(counts.written, seconds)),
        args.out.is_none(),
    ))
}
