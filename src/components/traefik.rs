//! Traffic from outside through Traefik: HTTPS to front's web port, and the mail ports as TCP
//! routes to front's ingress listeners, TLS terminated by Traefik except on port 25 (mail
//! servers deliver in plain text there). Every mail route passes the client's address to
//! front with the PROXY protocol.

/// A TCP route for one public mail port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailRoute {
    /// Route name suffix (`<release>-<name>`).
    pub name: &'static str,
    /// The key under `ingress.traefik.entryPoints` naming Traefik's entry point.
    pub entry_point_key: &'static str,
    /// Front's listener that receives the connections.
    pub listener: i32,
    /// Whether Traefik terminates TLS.
    pub tls: bool,
    /// Whether the per-client connection limit applies.
    pub limited: bool,
}

/// The mail routes.
pub const MAIL_ROUTES: [MailRoute; 5] = [
    MailRoute { name: "smtp", entry_point_key: "smtp", listener: 20025, tls: false, limited: true },
    MailRoute { name: "smtps", entry_point_key: "smtps", listener: 20465, tls: true, limited: false },
    MailRoute {
        name: "submission",
        entry_point_key: "submission",
        listener: 20587,
        tls: true,
        limited: false,
    },
    MailRoute { name: "imaps", entry_point_key: "imaps", listener: 20993, tls: true, limited: false },
    MailRoute { name: "pop3s", entry_point_key: "pop3s", listener: 20995, tls: true, limited: false },
];
