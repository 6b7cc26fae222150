//! Who can reach what, for every values example, with the NetworkPolicies applied as
//! Kubernetes applies them (tests/common/reach.rs): the release's own pods, a pod of another
//! application in the release's namespace and in another namespace, the proxy in front (the
//! ingress controller), and the internet. With the policies on, only front faces the outside,
//! only the components that need a mail port reach it, and nothing but webmail reaches the
//! password-less dovecot-submission. With them off, every pod of the cluster reaches every
//! port: docs/security.md lists them, and a test keeps that list current.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::reach::{Actor, Cluster};

/// Who of the release may reach each port of the release, when both ends are deployed: every
/// other pair is denied. front's published ports are open to anyone, the release's own pods
/// included, but port 25 to no pod (postfix would relay for it); they are checked in
/// tests/exposure.rs, mode by mode.
const ALLOWED: &[(&str, i64, &[&str])] = &[
    ("admin", 8080, &["dovecot", "fetchmail", "front", "postfix", "rspamd"]),
    ("clamav", 3310, &["rspamd"]),
    ("dovecot", 110, &["front"]),
    ("dovecot", 143, &["front"]),
    ("dovecot", 2525, &["admin", "front", "postfix"]),
    ("dovecot", 4190, &["front"]),
    // Metrics are for Prometheus, which is not a component.
    ("dovecot", 9900, &[]),
    ("dovecot-submission", 10025, &["webmail"]),
    ("front", 2525, &["fetchmail"]),
    ("front", 10025, &["webmail"]),
    ("front", 10143, &["webmail"]),
    ("front", 14190, &["webmail"]),
    ("oletools", 11343, &["rspamd"]),
    ("postfix", 25, &["dovecot", "front"]),
    ("postfix", 10025, &["dovecot-submission", "front"]),
    ("redis", 6379, &["admin", "rspamd"]),
    ("rspamd", 11332, &["postfix"]),
    ("rspamd", 11334, &["dovecot", "front"]),
    ("tika", 9998, &["dovecot"]),
    ("webdav", 5232, &["front"]),
    ("webmail", 80, &["front"]),
];

/// front's ports that are only ever for the release's own pods.
const FRONT_INTERNAL: &[i64] = &[2525, 10025, 10143, 14190];

/// front's PROXY protocol listener for port 25: for the proxy alone.
const FRONT_PROXY_SMTP: i64 = 20025;

/// front's listener for port 25 from the LoadBalancer or the host port: for the internet alone.
const FRONT_DIRECT_SMTP: i64 = 20026;

fn strangers() -> Vec<Actor> {
    vec![
        Actor::pod("another app in the release namespace", "mailu", &[("app", "other")]),
        Actor::pod("a pod in another namespace", "default", &[("app", "other")]),
    ]
}

/// The proxy in front as the example describes it, or a typical ingress controller.
fn proxy(values: &mailu_chart::values::Values) -> Actor {
    let peer = &values.network_policy.ingress_controller;
    let pairs = |m: &std::collections::BTreeMap<String, String>| -> Vec<(String, String)> {
        m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let (namespace_labels, pod_labels) = if peer.pod_labels.is_empty() {
        (
            vec![("kubernetes.io/metadata.name".to_string(), "ingress-nginx".to_string())],
            vec![("app.kubernetes.io/name".to_string(), "ingress-nginx".to_string())],
        )
    } else {
        (pairs(&peer.namespace_labels), pairs(&peer.pod_labels))
    };
    let namespace = namespace_labels
        .iter()
        .find(|(k, _)| k == "kubernetes.io/metadata.name")
        .map_or("ingress", |(_, v)| v.as_str())
        .to_string();
    fn borrow(l: &[(String, String)]) -> Vec<(&str, &str)> {
        l.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }
    Actor::pod_with_namespace_labels(
        "the ingress controller",
        &namespace,
        &borrow(&namespace_labels),
        &borrow(&pod_labels),
    )
}

/// Whether the example's webmail is Roundcube sending through dovecot-submission.
fn sends_through_submission(file: &Path) -> bool {
    let values = values_of(file, &[]);
    values.webmail.enabled
        && values.webmail.kind == mailu_chart::values::model::WebmailType::Roundcube
        && values.dovecot_submission.enabled
}

fn values_of(file: &Path, set: &[&str]) -> mailu_chart::values::Values {
    mailu_chart::values::resolve(&common::user_values(&[file], set)).unwrap()
}

#[test]
fn every_example_allows_exactly_the_flows_mailu_needs() {
    for file in common::examples() {
        let name = common::short(&file);
        let cluster = Cluster::new(&common::render(&[&file], &[]), "mailu");
        for pod in &cluster.pods {
            for port in pod.ports.values() {
                if pod.component == "front" && !FRONT_INTERNAL.contains(port) {
                    continue;
                }
                let mut expected: Vec<String> = ALLOWED
                    .iter()
                    .find(|(c, p, _)| *c == pod.component && p == port)
                    .map(|(_, _, from)| {
                        from.iter().filter(|c| cluster.has(c)).map(|c| c.to_string()).collect()
                    })
                    .unwrap_or_default();
                // Roundcube sends through dovecot-submission where it runs, not front's 10025.
                if pod.component == "front" && *port == 10025 && sends_through_submission(&file) {
                    expected.clear();
                }
                assert_eq!(
                    cluster.components_reaching(&pod.component, *port),
                    expected,
                    "{name}: who reaches {} port {port}",
                    pod.component
                );
            }
        }
    }
}

#[test]
fn in_every_example_only_front_faces_the_outside() {
    for file in common::examples() {
        let name = common::short(&file);
        let values = values_of(&file, &[]);
        let cluster = Cluster::new(&common::render(&[&file], &[]), "mailu");
        let proxy = proxy(&values);
        let outsiders: Vec<Actor> =
            strangers().into_iter().chain([proxy.clone(), Actor::internet()]).collect();
        // A load balancer speaking the PROXY protocol brings port 25 from outside to 20025.
        let proxied_smtp_from_outside = values.expose.load_balancer.proxy_protocol;
        for pod in &cluster.pods {
            for port in pod.ports.values() {
                for outsider in &outsiders {
                    let reaches = cluster.reaches(outsider, &pod.component, *port);
                    let open = pod.component == "front"
                        && !FRONT_INTERNAL.contains(port)
                        && (*port != FRONT_PROXY_SMTP
                            || outsider.name == proxy.name
                            || (proxied_smtp_from_outside && outsider.pod.is_none()))
                        && (*port != FRONT_DIRECT_SMTP || outsider.pod.is_none());
                    if !open {
                        assert!(!reaches, "{name}: {} reaches {} port {port}", outsider.name, pod.component);
                    }
                }
            }
        }
        // The password-less relay: webmail, nobody else, whatever the example.
        if cluster.has("dovecot-submission") {
            assert_eq!(cluster.components_reaching("dovecot-submission", 10025), ["webmail"], "{name}");
        }
    }
}

/// Every (component, port) a pod anywhere in the cluster reaches when the NetworkPolicies are
/// off, over all examples, as the rows of the table in docs/security.md.
fn exposed_without_policies() -> BTreeSet<(String, i64, String)> {
    let mut exposed = BTreeSet::new();
    for file in common::examples() {
        let values = values_of(&file, &["networkPolicy.enabled=false"]);
        assert!(!values.network_policy.enabled);
        let manifests = common::render(&[&file], &["networkPolicy.enabled=false"]);
        assert!(manifests.iter().all(|m| m.kind() != "NetworkPolicy"), "{}", common::short(&file));
        let cluster = Cluster::new(&manifests, "mailu");
        for pod in &cluster.pods {
            for (port_name, port) in &pod.ports {
                for stranger in strangers() {
                    assert!(
                        cluster.reaches(&stranger, &pod.component, *port),
                        "without policies {} reaches {} {port}",
                        stranger.name,
                        pod.component
                    );
                }
                exposed.insert((pod.component.clone(), *port, port_name.clone()));
            }
        }
    }
    exposed
}

#[test]
fn without_network_policies_every_port_is_open_to_every_pod_and_the_docs_say_which() {
    let table: String = exposed_without_policies()
        .iter()
        .map(|(component, port, name)| format!("| {component} | {port} | {name} |\n"))
        .collect();
    let body = format!("| component | port | name |\n|---|---:|---|\n{table}");
    let path = common::root().join("docs/security.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- exposed-without-policies:start -->\n", "<!-- exposed-without-policies:end -->");
    let from = text.find(start).expect("the start marker") + start.len();
    let to = text[from..].find(end).expect("the end marker") + from;
    let expected = format!("{}{body}{}", &text[..from], &text[to..]);
    if std::env::var("MAILU_CHART_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    assert!(
        text == expected,
        "docs/security.md is stale; run MAILU_CHART_UPDATE_DOCS=1 cargo test --test reachability"
    );
}

/// Webmail's address books (Roundcube's carddav plugin, SnappyMail's contact sync) are this
/// Mailu's webdav, reached at front's public HTTPS where front ends TLS itself (every pod may
/// reach that port there). Behind a proxy front's web port believes what the pods it admits
/// say of the client, and with header sign-in trusting the pod network, whom they sign in:
/// webmail stays out of it.
#[test]
fn webmail_reaches_the_address_books_only_where_front_ends_tls() {
    let examples = [("minimal", true), ("everything", false), ("traefik", false), ("hetzner", false)];
    for (example, front_ends_tls) in examples {
        let file = common::root().join(format!("values-examples/{example}.yaml"));
        for webdav in [true, false] {
            let set = [format!("webdav.enabled={webdav}"), "webmail.enabled=true".to_string()];
            let set: Vec<&str> = set.iter().map(String::as_str).collect();
            let cluster = Cluster::new(&common::render(&[&file], &set), "mailu");
            for port in [80, 443] {
                let reaching = cluster.components_reaching("front", port).iter().any(|c| c == "webmail");
                let expected = webdav && front_ends_tls && port == 443;
                assert_eq!(reaching, expected, "{example}, webdav {webdav}, port {port}");
            }
        }
    }
}

/// What reads mail from strangers or fetches from the internet (rspamd, ClamAV, fetchmail)
/// reaches the internet on its ports, but no pod of the pod network and no cloud metadata
/// service (node credentials); postfix may still reach a relay inside the cluster. On an IPv4
/// pod network and on an IPv6 one.
#[test]
fn what_fetches_from_the_internet_reaches_nothing_else() {
    let metadata = [
        Actor::host("the clouds' metadata service", "169.254.169.254"),
        Actor::host("Azure's WireServer", "168.63.129.16"),
        Actor::host("Alibaba Cloud's metadata service", "100.100.100.200"),
        Actor::host("AWS's IPv6 metadata service", "fd00:ec2::254"),
    ];
    let neighbour = Actor::pod("a pod in another namespace", "default", &[("app", "other")]);
    let example = common::root().join("values-examples/minimal.yaml");
    let on = "clamav.enabled=true,fetchmail.enabled=true,rspamd.enabled=true";
    for subnet in ["10.42.0.0/16", "fd42:10::/56"] {
        let set = format!("subnet={subnet}");
        let cluster = Cluster::new(&common::render(&[&example], &[on, &set]), "mailu");
        let internet = [Actor::internet(), Actor::host("the IPv6 internet", "2001:db8::7")];
        for (component, port) in
            [("rspamd", 443), ("rspamd", 80), ("clamav", 443), ("fetchmail", 993), ("postfix", 443)]
        {
            for target in &internet {
                assert!(
                    cluster.sends_to(component, target, port),
                    "{subnet}: {component} to {} on {port}",
                    target.name
                );
            }
            for target in metadata.iter().chain([&neighbour]) {
                assert!(
                    !cluster.sends_to(component, target, port),
                    "{subnet}: {component} to {} on {port}",
                    target.name
                );
            }
        }
        assert!(cluster.sends_to("postfix", &neighbour, 25), "{subnet}: a relay inside the cluster");
    }
}

/// Mail through Traefik and the web through another proxy: each proxy's pods reach only their
/// own ports of front, and without `networkPolicy.webProxy` the one proxy serves both.
#[test]
fn each_proxy_reaches_only_its_own_ports() {
    let traefik =
        Actor::pod_with_namespace_labels("Traefik", "traefik", &[], &[("app.kubernetes.io/name", "traefik")]);
    let nginx = Actor::pod_with_namespace_labels(
        "ingress-nginx",
        "ingress-nginx",
        &[],
        &[("app.kubernetes.io/name", "ingress-nginx")],
    );
    let file = common::root().join("values-examples/traefik.yaml");
    let mixed = [
        "expose.web=ingress",
        "expose.ingress.className=nginx",
        "networkPolicy.ingressController.namespaceLabels.kubernetes\\.io/metadata\\.name=traefik",
        "networkPolicy.ingressController.podLabels.app\\.kubernetes\\.io/name=traefik",
        "networkPolicy.webProxy.namespaceLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
        "networkPolicy.webProxy.podLabels.app\\.kubernetes\\.io/name=ingress-nginx",
    ];
    let cluster = Cluster::new(&common::render(&[&file], &mixed), "mailu");
    assert!(cluster.reaches(&nginx, "front", 80));
    assert!(!cluster.reaches(&traefik, "front", 80));
    for port in [465, 993, FRONT_PROXY_SMTP] {
        assert!(cluster.reaches(&traefik, "front", port), "Traefik to {port}");
        assert!(!cluster.reaches(&nginx, "front", port), "ingress-nginx to {port}");
    }
    // One proxy for both: the web's port is Traefik's too.
    let one = Cluster::new(&common::render(&[&file], &mixed[..4]), "mailu");
    assert!(one.reaches(&traefik, "front", 80));
    assert!(!one.reaches(&nginx, "front", 80));
}

/// Where the values say where the cluster's DNS answers, every pod asks it alone; the resolver
/// beside admin, postfix and rspamd still asks the internet's name servers. Without it, any
/// address on port 53.
#[test]
fn pods_ask_only_the_cluster_dns_where_the_values_name_it() {
    let dns = Actor::pod("CoreDNS", "kube-system", &[("k8s-app", "kube-dns")]);
    let node_cache = Actor::host("NodeLocal DNSCache", "169.254.20.10");
    let name_server = Actor::host("a root name server", "198.41.0.4");
    let example = common::root().join("values-examples/minimal.yaml");
    let resolver = "resolver.enabled=true,resolver.clusterDnsAddress=10.43.0.10";
    let open = Cluster::new(&common::render(&[&example], &[resolver]), "mailu");
    for component in ["front", "postfix"] {
        assert!(open.sends_to(component, &name_server, 53), "{component}, DNS not named");
    }
    let named = [
        resolver,
        "networkPolicy.dns.namespaceLabels.kubernetes\\.io/metadata\\.name=kube-system",
        "networkPolicy.dns.podLabels.k8s-app=kube-dns",
        "networkPolicy.dns.networks={169.254.20.10/32}",
    ];
    let cluster = Cluster::new(&common::render(&[&example], &named), "mailu");
    for component in ["front", "dovecot", "admin", "postfix", "rspamd"] {
        assert!(cluster.sends_to(component, &dns, 53), "{component} to the cluster's DNS");
        assert!(cluster.sends_to(component, &node_cache, 53), "{component} to the node's cache");
        let resolves = ["admin", "postfix", "rspamd"].contains(&component);
        assert_eq!(cluster.sends_to(component, &name_server, 53), resolves, "{component} to a name server");
    }
    assert!(!cluster.sends_to("front", &Actor::pod("other", "default", &[("app", "x")]), 53));
}
