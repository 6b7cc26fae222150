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
    c.validating_dns = true;
    // rspamd configuration of the values, merged into Mailu's own files of the same name.
    c.configs = vec![ConfigFile {
        suffix: "rspamd-overrides",
        when: Cond::present("rspamd.overrides"),
        files: Vec::new(),
        user_files: Some("rspamd.overrides".into()),
    }];
    c.volumes = vec![
        volume("data", VolumeSource::Claim),
        volume("overrides", VolumeSource::ConfigMap { suffix: "rspamd-overrides", mode: None }),
    ];
    c.mounts = vec![mount("data", "/var/lib/rspamd"), mount("overrides", "/overrides").read_only()];
    c.probes = Probes::all(ProbeAction::http("/", "http"));
    c
}
