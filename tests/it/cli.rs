//! The `edgescore` binary as a user drives it: exit codes, JSON on stdout, files and `-`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use edgescore::json::{self, Object, Value};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_edgescore");
const NOW: &str = "1790000000";
const AUD: &str = "https://rentals.example";

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> Object {
        json::parse_object(self.stdout.trim().as_bytes())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
    pub(crate) fn error_code(&self) -> String {
        assert_eq!(self.code, 1, "expected a rejection, got {}: {} {}", self.code, self.stdout, self.stderr);
        let body = self.json();
        let error = body.get("error").and_then(Value::as_object).expect("error object");
        assert!(error.get("message").and_then(Value::as_str).is_some_and(|m| !m.is_empty()));
        error.get("code").and_then(Value::as_str).unwrap().to_owned()
    }
    pub(crate) fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }
}

fn run_with(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A process that stops reading early (a size cap) closes the pipe; that is its answer.
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

pub(crate) fn run(args: &[&str]) -> Run {
    run_with(args, None)
}

pub(crate) fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Demo person `id`'s snapshot and holder key in the demo files in `dir`.
fn demo_person(dir: &Path, id: &str) -> (PathBuf, PathBuf) {
    (dir.join(format!("people/{id}.sd-jwt")), dir.join(format!("people/{id}.holder.jwk.json")))
}

/// `edgescore present`: demo person `id`'s snapshot presented to `AUD` at `NOW` for `nonce`;
/// the presentation's path.
fn present_demo_person(dir: &Path, id: &str, nonce: &str) -> PathBuf {
    let (snapshot, holder) = demo_person(dir, id);
    let presentation = dir.join(format!("{id}.{nonce}.presentation"));
    run(&[
        "present",
        p(&snapshot),
        "--holder",
        p(&holder),
        "--nonce",
        nonce,
        "--aud",
        AUD,
        "--now",
        NOW,
        "-o",
        p(&presentation),
    ])
    .ok();
    presentation
}

/// `edgescore score` of a presentation for `nonce`, `AUD` and `NOW`, then `extra`.
fn score_presentation(presentation: &Path, nonce: &str, extra: &[&str]) -> Run {
    let mut args = vec!["score", p(presentation), "--nonce", nonce, "--aud", AUD, "--now", NOW];
    args.extend_from_slice(extra);
    run(&args)
}

/// The demo's files (`edgescore demo` at `NOW`) in a fresh work folder, and Lin's snapshot
/// presented from them for the nonce `n-1`.
struct LinPresented {
    dir: PathBuf,
    manifest: Object,
    snapshot: PathBuf,
    holder: PathBuf,
    status: PathBuf,
    presentation: PathBuf,
}

impl LinPresented {
    fn new(name: &str) -> LinPresented {
        let dir = workdir(name);
        let manifest = run(&["demo", "--output-dir", p(&dir), "--now", NOW]).ok().json();
        let (snapshot, holder) = demo_person(&dir, "lin");
        let presentation = present_demo_person(&dir, "lin", "n-1");
        LinPresented { status: dir.join("status-list.jwt"), dir, manifest, snapshot, holder, presentation }
    }

    /// `edgescore score` of the presentation for its nonce, then `extra`.
    fn score(&self, extra: &[&str]) -> Run {
        score_presentation(&self.presentation, "n-1", extra)
    }
}

#[test]
fn demo_flow_scores_a_bound_snapshot() {
    let lin = LinPresented::new("demo-flow");
    let LinPresented { dir, manifest, snapshot, holder, status, presentation: kb } = &lin;
    assert!(manifest.get("warning").and_then(Value::as_str).unwrap().contains("DEMO"));
    let result = lin.score(&["--status-list", p(status), "--deposit", "29900", "--disclose", "full"]).ok().json();
    assert_eq!(result.get("band").and_then(Value::as_str), Some("excellent"));
    assert_eq!(result.get("decision").and_then(Value::as_str), Some("deposit_free"));
    assert_eq!(result.get("status").and_then(Value::as_str), Some("valid"));
    assert_eq!(result.get("score").and_then(Value::as_i64), Some(724));
    // Band disclosure (the default) carries no score; without a status list the default
    // policy refers, and says why.
    let band_only = lin.score(&[]).ok().json();
    assert!(band_only.get("score").is_none() && band_only.get("reasons").is_none());
    assert_eq!(band_only.get("disclosure").and_then(Value::as_str), Some("band"));
    assert_eq!(band_only.get("decision").and_then(Value::as_str), Some("refer"));
    assert_eq!(band_only.get("rule").and_then(Value::as_str), Some("status-unavailable"));
    assert_eq!(band_only.get("status").and_then(Value::as_str), Some("unavailable"));
    // Every disclosure carries the verified claims, the holder key as its RFC 7638 thumbprint.
    let holder_key = edgescore::jwk::PrivateJwk::parse(std::fs::read(holder).unwrap().as_slice()).unwrap();
    let claims = band_only.get("claims").and_then(Value::as_object).expect("claims");
    assert_eq!(claims, result.get("claims").and_then(Value::as_object).unwrap());
    assert_eq!(claims.get("iss").and_then(Value::as_str), Some("https://demo-bureau.example"));
    assert_eq!(claims.get("sub").and_then(Value::as_str), Some("demo-lin"));
    assert_eq!(claims.get("iat").and_then(Value::as_i64), NOW.parse().ok());
    let jkt = claims.get("cnf").and_then(Value::as_object).and_then(|cnf| cnf.get("jkt")).and_then(Value::as_str);
    assert_eq!(jkt, Some(holder_key.public_jwk().thumbprint().as_str()));
    // An error names the claim at fault and how its check failed.
    let replayed = run(&["score", p(kb), "--nonce", "n-2", "--aud", AUD, "--now", NOW]).json();
    let error = replayed.get("error").and_then(Value::as_object).unwrap();
    assert_eq!(
        ["code", "claim", "reason"].map(|name| error.get(name).and_then(Value::as_str)),
        [Some("ERR_NONCE_MISMATCH"), Some("nonce"), Some("check_failed")]
    );
    // The issuance form (no key binding) of a bound snapshot is refused.
    assert_eq!(
        run(&["score", p(snapshot), "--aud", AUD, "--now", NOW, "--status-list", p(status)]).error_code(),
        "ERR_HOLDER_BINDING"
    );
    // Every demo person's snapshot scores into the band the manifest names.
    for person in manifest.get("people").and_then(Value::as_array).unwrap() {
        let person = person.as_object().unwrap();
        let id = person.get("id").and_then(Value::as_str).unwrap();
        let presentation = present_demo_person(dir, id, "n");
        let model = dir.join(if person.get("model").and_then(Value::as_str) == Some("seller") {
            "seller.model.jws"
        } else {
            "consumer.model.jws"
        });
        let result =
            score_presentation(&presentation, "n", &["--model", p(&model), "--status-list", p(status)]).ok().json();
        assert_eq!(result.get("band"), person.get("band"), "{id}");
    }
}

/// Counts the disclosures of an SD-JWT (the pieces between the first and the last `~`).
fn disclosure_names(sd_jwt: &str) -> Vec<String> {
    let parts = edgescore::sdjwt::split(sd_jwt.trim()).unwrap();
    parts.disclosures.iter().map(|d| edgescore::sdjwt::Disclosure::parse(d).unwrap().name).collect()
}

#[test]
fn a_request_gets_exactly_the_features_its_model_reads() {
    let dir = workdir("request");
    run(&["demo", "--output-dir", p(&dir), "--now", NOW, "--person", "chen", "--person", "mei"]).ok();
    let request = dir.join("request.json");
    let made = run(&["request", "--aud", AUD, "--nonce", "n-7", "--now", NOW]);
    std::fs::write(&request, &made.ok().stdout).unwrap();
    let asked = made.json();
    let features: Vec<String> = asked
        .get("features")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(features.len(), 14, "the demo consumer model reads 14 of its schema's 20 features");
    assert_eq!(asked.get("expires_at").and_then(Value::as_i64), Some(1_790_000_120));
    assert_eq!(
        asked.get("model").and_then(Value::as_object).unwrap().get("vct").and_then(Value::as_str),
        Some("edgescore.consumer.v1")
    );
    let presentation = dir.join("chen.presentation");
    let snapshot = dir.join("people/chen.sd-jwt");
    let holder = dir.join("people/chen.holder.jwk.json");
    run(&[
        "present",
        p(&snapshot),
        "--holder",
        p(&holder),
        "--request",
        p(&request),
        "--now",
        NOW,
        "-o",
        p(&presentation),
    ])
    .ok();
    let text = std::fs::read_to_string(&presentation).unwrap();
    assert_eq!(disclosure_names(&text), features);
    let result = run(&[
        "score",
        p(&presentation),
        "--nonce",
        "n-7",
        "--aud",
        AUD,
        "--now",
        NOW,
        "--status-list",
        p(&dir.join("status-list.jwt")),
    ])
    .ok()
    .json();
    assert_eq!(result.get("status").and_then(Value::as_str), Some("valid"));
    // Two features withheld: refused with the code that says so.
    let withheld = dir.join("withheld.presentation");
    let some: Vec<&str> = features.iter().skip(2).map(String::as_str).collect();
    run(&[
        "present",
        p(&snapshot),
        "--holder",
        p(&holder),
        "--nonce",
        "n-8",
        "--aud",
        AUD,
        "--disclose",
        &some.join(","),
        "--now",
        NOW,
        "-o",
        p(&withheld),
    ])
    .ok();
    assert_eq!(disclosure_names(&std::fs::read_to_string(&withheld).unwrap()).len(), features.len() - 2);
    assert_eq!(
        run(&["score", p(&withheld), "--nonce", "n-8", "--aud", AUD, "--now", NOW]).error_code(),
        "ERR_FEATURE_NOT_DISCLOSED"
    );
    // A seller asked with the consumer model's request discloses the consumer features it
    // has (none), and is refused; the request's alternatives are how a verifier asks both.
    let seller = dir.join("mei.presentation");
    run(&[
        "present",
        p(&dir.join("people/mei.sd-jwt")),
        "--holder",
        p(&dir.join("people/mei.holder.jwk.json")),
        "--request",
        p(&request),
        "--now",
        NOW,
        "-o",
        p(&seller),
    ])
    .ok();
    assert!(disclosure_names(&std::fs::read_to_string(&seller).unwrap()).is_empty());
}

#[test]
fn revoking_in_the_status_list_refuses_the_snapshot() {
    let dir = workdir("revoke");
    let features = dir.join("features.jsonl");
    let people = demo_people_lines();
    std::fs::write(&features, people).unwrap();
    let (out, list) = (dir.join("snapshots.jsonl"), dir.join("status.jwt"));
    run(&[
        "issue-batch",
        "--in",
        p(&features),
        "--out",
        p(&out),
        "--demo-key",
        "--now",
        NOW,
        "--status-uri",
        "https://demo-bureau.example/status/batch",
        "--status-size",
        "1000",
        "--status-list-out",
        p(&list),
        "--threads",
        "1",
    ])
    .ok();
    let lines: Vec<Object> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| json::parse_object(l.as_bytes()).unwrap()).collect();
    let indexes: std::collections::BTreeSet<i64> =
        lines.iter().map(|l| l.get("status_idx").and_then(Value::as_i64).unwrap()).collect();
    assert_eq!(indexes.len(), lines.len(), "every snapshot its own entry");
    assert!(indexes.iter().all(|i| (0..1000).contains(i)));
    let verified = run(&["verify", p(&list), "--now", NOW]).ok().json();
    assert_eq!(verified.get("kind").and_then(Value::as_str), Some("status list"));
    assert_eq!(verified.get("size").and_then(Value::as_i64), Some(1000));
    let snapshot_of = |sub: &str| {
        let line = lines.iter().find(|l| l.get("sub").and_then(Value::as_str) == Some(sub)).unwrap();
        let path = dir.join(format!("{sub}.sd-jwt"));
        std::fs::write(&path, line.get("snapshot").and_then(Value::as_str).unwrap()).unwrap();
        path
    };
    let (lin, wang) = (snapshot_of("demo-lin"), snapshot_of("demo-wang"));
    let score = |snapshot: &Path| run(&["score", p(snapshot), "--aud", AUD, "--now", NOW, "--status-list", p(&list)]);
    assert_eq!(score(&lin).ok().json().get("status").and_then(Value::as_str), Some("valid"));
    let later = "1790000060";
    let revoke = |which: &[&str]| {
        let mut args = vec!["revoke", "--status-list", p(&list), "--issued", p(&out), "--demo-key", "--now", later];
        args.extend_from_slice(which);
        run(&args)
    };
    let revoked = revoke(&["--sub", "demo-lin"]).ok().json();
    assert_eq!(revoked.get("status").and_then(Value::as_str), Some("invalid"));
    let score_later =
        |snapshot: &Path| run(&["score", p(snapshot), "--aud", AUD, "--now", later, "--status-list", p(&list)]);
    assert_eq!(score_later(&lin).error_code(), "ERR_REVOKED");
    assert!(score_later(&wang).ok().json().get("band").is_some(), "others are untouched");
    let wang_jti = lines
        .iter()
        .find(|l| l.get("sub").and_then(Value::as_str) == Some("demo-wang"))
        .and_then(|l| l.get("jti").and_then(Value::as_str))
        .unwrap()
        .to_owned();
    revoke(&["--jti", &wang_jti, "--suspend"]).ok();
    assert_eq!(score_later(&wang).error_code(), "ERR_SUSPENDED");
    revoke(&["--sub", "demo-wang", "--reinstate"]).ok();
    assert_eq!(score_later(&wang).ok().json().get("status").and_then(Value::as_str), Some("valid"));
    // An unknown sub changes nothing; a list that does not verify is refused.
    assert_eq!(revoke(&["--sub", "nobody"]).code, 2);
    std::fs::write(&list, "not a token").unwrap();
    assert_eq!(score_later(&wang).error_code(), "ERR_MALFORMED");
}

/// The demo people as `issue-batch` input lines.
fn demo_people_lines() -> String {
    edgescore::demo::people()
        .unwrap()
        .into_iter()
        .map(|person| {
            Object::new()
                .with("sub", format!("demo-{}", person.id))
                .with("schema", person.schema)
                .with("features", person.features)
                .to_json()
                + "\n"
        })
        .collect()
}

#[test]
fn own_keys_model_and_policy_end_to_end() {
    let dir = workdir("own-keys");
    let (private, jwks) = (dir.join("issuer.jwk.json"), dir.join("issuer.jwks.json"));
    let made = run(&["keygen", "--private", p(&private), "--jwks", p(&jwks), "--kid", "bureau-1"]).ok().json();
    assert_eq!(made.get("kid").and_then(Value::as_str), Some("bureau-1"));
    // keygen refuses to overwrite.
    assert_eq!(run(&["keygen", "--private", p(&private), "--jwks", p(&jwks)]).code, 2);
    // The private key is the owner's alone, and signing refuses one that others may read.
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&private), 0o600);
    let sign = |extra: &[&str]| {
        let out = dir.join("check.model.jws");
        run(&[&["sign-model", "src/assets/models/consumer.json", "--key", p(&private), "-o", p(&out)][..], extra]
            .concat())
    };
    for loose in [0o644, 0o640, 0o604, 0o620] {
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(loose)).unwrap();
        let refused = sign(&[]);
        assert_eq!(refused.code, 2, "mode {loose:o}");
        assert!(refused.stderr.contains("--allow-insecure-key-permissions"), "{}", refused.stderr);
    }
    sign(&["--allow-insecure-key-permissions"]).ok();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o400)).unwrap();
    sign(&[]).ok();
    let (other, other_jwks) = (dir.join("other.jwk.json"), dir.join("other.jwks.json"));
    std::fs::write(&other, "{}").unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).unwrap();
    run(&["keygen", "--private", p(&other), "--jwks", p(&other_jwks), "--force"]).ok();
    assert_eq!(mode(&other), 0o600, "an overwritten key is private too");
    let model = dir.join("consumer.model.jws");
    run(&["sign-model", "src/assets/models/consumer.json", "--key", p(&private), "-o", p(&model)]).ok();
    let verified = run(&["verify", p(&model), "--jwks", p(&jwks)]).ok().json();
    assert_eq!(verified.get("kind").and_then(Value::as_str), Some("model"));
    assert_eq!(verified.get("kid").and_then(Value::as_str), Some("bureau-1"));

    let features = dir.join("features.json");
    std::fs::write(
        &features,
        r#"{"repay_on_time_ratio_24m":0.995,"defaults_24m":0,"late_90d_count_24m":0,"real_name_verified":true}"#,
    )
    .unwrap();
    let snapshot = dir.join("snapshot.jwt");
    run(&[
        "issue",
        p(&features),
        "--key",
        p(&private),
        "--iss",
        "https://bureau.example",
        "--sub",
        "p-1",
        "--model",
        p(&model),
        "--jwks",
        p(&jwks),
        "--now",
        NOW,
        "--lifetime",
        "7d",
        "--aud",
        AUD,
        "-o",
        p(&snapshot),
    ])
    .ok();
    let claims = run(&[
        "verify",
        p(&snapshot),
        "--jwks",
        p(&jwks),
        "--aud",
        AUD,
        "--now",
        NOW,
        "--iss",
        "https://bureau.example",
    ])
    .ok()
    .json();
    assert_eq!(claims.get("exp").and_then(Value::as_i64), Some(1_790_000_000 + 7 * 86_400));
    assert_eq!(claims.get("holder_bound"), Some(&Value::Bool(false)));
    // Every feature of the schema is disclosable: those not given as null (no data).
    let disclosed = claims.get("features").and_then(Value::as_object).unwrap();
    assert_eq!(disclosed.len(), 20);
    assert_eq!(disclosed.get("defaults_24m").map(Value::to_json).as_deref(), Some("0"));
    assert_eq!(disclosed.get("verified_contacts"), Some(&Value::Null));
    let policy = dir.join("policy.json");
    std::fs::write(&policy, r#"{"format_version":1,"id":"strict","rules":[{"id":"only-excellent","bands":["excellent"],"decision":"deposit_free"}],"otherwise":"refer"}"#).unwrap();
    let result = run(&[
        "score",
        p(&snapshot),
        "--jwks",
        p(&jwks),
        "--model",
        p(&model),
        "--policy",
        p(&policy),
        "--aud",
        AUD,
        "--now",
        NOW,
    ])
    .ok()
    .json();
    assert_eq!(result.get("decision").and_then(Value::as_str), Some("refer"));
    assert_eq!(result.get("rule").and_then(Value::as_str), Some("otherwise"));
    // The demo JWKS does not know this issuer's key.
    assert_eq!(run(&["score", p(&snapshot), "--aud", AUD, "--now", NOW]).error_code(), "ERR_UNKNOWN_KID");
    // Features that do not fit the model are refused at issue time.
    std::fs::write(&features, r#"{"repay_on_time_ratio_24m":"high"}"#).unwrap();
    let refused = run(&[
        "issue",
        p(&features),
        "--key",
        p(&private),
        "--iss",
        "https://bureau.example",
        "--sub",
        "p-1",
        "--model",
        p(&model),
        "--jwks",
        p(&jwks),
    ]);
    assert_eq!(refused.error_code(), "ERR_FEATURE_INVALID");
}

#[test]
fn tokens_from_stdin_and_inspect() {
    let demo = run(&["demo", "--person", "wang", "--now", NOW]).ok().json();
    let people = demo.get("people").and_then(Value::as_array).unwrap();
    let snapshot = people[0].as_object().unwrap().get("snapshot").and_then(Value::as_str).unwrap().to_owned();
    let inspected = run_with(&["inspect", "-"], Some(&snapshot)).ok().json();
    assert_eq!(inspected.get("verified"), Some(&Value::Bool(false)));
    assert_eq!(inspected.get("kind").and_then(Value::as_str), Some("SD-JWT"));
    assert_eq!(inspected.get("header_check").and_then(Value::as_str), Some("ok"));
    let disclosures = inspected.get("disclosures").and_then(Value::as_array).unwrap();
    assert_eq!(disclosures.len(), 20);
    let first = disclosures[0].as_object().unwrap();
    assert!(first.contains("salt") && first.contains("digest") && first.contains("value"));
    assert_eq!(
        inspected.get("sd_hash").and_then(Value::as_str),
        Some(edgescore::snapshot::sd_hash(&snapshot).as_str())
    );
    // A bound snapshot without a presentation, read from stdin.
    let refused = run_with(&["score", "-", "--now", NOW], Some(&format!("{snapshot}\n")));
    assert_eq!(refused.error_code(), "ERR_HOLDER_BINDING");
    // One trailing line ending is a file's; anything else is part of the token.
    let refused = run_with(&["score", "-", "--now", NOW], Some(&format!("{snapshot} \n")));
    assert_eq!(refused.error_code(), "ERR_MALFORMED");
    let expired = run_with(&["verify", "-", "--now", "1800000000"], Some(&snapshot));
    assert_eq!(expired.error_code(), "ERR_EXPIRED");
}

#[test]
fn inspect_decodes_without_verifying_and_says_so() {
    let encode = |text: &str| edgescore::b64::encode(text.as_bytes());
    let forged = format!(
        "{}.{}.{}",
        encode(r#"{"alg":"none","typ":"dc+sd-jwt","kid":"k"}"#),
        encode(r#"{"sub":"someone"}"#),
        encode("not a signature")
    );
    let inspected = run_with(&["inspect", "-"], Some(&forged)).ok().json();
    assert_eq!(inspected.get("verified"), Some(&Value::Bool(false)));
    assert!(inspected.get("note").and_then(Value::as_str).unwrap().contains("without verifying"));
    assert_eq!(inspected.get("kind").and_then(Value::as_str), Some("snapshot"));
    let payload = inspected.get("payload").and_then(Value::as_object).unwrap();
    assert_eq!(payload.get("sub").and_then(Value::as_str), Some("someone"));
    let check = inspected.get("header_check").and_then(Value::as_object).unwrap();
    assert_eq!(check.get("code").and_then(Value::as_str), Some("ERR_ALG_NOT_ALLOWED"));
    assert!(check.get("message").and_then(Value::as_str).is_some_and(|m| m.contains("none")));
    // A plain JWS has no disclosures to hash.
    assert!(!inspected.contains("sd_hash"));
    let as_sd_jwt = run_with(&["inspect", "-"], Some(&format!("{forged}~"))).ok().json();
    assert_eq!(as_sd_jwt.get("kind").and_then(Value::as_str), Some("SD-JWT"));
    assert!(as_sd_jwt.contains("sd_hash"));
    // A type edgescore does not know: decoded, no kind, no header check.
    let other = format!("{}.{}.AA", encode(r#"{"alg":"EdDSA","typ":"JWT"}"#), encode("[1,2]"));
    let inspected = run_with(&["inspect", "-"], Some(&other)).ok().json();
    assert_eq!(inspected.get("kind"), Some(&Value::Null));
    assert!(!inspected.contains("header_check") && !inspected.contains("sd_hash"));
    assert_eq!(inspected.get("payload").map(Value::to_json).as_deref(), Some("[1,2]"));
    // What does not decode is rejected with a code.
    assert_eq!(run_with(&["inspect", "-"], Some("a.b")).error_code(), "ERR_MALFORMED");
    assert_eq!(
        run_with(&["inspect", "-"], Some(&format!("{}.e30.AA", encode("not json")))).error_code(),
        "ERR_MALFORMED"
    );
    let big = format!("{}.{}.AA", encode("{}"), "A".repeat(300 * 1024));
    assert_eq!(run_with(&["inspect", "-"], Some(&big)).error_code(), "ERR_TOO_LARGE");
}

#[test]
fn rejections_and_usage_errors() {
    // Rejected input: exit 1, {"error":{code,message}} on stdout.
    for (stdin, code) in
        [("", "ERR_MALFORMED"), ("not a token", "ERR_MALFORMED"), ("eyJhbGciOiJub25lIn0.e30.~", "ERR_ALG_NOT_ALLOWED")]
    {
        assert_eq!(run_with(&["score", "-", "--now", NOW], Some(stdin)).error_code(), code, "{stdin:?}");
    }
    let big = "A".repeat(5 * 1024 * 1024);
    assert_eq!(run_with(&["score", "-"], Some(&big)).error_code(), "ERR_TOO_LARGE");
    // Usage errors: exit 2, nothing on stdout.
    for args in [
        &["score"][..],
        &["score", "/nonexistent/snapshot.jwt"],
        &["score", "-", "--disclose", "everything"],
        &["frobnicate"],
        &["issue", "-", "--sub", "x"],
        &["demo", "--person", "nobody"],
        &["issue", "-", "--sub", "x", "--demo-key", "--lifetime", "30y"],
    ] {
        let result = run_with(args, Some("{}"));
        assert_eq!(result.code, 2, "{args:?}: {} {}", result.stdout, result.stderr);
        assert!(result.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn nonce_is_fresh_base64url() {
    let a = run(&["nonce"]).ok().stdout.trim().to_owned();
    let b = run(&["nonce"]).ok().stdout.trim().to_owned();
    assert_ne!(a, b);
    assert_eq!(edgescore::b64::decode(&a, "nonce").unwrap().len(), 16);
}

#[test]
fn score_signs_a_receipt_and_verify_receipt_reads_it() {
    let lin = LinPresented::new("receipt");
    let LinPresented { dir, snapshot, status, presentation: kb, .. } = &lin;
    let (key, jwks) = (dir.join("merchant.jwk.json"), dir.join("merchant.jwks.json"));
    run(&["keygen", "--kid", "merchant-1", "--private", p(&key), "--jwks", p(&jwks)]).ok();
    let scored = lin
        .score(&[
            "--status-list",
            p(status),
            "--deposit",
            "39900",
            "--receipt-key",
            p(&key),
            "--receipt-id",
            "d-1",
            "--order-ref",
            "order-42",
        ])
        .ok()
        .json();
    assert_eq!(scored.get("receipt_id").and_then(Value::as_str), Some("d-1"));
    let receipt_file = dir.join("receipt.jws");
    std::fs::write(&receipt_file, scored.get("receipt").and_then(Value::as_str).unwrap()).unwrap();
    let verified =
        run(&["verify-receipt", p(&receipt_file), "--jwks", p(&jwks), "--iss", AUD, "--now", NOW]).ok().json();
    assert_eq!(verified.get("kind").and_then(Value::as_str), Some("receipt"));
    assert_eq!(verified.get("kid").and_then(Value::as_str), Some("merchant-1"));
    let receipt = verified.get("receipt").and_then(Value::as_object).unwrap();
    assert_eq!(receipt.get("jti").and_then(Value::as_str), Some("d-1"));
    assert_eq!(receipt.get("decision"), scored.get("decision"));
    assert_eq!(receipt.get("band"), scored.get("band"));
    let order = receipt.get("order").and_then(Value::as_object).unwrap();
    assert_eq!(order.get("reference").and_then(Value::as_str), Some("order-42"));
    assert_eq!(order.get("deposit").and_then(Value::as_i64), Some(39900));
    // The snapshot's jti, hashed as the docs say (`printf %s "$JTI" | sha256sum`).
    let jti = run(&["verify", p(kb), "--nonce", "n-1", "--aud", AUD, "--now", NOW]).ok().json();
    let jti = jti.get("jti").and_then(Value::as_str).unwrap().to_owned();
    let snapshot_claims = receipt.get("snapshot").and_then(Value::as_object).unwrap();
    assert_eq!(
        snapshot_claims.get("jti_hash").and_then(Value::as_str),
        Some(edgescore::model::model_digest(jti.as_bytes()).as_str())
    );
    // From stdin; another merchant's key set, another merchant, a receipt from the future.
    run_with(&["verify-receipt", "-", "--jwks", p(&jwks)], Some(&std::fs::read_to_string(&receipt_file).unwrap())).ok();
    let other = dir.join("other.jwks.json");
    run(&["keygen", "--kid", "merchant-1", "--private", p(&dir.join("other.jwk.json")), "--jwks", p(&other)]).ok();
    let refused = |args: &[&str]| run(args).error_code();
    assert_eq!(refused(&["verify-receipt", p(&receipt_file), "--jwks", p(&other)]), "ERR_SIGNATURE_INVALID");
    assert_eq!(
        refused(&["verify-receipt", p(&receipt_file), "--jwks", p(&jwks), "--iss", "https://x.example"]),
        "ERR_ISSUER"
    );
    assert_eq!(
        refused(&["verify-receipt", p(&receipt_file), "--jwks", p(&jwks), "--now", "1789999000"]),
        "ERR_NOT_YET_VALID"
    );
    // A snapshot is not a receipt; a bad decision id is refused before anything is signed.
    assert_eq!(refused(&["verify-receipt", p(snapshot), "--jwks", p(&jwks)]), "ERR_MALFORMED");
    let bad_id = lin.score(&["--receipt-key", p(&key), "--receipt-id", "a b"]);
    assert_eq!(bad_id.error_code(), "ERR_CLAIM_INVALID");
}
