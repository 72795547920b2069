//! A seeded synthetic population with raw bureau event histories over the 24 months before
//! the snapshot month (months `-24` to `-1`; month `0` is "now").
//!
//! Each person has a **hidden risk** `z` (about standard normal): half of it shared with their
//! community (a block of [`COMMUNITY_SIZE`] consecutive person numbers, which is also where
//! most of their contacts are), half their own. `z` drives every kind of event: how often
//! repayments slip and whether late ones cure or end in default, bill timeliness, returns,
//! shopping categories, credit utilisation, real-name checks, address and phone stability, and
//! for sellers disputes, refunds, late shipments, ratings and sales volatility. A second
//! latent, **affluence**, drives income, assets, order volume and education. The ground-truth
//! outcome, default within the next 12 months, is drawn from `pd_12m = logistic(-3.4 + 1.6 z)`
//! (sellers `-3.2 + 1.5 z`); it is written under `truth` and in the outcomes CSV, and
//! [`crate::issuer::features`] never reads it.
//!
//! Deterministic: person `i` of seed `s` is drawn from its own ChaCha8 stream (seed `s`,
//! stream `i`) and their community from stream `2^63 + c`, so a person is the same whatever
//! the thread count or population size (their contacts are drawn within the population, so
//! those depend on `--people`). Only IEEE-exact arithmetic is used (normals are Irwin–Hall,
//! `exp` is this module's own series), so a seed gives the same bytes on every platform.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::decimal::{round_to_json, Decimal};
use crate::json::{Object, Value};

/// Months of history before the snapshot month.
pub const WINDOW_MONTHS: i64 = 24;
/// People per community (consecutive person numbers).
pub const COMMUNITY_SIZE: u64 = 200;
/// The columns of the outcomes CSV, in order (a stable format: append columns, never reorder).
pub const OUTCOMES_CSV_HEADER: &str = "person,sub,kind,community,risk,pd_12m,default_12m";

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SynthConfig {
    /// Population size; person numbers are `0..people`.
    pub people: u64,
    /// The seed.
    pub seed: u64,
    /// Percentage of people who are small-business sellers (0–100).
    pub seller_percent: u32,
}

/// One synthetic person: the raw record (a JSON Lines row) and the ground truth.
#[derive(Clone, Debug)]
pub struct SynthPerson {
    /// The raw record, `truth` included.
    pub record: Object,
    /// The ground truth.
    pub truth: Truth,
}

/// The hidden part of a person, for fitting and judging models.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// Person number.
    pub person: u64,
    /// The `sub` their snapshots carry.
    pub sub: String,
    /// `consumer` or `seller`.
    pub kind: &'static str,
    /// Community number.
    pub community: u64,
    /// Hidden risk `z`, four decimals.
    pub risk: f64,
    /// Probability of default in the next 12 months, four decimals.
    pub pd_12m: f64,
    /// Whether they default in the next 12 months.
    pub default_12m: bool,
}

impl Truth {
    /// The outcomes CSV row (columns of [`OUTCOMES_CSV_HEADER`]).
    pub fn csv_row(&self) -> String {
        format!(
            "{},{},{},{},{},{},{}",
            self.person,
            self.sub,
            self.kind,
            self.community,
            signed(self.risk),
            signed(self.pd_12m),
            u8::from(self.default_12m)
        )
    }
}

/// A value with four decimal places, as text (`-0.1234`, `1.5`).
fn signed(value: f64) -> String {
    Decimal::from_f64_rounded(value, 4).unwrap_or_else(Decimal::zero).to_string()
}

/// The `sub` of person `index` in the population of `seed`.
pub fn sub_for(seed: u64, index: u64) -> String {
    format!("s{seed}-p{index}")
}

/// A seeded stream of draws.
struct Draw(ChaCha8Rng);

impl Draw {
    fn new(seed: u64, stream: u64) -> Draw {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Draw(rng)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// About standard normal (Irwin–Hall: twelve uniforms less six).
    fn normal(&mut self) -> f64 {
        (0..12).fold(0.0, |sum, _| sum + self.unit()) - 6.0
    }

    /// Uniform in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.0.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 || !mean.is_finite() {
            return 0;
        }
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let limit = exp(-mean);
        let mut product = self.unit();
        let mut count = 0;
        while product > limit {
            product *= self.unit();
            count += 1;
        }
        count
    }

    fn pick<T: Copy>(&mut self, items: &[(T, f64)]) -> Option<T> {
        let total: f64 = items.iter().map(|(_, weight)| weight).sum();
        let mut at = self.unit() * total;
        for (item, weight) in items {
            if at < *weight {
                return Some(*item);
            }
            at -= weight;
        }
        items.last().map(|(item, _)| *item)
    }
}

/// `e^x` from a range-reduced series: IEEE-exact operations only, so the same on every
/// platform (the standard library's `exp` comes from the platform's libm).
fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=16 {
        term *= r / f64::from(n);
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

const CITIES: [&str; 10] =
    ["Hangzhou", "Shanghai", "Beijing", "Shenzhen", "Chengdu", "Wuhan", "Xi'an", "Nanjing", "Chongqing", "Guangzhou"];
const CARRIERS: [(&str, f64); 3] = [("China Mobile", 0.6), ("China Unicom", 0.25), ("China Telecom", 0.15)];

/// Generates person `index`.
pub fn person(config: &SynthConfig, index: u64) -> SynthPerson {
    let community = index / COMMUNITY_SIZE;
    let mut shared = Draw::new(config.seed, (1 << 63) | community);
    let community_risk = shared.normal();
    let community_affluence = shared.normal();
    let city = CITIES.get(shared.below(CITIES.len() as u64) as usize).copied().unwrap_or("Hangzhou");

    let mut d = Draw::new(config.seed, index);
    let z = 0.7 * community_risk + 0.714 * d.normal();
    let a = 0.6 * community_affluence + 0.8 * d.normal() - 0.3 * z;
    // Digital footprint: how much of a person's life the bureau sees, risk aside.
    let f = 0.4 * a + 0.9 * d.normal();
    let seller = d.below(100) < u64::from(config.seller_percent);
    let kind = if seller { "seller" } else { "consumer" };
    let sub = sub_for(config.seed, index);

    let mut record = Object::new()
        .with("person", index as i64)
        .with("sub", sub.as_str())
        .with("kind", kind)
        .with("community", community as i64);
    record.insert("identity_checks", identity_checks(&mut d, z, a, f));
    record.insert("income", income(&mut d, a, f));
    record.insert("assets", assets(&mut d, z, a, f));
    let phone_months = tenure(&mut d, 2.9 - 0.45 * z, 240);
    let carrier = d.pick(&CARRIERS).unwrap_or("China Mobile");
    record.insert("phone", Object::new().with("since", -phone_months).with("carrier", carrier));
    record.insert("addresses", addresses(&mut d, z, city));
    record.insert("credit_lines", credit_lines(&mut d, z, a, f));
    record.insert("utilities", utilities(&mut d, z, a, f));
    record.insert("orders", orders(&mut d, z, a, f));
    record.insert("rentals", rentals(&mut d, z, a));
    record.insert("contacts", contacts(&mut d, config.people, index, community, a + f));
    if seller {
        record.insert("store", store(&mut d, z, a));
    }
    let pd = if seller { logistic(-3.2 + 1.5 * z) } else { logistic(-3.4 + 1.6 * z) };
    let default_12m = d.chance(pd);
    let truth = Truth {
        person: index,
        sub,
        kind,
        community,
        risk: (z * 10_000.0).round() / 10_000.0,
        pd_12m: (pd * 10_000.0).round() / 10_000.0,
        default_12m,
    };
    record.insert(
        "truth",
        Object::new()
            .with("risk", round_to_json(z, 4))
            .with("pd_12m", round_to_json(pd, 4))
            .with("default_12m", i64::from(default_12m)),
    );
    SynthPerson { record, truth }
}

/// Months since an event, `1 + ⌊e^(μ + 0.8 N)⌋`, at most `cap`.
fn tenure(d: &mut Draw, mu: f64, cap: i64) -> i64 {
    (1 + exp(mu + 0.8 * d.normal()).floor() as i64).min(cap)
}

fn month_in(d: &mut Draw, from: i64, to: i64) -> i64 {
    from + d.below((to - from + 1).max(1) as u64) as i64
}

fn identity_checks(d: &mut Draw, z: f64, a: f64, f: f64) -> Value {
    let mut checks = Vec::new();
    let check =
        |m: i64, kind: &str, result: &str| Object::new().with("m", m).with("check", kind).with("result", result);
    let verified = d.chance(logistic(2.2 - 0.8 * z));
    let month = -(1 + d.below(60) as i64);
    if !verified || d.chance(0.1) {
        checks.push(check(month.min(-2) - 1, "real_name", "fail"));
    }
    if verified {
        checks.push(check(month.min(-2), "real_name", "pass"));
    }
    if d.chance(logistic(-0.2 + 0.8 * f)) {
        let score = a + 0.7 * d.normal();
        let level = match score {
            s if s < -1.3 => "secondary",
            s if s < -0.3 => "college",
            s if s < 0.9 => "bachelor",
            s if s < 1.8 => "masters",
            _ => "doctorate",
        };
        let pass = d.chance(0.9);
        let entry = check(-(1 + d.below(48) as i64), "education", if pass { "pass" } else { "fail" });
        checks.push(if pass { entry.with("level", level) } else { entry });
    }
    checks.sort_by_key(|c| c.get("m").and_then(Value::as_i64));
    Value::Array(checks.into_iter().map(Value::Object).collect())
}

fn income(d: &mut Draw, a: f64, f: f64) -> Value {
    let monthly = (exp(8.55 + 0.45 * a + 0.25 * d.normal()) / 100.0).round() as i64 * 100;
    Value::Object(Object::new().with("monthly_cny", monthly).with("verified", d.chance(logistic(-0.2 + 0.8 * f))))
}

fn assets(d: &mut Draw, z: f64, a: f64, f: f64) -> Value {
    let kinds = [
        ("deposit", 0.85, 9.3 + 1.0 * a - 0.35 * z),
        ("fund", 0.35, 10.0 + 0.9 * a),
        ("property", logistic(a - 1.2), 13.2 + 0.5 * a),
        ("vehicle", logistic(a - 0.8), 11.5),
    ];
    let mut out = Vec::new();
    for (kind, p, mu) in kinds {
        if d.chance(p) {
            let cny = exp(mu + 0.8 * d.normal()).round() as i64;
            out.push(Value::Object(
                Object::new().with("kind", kind).with("cny", cny).with("verified", d.chance(logistic(-0.4 + 0.8 * f))),
            ));
        }
    }
    Value::Array(out)
}

fn addresses(d: &mut Draw, z: f64, city: &str) -> Value {
    let mut since = -tenure(d, 2.7 - 0.45 * z, 360);
    let mut out = vec![Value::Object(Object::new().with("since", since).with("city", city))];
    while since > -WINDOW_MONTHS && out.len() < 4 {
        since -= tenure(d, 2.6 - 0.3 * z, 120);
        let previous = CITIES.get(d.below(CITIES.len() as u64) as usize).copied().unwrap_or(city);
        out.push(Value::Object(Object::new().with("since", since).with("city", previous)));
    }
    Value::Array(out)
}

/// A 24-month repayment history (index 0 is month −24): `C` paid on time, `1`/`2`/`3` 30, 60,
/// 90+ days past due, `D` defaulted (charged off; nothing due after), `-` nothing due.
fn repayment_history(d: &mut Draw, z: f64, opened: i64, closed: Option<i64>) -> (String, bool) {
    let slip = logistic(-4.2 + 1.4 * z + 0.3 * d.normal());
    let cure = logistic(1.2 - 0.9 * z);
    let to_default = logistic(-0.5 + 0.6 * z);
    let mut history = String::with_capacity(WINDOW_MONTHS as usize);
    let mut state = 0u8;
    let mut defaulted = false;
    for month in -WINDOW_MONTHS..0 {
        if month < opened || closed.is_some_and(|c| month > c) || defaulted {
            history.push('-');
            continue;
        }
        state = match state {
            0 => u8::from(d.chance(slip)),
            3 if d.chance(to_default) => 4,
            _ if d.chance(cure) => 0,
            s => (s + 1).min(3),
        };
        history.push(match state {
            0 => 'C',
            1 => '1',
            2 => '2',
            3 => '3',
            _ => {
                defaulted = true;
                'D'
            }
        });
    }
    (history, defaulted)
}

fn credit_lines(d: &mut Draw, z: f64, a: f64, f: f64) -> Value {
    let thin_file = d.chance(logistic(-0.9 - 0.6 * a - 0.8 * f));
    if thin_file {
        return Value::Array(Vec::new());
    }
    let count = 1 + d.poisson(1.3 + 0.7 * z.max(0.0) + 0.4 * a.max(0.0)).min(11);
    let utilisation = logistic(-0.5 + 1.1 * z + 0.6 * d.normal());
    let products = [
        ("pay_later", 0.45, true),
        ("credit_card", 0.25, true),
        ("consumer_loan", 0.2, false),
        ("micro_loan", 0.1 + 0.15 * z.max(0.0), false),
    ];
    let weighted: Vec<((&str, bool), f64)> = products.iter().map(|(name, w, rev)| ((*name, *rev), *w)).collect();
    let mut out = Vec::new();
    for n in 1..=count {
        let (product, revolving) = d.pick(&weighted).unwrap_or(("pay_later", true));
        let opened = -(1 + d.below(60) as i64);
        let closed = d.chance(0.2).then(|| month_in(d, opened, -1));
        let (history, defaulted) = repayment_history(d, z, opened, closed);
        let mut line = Object::new().with("id", format!("L{n}")).with("product", product).with("opened", opened);
        if let Some(month) = closed {
            line.insert("closed", month);
        }
        let size = exp(8.3 + 0.5 * a + 0.5 * d.normal()).round().max(500.0);
        if revolving {
            let limit = ((size / 100.0).round() * 100.0) as i64;
            let open = closed.is_none() && !defaulted;
            let used = if open { (size * utilisation * (0.7 + 0.6 * d.unit())).min(size * 1.3) } else { 0.0 };
            line.insert("limit", limit);
            line.insert("balance", used.round() as i64);
        } else {
            line.insert("amount", ((size * 3.0 / 100.0).round() * 100.0) as i64);
        }
        line.insert("history", history);
        out.push(Value::Object(line));
    }
    Value::Array(out)
}

/// A 24-month bill history (index 0 is month −24): `A`/`O`/`C` paid on time by autopay, online
/// or at a counter, `a`/`o`/`c` paid late the same ways, `M` missed, `-` no bill.
fn utilities(d: &mut Draw, z: f64, a: f64, f: f64) -> Value {
    let autopay_propensity = logistic(-0.9 - 0.8 * z + 0.4 * a + 0.5 * f);
    let online = logistic(0.6 + 0.5 * a - 0.3 * z + 0.8 * f);
    let recorded = logistic(1.5 + 1.2 * f);
    let on_time = logistic(2.8 - 1.3 * z);
    let on_time_autopay = logistic(5.0 - 1.0 * z);
    let kinds = [("electricity", 0.95), ("water", 0.8), ("gas", 0.55), ("broadband", 0.7), ("mobile", 1.0)];
    let mut out = Vec::new();
    for (kind, p) in kinds {
        if !d.chance(p * recorded) {
            continue;
        }
        let opened = -(1 + d.below(72) as i64);
        let autopay_from = d.chance(autopay_propensity).then(|| month_in(d, -30, -1));
        let mut history = String::with_capacity(WINDOW_MONTHS as usize);
        for month in -WINDOW_MONTHS..0 {
            if month < opened {
                history.push('-');
                continue;
            }
            let autopay = autopay_from.is_some_and(|from| month >= from);
            let channel = if autopay {
                'A'
            } else if d.chance(online) {
                'O'
            } else {
                'C'
            };
            let timely = d.chance(if autopay { on_time_autopay } else { on_time });
            history.push(match (timely, d.chance(0.25)) {
                (true, _) => channel,
                (false, false) => channel.to_ascii_lowercase(),
                (false, true) => 'M',
            });
        }
        out.push(Value::Object(Object::new().with("kind", kind).with("history", history)));
    }
    Value::Array(out)
}

const CATEGORY_BASE: [(&str, f64, f64); 10] = [
    ("groceries", 3.0, 60.0),
    ("household", 2.0, 120.0),
    ("clothing", 2.5, 180.0),
    ("electronics", 1.8, 900.0),
    ("beauty", 1.2, 150.0),
    ("books", 0.9, 60.0),
    ("education", 0.6, 400.0),
    ("travel", 0.8, 1500.0),
    ("gaming", 0.6, 200.0),
    ("luxury", 0.3, 3000.0),
];

fn orders(d: &mut Draw, z: f64, a: f64, f: f64) -> Value {
    let (zp, ap) = (z.max(0.0), a.max(0.0));
    let weights: Vec<((&str, f64), f64)> = CATEGORY_BASE
        .iter()
        .map(|&(name, base, price)| {
            let weight = match name {
                "books" | "education" => base + 0.3 * ap,
                "travel" => base + 0.6 * ap,
                "gaming" => base + 1.6 * zp,
                "luxury" => base + 1.0 * zp + 0.5 * ap,
                _ => base,
            };
            ((name, price), weight)
        })
        .collect();
    let favourite = d.pick(&weights).map(|(name, _)| name);
    let weights: Vec<((&str, f64), f64)> =
        weights.into_iter().map(|(item, w)| (item, if Some(item.0) == favourite { w * 3.0 } else { w })).collect();
    let per_year = exp(2.2 + 0.45 * a + 0.5 * f + 0.4 * d.normal()).min(400.0);
    let digital = logistic(0.3 + 0.6 * a - 0.4 * z + 0.8 * f + 0.6 * d.normal());
    let recent = d.poisson(per_year);
    let older = d.poisson(per_year * 0.85);
    let mut out = Vec::with_capacity((recent + older) as usize);
    for n in 0..recent + older {
        let month = if n < recent { -(1 + d.below(12) as i64) } else { -(13 + d.below(12) as i64) };
        let (category, price) = d.pick(&weights).unwrap_or(("groceries", 60.0));
        let bump = match category {
            "clothing" => 0.9,
            "luxury" => 0.5,
            "beauty" => 0.3,
            _ => 0.0,
        };
        let returned = d.chance(logistic(-2.4 + 0.8 * z + bump));
        let cny = (price * exp(0.5 * d.normal())).round().max(1.0) as i64;
        let pay = if d.chance(digital) { "digital" } else { "cash_on_delivery" };
        out.push((
            month,
            Object::new()
                .with("m", month)
                .with("cat", category)
                .with("cny", cny)
                .with("ret", returned)
                .with("pay", pay),
        ));
    }
    out.sort_by_key(|(month, _)| *month);
    Value::Array(out.into_iter().map(|(_, order)| Value::Object(order)).collect())
}

fn rentals(d: &mut Draw, z: f64, a: f64) -> Value {
    let items = [("power_bank", 3.0), ("bike", 2.0), ("umbrella", 1.0), ("car", 0.5), ("hotel", 1.0)];
    let honoured = logistic(3.6 - 1.4 * z);
    let mut out: Vec<(i64, Object)> = (0..d.poisson(0.9 + 0.4 * a.max(0.0)))
        .map(|_| {
            let month = -(1 + d.below(WINDOW_MONTHS as u64) as i64);
            let item = d.pick(&items).unwrap_or("bike");
            (month, Object::new().with("m", month).with("item", item).with("honoured", d.chance(honoured)))
        })
        .collect();
    out.sort_by_key(|(month, _)| *month);
    Value::Array(out.into_iter().map(|(_, rental)| Value::Object(rental)).collect())
}

fn contacts(d: &mut Draw, people: u64, index: u64, community: u64, reach: f64) -> Value {
    let wanted = (1 + d.poisson((4.0 + 2.5 * reach).max(0.5))).min(50);
    let base = community * COMMUNITY_SIZE;
    let size = COMMUNITY_SIZE.min(people.saturating_sub(base));
    let mut out: Vec<u64> = (0..wanted)
        .map(|_| if d.chance(0.8) { base + d.below(size) } else { d.below(people) })
        .filter(|&other| other != index)
        .collect();
    out.sort_unstable();
    out.dedup();
    Value::Array(out.into_iter().map(|n| Value::from(n as i64)).collect())
}

fn store(d: &mut Draw, z: f64, a: f64) -> Value {
    let age = (2 + exp(2.9 + 0.8 * d.normal() - 0.2 * z).floor() as i64).min(150);
    let base_sales = exp(9.6 + 0.7 * a + 0.7 * d.normal());
    let volatility = 0.1 + 0.5 * logistic(0.8 * z + 0.6 * d.normal());
    let ticket = 60.0 + d.unit() * 240.0;
    let loyalty = logistic(-1.3 - 0.4 * z + 0.3 * a + 0.5 * d.normal());
    let praise = logistic(3.0 - 1.0 * z + 0.4 * d.normal());
    let mut months = Vec::new();
    for month in (-age).max(-WINDOW_MONTHS)..0 {
        let ramp = (((month + age + 1) as f64) / 6.0).min(1.0);
        let sales = (base_sales * ramp * (1.0 + volatility * d.normal()).max(0.05)).round();
        let orders = (sales / ticket).round() as u64;
        let disputes = d.poisson(orders as f64 * 0.004 * exp(z)).min(orders);
        let refunds = d.poisson(orders as f64 * 0.025 * exp(0.6 * z)).min(orders);
        let late = d.poisson(orders as f64 * 0.03 * exp(0.7 * z)).min(orders);
        let buyers = orders - d.poisson(orders as f64 * 0.1).min(orders);
        let repeat = (buyers as f64 * loyalty).round() as u64;
        let reviews = d.poisson(orders as f64 * 0.25).min(orders);
        let positive = reviews - d.poisson(reviews as f64 * (1.0 - praise)).min(reviews);
        let stars = (5 * positive - d.poisson(positive as f64 * 0.15).min(positive)) + 2 * (reviews - positive);
        months.push(Value::Object(
            Object::new()
                .with("m", month)
                .with("orders", orders as i64)
                .with("sales_cny", sales as i64)
                .with("disputes", disputes as i64)
                .with("refunds", refunds as i64)
                .with("shipped_on_time", (orders - late) as i64)
                .with("buyers", buyers as i64)
                .with("repeat_buyers", repeat as i64)
                .with("reviews", reviews as i64)
                .with("positive", positive as i64)
                .with("stars", stars as i64),
        ));
    }
    let mut loans = Vec::new();
    if d.chance(0.55) {
        for n in 1..=1 + d.below(2) {
            let opened = -(1 + d.below(36) as i64);
            let (history, _) = repayment_history(d, z, opened, None);
            let amount = (exp(10.5 + 0.5 * a + 0.5 * d.normal()) / 1000.0).round() as i64 * 1000;
            loans.push(Value::Object(
                Object::new()
                    .with("id", format!("M{n}"))
                    .with("opened", opened)
                    .with("amount", amount)
                    .with("history", history),
            ));
        }
    }
    Value::Object(
        Object::new()
            .with("opened", -age)
            .with("licence_verified", d.chance(logistic(1.8 - 0.9 * z)))
            .with("months", months)
            .with("loans", loans),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_platform_closely() {
        for x in [-30.0, -3.3, -1.0, 0.0, 0.5, 2.0, 9.6, 13.2] {
            let ours: f64 = exp(x);
            assert!(((ours - x.exp()) / x.exp()).abs() < 1e-13, "{x}");
        }
    }

    #[test]
    fn draws_are_in_range() {
        let mut d = Draw::new(1, 2);
        for _ in 0..1000 {
            assert!((0.0..1.0).contains(&d.unit()));
            assert!(d.below(7) < 7);
            assert!((-6.0..=6.0).contains(&d.normal()));
        }
        assert_eq!(d.below(0), 0);
        let mean = (0..2000).map(|_| d.poisson(4.0)).sum::<u64>() as f64 / 2000.0;
        assert!((3.7..4.3).contains(&mean), "{mean}");
    }
}
