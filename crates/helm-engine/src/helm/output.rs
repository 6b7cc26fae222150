//! `helm template`'s output: rendered files split into documents, each document read for
//! its kind and hook annotations, documents ordered by Helm's install order (stable, by
//! kind), framed as `---\n# Source: <file>\n<document>\n`, hooks after the rest.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::{go_string, json_kind};
use crate::value::Value;

/// One document of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedDocument {
    /// The template it came from (`chart/templates/x.yaml`).
    pub source: String,
    /// The document text (trimmed).
    pub content: String,
    /// Its `kind`.
    pub kind: String,
    /// For hooks: whether it is a test hook.
    pub is_test: bool,
}

/// Helm's install order of kinds.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

fn separator() -> &'static Regex {
    static SEP: OnceLock<Regex> = OnceLock::new();
    SEP.get_or_init(|| Regex::new(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*").expect("a valid pattern"))
}

/// Go's `strings.TrimSpace`.
fn trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Helm's `SplitManifests`: documents in order, empty ones dropped.
pub fn split_manifests(text: &str) -> Vec<String> {
    let trimmed = trim_space(text);
    separator().split(trimmed).filter(|d| !d.is_empty()).map(|d| trim_space(d).to_string()).collect()
}

/// What Helm reads of a document.
struct Head {
    kind: String,
    annotations: Option<BTreeMap<String, String>>,
}

fn head_error(msg: String) -> String {
    format!("error unmarshaling JSON: while decoding JSON: {msg}")
}

fn read_head(doc: &str) -> Result<Head, String> {
    let docs = crate::yaml::load_yaml_documents(doc)
        .map_err(|e| format!("error converting YAML to JSON: {}", e.go_yaml_text()))?;
    let root = docs.into_iter().next().and_then(|d| d.root).unwrap_or(Value::Null);
    let map = match root {
        Value::Map(m) => m,
        Value::Null => return Ok(Head { kind: String::new(), annotations: None }),
        other => {
            return Err(head_error(format!(
                "json: cannot unmarshal {} into Go value of type util.SimpleHead",
                json_kind(&other)
            )));
        }
    };
    let string_field = |key: &str| -> Result<String, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v @ (Value::Bool(_) | Value::Int(_) | Value::Float(_))) => {
                Ok(go_string(v).unwrap_or_default())
            }
            Some(other) => Err(head_error(format!(
                "json: cannot unmarshal {} into Go struct field SimpleHead.{key} of type string",
                json_kind(other)
            ))),
        }
    };
    string_field("apiVersion")?;
    let kind = string_field("kind")?;
    let mut annotations = None;
    match map.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Map(md)) => {
            match md.get("name") {
                None
                | Some(Value::Null | Value::String(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                }
                Some(other) => {
                    return Err(head_error(format!(
                        "json: cannot unmarshal {} into Go struct field .metadata.name of type string",
                        json_kind(other)
                    )));
                }
            }
            match md.get("annotations") {
                None | Some(Value::Null) => {}
                Some(Value::Map(a)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in a {
                        match v {
                            Value::String(s) => {
                                out.insert(k.clone(), s.clone());
                            }
                            Value::Null => {
                                out.insert(k.clone(), String::new());
                            }
                            v @ (Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                                out.insert(k.clone(), go_string(v).unwrap_or_default());
                            }
                            other => {
                                return Err(head_error(format!(
                                    "json: cannot unmarshal {} into Go struct field .metadata.annotations of type string",
                                    json_kind(other)
                                )));
                            }
                        }
                    }
                    annotations = Some(out);
                }
                Some(other) => {
                    return Err(head_error(format!(
                        "json: cannot unmarshal {} into Go struct field .metadata.annotations of type map[string]string",
                        json_kind(other)
                    )));
                }
            }
        }
        Some(other) => {
            return Err(head_error(format!(
                "json: cannot unmarshal {} into Go struct field SimpleHead.metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(other)
            )));
        }
    }
    Ok(Head { kind, annotations })
}

/// The manifests and hooks of rendered files, in Helm's order; the error is Helm's
/// `YAML parse error on <file>: ...`.
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<RenderedDocument>, Vec<RenderedDocument>), String> {
    let mut generic = Vec::new();
    let mut hooks = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || trim_space(content).is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = read_head(&doc).map_err(|e| format!("YAML parse error on {path}: {e}"))?;
            let hook_types = head.annotations.as_ref().and_then(|a| a.get("helm.sh/hook")).cloned();
            let manifest =
                RenderedDocument { source: path.clone(), content: doc, kind: head.kind, is_test: false };
            let Some(hook_types) = hook_types else {
                generic.push(manifest);
                continue;
            };
            let mut events = Vec::new();
            let mut unknown = false;
            for t in hook_types.split(',') {
                let t = t.trim().to_lowercase();
                if !HOOK_EVENTS.contains(&t.as_str()) {
                    unknown = true;
                    break;
                }
                events.push(t);
            }
            if unknown {
                continue;
            }
            let is_test = events.iter().any(|e| e == "test" || e == "test-success");
            hooks.push(RenderedDocument { is_test, ..manifest });
        }
    }
    sort_by_kind(&mut generic);
    sort_by_kind(&mut hooks);
    Ok((generic, hooks))
}

fn sort_by_kind(items: &mut [RenderedDocument]) {
    items.sort_by(|a, b| compare_kinds(&a.kind, &b.kind));
}

/// Helm's kind order: kinds of [`INSTALL_ORDER`] in that order, then every other kind, by
/// name. Sorting with it must be stable: documents of one kind keep their order.
pub fn compare_kinds(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |k: &str| INSTALL_ORDER.iter().position(|x| *x == k);
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The `# Source:` framing of one document.
pub fn frame(source: &str, content: &str) -> String {
    format!("---\n# Source: {source}\n{content}\n")
}

/// `--show-only`: the documents of the whole output whose source matches one of the
/// patterns, in pattern order; an unmatched pattern is Helm's error.
pub fn show_only(output: &str, patterns: &[String]) -> Result<String, String> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    let name_re = NAME.get_or_init(|| Regex::new(r"# Source: [^/]+/(.+)").expect("a valid pattern"));
    let docs = split_manifests(output);
    let mut out = String::new();
    for pattern in patterns {
        let mut missing = true;
        for doc in &docs {
            let Some(caps) = name_re.captures(doc) else {
                continue;
            };
            let path = caps.get(1).map_or("", |m| m.as_str());
            if super::glob::path_match(pattern, path) != Some(true) {
                continue;
            }
            out.push_str(&format!("---\n{doc}\n"));
            missing = false;
        }
        if missing {
            return Err(format!("could not find template {pattern} in chart"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        // A separator whose newline was eaten by the previous one stays as text, as in Helm.
        assert_eq!(split_manifests("a: 1\n---\nb: 2\n--- \n\n---\n"), ["a: 1", "b: 2", "---"]);
        assert_eq!(split_manifests("---\n# c\n---\n---\nx: 1"), ["# c", "---\nx: 1"]);
    }

    #[test]
    fn sorts_by_kind_stably() {
        let mut files = BTreeMap::new();
        files.insert("c/templates/a.yaml".into(), "kind: Deployment\nmetadata: {name: b}\n---\nkind: Service\n---\nkind: Zed\n---\nkind: Deployment\nmetadata: {name: a}".into());
        let (m, _) = sort_manifests(&files).unwrap();
        let kinds: Vec<&str> = m.iter().map(|x| x.kind.as_str()).collect();
        assert_eq!(kinds, ["Service", "Deployment", "Deployment", "Zed"]);
        assert!(m[1].content.contains("name: b"));
    }
}
