//! Strict base64url (RFC 4648 §5) as JOSE uses it: URL-safe alphabet, no padding, no
//! whitespace, and no non-zero trailing bits (so each byte string has exactly one encoding
//! and a token cannot be altered without changing its decoded bytes).

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::error::{Error, ErrorCode, Result};

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes strict base64url; anything else is `ERR_MALFORMED` with `what` in the message.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    STRICT
        .decode(text)
        .map_err(|_| Error::with_message(ErrorCode::Malformed, format!("{what} is not strict base64url")))
}

/// Encodes as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    STRICT.encode(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert_eq!(decode("AQI", "x").unwrap(), vec![1, 2]);
        assert_eq!(encode(&[1, 2]), "AQI");
        // padding, wrong alphabet, whitespace, non-zero trailing bits, impossible length
        for bad in ["AQI=", "AQ+", "AQ/", "AQ I", "AQ\nI", "AQJ", "A", "AQI\u{0}"] {
            assert!(decode(bad, "x").is_err(), "{bad:?}");
        }
    }
}
