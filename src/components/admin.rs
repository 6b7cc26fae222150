//! admin: the administration web UI, the authentication backend that front asks about every
//! login, the single sign-on for webmail, and the owner of the database and the DKIM keys.

use super::database;
use super::expr::{Cond, Expr};
use super::wiring::*;

/// How many requests admin serves at once (gunicorn threads of its one worker).
const ADMIN_THREADS: &str = "4";

/// Where admin reads the API token and the database password: a file (named below) in the
/// folder each Secret volume is mounted on.
const API_TOKEN_FOLDER: &str = "/run/secrets/mailu-api";
const API_TOKEN_FILE: &str = "/run/secrets/mailu-api/token";
const DATABASE_PASSWORD_FOLDER: &str = "/run/secrets/mailu-database";
const DATABASE_PASSWORD_FILE: &str = "/run/secrets/mailu-database/password";

pub fn component() -> Component {
    let mut c = Component::new(
        "admin",
        "admin",
        "administration UI, authentication backend and SSO",
        ImageSource::Mailu("admin"),
        "admin.enabled",
    );
    c.ports = vec![port("http", 8080)];
    c.service = vec![service_port("http", 8080)];
    let initial_account = Cond::flag("initialAccount.enabled");
    let api = Cond::flag("api.enabled");
    c.env = vec![
        secret_env("SECRET_KEY", "secrets.secretKey.name", "secrets.secretKey.key"),
        env("INITIAL_ADMIN_ACCOUNT", Expr::key("initialAccount.username")).when(initial_account.clone()),
        env("INITIAL_ADMIN_DOMAIN", Expr::or_else(Expr::key("initialAccount.domain"), Expr::key("domain")))
            .when(initial_account.clone()),
        env("INITIAL_ADMIN_MODE", Expr::key("initialAccount.mode")).when(initial_account.clone()),
        secret_env(
            "INITIAL_ADMIN_PW",
            "initialAccount.passwordSecret.name",
            "initialAccount.passwordSecret.key",
        )
        .when(initial_account),
        // The API token and the database password are read from files (Mailu's
        // configuration reads `<NAME>_FILE` for each of its settings, `__get_env` in
        // core/admin/mailu/configuration.py): they stay out of the environment, which every
        // process admin starts inherits.
        env("API_TOKEN_FILE", Expr::lit(API_TOKEN_FILE)).when(api.clone()),
        // gunicorn's threads (core/admin/start.py passes CPU_COUNT as --threads). front asks
        // admin before every web request and login, postfix and dovecot for every lookup:
        // with the CPU limit's whole cores (one, below a core) they would queue behind each
        // other and behind the probes. The threads mostly wait on the database and Redis.
        env("CPU_COUNT", Expr::lit(ADMIN_THREADS)),
    ];
    c.env.extend(database::credential("DB_USER", "usernameKey"));
    c.env.push(env("DB_PW_FILE", Expr::lit(DATABASE_PASSWORD_FILE)).when(database::on_a_server()));
    c.persistent = Cond::Always;
    c.validating_dns = true;
    c.volumes = vec![
        volume("data", VolumeSource::Claim),
        volume(
            "api-token",
            VolumeSource::Secret {
                name: Expr::key("api.tokenSecret.name"),
                items: vec![(Expr::key("api.tokenSecret.key"), "token")],
            },
        )
        .when(api),
    ];
    c.volumes.extend(database::credential_volumes("database-password", "passwordKey", "password"));
    // One claim holds both the database (and instance id) and the DKIM private keys, which
    // exist nowhere else.
    c.mounts = vec![
        mount("data", "/data").sub_path("data"),
        mount("data", "/dkim").sub_path("dkim"),
        mount("api-token", API_TOKEN_FOLDER).read_only(),
        mount("database-password", DATABASE_PASSWORD_FOLDER).read_only(),
    ];
    // Mailu's start script upgrades the database's schema and starts admin whether that
    // worked or not (`os.system`, core/admin/start.py), and `/ping` touches no database: a
    // database unreachable at that moment would leave admin up without its tables. So admin
    // has started once a query of them answers (rspamd waits on the same page,
    // core/rspamd/start.py); until then the restarts run the upgrade again.
    c.probes = Probes {
        started: ProbeAction::http("/internal/rspamd/local_domains", "http"),
        ..Probes::all(ProbeAction::http("/ping", "http"))
    };
    // An initial password with quotes survives Mailu's account command (see
    // admin-entrypoint.py).
    c.entrypoint(
        "/mailu-chart/admin-entrypoint.py",
        include_str!("files/admin-entrypoint.py"),
        Cond::flag("initialAccount.enabled"),
    );
    c
}
