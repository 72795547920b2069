//! The issuer side: `synth`, `features` and `issue-batch` as a bureau runs them, and the
//! fixture of issued snapshots the WebAssembly tests score.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use edgescore::issuer::batch::BatchIssuer;
use edgescore::issuer::features::{self, Deriver, Derivers};
use edgescore::issuer::lines::ReadFrom;
use edgescore::issuer::rows::{process_rows, RowOutcome};
use edgescore::issuer::synth::{self, SynthConfig};
use edgescore::issuer::{batch::MAX_BATCH_LINE_BYTES, features::MAX_RECORD_BYTES};
use edgescore::json::{self, Object, Value};
use edgescore::metrics::discrimination;
use edgescore::snapshot::{verify_snapshot, VerifyOptions};
use edgescore::{demo, Model};

use crate::cli::{p, run, workdir, BIN};

const NOW: i64 = 1_790_000_000;
const NOW_TEXT: &str = "1790000000";

fn lines(path: &Path) -> Vec<Object> {
    let text = fs::read_to_string(path).unwrap();
    text.lines().map(|line| json::parse_object(line.as_bytes()).unwrap()).collect()
}

fn int(object: &Object, name: &str) -> i64 {
    object.get(name).and_then(Value::as_i64).unwrap_or_else(|| panic!("{name} in {}", object.to_json()))
}

fn text<'a>(object: &'a Object, name: &str) -> &'a str {
    object.get(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} in {}", object.to_json()))
}

/// `synth` then `features` into `dir`: returns the features file.
fn population(dir: &Path, people: &str, seed: &str) -> PathBuf {
    let (raw, features) = (dir.join("people.jsonl"), dir.join("features.jsonl"));
    run(&["synth", "--people", people, "--seed", seed, "--out", p(&raw), "--outcomes", p(&dir.join("outcomes.csv"))])
        .ok();
    let summary =
        run(&["features", "--in", p(&raw), "--out", p(&features), "--errors", p(&dir.join("ferr.jsonl"))]).ok().json();
    assert_eq!(int(&summary, "rejected"), 0);
    assert_eq!(summary.get("written").and_then(Value::as_i64), people.parse().ok());
    features
}

fn issue_batch(input: &Path, out: &Path, errors: &Path, extra: &[&str]) -> Object {
    let mut args = vec!["issue-batch", "--in", p(input), "--out", p(out), "--errors", p(errors)];
    args.extend_from_slice(&["--demo-key", "--now", NOW_TEXT]);
    args.extend_from_slice(extra);
    run(&args).ok().json()
}

#[test]
fn synth_is_deterministic_for_a_seed() {
    let dir = workdir("issuer-synth");
    let make = |name: &str, seed: &str, threads: &str| {
        let (out, csv) = (dir.join(format!("{name}.jsonl")), dir.join(format!("{name}.csv")));
        let args = ["synth", "--people", "400", "--seed", seed, "--threads", threads, "--out", p(&out)];
        run(&[&args[..], &["--outcomes", p(&csv)]].concat()).ok();
        (fs::read(out).unwrap(), fs::read_to_string(csv).unwrap())
    };
    let (first, first_csv) = make("a", "11", "1");
    let (again, again_csv) = make("b", "11", "2");
    let (other, _) = make("c", "12", "2");
    assert!(first == again && first_csv == again_csv, "same seed, other thread count: other bytes");
    assert_ne!(first, other, "another seed gave the same population");
    // Without --out the people go to stdout, byte for byte the same.
    assert_eq!(run(&["synth", "--people", "400", "--seed", "11"]).ok().stdout.as_bytes(), &first[..]);

    // The outcomes CSV: a stable header, one row per person, matching the records' truth.
    let rows: Vec<&str> = first_csv.lines().collect();
    assert_eq!(rows[0], "person,sub,kind,community,risk,pd_12m,default_12m");
    assert_eq!(rows.len(), 401);
    let records: Vec<Object> =
        first.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| json::parse_object(l).unwrap()).collect();
    for (row, record) in rows[1..].iter().zip(&records) {
        let cells: Vec<&str> = row.split(',').collect();
        let truth = record.get("truth").and_then(Value::as_object).unwrap();
        assert_eq!(cells[1], text(record, "sub"));
        assert_eq!(cells[2], text(record, "kind"));
        assert_eq!(cells[6], int(truth, "default_12m").to_string());
    }
    let sellers = records.iter().filter(|r| text(r, "kind") == "seller").count();
    assert!((10..70).contains(&sellers), "{sellers} sellers of 400 at 8%");
    // Contacts are people of this population.
    assert!(records.iter().flat_map(|r| r.get("contacts").and_then(Value::as_array).unwrap()).all(|c| {
        let n = c.as_i64().unwrap();
        (0..400).contains(&n)
    }));
}

const HAND_PEOPLE: &str = r#"{"person":0,"sub":"hand-0","kind":"consumer","identity_checks":[{"m":-30,"check":"real_name","result":"fail"},{"m":-29,"check":"real_name","result":"pass"},{"m":-40,"check":"education","result":"pass","level":"college"},{"m":-10,"check":"education","result":"pass","level":"masters"}],"income":{"monthly_cny":8000,"verified":true},"assets":[{"kind":"deposit","cny":15000,"verified":true},{"kind":"fund","cny":5000,"verified":true},{"kind":"vehicle","cny":90000,"verified":false}],"phone":{"since":-70},"addresses":[{"since":-38},{"since":-80}],"credit_lines":[{"id":"L1","product":"pay_later","opened":-30,"limit":4000,"balance":1000,"history":"CCCCCCCCCCCC1CCCCCCCCCCC"},{"id":"L2","product":"credit_card","opened":-10,"limit":6000,"balance":3500,"history":"--------------CCCCCCCCCC"},{"id":"L3","product":"consumer_loan","opened":-30,"closed":-5,"amount":20000,"history":"CCCCCCCCCCCCCCCCCCCC----"}],"utilities":[{"kind":"electricity","history":"OOOOOOOOOOOOAAAAAAAAAAAA"},{"kind":"water","history":"------------CCCcCCCMCCCC"}],"orders":[{"m":-20,"cat":"luxury","cny":5000,"ret":true,"pay":"digital"},{"m":-11,"cat":"books","cny":80,"ret":false,"pay":"digital"},{"m":-9,"cat":"groceries","cny":50,"ret":false,"pay":"cash_on_delivery"},{"m":-6,"cat":"books","cny":40,"ret":true,"pay":"digital"},{"m":-3,"cat":"groceries","cny":70,"ret":false,"pay":"digital"}],"rentals":[{"m":-5,"item":"bike","honoured":true},{"m":-2,"item":"car","honoured":false},{"m":-1,"item":"power_bank","honoured":true}],"contacts":[1,2,99],"truth":{"risk":3,"pd_12m":0.9,"default_12m":1}}
{"person":1,"sub":"hand-1","kind":"consumer","identity_checks":[{"m":-12,"check":"real_name","result":"pass"}],"income":{"monthly_cny":2500,"verified":false},"assets":[],"credit_lines":[{"id":"L1","product":"micro_loan","opened":-24,"amount":3000,"history":"CCCC123D----------------"}],"contacts":[0]}

not json
{"person":3,"sub":"hand-3","kind":"consumer","credit_lines":[{"id":"L1","product":"pay_later","opened":-3,"history":"CCC"}]}
{"person":2,"sub":"hand-2","kind":"seller","identity_checks":[{"m":-3,"check":"real_name","result":"fail"}],"contacts":[0],"store":{"opened":-14,"licence_verified":true,"months":[{"m":-14,"orders":10,"sales_cny":1000,"disputes":0,"refunds":1,"shipped_on_time":10,"buyers":10,"repeat_buyers":0,"reviews":4,"positive":4,"stars":20},{"m":-12,"orders":100,"sales_cny":10000,"disputes":1,"refunds":2,"shipped_on_time":95,"buyers":80,"repeat_buyers":20,"reviews":20,"positive":18,"stars":94},{"m":-2,"orders":300,"sales_cny":30000,"disputes":2,"refunds":4,"shipped_on_time":297,"buyers":200,"repeat_buyers":60,"reviews":50,"positive":48,"stars":245}],"loans":[{"id":"M1","opened":-20,"amount":50000,"history":"----CCCCCCCCCCCCCCCCCCCC"},{"id":"M2","opened":-6,"amount":20000,"history":"------------------CC1CCC"}]}}
"#;

/// Features worked out by hand from `HAND_PEOPLE` (the arithmetic is in the comments).
const HAND_FEATURES: [&str; 3] = [
    // repayments: on time 23 + 10 + 20 of 24 + 10 + 20 due = 53/54; bills (12m): on time 12 + 10
    // of 24 billed; open lines L1, L2; orders (12m): books 2 (120 yuan) ties groceries 2 (120),
    // so books by name; 1 of 4 returned; digital: bills 12 + orders 3 of bills paid 23 + orders
    // 4 = 15/27; latest bills A and C: not all autopay; income 8000; verified assets 15000 +
    // 5000; utilisation (1000 + 3500) / (4000 + 6000); rentals 2 of 3; latest passed
    // education masters; latest address since -38; contacts 1 (bad standing, verified), 2
    // (good, not verified), 99 (unknown): 1 of 2 known good, 1 verified.
    r#"{"repay_on_time_ratio_24m":0.9815,"late_90d_count_24m":0,"defaults_24m":0,"utility_on_time_ratio_12m":0.9167,"open_credit_lines":2,"online_orders_12m":4,"top_shopping_category":"books","return_rate_12m":0.25,"digital_payment_share":0.5556,"bills_on_autopay":false,"monthly_income_band":"8k_to_20k","verified_assets_cny":20000,"credit_utilisation":0.45,"services_fulfilled_ratio":0.6667,"real_name_verified":true,"education_level":"masters","residence_tenure_months":38,"phone_tenure_months":70,"contacts_good_standing_ratio":0.5,"verified_contacts":1}"#,
    // one micro loan: 4 on time of 8 due (C C C C 1 2 3 D), one 90-day mark, defaulted (so not
    // open); no bills, orders, rentals, verified income or assets, address or phone; contact 0
    // is in good standing and verified.
    r#"{"repay_on_time_ratio_24m":0.5,"late_90d_count_24m":1,"defaults_24m":1,"utility_on_time_ratio_12m":null,"open_credit_lines":0,"online_orders_12m":0,"top_shopping_category":null,"return_rate_12m":null,"digital_payment_share":null,"bills_on_autopay":null,"monthly_income_band":null,"verified_assets_cny":null,"credit_utilisation":null,"services_fulfilled_ratio":null,"real_name_verified":true,"education_level":null,"residence_tenure_months":null,"phone_tenure_months":null,"contacts_good_standing_ratio":1,"verified_contacts":1}"#,
    // loans: 20 + 5 on time of 20 + 6 due; 12m months -12 and -2: disputes 3, refunds 6, shipped
    // 392 of 400 orders, repeat 80 of 280 buyers, sales 10000 and 30000 (mean 20000, sd 10000);
    // all months: stars 359 of 74 reviews = 4.85, 70 positive of 74; opened 14 months ago.
    r#"{"merchant_loan_on_time_ratio":0.9615,"dispute_rate_12m":0.0075,"refund_rate_12m":0.015,"store_rating":4.85,"positive_review_ratio":0.9459,"monthly_sales_cv":0.5,"avg_monthly_sales_cny":20000,"on_time_shipment_ratio":0.98,"store_tenure_months":14,"business_licence_verified":true,"repeat_buyer_ratio":0.2857}"#,
];

#[test]
fn features_match_hand_computed_values_and_bad_rows_are_reported() {
    let dir = workdir("issuer-hand");
    let (raw, out, errors) = (dir.join("people.jsonl"), dir.join("features.jsonl"), dir.join("errors.jsonl"));
    fs::write(&raw, HAND_PEOPLE).unwrap();
    let summary = run(&["features", "--in", p(&raw), "--out", p(&out), "--errors", p(&errors)]).ok().json();
    assert_eq!((int(&summary, "written"), int(&summary, "rejected")), (3, 2));
    let got = lines(&out);
    let expected =
        [("hand-0", "edgescore.consumer.v1"), ("hand-1", "edgescore.consumer.v1"), ("hand-2", "edgescore.seller.v1")];
    for ((line, (sub, schema)), features) in got.iter().zip(expected).zip(HAND_FEATURES) {
        assert_eq!(text(line, "sub"), sub);
        assert_eq!(text(line, "schema"), schema);
        let want = json::parse_object(features.as_bytes()).unwrap();
        assert_eq!(line.get("features").and_then(Value::as_object).unwrap(), &want, "{sub}");
    }
    // Line 3 is blank (skipped), 4 is not JSON, 5 has a short history.
    let errors = lines(&errors);
    let reported: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| (int(e, "line"), text(e.get("error").and_then(Value::as_object).unwrap(), "code")))
        .collect();
    assert_eq!(reported, vec![(4, "ERR_MALFORMED"), (5, "ERR_MALFORMED")]);

    // --kind keeps one kind; --model takes a signed model (here the demo one, from its file).
    run(&["features", "--in", p(&raw), "--out", p(&out), "--errors", p(&dir.join("e2")), "--kind", "seller"]).ok();
    assert_eq!(lines(&out).len(), 1);
    let (model, e3) = ("src/assets/models/consumer.model.jws", dir.join("e3"));
    let args = ["features", "--in", p(&raw), "--out", p(&out), "--errors", p(&e3), "--model", model];
    run(&[&args[..], &["--kind", "consumer"]].concat()).ok();
    assert_eq!(lines(&out).iter().map(|l| text(l, "sub").to_owned()).collect::<Vec<_>>(), ["hand-0", "hand-1"]);
    assert_eq!(run(&["features", "--in", p(&raw), "--model", "src/assets/models/seller.json"]).code, 1);
    assert_eq!(run(&["features", "--in", "-"]).code, 2);
}

#[test]
fn derivation_is_the_same_in_process() {
    // The library path (as the benchmark and model fitting use it) agrees with the hand values.
    let derivers = Derivers {
        consumer: Some(Deriver::new(demo::consumer_model().unwrap().model().clone()).unwrap()),
        seller: Some(Deriver::new(demo::seller_model().unwrap().model().clone()).unwrap()),
    };
    let standing = features::collect_standing(HAND_PEOPLE.as_bytes(), ReadFrom::START, 2).unwrap();
    let first = HAND_PEOPLE.lines().next().unwrap();
    let line = features::features_row(&derivers, &standing, first.as_bytes()).unwrap().line.unwrap();
    let features = json::parse_object(line.as_bytes()).unwrap();
    assert_eq!(
        features.get("features").unwrap(),
        &Value::Object(json::parse_object(HAND_FEATURES[0].as_bytes()).unwrap())
    );
    // A schema feature that no definition derives (renamed together with its characteristic).
    let mut spec = demo::consumer_model().unwrap().model().to_spec();
    let renamed = std::mem::replace(&mut spec.features[0].name, "shoe_size".to_owned());
    for characteristic in spec.characteristics.iter_mut().filter(|c| c.feature == renamed) {
        characteristic.feature = "shoe_size".to_owned();
    }
    let model = Model::try_from(spec).unwrap();
    let refused = Deriver::new(model).unwrap_err();
    assert_eq!(refused.code(), edgescore::ErrorCode::ModelInvalid);
}

fn verify_all(out: &Path, people: usize) -> BTreeMap<i64, String> {
    let keys = demo::jwks().unwrap();
    let models: Vec<Model> =
        vec![demo::consumer_model().unwrap().model().clone(), demo::seller_model().unwrap().model().clone()];
    let mut seen = BTreeMap::new();
    for line in lines(out) {
        let snapshot = text(&line, "snapshot");
        let verified = verify_snapshot(snapshot, &keys, &VerifyOptions::default(), NOW + 60, None).unwrap();
        assert_eq!(verified.subject(), text(&line, "sub"));
        assert_eq!(verified.issued_at(), NOW);
        let model = models.iter().find(|m| m.schema() == verified.schema()).unwrap();
        edgescore::scorecard::score_snapshot(model, &verified).unwrap();
        assert!(seen.insert(int(&line, "line"), snapshot.to_owned()).is_none(), "line twice");
    }
    assert_eq!(seen.len(), people);
    seen
}

#[test]
fn every_line_verifies_and_shards_cover_everyone_once() {
    let dir = workdir("issuer-shards");
    let input = population(&dir, "300", "3");
    let whole = dir.join("whole.jsonl");
    let summary = issue_batch(&input, &whole, &dir.join("whole.err"), &["--threads", "1"]);
    assert_eq!(int(&summary, "issued"), 300);
    let everyone = verify_all(&whole, 300);
    // Every line number 1..=300 once, in order.
    assert_eq!(everyone.keys().copied().collect::<Vec<_>>(), (1..=300).collect::<Vec<_>>());
    let by_offset: BTreeMap<i64, String> =
        lines(&whole).iter().map(|l| (int(l, "offset"), text(l, "snapshot").to_owned())).collect();
    let size = fs::metadata(&input).unwrap().len() as i64;

    for count in [3, 7] {
        let mut union = BTreeMap::new();
        for index in 0..count {
            let out = dir.join(format!("shard-{index}-of-{count}.jsonl"));
            let shard = format!("{index}/{count}");
            issue_batch(&input, &out, &dir.join(format!("shard-{index}.err")), &["--shard", &shard, "--threads", "2"]);
            // A shard holds the lines that begin in its byte range, numbered from 1.
            let (start, end) = (size * index / count, size * (index + 1) / count);
            for (at, line) in lines(&out).iter().enumerate() {
                let offset = int(line, "offset");
                assert!((start..end).contains(&offset), "offset {offset} in shard {shard}");
                assert_eq!(int(line, "line"), at as i64 + 1);
                let before = union.insert(offset, text(line, "snapshot").to_owned());
                assert!(before.is_none(), "offset {offset} in two shards");
            }
        }
        assert!(union == by_offset, "{count} shards together are the whole batch, snapshot for snapshot");
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

/// Input for resume tests: a population with a few bad rows among it.
fn resume_input(dir: &Path, people: &str) -> PathBuf {
    let features = population(dir, people, "5");
    let mut text: Vec<String> = read(&features).lines().map(str::to_owned).collect();
    for at in [7, 150, 400] {
        text.insert(at.min(text.len()), "{\"sub\":\"broken\"}".to_owned());
    }
    let input = dir.join("input.jsonl");
    fs::write(&input, text.join("\n") + "\n").unwrap();
    input
}

/// An uninterrupted run over `resume_input`: the input, output and error paths, and the
/// output and error files' contents.
fn reference_run(name: &str, people: &str) -> ([PathBuf; 3], String, String) {
    let dir = workdir(name);
    let input = resume_input(&dir, people);
    let (out, errors) = (dir.join("out.jsonl"), dir.join("err.jsonl"));
    issue_batch(&input, &out, &errors, &[]);
    let (reference, reference_errors) = (read(&out), read(&errors));
    ([input, out, errors], reference, reference_errors)
}

/// The `.part` name an unfinished output has.
fn part(path: &Path) -> PathBuf {
    edgescore::issuer::output::part_path(path)
}

fn manifest(path: &Path) -> Object {
    json::parse_object(&fs::read(edgescore::issuer::output::manifest_path(path)).unwrap()).unwrap()
}

#[test]
fn resume_after_a_torn_write_matches_an_uninterrupted_run() {
    let ([input, out, errors], reference, reference_errors) = reference_run("issuer-torn", "500");
    assert_eq!(reference.lines().count(), 500);
    assert_eq!(reference_errors.lines().count(), 3);
    // Cut the unfinished output in the middle of a line, and leave the error file ahead of it
    // (as if the run was killed between the two writes).
    for cut in [reference.len() / 3 + 17, 5, reference.len() - 1] {
        for finished in [&out, &errors, &edgescore::issuer::output::manifest_path(&out)] {
            fs::remove_file(finished).unwrap();
        }
        fs::write(part(&out), &reference[..cut]).unwrap();
        fs::write(part(&errors), &reference_errors).unwrap();
        let summary = issue_batch(&input, &out, &errors, &["--threads", "2"]);
        assert!(int(&summary, "issued") > 0);
        assert!(read(&out) == reference, "resumed output differs (cut at {cut})");
        assert_eq!(read(&errors), reference_errors, "cut at {cut}");
        assert!(!part(&out).exists() && !part(&errors).exists());
    }
    // Resuming a finished run does nothing; --restart starts over.
    let summary = issue_batch(&input, &out, &errors, &[]);
    assert_eq!((int(&summary, "issued"), summary.get("already_complete")), (0, Some(&Value::Bool(true))));
    assert_eq!(int(&issue_batch(&input, &out, &errors, &["--restart"]), "issued"), 500);
    assert!(read(&out) == reference);
    // A file that is not an issue-batch output is not appended to, nor replaced.
    let other = out.with_file_name("other.jsonl");
    fs::write(&other, "hello\n").unwrap();
    let refused = run(&["issue-batch", "--in", p(&input), "--out", p(&other), "--demo-key"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(read(&other), "hello\n");
}

#[test]
fn resume_after_a_killed_run_loses_and_duplicates_nobody() {
    let ([input, out, errors], reference, reference_errors) = reference_run("issuer-kill", "1500");
    fs::remove_file(&out).unwrap();
    fs::remove_file(&errors).unwrap();
    fs::remove_file(edgescore::issuer::output::manifest_path(&out)).unwrap();
    fs::remove_file(edgescore::issuer::output::run_path(&out)).unwrap();

    let args = ["issue-batch", "--in", p(&input), "--out", p(&out), "--errors", p(&errors)];
    let args = [&args[..], &["--demo-key", "--now", NOW_TEXT, "--threads", "1"]].concat();
    let mut child = Command::new(BIN).args(&args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    while fs::read(part(&out)).map_or(0, |bytes| bytes.iter().filter(|&&b| b == b'\n').count()) < 1
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = read(&part(&out));
    assert!(!partial.is_empty(), "the first run wrote nothing before it was killed");
    assert!(!out.exists(), "an unfinished output is not in place");
    let summary = issue_batch(&input, &out, &errors, &["--threads", "2"]);
    if partial.len() < reference.len() {
        assert!(!summary.get("resumed_after_line").unwrap().eq(&Value::Null));
    }
    assert!(read(&out) == reference, "killed and resumed output differs from an uninterrupted run");
    assert_eq!(read(&errors), reference_errors);
    verify_all(&out, 1500);
}

#[test]
fn outputs_appear_complete_with_a_manifest_written_last() {
    let ([input, out, errors], reference, reference_errors) = reference_run("issuer-manifest", "120");
    let manifest = manifest(&out);
    let files = manifest.get("files").and_then(Value::as_object).unwrap();
    for (role, path, contents) in [("output", &out, &reference), ("errors", &errors, &reference_errors)] {
        let file = files.get(role).and_then(Value::as_object).unwrap();
        let digest = edgescore::issuer::output::hex(&<sha2::Sha256 as sha2::Digest>::digest(contents.as_bytes()));
        assert_eq!(text(file, "sha256"), digest, "{role}");
        assert_eq!(int(file, "rows"), contents.lines().count() as i64);
        assert_eq!(int(file, "bytes"), contents.len() as i64);
        assert_eq!(text(file, "file"), path.file_name().unwrap().to_str().unwrap());
        assert!(!part(path).exists());
    }
    let parameters = manifest.get("parameters").and_then(Value::as_object).unwrap();
    assert_eq!(int(parameters, "iat"), NOW);
    assert_eq!(text(parameters, "kid"), demo::issuer().unwrap().kid());
    let counts = manifest.get("counts").and_then(Value::as_object).unwrap();
    assert_eq!((int(counts, "issued"), int(counts, "rejected")), (120, 3));
    // The same run again finds it complete; a run with other parameters is refused.
    let again = issue_batch(&input, &out, &errors, &[]);
    assert_eq!(again.get("already_complete"), Some(&Value::Bool(true)));
    let refused = run(&["issue-batch", "--in", p(&input), "--out", p(&out), "--demo-key", "--now", "1790000001"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("iat"), "{}", refused.stderr);
    assert!(read(&out) == reference);
}

#[test]
fn resume_refuses_other_run_parameters() {
    let dir = workdir("issuer-resume-params");
    let input = resume_input(&dir, "40");
    let (out, errors) = (dir.join("out.jsonl"), dir.join("err.jsonl"));
    let key = dir.join("issuer.jwk.json");
    run(&["keygen", "--private", p(&key), "--jwks", p(&dir.join("issuer.jwks.json"))]).ok();
    issue_batch(&input, &out, &errors, &["--iss", "https://bureau.example"]);
    let finished = read(&out);
    // An interrupted run: the output cut, no manifest.
    fs::remove_file(edgescore::issuer::output::manifest_path(&out)).unwrap();
    fs::remove_file(&out).unwrap();
    fs::write(part(&out), &finished[..finished.len() / 2]).unwrap();
    let base = ["issue-batch", "--in", p(&input), "--out", p(&out), "--errors", p(&errors)];
    let cases: [(&[&str], &str); 6] = [
        (&["--demo-key", "--now", "1790000001", "--iss", "https://bureau.example"], "iat"),
        (&["--demo-key", "--now", NOW_TEXT, "--iss", "https://other.example"], "iss"),
        (&["--demo-key", "--now", NOW_TEXT, "--iss", "https://bureau.example", "--lifetime", "7d"], "lifetime"),
        (&["--key", p(&key), "--now", NOW_TEXT, "--iss", "https://bureau.example"], "kid"),
        (&["--demo-key", "--now", NOW_TEXT, "--iss", "https://bureau.example", "--aud", "https://a.example"], "aud"),
        (&["--demo-key", "--now", NOW_TEXT, "--iss", "https://bureau.example", "--shard", "0/2"], "shard"),
    ];
    for (extra, differing) in cases {
        let refused = run(&[&base[..], extra].concat());
        assert_eq!(refused.code, 2, "{extra:?}: {}", refused.stderr);
        assert!(refused.stderr.contains(differing), "{extra:?}: {}", refused.stderr);
        assert_eq!(read(&part(&out)), finished[..finished.len() / 2], "{extra:?} changed the unfinished output");
    }
    // Without --now the recorded iat is used, and the run completes as the first would have.
    let resumed = run(&[&base[..], &["--demo-key", "--iss", "https://bureau.example"]].concat()).ok().json();
    assert!(int(&resumed, "issued") > 0);
    assert!(read(&out) == finished);
}

#[test]
fn run_options_are_checked_before_any_row() {
    let dir = workdir("issuer-options");
    let input = population(&dir, "5", "4");
    let out = dir.join("out.jsonl");
    let wide = "a".repeat(250);
    let mut many_audiences: Vec<&str> = Vec::new();
    let names: Vec<String> = (0..40).map(|i| format!("https://{i:02}.{wide}")[..250].to_owned()).collect();
    for name in &names {
        many_audiences.extend_from_slice(&["--aud", name]);
    }
    let long = "x".repeat(257);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--now", "-1"], "issue time"),
        (vec!["--now", "99999999999999"], "issue time"),
        (vec!["--now", "253402300000"], "lifetime"),
        (vec!["--iss", ""], "iss"),
        (vec!["--iss", &long], "iss"),
        (vec!["--aud", ""], "aud"),
        (vec!["--aud", &long], "aud"),
        (vec!["--aud", "https://a.example", "--aud", "https://a.example"], "twice"),
        (many_audiences.clone(), "no room"),
        (vec!["--lifetime", "0"], "duration"),
        (vec!["--threads", "0"], "--threads"),
        (vec!["--shard", "2/2"], "--shard"),
        (vec!["--max-reject-rate", "1.5"], "--max-reject-rate"),
        (vec!["--progress-interval", "-3"], "--progress-interval"),
    ];
    for (extra, reason) in cases {
        let args = [&["issue-batch", "--in", p(&input), "--out", p(&out), "--demo-key"][..], &extra[..]].concat();
        let args: Vec<&str> = if extra.contains(&"--now") { args } else { [&args[..], &["--now", NOW_TEXT]].concat() };
        let refused = run(&args);
        assert_eq!(refused.code, 2, "{extra:?}: {}", refused.stderr);
        assert!(refused.stderr.contains(reason), "{extra:?}: {}", refused.stderr);
        assert!(!out.exists() && !part(&out).exists(), "{extra:?} wrote output");
    }
}

#[test]
fn sharded_runs_give_each_shard_its_own_status_list() {
    let dir = workdir("issuer-status-shards");
    let input = population(&dir, "60", "11");
    let refused = run(&[
        "issue-batch",
        "--in",
        p(&input),
        "--demo-key",
        "--now",
        NOW_TEXT,
        "--shard",
        "0/2",
        "--status-uri",
        "https://demo-bureau.example/status",
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("{shard}"), "{}", refused.stderr);
    let mut lists = BTreeMap::new();
    for index in 0..2 {
        let out = dir.join(format!("shard-{index}.jsonl"));
        let list = dir.join(format!("list-{index}.jwt"));
        let shard = format!("{index}/2");
        issue_batch(
            &input,
            &out,
            &dir.join(format!("err-{index}.jsonl")),
            &[
                "--shard",
                &shard,
                "--status-uri",
                "https://demo-bureau.example/status/{shard}",
                "--status-size",
                "64",
                "--status-list-out",
                p(&list),
            ],
        );
        assert!(list.exists());
        let indexes: std::collections::BTreeSet<i64> = lines(&out).iter().map(|l| int(l, "status_idx")).collect();
        assert_eq!(indexes.len(), lines(&out).len(), "shard {index}: every line its own entry");
        let manifest = manifest(&out);
        let status =
            manifest.get("parameters").and_then(|p| p.as_object()).and_then(|p| p.get("status")).unwrap().clone();
        lists.insert(index, status.to_json());
    }
    assert!(lists[&0].contains("/status/0") && lists[&1].contains("/status/1"), "{lists:?}");
}

#[test]
fn a_snapshot_over_the_verifiers_cap_is_a_rejected_row() {
    let dir = workdir("issuer-oversize");
    let input = population(&dir, "20", "6");
    let (out, errors) = (dir.join("out.jsonl"), dir.join("err.jsonl"));
    // Audiences that leave room for a small snapshot but not for a full feature set.
    let names: Vec<String> = (0..22).map(|i| format!("https://{i:02}.{}", "a".repeat(240))).collect();
    let mut extra = Vec::new();
    for name in &names {
        extra.extend_from_slice(&["--aud", name.as_str()]);
    }
    let summary = issue_batch(&input, &out, &errors, &extra);
    assert_eq!((int(&summary, "issued"), int(&summary, "rejected")), (0, 20), "{}", summary.to_json());
    for line in lines(&errors) {
        let error = line.get("error").and_then(Value::as_object).unwrap();
        assert_eq!(text(error, "code"), "ERR_TOO_LARGE");
    }
}

#[test]
fn too_many_rejected_rows_fail_the_run_and_leave_it_unfinished() {
    let dir = workdir("issuer-reject-rate");
    let input = resume_input(&dir, "20"); // 3 bad rows of 23
    let (out, errors) = (dir.join("out.jsonl"), dir.join("err.jsonl"));
    let base = ["issue-batch", "--in", p(&input), "--out", p(&out), "--errors", p(&errors), "--demo-key"];
    let failed = run(&[&base[..], &["--now", NOW_TEXT, "--max-reject-rate", "10%"]].concat());
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    let error = failed.json().get("error").and_then(Value::as_object).unwrap().clone();
    assert_eq!(text(&error, "code"), "ERR_TOO_MANY_REJECTED");
    assert!(!out.exists() && part(&out).exists() && !edgescore::issuer::output::manifest_path(&out).exists());
    // Resuming counts the whole output, so it fails again; a looser rate finishes it.
    let again = run(&[&base[..], &["--now", NOW_TEXT, "--max-reject-rate", "0.1"]].concat());
    assert_eq!(again.code, 1, "{}", again.stderr);
    let passed = run(&[&base[..], &["--now", NOW_TEXT, "--max-reject-rate", "0.2"]].concat());
    assert_eq!(passed.code, 0, "{}", passed.stderr);
    assert!(out.exists() && lines(&out).len() == 20);
}

#[test]
fn progress_lines_go_to_stderr_when_it_is_not_a_terminal() {
    let dir = workdir("issuer-progress");
    let input = population(&dir, "600", "7");
    let out = dir.join("out.jsonl");
    let args = ["issue-batch", "--in", p(&input), "--out", p(&out), "--demo-key", "--now", NOW_TEXT];
    let with = run(&[&args[..], &["--threads", "1", "--progress-interval", "0.0001"]].concat()).ok().stderr.clone();
    let progress: Vec<Object> = with.lines().map(|l| json::parse_object(l.as_bytes()).unwrap()).collect();
    assert!(progress.len() >= 2, "{with}");
    let last = progress.last().unwrap().get("progress").and_then(Value::as_object).unwrap().clone();
    assert!(int(&last, "done") > 0 && int(&last, "bytes_total") > 0, "{with}");
    let without = run(&[&args[..], &["--restart", "--progress-interval", "0"]].concat()).ok().stderr.clone();
    assert_eq!(without, "");
}

#[test]
fn sparse_and_huge_person_numbers_cost_memory_for_the_people_present() {
    let dir = workdir("issuer-sparse");
    let raw = dir.join("people.jsonl");
    run(&["synth", "--people", "3", "--seed", "8", "--out", p(&raw)]).ok();
    let people: Vec<String> = read(&raw).lines().map(str::to_owned).collect();
    let renumbered: Vec<String> = [4_294_967_295u64, 2_147_483_648, 7]
        .iter()
        .zip(&people)
        .map(|(number, line)| {
            let mut object = json::parse_object(line.as_bytes()).unwrap();
            object.insert("person", *number as i64);
            object.insert("contacts", vec![Value::from(4_294_967_295i64), Value::from(7i64)]);
            object.to_json()
        })
        .collect();
    fs::write(&raw, renumbered.join("\n") + "\n").unwrap();
    let out = dir.join("features.jsonl");
    let summary = run(&["features", "--in", p(&raw), "--out", p(&out)]).ok().json();
    assert_eq!(int(&summary, "written"), 3);
    assert!(int(&summary, "standing_table_bytes") < 1024, "{}", summary.to_json());
    // The old table took a byte per number up to the largest: 4 GiB here.
    assert!(int(&summary, "peak_rss_bytes") < 200 << 20, "{}", summary.to_json());
    for line in lines(&out) {
        let features = line.get("features").and_then(Value::as_object).unwrap();
        assert!(features.get("contacts_good_standing_ratio").is_some());
    }
}

#[test]
fn features_shards_by_byte_range_with_standing_tables() {
    let dir = workdir("issuer-features-shards");
    let raw = dir.join("people.jsonl");
    run(&["synth", "--people", "400", "--seed", "10", "--out", p(&raw)]).ok();
    let whole = dir.join("whole.jsonl");
    run(&["features", "--in", p(&raw), "--out", p(&whole)]).ok();
    let refused = run(&["features", "--in", p(&raw), "--out", p(&dir.join("x.jsonl")), "--shard", "0/2"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--standing"), "{}", refused.stderr);
    let mut tables = Vec::new();
    for index in 0..3 {
        let table = dir.join(format!("standing-{index}.bin"));
        let shard = format!("{index}/3");
        let made = run(&["features", "--in", p(&raw), "--standing-out", p(&table), "--shard", &shard]).ok().json();
        assert!(int(&made, "people") > 100);
        tables.push(table);
    }
    let mut joined = String::new();
    for index in 0..3 {
        let out = dir.join(format!("features-{index}.jsonl"));
        let shard = format!("{index}/3");
        let mut args = vec!["features", "--in", p(&raw), "--out", p(&out), "--shard", &shard];
        for table in &tables {
            args.extend_from_slice(&["--standing", p(table)]);
        }
        run(&args).ok();
        joined.push_str(&read(&out));
        let parameters = manifest(&out).get("parameters").and_then(Value::as_object).unwrap().clone();
        assert_eq!(parameters.get("standing").and_then(Value::as_array).map(<[Value]>::len), Some(3));
    }
    assert!(joined == read(&whole), "the shards' features are the whole run's, in order");
    fs::write(&tables[1], b"not a table").unwrap();
    let damaged = run(&["features", "--in", p(&raw), "--shard", "0/3", "--standing", p(&tables[1])]);
    assert_eq!(damaged.code, 2, "{}", damaged.stderr);
}

#[test]
fn malformed_rows_are_reported_not_fatal() {
    let dir = workdir("issuer-bad-rows");
    let features = population(&dir, "3", "9");
    let good: Vec<String> = read(&features).lines().map(str::to_owned).collect();
    let consumer = good.iter().find(|l| l.contains("consumer.v1")).unwrap();
    let holder = edgescore::jwk::Jwk::new(demo::holder_key("lin").public_key(), None).to_object().to_json();
    let rows = [
        consumer.clone(),                                                                    // 1 ok
        "not json".to_owned(),                                                               // 2
        r#"{"sub":"x","features":{}}"#.to_owned(),                                           // 3 no schema
        consumer.replace("\"online_orders_12m\":", "\"online_orders_12m\":\"many\",\"x\":"), // 4
        consumer.replace("edgescore.consumer.v1", "acme.v9"),                                // 5
        consumer.replacen('{', "{\"extra\":1,", 1),                                          // 6
        String::new(),                                                                       // 7 blank
        format!("{{\"sub\":\"{}\"}}", "x".repeat(70_000)),                                   // 8 too long
        format!("{},\"holder\":{holder}}}", &consumer[..consumer.len() - 1]),                // 9 ok, bound
        consumer.replace("\"defaults_24m\":0", "\"defaults_24m\":-1"),                       // 10 range
        consumer.replacen('}', "", 1),                                                       // 11 truncated
    ];
    let mut bytes = rows.join("\n").into_bytes();
    bytes.extend_from_slice(b"\n\xff\xfe\n"); // 12 not UTF-8
    let input = dir.join("input.jsonl");
    fs::write(&input, bytes).unwrap();
    let (out, errors) = (dir.join("out.jsonl"), dir.join("err.jsonl"));
    let summary = issue_batch(&input, &out, &errors, &[]);
    assert_eq!((int(&summary, "issued"), int(&summary, "rejected"), int(&summary, "blank")), (2, 9, 1));
    let issued: Vec<i64> = lines(&out).iter().map(|l| int(l, "line")).collect();
    assert_eq!(issued, vec![1, 9]);
    let bound = lines(&out)[1].clone();
    let verified =
        verify_snapshot(text(&bound, "snapshot"), &demo::jwks().unwrap(), &VerifyOptions::default(), NOW, None);
    assert_eq!(verified.unwrap_err().code(), edgescore::ErrorCode::HolderBinding, "line 9 is bound to a holder");
    let reported: Vec<(i64, String)> = lines(&errors)
        .iter()
        .map(|e| (int(e, "line"), text(e.get("error").and_then(Value::as_object).unwrap(), "code").to_owned()))
        .collect();
    let want = [
        (2, "ERR_MALFORMED"),
        (3, "ERR_MALFORMED"),
        (4, "ERR_FEATURE_INVALID"),
        (5, "ERR_SCHEMA_MISMATCH"),
        (6, "ERR_MALFORMED"),
        (8, "ERR_TOO_LARGE"),
        (10, "ERR_FEATURE_INVALID"),
        (11, "ERR_MALFORMED"),
        (12, "ERR_MALFORMED"),
    ];
    assert_eq!(reported, want.map(|(n, c)| (n, c.to_owned())).to_vec());
    // Without --errors the bad rows go to stderr, still with line numbers.
    let to_stderr = run(&["issue-batch", "--in", p(&input), "--demo-key", "--now", NOW_TEXT]).ok().stderr.clone();
    assert!(to_stderr.contains(r#"{"line":2,"offset":613,"error":{"code":"ERR_MALFORMED""#), "{to_stderr}");
}

#[test]
fn demo_scorecard_ranks_synthetic_defaulters() {
    // The hidden risk drives both the events and the outcome, so the demo scorecard (which
    // never saw this data) must rank defaulters clearly better than chance.
    let config = SynthConfig { people: 10_000, seed: 2026, seller_percent: 8 };
    let people: Vec<_> = (0..config.people).map(|i| synth::person(&config, i)).collect();
    let raw: String = people.iter().map(|person| person.record.to_json() + "\n").collect();
    let truth: Vec<bool> = people.iter().map(|person| person.truth.default_12m).collect();
    let consumer = demo::consumer_model().unwrap().model().clone();
    let derivers = Derivers { consumer: Some(Deriver::new(consumer.clone()).unwrap()), seller: None };
    let standing = features::collect_standing(raw.as_bytes(), ReadFrom::START, 2).unwrap();
    let mut cases = Vec::new();
    for (line, bad) in raw.lines().zip(truth) {
        if let Some(out) = features::features_row(&derivers, &standing, line.as_bytes()).unwrap().line {
            let row = json::parse_object(out.as_bytes()).unwrap();
            let score = consumer.score_features(row.get("features").and_then(Value::as_object).unwrap()).unwrap();
            cases.push((score.score, bad));
        }
    }
    let (scores, bads): (Vec<f64>, Vec<bool>) = cases.iter().map(|&(score, bad)| (score.to_f64(), bad)).unzip();
    let auc = discrimination(&scores, &bads).unwrap().auc;
    assert!(auc > 0.7, "AUC {auc:.3}");
    eprintln!("AUC of the demo consumer scorecard on {} synthetic consumers: {auc:.3}", cases.len());
}

/// Builds the WebAssembly fixture: a small batch issued with the demo key at a fixed time, with
/// each snapshot's expected score and band (see tests/vectors/README.md).
fn fixture() -> String {
    // Every 40th person of 1000 (five communities), so the bands spread.
    let config = SynthConfig { people: 1000, seed: 1, seller_percent: 8 };
    let raw: String = (0..config.people).map(|i| synth::person(&config, i).record.to_json() + "\n").collect();
    let standing = features::collect_standing(raw.as_bytes(), ReadFrom::START, 1).unwrap();
    let raw: String = raw.lines().step_by(40).map(|line| line.to_owned() + "\n").collect();
    let consumer = demo::consumer_model().unwrap().model().clone();
    let seller = demo::seller_model().unwrap().model().clone();
    let derivers = Derivers {
        consumer: Some(Deriver::new(consumer.clone()).unwrap()),
        seller: Some(Deriver::new(seller.clone()).unwrap()),
    };
    let mut features_lines = Vec::new();
    process_rows(
        raw.as_bytes(),
        ReadFrom::START,
        1,
        MAX_RECORD_BYTES,
        |_, bytes| features::features_row(&derivers, &standing, bytes),
        |chunk| {
            features_lines.extend_from_slice(&chunk.out);
            Ok(())
        },
    )
    .unwrap();
    let batch = BatchIssuer::demo(NOW).unwrap();
    let models = &batch.models;
    let mut out = String::new();
    process_rows(
        &features_lines[..],
        ReadFrom::START,
        1,
        MAX_BATCH_LINE_BYTES,
        |line, bytes| Ok(RowOutcome { line: Some(batch.issue_row(line, bytes)?), events: 0 }),
        |chunk| {
            for line in chunk.out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let mut row = json::parse_object(line).unwrap();
                let token = text(&row, "snapshot").to_owned();
                let verified =
                    verify_snapshot(&token, &demo::jwks().unwrap(), &VerifyOptions::default(), NOW, None).unwrap();
                let model = models.iter().find(|m| m.schema() == verified.schema()).unwrap();
                let outcome = edgescore::scorecard::score_snapshot(model, &verified).unwrap();
                let band = model.band(outcome.band).unwrap().id.clone();
                row.insert(
                    "expect",
                    Object::new().with("model", model.id()).with("score", outcome.score).with("band", band),
                );
                out.push_str(&row.to_json());
                out.push('\n');
            }
            Ok(())
        },
    )
    .unwrap();
    out
}

#[test]
fn wasm_fixture_matches_its_generator() {
    let built = fixture();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/issued-batch.jsonl");
    if std::env::var_os("EDGESCORE_BLESS").is_some() {
        fs::write(path, &built).unwrap();
        return;
    }
    let stored = include_str!("../vectors/issued-batch.jsonl");
    assert!(
        built == stored,
        "tests/vectors/issued-batch.jsonl is out of date: run `EDGESCORE_BLESS=1 cargo test --features cli` and review the diff"
    );
    let bands: std::collections::BTreeSet<String> =
        stored.lines().map(|l| text(&json::parse_object(l.as_bytes()).unwrap(), "sub").to_owned()).collect();
    assert_eq!(bands.len(), 25);
    assert!(stored.contains("demo-seller"), "the fixture has a seller");
    assert!(!stored.contains("\"excellent\"") || stored.contains("\"good\""), "the fixture spreads over bands");
}
