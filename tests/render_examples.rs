//! Every values example, rendered: snapshots, determinism, schema validation of every object
//! (kubernetes-validate for built-in kinds, the CRDs for custom resources), and a check that
//! every reference between objects holds.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use helm_engine::{Map, Value};
use mailu_chart::render::{Manifest, output};

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn renders_match_the_reviewed_snapshots() {
    for example in common::examples() {
        let stream = output::stream(&common::render(&[&example], &[]));
        insta::assert_snapshot!(format!("render-{}", stem(&example)), stream);
    }
}

#[test]
fn rendering_is_deterministic() {
    for example in common::examples() {
        let a = output::stream(&common::render(&[&example], &[]));
        let b = output::stream(&common::render(&[&example], &[]));
        assert_eq!(a, b, "{}", stem(&example));
    }
}

/// The API groups of Kubernetes itself (besides the core group). Everything else, Gateway
/// API's `gateway.networking.k8s.io` included, is a custom resource checked against its CRD.
const BUILT_IN_GROUPS: &[&str] = &[
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
];

fn is_built_in(manifest: &Manifest) -> bool {
    let api = manifest.object.get_dotted("apiVersion").and_then(Value::as_str).unwrap_or_default();
    api.split_once('/').is_none_or(|(group, _)| BUILT_IN_GROUPS.contains(&group))
}

#[test]
fn built_in_kinds_are_told_from_custom_resources() {
    let object = |api: &str| {
        Manifest::new(
            String::new(),
            Value::Map(Map::from_iter([("apiVersion".into(), Value::String(api.into()))])),
        )
    };
    for api in ["v1", "apps/v1", "policy/v1", "networking.k8s.io/v1"] {
        assert!(is_built_in(&object(api)), "{api}");
    }
    for api in [
        "traefik.io/v1alpha1",
        "cert-manager.io/v1",
        "gateway.networking.k8s.io/v1",
        "monitoring.coreos.com/v1",
    ] {
        assert!(!is_built_in(&object(api)), "{api}");
    }
}

/// The objects of every example and of a variation per exposure mode.
fn every_mode() -> Vec<(String, Vec<Manifest>)> {
    let mut renders: Vec<(String, Vec<Manifest>)> =
        common::examples().iter().map(|e| (stem(e), common::render(&[e], &[]))).collect();
    let minimal = common::root().join("values-examples/minimal.yaml");
    for set in [
        &["expose.mail=hostPort", "expose.hostPort.kind=Deployment", "tls.source=letsencrypt"][..],
        &["expose.mail=none", "expose.web=none", "tls.source=none"],
        &["expose.web=none", "tls.source=certManager", "tls.certManager.issuerKind=Issuer"],
    ] {
        renders.push((set.join(" "), common::render(&[&minimal], set)));
    }
    renders
}

#[test]
fn built_in_objects_pass_kubernetes_validate_strict() {
    let Some(validator) = common::Oracle::KubernetesValidate.find() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut kinds = BTreeSet::new();
    for (index, (name, manifests)) in every_mode().into_iter().enumerate() {
        let built_in: Vec<Manifest> = manifests.into_iter().filter(is_built_in).collect();
        kinds.extend(built_in.iter().map(|m| m.kind().to_string()));
        let file = dir.path().join(format!("{index}.yaml"));
        std::fs::write(&file, output::stream(&built_in)).unwrap();
        for version in ["1.29.0", "1.33.0", "1.37.0"] {
            let out =
                common::run(&validator, &["--strict", "--quiet", "-k", version, &file.display().to_string()]);
            let report =
                String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && !report.contains("ERROR"),
                "{name} on Kubernetes {version}:\n{report}"
            );
        }
    }
    for kind in ["NetworkPolicy", "Ingress", "DaemonSet", "Service", "Deployment", "PersistentVolumeClaim"] {
        assert!(kinds.contains(kind), "no {kind} was validated");
    }
}

/// The CRD schemas of every custom resource the output may hold, by (kind, apiVersion), when
/// available. The test command requires them where the project's shared schemas are present.
fn crd_schemas() -> Option<BTreeMap<(String, String), serde_json::Value>> {
    let dir = std::env::var_os("MAILU_CHART_CRDS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::root().join("../shared/schemas"));
    if !dir.is_dir() {
        if std::env::var("MAILU_CHART_REQUIRE_CRDS").as_deref() == Ok("1") {
            panic!("the CRD schemas are required: {} is not a directory (MAILU_CHART_CRDS)", dir.display());
        }
        eprintln!(
            "note: skipping the CRD validation: no CRD schemas at {} (MAILU_CHART_CRDS)",
            dir.display()
        );
        return None;
    }
    let mut schemas = BTreeMap::new();
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for crd in helm_engine::load_yaml_documents(&text).unwrap().into_iter().filter_map(|d| d.root) {
            let group = crd.get_dotted("spec.group").and_then(Value::as_str).unwrap_or_default().to_string();
            let kind =
                crd.get_dotted("spec.names.kind").and_then(Value::as_str).unwrap_or_default().to_string();
            for version in crd.get_dotted("spec.versions").and_then(Value::as_list).into_iter().flatten() {
                let name = version.get_dotted("name").and_then(Value::as_str).unwrap_or_default();
                if let Some(schema) = version.get_dotted("schema.openAPIV3Schema") {
                    schemas.insert((kind.clone(), format!("{group}/{name}")), closed(&schema.to_json()));
                }
            }
        }
    }
    Some(schemas)
}

/// A CRD's schema with every object closed to unknown fields (the API server would prune
/// them silently; a typo should fail here instead).
fn closed(schema: &serde_json::Value) -> serde_json::Value {
    match schema {
        serde_json::Value::Object(map) => {
            let mut out: serde_json::Map<String, serde_json::Value> =
                map.iter().map(|(k, v)| (k.clone(), closed(v))).collect();
            let preserve =
                map.get("x-kubernetes-preserve-unknown-fields") == Some(&serde_json::Value::Bool(true));
            if map.contains_key("properties") && !preserve && !map.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), serde_json::Value::Bool(false));
            }
            serde_json::Value::Object(out)
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(closed).collect()),
        other => other.clone(),
    }
}

#[test]
fn custom_resources_match_their_crds() {
    let Some(schemas) = crd_schemas() else { return };
    let mut checked = BTreeSet::new();
    for (name, manifests) in every_mode() {
        for manifest in manifests.iter().filter(|m| !is_built_in(m)) {
            let api = manifest.object.get_dotted("apiVersion").and_then(Value::as_str).unwrap_or_default();
            let key = (manifest.kind().to_string(), api.to_string());
            let schema = schemas.get(&key).unwrap_or_else(|| panic!("{name}: no CRD for {key:?}"));
            let validator = jsonschema::validator_for(schema).unwrap();
            let errors: Vec<String> =
                validator.iter_errors(&manifest.object.to_json()).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name} {} {}: {errors:?}", manifest.kind(), manifest.name());
            checked.insert(manifest.kind().to_string());
        }
    }
    for kind in ["IngressRouteTCP", "MiddlewareTCP", "Certificate", "HTTPRoute"] {
        assert!(checked.contains(kind), "no {kind} was checked against its CRD");
    }
}

/// Objects by kind and name.
struct Objects(Vec<Manifest>);

impl Objects {
    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.0.iter().filter(move |m| m.kind() == kind).map(|m| &m.object)
    }

    fn names(&self, kind: &str) -> BTreeSet<String> {
        self.of_kind(kind)
            .filter_map(|o| o.get_dotted("metadata.name").and_then(Value::as_str))
            .map(str::to_string)
            .collect()
    }

    fn service(&self, name: &str) -> Option<&Value> {
        self.of_kind("Service").find(|s| s.get_dotted("metadata.name").and_then(Value::as_str) == Some(name))
    }
}

fn strings(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_map)
        .map(|m: &Map| {
            m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
        })
        .unwrap_or_default()
}

fn list(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_list).map(Vec::as_slice).unwrap_or_default()
}

fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Problems with references between the objects of one render.
fn reference_problems(objects: &Objects, namespace: &str, external_claims: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let pods: Vec<(BTreeMap<String, String>, &Value)> = objects
        .of_kind("Deployment")
        .chain(objects.of_kind("DaemonSet"))
        .map(|d| {
            (
                strings(d.get_dotted("spec.template.metadata.labels")),
                d.get_dotted("spec.template.spec").unwrap(),
            )
        })
        .collect();
    let container_ports = |spec: &Value| -> BTreeMap<String, i64> {
        list(spec.get_dotted("containers"))
            .iter()
            .flat_map(|c| list(c.get_dotted("ports")))
            .filter_map(|p| {
                Some((
                    p.get_dotted("name")?.as_str()?.to_string(),
                    p.get_dotted("containerPort")?.as_f64()? as i64,
                ))
            })
            .collect()
    };
    for deployment in objects.of_kind("Deployment").chain(objects.of_kind("DaemonSet")) {
        let selector = strings(deployment.get_dotted("spec.selector.matchLabels"));
        let labels = strings(deployment.get_dotted("spec.template.metadata.labels"));
        if !selects(&selector, &labels) {
            problems.push(format!(
                "Deployment {:?}: selector does not match its pods",
                deployment.get_dotted("metadata.name")
            ));
        }
    }
    for service in objects.of_kind("Service") {
        let name = service.get_dotted("metadata.name").and_then(Value::as_str).unwrap_or_default();
        let selector = strings(service.get_dotted("spec.selector"));
        let matching: Vec<_> = pods.iter().filter(|(labels, _)| selects(&selector, labels)).collect();
        if matching.is_empty() {
            problems.push(format!("Service {name}: selector matches no pod"));
        }
        for port in list(service.get_dotted("spec.ports")) {
            let target = port.get_dotted("targetPort").and_then(Value::as_str).unwrap_or_default();
            for (_, spec) in &matching {
                if !container_ports(spec).contains_key(target) {
                    problems.push(format!("Service {name}: targetPort {target} is not a container port"));
                }
            }
        }
    }
    let service_has_port = |name: &str, port: &Value| -> bool {
        objects.service(name).is_some_and(|s| {
            list(s.get_dotted("spec.ports")).iter().any(|p| match port {
                Value::String(n) => p.get_dotted("name").and_then(Value::as_str) == Some(n),
                number => p.get_dotted("port").and_then(Value::as_f64) == number.as_f64(),
            })
        })
    };
    for ingress in objects.of_kind("Ingress") {
        for rule in list(ingress.get_dotted("spec.rules")) {
            for path in list(rule.get_dotted("http.paths")) {
                let service =
                    path.get_dotted("backend.service.name").and_then(Value::as_str).unwrap_or_default();
                let port = path.get_dotted("backend.service.port.name").cloned().unwrap_or_default();
                if !service_has_port(service, &port) {
                    problems.push(format!("Ingress backend {service}:{port:?} does not exist"));
                }
            }
        }
    }
    for route in objects.of_kind("HTTPRoute") {
        for rule in list(route.get_dotted("spec.rules")) {
            for backend in list(rule.get_dotted("backendRefs")) {
                let service = backend.get_dotted("name").and_then(Value::as_str).unwrap_or_default();
                let port = backend.get_dotted("port").cloned().unwrap_or_default();
                if !service_has_port(service, &port) {
                    problems.push(format!("HTTPRoute backend {service}:{port:?} does not exist"));
                }
            }
        }
    }
    let middlewares = objects.names("MiddlewareTCP");
    let tls_options = objects.names("TLSOption");
    for route in objects.of_kind("IngressRouteTCP") {
        for r in list(route.get_dotted("spec.routes")) {
            for service in list(r.get_dotted("services")) {
                let name = service.get_dotted("name").and_then(Value::as_str).unwrap_or_default();
                let port = service.get_dotted("port").cloned().unwrap_or_default();
                if !service_has_port(name, &port) {
                    problems.push(format!("IngressRouteTCP backend {name}:{port:?} does not exist"));
                }
            }
            for middleware in list(r.get_dotted("middlewares")) {
                let name = middleware.get_dotted("name").and_then(Value::as_str).unwrap_or_default();
                if !middlewares.contains(name) {
                    problems.push(format!("IngressRouteTCP uses missing MiddlewareTCP {name}"));
                }
            }
        }
        if let Some(option) = route.get_dotted("spec.tls.options.name").and_then(Value::as_str)
            && !tls_options.contains(option)
        {
            problems.push(format!("IngressRouteTCP uses missing TLSOption {option}"));
        }
    }
    let services = objects.names("Service");
    let config_maps = objects.names("ConfigMap");
    let claims = objects.names("PersistentVolumeClaim");
    let mut addresses: Vec<(String, String)> = Vec::new();
    for config_map in objects.of_kind("ConfigMap") {
        for (key, value) in strings(config_map.get_dotted("data")) {
            addresses.push((key, value));
        }
    }
    for (_, spec) in &pods {
        for container in list(spec.get_dotted("containers")) {
            for env in list(container.get_dotted("env")) {
                if let (Some(name), Some(value)) = (
                    env.get_dotted("name").and_then(Value::as_str),
                    env.get_dotted("value").and_then(Value::as_str),
                ) {
                    addresses.push((name.to_string(), value.to_string()));
                }
            }
            for source in list(container.get_dotted("envFrom")) {
                let name = source.get_dotted("configMapRef.name").and_then(Value::as_str).unwrap_or_default();
                if !config_maps.contains(name) {
                    problems.push(format!("envFrom names missing ConfigMap {name}"));
                }
            }
        }
        for volume in list(spec.get_dotted("volumes")) {
            if let Some(name) = volume.get_dotted("configMap.name").and_then(Value::as_str)
                && !config_maps.contains(name)
            {
                problems.push(format!("volume names missing ConfigMap {name}"));
            }
            if let Some(name) = volume.get_dotted("persistentVolumeClaim.claimName").and_then(Value::as_str)
                && !claims.contains(name)
                && !external_claims.contains(name)
            {
                problems.push(format!("volume names missing claim {name}"));
            }
        }
    }
    let suffix = format!(".{namespace}.svc.cluster.local");
    for (key, value) in addresses.iter().filter(|(k, _)| k.ends_with("_ADDRESS")) {
        let host = value.split(':').next().unwrap_or_default();
        let in_cluster = host.strip_suffix(&suffix);
        match in_cluster {
            Some(service) if !services.contains(service) => {
                problems.push(format!("{key}={value} names no Service"));
            }
            None if key != "REDIS_ADDRESS" => {
                problems.push(format!("{key}={value} is not an in-cluster address"))
            }
            _ => {}
        }
    }
    for policy in objects.of_kind("NetworkPolicy") {
        let selector = strings(policy.get_dotted("spec.podSelector.matchLabels"));
        if !pods.iter().any(|(labels, _)| selects(&selector, labels)) {
            problems.push(format!("NetworkPolicy {:?} selects no pod", policy.get_dotted("metadata.name")));
        }
    }
    problems
}

/// The claims the values say exist already (`*.persistence.existingClaim`).
fn existing_claims(example: &Path) -> BTreeSet<String> {
    let values = mailu_chart::values::resolve(&common::user_values(&[example], &[])).unwrap();
    let tree = mailu_chart::render::values_tree(&values);
    tree.as_map()
        .unwrap()
        .values()
        .filter_map(|block| block.get_dotted("persistence.existingClaim").and_then(Value::as_str))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_reference_between_objects_holds() {
    for example in common::examples() {
        for release in [
            mailu_chart::render::Release::default(),
            mailu_chart::render::Release { name: "mail".into(), namespace: "tenant-a".into() },
        ] {
            let objects = Objects(common::render_release(&[&example], &[], &release));
            let problems = reference_problems(&objects, &release.namespace, &existing_claims(&example));
            assert!(problems.is_empty(), "{} ({release:?}):\n{}", stem(&example), problems.join("\n"));
        }
    }
}

#[test]
fn the_reference_check_catches_broken_references() {
    let example = common::root().join("values-examples/full.yaml");
    let mut manifests = common::render(&[&example], &[]);
    let admin_service =
        manifests.iter_mut().find(|m| m.kind() == "Service" && m.name() == "mailu-admin").unwrap();
    let spec = admin_service
        .object
        .as_map_mut()
        .and_then(|m| m.get_mut("spec"))
        .and_then(Value::as_map_mut)
        .unwrap();
    if let Some(Value::List(ports)) = spec.get_mut("ports")
        && let Some(Value::Map(port)) = ports.first_mut()
    {
        port.insert("targetPort".into(), Value::String("nope".into()));
    }
    manifests.retain(|m| !(m.kind() == "ConfigMap" && m.name() == "mailu-postfix-overrides"));
    let problems = reference_problems(&Objects(manifests), "mailu", &BTreeSet::new());
    assert!(problems.iter().any(|p| p.contains("targetPort nope")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("missing ConfigMap mailu-postfix-overrides")), "{problems:?}");
}

/// The values key of a component (`dovecot-submission` is `dovecotSubmission`).
fn values_key(component: &str) -> String {
    let mut parts = component.split('-');
    let first = parts.next().unwrap_or_default().to_string();
    parts.fold(first, |key, part| key + &part[..1].to_uppercase() + &part[1..])
}

/// The names of a list of Kubernetes objects.
fn names(value: Option<&Value>) -> BTreeSet<String> {
    list(value)
        .iter()
        .filter_map(|v| v.get_dotted("name").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_pod_setting_of_the_values_reaches_the_pod() {
    for example in common::examples() {
        let name = stem(&example);
        let values = mailu_chart::values::resolve(&common::user_values(&[&example], &[])).unwrap();
        let tree = mailu_chart::render::values_tree(&values);
        let objects = Objects(common::render(&[&example], &[]));
        let workloads: Vec<&Value> =
            objects.of_kind("Deployment").chain(objects.of_kind("DaemonSet")).collect();
        for workload in workloads {
            let component = workload
                .get_dotted("metadata.labels")
                .and_then(|l| l.as_map()?.get("app.kubernetes.io/component")?.as_str().map(str::to_string))
                .unwrap();
            let block = tree.get_dotted(&values_key(&component)).unwrap();
            if block.get_dotted("podLabels").is_none() {
                continue; // the built-in Redis has no pod settings
            }
            let at = |key: &str| block.get_dotted(key);
            let pod = workload.get_dotted("spec.template").unwrap();
            let spec = pod.get_dotted("spec").unwrap();
            let within = |wanted: Option<&Value>, found: Option<&Value>, what: &str| {
                let found = strings(found);
                for (key, value) in strings(wanted) {
                    assert_eq!(found.get(&key), Some(&value), "{name} {component}: {what} {key}");
                }
            };
            within(at("podLabels"), pod.get_dotted("metadata.labels"), "pod label");
            within(at("podAnnotations"), pod.get_dotted("metadata.annotations"), "pod annotation");
            within(at("nodeSelector"), spec.get_dotted("nodeSelector"), "node selector");
            if let Some(service) = objects.service(&format!("mailu-{component}")) {
                within(
                    at("serviceAnnotations"),
                    service.get_dotted("metadata.annotations"),
                    "Service annotation",
                );
            }
            for key in ["priorityClassName", "serviceAccountName"] {
                let wanted = at(key).and_then(Value::as_str).filter(|name| !name.is_empty());
                assert_eq!(spec.get_dotted(key).and_then(Value::as_str), wanted, "{name} {component}: {key}");
            }
            let grace = at("terminationGracePeriodSeconds").and_then(Value::as_f64).unwrap_or_default();
            if grace > 0.0 {
                assert_eq!(
                    spec.get_dotted("terminationGracePeriodSeconds").and_then(Value::as_f64),
                    Some(grace)
                );
            }
            assert_eq!(list(at("hostAliases")), list(spec.get_dotted("hostAliases")), "{name} {component}");
            let history = at("revisionHistoryLimit").and_then(Value::as_f64);
            assert_eq!(
                workload.get_dotted("spec.revisionHistoryLimit").and_then(Value::as_f64),
                history,
                "{name} {component}: revisionHistoryLimit"
            );
            for (key, found) in [
                ("extraContainers", "containers"),
                ("initContainers", "initContainers"),
                ("extraVolumes", "volumes"),
            ] {
                let missing: Vec<String> =
                    names(at(key)).difference(&names(spec.get_dotted(found))).cloned().collect();
                assert!(missing.is_empty(), "{name} {component}: {key} {missing:?} not in the pod");
            }
        }
    }
}

/// The values model goes to and from the engine's value tree directly, as it would through
/// JSON, for every example.
#[test]
fn typed_values_convert_as_through_json() {
    for example in common::examples() {
        let values = mailu_chart::values::resolve(&common::user_values(&[&example], &[])).unwrap();
        let direct = helm_engine::to_value(&values).unwrap();
        let through_json = Value::from_json(&serde_json::to_value(&values).unwrap(), true);
        // Debug output shows the order of keys, which equality ignores.
        assert_eq!(format!("{direct:?}"), format!("{through_json:?}"), "{}", stem(&example));
        let back: mailu_chart::values::Values = helm_engine::from_value(&direct).unwrap();
        assert_eq!(back, values, "{}", stem(&example));
    }
}
