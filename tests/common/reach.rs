//! Who can reach what: the rendered NetworkPolicies applied to the rendered pods the way
//! Kubernetes applies them, for the reachability assertions.
//!
//! The rules followed (Kubernetes' NetworkPolicy semantics):
//! - a pod is isolated for ingress (egress) when some policy in its namespace selects it and
//!   lists `Ingress` (`Egress`) in `policyTypes`; an isolated pod accepts (sends) only what a
//!   rule of a policy selecting it allows; the union of all such rules counts;
//! - a connection needs both the sender's egress and the receiver's ingress allowed;
//! - a rule without `from`/`to` allows every peer, without `ports` every port;
//! - a peer with only `podSelector` means pods of the policy's namespace, with only
//!   `namespaceSelector` every pod of those namespaces, with both the pods matching both; an
//!   empty selector matches everything;
//! - `ipBlock` is meant for addresses outside the cluster; whether it also matches pod
//!   addresses depends on the network plugin, so it is taken to match pods too (the answer
//!   that grants more, which is the safe one for "nobody else can reach") when its range
//!   overlaps the pod network (the `subnet` of the values) and its `except` does not leave the
//!   pod network out: a pod is taken to connect from its address in the pod network Mailu
//!   trusts (a dual-stack pod's other address is trusted by nothing). Something outside the
//!   cluster connects from its own address, which the range must contain and no `except`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use helm_engine::Value;
use mailu_chart::render::Manifest;
use mailu_chart::values::text::{cidr_within, cidrs_overlap};

/// Something that opens connections.
#[derive(Clone, Debug)]
pub(crate) struct Actor {
    pub(crate) name: String,
    /// `None` for a client outside the cluster.
    pub(crate) pod: Option<PodIdentity>,
    /// The address a client outside the cluster connects from.
    pub(crate) address: Option<IpAddr>,
}

#[derive(Clone, Debug)]
pub(crate) struct PodIdentity {
    pub(crate) namespace: String,
    pub(crate) namespace_labels: BTreeMap<String, String>,
    pub(crate) labels: BTreeMap<String, String>,
}

impl Actor {
    /// A client on the internet.
    pub(crate) fn internet() -> Actor {
        // An address of TEST-NET-3 (RFC 5737), far from any private range.
        Actor::host("the internet", "203.0.113.7")
    }

    /// A machine outside the pod network (a node, a cloud load balancer) with its address.
    pub(crate) fn host(name: &str, address: &str) -> Actor {
        Actor { name: name.into(), pod: None, address: Some(address.parse().expect("an address")) }
    }

    /// A pod of another application, in the namespace given.
    pub(crate) fn pod(name: &str, namespace: &str, labels: &[(&str, &str)]) -> Actor {
        Actor::pod_with_namespace_labels(name, namespace, &[], labels)
    }

    /// A pod whose namespace carries extra labels besides its name.
    pub(crate) fn pod_with_namespace_labels(
        name: &str,
        namespace: &str,
        namespace_labels: &[(&str, &str)],
        labels: &[(&str, &str)],
    ) -> Actor {
        let mut ns_labels: BTreeMap<String, String> =
            namespace_labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ns_labels.insert("kubernetes.io/metadata.name".into(), namespace.into());
        Actor {
            name: name.into(),
            pod: Some(PodIdentity {
                namespace: namespace.into(),
                namespace_labels: ns_labels,
                labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            }),
            address: None,
        }
    }
}

/// A pod of the release: what it is and which ports its container declares.
#[derive(Clone, Debug)]
pub(crate) struct ReleasePod {
    pub(crate) component: String,
    pub(crate) actor: Actor,
    pub(crate) ports: BTreeMap<String, i64>,
}

/// The release's pods and policies.
pub(crate) struct Cluster {
    pub(crate) pods: Vec<ReleasePod>,
    policies: Vec<Value>,
    /// The pod network Mailu trusts (SUBNET6 on an IPv6 one, else SUBNET), as the shared
    /// ConfigMap gives it.
    pod_network: String,
}

fn strings(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_map)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

fn list(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_list).map(Vec::as_slice).unwrap_or_default()
}

fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Int(i) => Some(*i),
        Value::Float(f) => Some(*f as i64),
        _ => None,
    }
}

/// A label selector (`matchLabels` and `matchExpressions` with `In`/`Exists`) against labels.
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let match_labels = strings(selector.get_dotted("matchLabels"));
    let expressions_hold = list(selector.get_dotted("matchExpressions")).iter().all(|e| {
        let key = e.get_dotted("key").and_then(Value::as_str).unwrap_or_default();
        let values: Vec<&str> = list(e.get_dotted("values")).iter().filter_map(Value::as_str).collect();
        match e.get_dotted("operator").and_then(Value::as_str) {
            Some("In") => labels.get(key).is_some_and(|v| values.contains(&v.as_str())),
            Some("NotIn") => labels.get(key).is_none_or(|v| !values.contains(&v.as_str())),
            Some("Exists") => labels.contains_key(key),
            Some("DoesNotExist") => !labels.contains_key(key),
            other => panic!("unknown selector operator {other:?}"),
        }
    });
    expressions_hold && match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl Cluster {
    /// The pods (one per Deployment or DaemonSet) and NetworkPolicies of a render into
    /// `namespace`.
    pub(crate) fn new(manifests: &[Manifest], namespace: &str) -> Cluster {
        let pods = manifests
            .iter()
            .filter(|m| m.kind() == "Deployment" || m.kind() == "DaemonSet")
            .map(|m| {
                let labels = strings(m.object.get_dotted("spec.template.metadata.labels"));
                let component = labels.get("app.kubernetes.io/component").cloned().unwrap_or_default();
                let ports = list(m.object.get_dotted("spec.template.spec.containers"))
                    .iter()
                    .flat_map(|c| list(c.get_dotted("ports")))
                    .filter_map(|p| {
                        Some((
                            p.get_dotted("name")?.as_str()?.to_string(),
                            number(p.get_dotted("containerPort"))?,
                        ))
                    })
                    .collect();
                let label_pairs: Vec<(&str, &str)> =
                    labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                ReleasePod {
                    component: component.clone(),
                    actor: Actor::pod(&component, namespace, &label_pairs),
                    ports,
                }
            })
            .collect();
        let policies =
            manifests.iter().filter(|m| m.kind() == "NetworkPolicy").map(|m| m.object.clone()).collect();
        let shared = |name: &str| {
            manifests
                .iter()
                .filter(|m| m.kind() == "ConfigMap")
                .find_map(|m| m.object.get_dotted(&format!("data.{name}"))?.as_str().map(str::to_string))
        };
        let pod_network = shared("SUBNET6").or_else(|| shared("SUBNET")).expect("the shared environment");
        Cluster { pods, policies, pod_network }
    }

    /// The release pod of a component.
    pub(crate) fn pod(&self, component: &str) -> &ReleasePod {
        self.pods.iter().find(|p| p.component == component).unwrap_or_else(|| panic!("no {component} pod"))
    }

    /// Whether a component is deployed.
    pub(crate) fn has(&self, component: &str) -> bool {
        self.pods.iter().any(|p| p.component == component)
    }

    /// The policies that select a pod and list the direction.
    fn isolating<'a>(
        &'a self,
        pod: &'a PodIdentity,
        direction: &'a str,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.policies.iter().filter(move |policy| {
            let namespace =
                policy.get_dotted("metadata.namespace").and_then(Value::as_str).unwrap_or_default();
            namespace == pod.namespace
                && policy.get_dotted("spec.podSelector").is_some_and(|s| selects(s, &pod.labels))
                && list(policy.get_dotted("spec.policyTypes")).iter().any(|t| t.as_str() == Some(direction))
        })
    }

    fn peer_matches(&self, peer: &Value, policy_namespace: &str, actor: &Actor) -> bool {
        if let Some(block) = peer.get_dotted("ipBlock") {
            // See the module documentation.
            let range = block.get_dotted("cidr").and_then(Value::as_str).unwrap_or_default();
            let except: Vec<&str> =
                list(block.get_dotted("except")).iter().filter_map(Value::as_str).collect();
            return match actor.address {
                Some(address) => {
                    let single = match address {
                        IpAddr::V4(_) => format!("{address}/32"),
                        IpAddr::V6(_) => format!("{address}/128"),
                    };
                    cidr_within(&single, range) && !except.iter().any(|e| cidr_within(&single, e))
                }
                None => {
                    cidrs_overlap(range, &self.pod_network)
                        && !except.iter().any(|e| cidr_within(&self.pod_network, e))
                }
            };
        }
        let Some(pod) = &actor.pod else { return false };
        let namespace_ok = match peer.get_dotted("namespaceSelector") {
            Some(selector) => selects(selector, &pod.namespace_labels),
            None => pod.namespace == policy_namespace,
        };
        let pod_ok = peer.get_dotted("podSelector").is_none_or(|s| selects(s, &pod.labels));
        namespace_ok && pod_ok
    }

    fn port_matches(rule: &Value, port: i64, named: &BTreeMap<String, i64>) -> bool {
        let ports = list(rule.get_dotted("ports"));
        ports.is_empty()
            || ports.iter().any(|p| match p.get_dotted("port") {
                None => true,
                Some(Value::String(name)) => named.get(name) == Some(&port),
                other => number(other) == Some(port),
            })
    }

    /// Whether the policies that isolate `pod` in `direction` (`Ingress`, `Egress`) let it
    /// take a connection from, or open one to, `other` on `port` (whose name is in `named`,
    /// the ports of the side that listens); a pod no policy isolates takes and opens anything.
    fn allows(
        &self,
        pod: &PodIdentity,
        direction: &str,
        other: &Actor,
        port: i64,
        named: &BTreeMap<String, i64>,
    ) -> bool {
        let (rules_key, peers_key) =
            if direction == "Ingress" { ("spec.ingress", "from") } else { ("spec.egress", "to") };
        let policies: Vec<&Value> = self.isolating(pod, direction).collect();
        policies.is_empty()
            || policies.iter().any(|policy| {
                let namespace =
                    policy.get_dotted("metadata.namespace").and_then(Value::as_str).unwrap_or_default();
                list(policy.get_dotted(rules_key)).iter().any(|rule| {
                    let peers = list(rule.get_dotted(peers_key));
                    (peers.is_empty() || peers.iter().any(|p| self.peer_matches(p, namespace, other)))
                        && Self::port_matches(rule, port, named)
                })
            })
    }

    /// Whether `actor` may open a TCP connection to `port` of the component's pod.
    pub(crate) fn reaches(&self, actor: &Actor, component: &str, port: i64) -> bool {
        let target = self.pod(component);
        let admitted = self.allows(target.actor.pod.as_ref().unwrap(), "Ingress", actor, port, &target.ports);
        let sent = match &actor.pod {
            None => true,
            Some(source) => self.allows(source, "Egress", &target.actor, port, &target.ports),
        };
        admitted && sent
    }

    /// Whether the component's pod may open a TCP connection to `port` of something that is
    /// not of the release (a pod of another application, an address outside the cluster).
    pub(crate) fn sends_to(&self, component: &str, target: &Actor, port: i64) -> bool {
        let source = self.pod(component).actor.pod.as_ref().unwrap();
        self.allows(source, "Egress", target, port, &BTreeMap::new())
    }

    /// The release components whose pods reach the port, by name.
    pub(crate) fn components_reaching(&self, component: &str, port: i64) -> Vec<String> {
        let mut names: Vec<String> = self
            .pods
            .iter()
            .filter(|p| p.component != component && self.reaches(&p.actor, component, port))
            .map(|p| p.component.clone())
            .collect();
        names.sort();
        names
    }
}
