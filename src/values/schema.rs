//! `values.schema.json`, generated from the typed model: JSON Schema draft-07 (read by Helm 3
//! and 4 alike), with the defaults and the conditional requirements filled in.

use schemars::generate::SchemaSettings;
use serde_json::{Map as JsonMap, Value as Json, json};

use super::model::Values;
use super::text::{CONFIG_FILE_NAME, LABEL_KEY, LABEL_VALUE};

/// A key that becomes required when a sibling key has a given value.
pub struct Requirement {
    /// The object holding both the condition and the required keys (dotted path).
    pub at: &'static str,
    /// The key tested, relative to `at`.
    pub when_key: &'static str,
    /// The value that triggers the requirement.
    pub when_value: WhenValue,
    /// Keys (dotted, relative to `at`) that must then be non-empty strings.
    pub requires: &'static [&'static str],
}

/// A value a condition compares with.
pub enum WhenValue {
    Bool(bool),
    Str(&'static str),
    /// A list with no items (alone in its condition).
    EmptyList,
}

impl WhenValue {
    fn to_json(&self) -> Json {
        match self {
            WhenValue::Bool(b) => Json::Bool(*b),
            WhenValue::Str(s) => Json::String((*s).to_string()),
            WhenValue::EmptyList => Json::Array(Vec::new()),
        }
    }

    fn describe(&self) -> String {
        match self {
            WhenValue::Bool(b) => b.to_string(),
            WhenValue::Str(s) => format!("\"{s}\""),
            WhenValue::EmptyList => "empty".to_string(),
        }
    }

    /// The schema a key's value satisfies when it is one of `values`.
    fn condition(values: &[WhenValue]) -> Json {
        if let [WhenValue::EmptyList] = values {
            // The quick verdict compares texts, numbers and booleans only.
            return json!({ "maxItems": 0 });
        }
        json!({ "enum": values.iter().map(WhenValue::to_json).collect::<Vec<_>>() })
    }
}

impl Requirement {
    /// The condition in words: `database.type is "postgresql"`.
    pub fn condition(&self) -> String {
        let key = format!("{}.{}", self.at, self.when_key);
        format!("{key} is {}", self.when_value.describe())
    }
}

/// Every conditional requirement of the values model.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        at: "database",
        when_key: "type",
        when_value: WhenValue::Str("postgresql"),
        requires: &["postgresql.host", "postgresql.existingSecret.name"],
    },
    Requirement {
        at: "database",
        when_key: "type",
        when_value: WhenValue::Str("mysql"),
        requires: &["mysql.host", "mysql.existingSecret.name"],
    },
    Requirement {
        at: "webmail.database",
        when_key: "onServer",
        when_value: WhenValue::Bool(true),
        requires: &["existingSecret.name"],
    },
    Requirement {
        at: "initialAccount",
        when_key: "enabled",
        when_value: WhenValue::Bool(true),
        requires: &["passwordSecret.name"],
    },
    Requirement {
        at: "api",
        when_key: "enabled",
        when_value: WhenValue::Bool(true),
        requires: &["tokenSecret.name"],
    },
    Requirement { at: "redis", when_key: "builtin", when_value: WhenValue::Bool(false), requires: &["host"] },
    Requirement {
        at: "resolver",
        when_key: "enabled",
        when_value: WhenValue::Bool(true),
        requires: &["clusterDnsAddress"],
    },
];

/// A rule across blocks: when every condition holds, a key must meet a constraint.
pub struct Rule {
    /// Conditions that must all hold: a dotted key and the values that trigger the rule.
    pub when: &'static [(&'static str, &'static [WhenValue])],
    /// The dotted key then constrained.
    pub key: &'static str,
    pub then: Then,
    /// Why, for the error message.
    pub reason: &'static str,
}

/// What a rule requires of its key.
pub enum Then {
    /// One of these texts.
    OneOf(&'static [&'static str]),
    /// A non-empty list.
    NotEmptyList,
    /// A list with no items.
    EmptyList,
    /// A non-empty map.
    NotEmptyMap,
    /// A number no greater than this.
    AtMost(i64),
    /// A text matching the pattern (what it means in words completes "must be ...").
    Matches { pattern: &'static str, meaning: &'static str },
    /// A list whose every text matches the pattern.
    EachMatches { pattern: &'static str, meaning: &'static str },
}

impl Rule {
    /// The conditions in words: `tls.source is "letsencrypt" and expose.mail is "hostPort"`.
    pub fn condition(&self) -> String {
        self.when
            .iter()
            .map(|(key, values)| {
                let values: Vec<String> = values.iter().map(WhenValue::describe).collect();
                format!("{key} is {}", values.join(" or "))
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The dotted keys of the conditions.
    pub fn causes(&self) -> impl Iterator<Item = &'static str> {
        self.when.iter().map(|(key, _)| *key)
    }
}

const MONITORING_LABELS_REASON: &str =
    "only Prometheus' own pods, in its own namespace, may scrape the metrics";
use super::model::{CERT_MANAGER_GROUP, CERT_MANAGER_ISSUER_KINDS};
use super::trust;
use crate::components::front::LOAD_BALANCER_PROXY_PROTOCOL;

const PROXY_LABELS_REASON: &str = "only the proxy's own pods, in its own namespace, may reach front's PROXY \
     protocol and web listeners (a proxy outside the pod network is admitted by expose.trustedProxies instead)";

const WEB_PROXY_LABELS_REASON: &str = "only the web proxy's own pods, in its own namespace, may reach front's web \
     listener (expose.trustedProxies holds the load balancer's addresses, not the web proxy's)";

/// The conditions of a rule about the proxy's labels, besides the exposure that puts a proxy
/// in front.
const NO_PROXY_NETWORKS: (&str, &[WhenValue]) = ("expose.trustedProxies", &[WhenValue::EmptyList]);

/// Every rule across blocks: combinations that cannot work, or that would open Mailu to the
/// internet, are refused.
pub const RULES: &[Rule] = &[
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("rspamd.serviceMonitor.enabled", &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.monitoring.namespaceLabels",
        then: Then::NotEmptyMap,
        reason: MONITORING_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("rspamd.serviceMonitor.enabled", &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.monitoring.podLabels",
        then: Then::NotEmptyMap,
        reason: MONITORING_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("dovecot.serviceMonitor.enabled", &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.monitoring.namespaceLabels",
        then: Then::NotEmptyMap,
        reason: MONITORING_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("dovecot.serviceMonitor.enabled", &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.monitoring.podLabels",
        then: Then::NotEmptyMap,
        reason: MONITORING_LABELS_REASON,
    },
    Rule {
        when: &[("trust.allowPublicSubnet", &[WhenValue::Bool(false)])],
        key: "subnet",
        then: Then::Matches {
            pattern: trust::PRIVATE_SUBNET_PATTERN,
            meaning: trust::PRIVATE_SUBNET_MEANING,
        },
        reason: trust::PRIVATE_SUBNET_REASON,
    },
    Rule {
        when: &[("trust.allowPublicProxyAuthNetworks", &[WhenValue::Bool(false)])],
        key: "authentication.proxy.trustedNetworks",
        then: Then::EachMatches {
            pattern: trust::PRIVATE_SUBNET_PATTERN,
            meaning: trust::PRIVATE_SUBNET_MEANING,
        },
        reason: trust::PROXY_AUTH_NETWORKS_REASON,
    },
    Rule {
        when: &[("trust.allowPublicTrustedProxies", &[WhenValue::Bool(false)])],
        key: "expose.trustedProxies",
        then: Then::EachMatches {
            pattern: trust::PRIVATE_SUBNET_PATTERN,
            meaning: trust::PRIVATE_SUBNET_MEANING,
        },
        reason: trust::TRUSTED_PROXIES_REASON,
    },
    Rule {
        when: &[
            (
                "expose.mail",
                &[WhenValue::Str("loadBalancer"), WhenValue::Str("hostPort"), WhenValue::Str("none")],
            ),
            ("expose.web", &[WhenValue::Str("front"), WhenValue::Str("none")]),
            (LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(false)]),
        ],
        key: "expose.trustedProxies",
        then: Then::EmptyList,
        reason: "no proxy stands in front of front, whose word on the client's address it could believe",
    },
    Rule {
        when: &[(LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(true)])],
        key: "expose.mail",
        then: Then::OneOf(&["loadBalancer"]),
        reason: "the header comes from the LoadBalancer",
    },
    Rule {
        when: &[(LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(true)])],
        key: "expose.trustedProxies",
        then: Then::NotEmptyList,
        reason: "front believes the header only from the load balancer's own addresses, listed here (anyone \
                 else reaching the Service's node ports could claim any address)",
    },
    Rule {
        when: &[(LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(true)])],
        key: "tls.source",
        then: Then::OneOf(&["secret", "certManager"]),
        reason: "Mailu's Let's Encrypt client first fetches a test file from its own public name, and from \
                 inside the cluster a connection to the load balancer's address usually skips it (kube-proxy \
                 takes it straight to front), without the header front then requires",
    },
    Rule {
        when: &[("tls.certManager.issuerGroup", &[WhenValue::Str(CERT_MANAGER_GROUP)])],
        key: "tls.certManager.issuerKind",
        then: Then::OneOf(CERT_MANAGER_ISSUER_KINDS),
        reason: "cert-manager's own issuers are of these kinds; an external issuer's kind goes with its API group in tls.certManager.issuerGroup",
    },
    Rule {
        when: &[("tls.source", &[WhenValue::Str("none")])],
        key: "expose.mail",
        then: Then::OneOf(&["none"]),
        reason: "without TLS, passwords and mail would cross the network in clear",
    },
    Rule {
        when: &[("tls.source", &[WhenValue::Str("none")])],
        key: "expose.web",
        then: Then::OneOf(&["none", "httpRoute"]),
        reason: "front or the Ingress would have no certificate and serve the sign-in page over plain HTTP (behind an HTTPRoute, the Gateway's listener holds its own)",
    },
    Rule {
        when: &[("tls.source", &[WhenValue::Str("letsencrypt")])],
        key: "expose.web",
        then: Then::OneOf(&["front"]),
        reason: "Mailu's Let's Encrypt client answers the challenge on port 80, which must reach front directly",
    },
    Rule {
        when: &[("expose.web", &[WhenValue::Str("front")])],
        key: "expose.mail",
        then: Then::OneOf(&["loadBalancer", "hostPort"]),
        reason: "front serves ports 80 and 443 itself only beside the mail ports of a LoadBalancer or host ports",
    },
    Rule {
        when: &[
            ("tls.source", &[WhenValue::Str("letsencrypt")]),
            ("expose.mail", &[WhenValue::Str("hostPort")]),
        ],
        key: "expose.hostPort.kind",
        then: Then::OneOf(&["Deployment"]),
        reason: "every front of a DaemonSet would ask Let's Encrypt for a certificate of its own",
    },
    Rule {
        when: &[("webmail.database.onServer", &[WhenValue::Bool(true)])],
        key: "database.type",
        then: Then::OneOf(&["postgresql", "mysql"]),
        reason: "Roundcube's database goes on the server of `database`",
    },
    Rule {
        when: &[("tls.source", &[WhenValue::Str("letsencrypt")])],
        key: "front.replicas",
        then: Then::AtMost(1),
        reason: "Mailu's Let's Encrypt client keeps its certificates on one claim, for one front",
    },
    Rule {
        when: &[("expose.web", &[WhenValue::Str("httpRoute")])],
        key: "expose.httpRoute.parentRefs",
        then: Then::NotEmptyList,
        reason: "the route must attach to a Gateway",
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.mail", &[WhenValue::Str("traefik")]),
            NO_PROXY_NETWORKS,
        ],
        key: "networkPolicy.ingressController.namespaceLabels",
        then: Then::NotEmptyMap,
        reason: PROXY_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.mail", &[WhenValue::Str("traefik")]),
            NO_PROXY_NETWORKS,
        ],
        key: "networkPolicy.ingressController.podLabels",
        then: Then::NotEmptyMap,
        reason: PROXY_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.web", &[WhenValue::Str("ingress"), WhenValue::Str("httpRoute")]),
            NO_PROXY_NETWORKS,
        ],
        key: "networkPolicy.ingressController.namespaceLabels",
        then: Then::NotEmptyMap,
        reason: PROXY_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.web", &[WhenValue::Str("ingress"), WhenValue::Str("httpRoute")]),
            NO_PROXY_NETWORKS,
        ],
        key: "networkPolicy.ingressController.podLabels",
        then: Then::NotEmptyMap,
        reason: PROXY_LABELS_REASON,
    },
    // With a load balancer speaking the PROXY protocol, the networks are the load balancer's:
    // they do not stand for the web's proxy.
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.web", &[WhenValue::Str("ingress"), WhenValue::Str("httpRoute")]),
            (LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.ingressController.namespaceLabels",
        then: Then::NotEmptyMap,
        reason: WEB_PROXY_LABELS_REASON,
    },
    Rule {
        when: &[
            ("networkPolicy.enabled", &[WhenValue::Bool(true)]),
            ("expose.web", &[WhenValue::Str("ingress"), WhenValue::Str("httpRoute")]),
            (LOAD_BALANCER_PROXY_PROTOCOL, &[WhenValue::Bool(true)]),
        ],
        key: "networkPolicy.ingressController.podLabels",
        then: Then::NotEmptyMap,
        reason: WEB_PROXY_LABELS_REASON,
    },
];

/// Components Mailu cannot work without, with the reason; their `enabled` must stay true.
pub const ALWAYS_ON: &[(&str, &str)] = &[
    ("front", "every web request and mail login passes through front"),
    ("admin", "admin authenticates every login and holds the configuration"),
    ("postfix", "postfix receives and sends all mail"),
    ("dovecot", "dovecot stores the mailboxes"),
];

/// The schema of the values, as a JSON document.
pub fn values_schema() -> Json {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<Values>().to_value();
    let defaults = serde_json::to_value(Values::default()).expect("defaults serialize");
    add_defaults(&mut schema, &defaults);
    for requirement in REQUIREMENTS {
        add_requirement(&mut schema, requirement);
    }
    for rule in RULES {
        add_rule(&mut schema, rule);
    }
    for (component, reason) in ALWAYS_ON {
        let enabled = object_at(&mut schema, &format!("{component}.enabled"));
        enabled.insert("const".into(), json!(true));
        enabled.insert("description".into(), json!(format!("Always true: {reason}.")));
    }
    refuse_trust_variables(&mut schema);
    close_kubernetes_definitions(&mut schema);
    bound_integers(&mut schema);
    check_map_keys(&mut schema);
    if let Some(root) = schema.as_object_mut() {
        root.insert("title".into(), json!("mailu-chart values"));
    }
    schema
}

/// The schema of one values file as written, for editors: helm checks the values merged
/// over the chart's defaults, where every key is there; a file of yours holds only some.
/// Keys are no longer required (Kubernetes objects keep their own required fields), and a
/// conditional requirement applies only where the file sets its conditions, so that the
/// editor flags nothing the file does not say; `validate` still checks the whole.
pub fn editor_schema() -> Json {
    fn loosen(node: &mut Json, in_condition: bool) {
        match node {
            Json::Object(object) => {
                if in_condition {
                    let keys: Vec<Json> = object
                        .get("properties")
                        .and_then(Json::as_object)
                        .map(|p| p.keys().map(|k| json!(k)).collect())
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        object.insert("required".into(), Json::Array(keys));
                    }
                } else {
                    object.remove("required");
                }
                for (key, child) in object.iter_mut() {
                    if key != "definitions" {
                        loosen(child, in_condition || key == "if");
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(|item| loosen(item, in_condition)),
            _ => {}
        }
    }
    let mut schema = values_schema();
    loosen(&mut schema, false);
    if let Some(root) = schema.as_object_mut() {
        root.insert("title".into(), json!("mailu-chart values (one file, for editors)"));
    }
    schema
}

/// The schema as the text of `values.schema.json`.
pub fn values_schema_text() -> String {
    schema_text(&values_schema())
}

/// A schema as pretty JSON with a final line break.
pub fn schema_text(schema: &Json) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("schema serializes");
    text.push('\n');
    text
}

/// Walks the schema's inline object properties alongside the defaults and records each default.
fn add_defaults(schema: &mut Json, default: &Json) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("$ref") {
        return;
    }
    if !default.is_null() || object.get("type") == Some(&json!("null")) {
        object.insert("default".into(), default.clone());
    }
    if let (Some(Json::Object(properties)), Some(default_map)) =
        (object.get_mut("properties"), default.as_object())
    {
        for (key, property) in properties.iter_mut() {
            if let Some(value) = default_map.get(key) {
                add_defaults(property, value);
            }
        }
    }
}

fn object_at<'a>(schema: &'a mut Json, dotted: &str) -> &'a mut JsonMap<String, Json> {
    let mut current = schema;
    for key in dotted.split('.').filter(|k| !k.is_empty()) {
        current = current
            .get_mut("properties")
            .and_then(|p| p.get_mut(key))
            .unwrap_or_else(|| panic!("requirement names unknown key {key} in {dotted}"));
    }
    current.as_object_mut().expect("requirement location is an object schema")
}

/// `{"properties": {"a": {"properties": {"b": LEAF}}}}` for the dotted path `a.b`.
fn nested(dotted: &str, leaf: Json) -> Json {
    dotted.rsplit('.').fold(leaf, |inner, key| json!({ "properties": { key: inner } }))
}

/// As [`nested`], each key also required: a condition on keys that are not there (a map the
/// user set to null, which the schema reports already) does not hold, and adds no second,
/// misleading error.
fn nested_present(dotted: &str, leaf: Json) -> Json {
    dotted.rsplit('.').fold(leaf, |inner, key| json!({ "properties": { key: inner }, "required": [key] }))
}

fn add_requirement(schema: &mut Json, requirement: &Requirement) {
    let mut then = json!({});
    for required in requirement.requires {
        merge_json(&mut then, nested(required, json!({ "minLength": 1 })));
    }
    let rule = json!({
        "if": {
            "properties": { requirement.when_key: { "const": requirement.when_value.to_json() } },
            "required": [requirement.when_key],
        },
        "then": then,
    });
    let object = object_at(schema, requirement.at);
    let all_of = object.entry("allOf").or_insert_with(|| json!([]));
    if let Some(list) = all_of.as_array_mut() {
        list.push(rule);
    }
}

/// A rule as `if`/`then` in the root's `allOf`, at the index of the rule in [`RULES`].
fn add_rule(schema: &mut Json, rule: &Rule) {
    let mut condition = json!({});
    for (key, values) in rule.when {
        object_at(schema, key);
        merge_json(&mut condition, nested_present(key, WhenValue::condition(values)));
    }
    object_at(schema, rule.key);
    let constraint = match rule.then {
        Then::OneOf(values) => json!({ "enum": values }),
        Then::NotEmptyList => json!({ "minItems": 1 }),
        Then::EmptyList => json!({ "maxItems": 0 }),
        Then::NotEmptyMap => json!({ "minProperties": 1 }),
        Then::AtMost(limit) => json!({ "maximum": limit }),
        Then::Matches { pattern, .. } => json!({ "pattern": pattern }),
        Then::EachMatches { pattern, .. } => json!({ "items": { "pattern": pattern } }),
    };
    let rule = json!({ "if": condition, "then": nested(rule.key, constraint) });
    let root = schema.as_object_mut().expect("the schema is an object");
    let all_of = root.entry("allOf").or_insert_with(|| json!([]));
    if let Some(list) = all_of.as_array_mut() {
        list.push(rule);
    }
}

/// The `EnvVar` of every `extraEnv` may not be named like a variable Mailu's trust rests on.
fn refuse_trust_variables(schema: &mut Json) {
    let name = schema
        .pointer_mut(&format!("/definitions/{ENV_VAR_DEFINITION}/properties/name"))
        .and_then(Json::as_object_mut)
        .expect("extraEnv entries are Kubernetes EnvVars");
    name.insert("not".into(), json!({ "pattern": trust::trust_variables_pattern() }));
}

/// Kubernetes' own objects (affinity, tolerations, `EnvVar`s) take no keys but their fields:
/// the rendering would drop a misspelt one where helm keeps it, and the API server refuses
/// unknown fields (kubectl's strict field validation).
fn close_kubernetes_definitions(schema: &mut Json) {
    let Some(definitions) = schema.get_mut("definitions").and_then(Json::as_object_mut) else {
        return;
    };
    for (name, definition) in definitions.iter_mut() {
        if !name.starts_with("io.k8s.") {
            continue;
        }
        // Kubernetes documents its own fields (`kubectl explain`); their texts would make up
        // most of the schema.
        trim_kubernetes_definition(definition);
        if let Some(definition) = definition.as_object_mut()
            && definition.contains_key("properties")
        {
            definition.insert("additionalProperties".into(), json!(false));
        }
    }
    let mut restrict = |definition: &str, property: &str, keyword: &str, value: Json| {
        let schema = definitions
            .get_mut(&format!("io.k8s.{definition}"))
            .and_then(|d| d.pointer_mut(&format!("/properties/{property}")))
            .and_then(Json::as_object_mut);
        if let Some(schema) = schema {
            schema.insert(keyword.into(), value);
        }
    };
    for (definition, property, least) in KUBERNETES_MINIMUMS {
        restrict(definition, property, "minimum", json!(least));
    }
    for (definition, property, allowed) in KUBERNETES_ENUMS {
        restrict(definition, property, "enum", json!(allowed));
    }
}

/// Takes the descriptions out of a schema and the schemas inside it (a field called
/// `description` stays), and the formats other than number widths: the timestamps of object
/// metadata (`date-time`), which no values file sets, are the API server's to check.
fn trim_kubernetes_definition(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            map.remove("description");
            if map.get("format").and_then(Json::as_str).is_some_and(|f| !f.starts_with("int")) {
                map.remove("format");
            }
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("properties", Json::Object(fields)) => {
                        fields.values_mut().for_each(trim_kubernetes_definition)
                    }
                    (_, value) => trim_kubernetes_definition(value),
                }
            }
        }
        Json::Array(items) => items.iter_mut().for_each(trim_kubernetes_definition),
        _ => {}
    }
}

/// The least numbers the API server accepts in fields of the Kubernetes objects the values
/// hold, which their OpenAPI definitions leave unbounded.
const KUBERNETES_MINIMUMS: &[(&str, &str, i64)] = &[
    ("api.core.v1.TopologySpreadConstraint", "maxSkew", 1),
    ("api.core.v1.TopologySpreadConstraint", "minDomains", 1),
    ("api.core.v1.PodSecurityContext", "runAsUser", 0),
    ("api.core.v1.PodSecurityContext", "runAsGroup", 0),
    ("api.core.v1.PodSecurityContext", "fsGroup", 0),
    ("api.core.v1.SecurityContext", "runAsUser", 0),
    ("api.core.v1.SecurityContext", "runAsGroup", 0),
    ("api.core.v1.ContainerPort", "containerPort", 1),
    // Zero takes the default.
    ("api.core.v1.Probe", "periodSeconds", 0),
    ("api.core.v1.Probe", "failureThreshold", 0),
];

/// The texts the API server accepts in fields of the Kubernetes objects the values hold, which
/// their OpenAPI definitions type as any string (Kubernetes 1.35's validation): a misspelt
/// `Exist` would otherwise pass every check here and fail only when the release is applied.
const KUBERNETES_ENUMS: &[(&str, &str, &[&str])] = &[
    // An empty operator means Equal, an empty effect every effect.
    ("api.core.v1.Toleration", "operator", &["", "Equal", "Exists"]),
    ("api.core.v1.Toleration", "effect", &["", "NoSchedule", "PreferNoSchedule", "NoExecute"]),
    (
        "api.core.v1.NodeSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
    ),
    (
        "apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist"],
    ),
    ("api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable", &["DoNotSchedule", "ScheduleAnyway"]),
    ("api.core.v1.TopologySpreadConstraint", "nodeAffinityPolicy", &["Honor", "Ignore"]),
    ("api.core.v1.TopologySpreadConstraint", "nodeTaintsPolicy", &["Honor", "Ignore"]),
    ("api.core.v1.PodSecurityContext", "fsGroupChangePolicy", &["OnRootMismatch", "Always"]),
    ("api.core.v1.PodSecurityContext", "seLinuxChangePolicy", &["Recursive", "MountOption"]),
    ("api.core.v1.PodSecurityContext", "supplementalGroupsPolicy", &["Merge", "Strict"]),
    ("api.core.v1.SeccompProfile", "type", &crate::objects::PROFILE_TYPES),
    ("api.core.v1.AppArmorProfile", "type", &crate::objects::PROFILE_TYPES),
    ("api.core.v1.SecurityContext", "procMount", &["Default", "Unmasked"]),
    ("api.core.v1.VolumeMount", "mountPropagation", &["None", "HostToContainer", "Bidirectional"]),
    ("api.core.v1.VolumeMount", "recursiveReadOnly", &["Disabled", "IfPossible", "Enabled"]),
];

/// The maps whose keys and values Kubernetes checks, found by their names: labels (and
/// label selectors, `nodeSelector`) take label keys and values, annotations label keys, and
/// `overrides` files the ConfigMap keys they are written under. The API server would refuse
/// the objects otherwise, after some of a release had been applied.
fn check_map_keys(schema: &mut Json) {
    fn walk(node: &mut Json) {
        match node {
            Json::Object(object) => {
                if let Some(properties) = object.get_mut("properties").and_then(Json::as_object_mut) {
                    for (name, property) in properties.iter_mut() {
                        let is_string_map = property.get("type") == Some(&json!("object"))
                            && property.pointer("/additionalProperties/type") == Some(&json!("string"));
                        let (keys, values) = match name.as_str() {
                            _ if !is_string_map => (None, None),
                            "labels" | "nodeSelector" => (Some(&LABEL_KEY), Some(&LABEL_VALUE)),
                            name if name.ends_with("Labels") => (Some(&LABEL_KEY), Some(&LABEL_VALUE)),
                            name if name == "annotations" || name.ends_with("Annotations") => {
                                (Some(&LABEL_KEY), None)
                            }
                            "overrides" => (Some(&CONFIG_FILE_NAME), None),
                            _ => (None, None),
                        };
                        if let Some(keys) = keys {
                            merge_json(
                                property
                                    .as_object_mut()
                                    .expect("a map")
                                    .entry("propertyNames")
                                    .or_insert(json!({})),
                                keys.schema().to_value(),
                            );
                        }
                        if let Some(values) = values {
                            merge_json(&mut property["additionalProperties"], values.schema().to_value());
                        }
                    }
                }
                object.values_mut().for_each(walk);
            }
            Json::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(schema);
}

/// Every whole number within the range of the type it is read into, as its `format` names
/// it: a larger one would otherwise pass the schema (and helm) and fail only when read.
/// 64-bit ones are left alone: their bounds are beyond the numbers helm's values (floats)
/// hold exactly, and a schema with them cannot be checked by comparing floats.
fn bound_integers(schema: &mut Json) {
    match schema {
        Json::Object(node) => {
            let range = match node.get("format").and_then(Json::as_str) {
                Some("uint8") => Some((0, i64::from(u8::MAX))),
                Some("uint16") => Some((0, i64::from(u16::MAX))),
                Some("uint32") => Some((0, i64::from(u32::MAX))),
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                _ => None,
            };
            if let Some((least, most)) = range
                && node.get("type").and_then(Json::as_str) == Some("integer")
            {
                node.entry("minimum").or_insert(json!(least));
                node.entry("maximum").or_insert(json!(most));
            }
            node.values_mut().for_each(bound_integers);
        }
        Json::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// Where the schema of a Kubernetes `EnvVar` (`extraEnv` entries) is defined.
pub const ENV_VAR_DEFINITION: &str = "io.k8s.api.core.v1.EnvVar";

fn merge_json(into: &mut Json, from: Json) {
    match (into, from) {
        (Json::Object(a), Json::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge_json(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        // Lists of required keys join.
        (Json::Array(a), Json::Array(b)) => {
            for value in b {
                if !a.contains(&value) {
                    a.push(value);
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_draft07_and_closed() {
        let schema = values_schema();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["properties"]["admin"]["additionalProperties"], false);
    }

    #[test]
    fn defaults_are_recorded_per_component() {
        let schema = values_schema();
        let size = |c: &str| {
            schema["properties"][c]["properties"]["persistence"]["properties"]["size"]["default"].clone()
        };
        assert_eq!(size("admin"), "5Gi");
        assert_eq!(size("dovecot"), "50Gi");
        assert_eq!(schema["properties"]["messageSizeLimitMb"]["default"], 50);
    }

    #[test]
    fn every_requirement_points_at_existing_keys() {
        // Building the schema panics on a requirement naming an unknown key.
        let schema = values_schema();
        let rules = &schema["properties"]["database"]["allOf"];
        assert_eq!(rules[0]["if"]["properties"]["type"]["const"], "postgresql");
        assert_eq!(rules[0]["then"]["properties"]["postgresql"]["properties"]["host"]["minLength"], 1);
    }

    #[test]
    fn a_rule_holds_only_when_the_keys_it_tests_are_there() {
        // A map set to null is reported missing; its rules must not add errors of their own.
        let schema = values_schema();
        for rule in schema["allOf"].as_array().unwrap() {
            let mut condition = &rule["if"];
            while let Some(properties) = condition.get("properties").and_then(Json::as_object) {
                let required: Vec<&str> =
                    condition["required"].as_array().unwrap().iter().filter_map(Json::as_str).collect();
                for key in properties.keys() {
                    assert!(required.contains(&key.as_str()), "{key} in {rule}");
                }
                condition = properties.values().next().unwrap();
            }
        }
    }

    #[test]
    fn every_key_is_required_and_documented() {
        fn walk(schema: &Json, path: &str) {
            let Some(properties) = schema.get("properties").and_then(Json::as_object) else {
                return;
            };
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            for (key, property) in properties {
                let here = format!("{path}.{key}");
                assert!(required.contains(&key.as_str()), "{here} is not required");
                if property.get("$ref").is_none() {
                    assert!(property.get("description").is_some(), "{here} has no description");
                }
                walk(property, &here);
            }
        }
        walk(&values_schema(), "");
    }
}
