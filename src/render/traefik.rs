//! The Traefik and cert-manager objects: HTTPS to front's web port through a standard Ingress,
//! the certificate, and the mail ports as TCP routes with the PROXY protocol.

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend,
    IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Manifest, labels, to_value};
use crate::components::expr::Ctx;
use crate::components::traefik::{CIPHER_SUITES, MAIL_ROUTES};
use helm_engine::Value;

/// An object of a custom resource: apiVersion, kind, metadata, spec.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Custom<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: S,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateSpec {
    secret_name: String,
    dns_names: Vec<String>,
    issuer_ref: IssuerRef,
}

#[derive(Serialize)]
struct IssuerRef {
    name: String,
    kind: &'static str,
    group: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TlsOptionSpec {
    min_version: &'static str,
    cipher_suites: Vec<&'static str>,
    // Mail clients do not always send SNI.
    sni_strict: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MiddlewareTcpSpec {
    in_flight_conn: InFlightConn,
}

#[derive(Serialize)]
struct InFlightConn {
    amount: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IngressRouteTcpSpec {
    entry_points: Vec<String>,
    routes: Vec<TcpRoute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls: Option<TcpTls>,
}

#[derive(Serialize)]
struct TcpRoute {
    #[serde(rename = "match")]
    rule: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    middlewares: Vec<NameRef>,
    services: Vec<TcpService>,
}

#[derive(Serialize)]
struct NameRef {
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TcpService {
    name: String,
    port: i32,
    proxy_protocol: ProxyProtocol,
}

#[derive(Serialize)]
struct ProxyProtocol {
    version: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TcpTls {
    secret_name: String,
    options: NameRef,
}

fn metadata(ctx: &Ctx<'_>, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(ctx.namespace.to_string()),
        labels: Some(labels(ctx, Some("front"))),
        ..Default::default()
    }
}

/// The host names the certificate covers: the mail host names, then the web host name.
pub(super) fn certificate_names(ctx: &Ctx<'_>) -> Vec<String> {
    let mut names: Vec<String> = ctx
        .values
        .get_dotted("hostnames")
        .and_then(Value::as_list)
        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    names.push(ctx.text("ingress.traefik.hostname"));
    let mut seen = Vec::new();
    names.retain(|n| {
        let fresh = !seen.contains(n);
        seen.push(n.clone());
        fresh
    });
    names
}

pub(super) fn objects(ctx: &Ctx<'_>) -> Vec<Manifest> {
    let hostname = ctx.text("ingress.traefik.hostname");
    let secret = ctx.text("ingress.traefik.tlsSecretName");
    let front = ctx.object_name("front");
    let ingress = Ingress {
        metadata: metadata(ctx, ctx.object_name("web")),
        spec: Some(IngressSpec {
            ingress_class_name: Some("traefik".to_string()),
            tls: Some(vec![IngressTLS {
                hosts: Some(vec![hostname.clone()]),
                secret_name: Some(secret.clone()),
            }]),
            rules: Some(vec![IngressRule {
                host: Some(hostname),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_string()),
                        path_type: "Prefix".to_string(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: front.clone(),
                                port: Some(ServiceBackendPort {
                                    name: Some("http".to_string()),
                                    number: None,
                                }),
                            }),
                            ..Default::default()
                        },
                    }],
                }),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let certificate = Custom {
        api_version: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: metadata(ctx, ctx.object_name("tls")),
        spec: CertificateSpec {
            secret_name: secret.clone(),
            dns_names: certificate_names(ctx),
            issuer_ref: IssuerRef {
                name: ctx.text("ingress.traefik.certIssuer"),
                kind: "ClusterIssuer",
                group: "cert-manager.io",
            },
        },
    };
    let mut manifests = vec![
        Manifest::new("templates/traefik/ingress.yaml".into(), to_value(&ingress)),
        Manifest::new("templates/traefik/certificate.yaml".into(), to_value(&certificate)),
    ];
    if !ctx.flag("ingress.traefik.enableTcp") {
        return manifests;
    }
    let tls_option = Custom {
        api_version: "traefik.io/v1alpha1",
        kind: "TLSOption",
        metadata: metadata(ctx, ctx.object_name("mail-tls")),
        spec: TlsOptionSpec {
            min_version: "VersionTLS12",
            cipher_suites: CIPHER_SUITES.to_vec(),
            sni_strict: false,
        },
    };
    let limit = Custom {
        api_version: "traefik.io/v1alpha1",
        kind: "MiddlewareTCP",
        metadata: metadata(ctx, ctx.object_name("smtp-limit")),
        spec: MiddlewareTcpSpec {
            in_flight_conn: InFlightConn { amount: ctx.int("ingress.traefik.smtpConnectionLimit") },
        },
    };
    manifests.push(Manifest::new("templates/traefik/tlsoption.yaml".into(), to_value(&tls_option)));
    manifests.push(Manifest::new("templates/traefik/middlewaretcp.yaml".into(), to_value(&limit)));
    for route in MAIL_ROUTES {
        let object = Custom {
            api_version: "traefik.io/v1alpha1",
            kind: "IngressRouteTCP",
            metadata: metadata(ctx, ctx.object_name(route.name)),
            spec: IngressRouteTcpSpec {
                entry_points: vec![
                    ctx.text(&format!("ingress.traefik.entryPoints.{}", route.entry_point_key)),
                ],
                routes: vec![TcpRoute {
                    rule: "HostSNI(`*`)",
                    middlewares: if route.limited {
                        vec![NameRef { name: ctx.object_name("smtp-limit") }]
                    } else {
                        Vec::new()
                    },
                    services: vec![TcpService {
                        name: front.clone(),
                        port: route.listener,
                        proxy_protocol: ProxyProtocol { version: 2 },
                    }],
                }],
                tls: route.tls.then(|| TcpTls {
                    secret_name: secret.clone(),
                    options: NameRef { name: ctx.object_name("mail-tls") },
                }),
            },
        };
        manifests.push(Manifest::new(
            format!("templates/traefik/ingressroutetcp-{}.yaml", route.name),
            to_value(&object),
        ));
    }
    manifests
}
