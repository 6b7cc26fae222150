//! A quick yes or no: do the values satisfy `values.schema.json`? Compiling the schema into a
//! full validator costs more than everything else `render` does, and valid values (the common
//! case) need no explanation; so the schema the chart ships is compiled by `build.rs` into
//! static data (an array of nodes) and walked together with the values by the engine's walk
//! (`helm_engine::verdict`, which `template` uses for charts' own schemas); its patterns are
//! automata built with the binary (`crate::patterns`). When the answer is not a sure yes,
//! [`super::validate`] runs the full validator to say what is wrong and where.
//!
//! The nodes hold the keywords the generated schema uses (listed in [`KEYWORDS`]; a test
//! keeps the generated schema within them, and the build refuses any other), and the verdict
//! agrees with the full validator on every values file of the test suite and on generated ones.

use helm_engine::{
    Applicator, Bounds, Condition, Counts, Schema, Types, Value, Verdict, exact_number, verdict,
};
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
    "maxItems",
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
    max_items: Option<usize>,
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
        max_items: None,
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
/// ([`Value::to_json`]) would be. `false` means the full validator must look: it has something
/// to report, or the walk could not tell (a number too large to compare exactly).
pub fn satisfies(values: &Value) -> bool {
    verdict(&Compiled(&NODES), values) == Verdict::Valid
}

/// The schema as compiled into the program: nodes named by their index, the root first.
struct Compiled<'s>(&'s [Node]);

impl Compiled<'_> {
    fn node(&self, index: usize) -> &Node {
        &self.0[index]
    }
}

impl Schema for Compiled<'_> {
    type Node = usize;

    fn root(&self) -> usize {
        0
    }

    fn ref_replaces_siblings(&self) -> bool {
        // Draft-07.
        true
    }

    fn understood(&self, _: usize) -> bool {
        // The build refuses every keyword the walk does not evaluate.
        true
    }

    fn reference(&self, node: usize) -> Option<usize> {
        self.node(node).reference
    }

    fn types(&self, node: usize) -> Option<Types> {
        self.node(node).kind.map(|kind| match kind {
            Kind::Object => Types::OBJECT,
            Kind::Array => Types::ARRAY,
            Kind::String => Types::STRING,
            Kind::Boolean => Types::BOOLEAN,
            Kind::Null => Types::NULL,
            Kind::Number => Types::NUMBER,
            Kind::Integer => Types::INTEGER,
        })
    }

    fn literals(&self, node: usize, value: &Value) -> Verdict {
        let node = self.node(node);
        if node.one_of_values.is_none() && node.constant.is_none() {
            return Verdict::Valid;
        }
        if matches!(value, Value::Int(_) | Value::Float(_)) && exact_number(value).is_none() {
            return Verdict::Unsure;
        }
        Verdict::from(
            node.one_of_values.is_none_or(|options| options.iter().any(|o| same(o, value)))
                && node.constant.as_ref().is_none_or(|c| same(c, value)),
        )
    }

    fn property(&self, node: usize, key: &str) -> Option<usize> {
        let properties = self.node(node).properties;
        properties.binary_search_by(|(name, _)| (*name).cmp(key)).ok().map(|found| properties[found].1)
    }

    fn additional(&self, node: usize) -> helm_engine::Additional<usize> {
        match self.node(node).additional {
            Additional::Any => helm_engine::Additional::Any,
            Additional::Deny => helm_engine::Additional::Deny,
            Additional::Node(schema) => helm_engine::Additional::Node(schema),
        }
    }

    fn required(&self, node: usize) -> impl Iterator<Item = &str> {
        self.node(node).required.iter().copied()
    }

    fn property_names(&self, node: usize) -> Option<usize> {
        self.node(node).property_names
    }

    fn property_counts(&self, node: usize) -> Counts {
        Counts { min: self.node(node).min_properties.map(|n| n as u64), max: None }
    }

    fn items(&self, node: usize) -> Option<usize> {
        self.node(node).items
    }

    fn item_counts(&self, node: usize) -> Counts {
        let node = self.node(node);
        Counts { min: node.min_items.map(|n| n as u64), max: node.max_items.map(|n| n as u64) }
    }

    fn unique_items(&self, node: usize) -> bool {
        self.node(node).unique_items
    }

    fn lengths(&self, node: usize) -> Counts {
        let node = self.node(node);
        Counts { min: node.min_length.map(|n| n as u64), max: node.max_length.map(|n| n as u64) }
    }

    fn pattern(&self, node: usize) -> Option<&str> {
        self.node(node).pattern
    }

    fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        crate::patterns::is_match(pattern, text)
    }

    fn bounds(&self, node: usize) -> Bounds {
        let node = self.node(node);
        Bounds { minimum: node.minimum, maximum: node.maximum, ..Bounds::default() }
    }

    fn subschemas(&self, node: usize, which: Applicator) -> impl Iterator<Item = usize> {
        let all_of = match which {
            Applicator::AllOf => self.node(node).all_of,
            Applicator::AnyOf | Applicator::OneOf => &[],
        };
        all_of.iter().copied()
    }

    fn condition(&self, node: usize) -> Option<Condition<usize>> {
        let node = self.node(node);
        node.condition.map(|when| Condition { when, then: node.then, otherwise: None })
    }

    fn negated(&self, node: usize) -> Option<usize> {
        self.node(node).not
    }
}

/// Schema equality of a literal of the schema and a value (numbers by value).
fn same(literal: &Literal, value: &Value) -> bool {
    match (literal, value) {
        (Literal::Bool(a), Value::Bool(b)) => a == b,
        (Literal::Number(a), number) => exact_number(number) == Some(*a),
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
        let ok = |text: &str| {
            verdict(&Compiled(&SMALL), &Value::from_json(&serde_json::from_str(text).unwrap(), true))
                == Verdict::Valid
        };
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
        let ok = |text: &str| {
            verdict(&Compiled(&LISTS), &Value::from_json(&serde_json::from_str(text).unwrap(), true))
                == Verdict::Valid
        };
        assert!(ok(r#"[1, "x"]"#));
        assert!(!ok(r#"[1, 1.0]"#), "1 and 1.0 are the same item");
        assert!(!ok(r#"[2]"#));
        assert!(!ok(r#"[null]"#));
    }
}
