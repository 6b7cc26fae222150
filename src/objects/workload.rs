//! A component's own objects: its ConfigMaps, claim, Service and Deployment.

use crate::components::expr::{Cond, Expr, Seq, Shared};
use crate::components::tree::{
    DataBlock, DataEntry, Node, Object, Part, entry, item, items, list, map, values,
};
use crate::components::wiring::{Component, ConfigFile, EnvValue, ProbeAction, Strategy, VolumeSource};

use super::{
    env_block_read_by, metadata, metadata_annotated, object, pod_labels, resolver_block, selector_labels,
};
use crate::components::resolver;

/// The objects of one component, each present when the component is deployed.
pub(super) fn objects(c: &Component) -> Vec<Object> {
    let mut objects: Vec<Object> = c.configs.iter().map(|config| config_map(c, config)).collect();
    if !c.persistent.is_never() {
        objects.push(claim(c));
    }
    if !c.service.is_empty() {
        objects.push(service(c));
    }
    objects.push(workload(c, Kind::Deployment));
    if c.scalable {
        objects.push(disruption_budget(c));
    }
    if !c.daemon_set_when.is_never() {
        objects.push(workload(c, Kind::DaemonSet));
    }
    objects
}

/// The data of one of the component's ConfigMaps.
fn config_block(config: &ConfigFile) -> DataBlock {
    DataBlock {
        name: config.suffix.into(),
        extra: config.user_files.clone(),
        entries: config
            .files
            .iter()
            .map(|f| DataEntry { key: f.name.into(), content: f.content.clone(), when: f.when.clone() })
            .collect(),
    }
}

fn config_map(c: &Component, config: &ConfigFile) -> Object {
    let mut files: Vec<&str> = config.files.iter().map(|f| f.name).collect();
    if config.user_files.is_some() {
        files.push("the files of the values' overrides");
    }
    // One template per ConfigMap: `configmap.yaml` for the one named after the component,
    // `configmap-<rest>.yaml` for `<component>-<rest>`.
    let path = match config.suffix.strip_prefix(c.name).and_then(|rest| rest.strip_prefix('-')) {
        Some(rest) => format!("templates/{}/configmap-{rest}.yaml", c.name),
        None => format!("templates/{}/configmap.yaml", c.name),
    };
    object(
        path,
        c.when.clone().and(config.when.clone()),
        format!("{} of {}.", files.join(", "), c.name),
        map([
            entry("apiVersion", "v1"),
            entry("kind", "ConfigMap"),
            entry("metadata", metadata(Expr::object_name(config.suffix), Some(c.name))),
            entry("data", Node::Data(Shared::new(config_block(config)))),
        ]),
    )
}

fn claim(c: &Component) -> Object {
    // Mail is not something to lose on `helm uninstall`.
    let meta = metadata_annotated(
        Expr::object_name(c.name),
        Some(c.name),
        vec![entry(super::RESOURCE_POLICY, "keep")],
    );
    object(
        format!("templates/{}/pvc.yaml", c.name),
        c.when.clone().and(c.persistent.clone()).and(c.own_claim()),
        format!("The {} volume. Kept when the release is uninstalled: it holds data.", c.name),
        map([
            entry("apiVersion", "v1"),
            entry("kind", "PersistentVolumeClaim"),
            entry("metadata", meta),
            entry(
                "spec",
                map([
                    entry("accessModes", items(["ReadWriteOnce"])),
                    storage_class_name(c),
                    entry(
                        "resources",
                        map([entry(
                            "requests",
                            map([entry("storage", Expr::key(c.key("persistence.size")))]),
                        )]),
                    ),
                ]),
            ),
        ]),
    )
}

fn service_annotations(c: &Component) -> Vec<Part> {
    if c.pod_settings { vec![Part::Splice(c.key("serviceAnnotations"))] } else { Vec::new() }
}

fn service(c: &Component) -> Object {
    object(
        format!("templates/{}/service.yaml", c.name),
        c.when.clone(),
        format!("The in-cluster address of {}.", c.name),
        map([
            entry("apiVersion", "v1"),
            entry("kind", "Service"),
            entry(
                "metadata",
                metadata_annotated(Expr::object_name(c.name), Some(c.name), service_annotations(c)),
            ),
            entry(
                "spec",
                map([
                    entry("type", "ClusterIP"),
                    entry("selector", selector_labels(c.name)),
                    entry(
                        "ports",
                        list(c.service.iter().map(|p| {
                            item(map([
                                entry("name", p.name),
                                entry("port", p.port),
                                entry("targetPort", p.name),
                                entry("protocol", "TCP"),
                            ]))
                            .when(p.when.clone())
                        })),
                    ),
                ]),
            ),
        ]),
    )
}

/// The number of pods: the values' for the components that can run several, else one.
fn replicas(c: &Component) -> Part {
    if c.scalable { entry("replicas", Node::Number(c.key("replicas"))) } else { entry("replicas", 1) }
}

/// When a component runs more than one pod as a Deployment (a DaemonSet runs one on each node,
/// whatever `replicas` says, and node drains pass its pods by).
pub(super) fn several(c: &Component) -> Cond {
    if c.scalable {
        Cond::at_least(c.key("replicas"), 2).and(Cond::negate(c.daemon_set_when.clone()))
    } else {
        Cond::Never
    }
}

/// How many old revisions Kubernetes keeps for rollbacks.
fn history(c: &Component) -> Part {
    if c.pod_settings {
        entry("revisionHistoryLimit", Node::Number(c.key("revisionHistoryLimit")))
    } else {
        entry("revisionHistoryLimit", 10)
    }
}

/// With several pods, voluntary disruptions (node drains, upgrades) take one at a time. Pods
/// that are not ready may always be evicted: otherwise pods that never become ready (a
/// ClamAV without signatures, a front without its certificate) would block every drain.
fn disruption_budget(c: &Component) -> Object {
    object(
        format!("templates/{}/poddisruptionbudget.yaml", c.name),
        c.when.clone().and(several(c)),
        format!("Node drains and upgrades take one {} pod at a time.", c.name),
        map([
            entry("apiVersion", "policy/v1"),
            entry("kind", "PodDisruptionBudget"),
            entry("metadata", metadata(Expr::object_name(c.name), Some(c.name))),
            entry(
                "spec",
                map([
                    entry("maxUnavailable", 1),
                    entry("selector", map([entry("matchLabels", selector_labels(c.name))])),
                    entry("unhealthyPodEvictionPolicy", "AlwaysAllow"),
                ]),
            ),
        ]),
    )
}

/// The workload kinds a component can run as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deployment,
    DaemonSet,
}

fn workload(c: &Component, kind: Kind) -> Object {
    let mut annotations = Vec::new();
    if c.pod_settings {
        annotations.push(Part::Splice(c.key("podAnnotations")));
    }
    // Pods restart when a ConfigMap they read changes.
    if c.shared_env {
        annotations.push(entry("checksum/env", Node::Checksum(env_block_read_by(c.name))));
    }
    for config in &c.configs {
        annotations.push(
            entry(format!("checksum/{}", config.suffix), Node::Checksum(Shared::new(config_block(config))))
                .when(config.when.clone()),
        );
    }
    if c.validating_dns {
        annotations
            .push(entry("checksum/resolver", Node::Checksum(resolver_block())).when(resolver::enabled()));
    }
    let template = entry(
        "template",
        map([
            entry(
                "metadata",
                map([
                    entry(
                        "labels",
                        pod_labels(c.name, c.pod_settings.then(|| c.key("podLabels")), c.image_tag()),
                    ),
                    entry("annotations", Node::Map(annotations.into())).if_not_empty(),
                ]),
            ),
            entry("spec", pod_spec(c)),
        ]),
    );
    let selector = entry("selector", map([entry("matchLabels", selector_labels(c.name))]));
    let (kind_name, file, when, spec) = match kind {
        Kind::Deployment => {
            let (kind, recreate): (Node, Cond) = match &c.strategy {
                Strategy::Recreate => ("Recreate".into(), Cond::Always),
                Strategy::RollingUpdate => ("RollingUpdate".into(), Cond::Never),
                Strategy::RecreateWhen(cond) => (
                    Expr::choose(cond.clone(), Expr::lit("Recreate"), Expr::lit("RollingUpdate")).into(),
                    cond.clone(),
                ),
            };
            // The rolling update's parameters are Kubernetes' defaults, written out so that
            // the release owns them: a live Deployment keeps parameters the server filled in
            // when its type later turns to Recreate, and the API server refuses Recreate with
            // them (server-side apply removes only the fields its manager applied before).
            let mut strategy = vec![entry("type", kind)];
            if !recreate.is_always() {
                let parameters = map([entry("maxSurge", "25%"), entry("maxUnavailable", "25%")]);
                strategy.push(entry("rollingUpdate", parameters).when(Cond::negate(recreate)));
            }
            (
                "Deployment",
                "deployment",
                c.when.clone().and(Cond::negate(c.daemon_set_when.clone())),
                vec![replicas(c), history(c), selector, entry("strategy", map(strategy)), template],
            )
        }
        Kind::DaemonSet => (
            "DaemonSet",
            "daemonset",
            c.when.clone().and(c.daemon_set_when.clone()),
            vec![
                selector,
                entry("updateStrategy", map([entry("type", "RollingUpdate")])),
                history(c),
                template,
            ],
        ),
    };
    object(
        format!("templates/{}/{file}.yaml", c.name),
        when,
        format!("{}: {}.", c.name, c.summary),
        map([
            entry("apiVersion", "apps/v1"),
            entry("kind", kind_name),
            entry("metadata", metadata(Expr::object_name(c.name), Some(c.name))),
            entry("spec", Node::Map(spec.into())),
        ]),
    )
}

/// An entry from a values setting of the component, left out when the setting is empty.
fn setting(c: &Component, key: &'static str) -> Part {
    entry(key, values(c.key(key))).if_not_empty()
}

/// The entry `key` from the values setting `setting` when it is not empty, else `fallback`.
fn setting_or(c: &Component, key: &'static str, setting: &str, fallback: Node) -> [Part; 2] {
    let given = Cond::present(c.key(setting));
    [entry(key, values(c.key(setting))).when(given.clone()), entry(key, fallback).when(Cond::negate(given))]
}

fn pod_spec(c: &Component) -> Node {
    let mut spec = vec![
        entry("automountServiceAccountToken", false),
        // Service links would add variables such as MAILU_ADMIN_PORT to every pod.
        entry("enableServiceLinks", false),
    ];
    let runtime_default = super::PROFILE_TYPES[0];
    let default_security = map([entry("seccompProfile", map([entry("type", runtime_default)]))]);
    if c.pod_settings {
        spec.extend(setting_or(c, "securityContext", "podSecurityContext", default_security));
    } else {
        spec.push(entry("securityContext", default_security));
    }
    spec.push(
        entry(
            "imagePullSecrets",
            list([Part::Each(
                Seq::key("images.pullSecrets").then(Seq::key("global.imagePullSecrets")).names(),
                map([entry("name", Expr::Item)]),
            )]),
        )
        .if_not_empty(),
    );
    if c.pod_settings {
        for key in ["nodeSelector", "tolerations", "affinity", "hostAliases"] {
            spec.push(setting(c, key));
        }
        // Several pods spread over nodes, unless the values say how.
        let spread = Cond::present(c.key("topologySpreadConstraints"));
        spec.push(
            entry("topologySpreadConstraints", values(c.key("topologySpreadConstraints")))
                .when(spread.clone()),
        );
        spec.push(
            entry(
                "topologySpreadConstraints",
                list([item(map([
                    entry("maxSkew", 1),
                    entry("topologyKey", "kubernetes.io/hostname"),
                    entry("whenUnsatisfiable", "ScheduleAnyway"),
                    entry("labelSelector", map([entry("matchLabels", selector_labels(c.name))])),
                ]))]),
            )
            .when(Cond::negate(spread).and(several(c))),
        );
        spec.push(entry("priorityClassName", Expr::key(c.key("priorityClassName"))).if_not_empty());
        spec.push(entry("serviceAccountName", Expr::key(c.key("serviceAccountName"))).if_not_empty());
        spec.push(
            entry("terminationGracePeriodSeconds", Node::Number(c.key("terminationGracePeriodSeconds")))
                .if_not_empty(),
        );
    }
    let mut init = Vec::new();
    if c.validating_dns {
        init.push(item(resolver_container()).when(resolver::enabled()));
    }
    if c.pod_settings {
        init.push(Part::Splice(c.key("initContainers")));
    }
    spec.push(entry("initContainers", Node::List(init.into())).if_not_empty());
    if c.validating_dns {
        // Every lookup goes to the resolver on the pod's own loopback address.
        spec.push(entry("dnsPolicy", "None").when(resolver::enabled()));
        spec.push(
            entry(
                "dnsConfig",
                map([
                    entry("nameservers", items(["127.0.0.1"])),
                    entry(
                        "searches",
                        list([
                            item(Expr::concat(vec![
                                Expr::Namespace,
                                Expr::lit(".svc."),
                                Expr::key("clusterDomain"),
                            ])),
                            item(Expr::concat(vec![Expr::lit("svc."), Expr::key("clusterDomain")])),
                            item(Expr::key("clusterDomain")),
                        ]),
                    ),
                    entry("options", list([item(map([entry("name", "ndots"), entry("value", "5")]))])),
                ]),
            )
            .when(resolver::enabled()),
        );
    }
    let mut containers = vec![item(container(c))];
    if c.pod_settings {
        containers.push(Part::Splice(c.key("extraContainers")));
    }
    spec.push(entry("containers", Node::List(containers.into())));
    let mut volumes: Vec<Part> = c
        .volumes
        .iter()
        .map(|v| {
            let source = match &v.source {
                VolumeSource::Claim => {
                    entry("persistentVolumeClaim", map([entry("claimName", c.claim_name())]))
                }
                VolumeSource::ConfigMap { suffix, mode } => entry(
                    "configMap",
                    map([entry("name", Expr::object_name(*suffix))]
                        .into_iter()
                        .chain(mode.map(|m| entry("defaultMode", m)))),
                ),
                VolumeSource::EmptyDir => entry("emptyDir", map([])),
                VolumeSource::Secret { name, items } => entry(
                    "secret",
                    map([
                        entry("secretName", name.clone()),
                        entry(
                            "items",
                            list(items.iter().map(|(key, path)| {
                                item(map([entry("key", key.clone()), entry("path", *path)]))
                            })),
                        ),
                    ]),
                ),
            };
            item(map([entry("name", v.name), source])).when(c.volume_present(v))
        })
        .collect();
    if c.validating_dns {
        volumes.push(
            item(map([
                entry("name", "resolver"),
                entry("configMap", map([entry("name", Expr::object_name("resolver"))])),
            ]))
            .when(resolver::enabled()),
        );
    }
    if c.pod_settings {
        volumes.push(Part::Splice(c.key("extraVolumes")));
    }
    spec.push(entry("volumes", Node::List(volumes.into())).if_not_empty());
    map(spec)
}

fn container(c: &Component) -> Node {
    let mut parts = vec![
        entry("name", c.name),
        entry("image", c.image()),
        entry("imagePullPolicy", Expr::key("images.pullPolicy")),
    ];
    if !c.command.is_empty() {
        parts.push(entry("command", items(c.command.iter().copied())).when(c.command_when.clone()));
    }
    if !c.ports.is_empty() {
        parts.push(
            entry(
                "ports",
                list(c.ports.iter().map(|p| {
                    let mut port = vec![entry("name", p.name), entry("containerPort", p.number)];
                    if !p.on_host.is_never() {
                        port.push(entry("hostPort", p.host_number).when(p.on_host.clone()));
                    }
                    port.push(entry("protocol", "TCP"));
                    item(Node::Map(port.into())).when(p.when.clone())
                })),
            )
            .if_not_empty(),
        );
    }
    if c.shared_env {
        parts.push(entry(
            "envFrom",
            list([item(map([entry("configMapRef", map([entry("name", Expr::object_name("env"))]))]))]),
        ));
    }
    let mut env: Vec<Part> =
        c.env.iter().map(|e| item(env_var(c, e.name, &e.value)).when(e.when.clone())).collect();
    if c.pod_settings {
        env.push(Part::Splice(c.key("extraEnv")));
    }
    parts.push(entry("env", Node::List(env.into())).if_not_empty());
    parts.push(entry("resources", resources(c)).if_not_empty());
    if !c.pre_stop.is_empty() {
        let command = items(c.pre_stop.iter().copied());
        parts.push(entry(
            "lifecycle",
            map([entry("preStop", map([entry("exec", map([entry("command", command)]))]))]),
        ));
    }
    for (key, kind, check) in [
        ("startupProbe", "startup", &c.probes.started),
        ("livenessProbe", "liveness", &c.probes.alive),
        ("readinessProbe", "readiness", &c.probes.ready),
    ] {
        let timing = |field: &str| c.key(&format!("probes.{kind}.{field}"));
        parts.push(
            entry(
                key,
                map([
                    probe_check(check),
                    entry("initialDelaySeconds", Node::Number(timing("initialDelaySeconds"))).if_not_empty(),
                    entry("periodSeconds", Node::Number(timing("periodSeconds"))),
                    entry("timeoutSeconds", Node::Number(timing("timeoutSeconds"))),
                    entry("failureThreshold", Node::Number(timing("failureThreshold"))),
                ]),
            )
            .when(Cond::flag(timing("enabled"))),
        );
    }
    let default_security = security_context(c);
    if c.pod_settings {
        parts.extend(setting_or(c, "securityContext", "containerSecurityContext", default_security));
    } else {
        parts.push(entry("securityContext", default_security));
    }
    let mut mounts: Vec<Part> = c
        .mounts
        .iter()
        .map(|m| {
            let mut mount = vec![entry("name", m.volume), entry("mountPath", m.path)];
            if let Some(sub_path) = m.sub_path {
                mount.push(entry("subPath", sub_path));
            }
            if m.read_only {
                mount.push(entry("readOnly", true));
            }
            item(Node::Map(mount.into())).when(c.volume_when(m.volume))
        })
        .collect();
    if c.pod_settings {
        mounts.push(Part::Splice(c.key("extraVolumeMounts")));
    }
    parts.push(entry("volumeMounts", Node::List(mounts.into())).if_not_empty());
    map(parts)
}

/// The resolver, as a sidecar: an init container that keeps running (`restartPolicy:
/// Always`), so that it answers before the main container starts and as long as it runs.
fn resolver_container() -> Node {
    let resolver = resolver::component();
    map([
        entry("name", "resolver"),
        entry("image", resolver.image()),
        entry("imagePullPolicy", Expr::key("images.pullPolicy")),
        entry("restartPolicy", "Always"),
        entry("resources", resources(&resolver)).if_not_empty(),
        entry("securityContext", security_context(&resolver)),
        entry(
            "volumeMounts",
            list([item(map([
                entry("name", "resolver"),
                entry("mountPath", "/unbound.conf"),
                entry("subPath", "unbound.conf"),
                entry("readOnly", true),
            ]))]),
        ),
    ])
}

/// The container's security context: no capability it does not need (raw sockets above all),
/// and no privilege escalation where the image allows it.
fn security_context(c: &Component) -> Node {
    let mut parts = Vec::new();
    if c.no_new_privileges {
        parts.push(entry("allowPrivilegeEscalation", false));
    }
    parts.push(entry("capabilities", map([entry("drop", items(["NET_RAW"]))])));
    map(parts)
}

fn env_var(c: &Component, name: &'static str, value: &EnvValue) -> Node {
    let value = match value {
        EnvValue::Text(expr) => entry("value", expr.clone()),
        EnvValue::Secret { name, key } => entry(
            "valueFrom",
            map([entry(
                "secretKeyRef",
                map([entry("name", Expr::key(name.clone())), entry("key", Expr::key(key.clone()))]),
            )]),
        ),
        EnvValue::CpuLimitCores => resource_field(c, "limits.cpu", "1"),
        EnvValue::MemoryLimitMebibytes => resource_field(c, "limits.memory", "1Mi"),
    };
    map([entry("name", name), value])
}

/// The claim's class: left out when none is named (the cluster's default class); `-` asks
/// for none at all, which Kubernetes reads from an empty name.
fn storage_class_name(c: &Component) -> Part {
    let class = c.storage_class();
    let none = Cond::Matches(Shared::new(class.clone()), "^-$");
    entry("storageClassName", Expr::choose(none, Expr::lit(""), class.clone()))
        .when(Cond::NotEmpty(Shared::new(class)))
}

/// A value of the container's own resources, in units of `divisor` (rounded up).
fn resource_field(c: &Component, resource: &'static str, divisor: &'static str) -> Part {
    entry(
        "valueFrom",
        map([entry(
            "resourceFieldRef",
            map([entry("containerName", c.name), entry("resource", resource), entry("divisor", divisor)]),
        )]),
    )
}

/// Requests and limits without the quantities left empty; nothing when all are empty.
fn resources(c: &Component) -> Node {
    map(["requests", "limits"].map(|kind| {
        entry(
            kind,
            map(crate::components::wiring::RESOURCE_NAMES.map(|resource| {
                // A name with a dash is no field name in a Go template: read by index.
                let quantity = if resource.contains('-') {
                    Expr::Entry(c.key(&format!("resources.{kind}")), resource)
                } else {
                    Expr::key(c.key(&format!("resources.{kind}.{resource}")))
                };
                entry(resource, quantity).if_not_empty()
            })),
        )
        .if_not_empty()
    }))
}

fn probe_check(check: &ProbeAction) -> Part {
    match check {
        ProbeAction::Http { path, port } => {
            entry("httpGet", map([entry("path", *path), entry("port", *port)]))
        }
        ProbeAction::Tcp { port } => entry("tcpSocket", map([entry("port", *port)])),
        ProbeAction::Exec(command) => entry("exec", map([entry("command", items(command.iter().copied()))])),
    }
}
