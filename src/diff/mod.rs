//! Semantic comparison of two manifest sets: objects paired by apiVersion, kind, namespace
//! and name, then compared as parsed data. Comments, `# Source:` lines, key order, quoting and
//! YAML style never matter because both sides are parsed first. Numbers compare by value within
//! their kind: `80` equals `0x50`, but an integer never equals a float (`80` and `80.0`, or
//! `52428800` and `5.24288e+07`), since a field Kubernetes reads as an integer may refuse the
//! float.

pub mod report;

use std::collections::BTreeMap;
use std::fmt;

use helm_engine::{KeyPath, Map, Pos, Value, YamlError, load_yaml_documents_keeping_integers};

/// What identifies an object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {} ({})", self.kind, self.name, self.api_version)
        } else {
            write!(f, "{} {}/{} ({})", self.kind, self.namespace, self.name, self.api_version)
        }
    }
}

/// One parsed object of a manifest stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub key: ObjectKey,
    pub value: Value,
    /// The template that produced it (`# Source:` line), when the stream says.
    pub source: Option<String>,
}

/// A manifest stream that cannot be compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StreamError {
    #[error("{origin}:{}: invalid YAML: {}", error.pos, error.message)]
    Yaml { origin: String, error: YamlError },
    #[error("{origin}: document {index} is not a Kubernetes object (it has no {missing})")]
    NotAnObject { origin: String, index: usize, missing: &'static str },
    #[error("{origin}: {key} appears twice")]
    Duplicate { origin: String, key: ObjectKey },
    /// A mapping that repeats a key: parsers keep one of the two (which one varies), and
    /// `kubectl apply`'s strict field validation refuses the object.
    #[error("{origin}:{pos}: key {path} is given twice in one mapping")]
    DuplicateKey { origin: String, pos: Pos, path: KeyPath },
}

fn text_at<'a>(value: &'a Value, path: &str) -> Option<&'a str> {
    value.get_dotted(path).and_then(Value::as_str)
}

/// Parses a multi-document stream (`helm template` or `mailu-chart render` output, or any
/// `kubectl apply -f` file). Empty and comment-only documents are skipped.
pub fn parse_stream(text: &str, origin: &str) -> Result<Vec<Object>, StreamError> {
    let lines: Vec<&str> = text.lines().collect();
    let documents = load_yaml_documents_keeping_integers(text)
        .map_err(|error| StreamError::Yaml { origin: origin.into(), error })?;
    let starts: Vec<usize> = documents.iter().map(|d| d.start_line).collect();
    let mut objects: Vec<Object> = Vec::new();
    for (index, document) in documents.into_iter().enumerate() {
        let next_start = starts.get(index + 1).copied().unwrap_or(lines.len() + 1);
        let from = if index == 0 { 1 } else { starts[index] };
        let source = source_of(&lines, from, next_start);
        if let Some((path, pos)) = document.duplicate_keys.first() {
            return Err(StreamError::DuplicateKey { origin: origin.into(), pos: *pos, path: path.clone() });
        }
        let Some(value) = document.root.filter(|v| !matches!(v, Value::Null)) else { continue };
        // A `kind: List` (what `kubectl get -o yaml` writes) stands for its items.
        let values = match (text_at(&value, "kind"), value.get_dotted("items")) {
            (Some("List"), Some(Value::List(items))) => items.clone(),
            _ => vec![value],
        };
        for value in values {
            let not_an_object =
                |missing| StreamError::NotAnObject { origin: origin.into(), index: index + 1, missing };
            let key = ObjectKey {
                api_version: text_at(&value, "apiVersion")
                    .ok_or_else(|| not_an_object("apiVersion"))?
                    .to_string(),
                kind: text_at(&value, "kind").ok_or_else(|| not_an_object("kind"))?.to_string(),
                namespace: text_at(&value, "metadata.namespace").unwrap_or_default().to_string(),
                name: text_at(&value, "metadata.name")
                    .ok_or_else(|| not_an_object("metadata.name"))?
                    .to_string(),
            };
            if objects.iter().any(|o| o.key == key) {
                return Err(StreamError::Duplicate { origin: origin.into(), key });
            }
            objects.push(Object { key, value, source: source.clone() });
        }
    }
    Ok(objects)
}

/// What the API server writes into the metadata of every object it stores; no manifest holds
/// it.
const SERVER_METADATA: [&str; 6] =
    ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink"];

/// The copy of the applied manifest that `kubectl apply` keeps on each object.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Leaves out of objects read back from a cluster (`kubectl get -o yaml`) what the server and
/// `kubectl apply` set on every object: the metadata above, the last-applied annotation (and
/// `annotations` left empty by it) and `status`. Returns how many objects held any of it.
/// The defaults the server fills in (a Service's `clusterIP`, a container's
/// `imagePullPolicy`, ...) stay: they cannot be told from values a manifest sets.
pub fn drop_server_fields(objects: &mut [Object]) -> usize {
    objects.iter_mut().map(|object| drop_from(&mut object.value)).filter(|&dropped| dropped).count()
}

fn drop_from(object: &mut Value) -> bool {
    let Some(fields) = object.as_map_mut() else { return false };
    let mut dropped = fields.shift_remove("status").is_some();
    let Some(metadata) = fields.get_mut("metadata").and_then(Value::as_map_mut) else { return dropped };
    for key in SERVER_METADATA {
        dropped |= metadata.shift_remove(key).is_some();
    }
    if let Some(annotations) = metadata.get_mut("annotations").and_then(Value::as_map_mut)
        && annotations.shift_remove(LAST_APPLIED).is_some()
    {
        dropped = true;
        if annotations.is_empty() {
            metadata.shift_remove("annotations");
        }
    }
    dropped
}

/// The `# Source:` path written in a document's lines, if any.
fn source_of(lines: &[&str], from: usize, to: usize) -> Option<String> {
    lines
        .get(from.saturating_sub(1)..to.saturating_sub(1).min(lines.len()))?
        .iter()
        .find_map(|l| l.strip_prefix("# Source: "))
        .map(|p| p.trim().to_string())
}

/// A difference inside one object.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Present only on the right.
    Added { path: String, value: Value },
    /// Present only on the left.
    Removed { path: String, value: Value },
    /// Present on both sides with different values.
    Changed { path: String, left: Value, right: Value },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Added { path, .. } | Change::Removed { path, .. } | Change::Changed { path, .. } => path,
        }
    }
}

/// The differences between two object values. List items that all carry a unique `name`
/// are paired by name (`containers[admin]`), others by position.
pub fn compare_values(left: &Value, right: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    walk(left, right, String::new(), &mut changes);
    changes
}

fn join(path: &str, key: &str) -> String {
    let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::Value::String(key.to_string())),
    }
}

/// The names of a list's items when every item is a map with a unique string `name`.
fn item_names(items: &[Value]) -> Option<Vec<&str>> {
    let names: Vec<&str> = items.iter().map(|i| text_at(i, "name")).collect::<Option<_>>()?;
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == names.len()).then_some(names)
}

fn walk(left: &Value, right: &Value, path: String, changes: &mut Vec<Change>) {
    match (left, right) {
        (Value::Map(a), Value::Map(b)) => walk_maps(a, b, &path, changes),
        (Value::List(a), Value::List(b)) => match (item_names(a), item_names(b)) {
            (Some(left_names), Some(right_names)) => {
                for (name, item) in left_names.iter().zip(a) {
                    let item_path = format!("{path}[{name}]");
                    match right_names.iter().position(|n| n == name) {
                        Some(j) => walk(item, &b[j], item_path, changes),
                        None => changes.push(Change::Removed { path: item_path, value: item.clone() }),
                    }
                }
                for (name, item) in right_names.iter().zip(b) {
                    if !left_names.contains(name) {
                        changes.push(Change::Added { path: format!("{path}[{name}]"), value: item.clone() });
                    }
                }
                let common_left: Vec<&&str> = left_names.iter().filter(|n| right_names.contains(n)).collect();
                let common_right: Vec<&&str> =
                    right_names.iter().filter(|n| left_names.contains(n)).collect();
                if common_left != common_right {
                    changes.push(Change::Changed {
                        path: format!("{path} (order)"),
                        left: left.clone(),
                        right: right.clone(),
                    });
                }
            }
            _ => {
                for i in 0..a.len().max(b.len()) {
                    let item_path = format!("{path}[{i}]");
                    match (a.get(i), b.get(i)) {
                        (Some(x), Some(y)) => walk(x, y, item_path, changes),
                        (Some(x), None) => {
                            changes.push(Change::Removed { path: item_path, value: x.clone() })
                        }
                        (None, Some(y)) => changes.push(Change::Added { path: item_path, value: y.clone() }),
                        (None, None) => {}
                    }
                }
            }
        },
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_)) => {
            changes.push(Change::Changed { path, left: left.clone(), right: right.clone() })
        }
        (a, b) if a.semantic_eq(b) => {}
        (a, b) => changes.push(Change::Changed { path, left: a.clone(), right: b.clone() }),
    }
}

fn walk_maps(a: &Map, b: &Map, path: &str, changes: &mut Vec<Change>) {
    let keys: BTreeMap<&String, ()> = a.keys().chain(b.keys()).map(|k| (k, ())).collect();
    for key in keys.keys() {
        let child = join(path, key);
        match (a.get(*key), b.get(*key)) {
            (Some(x), Some(y)) => walk(x, y, child, changes),
            (Some(x), None) => changes.push(Change::Removed { path: child, value: x.clone() }),
            (None, Some(y)) => changes.push(Change::Added { path: child, value: y.clone() }),
            (None, None) => {}
        }
    }
}

/// How two manifest sets differ.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub only_left: Vec<Object>,
    pub only_right: Vec<Object>,
    /// Objects on both sides that differ, with their differences, in key order.
    pub changed: Vec<(Object, Object, Vec<Change>)>,
    /// Objects that are equal.
    pub equal: usize,
}

impl Report {
    pub fn is_equivalent(&self) -> bool {
        self.only_left.is_empty() && self.only_right.is_empty() && self.changed.is_empty()
    }
}

/// Pairs the objects of two sets and compares each pair.
pub fn compare(left: &[Object], right: &[Object]) -> Report {
    let index = |objects: &[Object]| -> BTreeMap<ObjectKey, Object> {
        objects.iter().map(|o| (o.key.clone(), o.clone())).collect()
    };
    let (left, right) = (index(left), index(right));
    let mut report = Report::default();
    for (key, l) in &left {
        match right.get(key) {
            None => report.only_left.push(l.clone()),
            Some(r) => {
                let changes = compare_values(&l.value, &r.value);
                if changes.is_empty() {
                    report.equal += 1;
                } else {
                    report.changed.push((l.clone(), r.clone(), changes));
                }
            }
        }
    }
    report.only_right =
        right.iter().filter(|(k, _)| !left.contains_key(*k)).map(|(_, o)| o.clone()).collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Value {
        load_yaml_documents_keeping_integers(text).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn named_list_items_pair_by_name() {
        let a = one(
            "containers:\n- name: admin\n  env:\n  - name: TZ\n    value: UTC\n  - name: A\n    value: x\n",
        );
        let b = one("containers:\n- name: admin\n  env:\n  - name: TZ\n    value: Europe/Berlin\n");
        let changes = compare_values(&a, &b);
        assert_eq!(changes[0].path(), "containers[admin].env[TZ].value");
        assert_eq!(changes[1].path(), "containers[admin].env[A]");
        assert!(matches!(changes[1], Change::Removed { .. }));
    }

    #[test]
    fn numbers_compare_by_value_within_their_kind_and_nothing_else_is_normalised() {
        assert!(compare_values(&one("a: 80"), &one("a: 0x50")).is_empty());
        assert!(compare_values(&one("a: 1.5"), &one("a: 15e-1")).is_empty());
        assert!(!compare_values(&one("a: 80"), &one("a: 80.0")).is_empty());
        let changes = compare_values(&one("a: [52428800]"), &one("a: [5.24288e+07]"));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].path(), "a[0]");
        assert!(!compare_values(&one("a: 80"), &one("a: \"80\"")).is_empty());
        assert!(!compare_values(&one("a: {}"), &one("b: 1")).is_empty());
        assert!(!compare_values(&one("a: null"), &one("{}")).is_empty());
    }

    #[test]
    fn streams_pair_objects_and_remember_sources() {
        let text = "---\n# Source: mailu/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: n\n---\n# only a comment\n---\n# Source: mailu/templates/b.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n";
        let objects = parse_stream(text, "test").unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0].source.as_deref(), Some("mailu/templates/a.yaml"));
        assert_eq!(objects[1].key.to_string(), "Service b (v1)");
        let report = compare(&objects, &objects[..1]);
        assert_eq!(report.only_left.len(), 1);
        assert_eq!(report.equal, 1);
    }

    #[test]
    fn a_list_stands_for_its_items() {
        let text = "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a, namespace: n}}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: a, namespace: n}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        let keys: Vec<String> = parse_stream(text, "x").unwrap().iter().map(|o| o.key.to_string()).collect();
        assert_eq!(keys, ["Service a (v1)", "Deployment a (apps/v1)", "ConfigMap c (v1)"]);
        let not_an_object = "apiVersion: v1\nkind: List\nitems:\n- {kind: Service}\n";
        assert!(parse_stream(not_an_object, "x").is_err());
    }

    #[test]
    fn the_source_line_counts_wherever_it_stands() {
        let first_of_two = "# Source: c/a.yaml\n{apiVersion: v1, kind: A, metadata: {name: a}}\n";
        assert_eq!(parse_stream(first_of_two, "x").unwrap()[0].source.as_deref(), Some("c/a.yaml"));
        let last_line = "{apiVersion: v1, kind: A, metadata: {name: a}}\n# Source: c/a.yaml";
        assert_eq!(parse_stream(last_line, "x").unwrap()[0].source.as_deref(), Some("c/a.yaml"));
    }

    #[test]
    fn a_document_that_is_not_an_object_is_named_by_its_number() {
        let second_bad = "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\nkind: B\n";
        assert!(matches!(
            parse_stream(second_bad, "x"),
            Err(StreamError::NotAnObject { index: 2, missing: "apiVersion", .. })
        ));
    }

    #[test]
    fn paths_quote_keys_that_are_not_plain() {
        assert_eq!(join("", "x_y-z9"), "x_y-z9");
        assert_eq!(join("a", "x_y-z9"), "a.x_y-z9");
        assert_eq!(join("a", "app.kubernetes.io/name"), r#"a["app.kubernetes.io/name"]"#);
        assert_eq!(join("", "a b"), r#"["a b"]"#);
    }

    #[test]
    fn bad_streams_are_errors() {
        assert!(matches!(parse_stream("a: [", "x"), Err(StreamError::Yaml { .. })));
        assert!(matches!(
            parse_stream("kind: X\n", "x"),
            Err(StreamError::NotAnObject { missing: "apiVersion", .. })
        ));
        let twice = "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: A\nmetadata: {name: a}\n";
        assert!(matches!(parse_stream(twice, "x"), Err(StreamError::Duplicate { .. })));
        let key_twice =
            "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels:\n    x: \"1\"\n    x: \"2\"\n";
        let error = parse_stream(key_twice, "x").unwrap_err();
        assert_eq!(error.to_string(), "x:7:5: key metadata.labels.x is given twice in one mapping");
    }

    #[test]
    fn what_the_server_sets_on_every_object_is_left_out() {
        let live = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: n\n    uid: 0b6c\n    resourceVersion: \"42\"\n    creationTimestamp: \"2026-01-01T00:00:00Z\"\n    generation: 3\n    selfLink: /api/v1/namespaces/n/configmaps/a\n    managedFields:\n    - manager: kubectl\n    annotations:\n      kubectl.kubernetes.io/last-applied-configuration: '{}'\n  data: {x: \"1\"}\n  status: {phase: Active}\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n    annotations: {kept: \"yes\", kubectl.kubernetes.io/last-applied-configuration: '{}'}\n";
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata: {x: \"1\"}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, annotations: {kept: \"yes\"}}\n";
        let mut objects = parse_stream(live, "live").unwrap();
        assert!(!compare(&objects, &parse_stream(manifest, "m").unwrap()).is_equivalent());
        assert_eq!(drop_server_fields(&mut objects), 2);
        let report = compare(&objects, &parse_stream(manifest, "m").unwrap());
        assert!(report.is_equivalent(), "{report:?}");
        // A manifest holds none of it: nothing to leave out, and nothing else is touched.
        let mut written = parse_stream(manifest, "m").unwrap();
        assert_eq!(drop_server_fields(&mut written), 0);
        assert_eq!(written, parse_stream(manifest, "m").unwrap());
    }
}
