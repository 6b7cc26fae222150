//! A quick yes or no: do the values satisfy `values.schema.json`? Compiling the schema into a
//! full validator costs more than everything else `render` does, and valid values (the common
//! case) need no explanation; so the schema the chart ships, embedded in the binary, is read
//! lazily and walked together with the values, and only the patterns a value actually meets
//! are compiled. When the answer is no, [`super::validate`] runs the full validator to say
//! what is wrong and where.
//!
//! It understands the keywords the generated schema uses (listed in [`KEYWORDS`]; a test
//! keeps the generated schema within them) and agrees with the full validator on every
//! values file of the test suite and on generated ones.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value as Json;

/// The schema as the exported chart ships it, without its annotations (see `build.rs`); a
/// test keeps the shipped schema equal to the generated one.
const SCHEMA_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/values.schema.min.json"));

/// The keywords [`satisfies`] evaluates. Annotations (`description`, `default`, `title`,
/// `$schema`, `format` with the integer widths schemars writes, `x-kubernetes-*`) assert
/// nothing and are skipped.
pub const KEYWORDS: &[&str] = &[
    "$ref",
    "additionalProperties",
    "allOf",
    "const",
    "definitions",
    "enum",
    "if",
    "items",
    "maxLength",
    "maximum",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "not",
    "pattern",
    "properties",
    "propertyNames",
    "required",
    "then",
    "type",
    "uniqueItems",
];

/// One schema node, keeping only what asserts something.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    #[serde(rename = "$ref")]
    reference: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    properties: Option<HashMap<String, Node>>,
    additional_properties: Option<BoolOrNode>,
    required: Option<Vec<String>>,
    #[serde(rename = "enum")]
    one_of_values: Option<Vec<Json>>,
    #[serde(rename = "const")]
    constant: Option<Json>,
    pattern: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    items: Option<Box<Node>>,
    min_items: Option<usize>,
    unique_items: Option<bool>,
    min_properties: Option<usize>,
    property_names: Option<Box<Node>>,
    all_of: Option<Vec<Node>>,
    #[serde(rename = "if")]
    condition: Option<Box<Node>>,
    then: Option<Box<Node>>,
    not: Option<Box<Node>>,
    definitions: Option<HashMap<String, Node>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum BoolOrNode {
    Bool(bool),
    Node(Box<Node>),
}

/// The embedded schema; `None` if it has a shape this walker does not read, and then every
/// answer is left to the full validator.
static ROOT: LazyLock<Option<Node>> = LazyLock::new(|| serde_json::from_str(SCHEMA_TEXT).ok());

/// Whether `text` matches; a pattern that does not compile here is left to the full validator.
fn matches(pattern: &str, text: &str) -> bool {
    crate::patterns::is_match(pattern, text).unwrap_or(true)
}

/// Whether `values` (merged, as JSON) satisfy the chart's schema. `false` means the full
/// validator has something to report; `true` that it has nothing.
pub fn satisfies(values: &Json) -> bool {
    match &*ROOT {
        Some(root) => Walker { root }.check(root, values),
        None => false,
    }
}

struct Walker<'s> {
    root: &'s Node,
}

impl<'s> Walker<'s> {
    fn resolve(&self, reference: &str) -> Option<&'s Node> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.root.definitions.as_ref()?.get(name)
    }

    fn check(&self, node: &'s Node, value: &Json) -> bool {
        if let Some(reference) = &node.reference {
            // Draft-07: `$ref` replaces its siblings.
            return match self.resolve(reference) {
                Some(target) => self.check(target, value),
                None => false,
            };
        }
        if let Some(kind) = &node.kind
            && !has_type(value, kind)
        {
            return false;
        }
        if let Some(values) = &node.one_of_values
            && !values.iter().any(|v| same(v, value))
        {
            return false;
        }
        if let Some(constant) = &node.constant
            && !same(constant, value)
        {
            return false;
        }
        let fits = match value {
            Json::String(text) => self.check_string(node, text),
            Json::Number(number) => check_number(node, number.as_f64().unwrap_or(f64::NAN)),
            Json::Array(items) => self.check_list(node, items),
            Json::Object(map) => self.check_map(node, map),
            Json::Null | Json::Bool(_) => true,
        };
        fits && self.check_combinations(node, value)
    }

    fn check_combinations(&self, node: &'s Node, value: &Json) -> bool {
        if let Some(all) = &node.all_of
            && !all.iter().all(|n| self.check(n, value))
        {
            return false;
        }
        if let (Some(condition), Some(then)) = (&node.condition, &node.then)
            && self.check(condition, value)
            && !self.check(then, value)
        {
            return false;
        }
        if let Some(not) = &node.not
            && self.check(not, value)
        {
            return false;
        }
        true
    }

    fn check_string(&self, node: &Node, text: &str) -> bool {
        let length = text.chars().count();
        node.min_length.is_none_or(|min| length >= min)
            && node.max_length.is_none_or(|max| length <= max)
            && node.pattern.as_deref().is_none_or(|p| matches(p, text))
    }

    fn check_list(&self, node: &'s Node, items: &[Json]) -> bool {
        if node.min_items.is_some_and(|min| items.len() < min) {
            return false;
        }
        if node.unique_items == Some(true)
            && items.iter().enumerate().any(|(i, a)| items[..i].iter().any(|b| same(a, b)))
        {
            return false;
        }
        match &node.items {
            Some(schema) => items.iter().all(|item| self.check(schema, item)),
            None => true,
        }
    }

    fn check_map(&self, node: &'s Node, map: &serde_json::Map<String, Json>) -> bool {
        if node.min_properties.is_some_and(|min| map.len() < min) {
            return false;
        }
        if let Some(required) = &node.required
            && !required.iter().all(|key| map.contains_key(key))
        {
            return false;
        }
        if let Some(names) = &node.property_names
            && !map.keys().all(|key| self.check(names, &Json::String(key.clone())))
        {
            return false;
        }
        map.iter().all(|(key, value)| match node.properties.as_ref().and_then(|p| p.get(key)) {
            Some(schema) => self.check(schema, value),
            None => match &node.additional_properties {
                None | Some(BoolOrNode::Bool(true)) => true,
                Some(BoolOrNode::Bool(false)) => false,
                Some(BoolOrNode::Node(schema)) => self.check(schema, value),
            },
        })
    }
}

fn check_number(node: &Node, number: f64) -> bool {
    node.minimum.is_none_or(|min| number >= min) && node.maximum.is_none_or(|max| number <= max)
}

fn has_type(value: &Json, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // Draft-07 counts 1.0 as an integer.
        "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

/// JSON equality as JSON Schema defines it: numbers by value.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keywords that annotate and assert nothing.
    const ANNOTATIONS: &[&str] =
        &["$schema", "default", "description", "format", "title", "x-kubernetes-int-or-string"];

    #[test]
    fn the_embedded_schema_comes_from_the_generated_one_and_parses() {
        let shipped: Json = serde_json::from_str(include_str!("../../chart-out/values.schema.json")).unwrap();
        assert!(
            shipped == super::super::schema::values_schema(),
            "chart-out/values.schema.json is stale: run `mailu-chart export chart-out`"
        );
        assert!(ROOT.is_some());
        // Only annotations were dropped: every assertion of the shipped schema is there.
        let embedded: Json = serde_json::from_str(SCHEMA_TEXT).unwrap();
        assert!(SCHEMA_TEXT.len() * 3 < include_str!("../../chart-out/values.schema.json").len());
        assert_eq!(
            embedded.pointer("/properties/subnet/pattern"),
            shipped.pointer("/properties/subnet/pattern")
        );
        assert_eq!(embedded["allOf"], shipped["allOf"]);
    }

    #[test]
    fn the_generated_schema_uses_only_keywords_the_verdict_evaluates() {
        fn walk(schema: &Json, at: &str, unknown: &mut Vec<String>) {
            let Some(object) = schema.as_object() else { return };
            for (keyword, value) in object {
                let here = format!("{at}/{keyword}");
                match keyword.as_str() {
                    "properties" | "definitions" => {
                        for (name, child) in value.as_object().into_iter().flatten() {
                            walk(child, &format!("{here}/{name}"), unknown);
                        }
                    }
                    "allOf" => {
                        for (i, child) in value.as_array().into_iter().flatten().enumerate() {
                            walk(child, &format!("{here}/{i}"), unknown);
                        }
                    }
                    "items" | "additionalProperties" | "propertyNames" | "if" | "then" | "not" => {
                        walk(value, &here, unknown)
                    }
                    k if KEYWORDS.contains(&k) || ANNOTATIONS.contains(&k) => {}
                    _ => unknown.push(here),
                }
            }
            // `type` is one name: the walker reads no lists of types.
            if let Some(kind) = object.get("type") {
                assert!(kind.is_string(), "{at}/type is {kind}");
            }
            if let Some(format) = object.get("format").and_then(Json::as_str) {
                // Integer widths assert nothing in draft-07 (unknown formats are ignored); the
                // bounds come with `minimum` and `maximum` where they matter.
                assert!(
                    ["int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint"].contains(&format),
                    "{at}"
                );
            }
        }
        let mut unknown = Vec::new();
        walk(&super::super::schema::values_schema(), "", &mut unknown);
        assert!(unknown.is_empty(), "keywords the verdict does not evaluate: {unknown:?}");
    }

    #[test]
    fn small_cases() {
        let node: Node = serde_json::from_str(
            r#"{"type":"object","additionalProperties":false,"required":["a"],
                "properties":{"a":{"type":"integer","minimum":1},"b":{"type":"string","pattern":"^x+$"}}}"#,
        )
        .unwrap();
        let walker = Walker { root: &node };
        let ok = |text: &str| walker.check(&node, &serde_json::from_str(text).unwrap());
        assert!(ok(r#"{"a":1}"#));
        assert!(ok(r#"{"a":2.0,"b":"xx"}"#));
        assert!(!ok(r#"{"a":0}"#));
        assert!(!ok(r#"{"a":1.5}"#));
        assert!(!ok(r#"{"b":"x"}"#));
        assert!(!ok(r#"{"a":1,"b":"y"}"#));
        assert!(!ok(r#"{"a":1,"c":1}"#));
        assert!(!ok(r#"[]"#));
    }
}
