//! Every object of the deployment, described once as a tree (see [`crate::components::tree`])
//! built from the components' wiring. `render` evaluates these trees against the values;
//! `chart` prints them as the exported chart's templates. Nothing here knows which of the two
//! will happen.

mod exposure;
mod monitoring;
mod network_policy;
mod workload;

use std::borrow::Cow;

use crate::components::expr::{Cond, Expr, KeyPath, List, Shared};
use crate::components::tree::{Check, Content, DataBlock, DataEntry, Node, Object, Part, entry, map};
use crate::components::{self, resolver, shared_env};
use crate::patterns::wiring;

/// The chart name: the first part of every `# Source:` path and the `app.kubernetes.io/name`
/// label.
pub const CHART_NAME: &str = "mailu";

/// The Kubernetes versions the objects are for (the chart's `kubeVersion`): the resolver
/// runs as a sidecar, an init container with `restartPolicy: Always`, on by default since
/// 1.29, and every API used is served by 1.29.
pub const KUBERNETES_VERSIONS: &str = ">=1.29.0-0";

/// The longest release name for which `<release>-dovecot-submission` is a valid Service name.
pub const MAX_RELEASE_NAME: usize = 63 - "-dovecot-submission".len();

/// Every object the deployment can have, each with the condition under which it exists.
///
/// The trees are data in the program: `build.rs` builds them with `build` and writes them
/// out, so `render` and `export` walk them without building anything.
pub fn all() -> &'static [Object] {
    crate::baked::OBJECTS
}

/// The trees, built: by `build.rs`, and by the test that holds the program's data to them.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn build() -> Vec<Object> {
    let components = components::all();
    let mut objects = vec![namespace(), env_config_map(), resolver_config_map()];
    for component in &components {
        objects.extend(workload::objects(component));
    }
    objects.extend(network_policy::objects(&components));
    objects.extend(exposure::objects());
    objects.extend(monitoring::objects());
    objects
}

/// The kinds of seccomp and AppArmor profile Kubernetes knows, the container runtime's own
/// first: every pod of the release runs with it.
pub const PROFILE_TYPES: [&str; 3] = ["RuntimeDefault", "Unconfined", "Localhost"];

/// The checks every release must pass: object names are `<prefix>-<component>` (the prefix
/// `fullnameOverride`, else the release name) and must be valid Kubernetes names; the release
/// name is a label value too, and helm's rule for it holds.
pub fn release_checks() -> Vec<Check> {
    let release = || Shared::new(Expr::Release);
    vec![
        Check {
            holds: Cond::Matches(Shared::new(Expr::NamePrefix), wiring::RELEASE_NAME),
            message: Expr::concat(vec![
                Expr::lit("release name "),
                Expr::Quoted(release()),
                Expr::owned(format!(
                    " is invalid: use lower-case letters, digits and '-', starting with a letter, at most \
                     {MAX_RELEASE_NAME} characters (object names like <release>-dovecot-submission must fit in 63), \
                     or name the objects with fullnameOverride"
                )),
            ]),
        },
        Check {
            holds: Cond::Matches(release(), wiring::HELM_RELEASE_NAME)
                .and(Cond::Matches(release(), wiring::HELM_RELEASE_NAME_LENGTH)),
            message: Expr::concat(vec![
                Expr::lit("release name "),
                Expr::Quoted(release()),
                Expr::lit(
                    " is invalid: helm takes lower-case letters, digits, '-' and '.', at most 53 characters",
                ),
            ]),
        },
        Check {
            holds: Cond::Matches(Shared::new(Expr::Namespace), wiring::NAMESPACE),
            message: Expr::concat(vec![
                Expr::lit("namespace "),
                Expr::Quoted(Shared::new(Expr::Namespace)),
                Expr::lit(" is invalid: use lower-case letters, digits and '-', at most 63 characters"),
            ]),
        },
    ]
}

// The release name pattern's bound is [`MAX_RELEASE_NAME`] less the first and the last character.
const _: () = assert!(MAX_RELEASE_NAME == 42 + 2);

/// The labels the release sets itself, which the values' labels may not repeat (a key given
/// twice in one mapping is invalid YAML to strict readers).
pub const OWN_LABELS: [&str; 5] = [NAME_LABEL, INSTANCE_LABEL, COMPONENT_LABEL, PART_OF_LABEL, VERSION_LABEL];
/// The labels that select pods.
pub const SELECTOR_LABELS: [&str; 3] = [NAME_LABEL, INSTANCE_LABEL, COMPONENT_LABEL];
const NAME_LABEL: &str = "app.kubernetes.io/name";
const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";
const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";
const VERSION_LABEL: &str = "app.kubernetes.io/version";

/// The labels that name the release and its application.
fn identity_labels() -> Vec<Part> {
    vec![entry(NAME_LABEL, CHART_NAME), entry(INSTANCE_LABEL, Expr::Release), entry(PART_OF_LABEL, "mailu")]
}

/// The labels of every object of the release, shared by all of them.
fn common_labels() -> Part {
    let mut labels = identity_labels();
    labels.push(entry(VERSION_LABEL, Expr::key("images.tag")));
    Part::Include("mailu.labels", Shared::new(map(labels)))
}

/// The labels that select the release's pods: stable ones only.
fn release_selector() -> Part {
    Part::Include(
        "mailu.selectorLabels",
        Shared::new(map([entry(NAME_LABEL, CHART_NAME), entry(INSTANCE_LABEL, Expr::Release)])),
    )
}

fn component_label(component: &'static str) -> Part {
    entry(COMPONENT_LABEL, component)
}

/// Labels of an object (`component` for a component's objects), with the values'
/// `commonLabels`.
pub(crate) fn labels(component: Option<&'static str>) -> Node {
    map([common_labels(), Part::Splice("commonLabels".into())]
        .into_iter()
        .chain(component.map(component_label)))
}

/// Labels of a component's pods: those of its objects, with the values' labels for its pods
/// (`pod_labels`, a key of the values) before the component's own. Their version is that of
/// the image the pod runs (`version`), so that a new Mailu version restarts only the pods
/// whose image changes.
pub(crate) fn pod_labels(component: &'static str, pod_labels: Option<KeyPath>, version: Expr) -> Node {
    let common = Part::Include("mailu.podLabels", Shared::new(map(identity_labels())));
    map([common, entry(VERSION_LABEL, version), Part::Splice("commonLabels".into())]
        .into_iter()
        .chain(pod_labels.map(Part::Splice))
        .chain([component_label(component)]))
}

/// The labels that select a component's pods.
pub(crate) fn selector_labels(component: &'static str) -> Node {
    map([release_selector(), component_label(component)])
}

/// The labels that select every pod of the release.
pub(crate) fn release_pods() -> Node {
    map([release_selector()])
}

/// `metadata` of a namespaced object.
pub(crate) fn metadata(name: Expr, component: Option<&'static str>) -> Node {
    metadata_annotated(name, component, Vec::new())
}

/// `metadata` of a namespaced object with annotations of its own besides the values'
/// `commonAnnotations` (its own win).
pub(crate) fn metadata_annotated(
    name: Expr,
    component: Option<&'static str>,
    annotations: Vec<Part>,
) -> Node {
    metadata_labelled(name, component, Vec::new(), annotations)
}

/// `metadata` with labels and annotations of the object's own besides the common ones.
pub(crate) fn metadata_labelled(
    name: Expr,
    component: Option<&'static str>,
    extra_labels: Vec<Part>,
    annotations: Vec<Part>,
) -> Node {
    let labels = match labels(component) {
        Node::Map(mut parts) => {
            parts.to_mut().extend(extra_labels);
            Node::Map(parts)
        }
        _ => unreachable!("labels are a map"),
    };
    let annotations: Vec<Part> =
        std::iter::once(Part::Splice("commonAnnotations".into())).chain(annotations).collect();
    map([
        entry("name", name),
        entry("namespace", Expr::Namespace),
        entry("labels", labels),
        entry("annotations", Node::Map(annotations.into())).if_not_empty(),
    ])
}

/// An object with no checks.
pub(crate) fn object(
    path: impl Into<Cow<'static, str>>,
    when: Cond,
    about: impl Into<Cow<'static, str>>,
    body: Node,
) -> Object {
    Object { path: path.into(), when, about: about.into(), checks: List::Borrowed(&[]), body }
}

/// The annotation whose `keep` makes `helm uninstall` leave an object in place: the release's
/// claims and Namespace carry it, so `commonAnnotations` may not.
pub const RESOURCE_POLICY: &str = "helm.sh/resource-policy";

fn namespace() -> Object {
    let mut labels = vec![common_labels(), Part::Splice("commonLabels".into())];
    // Mailu's images start as root and drop privileges themselves: baseline, not restricted.
    // Baseline forbids host ports, so with them the namespace only audits and warns.
    let host_ports = components::front::mail_via("hostPort");
    labels.push(entry(
        "pod-security.kubernetes.io/enforce",
        Expr::choose(host_ports, Expr::lit("privileged"), Expr::lit("baseline")),
    ));
    for mode in ["audit", "warn"] {
        labels.push(entry(format!("pod-security.kubernetes.io/{mode}"), "baseline"));
    }
    object(
        "templates/namespace.yaml",
        Cond::flag("namespace.create"),
        "The release namespace, with the Pod Security level Mailu's images need.",
        map([
            entry("apiVersion", "v1"),
            entry("kind", "Namespace"),
            entry(
                "metadata",
                map([
                    entry("name", Expr::Namespace),
                    entry("labels", map(labels)),
                    // `helm uninstall` keeps it: deleting it would delete every claim in it.
                    entry(
                        "annotations",
                        map([entry(RESOURCE_POLICY, "keep"), Part::Splice("commonAnnotations".into())]),
                    ),
                ]),
            ),
        ]),
    )
}

/// The shared environment every Mailu container reads (`<release>-env`), for its ConfigMap
/// and the checksum annotation of every pod that reads it (the program holds it once: equal
/// parts of the wiring are stored once, see `build/wiring.rs`).
pub(crate) fn env_block() -> Shared<DataBlock> {
    shared_env_block("env".into(), |_| true)
}

/// The part of the shared environment a component's processes read, for the checksum that
/// restarts its pods: a welcome text changed restarts admin, not postfix.
pub(crate) fn env_block_read_by(component: &'static str) -> Shared<DataBlock> {
    shared_env_block(format!("env-{component}").into(), |v| v.read_by(component))
}

fn shared_env_block(
    name: Cow<'static, str>,
    keep: impl Fn(&shared_env::SharedVar) -> bool,
) -> Shared<DataBlock> {
    Shared::new(DataBlock {
        name,
        extra: None,
        entries: shared_env::vars()
            .into_iter()
            .filter(|v| keep(v))
            .map(|v| DataEntry { key: v.name.into(), content: Content::Value(v.value), when: v.when })
            .collect(),
    })
}

fn env_config_map() -> Object {
    Object {
        checks: release_checks().into(),
        ..object(
            "templates/env-configmap.yaml",
            Cond::Always,
            "The environment every Mailu container reads: Mailu's settings and the service addresses.",
            map([
                entry("apiVersion", "v1"),
                entry("kind", "ConfigMap"),
                entry("metadata", metadata(Expr::object_name("env"), None)),
                entry("data", Node::Data(env_block())),
            ]),
        )
    }
}

/// The configuration of the resolver beside the components that need validated DNS, for its
/// ConfigMap and the checksum annotation of every pod that reads it.
pub(crate) fn resolver_block() -> Shared<DataBlock> {
    Shared::new(DataBlock {
        name: "resolver".into(),
        extra: None,
        entries: vec![DataEntry {
            key: "unbound.conf".into(),
            content: Content::File(resolver::configuration()),
            when: Cond::Always,
        }]
        .into(),
    })
}

fn resolver_config_map() -> Object {
    object(
        "templates/resolver-configmap.yaml",
        resolver::enabled(),
        "The configuration of the DNSSEC-validating resolver beside admin, postfix and rspamd.",
        map([
            entry("apiVersion", "v1"),
            entry("kind", "ConfigMap"),
            entry("metadata", metadata(Expr::object_name("resolver"), None)),
            entry("data", Node::Data(resolver_block())),
        ]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data `build.rs` wrote is the wiring as built now, tree for tree.
    #[test]
    fn the_programs_wiring_is_the_wiring_built() {
        let built = build();
        assert_eq!(all().len(), built.len());
        for (stored, built) in all().iter().zip(&built) {
            assert_eq!(stored, built, "{}", built.path);
        }
    }

    /// A key the wiring reads that the model does not have would render as empty, silently:
    /// every key read must be one the defaults hold.
    #[test]
    fn every_key_the_wiring_reads_is_in_the_values_model() {
        let defaults = helm_engine::Value::Map(crate::values::defaults_tree());
        let mut read = std::collections::BTreeSet::new();
        let mut unknown = Vec::new();
        for object in all() {
            for key in object.keys() {
                read.insert(key.to_string());
                if defaults.get_dotted(key).is_none() {
                    unknown.push(format!("{}: {key}", object.path));
                }
            }
        }
        unknown.sort();
        unknown.dedup();
        assert!(unknown.is_empty(), "keys the model does not have:\n{}", unknown.join("\n"));
        // Keys read through each route: a list the output iterates over, a text, a condition,
        // a number, a map spliced in, a ConfigMap's data.
        for key in [
            "expose.httpRoute.parentRefs",
            "images.pullSecrets",
            "postmaster",
            "networkPolicy.enabled",
            "messageSizeLimitMb",
            "commonLabels",
            "front.overrides",
        ] {
            assert!(read.contains(key), "{key} is not among the {} keys read", read.len());
        }
        assert!(read.len() > 150, "only {} keys read", read.len());
    }
}
