//! The deployment as a picture: the components deployed for the values, every network flow
//! they are allowed (the same [`flows`] the NetworkPolicies are derived from, decided for the
//! values), the way in from the internet for the exposure mode, and the services outside the
//! release. [`build`] computes the graph as plain data; [`mermaid`], [`dot`] and [`svg`] print
//! it. Nothing here reads files or knows the command line.

mod dot;
mod mermaid;
mod svg;

use crate::components::front::{self, PUBLIC_PORTS};
use crate::components::network_policy::{Flow, FlowPort, Peer, flows};
use crate::components::{self, Component};
use crate::eval::Ctx;
use helm_engine::Value;

pub use dot::dot;
pub use mermaid::mermaid;
pub use svg::svg;

/// The deployment for one set of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// Release and namespace, in words.
    pub title: String,
    /// Whether the NetworkPolicies are rendered; without them nothing else is blocked.
    pub policies: bool,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Something that sends or receives traffic.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// A stable identifier (letters, digits and `_` only), the same for the same values.
    pub id: String,
    /// The name shown first.
    pub label: String,
    /// Lines shown under the name: ports, addresses, what it is.
    pub details: Vec<String>,
    pub kind: NodeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A component of the release.
    Component,
    /// What stands between the internet and front: a LoadBalancer, host ports, a proxy.
    Entry,
    /// A service outside the release: database, Redis, relay host.
    External,
    /// The internet: clients and mail servers coming in, or destinations going out.
    Internet,
}

/// Traffic from one node to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// The TCP ports, in the order the flow lists them.
    pub ports: Vec<i64>,
    /// Why the traffic exists.
    pub purpose: String,
    /// The policy peers of the flow this edge draws; `None` for the way in from the internet
    /// to an entry point, which is outside the cluster and no policy's business.
    pub flow: Option<(Peer, Peer)>,
}

impl Graph {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// Node identifiers of the nodes that are not components.
mod ids {
    pub(super) const CLIENTS: &str = "clients";
    pub(super) const LOAD_BALANCER: &str = "load_balancer";
    pub(super) const HOST_PORTS: &str = "host_ports";
    pub(super) const TRAEFIK: &str = "traefik";
    pub(super) const INGRESS: &str = "ingress";
    pub(super) const GATEWAY: &str = "gateway";
    pub(super) const DATABASE: &str = "database";
    pub(super) const EXTERNAL_REDIS: &str = "external_redis";
    pub(super) const RELAY: &str = "relay_host";
    pub(super) const INTERNET: &str = "internet";
    pub(super) const MONITORING: &str = "monitoring";
    pub(super) const EXTRA_EGRESS: &str = "extra_egress";
}

/// A component's node identifier.
fn component_id(name: &str) -> String {
    name.replace('-', "_")
}

/// The values key of the relay host postfix sends all outgoing mail through, when the model
/// has one; without the key (or with it empty) postfix delivers to the internet itself.
const RELAY_HOST_KEY: &str = "relay.host";

/// The deployment for the values in `ctx`.
pub fn build(ctx: &Ctx<'_>) -> Graph {
    let deployed: Vec<Component> = components::all().into_iter().filter(|c| c.when.eval(ctx)).collect();
    let mut graph = Graph {
        title: format!("release {}, namespace {}", ctx.release, ctx.namespace),
        policies: ctx.flag("networkPolicy.enabled"),
        nodes: deployed.iter().map(|c| component_node(c, ctx)).collect(),
        edges: Vec::new(),
    };
    let front_deployed = deployed.iter().any(|c| c.name == "front");
    if front_deployed {
        add_ways_in(&mut graph, ctx);
    }
    for flow in flows() {
        add_flow(&mut graph, &flow, &deployed, ctx);
    }
    for c in deployed.iter().filter(|c| c.pod_settings) {
        add_extra_egress(&mut graph, c, ctx);
    }
    // Nodes outside the release that no edge reaches are left out (the internet with every
    // component that goes out turned off, for example).
    let used = |id: &str| graph.edges.iter().any(|e| e.from == id || e.to == id);
    let keep: Vec<bool> = graph.nodes.iter().map(|n| n.kind == NodeKind::Component || used(&n.id)).collect();
    let mut keep = keep.into_iter();
    graph.nodes.retain(|_| keep.next().unwrap_or(true));
    // Top to bottom as the traffic goes: in from the internet, through the entry points, the
    // components, then out.
    graph.nodes.sort_by_key(|n| match (n.kind, n.id.as_str()) {
        (NodeKind::Internet, ids::CLIENTS) => 0,
        (NodeKind::Entry, _) => 1,
        (NodeKind::Component, _) => 2,
        (NodeKind::External, _) => 3,
        (NodeKind::Internet, _) => 4,
    });
    graph
}

fn component_node(c: &Component, ctx: &Ctx<'_>) -> Node {
    let ports: Vec<i64> = c.service.iter().filter(|s| s.when.eval(ctx)).map(|s| i64::from(s.port)).collect();
    let mut details = Vec::new();
    if ports.is_empty() {
        details.push("no Service".to_string());
    } else {
        details.extend(wrap_ports(&ports));
    }
    Node { id: component_id(c.name), label: c.name.to_string(), details, kind: NodeKind::Component }
}

/// Port numbers as lines of a few each, so that boxes stay narrow.
pub(crate) fn wrap_ports(ports: &[i64]) -> Vec<String> {
    ports.chunks(6).map(|chunk| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")).collect()
}

/// The ports as one label: `25, 465, 993`.
pub(crate) fn port_list(ports: &[i64]) -> String {
    ports.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The entry points for `expose.mail` and `expose.web`, and the internet's edges to them.
fn add_ways_in(graph: &mut Graph, ctx: &Ctx<'_>) {
    let published = |p: &front::PublicPort| (p.published)().eval(ctx);
    let mail_ports: Vec<i64> = PUBLIC_PORTS
        .iter()
        .filter(|p| p.entry_point.is_some() && published(p))
        .map(|p| i64::from(p.number))
        .collect();
    let web_ports: Vec<i64> =
        PUBLIC_PORTS.iter().filter(|p| p.entry_point.is_none()).map(|p| i64::from(p.number)).collect();
    let web = ctx.text("expose.web");
    let mail = ctx.text("expose.mail");
    let web_on_front = web == "front";
    let mut entry = |id: &str, label: &str, details: Vec<String>, ports: Vec<i64>, purpose: &str| {
        graph.nodes.push(Node {
            id: id.to_string(),
            label: label.to_string(),
            details,
            kind: NodeKind::Entry,
        });
        graph.edges.push(Edge {
            from: ids::CLIENTS.to_string(),
            to: id.to_string(),
            ports,
            purpose: purpose.to_string(),
            flow: None,
        });
    };
    let direct_ports: Vec<i64> =
        mail_ports.iter().chain(if web_on_front { &web_ports[..] } else { &[] }).copied().collect();
    let direct_purpose = if web_on_front { "mail and the web" } else { "mail" };
    match mail.as_str() {
        "loadBalancer" => {
            let mut details = vec![format!("Service {}", ctx.object_name("front-public"))];
            let ip = ctx.text("expose.loadBalancer.ip");
            if !ip.is_empty() {
                details.push(ip);
            }
            entry(ids::LOAD_BALANCER, "LoadBalancer", details, direct_ports, direct_purpose);
        }
        "hostPort" => {
            let details = vec![format!("on the nodes of front's {}", ctx.text("expose.hostPort.kind"))];
            entry(ids::HOST_PORTS, "host ports", details, direct_ports, direct_purpose);
        }
        "traefik" => {
            let details = vec!["IngressRouteTCP per port".to_string(), "PROXY protocol v2".to_string()];
            entry(ids::TRAEFIK, "Traefik", details, mail_ports, "mail, TLS passed through");
        }
        _ => {}
    }
    match web.as_str() {
        "ingress" => {
            let mut details = vec![format!("Ingress {}", ctx.object_name("web"))];
            let class = ctx.text("expose.ingress.className");
            if !class.is_empty() {
                details.push(format!("class {class}"));
            }
            details.push("TLS ends here".to_string());
            entry(ids::INGRESS, "ingress controller", details, web_ports, "the web");
        }
        "httpRoute" => {
            let mut details = vec![format!("HTTPRoute {}", ctx.object_name("web"))];
            if let Some(list) = ctx.lookup("expose.httpRoute.parentRefs").as_list() {
                for parent in list {
                    let field = |k: &str| {
                        parent.as_map().and_then(|m| m.get(k)).and_then(|v| v.as_str()).unwrap_or_default()
                    };
                    let namespace = field("namespace");
                    let name = if namespace.is_empty() {
                        field("name").to_string()
                    } else {
                        format!("{namespace}/{}", field("name"))
                    };
                    details.push(format!("Gateway {name}"));
                }
            }
            details.push("TLS ends here".to_string());
            entry(ids::GATEWAY, "Gateway", details, web_ports, "the web");
        }
        _ => {}
    }
    if graph.edges.iter().any(|e| e.from == ids::CLIENTS) {
        let mut details = Vec::new();
        if mail != "none" {
            details.push("mail servers, mail clients".to_string());
        }
        if web != "none" {
            details.push("browsers".to_string());
        }
        graph.nodes.push(Node {
            id: ids::CLIENTS.to_string(),
            label: "the internet".to_string(),
            details,
            kind: NodeKind::Internet,
        });
    }
}

/// When a peer of a flow is there: a component when it is deployed, anything else always.
fn deployed(peer: Peer, deployed: &[Component]) -> bool {
    match peer {
        Peer::Component(name) => deployed.iter().any(|c| c.name == name),
        Peer::IngressController | Peer::WebProxy | Peer::Monitoring | Peer::Anywhere | Peer::Internet => true,
    }
}

/// The port numbers of a flow that are part of it for these values.
fn flow_ports(flow: &Flow, ctx: &Ctx<'_>) -> Vec<i64> {
    let mut ports: Vec<i64> = Vec::new();
    // A port over UDP and TCP (DNS) is drawn once.
    for port in flow.ports.iter().filter(|p| p.when().eval(ctx)) {
        let number = match port {
            FlowPort::Fixed(n) | FlowPort::Udp(n) | FlowPort::When(n, _) => i64::from(*n),
            FlowPort::Key(key) => ctx.int(key),
        };
        if !ports.contains(&number) {
            ports.push(number);
        }
    }
    ports
}

/// The flow as edges (the proxy in front for mail and the web's proxy each have edges of
/// their own).
fn add_flow(graph: &mut Graph, flow: &Flow, components: &[Component], ctx: &Ctx<'_>) {
    if !deployed(flow.from, components) || !deployed(flow.to, components) || !flow.when.eval(ctx) {
        return;
    }
    let ports = flow_ports(flow, ctx);
    if ports.is_empty() {
        return;
    }
    let edges: Vec<(String, String, Vec<i64>)> = match (flow.from, flow.to) {
        (Peer::Component(from), Peer::Component(to)) => vec![(component_id(from), component_id(to), ports)],
        (Peer::Anywhere | Peer::Internet, Peer::Component(to)) => {
            let entry =
                if ctx.text("expose.mail") == "hostPort" { ids::HOST_PORTS } else { ids::LOAD_BALANCER };
            vec![(entry.to_string(), component_id(to), ports)]
        }
        (Peer::IngressController, Peer::Component(to)) => {
            vec![(ids::TRAEFIK.to_string(), component_id(to), ports)]
        }
        (Peer::WebProxy, Peer::Component(to)) => {
            let web_proxy = if ctx.text("expose.web") == "httpRoute" { ids::GATEWAY } else { ids::INGRESS };
            vec![(web_proxy.to_string(), component_id(to), ports)]
        }
        (Peer::Monitoring, Peer::Component(to)) => {
            if graph.node(ids::MONITORING).is_none() {
                graph.nodes.push(Node {
                    id: ids::MONITORING.to_string(),
                    label: "Prometheus".to_string(),
                    details: vec!["metrics scrapes".to_string()],
                    kind: NodeKind::External,
                });
            }
            vec![(ids::MONITORING.to_string(), component_id(to), ports)]
        }
        (Peer::Component(from), Peer::Anywhere | Peer::Internet) => {
            vec![(component_id(from), outside_node(graph, flow, ctx), ports)]
        }
        (from, to) => unreachable!("no flow runs from {from:?} to {to:?}"),
    };
    for (from, to, ports) in edges.into_iter().filter(|(_, _, ports)| !ports.is_empty()) {
        graph.edges.push(Edge {
            from,
            to,
            ports,
            purpose: flow.purpose.to_string(),
            flow: Some((flow.from, flow.to)),
        });
    }
}

/// What `<component>.extraEgress` lets a component reach: one edge to a node of their own, with
/// the port numbers the rules name (a rule of named ports or of none cannot be drawn as ports).
fn add_extra_egress(graph: &mut Graph, c: &Component, ctx: &Ctx<'_>) {
    let Value::List(rules) = ctx.lookup(&c.key("extraEgress")) else {
        return;
    };
    let field = |value: &'_ Value, key: &str| value.as_map().and_then(|m| m.get(key)).cloned();
    let mut ports: Vec<i64> = Vec::new();
    let mut destinations: Vec<String> = Vec::new();
    for rule in rules {
        if let Some(Value::List(list)) = field(rule, "ports") {
            ports.extend(list.iter().filter_map(|p| match field(p, "port")? {
                Value::Int(n) => Some(n),
                Value::Float(n) => Some(n as i64),
                _ => None,
            }));
        }
        if let Some(Value::List(peers)) = field(rule, "to") {
            destinations.extend(peers.iter().filter_map(|peer| {
                field(&field(peer, "ipBlock")?, "cidr").and_then(|c| c.as_str().map(str::to_string))
            }));
        }
    }
    ports.sort_unstable();
    ports.dedup();
    if ports.is_empty() {
        return;
    }
    match graph.nodes.iter_mut().find(|n| n.id == ids::EXTRA_EGRESS) {
        Some(node) => node.details.extend(destinations),
        None => graph.nodes.push(Node {
            id: ids::EXTRA_EGRESS.to_string(),
            label: "extraEgress".to_string(),
            details: destinations,
            kind: NodeKind::External,
        }),
    }
    graph.edges.push(Edge {
        from: component_id(c.name),
        to: ids::EXTRA_EGRESS.to_string(),
        ports,
        purpose: "extraEgress of the values".to_string(),
        flow: Some((Peer::Component(c.name), Peer::Anywhere)),
    });
}

/// The node outside the cluster a flow to anywhere goes to, added on first use: the service a
/// values key of the flow names (database, Redis), the relay host for mail delivery when one
/// is set, else the internet.
fn outside_node(graph: &mut Graph, flow: &Flow, ctx: &Ctx<'_>) -> String {
    let key = flow.ports.iter().find_map(|p| match p {
        FlowPort::Key(key) => Some(*key),
        _ => None,
    });
    let address = |host: &str, port: &str| format!("{}:{}", ctx.text(host), ctx.int(port));
    let relay = ctx.text(RELAY_HOST_KEY);
    let delivers_mail = flow.ports.iter().any(|p| matches!(p, FlowPort::Fixed(25)));
    let (id, label, details) = match key {
        Some("database.mysql.port") => {
            (ids::DATABASE, "MySQL", vec![address("database.mysql.host", "database.mysql.port")])
        }
        Some(key) if key.starts_with("database.") => (
            ids::DATABASE,
            "PostgreSQL",
            vec![address("database.postgresql.host", "database.postgresql.port")],
        ),
        Some(key) if key.starts_with("redis.") => {
            (ids::EXTERNAL_REDIS, "Redis", vec![address("redis.host", "redis.port")])
        }
        Some(key) if key.starts_with("relay.") => (ids::RELAY, "relay host", vec![relay]),
        _ if delivers_mail && !relay.is_empty() => (ids::RELAY, "relay host", vec![relay]),
        _ => (ids::INTERNET, "the internet", vec!["mail servers, updates".to_string()]),
    };
    if graph.node(id).is_none() {
        let kind = if id == ids::INTERNET { NodeKind::Internet } else { NodeKind::External };
        graph.nodes.push(Node { id: id.to_string(), label: label.to_string(), details, kind });
    }
    id.to_string()
}
