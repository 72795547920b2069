//! Native side of the JavaScript benchmark (pkg/bench/bench.mjs): the same presentations from
//! the parity fixture, scored by the native core; prints the median time per presentation, for
//! holders new to the scorer and for holders it has seen (their keys remembered).
//!
//! `cargo run --release --example bench_presentations -- FIXTURE.jsonl [ITEMS]`

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Instant;

use edgescore::demo;
use edgescore::json::{self, Value};
use edgescore::policy::{OrderContext, Policy};
use edgescore::scorer::{ScoreRequest, Scorer};
use edgescore::snapshot::VerifyOptions;

const NOW: i64 = 1_790_000_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench_presentations FIXTURE.jsonl [ITEMS]");
    let wanted: usize = args.next().map_or(500, |n| n.parse().expect("items"));
    let text = std::fs::read_to_string(&path).expect("read fixture");
    let mut items = Vec::new();
    for line in text.lines() {
        let entry = json::parse_object(line.as_bytes()).unwrap();
        let field = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_owned);
        let scored = entry.get("expect").and_then(Value::as_object).is_some_and(|e| e.get("error").is_none());
        // As pkg/bench/bench.mjs picks them: consumer, valid, bound, without a status reference.
        let Some(presentation) = field("presentation") else { continue };
        let payload = presentation.split('.').nth(1).and_then(|part| edgescore::b64::decode(part, "payload").ok());
        let has_status =
            payload.and_then(|bytes| json::parse_object(&bytes).ok()).is_none_or(|claims| claims.contains("status"));
        if scored && field("model").as_deref() == Some("consumer") && !presentation.ends_with('~') && !has_status {
            items.push((presentation, field("nonce").unwrap()));
        }
        if items.len() == wanted {
            break;
        }
    }
    let fresh = || {
        Scorer::new(
            demo::jwks().unwrap(),
            demo::consumer_model().unwrap(),
            Policy::default_rentals(),
            VerifyOptions { audience: Some("https://rentals.example".to_owned()), ..VerifyOptions::default() },
        )
        .unwrap()
    };
    let context = OrderContext { deposit: Some(39_900), ..OrderContext::default() };
    let round = |scorer: &Scorer| {
        let start = Instant::now();
        for (presentation, nonce) in &items {
            let request =
                ScoreRequest { now: NOW, nonce: Some(nonce), context: context.clone(), ..ScoreRequest::default() };
            black_box(scorer.score(presentation, &request)).expect("scores");
        }
        start.elapsed().as_secs_f64() * 1e6 / items.len() as f64
    };
    let median = |mut samples: Vec<f64>| {
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    };
    // Holders new to the scorer (a fresh scorer each round), then holders it has seen.
    let new_holders = median((0..15).map(|_| round(&fresh())).collect());
    let warm = fresh();
    round(&warm);
    let known_holders = median((0..15).map(|_| round(&warm)).collect());
    println!("{{\"items\":{},\"new_us\":{new_holders:.2},\"known_us\":{known_holders:.2}}}", items.len());
}
