//! webdav: Radicale, CalDAV and CardDAV, served by front under `/webdav` (front authenticates
//! the user and passes the name on).

use super::expr::Cond;
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "webdav",
        "webdav",
        "CalDAV and CardDAV (Radicale)",
        ImageSource::Mailu("radicale"),
        "webdav.enabled",
    );
    c.ports = vec![port("http", 5232)];
    c.service = vec![service_port("http", 5232)];
    c.shared_env = false;
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/data")];
    c.probes = Probes::all(ProbeAction::tcp("http"));
    c
}
