//! What the official chart's values are: every leaf of its values.yaml with its default (a
//! fact list, `official-leaves.tsv`), and the keys its templates read without listing them.

use std::collections::HashMap;
use std::sync::LazyLock;

use helm_engine::Value;

/// The chart version the lists describe.
pub const CHART_VERSION: &str = "2.7.1";

/// One leaf setting of the official values.yaml.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// The dotted path; a list ends in `[]`.
    pub path: &'static str,
    /// The default; `None` when not recorded (the sub-charts' set-up scripts).
    pub default: Option<Value>,
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
            let default = (default != "-").then(|| {
                let json: serde_json::Value = serde_json::from_str(default).expect("defaults are JSON");
                Value::from_json(&json, false)
            });
            Leaf { path, default }
        })
        .collect()
});

/// The defaults by key (without `[]`).
pub static DEFAULTS: LazyLock<HashMap<&'static str, Value>> = LazyLock::new(|| {
    LEAVES.iter().filter_map(|leaf| leaf.default.clone().map(|d| (leaf.key(), d))).collect()
});

/// Keys the official templates read that its values.yaml does not list (`{c}`: each
/// component), with what they do there. Operators meet them in working values files.
pub const EXTRA_KEYS: &[(&str, &str)] = &[
    ("namespaceOverride", "the namespace of most of the chart's objects"),
    ("nodeSelector", "the node of the `persistence.hostPath` volume"),
    ("global.defaultStorageClass", "the last fallback storage class of ClamAV's volume"),
    ("global.postgresql.auth.database", "the database name with the embedded PostgreSQL"),
    ("global.postgresql.auth.username", "the user name with the embedded PostgreSQL"),
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
