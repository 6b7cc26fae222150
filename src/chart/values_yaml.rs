//! The chart's `values.yaml`: every key of the model with its default, documented with the
//! model's doc comments, in the model's order.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::values::schema::values_schema;
use helm_engine::Value;
use helm_engine::{KeyOrder, KeyPath, to_yaml};

/// The commented YAML body (without the file header).
pub fn values_yaml_body() -> String {
    let schema = values_schema();
    let defaults = Value::Map(crate::values::defaults_tree());
    let mut out = String::new();
    write_object(&schema, &defaults, &crate::values::keys_to_set(), 0, &mut out);
    out.trim_end().to_string()
}

fn write_object(schema: &Json, defaults: &Value, unset: &BTreeSet<String>, indent: usize, out: &mut String) {
    let Some(properties) = schema.get("properties").and_then(Json::as_object) else { return };
    for (key, property) in properties {
        let default = defaults.get_path(&KeyPath::root().child_key(key)).cloned().unwrap_or_default();
        if indent == 0 && !out.is_empty() {
            out.push('\n');
        }
        let pad = " ".repeat(indent);
        if let Some(description) = property.get("description").and_then(Json::as_str) {
            for (i, line) in wrap(description, 96 - indent).iter().enumerate() {
                out.push_str(&pad);
                out.push_str(if i == 0 { "# -- " } else { "# " });
                out.push_str(line);
                out.push('\n');
            }
        }
        let key_text = scalar_text(&Value::String(key.clone()));
        if unset.contains(key) {
            out.push_str(&format!("{pad}# {key_text}: {}\n", scalar_text(&default)));
            continue;
        }
        if property.get("properties").is_some() {
            out.push_str(&format!("{pad}{key_text}:\n"));
            write_object(property, &default, &BTreeSet::new(), indent + 2, out);
            continue;
        }
        match &default {
            Value::Map(m) if !m.is_empty() => block(&pad, &key_text, &default, indent, out),
            Value::List(l) if !l.is_empty() => block(&pad, &key_text, &default, indent, out),
            scalar => out.push_str(&format!("{pad}{key_text}: {}\n", scalar_text(scalar))),
        }
    }
}

fn block(pad: &str, key: &str, value: &Value, indent: usize, out: &mut String) {
    out.push_str(&format!("{pad}{key}:\n"));
    let inner = " ".repeat(indent + 2);
    for line in to_yaml(value, KeyOrder::AsGiven).lines() {
        out.push_str(&format!("{inner}{line}\n"));
    }
}

/// A scalar (or empty collection) as go-yaml writes it: `{}`, `[]`, quoted where needed.
fn scalar_text(value: &Value) -> String {
    to_yaml(value, KeyOrder::AsGiven).trim_end_matches('\n').to_string()
}

/// Splits text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use helm_engine::load_yaml_documents;

    #[test]
    fn values_yaml_reads_back_as_the_defaults_but_those_to_set() {
        let text = values_yaml_body();
        let read = load_yaml_documents(&text).unwrap().remove(0).root.unwrap();
        let mut defaults = crate::values::defaults_tree();
        let unset = crate::values::keys_to_set();
        assert_eq!(unset.iter().map(String::as_str).collect::<Vec<_>>(), ["domain", "hostnames", "subnet"]);
        defaults.retain(|key, _| !unset.contains(key));
        assert!(read.semantic_eq(&Value::Map(defaults)), "values.yaml does not hold the defaults:\n{text}");
    }

    #[test]
    fn free_form_defaults_are_written_as_blocks_and_read_back() {
        let schema = serde_json::json!({"properties": {
            "labels": {"type": "object", "description": "Extra labels."},
            "hosts": {"type": "array"},
            "empty": {"type": "object"},
            "port": {"type": "integer"}
        }});
        let defaults = load_yaml_documents("labels: {team: mail}\nhosts: [a, b]\nempty: {}\nport: 25\n")
            .unwrap()
            .remove(0)
            .root
            .unwrap();
        let mut text = String::new();
        write_object(&schema, &defaults, &BTreeSet::new(), 0, &mut text);
        assert_eq!(
            text,
            "# -- Extra labels.\nlabels:\n  team: mail\n\nhosts:\n  - a\n  - b\n\nempty: {}\n\nport: 25\n"
        );
    }

    #[test]
    fn every_key_is_commented() {
        let text = values_yaml_body();
        let flat: String =
            text.lines().filter_map(|l| l.trim_start().strip_prefix('#')).collect::<Vec<_>>().join(" ");
        let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
        for doc in crate::values::reference::key_docs() {
            let start: String = doc.description.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&start), "{} is not documented in values.yaml", doc.key);
        }
    }
}
