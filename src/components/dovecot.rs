//! dovecot: IMAP, POP3 and ManageSieve behind front, mailbox storage, and LMTP delivery from
//! postfix.

use super::expr::{Cond, Expr};
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "dovecot",
        "dovecot",
        "IMAP, POP3, ManageSieve and LMTP delivery",
        ImageSource::Mailu("dovecot"),
        "dovecot.enabled",
    );
    c.ports = vec![port("imap", 143), port("pop3", 110), port("lmtp", 2525), port("sieve", 4190)];
    c.service = c.ports.iter().map(|p| service_port(p.name, p.number)).collect();
    c.env = vec![Env { name: "CPU_COUNT", value: EnvValue::CpuLimitCores, when: Cond::Always }];
    c.persistent = Cond::Always;
    c.configs = vec![ConfigFile {
        suffix: "dovecot-overrides",
        when: Cond::Always,
        files: vec![("dovecot.conf", Content::File(overrides()))],
    }];
    c.volumes = vec![
        volume("mail", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "dovecot-overrides", mode: None }),
    ];
    c.mounts = vec![mount("mail", "/mail"), mount("overrides", "/overrides").read_only()];
    c.probes = Probes::all(ProbeAction::tcp("imap"));
    c
}

/// `/overrides/dovecot.conf`, included at the end of Mailu's configuration.
fn overrides() -> Expr {
    Expr::Concat(vec![
        // FRONT_ADDRESS names dovecot itself (for LMTP), which does not speak SMTP; sieve
        // redirects and vacation replies go straight to postfix instead.
        Expr::lit("# Sieve redirects and vacation replies are sent through postfix.\n"),
        Expr::lit("submission_host = "),
        Expr::ServiceFqdn("postfix"),
        Expr::lit(":25\n"),
    ])
}
