//! The network flows Mailu needs, written once; every NetworkPolicy is derived from them: a
//! component may receive exactly the flows that end at it and send exactly the flows that
//! start at it. Everything else is denied.

use super::expr::Cond;

/// One end of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// The pods of a component of this release.
    Component(&'static str),
    /// The ingress controller's pods (selected by `networkPolicy.ingressController`).
    IngressController,
    /// Anything: the internet and every namespace of the cluster.
    Anywhere,
}

/// A TCP port of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowPort {
    Fixed(i32),
    /// A port number from a values key (external databases).
    Key(&'static str),
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

use FlowPort::Fixed;
use Peer::{Anywhere, Component as C, IngressController};

fn flow(from: Peer, to: Peer, ports: &[i32], purpose: &'static str) -> Flow {
    Flow { from, to, ports: ports.iter().map(|p| Fixed(*p)).collect(), purpose, when: Cond::Always }
}

impl Flow {
    fn when(mut self, cond: Cond) -> Flow {
        self.when = cond;
        self
    }
}

/// Every flow of the architecture.
pub fn flows() -> Vec<Flow> {
    let external_redis = Cond::negate(Cond::flag("redis.builtin"));
    let postgresql = Cond::equals("database.type", "postgresql");
    let mut ingress_ports = vec![80];
    ingress_ports.extend(super::front::INGRESS_LISTENERS.iter().map(|(_, listener, _)| *listener));
    vec![
        flow(IngressController, C("front"), &ingress_ports, "web and mail from the ingress controller"),
        flow(C("front"), C("admin"), &[8080], "authentication, admin UI, SSO"),
        flow(C("front"), C("postfix"), &[25, 10025], "incoming mail and authenticated submission"),
        flow(C("front"), C("dovecot"), &[143, 110, 4190, 2525], "IMAP, POP3, sieve and LMTP proxying"),
        flow(C("front"), C("rspamd"), &[11334], "the antispam UI under /admin"),
        flow(C("front"), C("webmail"), &[80], "/webmail"),
        flow(C("front"), C("webdav"), &[5232], "/webdav"),
        flow(C("postfix"), C("dovecot"), &[2525], "LMTP delivery"),
        flow(C("postfix"), C("rspamd"), &[11332], "milter"),
        flow(C("postfix"), C("admin"), &[8080], "domain, alias and mailbox lookups"),
        flow(C("postfix"), Anywhere, &[25, 465, 587], "delivery to other mail servers and relays"),
        flow(C("dovecot"), C("admin"), &[8080], "user lookups and quota"),
        flow(C("dovecot"), C("rspamd"), &[11334], "learning spam and ham"),
        flow(C("dovecot"), C("postfix"), &[25], "sieve redirects and vacation replies"),
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
            when: Cond::Always,
        }
        .when(postgresql),
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
        flow(C("rspamd"), Anywhere, &[80, 443], "map and rule updates"),
        flow(
            C("webmail"),
            C("front"),
            &[10143, 10025, 14190],
            "IMAP, submission and sieve with the SSO token",
        ),
        flow(C("webmail"), C("dovecot-submission"), &[10025], "sending mail"),
        flow(C("dovecot-submission"), C("postfix"), &[10025], "relaying webmail's mail"),
        flow(C("fetchmail"), C("admin"), &[8080], "the accounts to fetch"),
        flow(C("fetchmail"), C("front"), &[25, 2525], "delivering fetched mail"),
        flow(C("fetchmail"), Anywhere, &[110, 143, 993, 995], "the external mail accounts"),
        flow(C("clamav"), Anywhere, &[80, 443], "signature updates"),
    ]
}
