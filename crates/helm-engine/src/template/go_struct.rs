//! Go structs described once: a struct's fields in declaration order, each with its Go name,
//! its JSON tag and how to read it, from which follow what `encoding/json`, go-yaml v3,
//! BurntSushi's TOML encoder, `fmt` and template field access each make of the struct. A
//! struct object lists its fields in one table and its [`GoObject`] methods read them there.
//!
//! [`GoObject`]: super::value::GoObject

use super::fmt::format_value;
use super::value::{TomlView, Val, YamlView};

/// How `encoding/json` names an exported field.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JsonName {
    /// No tag: the Go name.
    Go,
    /// The tag's name.
    Tag(&'static str),
    /// The tag's name, and `omitempty`: an empty string is left out.
    TagOmitEmpty(&'static str),
}

/// One field of a Go struct `T`.
pub(crate) struct Field<T> {
    /// The Go name; a lower-case first letter makes the field unexported, which only `fmt`
    /// shows.
    pub name: &'static str,
    pub json: JsonName,
    /// The field's value (read only for the fields a caller asks for: `.Capabilities`
    /// holds every API version).
    pub value: fn(&T) -> Val,
}

impl<T> Field<T> {
    /// A field without a JSON tag.
    pub(crate) const fn new(name: &'static str, value: fn(&T) -> Val) -> Field<T> {
        Field { name, json: JsonName::Go, value }
    }

    fn exported(&self) -> bool {
        self.name.starts_with(|c: char| c.is_ascii_uppercase())
    }
}

/// The fields `encoding/json` writes, under its names, in declaration order.
pub(crate) fn json_fields<T>(object: &T, fields: &[Field<T>]) -> Vec<(&'static str, Val)> {
    fields
        .iter()
        .filter(|field| field.exported())
        .filter_map(|field| {
            let value = (field.value)(object);
            match field.json {
                JsonName::Go => Some((field.name, value)),
                JsonName::Tag(name) => Some((name, value)),
                JsonName::TagOmitEmpty(name) => {
                    let empty = matches!(&value, Val::Str(text) if text.is_empty());
                    (!empty).then_some((name, value))
                }
            }
        })
        .collect()
}

/// The struct as a JSON object (Go's sorted map order).
pub(crate) fn json_map<T>(object: &T, fields: &[Field<T>]) -> Val {
    let members = json_fields(object, fields).into_iter();
    Val::map(members.map(|(name, value)| (name.to_string(), value)).collect())
}

/// go-yaml v3 ignores JSON tags: exported fields under their names in lower case.
pub(crate) fn yaml_view<T>(object: &T, fields: &[Field<T>]) -> YamlView {
    YamlView::Struct(
        fields
            .iter()
            .filter(|field| field.exported())
            .map(|field| (field.name.to_ascii_lowercase(), (field.value)(object)))
            .collect(),
    )
}

/// BurntSushi's encoder: exported fields under their Go names, unexported ones as gaps.
pub(crate) fn toml_view<T>(object: &T, fields: &[Field<T>]) -> TomlView {
    TomlView::Struct(
        fields.iter().map(|field| field.exported().then(|| (field.name, (field.value)(object)))).collect(),
    )
}

/// `%v` (with `plus`, `%+v`): every field, unexported ones too, in braces.
pub(crate) fn fmt_v<T>(object: &T, fields: &[Field<T>], plus: bool, depth: usize) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|field| {
            let value = format_value(&(field.value)(object), 'v', plus, depth + 1);
            if plus { format!("{}:{value}", field.name) } else { value }
        })
        .collect();
    format!("{{{}}}", parts.join(" "))
}

/// The exported field `name`, as a template reaches it.
pub(crate) fn field<T>(object: &T, fields: &[Field<T>], name: &str) -> Option<Val> {
    let found = fields.iter().find(|field| field.exported() && field.name == name)?;
    Some((found.value)(object))
}

/// Whether `name` is a field of the struct that templates may not reach.
pub(crate) fn unexported_field<T>(fields: &[Field<T>], name: &str) -> bool {
    fields.iter().any(|field| !field.exported() && field.name == name)
}
