//! `mailu-chart dns`: for every example, the records agree with the values (domain, host
//! names, DMARC addresses) and with what the rendered objects publish (an SRV record points at
//! a port only when the port is reachable from outside); the JSON holds the same records as
//! the zone file; and the chart's NOTES, rendered by the built-in renderer and by helm, show
//! the same lines.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use helm_engine::{RenderOptions, Value, load_chart, render_chart};
use mailu_chart::components::front::PUBLIC_PORTS;
use mailu_chart::dns;
use mailu_chart::eval::Ctx;
use mailu_chart::render::{Manifest, Release, values_tree};
use mailu_chart::values::Values;

/// Values to check: every example, and the minimal one with settings that take the other
/// branches of the description.
struct Case {
    name: String,
    file: PathBuf,
    set: Vec<&'static str>,
}

const PROXY_LABELS: [&str; 2] = [
    "networkPolicy.ingressController.namespaceLabels.name=proxy",
    "networkPolicy.ingressController.podLabels.app=proxy",
];

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = common::examples()
        .into_iter()
        .map(|file| Case { name: common::short(&file), file, set: Vec::new() })
        .collect();
    let minimal = common::root().join("values-examples/minimal.yaml");
    let web_only = |web: &'static str, more: &[&'static str]| {
        [&["expose.mail=none", web][..], more, &PROXY_LABELS].concat()
    };
    let variants: [(&str, Vec<&'static str>); 9] = [
        ("autoconfig among the host names", vec!["hostnames={mail.example.com,autoconfig.example.com}"]),
        ("nothing exposed", vec!["expose.mail=none", "expose.web=none"]),
        ("the web through an Ingress only", web_only("expose.web=ingress", &[])),
        (
            "the web through a Gateway only",
            web_only(
                "expose.web=httpRoute",
                &[
                    "expose.httpRoute.parentRefs[0].name=edge",
                    "expose.httpRoute.parentRefs[0].namespace=gateways",
                ],
            ),
        ),
        ("an IPv6 LoadBalancer address", vec!["expose.loadBalancer.ip=2001:db8::25"]),
        ("host ports with IMAP", vec!["expose.mail=hostPort", "expose.ports.imap=true"]),
        (
            "an IPv6 pod network",
            vec!["subnet=fd00:42::/56", "expose.loadBalancer.ipFamilyPolicy=SingleStack"],
        ),
        ("host ports on an IPv6 pod network", vec!["expose.mail=hostPort", "subnet=fd00:42::/56"]),
        ("the admin pages off", vec!["admin.ui=false"]),
    ];
    for (name, set) in variants {
        cases.push(Case { name: format!("minimal.yaml with {name}"), file: minimal.clone(), set });
    }
    cases
}

fn values_of(case: &Case) -> Values {
    mailu_chart::values::resolve(&common::user_values(&[&case.file], &case.set))
        .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

fn zone_of(values: &Values) -> String {
    let tree = values_tree(values);
    dns::zone(&Ctx::new(&tree, "mailu", "mailu"))
}

/// The client-facing ports the rendered objects publish: on the LoadBalancer, as host ports,
/// as Traefik routes; 443 also through an Ingress or HTTPRoute.
fn published_ports(manifests: &[Manifest]) -> BTreeSet<i64> {
    let mut ports = BTreeSet::new();
    let int = |v: &Value| match v {
        Value::Int(n) => *n,
        Value::Float(f) => *f as i64,
        other => panic!("a port {other:?}"),
    };
    for m in manifests {
        match m.kind() {
            "Service" if m.object.get_dotted("spec.type").and_then(Value::as_str) == Some("LoadBalancer") => {
                for port in m.object.get_dotted("spec.ports").and_then(Value::as_list).into_iter().flatten() {
                    ports.insert(int(port.get_dotted("port").unwrap()));
                }
            }
            "Deployment" | "DaemonSet" => {
                for container in m
                    .object
                    .get_dotted("spec.template.spec.containers")
                    .and_then(Value::as_list)
                    .into_iter()
                    .flatten()
                {
                    for port in container.get_dotted("ports").and_then(Value::as_list).into_iter().flatten() {
                        if let Some(host_port) = port.get_dotted("hostPort") {
                            ports.insert(int(host_port));
                        }
                    }
                }
            }
            "IngressRouteTCP" => {
                let name = m.name().strip_prefix("mailu-").unwrap();
                let port = PUBLIC_PORTS.iter().find(|p| p.name == name).expect("a route per public port");
                ports.insert(i64::from(port.number));
            }
            "Ingress" | "HTTPRoute" => {
                ports.insert(443);
            }
            _ => {}
        }
    }
    ports
}

#[test]
fn the_records_follow_the_values_and_what_is_published() {
    for case in cases() {
        let name = &case.name;
        let values = values_of(&case);
        let zone = zone_of(&values);
        let domain = values.domain.to_string();
        let hosts: Vec<String> = values.hostnames.iter().map(|h| h.to_string()).collect();
        let primary = &hosts[0];
        let has =
            |line: String| assert!(zone.lines().any(|l| l == line), "{name}: no line {line:?} in\n{zone}");
        has(format!("{domain}. 600 IN MX 10 {primary}."));
        has(format!("{domain}. 600 IN TXT \"v=spf1 mx a:{primary} ~all\""));
        has(format!("dkim._domainkey.{domain}. 600 IN TXT \"v=DKIM1; k=rsa; p=<public key>\""));
        // Mailu's admin (core/admin/mailu/models.py, dns_dmarc) leaves out a report tag whose
        // local part is unset and puts a set one in the primary domain.
        let tag = |name: &str, part: &str| {
            if part.is_empty() { String::new() } else { format!(" {name}=mailto:{part}@{domain};") }
        };
        has(format!(
            "_dmarc.{domain}. 600 IN TXT \"v=DMARC1; p=reject;{}{} adkim=s; aspf=s\"",
            tag("rua", &values.dmarc.rua.to_string()),
            tag("ruf", &values.dmarc.ruf.to_string())
        ));
        let address = |host: &str, kind: &str| format!("{host}. 600 IN {kind} ");
        let has_address = |host: &str| {
            zone.lines().any(|l| l.starts_with(&address(host, "A")) || l.starts_with(&address(host, "AAAA")))
        };
        // Every host name has its address, the names clients ask for their settings too when
        // they are among them (front serves them only then: the Ingress's rules and the
        // certificate hold the host names).
        for host in &hosts {
            assert!(has_address(host), "{name}: {host} in\n{zone}");
        }
        // Without an address given, the family is the pod network's (a single-stack Service,
        // a node's address).
        use mailu_chart::values::model::{IpFamilyPolicy, MailExposure};
        let single_stack = values.expose.mail != MailExposure::LoadBalancer
            || values.expose.load_balancer.ip_family_policy == IpFamilyPolicy::SingleStack;
        if values.subnet.to_string().contains(':')
            && values.expose.load_balancer.ip.to_string().is_empty()
            && single_stack
        {
            let starts = |prefix: String| zone.lines().any(|l| l.starts_with(&prefix));
            assert!(!starts(format!("{primary}. 600 IN A ")), "{name}: an IPv4 address in\n{zone}");
            assert!(starts(format!("{primary}. 600 IN AAAA ")), "{name}: no IPv6 address in\n{zone}");
        }
        let ip = values.expose.load_balancer.ip.to_string();
        if !ip.is_empty() && values.expose.mail == mailu_chart::values::model::MailExposure::LoadBalancer {
            has(format!("{primary}. 600 IN {} {ip}", if ip.contains(':') { "AAAA" } else { "A" }));
        }
        let published = published_ports(&common::render(&[&case.file], &case.set));
        for (service, port, priority) in [
            ("imap", 143, 20),
            ("pop3", 110, 20),
            ("submission", 587, 20),
            ("autodiscover", 443, 10),
            ("submissions", 465, 10),
            ("imaps", 993, 10),
            ("pop3s", 995, 10),
            ("sieve", 4190, 10),
        ] {
            let owner = format!("_{service}._tcp.{domain}. 600 IN SRV");
            if published.contains(&port) {
                has(format!("{owner} {priority} 1 {port} {primary}."));
            } else {
                has(format!("{owner} 0 0 0 ."));
            }
        }
        assert!(!zone.lines().any(|l| l.contains(" IN CNAME ")), "{name}: an alias nothing serves");
        for line in zone.lines().filter(|l| !l.is_empty() && !l.starts_with(';')) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(fields.len() >= 5, "{name}: {line}");
            assert!(fields[0].ends_with('.') && fields[1] == "600" && fields[2] == "IN", "{name}: {line}");
            assert!(["A", "AAAA", "MX", "SRV", "TXT"].contains(&fields[3]), "{name}: {line}");
        }
    }
}

#[test]
fn the_json_holds_the_records_of_the_zone_file() {
    for case in cases() {
        let name = &case.name;
        let values = values_of(&case);
        let tree = values_tree(&values);
        let ctx = Ctx::new(&tree, "mailu", "mailu");
        let zone = dns::zone(&ctx);
        let sections = dns::evaluate(&ctx);
        let mut count = 0;
        for record in sections.iter().flat_map(|s| &s.records) {
            let data =
                if record.kind == "TXT" { format!("\"{}\"", record.value) } else { record.value.clone() };
            let line = format!("{} {} IN {} {data}", record.name, record.ttl, record.kind);
            assert!(zone.lines().any(|l| l == line), "{name}: {line:?} is not in the zone file");
            assert_eq!(record.placeholder, record.value.contains('<'), "{name}: {line}");
            count += 1;
        }
        let zone_records = zone.lines().filter(|l| !l.is_empty() && !l.starts_with(';')).count();
        assert_eq!(count, zone_records, "{name}");
        let notes = sections.iter().flat_map(|s| &s.notes).count();
        assert_eq!(notes, zone.lines().filter(|l| l.starts_with(';')).count(), "{name}");
    }
}

#[test]
fn the_zone_file_of_every_example() {
    for case in cases().into_iter().filter(|c| c.set.is_empty()) {
        let stem = case.file.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("zone-{stem}"), zone_of(&values_of(&case)));
    }
}

#[test]
fn dmarc_report_tags_appear_only_when_set() {
    let file = common::root().join("values-examples/minimal.yaml");
    let zone = zone_of(&values_of(&Case { name: "minimal".into(), file: file.clone(), set: Vec::new() }));
    assert!(zone.contains("\"v=DMARC1; p=reject; adkim=s; aspf=s\""), "{zone}");
    assert!(!zone.contains("relay"), "{zone}");
    let set = vec!["dmarc.rua=reports"];
    let zone = zone_of(&values_of(&Case { name: "minimal".into(), file, set }));
    assert!(
        zone.contains("\"v=DMARC1; p=reject; rua=mailto:reports@example.com; adkim=s; aspf=s\""),
        "{zone}"
    );
}

#[test]
fn without_the_admin_pages_the_notes_point_at_the_commands() {
    let file = common::root().join("values-examples/minimal.yaml");
    let zone = zone_of(&values_of(&Case { name: "minimal".into(), file, set: vec!["admin.ui=false"] }));
    assert!(!zone.contains("admin UI"), "{zone}");
    assert!(zone.contains("; The DKIM key: Mailu makes it with these commands:"), "{zone}");
    assert!(zone.contains("flask mailu config-export domain.name domain.dns_dkim"), "{zone}");
}

/// The zone file as the notes show it: indented, blank lines empty.
fn indented(zone: &str) -> String {
    zone.lines().map(|l| if l.is_empty() { "\n".to_string() } else { format!("   {l}\n") }).collect()
}

#[test]
fn the_chart_notes_show_the_same_records() {
    let chart_dir = common::root().join("chart-out");
    let chart = load_chart(&chart_dir).unwrap();
    let helm = common::Oracle::Helm4.find();
    for case in cases() {
        let name = &case.name;
        let expected = indented(&zone_of(&values_of(&case)));
        let user = common::user_values(&[&case.file], &case.set);
        let release = Release::default();
        let options = RenderOptions {
            release_name: release.name.clone(),
            namespace: release.namespace.clone(),
            ..Default::default()
        };
        let rendered = render_chart(&chart, &user.values, &options).unwrap();
        assert!(
            rendered.notes.contains(&format!(
                "`mailu-chart dns` prints the same, as a zone file or JSON):\n{expected}"
            )),
            "{name}: the built-in renderer's notes differ from `dns`:\n{}\n--- expected ---\n{expected}",
            rendered.notes
        );
        if let Some(helm) = &helm {
            let chart = chart_dir.display().to_string();
            let file = case.file.display().to_string();
            let mut args = vec!["install", "mailu", &chart, "-n", "mailu", "--dry-run=client", "-f", &file];
            for set in &case.set {
                args.extend(["--set", set]);
            }
            let output = common::run(helm, &args);
            assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(stdout.contains(&expected), "{name}: helm's notes differ from `dns`:\n{stdout}");
        }
    }
}

/// The notes' other steps follow the values: every Secret they name, the way in, and an
/// admin address that reaches the web's proxy.
#[test]
fn the_chart_notes_name_the_secrets_and_a_host_name_browsers_reach() {
    let chart = load_chart(&common::root().join("chart-out")).unwrap();
    let notes = |example: &str| {
        let path = common::root().join(format!("values-examples/{example}.yaml"));
        let user = common::user_values(&[&path], &[]);
        let options =
            RenderOptions { release_name: "mailu".into(), namespace: "mailu".into(), ..Default::default() };
        render_chart(&chart, &user.values, &options).unwrap().notes
    };
    let everything = notes("everything");
    for secret in [
        "The Secret mailu-database must hold the PostgreSQL user",
        "The Secret roundcube-database",
        "The Secret mailu-relay",
    ] {
        assert!(everything.contains(secret), "{secret}:\n{everything}");
    }
    assert!(notes("minimal").contains("Mail and the web arrive on the LoadBalancer Service"));
    // With the web behind a Gateway and mail on the LoadBalancer, the primary host name is
    // mail's; browsers use the others.
    let gateway = notes("gateway-api");
    assert!(
        gateway.contains("Mail arrives on the LoadBalancer")
            && gateway.contains("https://webmail.example.com/admin"),
        "{gateway}"
    );
    // Through Traefik, mail and web share its addresses: the primary host name serves both.
    assert!(notes("traefik").contains("https://mail.example.net/admin"));
}
