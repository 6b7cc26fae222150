//! `Chart.yaml`, `requirements.yaml` and the lock files decoded as Helm decodes them:
//! sigs.k8s.io/yaml turns the YAML into JSON, whose object keys come out sorted, and Go's
//! `encoding/json` decodes that into Helm's structs. So a key matches its field whatever
//! its case; of several values of the wrong type, the first in key order is the error;
//! `null` leaves a string or a boolean as it was and empties a list or a map; and decoding
//! into metadata already read (`requirements.yaml` after `Chart.yaml`) merges: each item of
//! a list is decoded into the item already at its place.

use std::collections::BTreeMap;

use super::chart::{Dependency, Maintainer, Metadata};
use super::{go_string, json_kind};
use crate::value::{Map, Value};

/// The metadata as decoding leaves it, before the checks of loading: list items may be
/// `null`, which the checks refuse.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawMetadata {
    fields: Metadata,
    maintainers: Vec<Option<Maintainer>>,
    dependencies: Vec<Option<Dependency>>,
}

impl RawMetadata {
    /// Decodes a document (the first of `data`) over what is already there; the error is
    /// the text after `cannot load <file>: `.
    pub(crate) fn decode(&mut self, data: &[u8]) -> Result<(), String> {
        match root_of(data)? {
            Value::Map(map) => self.decode_map(&map),
            Value::Null => Ok(()),
            other => Err(value_type_error(&other, "v2.Metadata")),
        }
    }

    /// Decodes the fields of one map (a Chart.yaml's, or a repository index entry's).
    pub(crate) fn decode_map(&mut self, map: &Map) -> Result<(), String> {
        let md = &mut self.fields;
        for (field, value) in fields_in_decoding_order(map, METADATA_FIELDS) {
            let path = format!("Metadata.{field}");
            match field {
                "name" => string_into(&mut md.name, value, &path)?,
                "home" => string_into(&mut md.home, value, &path)?,
                "sources" => strings_into(&mut md.sources, value, &path)?,
                "version" => string_into(&mut md.version, value, &path)?,
                "description" => string_into(&mut md.description, value, &path)?,
                "keywords" => strings_into(&mut md.keywords, value, &path)?,
                "maintainers" => {
                    items_into(&mut self.maintainers, value, &path, "v2.Maintainer", maintainer_into)?
                }
                "icon" => string_into(&mut md.icon, value, &path)?,
                "apiVersion" => string_into(&mut md.api_version, value, &path)?,
                "condition" => string_into(&mut md.condition, value, &path)?,
                "tags" => string_into(&mut md.tags, value, &path)?,
                "appVersion" => string_into(&mut md.app_version, value, &path)?,
                "deprecated" => bool_into(&mut md.deprecated, value, &path)?,
                "annotations" => annotations_into(&mut md.annotations, value, &path)?,
                "kubeVersion" => string_into(&mut md.kube_version, value, &path)?,
                "dependencies" => {
                    items_into(&mut self.dependencies, value, &path, "v2.Dependency", dependency_into)?
                }
                _ => string_into(&mut md.chart_type, value, &path)?,
            }
        }
        Ok(())
    }

    /// The `apiVersion` decoded so far.
    pub(crate) fn api_version(&self) -> &str {
        &self.fields.api_version
    }

    /// Sets `apiVersion` (Helm takes a chart without one for a `v1` chart).
    pub(crate) fn set_api_version(&mut self, version: &str) {
        self.fields.api_version = version.to_string();
    }

    /// The metadata, with where the checks find a `null` item.
    pub(crate) fn finish(self) -> Metadata {
        let mut md = self.fields;
        md.null_maintainer = self.maintainers.iter().any(Option::is_none);
        md.null_dependency = self.dependencies.iter().position(Option::is_none);
        md.maintainers = self.maintainers.into_iter().flatten().collect();
        md.dependencies = self.dependencies.into_iter().flatten().collect();
        md
    }
}

/// A Chart.yaml's `apiVersion`, decoded alone as Helm 4 decodes it to choose its loader.
pub(crate) fn api_version(data: &[u8]) -> Result<String, String> {
    let mut version = String::new();
    match root_of(data)? {
        Value::Map(map) => {
            for (_, value) in fields_in_decoding_order(&map, &["apiVersion"]) {
                string_into(&mut version, value, "chartBase.apiVersion")?;
            }
        }
        Value::Null => {}
        other => return Err(value_type_error(&other, "loader.chartBase")),
    }
    Ok(version)
}

/// `Chart.lock` or `requirements.lock` decoded as Helm decodes them (Helm keeps them but
/// `helm template` uses nothing in them): the error is the text after `cannot load <file>: `.
pub(crate) fn check_lock(data: &[u8]) -> Result<(), String> {
    let map = match root_of(data)? {
        Value::Map(map) => map,
        Value::Null => return Ok(()),
        other => return Err(value_type_error(&other, "v2.Lock")),
    };
    let mut dependencies = Vec::new();
    // Go keeps the first value of the wrong type and goes on; `time.Time`'s own error ends
    // decoding at once, and wins.
    let mut first_wrong_type = None;
    for (field, value) in fields_in_decoding_order(&map, LOCK_FIELDS) {
        let path = format!("Lock.{field}");
        let wrong_type = match field {
            "generated" => {
                check_time(value)?;
                Ok(())
            }
            "digest" => string_into(&mut String::new(), value, &path),
            _ => items_into(&mut dependencies, value, &path, "v2.Dependency", dependency_into),
        };
        if let Err(error) = wrong_type {
            first_wrong_type.get_or_insert(error);
        }
    }
    first_wrong_type.map_or(Ok(()), Err)
}

/// The fields of Helm's chart metadata (`Chart.yaml`), those of a lock file, a maintainer
/// and a dependency.
pub(crate) const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

const LOCK_FIELDS: &[&str] = &["generated", "digest", "dependencies"];

pub(crate) const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];

pub(crate) const DEPENDENCY_FIELDS: &[&str] =
    &["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"];

/// The document's root, or go-yaml's complaint. Bytes that are not UTF-8 are kept for the
/// YAML reader to refuse as go-yaml does.
fn root_of(data: &[u8]) -> Result<Value, String> {
    let text = crate::strconv::go_string_of(data);
    let first = crate::yaml::load_first_yaml_document(&text)
        .map_err(|e| format!("error converting YAML to JSON: {}", e.go_yaml_text()))?;
    Ok(first.and_then(|d| d.root).unwrap_or(Value::Null))
}

/// The fields a map's keys set, in the order JSON decoding meets them (the keys sorted), each
/// key matched to its field exactly, else ignoring case as Go does.
fn fields_in_decoding_order<'m>(map: &'m Map, fields: &[&'static str]) -> Vec<(&'static str, &'m Value)> {
    entries_in_key_order(map)
        .into_iter()
        .filter_map(|(key, value)| {
            let exact = fields.iter().find(|field| **field == key.as_str());
            let field = exact.or_else(|| fields.iter().find(|field| same_when_folded(key, field)))?;
            Some((*field, value))
        })
        .collect()
}

/// Whether a key names an (ASCII) field as Go's JSON decoder folds case: letters in any case,
/// and the two other characters whose case folds to an ASCII letter, the long s (`ſ`) and
/// the Kelvin sign (`K`).
fn same_when_folded(key: &str, field: &str) -> bool {
    let folded = key.chars().map(|c| match c {
        '\u{17f}' => 's',
        '\u{212a}' => 'k',
        c => c.to_ascii_lowercase(),
    });
    folded.eq(field.chars().map(|c| c.to_ascii_lowercase()))
}

/// Go's words for a value of the wrong type in a struct's field.
fn type_error(field: &str, value: &Value, want: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {field} of type {want}",
        json_kind(value)
    )
}

/// Go's words for a document that is not the struct's map.
fn value_type_error(value: &Value, want: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {want}",
        json_kind(value)
    )
}

fn string_into(slot: &mut String, value: &Value, field: &str) -> Result<(), String> {
    if !matches!(value, Value::Null) {
        *slot = go_string(value).ok_or_else(|| type_error(field, value, "string"))?;
    }
    Ok(())
}

fn bool_into(slot: &mut bool, value: &Value, field: &str) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::Bool(b) => {
            *slot = *b;
            Ok(())
        }
        other => Err(type_error(field, other, "bool")),
    }
}

fn strings_into(slot: &mut Vec<String>, value: &Value, field: &str) -> Result<(), String> {
    match value {
        Value::Null => slot.clear(),
        Value::List(items) => {
            slot.resize(items.len(), String::new());
            for (item, at) in items.iter().zip(slot.iter_mut()) {
                string_into(at, item, field)?;
            }
        }
        other => return Err(type_error(field, other, "[]string")),
    }
    Ok(())
}

fn annotations_into(
    slot: &mut Option<BTreeMap<String, String>>,
    value: &Value,
    field: &str,
) -> Result<(), String> {
    match value {
        Value::Null => *slot = None,
        Value::Map(map) => {
            let annotations = slot.get_or_insert_default();
            for (key, item) in entries_in_key_order(map) {
                let text = go_string(item).ok_or_else(|| type_error(field, item, "string"))?;
                annotations.insert(key.clone(), text);
            }
        }
        other => return Err(type_error(field, other, "map[string]string")),
    }
    Ok(())
}

/// A map's entries in the order of their keys' bytes, as JSON has them after sigs.k8s.io/yaml.
fn entries_in_key_order(map: &Map) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(key, _)| key.as_bytes());
    entries
}

/// A list of structs (`[]*T`): a `null` item is a nil pointer; a map is decoded into the
/// item already at its place, if any.
fn items_into<T: Default>(
    slot: &mut Vec<Option<T>>,
    value: &Value,
    field: &str,
    item_type: &str,
    decode: fn(&mut T, &Map) -> Result<(), String>,
) -> Result<(), String> {
    match value {
        Value::Null => slot.clear(),
        Value::List(items) => {
            slot.resize_with(items.len(), || None);
            for (item, at) in items.iter().zip(slot.iter_mut()) {
                match item {
                    Value::Null => *at = None,
                    Value::Map(map) => decode(at.get_or_insert_default(), map)?,
                    other => return Err(type_error(field, other, item_type)),
                }
            }
        }
        other => return Err(type_error(field, other, &format!("[]*{item_type}"))),
    }
    Ok(())
}

fn maintainer_into(m: &mut Maintainer, map: &Map) -> Result<(), String> {
    for (field, value) in fields_in_decoding_order(map, MAINTAINER_FIELDS) {
        let path = format!("Maintainer.maintainers.{field}");
        match field {
            "name" => string_into(&mut m.name, value, &path)?,
            "email" => string_into(&mut m.email, value, &path)?,
            _ => string_into(&mut m.url, value, &path)?,
        }
    }
    Ok(())
}

fn dependency_into(d: &mut Dependency, map: &Map) -> Result<(), String> {
    for (field, value) in fields_in_decoding_order(map, DEPENDENCY_FIELDS) {
        let path = format!("Dependency.dependencies.{field}");
        match field {
            "name" => string_into(&mut d.name, value, &path)?,
            "version" => string_into(&mut d.version, value, &path)?,
            "repository" => string_into(&mut d.repository, value, &path)?,
            "condition" => string_into(&mut d.condition, value, &path)?,
            "tags" => strings_into(&mut d.tags, value, &path)?,
            "enabled" => bool_into(&mut d.enabled, value, &path)?,
            "import-values" => match value {
                Value::Null => d.import_values.clear(),
                Value::List(items) => d.import_values = items.clone(),
                other => return Err(type_error(&path, other, "[]interface {}")),
            },
            _ => string_into(&mut d.alias, value, &path)?,
        }
    }
    Ok(())
}

/// A lock's `generated`, as Go's `time.Time` reads it from JSON: RFC 3339 text.
fn check_time(value: &Value) -> Result<(), String> {
    use crate::funcs::gotime::{Loc, parse};
    let prefix = "error unmarshaling JSON: while decoding JSON: ";
    match value {
        Value::Null => Ok(()),
        Value::String(text) => parse("2006-01-02T15:04:05Z07:00", text, &Loc::Utc, &jiff::tz::TimeZone::UTC)
            .map(|_| ())
            .map_err(|reason| format!("{prefix}{reason}")),
        _ => Err(format!("{prefix}Time.UnmarshalJSON: input is not a JSON string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(texts: &[&str]) -> Result<Metadata, String> {
        let mut raw = RawMetadata::default();
        for text in texts {
            raw.decode(text.as_bytes())?;
        }
        Ok(raw.finish())
    }

    #[test]
    fn the_first_wrong_type_in_key_order_is_the_error() {
        let err = decoded(&["keywords: x\ndependencies: [{name: a, tags: backend}]\n"]).unwrap_err();
        assert!(
            err.ends_with(
                "cannot unmarshal string into Go struct field Dependency.dependencies.tags of type []string"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_later_file_merges_into_the_items_already_read() {
        let md = decoded(&[
            "name: c\ndependencies:\n- name: sub\n  condition: x.y\n  tags: [a]\n",
            "description: later\ndependencies:\n- name: sub\n  alias: renamed\n",
        ])
        .unwrap();
        assert_eq!(md.description, "later");
        let d = &md.dependencies[0];
        assert_eq!(
            (d.alias.as_str(), d.condition.as_str(), d.tags.clone()),
            ("renamed", "x.y", vec!["a".to_string()])
        );
    }

    #[test]
    fn keys_match_their_fields_whatever_their_case() {
        // Sorted, `NAME` comes before `Name`: the later one wins.
        assert_eq!(decoded(&["NAME: a\nName: b\n"]).unwrap().name, "b");
        assert_eq!(decoded(&["Name: b\nname: c\n"]).unwrap().name, "c");
        // Go folds the long s and the Kelvin sign to `s` and `k`.
        let md = decoded(&["de\u{17f}cription: longs\n\u{212a}eywords: [kelvin]\n"]).unwrap();
        assert_eq!((md.description.as_str(), md.keywords.as_slice()), ("longs", &["kelvin".to_string()][..]));
        assert_eq!(decoded(&["n\u{e1}me: x\n"]).unwrap().name, "");
    }

    #[test]
    fn null_keeps_a_string_and_empties_a_list() {
        let md = decoded(&["name: c\nkeywords: [a]\n", "name: null\nkeywords: null\n"]).unwrap();
        assert_eq!((md.name.as_str(), md.keywords.len()), ("c", 0));
        let md = decoded(&["dependencies: [{name: a}, null]\nmaintainers: [null]\n"]).unwrap();
        assert_eq!((md.null_dependency, md.null_maintainer, md.dependencies.len()), (Some(1), true, 1));
    }

    #[test]
    fn lock_files_are_checked_as_go_reads_them() {
        assert_eq!(check_lock(b"generated: \"2024-01-01T00:00:00Z\"\ndigest: 1\n"), Ok(()));
        let err = check_lock(b"generated: x\n").unwrap_err();
        assert!(
            err.ends_with(r#"parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006""#),
            "{err}"
        );
        let err = check_lock(b"generated: 5\n").unwrap_err();
        assert!(err.ends_with("Time.UnmarshalJSON: input is not a JSON string"), "{err}");
        let err = check_lock(b"- a\n").unwrap_err();
        assert!(err.ends_with("cannot unmarshal array into Go value of type v2.Lock"), "{err}");
        // A time that cannot be read wins over a value of the wrong type before it.
        let err = check_lock(b"dependencies: 5\ngenerated: x\n").unwrap_err();
        assert!(err.contains("parsing time"), "{err}");
        let err = check_lock(b"dependencies: 5\ndigest: [1]\n").unwrap_err();
        assert!(err.contains("Lock.dependencies"), "{err}");
        let err = check_lock(b"a: [\n").unwrap_err();
        assert!(err.starts_with("error converting YAML to JSON: yaml: line 1:"), "{err}");
    }
}
