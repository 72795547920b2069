//! Merchant policy: from a band, the snapshot's age and the order to a deposit decision.
//!
//! A policy is the merchant's own unsigned JSON (`format_version` 1 or 2): an ordered list of
//! rules and a decision for when none applies. The first rule whose every condition holds decides.
//! Format 2 adds `status`: what to do when the verifier holds no current status list for a
//! snapshot (`"unavailable": "refuse"` or `"refer"`), and how old a list may be
//! (`"max_age_seconds"`). Format 1 refuses then, as does format 2 without `status`. With
//! `"required": true` a snapshot that carries no status reference at all is refused
//! (`ERR_STATUS_INVALID`): for merchants whose bureau puts every snapshot on a status list.
//! Conditions: `bands` (the band is one of them), `max_deposit` / `min_deposit` and
//! `max_order_value` / `min_order_value` (amounts in minor units, so 299 yuan is 29900), and
//! `max_snapshot_age_seconds`. A condition on an amount the order context does not give never
//! holds, so a rule cannot waive a deposit it was not told about.

use serde::{Deserialize, Serialize};

use crate::error::{bail, truncate, Error, ErrorCode, Result};
use crate::json::{self, Object, Value};
use crate::limits::{MAX_AMOUNT, MAX_IDENTIFIER, MAX_POLICY_BYTES, MAX_RULES};

/// The newest policy format this build reads (it reads 1 too).
pub const POLICY_FORMAT_VERSION: i64 = 2;

/// The embedded default policy for deposit-free rentals.
pub const DEFAULT_POLICY_JSON: &str = include_str!("assets/policy/deposit-free-rentals.json");

/// What the merchant should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// What to do about snapshots whose status cannot be checked.
    pub status: StatusPolicy,
}

/// What a policy does when a snapshot carries a status reference and the verifier holds no
/// current status list for it, and whether a snapshot must carry one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusPolicy {
    /// Refuse (`ERR_STATUS_UNAVAILABLE`) or decide `refer`.
    pub unavailable: WhenUnavailable,
    /// A list issued longer ago than this is not current (besides its own `exp`).
    pub max_age_seconds: Option<i64>,
    /// Refuse a snapshot without a status reference (`ERR_STATUS_INVALID`); by default such a
    /// snapshot is scored with no status check (the issuer chose not to make it revocable).
    pub required: bool,
}

/// `status.unavailable`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenUnavailable {
    /// Refuse the snapshot (`ERR_STATUS_UNAVAILABLE`).
    #[default]
    Refuse,
    /// Decide `refer` (rule `status-unavailable`), and say so in the result.
    Refer,
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
    /// Reads an order context object: `deposit`, `order_value` (whole minor units, `null` for
    /// not given), `currency`, `item`. Unknown members are refused (`ERR_CONTEXT_INVALID`), so
    /// a misspelt amount cannot silently change a decision.
    pub fn from_object(object: &Object) -> Result<OrderContext> {
        OrderContext::from_value(&Value::Object(object.clone()))
    }

    /// Reads an order context from JSON text.
    pub fn parse(input: &[u8]) -> Result<OrderContext> {
        if input.len() > MAX_POLICY_BYTES {
            bail!(TooLarge, "order context is larger than {MAX_POLICY_BYTES} bytes");
        }
        let value = json::parse(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::ContextInvalid),
            _ => e,
        })?;
        OrderContext::from_value(&value)
    }

    fn from_value(value: &Value) -> Result<OrderContext> {
        let doc: OrderContextDoc = json::from_value(value).map_err(|e| e.into_error(ErrorCode::ContextInvalid))?;
        let invalid = |message: String| Error::with_message(ErrorCode::ContextInvalid, message);
        for (name, amount) in [("deposit", doc.deposit), ("order_value", doc.order_value)] {
            if amount.is_some_and(|amount| !(0..=MAX_AMOUNT).contains(&amount)) {
                return Err(invalid(format!(
                    "\"{name}\" must be a whole number of minor units from 0 to {MAX_AMOUNT}"
                )));
            }
        }
        for (name, text) in [("currency", &doc.currency), ("item", &doc.item)] {
            if text.as_ref().is_some_and(|text| text.len() > 128) {
                return Err(invalid(format!("\"{name}\" must be a string of at most 128 bytes")));
            }
        }
        if doc.currency.as_deref().is_some_and(|code| !is_currency_code(code)) {
            return Err(invalid("\"currency\" must be an ISO 4217 code such as CNY".to_owned()));
        }
        Ok(OrderContext { deposit: doc.deposit, order_value: doc.order_value, currency: doc.currency, item: doc.item })
    }
}

/// The order context as written; `null` means "not given" for every member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderContextDoc {
    #[serde(default, deserialize_with = "json::nullable")]
    deposit: Option<i64>,
    #[serde(default, deserialize_with = "json::nullable")]
    order_value: Option<i64>,
    #[serde(default, deserialize_with = "json::nullable")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "json::nullable")]
    item: Option<String>,
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
            status: StatusPolicy::default(),
        })
    }

    /// Reads and validates a policy (`ERR_POLICY_INVALID`, `ERR_UNSUPPORTED_VERSION`).
    pub fn parse(input: &[u8]) -> Result<Policy> {
        if input.len() > MAX_POLICY_BYTES {
            bail!(TooLarge, "policy is larger than {MAX_POLICY_BYTES} bytes");
        }
        let value = json::parse(input).map_err(|e| match e.code() {
            ErrorCode::Malformed => e.recode(ErrorCode::PolicyInvalid).context("policy"),
            _ => e.context("policy"),
        })?;
        Policy::from_value(&value).map_err(|e| e.context("policy"))
    }

    fn from_value(value: &Value) -> Result<Policy> {
        let version = match value.as_object().and_then(|object| object.get("format_version")) {
            Some(version) if matches!(version.as_i64(), Some(1..=POLICY_FORMAT_VERSION)) => version.as_i64(),
            Some(Value::Number(number)) => bail!(
                UnsupportedVersion,
                "format_version {} is not supported (this build reads 1 to {POLICY_FORMAT_VERSION})",
                truncate(number.as_str(), 20)
            ),
            _ => bail!(PolicyInvalid, "\"format_version\" must be a number"),
        };
        let doc: PolicyDoc = json::from_value(value).map_err(|e| e.into_error(ErrorCode::PolicyInvalid))?;
        identifier(&doc.id, "id")?;
        for (name, text) in [("audience", &doc.audience), ("currency", &doc.currency)] {
            if text.as_ref().is_some_and(|text| text.is_empty() || text.len() > 256) {
                bail!(PolicyInvalid, "\"{name}\" must be a string of 1 to 256 bytes");
            }
        }
        if doc.currency.as_deref().is_some_and(|code| !is_currency_code(code)) {
            bail!(PolicyInvalid, "\"currency\" must be an ISO 4217 code such as CNY");
        }
        if doc.rules.len() > MAX_RULES {
            bail!(PolicyInvalid, "a policy has at most {MAX_RULES} rules");
        }
        let mut rules: Vec<Rule> = Vec::with_capacity(doc.rules.len());
        for (index, entry) in doc.rules.into_iter().enumerate() {
            let rule = check_rule(entry).map_err(|e| e.context(&format!("rules[{index}]")))?;
            if rule.id == "otherwise" || rules.iter().any(|r| r.id == rule.id) {
                bail!(PolicyInvalid, "rule id \"{}\" is used twice or reserved", rule.id);
            }
            rules.push(rule);
        }
        if doc.otherwise == Outcome::ReducedDeposit {
            bail!(PolicyInvalid, "\"otherwise\" cannot be reduced_deposit (it has no percent)");
        }
        let status = match doc.status {
            None => StatusPolicy::default(),
            Some(_) if version == Some(1) => bail!(PolicyInvalid, "\"status\" needs format_version 2"),
            Some(status) => {
                if status.max_age_seconds.is_some_and(|age| !(1..=MAX_AMOUNT).contains(&age)) {
                    bail!(PolicyInvalid, "\"status.max_age_seconds\" must be a whole number from 1 to {MAX_AMOUNT}");
                }
                StatusPolicy {
                    unavailable: status.unavailable,
                    max_age_seconds: status.max_age_seconds,
                    required: status.required,
                }
            }
        };
        Ok(Policy {
            id: doc.id,
            audience: doc.audience,
            currency: doc.currency,
            rules,
            otherwise: doc.otherwise,
            status,
        })
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

/// A policy as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDoc {
    #[serde(rename = "format_version")]
    _format_version: i64,
    id: String,
    #[serde(default, rename = "description")]
    _description: Option<Value>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    rules: Vec<RuleDoc>,
    otherwise: Outcome,
    #[serde(default)]
    status: Option<StatusPolicyDoc>,
}

/// `status` as written (format 2).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusPolicyDoc {
    unavailable: WhenUnavailable,
    #[serde(default)]
    max_age_seconds: Option<i64>,
    #[serde(default)]
    required: bool,
}

/// A rule as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: String,
    #[serde(default, rename = "description")]
    _description: Option<Value>,
    #[serde(default)]
    bands: Option<Vec<String>>,
    #[serde(default)]
    max_deposit: Option<i64>,
    #[serde(default)]
    min_deposit: Option<i64>,
    #[serde(default)]
    max_order_value: Option<i64>,
    #[serde(default)]
    min_order_value: Option<i64>,
    #[serde(default)]
    max_snapshot_age_seconds: Option<i64>,
    decision: Outcome,
    #[serde(default)]
    deposit_percent: Option<i64>,
}

fn check_rule(doc: RuleDoc) -> Result<Rule> {
    identifier(&doc.id, "id")?;
    if doc.bands.as_ref().is_some_and(Vec::is_empty) {
        bail!(PolicyInvalid, "\"bands\" must be a non-empty array of band ids");
    }
    for (name, amount) in [
        ("max_deposit", doc.max_deposit),
        ("min_deposit", doc.min_deposit),
        ("max_order_value", doc.max_order_value),
        ("min_order_value", doc.min_order_value),
        ("max_snapshot_age_seconds", doc.max_snapshot_age_seconds),
        ("deposit_percent", doc.deposit_percent),
    ] {
        if amount.is_some_and(|amount| !(0..=MAX_AMOUNT).contains(&amount)) {
            bail!(PolicyInvalid, "\"{name}\" must be a whole number from 0 to {MAX_AMOUNT}");
        }
    }
    match (doc.decision, doc.deposit_percent) {
        (Outcome::ReducedDeposit, Some(1..=99)) => {}
        (Outcome::ReducedDeposit, _) => bail!(PolicyInvalid, "reduced_deposit needs \"deposit_percent\" from 1 to 99"),
        (_, Some(_)) => bail!(PolicyInvalid, "\"deposit_percent\" is only for reduced_deposit"),
        (_, None) => {}
    }
    Ok(Rule {
        id: doc.id,
        bands: doc.bands,
        max_deposit: doc.max_deposit,
        min_deposit: doc.min_deposit,
        max_order_value: doc.max_order_value,
        min_order_value: doc.min_order_value,
        max_snapshot_age_seconds: doc.max_snapshot_age_seconds,
        outcome: doc.decision,
        deposit_percent: doc.deposit_percent,
    })
}

fn identifier(text: &str, name: &str) -> Result<()> {
    let ok = !text.is_empty()
        && text.len() <= MAX_IDENTIFIER
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if !ok {
        bail!(PolicyInvalid, "\"{name}\" must be 1 to {MAX_IDENTIFIER} letters, digits, '_', '-' or '.'");
    }
    Ok(())
}
