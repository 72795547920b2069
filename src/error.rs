//! The one error type of the core, with stable `ERR_…` codes.
//!
//! Codes are public API: callers branch on them, the CLI prints them and the WebAssembly
//! package hands them to JavaScript as `EdgescoreError.code`. Messages are for people and may
//! change between releases. Signature failures always say the same fixed thing.
//!
//! The list of codes below ([`CODES`]) is the only one: the [`ErrorCode`] enum is made from
//! it, and so are the JavaScript package's `ERROR_CODES` and `ErrorCode` union
//! (`pkg/src/errors.js`, `pkg/edgescore.d.ts`) and the table in `docs/errors.md`; a test
//! (`tests/it/error_codes.rs`) fails when a copy differs, and `EDGESCORE_BLESS=1 cargo test
//! --features cli error_codes` rewrites the copies.

use std::borrow::Cow;
use std::fmt;

use crate::json::Object;

/// Where a code can be reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeScope {
    /// The core: the library, the CLI and the JavaScript package all report it.
    Core,
    /// The model lifecycle only (feature `lifecycle`, native only: the library's `lifecycle`
    /// module and the CLI's `fit` and `report`, which read training and population data); never
    /// the JavaScript package.
    Lifecycle,
    /// The bureau's side only (feature `issuer`, native only: the library's `issuer` module, the
    /// CLI's `features` and `issue-batch`, the Python package); never the JavaScript package.
    Issuer,
    /// The JavaScript package only, which reports it itself: no Rust function returns it, so
    /// it is not an [`ErrorCode`].
    JavaScriptPackage,
    /// The rentals gate only (the edge worker in `www/worker/`): its HTTP answers about nonces,
    /// limits, routes and origins. Not an [`ErrorCode`] either.
    Gate,
}

impl CodeScope {
    /// Who reports codes of this scope, for people (the docs table's "reported by").
    pub const fn reported_by(self) -> &'static str {
        match self {
            CodeScope::Core => "library, CLI, JavaScript package",
            CodeScope::Lifecycle => "library (feature `lifecycle`), CLI `fit` and `report`",
            CodeScope::Issuer => "library (feature `issuer`), CLI `features` and `issue-batch`, Python package",
            CodeScope::JavaScriptPackage => "JavaScript package",
            CodeScope::Gate => "rentals gate (`www/worker/`) only",
        }
    }

    /// Whether the JavaScript package can report codes of this scope.
    pub const fn in_javascript_package(self) -> bool {
        matches!(self, CodeScope::Core | CodeScope::JavaScriptPackage)
    }
}

/// One error code: its string, where it can be reported and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodeInfo {
    /// The stable string, for example `ERR_SIGNATURE_INVALID`.
    pub code: &'static str,
    /// Where it can be reported.
    pub scope: CodeScope,
    /// What it means, for people (Markdown).
    pub meaning: &'static str,
}

/// Makes [`ErrorCode`], [`ErrorCode::ALL`] and [`CODES`] from one list: the core's codes
/// (`Variant = "ERR_…", scope, "meaning"`), then the codes only the JavaScript package reports,
/// then those only the rentals gate answers.
macro_rules! error_codes {
    (
        core { $( $variant:ident = $code:literal, $scope:ident, $meaning:literal; )* }
        javascript_package_only { $( $js_code:literal, $js_meaning:literal; )* }
        gate_only { $( $gate_code:literal, $gate_meaning:literal; )* }
    ) => {
        /// What went wrong, as a stable code. See [`ErrorCode::as_str`] for the strings and
        /// [`CODES`] for the whole list.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( #[doc = $meaning] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in documentation order.
            pub const ALL: [ErrorCode; [$($code),*].len()] = [$(ErrorCode::$variant),*];

            /// The stable string form, for example `ERR_SIGNATURE_INVALID`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $code, )*
                }
            }

            /// What the code means, for people (Markdown).
            pub const fn meaning(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $meaning, )*
                }
            }

            /// Where the code can be reported.
            pub const fn scope(self) -> CodeScope {
                match self {
                    $( ErrorCode::$variant => CodeScope::$scope, )*
                }
            }
        }

        /// Every code edgescore reports anywhere, in documentation order: the core's
        /// ([`ErrorCode::ALL`], in the same order), then those only the JavaScript package
        /// reports, then those only the rentals gate answers.
        pub const CODES: [CodeInfo; [$($code),* $(, $js_code)* $(, $gate_code)*].len()] = [
            $( CodeInfo { code: $code, scope: CodeScope::$scope, meaning: $meaning }, )*
            $( CodeInfo { code: $js_code, scope: CodeScope::JavaScriptPackage, meaning: $js_meaning }, )*
            $( CodeInfo { code: $gate_code, scope: CodeScope::Gate, meaning: $gate_meaning }, )*
        ];
    };
}

error_codes! {
    core {
        Malformed = "ERR_MALFORMED", Core,
            "not a well-formed token, JSON document or key: bad base64url (padding, whitespace, trailing bits, \
             wrong alphabet), bad or duplicate-member JSON, wrong shape or member type";
        TooLarge = "ERR_TOO_LARGE", Core,
            "larger than a cap, or nested deeper than 10 levels";
        AlgNotAllowed = "ERR_ALG_NOT_ALLOWED", Core,
            "`alg` missing or not `EdDSA`/`Ed25519` (`none`, `HS256`, `RS256`, …)";
        HeaderNotAllowed = "ERR_HEADER_NOT_ALLOWED", Core,
            "a refused header member (`jwk`, `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256`, `crit`, `b64`, `zip`, `cty`, \
             `enc`)";
        WrongType = "ERR_WRONG_TYPE", Core,
            "`typ` missing or naming another kind of token (a key-binding JWT, a model or a status list given as a \
             snapshot)";
        UnknownKid = "ERR_UNKNOWN_KID", Core,
            "no `kid`, or no key in the JWKS with that `kid`";
        KeyInvalid = "ERR_KEY_INVALID", Core,
            "a key is not an acceptable Ed25519 public key (type, curve, private member, weak, non-canonical or \
             mixed-order point, duplicate `kid`, wrong `use`/`alg`)";
        SignatureInvalid = "ERR_SIGNATURE_INVALID", Core,
            "the signature does not verify (tampered, forged, malleated, wrong length)";
        Expired = "ERR_EXPIRED", Core,
            "`exp` of the snapshot or of the key-binding JWT is past, beyond the leeway";
        NotYetValid = "ERR_NOT_YET_VALID", Core,
            "`nbf` or `iat` of the snapshot, or `iat` of the key-binding JWT, is in the future beyond the leeway \
             (a clock that is ahead)";
        TooOld = "ERR_TOO_OLD", Core,
            "the snapshot or the key-binding JWT was issued longer ago than its maximum age (plus the leeway)";
        Issuer = "ERR_ISSUER", Core,
            "`iss` not on the verifier's allow-list";
        Audience = "ERR_AUDIENCE", Core,
            "the snapshot's `aud` or the key-binding JWT's `aud` is not the verifier's audience, or the verifier has \
             none configured";
        ClaimInvalid = "ERR_CLAIM_INVALID", Core,
            "a required claim is missing, or a claim has the wrong type or an impossible value";
        HolderBinding = "ERR_HOLDER_BINDING", Core,
            "a bound snapshot without a key-binding JWT, a key-binding JWT not signed by the `cnf` key, a wrong or \
             missing `sd_hash`, a key-binding JWT on an unbound snapshot (a key-binding JWT's clock errors have the \
             clock codes)";
        NonceMismatch = "ERR_NONCE_MISMATCH", Core,
            "the key-binding JWT carries another nonce than the verifier issued (a replay)";
        DisclosureInvalid = "ERR_DISCLOSURE_INVALID", Core,
            "the SD-JWT's selective disclosures break an RFC 9901 rule: a disclosure sent twice or referenced by no \
             digest, a digest listed twice, a disclosure that would overwrite a claim or names `_sd` or `...`, the \
             wrong shape for where its digest is, an `_sd_alg` other than `sha-256`, or a claim that must be signed \
             in the clear (`iss`, `iat`, `exp`, `cnf`, `vct`, `status`, …) disclosed selectively";
        FeatureNotDisclosed = "ERR_FEATURE_NOT_DISCLOSED", Core,
            "a feature the verifier's model reads was not disclosed (a holder cannot hide a feature that hurts them: \
             it is refused, never scored as missing)";
        Revoked = "ERR_REVOKED", Core,
            "the snapshot's entry in the issuer's status list says it is revoked (`INVALID`)";
        Suspended = "ERR_SUSPENDED", Core,
            "the snapshot's entry in the issuer's status list says it is suspended";
        StatusInvalid = "ERR_STATUS_INVALID", Core,
            "the snapshot's `status` claim cannot be checked: not a `status_list` reference `{idx, uri}`, an index \
             beyond the list, or a status value edgescore does not know; or no `status` claim where the policy \
             requires one (`status.required`)";
        StatusListInvalid = "ERR_STATUS_LIST_INVALID", Core,
            "a status list token is not acceptable: its claims (`sub`, `iat`, `exp`, `ttl`, `status_list`), `bits` \
             other than 1, 2, 4 or 8, or a list that does not inflate (ZLIB)";
        StatusUnavailable = "ERR_STATUS_UNAVAILABLE", Core,
            "the verifier holds no current status list for the snapshot's status URI (none given, or it expired or \
             is older than the policy allows) and its policy refuses in that case";
        ModelInvalid = "ERR_MODEL_INVALID", Core,
            "the model is not valid (structure, types, unknown members, empty ranges, reason codes without texts, \
             bands)";
        UnsupportedVersion = "ERR_UNSUPPORTED_VERSION", Core,
            "a model or policy `format_version` this build does not read";
        SchemaMismatch = "ERR_SCHEMA_MISMATCH", Core,
            "the snapshot's feature schema is not the model's";
        FeatureInvalid = "ERR_FEATURE_INVALID", Core,
            "a feature has the wrong type, is outside its declared range, is unknown to the schema, has too many \
             digits, or matches no bin";
        PolicyInvalid = "ERR_POLICY_INVALID", Core,
            "the policy is not valid (rules, decisions, amounts, a band the model does not have)";
        ContextInvalid = "ERR_CONTEXT_INVALID", Core,
            "the order context is not valid (amount types, unknown members, currency)";
        ConfigInvalid = "ERR_CONFIG_INVALID", Core,
            "the verifier's own options are not valid (leeway, ages, audience conflicting with the policy's, \
             disclosure)";
        DataInvalid = "ERR_DATA_INVALID", Lifecycle,
            "training or population data is not usable (missing column, a target that is not two classes, too few \
             rows of a class, a CSV or JSON Lines row that cannot be read)";
        TooManyRejected = "ERR_TOO_MANY_REJECTED", Issuer,
            "a batch run rejected more rows than its `--max-reject-rate` allows; its outputs are left unfinished";
        SigningFailed = "ERR_SIGNING_FAILED", Issuer,
            "a signer outside the process (a PKCS#11 token, a KMS) failed or refused to sign, or its key is not an \
             Ed25519 key";
    }
    javascript_package_only {
        "ERR_INTERNAL",
            "the WebAssembly module trapped (a bug in edgescore); it was restarted, and the call can be retried. \
             The rentals gate answers it (500) to anything it did not expect";
        "ERR_KEY_SET_UNAVAILABLE",
            "a remote key set could not be fetched (network error, timeout, a status other than 200, a body too \
             large or not a JWKS with a usable key) and no keys were held from an earlier fetch";
    }
    gate_only {
        "ERR_NONCE_UNKNOWN",
            "409: the nonce was not issued by this gate, or is long gone (get a fresh one from `GET /nonce`)";
        "ERR_NONCE_EXPIRED",
            "409: the nonce's lifetime has passed";
        "ERR_NONCE_REUSED",
            "409: the nonce was already used (a nonce is good for one `POST /rentals/gate`, even one that was \
             refused)";
        "ERR_RATE_LIMITED",
            "429 with `Retry-After`: this client sent more requests than its token bucket allows";
        "ERR_TOO_MANY_NONCES",
            "429 with `Retry-After`: this client holds as many unused nonces as it may; use or let one expire first";
        "ERR_BUSY",
            "503 with `Retry-After`: the gate cannot take the request now (its nonce capacity is full, or its nonce \
             store did not answer)";
        "ERR_KEYS_UNAVAILABLE",
            "503 with `Retry-After`: the gate holds no issuer key set young enough to use and could not fetch one";
        "ERR_ORIGIN",
            "403: the request comes from a web origin the gate does not serve (CORS is opt-in by configured origins)";
        "ERR_NOT_FOUND",
            "404: no such route";
        "ERR_METHOD",
            "405 with `Allow`: the route takes another method";
    }
}

impl ErrorCode {
    /// The code for a string form, if it is one of the core's.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The code with its scope and meaning.
    pub const fn info(self) -> CodeInfo {
        CodeInfo { code: self.as_str(), scope: self.scope(), meaning: self.meaning() }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a check on a claim failed, in the words jose's `JWTClaimValidationFailed` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimReason {
    /// The claim (or feature) is not there.
    Missing,
    /// The claim is there but has the wrong type or an impossible value.
    Invalid,
    /// The claim is well formed but the check failed (expired, another audience, revoked, …).
    CheckFailed,
}

impl ClaimReason {
    /// `missing`, `invalid` or `check_failed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClaimReason::Missing => "missing",
            ClaimReason::Invalid => "invalid",
            ClaimReason::CheckFailed => "check_failed",
        }
    }
}

/// Which claim or feature an error is about, and how its check failed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Detail {
    claim: Cow<'static, str>,
    reason: ClaimReason,
}

/// An error of the core: a stable [`ErrorCode`], a message for people and, where one claim or
/// feature is at fault, which one and how ([`Error::claim`], [`Error::reason`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<ErrorInner>);

/// Boxed, so every `Result` of the core stays small (which keeps the WebAssembly module small).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorInner {
    code: ErrorCode,
    message: Cow<'static, str>,
    detail: Option<Detail>,
}

impl Error {
    /// An error with a fixed message.
    pub fn new(code: ErrorCode, message: &'static str) -> Error {
        Error(Box::new(ErrorInner { code, message: Cow::Borrowed(message), detail: None }))
    }

    /// An error with a message built at run time.
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Error {
        Error(Box::new(ErrorInner { code, message: Cow::Owned(message.into()), detail: None }))
    }

    /// The same error, saying which claim (or feature) it is about and how its check failed.
    #[must_use]
    pub fn about(mut self, claim: impl Into<Cow<'static, str>>, reason: ClaimReason) -> Error {
        self.0.detail = Some(Detail { claim: claim.into(), reason });
        self
    }

    /// The claim (or, for feature errors, the feature) the error is about, when one is.
    pub fn claim(&self) -> Option<&str> {
        self.0.detail.as_ref().map(|detail| detail.claim.as_ref())
    }

    /// How the check on [`Error::claim`] failed, when the error is about one.
    pub fn reason(&self) -> Option<ClaimReason> {
        self.0.detail.as_ref().map(|detail| detail.reason)
    }

    /// The one message every signature failure carries, so failures do not tell apart why.
    pub fn signature_invalid() -> Error {
        Error::new(ErrorCode::SignatureInvalid, "signature verification failed")
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The message, without a trailing full stop.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The same error under another code, keeping the message (used where one layer's
    /// `ERR_MALFORMED` means a more specific thing to its caller).
    pub fn recode(self, code: ErrorCode) -> Error {
        let mut error = self;
        error.0.code = code;
        error
    }

    /// The message prefixed with where the error was found.
    pub fn context(self, place: &str) -> Error {
        let mut error = self;
        error.0.message = Cow::Owned(format!("{place}: {}", error.0.message));
        error
    }

    /// The error as a JSON object, `{"code":"ERR_…","message":"…"}`, with `claim` and `reason`
    /// when the error is about one claim: the one form every adapter writes (the CLI's
    /// `{"error":…}`, the WebAssembly envelopes, the issuer's error lines).
    pub fn to_object(&self) -> Object {
        let object = Object::new().with("code", self.0.code.as_str()).with("message", self.message());
        match &self.0.detail {
            Some(detail) => object.with("claim", detail.claim.as_ref()).with("reason", detail.reason.as_str()),
            None => object,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.message)
    }
}

impl std::error::Error for Error {}

/// At most `max` characters of `text`, for messages that quote input (so a hostile input
/// cannot make a message as long as itself).
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// Results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand for an early return with a fixed message.
macro_rules! bail {
    ($code:ident, $($fmt:tt)+) => {
        return Err($crate::error::Error::with_message(
            $crate::error::ErrorCode::$code,
            format!($($fmt)+),
        ))
    };
}
pub(crate) use bail;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_core_codes_then_the_package_only_ones() {
        let (core, rest) = CODES.split_at(ErrorCode::ALL.len());
        let (package_only, gate_only) = rest.split_at(2);
        for (info, code) in core.iter().zip(ErrorCode::ALL) {
            assert_eq!(*info, code.info());
            assert_ne!(info.scope, CodeScope::JavaScriptPackage, "{code} is returned by Rust code");
        }
        assert_eq!(
            package_only.iter().map(|info| info.code).collect::<Vec<_>>(),
            ["ERR_INTERNAL", "ERR_KEY_SET_UNAVAILABLE"]
        );
        for info in package_only {
            assert_eq!(info.scope, CodeScope::JavaScriptPackage);
            assert_eq!(ErrorCode::parse(info.code), None);
        }
        assert!(gate_only.len() >= 10 && gate_only.iter().all(|info| info.scope == CodeScope::Gate));
        assert!(gate_only.iter().all(|info| ErrorCode::parse(info.code).is_none()));
        assert_eq!(ErrorCode::DataInvalid.scope(), CodeScope::Lifecycle);
        assert!(!CodeScope::Lifecycle.in_javascript_package());
        assert!(CodeScope::Core.in_javascript_package() && CodeScope::JavaScriptPackage.in_javascript_package());
    }

    #[test]
    fn codes_are_unique_and_meanings_fit_every_copy() {
        let mut seen = std::collections::BTreeSet::new();
        for info in CODES {
            assert!(seen.insert(info.code), "{} twice", info.code);
            let name = info.code.strip_prefix("ERR_").unwrap();
            assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{}", info.code);
            // The meaning goes into a Markdown table cell and a JSDoc comment.
            let meaning = info.meaning;
            assert!(!meaning.is_empty() && !meaning.ends_with('.'), "{}: {meaning:?}", info.code);
            assert!(!meaning.contains(['|', '\n']) && !meaning.contains("*/"), "{}: {meaning:?}", info.code);
            assert!(!meaning.contains("  "), "{}: a line break left spaces in {meaning:?}", info.code);
        }
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("abcdef", 3), "abc");
        assert_eq!(truncate("ab", 3), "ab");
        assert_eq!(truncate("", 3), "");
        assert_eq!(truncate("日本語テキスト", 3), "日本語");
        assert_eq!(truncate("é\u{301}x", 1), "é");
    }

    #[test]
    fn the_error_object_has_the_code_and_the_message() {
        let error = Error::with_message(ErrorCode::Issuer, "issuer \"x\" is not accepted");
        assert_eq!(error.to_object().to_json(), r#"{"code":"ERR_ISSUER","message":"issuer \"x\" is not accepted"}"#);
        assert_eq!(
            Error::signature_invalid().to_object().to_json(),
            r#"{"code":"ERR_SIGNATURE_INVALID","message":"signature verification failed"}"#
        );
    }

    #[test]
    fn the_detail_names_the_claim_and_survives_context_and_recode() {
        let error = Error::new(ErrorCode::Expired, "snapshot expired").about("exp", ClaimReason::CheckFailed);
        assert_eq!((error.claim(), error.reason()), (Some("exp"), Some(ClaimReason::CheckFailed)));
        let moved = error.context("presentation").recode(ErrorCode::ClaimInvalid);
        assert_eq!(
            moved.to_object().to_json(),
            r#"{"code":"ERR_CLAIM_INVALID","message":"presentation: snapshot expired","claim":"exp","reason":"check_failed"}"#
        );
        assert_eq!(Error::new(ErrorCode::Malformed, "x").claim(), None);
        let reasons = [ClaimReason::Missing, ClaimReason::Invalid, ClaimReason::CheckFailed].map(ClaimReason::as_str);
        assert_eq!(reasons, ["missing", "invalid", "check_failed"]);
    }
}
