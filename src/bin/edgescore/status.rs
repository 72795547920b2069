//! The issuer's status list commands: `status-list` (a new, all-valid list token) and `revoke`
//! (set entries to revoked, suspended or valid again, by index, `sub` or `jti`, and sign the
//! list anew).

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::Args;
use edgescore::issue::StatusListToken;
use edgescore::json::{self, Object, Value};
use edgescore::status::{verify_status_list, Status, StatusList};

use crate::input::{self, usage, CliResult};
use crate::keys::{signing_issuer, SigningKeyArgs};
use crate::tokens::parse_duration;
use crate::verify::load_jwks;
use crate::Output;

/// How long a status list token lives and may be cached.
#[derive(Args)]
pub(crate) struct ListLifetimeArgs {
    /// `ttl`: how long verifiers may cache the list, seconds or with a unit (90s, 5m, 1h).
    #[arg(long, default_value = "5m")]
    pub ttl: String,
    /// `exp − iat`: seconds or with a unit (12h, 1d).
    #[arg(long, default_value = "1d")]
    pub lifetime: String,
    /// `iat` (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
}

#[derive(Args)]
pub(crate) struct StatusListArgs {
    /// The URI the list will be published at (the snapshots' `status.status_list.uri`).
    #[arg(long)]
    pub uri: String,
    /// Entries in the list.
    #[arg(long, default_value_t = 1 << 20)]
    pub size: u64,
    /// Bits per entry: 1 (valid, revoked) or 2 (also suspended).
    #[arg(long, default_value_t = 2)]
    pub bits: u8,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    /// `iss`: the issuer whose snapshots the list speaks for (default with --demo-key: the
    /// demo issuer).
    #[arg(long)]
    pub iss: Option<String>,
    #[command(flatten)]
    pub lifetime: ListLifetimeArgs,
    /// Write the token here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct RevokeArgs {
    /// The current status list token: read, changed, signed anew and written back.
    #[arg(long, value_name = "FILE")]
    pub status_list: PathBuf,
    /// An entry by index; repeat for several.
    #[arg(long, value_name = "N")]
    pub index: Vec<u64>,
    /// An entry by the snapshot's `sub` (needs --issued); repeat for several.
    #[arg(long)]
    pub sub: Vec<String>,
    /// An entry by the snapshot's `jti` (needs --issued); repeat for several.
    #[arg(long)]
    pub jti: Vec<String>,
    /// What was issued: JSON Lines with `sub`, `jti` and `status_idx` (issue-batch output, or
    /// `issued.jsonl` of `edgescore demo --output-dir`).
    #[arg(long, value_name = "FILE")]
    pub issued: Option<PathBuf>,
    /// Suspend instead of revoking (needs a list of 2 bits or more).
    #[arg(long, conflicts_with = "reinstate")]
    pub suspend: bool,
    /// Set the entries back to valid.
    #[arg(long)]
    pub reinstate: bool,
    /// JWKS that verifies the current list (default: the demo JWKS).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    #[command(flatten)]
    pub signing: SigningKeyArgs,
    #[command(flatten)]
    pub lifetime: ListLifetimeArgs,
    /// Write the new token here instead of over --status-list.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(crate) fn status_list(args: StatusListArgs) -> CliResult<Output> {
    let list = StatusList::new(args.bits, args.size)?;
    let iss = args.signing.issuer_name(args.iss.as_deref())?;
    let token = sign(&args.signing, &args.lifetime, &args.uri, Some(&iss), &list)?;
    match args.out {
        Some(path) => {
            input::write_new(&path, &(token + "\n"), true)?;
            Ok(Output::Json(summary(&args.uri, &list, &[]).with("written", path.display().to_string())))
        }
        None => Ok(Output::Text(token)),
    }
}

pub(crate) fn revoke(args: RevokeArgs) -> CliResult<Output> {
    let keys = load_jwks(args.jwks.as_deref())?;
    let now = input::now_or(args.lifetime.now);
    let current = verify_status_list(&input::read_token(&args.status_list)?, &keys, now, 60)?;
    let mut indexes = args.index.clone();
    if !args.sub.is_empty() || !args.jti.is_empty() {
        let Some(issued) = args.issued.as_deref() else {
            return Err(usage("--sub and --jti need --issued FILE (what was issued, with status_idx)"));
        };
        indexes.extend(find_indexes(issued, &args.sub, &args.jti)?);
    }
    if indexes.is_empty() {
        return Err(usage("name the entries: --index, --sub or --jti"));
    }
    let status = match (args.suspend, args.reinstate) {
        (true, _) => Status::Suspended,
        (_, true) => Status::Valid,
        _ => Status::Invalid,
    };
    let mut list = current.list().clone();
    for index in &indexes {
        list.set(*index, status.value())?;
    }
    let token = sign(&args.signing, &args.lifetime, current.uri(), current.issuer(), &list)?;
    let path = args.out.unwrap_or(args.status_list);
    input::write_new(&path, &(token + "\n"), true)?;
    Ok(Output::Json(
        summary(current.uri(), &list, &indexes).with("status", status.id()).with("written", path.display().to_string()),
    ))
}

fn sign(
    signing: &SigningKeyArgs,
    lifetime: &ListLifetimeArgs,
    uri: &str,
    iss: Option<&str>,
    list: &StatusList,
) -> CliResult<String> {
    let issuer = signing_issuer(signing)?;
    let now = input::now_or(lifetime.now);
    let token = StatusListToken {
        uri,
        issuer: iss,
        issued_at: now,
        expires_at: Some(now.saturating_add(parse_duration(&lifetime.lifetime)?)),
        ttl: Some(parse_duration(&lifetime.ttl)?),
        list,
    };
    Ok(issuer.sign_status_list(&token)?)
}

fn summary(uri: &str, list: &StatusList, changed: &[u64]) -> Object {
    let changed: Vec<Value> = changed.iter().map(|index| Value::from(*index as i64)).collect();
    Object::new()
        .with("uri", uri)
        .with("bits", i64::from(list.bits()))
        .with("size", list.len() as i64)
        .with("changed", changed)
}

/// The `status_idx` of each wanted `sub` and `jti` in an issued-snapshots file; a name that is
/// not there is a usage error (nothing is changed).
fn find_indexes(path: &Path, subs: &[String], jtis: &[String]) -> CliResult<Vec<u64>> {
    let file = std::fs::File::open(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let mut found = Vec::new();
    let mut missing: Vec<&String> = subs.iter().chain(jtis).collect();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(row) = json::parse_object(line.as_bytes()) else { continue };
        let text = |name: &str| row.get(name).and_then(Value::as_str).map(str::to_owned);
        let wanted = |name: Option<String>, list: &[String]| name.is_some_and(|n| list.contains(&n));
        if wanted(text("sub"), subs) || wanted(text("jti"), jtis) {
            let Some(index) = row.get("status_idx").and_then(Value::as_i64) else {
                return Err(usage(format!("{}: a matching line has no status_idx", path.display())));
            };
            found.push(index as u64);
            missing.retain(|name| Some((*name).clone()) != text("sub") && Some((*name).clone()) != text("jti"));
        }
    }
    if let Some(name) = missing.first() {
        return Err(usage(format!("{name:?} is not in {}", path.display())));
    }
    Ok(found)
}
