//! The subcommands: read inputs, call the core, shape the output.

use std::path::Path;

use edgescore::demo;
use edgescore::ed25519::SecretKey;
use edgescore::issue::{self, Issuer, SnapshotClaims};
use edgescore::json::{self, Object, Value};
use edgescore::jwk::{Jwk, Jwks, PrivateJwk};
use edgescore::jws::{self, SigningAlg, TokenKind};
use edgescore::model::SignedModel;
use edgescore::policy::{OrderContext, Policy};
use edgescore::scorer::{Disclosure, ScoreRequest, Scorer};
use edgescore::snapshot::{self, Presentation, VerifyOptions};

use crate::input::{self, usage, CliResult};
use crate::{
    DemoArgs, InspectArgs, IssueArgs, KeygenArgs, Output, PresentArgs, ScoreArgs, SignModelArgs, SigningKeyArgs,
    VerifierArgs, VerifyArgs,
};

pub fn keygen(args: KeygenArgs) -> CliResult<Output> {
    let seed = input::random_bytes::<32>()?;
    let secret = SecretKey::from_seed(&seed);
    let kid = args.kid.unwrap_or_else(|| edgescore::jwk::thumbprint(&secret.public_key()));
    let private = PrivateJwk { kid: Some(kid.clone()), secret };
    let jwks = Jwks::from_jwks([private.public_jwk()])?;
    let private_json = private.to_object();
    let jwks_json = json::parse_object(jwks.to_json().as_bytes())?;
    match (args.private, args.jwks) {
        (None, None) => {
            Ok(Output::Json(Object::new().with("kid", kid).with("private_jwk", private_json).with("jwks", jwks_json)))
        }
        (Some(private_path), Some(jwks_path)) => {
            input::write_new(&private_path, &(private_json.to_json_pretty() + "\n"), args.force)?;
            input::write_new(&jwks_path, &(jwks_json.to_json_pretty() + "\n"), args.force)?;
            Ok(Output::Json(
                Object::new()
                    .with("kid", kid)
                    .with("private_jwk", private_path.display().to_string())
                    .with("jwks", jwks_path.display().to_string()),
            ))
        }
        _ => Err(usage("give both --private and --jwks, or neither")),
    }
}

pub fn signing_issuer(args: &SigningKeyArgs) -> CliResult<Issuer> {
    let alg = SigningAlg::parse(&args.alg).map_err(|e| usage(e.message().to_owned()))?;
    let issuer = match &args.key {
        Some(path) => Issuer::new(PrivateJwk::parse(&input::read_bytes(path)?)?),
        None => demo::issuer()?,
    };
    Ok(issuer.with_alg(alg))
}

fn emit_token(token: String, out: Option<&Path>) -> CliResult<Output> {
    match out {
        Some(path) => {
            input::write_new(path, &(token + "\n"), true)?;
            Ok(Output::Json(Object::new().with("written", path.display().to_string())))
        }
        None => Ok(Output::Text(token)),
    }
}

/// Parses `3600`, `90m`, `12h`, `30d`.
pub fn parse_duration(text: &str) -> CliResult<i64> {
    let (digits, unit) = match text.char_indices().last() {
        Some((at, unit)) if unit.is_ascii_alphabetic() => (text.get(..at).unwrap_or(""), unit),
        _ => (text, 's'),
    };
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(usage(format!("unknown time unit in {text:?} (use s, m, h or d)"))),
    };
    digits
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| usage(format!("{text:?} is not a positive duration")))
}

/// A holder key file: a public JWK, a private JWK (its public half is used), or a JWKS of one.
fn read_holder_public(path: &Path) -> CliResult<Jwk> {
    let object = json::parse_object(&input::read_bytes(path)?)?;
    if object.contains("d") {
        return Ok(PrivateJwk::from_object(&object)?.public_jwk());
    }
    if let Some(Value::Array(keys)) = object.get("keys") {
        if let [Value::Object(only)] = keys.as_slice() {
            return Ok(Jwk::from_object(only)?);
        }
        return Err(usage("the holder JWKS must hold exactly one key"));
    }
    Ok(Jwk::from_object(&object)?)
}

pub fn load_jwks(path: Option<&Path>) -> CliResult<Jwks> {
    Ok(match path {
        Some(path) => Jwks::parse(&input::read_bytes(path)?)?,
        None => demo::jwks()?,
    })
}

fn load_model(path: Option<&Path>, keys: &Jwks) -> CliResult<SignedModel> {
    Ok(match path {
        Some(path) => SignedModel::verify(&input::read_token(path)?, keys)?,
        None => demo::consumer_model()?,
    })
}

pub fn issue(args: IssueArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let features = json::parse_object(&input::read_bytes(&args.features)?).map_err(|e| e.context("features"))?;
    let keys = load_jwks(args.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let schema = args.schema.clone().unwrap_or_else(|| model.model().schema.clone());
    if schema == model.model().schema {
        model.model().score_features(&features).map_err(|e| e.context("features"))?;
    } else if args.model.is_some() {
        return Err(usage(format!("--schema {schema:?} is not the schema of --model ({:?})", model.model().schema)));
    }
    let iss = match (&args.iss, args.signing.demo_key) {
        (Some(iss), _) => iss.clone(),
        (None, true) => demo::DEMO_ISSUER.to_owned(),
        (None, false) => return Err(usage("--iss is required with --key")),
    };
    let now = input::now_or(args.now);
    let lifetime = parse_duration(&args.lifetime)?;
    let claims = SnapshotClaims {
        issuer: iss,
        subject: args.sub,
        jti: match args.jti {
            Some(jti) => jti,
            None => input::random_id()?,
        },
        issued_at: now,
        not_before: None,
        expires_at: now.saturating_add(lifetime),
        audience: args.aud,
        schema,
        features,
        holder: args.holder.as_deref().map(read_holder_public).transpose()?,
    };
    emit_token(issuer.issue(&claims)?, args.out.as_deref())
}

pub fn sign_model(args: SignModelArgs) -> CliResult<Output> {
    let issuer = signing_issuer(&args.signing)?;
    let token = issuer.sign_model(&input::read_bytes(&args.model)?)?;
    emit_token(token, args.out.as_deref())
}

fn verify_options(args: &VerifierArgs) -> VerifyOptions {
    VerifyOptions {
        audience: args.aud.clone(),
        issuers: args.iss.clone(),
        leeway_seconds: args.leeway,
        max_age_seconds: (args.max_age > 0).then_some(args.max_age),
        require_holder_binding: args.require_binding,
        ..VerifyOptions::default()
    }
}

pub fn verify(args: VerifyArgs) -> CliResult<Output> {
    let token = input::read_token(&args.token)?;
    let keys = load_jwks(args.verifier.jwks.as_deref())?;
    let typ = jws::decode_untrusted(&token)
        .ok()
        .and_then(|(header, _)| header.get("typ").and_then(Value::as_str).and_then(jws::kind_of_typ));
    if typ == Some(TokenKind::Model) {
        let model = SignedModel::verify(&token, &keys)?;
        let inner = model.model();
        return Ok(Output::Json(
            Object::new()
                .with("valid", true)
                .with("kind", "model")
                .with("kid", model.kid())
                .with("id", inner.id.as_str())
                .with("version", inner.version.as_str())
                .with("demo", inner.demo)
                .with("digest", model.digest())
                .with("schema", inner.schema.as_str())
                .with("characteristics", inner.characteristics.len() as i64),
        ));
    }
    let options = verify_options(&args.verifier);
    options.validate()?;
    let presentation_token = args.verifier.presentation.as_deref().map(input::read_token).transpose()?;
    let presentation =
        presentation_token.as_deref().map(|token| Presentation { token, nonce: args.verifier.nonce.as_deref() });
    let now = input::now_or(args.verifier.now);
    let verified = snapshot::verify_snapshot(&token, &keys, &options, now, presentation)?;
    Ok(Output::Json(
        Object::new()
            .with("valid", true)
            .with("kind", "snapshot")
            .with("kid", verified.kid())
            .with("iss", verified.issuer())
            .with("sub", verified.subject())
            .with("jti", verified.jti())
            .with("iat", verified.issued_at())
            .with("exp", verified.expires_at())
            .with("schema", verified.schema())
            .with("holder_bound", verified.is_holder_bound())
            .with("features", verified.features().clone()),
    ))
}

pub fn present(args: PresentArgs) -> CliResult<Output> {
    let snapshot = input::read_token(&args.snapshot)?;
    let holder = PrivateJwk::parse(&input::read_bytes(&args.holder)?)?;
    let now = input::now_or(args.now);
    let token = issue::present(&snapshot, &holder.secret, &args.nonce, &args.aud, now)?;
    emit_token(token, args.out.as_deref())
}

pub fn score(args: ScoreArgs) -> CliResult<Output> {
    let disclose = Disclosure::parse(&args.disclose).map_err(|e| usage(e.message().to_owned()))?;
    let snapshot = input::read_token(&args.snapshot)?;
    let keys = load_jwks(args.verifier.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let policy = match &args.policy {
        Some(path) => Policy::parse(&input::read_bytes(path)?)?,
        None => Policy::default_rentals(),
    };
    let context = match &args.context {
        Some(path) => OrderContext::parse(&input::read_bytes(path)?)?,
        None => {
            let mut object = Object::new();
            if let Some(deposit) = args.deposit {
                object.insert("deposit", deposit);
            }
            if let Some(order_value) = args.order_value {
                object.insert("order_value", order_value);
            }
            OrderContext::from_object(&object)?
        }
    };
    let scorer = Scorer::new(keys, model, policy, verify_options(&args.verifier))?;
    let presentation = args.verifier.presentation.as_deref().map(input::read_token).transpose()?;
    let request = ScoreRequest {
        now: input::now_or(args.verifier.now),
        presentation: presentation.as_deref(),
        nonce: args.verifier.nonce.as_deref(),
        context,
        disclose,
    };
    Ok(Output::Json(scorer.score(&snapshot, &request)?.to_object()))
}

pub fn inspect(args: InspectArgs) -> CliResult<Output> {
    let token = input::read_token(&args.token)?;
    let (header, payload) = jws::decode_untrusted(&token)?;
    let kind = header.get("typ").and_then(Value::as_str).and_then(jws::kind_of_typ);
    let mut out = Object::new()
        .with("verified", false)
        .with("note", "decoded without verifying the signature: do not trust these values")
        .with("kind", kind.map(TokenKind::name))
        .with("header", header)
        .with("payload", payload);
    if let Some(kind) = kind {
        let check = match jws::parse(&token, kind) {
            Ok(_) => Value::from("ok"),
            Err(error) => Value::Object(error.to_object()),
        };
        out.insert("header_check", check);
    }
    if kind == Some(TokenKind::Snapshot) {
        out.insert("sd_hash", snapshot::sd_hash(&token));
    }
    Ok(Output::Json(out))
}

pub fn demo(args: DemoArgs) -> CliResult<Output> {
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
    for person in people.iter().filter(|p| args.person.is_empty() || args.person.contains(&p.id)) {
        let snapshot = demo::issue_for(person, now, &args.aud)?;
        let holder =
            PrivateJwk { kid: Some(format!("demo-holder-{}", person.id)), secret: demo::holder_key(&person.id) };
        let model = if person.model == "seller" { &seller } else { &consumer };
        let outcome = model.model().score_features(&person.features)?;
        let band = model.model().bands.get(outcome.band).map(|b| b.id.clone()).unwrap_or_default();
        entries.push((person, snapshot, holder.to_object(), band));
    }
    let warning = "DEMO material: the demo issuer's private key is public; never use it for real decisions";
    let Some(dir) = args.output_dir else {
        let people: Vec<Value> = entries
            .into_iter()
            .map(|(person, snapshot, holder, band)| demo_person(person, band, snapshot.into(), holder.into()))
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
                .with("people", people),
        ));
    };
    let write = |name: &str, contents: String| input::write_new(&input::in_dir(&dir, name), &contents, true);
    write("jwks.json", jwks.to_json_pretty() + "\n")?;
    write("consumer.model.jws", demo::DEMO_CONSUMER_MODEL_JWS.trim().to_owned() + "\n")?;
    write("seller.model.jws", demo::DEMO_SELLER_MODEL_JWS.trim().to_owned() + "\n")?;
    write("policy.json", policy.to_json_pretty() + "\n")?;
    let mut index = Vec::new();
    for (person, snapshot, holder, band) in entries {
        write(&format!("people/{}.snapshot.jwt", person.id), snapshot + "\n")?;
        write(&format!("people/{}.holder.jwk.json", person.id), holder.to_json_pretty() + "\n")?;
        let (snapshot_file, holder_file) =
            (format!("people/{}.snapshot.jwt", person.id), format!("people/{}.holder.jwk.json", person.id));
        index.push(demo_person(person, band, snapshot_file.into(), holder_file.into()));
    }
    let manifest = Object::new()
        .with("warning", warning)
        .with("issuer", demo::DEMO_ISSUER)
        .with("issued_at", now)
        .with("jwks", "jwks.json")
        .with("models", Object::new().with("consumer", "consumer.model.jws").with("seller", "seller.model.jws"))
        .with("policy", "policy.json")
        .with("people", index);
    write("demo.json", manifest.to_json_pretty() + "\n")?;
    Ok(Output::Json(manifest.with("output_dir", dir.display().to_string())))
}

/// One demo person in `demo`'s output: who they are, their band, and their snapshot and holder
/// key (inline, or the files they were written to).
fn demo_person(person: &demo::DemoPerson, band: String, snapshot: Value, holder: Value) -> Value {
    Value::Object(
        Object::new()
            .with("id", person.id.as_str())
            .with("name", person.name.as_str())
            .with("about", person.about.as_str())
            .with("model", person.model.as_str())
            .with("band", band)
            .with("snapshot", snapshot)
            .with("holder_private_jwk", holder),
    )
}
