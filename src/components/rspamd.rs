//! rspamd: the spam filter postfix consults as a milter, DKIM signing (with keys it fetches
//! from admin) and the scanner that hands attachments to ClamAV.

use super::expr::Cond;
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "rspamd",
        "rspamd",
        "spam filter and DKIM signing",
        ImageSource::Mailu("rspamd"),
        "rspamd.enabled",
    );
    c.ports = vec![port("milter", 11332), port("http", 11334)];
    c.service = vec![service_port("milter", 11332), service_port("http", 11334)];
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/var/lib/rspamd")];
    c.probes = Probes::all(ProbeAction::http("/", "http"));
    c
}
