//! The decisions several official settings make together: how traffic arrives, where the
//! certificate comes from, the database, Redis, the Secrets, the images, and the per-component
//! blocks that are maps there (resources, security contexts).

use helm_engine::{Map, Value};

use super::convert::{self, Converted, convert, normalize, secret_name};
use super::secrets::{SecretPlan, Source};
use super::table::{ALL, CLAIMED, Conv};
use super::{Builder, Outcome, REQUIRED};
use crate::components::front::LOAD_BALANCER_PROXY_PROTOCOL;
use crate::components::wiring::RESOURCE_NAMES;
use crate::values::{text, trust};

/// What must be decided before the defaults are compared: a key set here is not a default
/// that differs.
pub(super) fn before_defaults(b: &mut Builder) {
    shared_claim_size(b);
}

/// With one claim for everything there, its size, the official default too, becomes dovecot's:
/// the mail must fit on the new claim. (An existing claim's size is not in the values.)
fn shared_claim_size(b: &mut Builder) {
    if b.input.flag("persistence.single_pvc")
        && b.input.set("persistence.existingClaim").is_none()
        && let size = b.input.get("persistence.size")
        && b.input.set("dovecot.persistence.size").is_none()
        && let Ok(size) = convert::text(&size)
    {
        if b.input.set("persistence.size").is_none() {
            b.notes.push(format!(
                "dovecot.persistence.size: {size}, the official default of persistence.size: the one claim there held every component's data, mail nearly all of it"
            ));
        }
        b.put_from("dovecot.persistence.size", Value::String(size), "persistence.size");
        b.settle(
            "persistence.size",
            Outcome::Changed {
                to: "dovecot.persistence.size".into(),
                how: "the one claim held every component's data, mail nearly all of it: dovecot's claim gets its size, the others keep theirs".into(),
            },
        );
    }
}

pub(super) fn all(b: &mut Builder) {
    required(b);
    images(b);
    secret_key(b);
    initial_account(b);
    api(b);
    relay(b);
    let web = exposure(b);
    certificate(b, web);
    defer_on_tls_error(b);
    web_decided(b);
    trusted_proxies(b);
    network_policy_peers(b, web);
    database(b);
    redis(b);
    storage(b);
    full_text_search(b);
    reject_unlisted_recipient(b);
    admin_dns(b);
    hidden_admin_pages(b);
    let mut default_resources = Vec::new();
    for component in ALL {
        if !resources(b, &format!("{component}.resources"), &format!("{component}.resources"))
            && b.ours(&format!("{component}.enabled")) != Value::Bool(false)
        {
            default_resources.push(our_resources(b, component));
        }
        security_context(b, component, "podSecurityContext", &[("fsGroup", "fsGroup")]);
        security_context(
            b,
            component,
            "containerSecurityContext",
            &[("runAsUser", "runAsUser"), ("runAsNonRoot", "runAsNonRoot")],
        );
    }
    if !default_resources.is_empty() {
        b.defaults.push(format!(
            "resources: the official chart set none; here each component has requests and limits (docs/deployment.md says why; on a small node lower them in `<component>.resources`, or set them empty): {}",
            default_resources.join("; ")
        ));
    }
}

/// A component's requests and limits here, shortly: `admin 100m/256Mi, limits -/512Mi`.
fn our_resources(b: &Builder, component: &str) -> String {
    let pair = |kind: &str| {
        let q = |resource: &str| match convert::text(
            &b.ours(&format!("{component}.resources.{kind}.{resource}")),
        ) {
            Ok(q) if !q.is_empty() => q,
            _ => "-".to_string(),
        };
        format!("{}/{}", q("cpu"), q("memory"))
    };
    format!("{component} {}, limits {}", pair("requests"), pair("limits"))
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// The name of the official chart's objects: `<release>-mailu`, or the release name when it
/// holds `mailu`, or `fullnameOverride`.
pub(super) fn fullname(b: &Builder) -> String {
    let over = b.input.text("fullnameOverride");
    if !over.is_empty() {
        return trim63(&over);
    }
    let name = match b.input.text("nameOverride") {
        n if n.is_empty() => "mailu".to_string(),
        n => n,
    };
    let release = &b.options.release_name;
    if release.contains(&name) { trim63(release) } else { trim63(&format!("{release}-{name}")) }
}

/// The name of a Bitnami sub-chart's objects: `<release>-<chart>` unless the release name
/// holds the chart's name.
fn subchart_name(b: &Builder, chart: &str) -> String {
    let release = &b.options.release_name;
    let over = b.input.text(&format!("{chart}.fullnameOverride"));
    if !over.is_empty() {
        return trim63(&over);
    }
    if release.contains(chart) { trim63(release) } else { trim63(&format!("{release}-{chart}")) }
}

/// The name of a Secret the official chart made: `<fullname>-<suffix>`, cut to 63 characters
/// as it cut it (`mailu.secrets.name`).
fn generated_secret(b: &Builder, suffix: &str) -> String {
    trim63(&format!("{}-{suffix}", fullname(b)))
}

fn trim63(name: &str) -> String {
    name.chars().take(63).collect::<String>().trim_end_matches('-').to_string()
}

fn required(b: &mut Builder) {
    for (key, what) in REQUIRED {
        let empty = match b.input.get(key) {
            Value::List(items) => items.is_empty(),
            other => convert::text(&other).unwrap_or_default().is_empty(),
        };
        if empty {
            b.need(key, what);
        }
    }
}

/// Repositories with their registry; tags with their digest apart; one pull policy; every
/// pull secret on every pod.
fn images(b: &mut Builder) {
    let registry = b.input.text("imageRegistry");
    for component in ALL {
        let key = |k: &str| format!("{component}.image.{k}");
        let third_party = b.input.set(&key("registry")).is_some()
            || super::official::DEFAULTS.contains_key(key("registry").as_str());
        if b.input.set(&key("repository")).is_some() || b.input.set(&key("registry")).is_some() {
            let repository = if third_party {
                format!("{}/{}", b.input.text(&key("registry")), b.input.text(&key("repository")))
            } else {
                format!("{registry}/{}", b.input.text(&key("repository")))
            };
            b.put_from(
                &key("repository"),
                Value::String(repository.trim_start_matches('/').to_string()),
                &key("repository"),
            );
        }
        if let Some(tag) = b.input.set(&key("tag")).map(|t| convert::text(t).unwrap_or_default()) {
            let (tag, digest) = match tag.split_once('@') {
                Some((tag, digest)) => (tag.to_string(), digest.to_string()),
                None => (tag, String::new()),
            };
            if !tag.is_empty() {
                b.put_from(&key("tag"), Value::String(tag), &key("tag"));
            }
            if !digest.is_empty() {
                b.put_from(&key("digest"), Value::String(digest), &key("tag"));
            }
        }
    }
    // The images not of Mailu (ClamAV, Tika) have versions of their own, which `images.tag`
    // does not tell.
    for component in ALL {
        let key = format!("{component}.image.tag");
        let Some(official) =
            super::official::DEFAULTS.get(key.as_str()).map(|t| convert::text(t).unwrap_or_default())
        else {
            continue;
        };
        let ours = convert::text(&b.ours(&key)).unwrap_or_default();
        let official_tag = official.split('@').next().unwrap_or_default();
        if b.input.set(&key).is_some()
            || official_tag.is_empty()
            || official_tag == ours
            || b.ours(&format!("{component}.enabled")) != Value::Bool(true)
        {
            continue;
        }
        let pinned = if official.contains('@') { ", pinned by digest" } else { "" };
        b.defaults.push(format!(
            "{key} {ours} (official {official_tag}{pinned}): the version this chart was checked with"
        ));
    }
    let policies: Vec<(String, String)> = ALL
        .iter()
        .filter_map(|c| {
            let key = format!("{c}.image.pullPolicy");
            b.input.set(&key).map(|v| (key, convert::text(v).unwrap_or_default()))
        })
        .collect();
    if let Some((_, first)) = policies.first() {
        if policies.iter().all(|(_, p)| p == first) {
            b.put("images.pullPolicy", s(first));
            let how = format!(
                "one pull policy for every container here: {first} applies to all of them, not only to the component{} the official values set it for",
                if policies.len() == 1 { "" } else { "s" }
            );
            for (key, _) in &policies {
                b.settle(key, Outcome::Changed { to: "images.pullPolicy".into(), how: how.clone() });
            }
        } else {
            let all: Vec<String> = policies.iter().map(|(k, p)| format!("{k} {p}")).collect();
            let why = format!(
                "one pull policy for every container here, and the components disagree ({}); set `images.pullPolicy`",
                all.join(", ")
            );
            for (key, _) in &policies {
                b.settle(key, Outcome::NotCarried { why: why.clone() });
            }
        }
    }
    if b.input.set("imageRegistry").is_some() {
        b.note("images.registry: only Mailu's own images come from it; the built-in Redis (`redis.image.repository`) and dovecot's submission relay (`dovecotSubmission.image.repository`) are pulled from docker.io unless you name a mirror for them, as ClamAV's and Tika's were there too");
    }
    let mut names: Vec<Value> =
        b.got("images.pullSecrets").and_then(Value::as_list).cloned().unwrap_or_default();
    for component in ALL {
        let key = format!("{component}.image.pullSecrets");
        if let Some(value) = b.input.set(&key).cloned() {
            match convert(Conv::SecretNames, &value) {
                Ok(Converted { value: Value::List(more), .. }) => {
                    names.extend(more.into_iter().filter(|n| !names.contains(n)).collect::<Vec<_>>());
                }
                Ok(_) => {}
                Err(why) => b.settle(&key, Outcome::NotCarried { why }),
            }
        }
    }
    if !names.is_empty() {
        b.put("images.pullSecrets", Value::List(names));
    }
}

fn secret_key(b: &mut Builder) {
    if b.input.set("existingSecret").is_some() {
        if b.input.set("secretKey").is_some() {
            b.settle("secretKey", Outcome::NotCarried { why: "`existingSecret` wins, there as here".into() });
        }
        return;
    }
    let from = generated_secret(b, "secret");
    let source = match b.input.set("secretKey") {
        Some(value) => kept(from, "secret-key", value),
        None => {
            b.note(format!("secrets.secretKey: the official chart generated Mailu's secret key into the Secret {from}; it is copied"));
            Source::Copy { secret: from, key: "secret-key".into() }
        }
    };
    let name = b.ours("secrets.secretKey.name");
    let key = b.ours("secrets.secretKey.key");
    b.secrets.push(SecretPlan::generic(
        &convert::text(&name).unwrap_or_default(),
        "Mailu's secret key",
        vec![(convert::text(&key).unwrap_or_default().as_str(), source)],
    ));
}

/// A value the official values gave for a key of a Secret the official chart (or a Bitnami
/// sub-chart) made: the Secret's, which it kept, if there is one.
fn kept(secret: String, key: &str, given: &Value) -> Source {
    Source::Kept { secret, key: key.to_string(), given: convert::rendered(given) }
}

/// A password or token that goes into a Secret: the existing Secret named there, the value
/// given there, or the Secret the official chart generated.
struct Credential<'a> {
    enabled: &'a str,
    value: &'a str,
    existing: &'a str,
    existing_key: &'a str,
    default_key: &'a str,
    generated: &'a str,
    target: &'a str,
    new_name: &'a str,
    new_key: &'a str,
    purpose: &'a str,
}

fn credential(b: &mut Builder, c: Credential<'_>) {
    if !b.input.flag(c.enabled) {
        let why = format!("not used: `{}` is off", c.enabled);
        for key in [c.value, c.existing, c.existing_key] {
            b.settle(key, Outcome::NotCarried { why: why.clone() });
        }
        return;
    }
    if let Some(existing) = b.input.set(c.existing).cloned() {
        let key = match b.input.text(c.existing_key) {
            k if k.is_empty() => c.default_key.to_string(),
            k => k,
        };
        b.put_from(
            &format!("{}.name", c.target),
            Value::String(secret_name(&existing).unwrap_or_default()),
            c.existing,
        );
        b.put_from(&format!("{}.key", c.target), Value::String(key), c.existing_key);
        if b.input.set(c.value).is_some() {
            b.settle(c.value, Outcome::NotCarried { why: format!("`{}` wins, there as here", c.existing) });
        }
        return;
    }
    let key = match b.input.text(c.existing_key) {
        k if k.is_empty() => c.default_key.to_string(),
        k => k,
    };
    let from = generated_secret(b, c.generated);
    let source = match b.input.set(c.value) {
        Some(value) => kept(from, &key, value),
        None => {
            b.note(format!(
                "{}: the official chart generated the {} into the Secret {from}; it is copied",
                c.target, c.purpose
            ));
            Source::Copy { secret: from, key }
        }
    };
    b.put(&format!("{}.name", c.target), s(c.new_name));
    b.put(&format!("{}.key", c.target), s(c.new_key));
    b.secrets.push(SecretPlan::generic(c.new_name, c.purpose, vec![(c.new_key, source)]));
}

fn initial_account(b: &mut Builder) {
    // Mailu creates the account only when it has a user name, a domain and a password
    // (core/admin/start.py); the official chart wrote the first two only when set.
    let missing: Vec<&str> = ["initialAccount.username", "initialAccount.domain"]
        .into_iter()
        .filter(|k| b.input.text(k).is_empty())
        .collect();
    if b.input.flag("initialAccount.enabled") && !missing.is_empty() {
        let missing = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ");
        b.unput("initialAccount");
        b.settle(
            "initialAccount.enabled",
            Outcome::Changed {
                to: "initialAccount.enabled".into(),
                how: format!("false: without {missing} the official chart created no account (Mailu needs a user name and a domain); here it would create one and reset its password at every start"),
            },
        );
        for key in [
            "initialAccount.username",
            "initialAccount.domain",
            "initialAccount.mode",
            "initialAccount.password",
            "initialAccount.existingSecret",
            "initialAccount.existingSecretPasswordKey",
        ] {
            b.settle(
                key,
                Outcome::NotCarried { why: "not used: the official chart created no initial account".into() },
            );
        }
        b.note(format!("initialAccount.enabled: false — the official values turned the initial account on without {missing}, so Mailu created none; set both (and `initialAccount.enabled: true`) to have one created"));
        return;
    }
    credential(
        b,
        Credential {
            enabled: "initialAccount.enabled",
            value: "initialAccount.password",
            existing: "initialAccount.existingSecret",
            existing_key: "initialAccount.existingSecretPasswordKey",
            default_key: "initial-account-password",
            generated: "initial-account",
            target: "initialAccount.passwordSecret",
            // Not mailu-initial-account: the official chart's own Secret has that name under
            // the release name mailu, and it goes away with the old release.
            new_name: "mailu-admin-password",
            new_key: "password",
            purpose: "the first administrator's password",
        },
    );
    if !b.input.flag("initialAccount.enabled") {
        for key in ["initialAccount.username", "initialAccount.domain", "initialAccount.mode"] {
            if b.input.set(key).is_some() {
                b.settle(
                    key,
                    Outcome::NotCarried { why: "not used: `initialAccount.enabled` is off".into() },
                );
                b.unput(key);
            }
        }
    }
}

fn api(b: &mut Builder) {
    credential(
        b,
        Credential {
            enabled: "api.enabled",
            value: "api.token",
            existing: "api.existingSecret",
            existing_key: "api.existingSecretTokenKey",
            default_key: "api-token",
            generated: "api",
            target: "api.tokenSecret",
            new_name: "mailu-api-token",
            new_key: "api-token",
            purpose: "the API token",
        },
    );
}

fn relay(b: &mut Builder) {
    let keys = [
        "externalRelay.username",
        "externalRelay.password",
        "externalRelay.existingSecret",
        "externalRelay.usernameKey",
        "externalRelay.passwordKey",
    ];
    if b.input.text("externalRelay.host").is_empty() {
        for key in keys {
            b.settle(key, Outcome::NotCarried { why: "not used: there is no `externalRelay.host`".into() });
        }
        return;
    }
    let target = "relay.credentialsSecret";
    if let Some(existing) = b.input.set("externalRelay.existingSecret").cloned() {
        b.put_from(
            &format!("{target}.name"),
            Value::String(secret_name(&existing).unwrap_or_default()),
            "externalRelay.existingSecret",
        );
        b.put_from(
            &format!("{target}.usernameKey"),
            Value::String(b.input.text("externalRelay.usernameKey")),
            "externalRelay.usernameKey",
        );
        b.put_from(
            &format!("{target}.passwordKey"),
            Value::String(b.input.text("externalRelay.passwordKey")),
            "externalRelay.passwordKey",
        );
        for key in ["externalRelay.username", "externalRelay.password"] {
            if b.input.set(key).is_some() {
                b.settle(
                    key,
                    Outcome::NotCarried { why: "`externalRelay.existingSecret` wins, there as here".into() },
                );
            }
        }
        return;
    }
    let username = b.input.set("externalRelay.username").cloned();
    let password = b.input.set("externalRelay.password").cloned();
    if username.is_none() && password.is_none() {
        b.note("relay: the official chart gave the relay a random user name and password when the values named none; no credentials here (set `relay.credentialsSecret` if the relay needs them)");
        return;
    }
    let generated = generated_secret(b, "external-relay");
    let source = |value: Option<Value>, key: &str| match value {
        Some(v) => kept(generated.clone(), key, &v),
        None => Source::Copy { secret: generated.clone(), key: key.to_string() },
    };
    let entries = vec![
        ("username", source(username, &b.input.text("externalRelay.usernameKey"))),
        ("password", source(password, &b.input.text("externalRelay.passwordKey"))),
    ];
    b.put(&format!("{target}.name"), s("mailu-relay"));
    b.secrets.push(SecretPlan::generic("mailu-relay", "the relay's user name and password", entries));
}

/// How mail arrives (`expose.mail`, its ports, the LoadBalancer) and how the web does
/// (`expose.web`, the Ingress); returns the web exposure.
fn exposure(b: &mut Builder) -> &'static str {
    let host_port = b.input.flag("front.hostPort.enabled");
    let service = b.input.flag("front.externalService.enabled");
    let service_type = b.input.text("front.externalService.type");
    let mail = match (service, service_type.as_str(), host_port) {
        (true, "LoadBalancer", _) => "loadBalancer",
        (_, _, true) => "hostPort",
        (true, "NodePort", false) => "hostPort",
        _ => "none",
    };
    if service && service_type == "LoadBalancer" && host_port {
        b.note("expose.mail: loadBalancer — the official values published the mail ports both on host ports and through a LoadBalancer; the LoadBalancer is kept");
        b.settle(
            "front.hostPort.enabled",
            Outcome::NotCarried { why: "the LoadBalancer is kept; one way in for mail here".into() },
        );
    }
    if service && service_type == "NodePort" && !host_port {
        b.settle(
            "front.externalService.type",
            Outcome::Changed {
                to: "expose.mail".into(),
                how: "NodePort becomes host ports: NodePorts cannot be the standard mail ports, host ports are (on the nodes that run front)".into(),
            },
        );
        b.need(
            "expose.mail",
            "the official values published the mail ports as NodePorts on every node; here they are the standard ports (25, 465, 587, 993, ...) as host ports on the node that runs front only: point whatever forwarded to the NodePorts (a router, an outside load balancer) at that node's standard ports and keep front there (`front.nodeSelector`), or choose `expose.mail: loadBalancer`",
        );
    }
    let proxied_ports =
        PROXY_PROTOCOL_PORTS.iter().any(|(key, _)| b.input.flag(&format!("ingress.proxyProtocol.{key}")));
    if service
        && !matches!(service_type.as_str(), "LoadBalancer" | "NodePort")
        && mail == "none"
        && proxied_ports
    {
        // A proxy inside the cluster (Traefik, say) forwarded mail to this Service with the
        // PROXY protocol: this chart's equivalent is its Traefik exposure.
        let how = format!(
            "a {service_type} Service with the PROXY protocol on: a TCP proxy inside the cluster forwarded mail to it; `expose.mail: none` until you choose (see the notes and \"add or correct\")"
        );
        for key in ["front.externalService.enabled", "front.externalService.type"] {
            b.settle(key, Outcome::Changed { to: "expose.mail".into(), how: how.clone() });
        }
        b.need(
            "expose.mail",
            "the official values had a proxy inside the cluster forward mail to front with the PROXY protocol; with Traefik, `expose.mail: traefik` does it here (TCP routes on the entry points of `expose.traefik.entryPoints`); another proxy (ingress-nginx's TCP services, say) has nothing to forward to here, as front's Service has no mail client ports: choose `loadBalancer` or `hostPort`; mail from outside stops until you choose",
        );
        proxy_protocol_note(b, "the proxy that forwarded to the Service");
    } else if service
        && !matches!(service_type.as_str(), "LoadBalancer" | "NodePort")
        && mail == "none"
        && b.input.get("front.externalService.externalIPs").as_list().is_some_and(|ips| !ips.is_empty())
    {
        b.settle(
            "front.externalService.type",
            Outcome::Changed {
                to: "expose.mail".into(),
                how: format!(
                    "a {service_type} Service with external IPs: `expose.mail: none` until you choose"
                ),
            },
        );
        b.need(
            "expose.mail",
            "the official values published the mail ports on the Service's `externalIPs`, which this chart has no equivalent of: mail from outside stops unless you choose `loadBalancer` (MetalLB or your cloud's, with `expose.loadBalancer.ip` set to that address) or `hostPort` (on the node that holds it)",
        );
    } else if service && !matches!(service_type.as_str(), "LoadBalancer" | "NodePort") && mail == "none" {
        b.settle(
            "front.externalService.type",
            Outcome::Changed {
                to: "expose.mail".into(),
                how: format!(
                    "a {service_type} Service reaches nothing outside the cluster: `expose.mail: none` until you choose (see \"add or correct\")"
                ),
            },
        );
        b.need(
            "expose.mail",
            &format!("the official values put the mail ports on a {service_type} Service (`{}-front-ext`) for a proxy inside the cluster to forward to (a Traefik IngressRouteTCP, ingress-nginx's TCP services); this chart has no such Service, so mail from outside stops until you choose: with Traefik, `expose.mail: traefik` (its TCP routes, with the PROXY protocol, replace yours); otherwise `loadBalancer` or `hostPort`", fullname(b)),
        );
    }
    b.put("expose.mail", s(mail));
    b.decided(
        &["front.hostPort.enabled", "front.externalService.enabled", "front.externalService.type"],
        "expose.mail",
        &format!("with the other exposure settings: `expose.mail: {mail}`"),
    );
    if mail == "hostPort" {
        let kind = if b.input.text("front.kind") == "DaemonSet" { "DaemonSet" } else { "Deployment" };
        b.put("expose.hostPort.kind", s(kind));
        b.decided(&["front.kind"], "expose.hostPort.kind", &format!("`expose.hostPort.kind: {kind}`"));
    } else if b.input.set("front.kind").is_some() {
        b.settle(
            "front.kind",
            Outcome::NotCarried {
                why: "front's kind matters only with host ports here; otherwise it is a Deployment".into(),
            },
        );
    }
    if mail != "none" {
        mail_ports(b, host_port, service);
    }
    if mail == "loadBalancer" {
        if let Some(policy) = b.input.set("front.externalService.ipFamilyPolicy").cloned() {
            let policy = convert::text(&policy).unwrap_or_default();
            if ["SingleStack", "PreferDualStack", "RequireDualStack"].contains(&policy.as_str()) {
                b.put("expose.loadBalancer.ipFamilyPolicy", Value::String(policy));
            }
        }
        let annotations =
            match b.input.set("front.externalService.annotations").map(|a| convert(Conv::TextMap, a)) {
                Some(Ok(converted)) => converted.value.as_map().cloned().unwrap_or_default(),
                _ => Map::default(),
            };
        let proxied: Vec<String> =
            annotations.keys().filter(|k| turns_on_proxy_protocol(k)).cloned().collect();
        if !annotations.is_empty() {
            b.put_from(
                "expose.loadBalancer.annotations",
                Value::Map(annotations),
                "front.externalService.annotations",
            );
        }
        if proxied.is_empty() {
            proxy_protocol_note(b, "the load balancer");
        } else {
            // The load balancer sends the header on every port: so does front expect it here.
            b.put(LOAD_BALANCER_PROXY_PROTOCOL, Value::Bool(true));
            let keys: Vec<String> =
                PROXY_PROTOCOL_PORTS.iter().map(|(key, _)| format!("ingress.proxyProtocol.{key}")).collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            b.decided(
                &keys,
                LOAD_BALANCER_PROXY_PROTOCOL,
                "on every port of the LoadBalancer, as its annotation asks",
            );
            b.note(format!(
                "PROXY protocol: the load balancer sends a header ({}), so front expects one on every port of the LoadBalancer (`expose.loadBalancer.proxyProtocol: true`) and believes it only from `expose.trustedProxies`; mail clients inside the cluster must reach front through the load balancer's host name (docs/deployment.md says how)",
                proxied.join(", ")
            ));
        }
    } else {
        for key in [
            "front.externalService.ipFamilyPolicy",
            "front.externalService.annotations",
            "front.externalService.loadBalancerIP",
        ] {
            b.settle(key, Outcome::NotCarried { why: "there is no LoadBalancer here".into() });
        }
        b.unput("expose.loadBalancer");
        if mail == "hostPort" {
            proxy_protocol_note(b, "whatever forwards to the host ports");
        }
    }
    let web = if b.input.flag("ingress.enabled") { "ingress" } else { "none" };
    b.put("expose.web", s(web));
    if web == "ingress" {
        let mut annotations = match b.input.set("ingress.annotations").map(|a| convert(Conv::TextMap, a)) {
            Some(Ok(converted)) => converted.value.as_map().cloned().unwrap_or_default(),
            Some(Err(why)) => {
                b.settle("ingress.annotations", Outcome::NotCarried { why: format!("not carried: {why}") });
                Map::default()
            }
            None => Map::default(),
        };
        // The official Ingress sent the web to front's HTTPS port; here it goes to the plain
        // HTTP port, which a controller told to speak TLS to it cannot reach.
        let backend_tls: Vec<String> =
            annotations.iter().filter(|(k, v)| speaks_tls_to_backend(k, v)).map(|(k, _)| k.clone()).collect();
        let mut how = vec!["carried into `expose.ingress.annotations`".to_string()];
        if !backend_tls.is_empty() {
            how[0].push_str(", but for those telling the controller to speak TLS to front (see the notes)");
            b.note(format!(
                "expose.ingress.annotations: {} left out: the official Ingress sent the web to front's HTTPS port; here it goes to front's plain HTTP port (TLS ends in the controller), which a controller told to speak TLS to it cannot reach",
                backend_tls.join(", ")
            ));
        }
        let names_an_issuer = |(k, v): (&String, &Value)| {
            k.starts_with("cert-manager.io/")
                && k.ends_with("issuer")
                && convert::text(v).is_ok_and(|name| !name.trim().is_empty())
        };
        if annotations.iter().any(names_an_issuer) || acme_annotation(&Value::Map(annotations.clone())) {
            how.push("the cert-manager issuer becomes `tls.source: certManager` (a Certificate of this chart's own)".into());
        }
        if annotations.contains_key("kubernetes.io/ingress.class") {
            how.push("`kubernetes.io/ingress.class` becomes `expose.ingress.className`".into());
        }
        b.decided(&["ingress.annotations"], "expose.ingress", &how.join("; "));
        for key in backend_tls.iter().map(String::as_str).chain([
            "cert-manager.io/cluster-issuer",
            "cert-manager.io/issuer",
            "cert-manager.io/issuer-kind",
            "cert-manager.io/issuer-group",
            "kubernetes.io/tls-acme",
        ]) {
            annotations.shift_remove(key);
        }
        let class = annotations.shift_remove("kubernetes.io/ingress.class");
        if b.got("expose.ingress.className").is_none()
            && let Some(class) = class
        {
            b.put_from("expose.ingress.className", class, "ingress.annotations");
        }
        if !annotations.is_empty() {
            b.put_from("expose.ingress.annotations", Value::Map(annotations), "ingress.annotations");
        }
    } else {
        for key in ["ingress.annotations", "ingress.ingressClassName"] {
            b.settle(key, Outcome::NotCarried { why: "the Ingress is off".into() });
        }
        b.unput("expose.ingress");
    }
    web
}

/// The optional mail ports clients really reached. The official chart opened a port only
/// when it named it among Mailu's `PORTS` (the ports of its Service; 4190 with host ports;
/// 25, 465 and 993 always), and published host ports for the mail ports but 4190.
fn mail_ports(b: &mut Builder, host_port: bool, service: bool) {
    let port =
        |b: &Builder, name: &str| service && b.input.flag(&format!("front.externalService.ports.{name}"));
    let not_listening =
        "front did not listen on it with the official values (it was not among Mailu's PORTS)";
    let sieve_why = if host_port {
        "the official chart published no host port for it (front listened, but only inside the cluster)"
    } else {
        not_listening
    };
    let ports = [
        ("submission", port(b, "submission"), "587", not_listening),
        ("pop3s", port(b, "pop3s"), "995", not_listening),
        ("sieve", port(b, "manageSieve"), "4190", sieve_why),
        ("imap", port(b, "imap"), "143", not_listening),
        ("pop3", port(b, "pop3"), "110", not_listening),
    ];
    for (name, open, number, why) in ports {
        let key = format!("expose.ports.{name}");
        if b.ours(&key) != Value::Bool(open) {
            b.put(&key, Value::Bool(open));
            if !open {
                b.defaults.push(format!("{key}: false — port {number}: {why}; set it to true to offer it"));
            }
        }
    }
    for name in ["imaps", "smtp", "smtps"] {
        let key = format!("front.externalService.ports.{name}");
        if b.input.set(&key) == Some(&Value::Bool(false)) {
            b.settle(
                &key,
                Outcome::NotCarried {
                    why: "always published here (Mailu listens on it whenever TLS is on)".into(),
                },
            );
        }
    }
}

/// Where front's certificate comes from (`tls.*`), and what each setting that took part in
/// the decision became.
fn certificate(b: &mut Builder, web: &str) {
    certificate_source(b, web);
    let source = convert::text(&b.ours("tls.source")).unwrap_or_default();
    let secret = convert::text(&b.ours("tls.secretName")).unwrap_or_default();
    let how = match source.as_str() {
        "none" | "letsencrypt" => format!("with the other TLS settings: `tls.source: {source}`"),
        _ => format!("with the other TLS settings: `tls.source: {source}`, `tls.secretName: {secret}`"),
    };
    b.decided(
        &[
            "ingress.tls",
            "ingress.tlsFlavorOverride",
            "ingress.existingSecret",
            "ingress.selfSigned",
            "ingress.secrets",
        ],
        "tls.source, tls.secretName",
        &how,
    );
}

fn certificate_source(b: &mut Builder, web: &str) {
    let mail = convert::text(&b.ours("expose.mail")).unwrap_or_default();
    let tls = b.input.flag("ingress.tls");
    let flavor = match b.input.text("ingress.tlsFlavorOverride") {
        f if f.is_empty() => {
            if tls {
                "cert".to_string()
            } else {
                "notls".to_string()
            }
        }
        f => f,
    };
    if flavor == "notls" {
        if mail == "none" {
            b.put("tls.source", s("none"));
            return;
        }
        b.note("tls.source: the official values ran Mailu without TLS while its mail ports were open; here mail is always encrypted, so front needs a certificate");
        b.settle(
            "ingress.tls",
            Outcome::Changed {
                to: "tls.source".into(),
                how: "TLS stays on here: mail ports are exposed".into(),
            },
        );
    }
    if flavor.contains("letsencrypt") {
        if web != "ingress" && mail != "none" {
            b.put("tls.source", s("letsencrypt"));
            b.put("expose.web", s("front"));
            b.note("tls.source: letsencrypt — Mailu obtains the certificate itself, answering on port 80, so front serves the web itself too (`expose.web: front`)");
            let where_ = if mail == "hostPort" {
                "on the host ports of the nodes that run front"
            } else {
                "on the LoadBalancer"
            };
            b.need(
                "expose.web",
                &format!("with Let's Encrypt and no Ingress, ports 80 and 443 are published {where_} beside the mail ports (the official chart published neither): the web interface, the administration included, faces the world there, and on a node whose ingress controller already holds 80 and 443 front cannot start; to keep the web behind your ingress controller, set `ingress.enabled` in the official values (then `expose.web: ingress` and a certificate from `tls.source: certManager` or `secret`)"),
            );
            if b.got("expose.hostPort.kind") == Some(&s("DaemonSet")) {
                b.put("expose.hostPort.kind", s("Deployment"));
                b.note("expose.hostPort.kind: Deployment — with Let's Encrypt, one front asks for the certificate");
                b.settle(
                    "front.kind",
                    Outcome::Changed {
                        to: "expose.hostPort.kind".into(),
                        how: "`expose.hostPort.kind: Deployment`: with Let's Encrypt, one front asks for the certificate".into(),
                    },
                );
            }
            if convert::int(&b.ours("front.replicas")).unwrap_or(1) > 1 {
                b.put("front.replicas", Value::Int(1));
                b.note("front.replicas: 1 — Mailu's Let's Encrypt client keeps its certificate on one front's volume");
                b.settle(
                    "front.replicaCount",
                    Outcome::Changed {
                        to: "front.replicas".into(),
                        how: "1: Mailu's Let's Encrypt client keeps its certificate on one front's volume"
                            .into(),
                    },
                );
            }
            return;
        }
        b.note("tls.source: Mailu's own Let's Encrypt client needs port 80 on front, which the Ingress serves here; the certificate comes from a Secret instead (cert-manager is the way to have one issued: `tls.source: certManager`)");
        b.settle(
            "ingress.tlsFlavorOverride",
            Outcome::Changed {
                to: "tls.source".into(),
                how: "letsencrypt behind an Ingress becomes a certificate from a Secret".into(),
            },
        );
    }
    let annotations = b.input.get("ingress.annotations");
    // An empty or null issuer names none: cert-manager made no certificate for the Ingress.
    let issuer = |key: &str| annotation(&annotations, key);
    let fullname = fullname(b);
    let chart_made: Vec<String> = b
        .input
        .get("ingress.secrets")
        .as_list()
        .map(|list| {
            list.iter()
                .filter_map(|s| s.get_dotted("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let existing = b.input.set("ingress.existingSecret").map(|v| secret_name(v).unwrap_or_default());
    if let Some((issuer, kind)) = issuer("cert-manager.io/cluster-issuer")
        .map(|i| (i, "ClusterIssuer"))
        .or_else(|| issuer("cert-manager.io/issuer").map(|i| (i, "Issuer")))
    {
        b.put("tls.source", s("certManager"));
        b.put_from("tls.certManager.issuer", Value::String(issuer.clone()), "ingress.annotations");
        b.put("tls.certManager.issuerKind", s(kind));
        cert_manager_secret(b, existing, &fullname);
        // cert-manager reads the kind and group annotations beside `issuer` only.
        if kind == "Issuer" {
            external_issuer(b, &annotations);
        }
    } else if acme_annotation(&annotations) {
        // cert-manager's default issuer (its `--default-issuer-name`) answered this
        // annotation; the values cannot say which it is.
        b.put("tls.source", s("certManager"));
        b.need(
            "tls.certManager.issuer",
            "the issuer cert-manager used for the Ingress's `kubernetes.io/tls-acme` annotation (cert-manager's default issuer, its `--default-issuer-name`; with `tls.certManager.issuerKind` for its kind)",
        );
        cert_manager_secret(b, existing, &fullname);
    } else if let Some(name) = existing.filter(|n| !chart_made.contains(n)) {
        b.put_from("tls.secretName", Value::String(name), "ingress.existingSecret");
    } else {
        let from = match b.input.set("ingress.existingSecret") {
            Some(v) => secret_name(v).unwrap_or_default(),
            None => format!("{fullname}-certificates"),
        };
        let made_by_chart = chart_made.contains(&from) || (b.input.flag("ingress.selfSigned") && tls);
        if made_by_chart {
            let name = convert::text(&b.ours("tls.secretName")).unwrap_or_default();
            b.secrets.push(SecretPlan::tls_copy(
                &name,
                &from,
                "front's certificate, copied from the one the official chart made",
            ));
            if b.input.flag("ingress.selfSigned") {
                b.note(format!("tls.secretName: the official chart made a new self-signed certificate ({from}) at every render; the current one is copied into {name}. For a lasting certificate use cert-manager (`tls.source: certManager`)"));
            }
        } else {
            b.put("tls.secretName", Value::String(from.clone()));
            b.note(format!("tls.secretName: {from} — the Secret the official chart mounted into front; nothing in the official values made it, so check that it exists and that you made it (not the old release)"));
        }
    }
    let others: Vec<&String> = chart_made
        .iter()
        .filter(|n| Some(n.as_str()) != b.got("tls.secretName").and_then(Value::as_str))
        .collect();
    if !others.is_empty() {
        b.note(format!(
            "ingress.secrets: the certificates {} are not carried; the official chart made them from the values, so copy them before removing it if anything else uses them",
            others.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
}

/// The text of the annotation `key`, unless it is missing, null or blank (which names
/// nothing to cert-manager).
fn annotation(annotations: &Value, key: &str) -> Option<String> {
    let text = convert::text(annotations.as_map()?.get(key)?).ok()?;
    (!text.trim().is_empty()).then_some(text)
}

/// The kind and API group cert-manager reads beside `cert-manager.io/issuer`
/// (`cert-manager.io/issuer-kind`, `cert-manager.io/issuer-group`): an external issuer's
/// (step-ca, AWS Private CA, Google CAS, ...), or cert-manager's own `Issuer` when missing.
/// (Not recorded as coming from `ingress.annotations`: a kind not valid here is asked for
/// alone, and the other annotations are still carried.)
fn external_issuer(b: &mut Builder, annotations: &Value) {
    if let Some(kind) = annotation(annotations, "cert-manager.io/issuer-kind") {
        b.put("tls.certManager.issuerKind", Value::String(kind));
    }
    if let Some(group) = annotation(annotations, "cert-manager.io/issuer-group") {
        b.put("tls.certManager.issuerGroup", Value::String(group));
    }
}

/// Whether the Ingress's annotations asked cert-manager for a certificate from its default
/// issuer (the official chart counted it as cert-manager too).
fn acme_annotation(annotations: &Value) -> bool {
    annotations
        .as_map()
        .and_then(|a| a.get("kubernetes.io/tls-acme"))
        .is_some_and(|v| convert::text(v).unwrap_or_default() == "true")
}

/// The Secret a cert-manager certificate goes into: the one cert-manager filled for the
/// official Ingress, so that front finds the current certificate at once and cert-manager
/// renews it instead of waiting for a first issuance.
fn cert_manager_secret(b: &mut Builder, existing: Option<String>, fullname: &str) {
    match existing {
        Some(existing) => b.put_from("tls.secretName", Value::String(existing), "ingress.existingSecret"),
        None => b.put("tls.secretName", Value::String(format!("{fullname}-certificates"))),
    }
    let secret = convert::text(&b.ours("tls.secretName")).unwrap_or_default();
    b.note(format!("tls.source: certManager — a Certificate of this chart's own replaces the one cert-manager made from the Ingress's annotations; it keeps the Secret {secret}, which holds the current certificate"));
}

/// The peers the NetworkPolicies let in: the ingress controller with an Ingress, Prometheus
/// with a ServiceMonitor. The official values name them (or its defaults do).
fn network_policy_peers(b: &mut Builder, web: &str) {
    if b.ours("networkPolicy.enabled") != Value::Bool(true) {
        return;
    }
    let web = convert::text(&b.ours("expose.web")).unwrap_or_else(|_| web.to_string());
    let proxy = matches!(web.as_str(), "ingress" | "httpRoute");
    let monitored = ["dovecot", "rspamd"]
        .iter()
        .any(|c| b.ours(&format!("{c}.serviceMonitor.enabled")) == Value::Bool(true));
    for (needed, official, ours, what) in [
        (proxy, "ingressController", "ingressController", "the ingress controller's pods"),
        (monitored, "monitoring", "monitoring", "Prometheus' pods"),
    ] {
        if !needed {
            continue;
        }
        let mut from_defaults = Vec::new();
        for (field, target, conv) in [
            ("namespace", "namespaceLabels", Conv::NamespaceLabel),
            ("podSelector", "podLabels", Conv::MatchLabels),
        ] {
            let key = format!("networkPolicy.{official}.{field}");
            let to = format!("networkPolicy.{ours}.{target}");
            // A proxy known by its networks needs no labels: none are guessed or asked for.
            let by_networks = ours == "ingressController" && proxy_outside_pod_network(b);
            if by_networks && b.input.set(&key).is_none() {
                continue;
            }
            if b.got(&to).is_none()
                && let Ok(converted) = convert(conv, &b.input.get(&key))
                && converted.value.as_map().is_some_and(|m| !m.is_empty())
            {
                b.put(&to, converted.value);
                from_defaults.push(key);
            }
            if !by_networks && b.got(&to).is_none_or(|v| v.as_map().is_some_and(Map::is_empty)) {
                b.need(&to, &format!("the labels of {what} (the NetworkPolicies let only them in)"));
            }
        }
        if from_defaults.is_empty() {
            continue;
        }
        if b.input.flag("networkPolicy.enabled") {
            b.defaults.push(format!(
                "networkPolicy.{ours}: from the official defaults of {} — check that they select {what}",
                from_defaults.join(" and ")
            ));
        } else {
            // The official NetworkPolicies were off: nothing ever checked these defaults
            // (ingress-nginx's) against the cluster, and a wrong guess locks the peer out.
            for key in &from_defaults {
                let target = if key.ends_with(".namespace") { "namespaceLabels" } else { "podLabels" };
                b.need(
                    &format!("networkPolicy.{ours}.{target}"),
                    &format!("guessed from the official default of {key}, which nothing used (the official NetworkPolicies were off): the NetworkPolicies here let only {what} in, so name their labels (on k3s, Traefik runs in kube-system, with `app.kubernetes.io/name: traefik`)"),
                );
            }
        }
    }
}

/// The entries of the official `ingress.realIpFrom`, each with its CIDR (an address alone is
/// its own network).
fn real_ip_networks(b: &Builder) -> Vec<(String, String)> {
    let text = b.input.text("ingress.realIpFrom");
    text.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let cidr = match entry.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(_)) => format!("{entry}/32"),
                Ok(std::net::IpAddr::V6(_)) => format!("{entry}/128"),
                Err(_) => entry.to_string(),
            };
            (entry.to_string(), cidr)
        })
        .collect()
}

/// The official `ingress.realIpFrom` (front's `REAL_IP_FROM`): here the pod network is
/// believed already, behind a proxy, and other networks go in `expose.trustedProxies`, if
/// private.
fn trusted_proxies(b: &mut Builder) {
    const KEY: &str = "ingress.realIpFrom";
    let mail = convert::text(&b.ours("expose.mail")).unwrap_or_default();
    let web = convert::text(&b.ours("expose.web")).unwrap_or_default();
    let load_balancer_proxy = b.ours(LOAD_BALANCER_PROXY_PROTOCOL) == Value::Bool(true);
    let ask_for_addresses = |b: &mut Builder| {
        if load_balancer_proxy {
            b.need(
                "expose.trustedProxies",
                "the load balancer's own addresses: front believes its PROXY protocol header only from them",
            );
        }
    };
    if b.input.set(KEY).is_none() {
        ask_for_addresses(b);
        return;
    }
    if mail != "traefik" && !matches!(web.as_str(), "ingress" | "httpRoute") && !load_balancer_proxy {
        b.settle(
            KEY,
            Outcome::NotCarried {
                why: format!(
                    "front faces the world itself here (`expose.mail: {mail}`, `expose.web: {web}`): no proxy's word on the client's address is believed"
                ),
            },
        );
        return;
    }
    let subnet = convert::text(&b.ours("subnet")).unwrap_or_default();
    let (mut kept, mut left) = (Vec::new(), Vec::new());
    for (entry, cidr) in real_ip_networks(b) {
        if text::cidr_within(&cidr, &subnet) {
            continue;
        }
        let why = if !text::CIDR.matches(&cidr) || text::cidr_host_bits_problem(&cidr).is_some() {
            Some("not a network with its host bits zero")
        } else if text::cidrs_overlap(&cidr, &subnet) {
            // A wide range around the pod network (10.0.0.0/8 for nodes in 10.x): trusting it
            // would trust every pod.
            Some("it overlaps the pod network: name the proxy's own networks without it")
        } else if crate::patterns::is_match(trust::PRIVATE_SUBNET_PATTERN, &cidr) != Some(true) {
            Some("not a private network; see `trust.allowPublicTrustedProxies`")
        } else {
            None
        };
        match why {
            None => kept.push(Value::String(cidr)),
            Some(why) => left.push(format!("{entry} ({why})")),
        }
    }
    let mut how = "the pod network (`subnet`) is believed without it".to_string();
    if !kept.is_empty() {
        how = format!(
            "{how}; the other networks are `expose.trustedProxies`, which the NetworkPolicy also admits"
        );
        b.put_from("expose.trustedProxies", Value::List(kept), KEY);
    } else {
        ask_for_addresses(b);
    }
    if !left.is_empty() {
        how = format!(
            "{how}; left out, as whoever connects from them can claim any address: {}",
            left.join(", ")
        );
    }
    b.settle(KEY, Outcome::Changed { to: "expose.trustedProxies".into(), how });
}

/// Whether the proxy in front is known by its networks alone: they are the web's proxy's (not
/// a load balancer's), and the official `realIpFrom` did not name the pod network too (where
/// the proxy's pods would be).
fn proxy_outside_pod_network(b: &Builder) -> bool {
    let subnet = convert::text(&b.ours("subnet")).unwrap_or_default();
    b.got("expose.trustedProxies").is_some()
        && b.ours(LOAD_BALANCER_PROXY_PROTOCOL) != Value::Bool(true)
        && !real_ip_networks(b).iter().any(|(_, cidr)| text::cidrs_overlap(cidr, &subnet))
}

/// The database: an existing server here, whatever the official values ran.
fn database(b: &mut Builder) {
    let (kind, embedded) = if b.input.flag("postgresql.enabled") {
        if b.input.flag("mariadb.enabled") {
            b.note("database: the official values enabled both MariaDB and PostgreSQL (Mailu used PostgreSQL's flavor with MariaDB's host); PostgreSQL is kept");
        }
        ("postgresql", true)
    } else if b.input.flag("mariadb.enabled") {
        ("mysql", true)
    } else if b.input.flag("externalDatabase.enabled") {
        match b.input.text("externalDatabase.type").as_str() {
            t @ ("mysql" | "postgresql") => (if t == "mysql" { "mysql" } else { "postgresql" }, false),
            other => {
                b.settle(
                    "externalDatabase.type",
                    Outcome::NotCarried {
                        why: format!("{other:?} is not a database type (mysql or postgresql)"),
                    },
                );
                b.need(
                    "database.type",
                    "the database's type, mysql or postgresql, and its server under `database`",
                );
                return;
            }
        }
    } else {
        for key in ROUNDCUBE_KEYS {
            b.settle(
                key,
                Outcome::NotCarried {
                    why:
                        "with SQLite, Roundcube keeps its database in a file on its own volume, there as here"
                            .into(),
                },
            );
        }
        return;
    };
    let server = format!("database.{kind}");
    b.put("database.type", s(kind));
    let (host, port, name, username) = if embedded {
        let chart = if kind == "mysql" { "mariadb" } else { "postgresql" };
        let release = subchart_name(b, chart);
        // With replication, the sub-chart's primary has a Service of its own.
        let host = if b.input.text(&format!("{chart}.architecture")) == "replication" {
            format!("{release}-primary")
        } else {
            release.clone()
        };
        let (name, username) = if kind == "mysql" {
            (b.input.text("mariadb.auth.database"), b.input.text("mariadb.auth.username"))
        } else {
            let or = |global: &str, own: &str| match b.input.text(global) {
                g if g.is_empty() => b.input.text(own),
                g => g,
            };
            (
                or("global.postgresql.auth.database", "postgresql.auth.database"),
                or("global.postgresql.auth.username", "postgresql.auth.username"),
            )
        };
        let service =
            if host == release { String::new() } else { format!("; its primary's Service is {host}") };
        let secret = match subchart_passwords(b, chart, &release) {
            Some(name) => format!(
                ", with `auth.existingSecret: {name}`: the passwords its data was made with, which `helm uninstall` deletes with the old release"
            ),
            None => String::new(),
        };
        let product = if kind == "mysql" { "MariaDB" } else { "PostgreSQL" };
        // The official values leave the sub-chart's volume off: its data is then in the pod
        // alone, and goes with it.
        let persistent = format!("{chart}.primary.persistence.enabled");
        if b.input.flag(&persistent) {
            b.note(format!(
                "database: the official chart ran {product} as a sub-chart; run it as a release of its own under the name {release}{secret} (it keeps its volume, see docs/migrate.md{service}) or point `{server}.host` at your server"
            ));
        } else {
            let dump = if kind == "mysql" { "mysqldump --all-databases" } else { "pg_dumpall" };
            b.need(
                &format!("{server}.host"),
                &format!(
                    "a server that holds the data: the official chart ran {product} as a sub-chart without a volume (`{persistent}` is off, its default), so every domain, user and alias is in its pod alone, and stopping or uninstalling the old release deletes them. Dump it while it runs ({dump}, in the pod {host}-0), restore the dump into a server of your own, and point `{server}.host` there (docs/migrate.md, section 4)"
                ),
            );
        }
        let port = if kind == "mysql" { 3306 } else { 5432 };
        (host, port, name, username)
    } else {
        let host = b.input.text("externalDatabase.host");
        if host.is_empty() {
            b.need(&format!("{server}.host"), "the database server's host");
        }
        let port = convert::int(&b.input.get("externalDatabase.port")).unwrap_or(if kind == "mysql" {
            3306
        } else {
            5432
        });
        (host, port, b.input.text("externalDatabase.database"), b.input.text("externalDatabase.username"))
    };
    let name_key = match (embedded, kind) {
        (false, _) => "externalDatabase.database",
        (true, "mysql") => "mariadb.auth.database",
        (true, _) => "postgresql.auth.database",
    };
    if embedded {
        b.put(&format!("{server}.host"), Value::String(host));
    } else if !host.is_empty() {
        b.put_from(&format!("{server}.host"), Value::String(host), "externalDatabase.host");
    }
    if Value::Int(port) != b.ours(&format!("{server}.port")) {
        b.put_from(&format!("{server}.port"), Value::Int(port), "externalDatabase.port");
    }
    if Value::String(name.clone()) != b.ours(&format!("{server}.name")) {
        b.put_from(&format!("{server}.name"), Value::String(name), name_key);
    }
    if !embedded && let Some(existing) = b.input.set("externalDatabase.existingSecret").cloned() {
        let existing = secret_name(&existing).unwrap_or_default();
        let username_key = b.input.text("externalDatabase.existingSecretUsernameKey");
        b.put_from(
            &format!("{server}.existingSecret.name"),
            Value::String(existing.clone()),
            "externalDatabase.existingSecret",
        );
        b.put_from(
            &format!("{server}.existingSecret.usernameKey"),
            Value::String(username_key.clone()),
            "externalDatabase.existingSecretUsernameKey",
        );
        b.put(
            &format!("{server}.existingSecret.passwordKey"),
            Value::String(b.input.text("externalDatabase.existingSecretPasswordKey")),
        );
        b.note(format!("{server}.existingSecret: check that {existing} holds the user name under {username_key} too (the official chart fell back to `externalDatabase.username` when it did not)"));
        let database_key = match b.input.text("externalDatabase.existingSecretDatabaseKey") {
            k if k.is_empty() => "database".to_string(),
            k => k,
        };
        b.note(format!("{server}.name: the official chart read the database's name from {existing} under {database_key} when that key was there (else from `externalDatabase.database`); here it is `{server}.name`, so check that it names the same database"));
    } else {
        let external_secret = generated_secret(b, "externaldb");
        let password = if embedded {
            let (chart, key) =
                if kind == "mysql" { ("mariadb", "mariadb-password") } else { ("postgresql", "password") };
            // Bitnami's PostgreSQL reads the global settings before its own; an existing
            // Secret wins over a password (the sub-chart then makes no Secret of its own, and
            // Mailu read the password from it).
            let keys = |field: &str| {
                let own = format!("{chart}.auth.{field}");
                if kind == "mysql" { vec![own] } else { vec![format!("global.postgresql.auth.{field}"), own] }
            };
            let first =
                |b: &Builder, field: &str| keys(field).into_iter().find_map(|k| b.input.set(&k).cloned());
            match (first(b, "existingSecret"), first(b, "password")) {
                (Some(existing), _) => {
                    Source::Copy { secret: secret_name(&existing).unwrap_or_default(), key: key.into() }
                }
                // Mailu read the password from the sub-chart's Secret (which, in some of
                // Bitnami's versions, keeps the password it holds over the values').
                (None, Some(v)) => kept(subchart_name(b, chart), key, &v),
                (None, None) => Source::Copy { secret: subchart_name(b, chart), key: key.into() },
            }
        } else {
            // The official chart's Secret for the external database held what its values gave
            // only at the first install: it looked the Secret up first (mailu.secrets.lookup).
            let key = b.input.text("externalDatabase.existingSecretPasswordKey");
            match b.input.set("externalDatabase.password") {
                Some(v) => kept(external_secret.clone(), &key, v),
                None => Source::Copy { secret: external_secret.clone(), key },
            }
        };
        let username = if embedded {
            Source::Literal(username)
        } else {
            let secret = external_secret;
            b.note(format!("{server}.name: the official chart read the database's name from its Secret {secret} (under `{}`) before `externalDatabase.database`, once it existed; check that `{server}.name` names the database Mailu used", b.input.text("externalDatabase.existingSecretDatabaseKey")));
            kept(
                secret,
                &b.input.text("externalDatabase.existingSecretUsernameKey"),
                &Value::String(username),
            )
        };
        b.put(&format!("{server}.existingSecret.name"), s("mailu-database"));
        b.secrets.push(SecretPlan::generic(
            "mailu-database",
            "the user name and password of Mailu's database",
            vec![("username", username), ("password", password)],
        ));
    }
    for outcome in b.findings.values_mut() {
        if let Outcome::Changed { to, .. } = outcome {
            *to = to.replace("<type>", kind);
        }
    }
    webmail_database(b);
}

/// The passwords of a database sub-chart that made its own Secret (`<release>-mariadb` or
/// `-postgresql`), copied to a Secret the database's own release can name: its data holds them
/// (its probes log in as root with MariaDB's), and the old Secret goes with the old release.
/// Returns the new Secret's name.
fn subchart_passwords(b: &mut Builder, chart: &str, release: &str) -> Option<String> {
    let given = |b: &Builder, key: &str| {
        b.input.set(key).is_some_and(|v| !convert::text(v).unwrap_or_default().is_empty())
    };
    if given(b, &format!("{chart}.auth.existingSecret"))
        || (chart == "postgresql" && given(b, "global.postgresql.auth.existingSecret"))
    {
        return None;
    }
    let replication = b.input.text(&format!("{chart}.architecture")) == "replication";
    let user = !b.input.text(&format!("{chart}.auth.username")).is_empty()
        || (chart == "postgresql" && !b.input.text("global.postgresql.auth.username").is_empty());
    // Each key the sub-chart's Secret holds, and whether it holds it.
    let candidates = if chart == "mariadb" {
        [
            (true, "mariadb-root-password"),
            (user, "mariadb-password"),
            (replication, "mariadb-replication-password"),
        ]
    } else {
        let superuser = b.input.set("postgresql.auth.enablePostgresUser") != Some(&Value::Bool(false));
        [(superuser, "postgres-password"), (user, "password"), (replication, "replication-password")]
    };
    let keys: Vec<&str> = candidates.into_iter().filter_map(|(wanted, key)| wanted.then_some(key)).collect();
    let name = format!("{release}-auth");
    b.secrets.push(SecretPlan::generic(
        &name,
        "the database's passwords, for the release it moves to",
        keys.into_iter()
            .map(|key| (key, Source::Copy { secret: release.to_string(), key: key.to_string() }))
            .collect(),
    ));
    Some(name)
}

const ROUNDCUBE_KEYS: [&str; 7] = [
    "global.database.roundcube.database",
    "global.database.roundcube.username",
    "global.database.roundcube.password",
    "global.database.roundcube.existingSecret",
    "global.database.roundcube.existingSecretPasswordKey",
    "database.mysql.roundcubePassword",
    "database.postgresql.roundcubePassword",
];

/// Roundcube's database, on the same server as Mailu's (the official chart put it there
/// whenever Mailu's was not SQLite).
fn webmail_database(b: &mut Builder) {
    if b.ours("webmail.enabled") != Value::Bool(true) {
        for key in ROUNDCUBE_KEYS {
            b.settle(key, Outcome::NotCarried { why: "not used: webmail is off".into() });
        }
        b.unput("webmail.database");
        return;
    }
    b.put("webmail.database.onServer", Value::Bool(true));
    let given = [
        "global.database.roundcube.password",
        "database.mysql.roundcubePassword",
        "database.postgresql.roundcubePassword",
    ]
    .iter()
    .find_map(|key| b.input.set(key).map(convert::rendered));
    let password = match (given, b.input.set("global.database.roundcube.existingSecret").cloned()) {
        (_, Some(existing)) => {
            let key = match b.input.text("global.database.roundcube.existingSecretPasswordKey") {
                k if k.is_empty() => "roundcube-db-password".to_string(),
                k => k,
            };
            Source::Copy { secret: secret_name(&existing).unwrap_or_default(), key }
        }
        (Some(password), None) => Source::Kept {
            secret: "mailu-roundcube".into(),
            key: "roundcube-db-password".into(),
            given: password,
        },
        (None, None) => {
            Source::Copy { secret: "mailu-roundcube".into(), key: "roundcube-db-password".into() }
        }
    };
    b.put("webmail.database.existingSecret.name", s("mailu-webmail-database"));
    b.secrets.push(SecretPlan::generic(
        "mailu-webmail-database",
        "the user name and password of Roundcube's database",
        vec![
            ("username", Source::Literal(b.input.text("global.database.roundcube.username"))),
            ("password", password),
        ],
    ));
}

fn redis(b: &mut Builder) {
    if b.input.flag("externalRedis.enabled") {
        b.put("redis.builtin", Value::Bool(false));
        let host = b.input.text("externalRedis.host");
        if host.is_empty() {
            b.need("redis.host", "the external Redis's host");
        } else {
            b.put_from("redis.host", Value::String(host), "externalRedis.host");
        }
        if let Ok(port) = convert::int(&b.input.get("externalRedis.port"))
            && Value::Int(port) != b.ours("redis.port")
        {
            b.put_from("redis.port", Value::Int(port), "externalRedis.port");
        }
        for key in [
            "redis.master.resources.requests",
            "redis.master.resources.limits",
            "redis.master.persistence.size",
            "redis.master.persistence.storageClass",
        ] {
            b.settle(key, Outcome::NotCarried { why: "Redis is external".into() });
        }
        b.unput("redis.persistence");
        return;
    }
    for key in ["externalRedis.host", "externalRedis.port"] {
        b.settle(key, Outcome::NotCarried { why: "not used: `externalRedis.enabled` is off".into() });
    }
    if b.input.set("redis.enabled") == Some(&Value::Bool(false)) {
        b.note("redis.builtin: the official values turned the Redis sub-chart off without naming an external one (Mailu could not work); the built-in Redis is used here");
    } else {
        b.note("redis.builtin: the official chart's Redis (the Bitnami sub-chart) is not moved: the built-in Redis starts empty, so rspamd's Bayes training, fuzzy hashes and history start over (its claim, `redis-data-<release>-redis-master-0`, is left as it is)");
    }
    resources(b, "redis.master.resources", "redis.resources");
}

/// The official `ingress.proxyProtocol` keys and the ports they covered.
pub(super) const PROXY_PROTOCOL_PORTS: &[(&str, &str)] = &[
    ("smtp", "25"),
    ("smtps", "465"),
    ("submission", "587"),
    ("imap", "143"),
    ("imaps", "993"),
    ("pop3", "110"),
    ("pop3s", "995"),
    ("manageSieve", "4190"),
];

/// Tells that front here expects no PROXY protocol header where the official values had it
/// expect one: whatever sent it must stop.
fn proxy_protocol_note(b: &mut Builder, sender: &str) {
    let ports: Vec<&str> = PROXY_PROTOCOL_PORTS
        .iter()
        .filter(|(key, _)| b.input.flag(&format!("ingress.proxyProtocol.{key}")))
        .map(|(_, port)| *port)
        .collect();
    if ports.is_empty() {
        return;
    }
    b.note(format!(
        "PROXY protocol: the official front expected a header on {}; front here expects none (but behind Traefik, or from a LoadBalancer on every port with `expose.loadBalancer.proxyProtocol`), so {sender} must send none: turn it off where {sender} is configured",
        ports.join(", ")
    ));
}

/// Whether a Service annotation turns on the PROXY protocol at a cloud load balancer (AWS,
/// DigitalOcean, Hetzner, Linode, Scaleway, OVHcloud, ...: their keys name it).
fn turns_on_proxy_protocol(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("proxy-protocol") || key.contains("proxyprotocol")
}

/// Whether an Ingress annotation tells the controller to reach its backend over TLS
/// (ingress-nginx, Traefik, HAProxy, AWS's controller).
fn speaks_tls_to_backend(key: &str, value: &Value) -> bool {
    let value = convert::text(value).unwrap_or_default().to_ascii_lowercase();
    let name = key.rsplit('/').next().unwrap_or(key);
    match name {
        "backend-protocol" => matches!(value.as_str(), "https" | "grpcs"),
        "service.serversscheme" => value == "https",
        "secure-backends" | "server-ssl" => value == "true",
        "protocol" => key.starts_with("ingress.kubernetes.io/") && value == "https",
        _ => false,
    }
}

/// A `tls.deferOnError` meant to be off. Postfix reads DEFER_ON_TLS_ERROR from its raw
/// environment and takes any text but the empty one for true (`{{ 'dane' if
/// DEFER_ON_TLS_ERROR else 'may' }}`, core/postfix/conf/main.cf and start.py); admin reads
/// `false` and `no` as false (`__coerce_value`, core/admin/mailu/configuration.py) when it
/// answers postfix's DANE lookups (`has_dane_record`, core/admin/mailu/utils.py). The
/// official chart wrote the variable only when it was neither empty nor `false`.
fn defer_on_tls_error(b: &mut Builder) {
    let Some(given) = b.input.set("tls.deferOnError").cloned() else { return };
    if convert::boolean(&given) != Ok(false) {
        return;
    }
    match &given {
        // Written as a text: admin honoured it, postfix did not. Carried as meant.
        Value::String(text) if !text.is_empty() => {
            b.put("tls.deferOnError", Value::Bool(false));
            b.settle(
                "tls.deferOnError",
                Outcome::Changed {
                    to: "tls.deferOnError".into(),
                    how: format!(
                        "`false`, as meant: the official chart wrote DEFER_ON_TLS_ERROR={text:?}, which admin read as false (no DANE-only answer for a domain whose DNSSEC lookup fails) but postfix as true (any text but the empty one), so postfix kept deferring mail to MX hosts without valid DNSSEC and kept enforcing MTA-STS policies that are only in testing mode (core/postfix/conf/main.cf, mta-sts-daemon.yml); here neither defers"
                    ),
                },
            );
        }
        // Not written at all: Mailu deferred everywhere, as this chart's default does.
        _ => {
            b.unput("tls.deferOnError");
            b.settle(
                "tls.deferOnError",
                Outcome::NotCarried {
                    why: "the official chart wrote DEFER_ON_TLS_ERROR only when it was neither empty nor false, so Mailu kept deferring; so does this chart's default (`tls.deferOnError: false` here would stop it)".into(),
                },
            );
        }
    }
}

/// A DNS server of admin's own (`dnsPolicy: None` with `dnsConfig`) was most likely the
/// DNSSEC-validating resolver Mailu's admin needs; the pods use the cluster's DNS here
/// unless the resolver is on.
fn admin_dns(b: &mut Builder) {
    let own_dns = b.input.text("admin.dnsPolicy") == "None"
        || b.input.get("admin.dnsConfig.nameservers").as_list().is_some_and(|servers| !servers.is_empty());
    if own_dns && b.ours("resolver.enabled") != Value::Bool(true) {
        b.need(
            "resolver.enabled",
            "the official values gave admin a DNS server of its own (`admin.dnsPolicy`, `admin.dnsConfig`), most likely the DNSSEC-validating resolver Mailu's admin needs; here the pods use the cluster's DNS: set `resolver.enabled: true` with `resolver.clusterDnsAddress`, unless the cluster's DNS validates",
        );
    }
}

/// The official chart's `admin.enabled: false` never stopped admin: it only set `ADMIN` to
/// false (templates/envvars-configmap.yaml), and Mailu's front then serves neither
/// `/admin` nor `/admin/antispam` (core/nginx/conf/nginx.conf): `admin.ui: false` here. The
/// chart wrote the value quoted, and Mailu reads only `false` and `no` (any case) as false
/// (`_coerce_value` in core/base/libs/socrate/socrate/system.py), an empty text as nothing.
fn hidden_admin_pages(b: &mut Builder) {
    let Some(given) = b.input.set("admin.enabled") else { return };
    let Ok(written) = convert::text(given) else { return };
    if !matches!(written.to_lowercase().as_str(), "false" | "no" | "") {
        b.settle(
            "admin.enabled",
            Outcome::Changed {
                to: "admin.ui".into(),
                how: format!("Mailu read `{written}` as true (only false and no are false there): the pages stayed served, as they are here by default"),
            },
        );
        return;
    }
    b.put("admin.ui", Value::Bool(false));
    b.settle(
        "admin.enabled",
        Outcome::Changed {
            to: "admin.ui".into(),
            how: "the official chart kept admin running and only hid its web pages (`ADMIN: false`: front served neither /admin nor /admin/antispam); so does `admin.ui: false`".into(),
        },
    );
}

/// The official chart set REJECT_UNLISTED_RECIPIENT to `yes` whatever its values said
/// (templates/envvars-configmap.yaml); Mailu's default, and ours, is `no`.
fn reject_unlisted_recipient(b: &mut Builder) {
    b.put("rejectUnlistedRecipient", Value::Bool(true));
    b.note("rejectUnlistedRecipient: true — the official chart always set REJECT_UNLISTED_RECIPIENT=yes (users' mail to addresses of Mailu's domains that do not exist is refused when they send it, not bounced later); kept, though Mailu's default, and this chart's, is no");
}

/// Without Tika the official chart left FULL_TEXT_SEARCH out, and Mailu's dovecot indexed in
/// English whatever `tika.languages` said.
fn full_text_search(b: &mut Builder) {
    if b.input.flag("tika.enabled") || b.input.set("tika.languages").is_none() {
        return;
    }
    b.unput("dovecot.fullTextSearch.languages");
    b.settle(
        "tika.languages",
        Outcome::NotCarried {
            why: "not used: with Tika off the official chart left FULL_TEXT_SEARCH out, and dovecot indexed mail in English (`en`), as it does here by default".into(),
        },
    );
}

/// The class ClamAV's claim and the Bitnami Redis's had there: the global class first, then
/// their own, then the global default (the official `_storage.tpl` and Bitnami's
/// `common.storage.class` read them alike). Returns the key that gave it.
fn class_as_bitnami_reads_it<'k>(b: &Builder, own: &'k str) -> Option<(&'k str, String)> {
    ["global.storageClass", own, "global.defaultStorageClass"]
        .into_iter()
        .map(|k| (k, b.input.text(k)))
        .find(|(_, class)| !class.is_empty())
}

/// The claims: one per component here; the data moves.
fn storage(b: &mut Builder) {
    if let Some((_, class)) = class_as_bitnami_reads_it(b, "clamav.persistence.storageClass") {
        b.put_from(
            "clamav.persistence.storageClass",
            Value::String(class),
            "clamav.persistence.storageClass",
        );
    }
    let redis = "redis.master.persistence.storageClass";
    if b.ours("redis.builtin") == Value::Bool(true)
        && let Some((from, class)) = class_as_bitnami_reads_it(b, redis)
        && from != redis
    {
        b.put_from("redis.persistence.storageClass", Value::String(class), from);
        if !b.input.text(redis).is_empty() {
            b.settle(
                redis,
                Outcome::NotCarried { why: format!("`{from}` took precedence over it there, and does here") },
            );
        }
    }
    let single = b.input.flag("persistence.single_pvc");
    for (component, there, here) in super::table::LAYOUT {
        let key = format!("{component}.persistence.existingClaim");
        // `persistence.single_pvc` wins there: every component but ClamAV used the one claim.
        if single && *component != "clamav" && b.input.set(&key).is_some() {
            b.unput(&key);
            b.settle(
                &key,
                Outcome::NotCarried {
                    why: "the official chart ignored it: with `persistence.single_pvc` on, every component used the one claim".into(),
                },
            );
            continue;
        }
        if b.input.set(&key).is_some() && b.got(&key).is_some() {
            let how = format!(
                "carried; move its data first: the official chart kept it in {there}, this chart reads it from {here}"
            );
            b.settle(&key, Outcome::Changed { to: key.clone(), how });
            b.need(&key, &format!("{component} would start empty on this claim: move its data inside it first, from {there} to {here} (docs/migrate.md, section 5)"));
        }
    }
    if !single {
        claims_named_like_ours(b);
    }
    if !single && b.input.set("persistence.storageClass").is_some() {
        b.settle(
            "persistence.storageClass",
            Outcome::Changed {
                to: "storage.storageClass".into(),
                how: "the official chart ignored it with `persistence.single_pvc: false` (each claim took `<component>.persistence.storageClass` or the cluster's default); here it is the class of every claim".into(),
            },
        );
    }
    if single {
        // The claim the pods mounted there (`mailu.claimName`): the release made
        // `<fullname>-storage` whatever `claimNameOverride` said, and left it unused then.
        let made = format!("{}-storage", fullname(b));
        let claim = ["persistence.existingClaim", "persistence.claimNameOverride"]
            .iter()
            .map(|k| b.input.text(k))
            .find(|c| !c.is_empty())
            .unwrap_or_else(|| made.clone());
        let unused = if b.input.text("persistence.existingClaim").is_empty() && claim != made {
            format!(" (not {made}, which the old release made and never used: it is empty)")
        } else {
            String::new()
        };
        b.note(format!("the data: the official chart kept it on one claim ({claim}){unused}; here each component has its own. Copy it as docs/migrate.md shows before starting Mailu"));
    } else {
        b.note("the data: the official chart's claims keep each component's data in sub-directories; copy it as docs/migrate.md shows before starting Mailu");
    }
    keep_old_claims(b, single);
}

/// `helm uninstall` deletes the claims the old release made unless the release itself (not
/// the live claim: helm reads the annotation from the manifest it stored) says to keep them.
fn keep_old_claims(b: &mut Builder, single: bool) {
    let keys: Vec<String> = if single {
        // The data's claim is then one the release did not make.
        if b.input.set("persistence.existingClaim").is_some()
            || b.input.set("persistence.claimNameOverride").is_some()
        {
            return;
        }
        vec!["persistence".into()]
    } else {
        CLAIMED
            .iter()
            .filter(|c| {
                matches!(**c, "admin" | "postfix" | "dovecot") || b.input.flag(&format!("{c}.enabled"))
            })
            // Each claim is the release's unless its component's `existingClaim` is given;
            // dovecot's asks postfix's instead (templates/dovecot/pvc.yaml there), and is then
            // named after dovecot's own.
            .filter(|c| {
                let asks = if **c == "dovecot" { "postfix" } else { c };
                b.input.set(&format!("{asks}.persistence.existingClaim")).is_none()
            })
            .map(|c| format!("{c}.persistence"))
            .collect()
    };
    if keys.is_empty() {
        return;
    }
    let flags: Vec<String> = keys
        .iter()
        .map(|k| format!("--set-string '{k}.annotations.helm\\.sh/resource-policy=keep'"))
        .collect();
    b.note(format!(
        "the old claims: `helm uninstall` deletes them (a `kubectl annotate` of the live claims does not stop it). Keep them first, through the old release, with the chart version it runs (`mailu/mailu`: the official repository added as `mailu`): helm upgrade {release} mailu/mailu -n {namespace} --version \"$(helm get metadata {release} -n {namespace} | sed -n 's/^VERSION: //p')\" --reuse-values {flags}",
        release = b.options.release_name,
        namespace = b.options.namespace,
        flags = flags.join(" "),
    ));
}

/// With one claim per component there, the old claims may carry the very names this chart
/// gives its own (`<release>-<component>`), with the data in sub-directories this chart does
/// not read: installing would take such a claim over (or fail, its size differing) and start
/// the component empty. The operator must choose which claim each component uses.
fn claims_named_like_ours(b: &mut Builder) {
    let fullname = fullname(b);
    // Our claims take their names from `fullnameOverride` (carried), else the release's.
    let prefix = match b.got("fullnameOverride").and_then(Value::as_str) {
        Some(prefix) if !prefix.is_empty() => prefix.to_string(),
        _ => b.options.release_name.clone(),
    };
    for component in super::table::CLAIMED {
        let used_there = matches!(*component, "admin" | "postfix" | "dovecot")
            || b.input.flag(&format!("{component}.enabled"));
        let key = format!("{component}.persistence.existingClaim");
        if !used_there
            || b.got(&key).is_some()
            || b.ours(&format!("{component}.enabled")) == Value::Bool(false)
        {
            continue;
        }
        let old = [
            format!("{component}.persistence.existingClaim"),
            format!("{component}.persistence.claimNameOverride"),
        ]
        .iter()
        .map(|k| b.input.text(k))
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| format!("{fullname}-{component}"));
        let ours = format!("{prefix}-{component}");
        if old != ours {
            continue;
        }
        let (there, here) = super::table::LAYOUT
            .iter()
            .find(|(c, _, _)| c == component)
            .map(|(_, there, here)| (*there, *here))
            .unwrap_or_default();
        b.need(
            &key,
            &format!("the old release's claim {old} has the name this chart gives {component}'s claim, but holds the data in {there} (read here from {here}): installed as they are, this chart takes it over (or fails on its size) and {component} starts empty. Move the data inside it and name {old} here, or copy the data to a claim of another name and name that one (docs/migrate.md, section 5)"),
        );
    }
}

/// A component's resources: exactly the quantities the official values gave (nothing
/// where they gave nothing), when they gave any. Says whether they did.
fn resources(b: &mut Builder, official: &str, ours: &str) -> bool {
    let requests = b.input.set(&format!("{official}.requests")).cloned();
    let limits = b.input.set(&format!("{official}.limits")).cloned();
    if requests.is_none() && limits.is_none() {
        return false;
    }
    for (kind, given) in [("requests", requests), ("limits", limits)] {
        let key = format!("{official}.{kind}");
        let map = given.as_ref().and_then(Value::as_map).cloned().unwrap_or_default();
        let mut left_out = Vec::new();
        for resource in RESOURCE_NAMES {
            let quantity =
                map.get(resource).map(|q| convert::text(q).unwrap_or_default()).unwrap_or_default();
            b.put_from(&format!("{ours}.{kind}.{resource}"), Value::String(quantity), &key);
        }
        left_out.extend(map.keys().filter(|k| !RESOURCE_NAMES.contains(&k.as_str())).cloned());
        if given.is_some() && !left_out.is_empty() {
            b.settle(
                &key,
                Outcome::Changed {
                    to: format!("{ours}.{kind}"),
                    how: format!(
                        "CPU, memory and ephemeral storage only here; {} left out",
                        left_out.join(", ")
                    ),
                },
            );
        }
    }
    true
}

/// A security context the official chart set when its `enabled` was true: the map without
/// `enabled`, with the official defaults of its listed fields.
fn security_context(b: &mut Builder, component: &str, name: &str, fields: &[(&str, &str)]) {
    let base = format!("{component}.{name}");
    let given = b.input.tree.get_dotted(&base).and_then(Value::as_map).cloned().unwrap_or_default();
    if !b.input.flag(&format!("{base}.enabled")) {
        for key in given.keys().filter(|k| *k != "enabled") {
            b.settle(
                &format!("{base}.{key}"),
                Outcome::NotCarried { why: format!("not used: `{base}.enabled` is off") },
            );
        }
        return;
    }
    let mut context = Map::default();
    for (field, _) in fields {
        context.insert(field.to_string(), normalize(&b.input.get(&format!("{base}.{field}"))));
    }
    for (key, value) in &given {
        if key != "enabled" && *value != Value::Null {
            context.insert(key.clone(), normalize(value));
        }
    }
    b.put_from(&format!("{component}.{name}"), Value::Map(context), &base);
    b.note(format!("{base}: carried; it replaces this chart's restricted default for {component}"));
}

/// What became of the web, once the certificate had its say (Let's Encrypt brings it to front).
fn web_decided(b: &mut Builder) {
    let web = convert::text(&b.ours("expose.web")).unwrap_or_default();
    b.decided(&["ingress.enabled"], "expose.web", &format!("`expose.web: {web}`"));
    if web == "none" {
        b.note("expose.web: none — the official chart served the web only through its Ingress, which is off; if you route the web to front yourself (an HTTPRoute to a Gateway, say), set `expose.web: httpRoute` and name the Gateway in `expose.httpRoute.parentRefs`");
    }
}
