//! Strict base64url (RFC 4648 §5) as JOSE uses it: URL-safe alphabet, no padding, no
//! whitespace, and no non-zero trailing bits, so each byte string has exactly one encoding and
//! a token cannot be altered without changing its decoded bytes.
//!
//! Written out here rather than taken from the `base64` crate to keep the WebAssembly module
//! small (the crate's general engines cost about 6 KB there); the tests below and the
//! hostile-input table pin the strictness down.

use crate::error::{Error, ErrorCode, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn sextet(symbol: u8) -> Option<u32> {
    let value = match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes strict base64url; anything else is `ERR_MALFORMED` with `what` in the message.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    let invalid = || Error::with_message(ErrorCode::Malformed, format!("{what} is not strict base64url"));
    let input = text.as_bytes();
    if input.len() % 4 == 1 {
        return Err(invalid());
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    for chunk in input.chunks(4) {
        let mut bits = 0u32;
        for &symbol in chunk {
            bits = (bits << 6) | sextet(symbol).ok_or_else(invalid)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]),
            3 if bits & 0b11 == 0 => out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]),
            2 if bits & 0b1111 == 0 => out.push((bits >> 4) as u8),
            _ => return Err(invalid()),
        }
    }
    Ok(out)
}

/// Encodes as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    let symbol = |bits: u32| char::from(ALPHABET.get((bits & 63) as usize).copied().unwrap_or(b'A'));
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk.iter().fold(0u32, |acc, &byte| (acc << 8) | u32::from(byte)) << (8 * (3 - chunk.len()));
        let symbols = chunk.len() + 1;
        for index in 0..symbols {
            out.push(symbol(bits >> (18 - 6 * index)));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for length in 0..70 {
            let bytes = &data[..length];
            assert_eq!(decode(&encode(bytes), "x").unwrap(), bytes, "length {length}");
        }
        assert_eq!(encode(b"\xfb\xff"), "-_8");
        assert_eq!(encode(b"Example of Ed25519 signing"), "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
    }

    #[test]
    fn strictness() {
        assert_eq!(decode("AQI", "x").unwrap(), vec![1, 2]);
        assert_eq!(encode(&[1, 2]), "AQI");
        assert_eq!(decode("", "x").unwrap(), Vec::<u8>::new());
        // padding, wrong alphabet, whitespace, non-zero trailing bits, impossible length
        for bad in ["AQI=", "AQ+", "AQ/", "AQ I", "AQ\nI", "AQJ", "AR", "A", "AQI\u{0}", "AQIDB", "é"] {
            assert!(decode(bad, "x").is_err(), "{bad:?}");
        }
    }
}
