//! The DNSSEC-validating resolver (Mailu's unbound image) that runs beside the components
//! whose DNS lookups must be validated: admin refuses to start without validation
//! (`core/admin/start.py` asks each resolver of its resolv.conf for a validated answer),
//! postfix needs it for DANE, rspamd for its sender checks. It answers on the pod's own
//! loopback address, so it needs no Service and no fixed cluster address; the cluster's own
//! names are forwarded to the cluster DNS.

use super::expr::{Cond, Expr, Shared};
use super::wiring::{Component, ImageSource};

/// When the resolver runs.
pub fn enabled() -> Cond {
    Cond::flag("resolver.enabled")
}

/// The resolver as a component, for its image and resources (it has no workload of its own).
pub fn component() -> Component {
    Component::new(
        "resolver",
        "resolver",
        "DNSSEC-validating resolver",
        ImageSource::Mailu("unbound"),
        "resolver.enabled",
    )
}

/// unbound's configuration. The image renders `/unbound.conf` into unbound's own file; this
/// one has no template markup. Validation on, answers only to the pod itself, the cluster's
/// domain forwarded to the cluster DNS without validation (it is not signed).
pub fn configuration() -> Expr {
    Expr::concat(vec![
        Expr::lit(
            "server:\n  verbosity: 1\n  interface: 127.0.0.1\n  access-control: 127.0.0.0/8 allow\n  \
             do-daemonize: no\n  logfile: \"\"\n  directory: \"/etc/unbound\"\n  username: unbound\n  \
             auto-trust-anchor-file: trusted-key.key\n  root-hints: \"/etc/unbound/root.hints\"\n  \
             hide-identity: yes\n  hide-version: yes\n  cache-min-ttl: 300\n  do-ip6: ",
        ),
        // As Mailu's own unbound.conf: servers are asked over IPv6 only where the pods have it.
        Expr::choose(super::shared_env::ipv6_subnet(), Expr::lit("yes"), Expr::lit("no")),
        Expr::lit("\n  domain-insecure: \""),
        Expr::key("clusterDomain"),
        with_zones(vec![
            Expr::lit(".\"\n  domain-insecure: \""),
            Expr::Join(FORWARD_ZONES.into(), ".\"\n  domain-insecure: \""),
        ]),
        Expr::lit(".\""),
        // unbound answers some zones itself (the private networks' reverse zones, `home.arpa`,
        // `test`), before any forwarding: a transparent local zone of the forwarded one's name,
        // more specific than those (a zone inside one of them) or in their place, lets its
        // queries through to the forwarder.
        with_zones(vec![
            Expr::lit("\n  local-zone: \""),
            Expr::Join(FORWARD_ZONES.into(), ".\" typetransparent\n  local-zone: \""),
            Expr::lit(".\" typetransparent"),
        ]),
        Expr::lit("\nforward-zone:\n  name: \""),
        Expr::key("clusterDomain"),
        // One zone after another, each forwarded to the cluster DNS.
        with_zones(vec![zone_separator(), Expr::JoinBy(FORWARD_ZONES.into(), Shared::new(zone_separator()))]),
        Expr::lit(".\"\n  forward-addr: "),
        Expr::key("resolver.clusterDnsAddress"),
        Expr::lit("\n"),
    ])
}

const FORWARD_ZONES: &str = "resolver.forwardZones";

/// The parts, when there are zones to forward besides the cluster's; nothing otherwise.
fn with_zones(parts: Vec<Expr>) -> Expr {
    Expr::choose(Cond::present(FORWARD_ZONES), Expr::concat(parts), Expr::lit(""))
}

/// What stands between two forwarded zones' names: the end of one `forward-zone` clause and
/// the start of the next.
fn zone_separator() -> Expr {
    Expr::concat(vec![
        Expr::lit(".\"\n  forward-addr: "),
        Expr::key("resolver.clusterDnsAddress"),
        Expr::lit("\nforward-zone:\n  name: \""),
    ])
}
