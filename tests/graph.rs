//! `mailu-chart graph`: the picture cannot drift from the NetworkPolicies. For every example,
//! every port a rendered policy allows between two peers is an edge of the graph, and every
//! edge that stands for a flow is allowed by the policies on both of its ends; the SVG is a
//! well-formed SVG document, the same bytes on every run.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use helm_engine::Value;
use mailu_chart::components::network_policy::Peer;
use mailu_chart::eval::Ctx;
use mailu_chart::graph::{self, Graph, NodeKind};
use mailu_chart::render::{Manifest, Release, values_tree};

/// A peer as a policy names it.
fn peer_name(peer: Peer) -> String {
    match peer {
        Peer::Component(name) => name.to_string(),
        Peer::IngressController | Peer::WebProxy => "ingress controller".to_string(),
        Peer::Monitoring => "monitoring".to_string(),
        // Address blocks with or without the pod network: which pods they admit is
        // tests/exposure.rs' question.
        Peer::Anywhere | Peer::Internet => "anywhere".to_string(),
    }
}

/// (from, to, port) for every port of every flow edge.
type Allowed = BTreeSet<(String, String, i64)>;

fn graph_of(example: &Path) -> Graph {
    let values = mailu_chart::values::resolve(&common::user_values(&[example], &[])).unwrap();
    let tree = values_tree(&values);
    let release = Release::default();
    graph::build(&Ctx::new(&tree, &release.name, &release.namespace))
}

fn label<'a>(labels: &'a Value, key: &str) -> Option<&'a str> {
    labels.as_map().and_then(|m| m.get(key)).and_then(Value::as_str)
}

/// The namespace and pod labels the values give the monitoring system's pods.
fn monitoring_selectors(example: &Path) -> (Value, Value) {
    let values = mailu_chart::values::resolve(&common::user_values(&[example], &[])).unwrap();
    let tree = values_tree(&values);
    let labels = |key: &str| tree.get_dotted(key).cloned().unwrap_or_default();
    (labels("networkPolicy.monitoring.namespaceLabels"), labels("networkPolicy.monitoring.podLabels"))
}

/// Who a policy peer is: a component of the release (by its component label), the monitoring
/// system or the ingress controller (namespace and pod selectors; the monitoring system's are
/// the labels `monitoring` holds), or anywhere (address blocks, every namespace).
fn policy_peer(peer: &Value, monitoring: &(Value, Value)) -> String {
    let pods = peer.get_dotted("podSelector.matchLabels");
    if let Some(component) = pods.and_then(|l| label(l, "app.kubernetes.io/component")) {
        return component.to_string();
    }
    if peer.get_dotted("podSelector").is_some() && peer.get_dotted("namespaceSelector").is_some() {
        let selects = |key: &str, labels: &Value| {
            let empty = Value::Map(Default::default());
            peer.get_dotted(&format!("{key}.matchLabels")).unwrap_or(&empty) == labels
        };
        if selects("namespaceSelector", &monitoring.0) && selects("podSelector", &monitoring.1) {
            return "monitoring".to_string();
        }
        return "ingress controller".to_string();
    }
    assert!(
        peer.get_dotted("ipBlock").is_some() || peer.get_dotted("namespaceSelector").is_some(),
        "an unknown peer: {peer:?}"
    );
    "anywhere".to_string()
}

/// What the rendered policies allow: (ingress, egress) triples of the component policies.
fn policies_allow(manifests: &[Manifest], monitoring: &(Value, Value)) -> (Allowed, Allowed) {
    let (mut ingress, mut egress) = (Allowed::new(), Allowed::new());
    for policy in manifests.iter().filter(|m| m.kind() == "NetworkPolicy") {
        let Some(me) =
            policy.object.get_dotted("metadata.labels").and_then(|l| label(l, "app.kubernetes.io/component"))
        else {
            // default-deny and the DNS policy for every pod: no flow of the architecture.
            assert!(
                policy.name().ends_with("default-deny") || policy.name().ends_with("-dns"),
                "{}",
                policy.name()
            );
            continue;
        };
        for (direction, peers_key, into) in [("ingress", "from", &mut ingress), ("egress", "to", &mut egress)]
        {
            for rule in policy
                .object
                .get_dotted(&format!("spec.{direction}"))
                .and_then(Value::as_list)
                .into_iter()
                .flatten()
            {
                let ports: Vec<i64> = rule
                    .get_dotted("ports")
                    .and_then(Value::as_list)
                    .expect("every rule names its ports")
                    .iter()
                    .map(|p| match p.get_dotted("port") {
                        Some(Value::Int(n)) => *n,
                        Some(Value::Float(f)) => *f as i64,
                        other => panic!("{}: a port {other:?}", policy.name()),
                    })
                    .collect();
                for peer in
                    rule.get_dotted(peers_key).and_then(Value::as_list).expect("every rule names its peers")
                {
                    let other = policy_peer(peer, monitoring);
                    for port in &ports {
                        let triple = if direction == "ingress" {
                            (other.clone(), me.to_string(), *port)
                        } else {
                            (me.to_string(), other.clone(), *port)
                        };
                        into.insert(triple);
                    }
                }
            }
        }
    }
    (ingress, egress)
}

fn graph_allows(graph: &Graph) -> Allowed {
    graph
        .edges
        .iter()
        .filter_map(|e| e.flow.map(|(from, to)| (from, to, &e.ports)))
        .flat_map(|(from, to, ports)| ports.iter().map(move |p| (peer_name(from), peer_name(to), *p)))
        .collect()
}

#[test]
fn every_policy_flow_is_an_edge_and_every_flow_edge_is_allowed() {
    for example in common::examples() {
        let name = common::short(&example);
        let graph = graph_of(&example);
        let (ingress, egress) =
            policies_allow(&common::render(&[&example], &[]), &monitoring_selectors(&example));
        assert!(!ingress.is_empty() && !egress.is_empty(), "{name}: no policies rendered");
        let edges = graph_allows(&graph);
        for (from, to, port) in &edges {
            let triple = (from.clone(), to.clone(), *port);
            let is_component = |peer: &str| {
                graph.node(&peer.replace('-', "_")).is_some_and(|n| n.kind == NodeKind::Component)
            };
            if is_component(to) {
                assert!(
                    ingress.contains(&triple),
                    "{name}: {from} -> {to}:{port} is drawn, but {to}'s policy refuses it"
                );
            }
            if is_component(from) {
                assert!(
                    egress.contains(&triple),
                    "{name}: {from} -> {to}:{port} is drawn, but {from}'s policy refuses it"
                );
            }
        }
        for triple in ingress.iter().chain(&egress) {
            assert!(
                edges.contains(triple),
                "{name}: the policies allow {triple:?}, the graph has no such edge"
            );
        }
    }
}

#[test]
fn the_nodes_are_the_deployed_components_and_every_edge_joins_two_nodes() {
    for example in common::examples() {
        let name = common::short(&example);
        let graph = graph_of(&example);
        let workloads: BTreeSet<String> = common::render(&[&example], &[])
            .iter()
            .filter(|m| matches!(m.kind(), "Deployment" | "DaemonSet"))
            .filter_map(|m| {
                m.object
                    .get_dotted("metadata.labels")
                    .and_then(|l| label(l, "app.kubernetes.io/component"))
                    .map(str::to_string)
            })
            .collect();
        let components: BTreeSet<String> =
            graph.nodes.iter().filter(|n| n.kind == NodeKind::Component).map(|n| n.label.clone()).collect();
        assert_eq!(components, workloads, "{name}");
        for edge in &graph.edges {
            assert!(graph.node(&edge.from).is_some() && graph.node(&edge.to).is_some(), "{name}: {edge:?}");
            assert!(!edge.ports.is_empty(), "{name}: {edge:?} has no port");
        }
        let ids: BTreeSet<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), graph.nodes.len(), "{name}: two nodes share an id");
        for id in ids {
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name}: node id {id}");
        }
    }
}

#[test]
fn the_way_in_follows_the_exposure_mode() {
    let entry = |example: &str| -> Vec<String> {
        let graph = graph_of(&common::root().join("values-examples").join(example));
        graph.nodes.iter().filter(|n| n.kind == NodeKind::Entry).map(|n| n.label.clone()).collect()
    };
    assert_eq!(entry("minimal.yaml"), ["LoadBalancer"]);
    assert_eq!(entry("full.yaml"), ["LoadBalancer", "ingress controller"]);
    assert_eq!(entry("hostport.yaml"), ["host ports"]);
    assert_eq!(entry("traefik.yaml"), ["Traefik", "ingress controller"]);
    assert_eq!(entry("gateway-api.yaml"), ["LoadBalancer", "Gateway"]);
    let outside = |example: &str| -> Vec<String> {
        let graph = graph_of(&common::root().join("values-examples").join(example));
        graph.nodes.iter().filter(|n| n.kind == NodeKind::External).map(|n| n.label.clone()).collect()
    };
    assert_eq!(outside("postgresql-external-redis.yaml"), ["Redis", "PostgreSQL"]);
    assert!(outside("minimal.yaml").is_empty());
}

#[test]
fn a_relay_host_takes_the_outgoing_mail() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    let values =
        mailu_chart::values::resolve(&common::user_values(&[&minimal], &["relay.host=smtp.relay.example"]))
            .unwrap();
    let tree = values_tree(&values);
    let graph = graph::build(&Ctx::new(&tree, "mailu", "mailu"));
    let relay = graph.node("relay_host").expect("a relay node");
    assert_eq!(relay.details, ["smtp.relay.example"]);
    assert!(graph.edges.iter().any(|e| e.from == "postfix" && e.to == "relay_host" && e.ports.contains(&25)));
    // Mail goes to the relay only; postfix still fetches MTA-STS policies over HTTPS.
    let to_internet: Vec<&Vec<i64>> =
        graph.edges.iter().filter(|e| e.from == "postfix" && e.to == "internet").map(|e| &e.ports).collect();
    assert_eq!(to_internet, [&vec![443]]);
}

#[test]
fn mermaid_and_dot_of_every_example() {
    for example in common::examples() {
        let stem = example.file_stem().unwrap().to_string_lossy().to_string();
        let graph = graph_of(&example);
        insta::assert_snapshot!(format!("mermaid-{stem}"), graph::mermaid(&graph));
        let dot = graph::dot(&graph);
        assert!(dot.starts_with("digraph mailu {\n") && dot.ends_with("}\n"), "{stem}");
        assert_eq!(dot.matches(" -> ").count(), graph.edges.len(), "{stem}");
    }
    let full = graph_of(&common::root().join("values-examples/full.yaml"));
    insta::assert_snapshot!("dot-full", graph::dot(&full));
}

#[test]
fn the_svg_is_a_well_formed_svg_document_with_every_node() {
    for example in common::examples() {
        let name = common::short(&example);
        let graph = graph_of(&example);
        let svg = graph::svg(&graph);
        let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: not XML: {e}"));
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{name}");
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{name}");
        let width: f64 = root.attribute("width").unwrap().parse().unwrap();
        let height: f64 = root.attribute("height").unwrap().parse().unwrap();
        assert!(width > 100.0 && height > 100.0, "{name}: {width}x{height}");
        let texts: Vec<&str> =
            document.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        for node in &graph.nodes {
            assert!(texts.contains(&node.label.as_str()), "{name}: no text {}", node.label);
        }
        let paths = document.descendants().filter(|n| n.has_tag_name("path")).count();
        assert!(paths >= graph.edges.len(), "{name}: {paths} paths for {} edges", graph.edges.len());
    }
}

#[test]
fn the_svg_is_the_same_on_every_run() {
    let run = || {
        Command::cargo_bin("mailu-chart")
            .unwrap()
            .args(["graph", "-f", "values-examples/full.yaml", "--format", "svg"])
            .current_dir(common::root())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    for _ in 0..3 {
        assert_eq!(run().stdout, first.stdout, "the SVG changed between runs");
    }
}
