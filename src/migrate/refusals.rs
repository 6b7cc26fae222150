//! The values the official chart refuses to render: its templates call `fail` on them, so
//! `helm install` and `helm upgrade` stopped with an error and such values cannot be what runs
//! now. Each check below repeats one `fail` of chart 2.7.1, named with its template.

use helm_engine::Value;

use super::Input;
use super::combine::PROXY_PROTOCOL_PORTS;

/// One refusal: the official keys that bring it about, the chart's own message (as helm
/// prints it, so that an operator recognises it) and the template that refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub keys: Vec<String>,
    pub message: String,
    pub template: &'static str,
}

impl Refusal {
    fn new(keys: Vec<String>, message: impl Into<String>, template: &'static str) -> Self {
        Refusal { keys, message: message.into(), template }
    }
}

/// Every refusal the values meet. Helm stops at the first one it renders; all are listed, so
/// that one reading finds them all.
pub(super) fn all(input: &Input) -> Vec<Refusal> {
    let mut found = Vec::new();
    if !input.flag("domain") {
        found.push(Refusal::new(
            vec!["domain".into()],
            "You need to set the domain to be used",
            "templates/_helpers.tpl",
        ));
    }
    let deprecated = deprecated(input);
    if !deprecated.is_empty() {
        found.push(Refusal::new(
            deprecated,
            "Deprecated configuration keys found in Values",
            "templates/_helpers.tpl",
        ));
    }
    if input.flag("tika.enabled") && !input.flag("tika.languages") {
        found.push(Refusal::new(
            vec!["tika.enabled".into(), "tika.languages".into()],
            "Tika is enabled but no languages are set",
            "templates/_helpers.tpl",
        ));
    }
    if input.flag("externalRedis.enabled") {
        for (key, name) in [("externalRedis.host", "host"), ("externalRedis.port", "port")] {
            if !input.flag(key) {
                found.push(Refusal::new(
                    vec!["externalRedis.enabled".into(), key.into()],
                    format!("externalRedis.{name} must be set when externalRedis.enabled is true"),
                    "templates/_services.tpl",
                ));
            }
        }
    }
    if let Some(refusal) = database(input) {
        found.push(refusal);
    }
    found.extend(proxy_protocol(input));
    if let Some(refusal) = shared_claim(input) {
        found.push(refusal);
    }
    found
}

/// The keys of charts before 1.0 that the official chart refuses, tested as it tests them.
fn deprecated(input: &Input) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    if input.flag("database.type") || input.flag("database.roundcubeType") {
        keys.push("database".into());
    }
    for map in ["mail", "certmanager"] {
        if matches!(input.get(map), Value::Map(_)) {
            keys.push(map.into());
        }
    }
    for key in [
        "front.externalService.pop3",
        "front.externalService.imap",
        "front.externalService.smtp",
        "front.controller.kind",
        "ingress.tlsFlavor",
        "ingress.externalIngress",
    ] {
        if input.flag(key) {
            keys.push(key.into());
        }
    }
    keys
}

/// An external database of a type the chart does not know, with neither sub-chart on.
fn database(input: &Input) -> Option<Refusal> {
    if input.flag("postgresql.enabled")
        || input.flag("mariadb.enabled")
        || !input.flag("externalDatabase.enabled")
    {
        return None;
    }
    let known = matches!(input.get("externalDatabase.type"), Value::String(kind) if kind == "postgresql" || kind == "mysql");
    (!known).then(|| {
        Refusal::new(
            vec!["externalDatabase.enabled".into(), "externalDatabase.type".into()],
            "Invalid database type. Use correct database type (mysql/postgresql) if using external database.",
            "templates/_database.tpl",
        )
    })
}

/// The PROXY protocol on a published port, without the networks it may come from, or with a
/// header front would believe instead.
fn proxy_protocol(input: &Input) -> Vec<Refusal> {
    if !input.flag("front.externalService.enabled") {
        return Vec::new();
    }
    let on: Vec<String> = PROXY_PROTOCOL_PORTS
        .iter()
        .filter(|(key, _)| {
            input.flag(&format!("front.externalService.ports.{key}"))
                && input.flag(&format!("ingress.proxyProtocol.{key}"))
        })
        .map(|(key, _)| format!("ingress.proxyProtocol.{key}"))
        .collect();
    if on.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let with = |key: &str| on.iter().cloned().chain([key.to_string()]).collect::<Vec<_>>();
    if !input.flag("ingress.realIpFrom") {
        found.push(Refusal::new(
            with("ingress.realIpFrom"),
            "PROXY protocol is enabled for some ports, but ingress.realIpFrom is not set",
            "templates/_services.tpl",
        ));
    }
    if input.flag("ingress.realIpHeader") {
        found.push(Refusal::new(
            with("ingress.realIpHeader"),
            "PROXY protocol is enabled for some ports, but ingress.realIpHeader is set",
            "templates/_services.tpl",
        ));
    }
    found
}

/// The one shared claim with the class `-` (the Bitnami charts' "no class"): the template
/// writes the class unquoted, and YAML reads a lone `-` as the start of a list.
fn shared_claim(input: &Input) -> Option<Refusal> {
    let writes_class = input.flag("persistence.single_pvc")
        && !input.flag("persistence.existingClaim")
        && !input.flag("persistence.hostPath");
    (writes_class && input.text("persistence.storageClass") == "-").then(|| {
        Refusal::new(
            vec!["persistence.single_pvc".into(), "persistence.storageClass".into()],
            "YAML parse error on mailu/templates/pvc.yaml: ...: block sequence entries are not allowed in this context",
            "templates/pvc.yaml",
        )
    })
}
