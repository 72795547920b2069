//! `score`: verify, score and decide (the verifier).

use std::path::PathBuf;

use clap::Args;
use edgescore::json::Object;
use edgescore::jwk::PrivateJwk;
use edgescore::policy::{OrderContext, Policy};
use edgescore::receipt::{ReceiptKey, ReceiptRequest};
use edgescore::scorer::{Disclosure, ScoreRequest, Scorer};

use crate::input::{self, usage, CliResult};
use crate::verify::{load_jwks, load_model, verify_options, VerifierArgs};
use crate::Output;

/// The policy of a model whose bands the default policy does not name: no rules, "refer".
const NO_POLICY: &str = r#"{"format_version":1,"id":"no-policy","rules":[],"otherwise":"refer"}"#;

#[derive(Args)]
pub(crate) struct ScoreArgs {
    /// The presentation: an SD-JWT with its disclosures and key-binding JWT (file or -).
    pub presentation: PathBuf,
    #[command(flatten)]
    pub verifier: VerifierArgs,
    /// Signed model (default: the demo consumer model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Merchant policy JSON (default: the embedded deposit-free rentals policy when the model
    /// has its bands, else no rules and the decision "refer").
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Order context JSON: {"deposit":…, "order_value":…, "currency":…, "item":…}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["deposit", "order_value"])]
    pub context: Option<PathBuf>,
    /// The item's deposit in minor units (fen, cents).
    #[arg(long)]
    pub deposit: Option<i64>,
    /// The order value in minor units.
    #[arg(long)]
    pub order_value: Option<i64>,
    /// What to disclose: band (default) or full.
    #[arg(long, default_value = "band")]
    pub disclose: String,
    /// Sign a decision receipt with this merchant private JWK; the result gets `receipt` (the
    /// JWS) and `receipt_id`.
    #[arg(long, value_name = "FILE")]
    pub receipt_key: Option<PathBuf>,
    /// The receipt's decision id (default: a fresh random id).
    #[arg(long, requires = "receipt_key")]
    pub receipt_id: Option<String>,
    /// The merchant's order reference, written in the receipt.
    #[arg(long, requires = "receipt_key")]
    pub order_ref: Option<String>,
}

pub(crate) fn score(args: ScoreArgs) -> CliResult<Output> {
    let disclose = Disclosure::parse(&args.disclose).map_err(|e| usage(e.message().to_owned()))?;
    let presentation = input::read_token(&args.presentation)?;
    let keys = load_jwks(args.verifier.jwks.as_deref())?;
    let model = load_model(args.model.as_deref(), &keys)?;
    let policy = match &args.policy {
        Some(path) => Policy::parse(&input::read_bytes(path)?)?,
        None => {
            let rentals = Policy::default_rentals();
            if rentals.band_ids().all(|id| model.model().bands().any(|band| band.id == id)) {
                rentals
            } else {
                // A model of other bands (an imported or fitted one): the policy decides
                // nothing, so every result is "refer" (rule "otherwise") with its band.
                Policy::parse(NO_POLICY.as_bytes())?
            }
        }
    };
    let context = match &args.context {
        Some(path) => OrderContext::parse(&input::read_bytes(path)?)?,
        None => {
            let mut object = Object::new();
            if let Some(deposit) = args.deposit {
                object.insert("deposit", deposit);
            }
            if let Some(order_value) = args.order_value {
                object.insert("order_value", order_value);
            }
            OrderContext::from_object(&object)?
        }
    };
    let mut scorer = Scorer::new(keys, model, policy, verify_options(&args.verifier))?;
    let now = input::now_or(args.verifier.now);
    for path in &args.verifier.status_list {
        scorer.add_status_list(&input::read_token(path)?, now).map_err(|e| e.context(&path.display().to_string()))?;
    }
    let request = ScoreRequest { now, nonce: args.verifier.nonce.as_deref(), context, disclose };
    let Some(key_path) = &args.receipt_key else {
        return Ok(Output::Json(scorer.score(&presentation, &request)?.to_object()));
    };
    let key = ReceiptKey::new(PrivateJwk::parse(&input::read_bytes(key_path)?)?);
    let id = match args.receipt_id {
        Some(id) => id,
        None => input::random_id()?,
    };
    let ask = ReceiptRequest { id: &id, order_reference: args.order_ref.as_deref() };
    let (result, receipt) = scorer.score_with_receipt(&presentation, &request, &key, ask)?;
    Ok(Output::Json(result.to_object().with("receipt_id", id).with("receipt", receipt)))
}
