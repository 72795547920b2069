//! serde's `Serializer` writing compact JSON text, so documents edgescore writes (results,
//! models, keys) are declared once as types. Members keep declaration order; numbers keep exact
//! text ([`crate::decimal::Decimal`] goes through the private number token); floating point is
//! refused (nothing edgescore writes through serde is a float).
//!
//! Text is written directly, without building a [`Value`] first: a full result takes a few
//! microseconds in WebAssembly. [`to_value`] reads the text back with the strict parser, which
//! also refuses a duplicate member name should a type ever write one.

use std::fmt::{self, Write};

use serde::ser::{self, Serialize};

use super::de::NUMBER_TOKEN;
use super::{write_string, Number, Object, Value};
use crate::error::{Error, ErrorCode};

/// A value could not be written as JSON (a float, bytes, a map key that is not a string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerError(String);

impl SerError {
    /// The error as an [`Error`] with `code`.
    pub fn into_error(self, code: ErrorCode) -> Error {
        Error::with_message(code, self.0)
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(message: T) -> SerError {
        SerError(message.to_string())
    }
}

/// Writes `value` as compact JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, SerError> {
    let mut out = String::with_capacity(256);
    value.serialize(TextSerializer { out: &mut out })?;
    Ok(out)
}

/// Writes `value` as a JSON [`Value`] (the text, read back by the strict parser).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, SerError> {
    super::parse(to_string(value)?.as_bytes()).map_err(|e| SerError(e.message().to_owned()))
}

fn refuse<T>(what: &str) -> Result<T, SerError> {
    Err(SerError(format!("{what} cannot be written as edgescore JSON")))
}

struct TextSerializer<'a> {
    out: &'a mut String,
}

impl<'a> ser::Serializer for TextSerializer<'a> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;

    fn serialize_bool(self, flag: bool) -> Result<(), SerError> {
        self.out.push_str(if flag { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i16(self, value: i16) -> Result<(), SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i32(self, value: i32) -> Result<(), SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i64(self, value: i64) -> Result<(), SerError> {
        write!(self.out, "{value}").map_err(|_| SerError("a number could not be written".to_owned()))
    }

    fn serialize_u8(self, value: u8) -> Result<(), SerError> {
        self.serialize_u64(u64::from(value))
    }

    fn serialize_u16(self, value: u16) -> Result<(), SerError> {
        self.serialize_u64(u64::from(value))
    }

    fn serialize_u32(self, value: u32) -> Result<(), SerError> {
        self.serialize_u64(u64::from(value))
    }

    fn serialize_u64(self, value: u64) -> Result<(), SerError> {
        write!(self.out, "{value}").map_err(|_| SerError("a number could not be written".to_owned()))
    }

    fn serialize_f32(self, _value: f32) -> Result<(), SerError> {
        refuse("a floating-point number")
    }

    fn serialize_f64(self, _value: f64) -> Result<(), SerError> {
        refuse("a floating-point number")
    }

    fn serialize_char(self, value: char) -> Result<(), SerError> {
        write_string(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, text: &str) -> Result<(), SerError> {
        write_string(self.out, text);
        Ok(())
    }

    fn serialize_bytes(self, _bytes: &[u8]) -> Result<(), SerError> {
        refuse("a byte string")
    }

    fn serialize_none(self) -> Result<(), SerError> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), SerError> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), SerError> {
        self.serialize_none()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), SerError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), SerError> {
        if name != NUMBER_TOKEN {
            return value.serialize(self);
        }
        // The number's text, checked against the JSON grammar before it is written bare.
        let mut quoted = String::new();
        value.serialize(TextSerializer { out: &mut quoted })?;
        match super::parse(quoted.as_bytes()) {
            Ok(Value::String(text)) => {
                let number = Number::from_text(&text).map_err(|e| SerError(e.message().to_owned()))?;
                self.out.push_str(number.as_str());
                Ok(())
            }
            _ => refuse("a number token that is not text"),
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.out.push('{');
        write_string(self.out, variant);
        self.out.push(':');
        value.serialize(TextSerializer { out: self.out })?;
        self.out.push('}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, SerError> {
        self.out.push('[');
        Ok(Compound { out: self.out, first: true, close: ']' })
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, SerError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, SerError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        refuse("a tuple variant")
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, SerError> {
        self.out.push('{');
        Ok(Compound { out: self.out, first: true, close: '}' })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, SerError> {
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        refuse("a struct variant")
    }
}

/// An array or object being written: its items, comma-separated, then the closing bracket.
struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    close: char,
}

impl Compound<'_> {
    fn separate(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.separate();
        value.serialize(TextSerializer { out: self.out })
    }

    fn member<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), SerError> {
        self.separate();
        write_string(self.out, name);
        self.out.push(':');
        value.serialize(TextSerializer { out: self.out })
    }

    fn finish(self) -> Result<(), SerError> {
        self.out.push(self.close);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.item(value)
    }

    fn end(self) -> Result<(), SerError> {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.item(value)
    }

    fn end(self) -> Result<(), SerError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.item(value)
    }

    fn end(self) -> Result<(), SerError> {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = SerError;

    /// Keys must be strings: written as the member name, then the value after `:`.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        self.separate();
        let mut name = String::new();
        key.serialize(TextSerializer { out: &mut name })?;
        if !name.starts_with('"') {
            return refuse("a member name that is not a string");
        }
        self.out.push_str(&name);
        self.out.push(':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        value.serialize(TextSerializer { out: self.out })
    }

    fn end(self) -> Result<(), SerError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), SerError> {
        self.member(name, value)
    }

    fn end(self) -> Result<(), SerError> {
        self.finish()
    }
}

impl Serialize for Value {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(flag) => serializer.serialize_bool(*flag),
            Value::Number(number) => number.serialize(serializer),
            Value::String(text) => serializer.serialize_str(text),
            Value::Array(items) => serializer.collect_seq(items),
            Value::Object(object) => object.serialize(serializer),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.members.iter().map(|(name, value)| (name, value)))
    }
}

impl Serialize for Number {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(NUMBER_TOKEN, self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::decimal::Decimal;
    use crate::json::parse;

    #[derive(Serialize)]
    struct Doc<'a> {
        name: &'a str,
        count: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        ratio: Option<Decimal>,
        kind: Kind,
        raw: Value,
        empty: Vec<u8>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        PointsBelow,
    }

    #[test]
    fn writes_in_declaration_order_with_exact_numbers() {
        let raw = parse(br#"{"b":1.50e3,"a":[true,null],"c":{}}"#).unwrap();
        let doc = Doc {
            name: "x\"\n",
            count: 7,
            ratio: Some(Decimal::parse("0.60").unwrap()),
            kind: Kind::PointsBelow,
            raw,
            empty: Vec::new(),
        };
        let text = to_string(&doc).unwrap();
        assert_eq!(
            text,
            r#"{"name":"x\"\n","count":7,"ratio":0.6,"kind":"points_below","raw":{"b":1.50e3,"a":[true,null],"c":{}},"empty":[]}"#
        );
        assert_eq!(to_value(&doc).unwrap().to_json(), text);
        let doc = Doc { ratio: None, ..doc };
        assert!(!to_string(&doc).unwrap().contains("ratio"));
    }

    #[test]
    fn refuses_floats_and_duplicates() {
        assert!(to_string(&1.5f64).is_err());
        let twice: Vec<(&str, i64)> = vec![("a", 1), ("a", 2)];
        let map = serde::ser::Serializer::collect_map(
            TextSerializer { out: &mut String::new() },
            twice.iter().map(|(k, v)| (*k, *v)),
        );
        assert!(map.is_ok(), "text is written as given");
        struct Twice;
        impl Serialize for Twice {
            fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map([("a", 1), ("a", 2)])
            }
        }
        assert!(to_value(&Twice).is_err(), "a duplicate name is refused when read back");
    }
}
