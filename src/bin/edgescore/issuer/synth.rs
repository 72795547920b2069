//! `synth`: a seeded synthetic population with raw bureau events and ground truth.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use edgescore::issuer::pipeline::run_ordered;
use edgescore::issuer::synth::{self, SynthConfig, OUTCOMES_CSV_HEADER};
use edgescore::json::Object;

use edgescore::issuer::output::StagedFile;

use super::progress::Progress;
use super::{io_failure, per_second, summary, threads, Sink};
use crate::input::{usage, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct SynthArgs {
    /// How many people.
    #[arg(long)]
    pub people: u64,
    /// The seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Percentage of small-business sellers.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub seller_percent: u32,
    /// Write the people (JSON Lines) here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the ground truth as CSV here (person,sub,kind,community,risk,pd_12m,default_12m).
    #[arg(long, value_name = "FILE")]
    pub outcomes: Option<PathBuf>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
}

pub(crate) fn synth(args: SynthArgs) -> CliResult<Output> {
    if args.people == 0 || args.people > edgescore::issuer::record::MAX_PERSON + 1 {
        return Err(usage("--people must be 1 to 4294967296"));
    }
    let config = SynthConfig { people: args.people, seed: args.seed, seller_percent: args.seller_percent };
    let threads = threads(args.threads)?;
    let stage = |path: &std::path::Path| StagedFile::create(path).map_err(|e| io_failure(path, e));
    let mut out = Sink::or_stdout(args.out.as_deref().map(stage).transpose()?);
    let mut outcomes = args.outcomes.as_deref().map(stage).transpose()?;
    if let Some(csv) = outcomes.as_mut() {
        writeln!(csv, "{OUTCOMES_CSV_HEADER}").map_err(|e| usage(format!("cannot write the outcomes: {e}")))?;
    }
    const BLOCK: u64 = 256;
    let progress = Progress::new(Some(args.people), "people", None);
    let (mut next, mut written, mut defaults) = (0u64, 0u64, 0u64);
    let result = run_ordered(
        threads,
        threads * 4,
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
    if let (Some(path), Some(file)) = (args.outcomes.as_deref(), outcomes) {
        file.finish().map_err(|e| io_failure(path, e))?;
    }
    if let (Some(path), Some(file)) = (args.out.as_deref(), out.into_staged()) {
        file.finish().map_err(|e| io_failure(path, e))?;
    }
    progress.finish();
    let seconds = progress.started.elapsed().as_secs_f64();
    Ok(summary(
        Object::new()
            .with("people", config.people as i64)
            .with("seed", config.seed as i64)
            .with("defaults_12m", defaults as i64)
            .with("seconds", edgescore::decimal::round_to_json(seconds, 3))
            .with("people_per_second", per_second(config.people, seconds)),
        args.out.is_none(),
    ))
}
