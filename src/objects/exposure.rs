//! How traffic from outside reaches front, one object family per mode of `expose.mail` and
//! `expose.web`, and the certificate front ends TLS with:
//! - `loadBalancer`: a Service of type LoadBalancer with `externalTrafficPolicy: Local`, so the
//!   client's address reaches front unchanged (or, from a load balancer that opens connections
//!   of its own, in a PROXY protocol header when the values say it sends one);
//! - `hostPort`: nothing here, the ports are on front's pod (see the wiring);
//! - `traefik`: one IngressRouteTCP per mail port, passing the bytes (TLS included) through to
//!   front with a PROXY protocol header, and a per-client connection limit on port 25;
//! - `ingress` / `httpRoute`: the web interface for every host name, to front's port 80;
//! - `tls.source: certManager`: a Certificate for every host name.

use crate::components::expr::{Cond, Expr, Seq, Shared};
use crate::components::front::{
    PROXY_SMTP_PORT, PUBLIC_PORTS, PublicPort, certificate_from_secret, entry_point_clashes, mail_via,
    public_smtp_target, published_directly, routed_by_traefik, web_via,
};
use crate::components::tree::{Check, Node, Object, Part, entry, item, items, list, map, values};

use super::{metadata, metadata_annotated, object, selector_labels};

const SMTP_LIMIT: &str = "smtp-limit";

fn name_ref(suffix: &'static str) -> Node {
    map([entry("name", Expr::object_name(suffix))])
}

/// `metadata` with the annotations of a values map.
fn metadata_with_annotations(suffix: &'static str, annotations: &'static str) -> Node {
    metadata_annotated(Expr::object_name(suffix), Some("front"), vec![Part::Splice(annotations.into())])
}

/// ingress-nginx's annotation for the largest request body.
const BODY_SIZE_ANNOTATION: &str = "nginx.ingress.kubernetes.io/proxy-body-size";

/// ingress-nginx refuses request bodies above 1 MiB unless told otherwise, so webmail's
/// attachments would fail long before the message size limit: the limit follows
/// `messageSizeLimitMb` (an upload that large already makes a message above it, attachments
/// growing by a third in base64). Written for the cluster's default class and for classes
/// whose name says nginx (other controllers ignore it, but it would only puzzle their
/// readers); one of that name in the values wins.
fn request_body_limit() -> Part {
    let given = |annotations: &'static str| {
        Cond::NotEmpty(Shared::new(Expr::Entry(annotations.into(), BODY_SIZE_ANNOTATION)))
    };
    let class = "expose.ingress.className";
    let maybe_nginx = Cond::negate(Cond::is_set(class)).or(Cond::Contains(class.into(), "nginx"));
    entry(BODY_SIZE_ANNOTATION, Expr::concat(vec![Expr::num("messageSizeLimitMb"), Expr::lit("m")])).when(
        maybe_nginx.and(Cond::negate(given("commonAnnotations").or(given("expose.ingress.annotations")))),
    )
}

/// An object of a custom resource of the release, labelled as front's.
fn custom(api_version: &'static str, kind: &'static str, metadata: Node, spec: Node) -> Node {
    map([
        entry("apiVersion", api_version),
        entry("kind", kind),
        entry("metadata", metadata),
        entry("spec", spec),
    ])
}

/// Every host name, once each.
fn host_names() -> Seq {
    Seq::key("hostnames").unique()
}

pub(super) fn objects() -> Vec<Object> {
    let mut objects = vec![load_balancer(), ingress(), http_route(), certificate(), smtp_limit()];
    objects.extend(PUBLIC_PORTS.iter().filter(|p| !routed_by_traefik(p).is_never()).map(tcp_route));
    objects
}

fn load_balancer() -> Object {
    let key = |k: &str| format!("expose.loadBalancer.{k}");
    object(
        "templates/front/service-loadbalancer.yaml",
        Cond::flag("front.enabled").and(mail_via("loadBalancer")),
        "The mail (and web) ports on a load balancer. externalTrafficPolicy Local keeps the\n\
         client's address, which Mailu's rate limits and spam checks need.",
        map([
            entry("apiVersion", "v1"),
            entry("kind", "Service"),
            entry("metadata", metadata_with_annotations("front-public", "expose.loadBalancer.annotations")),
            entry(
                "spec",
                map([
                    entry("type", "LoadBalancer"),
                    entry("externalTrafficPolicy", "Local"),
                    entry("loadBalancerIP", Expr::key(key("ip"))).if_not_empty(),
                    entry("loadBalancerClass", Expr::key(key("class"))).if_not_empty(),
                    entry("loadBalancerSourceRanges", values(key("sourceRanges"))).if_not_empty(),
                    entry("ipFamilyPolicy", Expr::key(key("ipFamilyPolicy"))),
                    entry("selector", selector_labels("front")),
                    entry("ports", list(PUBLIC_PORTS.iter().map(public_port))),
                ]),
            ),
        ]),
    )
}

fn public_port(port: &PublicPort) -> Part {
    // Port 25 goes to a listener of its own that refuses senders inside the pod network, so
    // that Mailu's port 25 keeps taking in-cluster senders.
    let target = if port.number == 25 { public_smtp_target() } else { Expr::lit(port.name) };
    item(map([
        entry("name", port.name),
        entry("port", port.number),
        entry("targetPort", target),
        entry("protocol", "TCP"),
    ]))
    .when(published_directly(port))
}

/// The web interface through a standard Ingress: the controller ends TLS (with the same
/// certificate as front) and forwards plain HTTP to front's port 80.
fn ingress() -> Object {
    object(
        "templates/front/ingress.yaml",
        Cond::flag("front.enabled").and(web_via("ingress")),
        "The web interface for every host name; the ingress controller ends TLS.",
        map([
            entry("apiVersion", "networking.k8s.io/v1"),
            entry("kind", "Ingress"),
            entry(
                "metadata",
                metadata_annotated(
                    Expr::object_name("web"),
                    Some("front"),
                    vec![request_body_limit(), Part::Splice("expose.ingress.annotations".into())],
                ),
            ),
            entry(
                "spec",
                map([
                    entry("ingressClassName", Expr::key("expose.ingress.className")).if_not_empty(),
                    entry(
                        "tls",
                        list([item(map([
                            entry("hosts", list([Part::Each(host_names(), Expr::Item.into())])),
                            entry("secretName", Expr::key("tls.secretName")),
                        ]))]),
                    )
                    .when(certificate_from_secret()),
                    entry(
                        "rules",
                        list([Part::Each(
                            host_names(),
                            map([
                                entry("host", Expr::Item),
                                entry(
                                    "http",
                                    map([entry(
                                        "paths",
                                        list([item(map([
                                            entry("path", "/"),
                                            entry("pathType", "Prefix"),
                                            entry(
                                                "backend",
                                                map([entry(
                                                    "service",
                                                    map([
                                                        entry("name", Expr::object_name("front")),
                                                        entry("port", map([entry("name", "http")])),
                                                    ]),
                                                )]),
                                            ),
                                        ]))]),
                                    )]),
                                ),
                            ]),
                        )]),
                    ),
                ]),
            ),
        ]),
    )
}

/// The web interface through a Gateway API HTTPRoute: the Gateway ends TLS.
fn http_route() -> Object {
    object(
        "templates/front/httproute.yaml",
        Cond::flag("front.enabled").and(web_via("httpRoute")),
        "The web interface for every host name; the Gateway ends TLS.",
        custom(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            metadata_with_annotations("web", "expose.httpRoute.annotations"),
            map([
                entry(
                    "parentRefs",
                    list([Part::Each(
                        Seq::key("expose.httpRoute.parentRefs"),
                        map([
                            entry("group", "gateway.networking.k8s.io"),
                            entry("kind", "Gateway"),
                            entry("name", Expr::Field("name")),
                            entry("namespace", Expr::Field("namespace")).if_not_empty(),
                            entry("sectionName", Expr::Field("sectionName")).if_not_empty(),
                        ]),
                    )]),
                ),
                entry("hostnames", list([Part::Each(host_names(), Expr::Item.into())])),
                entry(
                    "rules",
                    list([item(map([
                        entry(
                            "backendRefs",
                            list([item(map([entry("name", Expr::object_name("front")), entry("port", 80)]))]),
                        ),
                        entry(
                            "filters",
                            Node::List(vec![Part::Splice("expose.httpRoute.filters".into())].into()),
                        )
                        .if_not_empty(),
                    ]))]),
                ),
            ]),
        ),
    )
}

fn certificate() -> Object {
    object(
        "templates/front/certificate.yaml",
        Cond::flag("front.enabled").and(Cond::equals("tls.source", "certManager")),
        "front's certificate, for every host name; cert-manager renews it and front reloads it.",
        custom(
            "cert-manager.io/v1",
            "Certificate",
            metadata(Expr::object_name("front"), Some("front")),
            map([
                entry("secretName", Expr::key("tls.secretName")),
                entry("dnsNames", list([Part::Each(host_names(), Expr::Item.into())])),
                entry(
                    "issuerRef",
                    map([
                        entry("name", Expr::key("tls.certManager.issuer")),
                        entry("kind", Expr::key("tls.certManager.issuerKind")),
                        entry("group", Expr::key("tls.certManager.issuerGroup")),
                    ]),
                ),
            ]),
        ),
    )
}

/// The limit on port 25's connections, and the checks on Traefik's entry points (which `validate`
/// makes too: here they stop `helm install`).
fn smtp_limit() -> Object {
    let checks: Vec<Check> = entry_point_clashes()
        .into_iter()
        .map(|(key, clash, why)| {
            let mut message = vec![Expr::owned(format!("{key}: "))];
            match why {
                Expr::Concat(parts) => message.extend(parts.iter().cloned()),
                other => message.push(other),
            }
            Check { holds: Cond::negate(clash), message: Expr::concat(message) }
        })
        .collect();
    Object {
        checks: checks.into(),
        ..object(
            "templates/traefik/middlewaretcp.yaml",
            Cond::flag("front.enabled").and(mail_via("traefik")),
            "Simultaneous connections per client address on port 25.",
            custom(
                "traefik.io/v1alpha1",
                "MiddlewareTCP",
                metadata(Expr::object_name(SMTP_LIMIT), Some("front")),
                map([entry(
                    "inFlightConn",
                    map([entry("amount", Node::Number("expose.traefik.smtpConnectionLimit".into()))]),
                )]),
            ),
        )
    }
}

/// A mail port through Traefik: the bytes pass through untouched (TLS and STARTTLS end in
/// front), with the client's address in a PROXY protocol header.
fn tcp_route(port: &PublicPort) -> Object {
    let smtp = port.number == 25;
    let target = if smtp { PROXY_SMTP_PORT } else { port.number };
    let mut rule = vec![entry("match", "HostSNI(`*`)")];
    if smtp {
        rule.push(entry("middlewares", list([item(name_ref(SMTP_LIMIT))])));
    }
    rule.push(entry(
        "services",
        list([item(map([
            entry("name", Expr::object_name("front")),
            entry("port", target),
            entry("proxyProtocol", map([entry("version", 2)])),
        ]))]),
    ));
    let entry_point = port.entry_point.expect("routed ports have an entry point");
    object(
        format!("templates/traefik/ingressroutetcp-{}.yaml", port.name),
        Cond::flag("front.enabled").and(routed_by_traefik(port)),
        format!(
            "Port {} ({}) to front's port {target}, with the client's address in a PROXY protocol header.",
            port.number, port.protocol
        ),
        custom(
            "traefik.io/v1alpha1",
            "IngressRouteTCP",
            metadata(Expr::object_name(port.name), Some("front")),
            map([
                entry("entryPoints", items([Expr::key(format!("expose.traefik.entryPoints.{entry_point}"))])),
                entry("routes", list([item(Node::Map(rule.into()))])),
            ]),
        ),
    )
}
