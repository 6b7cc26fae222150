//! A component's wiring evaluated into its Kubernetes objects: ConfigMaps, claim, Service and
//! Deployment.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::core::v1::{
    Affinity, ConfigMap, ConfigMapEnvSource, ConfigMapVolumeSource, Container, ContainerPort,
    EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource, ExecAction, HTTPGetAction,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PodSecurityContext,
    PodSpec, PodTemplateSpec, Probe as K8sProbe, ResourceFieldSelector, ResourceRequirements, SeccompProfile,
    SecretKeySelector, Service, ServicePort, ServiceSpec, TCPSocketAction, Toleration, Volume as K8sVolume,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Manifest, config_checksum, labels, selector_labels, to_value};
use crate::components::expr::Ctx;
use crate::components::wiring::{
    Component, ConfigFile, Content, EnvValue, ImageSource, Probe, ProbeAction, Strategy, VolumeSource,
};
use helm_engine::Value;

/// The objects of one deployed component.
pub fn objects(component: &Component, ctx: &Ctx<'_>, shared_env_checksum: &str) -> Vec<Manifest> {
    let mut manifests = Vec::new();
    let block = ctx.values.get_dotted(component.values_key).cloned().unwrap_or_default();
    let mut checksums = BTreeMap::new();
    if component.shared_env {
        checksums.insert("checksum/env".to_string(), shared_env_checksum.to_string());
    }
    for config in component.configs.iter().filter(|f| f.when.eval(ctx)) {
        let data = config_data(config, ctx);
        checksums.insert(format!("checksum/{}", config.suffix), config_checksum(&data));
        let map = ConfigMap {
            metadata: metadata(ctx, component.name, &ctx.object_name(config.suffix)),
            data: Some(data.into_iter().collect()),
            ..Default::default()
        };
        manifests.push(Manifest::new(format!("templates/{}/configmap.yaml", component.name), to_value(&map)));
    }
    if component.persistent && text(&block, "persistence.existingClaim").is_empty() {
        manifests.push(Manifest::new(
            format!("templates/{}/pvc.yaml", component.name),
            to_value(&claim(component, ctx, &block)),
        ));
    }
    if !component.service.is_empty() {
        manifests.push(Manifest::new(
            format!("templates/{}/service.yaml", component.name),
            to_value(&service(component, ctx)),
        ));
    }
    let deployment = deployment(component, ctx, &block, checksums);
    manifests
        .push(Manifest::new(format!("templates/{}/deployment.yaml", component.name), to_value(&deployment)));
    manifests
}

/// The files of a ConfigMap, in order.
pub fn config_data(config: &ConfigFile, ctx: &Ctx<'_>) -> Vec<(String, String)> {
    config
        .files
        .iter()
        .map(|(name, content)| {
            let text = match content {
                Content::Static { text, .. } => text.to_string(),
                Content::Computed(expr) => expr.eval(ctx),
            };
            (name.to_string(), text)
        })
        .collect()
}

fn text(block: &Value, dotted: &str) -> String {
    block.get_dotted(dotted).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn metadata(ctx: &Ctx<'_>, component: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(ctx.namespace.to_string()),
        labels: Some(labels(ctx, Some(component))),
        ..Default::default()
    }
}

/// The name of the claim a component uses: the existing one the values name, or its own.
fn claim_name(component: &Component, ctx: &Ctx<'_>, block: &Value) -> String {
    let existing = text(block, "persistence.existingClaim");
    if existing.is_empty() { ctx.object_name(component.name) } else { existing }
}

fn claim(component: &Component, ctx: &Ctx<'_>, block: &Value) -> PersistentVolumeClaim {
    let own_class = text(block, "persistence.storageClass");
    let class = if own_class.is_empty() { ctx.text("storage.storageClass") } else { own_class };
    let mut meta = metadata(ctx, component.name, &ctx.object_name(component.name));
    // Mail is not something to lose on `helm uninstall`.
    meta.annotations = Some(BTreeMap::from([("helm.sh/resource-policy".to_string(), "keep".to_string())]));
    PersistentVolumeClaim {
        metadata: meta,
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_string()]),
            storage_class_name: (!class.is_empty()).then_some(class),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_string(),
                    Quantity(text(block, "persistence.size")),
                )])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn service(component: &Component, ctx: &Ctx<'_>) -> Service {
    Service {
        metadata: metadata(ctx, component.name, &ctx.object_name(component.name)),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_string()),
            selector: Some(selector_labels(ctx, component.name)),
            ports: Some(
                component
                    .service
                    .iter()
                    .map(|p| ServicePort {
                        name: Some(p.name.to_string()),
                        port: p.port,
                        target_port: Some(IntOrString::String(p.name.to_string())),
                        protocol: Some("TCP".to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The image reference of a component.
pub fn image(component: &Component, ctx: &Ctx<'_>, block: &Value) -> String {
    let (repository, tag) = match component.image {
        ImageSource::Mailu(name) => {
            let repository = text(block, "image.repository");
            let tag = text(block, "image.tag");
            (
                if repository.is_empty() {
                    format!("{}/{name}", ctx.text("images.registry"))
                } else {
                    repository
                },
                if tag.is_empty() { ctx.text("images.tag") } else { tag },
            )
        }
        ImageSource::Values => (text(block, "image.repository"), text(block, "image.tag")),
    };
    let digest = text(block, "image.digest");
    if digest.is_empty() { format!("{repository}:{tag}") } else { format!("{repository}:{tag}@{digest}") }
}

fn resources(block: &Value) -> Option<ResourceRequirements> {
    let pick = |kind: &str| {
        let map: BTreeMap<String, Quantity> = ["cpu", "memory"]
            .iter()
            .filter_map(|r| {
                let q = text(block, &format!("resources.{kind}.{r}"));
                (!q.is_empty()).then(|| (r.to_string(), Quantity(q)))
            })
            .collect();
        (!map.is_empty()).then_some(map)
    };
    let (requests, limits) = (pick("requests"), pick("limits"));
    (requests.is_some() || limits.is_some()).then(|| ResourceRequirements {
        requests,
        limits,
        ..Default::default()
    })
}

fn probe(probe: &Probe) -> K8sProbe {
    let mut k = K8sProbe {
        period_seconds: Some(probe.period_seconds),
        timeout_seconds: Some(probe.timeout_seconds),
        failure_threshold: Some(probe.failure_threshold),
        ..Default::default()
    };
    match &probe.action {
        ProbeAction::Http { path, port } => {
            k.http_get = Some(HTTPGetAction {
                path: Some(path.to_string()),
                port: IntOrString::String(port.to_string()),
                ..Default::default()
            })
        }
        ProbeAction::Tcp { port } => {
            k.tcp_socket =
                Some(TCPSocketAction { port: IntOrString::String(port.to_string()), ..Default::default() })
        }
        ProbeAction::Exec(command) => {
            k.exec = Some(ExecAction { command: Some(command.iter().map(|s| s.to_string()).collect()) })
        }
    }
    k
}

fn env(component: &Component, ctx: &Ctx<'_>, block: &Value) -> Vec<EnvVar> {
    let mut vars: Vec<EnvVar> = component
        .env
        .iter()
        .filter(|e| e.when.eval(ctx))
        .map(|e| match &e.value {
            EnvValue::Text(expr) => {
                EnvVar { name: e.name.to_string(), value: Some(expr.eval(ctx)), ..Default::default() }
            }
            EnvValue::Secret { name, key } => EnvVar {
                name: e.name.to_string(),
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: ctx.text(name),
                        key: ctx.text(key),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
            EnvValue::CpuLimitCores => EnvVar {
                name: e.name.to_string(),
                value_from: Some(EnvVarSource {
                    resource_field_ref: Some(ResourceFieldSelector {
                        container_name: Some(component.name.to_string()),
                        resource: "limits.cpu".to_string(),
                        divisor: Some(Quantity("1".to_string())),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
        })
        .collect();
    if component.pod_settings {
        vars.extend(pass_through::<Vec<EnvVar>>(block, "extraEnv").unwrap_or_default());
    }
    vars
}

/// A Kubernetes-shaped setting from the values, when it is not empty.
fn pass_through<T: serde::de::DeserializeOwned>(block: &Value, key: &str) -> Option<T> {
    let value = block.get_dotted(key)?;
    let empty = match value {
        Value::Map(m) => m.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Null => true,
        _ => false,
    };
    if empty {
        return None;
    }
    serde_json::from_value(value.to_json()).ok()
}

fn deployment(
    component: &Component,
    ctx: &Ctx<'_>,
    block: &Value,
    checksums: BTreeMap<String, String>,
) -> Deployment {
    let mut annotations: BTreeMap<String, String> = if component.pod_settings {
        pass_through(block, "podAnnotations").unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    annotations.extend(checksums);
    let container = Container {
        name: component.name.to_string(),
        image: Some(image(component, ctx, block)),
        image_pull_policy: Some(ctx.text("images.pullPolicy")),
        command: (!component.command.is_empty())
            .then(|| component.command.iter().map(|s| s.to_string()).collect()),
        ports: (!component.ports.is_empty()).then(|| {
            component
                .ports
                .iter()
                .map(|p| ContainerPort {
                    name: Some(p.name.to_string()),
                    container_port: p.number,
                    protocol: Some("TCP".to_string()),
                    ..Default::default()
                })
                .collect()
        }),
        env_from: component.shared_env.then(|| {
            vec![EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: ctx.object_name("env"),
                    ..Default::default()
                }),
                ..Default::default()
            }]
        }),
        env: Some(env(component, ctx, block)).filter(|v| !v.is_empty()),
        resources: resources(block),
        volume_mounts: (!component.mounts.is_empty()).then(|| {
            component
                .mounts
                .iter()
                .map(|m| VolumeMount {
                    name: m.volume.to_string(),
                    mount_path: m.path.to_string(),
                    sub_path: m.sub_path.map(str::to_string),
                    read_only: m.read_only.then_some(true),
                    ..Default::default()
                })
                .collect()
        }),
        startup_probe: component.probes.startup.as_ref().map(probe),
        liveness_probe: component.probes.liveness.as_ref().map(probe),
        readiness_probe: component.probes.readiness.as_ref().map(probe),
        ..Default::default()
    };
    let volumes: Vec<K8sVolume> = component
        .volumes
        .iter()
        .filter_map(|v| {
            let mut volume = K8sVolume { name: v.name.to_string(), ..Default::default() };
            match &v.source {
                VolumeSource::Claim => {
                    volume.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                        claim_name: claim_name(component, ctx, block),
                        ..Default::default()
                    })
                }
                VolumeSource::ConfigMap { suffix, mode } => {
                    let config = component.configs.iter().find(|c| c.suffix == *suffix)?;
                    if !config.when.eval(ctx) {
                        return None;
                    }
                    volume.config_map = Some(ConfigMapVolumeSource {
                        name: ctx.object_name(suffix),
                        default_mode: *mode,
                        ..Default::default()
                    })
                }
                VolumeSource::EmptyDir => volume.empty_dir = Some(EmptyDirVolumeSource::default()),
            }
            Some(volume)
        })
        .collect();
    let mounted: Vec<&str> = volumes.iter().map(|v| v.name.as_str()).collect();
    let mut container = container;
    if let Some(mounts) = container.volume_mounts.as_mut() {
        mounts.retain(|m| mounted.contains(&m.name.as_str()));
    }
    let strategy = match component.strategy {
        Strategy::Recreate => "Recreate",
        Strategy::RollingUpdate => "RollingUpdate",
    };
    Deployment {
        metadata: metadata(ctx, component.name, &ctx.object_name(component.name)),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(selector_labels(ctx, component.name)),
                ..Default::default()
            },
            strategy: Some(DeploymentStrategy { type_: Some(strategy.to_string()), ..Default::default() }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(ctx, Some(component.name))),
                    annotations: Some(annotations).filter(|a| !a.is_empty()),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    automount_service_account_token: Some(false),
                    // Service links would add variables such as MAILU_ADMIN_PORT to every pod.
                    enable_service_links: Some(false),
                    security_context: Some(PodSecurityContext {
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".to_string(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    node_selector: if component.pod_settings {
                        pass_through(block, "nodeSelector")
                    } else {
                        None
                    },
                    tolerations: if component.pod_settings {
                        pass_through::<Vec<Toleration>>(block, "tolerations")
                    } else {
                        None
                    },
                    affinity: if component.pod_settings {
                        pass_through::<Affinity>(block, "affinity")
                    } else {
                        None
                    },
                    containers: vec![container],
                    volumes: Some(volumes).filter(|v| !v.is_empty()),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}
