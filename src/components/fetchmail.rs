//! fetchmail: fetches mail from external POP3 and IMAP accounts that users configure in admin,
//! and delivers it through front.

use super::expr::{Cond, Expr};
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "fetchmail",
        "fetchmail",
        "fetches mail from external accounts",
        ImageSource::Mailu("fetchmail"),
        "fetchmail.enabled",
    );
    c.env = vec![
        env("FETCHMAIL_DELAY", Expr::num("fetchmail.delaySeconds")),
        // The shared FRONT_ADDRESS names dovecot (for LMTP); fetchmail delivers through front.
        env("FRONT_ADDRESS", Expr::ServiceFqdn("front")),
    ];
    // fetchmail.py keeps `--idfile /data/fetchids --uidl` (optional/fetchmail/fetchmail.py):
    // the messages already fetched from accounts that keep them on the server.
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/data")];
    let running = ["sh", "-c", "ps ax | grep -q '[/]fetchmail.py'"];
    c.probes = Probes::all(ProbeAction::exec(&running));
    c
}
