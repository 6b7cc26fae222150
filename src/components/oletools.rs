//! oletools: Mailu's macro scanner for office documents, which rspamd asks about every
//! attachment that could carry one (`SCAN_MACROS`). Stateless; several pods share the work.

use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "oletools",
        "oletools",
        "macro scanning of office documents",
        ImageSource::Mailu("oletools"),
        "oletools.enabled",
    );
    c.ports = vec![port("olefy", 11343)];
    c.service = vec![service_port("olefy", 11343)];
    c.shared_env = false;
    c.scalable = true;
    c.probes = Probes::all(ProbeAction::tcp("olefy"));
    c.strategy = Strategy::RollingUpdate;
    c
}
