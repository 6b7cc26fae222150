//! redis: the small Redis Mailu needs, unless the values name an external one. rspamd keeps its
//! Bayes statistics, fuzzy hashes and history there (core/rspamd/conf/redis.conf,
//! classifier-bayes.conf, worker-fuzzy.inc, history_redis.conf), admin its sessions and rate-limit
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
    // Memory is bounded below the container's limit, and the least recently used keys make
    // room: rspamd keeps Bayes tokens without an expiry (Mailu's classifier-bayes.conf sets
    // none, nor does rspamd 3.8's statistic.conf), so an unbounded Redis grows until it is
    // OOM-killed, and then again while it replays its append-only file. Two fifths are left
    // for the copy-on-write pages of the fork that rewrites that file. Rounded up: a bound of
    // 0 would mean none.
    c.command = vec![
        "sh",
        "-c",
        "exec docker-entrypoint.sh redis-server --appendonly yes \
         --maxmemory \"$(((MEMORY_LIMIT_MIB * 3 + 4) / 5))mb\" --maxmemory-policy allkeys-lru",
    ];
    c.command_when = Cond::Always;
    c.env = vec![Env { name: "MEMORY_LIMIT_MIB", value: EnvValue::MemoryLimitMebibytes, when: Cond::Always }];
    c.persistent = Cond::Always;
    c.volumes = vec![volume("data", VolumeSource::Claim)];
    c.mounts = vec![mount("data", "/data")];
    c.probes =
        Probes { ready: ProbeAction::exec(&["redis-cli", "ping"]), ..Probes::all(ProbeAction::tcp("redis")) };
    c
}
