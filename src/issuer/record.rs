//! One raw person record, as `synth` writes it (one JSON Lines row), read strictly enough that
//! a bad row is an error with a message and never a panic or a silently wrong feature.
//!
//! Months are whole numbers relative to the snapshot month (`-1` is last month). Histories are
//! 24-character strings, index 0 being month `-24`; see [`crate::issuer::synth`] for their
//! alphabets. Members not listed here (`truth`, `community`, `carrier`, `city`, …) are not
//! read: the ground truth never reaches a feature.

use crate::error::{bail, truncate, Result};
use crate::json::{Object, Value};

use super::synth::WINDOW_MONTHS;

/// The largest person number accepted (the contact-standing table keys people by 32-bit
/// number).
pub const MAX_PERSON: u64 = (1 << 32) - 1;

/// Consumer or small-business seller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A consumer (the consumer schema).
    Consumer,
    /// A seller (the seller schema).
    Seller,
}

impl Kind {
    /// `consumer` or `seller`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Consumer => "consumer",
            Kind::Seller => "seller",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<Kind> {
        [Kind::Consumer, Kind::Seller].into_iter().find(|k| k.name() == name)
    }
}

/// A real-name or education check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityCheck<'a> {
    /// Month.
    pub month: i64,
    /// `real_name` or `education`.
    pub check: &'a str,
    /// Whether it passed.
    pub passed: bool,
    /// Education level of a passed education check.
    pub level: Option<&'a str>,
}

/// A loan, pay-later or card account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditLine<'a> {
    /// Product name.
    pub product: &'a str,
    /// Month closed, if closed.
    pub closed: Option<i64>,
    /// Credit limit (revolving lines).
    pub limit: Option<i64>,
    /// Balance in use (revolving lines).
    pub balance: Option<i64>,
    /// Repayment history: `C`, `1`, `2`, `3`, `D`, `-`.
    pub history: &'a [u8],
}

/// A utility account and its bill history: `A O C a o c M -`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Utility<'a> {
    /// `electricity`, `water`, …
    pub kind: &'a str,
    /// Bill history.
    pub history: &'a [u8],
}

/// An online order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order<'a> {
    /// Month.
    pub month: i64,
    /// Category.
    pub category: &'a str,
    /// Amount in yuan.
    pub cny: i64,
    /// Whether it was returned.
    pub returned: bool,
    /// Whether it was paid digitally.
    pub digital: bool,
}

/// A month of a seller's store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreMonth {
    /// Month.
    pub month: i64,
    /// Orders, sales (yuan), disputes, refunds, orders shipped on time, buyers, repeat
    /// buyers, reviews, positive reviews, summed stars.
    pub orders: u64,
    /// Sales in yuan.
    pub sales_cny: u64,
    /// Disputed orders.
    pub disputes: u64,
    /// Refunded orders.
    pub refunds: u64,
    /// Orders shipped on time.
    pub shipped_on_time: u64,
    /// Distinct buyers.
    pub buyers: u64,
    /// Buyers who had bought before.
    pub repeat_buyers: u64,
    /// Reviews.
    pub reviews: u64,
    /// Positive reviews.
    pub positive: u64,
    /// Stars summed over reviews (1–5 each).
    pub stars: u64,
}

/// A seller's store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store<'a> {
    /// Month opened.
    pub opened: i64,
    /// Whether the business licence is verified.
    pub licence_verified: bool,
    /// Monthly records.
    pub months: Vec<StoreMonth>,
    /// Merchant loan repayment histories.
    pub loans: Vec<&'a [u8]>,
}

/// A raw person record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPerson<'a> {
    /// Person number (unique in the population; contacts refer to it).
    pub person: u64,
    /// The snapshot `sub`.
    pub sub: &'a str,
    /// Consumer or seller.
    pub kind: Kind,
    /// Identity checks.
    pub identity_checks: Vec<IdentityCheck<'a>>,
    /// Monthly income in yuan, when verified.
    pub verified_income: Option<i64>,
    /// Verified assets in yuan (`None` when no asset is verified).
    pub verified_assets: Option<i64>,
    /// Month the phone number was taken.
    pub phone_since: Option<i64>,
    /// Move-in months of the addresses.
    pub address_since: Vec<i64>,
    /// Credit lines.
    pub credit_lines: Vec<CreditLine<'a>>,
    /// Utility accounts.
    pub utilities: Vec<Utility<'a>>,
    /// Orders.
    pub orders: Vec<Order<'a>>,
    /// Rentals and bookings: whether each was honoured on time.
    pub rentals: Vec<bool>,
    /// Contacts' person numbers.
    pub contacts: Vec<u64>,
    /// The store (sellers).
    pub store: Option<Store<'a>>,
}

impl<'a> RawPerson<'a> {
    /// Reads a record from its parsed JSON.
    pub fn from_object(record: &'a Object) -> Result<RawPerson<'a>> {
        let person = u64_at(record, "person")?;
        if person > MAX_PERSON {
            bail!(Malformed, "\"person\" must be at most {MAX_PERSON}");
        }
        let sub = str_at(record, "sub")?;
        let kind_name = str_at(record, "kind")?;
        let Some(kind) = Kind::parse(kind_name) else {
            bail!(Malformed, "\"kind\" must be consumer or seller, not {:?}", truncate(kind_name, 20));
        };
        let identity_checks = objects(record, "identity_checks")?
            .map(|check| {
                let check = check?;
                Ok(IdentityCheck {
                    month: month_at(check, "m")?,
                    check: str_at(check, "check")?,
                    passed: match str_at(check, "result")? {
                        "pass" => true,
                        "fail" => false,
                        _ => bail!(Malformed, "\"result\" must be pass or fail"),
                    },
                    level: opt(check, "level", Value::as_str)?,
                })
            })
            .collect::<Result<_>>()?;
        let verified_income = match opt(record, "income", Value::as_object)? {
            Some(income) if bool_at(income, "verified")? => Some(u64_at(income, "monthly_cny")? as i64),
            _ => None,
        };
        let mut verified_assets = None;
        for asset in objects(record, "assets")? {
            let asset = asset?;
            let cny = u64_at(asset, "cny")? as i64;
            if bool_at(asset, "verified")? {
                verified_assets = Some(verified_assets.unwrap_or(0i64).saturating_add(cny));
            }
        }
        let phone_since = opt(record, "phone", Value::as_object)?.map(|phone| month_at(phone, "since")).transpose()?;
        let address_since =
            objects(record, "addresses")?.map(|address| month_at(address?, "since")).collect::<Result<_>>()?;
        let credit_lines = objects(record, "credit_lines")?
            .map(|line| {
                let line = line?;
                Ok(CreditLine {
                    product: str_at(line, "product")?,
                    closed: opt(line, "closed", Value::as_i64)?,
                    limit: opt(line, "limit", Value::as_i64)?,
                    balance: opt(line, "balance", Value::as_i64)?,
                    history: history_at(line, b"C123D-")?,
                })
            })
            .collect::<Result<_>>()?;
        let utilities = objects(record, "utilities")?
            .map(|utility| {
                let utility = utility?;
                Ok(Utility { kind: str_at(utility, "kind")?, history: history_at(utility, b"AOCaocM-")? })
            })
            .collect::<Result<_>>()?;
        let orders = objects(record, "orders")?
            .map(|order| {
                let order = order?;
                Ok(Order {
                    month: month_at(order, "m")?,
                    category: str_at(order, "cat")?,
                    cny: u64_at(order, "cny")? as i64,
                    returned: bool_at(order, "ret")?,
                    digital: str_at(order, "pay")? == "digital",
                })
            })
            .collect::<Result<_>>()?;
        let rentals = objects(record, "rentals")?.map(|rental| bool_at(rental?, "honoured")).collect::<Result<_>>()?;
        let contacts = array(record, "contacts")?
            .iter()
            .map(|contact| match contact.as_i64() {
                Some(n) if (0..=MAX_PERSON as i64).contains(&n) => Ok(n as u64),
                _ => bail!(Malformed, "\"contacts\" must hold person numbers"),
            })
            .collect::<Result<_>>()?;
        let store = opt(record, "store", Value::as_object)?.map(store_from).transpose()?;
        if kind == Kind::Seller && store.is_none() {
            bail!(Malformed, "a seller record needs \"store\"");
        }
        Ok(RawPerson {
            person,
            sub,
            kind,
            identity_checks,
            verified_income,
            verified_assets,
            phone_since,
            address_since,
            credit_lines,
            utilities,
            orders,
            rentals,
            contacts,
            store,
        })
    }

    /// Raw events in the record: due months of repayment and bill histories, orders, rentals,
    /// identity checks, addresses, contacts, store months.
    pub fn event_count(&self) -> u64 {
        let due = |history: &[u8]| history.iter().filter(|&&c| c != b'-').count() as u64;
        let store = self
            .store
            .as_ref()
            .map_or(0, |store| store.months.len() as u64 + store.loans.iter().map(|loan| due(loan)).sum::<u64>());
        self.credit_lines.iter().map(|line| due(line.history)).sum::<u64>()
            + self.utilities.iter().map(|utility| due(utility.history)).sum::<u64>()
            + (self.orders.len() + self.rentals.len() + self.identity_checks.len()) as u64
            + (self.address_since.len() + self.contacts.len()) as u64
            + store
    }
}

fn store_from(store: &Object) -> Result<Store<'_>> {
    let months = objects(store, "months")?
        .map(|month| {
            let month = month?;
            let n = |name: &str| u64_at(month, name);
            Ok(StoreMonth {
                month: month_at(month, "m")?,
                orders: n("orders")?,
                sales_cny: n("sales_cny")?,
                disputes: n("disputes")?,
                refunds: n("refunds")?,
                shipped_on_time: n("shipped_on_time")?,
                buyers: n("buyers")?,
                repeat_buyers: n("repeat_buyers")?,
                reviews: n("reviews")?,
                positive: n("positive")?,
                stars: n("stars")?,
            })
        })
        .collect::<Result<_>>()?;
    let loans = objects(store, "loans")?.map(|loan| history_at(loan?, b"C123D-")).collect::<Result<_>>()?;
    Ok(Store {
        opened: month_at(store, "opened")?,
        licence_verified: bool_at(store, "licence_verified")?,
        months,
        loans,
    })
}

fn missing(name: &str) -> crate::Error {
    crate::Error::with_message(crate::ErrorCode::Malformed, format!("missing or mistyped {name:?}"))
}

fn str_at<'a>(object: &'a Object, name: &str) -> Result<&'a str> {
    object.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| missing(name))
}

fn bool_at(object: &Object, name: &str) -> Result<bool> {
    object.get(name).and_then(Value::as_bool).ok_or_else(|| missing(name))
}

fn u64_at(object: &Object, name: &str) -> Result<u64> {
    object.get(name).and_then(Value::as_i64).and_then(|n| u64::try_from(n).ok()).ok_or_else(|| missing(name))
}

/// A month: a whole number from −1200 to −1 (the past, up to a century back).
fn month_at(object: &Object, name: &str) -> Result<i64> {
    match object.get(name).and_then(Value::as_i64) {
        Some(month) if (-1200..0).contains(&month) => Ok(month),
        Some(_) => bail!(Malformed, "{name:?} must be a past month (-1200 to -1)"),
        None => Err(missing(name)),
    }
}

/// A member that may be absent or `null`; present, it must have the right type.
fn opt<'a, T>(object: &'a Object, name: &str, get: impl Fn(&'a Value) -> Option<T>) -> Result<Option<T>> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => get(value).map(Some).ok_or_else(|| missing(name)),
    }
}

/// An array member; absent or `null` is empty.
fn array<'a>(object: &'a Object, name: &str) -> Result<&'a [Value]> {
    Ok(opt(object, name, Value::as_array)?.unwrap_or_default())
}

fn objects<'a>(object: &'a Object, name: &str) -> Result<impl Iterator<Item = Result<&'a Object>> + 'a> {
    let owned_name = name.to_owned();
    Ok(array(object, name)?.iter().map(move |item| item.as_object().ok_or_else(|| missing(&owned_name))))
}

/// A 24-character history over `alphabet`.
fn history_at<'a>(object: &'a Object, alphabet: &[u8]) -> Result<&'a [u8]> {
    let history = str_at(object, "history")?.as_bytes();
    if history.len() != WINDOW_MONTHS as usize || !history.iter().all(|c| alphabet.contains(c)) {
        bail!(
            Malformed,
            "\"history\" must be {WINDOW_MONTHS} characters of {:?}",
            std::str::from_utf8(alphabet).unwrap_or_default()
        );
    }
    Ok(history)
}
