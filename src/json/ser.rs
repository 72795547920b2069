//! serde's `Serializer` into the JSON [`Value`], so documents edgescore writes (models,
//! results, keys) are declared once as types and written by the same writer as everything
//! else. Members keep declaration order; numbers keep exact text ([`crate::decimal::Decimal`]
//! goes through the private number token); floating point is refused (nothing edgescore
//! writes through serde is a float).

use std::fmt;

use serde::ser::{self, Serialize};

use super::de::NUMBER_TOKEN;
use super::{Number, Object, Value};
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

/// Writes `value` as a JSON [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, SerError> {
    value.serialize(ValueSerializer)
}

struct ValueSerializer;

fn refuse<T>(what: &str) -> Result<T, SerError> {
    Err(SerError(format!("{what} cannot be written as edgescore JSON")))
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = SerError;
    type SerializeSeq = ArrayWriter;
    type SerializeTuple = ArrayWriter;
    type SerializeTupleStruct = ArrayWriter;
    type SerializeTupleVariant = ser::Impossible<Value, SerError>;
    type SerializeMap = ObjectWriter;
    type SerializeStruct = ObjectWriter;
    type SerializeStructVariant = ser::Impossible<Value, SerError>;

    fn serialize_bool(self, flag: bool) -> Result<Value, SerError> {
        Ok(Value::Bool(flag))
    }

    fn serialize_i8(self, value: i8) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i16(self, value: i16) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i32(self, value: i32) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_i64(self, value: i64) -> Result<Value, SerError> {
        Ok(Value::Number(Number::from_i64(value)))
    }

    fn serialize_u8(self, value: u8) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_u16(self, value: u16) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_u32(self, value: u32) -> Result<Value, SerError> {
        self.serialize_i64(i64::from(value))
    }

    fn serialize_u64(self, value: u64) -> Result<Value, SerError> {
        Number::from_text(&value.to_string()).map(Value::Number).map_err(|e| SerError(e.message().to_owned()))
    }

    fn serialize_f32(self, _value: f32) -> Result<Value, SerError> {
        refuse("a floating-point number")
    }

    fn serialize_f64(self, _value: f64) -> Result<Value, SerError> {
        refuse("a floating-point number")
    }

    fn serialize_char(self, value: char) -> Result<Value, SerError> {
        Ok(Value::String(value.to_string()))
    }

    fn serialize_str(self, text: &str) -> Result<Value, SerError> {
        Ok(Value::String(text.to_owned()))
    }

    fn serialize_bytes(self, _bytes: &[u8]) -> Result<Value, SerError> {
        refuse("a byte string")
    }

    fn serialize_none(self) -> Result<Value, SerError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, SerError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, SerError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, SerError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, SerError> {
        Ok(Value::String(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<Value, SerError> {
        if name == NUMBER_TOKEN {
            return match value.serialize(ValueSerializer)? {
                Value::String(text) => {
                    Number::from_text(&text).map(Value::Number).map_err(|e| SerError(e.message().to_owned()))
                }
                _ => refuse("a number token that is not text"),
            };
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, SerError> {
        Ok(Value::Object(Object::new().with(variant, value.serialize(ValueSerializer)?)))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<ArrayWriter, SerError> {
        Ok(ArrayWriter(Vec::with_capacity(len.unwrap_or(0))))
    }

    fn serialize_tuple(self, len: usize) -> Result<ArrayWriter, SerError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<ArrayWriter, SerError> {
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

    fn serialize_map(self, _len: Option<usize>) -> Result<ObjectWriter, SerError> {
        Ok(ObjectWriter { object: Object::new(), key: None })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<ObjectWriter, SerError> {
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

struct ArrayWriter(Vec<Value>);

impl ser::SerializeSeq for ArrayWriter {
    type Ok = Value;
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.0.push(value.serialize(ValueSerializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, SerError> {
        Ok(Value::Array(self.0))
    }
}

impl ser::SerializeTuple for ArrayWriter {
    type Ok = Value;
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, SerError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for ArrayWriter {
    type Ok = Value;
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, SerError> {
        ser::SerializeSeq::end(self)
    }
}

struct ObjectWriter {
    object: Object,
    key: Option<String>,
}

impl ObjectWriter {
    fn member(&mut self, name: String, value: Value) -> Result<(), SerError> {
        if self.object.contains(&name) {
            return Err(SerError(format!("member \"{}\" is written twice", crate::error::truncate(&name, 40))));
        }
        self.object.members.push((name, value));
        Ok(())
    }
}

impl ser::SerializeMap for ObjectWriter {
    type Ok = Value;
    type Error = SerError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        match key.serialize(ValueSerializer)? {
            Value::String(name) => {
                self.key = Some(name);
                Ok(())
            }
            _ => refuse("a member name that is not a string"),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        let Some(name) = self.key.take() else { return refuse("a member value without a name") };
        let value = value.serialize(ValueSerializer)?;
        self.member(name, value)
    }

    fn end(self) -> Result<Value, SerError> {
        Ok(Value::Object(self.object))
    }
}

impl ser::SerializeStruct for ObjectWriter {
    type Ok = Value;
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), SerError> {
        let value = value.serialize(ValueSerializer)?;
        self.member(name.to_owned(), value)
    }

    fn end(self) -> Result<Value, SerError> {
        Ok(Value::Object(self.object))
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
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        PointsBelow,
    }

    #[test]
    fn writes_in_declaration_order_with_exact_numbers() {
        let raw = parse(br#"{"b":1.50e3,"a":[true,null]}"#).unwrap();
        let doc =
            Doc { name: "x\"", count: 7, ratio: Some(Decimal::parse("0.60").unwrap()), kind: Kind::PointsBelow, raw };
        assert_eq!(
            to_value(&doc).unwrap().to_json(),
            r#"{"name":"x\"","count":7,"ratio":0.6,"kind":"points_below","raw":{"b":1.50e3,"a":[true,null]}}"#
        );
        let doc = Doc { ratio: None, ..doc };
        assert!(!to_value(&doc).unwrap().to_json().contains("ratio"));
    }

    #[test]
    fn refuses_floats() {
        assert!(to_value(&1.5f64).is_err());
    }
}
