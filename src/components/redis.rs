//! redis: the small Redis Mailu needs (rate limits, sessions, rspamd's data), unless the values
//! name an external one. Its data is scratch: rate limits and sessions start over after a
//! restart.

use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new("redis", "redis", "built-in Redis", ImageSource::Values, "redis.builtin");
    c.ports = vec![port("redis", 6379)];
    c.service = vec![service_port("redis", 6379)];
    c.shared_env = false;
    c.pod_settings = false;
    c.volumes = vec![volume("data", VolumeSource::EmptyDir)];
    c.mounts = vec![mount("data", "/data")];
    c.probes = Probes { alive: ProbeAction::tcp("redis"), ready: ProbeAction::exec(&["redis-cli", "ping"]) };
    c
}
