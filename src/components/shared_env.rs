//! The environment every Mailu container reads (`<release>-env`): Mailu's settings and the
//! service discovery, as full DNS names because front's nginx resolves them without search
//! domains.

use super::expr::{Cond, Expr};
use super::{database, front};

/// One variable of the shared environment.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedVar {
    pub name: &'static str,
    pub value: Expr,
    pub when: Cond,
    /// The components whose processes read it; empty: every one that has the environment
    /// (or one not known for sure: a pod that reads it must restart when it changes).
    pub readers: &'static [&'static str],
}

impl SharedVar {
    /// Whether a component's processes read it.
    pub fn read_by(&self, component: &str) -> bool {
        self.readers.is_empty() || self.readers.contains(&component)
    }

    fn only(self, readers: &'static [&'static str]) -> SharedVar {
        SharedVar { readers, ..self }
    }
}

fn var(name: &'static str, value: Expr) -> SharedVar {
    SharedVar { name, value, when: Cond::Always, readers: &[] }
}

fn var_when(name: &'static str, value: Expr, when: Cond) -> SharedVar {
    SharedVar { name, value, when, readers: &[] }
}

// The readers named below are those whose sources at Mailu 2024.06 name the variable (start
// scripts, configuration templates, core/admin/mailu/configuration.py; admin copies every
// *_ADDRESS into its settings but uses only those named), checked against the
// derived variables core/base/libs/socrate builds (PROXY_PROTOCOL_*, PORT_*), which every
// component's templates see: those stay read by every component.
const ADMIN: &[&str] = &["admin"];
const POSTFIX: &[&str] = &["postfix"];
const DOVECOT: &[&str] = &["dovecot"];
const RSPAMD: &[&str] = &["rspamd"];
const FRONT: &[&str] = &["front"];
const WEBMAIL: &[&str] = &["webmail"];
/// The web's settings: admin's pages, front's routes, webmail's links.
const WEB: &[&str] = &["admin", "front", "webmail"];

fn flag(key: &'static str, on: &'static str, off: &'static str) -> Expr {
    Expr::choose(Cond::flag(key), Expr::lit(on), Expr::lit(off))
}

/// Whether the pod network (`subnet`) is an IPv6 one: Mailu then takes it as SUBNET6.
pub fn ipv6_subnet() -> Cond {
    Cond::Contains("subnet".into(), ":")
}

/// The variables, in the order they appear in the ConfigMap.
pub fn vars() -> Vec<SharedVar> {
    let ipv6 = ipv6_subnet();
    vec![
        var("DOMAIN", Expr::key("domain")),
        var("HOSTNAMES", Expr::Join("hostnames".into(), ",")),
        var("POSTMASTER", Expr::key("postmaster")),
        var("TZ", Expr::key("timezone")),
        var("LOG_LEVEL", Expr::key("logLevel")),
        // Mailu trusts these networks (relaying, XCLIENT, dovecot logins): the pod network.
        // Mailu's templates take SUBNET to be there (rspamd's `local_networks = [SUBNET, ...]`
        // would start with an empty item); with an IPv6 pod network it is the loopback,
        // which they trust already.
        var("SUBNET", Expr::choose(ipv6.clone(), Expr::lit("127.0.0.1/32"), Expr::key("subnet"))),
        var_when("SUBNET6", Expr::key("subnet"), ipv6),
        // front's nginx (HTTP body, SMTP SIZE, its submission proxy), postfix's main.cf and
        // webmail (upload size); dovecot-submission's limit is in its own configuration.
        var("MESSAGE_SIZE_LIMIT", Expr::Product("messageSizeLimitMb".into(), 1_048_576))
            .only(&["front", "postfix", "webmail"]),
        // TLS ends in front; admin also reads the flavor (secure cookies, client settings).
        var("TLS_FLAVOR", front::tls_flavor()),
        // The ports front opens; admin shows them to users as the client ports.
        var("PORTS", front::ports()),
        var("PROXY_PROTOCOL", front::proxy_protocol()),
        // A proxy's pods are in the pod network: front believes the client address they
        // report (PROXY protocol for mail, X-Forwarded-For for the web), and nobody else's
        // but the networks of a proxy outside it.
        var_when("REAL_IP_FROM", front::proxy_networks(), front::behind_proxy()).only(FRONT),
        var_when("REAL_IP_HEADER", Expr::lit("X-Forwarded-For"), front::web_behind_proxy()).only(FRONT),
        // front routes /admin only when true (core/nginx/conf/nginx.conf); admin sends users
        // to it after signing in unless false (core/admin/mailu/sso/views/base.py).
        var("ADMIN", flag("admin.ui", "true", "false")).only(WEB),
        var("WEB_ADMIN", Expr::lit("/admin")).only(WEB),
        var("WEB_WEBMAIL", Expr::lit("/webmail")).only(WEB),
        var("WEB_API", Expr::lit("/api")).only(&["admin", "front"]),
        // `none`: front serves no page at `/` (nor anything but mail without either).
        var(
            "WEBROOT_REDIRECT",
            Expr::choose(
                Cond::flag("webmail.enabled"),
                Expr::lit("/webmail"),
                flag("admin.ui", "/admin", "none"),
            ),
        )
        .only(FRONT),
        var(
            "WEBMAIL",
            Expr::choose(Cond::flag("webmail.enabled"), Expr::key("webmail.type"), Expr::lit("none")),
        )
        .only(WEB),
        var("WEBDAV", flag("webdav.enabled", "radicale", "none")).only(FRONT),
        var("API", flag("api.enabled", "true", "false")).only(&["admin", "front"]),
        var("ANTIVIRUS", flag("clamav.enabled", "clamav", "none")).only(RSPAMD),
        var("FETCHMAIL_ENABLED", flag("fetchmail.enabled", "true", "false")).only(&["admin", "fetchmail"]),
        var("DB_FLAVOR", Expr::key("database.type")).only(ADMIN),
        var_when("DB_HOST", database::host_and_port(), database::on_a_server()).only(ADMIN),
        var_when("DB_NAME", database::field("name"), database::on_a_server()).only(ADMIN),
        var(
            "REDIS_ADDRESS",
            Expr::choose(
                Cond::flag("redis.builtin"),
                Expr::concat(vec![Expr::ServiceFqdn("redis"), Expr::lit(":6379")]),
                database::address("redis.host".into(), "redis.port".into()),
            ),
        )
        .only(&["admin", "rspamd"]),
        var("ADMIN_ADDRESS", Expr::ServiceFqdn("admin")),
        // Despite its name, FRONT_ADDRESS is where postfix and admin deliver over LMTP
        // (port 2525): dovecot. Webmail and fetchmail override it with front's address.
        var("FRONT_ADDRESS", Expr::ServiceFqdn("dovecot")),
        // admin's authentication answers name the servers behind front
        // (core/admin/mailu/internal/nginx.py); front's dovecot proxy submits to postfix.
        var("IMAP_ADDRESS", Expr::ServiceFqdn("dovecot")).only(ADMIN),
        var("SMTP_ADDRESS", Expr::ServiceFqdn("postfix")).only(&["admin", "front"]),
        var_when("ANTISPAM_ADDRESS", Expr::ServiceFqdn("rspamd"), Cond::flag("rspamd.enabled"))
            .only(&["postfix", "dovecot", "front"]),
        var_when("ANTIVIRUS_ADDRESS", Expr::ServiceFqdn("clamav"), Cond::flag("clamav.enabled")).only(RSPAMD),
        var_when("WEBMAIL_ADDRESS", Expr::ServiceFqdn("webmail"), Cond::flag("webmail.enabled")).only(FRONT),
        var_when("WEBDAV_ADDRESS", Expr::ServiceFqdn("webdav"), Cond::flag("webdav.enabled")).only(FRONT),
        // dovecot's full-text search: off, or the languages of the mail; attachments through
        // tika (core/dovecot/conf/dovecot.conf reads both as raw text: only unset is off).
        var(
            "FULL_TEXT_SEARCH",
            Expr::choose(
                Cond::flag("dovecot.fullTextSearch.enabled"),
                Expr::Join("dovecot.fullTextSearch.languages".into(), ","),
                Expr::lit("off"),
            ),
        )
        .only(&["admin", "dovecot", "webmail"]),
        var_when(
            "FULL_TEXT_SEARCH_ATTACHMENTS",
            Expr::lit("true"),
            Cond::flag("tika.enabled").and(Cond::flag("dovecot.fullTextSearch.enabled")),
        )
        .only(&["admin", "dovecot"]),
        var_when("FTS_ATTACHMENTS_ADDRESS", Expr::ServiceFqdn("tika"), Cond::flag("tika.enabled"))
            .only(DOVECOT),
        // rspamd's macro scanning (core/rspamd/conf/external_services.conf).
        var_when("SCAN_MACROS", Expr::lit("true"), Cond::flag("oletools.enabled")).only(RSPAMD),
        var_when("OLETOOLS_ADDRESS", Expr::ServiceFqdn("oletools"), Cond::flag("oletools.enabled"))
            .only(RSPAMD),
        // Mailu's admin refuses to start outside Docker unless told it is deployed by a chart.
        var("MAILU_HELM_CHART", Expr::lit("true")).only(ADMIN),
        // Mailu's settings (core/admin/mailu/configuration.py unless noted).
        var("SITENAME", Expr::key("customization.siteName")).only(ADMIN),
        var("WEBSITE", Expr::key("customization.website")).only(ADMIN),
        var_when("LOGO_URL", Expr::key("customization.logoUrl"), Cond::is_set("customization.logoUrl"))
            .only(ADMIN),
        var_when(
            "LOGO_BACKGROUND",
            Expr::key("customization.logoBackground"),
            Cond::is_set("customization.logoBackground"),
        )
        .only(ADMIN),
        var("WELCOME", flag("welcomeMessage.enabled", "true", "false")).only(ADMIN),
        var("WELCOME_SUBJECT", Expr::key("welcomeMessage.subject")).only(ADMIN),
        var("WELCOME_BODY", Expr::key("welcomeMessage.body")).only(ADMIN),
        // Read by postfix and dovecot too (core/postfix/conf/main.cf, core/dovecot/conf/dovecot.conf).
        var("RECIPIENT_DELIMITER", Expr::key("recipientDelimiter")),
        // postfix's submission service (10025 in core/postfix/conf/master.cf).
        var("REJECT_UNLISTED_RECIPIENT", flag("rejectUnlistedRecipient", "yes", "no")).only(POSTFIX),
        var("WILDCARD_SENDERS", Expr::Join("wildcardSenders".into(), ",")).only(ADMIN),
        var("CREDENTIAL_ROUNDS", Expr::num("credentialRounds")).only(ADMIN),
        var("SESSION_TIMEOUT", Expr::num("sessions.timeoutSeconds")).only(ADMIN),
        // Also webmail's session lifetime (webmails/roundcube/config/config.inc.php).
        var("PERMANENT_SESSION_LIFETIME", Expr::num("sessions.lifetimeSeconds")).only(&["admin", "webmail"]),
        // Browsers reach the web over HTTPS in every mode but tls.source none without a
        // Gateway in front (then only from inside the cluster, over plain HTTP).
        var(
            "SESSION_COOKIE_SECURE",
            Expr::choose(
                Cond::equals("tls.source", "none").and(Cond::negate(Cond::equals("expose.web", "httpRoute"))),
                Expr::lit("false"),
                Expr::lit("true"),
            ),
        )
        .only(ADMIN),
        var("AUTH_REQUIRE_TOKENS", flag("authentication.requireTokens", "true", "false")).only(ADMIN),
        var_when(
            "PROXY_AUTH_WHITELIST",
            Expr::Join("authentication.proxy.trustedNetworks".into(), ","),
            Cond::present("authentication.proxy.trustedNetworks"),
        )
        .only(ADMIN),
        var("PROXY_AUTH_HEADER", Expr::key("authentication.proxy.header")).only(ADMIN),
        var("PROXY_AUTH_CREATE", flag("authentication.proxy.createUsers", "true", "false")).only(ADMIN),
        var_when(
            "PROXY_AUTH_LOGOUT_URL",
            Expr::key("authentication.proxy.logoutUrl"),
            Cond::is_set("authentication.proxy.logoutUrl"),
        )
        .only(ADMIN),
        // Limits admin enforces on every login front passes on (core/admin/mailu/limiter.py)
        // and on every message postfix accepts (core/admin/mailu/internal/views/postfix.py).
        var("AUTH_RATELIMIT_IP", Expr::key("limits.authentication.perNetwork")).only(ADMIN),
        var("AUTH_RATELIMIT_IP_V4_MASK", Expr::num("limits.authentication.ipv4Prefix")).only(ADMIN),
        var("AUTH_RATELIMIT_IP_V6_MASK", Expr::num("limits.authentication.ipv6Prefix")).only(ADMIN),
        var("AUTH_RATELIMIT_USER", Expr::key("limits.authentication.perUser")).only(ADMIN),
        var("AUTH_RATELIMIT_EXEMPTION", Expr::Join("limits.authentication.exemptNetworks".into(), ","))
            .only(ADMIN),
        var("AUTH_RATELIMIT_EXEMPTION_LENGTH", Expr::num("limits.authentication.exemptionSeconds"))
            .only(ADMIN),
        var("MESSAGE_RATELIMIT", Expr::key("limits.messages.perUser")).only(ADMIN),
        var("MESSAGE_RATELIMIT_EXEMPTION", Expr::Join("limits.messages.exemptSenders".into(), ","))
            .only(ADMIN),
        // postfix's relay host (core/postfix/conf/main.cf).
        var_when("RELAYHOST", Expr::key("relay.host"), Cond::is_set("relay.host")).only(POSTFIX),
        var_when("DMARC_RUA", Expr::key("dmarc.rua"), Cond::is_set("dmarc.rua")).only(ADMIN),
        var_when("DMARC_RUF", Expr::key("dmarc.ruf"), Cond::is_set("dmarc.ruf")).only(ADMIN),
        // postfix reads it as raw text (core/postfix/conf/main.cf).
        var_when("OUTBOUND_TLS_LEVEL", Expr::key("tls.outboundLevel"), Cond::is_set("tls.outboundLevel"))
            .only(POSTFIX),
        var("INBOUND_TLS_ENFORCE", flag("tls.inboundEnforce", "true", "false")).only(ADMIN),
        // Absent means on; postfix reads the raw text, where only an empty one is false
        // (core/postfix/start.py, core/postfix/conf/main.cf).
        var_when("DEFER_ON_TLS_ERROR", Expr::lit(""), Cond::negate(Cond::flag("tls.deferOnError")))
            .only(&["admin", "postfix"]),
        var_when("LETSENCRYPT_SHORTCHAIN", Expr::lit("true"), Cond::flag("tls.letsencryptShortchain"))
            .only(FRONT),
        // dovecot reads them as raw text: empty means no compression (core/dovecot/conf/dovecot.conf).
        var("COMPRESSION", Expr::key("dovecot.compression")).only(DOVECOT),
        var_when(
            "COMPRESSION_LEVEL",
            Expr::num("dovecot.compressionLevel"),
            Cond::is_set("dovecot.compression"),
        )
        .only(DOVECOT),
        var("ANTIVIRUS_ACTION", Expr::key("rspamd.antivirusAction")).only(RSPAMD),
        var_when(
            "ROUNDCUBE_PLUGINS",
            Expr::Join("webmail.roundcubePlugins".into(), ","),
            Cond::present("webmail.roundcubePlugins"),
        )
        .only(WEBMAIL),
    ]
}
