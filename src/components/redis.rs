//! redis: the small Redis Mailu needs, unless the values name an external one. rspamd keeps its
//! Bayes statistics, fuzzy hashes and history there (core/rspamd/conf/redis.conf,
//! statistic.conf, worker-fuzzy.inc, history_redis.conf), admin its sessions and rate-limit
//! counters; so the data lives on a volume, written to Redis's append-only file.

use super::expr::Cond;
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new("redis", "redis", "built-in Redis", ImageSource::Values, "redis.builtin");
    c.ports = vec![port("redis", 6379)];
    c.service = vec![service_port("redis", 6379)];
    c.shared_env = false;
    c.pod_settings = false;
    // The image's own entry point (it hands /data to the redis user), with the append-only
    // file on: at most a second of writes is lost when the pod stops.
    c.command = vec!["docker-entrypoint.sh", "redis-server", "--appendonly", "yes"];
    c.command_when = Cond::Always;
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/data")];
    c.probes =
        Probes { ready: ProbeAction::exec(&["redis-cli", "ping"]), ..Probes::all(ProbeAction::tcp("redis")) };
    c
}
