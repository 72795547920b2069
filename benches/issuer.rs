//! Issuer benchmark: feature derivation (raw events/s) and batch issuance (snapshots/s, from
//! features lines to signed JSON Lines) with 1 and 2 threads, against bare snapshot signing
//! measured in the same run; and the demo models' AUC on the synthetic population.
//!
//! `cargo bench --features cli --bench issuer` (release build). Figures, not assertions: these
//! machines are shared, so compare ratios. The whole input is in memory, so I/O is left out;
//! `scripts/bench-issuer.sh` measures the CLI on files, with peak memory, at a million people.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use edgescore::demo;
use edgescore::issue::SnapshotClaims;
use edgescore::issuer::batch::{BatchIssuer, MAX_BATCH_LINE_BYTES};
use edgescore::issuer::features::{self, Deriver, Derivers, MAX_RECORD_BYTES};
use edgescore::issuer::lines::ReadFrom;
use edgescore::issuer::record::RawPerson;
use edgescore::issuer::rows::{process_rows, RowOutcome};
use edgescore::issuer::synth::{self, SynthConfig};
use edgescore::json::{self, Value};
use edgescore::metrics::discrimination;

const PEOPLE: u64 = 40_000;
const NOW: i64 = 1_790_000_000;
const RUNS: usize = 5;

fn median(mut f: impl FnMut() -> u64) -> (Duration, u64) {
    let mut runs: Vec<(Duration, u64)> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let count = f();
            (start.elapsed(), count)
        })
        .collect();
    runs.sort();
    runs[RUNS / 2]
}

fn main() {
    let config = SynthConfig { people: PEOPLE, seed: 2026, seller_percent: 8 };
    let synth_start = Instant::now();
    let people: Vec<_> = (0..PEOPLE).map(|i| synth::person(&config, i)).collect();
    let synth_time = synth_start.elapsed();
    let mut raw = Vec::new();
    for person in &people {
        raw.extend_from_slice(person.record.to_json().as_bytes());
        raw.push(b'\n');
    }
    let derivers = Derivers {
        consumer: Some(Deriver::new(demo::consumer_model().unwrap().model().clone()).unwrap()),
        seller: Some(Deriver::new(demo::seller_model().unwrap().model().clone()).unwrap()),
    };

    // Feature derivation: both passes, as `features` runs them.
    let mut features_lines = Vec::new();
    let mut derive = |threads: usize, keep: bool| {
        let standing = features::collect_standing(&raw[..], ReadFrom::START, threads).unwrap();
        let counts = process_rows(
            &raw[..],
            ReadFrom::START,
            threads,
            MAX_RECORD_BYTES,
            |_, bytes| features::features_row(&derivers, &standing, bytes),
            |chunk| {
                if keep {
                    features_lines.extend_from_slice(&chunk.out);
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(counts.written, PEOPLE);
        counts.events
    };
    derive(2, true);
    let derive_1 = median(|| derive(1, false));
    let derive_2 = median(|| derive(2, false));

    // AUC of the demo scorecards against the ground truth.
    let consumer = demo::consumer_model().unwrap();
    let seller = demo::seller_model().unwrap();
    let (mut consumer_cases, mut seller_cases, mut oracle) = (Vec::new(), Vec::new(), Vec::new());
    let mut bands = std::collections::BTreeMap::new();
    for (line, person) in features_lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()).zip(&people) {
        let row = json::parse_object(line).unwrap();
        let features = row.get("features").and_then(Value::as_object).unwrap();
        let bad = person.truth.default_12m;
        oracle.push((-(person.truth.pd_12m * 1e6) as i64, bad));
        if person.truth.kind == "seller" {
            seller_cases.push((seller.model().score_features(features).unwrap().score.millionths(), bad));
        } else {
            let outcome = consumer.model().score_features(features).unwrap();
            let band = consumer.model().band(outcome.band).map(|b| b.id.clone()).unwrap_or_default();
            let entry: &mut (u64, u64) = bands.entry((outcome.band, band)).or_default();
            entry.0 += 1;
            entry.1 += u64::from(bad);
            consumer_cases.push((outcome.score.millionths(), bad));
        }
    }
    let record = json::parse_object(people[0].record.to_json().as_bytes()).unwrap();
    let events_per_person = RawPerson::from_object(&record).map(|p| p.event_count()).unwrap_or(0);

    // Issuance: features lines → signed output lines.
    let batch = BatchIssuer::demo(NOW).unwrap();
    let issue = |threads: usize| {
        let mut bytes = 0u64;
        let counts = process_rows(
            &features_lines[..],
            ReadFrom::START,
            threads,
            MAX_BATCH_LINE_BYTES,
            |line, row| Ok(RowOutcome { line: Some(batch.issue_row(line, row)?), events: 0 }),
            |chunk| {
                bytes += black_box(chunk.out.len()) as u64;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(counts.written, PEOPLE);
        counts.written
    };
    let issue_1 = median(|| issue(1));
    let issue_2 = median(|| issue(2));
    let issuer = demo::issuer().unwrap();
    let first = json::parse_object(features_lines.split(|&b| b == b'\n').next().unwrap()).unwrap();
    let claims = SnapshotClaims {
        issuer: demo::DEMO_ISSUER.to_owned(),
        subject: "s2026-p0".to_owned(),
        jti: "bench".to_owned(),
        issued_at: NOW,
        expires_at: NOW + 30 * 86_400,
        schema: "edgescore.consumer.v1".to_owned(),
        features: first.get("features").and_then(Value::as_object).unwrap().clone(),
        ..SnapshotClaims::default()
    };
    let sign = median(|| {
        for _ in 0..2000 {
            let mut salts = edgescore::issue::DerivedSalts::new([4; 32], "bench");
            black_box(issuer.issue(black_box(&claims), &mut salts)).unwrap();
        }
        2000
    });

    let rate = |(time, count): (Duration, u64)| count as f64 / time.as_secs_f64();
    let baseline = rate(sign);
    println!(
        "edgescore issuer benchmark: {PEOPLE} synthetic people (seed 2026), median of {RUNS} runs, {} threads available",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("synth (1 thread, in memory): {:.0} people/s", PEOPLE as f64 / synth_time.as_secs_f64());
    println!("raw events per person (person 0): {events_per_person}; input {} MB", raw.len() / 1_000_000);
    println!();
    println!("{:<62} {:>14} {:>12}", "case", "per second", "× baseline");
    println!("{:<62} {:>14.0} {:>12.2}", "bare Issuer::issue, one snapshot after another (baseline)", baseline, 1.0);
    for (name, figure) in [
        ("issue-batch, 1 thread: features lines → signed lines", issue_1),
        ("issue-batch, 2 threads: features lines → signed lines", issue_2),
    ] {
        println!("{name:<62} {:>14.0} {:>12.2}", rate(figure), rate(figure) / baseline);
    }
    println!("{:<62} {:>14.0}", "features, 1 thread: raw events (both passes)", rate(derive_1));
    println!("{:<62} {:>14.0}", "features, 2 threads: raw events (both passes)", rate(derive_2));
    println!("{:<62} {:>14.0}", "features, 2 threads: people (both passes)", PEOPLE as f64 / derive_2.0.as_secs_f64());
    println!();
    let defaults = people.iter().filter(|p| p.truth.default_12m).count();
    println!("ground truth: {defaults} of {PEOPLE} default within 12 months");
    println!("AUC demo consumer scorecard on {} consumers: {:.3}", consumer_cases.len(), auc(&consumer_cases).unwrap());
    println!("AUC demo seller scorecard on {} sellers: {:.3}", seller_cases.len(), auc(&seller_cases).unwrap());
    println!("demo consumer bands (people, default rate in 12 months):");
    for ((_, band), (count, bads)) in &bands {
        println!("  {band:<10} {count:>6} {:>6.1}%", 100.0 * *bads as f64 / *count as f64);
    }
    println!("AUC of the hidden pd_12m itself (the ceiling for any model): {:.3}", auc(&oracle).unwrap());
}

/// The AUC of integer scores (higher is better) against whether each case went bad.
fn auc(cases: &[(i64, bool)]) -> Option<f64> {
    let (scores, bads): (Vec<f64>, Vec<bool>) = cases.iter().map(|&(score, bad)| (score as f64, bad)).unzip();
    discrimination(&scores, &bads).map(|d| d.auc)
}
