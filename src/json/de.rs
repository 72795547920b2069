//! serde's `Deserializer` over the strict JSON [`Value`]: typed reading with derived
//! `Deserialize` impls, while the strict parser keeps its rules (duplicate names, the nesting
//! cap and exact number text are enforced before any type sees the document).
//!
//! Numbers stay exact. An integer type reads only integer text (`1.7e9` or `10.0` is an error
//! for an `i64`, never a rounded value); [`crate::decimal::Decimal`] receives the number's text
//! through a private newtype token; a number read as an untyped [`Value`] keeps its text.
//!
//! Errors carry the path to the member that failed (`characteristics[2].bins[0].points`), and
//! the caller gives the [`ErrorCode`] that fits the document ([`DeError::into_error`]).

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

use super::{Number, Object, Value};
use crate::error::{ClaimReason, Error, ErrorCode};

/// The newtype name through which a number's exact text reaches a type that asks for it
/// ([`crate::decimal::Decimal`], [`Number`]), in both directions (see `ser`).
pub(crate) const NUMBER_TOKEN: &str = "$edgescore::json::Number";

/// The newtype name of [`nullable`]: the one place where `null` reads as absent.
const NULLABLE_TOKEN: &str = "$edgescore::json::Nullable";

/// A typed-reading error: what is wrong, and where in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeError(Box<DeErrorInner>);

/// Boxed, so every `Result` of the generated readers stays one word wide.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DeErrorInner {
    message: String,
    /// Innermost first: each level the error passes on its way out adds its member or index.
    path: Vec<Segment>,
    /// The member found missing, when that is the error.
    missing: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Member(String),
    Index(usize),
}

impl DeError {
    /// The error as an [`Error`] with `code`, its message prefixed with the path.
    pub fn into_error(self, code: ErrorCode) -> Error {
        Error::with_message(code, self.to_string())
    }

    /// The top-level member the error is about and how it failed: the outermost member on the
    /// path (`invalid`), or the member found missing at the top (`missing`). For claims, where
    /// the top-level members are the claim names.
    pub fn member(&self) -> Option<(String, ClaimReason)> {
        match (self.0.path.last(), self.0.missing) {
            (Some(Segment::Member(name)), _) => Some((name.clone(), ClaimReason::Invalid)),
            (None, Some(name)) => Some((name.to_owned(), ClaimReason::Missing)),
            _ => None,
        }
    }

    /// The path to the value that failed, such as `bins[0].points` (empty at the top).
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Member(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(crate::error::truncate(name, 40));
                }
                Segment::Index(index) => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }

    // Out of line: these run once per failed document, and keeping them out of the generic
    // access code keeps every derived type's reader small.
    #[inline(never)]
    fn at_member(mut self, name: &str) -> DeError {
        self.0.path.push(Segment::Member(name.to_owned()));
        self
    }

    #[inline(never)]
    fn at_index(mut self, index: usize) -> DeError {
        self.0.path.push(Segment::Index(index));
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            path if path.is_empty() => f.write_str(&self.0.message),
            path => write!(f, "{path}: {}", self.0.message),
        }
    }
}

impl std::error::Error for DeError {}

/// Messages in edgescore's own words ("unknown member", "is missing"), which also keeps
/// serde's value formatting (floats, escaped strings) out of the WebAssembly module: a message
/// names the kind of value found, never echoes it.
impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> DeError {
        DeError(Box::new(DeErrorInner { message: message.to_string(), path: Vec::new(), missing: None }))
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn de::Expected) -> DeError {
        DeError::custom(format_args!("must be {}, not {}", expectation(expected), kind(&found)))
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn de::Expected) -> DeError {
        DeError::custom(format_args!("must be {}, not this {}", expectation(expected), kind(&found)))
    }

    fn invalid_length(length: usize, expected: &dyn de::Expected) -> DeError {
        DeError::custom(format_args!("has {length} items, expected {expected}"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> DeError {
        DeError::custom(format_args!(
            "\"{}\" is not one of {}",
            crate::error::truncate(variant, 40),
            expected.join(", ")
        ))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> DeError {
        DeError::custom(format_args!("unknown member \"{}\"", crate::error::truncate(field, 40)))
    }

    fn missing_field(field: &'static str) -> DeError {
        let mut error = DeError::custom(format_args!("\"{field}\" is missing"));
        error.0.missing = Some(field);
        error
    }

    fn duplicate_field(field: &'static str) -> DeError {
        DeError::custom(format_args!("\"{field}\" is given twice"))
    }
}

/// What a visitor expects, with derived structs named as what they are in JSON.
fn expectation(expected: &dyn de::Expected) -> String {
    let text = expected.to_string();
    match text.strip_prefix("struct ") {
        Some(_) => "an object".to_owned(),
        None => text,
    }
}

/// The kind of a value found, without the value.
fn kind<'a>(found: &Unexpected<'a>) -> &'a str {
    match found {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        Unexpected::Other(other) => other,
        _ => "another kind of value",
    }
}

/// Reads a `T` from a parsed value.
pub fn from_value<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, DeError> {
    T::deserialize(ValueDeserializer(value))
}

/// A `Deserializer` reading from a borrowed [`Value`].
#[derive(Clone, Copy, Debug)]
pub struct ValueDeserializer<'de>(pub &'de Value);

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(flag) => Unexpected::Bool(*flag),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(text) => Unexpected::Str(text),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The number's text when it is written as an integer (no fraction, no exponent).
fn integer_text(value: &Value) -> Option<&str> {
    match value {
        Value::Number(number) if !number.as_str().bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) => {
            Some(number.as_str())
        }
        _ => None,
    }
}

impl<'de> ValueDeserializer<'de> {
    fn invalid<V: Visitor<'de>>(self, visitor: &V) -> DeError {
        de::Error::invalid_type(unexpected(self.0), visitor)
    }

    fn signed<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let value = integer(self.0, &visitor)?;
        visitor.visit_i64(value)
    }

    fn unsigned<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let value = integer(self.0, &visitor)?;
        visitor.visit_u64(value)
    }
}

/// An integer from integer text only (`1.0`, `1e3` and out-of-range values are errors).
#[inline(never)]
fn integer<T: std::str::FromStr>(value: &Value, expected: &dyn de::Expected) -> Result<T, DeError> {
    match integer_text(value).map(str::parse::<T>) {
        Some(Ok(value)) => Ok(value),
        Some(Err(_)) => Err(de::Error::custom("the number is out of range")),
        None if matches!(value, Value::Number(_)) => {
            Err(de::Error::custom("expected a whole number written without a fraction or an exponent"))
        }
        None => Err(de::Error::invalid_type(unexpected(value), expected)),
    }
}

macro_rules! forward_integers {
    ($($method:ident => $how:ident,)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.$how(visitor)
        })*
    };
}

impl<'de> Deserializer<'de> for ValueDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(flag) => visitor.visit_bool(*flag),
            Value::Number(number) => visitor.visit_map(NumberAccess(Some(number.as_str()))),
            Value::String(text) => visitor.visit_borrowed_str(text),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(object) => visitor.visit_map(ObjectAccess { members: object.members.iter(), value: None }),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Bool(flag) => visitor.visit_bool(*flag),
            _ => Err(self.invalid(&visitor)),
        }
    }

    forward_integers! {
        deserialize_i8 => signed,
        deserialize_i16 => signed,
        deserialize_i32 => signed,
        deserialize_i64 => signed,
        deserialize_u8 => unsigned,
        deserialize_u16 => unsigned,
        deserialize_u32 => unsigned,
        deserialize_u64 => unsigned,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    /// Floating point is for analytics only (never scoring): the number's text, parsed.
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Number(number) => match number.as_str().parse::<f64>() {
                Ok(value) if value.is_finite() => visitor.visit_f64(value),
                _ => Err(de::Error::custom("the number is out of range")),
            },
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::String(text) => visitor.visit_borrowed_str(text),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        Err(self.invalid(&visitor))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        Err(self.invalid(&visitor))
    }

    /// An optional member is absent when it is left out (serde's `default`); `null` is not a
    /// way to leave it out, since the formats never allowed it: a misspelt or half-removed
    /// limit must not silently become "no limit". Members where `null` means absent say so
    /// with [`nullable`].
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Null => Err(de::Error::custom("null is not allowed here: leave the member out")),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        if name == NULLABLE_TOKEN {
            return match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            };
        }
        if name == NUMBER_TOKEN {
            return match self.0 {
                Value::Number(number) => visitor.visit_borrowed_str(number.as_str()),
                _ => Err(self.invalid(&visitor)),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Value::Object(object) => visitor.visit_map(ObjectAccess { members: object.members.iter(), value: None }),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    /// Unit variants only, written as strings (`"points_below"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.0 {
            Value::String(text) => visitor.visit_enum(BorrowedStrDeserializer::new(text)),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// For `#[serde(default, deserialize_with = "json::nullable")]`: an optional member where
/// `null` means the same as leaving it out.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_newtype_struct(NULLABLE_TOKEN, NullableVisitor(std::marker::PhantomData))
}

struct NullableVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }

    /// Other deserializers, which do not know the token.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<T>::deserialize(deserializer)
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value, DeError> {
    let mut access = ArrayAccess { items: items.iter().enumerate() };
    let value = visitor.visit_seq(&mut access)?;
    match access.items.len() {
        0 => Ok(value),
        left => Err(de::Error::invalid_length(items.len(), &format!("{} items", items.len() - left).as_str())),
    }
}

struct ArrayAccess<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for ArrayAccess<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((index, item)) => seed.deserialize(ValueDeserializer(item)).map(Some).map_err(|e| e.at_index(index)),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct ObjectAccess<'de> {
    members: std::slice::Iter<'de, (String, Value)>,
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> MapAccess<'de> for ObjectAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        match self.members.next() {
            Some((name, value)) => {
                self.value = Some((name, value));
                seed.deserialize(BorrowedStrDeserializer::new(name)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some((name, value)) => seed.deserialize(ValueDeserializer(value)).map_err(|e| e.at_member(name)),
            None => Err(de::Error::custom("a member value was read before its name")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// A number handed to `deserialize_any` as a one-member map `{NUMBER_TOKEN: "<text>"}`, so a
/// visitor that knows the token ([`Value`]'s) keeps the exact text.
struct NumberAccess<'de>(Option<&'de str>);

impl<'de> MapAccess<'de> for NumberAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        match self.0 {
            Some(_) => seed.deserialize(BorrowedStrDeserializer::new(NUMBER_TOKEN)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.0.take() {
            Some(text) => seed.deserialize(BorrowedStrDeserializer::new(text)),
            None => Err(de::Error::custom("a number was read twice")),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(Number::from_i64(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Number::from_text(&value.to_string()).map(Value::Number).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(access.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = access.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut object = Object::new();
        while let Some(name) = access.next_key::<String>()? {
            if name == NUMBER_TOKEN && object.is_empty() {
                let text: String = access.next_value()?;
                return Number::from_text(&text).map(Value::Number).map_err(de::Error::custom);
            }
            if object.contains(&name) {
                return Err(de::Error::custom(format_args!(
                    "duplicate member name \"{}\"",
                    crate::error::truncate(&name, 40)
                )));
            }
            let value: Value = access.next_value()?;
            object.members.push((name, value));
        }
        Ok(Value::Object(object))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(object) => Ok(object),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(number) => Ok(number),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a number")),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::decimal::Decimal;
    use crate::json::parse;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        count: i64,
        #[serde(default)]
        ratio: Option<Decimal>,
        items: Vec<Item>,
        #[serde(default)]
        extra: Option<Value>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "snake_case")]
    enum Kind {
        Plain,
        Fancy,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Item {
        kind: Kind,
        size: u8,
    }

    fn read(text: &str) -> Result<Doc, DeError> {
        let value = parse(text.as_bytes()).unwrap();
        from_value(&value)
    }

    #[test]
    fn reads_typed_documents() {
        let doc =
            read(r#"{"count":-3,"ratio":0.60,"items":[{"kind":"fancy","size":7}],"extra":{"n":1.50e3}}"#).unwrap();
        assert_eq!(doc.count, -3);
        assert_eq!(doc.ratio, Some(Decimal::parse("0.6").unwrap()));
        assert_eq!(doc.items, vec![Item { kind: Kind::Fancy, size: 7 }]);
        // A number read as an untyped value keeps its exact text.
        assert_eq!(doc.extra.unwrap().to_json(), r#"{"n":1.50e3}"#);
        assert_eq!(read(r#"{"count":1,"items":[]}"#).unwrap().ratio, None);
        // null is not a way to leave a member out, unless the member says so.
        assert_eq!(read(r#"{"count":1,"ratio":null,"items":[]}"#).unwrap_err().path(), "ratio");
        #[derive(Debug, Deserialize)]
        struct Loose {
            #[serde(default, deserialize_with = "super::nullable")]
            amount: Option<i64>,
        }
        let loose = |text: &str| from_value::<Loose>(&parse(text.as_bytes()).unwrap()).map(|l| l.amount);
        assert_eq!(loose(r#"{"amount":null}"#), Ok(None));
        assert_eq!(loose(r#"{}"#), Ok(None));
        assert_eq!(loose(r#"{"amount":7}"#), Ok(Some(7)));
        assert!(loose(r#"{"amount":"7"}"#).is_err());
    }

    #[test]
    fn integers_come_only_from_integer_text() {
        for bad in ["1.0", "1e3", "1.7e9", "99999999999999999999", "\"1\"", "true", "null"] {
            let error = read(&format!(r#"{{"count":{bad},"items":[]}}"#)).unwrap_err();
            assert_eq!(error.path(), "count", "{bad}");
        }
        let error = read(r#"{"count":1,"items":[{"kind":"plain","size":256}]}"#).unwrap_err();
        assert_eq!(error.path(), "items[0].size");
        let error = read(r#"{"count":1,"items":[{"kind":"plain","size":-1}]}"#).unwrap_err();
        assert_eq!(error.path(), "items[0].size");
    }

    #[test]
    fn decimals_refuse_strings_and_keep_exactness() {
        assert!(read(r#"{"count":1,"ratio":"0.5","items":[]}"#).is_err());
        let doc = read(r#"{"count":1,"ratio":0.59999999999999999999,"items":[]}"#).unwrap();
        assert!(doc.ratio.unwrap() < Decimal::parse("0.6").unwrap());
    }

    #[test]
    fn errors_name_the_place() {
        let cases = [
            (r#"{"count":1,"items":[],"typo":1}"#, ""),
            (r#"{"items":[]}"#, ""),
            (r#"{"count":1,"items":[{"kind":"odd","size":1}]}"#, "items[0].kind"),
            (r#"{"count":1,"items":[{"kind":"plain","size":1,"more":2}]}"#, "items[0]"),
            (r#"{"count":1,"items":{}}"#, "items"),
        ];
        for (text, path) in cases {
            let error = read(text).unwrap_err();
            assert_eq!(error.path(), path, "{text}: {error}");
            let error = error.into_error(ErrorCode::PolicyInvalid);
            assert_eq!(error.code(), ErrorCode::PolicyInvalid);
            assert!(error.message().starts_with(path), "{}", error.message());
        }
        assert!(read(r#"{"count":1,"items":[],"typo":1}"#).unwrap_err().to_string().contains("typo"));
    }
}
