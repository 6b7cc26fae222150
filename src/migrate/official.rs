//! What the official chart's values are: every leaf of its values.yaml with its default (a
//! fact list, `official-leaves.tsv`), and the keys its templates read without listing them.

use std::collections::HashMap;
use std::sync::LazyLock;

use helm_engine::Value;
use sha2::{Digest, Sha256};

/// The chart version the lists describe.
pub const CHART_VERSION: &str = "2.7.1";

/// One leaf setting of the official values.yaml.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// The dotted path; a list ends in `[]`.
    pub path: &'static str,
    /// The default; `None` when only its fingerprint is recorded (the sub-charts' set-up
    /// scripts).
    pub default: Option<Value>,
    /// The [`fingerprint`] of a default not recorded whole.
    pub fingerprint: Option<&'static str>,
}

impl Leaf {
    /// The path without the `[]` of a list.
    pub fn key(&self) -> &'static str {
        self.path.strip_suffix("[]").unwrap_or(self.path)
    }
}

const LEAVES_TSV: &str = include_str!("official-leaves.tsv");

/// Every leaf of the official values.yaml, in its order.
pub static LEAVES: LazyLock<Vec<Leaf>> = LazyLock::new(|| {
    LEAVES_TSV
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (path, default) = line.split_once('\t').expect("a path and a default per line");
            if let Some(fingerprint) = default.strip_prefix("sha256:") {
                return Leaf { path, default: None, fingerprint: Some(fingerprint) };
            }
            let json: serde_json::Value = serde_json::from_str(default).expect("defaults are JSON");
            Leaf { path, default: Some(Value::from_json(&json, false)), fingerprint: None }
        })
        .collect()
});

/// The defaults by key (without `[]`).
pub static DEFAULTS: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    LEAVES.iter().filter_map(|leaf| leaf.default.clone().map(|d| (leaf.key(), d))).collect()
});

/// The fingerprints of the defaults not recorded whole, by key (without `[]`).
static FINGERPRINTS: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| LEAVES.iter().filter_map(|leaf| leaf.fingerprint.map(|f| (leaf.key(), f))).collect());

/// Whether a value is the official default of its key.
pub fn is_default(key: &str, value: &Value) -> bool {
    match DEFAULTS.get(key) {
        Some(default) => super::convert::normalize(default).semantic_eq(&super::convert::normalize(value)),
        None => FINGERPRINTS.get(key).is_some_and(|f| *f == fingerprint(value)),
    }
}

/// A value's SHA-256 (hex) over its compact JSON with every map's keys sorted: how the list
/// knows the long defaults (scripts) it does not hold.
pub fn fingerprint(value: &Value) -> String {
    fn sorted(json: serde_json::Value) -> serde_json::Value {
        match json {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(sorted).collect())
            }
            other => other,
        }
    }
    let json = sorted(super::convert::normalize(value).to_json());
    let digest = Sha256::digest(serde_json::to_string(&json).unwrap_or_default().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Keys the official templates read that its values.yaml does not list (`{c}`: each
/// component), with what they do there. Operators meet them in working values files.
pub const EXTRA_KEYS: &[(&str, &str)] = &[
    ("namespaceOverride", "the namespace of most of the chart's objects"),
    ("nodeSelector", "the node of the `persistence.hostPath` volume"),
    ("global.defaultStorageClass", "the last fallback storage class of ClamAV's volume"),
    ("global.postgresql.auth.database", "the database name with the embedded PostgreSQL"),
    ("global.postgresql.auth.username", "the user name with the embedded PostgreSQL"),
    ("global.postgresql.auth.password", "the password with the embedded PostgreSQL"),
    ("global.postgresql.auth.existingSecret", "the Secret of the password with the embedded PostgreSQL"),
    ("{c}.image.pullSecrets", "image pull secrets of one component's pod"),
    ("webdav.persistence.existingClaim", "an existing claim for webdav"),
    ("fetchmail.persistence.existingClaim", "an existing claim for fetchmail"),
    ("clamav.replicaCount", "ClamAV's replicas"),
    ("redis.master.resources.requests", "the Bitnami Redis's requests (passed on to the sub-chart)"),
    ("redis.master.resources.limits", "the Bitnami Redis's limits (passed on to the sub-chart)"),
    ("database.type", "removed: the chart refuses to render with it"),
    ("database.roundcubeType", "removed: the chart refuses to render with it"),
    ("ingress.tlsFlavor", "removed: the chart refuses to render with it"),
    ("ingress.externalIngress", "removed: the chart refuses to render with it"),
    ("front.externalService.pop3", "removed: the chart refuses to render with it"),
    ("front.externalService.imap", "removed: the chart refuses to render with it"),
    ("front.externalService.smtp", "removed: the chart refuses to render with it"),
    ("front.controller.kind", "removed: the chart refuses to render with it"),
];
