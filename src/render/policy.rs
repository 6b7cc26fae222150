//! NetworkPolicies derived from the flows of the architecture: a default deny for every pod of
//! the release, DNS for all, then one policy per component allowing exactly its flows.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{CHART_NAME, Manifest, labels, selector_labels, to_value};
use crate::components::Component;
use crate::components::expr::Ctx;
use crate::components::network_policy::{Flow, FlowPort, Peer, flows};
use helm_engine::Value;

pub(super) fn objects(ctx: &Ctx<'_>, deployed: &[Component]) -> Vec<Manifest> {
    let release_pods = LabelSelector {
        match_labels: Some(BTreeMap::from([
            ("app.kubernetes.io/name".to_string(), CHART_NAME.to_string()),
            ("app.kubernetes.io/instance".to_string(), ctx.release.to_string()),
        ])),
        ..Default::default()
    };
    let mut manifests = vec![
        Manifest::new(
            "templates/network-policy/default-deny.yaml".into(),
            to_value(&policy(
                ctx,
                "default-deny",
                None,
                release_pods.clone(),
                &["Ingress", "Egress"],
                None,
                None,
            )),
        ),
        Manifest::new(
            "templates/network-policy/dns.yaml".into(),
            to_value(&policy(
                ctx,
                "dns",
                None,
                release_pods,
                &["Egress"],
                None,
                Some(vec![NetworkPolicyEgressRule {
                    ports: Some(vec![port("UDP", 53), port("TCP", 53)]),
                    to: None,
                }]),
            )),
        ),
    ];
    let names: Vec<&str> = deployed.iter().map(|c| c.name).collect();
    let active: Vec<Flow> = flows()
        .into_iter()
        .filter(|f| f.when.eval(ctx) && [f.from, f.to].iter().all(|p| is_deployed(p, &names)))
        .collect();
    for component in deployed {
        let me = Peer::Component(component.name);
        let ingress: Vec<NetworkPolicyIngressRule> = active
            .iter()
            .filter(|f| f.to == me)
            .map(|f| NetworkPolicyIngressRule { from: Some(peers(ctx, f.from)), ports: Some(ports(ctx, f)) })
            .collect();
        let egress: Vec<NetworkPolicyEgressRule> = active
            .iter()
            .filter(|f| f.from == me)
            .map(|f| NetworkPolicyEgressRule { to: Some(peers(ctx, f.to)), ports: Some(ports(ctx, f)) })
            .collect();
        let selector =
            LabelSelector { match_labels: Some(selector_labels(ctx, component.name)), ..Default::default() };
        manifests.push(Manifest::new(
            format!("templates/{}/networkpolicy.yaml", component.name),
            to_value(&policy(
                ctx,
                component.name,
                Some(component.name),
                selector,
                &["Ingress", "Egress"],
                Some(ingress).filter(|r| !r.is_empty()),
                Some(egress).filter(|r| !r.is_empty()),
            )),
        ));
    }
    manifests
}

fn is_deployed(peer: &Peer, names: &[&str]) -> bool {
    match peer {
        Peer::Component(name) => names.contains(name),
        Peer::IngressController | Peer::Anywhere => true,
    }
}

fn policy(
    ctx: &Ctx<'_>,
    suffix: &str,
    component: Option<&str>,
    pods: LabelSelector,
    types: &[&str],
    ingress: Option<Vec<NetworkPolicyIngressRule>>,
    egress: Option<Vec<NetworkPolicyEgressRule>>,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata: ObjectMeta {
            name: Some(ctx.object_name(suffix)),
            namespace: Some(ctx.namespace.to_string()),
            labels: Some(labels(ctx, component)),
            ..Default::default()
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(pods),
            policy_types: Some(types.iter().map(|t| t.to_string()).collect()),
            ingress,
            egress,
        }),
    }
}

fn port(protocol: &str, number: i32) -> NetworkPolicyPort {
    NetworkPolicyPort {
        protocol: Some(protocol.to_string()),
        port: Some(IntOrString::Int(number)),
        ..Default::default()
    }
}

fn ports(ctx: &Ctx<'_>, flow: &Flow) -> Vec<NetworkPolicyPort> {
    flow.ports
        .iter()
        .map(|p| match p {
            FlowPort::Fixed(n) => port("TCP", *n),
            FlowPort::Key(key) => port("TCP", ctx.int(key) as i32),
        })
        .collect()
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_map)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

fn peers(ctx: &Ctx<'_>, peer: Peer) -> Vec<NetworkPolicyPeer> {
    match peer {
        Peer::Component(name) => vec![NetworkPolicyPeer {
            pod_selector: Some(LabelSelector {
                match_labels: Some(selector_labels(ctx, name)),
                ..Default::default()
            }),
            ..Default::default()
        }],
        Peer::IngressController => {
            let namespaces =
                string_map(ctx.values.get_dotted("networkPolicy.ingressController.namespaceLabels"));
            let pods = string_map(ctx.values.get_dotted("networkPolicy.ingressController.podLabels"));
            vec![NetworkPolicyPeer {
                namespace_selector: Some(LabelSelector {
                    match_labels: Some(namespaces).filter(|m| !m.is_empty()),
                    ..Default::default()
                }),
                pod_selector: Some(LabelSelector {
                    match_labels: Some(pods).filter(|m| !m.is_empty()),
                    ..Default::default()
                }),
                ..Default::default()
            }]
        }
        Peer::Anywhere => vec![
            NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr: "0.0.0.0/0".to_string(), except: None }),
                ..Default::default()
            },
            NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr: "::/0".to_string(), except: None }),
                ..Default::default()
            },
            // In-cluster services in other namespaces (ipBlock need not match pod addresses).
            NetworkPolicyPeer { namespace_selector: Some(LabelSelector::default()), ..Default::default() },
        ],
    }
}
