//! Typed Rust data to and from [`Value`] through serde, without a JSON tree in between.
//!
//! The conversions read and write what a trip through JSON would (`serde_json::to_value`
//! then [`Value::from_json`] with integers kept, and [`Value::to_json`] then
//! `serde_json::from_value`): integers stay `Int`, other numbers become `Float`, unit enum
//! variants are strings, others maps of one key; integral floats read as integers. Going
//! direct saves building and dropping a second tree of the same values.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};

use super::{KeyPath, Map, Segment, Value};

/// Why a conversion failed, and, from a tree, where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedError {
    message: String,
    /// The keys and indexes from the value that failed up to the root (innermost first).
    inside: Vec<Segment>,
}

impl TypedError {
    fn new(message: String) -> Self {
        TypedError { message, inside: Vec::new() }
    }

    /// The error as it stands one level further out, under `segment`.
    fn under(mut self, segment: Segment) -> Self {
        self.inside.push(segment);
        self
    }

    /// Where in the tree the value stands that could not be converted (the root when the
    /// error is not about one value).
    pub fn path(&self) -> KeyPath {
        self.inside.iter().rev().fold(KeyPath::root(), |path, segment| match segment {
            Segment::Key(key) => path.child_key(key),
            Segment::Index(index) => path.child_index(*index),
        })
    }

    /// What went wrong, without where.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TypedError {}

impl ser::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TypedError::new(msg.to_string())
    }
}

impl de::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TypedError::new(msg.to_string())
    }
}

/// The value tree of typed data, as `serde_json::to_value` and then
/// `Value::from_json(_, true)` would give it.
pub fn to_value<T: Serialize + ?Sized>(data: &T) -> Result<Value, TypedError> {
    data.serialize(ValueSerializer)
}

/// Typed data from a value tree, as `serde_json::from_value(value.to_json())` would read it.
pub fn from_value<'de, T: de::Deserialize<'de>>(value: &'de Value) -> Result<T, TypedError> {
    T::deserialize(value)
}

fn float(f: f64) -> Value {
    // JSON has no NaN or infinities; serde_json writes them as null.
    if f.is_finite() { Value::Float(f) } else { Value::Null }
}

struct ValueSerializer;

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = TypedError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = VariantBuilder<MapBuilder>;

    fn serialize_bool(self, v: bool) -> Result<Value, TypedError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, TypedError> {
        Ok(Value::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, TypedError> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, TypedError> {
        // Past i64, JSON's number is kept as a float by `from_json`.
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, TypedError> {
        Ok(float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, TypedError> {
        Ok(float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, TypedError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, TypedError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, TypedError> {
        Ok(Value::List(v.iter().map(|&b| Value::Int(b.into())).collect()))
    }
    fn serialize_none(self) -> Result<Value, TypedError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, TypedError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, TypedError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, TypedError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, TypedError> {
        Ok(Value::String(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, TypedError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, TypedError> {
        let mut map = Map::default();
        map.insert(variant.to_string(), value.serialize(self)?);
        Ok(Value::Map(map))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, TypedError> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, TypedError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder, TypedError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder>, TypedError> {
        Ok(VariantBuilder { variant, inner: self.serialize_seq(Some(len))? })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, TypedError> {
        let map = Map::with_capacity_and_hasher(len.unwrap_or(0), Default::default());
        Ok(MapBuilder { map, key: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder, TypedError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<MapBuilder>, TypedError> {
        Ok(VariantBuilder { variant, inner: self.serialize_map(Some(len))? })
    }
}

struct SeqBuilder(Vec<Value>);

impl SeqBuilder {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        self.0.push(value.serialize(ValueSerializer)?);
        Ok(())
    }
}

/// The three ways serde hands over the items of a sequence, all building a list.
macro_rules! sequence {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqBuilder {
            type Ok = Value;
            type Error = TypedError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
                self.push(value)
            }
            fn end(self) -> Result<Value, TypedError> {
                Ok(Value::List(self.0))
            }
        }
    )*};
}

sequence!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

struct MapBuilder {
    map: Map,
    key: Option<String>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Value;
    type Error = TypedError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TypedError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        let key = self.key.take().ok_or_else(|| TypedError::new("a map value without a key".into()))?;
        self.map.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Value, TypedError> {
        Ok(Value::Map(self.map))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Value;
    type Error = TypedError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TypedError> {
        self.map.insert(key.to_string(), value.serialize(ValueSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Value, TypedError> {
        Ok(Value::Map(self.map))
    }
}

/// A tuple or struct variant: `{variant: [...]}` or `{variant: {...}}`.
struct VariantBuilder<B> {
    variant: &'static str,
    inner: B,
}

impl VariantBuilder<SeqBuilder> {
    fn finish(self) -> Value {
        let mut map = Map::default();
        map.insert(self.variant.to_string(), Value::List(self.inner.0));
        Value::Map(map)
    }
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder> {
    type Ok = Value;
    type Error = TypedError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        self.inner.push(value)
    }
    fn end(self) -> Result<Value, TypedError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for VariantBuilder<MapBuilder> {
    type Ok = Value;
    type Error = TypedError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TypedError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> Result<Value, TypedError> {
        let mut map = Map::default();
        map.insert(self.variant.to_string(), Value::Map(self.inner.map));
        Ok(Value::Map(map))
    }
}

/// Map keys: strings, and the scalars JSON spells as strings when they are keys.
struct KeySerializer;

fn key_refused() -> TypedError {
    TypedError::new("map keys must be strings, numbers or booleans".into())
}

/// Key serializer methods for scalars JSON spells as they are, in quotes.
macro_rules! spelled {
    ($($method:ident: $type:ty),* $(,)?) => {$(
        fn $method(self, v: $type) -> Result<String, TypedError> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = TypedError;
    type SerializeSeq = ser::Impossible<String, TypedError>;
    type SerializeTuple = ser::Impossible<String, TypedError>;
    type SerializeTupleStruct = ser::Impossible<String, TypedError>;
    type SerializeTupleVariant = ser::Impossible<String, TypedError>;
    type SerializeMap = ser::Impossible<String, TypedError>;
    type SerializeStruct = ser::Impossible<String, TypedError>;
    type SerializeStructVariant = ser::Impossible<String, TypedError>;

    spelled! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_char: char, serialize_str: &str,
    }
    fn serialize_f32(self, _v: f32) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_none(self) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_unit(self) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, TypedError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, TypedError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, TypedError> {
        Err(key_refused())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, TypedError> {
        Err(key_refused())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, TypedError> {
        Err(key_refused())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, TypedError> {
        Err(key_refused())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, TypedError> {
        Err(key_refused())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, TypedError> {
        Err(key_refused())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, TypedError> {
        Err(key_refused())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, TypedError> {
        Err(key_refused())
    }
}

/// The largest integer a float holds exactly (2^53): [`Value::to_json`] writes integral
/// floats up to it as JSON integers, which integer fields accept.
const EXACT: f64 = 9_007_199_254_740_992.0;

impl<'de> de::Deserializer<'de> for &'de Value {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() <= EXACT => visitor.visit_i64(*f as i64),
            // JSON has no NaN or infinities: `to_json` makes them null.
            Value::Float(f) if !f.is_finite() => visitor.visit_unit(),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(items) => {
                let mut access = Items { items: items.iter().enumerate() };
                let result = visitor.visit_seq(&mut access)?;
                match access.items.len() {
                    0 => Ok(result),
                    _ => Err(de::Error::invalid_length(items.len(), &"fewer elements in the list")),
                }
            }
            Value::Map(map) => {
                let mut access = Entries { entries: map.iter(), entry: None };
                let result = visitor.visit_map(&mut access)?;
                match access.entries.len() {
                    0 => Ok(result),
                    _ => Err(de::Error::invalid_length(map.len(), &"fewer elements in the map")),
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self {
            Value::Null => visitor.visit_none(),
            Value::Float(f) if !f.is_finite() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        match self {
            Value::String(variant) => visitor.visit_enum(variant.as_str().into_deserializer()),
            Value::Map(map) if map.len() == 1 => {
                let (variant, value) = map.get_index(0).expect("one entry");
                visitor
                    .visit_enum(Variant { variant, value })
                    .map_err(|e| e.under(Segment::Key(variant.clone())))
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"a string or a map of one key")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Int(i) => de::Unexpected::Signed(*i),
        Value::Float(f) => de::Unexpected::Float(*f),
        Value::String(s) => de::Unexpected::Str(s),
        Value::List(_) => de::Unexpected::Seq,
        Value::Map(_) => de::Unexpected::Map,
    }
}

struct Items<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = TypedError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TypedError> {
        self.items
            .next()
            .map(|(index, item)| seed.deserialize(item).map_err(|e| e.under(Segment::Index(index))))
            .transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de> {
    entries: indexmap::map::Iter<'de, String, Value>,
    entry: Option<(&'de String, &'de Value)>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = TypedError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, TypedError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.entry = Some((key, value));
                seed.deserialize(Key(key)).map(Some).map_err(|e| e.under(Segment::Key(key.clone())))
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, TypedError> {
        let (key, value) =
            self.entry.take().ok_or_else(|| TypedError::new("a map value without a key".into()))?;
        seed.deserialize(value).map_err(|e| e.under(Segment::Key(key.clone())))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key, which JSON spells as a string even for numbers and booleans; typed keys parse
/// it.
struct Key<'de>(&'de str);

macro_rules! parse_key {
    ($($method:ident => $visit:ident,)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
            match self.0.parse() {
                Ok(parsed) => visitor.$visit(parsed),
                Err(_) => Err(de::Error::invalid_value(de::Unexpected::Str(self.0), &visitor)),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_borrowed_str(self.0)
    }

    parse_key! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// An enum written as a map of one key: the variant and its content.
struct Variant<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = TypedError;
    type Variant = &'de Value;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, &'de Value), TypedError> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::new(self.variant))?;
        Ok((variant, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for &'de Value {
    type Error = TypedError;
    fn unit_variant(self) -> Result<(), TypedError> {
        match self {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"a unit variant")),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, TypedError> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, TypedError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        small: i8,
        port: u16,
        big: u64,
        negative: i64,
        ratio: f64,
        not_a_number: f64,
        letter: char,
        name: String,
        missing: Option<String>,
        present: Option<u32>,
        list: Vec<Kind>,
        by_number: BTreeMap<u32, String>,
        wrapped: Wrapped,
        nothing: (),
        #[serde(skip_serializing_if = "Option::is_none", default)]
        skipped: Option<bool>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Wrapped(String);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Plain,
        Named(String),
        Pair(u8, bool),
        Shaped { width: u32 },
    }

    fn sample() -> Sample {
        Sample {
            small: -3,
            port: 8080,
            big: u64::MAX,
            negative: -1 << 40,
            ratio: 0.25,
            not_a_number: f64::NAN,
            letter: 'é',
            name: "mail".into(),
            missing: None,
            present: Some(7),
            list: vec![Kind::Plain, Kind::Named("x".into()), Kind::Pair(1, true), Kind::Shaped { width: 3 }],
            by_number: BTreeMap::from([(10, "ten".into()), (2, "two".into())]),
            wrapped: Wrapped("inside".into()),
            nothing: (),
            skipped: None,
        }
    }

    #[test]
    fn writes_what_the_trip_through_json_writes() {
        let data = sample();
        let through_json = Value::from_json(&serde_json::to_value(&data).unwrap(), true);
        let direct = to_value(&data).unwrap();
        assert_eq!(direct, through_json);
        // Same keys in the same order.
        assert_eq!(format!("{direct:?}"), format!("{through_json:?}"));
    }

    #[test]
    fn reads_what_the_trip_through_json_reads() {
        let mut data = sample();
        // NaN is written as null and cannot be read back into a number.
        data.not_a_number = 1.5;
        data.big = 1 << 60;
        let tree = to_value(&data).unwrap();
        let direct: Sample = from_value(&tree).unwrap();
        let through_json: Sample = serde_json::from_value(tree.to_json()).unwrap();
        assert_eq!(direct, through_json);
        assert_eq!(direct, data);
    }

    #[test]
    fn integral_floats_read_as_integers_and_wrong_types_are_named() {
        let mut data = sample();
        data.not_a_number = 0.5;
        data.big = 1 << 60;
        let mut tree = to_value(&data).unwrap();
        let map = tree.as_map_mut().unwrap();
        map.insert("port".into(), Value::Float(25.0));
        map.insert("notANumber".into(), Value::Float(2.0));
        let data: Sample = from_value(&tree).unwrap();
        assert_eq!((data.port, data.not_a_number), (25, 2.0));

        for (key, bad) in
            [("port", Value::Float(2.5)), ("port", Value::String("25".into())), ("list", Value::Int(1))]
        {
            let mut broken = tree.clone();
            broken.as_map_mut().unwrap().insert(key.into(), bad);
            let direct = from_value::<Sample>(&broken).unwrap_err().to_string();
            let through_json = serde_json::from_value::<Sample>(broken.to_json()).unwrap_err().to_string();
            assert_eq!(direct, through_json, "{key}");
        }
    }

    #[test]
    fn an_error_names_where_the_value_stands() {
        let mut data = sample();
        (data.big, data.not_a_number) = (1 << 60, 0.5);
        let tree = to_value(&data).unwrap();
        assert_eq!(from_value::<Sample>(&tree).unwrap(), data);
        let at = |pointer: &str, bad: Value| {
            let mut broken = tree.clone();
            let mut node = &mut broken;
            for segment in pointer.split('/').skip(1) {
                node = match node {
                    Value::Map(map) => map.get_mut(segment).unwrap(),
                    Value::List(list) => &mut list[segment.parse::<usize>().unwrap()],
                    _ => unreachable!(),
                };
            }
            *node = bad;
            let error = from_value::<Sample>(&broken).unwrap_err();
            (error.path().to_string(), error.message().to_string())
        };
        assert_eq!(at("/port", Value::Int(70_000)).0, "port");
        assert_eq!(at("/list/3/shaped/width", Value::Int(-1)).0, "list[3].shaped.width");
        assert_eq!(at("/byNumber/10", Value::Int(1)).0, "byNumber[\"10\"]");
        let (path, message) = at("/wrapped", Value::Bool(true));
        assert_eq!(path, "wrapped");
        assert!(message.contains("expected a string"), "{message}");
        // Not about one value: the root.
        assert_eq!(from_value::<Sample>(&Value::Int(1)).unwrap_err().path(), KeyPath::root());
    }

    #[test]
    fn keys_that_json_cannot_spell_are_refused() {
        let map = BTreeMap::from([(vec![1], 1)]);
        assert!(to_value(&map).is_err());
        assert!(serde_json::to_value(&map).is_err());
    }
}
