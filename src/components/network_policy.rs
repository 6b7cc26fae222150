//! The network flows Mailu needs, written once; every NetworkPolicy is derived from them: a
//! component may receive exactly the flows that end at it and send exactly the flows that
//! start at it. Everything else is denied.

use super::expr::Cond;
use super::front;

/// One end of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// The pods of a component of this release.
    Component(&'static str),
    /// The proxy in front: its pods (selected by `networkPolicy.ingressController`) and the
    /// networks of `expose.trustedProxies`.
    IngressController,
    /// The web's proxy: the pods `networkPolicy.webProxy` selects when it names some, else the
    /// proxy in front; and the networks of `expose.trustedProxies`.
    WebProxy,
    /// Prometheus' pods (selected by `networkPolicy.monitoring`).
    Monitoring,
    /// Anything: the internet and every namespace of the cluster.
    Anywhere,
    /// Outside the cluster: any address but the pod network's, which Mailu trusts, and the
    /// clouds' metadata services (node credentials).
    Internet,
}

/// A port of a flow: TCP unless it says UDP.
#[derive(Clone, Debug, PartialEq)]
pub enum FlowPort {
    Fixed(i32),
    /// A UDP port.
    Udp(i32),
    /// A port number from a values key (external databases).
    Key(&'static str),
    /// A port that is part of the flow only when the condition holds (a published port).
    When(i32, Cond),
}

impl FlowPort {
    /// The protocol, as a NetworkPolicy names it.
    pub fn protocol(&self) -> &'static str {
        match self {
            FlowPort::Udp(_) => "UDP",
            FlowPort::Fixed(_) | FlowPort::Key(_) | FlowPort::When(..) => "TCP",
        }
    }

    /// When the port is part of its flow.
    pub fn when(&self) -> Cond {
        match self {
            FlowPort::Fixed(_) | FlowPort::Udp(_) | FlowPort::Key(_) => Cond::Always,
            FlowPort::When(_, cond) => cond.clone(),
        }
    }
}

/// Traffic allowed from one peer to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub from: Peer,
    pub to: Peer,
    pub ports: Vec<FlowPort>,
    /// Why the flow exists, for the policy documentation.
    pub purpose: &'static str,
    /// An extra condition beyond both ends being deployed.
    pub when: Cond,
}

/// Where the values say the cluster's DNS answers (`networkPolicy.dns`).
pub const DNS_NAMESPACE_LABELS: &str = "networkPolicy.dns.namespaceLabels";
pub const DNS_POD_LABELS: &str = "networkPolicy.dns.podLabels";
pub const DNS_NETWORKS: &str = "networkPolicy.dns.networks";

/// When the values say where the cluster's DNS answers: every pod may ask it alone.
pub fn dns_named() -> Cond {
    Cond::Present(DNS_NAMESPACE_LABELS.into())
        .or(Cond::Present(DNS_POD_LABELS.into()))
        .or(Cond::Present(DNS_NETWORKS.into()))
}

use FlowPort::Fixed;
use Peer::{Anywhere, Component as C, IngressController, Internet, Monitoring, WebProxy};

fn flow(from: Peer, to: Peer, ports: &[i32], purpose: &'static str) -> Flow {
    Flow { from, to, ports: ports.iter().map(|p| Fixed(*p)).collect(), purpose, when: Cond::Always }
}

/// The resolver beside a component asking the internet's name servers.
fn resolver_recursion(component: &'static str) -> Flow {
    Flow {
        from: C(component),
        to: Internet,
        ports: vec![FlowPort::Udp(53), Fixed(53)],
        purpose: "the resolver's questions to the internet's name servers",
        when: super::resolver::enabled().and(dns_named()),
    }
}

/// Every flow of the architecture.
pub fn flows() -> Vec<Flow> {
    let external_redis = Cond::negate(Cond::flag("redis.builtin"));
    let from_proxy: Vec<FlowPort> =
        std::iter::once(FlowPort::When(front::PROXY_SMTP_PORT, front::mail_via("traefik")))
            // Port 25 itself is not for the proxy: front would take the proxy for the sender, and
            // the proxy's address is inside the trusted pod network.
            .chain(
                front::PUBLIC_PORTS
                    .iter()
                    .filter(|p| p.number != 25)
                    .map(|p| FlowPort::When(p.number, front::routed_by_traefik(p))),
            )
            .filter(|p| !p.when().is_never())
            .collect();
    let proxied = front::load_balancer_proxy();
    let published_except_25 = |with_header: bool| -> Vec<FlowPort> {
        let header = if with_header { proxied.clone() } else { Cond::negate(proxied.clone()) };
        front::PUBLIC_PORTS
            .iter()
            .filter(|p| p.number != 25)
            .map(|p| FlowPort::When(p.number, front::published_directly(p).and(header.clone())))
            .collect()
    };
    vec![
        Flow {
            from: Anywhere,
            to: C("front"),
            ports: published_except_25(false),
            purpose: "mail and web from the internet, on the LoadBalancer or the host ports",
            when: front::faces_the_world(),
        },
        // front believes the PROXY protocol header from the load balancer's networks, so a pod
        // connecting straight to these ports must not get there: it could claim any address.
        Flow {
            from: Internet,
            to: C("front"),
            ports: published_except_25(true),
            purpose: "mail and web through the load balancer, with the PROXY protocol",
            when: proxied.clone(),
        },
        // Port 25 takes mail without a password, and postfix relays anywhere for the trusted
        // pod network (`mynetworks` and `permit_mynetworks` in core/postfix/conf/main.cf):
        // from another pod, front would hand postfix a trusted sender address. Its listeners
        // refuse such senders too (front-entrypoint.py); the policy keeps the pods away.
        Flow {
            from: Internet,
            to: C("front"),
            ports: vec![
                FlowPort::When(front::DIRECT_SMTP_PORT, front::smtp_direct()),
                FlowPort::When(front::PROXY_SMTP_PORT, proxied.clone()),
            ],
            purpose: "mail from other servers, from outside the pod network",
            when: front::faces_the_world(),
        },
        Flow {
            from: IngressController,
            to: C("front"),
            ports: from_proxy,
            purpose: "mail (with the PROXY protocol) from the proxy in front",
            when: front::mail_via("traefik"),
        },
        Flow {
            from: WebProxy,
            to: C("front"),
            ports: vec![Fixed(80)],
            purpose: "web from the proxy in front",
            when: front::web_behind_proxy(),
        },
        Flow {
            from: C("front"),
            to: Anywhere,
            ports: vec![Fixed(80), Fixed(443)],
            // Before each certbot run, core/nginx/letsencrypt.py fetches a test file from the
            // first host name on port 80 (front itself, through the public address), then
            // certbot talks to the ACME server over HTTPS.
            purpose: "Let's Encrypt: the challenge's self-test on the public name, and the ACME server",
            when: front::letsencrypt(),
        },
        flow(C("front"), C("admin"), &[8080], "authentication, admin UI, SSO"),
        flow(C("front"), C("postfix"), &[25, 10025], "incoming mail and authenticated submission"),
        flow(C("front"), C("dovecot"), &[143, 110, 4190, 2525], "IMAP, POP3, sieve and LMTP proxying"),
        flow(C("front"), C("rspamd"), &[11334], "the antispam UI under /admin"),
        flow(C("front"), C("webmail"), &[80], "/webmail"),
        flow(C("front"), C("webdav"), &[5232], "/webdav"),
        flow(C("postfix"), C("dovecot"), &[2525], "LMTP delivery"),
        flow(C("postfix"), C("rspamd"), &[11332], "milter"),
        flow(C("postfix"), C("admin"), &[8080], "domain, alias and mailbox lookups"),
        Flow {
            from: C("postfix"),
            to: Anywhere,
            // No 465: Mailu's postfix speaks STARTTLS to other servers (it sets no
            // smtp_tls_wrappermode, core/postfix/conf/main.cf), so a relay on 465 is refused
            // by the values.
            ports: vec![
                Fixed(25),
                Fixed(587),
                // The relay services' alternative submission port, for a relay that names it.
                FlowPort::When(2525, Cond::Contains("relay.host".into(), ":2525")),
            ],
            purpose: "delivery to other mail servers and relays",
            when: Cond::Always,
        },
        // postfix's MTA-STS resolver fetches each receiving domain's policy over HTTPS
        // (core/postfix/start.py, smtp_tls_policy_maps in core/postfix/conf/main.cf).
        flow(C("postfix"), Internet, &[443], "MTA-STS policies of receiving domains"),
        flow(C("dovecot"), C("admin"), &[8080], "user lookups and quota"),
        flow(C("dovecot"), C("rspamd"), &[11334], "learning spam and ham"),
        flow(C("dovecot"), C("postfix"), &[25], "sieve redirects and vacation replies"),
        flow(C("dovecot"), C("tika"), &[9998], "the text of attachments, for full-text search"),
        Flow {
            from: Monitoring,
            to: C("dovecot"),
            ports: vec![FlowPort::Fixed(9900)],
            purpose: "metrics",
            when: Cond::flag("dovecot.serviceMonitor.enabled"),
        },
        Flow {
            from: Monitoring,
            to: C("rspamd"),
            ports: vec![FlowPort::Fixed(11334)],
            purpose: "metrics",
            when: Cond::flag("rspamd.serviceMonitor.enabled"),
        },
        flow(C("rspamd"), C("oletools"), &[11343], "macro scanning"),
        flow(C("admin"), C("dovecot"), &[2525], "welcome mail over LMTP"),
        flow(C("admin"), C("redis"), &[6379], "rate limits and sessions"),
        Flow {
            from: C("admin"),
            to: Anywhere,
            ports: vec![FlowPort::Key("redis.port")],
            purpose: "the external Redis",
            when: external_redis.clone(),
        },
        Flow {
            from: C("admin"),
            to: Anywhere,
            ports: vec![FlowPort::Key("database.postgresql.port")],
            purpose: "PostgreSQL",
            when: Cond::equals("database.type", "postgresql"),
        },
        Flow {
            from: C("admin"),
            to: Anywhere,
            ports: vec![FlowPort::Key("database.mysql.port")],
            purpose: "MySQL or MariaDB",
            when: Cond::equals("database.type", "mysql"),
        },
        Flow {
            from: C("webmail"),
            to: Anywhere,
            ports: vec![FlowPort::Key("database.postgresql.port")],
            purpose: "Roundcube's database on PostgreSQL",
            when: Cond::flag("webmail.database.onServer").and(Cond::equals("database.type", "postgresql")),
        },
        Flow {
            from: C("webmail"),
            to: Anywhere,
            ports: vec![FlowPort::Key("database.mysql.port")],
            purpose: "Roundcube's database on MySQL or MariaDB",
            when: Cond::flag("webmail.database.onServer").and(Cond::equals("database.type", "mysql")),
        },
        flow(C("rspamd"), C("admin"), &[8080], "DKIM keys and domain maps"),
        flow(C("rspamd"), C("redis"), &[6379], "statistics and fuzzy hashes"),
        Flow {
            from: C("rspamd"),
            to: Anywhere,
            ports: vec![FlowPort::Key("redis.port")],
            purpose: "the external Redis",
            when: external_redis,
        },
        flow(C("rspamd"), C("clamav"), &[3310], "virus scanning"),
        // The resolver (a container beside admin, postfix and rspamd) asks the internet's name
        // servers itself; where every pod may ask only the cluster's DNS, these may still.
        resolver_recursion("admin"),
        resolver_recursion("postfix"),
        resolver_recursion("rspamd"),
        // The components that fetch from the internet, and parse what strangers send (rspamd,
        // ClamAV, fetchmail), reach nothing of the cluster's there.
        flow(C("rspamd"), Internet, &[80, 443], "map and rule updates"),
        Flow {
            from: C("rspamd"),
            to: Internet,
            // Mailu's fuzzy_check.conf goes to local.d, so it adds its local rule to rspamd's
            // own, which asks rspamd.com's public fuzzy servers over UDP.
            ports: vec![FlowPort::Udp(11335)],
            purpose: "rspamd.com's public fuzzy hashes",
            when: Cond::Always,
        },
        Flow {
            from: C("webmail"),
            to: C("front"),
            // Roundcube sends through dovecot-submission when it runs (see its component).
            ports: vec![
                Fixed(10143),
                FlowPort::When(10025, Cond::negate(super::webmail::patched())),
                Fixed(14190),
            ],
            purpose: "IMAP, submission and sieve with the SSO token",
            when: Cond::Always,
        },
        // Roundcube's carddav plugin (in Mailu's default plugins, webmails/start.py) and
        // SnappyMail's contact sync reach this Mailu's own /webdav at front's public HTTPS,
        // where front ends TLS itself and every pod may reach it already. Not behind a proxy:
        // front's web port believes the forwarded client address (and, with header sign-in,
        // the sender as the proxy) of every pod it admits; nor where a PROXY protocol header
        // is expected on 443.
        Flow {
            from: C("webmail"),
            to: C("front"),
            ports: vec![Fixed(443)],
            purpose: "address books of webdav (CardDAV)",
            when: Cond::flag("webdav.enabled")
                .and(front::web_via("front"))
                .and(Cond::negate(front::load_balancer_proxy())),
        },
        flow(C("webmail"), C("dovecot-submission"), &[10025], "sending mail"),
        flow(C("dovecot-submission"), C("postfix"), &[10025], "relaying webmail's mail"),
        flow(C("fetchmail"), C("admin"), &[8080], "the accounts to fetch"),
        flow(C("fetchmail"), C("front"), &[25, 2525], "delivering fetched mail"),
        flow(C("fetchmail"), Internet, &[110, 143, 993, 995], "the external mail accounts"),
        flow(C("clamav"), Internet, &[80, 443], "signature updates"),
    ]
}
