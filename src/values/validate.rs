//! Checks merged values: first against the generated JSON Schema (the same verdict Helm
//! reaches with `values.schema.json`), then the rules JSON Schema cannot express. Every
//! problem names the key path; the caller adds where the value came from.

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as Json;

use super::model::Values;
use super::schema::{ALWAYS_ON, ENV_VAR_DEFINITION, REQUIREMENTS, RULES, Requirement, Rule, values_schema};
use super::text::{
    CIDR, TIMEZONE, cidr_host_bits_problem, cidrs_overlap, format_for_pattern, quantity_amount,
};
use super::trust::extra_env_problem;
use helm_engine::{KeyPath, Value};

/// One thing wrong with the values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The key the problem is about.
    pub path: KeyPath,
    /// What is wrong, completing "`<path>`: ...".
    pub message: String,
    /// Whether the problem is with the key itself (unknown key) rather than its value.
    pub about_key: bool,
    /// The keys whose values caused the problem when it is about another one (the conditions
    /// of a conditional requirement); the origin of the first the user set is the one to show.
    pub causes: Vec<KeyPath>,
}

impl Problem {
    fn new(path: KeyPath, message: String) -> Self {
        Problem { path, message, about_key: false, causes: Vec::new() }
    }
}

/// What a required key nobody gave is told.
pub(crate) const MISSING: &str = "is missing";

/// The rules JSON Schema cannot express, listed for the README and `--help`.
pub const RULES_BEYOND_SCHEMA: &[&str] = &[
    "subnet: host bits must be zero (10.42.0.0/16, not 10.42.1.7/16)",
    "<component>.resources: no request above its limit",
    "timezone: a zone of the IANA database, spelt as it lists it",
    "expose.traefik.entryPoints: an entry point of its own for each routed port (the chart's templates refuse it too)",
    "expose.trustedProxies: networks outside the pod network, host bits zero",
    "authentication.proxy.trustedNetworks: outside the pod network while expose.web is front",
    "networkPolicy.webProxy, networkPolicy.dns: both namespaceLabels and podLabels, or neither",
    "<component>.extraVolumeMounts: each names a volume the pod has (its own or one of extraVolumes)",
];

static SCHEMA: LazyLock<Json> = LazyLock::new(values_schema);

static VALIDATOR: LazyLock<Validator> =
    LazyLock::new(|| jsonschema::draft7::new(&SCHEMA).expect("the generated schema compiles"));

/// Checks merged values and returns the typed model, or every problem found.
pub fn parse_values(tree: &Value) -> Result<Values, Vec<Problem>> {
    let as_text = quantities_as_text(tree);
    let tree = as_text.as_ref().unwrap_or(tree);
    // Valid values, the common case, need only the quick verdict; the full validator runs to
    // explain a refusal.
    if !super::verdict::satisfies(tree) || !rules_beyond_schema(tree).is_empty() {
        let problems = check_json(tree, &tree.to_json());
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    helm_engine::from_value(tree)
        .map_err(|e| vec![Problem::new(e.path(), format!("does not fit the model: {e}"))])
}

/// Whether the full validator finds the values valid against the schema alone.
pub fn schema_accepts(json: &Json) -> bool {
    VALIDATOR.is_valid(json)
}

/// Every problem with merged values (`json` is `tree` as JSON), sorted by key path.
fn check_json(tree: &Value, json: &Json) -> Vec<Problem> {
    let mut own = Vec::new();
    let mut conditional = Vec::new();
    for error in VALIDATOR.iter_errors(json) {
        let into = if rule_for(error.schema_path().as_str()).is_some() { &mut conditional } else { &mut own };
        into.extend(describe(&error, tree));
    }
    // A rule about a key that is wrong in itself, or that follows from one (a key set to
    // null, a typo in a choice), would only repeat the problem in other words: the key's own
    // problem stands alone, and the rule is checked again once it is fixed.
    let wrong: Vec<&[helm_engine::Segment]> = own.iter().map(|p| p.path.segments()).collect();
    let related = |path: &KeyPath| {
        wrong.iter().any(|w| path.segments().starts_with(w) || w.starts_with(path.segments()))
    };
    conditional.retain(|p| !related(&p.path) && !p.causes.iter().any(related));
    let mut problems = own;
    problems.extend(conditional);
    problems.extend(rules_beyond_schema(tree));
    problems.sort();
    problems.dedup();
    problems
}

/// The values with the quantities written as numbers (`cpu: 1`, `--set ...cpu=2`) made the
/// text helm prints for them, `{{ . }}`, which is what the chart writes: a number of a values
/// file is a float64 there (Go's shortest form: `0.5`, `4.294967296e+09`), one of `--set` an
/// int64. Zero is no quantity, as `{{ with }}` skips it. `None` when there is none.
fn quantities_as_text(tree: &Value) -> Option<Value> {
    let Value::Map(top) = tree else { return None };
    let numbers: Vec<(&String, &str, &str)> = top
        .iter()
        .flat_map(|(component, settings)| {
            QUANTITIES
                .into_iter()
                .filter(|(kind, resource)| {
                    matches!(quantity(settings, kind, resource), Some(Value::Int(_) | Value::Float(_)))
                })
                .map(move |(kind, resource)| (component, kind, resource))
        })
        .collect();
    if numbers.is_empty() {
        return None;
    }
    let mut tree = tree.clone();
    for (component, kind, resource) in numbers {
        let mut leaf = Some(&mut tree);
        for key in [component.as_str(), "resources", kind, resource] {
            leaf = leaf.and_then(Value::as_map_mut).and_then(|map| map.get_mut(key));
        }
        let leaf = leaf.expect("found above");
        *leaf = Value::String(match *leaf {
            Value::Int(0) | Value::Float(0.0) => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Float(n) => helm_engine::format_float_g(n, 64),
            _ => unreachable!("a number"),
        });
    }
    Some(tree)
}

/// The quantities a component's `resources` hold: (`requests` or `limits`, `cpu` or `memory`).
const QUANTITIES: [(&str, &str); 6] = {
    let [cpu, memory, storage] = crate::components::wiring::RESOURCE_NAMES;
    [
        ("requests", cpu),
        ("requests", memory),
        ("requests", storage),
        ("limits", cpu),
        ("limits", memory),
        ("limits", storage),
    ]
};

/// A component's `resources.<kind>.<resource>`, if it is there.
fn quantity<'a>(settings: &'a Value, kind: &str, resource: &str) -> Option<&'a Value> {
    settings.as_map()?.get("resources")?.as_map()?.get(kind)?.as_map()?.get(resource)
}

fn rules_beyond_schema(tree: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(Value::String(subnet)) = tree.get_dotted("subnet")
        && CIDR.matches(subnet)
        && let Some(message) = cidr_host_bits_problem(subnet)
    {
        problems.push(Problem::new(KeyPath::from_dotted("subnet"), message));
    }
    if let Some(Value::String(zone)) = tree.get_dotted("timezone")
        && TIMEZONE.matches(zone)
        && let Some(message) = unknown_time_zone(zone)
    {
        problems.push(Problem::new(KeyPath::from_dotted("timezone"), message));
    }
    problems.extend(requests_above_limits(tree));
    problems.extend(shared_entry_points(tree));
    problems.extend(trusted_proxies_in_the_pod_network(tree));
    problems.extend(sign_in_networks_open_to_pods(tree));
    problems.extend(half_a_selector(tree, "networkPolicy.webProxy", "the web's proxy"));
    problems.extend(half_a_selector(tree, "networkPolicy.dns", "the cluster's DNS"));
    problems.extend(mounts_of_missing_volumes(tree));
    problems
}

/// An `extraVolumeMounts` entry naming a volume the pod does not have (its own, as the values
/// shape it, or one of `extraVolumes`): the API server refuses the pod.
fn mounts_of_missing_volumes(tree: &Value) -> Vec<Problem> {
    let Value::Map(top) = tree else {
        return Vec::new();
    };
    fn mounts_of(settings: &Value) -> Option<&[Value]> {
        match settings.as_map()?.get("extraVolumeMounts")? {
            Value::List(mounts) if !mounts.is_empty() => Some(mounts),
            _ => None,
        }
    }
    // The components, built on each call, only when some mount asks (this runs on every render).
    if !top.values().any(|settings| mounts_of(settings).is_some()) {
        return Vec::new();
    }
    let ctx = crate::eval::Ctx::new(tree, "", "");
    let mut problems = Vec::new();
    for c in crate::components::all() {
        let Some(mounts) = tree.get_dotted(c.values_key).and_then(mounts_of) else {
            continue;
        };
        if !c.when.eval(&ctx) {
            continue;
        }
        let mut volumes: Vec<String> =
            c.volumes.iter().filter(|v| c.volume_present(v).eval(&ctx)).map(|v| v.name.to_string()).collect();
        if c.validating_dns && crate::components::resolver::enabled().eval(&ctx) {
            volumes.push("resolver".into());
        }
        if let Some(Value::List(extra)) = tree.get_dotted(&c.key("extraVolumes")) {
            volumes
                .extend(extra.iter().filter_map(|v| v.as_map()?.get("name")?.as_str()).map(str::to_string));
        }
        volumes.dedup();
        for (index, mount) in mounts.iter().enumerate() {
            let Some(name) = mount.as_map().and_then(|m| m.get("name")).and_then(Value::as_str) else {
                continue;
            };
            if !volumes.iter().any(|v| v == name) {
                problems.push(Problem::new(
                    KeyPath::from_dotted(&c.key("extraVolumeMounts")).child_index(index).child_key("name"),
                    format!(
                        "must name a volume of the pod ({}), found \"{name}\": Kubernetes refuses a mount of \
                         a volume the pod does not have; add it to {}.extraVolumes",
                        volumes.join(", "),
                        c.values_key
                    ),
                ));
            }
        }
    }
    problems
}

/// The problems of the well-formed networks of the list at `key`: `problem` says, given one
/// and the pod network (`subnet`), what is wrong with it, if anything.
fn network_problems(tree: &Value, key: &str, problem: impl Fn(&str, &str) -> Option<String>) -> Vec<Problem> {
    let (Some(Value::List(networks)), Some(Value::String(subnet))) =
        (tree.get_dotted(key), tree.get_dotted("subnet"))
    else {
        return Vec::new();
    };
    let path = KeyPath::from_dotted(key);
    networks
        .iter()
        .enumerate()
        .filter_map(|(index, network)| {
            let Value::String(network) = network else { return None };
            if !CIDR.matches(network) {
                return None;
            }
            Some(Problem::new(path.child_index(index), problem(network, subnet)?))
        })
        .collect()
}

/// A proxy network that holds pod addresses (or lies in the pod network): the pod network is
/// believed already, and the NetworkPolicy's `ipBlock` would let every pod in as the proxy,
/// to claim any client address (one of the pod network too, which postfix relays for).
fn trusted_proxies_in_the_pod_network(tree: &Value) -> Vec<Problem> {
    network_problems(tree, "expose.trustedProxies", |network, subnet| {
        cidr_host_bits_problem(network).or_else(|| {
            cidrs_overlap(network, subnet).then(|| {
                format!(
                    "must lie outside the pod network (subnet {subnet}), found \"{network}\": the pod \
                     network is believed already, and a range holding pod addresses would let every pod \
                     through the NetworkPolicy as the proxy"
                )
            })
        })
    })
}

/// Pods named by one of their two label maps under `prefix`: namespace labels without pod
/// labels would select every pod of those namespaces, pod labels alone pods of that name in
/// every namespace (for the web's proxy, the chart then falls back to
/// `networkPolicy.ingressController`).
fn half_a_selector(tree: &Value, prefix: &str, what: &str) -> Vec<Problem> {
    let given = |leaf: &str| matches!(tree.get_dotted(&format!("{prefix}.{leaf}")), Some(Value::Map(m)) if !m.is_empty());
    let (namespaces, pods) = (given("namespaceLabels"), given("podLabels"));
    if namespaces == pods {
        return Vec::new();
    }
    let missing = if namespaces { "podLabels" } else { "namespaceLabels" };
    vec![Problem::new(
        KeyPath::from_dotted(&format!("{prefix}.{missing}")),
        format!(
            "is required beside the other label map of {prefix}: {what} is selected by the labels of its \
             namespace and of its pods together"
        ),
    )]
}

/// Header sign-in trusting pod addresses while front serves the web itself: every pod of the
/// cluster reaches front's web ports (its NetworkPolicy admits them, as browsers), and front
/// reports the connecting pod as the proxy (`X-Forwarded-By`, core/nginx/conf/proxy.conf), so
/// admin would sign in whichever user any pod names (core/admin/mailu/sso/views/base.py).
fn sign_in_networks_open_to_pods(tree: &Value) -> Vec<Problem> {
    if tree.get_dotted("expose.web").and_then(Value::as_str) != Some("front") {
        return Vec::new();
    }
    let header = tree.get_dotted("authentication.proxy.header").and_then(Value::as_str).unwrap_or_default();
    // A public network is refused by the schema already, unless the override allows it.
    let allow_public =
        matches!(tree.get_dotted("trust.allowPublicProxyAuthNetworks"), Some(Value::Bool(true)));
    let checked = |network: &str| {
        allow_public || crate::patterns::is_match(super::trust::PRIVATE_SUBNET_PATTERN, network) == Some(true)
    };
    network_problems(tree, "authentication.proxy.trustedNetworks", |network, subnet| {
        (checked(network) && cidrs_overlap(network, subnet)).then(|| {
            format!(
                "must lie outside the pod network (subnet {subnet}) while expose.web is front, found \
                 \"{network}\": every pod of the cluster reaches front's web ports, and admin would sign \
                 in whichever user such a pod names in the {header} header; put the proxy in front of \
                 Mailu with expose.web: ingress or httpRoute, or list only a proxy outside the cluster"
            )
        })
    })
}

/// Two routed mail ports on one Traefik entry point (see
/// [`crate::components::front::entry_point_clashes`], which the chart checks too): each later
/// port is told of the first earlier one it shares its entry point with.
fn shared_entry_points(tree: &Value) -> Vec<Problem> {
    let ctx = crate::eval::Ctx::new(tree, "", "");
    // Every clash needs Traefik: the pairs, built on each call, are left alone without it
    // (this runs on every render).
    if !crate::components::front::mail_via("traefik").eval(&ctx) {
        return Vec::new();
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut reported: Vec<String> = Vec::new();
    for (key, clash, why) in crate::components::front::entry_point_clashes() {
        // A key of another type is the schema's to report.
        if reported.contains(&key)
            || !matches!(tree.get_dotted(&key), Some(Value::String(_)))
            || !clash.eval(&ctx)
        {
            continue;
        }
        problems.push(Problem::new(KeyPath::from_dotted(&key), why.eval(&ctx)));
        reported.push(key);
    }
    problems
}

/// Why `zone` is no zone of the IANA database, as the images' `TZ` needs one (spelt exactly:
/// their C libraries look the name up as a file); `None` when it is one. The database finds
/// names whatever their case and answers with the name as it lists it.
fn unknown_time_zone(zone: &str) -> Option<String> {
    let listed = jiff::tz::TimeZoneDatabase::bundled().get(zone).ok();
    match listed.as_ref().and_then(jiff::tz::TimeZone::iana_name) {
        Some(name) if name == zone => None,
        Some(name) => Some(format!(
            "is not a time zone of the IANA database, found \"{zone}\" (did you mean \"{name}\"?)"
        )),
        None => Some(format!(
            "is not a time zone of the IANA database, like UTC or Europe/Berlin, found \"{zone}\""
        )),
    }
}

/// A request above its limit, in any component's `resources`: the API server refuses such a
/// pod, and the rest of the release would be applied without it.
fn requests_above_limits(tree: &Value) -> Vec<Problem> {
    let Value::Map(top) = tree else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (component, settings) in top {
        for resource in crate::components::wiring::RESOURCE_NAMES {
            // Numbers are text by now (`quantities_as_text`).
            let amount = |kind: &str| match quantity(settings, kind, resource) {
                Some(Value::String(text)) => quantity_amount(text).map(|amount| (text.clone(), amount)),
                _ => None,
            };
            if let (Some((request, asked)), Some((limit, most))) = (amount("requests"), amount("limits"))
                && asked > most
            {
                problems.push(Problem::new(
                    KeyPath::from_dotted(&format!("{component}.resources.requests.{resource}")),
                    format!(
                        "must not be above {component}.resources.limits.{resource}, found {request} above {limit}: Kubernetes refuses the pod"
                    ),
                ));
            }
        }
    }
    problems
}

fn describe(error: &jsonschema::ValidationError<'_>, tree: &Value) -> Vec<Problem> {
    let path = KeyPath::from_json_pointer(error.instance_path().as_str(), tree);
    let schema_path = error.schema_path().as_str().to_string();
    let instance = error.instance();
    let problem = Problem::new;
    if let Some(rule) = rule_for(&schema_path) {
        let found = describe_json(instance);
        // A format rule is about the key's own value: that is the location to show.
        let causes = match rule.then {
            super::schema::Then::Matches { .. } | super::schema::Then::EachMatches { .. } => Vec::new(),
            _ => rule.causes().map(KeyPath::from_dotted).collect(),
        };
        let requirement = match &rule.then {
            super::schema::Then::OneOf(values) => format!(
                "must be {}, found {found},",
                values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(" or ")
            ),
            super::schema::Then::NotEmptyList | super::schema::Then::NotEmptyMap => {
                "must not be empty".to_string()
            }
            super::schema::Then::EmptyList => "must be empty".to_string(),
            super::schema::Then::AtMost(limit) => format!("must be at most {limit}, found {found},"),
            super::schema::Then::Matches { meaning, .. }
            | super::schema::Then::EachMatches { meaning, .. } => {
                format!("must be {meaning}, found {found},")
            }
        };
        return vec![Problem {
            causes,
            ..problem(path, format!("{requirement} when {}: {}", rule.condition(), rule.reason))
        }];
    }
    match error.kind() {
        // A key the release sets itself, refused by `propertyNames`: the problem is the key.
        ValidationErrorKind::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default();
            let key_format = match error.kind() {
                ValidationErrorKind::Pattern { pattern } => format_for_pattern(pattern),
                ValidationErrorKind::MaxLength { .. } => {
                    let pattern = error.schema_path().as_str().replace("/maxLength", "/pattern");
                    SCHEMA.pointer(&pattern).and_then(Json::as_str).and_then(format_for_pattern)
                }
                _ => None,
            };
            let message = match (key_format, error.kind()) {
                (Some(format), _) => Some(format!("is not {}", format.meaning)),
                (None, ValidationErrorKind::MaxLength { limit }) => {
                    Some(format!("is longer than {limit} characters, too long for a key"))
                }
                _ => None,
            };
            if let Some(message) = message {
                return vec![Problem { about_key: true, ..problem(path.child_key(key), message) }];
            }
            let message = if refuses_by_pattern(error) {
                "is the release's own annotation (a checksum of a configuration, which restarts the pods \
                 when it changes); choose another key"
            } else if key == crate::objects::RESOURCE_POLICY {
                "is the release's own annotation (`keep` on its claims and its Namespace, which helm \
                 uninstall then leaves in place); choose another key"
            } else if crate::objects::SELECTOR_LABELS.contains(&key) {
                "is one of the release's own labels, which its Services and NetworkPolicies select pods \
                 by; choose another key"
            } else {
                "is one of the release's own labels, which it sets on every object; choose another key"
            };
            vec![Problem { about_key: true, ..problem(path.child_key(key), message.into()) }]
        }
        ValidationErrorKind::Not { .. } if schema_path.contains(ENV_VAR_DEFINITION) => {
            let message = instance.as_str().and_then(extra_env_problem).unwrap_or_else(|| error.to_string());
            vec![problem(path, message)]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| Problem {
                about_key: true,
                ..Problem::new(path.child_key(key), unknown_key_message(key, &schema_path))
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
            vec![problem(path.child_key(key), MISSING.into())]
        }
        ValidationErrorKind::Type { kind } => {
            // The `then` of "if not text" (a quantity): text was allowed too.
            let or_text = schema_path.ends_with("/then/type")
                && SCHEMA
                    .pointer(schema_path.trim_end_matches("/then/type"))
                    .and_then(|branch| branch.pointer("/if/not/type"))
                    .is_some_and(|t| t == "string");
            let expected =
                if or_text { format!("a string or {}", expected_type(kind)) } else { expected_type(kind) };
            vec![problem(path, format!("must be {expected}, found {}", describe_json(instance)))]
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(|v| match v.as_str() {
                            Some("") => "\"\" (empty)".to_string(),
                            Some(text) => text.to_string(),
                            None => v.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            vec![problem(
                path,
                format!("must be one of {}, found {}", choices.join(", "), describe_json(instance)),
            )]
        }
        ValidationErrorKind::Pattern { pattern } => {
            let found = instance.as_str().unwrap_or_default();
            let message = match (format_for_pattern(pattern), found.is_empty()) {
                (Some(format), true) => format!("is required (must be {})", format.meaning),
                (Some(format), false) => {
                    format!("must be {}, found {}", format.meaning, describe_json(instance))
                }
                (None, _) => format!("must match {pattern}, found {}", describe_json(instance)),
            };
            vec![problem(path, message)]
        }
        ValidationErrorKind::MinLength { .. } => match requirement_for(&schema_path) {
            Some(requirement) => vec![Problem {
                causes: vec![KeyPath::from_dotted(&format!("{}.{}", requirement.at, requirement.when_key))],
                ..problem(path, format!("is required when {}", requirement.condition()))
            }],
            None => vec![problem(path, "must not be empty".into())],
        },
        ValidationErrorKind::MaxLength { limit } => {
            vec![problem(path, format!("must be at most {limit} characters long"))]
        }
        ValidationErrorKind::MinItems { limit } => {
            let noun = if *limit == 1 { "entry" } else { "entries" };
            vec![problem(path, format!("must have at least {limit} {noun}"))]
        }
        ValidationErrorKind::Constant { .. } => {
            let component = path.segments().first().map(|s| match s {
                helm_engine::Segment::Key(k) => k.as_str(),
                helm_engine::Segment::Index(_) => "",
            });
            let reason = ALWAYS_ON.iter().find(|(c, _)| Some(*c) == component).map_or("", |(_, r)| r);
            vec![problem(path, format!("cannot be turned off: {reason}"))]
        }
        ValidationErrorKind::UniqueItems => {
            // `--set list[5]=x` fills the places before it with nulls, which have a problem of
            // their own: only entries that are there count as repeated.
            let items: Vec<&serde_json::Value> =
                instance.as_array().into_iter().flatten().filter(|item| !item.is_null()).collect();
            if items.iter().enumerate().any(|(i, item)| items[..i].contains(item)) {
                vec![problem(path, "must not list the same entry twice".into())]
            } else {
                Vec::new()
            }
        }
        ValidationErrorKind::Minimum { limit } => {
            vec![problem(path, format!("must be at least {limit}, found {}", describe_json(instance)))]
        }
        ValidationErrorKind::Maximum { limit } => {
            vec![problem(path, format!("must be at most {limit}, found {}", describe_json(instance)))]
        }
        _ => vec![problem(path, error.to_string())],
    }
}

/// Whether the refused key names a pattern (`checksum/` annotations) rather than a list of
/// labels.
fn refuses_by_pattern(error: &jsonschema::ValidationError<'_>) -> bool {
    matches!(error.kind(), ValidationErrorKind::Not { schema } if schema.get("pattern").is_some())
}

/// The rule across blocks whose `then` holds the failing keyword, if any.
fn rule_for(schema_path: &str) -> Option<&'static Rule> {
    let rest = schema_path.strip_prefix("/allOf/")?;
    let (index, rest) = rest.split_once('/')?;
    rest.starts_with("then/").then_some(())?;
    RULES.get(index.parse::<usize>().ok()?)
}

/// The conditional requirement whose `then` holds the failing keyword, if any.
fn requirement_for(schema_path: &str) -> Option<&'static Requirement> {
    let (before_then, _) = schema_path.split_once("/then/")?;
    let (object, index) = before_then.rsplit_once("/allOf/")?;
    let index: usize = index.parse().ok()?;
    // The requirements of one object are its `allOf` entries, in order.
    REQUIREMENTS
        .iter()
        .filter(|r| r.at.split('.').map(|k| format!("/properties/{k}")).collect::<String>() == object)
        .nth(index)
}

/// Keys of earlier versions, with where their settings went.
pub const RETIRED_KEYS: &[(&str, &str)] = &[
    (
        "rateLimits",
        "was replaced by `limits`: postfix's per-client limits never act behind front (every \
         client arrives from front's address), so Mailu's own limits on failed logins and on \
         messages per user take their place",
    ),
    (
        "ingress",
        "was replaced by `expose` (how mail and web reach Mailu) and `tls` (the certificate): Traefik's \
     routes are now `expose.mail: traefik`, the web Ingress `expose.web: ingress`, the cert-manager \
     issuer `tls.certManager.issuer` and the Secret `tls.secretName`",
    ),
];

fn unknown_key_message(key: &str, schema_path: &str) -> String {
    if schema_path == "/additionalProperties"
        && let Some((_, moved)) = RETIRED_KEYS.iter().find(|(retired, _)| *retired == key)
    {
        return format!("unknown key: it {moved}");
    }
    // The allowed keys are the siblings in the schema object whose `additionalProperties`
    // refused the key.
    let allowed = allowed_keys(schema_path);
    if let Some(suggestion) = closest(key, &allowed) {
        return format!("unknown key (did you mean \"{suggestion}\"?)");
    }
    // Helm's customary names for keys this model names otherwise.
    if let Some((_, ours)) = CUSTOMARY_NAMES
        .iter()
        .find(|(customary, ours)| *customary == key && allowed.iter().any(|a| a == ours))
    {
        return format!("unknown key (this chart calls it \"{ours}\")");
    }
    // A key of the model elsewhere: one written at the wrong level.
    if schema_path.contains("/definitions/") {
        return "unknown key".into();
    }
    let elsewhere = MODEL_KEYS.get(&key.to_ascii_lowercase()).map_or(&[][..], Vec::as_slice);
    match elsewhere {
        [] => "unknown key".into(),
        [one] => format!("unknown key here (did you mean {one}?)"),
        [first, second, ..] if depth(first) < depth(second) => {
            format!("unknown key here (did you mean {first}?)")
        }
        few if few.len() <= 3 => format!("unknown key here (did you mean one of {}?)", few.join(", ")),
        many => {
            format!("unknown key here (it is at {} and {} more places)", many[..3].join(", "), many.len() - 3)
        }
    }
}

/// Names other charts give keys, with the model's name at the same place.
const CUSTOMARY_NAMES: &[(&str, &str)] = &[("replicaCount", "replicas")];

/// How deep a dotted key path lies.
fn depth(path: &str) -> usize {
    path.matches('.').count()
}

/// Every key path of the model (not inside Kubernetes' own objects), dotted, that a key
/// written at the wrong level may have been meant for, by its last key in lower case; the
/// shallowest first (`storage.storageClass` before each component's own).
static MODEL_KEYS: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    fn walk(schema: &Json, at: &str, into: &mut Vec<String>) {
        let Some(properties) = schema.get("properties").and_then(Json::as_object) else { return };
        for (name, child) in properties {
            let path = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
            walk(child, &path, into);
            into.push(path);
        }
    }
    let mut keys = Vec::new();
    walk(&SCHEMA, "", &mut keys);
    // Read only by a parent chart: no key written elsewhere was meant to go there.
    keys.retain(|key| key != "enabled");
    keys.sort_by(|a, b| (depth(a), a).cmp(&(depth(b), b)));
    let mut by_leaf: HashMap<String, Vec<String>> = HashMap::new();
    for path in keys {
        let leaf = path.rsplit('.').next().unwrap_or(&path).to_ascii_lowercase();
        by_leaf.entry(leaf).or_default().push(path);
    }
    by_leaf
});

fn allowed_keys(schema_path: &str) -> Vec<String> {
    let object_pointer = schema_path.strip_suffix("/additionalProperties").unwrap_or(schema_path);
    SCHEMA
        .pointer(object_pointer)
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The allowed key nearest to `key` by edit distance, if near enough to be a typo.
pub(crate) fn closest(key: &str, allowed: &[String]) -> Option<String> {
    let key: Vec<char> = key.to_lowercase().chars().collect();
    allowed
        .iter()
        .filter_map(|candidate| {
            let most = (candidate.len() / 3).max(1);
            let candidate_chars: Vec<char> = candidate.to_lowercase().chars().collect();
            let distance = edit_distance_at_most(&key, &candidate_chars, most)?;
            Some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.clone())
}

/// Edits from `a` to `b`: insertions, deletions, substitutions, and swaps of two neighbouring
/// characters (`valeu` is one edit from `value`), none of them applied twice to one place.
#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_at_most(&a, &b, usize::MAX).expect("no bound")
}

/// [`edit_distance`] when it is at most `most`. The measure stops as soon as it must exceed
/// that, so suggestions for thousands of unknown keys, or for a huge one, cost little.
fn edit_distance_at_most(a: &[char], b: &[char], most: usize) -> Option<usize> {
    // An edit changes the length by one at most.
    if a.len().abs_diff(b.len()) > most {
        return None;
    }
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            row[j] = substitution.min(row[j - 1] + 1).min(previous[j] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        // Distances never fall from one row to the row after next (a swap reaches back two
        // rows), so once two rows in a row exceed the bound, every later one does.
        if row.iter().min().is_some_and(|&m| m > most) && previous.iter().min().is_some_and(|&m| m > most) {
            return None;
        }
        before = std::mem::replace(&mut previous, row);
    }
    let distance = previous[b.len()];
    (distance <= most).then_some(distance)
}

fn expected_type(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a map".to_string(),
        "array" => "a list".to_string(),
        "integer" => "a whole number".to_string(),
        "number" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        "string" => "a string".to_string(),
        "null" => "null".to_string(),
        other => other.to_string(),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(set) => set.iter().map(|t| name(&t)).collect::<Vec<_>>().join(" or "),
    }
}

/// A found value in words: `"debug"`, `5`, `a list`.
fn describe_json(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a map".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_written_as_numbers_become_the_text_helm_prints() {
        let tree = |quantity: Value| {
            let mut tree =
                Value::from_json(&serde_json::json!({"admin": {"resources": {"limits": {}}}}), true);
            let mut limits = tree.as_map_mut();
            for key in ["admin", "resources", "limits"] {
                limits = limits.and_then(|map| map.get_mut(key)).and_then(Value::as_map_mut);
            }
            limits.expect("built above").insert("cpu".into(), quantity);
            tree
        };
        let text = |quantity: Value| {
            quantities_as_text(&tree(quantity))
                .and_then(|t| t.get_dotted("admin.resources.limits.cpu").cloned())
                .and_then(|v| v.as_str().map(str::to_string))
        };
        assert_eq!(text(Value::Float(0.5)).as_deref(), Some("0.5"));
        assert_eq!(text(Value::Float(2.0)).as_deref(), Some("2"));
        assert_eq!(text(Value::Float(4_294_967_296.0)).as_deref(), Some("4.294967296e+09"));
        assert_eq!(text(Value::Int(4_294_967_296)).as_deref(), Some("4294967296"));
        assert_eq!(text(Value::Int(0)).as_deref(), Some(""));
        assert_eq!(text(Value::Float(0.0)).as_deref(), Some(""));
        assert_eq!(text(Value::Int(-1)).as_deref(), Some("-1"));
        assert!(quantities_as_text(&tree(Value::String("250m".into()))).is_none(), "text stays as it is");
    }

    #[test]
    fn time_zones_are_the_databases_as_it_spells_them() {
        for zone in ["UTC", "Etc/UTC", "Europe/Berlin", "US/Eastern", "America/Argentina/Buenos_Aires"] {
            assert_eq!(unknown_time_zone(zone), None, "{zone}");
        }
        let wrong_case = unknown_time_zone("europe/berlin").unwrap();
        assert!(wrong_case.ends_with("(did you mean \"Europe/Berlin\"?)"), "{wrong_case}");
        assert!(unknown_time_zone("Mars/Phobos").unwrap().contains("like UTC or Europe/Berlin"));
    }

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(closest("hostname", &["hostnames".into(), "domain".into()]), Some("hostnames".into()));
        assert_eq!(closest("zzz", &["hostnames".into()]), None);
        // Up to a third of the candidate's length may differ.
        let long = ["persistence".to_string()];
        assert_eq!(closest("pers1st3nc3", &long), Some("persistence".into()));
        assert_eq!(closest("p3rs1st3nc3", &long), None);
    }

    #[test]
    fn a_bounded_distance_is_the_distance_when_within_the_bound() {
        let chars = |text: &str| text.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance_at_most(&chars("valeu"), &chars("value"), 1), Some(1));
        assert_eq!(edit_distance_at_most(&chars("kitten"), &chars("sitting"), 2), None);
        assert_eq!(edit_distance_at_most(&chars(&"k".repeat(200_000)), &chars("hostnames"), 3), None);
    }

    proptest::proptest! {
        #[test]
        fn stopping_early_never_changes_the_answer(a in "[abc]{0,9}", b in "[abc]{0,9}", most in 0usize..7) {
            let chars = |text: &str| text.chars().collect::<Vec<_>>();
            let full = edit_distance(&a, &b);
            proptest::prop_assert_eq!(
                edit_distance_at_most(&chars(&a), &chars(&b), most),
                (full <= most).then_some(full)
            );
        }
    }

    #[test]
    fn edit_distances_count_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(edit_distance("valeu", "value"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("abcd", "ab"), 2);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
