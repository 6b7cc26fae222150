//! The database servers admin (and Roundcube, when it keeps its database there) can use: one
//! values block per type, the same shape, so every setting picks the block of
//! `database.type`.

use super::expr::{Cond, Expr};
use super::wiring::{Env, Volume, VolumeSource, secret_env, volume};

/// The server types and their values blocks.
pub const SERVERS: [(&str, &str); 2] = [("postgresql", "database.postgresql"), ("mysql", "database.mysql")];

/// When admin uses a database server (not SQLite).
pub fn on_a_server() -> Cond {
    SERVERS.iter().map(|(kind, _)| Cond::equals("database.type", kind)).fold(Cond::Never, Cond::or)
}

/// A text field of the server block of `database.type` (empty with SQLite).
pub fn field(name: &'static str) -> Expr {
    SERVERS.iter().rev().fold(Expr::lit(""), |otherwise, (kind, block)| {
        Expr::choose(Cond::equals("database.type", kind), Expr::key(format!("{block}.{name}")), otherwise)
    })
}

/// The server's `host:port`: Mailu pastes it into its database URL, which has no separate
/// port (DB_PORT is not read).
pub fn host_and_port() -> Expr {
    SERVERS.iter().rev().fold(Expr::lit(""), |otherwise, (kind, block)| {
        Expr::choose(
            Cond::equals("database.type", kind),
            address(format!("{block}.host"), format!("{block}.port")),
            otherwise,
        )
    })
}

/// `host:port` of the values' host and port, an IPv6 address in brackets (`[fd00::10]:6379`):
/// Mailu pastes it into addresses (`postgresql://...@{DB_HOST}/...`, `redis://{REDIS_ADDRESS}/2`)
/// where a bare IPv6 address would run into the port.
pub fn address(host: String, port: String) -> Expr {
    let host_key = Expr::key(host.clone());
    Expr::choose(
        Cond::Contains(host.into(), ":"),
        Expr::concat(vec![Expr::lit("["), host_key.clone(), Expr::lit("]:"), Expr::num(port.clone())]),
        Expr::concat(vec![host_key, Expr::lit(":"), Expr::num(port)]),
    )
}

/// A volume holding one key of the credentials Secret of the server in use as the file
/// `file`: one entry per server type, under exclusive conditions.
pub fn credential_volumes(name: &'static str, key: &'static str, file: &'static str) -> Vec<Volume> {
    SERVERS
        .iter()
        .map(|(kind, block)| {
            volume(
                name,
                VolumeSource::Secret {
                    name: Expr::key(format!("{block}.existingSecret.name")),
                    items: vec![(Expr::key(format!("{block}.existingSecret.{key}")), file)],
                },
            )
            .when(Cond::equals("database.type", kind))
        })
        .collect()
}

/// An environment variable from the credentials Secret of the server in use: one entry per
/// server type, under exclusive conditions.
pub fn credential(variable: &'static str, key: &'static str) -> Vec<Env> {
    SERVERS
        .iter()
        .map(|(kind, block)| {
            secret_env(
                variable,
                format!("{block}.existingSecret.name"),
                format!("{block}.existingSecret.{key}"),
            )
            .when(Cond::equals("database.type", kind))
        })
        .collect()
}
