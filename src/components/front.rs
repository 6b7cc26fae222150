//! front: Mailu's nginx and, inside the same image, a dovecot login proxy. It is where every
//! mail connection and every web request enters, and where TLS ends: nginx serves the web
//! (routing `/admin`, `/webmail`, `/webdav`, `/sso`) and SMTP on port 25; the dovecot proxy
//! serves IMAP, POP3, submission and ManageSieve. Both authenticate every login against admin
//! and pass the client's address on (XCLIENT to postfix, the IMAP ID to dovecot).
//!
//! How the ports reach the outside is `expose.mail` and `expose.web`; where the certificate
//! comes from is `tls.source` (see [`tls_flavor`]).

use super::expr::{Cond, Expr, Shared};
use super::wiring::*;

/// A port front serves to mail clients and servers, or to browsers.
pub struct PublicPort {
    /// Name of the container, Service and route port.
    pub name: &'static str,
    pub number: i32,
    /// What is spoken there, for documentation.
    pub protocol: &'static str,
    /// When it is published (on the LoadBalancer, on the node, as a Traefik route).
    pub published: fn() -> Cond,
    /// The key under `expose.traefik.entryPoints` for its Traefik route (mail ports only).
    pub entry_point: Option<&'static str>,
}

fn mail_port(key: &'static str) -> Cond {
    Cond::flag(format!("expose.ports.{key}"))
}

fn always() -> Cond {
    Cond::Always
}

fn web_on_front() -> Cond {
    Cond::equals("expose.web", "front")
}

/// Every port front can publish. 25, 465 and 993 always are (Mailu cannot close 465 and 993
/// while it speaks TLS); the others as `expose.ports` and `expose.web` say.
pub const PUBLIC_PORTS: [PublicPort; 10] = [
    PublicPort {
        name: "smtp",
        number: 25,
        protocol: "SMTP, STARTTLS offered",
        published: always,
        entry_point: Some("smtp"),
    },
    PublicPort {
        name: "submissions",
        number: 465,
        protocol: "submission, implicit TLS",
        published: always,
        entry_point: Some("submissions"),
    },
    PublicPort {
        name: "submission",
        number: 587,
        protocol: "submission, STARTTLS required",
        published: || mail_port("submission"),
        entry_point: Some("submission"),
    },
    PublicPort {
        name: "imaps",
        number: 993,
        protocol: "IMAP, implicit TLS",
        published: always,
        entry_point: Some("imaps"),
    },
    PublicPort {
        name: "pop3s",
        number: 995,
        protocol: "POP3, implicit TLS",
        published: || mail_port("pop3s"),
        entry_point: Some("pop3s"),
    },
    PublicPort {
        name: "sieve",
        number: 4190,
        protocol: "ManageSieve, STARTTLS required",
        published: || mail_port("sieve"),
        entry_point: Some("sieve"),
    },
    PublicPort {
        name: "imap",
        number: 143,
        protocol: "IMAP, STARTTLS required",
        published: || mail_port("imap"),
        entry_point: Some("imap"),
    },
    PublicPort {
        name: "pop3",
        number: 110,
        protocol: "POP3, STARTTLS required",
        published: || mail_port("pop3"),
        entry_point: Some("pop3"),
    },
    PublicPort {
        name: "http",
        number: 80,
        protocol: "HTTP, redirected to HTTPS",
        published: web_on_front,
        entry_point: None,
    },
    PublicPort { name: "https", number: 443, protocol: "HTTPS", published: web_on_front, entry_point: None },
];

/// The listener the proxy forwards port 25 to, with a PROXY protocol header: Mailu's own
/// port 25 must keep accepting in-cluster senders (fetchmail) without one.
pub const PROXY_SMTP_PORT: i32 = 20025;

/// The listener the LoadBalancer or the host port brings port 25 to, without a header. Like
/// [`PROXY_SMTP_PORT`] it refuses senders inside the pod network, which Mailu's own port 25
/// (for in-cluster senders) believes.
pub const DIRECT_SMTP_PORT: i32 = 20026;

/// The override file of ours that sends plain HTTP to HTTPS behind a proxy.
pub const HTTPS_REDIRECT: &str = "mailu-chart-https.conf";

/// When front redirects plain HTTP the proxy took to HTTPS.
fn https_redirect() -> Cond {
    web_behind_proxy().and(Cond::flag("expose.httpsRedirect"))
}

/// `expose.mail` is the given mode.
pub fn mail_via(mode: &'static str) -> Cond {
    Cond::equals("expose.mail", mode)
}

/// `expose.web` is the given mode.
pub fn web_via(mode: &'static str) -> Cond {
    Cond::equals("expose.web", mode)
}

/// When a proxy (Traefik, an ingress controller, a Gateway, a load balancer speaking the PROXY
/// protocol) stands between the clients and front, so that front must believe the client
/// address it reports.
pub fn behind_proxy() -> Cond {
    mail_via("traefik").or(web_via("ingress")).or(web_via("httpRoute")).or(load_balancer_proxy())
}

/// When the LoadBalancer sends a PROXY protocol header on every connection.
pub fn load_balancer_proxy() -> Cond {
    mail_via("loadBalancer").and(Cond::flag(LOAD_BALANCER_PROXY_PROTOCOL))
}

/// The values key that says the LoadBalancer sends a PROXY protocol header.
pub const LOAD_BALANCER_PROXY_PROTOCOL: &str = "expose.loadBalancer.proxyProtocol";

/// When port 25 arrives with a PROXY protocol header, on [`PROXY_SMTP_PORT`].
pub fn smtp_through_proxy() -> Cond {
    mail_via("traefik").or(load_balancer_proxy())
}

/// When port 25 arrives from the LoadBalancer or the host port itself, on [`DIRECT_SMTP_PORT`].
pub fn smtp_direct() -> Cond {
    mail_via("hostPort")
        .or(mail_via("loadBalancer").and(Cond::negate(Cond::flag(LOAD_BALANCER_PROXY_PROTOCOL))))
}

/// When port 25 is published at all, through a proxy or directly.
pub fn public_smtp() -> Cond {
    // The union of the two above, written short: the chart tests it in several places.
    mail_via("traefik").or(faces_the_world())
}

/// Where the public port 25 arrives in front's pod (the name of a container port).
pub fn public_smtp_target() -> Expr {
    Expr::choose(smtp_through_proxy(), Expr::lit("proxy-smtp"), Expr::lit("direct-smtp"))
}

/// The networks a proxy in front connects from, comma-separated (`REAL_IP_FROM`): the pod
/// network when the proxy runs in pods, and `expose.trustedProxies`. Behind a load balancer
/// alone, the pod network is left out: a pod connecting to front could otherwise claim any
/// address in a header of its own.
pub fn proxy_networks() -> Expr {
    let outside = Expr::Join(TRUSTED_PROXIES.into(), ",");
    Expr::choose(
        proxy_in_pods(),
        Expr::concat(vec![
            Expr::key("subnet"),
            Expr::choose(
                Cond::Present(TRUSTED_PROXIES.into()),
                Expr::concat(vec![Expr::lit(","), outside.clone()]),
                Expr::lit(""),
            ),
        ]),
        outside,
    )
}

/// When the proxy in front may run in pods: Traefik, an ingress controller, a Gateway.
pub fn proxy_in_pods() -> Cond {
    mail_via("traefik").or(web_behind_proxy())
}

/// The values key of the networks of a proxy outside the pod network.
pub const TRUSTED_PROXIES: &str = "expose.trustedProxies";

/// When the web reaches front through an HTTP proxy (which sends `X-Forwarded-For`).
pub fn web_behind_proxy() -> Cond {
    web_via("ingress").or(web_via("httpRoute"))
}

/// When front faces the world itself: a LoadBalancer or host ports.
pub fn faces_the_world() -> Cond {
    mail_via("loadBalancer").or(mail_via("hostPort"))
}

/// When a port is published directly (LoadBalancer or host ports).
pub fn published_directly(port: &PublicPort) -> Cond {
    faces_the_world().and((port.published)())
}

/// When a mail port is routed by Traefik with the PROXY protocol.
pub fn routed_by_traefik(port: &PublicPort) -> Cond {
    if port.entry_point.is_none() {
        return Cond::Never;
    }
    mail_via("traefik").and((port.published)())
}

/// Two routed mail ports on one Traefik entry point, for each pair that could share one: the
/// later port's key, when the pair clashes, and why (to follow the key). A TCP router for every
/// host name takes every connection of its entry point (see the routes in exposure.rs), so only
/// one of the ports would get any, and an entry point that also serves the web would lose its
/// HTTP routers to it.
pub fn entry_point_clashes() -> Vec<(String, Cond, Expr)> {
    let key =
        |port: &PublicPort| format!("expose.traefik.entryPoints.{}", port.entry_point.unwrap_or_default());
    let routed: Vec<&PublicPort> = PUBLIC_PORTS.iter().filter(|p| p.entry_point.is_some()).collect();
    let mut clashes = Vec::new();
    for (index, later) in routed.iter().enumerate() {
        for earlier in &routed[..index] {
            let clash = mail_via("traefik")
                .and((earlier.published)())
                .and((later.published)())
                .and(Cond::SameText(key(earlier).into(), key(later).into()));
            let why = Expr::concat(vec![
                Expr::owned(format!("must differ from {}, found ", key(earlier))),
                Expr::Quoted(Shared::new(Expr::key(key(later)))),
                Expr::lit(
                    " for both: a route for every host name takes every connection of its entry point, so each \
                     port needs one of its own",
                ),
            ]);
            clashes.push((key(later), clash, why));
        }
    }
    clashes
}

/// When front mounts a certificate from a Secret.
pub fn certificate_from_secret() -> Cond {
    Cond::equals("tls.source", "certManager").or(Cond::equals("tls.source", "secret"))
}

/// When Mailu obtains the certificate itself.
pub fn letsencrypt() -> Cond {
    Cond::equals("tls.source", "letsencrypt")
}

/// Mailu's `TLS_FLAVOR`:
/// - `notls` without a certificate (nothing published);
/// - `letsencrypt` when Mailu obtains the certificate;
/// - `cert` when front serves the web itself (port 80 redirects to 443);
/// - `mail` otherwise: TLS on the mail ports, and plain HTTP on port 80 for the proxy in front
///   (with `cert`, port 80 would redirect the proxy's requests forever).
pub fn tls_flavor() -> Expr {
    Expr::choose(
        Cond::equals("tls.source", "none"),
        Expr::lit("notls"),
        Expr::choose(
            letsencrypt(),
            Expr::lit("letsencrypt"),
            Expr::choose(web_on_front(), Expr::lit("cert"), Expr::lit("mail")),
        ),
    )
}

/// A comma-separated list of the port numbers whose condition holds, after fixed ones.
fn port_list(fixed: &[i32], optional: &[(i32, Cond)]) -> Expr {
    let mut parts: Vec<Expr> =
        vec![Expr::owned(fixed.iter().map(i32::to_string).collect::<Vec<_>>().join(","))];
    for (number, cond) in optional {
        let item =
            if fixed.is_empty() && parts.len() == 1 { format!("{number}") } else { format!(",{number}") };
        parts.push(Expr::choose(cond.clone(), Expr::owned(item), Expr::lit("")));
    }
    Expr::concat(parts)
}

/// Mailu's `PORTS`: the ports front opens. 587, 995, 143 and 110 only when published (admin
/// also lists them as the client ports); 4190 always, for webmail's sieve port.
pub fn ports() -> Expr {
    port_list(
        &[25, 80, 443, 465, 993, 4190],
        &[
            (587, mail_port("submission")),
            (995, mail_port("pop3s")),
            (143, mail_port("imap")),
            (110, mail_port("pop3")),
        ],
    )
}

/// Mailu's `PROXY_PROTOCOL`: the ports that receive a PROXY protocol header, from Traefik (the
/// mail ports) or from the LoadBalancer (every port it publishes). Port 25 is not among them
/// (see [`PROXY_SMTP_PORT`]).
pub fn proxy_protocol() -> Expr {
    let ports: Vec<(i32, Cond)> = PUBLIC_PORTS
        .iter()
        .filter(|p| p.number != 25)
        .map(|p| (p.number, routed_by_traefik(p).or(load_balancer_proxy().and((p.published)()))))
        .collect();
    // 465 comes first and is always there when any port is, so the list never starts with a
    // comma.
    port_list(&[], &ports)
}

pub fn component() -> Component {
    let mut c = Component::new(
        "front",
        "front",
        "nginx and the dovecot login proxy: where mail and web enter, and TLS ends",
        ImageSource::Mailu("nginx"),
        "front.enabled",
    );
    let traefik = mail_via("traefik");
    let proxied_smtp = smtp_through_proxy();
    let host_ports = mail_via("hostPort");
    // The node's port 25 goes to the guarded listener; Mailu's own stays for the cluster.
    c.ports = PUBLIC_PORTS
        .iter()
        .map(|p| {
            let on_host = if p.number == 25 { Cond::Never } else { host_ports.clone().and((p.published)()) };
            port(p.name, p.number).on_host(on_host)
        })
        .collect();
    c.ports.extend([
        port("lmtp", 2525),
        port("webmail-imap", 10143),
        port("webmail-smtp", 10025),
        port("webmail-sieve", 14190),
        port("proxy-smtp", PROXY_SMTP_PORT).when(proxied_smtp.clone()),
        port("direct-smtp", DIRECT_SMTP_PORT).when(smtp_direct()).on_host_as(25, host_ports),
    ]);
    // The in-cluster Service: what webmail and fetchmail use, what the Ingress, HTTPRoute and
    // Traefik routes point at.
    c.service = vec![service_port("http", 80), service_port("smtp", 25)];
    c.service.extend(
        PUBLIC_PORTS
            .iter()
            .filter(|p| p.number != 25 && p.number != 80)
            .map(|p| service_port(p.name, p.number).when(routed_by_traefik(p))),
    );
    c.service.extend([
        service_port("lmtp", 2525),
        service_port("webmail-imap", 10143),
        service_port("webmail-smtp", 10025),
        service_port("webmail-sieve", 14190),
        service_port("proxy-smtp", PROXY_SMTP_PORT).when(traefik.clone()),
    ]);
    c.service.retain(|s| !s.when.is_never());
    c.env = vec![
        Env { name: "CPU_COUNT", value: EnvValue::CpuLimitCores, when: Cond::Always },
        // Which listener the front patch adds for the public port 25 (front-entrypoint.py).
        Env {
            name: "MAILU_CHART_PUBLIC_SMTP",
            value: EnvValue::Text(Expr::choose(
                proxied_smtp.clone(),
                Expr::lit("proxy-protocol"),
                Expr::lit("direct"),
            )),
            when: public_smtp(),
        },
        // Mailu's front opens its IPv6 sockets only when SUBNET6 is set, and reads it for
        // nothing else (core/nginx/conf/nginx.conf, core/nginx/dovecot/proxy.conf). Behind a
        // dual-stack LoadBalancer IPv6 clients arrive on the pod's IPv6 address; the loopback
        // range opens the sockets without trusting anyone new.
        Env {
            name: "SUBNET6",
            value: EnvValue::Text(Expr::lit("::1/128")),
            when: mail_via("loadBalancer")
                .and(Cond::negate(Cond::equals("expose.loadBalancer.ipFamilyPolicy", "SingleStack")))
                .and(Cond::negate(super::shared_env::ipv6_subnet())),
        },
    ];
    c.configs = vec![
        // nginx configuration of the values, included in front's web server; behind a proxy,
        // a redirect of plain HTTP to HTTPS (core/nginx/conf/nginx.conf redirects on
        // X-Forwarded-Proto only for flavors other than `mail`, the one used there).
        ConfigFile {
            suffix: "front-overrides",
            when: Cond::present("front.overrides").or(https_redirect()),
            files: vec![File {
                name: HTTPS_REDIRECT,
                content: Content::Static {
                    file: HTTPS_REDIRECT,
                    text: include_str!("files/front-https.conf"),
                },
                when: https_redirect(),
            }],
            user_files: Some("front.overrides".into()),
        },
    ];
    c.persistent = letsencrypt();
    c.volumes = vec![
        // Mounted whole (not by subPath) so that a renewed certificate reaches the pod; Mailu
        // notices the change and reloads nginx and dovecot.
        volume(
            "certs",
            VolumeSource::Secret {
                name: Expr::key("tls.secretName"),
                items: vec![(Expr::lit("tls.crt"), "cert.pem"), (Expr::lit("tls.key"), "key.pem")],
            },
        )
        .when(certificate_from_secret()),
        volume("letsencrypt", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "front-overrides", mode: None }),
    ];
    c.mounts = vec![
        mount("certs", "/certs").read_only(),
        mount("letsencrypt", "/certs"),
        mount("overrides", "/overrides").read_only(),
    ];
    // What the image's own health check covers: nginx answers on its local health port, and
    // the dovecot login proxy (which front starts once and never restarts) accepts connections.
    // The image checks dovecot's pid file, but Mailu deletes every pid file when it reloads a
    // renewed certificate, so here a connection to the webmail IMAP port stands in for it.
    // With Let's Encrypt, the proxy cannot start before both certificates exist (its
    // configuration names their files, core/nginx/config.py), and they come only once the pod
    // is ready and reachable: until then nginx alone counts. Once they exist the proxy, still
    // down, fails the check, and the restarted container starts it with them.
    let healthy = [
        "sh",
        "-c",
        "curl -m3 -fsS -o /dev/null http://127.0.0.1:10204/health || exit 1; \
         case \"$TLS_FLAVOR\" in *letsencrypt) for chain in mailu mailu-ecdsa; do \
         [ -e /certs/letsencrypt/live/$chain/nginx-chain.pem ] || exit 0; done;; esac; \
         exec python3 -c \"import socket; socket.create_connection(('127.0.0.1', 10143), 3)\"",
    ];
    c.probes = Probes::all(ProbeAction::exec(&healthy));
    // Mailu's processes exit at once on SIGTERM (core/base/libs/socrate/socrate/system.py):
    // the pod keeps serving while the Services, kube-proxy and an external load balancer's
    // health checks stop sending it new connections.
    c.pre_stop = vec!["sleep", "10"];
    // Host ports cannot be held by two pods on one node, nor can a ReadWriteOnce claim.
    c.strategy = Strategy::RecreateWhen(mail_via("hostPort").or(letsencrypt()));
    c.daemon_set_when = mail_via("hostPort").and(Cond::equals("expose.hostPort.kind", "DaemonSet"));
    c.scalable = true;
    // The public port 25 arrives on a listener of our own (see front-entrypoint.py).
    c.entrypoint(
        "/mailu-chart/front-entrypoint.py",
        include_str!("files/front-entrypoint.py"),
        public_smtp(),
    );
    c
}
