//! Merchant policy: from a band, the snapshot's age and the order to a deposit decision.
//!
//! A policy is the merchant's own unsigned JSON (`format_version` 1): an ordered list of rules
//! and a decision for when none applies. The first rule whose every condition holds decides.
//! Conditions: `bands` (the band is one of them), `max_deposit` / `min_deposit` and
//! `max_order_value` / `min_order_value` (amounts in minor units, so 299 yuan is 29900), and
//! `max_snapshot_age_seconds`. A condition on an amount the order context does not give never
//! holds, so a rule cannot waive a deposit it was not told about.

use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::limits::{MAX_AMOUNT, MAX_POLICY_BYTES, MAX_RULES};

/// The policy format this build reads.
pub const POLICY_FORMAT_VERSION: i64 = 1;

/// The embedded default policy for deposit-free rentals.
pub const DEFAULT_POLICY_JSON: &str = include_str!("assets/policy/deposit-free-rentals.json");

/// What the merchant should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Rent without a deposit.
    DepositFree,
    /// Take a reduced deposit.
    ReducedDeposit,
    /// Take the full deposit.
    DepositRequired,
    /// Send to manual review.
    Refer,
}

impl Outcome {
    /// The identifier in policies and results.
    pub const fn id(self) -> &'static str {
        match self {
            Outcome::DepositFree => "deposit_free",
            Outcome::ReducedDeposit => "reduced_deposit",
            Outcome::DepositRequired => "deposit_required",
            Outcome::Refer => "refer",
        }
    }

    fn parse(id: &str) -> Option<Outcome> {
        [Outcome::DepositFree, Outcome::ReducedDeposit, Outcome::DepositRequired, Outcome::Refer]
            .into_iter()
            .find(|o| o.id() == id)
    }
}

/// One rule: conditions and the decision they lead to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Identifier, reported as the rule that fired.
    pub id: String,
    /// Bands the rule applies to; `None` for any band.
    pub bands: Option<Vec<String>>,
    /// Deposit at most this.
    pub max_deposit: Option<i64>,
    /// Deposit at least this.
    pub min_deposit: Option<i64>,
    /// Order value at most this.
    pub max_order_value: Option<i64>,
    /// Order value at least this.
    pub min_order_value: Option<i64>,
    /// Snapshot at most this old.
    pub max_snapshot_age_seconds: Option<i64>,
    /// The decision.
    pub outcome: Outcome,
    /// For `reduced_deposit`: the share of the deposit still taken, 1–99.
    pub deposit_percent: Option<i64>,
}

/// A validated merchant policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Policy id.
    pub id: String,
    /// The merchant's audience id, when the policy names one.
    pub audience: Option<String>,
    /// ISO 4217 currency of the amounts, when the policy names one.
    pub currency: Option<String>,
    /// Rules in order.
    pub rules: Vec<Rule>,
    /// The decision when no rule applies.
    pub otherwise: Outcome,
}

/// The order being decided: amounts in minor units of the currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderContext {
    /// The deposit the item normally needs.
    pub deposit: Option<i64>,
    /// The order value.
    pub order_value: Option<i64>,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
    /// The merchant's item reference (not used in decisions).
    pub item: Option<String>,
}

/// A decision: the outcome, the rule that fired and the deposit to take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// The id of the rule that fired (`otherwise` when none did).
    pub rule: String,
    /// The deposit to take, in minor units, when the order context gave one.
    pub deposit: Option<i64>,
    /// For `reduced_deposit`: the share of the deposit taken.
    pub deposit_percent: Option<i64>,
}

impl OrderContext {
    /// Reads an order context object: `deposit`, `order_value` (whole minor units),
    /// `currency`, `item`. Unknown members are refused (`ERR_CONTEXT_INVALID`), so a misspelt
    /// amount cannot silently change a decision.
    pub fn from_object(object: &Object) -> Result<OrderContext> {
        let invalid = |message: String| Error::with_message(ErrorCode::ContextInvalid, message);
        if let Some((name, _)) =
            object.iter().find(|(name, _)| !matches!(*name, "deposit" | "order_value" | "currency" | "item"))
        {
            return Err(invalid(format!("unknown order context member \"{}\"", truncate(name, 40))));
        }
        let amount = |name: &str| -> Result<Option<i64>> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => match value.as_i64() {
                    Some(amount) if (0..=MAX_AMOUNT).contains(&amount) => Ok(Some(amount)),
                    _ => {
                        Err(invalid(format!("\"{name}\" must be a whole number of minor units from 0 to {MAX_AMOUNT}")))
                    }
                },
            }
        };
        let text = |name: &str| -> Result<Option<String>> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) if text.len() <= 128 => Ok(Some(text.clone())),
                Some(_) => Err(invalid(format!("\"{name}\" must be a string of at most 128 bytes"))),
            }
        };
        let context = OrderContext {
            deposit: amount("deposit")?,
            order_value: amount("order_value")?,
            currency: text("currency")?,
            item: text("item")?,
        };
        if let Some(currency) = &context.currency {
            if !is_currency_code(currency) {
                return Err(invalid("\"currency\" must be an ISO 4217 code such as CNY".to_owned()));
            }
        }
        Ok(context)
    }

    /// Reads an order context from JSON text.
    pub fn parse(input: &[u8]) -> Result<OrderContext> {
        if input.len() > MAX_POLICY_BYTES {
            bail!(TooLarge, "order context is larger than {MAX_POLICY_BYTES} bytes");
        }
        let object = json::parse_object(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::ContextInvalid),
            _ => e,
        })?;
        OrderContext::from_object(&object)
    }
}

fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

impl Policy {
    /// The embedded default policy for deposit-free rentals.
    pub fn default_rentals() -> Policy {
        // The embedded policy is checked by a test; an empty policy is the safe fallback.
        Policy::parse(DEFAULT_POLICY_JSON.as_bytes()).unwrap_or_else(|_| Policy {
            id: "deposit-required".to_owned(),
            audience: None,
            currency: None,
            rules: Vec::new(),
            otherwise: Outcome::DepositRequired,
        })
    }

    /// Reads and validates a policy (`ERR_POLICY_INVALID`, `ERR_UNSUPPORTED_VERSION`).
    pub fn parse(input: &[u8]) -> Result<Policy> {
        if input.len() > MAX_POLICY_BYTES {
            bail!(TooLarge, "policy is larger than {MAX_POLICY_BYTES} bytes");
        }
        let object = json::parse_object(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::PolicyInvalid).context("policy"),
            _ => e.context("policy"),
        })?;
        Policy::from_object(&object).map_err(|e| e.context("policy"))
    }

    fn from_object(object: &Object) -> Result<Policy> {
        only(object, &["format_version", "id", "description", "audience", "currency", "rules", "otherwise"])?;
        match object.get("format_version") {
            Some(value) if value.as_i64() == Some(POLICY_FORMAT_VERSION) => {}
            Some(Value::Number(number)) => bail!(
                UnsupportedVersion,
                "format_version {} is not supported (this build reads {POLICY_FORMAT_VERSION})",
                number.as_str()
            ),
            _ => bail!(PolicyInvalid, "\"format_version\" must be a number"),
        }
        let id = identifier(object, "id")?;
        let audience = optional_string(object, "audience")?;
        let currency = optional_string(object, "currency")?;
        if currency.as_deref().is_some_and(|code| !is_currency_code(code)) {
            bail!(PolicyInvalid, "\"currency\" must be an ISO 4217 code such as CNY");
        }
        let Some(Value::Array(entries)) = object.get("rules") else {
            bail!(PolicyInvalid, "\"rules\" must be an array");
        };
        if entries.len() > MAX_RULES {
            bail!(PolicyInvalid, "a policy has at most {MAX_RULES} rules");
        }
        let mut rules: Vec<Rule> = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let Some(entry) = entry.as_object() else {
                bail!(PolicyInvalid, "rule {index} must be an object");
            };
            let rule = read_rule(entry).map_err(|e| e.context(&format!("rule {index}")))?;
            if rule.id == "otherwise" || rules.iter().any(|r| r.id == rule.id) {
                bail!(PolicyInvalid, "rule id \"{}\" is used twice or reserved", rule.id);
            }
            rules.push(rule);
        }
        let otherwise = match object.get("otherwise").and_then(Value::as_str).and_then(Outcome::parse) {
            Some(Outcome::ReducedDeposit) => {
                bail!(PolicyInvalid, "\"otherwise\" cannot be reduced_deposit (it has no percent)")
            }
            Some(outcome) => outcome,
            None => bail!(PolicyInvalid, "\"otherwise\" must be deposit_free, deposit_required or refer"),
        };
        Ok(Policy { id, audience, currency, rules, otherwise })
    }

    /// Every band id the rules name (for checking against a model).
    pub fn band_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().flat_map(|r| r.bands.iter().flatten()).map(String::as_str)
    }

    /// Decides for a band, a snapshot age and an order.
    pub fn decide(&self, band: &str, snapshot_age_seconds: i64, order: &OrderContext) -> Result<Decision> {
        if let (Some(policy), Some(order)) = (&self.currency, &order.currency) {
            if policy != order {
                bail!(ContextInvalid, "order currency {order} is not the policy's {policy}");
            }
        }
        let applies = |rule: &Rule| {
            let at_most =
                |limit: Option<i64>, amount: Option<i64>| limit.is_none_or(|limit| amount.is_some_and(|a| a <= limit));
            let at_least =
                |limit: Option<i64>, amount: Option<i64>| limit.is_none_or(|limit| amount.is_some_and(|a| a >= limit));
            rule.bands.as_ref().is_none_or(|bands| bands.iter().any(|b| b == band))
                && at_most(rule.max_deposit, order.deposit)
                && at_least(rule.min_deposit, order.deposit)
                && at_most(rule.max_order_value, order.order_value)
                && at_least(rule.min_order_value, order.order_value)
                && rule.max_snapshot_age_seconds.is_none_or(|max| snapshot_age_seconds <= max)
        };
        let (outcome, rule, percent) = match self.rules.iter().find(|rule| applies(rule)) {
            Some(rule) => (rule.outcome, rule.id.clone(), rule.deposit_percent),
            None => (self.otherwise, "otherwise".to_owned(), None),
        };
        let deposit = match outcome {
            Outcome::DepositFree => Some(0),
            Outcome::ReducedDeposit => order.deposit.map(|deposit| (deposit * percent.unwrap_or(100) + 50) / 100),
            Outcome::DepositRequired => order.deposit,
            Outcome::Refer => None,
        };
        Ok(Decision { outcome, rule, deposit, deposit_percent: percent })
    }
}

fn read_rule(object: &Object) -> Result<Rule> {
    only(
        object,
        &[
            "id",
            "description",
            "bands",
            "max_deposit",
            "min_deposit",
            "max_order_value",
            "min_order_value",
            "max_snapshot_age_seconds",
            "decision",
            "deposit_percent",
        ],
    )?;
    let id = identifier(object, "id")?;
    let bands = match object.get("bands") {
        None => None,
        Some(Value::Array(items)) if !items.is_empty() => Some(
            items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Error::new(ErrorCode::PolicyInvalid, "\"bands\" must hold band ids"))?,
        ),
        Some(_) => bail!(PolicyInvalid, "\"bands\" must be a non-empty array of band ids"),
    };
    let outcome = match object.get("decision").and_then(Value::as_str).and_then(Outcome::parse) {
        Some(outcome) => outcome,
        None => bail!(PolicyInvalid, "\"decision\" must be deposit_free, reduced_deposit, deposit_required or refer"),
    };
    let deposit_percent = optional_amount(object, "deposit_percent")?;
    match (outcome, deposit_percent) {
        (Outcome::ReducedDeposit, Some(1..=99)) => {}
        (Outcome::ReducedDeposit, _) => bail!(PolicyInvalid, "reduced_deposit needs \"deposit_percent\" from 1 to 99"),
        (_, Some(_)) => bail!(PolicyInvalid, "\"deposit_percent\" is only for reduced_deposit"),
        (_, None) => {}
    }
    Ok(Rule {
        id,
        bands,
        max_deposit: optional_amount(object, "max_deposit")?,
        min_deposit: optional_amount(object, "min_deposit")?,
        max_order_value: optional_amount(object, "max_order_value")?,
        min_order_value: optional_amount(object, "min_order_value")?,
        max_snapshot_age_seconds: optional_amount(object, "max_snapshot_age_seconds")?,
        outcome,
        deposit_percent,
    })
}

fn only(object: &Object, allowed: &[&str]) -> Result<()> {
    match object.iter().find(|(name, _)| !allowed.contains(name)) {
        Some((name, _)) => bail!(PolicyInvalid, "unknown member \"{}\"", truncate(name, 40)),
        None => Ok(()),
    }
}

fn identifier(object: &Object, name: &str) -> Result<String> {
    match object.get(name) {
        Some(Value::String(text))
            if !text.is_empty()
                && text.len() <= 64
                && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) =>
        {
            Ok(text.clone())
        }
        _ => bail!(PolicyInvalid, "\"{name}\" must be 1 to 64 letters, digits, '_', '-' or '.'"),
    }
}

fn optional_string(object: &Object, name: &str) -> Result<Option<String>> {
    match object.get(name) {
        None => Ok(None),
        Some(Value::String(text)) if !text.is_empty() && text.len() <= 256 => Ok(Some(text.clone())),
        Some(_) => bail!(PolicyInvalid, "\"{name}\" must be a string of 1 to 256 bytes"),
    }
}

fn optional_amount(object: &Object, name: &str) -> Result<Option<i64>> {
    match object.get(name) {
        None => Ok(None),
        Some(value) => match value.as_i64() {
            Some(amount) if (0..=MAX_AMOUNT).contains(&amount) => Ok(Some(amount)),
            _ => bail!(PolicyInvalid, "\"{name}\" must be a whole number from 0 to {MAX_AMOUNT}"),
        },
    }
}
