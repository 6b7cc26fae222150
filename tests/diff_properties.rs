//! Random valid values, generated from the model's shape (components on and off, databases,
//! Redis, every exposure mode and certificate source, resources, storage, images, names): render and the chart rendered by the
//! built-in renderer must always agree; a sample is checked against real helm too.

mod common;

use std::sync::LazyLock;

use helm_engine::{Map, RenderOptions, UserValues, ValueInputs};
use mailu_chart::diff;
use mailu_chart::render::{Release, output};
use mailu_chart::values;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::json;

static CHART: LazyLock<helm_engine::Chart> =
    LazyLock::new(|| helm_engine::load_chart(&common::root().join("chart-out")).expect("chart-out loads"));

fn quantity() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (1u32..4000).prop_map(|m| format!("{m}m")),
        (1u32..64).prop_map(|g| format!("{g}Gi")),
        (64u32..4096).prop_map(|m| format!("{m}Mi")),
        (1u32..4).prop_map(|c| c.to_string()),
        (1u32..8).prop_map(|quarters| (f64::from(quarters) / 4.0).to_string()),
    ]
}

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}"
}

fn dns_name() -> impl Strategy<Value = String> {
    (label(), label(), prop_oneof![Just("com"), Just("org"), Just("net")])
        .prop_map(|(a, b, tld)| format!("{a}.{b}.{tld}"))
}

fn component(stateful: bool) -> impl Strategy<Value = serde_json::Value> {
    (
        any::<bool>(),
        quantity(),
        quantity(),
        quantity(),
        quantity(),
        prop::option::of(label()),
        prop::option::of((1u32..200).prop_map(|g| format!("{g}Gi"))),
        prop::option::of(label()),
        prop::option::of(label()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(enabled, rc, rm, lc, lm, tag, size, class, claim, extras, numbers)| {
            // Kubernetes refuses a request above its limit (and so does validate): a limit
            // below the request given, or below the default one, becomes the request too.
            let within = |request: String, limit: &str| {
                let amount = mailu_chart::values::text::quantity_amount;
                match (amount(&request), amount(limit)) {
                    (Some(asked), Some(most)) if asked > most => limit.to_string(),
                    (None, Some(_)) => limit.to_string(),
                    _ => request,
                }
            };
            let (rc, rm) = (within(rc, &lc), within(rm, &lm));
            // Plain numbers may be written as numbers, as Kubernetes takes them.
            let written = |text: String| match text.parse::<f64>() {
                Ok(number) if numbers => json!(number),
                _ => json!(text),
            };
            let (rc, rm, lc, lm) = (written(rc), written(rm), written(lc), written(lm));
            let mut block = json!({
                "enabled": enabled,
                "resources": {"requests": {"cpu": rc, "memory": rm}, "limits": {"cpu": lc, "memory": lm}},
            });
            if let Some(tag) = tag {
                block["image"] = json!({"tag": tag});
            }
            if stateful {
                let mut persistence = json!({});
                if let Some(size) = size {
                    persistence["size"] = json!(size);
                }
                if let Some(class) = class {
                    persistence["storageClass"] = json!(class);
                }
                if let Some(claim) = claim {
                    persistence["existingClaim"] = json!(claim);
                }
                block["persistence"] = persistence;
            }
            if extras {
                block["nodeSelector"] = json!({"disk": "ssd"});
                block["podAnnotations"] = json!({"example.com/x": "y"});
                block["extraEnv"] = json!([{"name": "EXTRA", "value": "1"}]);
                block["tolerations"] = json!([{"key": "mail", "operator": "Exists"}]);
            }
            block
        })
}

prop_compose! {
    fn random_values()(
        domain in dns_name(),
        hostnames in prop::collection::btree_set(dns_name(), 1..4),
        ipv6 in any::<bool>(),
        size in 1u32..2048,
        log_level in prop_oneof![Just("DEBUG"), Just("INFO"), Just("WARNING"), Just("ERROR"), Just("CRITICAL")],
        timezone in prop_oneof![Just("UTC"), Just("Europe/Berlin"), Just("America/Argentina/Buenos_Aires")],
        cluster_domain in prop_oneof![Just("cluster.local"), Just("k8s.internal")],
        create_namespace in any::<bool>(),
        postgresql in any::<bool>(),
        pg_port in 1u32..65535,
        external_redis in any::<bool>(),
        redis_port in 1u32..65535,
        exposure in prop_oneof![
            Just(("loadBalancer", "front", "secret")),
            Just(("loadBalancer", "ingress", "certManager")),
            Just(("loadBalancer", "httpRoute", "secret")),
            Just(("loadBalancer", "front", "letsencrypt")),
            Just(("hostPort", "front", "certManager")),
            Just(("hostPort", "none", "secret")),
            Just(("traefik", "ingress", "certManager")),
            Just(("traefik", "httpRoute", "secret")),
            Just(("none", "ingress", "secret")),
            Just(("none", "httpRoute", "none")),
            Just(("none", "none", "none")),
        ],
        ports in (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        daemon_set in any::<bool>(),
        limit in 1u32..100,
        network_policy in any::<bool>(),
        initial_account in any::<bool>(),
        api in any::<bool>(),
        snappymail in any::<bool>(),
        submission in any::<bool>(),
        rates in (0u32..1000, 0u32..1000, 0u32..1000),
        registry in prop_oneof![Just("ghcr.io/mailu"), Just("registry.example.org/mirror/mailu")],
        pull in prop_oneof![Just("Always"), Just("IfNotPresent"), Just("Never")],
        front in component(false),
        admin in component(true),
        rspamd in component(true),
        webmail in component(true),
        clamav in component(true),
        fetchmail in component(false),
        webdav in component(true),
        ingress_ns in any::<bool>(),
    ) -> serde_json::Value {
        let hostnames: Vec<String> = hostnames.into_iter().collect();
        let mut values = json!({
            "domain": domain,
            "hostnames": hostnames,
            "subnet": if ipv6 { "fd00:42::/56" } else { "10.42.0.0/16" },
            "messageSizeLimitMb": size,
            "logLevel": log_level,
            "timezone": timezone,
            "clusterDomain": cluster_domain,
            "namespace": {"create": create_namespace},
            "images": {"registry": registry, "pullPolicy": pull},
            "limits": {"authentication": {"perNetwork": format!("{}/hour", rates.0), "ipv4Prefix": rates.1 % 33}, "messages": {"perUser": format!("{}/day", rates.2)}},
            "networkPolicy": {"enabled": network_policy},
            "initialAccount": {"enabled": initial_account},
            "api": {"enabled": api},
            "dovecotSubmission": {"enabled": submission},
        });
        let mut set = |key: &str, block: serde_json::Value, enabled: Option<bool>| {
            let mut block = block;
            if let Some(e) = enabled { block["enabled"] = json!(e); }
            values[key] = block;
        };
        // The core components stay on; the schema requires it.
        set("front", front, Some(true));
        set("admin", admin, Some(true));
        set("rspamd", rspamd, None);
        let mut webmail = webmail;
        webmail["type"] = json!(if snappymail { "snappymail" } else { "roundcube" });
        set("webmail", webmail, None);
        set("clamav", clamav, None);
        let mut fetchmail = fetchmail;
        fetchmail["delaySeconds"] = json!(300);
        set("fetchmail", fetchmail, None);
        set("webdav", webdav, None);
        if postgresql {
            values["database"] = json!({"type": "postgresql", "postgresql": {"host": "pg.db.svc", "port": pg_port, "existingSecret": {"name": "pg"}}});
        }
        if external_redis {
            values["redis"] = json!({"builtin": false, "host": "redis.example.org", "port": redis_port});
        }
        let (mail, web, source) = exposure;
        // A DaemonSet would ask Let's Encrypt once per node, which is refused.
        let kind = if daemon_set && source != "letsencrypt" { "DaemonSet" } else { "Deployment" };
        values["expose"] = json!({
            "mail": mail,
            "web": web,
            "ports": {"submission": ports.0, "pop3s": ports.1, "sieve": ports.2, "imap": ports.3, "pop3": ports.4},
            "hostPort": {"kind": kind},
            "traefik": {"smtpConnectionLimit": limit},
            "loadBalancer": {"ip": if ingress_ns { "203.0.113.9" } else { "" }},
            "httpRoute": {"parentRefs": [{"name": "gateway", "namespace": if ingress_ns { "gateways" } else { "" }}]},
        });
        values["tls"] = json!({"source": source});
        // A load balancer speaking the PROXY protocol, where Mailu's Let's Encrypt client is not.
        let load_balancer_proxy = mail == "loadBalancer" && source != "letsencrypt" && pg_port % 4 == 0;
        if load_balancer_proxy {
            values["expose"]["loadBalancer"]["proxyProtocol"] = json!(true);
        }
        let proxy = mail == "traefik" || web == "ingress" || web == "httpRoute" || load_balancer_proxy;
        // A proxy outside the pod network, in some of the values: named by its networks, with
        // or without labels of pods besides.
        let outside = if load_balancer_proxy { 1 + redis_port % 2 } else if proxy { redis_port % 3 } else { 0 };
        if outside > 0 {
            let networks: &[&str] = if outside == 1 { &["192.168.1.0/24"] } else { &["172.16.5.0/24", "fd00:99::/64"] };
            values["expose"]["trustedProxies"] = json!(networks);
        }
        let labelled_proxy = mail == "traefik" || web == "ingress" || web == "httpRoute";
        if (ingress_ns || labelled_proxy) && (outside != 2 || load_balancer_proxy) {
            values["networkPolicy"]["ingressController"] = json!({
                "namespaceLabels": {"kubernetes.io/metadata.name": "proxy"},
                "podLabels": {"app.kubernetes.io/name": "proxy"},
            });
        }
        values
    }
}

fn release() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![Just("mailu".to_string()), "[a-z][a-z0-9-]{0,20}[a-z0-9]"],
        prop_oneof![Just("mailu".to_string()), label()],
    )
}

/// The user values of one generated document, as `-f` would read it.
fn user_values(document: &serde_json::Value) -> UserValues {
    let inputs = ValueInputs {
        files: vec![("random.yaml".into(), document.to_string().into_bytes())],
        ..Default::default()
    };
    UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())).unwrap()
}

fn rendered(user: &UserValues, release: &Release) -> Vec<diff::Object> {
    let values = values::resolve(user).unwrap_or_else(|e| panic!("generated values are invalid: {e}"));
    let mut manifests = mailu_chart::render::render(&values, release).unwrap();
    output::install_order(&mut manifests);
    diff::parse_stream(&output::stream(&manifests), "render").unwrap()
}

fn through_chart(user: &Map, release: &Release) -> Vec<diff::Object> {
    let options = RenderOptions {
        release_name: release.name.clone(),
        namespace: release.namespace.clone(),
        ..Default::default()
    };
    let text = helm_engine::render_chart(&CHART, user, &options).unwrap().template_output(&options).unwrap();
    diff::parse_stream(&text, "chart").unwrap()
}

/// Runs a property in a thread with a large stack: the generated documents are deep and
/// debug builds use a lot of stack for the strategy's nested closures.
fn with_large_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(64 << 20).spawn(test).unwrap().join().unwrap();
}

#[test]
fn render_and_the_chart_agree_on_random_values() {
    with_large_stack(|| {
        // Seeded, so that every run tries the same values; a failure is saved in
        // proptest-regressions/ and tried first from then on.
        let config = ProptestConfig {
            cases: 200,
            rng_seed: proptest::test_runner::RngSeed::Fixed(234),
            source_file: Some(file!()),
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::SourceParallel("proptest-regressions"),
            )),
            ..ProptestConfig::default()
        };
        let mut runner = proptest::test_runner::TestRunner::new(config);
        let result = runner.run(&(random_values(), release()), |(document, (name, namespace))| {
            let release = Release { name, namespace };
            let user = user_values(&document);
            let ours = rendered(&user, &release);
            let theirs = through_chart(&user.values, &release);
            let report = diff::compare(&ours, &theirs);
            prop_assert!(
                report.is_equivalent(),
                "{}",
                diff::report::write(
                    &report,
                    ("render", "chart"),
                    diff::report::Format::Diff,
                    diff::report::Style { color: false }
                )
            );
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
    });
}

#[test]
fn a_sample_of_random_values_agrees_with_real_helm() {
    with_large_stack(sample_against_helm);
}

fn sample_against_helm() {
    let helms = common::helms();
    if helms.is_empty() {
        return;
    }
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (random_values(), release());
    let dir = tempfile::tempdir().unwrap();
    for index in 0..12 {
        let (document, (name, namespace)) = strategy.new_tree(&mut runner).unwrap().current();
        let release = Release { name: name.clone(), namespace: namespace.clone() };
        let file = dir.path().join(format!("values-{index}.json"));
        std::fs::write(&file, document.to_string()).unwrap();
        let ours = rendered(&user_values(&document), &release);
        for (helm_name, helm) in &helms {
            let mut args = vec!["template", &name, "chart-out", "-n", &namespace, "-f"];
            let path = file.display().to_string();
            args.push(&path);
            let output = common::command(helm).args(&args).current_dir(common::root()).output().unwrap();
            assert!(output.status.success(), "{helm_name}: {}", String::from_utf8_lossy(&output.stderr));
            let theirs = diff::parse_stream(&String::from_utf8(output.stdout).unwrap(), helm_name).unwrap();
            let report = diff::compare(&ours, &theirs);
            assert!(report.is_equivalent(), "{helm_name} on {document}: {report:?}");
        }
    }
}
