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
    let metrics = Cond::flag("dovecot.serviceMonitor.enabled");
    c.ports = vec![
        port("imap", 143),
        port("pop3", 110),
        port("lmtp", 2525),
        port("sieve", 4190),
        port("metrics", 9900).when(metrics.clone()),
    ];
    c.service = c.ports.iter().map(|p| service_port(p.name, p.number).when(p.when.clone())).collect();
    c.env = vec![Env { name: "CPU_COUNT", value: EnvValue::CpuLimitCores, when: Cond::Always }];
    c.persistent = Cond::Always;
    c.configs = vec![ConfigFile {
        suffix: "dovecot-overrides",
        when: Cond::Always,
        files: vec![file("dovecot.conf", Content::File(overrides()))],
        user_files: Some("dovecot.overrides".into()),
    }];
    c.volumes = vec![
        volume("mail", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "dovecot-overrides", mode: None }),
    ];
    c.mounts = vec![mount("mail", "/mail"), mount("overrides", "/overrides").read_only()];
    // The image's own health check (core/dovecot/Dockerfile): the master process, which
    // holds the listening sockets, is alive. A connection to the IMAP port every few seconds
    // would log a login process's disconnection each time.
    c.probes = Probes::all(ProbeAction::exec(&["sh", "-c", "kill -0 \"$(cat /run/dovecot/master.pid)\""]));
    c
}

/// Dovecot's statistics as OpenMetrics on port 9900 (the stats service's HTTP listener), with
/// the metrics worth watching: logins, IMAP and SMTP commands, deliveries.
const METRICS: &str = "# Metrics for Prometheus on port 9900.
service stats {
  inet_listener http {
    port = 9900
  }
}
metric auth_success {
  filter = event=auth_request_finished AND success=yes
}
metric auth_failure {
  filter = event=auth_request_finished AND NOT success=yes
}
metric imap_command {
  filter = event=imap_command_finished
  group_by = cmd_name tagged_reply_state
}
metric smtp_command {
  filter = event=smtp_server_command_finished
  group_by = cmd_name status_code
}
metric mail_delivery {
  filter = event=mail_delivery_finished
}
";

/// `/overrides/dovecot.conf`, included at the end of Mailu's configuration.
fn overrides() -> Expr {
    Expr::concat(vec![
        // FRONT_ADDRESS names dovecot itself (for LMTP), which does not speak SMTP; sieve
        // redirects and vacation replies go straight to postfix instead.
        Expr::lit("# Sieve redirects and vacation replies are sent through postfix.\n"),
        Expr::lit("submission_host = "),
        Expr::ServiceFqdn("postfix"),
        Expr::lit(":25\n"),
        Expr::choose(Cond::flag("dovecot.serviceMonitor.enabled"), Expr::lit(METRICS), Expr::lit("")),
        // The values' own dovecot.conf follows ours: its settings win.
        Expr::Entry("dovecot.overrides".into(), "dovecot.conf"),
    ])
}
