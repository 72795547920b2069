//! Writes the native-vs-WebAssembly parity fixture: generated presentations (SD-JWT snapshots
//! with random features, some invalid, some tampered, expired, unbound, wrongly presented, with
//! features withheld or extra ones disclosed, some revoked or suspended in a status list) with
//! the result the native core gives for each. The first line holds the status list token
//! (`{"status_list":…}`) the scorers are given; every other line is a case.
//! `pkg/test/parity.test.mjs` scores every case in WebAssembly and requires the identical
//! result or error code.
//!
//! `cargo run --release --features demo-issuer --example parity -- OUT.jsonl [COUNT] [SEED]`

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;

use edgescore::decimal::Decimal;
use edgescore::demo;
use edgescore::ed25519::SecretKey;
use edgescore::issue::{self, DerivedSalts, KeyBinding, SnapshotClaims, StatusListToken};
use edgescore::json::{Number, Object, Value};
use edgescore::jwk::Jwk;
use edgescore::model::{FeatureType, Predicate, Scalar, SignedModel};
use edgescore::policy::{OrderContext, Policy};
use edgescore::scorer::{Disclosure, ScoreRequest, Scorer};
use edgescore::snapshot::{model_features, VerifyOptions};
use edgescore::status::{StatusList, StatusReference};

/// The verification time of every case.
pub const NOW: i64 = 1_790_000_000;
const AUDIENCE: &str = "https://rentals.example";

/// splitmix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn categories(model: &SignedModel, feature: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for characteristic in model.model().characteristics().iter().filter(|c| c.feature_index() == feature) {
        for bin in characteristic.bins() {
            if let Predicate::In(values) | Predicate::NotIn(values) = &bin.predicate {
                for value in values {
                    if let Scalar::Text(text) = value {
                        seen.push(text.clone());
                    }
                }
            }
        }
    }
    seen.push("something-else".to_owned());
    seen
}

fn decimal(rng: &mut Rng, max: i64, integer: bool) -> Value {
    let whole = rng.below(max.max(1) as u64 + 1) as i64;
    if integer {
        return Value::from(whole.min(max));
    }
    let digits = rng.below(6) as usize;
    if digits == 0 || whole >= max {
        return Value::from(whole.min(max));
    }
    let fraction: String = (0..digits).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    let text = format!("{}.{}", whole.min(max - 1).max(0), fraction);
    Value::Number(Number::from_decimal(&Decimal::parse(&text).unwrap()))
}

fn features(rng: &mut Rng, model: &SignedModel) -> Object {
    let mut out = Object::new();
    for (index, spec) in model.model().features().iter().enumerate() {
        if rng.chance(8) {
            continue; // missing
        }
        let max = spec.max.as_ref().and_then(Decimal::to_i64).unwrap_or(200);
        let value = match spec.kind {
            FeatureType::Number => decimal(rng, max, false),
            FeatureType::Integer => decimal(rng, max, true),
            FeatureType::Boolean => Value::Bool(rng.chance(50)),
            FeatureType::Category => {
                let options = categories(model, index);
                Value::from(options[rng.below(options.len() as u64) as usize].as_str())
            }
        };
        out.insert(spec.name.as_str(), value);
    }
    // Some invalid features: wrong types, out of range, unknown names, nulls.
    if rng.chance(6) {
        match rng.below(5) {
            0 => out.insert("repay_on_time_ratio_24m", "0.9"),
            1 => out.insert("return_rate_12m", Value::Number(Number::from_decimal(&Decimal::parse("1.5").unwrap()))),
            2 => out.insert("shoe_size", 42i64),
            3 => out.insert("online_orders_12m", Value::Number(Number::from_decimal(&Decimal::parse("2.5").unwrap()))),
            _ => out.insert("real_name_verified", Value::Null),
        }
    }
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parity OUT.jsonl [COUNT] [SEED]");
    let count: usize = args.next().map_or(10_000, |n| n.parse().expect("count"));
    let seed: u64 = args.next().map_or(20_261_127, |n| n.parse().expect("seed"));
    let mut rng = Rng(seed);
    let issuer = demo::issuer().unwrap();
    let salt_key = DerivedSalts::key_for(&issuer);
    let models = [("consumer", demo::consumer_model().unwrap()), ("seller", demo::seller_model().unwrap())];
    // One status list for the cases that carry a status: every 7th entry revoked, every 11th
    // suspended.
    let status_uri = "https://demo-bureau.example/status/parity";
    let mut list = StatusList::new(2, count as u64).unwrap();
    for index in 0..count as u64 {
        let value = if index % 7 == 3 {
            1
        } else if index % 11 == 5 {
            2
        } else {
            0
        };
        list.set(index, value).unwrap();
    }
    let status_list = issuer
        .sign_status_list(&StatusListToken {
            uri: status_uri,
            issuer: Some(demo::DEMO_ISSUER),
            issued_at: NOW - 600,
            expires_at: Some(NOW + 86_400),
            ttl: Some(300),
            list: &list,
        })
        .unwrap();
    let scorers: Vec<Scorer> = models
        .iter()
        .map(|(_, model)| {
            let options = VerifyOptions { audience: Some(AUDIENCE.to_owned()), ..VerifyOptions::default() };
            let mut scorer =
                Scorer::new(demo::jwks().unwrap(), model.clone(), Policy::default_rentals(), options).unwrap();
            scorer.add_status_list(&status_list, NOW).unwrap();
            scorer
        })
        .collect();
    if let Some(folder) = std::path::Path::new(&path).parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).expect("create the output's folder");
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create output"));
    writeln!(out, "{}", Object::new().with("status_list", status_list.as_str()).to_json()).unwrap();
    let (mut ok, mut rejected) = (0usize, 0usize);
    for i in 0..count {
        let which = if rng.chance(15) { 1 } else { 0 };
        let (model_name, model) = &models[which];
        let mut holder_seed = [0x42u8; 32];
        holder_seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let holder = SecretKey::from_seed(&holder_seed);
        let bound = rng.chance(60);
        let issued_at = NOW - rng.below(33 * 86_400) as i64;
        let lifetime = if rng.chance(5) { 3600 } else { 30 * 86_400 };
        let claims = SnapshotClaims {
            issuer: demo::DEMO_ISSUER.to_owned(),
            subject: format!("parity-{i}"),
            jti: format!("parity-{seed}-{i}"),
            issued_at,
            expires_at: issued_at + lifetime,
            audience: if rng.chance(10) { vec!["https://elsewhere.example".to_owned()] } else { Vec::new() },
            schema: model.model().schema().to_owned(),
            features: issue::schema_features(model.model(), &features(&mut rng, model)),
            holder: bound.then(|| Jwk::new(holder.public_key(), None)),
            status: rng
                .chance(20)
                .then(|| StatusReference { index: rng.below(count as u64 + 3), uri: status_uri.to_owned() }),
            decoys: rng.below(3) as usize,
            ..Default::default()
        };
        let mut salts = DerivedSalts::new(salt_key, claims.jti.clone());
        let Ok(snapshot) = issuer.issue(&claims, &mut salts) else { continue };
        let nonce = format!("nonce-{i}");
        // What the holder discloses: what the model reads (most), everything, or one withheld.
        let mut wanted: Vec<String> = model_features(model.model()).into_iter().map(str::to_owned).collect();
        let disclose_all = rng.chance(5);
        if rng.chance(5) {
            let gone = rng.below(wanted.len() as u64) as usize;
            wanted.remove(gone);
        }
        let kb_nonce = if rng.chance(5) { "stale-nonce".to_owned() } else { nonce.clone() };
        let kb_time = if rng.chance(5) { NOW - 3600 } else { NOW - 10 };
        let binding = (bound || rng.chance(5)).then_some(KeyBinding {
            key: &holder,
            nonce: &kb_nonce,
            audience: AUDIENCE,
            issued_at: kb_time,
        });
        let mut presentation =
            issue::present(&snapshot, if disclose_all { None } else { Some(&wanted) }, binding).unwrap();
        if rng.chance(5) {
            // Tamper: change one character of the issuer-signed payload or of a disclosure.
            let from = if rng.chance(50) { presentation.find('.').unwrap() } else { presentation.find('~').unwrap() };
            let at = from + 5 + rng.below(40) as usize;
            let mut bytes = presentation.into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            presentation = String::from_utf8(bytes).unwrap();
        }
        let deposit = [9_900i64, 39_900, 300_000][rng.below(3) as usize];
        let disclose = if rng.chance(50) { Disclosure::Full } else { Disclosure::Band };
        let request = ScoreRequest {
            now: NOW,
            nonce: Some(&nonce),
            context: OrderContext { deposit: Some(deposit), ..OrderContext::default() },
            disclose,
        };
        let expect = match scorers[which].score(&presentation, &request) {
            Ok(result) => {
                ok += 1;
                Value::Object(result.to_object())
            }
            Err(error) => {
                rejected += 1;
                Value::Object(Object::new().with("error", error.code().as_str()))
            }
        };
        let line = Object::new()
            .with("model", *model_name)
            .with("presentation", presentation)
            .with("nonce", nonce)
            .with("context", Object::new().with("deposit", deposit))
            .with("disclose", disclose.id())
            .with("expect", expect);
        writeln!(out, "{}", line.to_json()).unwrap();
    }
    out.flush().unwrap();
    eprintln!("parity fixture: {count} cases ({ok} scored, {rejected} rejected) in {path}");
}
