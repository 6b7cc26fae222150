//! One test per defect of the TypeScript original (section 14 of its facts sheet). Each test
//! fails on the original's behaviour and passes on ours.

mod common;

use std::collections::BTreeMap;

use helm_engine::Value;
use mailu_chart::render::{Manifest, Release};

fn render(set: &[&str]) -> Vec<Manifest> {
    let minimal = common::root().join("values-examples/minimal.yaml");
    common::render(&[&minimal], set)
}

fn full(set: &[&str]) -> Vec<Manifest> {
    let full = common::root().join("values-examples/full.yaml");
    common::render(&[&full], set)
}

fn traefik(set: &[&str]) -> Vec<Manifest> {
    let traefik = common::root().join("values-examples/traefik.yaml");
    common::render(&[&traefik], set)
}

fn find<'a>(manifests: &'a [Manifest], kind: &str, name: &str) -> &'a Value {
    manifests
        .iter()
        .find(|m| m.kind() == kind && m.name() == name)
        .map(|m| &m.object)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn exists(manifests: &[Manifest], kind: &str, name: &str) -> bool {
    manifests.iter().any(|m| m.kind() == kind && m.name() == name)
}

fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    value.get_dotted(path).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, path: &str) -> &'a [Value] {
    value.get_dotted(path).and_then(Value::as_list).map(Vec::as_slice).unwrap_or_default()
}

fn container(deployment: &Value) -> &Value {
    &list(deployment, "spec.template.spec.containers")[0]
}

/// A container's environment variable by name.
fn env<'a>(deployment: &'a Value, name: &str) -> Option<&'a Value> {
    list(container(deployment), "env").iter().find(|e| text(e, "name") == name)
}

fn shared_env(manifests: &[Manifest]) -> BTreeMap<String, String> {
    find(manifests, "ConfigMap", "mailu-env")
        .get_dotted("data")
        .and_then(Value::as_map)
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn config_file<'a>(manifests: &'a [Manifest], config_map: &str, file: &str) -> &'a str {
    find(manifests, "ConfigMap", config_map)
        .get_dotted("data")
        .and_then(|d| d.as_map()?.get(file)?.as_str())
        .unwrap()
}

fn route_backend(manifests: &[Manifest], route: &str) -> (String, i64) {
    let service = &list(&list(find(manifests, "IngressRouteTCP", route), "spec.routes")[0], "services")[0];
    (text(service, "name").to_string(), service.get_dotted("port").and_then(Value::as_f64).unwrap() as i64)
}

fn component_of(peer: &Value) -> String {
    peer.get_dotted("podSelector")
        .and_then(|s| s.get_dotted("matchLabels"))
        .and_then(Value::as_map)
        .and_then(|m| m.get("app.kubernetes.io/component"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The components a policy admits traffic from, with ports.
fn admitted_from(manifests: &[Manifest], policy: &str) -> Vec<(String, Vec<i64>)> {
    list(find(manifests, "NetworkPolicy", policy), "spec.ingress")
        .iter()
        .flat_map(|rule| {
            let ports: Vec<i64> = list(rule, "ports")
                .iter()
                .filter_map(|p| p.get_dotted("port").and_then(Value::as_f64))
                .map(|p| p as i64)
                .collect();
            list(rule, "from").iter().map(move |peer| (component_of(peer), ports.clone())).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn r1_port_25_reaches_postfix_only_through_front_with_the_client_address() {
    // Through Traefik: to front's own PROXY protocol listener, never to postfix or to front's
    // plain port 25 (where the proxy's pod address would be taken for the sender's).
    let manifests = traefik(&[]);
    let (service, port) = route_backend(&manifests, "mailu-smtp");
    assert_eq!(service, "mailu-front", "public port 25 must not go straight to postfix");
    assert_eq!(port, 20025);
    let route = find(&manifests, "IngressRouteTCP", "mailu-smtp");
    let backend = &list(&list(route, "spec.routes")[0], "services")[0];
    assert_eq!(backend.get_dotted("proxyProtocol.version"), Some(&Value::Int(2)));
    // front trusts the PROXY header only from the pod network, and its listener exists.
    assert_eq!(shared_env(&manifests)["REAL_IP_FROM"], "10.42.0.0/16");
    let script = config_file(&manifests, "mailu-front", "front-entrypoint.py");
    assert!(script.contains("listen 20025 proxy_protocol;"));
    assert_eq!(
        env_value(find(&manifests, "Deployment", "mailu-front"), "MAILU_CHART_PUBLIC_SMTP"),
        "proxy-protocol"
    );
    let from_proxy = admitted_from(&manifests, "mailu-front");
    let (_, proxy_ports) = from_proxy.iter().find(|(peer, _)| peer.is_empty()).expect("a rule for the proxy");
    assert!(proxy_ports.contains(&20025) && !proxy_ports.contains(&25), "{proxy_ports:?}");
    // On a LoadBalancer the client connects to front itself, its address kept, on a listener
    // that refuses senders inside the pod network: a load balancer that masquerades its
    // clients (k3s's ServiceLB) gives them pod addresses, which postfix trusts.
    let direct = render(&[]);
    let public = find(&direct, "Service", "mailu-front-public");
    assert_eq!(text(public, "spec.externalTrafficPolicy"), "Local");
    let smtp =
        list(public, "spec.ports").iter().find(|p| p.get_dotted("port") == Some(&Value::Int(25))).unwrap();
    assert_eq!(text(smtp, "targetPort"), "direct-smtp");
    assert!(!shared_env(&direct).contains_key("REAL_IP_FROM"), "nothing to believe without a proxy");
    assert_eq!(env_value(find(&direct, "Deployment", "mailu-front"), "MAILU_CHART_PUBLIC_SMTP"), "direct");
    let script = config_file(&direct, "mailu-front", "front-entrypoint.py");
    assert!(script.contains("listen 20026;"));
    let (_, from_outside) =
        admitted_from(&direct, "mailu-front").into_iter().find(|(_, ports)| ports.contains(&20026)).unwrap();
    assert!(!from_outside.contains(&25), "{from_outside:?}");
    // With host ports, the node's port 25 is the guarded listener's.
    let host = render(&["expose.mail=hostPort"]);
    let number = |port: &Value, key: &str| port.get_dotted(key).and_then(Value::as_f64).unwrap() as i64;
    let on_host: Vec<(i64, i64)> = list(container(find(&host, "DaemonSet", "mailu-front")), "ports")
        .iter()
        .filter(|p| p.get_dotted("hostPort").is_some())
        .map(|p| (number(p, "hostPort"), number(p, "containerPort")))
        .collect();
    assert!(on_host.contains(&(25, 20026)) && !on_host.iter().any(|(_, c)| *c == 25), "{on_host:?}");
    // postfix admits port 25 only from in-release components, never from a proxy.
    for manifests in [&manifests, &direct] {
        for (peer, ports) in admitted_from(manifests, "mailu-postfix") {
            assert!(!peer.is_empty(), "postfix admits a peer that is not a Mailu component: {ports:?}");
        }
    }
}

#[test]
fn r2_the_relay_only_submission_service_is_reachable_only_from_webmail() {
    let manifests = full(&[]);
    assert_eq!(
        admitted_from(&manifests, "mailu-dovecot-submission"),
        vec![("webmail".to_string(), vec![10025])]
    );
    // And the default deny covers every pod of the release.
    let deny = find(&manifests, "NetworkPolicy", "mailu-default-deny");
    assert_eq!(list(deny, "spec.policyTypes").len(), 2);
    assert!(deny.get_dotted("spec.ingress").is_none() && deny.get_dotted("spec.egress").is_none());
}

#[test]
fn r3_submission_587_offers_starttls_with_the_certificate_in_front() {
    for manifests in [render(&[]), full(&[]), traefik(&[])] {
        let env = shared_env(&manifests);
        assert_ne!(env["TLS_FLAVOR"], "notls");
        assert!(env["PORTS"].split(',').any(|p| p == "587"), "{}", env["PORTS"]);
        let front = find(&manifests, "Deployment", "mailu-front");
        let mount =
            list(container(front), "volumeMounts").iter().find(|m| text(m, "mountPath") == "/certs").cloned();
        assert!(mount.is_some(), "front has its certificate");
    }
    // Through Traefik the bytes of 587 pass untouched: no TLS at the proxy.
    let manifests = traefik(&[]);
    let route = find(&manifests, "IngressRouteTCP", "mailu-submission");
    assert!(route.get_dotted("spec.tls").is_none());
    assert_eq!(route_backend(&manifests, "mailu-submission"), ("mailu-front".to_string(), 587));
}

#[test]
fn r4_the_web_interface_is_reachable_through_front() {
    let manifests = full(&[]);
    let ingress = find(&manifests, "Ingress", "mailu-web");
    let backend = &list(&list(ingress, "spec.rules")[0], "http.paths")[0];
    assert_eq!(text(backend, "backend.service.name"), "mailu-front");
    assert_eq!(text(backend, "backend.service.port.name"), "http");
    let front = find(&manifests, "Service", "mailu-front");
    assert!(
        list(front, "spec.ports")
            .iter()
            .any(|p| text(p, "name") == "http" && p.get_dotted("port") == Some(&Value::Int(80)))
    );
    let env = shared_env(&manifests);
    assert_eq!(env["ADMIN"], "true");
    assert_eq!(env["WEBMAIL"], "roundcube");
    assert_eq!(env["WEB_ADMIN"], "/admin");
    assert_eq!(env["WEB_WEBMAIL"], "/webmail");
    assert_eq!(env["WEBMAIL_ADDRESS"], "mailu-webmail.mailu.svc.cluster.local");
}

#[test]
fn r5_every_mail_route_passes_the_client_address() {
    let manifests = traefik(&[]);
    let routes: Vec<&Manifest> = manifests.iter().filter(|m| m.kind() == "IngressRouteTCP").collect();
    assert_eq!(routes.len(), 6, "25, 465, 587, 993, 995 and 4190");
    let mut proxied = Vec::new();
    for route in routes {
        let backend = &list(&list(&route.object, "spec.routes")[0], "services")[0];
        assert_eq!(backend.get_dotted("proxyProtocol.version"), Some(&Value::Int(2)), "{}", route.name());
        let (_, port) = route_backend(&manifests, route.name());
        if port != 20025 {
            proxied.push(port.to_string());
        }
    }
    proxied.sort();
    let mut expected: Vec<String> =
        shared_env(&manifests)["PROXY_PROTOCOL"].split(',').map(str::to_string).collect();
    expected.sort();
    assert_eq!(proxied, expected, "front expects the PROXY header exactly where Traefik sends it");
}

#[test]
fn r6_the_initial_admin_is_created_with_the_variables_mailu_reads() {
    let manifests = full(&[]);
    let admin = find(&manifests, "Deployment", "mailu-admin");
    assert_eq!(text(env(admin, "INITIAL_ADMIN_PW").unwrap(), "valueFrom.secretKeyRef.key"), "password");
    assert_eq!(
        text(env(admin, "INITIAL_ADMIN_PW").unwrap(), "valueFrom.secretKeyRef.name"),
        "mailu-initial-account"
    );
    assert!(env(admin, "INITIAL_ADMIN_PASSWORD").is_none());
    assert_eq!(text(env(admin, "INITIAL_ADMIN_ACCOUNT").unwrap(), "value"), "admin");
    assert_eq!(text(env(admin, "INITIAL_ADMIN_DOMAIN").unwrap(), "value"), "example.com");
    assert_eq!(text(env(admin, "INITIAL_ADMIN_MODE").unwrap(), "value"), "ifmissing");
    // Turning it off removes all of them.
    let off = full(&["initialAccount.enabled=false"]);
    assert!(env(find(&off, "Deployment", "mailu-admin"), "INITIAL_ADMIN_PW").is_none());
}

#[test]
fn r7_the_api_really_turns_on() {
    let manifests = full(&[]);
    assert_eq!(shared_env(&manifests)["API"], "true");
    let admin = find(&manifests, "Deployment", "mailu-admin");
    // The token reaches admin as a file (Mailu reads API_TOKEN_FILE), not in its environment.
    assert!(env(admin, "API_TOKEN").is_none());
    let file = text(env(admin, "API_TOKEN_FILE").unwrap(), "value");
    assert_eq!(secret_file(admin, file), Some(("mailu-api-token".to_string(), "api-token".to_string())));
    let off = render(&[]);
    assert_eq!(shared_env(&off)["API"], "false");
    let admin = find(&off, "Deployment", "mailu-admin");
    assert!(env(admin, "API_TOKEN_FILE").is_none());
    assert!(list(admin, "spec.template.spec.volumes").iter().all(|v| text(v, "name") != "api-token"));
}

/// The Secret and key behind a file a container reads: the volume mounted (read-only) over
/// the file's folder, and its item for the file's name.
fn secret_file(workload: &Value, file: &str) -> Option<(String, String)> {
    let (folder, name) = file.rsplit_once('/')?;
    let mount = list(container(workload), "volumeMounts").iter().find(|m| text(m, "mountPath") == folder)?;
    assert_eq!(mount.get_dotted("readOnly"), Some(&Value::Bool(true)), "{mount:?}");
    let volume = list(workload, "spec.template.spec.volumes")
        .iter()
        .find(|v| text(v, "name") == text(mount, "name"))?;
    let item = list(volume, "secret.items").iter().find(|i| text(i, "path") == name)?;
    Some((text(volume, "secret.secretName").to_string(), text(item, "key").to_string()))
}

#[test]
fn r8_optional_components_are_fully_wired() {
    let manifests = full(&[]);
    let env = shared_env(&manifests);
    assert_eq!(env["ANTIVIRUS"], "clamav");
    assert_eq!(env["ANTIVIRUS_ADDRESS"], "mailu-clamav.mailu.svc.cluster.local");
    assert_eq!(env["WEBDAV"], "radicale");
    assert_eq!(env["WEBDAV_ADDRESS"], "mailu-webdav.mailu.svc.cluster.local");
    // ManageSieve on dovecot.
    let dovecot = find(&manifests, "Service", "mailu-dovecot");
    assert!(list(dovecot, "spec.ports").iter().any(|p| p.get_dotted("port") == Some(&Value::Int(4190))));
    // fetchmail and webmail talk to front, not to dovecot.
    for deployment in ["mailu-fetchmail", "mailu-webmail"] {
        let front = env_value(find(&manifests, "Deployment", deployment), "FRONT_ADDRESS");
        assert_eq!(front, "mailu-front.mailu.svc.cluster.local", "{deployment}");
    }
    // SnappyMail too, which cannot be patched: it reaches IMAP and SMTP on front.
    let snappy = full(&["webmail.type=snappymail"]);
    assert_eq!(
        env_value(find(&snappy, "Deployment", "mailu-webmail"), "FRONT_ADDRESS"),
        "mailu-front.mailu.svc.cluster.local"
    );
    let front_ports: Vec<(String, Vec<i64>)> = admitted_from(&snappy, "mailu-front");
    assert!(front_ports.contains(&("webmail".to_string(), vec![10143, 10025, 14190])));
}

fn env_value(deployment: &Value, name: &str) -> String {
    text(env(deployment, name).unwrap_or_else(|| panic!("no {name}")), "value").to_string()
}

#[test]
fn r9_addresses_use_the_namespace_the_objects_are_in() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    let manifests = common::render_release(
        &[&minimal],
        &[],
        &Release { name: "mail".into(), namespace: "mail-system".into() },
    );
    let env: BTreeMap<String, String> = find(&manifests, "ConfigMap", "mail-env")
        .get_dotted("data")
        .and_then(Value::as_map)
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(env["ADMIN_ADDRESS"], "mail-admin.mail-system.svc.cluster.local");
    for manifest in &manifests {
        assert_eq!(text(&manifest.object, "metadata.namespace"), "mail-system", "{}", manifest.name());
    }
    // The default namespace is used consistently too.
    assert_eq!(shared_env(&render(&[]))["ADMIN_ADDRESS"], "mailu-admin.mailu.svc.cluster.local");
}

#[test]
fn r10_disabling_a_core_component_is_a_clear_error_not_a_crash() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    for component in ["postfix", "admin", "front", "dovecot"] {
        let set = format!("{component}.enabled=false");
        let invalid = mailu_chart::values::resolve(&common::user_values(&[&minimal], &[&set])).unwrap_err();
        assert_eq!(invalid.problems[0].path.to_string(), format!("{component}.enabled"));
        assert!(invalid.problems[0].message.starts_with("cannot be turned off"));
    }
    // rspamd may be turned off; postfix then stops waiting for its milter.
    let no_rspamd = render(&["rspamd.enabled=false"]);
    assert!(!exists(&no_rspamd, "Deployment", "mailu-rspamd"));
    assert!(config_file(&no_rspamd, "mailu-postfix-overrides", "postfix.cf").contains("smtpd_milters =\n"));
    assert!(!shared_env(&no_rspamd).contains_key("ANTISPAM_ADDRESS"));
}

fn resources(manifests: &[Manifest], deployment: &str) -> (String, String, String, String) {
    let c = container(find(manifests, "Deployment", deployment));
    (
        text(c, "resources.requests.cpu").into(),
        text(c, "resources.requests.memory").into(),
        text(c, "resources.limits.cpu").into(),
        text(c, "resources.limits.memory").into(),
    )
}

#[test]
fn r11_resources_are_the_documented_defaults() {
    let manifests = render(&["webmail.enabled=true"]);
    assert_eq!(
        resources(&manifests, "mailu-admin"),
        ("100m".into(), "256Mi".into(), "300m".into(), "512Mi".into())
    );
    assert_eq!(resources(&manifests, "mailu-postfix").0, "100m");
    assert_eq!(resources(&manifests, "mailu-postfix").1, "512Mi");
    assert_eq!(resources(&manifests, "mailu-dovecot").1, "1Gi");
    // The submission relay has its own, small resources, not a copy of dovecot's.
    let dovecot_big = render(&[
        "webmail.enabled=true",
        "dovecot.resources.requests.memory=8Gi",
        "dovecot.resources.limits.memory=8Gi",
    ]);
    assert_eq!(resources(&dovecot_big, "mailu-dovecot-submission").1, "64Mi");
    let total_cpu_millis: i64 = manifests
        .iter()
        .filter(|m| m.kind() == "Deployment")
        .map(|m| {
            text(container(&m.object), "resources.requests.cpu").trim_end_matches('m').parse::<i64>().unwrap()
        })
        .sum();
    assert!(total_cpu_millis < 1000, "the minimal install requests {total_cpu_millis}m CPU");
}

fn probe_budget(deployment: &Value, probe: &str) -> i64 {
    let p = container(deployment).get_dotted(probe).unwrap();
    let number = |k: &str| p.get_dotted(k).and_then(Value::as_f64).unwrap() as i64;
    number("periodSeconds") * number("failureThreshold")
}

#[test]
fn r12_slow_starters_get_enough_time() {
    let manifests = full(&[]);
    assert!(probe_budget(find(&manifests, "Deployment", "mailu-admin"), "startupProbe") >= 600);
    assert!(probe_budget(find(&manifests, "Deployment", "mailu-rspamd"), "startupProbe") >= 350);
    assert!(probe_budget(find(&manifests, "Deployment", "mailu-clamav"), "startupProbe") >= 600);
    // Probes follow each image's health check.
    let admin = container(find(&manifests, "Deployment", "mailu-admin"));
    assert_eq!(text(admin, "livenessProbe.httpGet.path"), "/ping");
    // front's covers nginx's local health port and the dovecot login proxy, as the image's does.
    let front = container(find(&manifests, "Deployment", "mailu-front"));
    let check = &list(front, "readinessProbe.exec.command")[2];
    let check = check.as_str().unwrap();
    assert!(check.contains("127.0.0.1:10204/health") && check.contains("10143"), "{check}");
    // Mailu deletes its pid files when it reloads a renewed certificate.
    assert!(!check.contains(".pid"), "{check}");
}

#[test]
fn r13_single_pods_on_readwriteonce_claims_are_recreated() {
    let manifests = full(&[]);
    for deployment in
        ["mailu-admin", "mailu-postfix", "mailu-dovecot", "mailu-rspamd", "mailu-webmail", "mailu-webdav"]
    {
        assert_eq!(
            text(find(&manifests, "Deployment", deployment), "spec.strategy.type"),
            "Recreate",
            "{deployment}"
        );
    }
    // ClamAV's one pod keeps its signatures on a claim; several have a volume each of their
    // own, and roll one at a time so that the others keep scanning.
    for (replicas, strategy) in [("1", "Recreate"), ("2", "RollingUpdate")] {
        let manifests = full(&[&format!("clamav.replicas={replicas}")]);
        assert_eq!(text(find(&manifests, "Deployment", "mailu-clamav"), "spec.strategy.type"), strategy);
    }
}

#[test]
fn r14_dkim_keys_live_on_a_persistent_volume() {
    let manifests = render(&[]);
    let admin = find(&manifests, "Deployment", "mailu-admin");
    let mount = list(container(admin), "volumeMounts")
        .iter()
        .find(|m| text(m, "mountPath") == "/dkim")
        .expect("/dkim mounted");
    let volume = list(admin, "spec.template.spec.volumes")
        .iter()
        .find(|v| text(v, "name") == text(mount, "name"))
        .unwrap();
    assert_eq!(text(volume, "persistentVolumeClaim.claimName"), "mailu-admin");
}

#[test]
fn r15_no_dead_settings() {
    let manifests = render(&[
        "database.type=postgresql",
        "database.postgresql.host=db.example",
        "database.postgresql.port=6432",
        "database.postgresql.existingSecret.name=db",
        "images.pullPolicy=Always",
        "timezone=Europe/Paris",
    ]);
    let env = shared_env(&manifests);
    assert!(!env.contains_key("TIMEZONE") && !env.contains_key("DB_PORT"));
    assert_eq!(env["TZ"], "Europe/Paris");
    assert_eq!(env["DB_HOST"], "db.example:6432");
    for m in manifests.iter().filter(|m| m.kind() == "Deployment") {
        let c = container(&m.object);
        assert_eq!(text(c, "imagePullPolicy"), "Always");
        assert!(list(c, "env").iter().all(|e| !text(e, "name").starts_with("POSTFIX_")));
        // Only admin uses the database, and reads its password from a file.
        assert!(list(c, "env").iter().all(|e| text(e, "name") != "DB_PW"), "{}", m.name());
        if m.name() == "mailu-admin" {
            let file =
                list(c, "env").iter().find(|e| text(e, "name") == "DB_PW_FILE").map(|e| text(e, "value"));
            let file = file.expect("admin reads the database password from a file");
            assert_eq!(secret_file(&m.object, file), Some(("db".to_string(), "password".to_string())));
        } else {
            assert!(list(c, "env").iter().all(|e| text(e, "name") != "DB_PW_FILE"), "{}", m.name());
        }
    }
    // Limits are Mailu's own, which admin enforces for every login front passes on
    // (core/admin/mailu/limiter.py) and every message postfix accepts
    // (core/admin/mailu/internal/views/postfix.py). postfix's per-client anvil limits would
    // count front, the only client postfix ever sees, so none are set.
    assert_eq!(env["AUTH_RATELIMIT_IP"], "5/hour");
    assert_eq!(env["AUTH_RATELIMIT_USER"], "50/day");
    assert_eq!(env["MESSAGE_RATELIMIT"], "200/day");
    let overrides = config_file(&manifests, "mailu-postfix-overrides", "postfix.cf");
    assert!(!overrides.contains("rate_limit"), "{overrides}");
}

#[test]
fn r16_mail_and_web_are_reachable_with_the_defaults() {
    let manifests = render(&[]);
    let public = find(&manifests, "Service", "mailu-front-public");
    assert_eq!(text(public, "spec.type"), "LoadBalancer");
    let ports: Vec<&str> = list(public, "spec.ports").iter().map(|p| text(p, "name")).collect();
    assert_eq!(ports, ["smtp", "submissions", "submission", "imaps", "pop3s", "sieve", "http", "https"]);
    assert_eq!(shared_env(&manifests)["TLS_FLAVOR"], "cert", "port 80 redirects to 443");
}

#[test]
fn r17_the_submission_relay_accepts_the_configured_message_size() {
    let manifests = full(&["messageSizeLimitMb=100"]);
    let config = config_file(&manifests, "mailu-dovecot-submission", "dovecot.conf");
    assert!(config.contains("submission_max_mail_size = 104857600"));
    assert_eq!(shared_env(&manifests)["MESSAGE_SIZE_LIMIT"], "104857600");
}

#[test]
fn r18_values_the_original_let_through_are_rejected() {
    let minimal = common::root().join("values-examples/minimal.yaml");
    for (set, path) in [
        ("domain=Example.com", "domain"),
        ("subnet=10.42.1.7/16", "subnet"),
        ("hostnames=null", "hostnames"),
        ("tls.secretName=not_a_name", "tls.secretName"),
    ] {
        let invalid = mailu_chart::values::resolve(&common::user_values(&[&minimal], &[set])).unwrap_err();
        assert_eq!(invalid.problems[0].path.to_string(), path, "{set}");
    }
    // Quantities Kubernetes accepts are passed on as written, not rejected at render time.
    let manifests = render(&["admin.resources.limits.memory=1.3Gi"]);
    assert_eq!(resources(&manifests, "mailu-admin").3, "1.3Gi");
}

#[test]
fn r19_no_cluster_specific_assumptions() {
    let manifests = full(&[]);
    let relay = find(&manifests, "Deployment", "mailu-dovecot-submission");
    assert!(relay.get_dotted("spec.template.spec.nodeSelector").is_none());
    assert!(relay.get_dotted("spec.template.spec.tolerations").is_none());
    assert_eq!(text(container(relay), "image"), "docker.io/dovecot/dovecot:2.3.21.1");
    let mirrored = full(&["dovecotSubmission.image.repository=registry.example.org/dovecot"]);
    assert_eq!(
        text(container(find(&mirrored, "Deployment", "mailu-dovecot-submission")), "image"),
        "registry.example.org/dovecot:2.3.21.1"
    );
    // Without Roundcube there is nobody for the relay to serve.
    assert!(!exists(&render(&[]), "Deployment", "mailu-dovecot-submission"));
    assert!(!exists(&full(&["webmail.type=snappymail"]), "Deployment", "mailu-dovecot-submission"));
}

#[test]
fn r20_cosmetic_defects_are_gone() {
    let manifests = full(&[]);
    let dovecot_ports: Vec<i64> = list(find(&manifests, "Service", "mailu-dovecot"), "spec.ports")
        .iter()
        .filter_map(|p| p.get_dotted("port").and_then(Value::as_f64))
        .map(|p| p as i64)
        .collect();
    assert!(!dovecot_ports.contains(&993) && !dovecot_ports.contains(&995));
    let rspamd_names: Vec<&str> = list(find(&manifests, "Service", "mailu-rspamd"), "spec.ports")
        .iter()
        .map(|p| text(p, "name"))
        .collect();
    assert!(!rspamd_names.contains(&"fuzzy"));
    // The connection limit exists only with the TCP routes that use it.
    assert!(exists(&traefik(&[]), "MiddlewareTCP", "mailu-smtp-limit"));
    assert!(!exists(&traefik(&["expose.mail=none"]), "MiddlewareTCP", "mailu-smtp-limit"));
    assert!(exists(&traefik(&["expose.mail=none"]), "Ingress", "mailu-web"));
}

/// A DaemonSet runs one front pod on each node whatever `front.replicas` says, and node drains
/// pass its pods by: no disruption budget for it, as for a Deployment of several.
#[test]
fn front_as_a_daemon_set_has_no_disruption_budget() {
    let daemon_set = render(&["expose.mail=hostPort", "front.replicas=3"]);
    assert!(exists(&daemon_set, "DaemonSet", "mailu-front"));
    assert!(!exists(&daemon_set, "PodDisruptionBudget", "mailu-front"));
    let deployment = render(&["expose.mail=hostPort", "expose.hostPort.kind=Deployment", "front.replicas=3"]);
    let budget = find(&deployment, "PodDisruptionBudget", "mailu-front");
    // Pods that never become ready (more replicas than nodes for the host ports) must not
    // block a drain.
    assert_eq!(text(budget, "spec.unhealthyPodEvictionPolicy"), "AlwaysAllow");
    assert_eq!(budget.get_dotted("spec.maxUnavailable"), Some(&Value::Int(1)));
}
