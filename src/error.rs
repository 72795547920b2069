//! The one error type of the core, with stable `ERR_…` codes.
//!
//! Codes are public API: callers branch on them, the CLI prints them and the WebAssembly
//! package hands them to JavaScript as `EdgescoreError.code`. Messages are for people and may
//! change between releases. Signature failures always say the same fixed thing.

use std::borrow::Cow;
use std::fmt;

use crate::json::Object;

/// What went wrong, as a stable code. See [`ErrorCode::as_str`] for the strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Not a well-formed token, JSON document or key: bad base64url, bad JSON, wrong shape.
    Malformed,
    /// An input is larger than its documented cap, or nests deeper than the nesting cap.
    TooLarge,
    /// The JWS `alg` is missing from the allow-list (`EdDSA`, `Ed25519`).
    AlgNotAllowed,
    /// The JWS header carries a member that is refused (`jwk`, `jku`, `crit`, `b64`, …).
    HeaderNotAllowed,
    /// The JWS `typ` is missing or names another kind of token.
    WrongType,
    /// No key in the issuer JWKS has the token's `kid`, or the token has no `kid`.
    UnknownKid,
    /// A key is not an acceptable Ed25519 public key (wrong type, private members, weak or
    /// non-canonical point, duplicate `kid`).
    KeyInvalid,
    /// The signature does not verify.
    SignatureInvalid,
    /// `exp` is in the past (beyond the leeway).
    Expired,
    /// `nbf` or `iat` is in the future (beyond the leeway).
    NotYetValid,
    /// The snapshot was issued longer ago than the maximum age allows.
    TooOld,
    /// `iss` is not on the verifier's allow-list.
    Issuer,
    /// The token is not addressed to this verifier's audience.
    Audience,
    /// A required claim is missing or has the wrong type or value.
    ClaimInvalid,
    /// The holder binding is missing or does not hold (key, `sd_hash`, freshness).
    HolderBinding,
    /// The key-binding JWS carries another nonce than the one the verifier issued.
    NonceMismatch,
    /// The scorecard model is not valid.
    ModelInvalid,
    /// A model, policy or snapshot declares a `format_version` this build does not read.
    UnsupportedVersion,
    /// The snapshot's feature schema is not the model's.
    SchemaMismatch,
    /// A feature value has the wrong type, is out of its declared range, is unknown to the
    /// schema, or matches no bin of its characteristic.
    FeatureInvalid,
    /// The merchant policy is not valid.
    PolicyInvalid,
    /// The order context (deposit, order value) is not valid.
    ContextInvalid,
    /// The verifier's own configuration is not valid (leeway, audience, options).
    ConfigInvalid,
    /// Training or population data is not usable (model lifecycle: a missing column, a target
    /// that is not two classes, a split without both classes, an unreadable row).
    DataInvalid,
}

impl ErrorCode {
    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::Malformed,
        ErrorCode::TooLarge,
        ErrorCode::AlgNotAllowed,
        ErrorCode::HeaderNotAllowed,
        ErrorCode::WrongType,
        ErrorCode::UnknownKid,
        ErrorCode::KeyInvalid,
        ErrorCode::SignatureInvalid,
        ErrorCode::Expired,
        ErrorCode::NotYetValid,
        ErrorCode::TooOld,
        ErrorCode::Issuer,
        ErrorCode::Audience,
        ErrorCode::ClaimInvalid,
        ErrorCode::HolderBinding,
        ErrorCode::NonceMismatch,
        ErrorCode::ModelInvalid,
        ErrorCode::UnsupportedVersion,
        ErrorCode::SchemaMismatch,
        ErrorCode::FeatureInvalid,
        ErrorCode::PolicyInvalid,
        ErrorCode::ContextInvalid,
        ErrorCode::ConfigInvalid,
        ErrorCode::DataInvalid,
    ];

    /// The stable string form, for example `ERR_SIGNATURE_INVALID`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "ERR_MALFORMED",
            ErrorCode::TooLarge => "ERR_TOO_LARGE",
            ErrorCode::AlgNotAllowed => "ERR_ALG_NOT_ALLOWED",
            ErrorCode::HeaderNotAllowed => "ERR_HEADER_NOT_ALLOWED",
            ErrorCode::WrongType => "ERR_WRONG_TYPE",
            ErrorCode::UnknownKid => "ERR_UNKNOWN_KID",
            ErrorCode::KeyInvalid => "ERR_KEY_INVALID",
            ErrorCode::SignatureInvalid => "ERR_SIGNATURE_INVALID",
            ErrorCode::Expired => "ERR_EXPIRED",
            ErrorCode::NotYetValid => "ERR_NOT_YET_VALID",
            ErrorCode::TooOld => "ERR_TOO_OLD",
            ErrorCode::Issuer => "ERR_ISSUER",
            ErrorCode::Audience => "ERR_AUDIENCE",
            ErrorCode::ClaimInvalid => "ERR_CLAIM_INVALID",
            ErrorCode::HolderBinding => "ERR_HOLDER_BINDING",
            ErrorCode::NonceMismatch => "ERR_NONCE_MISMATCH",
            ErrorCode::ModelInvalid => "ERR_MODEL_INVALID",
            ErrorCode::UnsupportedVersion => "ERR_UNSUPPORTED_VERSION",
            ErrorCode::SchemaMismatch => "ERR_SCHEMA_MISMATCH",
            ErrorCode::FeatureInvalid => "ERR_FEATURE_INVALID",
            ErrorCode::PolicyInvalid => "ERR_POLICY_INVALID",
            ErrorCode::ContextInvalid => "ERR_CONTEXT_INVALID",
            ErrorCode::ConfigInvalid => "ERR_CONFIG_INVALID",
            ErrorCode::DataInvalid => "ERR_DATA_INVALID",
        }
    }

    /// The code for a string form, if it is one of ours.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the core: a stable [`ErrorCode`] and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: Cow<'static, str>,
}

impl Error {
    /// An error with a fixed message.
    pub const fn new(code: ErrorCode, message: &'static str) -> Error {
        Error { code, message: Cow::Borrowed(message) }
    }

    /// An error with a message built at run time.
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Error {
        Error { code, message: Cow::Owned(message.into()) }
    }

    /// The one message every signature failure carries, so failures do not tell apart why.
    pub const fn signature_invalid() -> Error {
        Error::new(ErrorCode::SignatureInvalid, "signature verification failed")
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message, without a trailing full stop.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error under another code, keeping the message (used where one layer's
    /// `ERR_MALFORMED` means a more specific thing to its caller).
    pub fn recode(self, code: ErrorCode) -> Error {
        Error { code, ..self }
    }

    /// The message prefixed with where the error was found.
    pub fn context(self, place: &str) -> Error {
        Error::with_message(self.code, format!("{place}: {}", self.message))
    }

    /// The error as a JSON object, `{"code":"ERR_…","message":"…"}`: the one form every
    /// adapter writes (the CLI's `{"error":…}`, the WebAssembly envelopes, the issuer's error
    /// lines). Members added to errors later (such as which claim or rule failed) are added
    /// here, and every adapter carries them.
    pub fn to_object(&self) -> Object {
        Object::new().with("code", self.code.as_str()).with("message", self.message())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
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
}
