//! The values Mailu's trust rests on, and the rules that keep them safe.
//!
//! Mailu trusts its pod network (`subnet`) without passwords: postfix relays mail from it to
//! anywhere and accepts XCLIENT logins from it, dovecot logs anyone in from it, rspamd's
//! controller obeys it, and front believes the client address a proxy in it (or in
//! `expose.trustedProxies`) reports. So those networks must be private ranges, the variables
//! that say whom Mailu trusts come from the values' own keys only (never from a component's
//! `extraEnv`), and turning the NetworkPolicies off is said out loud. SECURITY.md describes
//! the whole model.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::{HostPortKind, MailExposure, Values, WebExposure};

/// Overrides of the trust rules, for the rare cluster that needs one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Trust {
    /// DANGEROUS. Accept a `subnet` outside the private ranges (10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16, 100.64.0.0/10, 198.18.0.0/15, 240.0.0.0/4, fc00::/7). Mailu trusts the
    /// subnet without passwords, so a public range that is not exactly the pod network makes
    /// Mailu an open relay and opens every mailbox to that range. Only for a cluster whose
    /// pods have public addresses (IPv6 clusters with global pod addresses, for example), with
    /// `subnet` set to exactly that pod network and NetworkPolicies on.
    pub allow_public_subnet: bool,
    /// DANGEROUS. Accept `authentication.proxy.trustedNetworks` outside the private ranges.
    /// Admin logs in whoever a request from these networks names in its header, and the
    /// address it checks is whatever connected to front, so a public range lets anyone on it
    /// who can reach front log in as any user. Only for a proxy that really has a public
    /// address, with exactly that address (a /32 or /128) listed.
    pub allow_public_proxy_auth_networks: bool,
    /// DANGEROUS. Accept `expose.trustedProxies` outside the private ranges. front believes
    /// the client address these networks report, so anyone on a public range could claim an
    /// address of the pod network and have postfix relay their mail anywhere. Only for a
    /// proxy with public addresses (a host-network proxy on nodes with public addresses, a
    /// load balancer that connects from its public address), with exactly those addresses (a
    /// /32 or /128 each) listed.
    pub allow_public_trusted_proxies: bool,
}

/// The networks a pod network may lie in without the override: ranges never routed on the
/// internet. RFC 1918; RFC 6598's shared space (used for pods by some managed clusters); RFC
/// 2544's benchmark range; the reserved 240.0.0.0/4 (GKE's "class E" pod ranges); RFC 4193's
/// unique local IPv6 addresses.
pub const PRIVATE_RANGES: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "198.18.0.0/15",
    "240.0.0.0/4",
    "fc00::/7",
];

/// A CIDR (already known to be well-formed, host bits zero) inside one of [`PRIVATE_RANGES`]:
/// the leading octets or hextet and a prefix at least as long as the range's. Valid in RE2,
/// ECMA-262 and Rust's regex, so helm checks the same rule through `values.schema.json`.
pub const PRIVATE_SUBNET_PATTERN: &str = concat!(
    "^(",
    "10\\.[0-9.]+/([89]|[12][0-9]|3[0-2])",
    "|172\\.(1[6-9]|2[0-9]|3[01])\\.[0-9.]+/(1[2-9]|2[0-9]|3[0-2])",
    "|192\\.168\\.[0-9.]+/(1[6-9]|2[0-9]|3[0-2])",
    "|100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.[0-9.]+/(1[0-9]|2[0-9]|3[0-2])",
    "|198\\.1[89]\\.[0-9.]+/(1[5-9]|2[0-9]|3[0-2])",
    "|(24[0-9]|25[0-5])\\.[0-9.]+/([4-9]|[12][0-9]|3[0-2])",
    "|[fF][cCdD][0-9a-fA-F]{2}(:[0-9a-fA-F:]*)?/([7-9]|[1-9][0-9]|1[01][0-9]|12[0-8])",
    // Empty: the subnet's own check says it is required.
    ")?$"
);

/// Completes "subnet: must be ...".
pub const PRIVATE_SUBNET_MEANING: &str = "a private network (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 198.18.0.0/15, 240.0.0.0/4 or fc00::/7)";

/// Why, for the error message.
pub const PRIVATE_SUBNET_REASON: &str = "Mailu trusts the subnet without passwords (postfix relays its mail to \
     anywhere, dovecot logs it in as any user), so a range with public addresses would make Mailu an open relay; \
     set subnet to exactly the cluster's pod network, or, only if the pods really have public addresses, set \
     trust.allowPublicSubnet: true (dangerous)";

/// Why, for the error message about `authentication.proxy.trustedNetworks`.
pub const PROXY_AUTH_NETWORKS_REASON: &str = "admin logs in whichever user a request from these networks names \
     in its header, and the address it checks is the one that connected to front (front sets X-Forwarded-By to \
     it), so a public range would let anyone there log in as anyone; list only the proxy's own address or \
     network, or, only if the proxy really has a public address, set trust.allowPublicProxyAuthNetworks: true \
     (dangerous)";

/// Why, for the error message about `expose.trustedProxies`.
pub const TRUSTED_PROXIES_REASON: &str = "front believes the client address these networks report, so anyone \
     there could claim an address of the pod network, which postfix relays for without a password; list only \
     the proxy's own addresses, or, only if the proxy really has public addresses, list exactly those and set \
     trust.allowPublicTrustedProxies: true (dangerous)";

/// One environment variable Mailu's trust rests on: what it decides, and which values key
/// sets it instead.
pub struct TrustVariable {
    /// The name, or a prefix followed by a port number (`PROXY_PROTOCOL_` for
    /// `PROXY_PROTOCOL_993`).
    pub name: &'static str,
    pub per_port: bool,
    /// Completes "`<NAME>` decides ...".
    pub decides: &'static str,
    /// Where the setting belongs instead.
    pub instead: &'static str,
}

const fn var(name: &'static str, decides: &'static str, instead: &'static str) -> TrustVariable {
    TrustVariable { name, per_port: false, decides, instead }
}

const fn per_port(name: &'static str, decides: &'static str, instead: &'static str) -> TrustVariable {
    TrustVariable { name, per_port: true, decides, instead }
}

const TRUSTED_NETWORK: &str = "the network Mailu trusts without passwords";
const SET_SUBNET: &str = "set `subnet` to the pod network";
const CLIENT_ADDRESS: &str = "whose word front believes for a client's address";
const FOLLOWS_EXPOSURE: &str = "it follows `expose.mail` and `expose.web`";
const SET_TRUSTED_PROXIES: &str = "it follows `expose.mail` and `expose.web`; a proxy outside the pod network goes in `expose.trustedProxies`";
const TLS_ENDS: &str = "where TLS is required and how it ends";
const FOLLOWS_TLS: &str = "it follows `tls.source` and the exposure";
const HEADER_LOGIN: &str = "which addresses may log in as any user by naming them in a header";
const SET_PROXY_AUTH: &str = "set `authentication.proxy`";

/// The variables, from Mailu 2024.06's sources: `core/postfix/conf/main.cf` (mynetworks,
/// XCLIENT), `core/dovecot/conf/dovecot.conf` and admin's dovecot passdb (password-less
/// logins), `core/rspamd/conf` (the controller's secure addresses), `core/nginx/conf` and
/// `core/nginx/dovecot/proxy.conf` (real addresses, PROXY protocol, TLS), socrate's
/// `clean_env` (the per-port forms it derives) and admin's `configuration.py` and `sso/views/base.py` (header logins,
/// checked against the address front saw, which `core/nginx/conf/proxy.conf` passes on as
/// X-Forwarded-By).
pub const TRUST_VARIABLES: &[TrustVariable] = &[
    var("SUBNET", TRUSTED_NETWORK, SET_SUBNET),
    var("SUBNET6", TRUSTED_NETWORK, SET_SUBNET),
    var(
        "RELAYNETS",
        "the networks postfix relays mail for without authentication",
        "no values key sets it: relaying is for authenticated users, through front's submission ports",
    ),
    var("REAL_IP_FROM", CLIENT_ADDRESS, SET_TRUSTED_PROXIES),
    var("REAL_IP_HEADER", CLIENT_ADDRESS, FOLLOWS_EXPOSURE),
    var("PROXY_PROTOCOL", CLIENT_ADDRESS, FOLLOWS_EXPOSURE),
    per_port("PROXY_PROTOCOL_", CLIENT_ADDRESS, FOLLOWS_EXPOSURE),
    var("TLS_FLAVOR", TLS_ENDS, FOLLOWS_TLS),
    var("TLS", TLS_ENDS, FOLLOWS_TLS),
    per_port("TLS_", TLS_ENDS, FOLLOWS_TLS),
    var("TLS_ERROR", TLS_ENDS, FOLLOWS_TLS),
    var("PORTS", "which ports front opens", "set `expose.ports`"),
    per_port("PORT_", "which ports front opens", "set `expose.ports`"),
    var("PROXY_AUTH_WHITELIST", HEADER_LOGIN, SET_PROXY_AUTH),
    var("PROXY_AUTH_HEADER", HEADER_LOGIN, SET_PROXY_AUTH),
    var("PROXY_AUTH_CREATE", HEADER_LOGIN, SET_PROXY_AUTH),
];

impl TrustVariable {
    fn matches(&self, name: &str) -> bool {
        if self.per_port {
            name.strip_prefix(self.name)
                .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        } else {
            name == self.name
        }
    }

    fn pattern(&self) -> String {
        if self.per_port { format!("{}[0-9]+", self.name) } else { self.name.to_string() }
    }
}

/// The names of [`TRUST_VARIABLES`] as one pattern, for `values.schema.json`.
pub fn trust_variables_pattern() -> String {
    let names: Vec<String> = TRUST_VARIABLES.iter().map(TrustVariable::pattern).collect();
    format!("^({})$", names.join("|"))
}

/// Why an `extraEnv` entry of this name is refused; `None` when the name is fine.
pub fn extra_env_problem(name: &str) -> Option<String> {
    let variable = trust_variable(name)?;
    Some(format!(
        "sets {name}, which decides {}: Mailu's trust rests on it, so extraEnv may not set it; {}",
        variable.decides, variable.instead
    ))
}

/// The trust variable `name` is, if it is one.
pub fn trust_variable(name: &str) -> Option<&'static TrustVariable> {
    TRUST_VARIABLES.iter().find(|v| v.matches(name))
}

/// What an attacker inside the cluster can do when the NetworkPolicies are off, checked in
/// Mailu 2024.06's sources. The chart's NOTES print the same text.
pub const NETWORK_POLICY_OFF: &str = "networkPolicy.enabled is false: every pod in the cluster can reach \
every Mailu port, and Mailu trusts the pod network without passwords. Any pod can then relay mail to \
anywhere through postfix (port 25), send as any user through postfix's port 10025 and \
dovecot-submission's port 10025, read every mailbox through dovecot's IMAP (143) and POP3 (110) \
ports, deliver into any mailbox over LMTP (2525), command rspamd's controller (11334), query \
admin's internal API (8080), read and write Redis (6379), act as any user towards webdav (5232), \
guess passwords without rate limits on front's webmail ports (10143, 10025, 14190), and use ClamAV (3310), \
Tika (9998), oletools (11343) and the metrics of dovecot (9900) and rspamd (11334) where they run. Keep NetworkPolicies on unless the cluster enforces the same \
isolation another way.";

/// Settings that are valid but dangerous, or that have no effect, each as one warning.
pub fn warnings(values: &Values) -> Vec<String> {
    let mut warnings = Vec::new();
    if !values.network_policy.enabled {
        warnings.push(NETWORK_POLICY_OFF.to_string());
    }
    if values.trust.allow_public_subnet {
        warnings.push(format!(
            "trust.allowPublicSubnet is true: Mailu trusts {} without passwords; it must be exactly the pod network",
            &*values.subnet
        ));
    }
    let proxy_networks = &values.authentication.proxy.trusted_networks;
    if values.trust.allow_public_proxy_auth_networks && !proxy_networks.is_empty() {
        let networks: Vec<&str> = proxy_networks.iter().map(|n| &**n).collect();
        warnings.push(format!(
            "trust.allowPublicProxyAuthNetworks is true: whoever connects to front from {} may log in as any user \
             by naming them in the {} header",
            networks.join(", "),
            &*values.authentication.proxy.header
        ));
    }
    // A route with filters of its own is taken to set the header (the example's ForwardAuth).
    let web_proxy = match values.expose.web {
        WebExposure::Ingress => true,
        WebExposure::HttpRoute => values.expose.http_route.filters.is_empty(),
        _ => false,
    };
    if web_proxy && proxy_networks.iter().any(|n| super::text::cidrs_overlap(n, &values.subnet)) {
        warnings.push(format!(
            "authentication.proxy.trustedNetworks holds pod addresses, and the ingress controller or Gateway \
             forwards every request from one: it must set the {} header on every request, replacing what the \
             client sent (ingress-nginx's auth-response-headers, a filter in expose.httpRoute.filters), or anyone \
             can sign in as any user",
            &*values.authentication.proxy.header
        ));
    }
    let helpers = [
        ("clamav", values.clamav.enabled, "rspamd", values.rspamd.enabled, "hands mail to ClamAV"),
        ("oletools", values.oletools.enabled, "rspamd", values.rspamd.enabled, "asks oletools about macros"),
    ];
    for (helper, on, user, user_on, what) in helpers {
        if on && !user_on {
            warnings.push(format!(
                "{helper}.enabled has no effect with {user}.enabled false: only {user} {what}; {helper} runs for nothing"
            ));
        }
    }
    if values.expose.mail == MailExposure::HostPort
        && values.expose.host_port.kind == HostPortKind::DaemonSet
        && values.front.replicas != 1
    {
        warnings.push(format!(
            "front.replicas has no effect with expose.hostPort.kind DaemonSet: one front pod runs on each node \
             that may run it, not {}",
            values.front.replicas
        ));
    }
    // optional/fetchmail/fetchmail.py hands the mail of accounts set to scan to front's port 25
    // over plain SMTP; core/admin/mailu/internal/nginx.py refuses plain SMTP there when the
    // TLS of incoming mail is enforced.
    if values.fetchmail.enabled && values.tls.inbound_enforce {
        warnings.push(
            "fetchmail.enabled with tls.inboundEnforce true: fetchmail delivers the mail of accounts set to \
             scan over plain SMTP to front's port 25, which then refuses it, so that mail stays on the remote \
             server; turn scanning off for those accounts, or leave tls.inboundEnforce false"
                .to_string(),
        );
    }
    let web_proxy_named = {
        let peer = &values.network_policy.web_proxy;
        !peer.namespace_labels.is_empty() || !peer.pod_labels.is_empty()
    };
    if web_proxy_named && !values.expose.web.behind_proxy() {
        warnings.push(
            "networkPolicy.webProxy has no effect without expose.web ingress or httpRoute: no proxy serves the web"
                .to_string(),
        );
    }
    let redirects = values.expose.https_redirect && values.expose.web.behind_proxy();
    if redirects && values.front.overrides.contains_key(crate::components::front::HTTPS_REDIRECT) {
        warnings.push(format!(
            "front.overrides[\"{}\"] is replaced by the chart's own file of that name (the redirect to HTTPS \
             behind a proxy); name yours otherwise, or set expose.httpsRedirect false",
            crate::components::front::HTTPS_REDIRECT
        ));
    }
    warnings.extend(unread_overrides(values));
    if values.rspamd.enabled && values.rspamd.overrides.contains_key(RSPAMD_FORBIDDEN_EXTENSIONS) {
        warnings.push(format!(
            "rspamd.overrides[\"{RSPAMD_FORBIDDEN_EXTENSIONS}\"] replaces Mailu's list of the attachment extensions rspamd \
             refuses (exe, js, scr and 65 more; core/rspamd/start.py copies it over the list, multimap.conf rejects on it): \
             to add to the list, give the whole list"
        ));
    }
    let clamav = &values.clamav;
    if clamav.enabled && clamav.replicas > 1 && clamav.persistence != Values::default().clamav.persistence {
        warnings.push(format!(
            "clamav.persistence has no effect with clamav.replicas {}: each pod keeps the signatures in a volume of \
             its own (emptyDir), as one claim cannot be shared",
            clamav.replicas
        ));
    }
    warnings
}

/// The rspamd file an override replaces instead of being merged into it.
const RSPAMD_FORBIDDEN_EXTENSIONS: &str = "forbidden_file_extension.map";

/// rspamd's configuration files that Mailu writes into `local.d` and that include no file of
/// `/overrides`: core/rspamd/start.py copies no override named like one of them, so an
/// override of that name is never read (every other file of core/rspamd/conf includes its
/// namesake from `/overrides`, `forbidden_file_extension.map` is replaced by it).
const RSPAMD_UNMERGED: [&str; 8] = [
    "local_subnet.map",
    "logging.inc",
    "options.inc",
    "redis.conf",
    "worker-controller.inc",
    "worker-fuzzy.inc",
    "worker-normal.inc",
    "worker-proxy.inc",
];

/// Override files Mailu does not read, by the names each component reads (Mailu 2024.06),
/// unless another override of the component names them (an include of its own).
fn unread_overrides(values: &Values) -> Vec<String> {
    let roundcube = values.webmail.kind == super::model::WebmailType::Roundcube;
    // Each component: whether it runs, its overrides, the names it reads, and why.
    type Reads<'a> = &'a dyn Fn(&str) -> bool;
    let components: [(&str, bool, &super::model::Overrides, Reads, &str); 5] = [
        (
            "front",
            values.front.enabled,
            &values.front.overrides,
            &|n| n.ends_with(".conf"),
            "nginx includes /overrides/*.conf only (core/nginx/conf/nginx.conf)",
        ),
        (
            "postfix",
            values.postfix.enabled,
            &values.postfix.overrides,
            &|n| {
                ["postfix.cf", "postfix.master", "mta-sts-daemon.yml", "logrotate.conf"].contains(&n)
                    || n.ends_with(".map")
            },
            "Mailu reads postfix.cf, postfix.master, *.map, mta-sts-daemon.yml and logrotate.conf only (core/postfix/start.py)",
        ),
        (
            "dovecot",
            values.dovecot.enabled,
            &values.dovecot.overrides,
            &|n| n == "dovecot.conf",
            "Mailu includes dovecot.conf only (core/dovecot/conf/dovecot.conf)",
        ),
        (
            "rspamd",
            values.rspamd.enabled,
            &values.rspamd.overrides,
            &|n| !RSPAMD_UNMERGED.contains(&n),
            "Mailu keeps its own file of that name, which includes none from /overrides (core/rspamd/start.py)",
        ),
        (
            "webmail",
            values.webmail.enabled,
            &values.webmail.overrides,
            &|n| roundcube && (n.ends_with(".inc") || n.ends_with(".inc.php")),
            "Roundcube includes *.inc and *.inc.php only, SnappyMail none (webmails/start.py, \
             webmails/roundcube/config/config.inc.php)",
        ),
    ];
    let mut warnings = Vec::new();
    for (component, enabled, overrides, read, why) in components {
        if !enabled {
            continue;
        }
        for name in overrides.keys() {
            let named_elsewhere =
                overrides.iter().any(|(other, text)| other != name && text.contains(name.as_str()));
            if !read(name) && !named_elsewhere {
                warnings.push(format!(
                    "{component}.overrides[\"{name}\"] has no effect: {why}, and no other override of {component} names it"
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn overrides_mailu_never_reads_are_warned_about() {
        let mut values = Values::default();
        let files =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        values.rspamd.overrides = files(&[
            ("options.inc", "dns { timeout = 2s; }"),
            ("multimap.conf", "X { map = \"/overrides/mine.map\"; }"),
            ("mine.map", "a"),
            ("worker-normal.inc", "x"),
            ("extra.conf", ".include \"/overrides/worker-normal.inc\""),
        ]);
        values.dovecot.overrides = files(&[
            ("quota.conf", "x"),
            ("dovecot.conf", "!include /overrides/extra.conf"),
            ("extra.conf", "y"),
        ]);
        values.front.overrides = files(&[("snippet.inc", "z"), ("site.conf", "")]);
        let unread = unread_overrides(&values);
        let named: Vec<&str> = unread.iter().map(|w| w.split(" has no effect").next().unwrap()).collect();
        assert_eq!(
            named,
            [
                "front.overrides[\"snippet.inc\"]",
                "dovecot.overrides[\"quota.conf\"]",
                "rspamd.overrides[\"options.inc\"]"
            ]
        );
        // Off, a component reads nothing anyway: no warning about its files.
        values.dovecot.enabled = false;
        assert_eq!(unread_overrides(&values).len(), 2);
    }

    #[test]
    fn an_rspamd_list_of_forbidden_extensions_is_said_to_replace_mailus() {
        let mut values = Values::default();
        let replaced = |values: &Values| warnings(values).iter().any(|w| w.contains("replaces Mailu's list"));
        assert!(!replaced(&values));
        values.rspamd.overrides.insert(RSPAMD_FORBIDDEN_EXTENSIONS.into(), "iso\n".into());
        assert!(replaced(&values));
        values.rspamd.enabled = false;
        assert!(!replaced(&values));
    }

    /// The oracle: whether `cidr` lies inside `range`, by arithmetic.
    fn inside(cidr: &str, range: &str) -> bool {
        let parse = |text: &str| {
            let (address, prefix) = text.split_once('/').unwrap();
            (address.parse::<IpAddr>().unwrap(), prefix.parse::<u32>().unwrap())
        };
        let ((address, prefix), (network, range_prefix)) = (parse(cidr), parse(range));
        if prefix < range_prefix {
            return false;
        }
        match (address, network) {
            (IpAddr::V4(a), IpAddr::V4(n)) => {
                let mask = u32::MAX.checked_shl(32 - range_prefix).unwrap_or(0);
                u32::from(a) & mask == u32::from(n) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(n)) => {
                let mask = u128::MAX.checked_shl(128 - range_prefix).unwrap_or(0);
                u128::from(a) & mask == u128::from(n) & mask
            }
            _ => false,
        }
    }

    fn private(cidr: &str) -> bool {
        PRIVATE_RANGES.iter().any(|range| inside(cidr, range))
    }

    #[test]
    fn the_pattern_accepts_exactly_the_private_ranges() {
        let pattern = regex::Regex::new(PRIVATE_SUBNET_PATTERN).unwrap();
        let mut cases: Vec<String> = [
            "0.0.0.0/0",
            "10.0.0.0/7",
            "10.0.0.0/8",
            "10.42.0.0/16",
            "11.0.0.0/8",
            "172.15.0.0/16",
            "172.16.0.0/12",
            "172.16.0.0/11",
            "172.31.255.0/24",
            "172.32.0.0/16",
            "192.168.0.0/16",
            "192.168.0.0/15",
            "192.169.0.0/16",
            "100.64.0.0/10",
            "100.64.0.0/9",
            "100.127.0.0/16",
            "100.128.0.0/16",
            "198.18.0.0/15",
            "198.20.0.0/16",
            "240.0.0.0/4",
            "224.0.0.0/3",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "fc00::/7",
            "fd42::/48",
            "fd00:10:244::/56",
            "fc00::/6",
            "fe80::/10",
            "2001:db8::/32",
            "::/0",
            "fd0::/16",
            "FD42::/48",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every prefix length of a few addresses in and around the ranges.
        for base in [
            [10, 0, 0, 0],
            [172, 16, 0, 0],
            [192, 168, 0, 0],
            [100, 64, 0, 0],
            [198, 18, 0, 0],
            [240, 0, 0, 0],
        ] {
            for prefix in 0..=32u32 {
                let raw = u32::from_be_bytes(base) & u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
                cases.push(format!("{}/{prefix}", std::net::Ipv4Addr::from(raw)));
            }
        }
        for prefix in 0..=128u32 {
            let raw = 0xfd00_0000_0000_0000_0000_0000_0000_0000u128
                & u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            cases.push(format!("{}/{prefix}", std::net::Ipv6Addr::from(raw)));
        }
        for cidr in &cases {
            let lower = cidr.to_lowercase();
            assert_eq!(pattern.is_match(cidr), private(&lower), "{cidr}");
        }
    }

    #[test]
    fn trust_variables_are_refused_by_name_and_port_forms_only_with_digits() {
        assert!(extra_env_problem("RELAYNETS").unwrap().contains("no values key sets it"));
        assert!(extra_env_problem("SUBNET").unwrap().contains("set `subnet`"));
        assert!(extra_env_problem("PROXY_PROTOCOL_993").is_some());
        assert!(extra_env_problem("TLS_465").is_some());
        assert!(extra_env_problem("TLS_PERMISSIVE").is_none());
        assert!(extra_env_problem("PROXY_PROTOCOL_").is_none());
        assert!(extra_env_problem("MESSAGE_RATELIMIT").is_none());
        let pattern = regex::Regex::new(&trust_variables_pattern()).unwrap();
        for name in ["SUBNET", "SUBNET6", "PORT_25", "PROXY_AUTH_WHITELIST", "TLS", "TLS_FLAVOR", "RELAYNETS"]
        {
            assert!(pattern.is_match(name), "{name}");
            assert!(extra_env_problem(name).is_some(), "{name}");
        }
        for name in ["TLS_PERMISSIVE", "PORTSX", "XSUBNET", "subnet", "PORT_"] {
            assert!(!pattern.is_match(name), "{name}");
            assert!(extra_env_problem(name).is_none(), "{name}");
        }
    }
}
