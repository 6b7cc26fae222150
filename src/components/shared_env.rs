//! The environment every Mailu container reads (`<release>-env`): Mailu's settings and the
//! service discovery, as full DNS names because front's nginx resolves them without search
//! domains.

use super::expr::{Cond, Expr};
use super::front;

/// One variable of the shared environment.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedVar {
    pub name: &'static str,
    pub value: Expr,
    pub when: Cond,
}

fn var(name: &'static str, value: Expr) -> SharedVar {
    SharedVar { name, value, when: Cond::Always }
}

fn var_when(name: &'static str, value: Expr, when: Cond) -> SharedVar {
    SharedVar { name, value, when }
}

fn flag(key: &'static str, on: &'static str, off: &'static str) -> Expr {
    Expr::choose(Cond::flag(key), Expr::lit(on), Expr::lit(off))
}

/// The variables, in the order they appear in the ConfigMap.
pub fn vars() -> Vec<SharedVar> {
    let ipv6 = Cond::Contains("subnet".into(), ":");
    let postgresql = Cond::equals("database.type", "postgresql");
    vec![
        var("DOMAIN", Expr::key("domain")),
        var("HOSTNAMES", Expr::Join("hostnames".into(), ",")),
        var("POSTMASTER", Expr::key("postmaster")),
        var("TZ", Expr::key("timezone")),
        var("LOG_LEVEL", Expr::key("logLevel")),
        // Mailu trusts these networks (relaying, XCLIENT, dovecot logins): the pod network.
        var_when("SUBNET", Expr::key("subnet"), Cond::negate(ipv6.clone())),
        var_when("SUBNET6", Expr::key("subnet"), ipv6),
        var("MESSAGE_SIZE_LIMIT", Expr::Product("messageSizeLimitMb".into(), 1_048_576)),
        // TLS ends in front; admin also reads the flavor (secure cookies, client settings).
        var("TLS_FLAVOR", front::tls_flavor()),
        // The ports front opens; admin shows them to users as the client ports.
        var("PORTS", front::ports()),
        var("PROXY_PROTOCOL", front::proxy_protocol()),
        // A proxy's pods are in the pod network: front believes the client address they
        // report (PROXY protocol for mail, X-Forwarded-For for the web), and nobody else's.
        var_when("REAL_IP_FROM", Expr::key("subnet"), front::behind_proxy()),
        var_when("REAL_IP_HEADER", Expr::lit("X-Forwarded-For"), front::web_behind_proxy()),
        var("ADMIN", flag("admin.enabled", "true", "false")),
        var("WEB_ADMIN", Expr::lit("/admin")),
        var("WEB_WEBMAIL", Expr::lit("/webmail")),
        var("WEB_API", Expr::lit("/api")),
        var("WEBROOT_REDIRECT", flag("webmail.enabled", "/webmail", "/admin")),
        var(
            "WEBMAIL",
            Expr::choose(Cond::flag("webmail.enabled"), Expr::key("webmail.type"), Expr::lit("none")),
        ),
        var("WEBDAV", flag("webdav.enabled", "radicale", "none")),
        var("API", flag("api.enabled", "true", "false")),
        var("ANTIVIRUS", flag("clamav.enabled", "clamav", "none")),
        var("FETCHMAIL_ENABLED", flag("fetchmail.enabled", "true", "false")),
        var("DB_FLAVOR", Expr::key("database.type")),
        // Mailu pastes DB_HOST into its database URL, so it carries the port; DB_PORT is not read.
        var_when(
            "DB_HOST",
            Expr::Concat(vec![
                Expr::key("database.postgresql.host"),
                Expr::lit(":"),
                Expr::num("database.postgresql.port"),
            ]),
            postgresql.clone(),
        ),
        var_when("DB_NAME", Expr::key("database.postgresql.name"), postgresql),
        var(
            "REDIS_ADDRESS",
            Expr::choose(
                Cond::flag("redis.builtin"),
                Expr::Concat(vec![Expr::ServiceFqdn("redis"), Expr::lit(":6379")]),
                Expr::Concat(vec![Expr::key("redis.host"), Expr::lit(":"), Expr::num("redis.port")]),
            ),
        ),
        var("ADMIN_ADDRESS", Expr::ServiceFqdn("admin")),
        // Despite its name, FRONT_ADDRESS is where postfix and admin deliver over LMTP
        // (port 2525): dovecot. Webmail and fetchmail override it with front's address.
        var("FRONT_ADDRESS", Expr::ServiceFqdn("dovecot")),
        var("IMAP_ADDRESS", Expr::ServiceFqdn("dovecot")),
        var("SMTP_ADDRESS", Expr::ServiceFqdn("postfix")),
        var_when("ANTISPAM_ADDRESS", Expr::ServiceFqdn("rspamd"), Cond::flag("rspamd.enabled")),
        var_when("ANTIVIRUS_ADDRESS", Expr::ServiceFqdn("clamav"), Cond::flag("clamav.enabled")),
        var_when("WEBMAIL_ADDRESS", Expr::ServiceFqdn("webmail"), Cond::flag("webmail.enabled")),
        var_when("WEBDAV_ADDRESS", Expr::ServiceFqdn("webdav"), Cond::flag("webdav.enabled")),
        // Mailu's admin refuses to start outside Docker unless told it is deployed by a chart.
        var("MAILU_HELM_CHART", Expr::lit("true")),
    ]
}
