//! The DNS records to publish for a deployment, described once as data whose values-dependent
//! parts are expressions: `mailu-chart dns` evaluates the description for the values (a zone
//! file fragment, or JSON), and the exported chart prints the same description into its
//! `NOTES.txt` as Go template text, so that both always list the same records.
//!
//! The records follow what Mailu's admin shows on a domain's DNS page (MX, SPF, DKIM, DMARC,
//! the client autoconfiguration SRV records), decided here by what is actually
//! published: a service whose port is not reachable from outside gets the "not offered" SRV
//! record (`0 0 0 .`). Addresses and the DKIM key are not known when rendering: they are
//! placeholders, with a comment that says where to find them.

use helm_engine::Value;

use crate::components::expr::{Cond, Expr, Seq};
use crate::components::front::{PUBLIC_PORTS, mail_via, web_via};
use crate::eval::Ctx;

/// The time to live of every record, in seconds (as on Mailu's DNS page).
pub const TTL: u32 = 600;

/// A group of records with the comments that explain them.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// A short name for machines (the JSON output).
    pub id: &'static str,
    pub when: Cond,
    pub comments: Vec<Comment>,
    pub records: Vec<Record>,
}

/// A comment line above a section's records.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: Expr,
    pub when: Cond,
    /// One line per element of a list (read with `Expr::Item` or `Expr::Field`).
    pub each: Option<Seq>,
}

/// One resource record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The owner name, without the final dot.
    pub name: Expr,
    pub kind: RecordType,
    /// The data: a TXT record's text without quotes, host names with their final dot.
    pub value: Expr,
    /// When the value is a placeholder to replace (an address, the DKIM key).
    pub placeholder: Cond,
    pub when: Cond,
    /// Repeated for every host name (read with `Expr::Item`).
    pub per_host: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordType {
    A,
    Aaaa,
    Mx,
    Srv,
    Txt,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Mx => "MX",
            RecordType::Srv => "SRV",
            RecordType::Txt => "TXT",
        }
    }
}

fn lit(text: &'static str) -> Expr {
    Expr::lit(text)
}

fn cat(parts: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::Concat(parts.into_iter().collect())
}

fn comment(text: Expr) -> Comment {
    Comment { text, when: Cond::Always, each: None }
}

impl Comment {
    fn when(mut self, cond: Cond) -> Comment {
        self.when = cond;
        self
    }
}

fn record(name: Expr, kind: RecordType, value: Expr) -> Record {
    Record { name, kind, value, placeholder: Cond::Never, when: Cond::Always, per_host: false }
}

impl Record {
    fn when(mut self, cond: Cond) -> Record {
        self.when = cond;
        self
    }

    fn placeholder(mut self, cond: Cond) -> Record {
        self.placeholder = cond;
        self
    }

    fn per_host(mut self) -> Record {
        self.per_host = true;
        self
    }
}

fn domain() -> Expr {
    Expr::key("domain")
}

/// The primary host name: the target of the MX record and of every SRV record.
fn primary_host() -> Expr {
    Expr::First("hostnames".into())
}

/// `<prefix>.<domain>`.
fn in_domain(prefix: &'static str) -> Expr {
    cat([lit(prefix), lit("."), domain()])
}

/// `kubectl -n <namespace> `.
fn kubectl() -> Expr {
    cat([lit("kubectl -n "), Expr::Namespace, lit(" ")])
}

/// The values key of the relay host postfix may send all outgoing mail through.
const RELAY_HOST_KEY: &str = "relay.host";

/// Every section, in the order they are printed.
pub fn sections() -> Vec<Section> {
    vec![header(), addresses(), mail_exchange(), spf(), dkim(), dmarc(), client_autoconfiguration()]
}

fn header() -> Section {
    Section {
        id: "about",
        when: Cond::Always,
        comments: vec![
            comment(cat([lit("; DNS records for "), domain(), lit(", as Mailu expects them.")])),
            comment(lit("; Replace each <placeholder> as the comment above it says.")),
            comment(lit(
                "; Every other mail domain (added in the admin UI) needs its own MX, SPF, DKIM and DMARC records:",
            ))
            .when(Cond::flag("admin.ui")),
            comment(lit("; the admin UI lists them on the domain's details page.")).when(Cond::flag("admin.ui")),
            // Without the admin pages (`admin.ui: false`), domains come from `flask mailu`.
            comment(lit("; Every other mail domain needs its own MX, SPF, DKIM and DMARC records."))
                .when(Cond::negate(Cond::flag("admin.ui"))),
        ],
        records: Vec::new(),
    }
}

/// The host names' addresses: where mail (or, without mail from outside, the web) arrives.
fn addresses() -> Section {
    let ip = "expose.loadBalancer.ip";
    let load_balancer = mail_via("loadBalancer");
    let ip_set = Cond::is_set(ip);
    let ipv6 = Cond::Contains(ip.into(), ":");
    let dual_stack = Cond::negate(Cond::equals("expose.loadBalancer.ipFamilyPolicy", "SingleStack"));
    let known_ipv4 = ip_set.clone().and(Cond::negate(ipv6.clone()));
    let known_ipv6 = ip_set.clone().and(ipv6.clone());
    // Without an address given, a single-stack Service (and a node's or Traefik's address)
    // has the pod network's family.
    let ipv6_pods = crate::components::shared_env::ipv6_subnet();
    let ipv6_by_default = Cond::negate(ip_set).and(ipv6_pods.clone());
    let ipv6_only = known_ipv6.clone().or(ipv6_by_default.clone()).and(Cond::negate(dual_stack.clone()));
    let mail_none = mail_via("none");
    let web_proxy = web_via("ingress").or(web_via("httpRoute"));
    // Mail routed by Traefik and the web through an Ingress Traefik serves: one address.
    let one_traefik =
        mail_via("traefik").and(web_via("ingress")).and(Cond::equals("expose.ingress.className", "traefik"));
    let web_apart = Cond::negate(mail_none.clone()).and(web_proxy).and(Cond::negate(one_traefik.clone()));
    let front_public = Expr::object_name("front-public");
    let ingress = Expr::object_name("web");
    let a = |value: Expr| record(Expr::Item, RecordType::A, value).per_host();
    let aaaa = |value: Expr| record(Expr::Item, RecordType::Aaaa, value).per_host();
    let ipv4_placeholder = lit("<IPv4 address>");
    let ipv6_placeholder = lit("<IPv6 address>");
    let gateway_ref = Seq::key("expose.httpRoute.parentRefs");
    Section {
        id: "addresses",
        when: Cond::Always,
        comments: vec![
            comment(lit("; The host names' addresses.")),
            comment(cat([
                lit("; The LoadBalancer Service "),
                front_public.clone(),
                lit(": "),
                kubectl(),
                lit("get service "),
                front_public,
                lit(" -o jsonpath='{.status.loadBalancer.ingress[*].ip}{.status.loadBalancer.ingress[*].hostname}'"),
            ]))
            .when(load_balancer.clone()),
            comment(lit(
                "; A load balancer known by a host name: use its addresses (or an ALIAS record): an MX may not point at a CNAME.",
            ))
            .when(load_balancer.clone()),
            comment(lit(
                "; The public address of each node that runs front (one record per node): the nodes (NODE) of",
            ))
            .when(mail_via("hostPort")),
            comment(cat([
                lit(";   "),
                kubectl(),
                lit("get pods -o wide -l app.kubernetes.io/instance="),
                Expr::Release,
                lit(",app.kubernetes.io/component=front"),
            ]))
            .when(mail_via("hostPort")),
            comment(lit(";   and their EXTERNAL-IP in: kubectl get nodes -o wide")).when(mail_via("hostPort")),
            comment(lit(
                "; Traefik's public address (of its Service): kubectl get services -A --field-selector spec.type=LoadBalancer",
            ))
            .when(mail_via("traefik")),
            comment(cat([
                lit("; The Ingress "),
                ingress.clone(),
                lit(": "),
                kubectl(),
                lit("get ingress "),
                ingress.clone(),
            ]))
            .when(mail_none.clone().and(web_via("ingress"))),
            Comment {
                text: cat([
                    lit("; The Gateway "),
                    Expr::Field("name"),
                    lit(": kubectl -n "),
                    Expr::or_else(Expr::Field("namespace"), Expr::Namespace),
                    lit(" get gateway "),
                    Expr::Field("name"),
                    lit(" -o jsonpath='{.status.addresses[*].value}'"),
                ]),
                when: mail_none.clone().and(web_via("httpRoute")),
                each: Some(gateway_ref),
            },
            comment(lit(
                "; Nothing is exposed (expose.mail and expose.web are none): the address of whatever you put in front.",
            ))
            .when(mail_none.clone().and(web_via("none"))),
            comment(lit(
                "; Traefik serves the web too (the Ingress of class traefik): one address for browsers and mail.",
            ))
            .when(one_traefik.clone()),
            comment(cat([
                lit("; Browsers reach the web through "),
                Expr::choose(
                    web_via("ingress"),
                    cat([lit("the Ingress "), ingress.clone()]),
                    cat([lit("the HTTPRoute "), ingress, lit("'s Gateway")]),
                ),
                lit(", at its own address: HTTPS to these names goes there, mail to front."),
            ]))
            .when(web_apart.clone()),
            comment(lit(
                "; Point the names only browsers use at the proxy (the primary host name stays here for mail;",
            ))
            .when(web_apart.clone()),
            comment(lit(
                "; clients then find no settings on 443), or give the proxy and this Service one shared address",
            ))
            .when(web_apart.clone()),
            comment(lit(
                "; where the load balancer allows it (MetalLB shares one between Services with the Local traffic",
            ))
            .when(web_apart.clone()),
            comment(lit("; policy only when they select the same pods, which these do not).")).when(web_apart),
        ],
        records: vec![
            a(Expr::choose(known_ipv4.clone(), Expr::key(ip), ipv4_placeholder.clone()))
                .placeholder(Cond::negate(known_ipv4))
                .when(load_balancer.clone().and(Cond::negate(ipv6_only))),
            aaaa(Expr::choose(known_ipv6.clone(), Expr::key(ip), ipv6_placeholder.clone()))
                .placeholder(Cond::negate(known_ipv6.clone()))
                .when(load_balancer.clone().and(known_ipv6.or(dual_stack).or(ipv6_by_default))),
            a(ipv4_placeholder)
                .placeholder(Cond::Always)
                .when(Cond::negate(load_balancer.clone()).and(Cond::negate(ipv6_pods.clone()))),
            aaaa(ipv6_placeholder).placeholder(Cond::Always).when(Cond::negate(load_balancer).and(ipv6_pods)),
        ],
    }
}

fn mail_exchange() -> Section {
    Section {
        id: "mx",
        when: Cond::Always,
        comments: vec![
            comment(cat([lit("; Mail for "), domain(), lit(" goes to "), primary_host(), lit(".")])),
            comment(lit(
                "; Mail is not exposed (expose.mail: none): nobody outside can deliver until it is.",
            ))
            .when(mail_via("none")),
        ],
        records: vec![record(domain(), RecordType::Mx, cat([lit("10 "), primary_host(), lit(".")]))],
    }
}

fn spf() -> Section {
    let mut comments = vec![
        comment(lit("; Who may send mail from the domain (SPF).")),
        comment(cat([
            lit("; Outgoing mail leaves through "),
            Expr::key(RELAY_HOST_KEY),
            lit(": add what its provider asks for (usually include:...)."),
        ]))
        .when(Cond::is_set(RELAY_HOST_KEY)),
    ];
    comments.push(comment(lit(
        "; Mail to other servers leaves from the node's address (or the cluster's NAT), not front's: if",
    )));
    comments.push(comment(cat([
        lit("; `mx` does not cover it, add it (ip4:... or ip6:...), and give it a reverse (PTR) record naming "),
        primary_host(),
        lit("."),
    ])));
    Section {
        id: "spf",
        when: Cond::Always,
        comments,
        records: vec![record(
            domain(),
            RecordType::Txt,
            cat([lit("v=spf1 mx a:"), primary_host(), lit(" ~all")]),
        )],
    }
}

fn dkim() -> Section {
    let admin = Expr::object_name("admin");
    Section {
        id: "dkim",
        when: Cond::Always,
        comments: vec![
            comment(lit(
                "; The DKIM key: Mailu makes it in the admin UI (Mail domains, the domain's details,",
            ))
            .when(Cond::flag("admin.ui")),
            comment(lit(
                ";   Generate keys), whose Download zonefile gives this record split as DNS needs; or:",
            ))
            .when(Cond::flag("admin.ui")),
            comment(lit("; The DKIM key: Mailu makes it with these commands:"))
                .when(Cond::negate(Cond::flag("admin.ui"))),
            comment(cat([
                lit(";   echo 'domain: [{name: "),
                domain(),
                lit(", dkim_key: -generate-}]' | "),
                kubectl(),
                lit("exec -i deploy/"),
                admin.clone(),
                lit(" -- flask mailu config-import -u"),
            ])),
            comment(cat([
                lit(";   "),
                kubectl(),
                lit("exec deploy/"),
                admin,
                lit(" -- flask mailu config-export domain.name domain.dns_dkim"),
            ])),
            comment(lit(
                ";   (one string there: a 2048-bit key needs several, of at most 255 characters each: \"...\" \"...\")",
            )),
        ],
        records: vec![
            record(in_domain("dkim._domainkey"), RecordType::Txt, lit("v=DKIM1; k=rsa; p=<public key>"))
                .placeholder(Cond::Always),
        ],
    }
}

/// A DMARC report tag (` rua=mailto:...;`) when the values set its local part, as Mailu's admin
/// writes it (core/admin/mailu/models.py, `dns_dmarc`): the address is in the primary domain,
/// and an unset part leaves the tag out.
fn dmarc_tag(tag: &'static str, key: &'static str) -> Expr {
    Expr::choose(Cond::is_set(key), cat([lit(tag), Expr::key(key), lit("@"), domain(), lit(";")]), lit(""))
}

fn dmarc() -> Section {
    Section {
        id: "dmarc",
        when: Cond::Always,
        comments: vec![comment(lit(
            "; What receivers do with mail that fails SPF and DKIM (DMARC); publish it once DKIM is.",
        ))],
        records: vec![record(
            in_domain("_dmarc"),
            RecordType::Txt,
            cat([
                lit("v=DMARC1; p=reject;"),
                dmarc_tag(" rua=mailto:", "dmarc.rua"),
                dmarc_tag(" ruf=mailto:", "dmarc.ruf"),
                lit(" adkim=s; aspf=s"),
            ]),
        )],
    }
}

/// A client service announced by SRV (RFC 6186, and RFC 5804 for ManageSieve).
struct ClientService {
    service: &'static str,
    port: i32,
    /// Mailu's priority: implicit TLS (10) before STARTTLS (20).
    priority: u8,
    published: Cond,
}

fn client_services() -> Vec<ClientService> {
    let mail_published = |number: i32| {
        let port = PUBLIC_PORTS.iter().find(|p| p.number == number).expect("a public port of front");
        Cond::negate(mail_via("none")).and((port.published)())
    };
    let web_published = Cond::negate(web_via("none")).and(Cond::negate(Cond::equals("tls.source", "none")));
    let service = |service, port, priority, published| ClientService { service, port, priority, published };
    // In the order of Mailu's DNS page, then ManageSieve.
    vec![
        service("imap", 143, 20, mail_published(143)),
        service("pop3", 110, 20, mail_published(110)),
        service("submission", 587, 20, mail_published(587)),
        service("autodiscover", 443, 10, web_published),
        service("submissions", 465, 10, mail_published(465)),
        service("imaps", 993, 10, mail_published(993)),
        service("pop3s", 995, 10, mail_published(995)),
        service("sieve", 4190, 10, mail_published(4190)),
    ]
}

fn client_autoconfiguration() -> Section {
    let web = Cond::negate(web_via("none"));
    let records: Vec<Record> = client_services()
        .into_iter()
        .map(|s| {
            let name = cat([Expr::owned(format!("_{}._tcp.", s.service)), domain()]);
            let target =
                cat([Expr::owned(format!("{} 1 {} ", s.priority, s.port)), primary_host(), lit(".")]);
            record(name, RecordType::Srv, Expr::choose(s.published, target, lit("0 0 0 .")))
        })
        .collect();
    Section {
        id: "autoconfiguration",
        when: Cond::Always,
        comments: vec![
            comment(lit(
                "; Mail client autoconfiguration: SRV records (RFC 6186; 0 0 0 . means not offered)",
            )),
            comment(cat([
                lit("; Thunderbird and Outlook also ask "),
                in_domain("autoconfig"),
                lit(" and "),
                in_domain("autodiscover"),
                lit(" over HTTPS:"),
            ]))
            .when(web.clone()),
            comment(lit(
                "; to serve them, add both to hostnames (which gives them addresses above and the certificate's names).",
            ))
            .when(web),
        ],
        records,
    }
}

/// One line of the zone file fragment: comments, records and blank lines between sections.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub text: Expr,
    pub when: Cond,
    /// Repeated for each element of the list.
    pub each: Option<Seq>,
}

/// The host names, once each.
pub fn host_names() -> Seq {
    Seq::key("hostnames").unique()
}

/// A record in zone file syntax: `name. TTL IN TYPE data`, TXT data quoted.
pub fn zone_text(record: &Record) -> Expr {
    let data = match record.kind {
        RecordType::Txt => cat([lit("\""), record.value.clone(), lit("\"")]),
        _ => record.value.clone(),
    };
    cat([record.name.clone(), Expr::owned(format!(". {TTL} IN {} ", record.kind.as_str())), data])
}

/// The zone file fragment as lines: each section's comments and records, a blank line
/// between sections.
pub fn lines(sections: &[Section]) -> Vec<Line> {
    let mut lines = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        let line = |text: Expr, when: Cond, each| Line { text, when: section.when.clone().and(when), each };
        if i > 0 {
            lines.push(line(Expr::lit(""), Cond::Always, None));
        }
        for c in &section.comments {
            lines.push(line(c.text.clone(), c.when.clone(), c.each.clone()));
        }
        for r in &section.records {
            lines.push(line(zone_text(r), r.when.clone(), r.per_host.then(host_names)));
        }
    }
    lines
}

/// The elements a line is written for: none when its condition fails, one (`None`: no
/// element) when it is not repeated, else each element of its list.
fn occurrences(when: &Cond, each: Option<&Seq>, ctx: &Ctx<'_>) -> Vec<Option<Value>> {
    if !when.eval(ctx) {
        return Vec::new();
    }
    match each {
        None => vec![None],
        Some(seq) => seq.eval(ctx).into_iter().map(Some).collect(),
    }
}

/// Evaluates an expression for each occurrence.
fn eval_each(
    expr_of: impl Fn(&Ctx<'_>) -> String,
    when: &Cond,
    each: Option<&Seq>,
    ctx: &Ctx<'_>,
) -> Vec<String> {
    occurrences(when, each, ctx)
        .iter()
        .map(|item| match item {
            Some(item) => expr_of(&ctx.at(item)),
            None => expr_of(ctx),
        })
        .collect()
}

/// The zone file fragment for the values.
pub fn zone(ctx: &Ctx<'_>) -> String {
    lines(&sections())
        .iter()
        .flat_map(|line| eval_each(|at| line.text.eval(at), &line.when, line.each.as_ref(), ctx))
        .map(|text| text + "\n")
        .collect()
}

/// One record for the values, for the JSON output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordValue {
    /// The owner name, with its final dot.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub ttl: u32,
    /// The data (a TXT record's text unquoted).
    pub value: String,
    /// Whether the value is a placeholder to replace (see the section's notes).
    pub placeholder: bool,
}

/// One section for the values, for the JSON output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SectionValue {
    pub id: &'static str,
    /// The comments, without the leading `; `.
    pub notes: Vec<String>,
    pub records: Vec<RecordValue>,
}

/// Every section that applies to the values, evaluated.
pub fn evaluate(ctx: &Ctx<'_>) -> Vec<SectionValue> {
    let mut out = Vec::new();
    for section in sections().iter().filter(|s| s.when.eval(ctx)) {
        let mut notes = Vec::new();
        for c in &section.comments {
            for text in eval_each(|at| c.text.eval(at), &c.when, c.each.as_ref(), ctx) {
                notes.push(text.trim_start_matches(';').trim_start().to_string());
            }
        }
        let mut records = Vec::new();
        for r in &section.records {
            let each = r.per_host.then(host_names);
            for item in occurrences(&r.when, each.as_ref(), ctx) {
                let at = match &item {
                    Some(item) => ctx.at(item),
                    None => *ctx,
                };
                records.push(RecordValue {
                    name: format!("{}.", r.name.eval(&at)),
                    kind: r.kind.as_str(),
                    ttl: TTL,
                    value: r.value.eval(&at),
                    placeholder: r.placeholder.eval(&at),
                });
            }
        }
        out.push(SectionValue { id: section.id, notes, records });
    }
    out
}
