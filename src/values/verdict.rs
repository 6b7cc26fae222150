//! A quick yes or no: do the values satisfy `values.schema.json`? Compiling the schema into a
//! full validator costs more than everything else `render` does, and valid values (the common
//! case) need no explanation; so the schema the chart ships is compiled by `build.rs` into
//! static data (an array of nodes) and walked together with the values; its patterns are
//! automata built with the binary (`crate::patterns`). When the answer is no, [`super::validate`] runs the
//! full validator to say what is wrong and where.
//!
//! It understands the keywords the generated schema uses (listed in [`KEYWORDS`]; a test
//! keeps the generated schema within them, and the build refuses any other) and agrees with
//! the full validator on every values file of the test suite and on generated ones.

use helm_engine::{Map, Value, json_schema_equal};
#[cfg(test)]
use serde_json::Value as Json;

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

/// One schema node, keeping only what asserts something; other nodes are named by their
/// index in the array.
#[derive(Debug)]
struct Node {
    reference: Option<usize>,
    kind: Option<Kind>,
    /// Sorted by name.
    properties: &'static [(&'static str, usize)],
    additional: Additional,
    required: &'static [&'static str],
    one_of_values: Option<&'static [Literal]>,
    constant: Option<Literal>,
    pattern: Option<&'static str>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    items: Option<usize>,
    min_items: Option<usize>,
    unique_items: bool,
    min_properties: Option<usize>,
    property_names: Option<usize>,
    all_of: &'static [usize],
    condition: Option<usize>,
    then: Option<usize>,
    not: Option<usize>,
}

impl Node {
    /// The node that asserts nothing, which the generated nodes start from.
    const EMPTY: Node = Node {
        reference: None,
        kind: None,
        properties: &[],
        additional: Additional::Any,
        required: &[],
        one_of_values: None,
        constant: None,
        pattern: None,
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        items: None,
        min_items: None,
        unique_items: false,
        min_properties: None,
        property_names: None,
        all_of: &[],
        condition: None,
        then: None,
        not: None,
    };
}

// The build writes the variants the schema uses; today it has no `null` or `number` types.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Object,
    Array,
    String,
    Boolean,
    Null,
    Number,
    Integer,
}

/// What `additionalProperties` says of keys without a schema of their own.
#[derive(Debug)]
enum Additional {
    Any,
    Deny,
    Node(usize),
}

/// A value of `enum` or `const` (the generated schema compares booleans, numbers and
/// strings only; the build refuses others).
#[allow(dead_code)]
#[derive(Debug)]
enum Literal {
    Bool(bool),
    Number(f64),
    String(&'static str),
}

// `static NODES: [Node; N]`, the root first.
include!(concat!(env!("OUT_DIR"), "/values_schema_nodes.rs"));

/// Whether `values` (merged) satisfy the chart's schema, read as their JSON form
/// ([`Value::to_json`]) would be. `false` means the full validator has something to report;
/// `true` that it has nothing.
pub fn satisfies(values: &Value) -> bool {
    Walker { nodes: &NODES }.check(0, values)
}

struct Walker<'s> {
    nodes: &'s [Node],
}

impl Walker<'_> {
    fn check(&self, index: usize, value: &Value) -> bool {
        let node = &self.nodes[index];
        if let Some(target) = node.reference {
            // Draft-07: `$ref` replaces its siblings.
            return self.check(target, value);
        }
        if let Some(kind) = node.kind
            && !has_type(value, kind)
        {
            return false;
        }
        if let Some(values) = node.one_of_values
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
            Value::String(text) => check_string(node, text),
            Value::List(items) => self.check_list(node, items),
            Value::Map(map) => self.check_map(node, map),
            number => number_of(number).is_none_or(|n| check_number(node, n)),
        };
        fits && self.check_combinations(node, value)
    }

    fn check_combinations(&self, node: &Node, value: &Value) -> bool {
        if !node.all_of.iter().all(|&n| self.check(n, value)) {
            return false;
        }
        if let (Some(condition), Some(then)) = (node.condition, node.then)
            && self.check(condition, value)
            && !self.check(then, value)
        {
            return false;
        }
        if let Some(not) = node.not
            && self.check(not, value)
        {
            return false;
        }
        true
    }

    fn check_list(&self, node: &Node, items: &[Value]) -> bool {
        if node.min_items.is_some_and(|min| items.len() < min) {
            return false;
        }
        if node.unique_items {
            // Compared as the JSON the full validator sees; such lists are short.
            let items: Vec<_> = items.iter().map(Value::to_json).collect();
            if items.iter().enumerate().any(|(i, a)| items[..i].iter().any(|b| json_schema_equal(a, b))) {
                return false;
            }
        }
        match node.items {
            Some(schema) => items.iter().all(|item| self.check(schema, item)),
            None => true,
        }
    }

    fn check_map(&self, node: &Node, map: &Map) -> bool {
        if node.min_properties.is_some_and(|min| map.len() < min) {
            return false;
        }
        if !node.required.iter().all(|key| map.contains_key(*key)) {
            return false;
        }
        if let Some(names) = node.property_names
            && !map.keys().all(|key| self.check(names, &Value::String(key.clone())))
        {
            return false;
        }
        map.iter().all(|(key, value)| {
            match node.properties.binary_search_by(|(name, _)| (*name).cmp(key.as_str())) {
                Ok(found) => self.check(node.properties[found].1, value),
                Err(_) => match node.additional {
                    Additional::Any => true,
                    Additional::Deny => false,
                    Additional::Node(schema) => self.check(schema, value),
                },
            }
        })
    }
}

fn check_string(node: &Node, text: &str) -> bool {
    let length = text.chars().count();
    node.min_length.is_none_or(|min| length >= min)
        && node.max_length.is_none_or(|max| length <= max)
        // A pattern that does not compile here is left to the full validator.
        && node.pattern.is_none_or(|p| crate::patterns::is_match(p, text).unwrap_or(true))
}

fn check_number(node: &Node, number: f64) -> bool {
    node.minimum.is_none_or(|min| number >= min) && node.maximum.is_none_or(|max| number <= max)
}

/// The number a value is in JSON; NaN and the infinities have no JSON form and become null.
fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

fn has_type(value: &Value, kind: Kind) -> bool {
    match kind {
        Kind::Object => matches!(value, Value::Map(_)),
        Kind::Array => matches!(value, Value::List(_)),
        Kind::String => matches!(value, Value::String(_)),
        Kind::Boolean => matches!(value, Value::Bool(_)),
        Kind::Null => matches!(value, Value::Null) || matches!(value, Value::Float(f) if !f.is_finite()),
        Kind::Number => number_of(value).is_some(),
        // Draft-07 counts 1.0 as an integer.
        Kind::Integer => number_of(value).is_some_and(|f| f.fract() == 0.0),
    }
}

/// [`json_schema_equal`] for a literal of the schema and a value.
fn same(literal: &Literal, value: &Value) -> bool {
    match (literal, value) {
        (Literal::Bool(a), Value::Bool(b)) => a == b,
        (Literal::Number(a), number) => number_of(number) == Some(*a),
        (Literal::String(a), Value::String(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keywords that annotate and assert nothing.
    const ANNOTATIONS: &[&str] =
        &["$schema", "default", "description", "format", "title", "x-kubernetes-int-or-string"];

    #[test]
    fn the_compiled_schema_is_the_shipped_one() {
        let shipped: Json = serde_json::from_str(include_str!("../../chart-out/values.schema.json")).unwrap();
        assert!(
            shipped == super::super::schema::values_schema(),
            "chart-out/values.schema.json is stale: run `mailu-chart export chart-out`"
        );
        /// The schema nodes of a schema, itself included.
        fn count(schema: &Json) -> usize {
            let Some(object) = schema.as_object() else { return 0 };
            1 + object
                .iter()
                .map(|(keyword, value)| match keyword.as_str() {
                    "properties" | "definitions" => {
                        value.as_object().into_iter().flatten().map(|(_, c)| count(c)).sum()
                    }
                    "allOf" => value.as_array().into_iter().flatten().map(count).sum(),
                    "items" | "additionalProperties" | "propertyNames" | "if" | "then" | "not" => {
                        count(value)
                    }
                    _ => 0,
                })
                .sum::<usize>()
        }
        assert_eq!(NODES.len(), count(&shipped));
        let root = &NODES[0];
        assert!(root.properties.is_sorted_by_key(|(name, _)| *name));
        assert_eq!(root.properties.len(), shipped["properties"].as_object().unwrap().len());
        let subnet = root.properties.iter().find(|(name, _)| *name == "subnet").unwrap().1;
        assert_eq!(
            NODES[subnet].pattern,
            shipped.pointer("/properties/subnet/pattern").and_then(Json::as_str)
        );
        assert_eq!(root.all_of.len(), shipped["allOf"].as_array().unwrap().len());
        assert!(matches!(root.additional, Additional::Deny));
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
        const SMALL: [Node; 3] = [
            Node {
                kind: Some(Kind::Object),
                properties: &[("a", 1), ("b", 2)],
                additional: Additional::Deny,
                required: &["a"],
                ..Node::EMPTY
            },
            Node { kind: Some(Kind::Integer), minimum: Some(1.0), ..Node::EMPTY },
            Node { kind: Some(Kind::String), pattern: Some("^x+$"), ..Node::EMPTY },
        ];
        let walker = Walker { nodes: &SMALL };
        let ok = |text: &str| walker.check(0, &Value::from_json(&serde_json::from_str(text).unwrap(), true));
        assert!(ok(r#"{"a":1}"#));
        assert!(ok(r#"{"a":2.0,"b":"xx"}"#));
        assert!(!ok(r#"{"a":0}"#));
        assert!(!ok(r#"{"a":1.5}"#));
        assert!(!ok(r#"{"b":"x"}"#));
        assert!(!ok(r#"{"a":1,"b":"z"}"#));
        assert!(!ok(r#"{"a":1,"c":1}"#));
        assert!(!ok(r#"[]"#));
    }

    #[test]
    fn lists_and_literals_compare_numbers_by_value() {
        const LISTS: [Node; 2] = [
            Node { kind: Some(Kind::Array), unique_items: true, items: Some(1), ..Node::EMPTY },
            Node { one_of_values: Some(&[Literal::Number(1.0), Literal::String("x")]), ..Node::EMPTY },
        ];
        let walker = Walker { nodes: &LISTS };
        let ok = |text: &str| walker.check(0, &Value::from_json(&serde_json::from_str(text).unwrap(), true));
        assert!(ok(r#"[1, "x"]"#));
        assert!(!ok(r#"[1, 1.0]"#), "1 and 1.0 are the same item");
        assert!(!ok(r#"[2]"#));
        assert!(!ok(r#"[null]"#));
    }
}
