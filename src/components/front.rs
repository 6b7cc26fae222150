//! front: Mailu's nginx. It serves the web interface (routing `/admin`, `/webmail`, `/webdav`
//! and `/sso` to the components behind it), authenticates every mail login against admin and
//! proxies mail to postfix and dovecot. With TLS terminated at the ingress controller it runs
//! with `TLS_FLAVOR=notls`; its entrypoint adds the listeners that accept mail from the ingress
//! controller with a PROXY protocol header.

use super::expr::Cond;
use super::wiring::*;

/// The listeners the ingress controller forwards the public mail ports to (port + 20000).
pub const INGRESS_LISTENERS: [(&str, i32, i32); 5] = [
    // (port name, listener, public port)
    ("in-smtp", 20025, 25),
    ("in-smtps", 20465, 465),
    ("in-submission", 20587, 587),
    ("in-imaps", 20993, 993),
    ("in-pop3s", 20995, 995),
];

pub fn component() -> Component {
    let mut c = Component::new(
        "front",
        "front",
        "nginx: web entry point and authenticating mail proxy",
        ImageSource::Mailu("nginx"),
        "front.enabled",
    );
    c.command = vec!["python3", "/mailu-chart/front-entrypoint.py"];
    c.ports = vec![
        port("http", 80),
        port("smtp", 25),
        port("lmtp", 2525),
        port("webmail-imap", 10143),
        port("webmail-smtp", 10025),
        port("webmail-sieve", 14190),
    ];
    c.ports.extend(INGRESS_LISTENERS.iter().map(|(name, number, _)| port(name, *number)));
    c.service = c.ports.iter().map(|p| service_port(p.name, p.number)).collect();
    c.env = vec![Env { name: "CPU_COUNT", value: EnvValue::CpuLimitCores, when: Cond::Always }];
    c.configs = vec![ConfigFile {
        suffix: "front",
        when: Cond::Always,
        files: vec![(
            "front-entrypoint.py",
            Content::Static { file: "front-entrypoint.py", text: include_str!("files/front-entrypoint.py") },
        )],
    }];
    c.volumes = vec![volume("entrypoint", VolumeSource::ConfigMap { suffix: "front", mode: Some(0o755) })];
    c.mounts = vec![mount("entrypoint", "/mailu-chart").read_only()];
    c.probes = Probes {
        startup: Some(Probe::http("/health", "http").every(5).allowing(120)),
        liveness: Some(Probe::http("/health", "http").every(10)),
        readiness: Some(Probe::http("/health", "http").every(10)),
    };
    c.strategy = Strategy::RollingUpdate;
    c
}
