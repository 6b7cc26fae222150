//! Each way of reaching Mailu from outside, asserted mode by mode: the objects that publish the
//! ports, where TLS ends and that STARTTLS is offered on 25 and 587, front's NetworkPolicy peers,
//! and who can reach what (the NetworkPolicies applied as Kubernetes applies them).
//!
//! What "STARTTLS is offered" rests on, in Mailu 2024.06's sources: front's nginx offers
//! STARTTLS on port 25 whenever its TLS flavor is not `notls` and the certificate files exist
//! (`core/nginx/conf/nginx.conf`, the port 25 server); its dovecot login proxy opens 587 only when
//! `PORTS` lists it and then requires STARTTLS (`core/nginx/dovecot/proxy.conf`); the files are
//! `/certs/cert.pem` and `/certs/key.pem` for the `cert` and `mail` flavors (`core/nginx/config.py`).

mod common;

use std::collections::BTreeMap;

use common::reach::{Actor, Cluster};
use helm_engine::Value;
use mailu_chart::render::Manifest;

struct Mode {
    name: &'static str,
    file: &'static str,
    set: &'static [&'static str],
}

const MODES: &[Mode] = &[
    Mode { name: "loadBalancer", file: "minimal", set: &[] },
    Mode { name: "loadBalancer + Ingress", file: "full", set: &[] },
    Mode { name: "loadBalancer + HTTPRoute", file: "gateway-api", set: &[] },
    Mode { name: "loadBalancer + letsencrypt", file: "letsencrypt", set: &[] },
    Mode { name: "hostPort DaemonSet", file: "hostport", set: &[] },
    Mode { name: "hostPort Deployment", file: "hostport", set: &["expose.hostPort.kind=Deployment"] },
    Mode { name: "traefik + Ingress", file: "traefik", set: &[] },
    Mode {
        name: "traefik + HTTPRoute",
        file: "traefik",
        set: &["expose.web=httpRoute", "expose.httpRoute.parentRefs[0].name=gw"],
    },
    Mode { name: "none", file: "minimal", set: &["expose.mail=none", "expose.web=none", "tls.source=none"] },
];

fn render(mode: &Mode) -> Vec<Manifest> {
    let file = common::root().join(format!("values-examples/{}.yaml", mode.file));
    common::render(&[&file], mode.set)
}

fn find<'a>(manifests: &'a [Manifest], kind: &str, name: &str) -> Option<&'a Value> {
    manifests.iter().find(|m| m.kind() == kind && m.name() == name).map(|m| &m.object)
}

fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    value.get_dotted(path).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, path: &str) -> &'a [Value] {
    value.get_dotted(path).and_then(Value::as_list).map(Vec::as_slice).unwrap_or_default()
}

fn number(value: &Value, path: &str) -> i64 {
    value.get_dotted(path).and_then(Value::as_f64).unwrap_or(-1.0) as i64
}

fn env(manifests: &[Manifest]) -> BTreeMap<String, String> {
    find(manifests, "ConfigMap", "mailu-env")
        .and_then(|c| c.get_dotted("data"))
        .and_then(Value::as_map)
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// front's workload, whichever kind it is.
fn front(manifests: &[Manifest]) -> &Value {
    find(manifests, "Deployment", "mailu-front")
        .or_else(|| find(manifests, "DaemonSet", "mailu-front"))
        .unwrap()
}

fn container(workload: &Value) -> &Value {
    &list(workload, "spec.template.spec.containers")[0]
}

/// The public mail and web ports a mode publishes, by number.
/// Each published port with the port of front's container where it arrives: the
/// LoadBalancer's ports and their targets, the host ports and their container ports, the ports
/// of Traefik's routes (the SMTP route's entry point is port 25) and the ports they name.
fn ways_in(manifests: &[Manifest], mode: &Mode) -> Vec<(i64, i64)> {
    let container_ports = list(container(front(manifests)), "ports");
    if let Some(service) = find(manifests, "Service", "mailu-front-public") {
        list(service, "spec.ports")
            .iter()
            .map(|p| {
                let target = text(p, "targetPort");
                let port = container_ports.iter().find(|c| text(c, "name") == target);
                let port = port.unwrap_or_else(|| panic!("{}: no container port {target}", mode.name));
                (number(p, "port"), number(port, "containerPort"))
            })
            .collect()
    } else if mode.name.starts_with("hostPort") {
        container_ports
            .iter()
            .filter(|p| p.get_dotted("hostPort").is_some())
            .map(|p| (number(p, "hostPort"), number(p, "containerPort")))
            .collect()
    } else {
        manifests
            .iter()
            .filter(|m| m.kind() == "IngressRouteTCP")
            .map(|m| {
                let target = number(&list(&list(&m.object, "spec.routes")[0], "services")[0], "port");
                (if m.name() == "mailu-smtp" { 25 } else { target }, target)
            })
            .collect()
    }
}

/// The published ports, in order.
fn published(manifests: &[Manifest], mode: &Mode) -> Vec<i64> {
    let mut ports: Vec<i64> = ways_in(manifests, mode).into_iter().map(|(public, _)| public).collect();
    ports.sort();
    ports
}

/// The ports of front's container where the published ports arrive, in order.
fn arrivals(manifests: &[Manifest], mode: &Mode) -> Vec<i64> {
    let mut ports: Vec<i64> = ways_in(manifests, mode).into_iter().map(|(_, arrival)| arrival).collect();
    ports.sort();
    ports
}

#[test]
fn each_mode_publishes_its_ports_with_the_objects_its_users_expect() {
    for mode in MODES {
        let manifests = render(mode);
        let lb = find(&manifests, "Service", "mailu-front-public");
        let routes = manifests.iter().filter(|m| m.kind() == "IngressRouteTCP").count();
        let host_ports =
            list(container(front(&manifests)), "ports").iter().any(|p| p.get_dotted("hostPort").is_some());
        let ports = published(&manifests, mode);
        let web_on_front =
            env(&manifests)["TLS_FLAVOR"] != "mail" && env(&manifests)["TLS_FLAVOR"] != "notls";
        match mode.name.split(' ').next().unwrap() {
            "loadBalancer" => {
                let lb = lb.unwrap_or_else(|| panic!("{}: no LoadBalancer", mode.name));
                assert_eq!(text(lb, "spec.type"), "LoadBalancer");
                assert_eq!(
                    text(lb, "spec.externalTrafficPolicy"),
                    "Local",
                    "{}: the client address",
                    mode.name
                );
                assert!(routes == 0 && !host_ports, "{}", mode.name);
            }
            "hostPort" => {
                assert!(lb.is_none() && routes == 0 && host_ports, "{}", mode.name);
                let kind = if mode.set.is_empty() { "DaemonSet" } else { "Deployment" };
                assert!(find(&manifests, kind, "mailu-front").is_some(), "{}: {kind}", mode.name);
            }
            "traefik" => {
                assert!(lb.is_none() && !host_ports, "{}", mode.name);
                for route in manifests.iter().filter(|m| m.kind() == "IngressRouteTCP") {
                    assert!(
                        route.object.get_dotted("spec.tls").is_none(),
                        "{}: TLS passes through",
                        route.name()
                    );
                }
            }
            _ => assert!(lb.is_none() && routes == 0 && !host_ports && ports.is_empty(), "{}", mode.name),
        }
        if mode.name != "none" {
            for always in [25, 465, 993] {
                assert!(ports.contains(&always), "{}: {always} not published: {ports:?}", mode.name);
            }
            assert_eq!(
                ports.contains(&443),
                web_on_front,
                "{}: 443 only when front serves the web",
                mode.name
            );
            assert_eq!(ports.contains(&80), web_on_front, "{}: 80 only when front serves the web", mode.name);
            // Only the full example asks for 143 and 110.
            let asked = mode.file == "full";
            assert_eq!(
                ports.contains(&143) && ports.contains(&110),
                asked,
                "{}: 143 and 110 only when asked for",
                mode.name
            );
        }
        let web = manifests.iter().filter(|m| m.kind() == "Ingress" || m.kind() == "HTTPRoute").count();
        assert_eq!(
            web,
            usize::from(mode.name.contains("Ingress") || mode.name.contains("HTTPRoute")),
            "{}",
            mode.name
        );
    }
}

#[test]
fn tls_ends_in_front_and_starttls_is_offered_on_25_and_587() {
    for mode in MODES {
        let manifests = render(mode);
        let env = env(&manifests);
        let front = container(front(&manifests));
        let mount = list(front, "volumeMounts").iter().find(|m| text(m, "mountPath") == "/certs");
        let volumes = list(self::front(&manifests), "spec.template.spec.volumes");
        if mode.name == "none" {
            assert_eq!(env["TLS_FLAVOR"], "notls");
            assert!(mount.is_none());
            continue;
        }
        let mount = mount.unwrap_or_else(|| panic!("{}: no certificate in front", mode.name));
        let volume = volumes.iter().find(|v| text(v, "name") == text(mount, "name")).unwrap();
        if mode.name.contains("letsencrypt") {
            assert_eq!(env["TLS_FLAVOR"], "letsencrypt");
            assert!(volume.get_dotted("persistentVolumeClaim").is_some(), "Mailu keeps its certificates");
        } else {
            // The Secret whole (no subPath, or renewals never reach the pod), as the files Mailu reads.
            assert!(mount.get_dotted("subPath").is_none());
            let items: Vec<(&str, &str)> =
                list(volume, "secret.items").iter().map(|i| (text(i, "key"), text(i, "path"))).collect();
            assert_eq!(items, [("tls.crt", "cert.pem"), ("tls.key", "key.pem")], "{}", mode.name);
            let expected =
                if mode.name.contains('+') && !mode.name.contains("letsencrypt") { "mail" } else { "cert" };
            assert_eq!(env["TLS_FLAVOR"], expected, "{}", mode.name);
        }
        assert!(env["PORTS"].split(',').any(|p| p == "587"), "{}: 587 must be opened", mode.name);
        if mode.name.starts_with("traefik") {
            // Port 25 through the proxy arrives on our listener, a copy of Mailu's own port-25
            // server (its STARTTLS included; tests/runtime_review.rs runs the copying).
            let script = find(&manifests, "ConfigMap", "mailu-front")
                .and_then(|c| c.get_dotted("data"))
                .and_then(Value::as_map)
                .and_then(|d| d.get("front-entrypoint.py"))
                .and_then(Value::as_str)
                .unwrap();
            assert!(
                script.contains("listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};"),
                "{}",
                mode.name
            );
        }
    }
}

/// A client address a proxy could forge, and whether front believes it.
#[test]
fn front_believes_client_addresses_only_from_a_proxy() {
    for mode in MODES {
        let env = env(&render(mode));
        let proxy = mode.name.starts_with("traefik")
            || mode.name.contains("Ingress")
            || mode.name.contains("HTTPRoute");
        assert_eq!(env.contains_key("REAL_IP_FROM"), proxy, "{}", mode.name);
        let proxied: Vec<&str> = env["PROXY_PROTOCOL"].split(',').filter(|p| !p.is_empty()).collect();
        if mode.name.starts_with("traefik") {
            assert_eq!(proxied, ["465", "587", "993", "995", "4190"], "{}", mode.name);
        } else {
            assert!(proxied.is_empty(), "{}: no PROXY protocol without Traefik", mode.name);
        }
        // X-Forwarded-For is believed only from an HTTP proxy, and never on a PROXY protocol port.
        assert_eq!(
            env.contains_key("REAL_IP_HEADER"),
            mode.name.contains("Ingress") || mode.name.contains("HTTPRoute")
        );
    }
}

fn proxy() -> Actor {
    // The labels every example that has a proxy gives it; the HTTPRoute variation keeps the
    // traefik example's.
    Actor::pod("proxy", "traefik", &[("app.kubernetes.io/name", "traefik")])
}

fn proxy_of(mode: &Mode) -> Actor {
    match mode.file {
        "full" => Actor::pod("proxy", "ingress-nginx", &[("app.kubernetes.io/name", "ingress-nginx")]),
        "gateway-api" => Actor::pod(
            "proxy",
            "envoy-gateway-system",
            &[
                ("gateway.envoyproxy.io/owning-gateway-name", "shared-gateway"),
                ("gateway.envoyproxy.io/owning-gateway-namespace", "gateway-system"),
            ],
        ),
        _ => proxy(),
    }
}

#[test]
fn only_front_faces_the_outside() {
    let strangers = [
        Actor::pod("another app", "mailu", &[("app", "other")]),
        Actor::pod("a pod elsewhere", "default", &[("app", "other")]),
        // The proxy's labels, in the wrong namespace.
        Actor::pod("an impostor", "default", &[("app.kubernetes.io/name", "traefik")]),
    ];
    for mode in MODES {
        let manifests = render(mode);
        let cluster = Cluster::new(&manifests, "mailu");
        let arriving = arrivals(&manifests, mode);
        let facing = mode.name.starts_with("loadBalancer") || mode.name.starts_with("hostPort");
        let proxy = proxy_of(mode);
        let front = cluster.pod("front");
        // Mailu's port 25 is never published: the public port 25 arrives on a listener of its
        // own, 20025 with the PROXY protocol, 20026 without.
        assert!(!arriving.contains(&25), "{}: {arriving:?}", mode.name);
        for (name, port) in &front.ports {
            let from_internet = cluster.reaches(&Actor::internet(), "front", *port);
            let public_port = arriving.contains(port) && facing;
            assert_eq!(from_internet, public_port, "{}: internet -> front {name} ({port})", mode.name);
            let smtp = [25, 20025, 20026].contains(port);
            let from_proxy = cluster.reaches(&proxy, "front", *port);
            let expected = (public_port && !smtp)
                || (mode.name.starts_with("traefik") && arriving.contains(port))
                || (*port == 80 && (mode.name.contains("Ingress") || mode.name.contains("HTTPRoute")));
            assert_eq!(from_proxy, expected, "{}: proxy -> front {name} ({port})", mode.name);
            // Port 25 takes mail without a password and postfix relays for the pod network:
            // no pod reaches it (fetchmail's own rule aside).
            for stranger in &strangers {
                assert_eq!(
                    cluster.reaches(stranger, "front", *port),
                    public_port && !smtp,
                    "{}: {} -> front {port}",
                    mode.name,
                    stranger.name
                );
            }
        }
        // Nothing outside the release reaches any other component.
        for pod in cluster.pods.iter().filter(|p| p.component != "front") {
            for (name, port) in &pod.ports {
                for outsider in strangers.iter().chain([&Actor::internet(), &proxy]) {
                    assert!(
                        !cluster.reaches(outsider, &pod.component, *port),
                        "{}: {} reaches {} {name}",
                        mode.name,
                        outsider.name,
                        pod.component
                    );
                }
            }
        }
    }
}

#[test]
fn only_front_and_the_webmail_relay_reach_the_mail_ports_of_postfix_and_dovecot() {
    for mode in MODES {
        let manifests = render(mode);
        let cluster = Cluster::new(&manifests, "mailu");
        let relay = cluster.has("dovecot-submission");
        // Port 25 of postfix also takes sieve redirects and vacation replies from dovecot.
        assert_eq!(cluster.components_reaching("postfix", 25), ["dovecot", "front"], "{}", mode.name);
        let submission: Vec<&str> = if relay { vec!["dovecot-submission", "front"] } else { vec!["front"] };
        assert_eq!(cluster.components_reaching("postfix", 10025), submission, "{}", mode.name);
        for port in [143, 110, 4190] {
            assert_eq!(
                cluster.components_reaching("dovecot", port),
                ["front"],
                "{}: dovecot {port}",
                mode.name
            );
        }
        if relay {
            assert_eq!(
                cluster.components_reaching("dovecot-submission", 10025),
                ["webmail"],
                "{}",
                mode.name
            );
        }
    }
}

/// ingress-nginx takes bodies of 1 MiB unless told: the Ingress says the message size limit,
/// unless the values name a limit of their own.
#[test]
fn the_ingress_lets_uploads_as_large_as_a_message_through() {
    let full = common::root().join("values-examples/full.yaml");
    let limit = |set: &[&str]| {
        let manifests = common::render(&[&full], set);
        let ingress = manifests.iter().find(|m| m.kind() == "Ingress").expect("an Ingress");
        ingress
            .object
            .get_dotted("metadata.annotations")
            .and_then(|a| a.as_map())
            .and_then(|a| a.get("nginx.ingress.kubernetes.io/proxy-body-size"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    assert_eq!(limit(&["messageSizeLimitMb=75"]).as_deref(), Some("75m"));
    assert_eq!(limit(&["expose.ingress.className="]).as_deref(), Some("100m"));
    assert_eq!(limit(&["expose.ingress.className=traefik"]), None);
    assert_eq!(
        limit(&["expose.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=1g"])
            .as_deref(),
        Some("1g")
    );
    assert_eq!(
        limit(&["commonAnnotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=2g"]).as_deref(),
        Some("2g")
    );
}

/// A proxy outside the pod network (ingress-nginx or Traefik on the host network, a cloud load
/// balancer that sends to pod addresses) is named by its addresses: front believes what they
/// report and its policy admits them on the proxy's ports, and no one else.
#[test]
fn a_proxy_outside_the_pod_network_is_believed_and_admitted_by_its_addresses() {
    let node = Actor::host("a node of the host-network proxy", "192.168.1.20");
    let other_node = Actor::host("a machine of another network", "192.168.2.20");
    let labelled_proxy = proxy();
    let path = common::root().join("values-examples/minimal.yaml");
    let exposures: [(&[&str], &[i64]); 2] = [
        (&["expose.web=ingress"], &[80]),
        (
            &["expose.mail=traefik", "expose.web=httpRoute", "expose.httpRoute.parentRefs[0].name=gw"],
            &[80, 20025, 465, 587, 993, 995, 4190],
        ),
    ];
    for (exposure, proxied_ports) in exposures {
        for labels in [true, false] {
            let mut set = exposure.to_vec();
            set.push("expose.trustedProxies={192.168.1.0/24}");
            if labels {
                set.extend([
                    "networkPolicy.ingressController.namespaceLabels.kubernetes\\.io/metadata\\.name=traefik",
                    "networkPolicy.ingressController.podLabels.app\\.kubernetes\\.io/name=traefik",
                ]);
            }
            let manifests = common::render(&[&path], &set);
            let what = format!("{exposure:?}, labels {labels}");
            assert_eq!(env(&manifests)["REAL_IP_FROM"], "10.42.0.0/16,192.168.1.0/24", "{what}");
            let cluster = Cluster::new(&manifests, "mailu");
            let stranger = Actor::pod("a pod elsewhere", "default", &[("app", "other")]);
            for (name, port) in &cluster.pod("front").ports {
                let proxied = proxied_ports.contains(port);
                // The mail ports a LoadBalancer publishes are everyone's.
                let public = cluster.reaches(&Actor::internet(), "front", *port);
                assert!(!(proxied && public), "{what}: internet -> front {name}");
                assert_eq!(
                    cluster.reaches(&node, "front", *port),
                    proxied || public,
                    "{what}: node -> front {name}"
                );
                assert_eq!(
                    cluster.reaches(&other_node, "front", *port),
                    public,
                    "{what}: other -> front {name}"
                );
                assert_eq!(
                    cluster.reaches(&labelled_proxy, "front", *port),
                    (proxied && labels) || (public && *port != 20026),
                    "{what}: labelled proxy -> front {name}"
                );
                if proxied {
                    assert!(!cluster.reaches(&stranger, "front", *port), "{what}: stranger -> front {name}");
                }
            }
        }
    }
}

/// A load balancer that opens connections of its own passes the client's address in a PROXY
/// protocol header on every port: front expects it on each published port (port 25 on a
/// listener of its own, so that in-cluster senders keep Mailu's port 25), believes it only
/// from the load balancer's addresses, and takes the ports that carry it only from outside the
/// pod network: a pod connecting straight to front could claim any address in a header of its
/// own.
#[test]
fn a_load_balancer_speaking_the_proxy_protocol_is_believed_on_every_port() {
    let path = common::root().join("values-examples/minimal.yaml");
    let set = ["expose.loadBalancer.proxyProtocol=true", "expose.trustedProxies={192.168.1.0/24}"];
    let manifests = common::render(&[&path], &set);
    let shared = env(&manifests);
    assert_eq!(shared["PROXY_PROTOCOL"], "465,587,993,995,4190,80,443");
    assert_eq!(shared["REAL_IP_FROM"], "192.168.1.0/24");
    let service = find(&manifests, "Service", "mailu-front-public").expect("the LoadBalancer");
    let smtp = list(service, "spec.ports").iter().find(|p| number(p, "port") == 25).unwrap();
    assert_eq!(text(smtp, "targetPort"), "proxy-smtp");
    let cluster = Cluster::new(&manifests, "mailu");
    assert_eq!(cluster.pod("front").ports.get("proxy-smtp"), Some(&20025));
    let node = Actor::host("the load balancer", "192.168.1.20");
    let pod = Actor::pod("a pod elsewhere", "default", &[("app", "other")]);
    assert!(cluster.reaches(&node, "front", 20025));
    assert!(cluster.reaches(&Actor::internet(), "front", 20025));
    assert!(!cluster.reaches(&pod, "front", 20025));
    assert!(!cluster.reaches(&Actor::internet(), "front", 25));
    for port in [465, 587, 993, 995, 4190, 80, 443] {
        assert!(cluster.reaches(&node, "front", port), "{port}");
        assert!(!cluster.reaches(&pod, "front", port), "{port}");
    }
    // Behind an ingress controller as well, its pods are believed on port 80 only.
    let ingress = [
        &set[..],
        &[
            "expose.web=ingress",
            "networkPolicy.ingressController.namespaceLabels.name=ingress",
            "networkPolicy.ingressController.podLabels.app=ingress",
        ],
    ]
    .concat();
    let manifests = common::render(&[&path], &ingress);
    assert_eq!(env(&manifests)["REAL_IP_FROM"], "10.42.0.0/16,192.168.1.0/24");
    let cluster = Cluster::new(&manifests, "mailu");
    let controller = Actor::pod_with_namespace_labels(
        "the ingress controller",
        "ingress",
        &[("name", "ingress")],
        &[("app", "ingress")],
    );
    assert!(cluster.reaches(&controller, "front", 80));
    for port in [465, 993, 20025] {
        assert!(!cluster.reaches(&controller, "front", port), "{port}");
    }
    // The front patch adds the listener.
    let command = list(container(front(&manifests)), "command");
    assert!(command.iter().any(|c| c.as_str() == Some("/mailu-chart/front-entrypoint.py")), "{command:?}");
    // Without the header, nothing changes.
    let plain = env(&common::render(&[&path], &[]));
    assert_eq!(plain["PROXY_PROTOCOL"], "");
    assert!(!plain.contains_key("REAL_IP_FROM"));
}

/// The Certificate asks the issuer the values name: cert-manager's own kinds, or an external
/// issuer's kind in its API group.
#[test]
fn the_certificate_names_the_issuer_by_kind_and_group() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    for (set, kind, group) in [
        (&["tls.certManager.issuerKind=Issuer"][..], "Issuer", "cert-manager.io"),
        (&[][..], "ClusterIssuer", "cert-manager.io"),
        (
            &[
                "tls.certManager.issuerKind=AWSPCAClusterIssuer",
                "tls.certManager.issuerGroup=awspca.cert-manager.io",
            ],
            "AWSPCAClusterIssuer",
            "awspca.cert-manager.io",
        ),
    ] {
        let mut set = set.to_vec();
        set.extend(["expose.web=none", "tls.source=certManager", "tls.certManager.issuer=pca"]);
        let manifests = common::render(&[&minimal], &set);
        let certificate = find(&manifests, "Certificate", "mailu-front").expect("a Certificate");
        assert_eq!(text(certificate, "spec.issuerRef.name"), "pca");
        assert_eq!(text(certificate, "spec.issuerRef.kind"), kind, "{set:?}");
        assert_eq!(text(certificate, "spec.issuerRef.group"), group, "{set:?}");
    }
}

/// `admin.ui` is Mailu's `ADMIN`: front routes `/admin` and `/admin/antispam` only when it is
/// true (core/nginx/conf/nginx.conf), and `/` leads to a page front serves.
#[test]
fn admin_ui_off_hides_the_admin_pages_and_the_root_leads_elsewhere() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    for (set, admin, root) in [
        (&["webmail.enabled=false"][..], "true", "/admin"),
        (&["webmail.enabled=false", "admin.ui=false"][..], "false", "none"),
        (&["webmail.enabled=true", "admin.ui=false"][..], "false", "/webmail"),
        (&["webmail.enabled=true"][..], "true", "/webmail"),
    ] {
        let env = env(&common::render(&[&minimal], set));
        assert_eq!(env["ADMIN"], admin, "{set:?}");
        assert_eq!(env["WEBROOT_REDIRECT"], root, "{set:?}");
    }
}
