//! One test per row of the review of the rendered deployment against Mailu 2024.06's own
//! sources (the defects that only show in a running mail system). Each names the Mailu source
//! that shows the behaviour it guards.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use helm_engine::Value;
use mailu_chart::render::Manifest;

fn example(name: &str) -> PathBuf {
    common::root().join(format!("values-examples/{name}.yaml"))
}

fn render(name: &str, set: &[&str]) -> Vec<Manifest> {
    common::render(&[&example(name)], set)
}

fn find<'a>(manifests: &'a [Manifest], kind: &str, name: &str) -> &'a Value {
    manifests
        .iter()
        .find(|m| m.kind() == kind && m.name() == name)
        .map(|m| &m.object)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    value.get_dotted(path).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, path: &str) -> &'a [Value] {
    value.get_dotted(path).and_then(Value::as_list).map(Vec::as_slice).unwrap_or_default()
}

fn number(value: &Value, path: &str) -> i64 {
    match value.get_dotted(path) {
        Some(Value::Int(n)) => *n,
        Some(Value::Float(f)) => *f as i64,
        other => panic!("{path}: {other:?}"),
    }
}

fn container(workload: &Value) -> &Value {
    &list(workload, "spec.template.spec.containers")[0]
}

fn strings(value: &Value, path: &str) -> Vec<String> {
    list(value, path).iter().filter_map(Value::as_str).map(str::to_string).collect()
}

/// The volume a container path is mounted from.
fn volume_at<'a>(workload: &'a Value, path: &str) -> &'a Value {
    let mount = list(container(workload), "volumeMounts")
        .iter()
        .find(|m| text(m, "mountPath") == path)
        .unwrap_or_else(|| panic!("nothing is mounted at {path}"));
    let name = text(mount, "name");
    list(workload, "spec.template.spec.volumes").iter().find(|v| text(v, "name") == name).unwrap()
}

fn config_file<'a>(manifests: &'a [Manifest], config_map: &str, file: &str) -> &'a str {
    // File names hold dots: looked up as a map key, not as a dotted path.
    let data = find(manifests, "ConfigMap", config_map).get_dotted("data").and_then(Value::as_map);
    data.and_then(|d| d.get(file))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {file} in {config_map}"))
}

fn shared_env<'a>(manifests: &'a [Manifest], name: &str) -> &'a str {
    text(find(manifests, "ConfigMap", "mailu-env"), &format!("data.{name}"))
}

/// Bytes of a Kubernetes quantity such as `4Gi`.
fn bytes(quantity: &str) -> i64 {
    let units = [("Ki", 1i64 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40)];
    for (suffix, factor) in units {
        if let Some(n) = quantity.strip_suffix(suffix) {
            return n.parse::<i64>().unwrap() * factor;
        }
    }
    quantity.parse().unwrap()
}

/// The longest a first start may take before the startup probe gives up.
fn startup_budget(workload: &Value) -> i64 {
    let probe = container(workload).get_dotted("startupProbe").expect("a startup probe");
    number(probe, "periodSeconds") * number(probe, "failureThreshold")
}

/// Runs one of the entry point scripts shipped with the chart, with the image's paths
/// replaced by files of a temporary directory, and returns its exit status and stderr.
fn run_entrypoint(script: &str, replacements: &[(&str, &Path)], env: &[(&str, &str)]) -> (bool, String) {
    let mut text = std::fs::read_to_string(common::root().join("src/components/files").join(script)).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{script} no longer names {from}");
        text = text.replace(from, &to.display().to_string());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(script);
    std::fs::write(&path, text).unwrap();
    let mut command = Command::new("python3");
    command.arg(&path).env_clear().env("PATH", std::env::var("PATH").unwrap());
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().expect("python3 runs the entry point scripts");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A stand-in for an image's /start.py: a shell script that writes what it is given.
fn fake_start(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("start.sh");
    common::write_script(&path, body);
    path
}

#[test]
fn m1_fetchmail_remembers_what_it_fetched_across_restarts() {
    // optional/fetchmail/fetchmail.py runs fetchmail with `--idfile /data/fetchids --uidl`.
    let manifests = render("full", &[]);
    let fetchmail = find(&manifests, "Deployment", "mailu-fetchmail");
    let data = volume_at(fetchmail, "/data");
    assert_eq!(text(data, "persistentVolumeClaim.claimName"), "mailu-fetchmail", "{data:?}");
    find(&manifests, "PersistentVolumeClaim", "mailu-fetchmail");
}

#[test]
fn m2_rate_limits_are_mailus_own_not_postfix_anvil() {
    // postfix skips anvil's limits for XCLIENT-authorized hosts (core/postfix/conf/main.cf,
    // smtpd_authorized_xclient_hosts), and every client comes through front; admin's limits
    // (core/admin/mailu/configuration.py) act per client address and per user.
    let manifests = render("full", &[]);
    for name in ["MESSAGE_RATELIMIT", "AUTH_RATELIMIT_IP", "AUTH_RATELIMIT_USER"] {
        assert!(!shared_env(&manifests, name).is_empty(), "{name} is not set");
    }
    let postfix = config_file(&manifests, "mailu-postfix-overrides", "postfix.cf");
    assert!(!postfix.contains("anvil") && !postfix.contains("_rate_limit"), "{postfix}");
    let out = assert_cmd::Command::cargo_bin("mailu-chart")
        .unwrap()
        .args([
            "validate",
            "-f",
            &example("minimal").display().to_string(),
            "--set",
            "rateLimits.messages=10",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("rateLimits") && stderr.contains("limits"), "{stderr}");
}

#[test]
fn m3_redis_keeps_rspamds_learning_on_a_volume() {
    // rspamd keeps Bayes statistics, fuzzy hashes and history in Redis
    // (core/rspamd/conf/redis.conf, classifier-bayes.conf, worker-fuzzy.inc,
    // history_redis.conf).
    let manifests = render("minimal", &[]);
    let redis = find(&manifests, "Deployment", "mailu-redis");
    assert_eq!(text(volume_at(redis, "/data"), "persistentVolumeClaim.claimName"), "mailu-redis");
    let arguments = redis_arguments(&manifests, "512");
    assert!(arguments.windows(2).any(|w| w == ["--appendonly", "yes"]), "{arguments:?}");
    let claim = find(&manifests, "PersistentVolumeClaim", "mailu-redis");
    assert_eq!(text(claim, "spec.resources.requests.storage"), "1Gi");
}

#[test]
fn m4_clamav_has_the_memory_and_the_time_it_documents() {
    // ClamAV's documentation ("ClamAV in Docker"): 3 GiB at least, about 2.4 GiB while the
    // daily update reloads the signatures; its image waits up to 1800 s for the first start.
    let manifests = render("minimal", &["clamav.enabled=true"]);
    let clamav = find(&manifests, "Deployment", "mailu-clamav");
    let limit = text(container(clamav), "resources.limits.memory");
    assert!(bytes(limit) >= 3 << 30, "memory limit {limit}");
    assert!(startup_budget(clamav) >= 1800);
    assert_eq!(strings(container(clamav), "readinessProbe.exec.command"), ["clamdcheck.sh"]);
}

#[test]
fn m5_front_probes_cover_the_dovecot_proxy() {
    // core/nginx/Dockerfile's health check covers nginx and the dovecot proxy, which
    // core/nginx/start.py starts once and never supervises.
    let manifests = render("minimal", &[]);
    let front = find(&manifests, "Deployment", "mailu-front");
    for probe in ["livenessProbe", "readinessProbe"] {
        let command = strings(container(front), &format!("{probe}.exec.command")).join(" ");
        assert!(command.contains("10204/health") && command.contains("10143"), "{probe}: {command}");
    }
}

/// Runs front's probe command with `curl` answering as given, the certificates' directory in a
/// temporary one, and nothing listening on the dovecot proxy's port.
fn front_probe_passes(flavor: &str, certificates: &[&str], nginx_up: bool) -> bool {
    let manifests = render("minimal", &[]);
    let front = find(&manifests, "Deployment", "mailu-front");
    let command = strings(container(front), "readinessProbe.exec.command");
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    common::write_script(&bin.join("curl"), &format!("exit {}", if nginx_up { 0 } else { 7 }));
    for chain in certificates {
        let live = dir.path().join("certs/letsencrypt/live").join(chain);
        std::fs::create_dir_all(&live).unwrap();
        std::fs::write(live.join("nginx-chain.pem"), "").unwrap();
    }
    let script = command[2].replace("/certs/", &format!("{}/certs/", dir.path().display()));
    // A port nothing listens on here, as the dead proxy's.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = script.replace("10143", &free.to_string());
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    Command::new(&command[0])
        .args([&command[1], &script])
        .env("PATH", path)
        .env("TLS_FLAVOR", flavor)
        .status()
        .expect("sh runs the probe")
        .success()
}

#[test]
fn m27_lets_encrypt_certificates_can_arrive_before_the_dovecot_proxy_runs() {
    // core/nginx/config.py names the Let's Encrypt files in the proxy's configuration even
    // when they are missing, so the proxy cannot start before certbot has run; certbot runs
    // only once http://<hostname>/.well-known/acme-challenge/ reaches the pod
    // (core/nginx/letsencrypt.py), which a Service routes to ready pods only.
    assert!(front_probe_passes("letsencrypt", &[], true), "waiting for the certificates");
    assert!(front_probe_passes("mail-letsencrypt", &["mailu"], true), "one certificate of two");
    assert!(!front_probe_passes("letsencrypt", &[], false), "nginx down");
    // Both there: the proxy must run, and restarting the container starts it.
    assert!(!front_probe_passes("letsencrypt", &["mailu", "mailu-ecdsa"], true));
    // Other flavors never wait: the proxy's check always counts.
    assert!(!front_probe_passes("cert", &[], true));
    assert!(!front_probe_passes("notls", &[], true));
}

#[test]
fn m28_admin_has_started_only_once_its_tables_answer() {
    // core/admin/start.py runs `flask db upgrade` with os.system and starts gunicorn whatever
    // it returned; /ping (the image's check) touches no database.
    let manifests = render("postgresql-external-redis", &[]);
    let admin = find(&manifests, "Deployment", "mailu-admin");
    assert_eq!(text(container(admin), "startupProbe.httpGet.path"), "/internal/rspamd/local_domains");
    // Once started, a database outage does not restart admin over and over.
    assert_eq!(text(container(admin), "livenessProbe.httpGet.path"), "/ping");
}

/// The components whose pods a change of the values restarts through the shared
/// environment's checksum.
fn restarted_by_env(set: &str) -> Vec<String> {
    let checksums = |manifests: &[Manifest]| -> Vec<(String, String)> {
        manifests
            .iter()
            .filter_map(|m| {
                let sum = m
                    .object
                    .get_dotted("spec.template.metadata.annotations")?
                    .as_map()?
                    .get("checksum/env")?;
                Some((m.name().to_string(), sum.as_str()?.to_string()))
            })
            .collect()
    };
    let before = checksums(&render("full", &[]));
    let after: BTreeMap<String, String> = checksums(&render("full", &[set])).into_iter().collect();
    // Pods that come or go with the change are not restarts.
    before
        .into_iter()
        .filter(|(name, sum)| after.get(name).is_some_and(|a| a != sum))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn m29_a_setting_restarts_only_the_pods_that_read_it() {
    // core/admin/mailu/configuration.py is the only reader of the welcome message and the
    // branding; core/postfix/conf/main.cf the only one of the relay host.
    assert_eq!(restarted_by_env("welcomeMessage.subject=Hello"), ["mailu-admin"]);
    assert_eq!(restarted_by_env("customization.siteName=Mail"), ["mailu-admin"]);
    assert_eq!(restarted_by_env("relay.host=[smtp.example.net]:587"), ["mailu-postfix"]);
    // Roundcube's session lifetime follows admin's (webmails/roundcube/config/config.inc.php).
    assert_eq!(restarted_by_env("sessions.lifetimeSeconds=7200"), ["mailu-admin", "mailu-webmail"]);
    // An optional component on or off restarts only the pods that talk to it: not postfix and
    // dovecot for ClamAV, whose address only rspamd reads (core/rspamd/conf/antivirus.conf);
    // not postfix for tika, whose address only dovecot reads (core/dovecot/conf/dovecot.conf).
    assert_eq!(restarted_by_env("clamav.enabled=false"), ["mailu-rspamd"]);
    assert_eq!(restarted_by_env("oletools.enabled=false"), ["mailu-rspamd"]);
    assert_eq!(restarted_by_env("tika.enabled=false"), ["mailu-admin", "mailu-dovecot"]);
    assert_eq!(restarted_by_env("webdav.enabled=false"), ["mailu-front"]);
    assert_eq!(restarted_by_env("webmail.enabled=false"), ["mailu-admin", "mailu-front"]);
    // What every component reads restarts every one that has the environment.
    let all = restarted_by_env("domain=example.org");
    for pod in
        ["mailu-admin", "mailu-front", "mailu-postfix", "mailu-dovecot", "mailu-rspamd", "mailu-webmail"]
    {
        assert!(all.iter().any(|p| p == pod), "{pod} in {all:?}");
    }
}

#[test]
fn m30_private_zones_are_asked_of_the_cluster_dns() {
    // Names outside the forwarded zones go to the root servers (root-hints): a host in a
    // zone only the cluster's DNS serves must be forwarded like the cluster's domain.
    let manifests = render("full", &["resolver.forwardZones={corp.internal,db.example}"]);
    let conf = config_file(&manifests, "mailu-resolver", "unbound.conf");
    for zone in ["cluster.local", "corp.internal", "db.example"] {
        assert!(conf.contains(&format!("domain-insecure: \"{zone}.\"\n")), "{conf}");
        assert!(
            conf.contains(&format!("forward-zone:\n  name: \"{zone}.\"\n  forward-addr: 10.43.0.10\n")),
            "{conf}"
        );
    }
    // unbound would answer a private reverse zone itself (NXDOMAIN) but for a local zone that
    // lets its queries through.
    for zone in ["corp.internal", "db.example"] {
        assert!(conf.contains(&format!("local-zone: \"{zone}.\" typetransparent\n")), "{conf}");
    }
    let without = config_file(&render("full", &[]), "mailu-resolver", "unbound.conf").to_string();
    assert_eq!(without.matches("forward-zone:").count(), 1, "{without}");
}

#[test]
fn m6_public_imap_and_pop3_reach_dovecot_through_mailus_login_proxy() {
    // Mailu's dovecot proxy (core/nginx/dovecot/proxy.conf) forwards the client's address to
    // dovecot, whose per-address connection cap (core/dovecot/conf/dovecot.conf,
    // mail_max_userip_connections) then counts per client; an nginx IMAP listener would not.
    let entrypoint =
        std::fs::read_to_string(common::root().join("src/components/files/front-entrypoint.py")).unwrap();
    assert!(!entrypoint.contains("protocol imap") && !entrypoint.contains("protocol pop3"));
    let manifests = render("traefik", &[]);
    let ports = shared_env(&manifests, "PORTS");
    assert!(ports.split(',').any(|p| p == "993"), "front serves 993 itself: {ports}");
}

#[test]
fn m7_postfix_may_fetch_mta_sts_policies() {
    // core/postfix/start.py starts the MTA-STS resolver; core/postfix/conf/main.cf asks it
    // (smtp_tls_policy_maps); policies are fetched over HTTPS.
    let manifests = render("minimal", &[]);
    let policy = find(&manifests, "NetworkPolicy", "mailu-postfix");
    let to_anywhere = list(policy, "spec.egress").iter().any(|rule| {
        list(rule, "to").iter().any(|peer| text(peer, "ipBlock.cidr") == "0.0.0.0/0")
            && list(rule, "ports").iter().any(|p| number(p, "port") == 443)
    });
    assert!(to_anywhere, "{policy:?}");
}

#[test]
fn m8_cookies_and_ports_follow_what_is_deployed() {
    // core/admin/mailu/configuration.py reads SESSION_COOKIE_SECURE; the client page and the
    // DNS page (ui/templates/client.html, models.py) list the ports of PORTS.
    let manifests = render("minimal", &[]);
    assert_eq!(shared_env(&manifests, "SESSION_COOKIE_SECURE"), "true");
    let ports = shared_env(&manifests, "PORTS");
    let service = find(&manifests, "Service", "mailu-front-public");
    let published: Vec<String> =
        list(service, "spec.ports").iter().map(|p| number(p, "port").to_string()).collect();
    for port in ports.split(',') {
        assert!(published.contains(&port.to_string()), "PORTS names {port}, which is not published");
    }
}

#[test]
fn m9_webmail_trusts_the_client_address_from_fronts_pods() {
    // webmails/nginx-webmail.conf trusts X-Real-IP from FRONT_ADDRESS only: front's Service,
    // whose address never connects. The entry point makes it the pod network.
    let manifests = render("full", &[]);
    let webmail = find(&manifests, "Deployment", "mailu-webmail");
    assert_eq!(strings(container(webmail), "command"), ["python3", "/mailu-chart/webmail-entrypoint.py"]);
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("nginx-webmail.conf");
    let mailus = "    real_ip_header X-Real-IP;\n    set_real_ip_from {{ FRONT_ADDRESS or \"front\" }};\n";
    std::fs::write(&template, mailus).unwrap();
    let start = fake_start(dir.path(), "echo started > \"$(dirname \"$0\")/started\"");
    let paths = [("/conf/nginx-webmail.conf", template.as_path()), ("/start.py", start.as_path())];
    for _ in 0..2 {
        let (ok, stderr) = run_entrypoint("webmail-entrypoint.py", &paths, &[("SUBNET", "10.42.0.0/16")]);
        assert!(ok, "{stderr}");
    }
    let patched = std::fs::read_to_string(&template).unwrap();
    assert!(!patched.contains("FRONT_ADDRESS"), "{patched}");
    assert_eq!(patched.matches("set_real_ip_from {{ SUBNET }};").count(), 1, "{patched}");
    assert!(dir.path().join("started").exists());
    std::fs::write(&template, "server {}\n").unwrap();
    let (ok, stderr) = run_entrypoint("webmail-entrypoint.py", &paths, &[("SUBNET", "10.42.0.0/16")]);
    assert!(!ok && stderr.contains("not supported"), "{stderr}");
}

#[test]
fn m10_rspamd_waits_for_admin_within_its_start_budget() {
    // core/rspamd/start.py does not start rspamd until admin answers.
    let manifests = render("minimal", &[]);
    let admin = startup_budget(find(&manifests, "Deployment", "mailu-admin"));
    let rspamd = startup_budget(find(&manifests, "Deployment", "mailu-rspamd"));
    assert!(rspamd > admin, "rspamd {rspamd} s, admin {admin} s");
}

#[test]
fn m11_an_initial_password_survives_any_character() {
    // core/admin/start.py runs `flask mailu admin <account> <domain> '<password>' ...` in a
    // shell; the stand-in for it hands the password to the shell the same way.
    let manifests = render("minimal", &["initialAccount.enabled=true"]);
    let admin = find(&manifests, "Deployment", "mailu-admin");
    assert_eq!(strings(container(admin), "command"), ["python3", "/mailu-chart/admin-entrypoint.py"]);
    let dir = tempfile::tempdir().unwrap();
    let start = fake_start(
        dir.path(),
        "out=\"$(dirname \"$0\")/password\"\nsh -c \"printf %s '$INITIAL_ADMIN_PW'\" > \"$out\"",
    );
    for password in ["it's", "a'b''c'", "$(id) `id` \"x\" \\ !"] {
        let (ok, stderr) = run_entrypoint(
            "admin-entrypoint.py",
            &[("/start.py", &start)],
            &[("INITIAL_ADMIN_PW", password)],
        );
        assert!(ok, "{stderr}");
        assert_eq!(std::fs::read_to_string(dir.path().join("password")).unwrap(), password);
    }
    let (ok, stderr) =
        run_entrypoint("admin-entrypoint.py", &[("/start.py", &start)], &[("INITIAL_ADMIN_PW", "-secret")]);
    assert!(!ok && stderr.contains("starts with '-'"), "{stderr}");
}

#[test]
fn m12_the_submission_relay_does_not_offer_burl() {
    // Mailu's own proxy leaves BURL out (core/nginx/dovecot/proxy.conf); dovecot drops it from
    // the greeting only with the exotic-backend workaround and a capability list without it.
    let manifests = render("full", &[]);
    let config = config_file(&manifests, "mailu-dovecot-submission", "dovecot.conf");
    let setting = |name: &str| {
        config.lines().find_map(|l| l.strip_prefix(&format!("{name} = "))).unwrap_or_default().to_string()
    };
    assert!(setting("submission_client_workarounds").split(' ').any(|w| w == "exotic-backend"), "{config}");
    let capabilities = setting("submission_backend_capabilities");
    assert!(!capabilities.is_empty() && !capabilities.contains("BURL"), "{config}");
}

#[test]
fn m13_web_host_names_are_the_hostnames_roundcube_trusts() {
    // webmails/roundcube/config/config.inc.php trusts only HOSTNAMES.
    let manifests = render("full", &[]);
    let hostnames = shared_env(&manifests, "HOSTNAMES");
    let ingress = find(&manifests, "Ingress", "mailu-web");
    for rule in list(ingress, "spec.rules") {
        let host = text(rule, "host");
        assert!(hostnames.split(',').any(|h| h == host), "{host} is not in HOSTNAMES {hostnames}");
    }
}

#[test]
fn m14_images_are_pinned_to_releases() {
    // Mailu publishes `2024.06` anew with every fix and `2024.06.N` once (docs/releases.rst).
    let set = [
        "clamav.enabled=true",
        "tika.enabled=true",
        "oletools.enabled=true",
        "webdav.enabled=true",
        "fetchmail.enabled=true",
    ];
    for manifest in render("full", &set) {
        for container in list(&manifest.object, "spec.template.spec.containers") {
            let image = text(container, "image");
            let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or_default();
            let version = tag.split('-').next().unwrap_or_default();
            assert!(tag != "latest" && version.split('.').count() >= 3, "{}: {image}", manifest.name());
        }
    }
}

#[test]
fn m15_a_rewritten_client_address_cannot_land_in_the_trusted_network() {
    // postfix relays for SUBNET (core/postfix/conf/main.cf, mynetworks) and rspamd trusts it
    // (core/rspamd/conf/options.inc): a load balancer that rewrote client addresses into the
    // pod network would make port 25 an open relay.
    let manifests = render("minimal", &[]);
    let service = find(&manifests, "Service", "mailu-front-public");
    assert_eq!(text(service, "spec.externalTrafficPolicy"), "Local");
    let out = assert_cmd::Command::cargo_bin("mailu-chart")
        .unwrap()
        .args(["validate", "-f", &example("minimal").display().to_string(), "--set", "subnet=0.0.0.0/0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

/// CPU cores of a Kubernetes quantity (`250m`, `1`).
fn cores(quantity: &str) -> f64 {
    match quantity.strip_suffix('m') {
        Some(milli) => milli.parse::<f64>().unwrap() / 1000.0,
        None => quantity.parse().unwrap(),
    }
}

/// The row of docs/deployment.md's table of what an example asks of the cluster.
fn resource_row(name: &str) -> String {
    let gib = |b: f64| b / f64::from(1u32 << 30);
    let (mut cpu_requested, mut memory_requested, mut cpu_limit, mut memory_limit, mut storage) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    for manifest in render(name, &[]) {
        let object = &manifest.object;
        if manifest.kind() == "PersistentVolumeClaim" {
            storage += bytes(text(object, "spec.resources.requests.storage")) as f64;
            continue;
        }
        if !matches!(manifest.kind(), "Deployment" | "DaemonSet") {
            continue;
        }
        let replicas =
            object.get_dotted("spec.replicas").map_or(1, |_| number(object, "spec.replicas")) as f64;
        // Sidecars (init containers that keep running) count as the pod's other containers do
        // when it is scheduled.
        let sidecars = list(object, "spec.template.spec.initContainers")
            .iter()
            .filter(|c| c.get_dotted("restartPolicy").and_then(Value::as_str) == Some("Always"));
        for container in list(object, "spec.template.spec.containers").iter().chain(sidecars) {
            let resource = |path: &str| text(container, &format!("resources.{path}")).to_string();
            cpu_requested += replicas * cores(&resource("requests.cpu"));
            memory_requested += replicas * bytes(&resource("requests.memory")) as f64;
            cpu_limit += replicas * cores(&resource("limits.cpu"));
            memory_limit += replicas * bytes(&resource("limits.memory")) as f64;
        }
    }
    format!(
        "| {name} | {cpu_requested:.2} | {:.2} GiB | {cpu_limit:.2} | {:.2} GiB | {:.1} GiB |",
        gib(memory_requested),
        gib(memory_limit),
        gib(storage)
    )
}

#[test]
fn the_documented_resource_needs_are_the_rendered_ones() {
    let doc = std::fs::read_to_string(common::root().join("docs/deployment.md")).unwrap();
    for example in ["minimal", "full"] {
        let row = resource_row(example);
        assert!(doc.lines().any(|l| l == row), "docs/deployment.md lacks the row\n{row}");
    }
}

#[test]
fn m16_front_listens_on_ipv6_behind_a_dual_stack_load_balancer() {
    // core/nginx/conf/nginx.conf and core/nginx/dovecot/proxy.conf open IPv6 sockets only when
    // SUBNET6 is set; front reads it for nothing else. The other components trust SUBNET6, so
    // only front's own environment gets it, and only when IPv6 clients can arrive.
    let dual = render(
        "minimal",
        &["expose.mail=loadBalancer", "expose.loadBalancer.ipFamilyPolicy=PreferDualStack"],
    );
    let front = find(&dual, "Deployment", "mailu-front");
    let subnet6: Vec<&Value> =
        list(container(front), "env").iter().filter(|e| text(e, "name") == "SUBNET6").collect();
    assert_eq!(subnet6.len(), 1, "{front:?}");
    assert_eq!(text(subnet6[0], "value"), "::1/128");
    assert_eq!(shared_env(&dual, "SUBNET6"), "");
    assert_ne!(shared_env(&dual, "SUBNET"), "");
    for set in [
        &["expose.mail=loadBalancer"][..],
        &[
            "expose.mail=loadBalancer",
            "expose.loadBalancer.ipFamilyPolicy=RequireDualStack",
            "subnet=fd00:10:42::/56",
        ],
    ] {
        let manifests = render("minimal", set);
        let front = find(&manifests, "Deployment", "mailu-front");
        assert!(!list(container(front), "env").iter().any(|e| text(e, "name") == "SUBNET6"), "{set:?}");
    }
}

#[test]
fn m17_postfix_reaches_a_relay_on_port_2525() {
    // core/postfix/conf/main.cf: relayhost = RELAYHOST, any port; the NetworkPolicy opens the
    // relay's own port when it is the relay services' alternative port.
    let egress_to_anywhere = |manifests: &[Manifest], port: i64| {
        let policy = find(manifests, "NetworkPolicy", "mailu-postfix");
        list(policy, "spec.egress").iter().any(|rule| {
            list(rule, "to").iter().any(|peer| text(peer, "ipBlock.cidr") == "0.0.0.0/0")
                && list(rule, "ports").iter().any(|p| number(p, "port") == port)
        })
    };
    assert!(egress_to_anywhere(&render("minimal", &["relay.host=[smtp.example.net]:2525"]), 2525));
    // Not 465: postfix would speak STARTTLS to a relay that expects TLS at once (main.cf sets
    // no smtp_tls_wrappermode), so the values refuse such a relay and nothing needs the port.
    assert!(!egress_to_anywhere(&render("minimal", &[]), 465));
    assert!(!egress_to_anywhere(&render("minimal", &["relay.host=[smtp.example.net]:587"]), 2525));
    assert!(!egress_to_anywhere(&render("minimal", &[]), 2525));
}

#[test]
fn m18_front_may_fetch_its_own_challenge_and_reach_acme_with_lets_encrypt() {
    // core/nginx/letsencrypt.py fetches http://<first host name>/.well-known/acme-challenge/
    // testing (front itself, through its public address) before each certbot run, and
    // certbot asks the ACME server over HTTPS; without them no certificate ever comes.
    let to_anywhere = |manifests: &[Manifest]| -> Vec<i64> {
        let policy = find(manifests, "NetworkPolicy", "mailu-front");
        list(policy, "spec.egress")
            .iter()
            .filter(|rule| list(rule, "to").iter().any(|peer| text(peer, "ipBlock.cidr") == "0.0.0.0/0"))
            .flat_map(|rule| list(rule, "ports").iter().map(|p| number(p, "port")))
            .collect()
    };
    assert_eq!(to_anywhere(&render("letsencrypt", &[])), [80, 443]);
    assert!(to_anywhere(&render("minimal", &[])).is_empty());
}

#[test]
fn m19_webmail_sends_for_every_address_mailu_allows() {
    // Mailu's addresses may hold characters dovecot refuses in user names by default
    // (core/admin/mailu/ui/forms.py); its own dovecot configurations clear the list
    // (core/nginx/dovecot/proxy.conf, core/dovecot/conf/dovecot.conf).
    let manifests = render("full", &[]);
    let config = config_file(&manifests, "mailu-dovecot-submission", "dovecot.conf");
    assert!(config.lines().any(|l| l == "auth_username_chars ="), "{config}");
}

#[test]
fn m20_an_ipv6_pod_network_gives_mailus_templates_every_variable_they_read() {
    // Mailu's templates read SUBNET unconditionally (core/rspamd/conf/options.inc writes
    // `local_networks = [SUBNET, SUBNET6]`, core/postfix/conf/main.cf, webmails' nginx
    // configuration) and add SUBNET6 when set; its dovecot listens on `::` and its unbound
    // asks IPv6 servers only with SUBNET6 (core/nginx/dovecot/proxy.conf,
    // optional/unbound/unbound.conf).
    let v6 = render("full", &["subnet=fd00:10:42::/56"]);
    assert_eq!(shared_env(&v6, "SUBNET"), "127.0.0.1/32");
    assert_eq!(shared_env(&v6, "SUBNET6"), "fd00:10:42::/56");
    let listen = |manifests: &[Manifest]| {
        let config = config_file(manifests, "mailu-dovecot-submission", "dovecot.conf");
        config.lines().find_map(|l| l.strip_prefix("listen = ")).unwrap_or_default().to_string()
    };
    assert_eq!(listen(&v6), "*, ::");
    let v4 = render("full", &[]);
    assert_eq!(shared_env(&v4, "SUBNET"), "10.42.0.0/16");
    assert_eq!(shared_env(&v4, "SUBNET6"), "");
    assert_eq!(listen(&v4), "*");
    let unbound = |manifests: &[Manifest]| {
        let data = find(manifests, "ConfigMap", "mailu-resolver").get_dotted("data").and_then(Value::as_map);
        let text = data.and_then(|d| d.values().next()).and_then(Value::as_str).unwrap_or_default();
        text.lines().find_map(|l| l.trim().strip_prefix("do-ip6: ")).unwrap_or_default().to_string()
    };
    assert_eq!(unbound(&v4), "no");
    assert_eq!(unbound(&v6), "yes");
    // webmail's entry point, which needs SUBNET, starts on either.
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("nginx-webmail.conf");
    std::fs::write(&template, "    set_real_ip_from {{ FRONT_ADDRESS or \"front\" }};\n").unwrap();
    let start = fake_start(dir.path(), "true");
    let paths = [("/conf/nginx-webmail.conf", template.as_path()), ("/start.py", start.as_path())];
    let env = [("SUBNET", shared_env(&v6, "SUBNET")), ("SUBNET6", shared_env(&v6, "SUBNET6"))];
    let (ok, stderr) = run_entrypoint("webmail-entrypoint.py", &paths, &env);
    assert!(ok, "{stderr}");
}

#[test]
fn m21_admin_serves_several_requests_at_once() {
    // core/admin/start.py runs gunicorn with `--threads CPU_COUNT`: one thread is gunicorn's
    // synchronous worker, one request at a time, and front asks admin before every web
    // request and login (core/nginx/conf/nginx.conf, auth_request).
    let manifests = render("minimal", &[]);
    let admin = find(&manifests, "Deployment", "mailu-admin");
    let threads = list(container(admin), "env")
        .iter()
        .find(|e| text(e, "name") == "CPU_COUNT")
        .map(|e| text(e, "value").parse::<u32>().unwrap())
        .expect("admin's CPU_COUNT");
    assert!(threads > 1, "{threads}");
}

#[test]
fn m22_the_public_port_25_is_a_copy_of_mailus_own_port_25_server() {
    // core/nginx/conf/nginx.conf: the port-25 server offers STARTTLS and, with TLS_PERMISSIVE
    // (Mailu's default), older protocols for old senders. The listener for the public port 25
    // must offer the same: it is that server, on 20025 with the PROXY protocol behind a proxy,
    // on 20026 without when the LoadBalancer or the host port brings the sender itself.
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("nginx.conf");
    let port_25 = "    server {\n      listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};\n\
                   {% if SUBNET6 %}\n      listen [::]:25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};\n\
                   {% endif %}\n      {% if TLS_PERMISSIVE %}\n      ssl_protocols TLSv1.2 TLSv1.3;\n\
                   {% endif %}\n      starttls on;\n      protocol smtp;\n    }\n";
    let http = "http {\n    server {\n      listen 127.0.0.1:8000;\n    }\n}\n";
    let mailus = format!("{http}\nmail {{\n    server {{\n      listen 465 ssl;\n    }}\n{port_25}}}\n");
    let start = fake_start(dir.path(), "true");
    let paths = [("/conf/nginx.conf", template.as_path()), ("/start.py", start.as_path())];
    let ways: [(&str, &[&str], &[&str]); 2] = [
        (
            "proxy-protocol",
            &[
                "listen 20025 proxy_protocol;",
                "set_real_ip_from {{ from_ip }};",
                "listen [::]:20025 proxy_protocol;",
            ],
            &["listen 20026"],
        ),
        (
            "direct",
            &["listen 20026;", "listen [::]:20026;"],
            &["proxy_protocol", "set_real_ip_from", "listen 20025"],
        ),
    ];
    // core/nginx/start.py keeps failed reverse lookups of senders on its mail ports out of the
    // log; the copy's port joins them.
    let log_filter = r"# server: [^\:]+\:(25|110|143|587|465|993|995)$'";
    for (way, listens, not_there) in ways {
        std::fs::write(&template, &mailus).unwrap();
        fake_start(dir.path(), &format!("{log_filter}\ntrue"));
        let env = [("REAL_IP_FROM", "10.42.0.0/16"), ("MAILU_CHART_PUBLIC_SMTP", way)];
        for _ in 0..2 {
            let (ok, stderr) = run_entrypoint("front-entrypoint.py", &paths, &env);
            assert!(ok, "{way}: {stderr}");
        }
        let port = if way == "direct" { 20026 } else { 20025 };
        let script = std::fs::read_to_string(&start).unwrap();
        assert!(script.contains(&format!(r"\:(25|110|143|587|465|993|995|{port})$'")), "{way}: {script}");
        let patched = std::fs::read_to_string(&template).unwrap();
        let sender_check = patched.find("    # mailu-chart: the senders").expect("the sender check");
        let http_end = mailus.find("}\n\nmail {").unwrap();
        assert_eq!(patched[..sender_check], mailus[..http_end], "{patched}");
        let copy_start = patched.find("    # mailu-chart: the public port 25").expect("the listener");
        assert!(
            patched[..copy_start].ends_with(mailus[http_end..].trim_end().strip_suffix('}').unwrap()),
            "{patched}"
        );
        let copy = &patched[copy_start..];
        assert_eq!(patched.matches("# mailu-chart").count(), 2, "{patched}");
        // postfix relays for the pod network: a sender there is refused before postfix sees
        // it, by a server of its own inside the http block.
        let check = &patched[sender_check..copy_start];
        for line in [
            "geo $http_client_ip $mailu_chart_sender_in_pod_network {",
            "127.0.0.0/8 1;",
            "::1/128 1;",
            "{{ SUBNET }} 1;",
            "{% if SUBNET6 %}{{ SUBNET6 }} 1;{% endif %}",
            "listen 127.0.0.1:8025;",
            "add_header Auth-Error-Code \"451 4.7.1\" always;",
            "proxy_pass http://127.0.0.1:8000;",
        ] {
            assert!(check.contains(line), "{line}: {check}");
        }
        for line in
            ["auth_http http://127.0.0.1:8025/auth/email;", "ssl_protocols TLSv1.2 TLSv1.3;", "starttls on;"]
                .iter()
                .chain(listens)
        {
            assert!(copy.contains(line), "{way}: {line}: {copy}");
        }
        for text in not_there {
            assert!(!copy.contains(text), "{way}: {text}: {copy}");
        }
        assert!(!copy.contains("listen 25") && patched.ends_with("    }\n}\n"), "{patched}");
    }
    // Without a way in, or one it does not know, the patch stops before touching anything.
    for env in [
        &[][..],
        &[("MAILU_CHART_PUBLIC_SMTP", "sideways")][..],
        &[("MAILU_CHART_PUBLIC_SMTP", "proxy-protocol")][..],
    ] {
        std::fs::write(&template, &mailus).unwrap();
        let (ok, stderr) = run_entrypoint("front-entrypoint.py", &paths, env);
        assert!(!ok && stderr.contains("must"), "{env:?}: {stderr}");
        assert_eq!(std::fs::read_to_string(&template).unwrap(), mailus);
    }
    // An image whose template has no such server is refused, not half patched.
    std::fs::write(&template, "mail {\n    server {\n      listen 465 ssl;\n    }\n}\n").unwrap();
    let env = [("REAL_IP_FROM", "10.42.0.0/16"), ("MAILU_CHART_PUBLIC_SMTP", "direct")];
    let (ok, stderr) = run_entrypoint("front-entrypoint.py", &paths, &env);
    assert!(!ok && stderr.contains("not supported"), "{stderr}");
}

#[test]
fn m23_rspamd_may_ask_the_public_fuzzy_servers() {
    // core/rspamd/conf/fuzzy_check.conf is written to local.d (core/rspamd/start.py), which
    // adds its local rule to rspamd's own rules; those ask rspamd.com's fuzzy servers on UDP
    // port 11335, and every message waits for their timeout when the packets are dropped.
    let manifests = render("minimal", &[]);
    let policy = find(&manifests, "NetworkPolicy", "mailu-rspamd");
    let udp_anywhere = list(policy, "spec.egress").iter().any(|rule| {
        list(rule, "to").iter().any(|peer| text(peer, "ipBlock.cidr") == "0.0.0.0/0")
            && list(rule, "ports").iter().any(|p| text(p, "protocol") == "UDP" && number(p, "port") == 11335)
    });
    assert!(udp_anywhere, "{policy:?}");
}

#[test]
fn m24_postfix_and_dovecot_are_probed_without_filling_their_logs() {
    // Each connection to postfix's port 25 or dovecot's IMAP port writes log lines (connect,
    // lost connection, disconnect; a login process's disconnection), every few seconds for a
    // probe. Their images' own health checks ask whether the master process runs
    // (core/postfix/Dockerfile: `master -t`; core/dovecot/Dockerfile: its pid file).
    let manifests = render("minimal", &[]);
    for (name, check) in
        [("mailu-postfix", "postfix/master -t"), ("mailu-dovecot", "/run/dovecot/master.pid")]
    {
        let workload = find(&manifests, "Deployment", name);
        for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
            let command = strings(container(workload), &format!("{probe}.exec.command")).join(" ");
            assert!(command.contains(check), "{name} {probe}: {command}");
        }
    }
}

/// The part of Mailu's nginx template (core/nginx/conf/nginx.conf) that the front patch works
/// on and this run needs: the authentication server in the http block, and the mail block
/// with its port-25 server. What differs from Mailu's is for the sandbox: one process, the
/// paths, and the fake admin's port where Mailu names admin's address.
const MAILU_SHAPED_TEMPLATE: &str = r#"load_module {{ MAIL_MODULE }};
master_process off;
pid {{ DIR }}/nginx.pid;
error_log {{ DIR }}/error.log info;
events {
}

http {
    client_body_temp_path {{ DIR }}/body;
    proxy_temp_path {{ DIR }}/proxy;
    fastcgi_temp_path {{ DIR }}/fastcgi;
    uwsgi_temp_path {{ DIR }}/uwsgi;
    scgi_temp_path {{ DIR }}/scgi;
    access_log off;

    # Forwarding authentication server
    server {
      listen 127.0.0.1:8000;

      location / {
        proxy_pass http://127.0.0.1:{{ ADMIN_PORT }}/internal$request_uri;
      }
    }
}

mail {
    server_name mail.example.com;
    auth_http http://127.0.0.1:8000/auth/email;
    proxy_pass_error_message on;

    # SMTP is always enabled, to avoid losing emails when TLS is failing
    server {
      listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};
{% if SUBNET6 %}
      listen [::]:25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};
{% endif %}
      protocol smtp;
      smtp_auth none;
      auth_http_header Auth-Port 25;
    }
}
"#;

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Answers every question of nginx's mail module as Mailu's admin answers an SMTP sender
/// (core/admin/mailu/internal/nginx.py): accepted, to be handed to postfix at `postfix`.
fn fake_admin(listener: std::net::TcpListener, postfix: u16, asked: std::sync::mpsc::Sender<String>) {
    use std::io::{BufRead, Write};
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut client = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(value) = line.strip_prefix("Client-IP: ") {
                    client = value.trim().to_string();
                }
                line.clear();
            }
            let _ = asked.send(client);
            let _ = write!(
                stream,
                "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: {postfix}\r\n\
                 Content-Length: 0\r\n\r\n"
            );
        }
    });
}

/// Speaks just enough SMTP for nginx's proxy, and passes on each XCLIENT command it hears.
fn fake_postfix(listener: std::net::TcpListener, heard: std::sync::mpsc::Sender<String>) {
    use std::io::{BufRead, Write};
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let heard = heard.clone();
            std::thread::spawn(move || {
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let _ = stream.write_all(b"220 postfix ESMTP\r\n");
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-postfix\r\n250-XCLIENT ADDR NAME LOGIN HELO PROTO\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("XCLIENT") {
                        let _ = heard.send(line.trim().to_string());
                        b"220 postfix ESMTP\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = stream.write_all(b"221 bye\r\n");
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    if stream.write_all(reply).is_err() {
                        return;
                    }
                    line.clear();
                }
            });
        }
    });
}

/// Debian's nginx in the foreground, with `config` and `dir` as its prefix; stopped when
/// dropped.
struct RunningNginx(std::process::Child);

impl Drop for RunningNginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(nginx: &Path, dir: &Path, config: &Path) -> RunningNginx {
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(config)
        .args(["-e", "stderr", "-g", "daemon off;"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    RunningNginx(child)
}

/// Sends one message to a public port-25 listener: as a proxy would, with a PROXY protocol
/// header naming `sender`, or as the sender itself without one. The reply to each command,
/// until the first refusal.
fn send_mail(port: u16, sender: Option<&str>) -> Vec<String> {
    use std::io::{BufRead, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    let mut reply = || {
        let mut last = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                last.push_str(line.trim_end());
                return last;
            }
        }
    };
    if let Some(sender) = sender {
        let family = if sender.contains(':') { "TCP6" } else { "TCP4" };
        let server = if sender.contains(':') { "fd00::1" } else { "10.0.0.1" };
        // In one write, as a proxy sends it: nginx reads the header from the first packet.
        stream.write_all(format!("PROXY {family} {sender} {server} 40000 25\r\n").as_bytes()).unwrap();
    }
    let mut replies = vec![reply()];
    for command in
        ["EHLO sender.example", "MAIL FROM:<a@sender.example>", "RCPT TO:<b@elsewhere.example>", "QUIT"]
    {
        stream.write_all(format!("{command}\r\n").as_bytes()).unwrap();
        let answer = reply();
        let refused = answer.starts_with('4') || answer.starts_with('5');
        replies.push(answer);
        if refused {
            break;
        }
    }
    replies
}

/// Debian's nginx with the configuration the front patch leaves for `way` and Jinja renders
/// (`subnet` as the pod network), beside a fake admin and a fake postfix; what admin is asked
/// (the sender's address) and what postfix hears (XCLIENT) come out of the channels.
struct PatchedFront {
    _server: RunningNginx,
    /// The public listener's port in the sandbox.
    port: u16,
    asked: std::sync::mpsc::Receiver<String>,
    heard: std::sync::mpsc::Receiver<String>,
    dir: tempfile::TempDir,
}

impl PatchedFront {
    /// With `loopback_outside`, the check's loopback lines are left out, so that a sender
    /// connecting over the sandbox's loopback stands for one outside the trusted networks.
    fn start(nginx: &Path, python: &Path, way: &str, subnet: &str, loopback_outside: bool) -> PatchedFront {
        let module = nginx.parent().unwrap().join("../lib/nginx/modules/ngx_mail_module.so");
        let dir = tempfile::tempdir().unwrap();
        let template = dir.path().join("nginx.conf.j2");
        std::fs::write(&template, MAILU_SHAPED_TEMPLATE).unwrap();
        let start = fake_start(dir.path(), "true");
        let paths = [("/conf/nginx.conf", template.as_path()), ("/start.py", start.as_path())];
        // A proxy connects from loopback here.
        let env = [("REAL_IP_FROM", "127.0.0.1/32"), ("MAILU_CHART_PUBLIC_SMTP", way)];
        let (ok, stderr) = run_entrypoint("front-entrypoint.py", &paths, &env);
        assert!(ok, "{stderr}");

        let admin = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let postfix = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let (admin_port, postfix_port) =
            (admin.local_addr().unwrap().port(), postfix.local_addr().unwrap().port());
        let config = dir.path().join("nginx.conf");
        let render = Command::new(python)
            .args([
                "-c",
                "import jinja2, os, sys; print(jinja2.Template(open(sys.argv[1]).read()).render(**os.environ))",
            ])
            .arg(&template)
            .env("DIR", dir.path())
            .env("MAIL_MODULE", &module)
            .env("ADMIN_PORT", admin_port.to_string())
            .env("SUBNET", subnet)
            .env("SUBNET6", "fd00:42::/56")
            .env("REAL_IP_FROM", "127.0.0.1/32")
            .output()
            .unwrap();
        assert!(render.status.success(), "{}", String::from_utf8_lossy(&render.stderr));
        // The sandbox's ports for Mailu's fixed ones; IPv6 sockets are not needed (a header
        // carries the sender's family, a direct sender comes over IPv4 loopback).
        let public = if way == "direct" { 20026 } else { 20025 };
        let ports = [25, 8000, 8025, public].map(|fixed| (fixed, free_port()));
        let mut text = String::from_utf8(render.stdout).unwrap();
        let loopback = ["127.0.0.0/8 1;", "::1/128 1;"];
        assert!(loopback.iter().all(|line| text.contains(line)), "{text}");
        text = text
            .lines()
            .filter(|line| !line.contains("listen [::]"))
            .filter(|line| !(loopback_outside && loopback.contains(&line.trim())))
            .collect::<Vec<_>>()
            .join("\n");
        for (fixed, free) in ports {
            text = text
                .replace(&format!("listen {fixed}"), &format!("listen 127.0.0.1:{free}"))
                .replace(&format!("127.0.0.1:{fixed};"), &format!("127.0.0.1:{free};"))
                .replace(&format!("127.0.0.1:{fixed}/"), &format!("127.0.0.1:{free}/"));
        }
        std::fs::write(&config, &text).unwrap();

        let (asked_tx, asked) = std::sync::mpsc::channel();
        let (heard_tx, heard) = std::sync::mpsc::channel();
        fake_admin(admin, postfix_port, asked_tx);
        fake_postfix(postfix, heard_tx);
        let mut server = start_nginx(nginx, dir.path(), &config);
        let port = ports[3].1;
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.0.try_wait() {
                let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
                panic!("nginx stopped ({status}):\n{log}\n{text}");
            }
            assert!(started.elapsed().as_secs() < 20, "nginx did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        PatchedFront { _server: server, port, asked, heard, dir }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    /// Sends one message and checks that it is refused before postfix hears of it.
    fn assert_refused(&self, sender: Option<&str>) {
        let replies = send_mail(self.port, sender);
        let last = replies.last().unwrap();
        assert!(
            last.starts_with("451 4.7.1 sender inside the pod network"),
            "{sender:?}: {replies:?}\n{}",
            self.log()
        );
        assert!(self.heard.try_recv().is_err(), "{sender:?} reached postfix");
    }

    /// Sends one message and checks that admin is asked about `address` and that postfix hears
    /// it as the client's.
    fn assert_accepted(&self, sender: Option<&str>, address: &str) {
        let timeout = std::time::Duration::from_secs(10);
        let replies = send_mail(self.port, sender);
        assert_eq!(
            replies.last().map(String::as_str),
            Some("221 bye"),
            "{sender:?}: {replies:?}\n{}",
            self.log()
        );
        assert_eq!(self.asked.recv_timeout(timeout).unwrap(), address);
        let xclient = self.heard.recv_timeout(timeout).unwrap();
        let named = if address.contains(':') { format!("IPV6:{address}") } else { address.to_string() };
        assert!(xclient.starts_with(&format!("XCLIENT ADDR={named}")), "{xclient}");
    }
}

#[test]
fn m25_port_25_through_the_proxy_refuses_senders_inside_the_pod_network() {
    // postfix relays anywhere for the pod network (mynetworks, core/postfix/conf/main.cf) and
    // takes the sender's address from front's XCLIENT: the proxy passes on the address it saw,
    // a pod's when a pod sends through it, or, behind a Service that hides clients, a tunnel
    // address of the pod network for everyone. Run for real: Debian's nginx with the
    // configuration the front patch leaves and Jinja renders, a fake admin and a fake postfix.
    let (Some(nginx), Some(python)) = (common::Oracle::Nginx.find(), common::Oracle::JinjaPython.find())
    else {
        return;
    };
    let front = PatchedFront::start(&nginx, &python, "proxy-protocol", "10.42.0.0/16", false);
    // postfix trusts loopback as well, which a trusted proxy may claim or pass on.
    for sender in ["10.42.7.9", "fd00:42::17", "127.0.0.1", "::1"] {
        front.assert_refused(Some(sender));
    }
    for sender in ["203.0.113.7", "2001:db8::5"] {
        front.assert_accepted(Some(sender), sender);
    }
}

#[test]
fn m33_port_25_from_the_load_balancer_or_the_node_refuses_senders_inside_the_pod_network() {
    // The same without a proxy: a load balancer that masquerades its clients (k3s's ServiceLB
    // forwards from pods of its own) gives every sender a pod address, which postfix would
    // trust. Here the sender connects from loopback: refused as loopback, refused as inside the
    // pod network when `subnet` holds it, and accepted when neither counts.
    let (Some(nginx), Some(python)) = (common::Oracle::Nginx.find(), common::Oracle::JinjaPython.find())
    else {
        return;
    };
    PatchedFront::start(&nginx, &python, "direct", "10.42.0.0/16", false).assert_refused(None);
    PatchedFront::start(&nginx, &python, "direct", "127.0.0.0/16", true).assert_refused(None);
    PatchedFront::start(&nginx, &python, "direct", "10.42.0.0/16", true).assert_accepted(None, "127.0.0.1");
}

#[test]
fn m26_roundcube_reads_front_without_tls_when_front_has_none() {
    // With tls.source none (Mailu's notls) front's dovecot proxy sets `ssl = no`
    // (core/nginx/dovecot/proxy.conf), and Roundcube asks for STARTTLS on front's webmail ports
    // (`tls://` in webmails/roundcube/config/config.inc.php): no login would work.
    let base = ["tls.source=none", "expose.mail=none", "expose.loadBalancer.ip="];
    let patch = |set: &[&str]| {
        let manifests = render("gateway-api", &[&base[..], set].concat());
        manifests
            .iter()
            .find(|m| m.kind() == "ConfigMap" && m.name() == "mailu-webmail-overrides")
            .and_then(|m| m.object.get_dotted("data")?.as_map()?.get("mailu-chart.inc.php")?.as_str())
            .map(str::to_string)
    };
    let front = "mailu-front.mailu.svc.cluster.local";
    let plain = patch(&[]).expect("the Roundcube patch");
    for line in [
        format!("$config['imap_host'] = '{front}:10143';"),
        format!("$config['managesieve_host'] = '{front}:14190';"),
        "$config['smtp_host'] = 'mailu-dovecot-submission.mailu.svc.cluster.local:10025';".to_string(),
    ] {
        assert!(plain.contains(&line), "{line}\n{plain}");
    }
    let without_submission = patch(&["dovecotSubmission.enabled=false"]).expect("the Roundcube patch");
    assert!(
        without_submission.contains(&format!("$config['smtp_host'] = '{front}:10025';")),
        "{without_submission}"
    );
    // SnappyMail connects without TLS already (webmails/snappymail/defaults/default.json).
    assert_eq!(patch(&["webmail.type=snappymail"]), None);
}

#[test]
fn m31_behind_a_proxy_plain_http_goes_to_https() {
    // Behind an Ingress or a Gateway front runs the `mail` flavor, which Mailu's own redirect
    // on X-Forwarded-Proto leaves out (core/nginx/conf/nginx.conf): an HTTP listener of the
    // proxy (an HTTPRoute without sectionName attaches to every listener) would serve the
    // sign-in page in clear. The override file of ours, in front's web server as Mailu
    // includes /overrides/*.conf, run with Debian's nginx.
    let values = ["expose.mail=traefik", "expose.web=ingress"];
    let manifests = common::render(&[&common::root().join("values-examples/traefik.yaml")], &values);
    let overrides = manifests.iter().find(|m| m.kind() == "ConfigMap" && m.name() == "mailu-front-overrides");
    let redirect = overrides
        .and_then(|m| m.object.get_dotted("data"))
        .and_then(|data| data.as_map()?.get("mailu-chart-https.conf"))
        .and_then(Value::as_str)
        .expect("front's overrides hold the redirect behind a proxy")
        .to_string();
    let direct = common::render(&[&common::root().join("values-examples/minimal.yaml")], &[]);
    assert!(
        !direct.iter().any(|m| m.kind() == "ConfigMap" && m.name() == "mailu-front-overrides"),
        "front ends TLS itself: Mailu redirects"
    );
    // Off, for a proxy that takes plain HTTP from a load balancer ending TLS (a loop).
    let off = [values[0], values[1], "expose.httpsRedirect=false"];
    let off = common::render(&[&common::root().join("values-examples/traefik.yaml")], &off);
    assert!(!off.iter().any(|m| m.kind() == "ConfigMap" && m.name() == "mailu-front-overrides"));
    let Some(nginx) = common::Oracle::Nginx.find() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("overrides")).unwrap();
    std::fs::write(dir.path().join("overrides/mailu-chart-https.conf"), redirect).unwrap();
    let port = free_port();
    let config = format!(
        "error_log {dir}/error.log;\npid {dir}/nginx.pid;\nevents {{}}\nhttp {{\n  access_log off;\n  \
         client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fastcgi;\n  \
         uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n  server {{\n    listen 127.0.0.1:{port};\n    \
         include {dir}/overrides/*.conf;\n    location / {{ return 200 \"the page\\n\"; }}\n  }}\n}}\n",
        dir = dir.path().display()
    );
    std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
    let _server = start_nginx(&nginx, dir.path(), &dir.path().join("nginx.conf"));
    let ask = |forwarded: &str| -> String {
        use std::io::{Read, Write};
        let started = std::time::Instant::now();
        let mut stream = loop {
            match std::net::TcpStream::connect(("127.0.0.1", port)) {
                Ok(stream) => break stream,
                Err(_) if started.elapsed().as_secs() < 20 => {
                    std::thread::sleep(std::time::Duration::from_millis(50))
                }
                Err(e) => panic!("nginx did not listen: {e}"),
            }
        };
        let header =
            if forwarded.is_empty() { String::new() } else { format!("X-Forwarded-Proto: {forwarded}\r\n") };
        write!(
            stream,
            "GET /admin/ui?x=1 HTTP/1.1\r\nHost: mail.example.com\r\n{header}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let plain = ask("http");
    assert!(plain.starts_with("HTTP/1.1 301"), "{plain}");
    assert!(plain.contains("Location: https://mail.example.com/admin/ui?x=1\r\n"), "{plain}");
    for forwarded in ["https", ""] {
        let answer = ask(forwarded);
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.ends_with("the page\n"),
            "{forwarded:?}: {answer}"
        );
    }
}

#[test]
fn m32_a_busy_webmail_stays_alive_and_ready() {
    // php-fpm runs at most five workers (pm.max_children, webmails/php-webmail.conf) and one
    // answers /ping: five slow requests would fail a /ping probe. Liveness and readiness ask
    // whether nginx and php-fpm take connections; a request waits in the socket's queue.
    let manifests = render("full", &[]);
    let webmail = find(&manifests, "Deployment", "mailu-webmail");
    assert!(strings(container(webmail), "startupProbe.exec.command").join(" ").contains("/ping"));
    for probe in ["livenessProbe", "readinessProbe"] {
        let command = strings(container(webmail), &format!("{probe}.exec.command"));
        assert!(!command.join(" ").contains("/ping"), "{probe}: {command:?}");
        // Run with a socket and a port of the sandbox for php-fpm's and nginx's, no worker
        // ever accepting (all busy), then with php-fpm gone.
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("php-fpm.sock");
        let php = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let nginx = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = nginx.local_addr().unwrap().port();
        let script = command[2]
            .replace("/var/run/php8-fpm.sock", &socket.display().to_string())
            .replace("('127.0.0.1', 80)", &format!("('127.0.0.1', {port})"));
        assert_ne!(script, command[2]);
        let passes =
            || Command::new("python3").args([&command[1], &script]).output().unwrap().status.success();
        assert!(passes(), "{probe} with every worker busy");
        drop(nginx);
        assert!(!passes(), "{probe} with nginx gone");
        let _nginx = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        assert!(passes(), "{probe} with nginx back");
        drop(php);
        assert!(!passes(), "{probe} with php-fpm gone");
    }
}

#[test]
fn m34_a_new_mailu_version_restarts_only_the_pods_of_mailus_images() {
    // A pod restarts when its template changes. ClamAV's restart alone soft-rejects every
    // message with an attachment until its signatures are loaded again
    // (core/rspamd/conf/force_actions.conf): the pods of other images keep their templates.
    let templates = |set: &[&str]| -> BTreeMap<String, Value> {
        render("full", set)
            .iter()
            .filter_map(|m| Some((m.name().to_string(), m.object.get_dotted("spec.template")?.clone())))
            .collect()
    };
    let before = templates(&[]);
    let after = templates(&["images.tag=2024.06.58"]);
    let restarted: Vec<&str> = before
        .iter()
        .filter(|(name, t)| after.get(*name) != Some(t))
        .map(|(name, _)| name.as_str())
        .collect();
    for other in ["mailu-clamav", "mailu-redis", "mailu-tika", "mailu-dovecot-submission"] {
        assert!(before.contains_key(other) && !restarted.contains(&other), "{other}: {restarted:?}");
    }
    for mailu in ["mailu-admin", "mailu-front", "mailu-postfix", "mailu-dovecot", "mailu-rspamd"] {
        assert!(restarted.contains(&mailu), "{mailu}: {restarted:?}");
    }
    // Each pod's version label is the tag of its own image.
    let label = |name: &str| {
        after[name]
            .get_dotted("metadata.labels")
            .and_then(|l| l.as_map()?.get("app.kubernetes.io/version").cloned())
    };
    assert_eq!(label("mailu-front"), Some(Value::String("2024.06.58".into())));
    assert_ne!(label("mailu-clamav"), Some(Value::String("2024.06.58".into())));
}

#[test]
fn m35_front_keeps_serving_while_the_load_balancer_lets_it_go() {
    // Mailu's processes exit at once on SIGTERM (sigterm_handler in
    // core/base/libs/socrate/socrate/system.py), which Kubernetes sends while the endpoints are
    // still being removed: front waits first, within the default grace period of 30 seconds.
    for set in [&[][..], &["expose.mail=hostPort"][..]] {
        let manifests = render("minimal", set);
        let front = manifests
            .iter()
            .find(|m| m.name() == "mailu-front" && matches!(m.kind(), "Deployment" | "DaemonSet"))
            .unwrap();
        let container =
            &front.object.get_dotted("spec.template.spec.containers").unwrap().as_list().unwrap()[0];
        let command =
            container.get_dotted("lifecycle.preStop.exec.command").and_then(Value::as_list).unwrap();
        assert_eq!(command[0].as_str(), Some("sleep"));
        let seconds: u32 = command[1].as_str().unwrap().parse().unwrap();
        assert!((5..30).contains(&seconds), "{seconds}");
    }
}

/// What the built-in Redis container's command hands the image's entry point (which gives
/// /data to the redis user before it starts redis-server), run by a shell with the memory
/// limit the downward API gives it, in MiB.
fn redis_arguments(manifests: &[Manifest], limit_mib: &str) -> Vec<String> {
    let redis = container(find(manifests, "Deployment", "mailu-redis"));
    let env = list(redis, "env");
    assert_eq!(env.len(), 1, "{env:?}");
    let from = env[0].get_dotted("valueFrom.resourceFieldRef").expect("the limit from the downward API");
    assert_eq!((text(from, "resource"), text(from, "divisor")), ("limits.memory", "1Mi"));
    let dir = tempfile::tempdir().unwrap();
    common::write_script(&dir.path().join("docker-entrypoint.sh"), r#"printf '%s\n' "$@""#);
    let command = strings(redis, "command");
    let out = Command::new(&command[0])
        .args(&command[1..])
        .env("PATH", format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap()))
        .env(text(&env[0], "name"), limit_mib)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn m36_redis_makes_room_instead_of_outgrowing_its_memory_limit() {
    // rspamd's Bayes tokens carry no expiry: Mailu's core/rspamd/conf/classifier-bayes.conf
    // sets none and neither does rspamd 3.8's own statistic.conf (the version Alpine 3.20,
    // core/base/Dockerfile, ships). Unbounded, Redis grows until the kernel kills it, and
    // replaying its append-only file can do so again. Bounded below the limit, with room
    // for the fork that rewrites that file, it drops the least recently used keys instead.
    let manifests = render("minimal", &[]);
    let limit = text(container(find(&manifests, "Deployment", "mailu-redis")), "resources.limits.memory");
    assert_eq!(limit, "512Mi");
    let arguments = redis_arguments(&manifests, "512");
    assert_eq!(arguments[0], "redis-server", "{arguments:?}");
    let at = |flag: &str| arguments.iter().position(|a| a == flag).map(|i| arguments[i + 1].as_str());
    assert_eq!(at("--maxmemory-policy"), Some("allkeys-lru"));
    assert_eq!(at("--maxmemory"), Some("308mb"), "three fifths of 512 MiB, rounded up, in Redis's MiB");
    // The limit follows the values: 2 GiB of limit, 1229 MiB for the data.
    let arguments = redis_arguments(&render("minimal", &["redis.resources.limits.memory=2Gi"]), "2048");
    assert!(arguments.windows(2).any(|w| w == ["--maxmemory", "1229mb"]), "{arguments:?}");
    // The smallest limit still bounds it: Redis reads a bound of 0 as none.
    let tiny = ["redis.resources.limits.memory=1Mi", "redis.resources.requests.memory=1Mi"];
    let arguments = redis_arguments(&render("minimal", &tiny), "1");
    assert!(arguments.windows(2).any(|w| w == ["--maxmemory", "1mb"]), "{arguments:?}");
}

#[test]
fn m37_an_ipv6_server_address_keeps_its_port_apart() {
    // Mailu pastes the server's address into URLs: `postgresql://...@{DB_HOST}/...` and
    // `redis://{REDIS_ADDRESS}/2` (core/admin/mailu/configuration.py), `servers =
    // "{{ REDIS_ADDRESS }}"` (core/rspamd/conf/redis.conf), Roundcube's DSN from
    // ROUNDCUBE_DB_HOST (webmails/start.py). A bare IPv6 address would run into the port
    // (`fd00::10:6379` is itself an address): it goes in brackets.
    let set = [
        "database.postgresql.host=2001:db8::5",
        "redis.host=fd00::10",
        "webmail.type=roundcube",
        "webmail.database.onServer=true",
        "webmail.database.existingSecret.name=roundcube-db",
    ];
    let manifests = render("postgresql-external-redis", &set);
    assert_eq!(shared_env(&manifests, "DB_HOST"), "[2001:db8::5]:5432");
    assert_eq!(shared_env(&manifests, "REDIS_ADDRESS"), "[fd00::10]:6379");
    let webmail = container(find(&manifests, "Deployment", "mailu-webmail"));
    let host = list(webmail, "env")
        .iter()
        .find(|e| text(e, "name") == "ROUNDCUBE_DB_HOST")
        .map(|e| text(e, "value"));
    assert_eq!(host, Some("[2001:db8::5]:5432"));
    // Host names stay as they were.
    let manifests = render("postgresql-external-redis", &[]);
    assert_eq!(shared_env(&manifests, "REDIS_ADDRESS"), "redis-master.redis.svc.cluster.local:6379");
}
