//! NetworkPolicies derived from the flows of the architecture: a default deny for every pod of
//! the release, DNS for all, then one policy per component allowing exactly the flows that end
//! (ingress) or start (egress) at it, each rule present when the other end is deployed.

use crate::components::Component;
use crate::components::expr::{Cond, Expr, Seq};
use crate::components::front::TRUSTED_PROXIES;
use crate::components::network_policy::{DNS_NAMESPACE_LABELS, DNS_NETWORKS, DNS_POD_LABELS, dns_named};
use crate::components::network_policy::{Flow, FlowPort, Peer, flows};
use crate::components::shared_env::ipv6_subnet;
use crate::components::tree::{Node, Object, Part, entry, item, items, list, map, values};

use super::{metadata, object, release_pods, selector_labels};

pub(super) fn objects(components: &[Component]) -> Vec<Object> {
    let enabled = Cond::flag("networkPolicy.enabled");
    let mut objects = vec![
        object(
            "templates/network-policy/default-deny.yaml",
            enabled.clone(),
            "No traffic to or from any pod of the release unless another policy allows it.",
            policy("default-deny", None, release_pods(), vec![]),
        ),
        object(
            "templates/network-policy/dns.yaml",
            enabled.clone(),
            "Every pod of the release may ask DNS.",
            policy_of_types(
                "dns",
                None,
                release_pods(),
                &["Egress"],
                // Policies see the port of the pod behind a Service: OpenShift's DNS pods
                // answer the Service's port 53 on 5353. Any address unless the values say
                // where the cluster's DNS answers.
                vec![entry(
                    "egress",
                    list([item(map([
                        entry(
                            "to",
                            list([
                                proxy_pods(DNS, Cond::Always),
                                Part::Each(
                                    Seq::key(DNS_NETWORKS),
                                    map([entry("ipBlock", map([entry("cidr", Expr::Item)]))]),
                                ),
                            ]),
                        )
                        .when(dns_named()),
                        entry(
                            "ports",
                            list([
                                port("UDP", 53.into()),
                                port("TCP", 53.into()),
                                port("UDP", 5353.into()),
                                port("TCP", 5353.into()),
                            ]),
                        ),
                    ]))]),
                )],
            ),
        ),
    ];
    let all = flows();
    for c in components {
        let me = Peer::Component(c.name);
        let rules =
            |direction: &'static str, peer_key: &'static str, other: &dyn Fn(&Flow) -> Option<Peer>| {
                let mut rules: Vec<Part> = all
                    .iter()
                    .filter_map(|flow| {
                        let peer = other(flow)?;
                        // A rule without ports would allow every port: it exists only with one.
                        let some_port = flow.ports.iter().map(FlowPort::when).fold(Cond::Never, Cond::or);
                        Some(
                            item(map([
                                entry(peer_key, peers(peer)),
                                entry(
                                    "ports",
                                    list(
                                        flow.ports
                                            .iter()
                                            .map(|p| port(p.protocol(), flow_port(p)).when(p.when())),
                                    ),
                                ),
                            ]))
                            .when(deployed(components, peer).and(flow.when.clone()).and(some_port)),
                        )
                    })
                    .collect();
                if direction == "egress" && c.pod_settings {
                    rules.push(Part::Splice(c.key("extraEgress")));
                }
                entry(direction, Node::List(rules.into())).if_not_empty()
            };
        objects.push(object(
            format!("templates/{}/networkpolicy.yaml", c.name),
            enabled.clone().and(c.when.clone()),
            format!("What {} may receive and send; everything else is denied.", c.name),
            policy(
                c.name,
                Some(c.name),
                selector_labels(c.name),
                vec![
                    rules("ingress", "from", &|f| (f.to == me).then_some(f.from)),
                    rules("egress", "to", &|f| (f.from == me).then_some(f.to)),
                ],
            ),
        ));
    }
    objects
}

/// A policy for both directions.
fn policy(name: &'static str, component: Option<&'static str>, pods: Node, rules: Vec<Part>) -> Node {
    policy_of_types(name, component, pods, &["Ingress", "Egress"], rules)
}

fn policy_of_types(
    name: &'static str,
    component: Option<&'static str>,
    pods: Node,
    types: &[&'static str],
    rules: Vec<Part>,
) -> Node {
    let mut spec = vec![
        entry("podSelector", map([entry("matchLabels", pods)])),
        entry("policyTypes", items(types.iter().copied())),
    ];
    spec.extend(rules);
    map([
        entry("apiVersion", "networking.k8s.io/v1"),
        entry("kind", "NetworkPolicy"),
        entry("metadata", metadata(Expr::object_name(name), component)),
        entry("spec", map(spec)),
    ])
}

/// When the other end of a flow exists.
fn deployed(components: &[Component], peer: Peer) -> Cond {
    match peer {
        Peer::Component(name) => {
            components.iter().find(|c| c.name == name).map_or(Cond::Always, |c| c.when.clone())
        }
        Peer::IngressController | Peer::WebProxy | Peer::Monitoring | Peer::Anywhere | Peer::Internet => {
            Cond::Always
        }
    }
}

fn flow_port(port: &FlowPort) -> Node {
    match port {
        FlowPort::Fixed(n) | FlowPort::Udp(n) | FlowPort::When(n, _) => (*n).into(),
        FlowPort::Key(key) => Node::Number((*key).into()),
    }
}

fn port(protocol: &'static str, number: Node) -> Part {
    item(map([entry("protocol", protocol), entry("port", number)]))
}

/// A label selector from a map of labels in the values: `{}` (everything) when empty.
fn label_selector(path: &'static str) -> Node {
    map([entry("matchLabels", values(path)).if_not_empty()])
}

/// Where clouds serve what a node knows of itself, credentials among it: the link-local range
/// of the instance metadata services (169.254.169.254 on AWS, Azure, Google Cloud and others),
/// Azure's WireServer and Alibaba Cloud's metadata address; AWS's IPv6 address of its own.
const IPV4_METADATA: [&str; 3] = ["169.254.0.0/16", "168.63.129.16/32", "100.100.100.200/32"];
const IPV6_METADATA: [&str; 1] = ["fd00:ec2::254/128"];

/// The labels that select a proxy's pods: of their namespaces, and of the pods.
type ProxyLabels = (&'static str, &'static str);

const INGRESS_CONTROLLER: ProxyLabels =
    ("networkPolicy.ingressController.namespaceLabels", "networkPolicy.ingressController.podLabels");
const WEB_PROXY: ProxyLabels = ("networkPolicy.webProxy.namespaceLabels", "networkPolicy.webProxy.podLabels");

/// The labels that select the cluster's DNS pods.
const DNS: ProxyLabels = (DNS_NAMESPACE_LABELS, DNS_POD_LABELS);

/// Whether the values name a proxy's pods.
fn names_pods((namespaces, pods): ProxyLabels) -> Cond {
    Cond::Present(namespaces.into()).or(Cond::Present(pods.into()))
}

/// The pods a proxy's labels select, when the values name some and `when` holds. Without
/// labels, none: an empty selector would admit every pod.
fn proxy_pods(labels: ProxyLabels, when: Cond) -> Part {
    item(map([
        entry("namespaceSelector", label_selector(labels.0)),
        entry("podSelector", label_selector(labels.1)),
    ]))
    .when(when.and(names_pods(labels)))
}

/// The networks of the proxies outside the cluster.
fn trusted_proxy_networks() -> Part {
    Part::Each(Seq::key(TRUSTED_PROXIES), map([entry("ipBlock", map([entry("cidr", Expr::Item)]))]))
}

fn peers(peer: Peer) -> Node {
    match peer {
        Peer::Component(name) => {
            list([item(map([entry("podSelector", map([entry("matchLabels", selector_labels(name))]))]))])
        }
        Peer::IngressController => {
            list([proxy_pods(INGRESS_CONTROLLER, Cond::Always), trusted_proxy_networks()])
        }
        Peer::WebProxy => {
            // Only with both labels (`validate` refuses one alone; an empty namespace selector
            // would admit pods of that name in every namespace).
            let own = Cond::Present(WEB_PROXY.0.into()).and(Cond::Present(WEB_PROXY.1.into()));
            list([
                proxy_pods(WEB_PROXY, own.clone()),
                proxy_pods(INGRESS_CONTROLLER, Cond::negate(own)),
                trusted_proxy_networks(),
            ])
        }
        Peer::Monitoring => list([item(map([
            entry("namespaceSelector", label_selector("networkPolicy.monitoring.namespaceLabels")),
            entry("podSelector", label_selector("networkPolicy.monitoring.podLabels")),
        ]))]),
        Peer::Anywhere => list([
            item(map([entry("ipBlock", map([entry("cidr", "0.0.0.0/0")]))])),
            item(map([entry("ipBlock", map([entry("cidr", "::/0")]))])),
            // In-cluster services in other namespaces (ipBlock need not match pod addresses).
            item(map([entry("namespaceSelector", map([]))])),
        ]),
        Peer::Internet => {
            let ipv6 = ipv6_subnet();
            // The pod network when it is of the family, and the family's metadata services.
            let except = |family: Cond, metadata: &[&'static str]| {
                let pods = item(Expr::key("subnet")).when(family);
                entry("except", list(std::iter::once(pods).chain(metadata.iter().map(|m| item(*m)))))
            };
            list([
                item(map([entry(
                    "ipBlock",
                    map([entry("cidr", "0.0.0.0/0"), except(Cond::negate(ipv6.clone()), &IPV4_METADATA)]),
                )])),
                item(map([entry("ipBlock", map([entry("cidr", "::/0"), except(ipv6, &IPV6_METADATA)]))])),
            ])
        }
    }
}
