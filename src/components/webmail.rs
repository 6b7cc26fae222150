//! webmail: Roundcube or SnappyMail, served by front under `/webmail` after admin's single
//! sign-on. It reads mail through front's webmail ports with the SSO token. Roundcube sends
//! through dovecot-submission (the webmail patch below); SnappyMail, whose configuration has no
//! include mechanism, sends through front's webmail submission port as Mailu designed.

use super::database;
use super::expr::{Cond, Expr};
use super::wiring::*;

/// When Roundcube sends through dovecot-submission: both are enabled.
pub fn patched() -> Cond {
    Cond::flag("webmail.enabled")
        .and(Cond::equals("webmail.type", "roundcube"))
        .and(Cond::flag("dovecotSubmission.enabled"))
}

/// When Roundcube reads front's webmail ports without TLS: with `tls.source: none` (Mailu's
/// `notls`) front's dovecot proxy speaks none, and Roundcube's own configuration asks for
/// STARTTLS there (`tls://` in webmails/roundcube/config/config.inc.php), so no login works.
pub fn plain_front() -> Cond {
    Cond::flag("webmail.enabled")
        .and(Cond::equals("webmail.type", "roundcube"))
        .and(Cond::equals("tls.source", "none"))
}

pub fn component() -> Component {
    let mut c = Component::new(
        "webmail",
        "webmail",
        "webmail (Roundcube or SnappyMail)",
        ImageSource::Mailu("webmail"),
        "webmail.enabled",
    );
    c.ports = vec![port("http", 80)];
    c.service = vec![service_port("http", 80)];
    let on_server = Cond::flag("webmail.database.onServer");
    c.env = vec![
        secret_env("SECRET_KEY", "secrets.secretKey.name", "secrets.secretKey.key"),
        // The shared FRONT_ADDRESS names dovecot (for LMTP); webmail's IMAP, sieve and
        // submission ports are front's.
        env("FRONT_ADDRESS", Expr::ServiceFqdn("front")),
        // Roundcube's database (webmails/start.py): a file on the webmail volume, or the
        // server of `database` with credentials of its own.
        env(
            "ROUNDCUBE_DB_FLAVOR",
            Expr::choose(on_server.clone(), Expr::key("database.type"), Expr::lit("sqlite")),
        ),
        env("ROUNDCUBE_DB_HOST", database::host_and_port()).when(on_server.clone()),
        env("ROUNDCUBE_DB_NAME", Expr::key("webmail.database.name")).when(on_server.clone()),
        secret_env(
            "ROUNDCUBE_DB_USER",
            "webmail.database.existingSecret.name",
            "webmail.database.existingSecret.usernameKey",
        )
        .when(on_server.clone()),
        secret_env(
            "ROUNDCUBE_DB_PW",
            "webmail.database.existingSecret.name",
            "webmail.database.existingSecret.passwordKey",
        )
        .when(on_server),
    ];
    c.persistent = Cond::Always;
    c.configs = vec![ConfigFile {
        suffix: "webmail-overrides",
        when: patched().or(plain_front()).or(Cond::present("webmail.overrides")),
        files: vec![File {
            name: "mailu-chart.inc.php",
            content: Content::File(roundcube_patch()),
            when: patched().or(plain_front()),
        }],
        user_files: Some("webmail.overrides".into()),
    }];
    c.volumes = vec![
        volume("data", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "webmail-overrides", mode: None }),
    ];
    c.mounts = vec![mount("data", "/data"), mount("overrides", "/overrides").read_only()];
    // Webmail's /ping answers only requests from localhost, and takes one of php-fpm's five
    // workers (pm.max_children in webmails/php-webmail.conf): it shows the first start done.
    // Afterwards, five slow requests would fail it, restart a busy webmail and take it out of
    // front's reach; whether nginx and php-fpm still take connections (a request waits in
    // the socket's queue until a worker is free) says what the kubelet needs to know.
    let ping = ["curl", "-m3", "-fsS", "-o", "/dev/null", "http://localhost/ping"];
    let listening = [
        "python3",
        "-c",
        "import socket; php = socket.socket(socket.AF_UNIX); php.settimeout(3); \
         php.connect('/var/run/php8-fpm.sock'); socket.create_connection(('127.0.0.1', 80), 3)",
    ];
    c.probes = Probes {
        started: ProbeAction::exec(&ping),
        alive: ProbeAction::exec(&listening),
        ready: ProbeAction::exec(&listening),
    };
    // Front's client address believed from front's pods (see webmail-entrypoint.py).
    c.entrypoint(
        "/mailu-chart/webmail-entrypoint.py",
        include_str!("files/webmail-entrypoint.py"),
        Cond::Always,
    );
    c
}

/// Included at the end of Roundcube's configuration by Mailu (`/overrides/*.inc.php`).
fn roundcube_patch() -> Expr {
    let front = || Expr::ServiceFqdn("front");
    Expr::concat(vec![
        Expr::lit("<?php\n"),
        Expr::choose(
            patched(),
            Expr::concat(vec![
                Expr::lit(
                    "// Send through the relay-only submission service, which only webmail can reach.\n\
                     $config['smtp_host'] = '",
                ),
                Expr::ServiceFqdn("dovecot-submission"),
                Expr::lit(":10025';\n"),
            ]),
            Expr::lit(""),
        ),
        Expr::choose(
            plain_front(),
            Expr::concat(vec![
                Expr::lit(
                    "// front's webmail ports speak no TLS (tls.source: none).\n\
                     $config['imap_host'] = '",
                ),
                front(),
                Expr::lit(":10143';\n$config['managesieve_host'] = '"),
                front(),
                Expr::lit(":14190';\n"),
                Expr::choose(
                    patched(),
                    Expr::lit(""),
                    Expr::concat(vec![
                        Expr::lit("$config['smtp_host'] = '"),
                        front(),
                        Expr::lit(":10025';\n"),
                    ]),
                ),
            ]),
            Expr::lit(""),
        ),
    ])
}
