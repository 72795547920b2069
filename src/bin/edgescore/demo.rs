//! `demo`: the embedded demo material (issuer JWKS, signed models, policy, people with their
//! snapshots and holder keys, the status list), printed or written to a folder. Demo only.

use std::path::PathBuf;

use clap::Args;
use edgescore::demo;
use edgescore::json::{self, Object, Value};
use edgescore::jwk::PrivateJwk;
use edgescore::status::Status;

use crate::input::{self, usage, CliResult};
use crate::Output;

#[derive(Args)]
pub(crate) struct DemoArgs {
    /// Write the material into this folder instead of printing it.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Only these people (ids); repeat for several.
    #[arg(long)]
    pub person: Vec<String>,
    /// `aud` for the snapshots; repeat for several.
    #[arg(long)]
    pub aud: Vec<String>,
    /// `iat` of the snapshots (default: now).
    #[arg(long, allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// `ttl` of the status list: how long verifiers may cache it, seconds or with a unit.
    #[arg(long, default_value = "5m")]
    pub status_ttl: String,
}

pub(crate) fn demo(args: DemoArgs) -> CliResult<Output> {
    let now = input::now_or(args.now);
    let people = demo::people()?;
    for wanted in &args.person {
        if !people.iter().any(|p| &p.id == wanted) {
            let known: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
            return Err(usage(format!("no demo person {wanted:?} (there are {})", known.join(", "))));
        }
    }
    let consumer = demo::consumer_model()?;
    let seller = demo::seller_model()?;
    let jwks = json::parse_object(demo::DEMO_JWKS_JSON.as_bytes())?;
    let policy = json::parse_object(edgescore::policy::DEFAULT_POLICY_JSON.as_bytes())?;
    let mut entries = Vec::new();
    let ttl = crate::tokens::parse_duration(&args.status_ttl)?;
    let status_list = demo::status_list_token(now, ttl, &[] as &[(u64, Status)])?;
    for (index, person) in people.iter().enumerate() {
        if !args.person.is_empty() && !args.person.contains(&person.id) {
            continue;
        }
        let snapshot = demo::issue_for(person, index as u64, now, &args.aud)?;
        let holder =
            PrivateJwk { kid: Some(format!("demo-holder-{}", person.id)), secret: demo::holder_key(&person.id) };
        let model = if person.model == "seller" { &seller } else { &consumer };
        let outcome = model.model().score_features(&person.features)?;
        let band = model.model().band(outcome.band).map(|b| b.id.clone()).unwrap_or_default();
        entries.push((person, index as i64, snapshot, holder.to_object(), band));
    }
    let warning = "DEMO material: the demo issuer's private key is public; never use it for real decisions";
    let Some(dir) = args.output_dir else {
        let people: Vec<Value> = entries
            .into_iter()
            .map(|(person, index, snapshot, holder, band)| {
                demo_person(person, index, band, snapshot.into(), holder.into())
            })
            .collect();
        return Ok(Output::Json(
            Object::new()
                .with("warning", warning)
                .with("issuer", demo::DEMO_ISSUER)
                .with("jwks", jwks)
                .with(
                    "models",
                    Object::new()
                        .with("consumer", demo::DEMO_CONSUMER_MODEL_JWS.trim())
                        .with("seller", demo::DEMO_SELLER_MODEL_JWS.trim()),
                )
                .with("policy", policy)
                .with("status_list", status_list)
                .with("people", people),
        ));
    };
    let write = |name: &str, contents: String| input::write_new(&input::in_dir(&dir, name), &contents, true);
    write("jwks.json", jwks.to_json_pretty() + "\n")?;
    write("consumer.model.jws", demo::DEMO_CONSUMER_MODEL_JWS.trim().to_owned() + "\n")?;
    write("seller.model.jws", demo::DEMO_SELLER_MODEL_JWS.trim().to_owned() + "\n")?;
    write("policy.json", policy.to_json_pretty() + "\n")?;
    write("status-list.jwt", status_list + "\n")?;
    let mut index = Vec::new();
    let mut issued = String::new();
    for (person, status_idx, snapshot, holder, band) in entries {
        write(&format!("people/{}.sd-jwt", person.id), snapshot + "\n")?;
        let holder_path = input::in_dir(&dir, &format!("people/{}.holder.jwk.json", person.id));
        input::write_private(&holder_path, &(holder.to_json_pretty() + "\n"), true)?;
        let (snapshot_file, holder_file) =
            (format!("people/{}.sd-jwt", person.id), format!("people/{}.holder.jwk.json", person.id));
        let sub = format!("demo-{}", person.id);
        issued.push_str(&Object::new().with("sub", sub).with("status_idx", status_idx).to_json());
        issued.push('\n');
        index.push(demo_person(person, status_idx, band, snapshot_file.into(), holder_file.into()));
    }
    write("issued.jsonl", issued)?;
    let manifest = Object::new()
        .with("warning", warning)
        .with("issuer", demo::DEMO_ISSUER)
        .with("issued_at", now)
        .with("jwks", "jwks.json")
        .with("models", Object::new().with("consumer", "consumer.model.jws").with("seller", "seller.model.jws"))
        .with("policy", "policy.json")
        .with("status_list", "status-list.jwt")
        .with("issued", "issued.jsonl")
        .with("people", index);
    write("demo.json", manifest.to_json_pretty() + "\n")?;
    Ok(Output::Json(manifest.with("output_dir", dir.display().to_string())))
}

/// One demo person in `demo`'s output: who they are, their band, their status list entry, and
/// their snapshot and holder key (inline, or the files they were written to).
fn demo_person(person: &demo::DemoPerson, status_idx: i64, band: String, snapshot: Value, holder: Value) -> Value {
    Value::Object(
        Object::new()
            .with("id", person.id.as_str())
            .with("name", person.name.as_str())
            .with("about", person.about.as_str())
            .with("model", person.model.as_str())
            .with("sub", format!("demo-{}", person.id))
            .with("status_idx", status_idx)
            .with("band", band)
            .with("snapshot", snapshot)
            .with("holder_private_jwk", holder),
    )
}
