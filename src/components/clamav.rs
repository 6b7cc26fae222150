//! clamav: the virus scanner rspamd hands attachments to. Mailu 2024.06 uses ClamAV's own
//! image; the first start downloads the signature database, which takes minutes.

use super::expr::Cond;
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new("clamav", "clamav", "antivirus", ImageSource::Values, "clamav.enabled");
    c.ports = vec![port("clamd", 3310)];
    c.service = vec![service_port("clamd", 3310)];
    c.shared_env = false;
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/var/lib/clamav")];
    c.probes = Probes::all(ProbeAction::tcp("clamd"));
    c
}
