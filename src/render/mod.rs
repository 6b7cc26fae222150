//! Render: the components' wiring evaluated against concrete values into Kubernetes objects,
//! each tagged with the chart template path that produces the same object in the exported
//! chart.

mod policy;
mod traefik;
pub mod workload;

pub mod output;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use sha2::{Digest, Sha256};

use crate::components::{self, expr::Ctx, shared_env};
use crate::values::Values;
use helm_engine::Value;

/// The chart name: the first part of every `# Source:` path.
pub const CHART_NAME: &str = "mailu";

/// Where the objects go: `--release-name` and `-n/--namespace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
}

impl Default for Release {
    fn default() -> Self {
        Release { name: "mailu".into(), namespace: "mailu".into() }
    }
}

/// One rendered object and the chart template that produces it.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Template path inside the chart, like `templates/admin/deployment.yaml`.
    pub source: String,
    pub object: Value,
}

impl Manifest {
    pub fn new(source: String, object: Value) -> Self {
        Manifest { source, object }
    }

    pub fn kind(&self) -> &str {
        self.object.get_dotted("kind").and_then(Value::as_str).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.object.get_dotted("metadata.name").and_then(Value::as_str).unwrap_or_default()
    }
}

/// A release name or namespace Kubernetes would refuse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "release name {0:?} is invalid: use lower-case letters, digits and '-', starting with a letter, \
         at most {max} characters (object names like <release>-dovecot-submission must fit in 63)",
        max = MAX_RELEASE_NAME
    )]
    ReleaseName(String),
    #[error("namespace {0:?} is invalid: use lower-case letters, digits and '-', at most 63 characters")]
    Namespace(String),
}

/// The longest release name for which `<release>-dovecot-submission` is a valid Service name.
pub const MAX_RELEASE_NAME: usize = 63 - "-dovecot-submission".len();

fn is_dns_label(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Checks `--release-name` and `-n`.
pub fn check_release(release: &Release) -> Result<(), RenderError> {
    if !is_dns_label(&release.name, MAX_RELEASE_NAME)
        || !release.name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(RenderError::ReleaseName(release.name.clone()));
    }
    if !is_dns_label(&release.namespace, 63) {
        return Err(RenderError::Namespace(release.namespace.clone()));
    }
    Ok(())
}

/// The values as the tree expressions read (integers as integers).
pub fn values_tree(values: &Values) -> Value {
    Value::from_json(&serde_json::to_value(values).expect("values serialize"), true)
}

/// Every object for these values, in chart template order (see [`output::install_order`]).
pub fn render(values: &Values, release: &Release) -> Result<Vec<Manifest>, RenderError> {
    check_release(release)?;
    let tree = values_tree(values);
    let ctx = Ctx { values: &tree, release: &release.name, namespace: &release.namespace };
    let mut manifests = Vec::new();
    if ctx.flag("namespace.create") {
        manifests.push(Manifest::new("templates/namespace.yaml".into(), to_value(&namespace(&ctx))));
    }
    let env = shared_env_data(&ctx);
    let env_checksum = config_checksum(&env);
    let env_map = ConfigMap {
        metadata: ObjectMeta {
            name: Some(ctx.object_name("env")),
            namespace: Some(release.namespace.clone()),
            labels: Some(labels(&ctx, None)),
            ..Default::default()
        },
        data: Some(env.into_iter().collect()),
        ..Default::default()
    };
    manifests.push(Manifest::new("templates/env-configmap.yaml".into(), to_value(&env_map)));
    let deployed: Vec<_> = components::all().into_iter().filter(|c| c.when.eval(&ctx)).collect();
    for component in &deployed {
        manifests.extend(workload::objects(component, &ctx, &env_checksum));
    }
    if ctx.flag("networkPolicy.enabled") {
        manifests.extend(policy::objects(&ctx, &deployed));
    }
    if ctx.flag("ingress.enabled") {
        manifests.extend(traefik::objects(&ctx));
    }
    Ok(manifests)
}

/// The shared environment, in order.
pub fn shared_env_data(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    shared_env::vars()
        .into_iter()
        .filter(|v| v.when.eval(ctx))
        .map(|v| (v.name.to_string(), v.value.eval(ctx)))
        .collect()
}

/// The checksum a pod carries for a ConfigMap it reads, so that it restarts when the content
/// changes: SHA-256 of the ConfigMap's data as Helm's `toYaml` prints it (sorted keys, no final
/// newline), which is how the chart computes it too.
pub fn config_checksum(data: &[(String, String)]) -> String {
    let map: helm_engine::Map = data.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let yaml = helm_engine::to_yaml(&Value::Map(map), helm_engine::KeyOrder::Sorted);
    let digest = Sha256::digest(yaml.trim_end_matches('\n').as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Labels of every object (`component` for a component's objects).
pub fn labels(ctx: &Ctx<'_>, component: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), CHART_NAME.to_string()),
        ("app.kubernetes.io/instance".to_string(), ctx.release.to_string()),
        ("app.kubernetes.io/part-of".to_string(), "mailu".to_string()),
        ("app.kubernetes.io/version".to_string(), ctx.text("images.tag")),
    ]);
    if let Some(component) = component {
        labels.insert("app.kubernetes.io/component".to_string(), component.to_string());
    }
    labels
}

/// The labels that select a component's pods: stable ones only.
pub fn selector_labels(ctx: &Ctx<'_>, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), CHART_NAME.to_string()),
        ("app.kubernetes.io/instance".to_string(), ctx.release.to_string()),
        ("app.kubernetes.io/component".to_string(), component.to_string()),
    ])
}

fn namespace(ctx: &Ctx<'_>) -> Namespace {
    let mut labels = labels(ctx, None);
    // Mailu's images start as root and drop privileges themselves: baseline, not restricted.
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), "baseline".to_string());
    }
    Namespace {
        metadata: ObjectMeta {
            name: Some(ctx.namespace.to_string()),
            labels: Some(labels),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A typed object as a value tree in the order people write manifests: apiVersion, kind,
/// metadata first; in metadata name, namespace, labels, annotations; `name` first in every
/// other map; otherwise the field order of the type.
pub fn to_value<T: serde::Serialize>(object: &T) -> Value {
    let mut value = Value::from_json(&serde_json::to_value(object).expect("objects serialize"), true);
    if let Value::Map(top) = &mut value {
        reorder(top, &["apiVersion", "kind", "metadata"]);
        if let Some(Value::Map(metadata)) = top.get_mut("metadata") {
            reorder(metadata, &["name", "namespace", "labels", "annotations"]);
        }
    }
    name_first(&mut value);
    value
}

/// Moves the given keys, where present, to the front in the given order.
fn reorder(map: &mut helm_engine::Map, first: &[&str]) {
    for key in first.iter().rev() {
        if let Some(position) = map.get_index_of(*key) {
            map.move_index(position, 0);
        }
    }
}

fn name_first(value: &mut Value) {
    match value {
        Value::Map(map) => {
            if !map.contains_key("apiVersion") {
                reorder(map, &["name"]);
            }
            map.values_mut().for_each(name_first);
        }
        Value::List(items) => items.iter_mut().for_each(name_first),
        _ => {}
    }
}
