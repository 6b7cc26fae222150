//! clamav: the virus scanner rspamd hands attachments to. Mailu 2024.06 uses ClamAV's own
//! image; the first start downloads the signature database, which takes minutes.

use super::expr::Cond;
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new("clamav", "clamav", "antivirus", ImageSource::Values, "clamav.enabled");
    c.ports = vec![port("clamd", 3310)];
    c.service = vec![service_port("clamd", 3310)];
    c.shared_env = false;
    // One pod keeps the signatures on its claim; several each download their own (a claim
    // cannot be shared).
    c.scalable = true;
    let several = Cond::at_least("clamav.replicas", 2);
    c.persistent = Cond::negate(several.clone());
    c.volumes = vec![
        volume("data", VolumeSource::Claim),
        volume("data", VolumeSource::EmptyDir).when(several.clone()),
    ];
    // Several pods, each with its own signatures, replace one another: the others keep
    // scanning while a new one downloads.
    c.strategy = Strategy::RecreateWhen(Cond::negate(several));
    c.mounts = vec![mount("data", "/var/lib/clamav")];
    // The image's own health check: clamd answers PING with PONG.
    c.probes = Probes::all(ProbeAction::exec(&["clamdcheck.sh"]));
    c
}
