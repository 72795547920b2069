//! Strict JSON (RFC 8259) for everything edgescore reads, and a small writer for what it emits.
//!
//! Why not serde_json: the core needs three things a general parser does not give together,
//! and it needs them in a small WebAssembly module.
//! - Duplicate member names are an error (RFC 7515 §5.2 lets a JWS consumer refuse them, and
//!   two parsers that keep different duplicates are a classic signature-bypass).
//! - Numbers keep their exact text, so feature values and bin bounds compare as exact decimals
//!   (see [`crate::decimal`]) and never pass through floating point.
//! - A nesting cap ([`MAX_DEPTH`]) checked while parsing, before anything deep is built.
//!
//! Input must be UTF-8 (a byte-order mark is refused), strings may not hold lone surrogates,
//! and nothing may follow the top-level value but JSON whitespace.

use crate::decimal::Decimal;
use crate::error::{bail, truncate, Error, ErrorCode, Result};

mod de;
mod map;
mod ser;

pub(crate) use de::NUMBER_TOKEN;
pub use de::{from_value, nullable, DeError, ValueDeserializer};
pub use map::OrderedMap;
pub use ser::{to_string, to_value, SerError};

pub use crate::limits::{MAX_DEPTH, MAX_OBJECT_MEMBERS};

/// A JSON value. Objects keep their members in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as its exact text.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// A JSON number kept as the text it was written with (already checked against the grammar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(Box<str>);

impl Number {
    /// The number's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value when the text is a plain integer (no fraction, no exponent) that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        if self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
            return None;
        }
        self.0.parse().ok()
    }

    /// The exact decimal value.
    pub fn to_decimal(&self) -> Result<Decimal> {
        Decimal::parse(&self.0)
    }

    /// A number from an integer.
    pub fn from_i64(value: i64) -> Number {
        Number(value.to_string().into_boxed_str())
    }

    /// A number from an exact decimal.
    pub fn from_decimal(value: &Decimal) -> Number {
        Number(value.to_string().into_boxed_str())
    }

    /// A number from its text, which must follow the JSON number grammar (`ERR_MALFORMED`).
    pub fn from_text(text: &str) -> Result<Number> {
        match parse(text.as_bytes())? {
            Value::Number(number) if number.as_str() == text => Ok(number),
            _ => bail!(Malformed, "not a JSON number"),
        }
    }
}

/// A JSON object: members in document order, names unique.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// The value of member `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(key, _)| key == name).map(|(_, value)| value)
    }

    /// Whether the object has member `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The members in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(key, value)| (key.as_str(), value))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members, by value, in document order.
    pub fn into_members(self) -> impl Iterator<Item = (String, Value)> {
        self.members.into_iter()
    }

    /// Sets member `name`, replacing an earlier value of the same name in place.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.insert_value(name.into(), value.into());
    }

    /// The one non-generic body behind [`Object::insert`] and [`Object::with`].
    fn insert_value(&mut self, name: String, value: Value) {
        match self.members.iter_mut().find(|(key, _)| *key == name) {
            Some(slot) => slot.1 = value,
            None => self.members.push((name, value)),
        }
    }

    /// Builder form of [`Object::insert`].
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Object {
        self.insert_value(name.into(), value.into());
        self
    }

    /// The compact JSON text of this object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_object(&mut out, self);
        out
    }

    /// The JSON text of this object, indented by two spaces (for people).
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        write_pretty(&mut out, &Value::Object(self.clone()), 0);
        out
    }

    /// Removes member `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let index = self.members.iter().position(|(key, _)| key == name)?;
        Some(self.members.remove(index).1)
    }
}

impl Value {
    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The integer, if this is a number written as a plain integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(number) => number.as_i64(),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The JSON type's name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self);
        out
    }

    /// The JSON text of this value, indented by two spaces (for people).
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        write_pretty(&mut out, self, 0);
        out
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::String(text)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Number(Number::from_i64(value))
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Value {
        Value::Bool(flag)
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Value {
        Value::Object(object)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::Array(items)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

/// Parses one JSON document strictly, with the nesting cap [`MAX_DEPTH`].
pub fn parse(input: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(input).map_err(|_| Error::new(ErrorCode::Malformed, "JSON text is not UTF-8"))?;
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0 };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos != parser.bytes.len() {
        bail!(Malformed, "unexpected data after the JSON value at byte {}", parser.pos);
    }
    Ok(value)
}

/// Parses one JSON document that must be an object.
pub fn parse_object(input: &[u8]) -> Result<Object> {
    match parse(input)? {
        Value::Object(object) => Ok(object),
        other => bail!(Malformed, "expected a JSON object, found {}", other.type_name()),
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn error(&self, what: &str) -> Error {
        Error::with_message(ErrorCode::Malformed, format!("{what} at byte {}", self.pos))
    }

    fn expect_literal(&mut self, literal: &str, value: Value) -> Result<Value> {
        if self.bytes.get(self.pos..self.pos + literal.len()) == Some(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error("invalid JSON literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.expect_literal("true", Value::Bool(true)),
            Some(b'f') => self.expect_literal("false", Value::Bool(false)),
            Some(b'n') => self.expect_literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character in JSON")),
            None => Err(self.error("unexpected end of JSON")),
        }
    }

    fn enter(&self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            bail!(TooLarge, "JSON nests deeper than {MAX_DEPTH} levels");
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<Value> {
        self.enter(depth)?;
        self.pos += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object { members }));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name"));
            }
            let name = self.string()?;
            if members.len() >= MAX_OBJECT_MEMBERS {
                bail!(TooLarge, "a JSON object has more than {MAX_OBJECT_MEMBERS} members");
            }
            if members.iter().any(|(known, _)| *known == name) {
                bail!(Malformed, "duplicate member name \"{}\"", truncate(&name, 40));
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((name, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
        Ok(Value::Object(Object { members }))
    }

    fn array(&mut self, depth: usize) -> Result<Value> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        let text = self.text.get(start..self.pos).ok_or_else(|| self.error("invalid number"))?;
        Ok(Value::Number(Number(text.into())))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Stopping bytes are ASCII, so the run ends on a character boundary.
            out.push_str(self.text.get(run_start..self.pos).ok_or_else(|| self.error("invalid string"))?);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("control character in string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        let byte = self.peek().ok_or_else(|| self.error("unterminated string"))?;
        self.pos += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.error("lone surrogate in string"));
                        }
                        self.pos += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone surrogate in string"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error("lone surrogate in string")),
                    _ => first,
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid escape"))?
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(decoded);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or_else(|| self.error("truncated \\u escape"))?;
        let mut code = 0u32;
        for &digit in digits {
            let nibble = (digit as char).to_digit(16).ok_or_else(|| self.error("invalid \\u escape"))?;
            code = code * 16 + nibble;
        }
        self.pos += 4;
        Ok(code)
    }
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => out.push_str(number.as_str()),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(object) => write_object(out, object),
    }
}

fn write_object(out: &mut String, object: &Object) {
    out.push('{');
    for (index, (name, item)) in object.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, item);
    }
    out.push('}');
}

fn write_pretty(out: &mut String, value: &Value, indent: usize) {
    let pad = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                pad(out, indent + 1);
                write_pretty(out, item, indent + 1);
            }
            pad(out, indent);
            out.push(']');
        }
        Value::Object(object) if !object.is_empty() => {
            out.push('{');
            for (index, (name, item)) in object.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                pad(out, indent + 1);
                write_string(out, name);
                out.push_str(": ");
                write_pretty(out, item, indent + 1);
            }
            pad(out, indent);
            out.push('}');
        }
        other => write_value(out, other),
    }
}

fn write_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    // Runs of characters that need no escape are copied whole; escapes are ASCII, so every cut
    // falls on a character boundary.
    let mut run_start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(run_start..at).unwrap_or_default());
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            for nibble in [byte >> 4, byte & 15] {
                out.push(char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')));
            }
        } else {
            out.push_str(escape);
        }
        run_start = at + 1;
    }
    out.push_str(text.get(run_start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn code(input: &str) -> ErrorCode {
        parse(input.as_bytes()).unwrap_err().code()
    }

    #[test]
    fn parses_and_round_trips() {
        let text = r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"x\"\\\n\u00e9😀"}}"#;
        let value = parse(text.as_bytes()).unwrap();
        assert_eq!(value.to_json(), r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"x\"\\\néè😀"}}"#.replace("éè", "é"));
        assert_eq!(parse(value.to_json().as_bytes()).unwrap(), value);
    }

    #[test]
    fn surrogate_pairs_decode() {
        let value = parse(br#""\ud83d\ude00""#).unwrap();
        assert_eq!(value.as_str(), Some("😀"));
    }

    #[test]
    fn refuses_what_strict_json_refuses() {
        for bad in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "NaN",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\x41\"",
            "\"a\u{1}\"",
            "{'a':1}",
            "{} {}",
            "\u{feff}{}",
            "tru",
            "",
        ] {
            assert_eq!(code(bad), ErrorCode::Malformed, "{bad:?}");
        }
        assert_eq!(parse(b"{\"a\":\"\xff\"}").unwrap_err().code(), ErrorCode::Malformed);
    }

    #[test]
    fn member_cap() {
        let members =
            |n: usize| format!("{{{}}}", (0..n).map(|i| format!("\"m{i}\":{i}")).collect::<Vec<_>>().join(","));
        assert_eq!(
            parse(members(MAX_OBJECT_MEMBERS).as_bytes()).unwrap().as_object().unwrap().len(),
            MAX_OBJECT_MEMBERS
        );
        assert_eq!(code(&members(MAX_OBJECT_MEMBERS + 1)), ErrorCode::TooLarge);
    }

    #[test]
    fn nesting_cap() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(code(&deep), ErrorCode::TooLarge);
        let very_deep = "[".repeat(100_000);
        assert_eq!(code(&very_deep), ErrorCode::TooLarge);
    }

    #[test]
    fn integers_only_from_integer_text() {
        assert_eq!(parse(b"1700000000").unwrap().as_i64(), Some(1_700_000_000));
        assert_eq!(parse(b"1.7e9").unwrap().as_i64(), None);
        assert_eq!(parse(b"10.0").unwrap().as_i64(), None);
        assert_eq!(parse(b"99999999999999999999").unwrap().as_i64(), None);
    }

    #[test]
    fn writer_escapes_controls() {
        assert_eq!(Value::from("\u{1}\t").to_json(), "\"\\u0001\\t\"");
    }
}
