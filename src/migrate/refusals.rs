//! The values the official chart refuses to render: its templates call `fail` on them, stop in
//! a function, or write YAML that cannot be read, so `helm install` and `helm upgrade` stopped
//! with an error and such values cannot be what runs now. Each check below repeats one such
//! stop of chart 2.7.1 under its template's conditions (each case checked with helm 4).

use helm_engine::Value;

use super::combine::PROXY_PROTOCOL_PORTS;
use super::{Input, convert};

/// One refusal: the official keys that bring it about, the chart's own message (as helm
/// prints it, so that an operator recognises it) and the template that refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub keys: Vec<String>,
    pub message: String,
    pub template: String,
}

impl Refusal {
    fn new(keys: Vec<String>, message: impl Into<String>, template: impl Into<String>) -> Self {
        Refusal { keys, message: message.into(), template: template.into() }
    }
}

/// Where helm reports the checks of `mailu.validateValues` (templates/_helpers.tpl), which
/// templates/NOTES.txt calls.
const VALIDATE_VALUES: &str = "templates/NOTES.txt (mailu.validateValues, templates/_helpers.tpl)";

/// Every refusal the values meet. Helm stops at the first one it renders; all are listed, so
/// that one reading finds them all.
pub(super) fn all(input: &Input) -> Vec<Refusal> {
    let mut found = Vec::new();
    if !input.flag("domain") {
        found.push(Refusal::new(
            vec!["domain".into()],
            "You need to set the domain to be used",
            VALIDATE_VALUES,
        ));
    }
    // The check of the old `front.controller.kind` reads into any value given there.
    let controller = input.get("front.controller");
    if convert::truth(&controller) && !matches!(controller, Value::Map(_)) {
        found.push(Refusal::new(
            vec!["front.controller".into()],
            "can't evaluate field kind in type interface {}",
            VALIDATE_VALUES,
        ));
    }
    let deprecated = deprecated(input);
    if !deprecated.is_empty() {
        found.push(Refusal::new(
            deprecated,
            "Deprecated configuration keys found in Values",
            VALIDATE_VALUES,
        ));
    }
    if input.flag("tika.enabled") && !input.flag("tika.languages") {
        found.push(Refusal::new(
            vec!["tika.enabled".into(), "tika.languages".into()],
            "Tika is enabled but no languages are set",
            VALIDATE_VALUES,
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
    found.extend(claims(input));
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

/// An external database of a type the chart does not know, with neither sub-chart on; a type
/// that is not a text stops `eq` before (the `postgresql` test comes first, whatever
/// `mariadb.enabled` says).
fn database(input: &Input) -> Option<Refusal> {
    if input.flag("postgresql.enabled") || !input.flag("externalDatabase.enabled") {
        return None;
    }
    let keys = || vec!["externalDatabase.enabled".to_string(), "externalDatabase.type".to_string()];
    let go_type = match input.get("externalDatabase.type") {
        Value::String(kind) if kind == "postgresql" || kind == "mysql" => return None,
        Value::String(_) | Value::Null if input.flag("mariadb.enabled") => return None,
        Value::String(_) | Value::Null => {
            return Some(Refusal::new(
                keys(),
                "Invalid database type. Use correct database type (mysql/postgresql) if using external database.",
                "templates/_database.tpl",
            ));
        }
        // helm's values hold every number as a float64.
        Value::Int(_) | Value::Float(_) => "float64",
        Value::Bool(_) => "bool",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    };
    Some(Refusal::new(
        keys(),
        format!("error calling eq: incompatible types for comparison: {go_type} and string"),
        "templates/_database.tpl",
    ))
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

/// Claims whose storage class the templates write unquoted where YAML cannot read it as a
/// text (`-`, the Bitnami charts' "no class", reads as the start of a list): each claim the
/// official chart makes, under the conditions of its template.
fn claims(input: &Input) -> Vec<Refusal> {
    let single = input.flag("persistence.single_pvc");
    let mut found = Vec::new();
    let mut check = |keys: Vec<String>, template: String, made: bool| {
        let class = input.text(keys.last().expect("the class is named"));
        if made && !class.is_empty() && !reads_as_text(&class) {
            found.push(Refusal::new(
                keys,
                format!("YAML parse error on mailu/{template}: error converting YAML to JSON"),
                template,
            ));
        }
    };
    check(
        vec!["persistence.single_pvc".into(), "persistence.storageClass".into()],
        "templates/pvc.yaml".into(),
        single && !input.flag("persistence.existingClaim") && !input.flag("persistence.hostPath"),
    );
    for component in ["admin", "postfix", "dovecot", "rspamd", "webmail", "webdav", "fetchmail"] {
        let on = matches!(component, "admin" | "postfix") || input.flag(&format!("{component}.enabled"));
        // dovecot's claim is left out for postfix's existing claim (as the template reads).
        let claim_of = if component == "dovecot" { "postfix" } else { component };
        let made = on && !single && !input.flag(&format!("{claim_of}.persistence.existingClaim"));
        check(
            vec![format!("{component}.persistence.storageClass")],
            format!("templates/{component}/pvc.yaml"),
            made,
        );
    }
    // ClamAV's claim and the Bitnami Redis's take the class as Bitnami's helpers do: the global
    // one first, `-` written as no class.
    for (base, template) in [
        ("clamav", "templates/clamav/statefulset.yaml"),
        ("redis.master", "charts/redis/templates/master/application.yaml"),
    ] {
        let chart = base.split('.').next().unwrap_or(base);
        let made = input.flag(&format!("{chart}.enabled"))
            && input.flag(&format!("{base}.persistence.enabled"))
            && !input.flag(&format!("{base}.persistence.existingClaim"));
        let own = format!("{base}.persistence.storageClass");
        let Some(key) = ["global.storageClass", own.as_str(), "global.defaultStorageClass"]
            .into_iter()
            .find(|key| !input.text(key).is_empty())
        else {
            continue;
        };
        if input.text(key) != "-" {
            check(vec![key.to_string()], template.to_string(), made);
        }
    }
    found
}

/// Whether `storageClassName: TEXT` reads as YAML.
fn reads_as_text(class: &str) -> bool {
    helm_engine::load_yaml_documents(&format!("spec:\n  storageClassName: {class}\n")).is_ok()
}
