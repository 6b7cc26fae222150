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
    // The relay's credentials; their presence turns SASL on (core/postfix/start.py).
    let credentials = Cond::is_set("relay.credentialsSecret.name");
    c.env = vec![
        secret_env("RELAYUSER", "relay.credentialsSecret.name", "relay.credentialsSecret.usernameKey")
            .when(credentials.clone()),
        secret_env("RELAYPASSWORD", "relay.credentialsSecret.name", "relay.credentialsSecret.passwordKey")
            .when(credentials),
    ];
    c.persistent = Cond::Always;
    c.validating_dns = true;
    // Postfix's own tools (postdrop, postqueue) are setgid programs.
    c.no_new_privileges = false;
    c.configs = vec![ConfigFile {
        suffix: "postfix-overrides",
        when: Cond::Always,
        files: vec![file("postfix.cf", Content::File(overrides()))],
        user_files: Some("postfix.overrides".into()),
    }];
    c.volumes = vec![
        volume("queue", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "postfix-overrides", mode: None }),
    ];
    c.mounts = vec![mount("queue", "/queue"), mount("overrides", "/overrides").read_only()];
    // The image's own health check (core/postfix/Dockerfile): the master process runs, and
    // with it the sockets it listens on. A connection to port 25 every few seconds would
    // write three lines to the log each time.
    c.probes = Probes::all(ProbeAction::exec(&["sh", "-c", "! /usr/libexec/postfix/master -t"]));
    c
}

/// `/overrides/postfix.cf`: one `name = value` per line, applied with `postconf -e`.
/// `/overrides/postfix.cf`, the main.cf settings Mailu applies with postconf: ours, then the
/// values' own (theirs win).
fn overrides() -> Expr {
    Expr::concat(vec![
        Expr::choose(
            Cond::flag("rspamd.enabled"),
            Expr::lit(""),
            // Without rspamd no milter answers, and postfix would defer every message.
            Expr::lit("# rspamd is disabled: no milter.\nsmtpd_milters =\nnon_smtpd_milters =\n"),
        ),
        Expr::Entry("postfix.overrides".into(), "postfix.cf"),
    ])
}
