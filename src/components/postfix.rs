//! postfix: receives mail (through front, which passes the client's address with XCLIENT),
//! delivers it to dovecot over LMTP after rspamd's milter has seen it, and sends mail out.
//! Its rate limits are set in Mailu's override file, the only place Mailu's postfix reads
//! them from.

use super::expr::{Cond, Expr};
use super::wiring::*;

pub fn component() -> Component {
    let mut c =
        Component::new("postfix", "postfix", "SMTP server", ImageSource::Mailu("postfix"), "postfix.enabled");
    c.ports = vec![port("smtp", 25), port("submission", 10025)];
    c.service = vec![service_port("smtp", 25), service_port("submission", 10025)];
    c.shared_env = true;
    c.persistent = Cond::Always;
    // Postfix's own tools (postdrop, postqueue) are setgid programs.
    c.no_new_privileges = false;
    c.configs = vec![ConfigFile {
        suffix: "postfix-overrides",
        when: Cond::Always,
        files: vec![("postfix.cf", Content::File(overrides()))],
    }];
    c.volumes = vec![
        volume("queue", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "postfix-overrides", mode: None }),
    ];
    c.mounts = vec![mount("queue", "/queue"), mount("overrides", "/overrides").read_only()];
    c.probes = Probes::all(ProbeAction::tcp("smtp"));
    c
}

/// `/overrides/postfix.cf`: one `name = value` per line, applied with `postconf -e`.
fn overrides() -> Expr {
    Expr::Concat(vec![
        Expr::lit("# Rate limits per client (postfix anvil), from the values' rateLimits.\n"),
        Expr::lit("anvil_rate_time_unit = 60s\n"),
        Expr::lit("smtpd_client_connection_rate_limit = "),
        Expr::num("rateLimits.smtpConnectionsPerMinute"),
        Expr::lit("\nsmtpd_client_message_rate_limit = "),
        Expr::num("rateLimits.smtpMessagesPerMinute"),
        Expr::lit("\nsmtpd_client_recipient_rate_limit = "),
        Expr::num("rateLimits.smtpRecipientsPerMinute"),
        Expr::lit("\n"),
        Expr::choose(
            Cond::flag("rspamd.enabled"),
            Expr::lit(""),
            // Without rspamd no milter answers, and postfix would defer every message.
            Expr::lit("# rspamd is disabled: no milter.\nsmtpd_milters =\nnon_smtpd_milters =\n"),
        ),
    ])
}
