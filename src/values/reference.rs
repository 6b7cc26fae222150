//! The values reference: one row per key with its type, default and description, taken from
//! the generated schema (and so from the model's doc comments). The README and the exported
//! chart's README both show it.

use serde_json::Value as Json;

use super::schema::values_schema;

/// One documented key.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyDoc {
    /// Dotted path, like `database.postgresql.host`.
    pub key: String,
    /// Type in words, like `string`, `integer`, `list of Toleration`.
    pub kind: String,
    /// The default as compact JSON.
    pub default: String,
    pub description: String,
}

/// Every key of the values model, in model order. Objects with fixed keys are expanded;
/// free-form maps and lists are one row each.
pub fn key_docs() -> Vec<KeyDoc> {
    let schema = values_schema();
    let mut docs = Vec::new();
    walk(&schema, &schema, "", &mut docs);
    // The keys to set have no default worth naming: the chart's values.yaml leaves them out.
    let to_set = super::keys_to_set();
    for doc in docs.iter_mut().filter(|doc| to_set.contains(&doc.key)) {
        doc.default.clear();
    }
    docs
}

fn walk(root: &Json, schema: &Json, prefix: &str, docs: &mut Vec<KeyDoc>) {
    let Some(properties) = schema.get("properties").and_then(Json::as_object) else { return };
    for (key, property) in properties {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        if property.get("properties").is_some() {
            walk(root, property, &path, docs);
            continue;
        }
        docs.push(KeyDoc {
            key: path,
            kind: kind_of(root, property),
            default: property.get("default").map(compact).unwrap_or_default(),
            description: property
                .get("description")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
}

fn definition_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference).rsplit('.').next().unwrap_or(reference)
}

fn kind_of(root: &Json, schema: &Json) -> String {
    if let Some([single]) = schema.get("allOf").and_then(Json::as_array).map(Vec::as_slice) {
        return kind_of(root, single);
    }
    // One kind or another, each with its own checks (`if` kind `then` checks).
    if let Some(branches) = schema.get("allOf").and_then(Json::as_array)
        && branches.iter().all(|branch| branch.get("if").is_some())
    {
        let kinds: Vec<String> =
            branches.iter().filter_map(|branch| branch.get("then")).map(|then| kind_of(root, then)).collect();
        return kinds.join(" or ");
    }
    if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
        let target = root.pointer(reference.trim_start_matches('#'));
        if let Some(options) = target.and_then(|t| t.get("enum")).and_then(Json::as_array) {
            return enum_words(options);
        }
        return definition_name(reference).to_string();
    }
    if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        return enum_words(options);
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("array") => {
            format!("list of {}", schema.get("items").map_or("any".into(), |i| kind_of(root, i)))
        }
        Some("object") => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => format!("map of {}", kind_of(root, values)),
            _ => "map".into(),
        },
        Some(other) => other.to_string(),
        None => "any".into(),
    }
}

fn enum_words(options: &[Json]) -> String {
    options.iter().map(compact).collect::<Vec<_>>().join(" \\| ")
}

fn compact(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The reference as a Markdown table.
pub fn markdown_table() -> String {
    let mut out = String::from("| Key | Type | Default | Description |\n|---|---|---|---|\n");
    for doc in key_docs() {
        let default = if doc.default.is_empty() { String::new() } else { format!("`{}`", doc.default) };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            doc.key,
            doc.kind,
            default.replace('|', "\\|"),
            doc.description.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_key_is_documented() {
        let docs = key_docs();
        assert!(docs.iter().any(|d| d.key == "database.postgresql.host" && d.kind == "string"));
        assert!(docs.iter().any(|d| d.key == "logLevel" && d.kind.contains("\"WARNING\"")));
        assert!(docs.iter().any(|d| d.key == "dovecot.persistence.size" && d.default == "\"50Gi\""));
        assert!(docs.iter().any(|d| d.key == "admin.tolerations" && d.kind == "list of Toleration"));
        for doc in &docs {
            assert!(!doc.description.is_empty(), "{} has no description", doc.key);
        }
    }
}
