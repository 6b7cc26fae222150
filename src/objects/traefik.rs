//! Traffic from outside through Traefik: HTTPS to front's web port through a standard Ingress,
//! the cert-manager certificate, and the mail ports as TCP routes to front's ingress listeners,
//! TLS terminated by Traefik except on port 25 (mail servers deliver in plain text there).
//! Every mail route passes the client's address to front with the PROXY protocol.

use crate::components::expr::{Cond, Expr, Seq};
use crate::components::front::INGRESS_LISTENERS;
use crate::components::traefik::MAIL_ROUTES;
use crate::components::tree::{Node, Object, Part, entry, item, items, list, map};

use super::{metadata, object};

/// TLS 1.2 cipher suites offered on the mail ports (TLS 1.3 suites are not configurable).
pub const CIPHER_SUITES: [&str; 6] = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

const SMTP_LIMIT: &str = "smtp-limit";
const MAIL_TLS: &str = "mail-tls";

fn name_ref(suffix: &'static str) -> Node {
    map([entry("name", Expr::object_name(suffix))])
}

/// A Traefik or cert-manager object of the release, labelled as front's.
fn custom(api_version: &'static str, kind: &'static str, suffix: &'static str, spec: Node) -> Node {
    map([
        entry("apiVersion", api_version),
        entry("kind", kind),
        entry("metadata", metadata(Expr::object_name(suffix), Some("front"))),
        entry("spec", spec),
    ])
}

pub(super) fn objects() -> Vec<Object> {
    let enabled = Cond::flag("ingress.enabled");
    let tcp = enabled.clone().and(Cond::flag("ingress.traefik.enableTcp"));
    let hostname = || Expr::key("ingress.traefik.hostname");
    let secret = || Expr::key("ingress.traefik.tlsSecretName");
    let mut objects = vec![
        object(
            "templates/traefik/ingress.yaml",
            enabled.clone(),
            "HTTPS for the web interface: Traefik terminates TLS and passes everything to front.",
            map([
                entry("apiVersion", "networking.k8s.io/v1"),
                entry("kind", "Ingress"),
                entry("metadata", metadata(Expr::object_name("web"), Some("front"))),
                entry(
                    "spec",
                    map([
                        entry("ingressClassName", "traefik"),
                        entry(
                            "tls",
                            list([item(map([
                                entry("hosts", list([item(hostname())])),
                                entry("secretName", secret()),
                            ]))]),
                        ),
                        entry(
                            "rules",
                            list([item(map([
                                entry("host", hostname()),
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
                            ]))]),
                        ),
                    ]),
                ),
            ]),
        ),
        object(
            "templates/traefik/certificate.yaml",
            enabled,
            "The certificate for the mail host names and the web host name.",
            custom(
                "cert-manager.io/v1",
                "Certificate",
                "tls",
                map([
                    entry("secretName", secret()),
                    entry(
                        "dnsNames",
                        Node::List(vec![Part::Each(
                            Seq::key("hostnames").append(hostname()).unique(),
                            Expr::Item.into(),
                        )]),
                    ),
                    entry(
                        "issuerRef",
                        map([
                            entry("name", Expr::key("ingress.traefik.certIssuer")),
                            entry("kind", "ClusterIssuer"),
                            entry("group", "cert-manager.io"),
                        ]),
                    ),
                ]),
            ),
        ),
        object(
            "templates/traefik/tlsoption.yaml",
            tcp.clone(),
            "TLS on the mail ports: TLS 1.2 or newer, forward-secret AEAD suites; mail clients do not\n\
             always send SNI.",
            custom(
                "traefik.io/v1alpha1",
                "TLSOption",
                MAIL_TLS,
                map([
                    entry("minVersion", "VersionTLS12"),
                    entry("cipherSuites", items(CIPHER_SUITES)),
                    entry("sniStrict", false),
                ]),
            ),
        ),
        object(
            "templates/traefik/middlewaretcp.yaml",
            tcp.clone(),
            "Simultaneous connections per client IP on port 25.",
            custom(
                "traefik.io/v1alpha1",
                "MiddlewareTCP",
                SMTP_LIMIT,
                map([entry(
                    "inFlightConn",
                    map([entry("amount", Node::Number("ingress.traefik.smtpConnectionLimit".into()))]),
                )]),
            ),
        ),
    ];
    for route in MAIL_ROUTES {
        let public_port =
            INGRESS_LISTENERS.iter().find(|(_, l, _)| *l == route.listener).map_or(0, |(_, _, p)| *p);
        let mut rule = vec![entry("match", "HostSNI(`*`)")];
        if route.limited {
            rule.push(entry("middlewares", list([item(name_ref(SMTP_LIMIT))])));
        }
        rule.push(entry(
            "services",
            list([item(map([
                entry("name", Expr::object_name("front")),
                entry("port", route.listener),
                entry("proxyProtocol", map([entry("version", 2)])),
            ]))]),
        ));
        let mut spec = vec![
            entry(
                "entryPoints",
                list([item(Expr::key(format!("ingress.traefik.entryPoints.{}", route.entry_point_key)))]),
            ),
            entry("routes", list([item(Node::Map(rule))])),
        ];
        if route.tls {
            spec.push(entry("tls", map([entry("secretName", secret()), entry("options", name_ref(MAIL_TLS))])));
        }
        objects.push(object(
            format!("templates/traefik/ingressroutetcp-{}.yaml", route.name),
            tcp.clone(),
            format!(
                "Port {public_port} ({}) to front's listener {}, with the client's address in a PROXY protocol\n\
                 header.{}",
                route.name,
                route.listener,
                if route.tls { " Traefik terminates TLS." } else { "" }
            ),
            custom("traefik.io/v1alpha1", "IngressRouteTCP", route.name, Node::Map(spec)),
        ));
    }
    objects
}
