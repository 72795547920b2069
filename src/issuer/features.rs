//! Deriving exactly a model's feature set from a raw person record.
//!
//! Each feature a schema may name has one definition here ([`Feature`]); a model whose schema
//! names a feature without a definition is refused up front. The derived object carries every
//! schema feature in schema order (`null` where the person has no data: the model's `missing`
//! bins decide) and is checked against the model's types and ranges before it is written.
//!
//! Windows: "12m" is months −12 to −1, "24m" −24 to −1 (the whole history string). Ratios are
//! exact decimals rounded half up to four places.
//!
//! **Relationships.** A contact is *in good standing* when none of their credit lines or
//! merchant loans shows a 90-day delinquency (`3`) or a default (`D`) in the window. The
//! issuer learns each person's standing in a first pass over the population into a
//! [`Standing`] table (compressed bitmaps by person number), then derives features in a second,
//! streaming pass. No graph leaves the issuer: a snapshot carries only the share of contacts
//! in good standing and the number of real-name-verified contacts.

use std::io::{self, BufRead};

use roaring::RoaringBitmap;

use crate::error::{bail, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::model::Model;

use super::lines::{LineChunk, ReadFrom};
use super::ratio;
use super::record::{Kind, RawPerson};
use super::rows::{for_each_chunk, RowOutcome};

/// The person is in the population (their record was read).
pub const STANDING_KNOWN: u8 = 1;
/// The person is in good standing.
pub const STANDING_GOOD: u8 = 2;
/// The person is real-name verified.
pub const STANDING_VERIFIED: u8 = 4;

/// What the issuer knows of every person for their contacts' features: three compressed
/// bitmaps (known, good standing, real-name verified) keyed by person number, so memory grows
/// with the people present, not with the largest person number. A dense population
/// `0…N−1` costs about three bits a person; scattered numbers at most about six bytes a person
/// (roaring bitmaps: a 64 Ki-number block holds a sorted list of 16-bit entries until it is
/// denser than 1 in 16, then an 8 KiB bitmap).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Standing {
    known: RoaringBitmap,
    good: RoaringBitmap,
    verified: RoaringBitmap,
}

/// The first bytes of a standing table file (then the three bitmaps in the portable roaring
/// format: known, good, verified).
const STANDING_MAGIC: &[u8; 16] = b"edgescore-stand1";

impl Standing {
    /// An empty table.
    pub fn new() -> Standing {
        Standing::default()
    }

    /// Records a person's flags. Person numbers above [`MAX_PERSON`](super::record::MAX_PERSON)
    /// are ignored (the record reader refuses them).
    pub fn set(&mut self, person: u64, flags: u8) {
        let Ok(person) = u32::try_from(person) else { return };
        for (bitmap, flag) in [
            (&mut self.known, STANDING_KNOWN),
            (&mut self.good, STANDING_GOOD),
            (&mut self.verified, STANDING_VERIFIED),
        ] {
            if flags & flag != 0 {
                bitmap.insert(person);
            } else {
                bitmap.remove(person);
            }
        }
    }

    /// A person's flags (0 when unknown).
    pub fn get(&self, person: u64) -> u8 {
        let Ok(person) = u32::try_from(person) else { return 0 };
        let mut flags = 0;
        for (bitmap, flag) in
            [(&self.known, STANDING_KNOWN), (&self.good, STANDING_GOOD), (&self.verified, STANDING_VERIFIED)]
        {
            if bitmap.contains(person) {
                flags |= flag;
            }
        }
        flags
    }

    /// People in the table.
    pub fn people(&self) -> u64 {
        self.known.len()
    }

    /// Bytes the table takes serialized (about what it holds in memory).
    pub fn bytes(&self) -> usize {
        self.known.serialized_size() + self.good.serialized_size() + self.verified.serialized_size()
    }

    /// Adds every person of `other` (for tables built over shards of one population).
    pub fn merge(&mut self, other: &Standing) {
        self.known |= &other.known;
        self.good |= &other.good;
        self.verified |= &other.verified;
    }

    /// Writes the table (a header, then the three bitmaps in the portable roaring format).
    pub fn write_to(&self, mut out: impl io::Write) -> io::Result<()> {
        out.write_all(STANDING_MAGIC)?;
        for bitmap in [&self.known, &self.good, &self.verified] {
            bitmap.serialize_into(&mut out)?;
        }
        Ok(())
    }

    /// Reads a table [`Standing::write_to`] wrote; anything else is `ERR_MALFORMED`.
    pub fn read_from(mut input: impl io::Read) -> io::Result<Result<Standing>> {
        let mut magic = [0u8; 16];
        if input.read_exact(&mut magic).is_err() || &magic != STANDING_MAGIC {
            return Ok(Err(Error::new(ErrorCode::Malformed, "not a standing table written by edgescore features")));
        }
        let mut bitmaps = Vec::with_capacity(3);
        for _ in 0..3 {
            match RoaringBitmap::deserialize_from(&mut input) {
                Ok(bitmap) => bitmaps.push(bitmap),
                Err(error)
                    if error.kind() == io::ErrorKind::InvalidData || error.kind() == io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(Err(Error::new(ErrorCode::Malformed, "the standing table is damaged")));
                }
                Err(error) => return Err(error),
            }
        }
        let mut rest = [0u8; 1];
        if input.read(&mut rest)? != 0 {
            return Ok(Err(Error::new(ErrorCode::Malformed, "the standing table has trailing bytes")));
        }
        let (Some(verified), Some(good), Some(known)) = (bitmaps.pop(), bitmaps.pop(), bitmaps.pop()) else {
            return Ok(Err(Error::new(ErrorCode::Malformed, "the standing table is damaged")));
        };
        if !good.is_subset(&known) || !verified.is_subset(&known) {
            return Ok(Err(Error::new(ErrorCode::Malformed, "the standing table is inconsistent")));
        }
        Ok(Ok(Standing { known, good, verified }))
    }
}

/// A person's standing flags, from their own record.
pub fn standing_of(person: &RawPerson<'_>) -> u8 {
    let troubled = |history: &[u8]| history.iter().any(|&c| c == b'3' || c == b'D');
    let store_loans = person.store.as_ref().map_or(&[][..], |store| store.loans.as_slice());
    let good = !person.credit_lines.iter().any(|line| troubled(line.history))
        && !store_loans.iter().any(|loan| troubled(loan));
    let mut flags = STANDING_KNOWN;
    if good {
        flags |= STANDING_GOOD;
    }
    if real_name_verified(person) {
        flags |= STANDING_VERIFIED;
    }
    flags
}

fn real_name_verified(person: &RawPerson<'_>) -> bool {
    person.identity_checks.iter().any(|check| check.check == "real_name" && check.passed)
}

macro_rules! features {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// Every feature edgescore can derive from raw records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Feature {
            $(#[doc = $name] $variant,)*
        }

        impl Feature {
            /// Every derivable feature.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant,)*];

            /// The feature's name in schemas and snapshots.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Feature::$variant => $name,)*
                }
            }
        }
    };
}

features! {
    RepayOnTimeRatio24m = "repay_on_time_ratio_24m",
    Late90dCount24m = "late_90d_count_24m",
    Defaults24m = "defaults_24m",
    UtilityOnTimeRatio12m = "utility_on_time_ratio_12m",
    OpenCreditLines = "open_credit_lines",
    OnlineOrders12m = "online_orders_12m",
    TopShoppingCategory = "top_shopping_category",
    ReturnRate12m = "return_rate_12m",
    DigitalPaymentShare = "digital_payment_share",
    BillsOnAutopay = "bills_on_autopay",
    MonthlyIncomeBand = "monthly_income_band",
    VerifiedAssetsCny = "verified_assets_cny",
    CreditUtilisation = "credit_utilisation",
    ServicesFulfilledRatio = "services_fulfilled_ratio",
    RealNameVerified = "real_name_verified",
    EducationLevel = "education_level",
    ResidenceTenureMonths = "residence_tenure_months",
    PhoneTenureMonths = "phone_tenure_months",
    ContactsGoodStandingRatio = "contacts_good_standing_ratio",
    VerifiedContacts = "verified_contacts",
    MerchantLoanOnTimeRatio = "merchant_loan_on_time_ratio",
    DisputeRate12m = "dispute_rate_12m",
    RefundRate12m = "refund_rate_12m",
    StoreRating = "store_rating",
    PositiveReviewRatio = "positive_review_ratio",
    MonthlySalesCv = "monthly_sales_cv",
    AvgMonthlySalesCny = "avg_monthly_sales_cny",
    OnTimeShipmentRatio = "on_time_shipment_ratio",
    StoreTenureMonths = "store_tenure_months",
    BusinessLicenceVerified = "business_licence_verified",
    RepeatBuyerRatio = "repeat_buyer_ratio",
}

impl Feature {
    /// The feature with this name.
    pub fn parse(name: &str) -> Option<Feature> {
        Feature::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// Derives one model's feature set.
#[derive(Clone, Debug)]
pub struct Deriver {
    model: Model,
    features: Vec<Feature>,
}

impl Deriver {
    /// A deriver for `model`; `ERR_MODEL_INVALID` when its schema names a feature that has no
    /// definition here.
    pub fn new(model: Model) -> Result<Deriver> {
        let features = model
            .features()
            .iter()
            .map(|spec| match Feature::parse(&spec.name) {
                Some(feature) => Ok(feature),
                None => bail!(ModelInvalid, "no definition derives feature {:?} from raw events", spec.name),
            })
            .collect::<Result<_>>()?;
        Ok(Deriver { model, features })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The person's features, in schema order, checked against the model.
    pub fn derive(&self, person: &RawPerson<'_>, standing: &Standing) -> Result<Object> {
        let mut features = Object::new();
        for (feature, spec) in self.features.iter().zip(self.model.features()) {
            features.insert(spec.name.as_str(), derive(*feature, person, standing));
        }
        self.model.score_features(&features).map_err(|e| e.context("derived features"))?;
        Ok(features)
    }

    /// The features line: `{"sub":…,"schema":…,"features":{…}}`.
    pub fn features_line(&self, person: &RawPerson<'_>, standing: &Standing) -> Result<String> {
        let features = self.derive(person, standing)?;
        Ok(Object::new()
            .with("sub", person.sub)
            .with("schema", self.model.schema())
            .with("features", features)
            .to_json())
    }
}

/// The derivers for consumers and sellers; a kind without one is skipped.
#[derive(Clone, Debug, Default)]
pub struct Derivers {
    /// For consumers.
    pub consumer: Option<Deriver>,
    /// For sellers.
    pub seller: Option<Deriver>,
}

impl Derivers {
    /// The deriver for a kind of person.
    pub fn for_kind(&self, kind: Kind) -> Option<&Deriver> {
        match kind {
            Kind::Consumer => self.consumer.as_ref(),
            Kind::Seller => self.seller.as_ref(),
        }
    }
}

fn count(history: &[u8], marks: &[u8]) -> u64 {
    history.iter().filter(|c| marks.contains(c)).count() as u64
}

const DUE: &[u8] = b"C123D";
const BILLED: &[u8] = b"AOCaocM";

fn last_12(history: &[u8]) -> &[u8] {
    history.get(history.len().saturating_sub(12)..).unwrap_or_default()
}

fn value(option: Option<Value>) -> Value {
    option.unwrap_or(Value::Null)
}

fn derive(feature: Feature, p: &RawPerson<'_>, standing: &Standing) -> Value {
    let lines = &p.credit_lines;
    let recent_orders = || p.orders.iter().filter(|o| o.month >= -12);
    let store = p.store.as_ref();
    let store_12m = || store.into_iter().flat_map(|s| s.months.iter()).filter(|m| m.month >= -12);
    let store_all = || store.into_iter().flat_map(|s| s.months.iter());
    let sum = |f: fn(&super::record::StoreMonth) -> u64| store_12m().map(f).sum::<u64>();
    match feature {
        Feature::RepayOnTimeRatio24m => value(ratio(
            lines.iter().map(|l| count(l.history, b"C")).sum(),
            lines.iter().map(|l| count(l.history, DUE)).sum(),
        )),
        Feature::Late90dCount24m => Value::from(lines.iter().map(|l| count(l.history, b"3")).sum::<u64>() as i64),
        Feature::Defaults24m => Value::from(lines.iter().filter(|l| l.history.contains(&b'D')).count() as i64),
        Feature::UtilityOnTimeRatio12m => value(ratio(
            p.utilities.iter().map(|u| count(last_12(u.history), b"AOC")).sum(),
            p.utilities.iter().map(|u| count(last_12(u.history), BILLED)).sum(),
        )),
        Feature::OpenCreditLines => Value::from(open_lines(p).count() as i64),
        Feature::OnlineOrders12m => Value::from(recent_orders().count() as i64),
        Feature::TopShoppingCategory => top_category(p),
        Feature::ReturnRate12m => {
            value(ratio(recent_orders().filter(|o| o.returned).count() as u64, recent_orders().count() as u64))
        }
        Feature::DigitalPaymentShare => {
            let bills_digital: u64 = p.utilities.iter().map(|u| count(last_12(u.history), b"AOao")).sum();
            let bills_paid: u64 = p.utilities.iter().map(|u| count(last_12(u.history), b"AOCaoc")).sum();
            let orders_digital = recent_orders().filter(|o| o.digital).count() as u64;
            value(ratio(bills_digital + orders_digital, bills_paid + recent_orders().count() as u64))
        }
        Feature::BillsOnAutopay => {
            let latest: Vec<u8> =
                p.utilities.iter().filter_map(|u| u.history.iter().rev().find(|&&c| c != b'-').copied()).collect();
            if latest.is_empty() {
                Value::Null
            } else {
                Value::from(latest.iter().all(|c| matches!(c, b'A' | b'a')))
            }
        }
        Feature::MonthlyIncomeBand => value(p.verified_income.map(|cny| {
            Value::from(match cny {
                ..3_000 => "under_3k",
                3_000..8_000 => "3k_to_8k",
                8_000..20_000 => "8k_to_20k",
                _ => "over_20k",
            })
        })),
        Feature::VerifiedAssetsCny => value(p.verified_assets.map(Value::from)),
        Feature::CreditUtilisation => {
            let revolving = || open_lines(p).filter(|l| l.limit.is_some());
            let limit = revolving().filter_map(|l| l.limit).map(|n| n.max(0) as u64).sum();
            let balance = revolving().filter_map(|l| l.balance).map(|n| n.max(0) as u64).sum();
            value(ratio(balance, limit))
        }
        Feature::ServicesFulfilledRatio => {
            value(ratio(p.rentals.iter().filter(|&&honoured| honoured).count() as u64, p.rentals.len() as u64))
        }
        Feature::RealNameVerified => Value::from(real_name_verified(p)),
        Feature::EducationLevel => value(
            p.identity_checks
                .iter()
                .filter(|c| c.check == "education" && c.passed)
                .max_by_key(|c| c.month)
                .and_then(|c| c.level)
                .map(Value::from),
        ),
        Feature::ResidenceTenureMonths => value(p.address_since.iter().max().map(|since| Value::from(-since))),
        Feature::PhoneTenureMonths => value(p.phone_since.map(|since| Value::from(-since))),
        Feature::ContactsGoodStandingRatio => {
            let known = p.contacts.iter().map(|&c| standing.get(c)).filter(|f| f & STANDING_KNOWN != 0);
            let good = known.clone().filter(|f| f & STANDING_GOOD != 0).count() as u64;
            value(ratio(good, known.count() as u64))
        }
        Feature::VerifiedContacts => Value::from(
            p.contacts.iter().filter(|&&c| standing.get(c) & (STANDING_KNOWN | STANDING_VERIFIED) == 5).count() as i64,
        ),
        Feature::MerchantLoanOnTimeRatio => {
            let loans = store.map_or(&[][..], |s| s.loans.as_slice());
            value(ratio(loans.iter().map(|l| count(l, b"C")).sum(), loans.iter().map(|l| count(l, DUE)).sum()))
        }
        Feature::DisputeRate12m => value(ratio(sum(|m| m.disputes), sum(|m| m.orders))),
        Feature::RefundRate12m => value(ratio(sum(|m| m.refunds), sum(|m| m.orders))),
        Feature::StoreRating => {
            let stars: u64 = store_all().map(|m| m.stars).sum();
            let reviews: u64 = store_all().map(|m| m.reviews).sum();
            value(super::ratio_places(stars, reviews, 2))
        }
        Feature::PositiveReviewRatio => {
            value(ratio(store_all().map(|m| m.positive).sum(), store_all().map(|m| m.reviews).sum()))
        }
        Feature::MonthlySalesCv => sales_cv(store_12m().map(|m| m.sales_cny)),
        Feature::AvgMonthlySalesCny => {
            let months = store_12m().count() as u64;
            value(super::ratio_places(sum(|m| m.sales_cny), months, 0))
        }
        Feature::OnTimeShipmentRatio => value(ratio(sum(|m| m.shipped_on_time), sum(|m| m.orders))),
        Feature::StoreTenureMonths => value(store.map(|s| Value::from(-s.opened))),
        Feature::BusinessLicenceVerified => value(store.map(|s| Value::from(s.licence_verified))),
        Feature::RepeatBuyerRatio => value(ratio(sum(|m| m.repeat_buyers), sum(|m| m.buyers))),
    }
}

/// Lines neither closed nor defaulted.
fn open_lines<'p, 'a>(p: &'p RawPerson<'a>) -> impl Iterator<Item = &'p super::record::CreditLine<'a>> + Clone {
    p.credit_lines.iter().filter(|l| l.closed.is_none() && !l.history.contains(&b'D'))
}

/// The category with the most orders in 12 months; ties go to the larger amount, then to the
/// name first in alphabetical order.
fn top_category(p: &RawPerson<'_>) -> Value {
    let mut tally: Vec<(&str, u64, i64)> = Vec::new();
    for order in p.orders.iter().filter(|o| o.month >= -12) {
        match tally.iter_mut().find(|(name, _, _)| *name == order.category) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 = entry.2.saturating_add(order.cny);
            }
            None => tally.push((order.category, 1, order.cny)),
        }
    }
    tally.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    value(tally.first().map(|(name, _, _)| Value::from(*name)))
}

/// Population standard deviation over mean of monthly sales (at least two months).
fn sales_cv(sales: impl Iterator<Item = u64>) -> Value {
    let (mut n, mut total, mut squares) = (0u128, 0u128, 0u128);
    for month in sales {
        n += 1;
        total += u128::from(month);
        squares += u128::from(month) * u128::from(month);
    }
    if n < 2 || total == 0 {
        return Value::Null;
    }
    // sd / mean = sqrt(n·Σx² − (Σx)²) / Σx, in exact integers up to the square root.
    let spread = (n * squares).saturating_sub(total * total);
    crate::decimal::round_to_json((spread as f64).sqrt() / total as f64, 4)
}

/// The longest raw record line `features` reads.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// First pass: every readable record's standing flags, by person number, for the lines of
/// `input` from `from` on. Unreadable rows are left out here and reported by the second pass.
pub fn collect_standing(input: impl BufRead + Send, from: ReadFrom, threads: usize) -> io::Result<Standing> {
    let mut standing = Standing::new();
    let work = |chunk: LineChunk| {
        chunk
            .iter()
            .filter_map(|(_, bytes)| {
                let object = json::parse_object(bytes.ok()?).ok()?;
                let person = RawPerson::from_object(&object).ok()?;
                Some((person.person, standing_of(&person)))
            })
            .collect::<Vec<_>>()
    };
    for_each_chunk(input, from, threads, MAX_RECORD_BYTES, work, |flags| {
        for (person, flags) in flags {
            standing.set(person, flags);
        }
        Ok(())
    })?;
    Ok(standing)
}

/// Second pass, one row: the features line of a raw record, or a skip when no deriver is
/// given for the person's kind.
pub fn features_row(derivers: &Derivers, standing: &Standing, bytes: &[u8]) -> Result<RowOutcome> {
    let object = json::parse_object(bytes)?;
    let person = RawPerson::from_object(&object)?;
    let Some(deriver) = derivers.for_kind(person.kind) else {
        return Ok(RowOutcome::default());
    };
    Ok(RowOutcome { line: Some(deriver.features_line(&person, standing)?), events: person.event_count() })
}
