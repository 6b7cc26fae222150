//! tika: Apache Tika, which dovecot asks for the text of attachments when it indexes mail
//! for full-text search. Stateless; several pods share the work.

use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "tika",
        "tika",
        "text of attachments for full-text search",
        ImageSource::Values,
        "tika.enabled",
    );
    c.ports = vec![port("http", 9998)];
    c.service = vec![service_port("http", 9998)];
    c.shared_env = false;
    c.scalable = true;
    c.probes = Probes::all(ProbeAction::http("/tika", "http"));
    c.strategy = Strategy::RollingUpdate;
    c
}
