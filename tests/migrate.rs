//! `mailu-chart migrate`: values written for Mailu's official chart (our own files under
//! tests/migrate/, with the keys and shapes of the official chart's CI values, README and
//! SETUPS examples) become values that validate, render, pass kubernetes-validate --strict
//! and diff clean; what each setting group becomes; the report; bad input.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use helm_engine::Value;
use mailu_chart::migrate::{self, Migration, Options, Outcome};
use mailu_chart::render::{Manifest, output};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

fn mailu_chart() -> Command {
    let mut cmd = Command::cargo_bin("mailu-chart").unwrap();
    cmd.current_dir(common::root());
    cmd
}

fn fixtures() -> Vec<PathBuf> {
    common::files_in("tests/migrate", "yaml")
}

fn fixture(name: &str) -> PathBuf {
    common::root().join(format!("tests/migrate/{name}.yaml"))
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Migrates a fixture in process.
fn migrated(name: &str) -> Migration {
    let user = common::user_values(&[&fixture(name)], &[]);
    migrate::migrate(&user.values, &Options::default())
}

/// The migrated value at a dotted key of ours.
fn at(m: &Migration, key: &str) -> Option<Value> {
    Value::Map(m.values.clone()).get_dotted(key).cloned()
}

fn text(value: &str) -> Option<Value> {
    Some(Value::String(value.into()))
}

fn outcome<'a>(m: &'a Migration, key: &str) -> &'a Outcome {
    m.findings.get(key).unwrap_or_else(|| panic!("{key} is not in the report: {:?}", m.findings.keys()))
}

fn not_carried(m: &Migration, key: &str) -> String {
    match outcome(m, key) {
        Outcome::NotCarried { why } => why.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

fn changed(m: &Migration, key: &str) -> (String, String) {
    match outcome(m, key) {
        Outcome::Changed { to, how } => (to.clone(), how.clone()),
        other => panic!("{key}: {other:?}"),
    }
}

/// Runs the command on a fixture: the values file and the report.
fn run_migrate(path: &Path, dir: &Path) -> (PathBuf, String) {
    let out = dir.join(format!("{}.yaml", stem(path)));
    let report = dir.join(format!("{}.txt", stem(path)));
    mailu_chart()
        .arg("migrate")
        .arg(common::short(path))
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    (out, std::fs::read_to_string(report).unwrap())
}

fn is_built_in(manifest: &Manifest) -> bool {
    let api = manifest.object.get_dotted("apiVersion").and_then(Value::as_str).unwrap_or_default();
    api.split_once('/').is_none_or(|(group, _)| {
        ["apps", "batch", "policy", "networking.k8s.io", "rbac.authorization.k8s.io"].contains(&group)
    })
}

#[test]
fn every_fixture_migrates_to_values_that_validate_render_and_diff_clean() {
    let dir = tempfile::tempdir().unwrap();
    let validator = common::Oracle::KubernetesValidate.find();
    let helms = common::helms();
    for path in fixtures() {
        let name = stem(&path);
        let (values, _) = run_migrate(&path, dir.path());
        mailu_chart().args(["validate", "-f"]).arg(&values).assert().success();
        let manifests = common::render(&[&values], &[]);
        assert!(!manifests.is_empty(), "{name}: nothing rendered");
        if let Some(validator) = &validator {
            let built_in: Vec<Manifest> = manifests.into_iter().filter(is_built_in).collect();
            let file = dir.path().join(format!("{name}-objects.yaml"));
            std::fs::write(&file, output::stream(&built_in)).unwrap();
            let out =
                common::run(validator, &["--strict", "--quiet", "-k", "1.33.0", &file.display().to_string()]);
            let report =
                String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && !report.contains("ERROR"),
                "{name}: kubernetes-validate:\n{report}"
            );
        }
        mailu_chart()
            .args(["diff", "-f"])
            .arg(&values)
            .assert()
            .success()
            .stdout(contains("render and chart (built-in renderer) are equivalent"));
        for (helm_name, helm) in &helms {
            let assert = mailu_chart()
                .args(["diff", "--engine", "helm", "--chart", "chart-out", "--helm"])
                .arg(helm)
                .arg("-f")
                .arg(&values)
                .assert();
            let output = assert.get_output();
            assert!(
                output.status.success(),
                "{name} with {helm_name}: {}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
}

#[test]
fn migrated_values_and_reports_match_the_reviewed_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for path in fixtures() {
        let (values, report) = run_migrate(&path, dir.path());
        insta::assert_snapshot!(format!("values-{}", stem(&path)), std::fs::read_to_string(values).unwrap());
        insta::assert_snapshot!(format!("report-{}", stem(&path)), report);
    }
}

#[test]
fn the_values_go_to_standard_output_and_the_report_to_standard_error() {
    let path = fixture("getting-started");
    let first = mailu_chart().arg("migrate").arg(common::short(&path)).assert().success();
    let output = first.get_output();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("# mailu-chart values, written by `mailu-chart migrate`"), "{stdout}");
    assert!(stdout.contains("domain: mail.example.org\n"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("Carried ("));
    let again = mailu_chart().arg("migrate").arg(common::short(&path)).output().unwrap();
    assert_eq!(output.stdout, again.stdout, "the output is deterministic");
    assert_eq!(output.stderr, again.stderr, "the report is deterministic");
    // helm's way of naming a values file works too.
    let with_flag = mailu_chart().args(["migrate", "-f"]).arg(common::short(&path)).output().unwrap();
    assert_eq!(output.stdout, with_flag.stdout);
}

/// Among several files, a setting the report leaves out says where it stands.
#[test]
fn settings_left_out_name_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.yaml");
    std::fs::write(&extra, "front:\n  replicaCount: two\nfornt:\n  x: 1\n").unwrap();
    let path = fixture("getting-started");
    let output = mailu_chart().arg("migrate").arg(common::short(&path)).arg(&extra).assert().success();
    let report = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    let name = extra.display();
    for line in [
        format!("front.replicaCount: must be a whole number, found \"two\" ({name}:2:3)"),
        format!("fornt: not a setting of the official chart 2.7.1 (did you mean front?) ({name}:3:1)"),
    ] {
        assert!(report.contains(&line), "{line}\n{report}");
    }
}

#[test]
fn no_input_is_overwritten_and_the_report_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("old.yaml");
    std::fs::copy(fixture("getting-started"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let migrate = |args: &[&std::ffi::OsStr]| {
        let mut command = mailu_chart();
        command.current_dir(dir.path()).arg("migrate").arg("old.yaml").args(args);
        command.assert()
    };
    migrate(&["-o".as_ref(), input.as_os_str()])
        .code(1)
        .stderr(contains("is one of the values files read (old.yaml); write the migrated values"));
    migrate(&["--report".as_ref(), "./old.yaml".as_ref()])
        .code(1)
        .stderr(contains("is one of the values files read"));
    migrate(&["-o".as_ref(), "same.txt".as_ref(), "--report".as_ref(), "./same.txt".as_ref()])
        .code(1)
        .stderr(contains("-o and --report name the same file"));
    // A file read by --set-file is an input too.
    std::fs::write(dir.path().join("pw.txt"), "s3cret\n").unwrap();
    migrate(&[
        "--set-file".as_ref(),
        "secretKey=other.txt,initialAccount.password=pw.txt".as_ref(),
        "-o".as_ref(),
        "./pw.txt".as_ref(),
    ])
    .code(1)
    .stderr(contains("is one of the values files read (pw.txt)"));
    assert_eq!(std::fs::read_to_string(dir.path().join("pw.txt")).unwrap(), "s3cret\n");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    assert!(!dir.path().join("same.txt").exists());
    migrate(&["-o".as_ref(), "new.yaml".as_ref(), "--report".as_ref(), "report.txt".as_ref()]).success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("report.txt")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the report holds passwords: {mode:o}");
    }
    // `-` names the standard streams, as everywhere else; no file called `-` appears.
    migrate(&["-o".as_ref(), "-".as_ref(), "--report".as_ref(), "-".as_ref()])
        .success()
        .stdout(contains("# mailu-chart values, written by `mailu-chart migrate`"))
        .stderr(contains("Read ").and(contains("wrote").not()));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn values_of_this_chart_are_refused_with_the_reason() {
    mailu_chart().args(["migrate", "values-examples/traefik.yaml"]).assert().code(1).stdout("").stderr(contains(
        "these are values of this chart already, valid as they are (expose, tls.source, tls.secretName and 4 more: \
         not settings of Mailu's official chart)",
    ));
}

#[test]
fn no_password_of_the_official_values_reaches_the_values_file() {
    let secrets = [
        ("getting-started", &["a-secret-key-of-the-old-chart", "first-admin-pw"][..]),
        ("complete", &["ci-secret-key", "ci-admin-pw", "ci-api-token", "old-style-pw"]),
        ("embedded-postgresql", &["pg-user-pw", "pg-root-pw"]),
        ("embedded-mariadb", &["roundcube-pw"]),
        ("external-relay", &["relay-pw", "relay-user@example.com"]),
        ("identity", &["ignored-because-of-existingSecret"]),
    ];
    for (name, passwords) in secrets {
        let yaml = migrated(name).values_yaml(&[]);
        for password in passwords {
            assert!(!yaml.contains(password), "{name}: {password} is in the values:\n{yaml}");
        }
    }
}

#[test]
fn identity_and_the_secrets_of_a_first_installation() {
    let m = migrated("getting-started");
    assert_eq!(at(&m, "domain"), text("mail.example.org"));
    assert_eq!(at(&m, "hostnames"), Some(Value::List(vec![Value::String("mail.example.org".into())])));
    // The official default, stated: ours has none.
    assert_eq!(at(&m, "subnet"), text("10.42.0.0/16"));
    assert_eq!(at(&m, "logLevel"), text("INFO"));
    assert_eq!(at(&m, "messageSizeLimitMb"), Some(Value::Int(100)));
    assert_eq!(at(&m, "storage.storageClass"), text("standard"));
    // The account was never enabled there: nothing to carry.
    assert_eq!(not_carried(&m, "initialAccount.password"), "not used: `initialAccount.enabled` is off");
    assert_eq!(at(&m, "initialAccount"), None);
    let plan = &m.secrets[0];
    assert_eq!(plan.name, "mailu-secret-key");
    // The official chart kept the key its Secret held over the values' (it looked it up first).
    let command = plan.command("mailu");
    assert!(
        command.contains("v1=\"$(kubectl -n mailu get secret mailu-secret --ignore-not-found -o jsonpath='{.data.secret-key}')\" || exit 1")
            && command.contains(" v1='a-secret-key-of-the-old-chart';")
            && command.ends_with("--from-literal=secret-key=\"$v1\"\n)"),
        "{command}"
    );
    assert_eq!(changed(&m, "secretKey").0, "secrets.secretKey");
}

#[test]
fn secrets_made_by_the_operator_are_named_directly() {
    let m = migrated("identity");
    assert_eq!(at(&m, "secrets.secretKey.name"), text("mailu-keys"));
    assert_eq!(at(&m, "initialAccount.passwordSecret.name"), text("mailu-keys"));
    assert_eq!(at(&m, "initialAccount.passwordSecret.key"), text("initial-account-password"));
    assert_eq!(at(&m, "initialAccount.mode"), text("ifmissing"));
    assert_eq!(at(&m, "api.tokenSecret.name"), text("mailu-keys"));
    assert_eq!(at(&m, "api.tokenSecret.key"), text("token"));
    assert!(m.secrets.is_empty(), "{:?}", m.secrets);
    assert_eq!(not_carried(&m, "secretKey"), "`existingSecret` wins, there as here");
    assert_eq!(not_carried(&m, "api.webPath"), "the API is served under `/api` here");
    assert_eq!(at(&m, "clusterDomain"), text("k8s.example.internal"));
    assert_eq!(at(&m, "commonLabels.environment"), text("production"));
}

#[test]
fn generated_secrets_are_copied_from_the_old_release() {
    let user = common::user_values(&[&fixture("loadbalancer")], &[]);
    let options = Options { release_name: "mail".into(), namespace: "mail-ns".into() };
    let m = migrate::migrate(&user.values, &options);
    let command = m.secrets[0].command(&options.namespace);
    assert_eq!(
        command,
        "(\n  v1=\"$(kubectl -n mail-ns get secret mail-mailu-secret -o jsonpath='{.data.secret-key}')\" || exit 1\n  \
         v1=\"$(printf '%s' \"$v1\" | base64 -d; echo .)\"; v1=\"${v1%.}\"\n  \
         [ -n \"$v1\" ] || { echo 'mail-ns/mail-mailu-secret has no value under secret-key: nothing created' >&2; exit 1; }\n  \
         kubectl -n mail-ns create secret generic mailu-secret-key \\\n    --from-literal=secret-key=\"$v1\"\n)"
    );
}

#[test]
fn embedded_databases_become_servers_of_their_own() {
    let m = migrated("embedded-mariadb");
    assert_eq!(at(&m, "database.type"), text("mysql"));
    assert_eq!(at(&m, "database.mysql.host"), text("mailu-mariadb"));
    assert_eq!(at(&m, "database.mysql.name"), text("maildb"));
    assert_eq!(at(&m, "database.mysql.existingSecret.name"), text("mailu-database"));
    let database = m.secrets.iter().find(|s| s.name == "mailu-database").unwrap();
    let command = database.command("mailu");
    assert!(command.contains("--from-literal=username='mailuser'"), "{command}");
    assert!(
        command
            .contains("get secret mariadb-credentials -o jsonpath='{.data.mariadb-password}')\" || exit 1"),
        "{command}"
    );
    // Roundcube's database stays on that server.
    assert_eq!(at(&m, "webmail.database.onServer"), Some(Value::Bool(true)));
    let roundcube = m.secrets.iter().find(|s| s.name == "mailu-webmail-database").unwrap().command("mailu");
    assert!(
        roundcube.contains("username='rcuser'")
            && roundcube.contains(
                "get secret mailu-roundcube --ignore-not-found -o jsonpath='{.data.roundcube-db-password}'"
            )
            && roundcube.contains("v1='roundcube-pw';"),
        "{roundcube}"
    );
    assert!(not_carried(&m, "mariadb.primary.persistence.size").contains("Bitnami database sub-chart"));

    let m = migrated("embedded-postgresql");
    assert_eq!(at(&m, "database.type"), text("postgresql"));
    assert_eq!(at(&m, "database.postgresql.host"), text("mailu-postgresql"));
    assert_eq!(at(&m, "database.postgresql.name"), text("mail"));
    let command = m.secrets.iter().find(|s| s.name == "mailu-database").unwrap().command("mailu");
    // Mailu read the password from the sub-chart's Secret: it wins where it is there.
    assert!(
        command.contains("username='mail'")
            && command
                .contains("get secret mailu-postgresql --ignore-not-found -o jsonpath='{.data.password}'")
            && command.contains("v1='pg-user-pw';"),
        "{command}"
    );
    assert!(not_carried(&m, "postgresql.auth.postgresPassword").contains("superuser"));
    assert_eq!(at(&m, "webmail.database"), None, "webmail is off");
}

#[test]
fn an_external_database_and_redis_are_carried() {
    let m = migrated("external-database");
    assert_eq!(at(&m, "database.postgresql.host"), text("pg.databases.svc.cluster.local"));
    assert_eq!(at(&m, "database.postgresql.port"), Some(Value::Int(5433)));
    assert_eq!(at(&m, "database.postgresql.name"), text("mailu_prod"));
    assert_eq!(at(&m, "database.postgresql.existingSecret.name"), text("mailu-pg"));
    assert_eq!(at(&m, "database.postgresql.existingSecret.usernameKey"), text("user"));
    assert_eq!(at(&m, "database.postgresql.existingSecret.passwordKey"), text("pass"));
    assert_eq!(changed(&m, "externalDatabase.host").0, "database.postgresql.host");
    assert_eq!(not_carried(&m, "externalDatabase.appendix"), "Mailu 2024.06 does not read DB_APPENDIX");
    assert_eq!(at(&m, "webmail.database.name"), text("rc_prod"));
    let roundcube = m.secrets.iter().find(|s| s.name == "mailu-webmail-database").unwrap().command("mailu");
    assert!(roundcube.contains("get secret roundcube-pg -o jsonpath='{.data.pass}'"), "{roundcube}");
    assert_eq!(at(&m, "redis.builtin"), Some(Value::Bool(false)));
    assert_eq!(at(&m, "redis.host"), text("redis.cache.svc.cluster.local"));
    assert_eq!(at(&m, "redis.port"), Some(Value::Int(6380)));
}

#[test]
fn the_mail_ports_arrive_the_same_way() {
    let m = migrated("front-daemonset");
    assert_eq!(at(&m, "expose.mail"), text("hostPort"));
    assert_eq!(at(&m, "expose.hostPort.kind"), text("DaemonSet"));
    assert_eq!(at(&m, "front.nodeSelector.node-role/mail"), text("true"));
    // Host ports there opened only 4190 of the optional ports.
    assert_eq!(at(&m, "expose.ports.submission"), Some(Value::Bool(false)));
    assert_eq!(at(&m, "expose.ports.pop3s"), Some(Value::Bool(false)));

    let m = migrated("loadbalancer");
    assert_eq!(at(&m, "expose.mail"), text("loadBalancer"));
    assert_eq!(at(&m, "expose.loadBalancer.ip"), text("192.0.2.25"));
    assert_eq!(at(&m, "expose.loadBalancer.ipFamilyPolicy"), text("PreferDualStack"));
    assert_eq!(
        at(&m, "expose.loadBalancer.annotations")
            .and_then(|a| a.as_map().and_then(|m| m.get("metallb.universe.tf/address-pool").cloned())),
        text("mail")
    );
    assert_eq!(at(&m, "expose.ports.imap"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "front.replicas"), Some(Value::Int(2)));
    assert!(
        not_carried(&m, "front.externalService.externalTrafficPolicy").starts_with("always `Local` here")
    );
    assert!(not_carried(&m, "ingress.proxyProtocol.smtp").contains("`expose.loadBalancer.proxyProtocol`"));
    // Wider than the pod network: every pod would pass as the proxy.
    assert_eq!(at(&m, "expose.trustedProxies"), None);
    assert!(changed(&m, "ingress.realIpFrom").1.contains("10.0.0.0/8 (it overlaps the pod network"));

    let m = migrated("nodeport");
    assert_eq!(at(&m, "expose.mail"), text("hostPort"));
    assert!(changed(&m, "front.externalService.type").1.starts_with("NodePort becomes host ports"));
    assert!(not_carried(&m, "front.externalService.nodePorts.imaps").starts_with("no NodePort Service here"));

    let m = migrated("k3s-klipper");
    assert_eq!(at(&m, "expose.mail"), text("loadBalancer"));
    assert_eq!(
        outcome(&m, "externalService"),
        &Outcome::Unknown { why: "not a setting of the official chart 2.7.1".into() }
    );
}

#[test]
fn the_web_and_the_certificate() {
    let m = migrated("ingress-cert-manager");
    assert_eq!(at(&m, "expose.web"), text("ingress"));
    assert_eq!(at(&m, "expose.ingress.className"), text("nginx"));
    assert_eq!(
        at(&m, "expose.ingress.annotations"),
        Some(Value::Map(helm_engine::Map::from_iter([(
            "nginx.ingress.kubernetes.io/proxy-body-size".to_string(),
            Value::String("60m".into())
        )])))
    );
    assert_eq!(at(&m, "tls.source"), text("certManager"));
    assert_eq!(at(&m, "tls.certManager.issuer"), text("letsencrypt-prod"));
    assert_eq!(at(&m, "tls.certManager.issuerKind"), text("ClusterIssuer"));
    let peer = at(&m, "networkPolicy.ingressController").unwrap();
    assert_eq!(
        peer.get_dotted("namespaceLabels").unwrap().as_map().unwrap()["kubernetes.io/metadata.name"],
        Value::String("ingress".into())
    );
    assert_eq!(
        peer.get_dotted("podLabels").unwrap().as_map().unwrap()["app.kubernetes.io/name"],
        Value::String("ingress-nginx".into())
    );
    assert!(not_carried(&m, "ingress.extraHosts").contains("an Ingress of your own"));

    let m = migrated("existing-certificate");
    assert_eq!(at(&m, "tls.secretName"), text("mail-example-com-tls"));
    assert_eq!(at(&m, "tls.source"), None, "a Secret, our default");
    assert_eq!(at(&m, "expose.ingress.className"), text("traefik"));
    assert!(m.secrets.iter().all(|s| !s.tls));

    let m = migrated("complete");
    let copy = m.secrets.iter().find(|s| s.tls).unwrap();
    assert_eq!(copy.name, "mailu-tls");
    assert!(copy.command("mailu").contains("get secret mailu-certificates -o jsonpath='{.data.tls\\.crt}'"));

    let m = migrated("httproute");
    assert_eq!(at(&m, "expose.web"), text("none"));
    assert_eq!(at(&m, "tls.secretName"), text("mail-example-com-tls"));
    assert!(m.notes.iter().any(|n| n.contains("set `expose.web: httpRoute`")), "{:?}", m.notes);

    let m = migrated("letsencrypt");
    assert_eq!(at(&m, "tls.source"), text("letsencrypt"));
    assert_eq!(at(&m, "expose.web"), text("front"));
    assert_eq!(at(&m, "tls.letsencryptShortchain"), Some(Value::Bool(true)));
    assert_eq!(changed(&m, "ingress.enabled").1, "`expose.web: front`");
}

#[test]
fn mailus_own_settings() {
    let m = migrated("timezone");
    for (key, value) in [
        ("timezone", text("Europe/Paris")),
        ("postmaster", text("hostmaster")),
        ("recipientDelimiter", text("+-")),
        ("dmarc.rua", text("dmarc-reports")),
        ("credentialRounds", Some(Value::Int(14))),
        ("sessions.timeoutSeconds", Some(Value::Int(7200))),
        ("sessions.lifetimeSeconds", Some(Value::Int(604800))),
        ("authentication.requireTokens", Some(Value::Bool(true))),
        ("customization.logoBackground", text("#003366")),
        ("limits.authentication.perNetwork", text("10/hour")),
        ("limits.authentication.ipv4Prefix", Some(Value::Int(26))),
        ("limits.authentication.exemptionSeconds", Some(Value::Int(3600))),
        ("limits.messages.perUser", text("500/day")),
        ("tls.outboundLevel", text("encrypt")),
        ("tls.inboundEnforce", Some(Value::Bool(true))),
        ("authentication.proxy.header", text("X-Forwarded-Email")),
        ("authentication.proxy.createUsers", Some(Value::Bool(true))),
        ("dovecot.compression", text("zstd")),
        ("rspamd.antivirusAction", text("reject")),
        ("fetchmail.delaySeconds", Some(Value::Int(300))),
        ("webmail.type", text("snappymail")),
    ] {
        assert_eq!(at(&m, key), value, "{key}");
    }
    // `"false"` reached admin as false and postfix as true (any text but the empty one):
    // carried as meant, and told.
    assert_eq!(at(&m, "tls.deferOnError"), Some(Value::Bool(false)));
    assert!(changed(&m, "tls.deferOnError").1.contains("postfix as true"));
    let list =
        |items: &[&str]| Some(Value::List(items.iter().map(|i| Value::String(i.to_string())).collect()));
    assert_eq!(at(&m, "limits.authentication.exemptNetworks"), list(&["192.0.2.0/24", "198.51.100.0/24"]));
    assert_eq!(
        at(&m, "limits.messages.exemptSenders"),
        list(&["newsletter@example.com", "alerts@example.com"])
    );
    assert_eq!(at(&m, "authentication.proxy.trustedNetworks"), list(&["10.0.0.10/32"]));
    assert_eq!(at(&m, "welcomeMessage.enabled"), None, "off there, off here");
    assert!(not_carried(&m, "sessionCookieSecure").starts_with("follows TLS here"));
    assert!(not_carried(&m, "webmail.uri").contains("/webmail"));

    let m = migrated("getting-started");
    let (to, how) = changed(&m, "limits.authRatelimit.ip");
    assert_eq!(to, "limits.authentication.perNetwork");
    assert!(how.ends_with("kept 30/minute, left out 1000/hour"), "{how}");
    assert_eq!(at(&m, "limits.authentication.perNetwork"), text("30/minute"));
    // Not set there: the official defaults, which Mailu's differ from, are kept.
    assert_eq!(at(&m, "limits.authentication.ipv6Prefix"), Some(Value::Int(56)));
    assert_eq!(at(&m, "welcomeMessage.enabled"), Some(Value::Bool(true)));
    for component in ["webmail", "clamav", "tika", "oletools"] {
        assert_eq!(at(&m, &format!("{component}.enabled")), Some(Value::Bool(true)), "{component}");
    }
    assert!(
        m.defaults.iter().any(|d| d.starts_with("networkPolicy.enabled true (official false)")),
        "{:?}",
        m.defaults
    );
}

#[test]
fn the_relay_and_its_credentials() {
    let m = migrated("external-relay");
    assert_eq!(at(&m, "relay.host"), text("[smtp.provider.example]:587"));
    assert_eq!(at(&m, "relay.credentialsSecret.name"), text("mailu-relay"));
    let command = m.secrets.iter().find(|s| s.name == "mailu-relay").unwrap().command("mailu");
    assert!(command.contains("v2='relay-pw-'\\''quoted'\\'''; elif"), "{command}");
    assert!(not_carried(&m, "externalRelay.networks").contains("RELAYNETS"));
}

#[test]
fn configuration_overrides() {
    let m = migrated("overrides");
    for (key, file) in [
        ("front.overrides", "status.conf"),
        ("postfix.overrides", "postfix.cf"),
        ("dovecot.overrides", "dovecot.conf"),
        ("rspamd.overrides", "multimap.conf"),
    ] {
        let overrides = at(&m, key).unwrap();
        assert!(overrides.as_map().unwrap().contains_key(file), "{key}");
        assert_eq!(outcome(&m, key), &Outcome::Carried { to: key.into() });
    }
}

#[test]
fn pod_settings() {
    let m = migrated("pod-extras");
    assert_eq!(at(&m, "admin.initContainers").unwrap().as_list().unwrap().len(), 1);
    let env = at(&m, "admin.extraEnv").unwrap();
    assert_eq!(env.as_list().unwrap().len(), 1, "SUBNET is left out");
    assert!(changed(&m, "admin.extraEnvVars").1.contains("SUBNET left out"));
    assert!(
        not_carried(&m, "admin.extraEnvVarsCM")
            .starts_with("no `envFrom` here: name each variable in `admin.extraEnv`")
    );
    assert_eq!(at(&m, "admin.priorityClassName"), text("high"));
    assert_eq!(at(&m, "admin.terminationGracePeriodSeconds"), Some(Value::Int(20)));
    assert_eq!(at(&m, "admin.revisionHistoryLimit"), Some(Value::Int(5)));
    assert_eq!(
        at(&m, "admin.serviceAnnotations").unwrap().as_map().unwrap()["example.com/scrape"],
        Value::String("false".into())
    );
    assert_eq!(at(&m, "admin.probes.liveness.periodSeconds"), Some(Value::Int(20)));
    assert_eq!(at(&m, "admin.probes.liveness.timeoutSeconds"), Some(Value::Int(3)));
    assert_eq!(at(&m, "admin.probes.startup.failureThreshold"), Some(Value::Int(90)));
    assert_eq!(at(&m, "admin.podSecurityContext.fsGroup"), Some(Value::Int(1000)));
    assert_eq!(at(&m, "admin.containerSecurityContext"), None, "not enabled there");
    assert!(not_carried(&m, "admin.updateStrategy.type").contains("Recreate"));
    assert!(not_carried(&m, "admin.schedulerName").contains("default scheduler"));
    assert_eq!(at(&m, "rspamd.extraContainers").unwrap().as_list().unwrap().len(), 1);
    assert_eq!(at(&m, "rspamd.topologySpreadConstraints").unwrap().as_list().unwrap().len(), 1);
    assert!(at(&m, "clamav.affinity.podAffinity").is_some());
    assert!(not_carried(&m, "clamav.persistence.selector").contains("no selector"));

    let m = migrated("complete");
    let (_, how) = changed(&m, "admin.initContainers");
    assert!(how.contains("wait-for-redis left out: it holds a template expression"), "{how}");
    assert!(not_carried(&m, "front.logLevel").contains("`logLevel`"));
}

#[test]
fn resources_are_exactly_those_given() {
    let m = migrated("resources");
    assert_eq!(at(&m, "admin.resources.limits.cpu"), text("1"));
    assert_eq!(at(&m, "admin.resources.requests.cpu"), text("0.1"));
    assert_eq!(at(&m, "clamav.resources.limits.memory"), text("3Gi"));
    // No limits there: none here.
    assert_eq!(at(&m, "postfix.resources.limits.memory"), text(""));
    assert_eq!(at(&m, "dovecot.resources.requests.cpu"), text(""));
    assert_eq!(at(&m, "postfix.resources.requests.ephemeral-storage"), text("1Gi"));
    let m = migrated("complete");
    assert_eq!(at(&m, "redis.resources.limits.cpu"), text("1"));
}

#[test]
fn images_and_their_registry() {
    let m = migrated("images");
    assert_eq!(at(&m, "images.registry"), text("registry.example.com/mailu"));
    assert_eq!(at(&m, "images.tag"), text("2024.06.40"));
    assert_eq!(at(&m, "images.pullPolicy"), text("Always"));
    assert_eq!(
        at(&m, "images.pullSecrets"),
        Some(Value::List(vec![
            Value::String("mirror-credentials".into()),
            Value::String("clamav-credentials".into())
        ]))
    );
    assert_eq!(at(&m, "front.image.tag"), text("2024.06.41"));
    assert_eq!(at(&m, "front.image.digest"), text(&format!("sha256:{}", "1".repeat(64))));
    assert_eq!(at(&m, "admin.image.repository"), text("registry.example.com/example/mailu-admin"));
    assert_eq!(at(&m, "clamav.image.repository"), text("registry.example.com/clamav/clamav-debian"));
}

#[test]
fn storage_and_the_data() {
    let m = migrated("persistence");
    // With the one shared claim, the official chart ignored the components' own claims.
    assert_eq!(at(&m, "dovecot.persistence.existingClaim"), None);
    assert!(not_carried(&m, "dovecot.persistence.existingClaim").contains("`persistence.single_pvc` on"));
    assert_eq!(at(&m, "dovecot.persistence.size"), text("200Gi"));
    // `-`, no class (claims bound to volumes made beforehand), means the same here.
    assert_eq!(at(&m, "storage.storageClass"), text("-"));
    assert!(not_carried(&m, "persistence.accessModes").contains("ReadWriteOnce"));
    assert_eq!(at(&m, "clamav.persistence.storageClass"), text("slow"));
    assert_eq!(
        outcome(&m, "persistence.accessMode"),
        &Outcome::Unknown {
            why: "not a setting of the official chart 2.7.1 (did you mean persistence.accessModes?)".into()
        }
    );
    assert!(m.notes.iter().any(|n| n.contains("one claim (mailu-storage)")), "{:?}", m.notes);
    // fetchmail keeps its list of fetched messages on a claim here too.
    assert_eq!(at(&m, "fetchmail.persistence.size"), text("1Gi"));
    assert_eq!(at(&m, "fetchmail.persistence.storageClass"), text("standard"));
    assert_eq!(at(&m, "fetchmail.persistence.existingClaim"), None);
    assert!(not_carried(&m, "fetchmail.persistence.annotations").contains("no annotations for claims"));
    // The Bitnami Redis's size and class go to the built-in Redis's claim; the shared claim
    // it was given does not.
    assert_eq!(at(&m, "redis.persistence.size"), text("2Gi"));
    assert_eq!(at(&m, "redis.persistence.storageClass"), text("fast"));
    assert_eq!(at(&m, "redis.persistence.existingClaim"), None);
    assert!(not_carried(&m, "redis.master.persistence.existingClaim").contains("claim of its own"));
    assert!(not_carried(&m, "redis.master.persistence.subPath").contains("top of a claim of its own"));
}

#[test]
fn metrics() {
    let m = migrated("complete");
    assert_eq!(at(&m, "dovecot.serviceMonitor.enabled"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "dovecot.serviceMonitor.interval"), text("1m"));
    assert_eq!(at(&m, "rspamd.serviceMonitor.metricRelabelings").unwrap().as_list().unwrap().len(), 1);
    // NetworkPolicies let Prometheus in: the official defaults name its pods.
    let monitoring = at(&m, "networkPolicy.monitoring.namespaceLabels").unwrap();
    assert_eq!(
        monitoring.as_map().unwrap()["kubernetes.io/metadata.name"],
        Value::String("monitoring".into())
    );
    assert_eq!(
        at(&m, "dovecot.fullTextSearch.languages"),
        Some(Value::List(vec![Value::String("en".into()), Value::String("de".into())]))
    );
}

#[test]
fn values_missing_what_ours_require_say_what_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fragment.yaml");
    std::fs::write(&file, "front:\n  kind: DaemonSet\n").unwrap();
    mailu_chart()
        .arg("migrate")
        .arg(&file)
        .assert()
        .success()
        .stderr(contains("Before installing, add or correct (4):\n  domain: the mail domain"));
}

#[test]
fn values_not_valid_here_are_left_out_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("placeholder.yaml");
    std::fs::write(
        &file,
        "domain: example.com\nhostnames: [mail.example.com]\ningress:\n  existingSecret: NAME_OF_SECRET\n",
    )
    .unwrap();
    let user = common::user_values(&[&file], &[]);
    let m = migrate::migrate(&user.values, &Options::default());
    assert_eq!(at(&m, "tls.secretName"), None);
    assert!(
        not_carried(&m, "ingress.existingSecret")
            .starts_with("not valid here: tls.secretName must be a Kubernetes object name")
    );
    assert!(m.to_add.iter().any(|(key, _)| key == "tls.secretName"));
    assert!(m.check().is_ok());

    // Several at once, one of them an entry of a list: each official setting is named.
    let user = common::user_values(&[&file], &["hostnames[1]=NOT_A_HOST"]);
    let m = migrate::migrate(&user.values, &Options::default());
    assert!(not_carried(&m, "ingress.existingSecret").starts_with("not valid here: tls.secretName"));
    assert!(not_carried(&m, "hostnames").starts_with("not valid here: hostnames[1] must be"), "{m:?}");
    assert_eq!(at(&m, "hostnames"), None);
    assert!(m.check().is_ok());
}

#[test]
fn bad_input_is_refused_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let not_yaml = dir.path().join("not-yaml.yaml");
    std::fs::write(&not_yaml, "domain: [unclosed\n").unwrap();
    mailu_chart().arg("migrate").arg(&not_yaml).assert().code(1).stderr(contains("invalid YAML"));
    let list = dir.path().join("list.yaml");
    std::fs::write(&list, "- domain\n").unwrap();
    mailu_chart()
        .arg("migrate")
        .arg(&list)
        .assert()
        .code(1)
        .stderr(contains("a values document must be a map of keys, found a list"));
    mailu_chart()
        .args(["migrate", "no-such-file.yaml"])
        .assert()
        .code(1)
        .stderr(contains("cannot read no-such-file.yaml: no such file"));
    mailu_chart().arg("migrate").assert().code(2);
    // The release and namespace end up in Secret names and in the report's shell commands.
    for (flag, value, says) in [
        ("--release-name", "Mail", "release name \"Mail\": invalid release name"),
        ("--release-name", "", "release name \"\": no name provided"),
        ("-n", "ns$(id)", "namespace \"ns$(id)\" is invalid"),
    ] {
        mailu_chart()
            .args(["migrate", "tests/migrate/complete.yaml", flag, value])
            .assert()
            .code(1)
            .stdout("")
            .stderr(contains(says));
    }
}

#[test]
fn settings_that_would_break_the_new_setup_are_left_out_with_the_reason() {
    let m = migrated("cloud-proxies");
    // The load balancer keeps sending PROXY headers, on every port: front expects them, from
    // the load balancer's address (the official REAL_IP_FROM).
    let annotations = at(&m, "expose.loadBalancer.annotations").unwrap();
    let annotations = annotations.as_map().unwrap();
    assert_eq!(annotations.get("load-balancer.hetzner.cloud/location"), Some(&Value::String("fsn1".into())));
    assert!(annotations.contains_key("load-balancer.hetzner.cloud/uses-proxyprotocol"));
    assert_eq!(at(&m, "expose.loadBalancer.proxyProtocol"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "expose.trustedProxies"), Some(Value::List(vec![Value::String("10.0.1.5/32".into())])));
    assert_eq!(changed(&m, "ingress.proxyProtocol.smtp").0, "expose.loadBalancer.proxyProtocol");
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("(load-balancer.hetzner.cloud/uses-proxyprotocol)")
                && n.contains("on every port")),
        "{:?}",
        m.notes
    );
    // The Ingress reaches front's plain HTTP port here.
    let annotations = at(&m, "expose.ingress.annotations").unwrap();
    assert!(annotations.get_dotted("traefik.ingress.kubernetes.io/service.serversscheme").is_none());
    assert!(
        m.notes.iter().any(|n| n.contains("traefik.ingress.kubernetes.io/service.serversscheme left out"))
    );
    // front opens its IPv6 sockets behind the dual-stack LoadBalancer.
    assert_eq!(at(&m, "expose.loadBalancer.ipFamilyPolicy"), text("RequireDualStack"));
    // The one claim's size goes to the mail.
    assert_eq!(at(&m, "dovecot.persistence.size"), text("500Gi"));
    assert_eq!(changed(&m, "persistence.size").0, "dovecot.persistence.size");
    // `false` did nothing there (the chart wrote the variable only when true).
    assert_eq!(at(&m, "tls.deferOnError"), None);
    assert!(not_carried(&m, "tls.deferOnError").contains("Mailu kept deferring"));
    // Numbers went into the Secrets as helm printed them.
    let key = m.secrets.iter().find(|s| s.name == "mailu-secret-key").unwrap().command("mailu");
    assert!(key.contains("v1='1.234567890123456e+15';"), "{key}");
    let account = m.secrets.iter().find(|s| s.name == "mailu-admin-password").map(|s| s.command("mailu"));
    assert!(account.as_deref().is_some_and(|c| c.contains("'1.234567e+06'")), "{account:?}");
}

#[cfg(unix)]
#[test]
fn an_existing_report_file_is_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(
        &report,
        "an older and longer report than the new one, which must not keep its tail ".repeat(200),
    )
    .unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    mailu_chart()
        .arg("migrate")
        .arg(common::short(&fixture("getting-started")))
        .arg("-o")
        .arg(dir.path().join("values.yaml"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&report).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(!std::fs::read_to_string(&report).unwrap().contains("older and longer"));
}

#[test]
fn the_values_and_the_report_are_written_both_or_neither() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a-folder")).unwrap();
    let migrate = |output: &str, report: &str| {
        let mut command = mailu_chart();
        command.current_dir(dir.path()).arg("migrate").arg(fixture("getting-started"));
        command.args(["-o", output, "--report", report]).assert()
    };
    // Values that cannot be written (no such folder, a folder at their name): no report.
    for values in ["missing/new.yaml", "a-folder"] {
        migrate(values, "report.txt").code(1).stderr(contains(format!("cannot write {values}: ")));
        assert_eq!(common::names_in(dir.path()), ["a-folder"], "-o {values}");
    }
    // A report that cannot be written: no values, and nothing left beside either.
    migrate("new.yaml", "missing/report.txt").code(1).stderr(contains("cannot write missing/report.txt: "));
    assert_eq!(common::names_in(dir.path()), ["a-folder"]);
    // Both: an existing values file keeps its permissions, the report is its owner's alone.
    std::fs::write(dir.path().join("new.yaml"), "old").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        dir.path().join("new.yaml"),
        std::os::unix::fs::PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    migrate("new.yaml", "report.txt").success();
    assert_eq!(common::names_in(dir.path()), ["a-folder", "new.yaml", "report.txt"]);
    assert!(
        std::fs::read_to_string(dir.path().join("new.yaml")).unwrap().contains("domain: mail.example.org")
    );
    assert!(std::fs::read_to_string(dir.path().join("report.txt")).unwrap().contains("Carried ("));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode("new.yaml"), mode("report.txt")), (0o640, 0o600));
    }
}

#[test]
fn the_report_reaches_standard_error_only_once_the_values_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let report_printed = || contains("Carried (").or(contains("kubectl"));
    mailu_chart()
        .current_dir(dir.path())
        .arg("migrate")
        .arg(fixture("getting-started"))
        .args(["-o", "missing/new.yaml"])
        .assert()
        .code(1)
        .stderr(contains("cannot write missing/new.yaml: no such file").and(report_printed().not()));
    // Standard output that cannot take the values (a full disk).
    #[cfg(target_os = "linux")]
    {
        use assert_cmd::assert::OutputAssertExt;
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        std::process::Command::new(assert_cmd::cargo::cargo_bin("mailu-chart"))
            .arg("migrate")
            .arg(fixture("getting-started"))
            .stdout(full)
            .output()
            .unwrap()
            .assert()
            .code(1)
            .stderr(contains("cannot write the output").and(report_printed().not()));
    }
    // Written: the report follows, then the line that says where the values went.
    let done = mailu_chart()
        .current_dir(dir.path())
        .arg("migrate")
        .arg(fixture("getting-started"))
        .args(["-o", "new.yaml"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(stderr.contains("Carried (") && stderr.ends_with("wrote new.yaml\n"), "{stderr}");
}

/// A target that is no file (`/dev/stdout`) is written to as it is: staging a file beside it
/// and renaming it over the target would replace the link (or device) with a file.
#[test]
#[cfg(target_os = "linux")]
fn values_written_to_a_device_go_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yaml");
    std::fs::write(&old, "domain: example.com\nhostnames: [mail.example.com]\n").unwrap();
    let out = mailu_chart()
        .arg("migrate")
        .arg(&old)
        .args(["-o", "/dev/stdout", "--report"])
        .arg(dir.path().join("report.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("domain: example.com"));
    assert!(std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_symlink());
    assert_eq!(common::names_in(dir.path()), ["old.yaml", "report.txt"]);
}

/// The official chart tests its switches with `if`, where any text but the empty one is true
/// (`"no"` and `"false"` too), and hands Mailu's own booleans to its environment, where Mailu
/// reads `yes` and `no` as well (core/admin/mailu/configuration.py).
#[test]
fn quoted_booleans_are_read_as_the_official_chart_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quoted.yaml");
    let values = "domain: acme.org\nhostnames: [mail.acme.org]\npersistence: {single_pvc: \"no\"}\n\
                  initialAccount: {enabled: \"false\", username: a, domain: acme.org, password: x}\n\
                  authRequireTokens: \"yes\"\ntls: {inboundEnforce: \"Yes\"}\n";
    std::fs::write(&path, values).unwrap();
    let user = common::user_values(&[&path], &[]);
    let m = migrate::migrate(&user.values, &Options::default());
    assert_eq!(at(&m, "initialAccount.enabled"), Some(Value::Bool(true)));
    assert!(changed(&m, "initialAccount.enabled").1.contains("templates take as true"));
    assert!(m.notes.iter().any(|n| n.contains("one claim (mailu-storage)")), "{:?}", m.notes);
    assert_eq!(at(&m, "authentication.requireTokens"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "tls.inboundEnforce"), Some(Value::Bool(true)));
}

/// The official chart's values given as they were given to helm, `--set` flags merged after
/// the files, migrate to what the same settings written in a file migrate to; the values'
/// header names the flags without their values (a password may be among them).
#[test]
fn set_flags_are_official_values_too() {
    let from_flags = mailu_chart()
        .args(["migrate", "-f", "tests/migrate/getting-started.yaml"])
        .args([
            "--set",
            "domain=example.org,hostnames[0]=mx.example.org",
            "--set-string",
            "initialAccount.password=s3cret",
        ])
        .output()
        .unwrap();
    assert!(from_flags.status.success(), "{}", String::from_utf8_lossy(&from_flags.stderr));
    let mut merged = std::fs::read_to_string(fixture("getting-started")).unwrap();
    for (from, to) in [
        ("domain: mail.example.org\n", "domain: example.org\n"),
        ("  - mail.example.org\n", "  - mx.example.org\n"),
        ("password: \"first-admin-pw\"", "password: \"s3cret\""),
    ] {
        assert!(merged.contains(from), "{from}");
        merged = merged.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merged.yaml");
    std::fs::write(&file, merged).unwrap();
    let from_file = mailu_chart().arg("migrate").arg(&file).output().unwrap();
    let body = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&from_flags), body(&from_file));
    let values = String::from_utf8_lossy(&from_flags.stdout);
    assert!(values.contains("#   tests/migrate/getting-started.yaml, the --set flags\n"), "{values}");
    assert!(!values.contains("s3cret"), "{values}");
}

/// Official values written inline (for a case no fixture covers).
fn migrated_text(yaml: &str) -> Migration {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.yaml");
    std::fs::write(&file, format!("domain: example.com\nhostnames: [mail.example.com]\n{yaml}")).unwrap();
    let user = common::user_values(&[&file], &[]);
    migrate::migrate(&user.values, &Options::default())
}

#[test]
fn what_the_official_chart_did_with_a_setting_is_what_the_report_says() {
    // `admin.enabled: false` only hid admin's web pages there; so does `admin.ui: false`.
    // Mailu read the quoted text: only false and no (any case) are false to it.
    for (given, hidden) in
        [("false", true), ("\"no\"", true), ("\"False\"", true), ("0", false), ("\"yes\"", false)]
    {
        let m = migrated_text(&format!("admin:\n  enabled: {given}\n"));
        assert_eq!(changed(&m, "admin.enabled").0, "admin.ui", "{given}");
        assert_eq!(at(&m, "admin.ui"), hidden.then_some(Value::Bool(false)), "{given}");
        assert_eq!(at(&m, "admin.enabled"), None);
        assert_eq!(m.check(), Ok(()));
    }

    // An empty issuer annotation made no certificate: the purchased one stays in use.
    let m = migrated_text(
        "ingress:\n  existingSecret: purchased\n  annotations:\n    cert-manager.io/cluster-issuer: \"\"\n",
    );
    assert_eq!(at(&m, "tls.secretName"), text("purchased"));
    assert_ne!(at(&m, "tls.source"), text("certManager"));
    assert_eq!(at(&m, "tls.certManager"), None);

    // An external issuer keeps its kind and API group.
    let m = migrated_text(
        "ingress:\n  annotations:\n    cert-manager.io/issuer: step\n    cert-manager.io/issuer-kind: StepClusterIssuer\n    cert-manager.io/issuer-group: certmanager.step.sm\n",
    );
    assert_eq!(at(&m, "tls.certManager.issuer"), text("step"));
    assert_eq!(at(&m, "tls.certManager.issuerKind"), text("StepClusterIssuer"));
    assert_eq!(at(&m, "tls.certManager.issuerGroup"), text("certmanager.step.sm"));
    assert!(m.to_add.iter().all(|(k, _)| !k.starts_with("tls.")), "{:?}", m.to_add);
    assert_eq!(m.check(), Ok(()));
    // A kind outside cert-manager's own, without a group, names no issuer there: the values
    // say so, as `validate` would.
    let m = migrated_text(
        "ingress:\n  annotations:\n    cert-manager.io/issuer: step\n    cert-manager.io/issuer-kind: StepIssuer\n",
    );
    assert_eq!(at(&m, "tls.certManager.issuerKind"), None);
    assert_eq!(at(&m, "tls.certManager.issuer"), text("step"));
    let (_, what) = m.to_add.iter().find(|(k, _)| k == "tls.certManager.issuerKind").expect("asked for");
    assert!(what.contains("must be \"ClusterIssuer\" or \"Issuer\""), "{what}");
    assert!(!matches!(outcome(&m, "ingress.annotations"), Outcome::NotCarried { .. }), "{:?}", m.findings);
    // The kind annotation of cert-manager's own kinds is read.
    let m = migrated_text(
        "ingress:\n  annotations:\n    cert-manager.io/issuer: ca\n    cert-manager.io/issuer-kind: ClusterIssuer\n",
    );
    assert_eq!(at(&m, "tls.certManager.issuerKind"), text("ClusterIssuer"));
    assert!(m.to_add.iter().all(|(k, _)| k != "tls.certManager"));

    // Rates as Mailu's limiter reads them: any of its separators, `per`.
    let m = migrated_text(
        "limits:\n  authRatelimit:\n    ip: 10/minute,100/hour\n    user: 30 per day\n  messageRatelimit:\n    value: 120/hour|1000/day\n",
    );
    assert_eq!(at(&m, "limits.authentication.perNetwork"), text("10/minute"));
    assert_eq!(at(&m, "limits.authentication.perUser"), text("30/day"));
    assert_eq!(at(&m, "limits.messages.perUser"), text("120/hour"));

    // A null removes the key in helm, default and all: a switch is then off, anything else
    // unset (Mailu's own default), not the official default.
    let m = migrated_text(
        "clamav:
  enabled: null
welcomeMessage:
  enabled: null
limits:
  authRatelimit:
    ip: null
",
    );
    assert_ne!(at(&m, "clamav.enabled"), Some(Value::Bool(true)));
    assert_ne!(at(&m, "welcomeMessage.enabled"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "limits.authentication.perNetwork"), None);
    assert!(not_carried(&m, "limits.authRatelimit.ip").starts_with("null: helm removes the key"));

    // A null map goes with everything below it: no official default below it comes back, and
    // its switches are off.
    let m = migrated_text(
        "clamav: null
welcomeMessage: null
front:
  hostPort: null
limits:
  authRatelimit: null
",
    );
    for key in ["clamav", "welcomeMessage", "front.hostPort", "limits.authRatelimit"] {
        assert!(not_carried(&m, key).starts_with("null: helm removes the map"), "{key}");
    }
    // The switches below them were not written: no lines, no counts of their own.
    assert_eq!(m.findings.len(), 2 + 4, "{:?}", m.findings.keys());
    assert_eq!(m.repeated_defaults, 0);
    assert_ne!(at(&m, "clamav.enabled"), Some(Value::Bool(true)));
    assert_eq!(at(&m, "clamav.probes"), None, "the switches of a component turned off do not matter");
    assert_ne!(at(&m, "welcomeMessage.enabled"), Some(Value::Bool(true)));
    assert_ne!(at(&m, "expose.mail"), text("hostPort"));
    for key in ["perNetwork", "perUser", "ipv6Prefix"] {
        assert_eq!(at(&m, &format!("limits.authentication.{key}")), None, "{key}");
    }
    assert!(!m.defaults.iter().any(|d| d.contains("limits.authentication")), "{:?}", m.defaults);
    // The object names the official chart took from fullnameOverride stay.
    let m = migrated_text("fullnameOverride: mail\n");
    assert_eq!(at(&m, "fullnameOverride"), text("mail"));
    assert_eq!(m.check(), Ok(()));

    // A sub-chart's condition set to null is no condition to helm: the official Redis stays.
    let m = migrated_text("redis:\n  enabled: null\n");
    assert_eq!(at(&m, "redis.builtin"), None);
    assert!(!m.notes.iter().any(|n| n.contains("could not work")), "{:?}", m.notes);

    // helm fills a sub-chart's values from its own defaults again: the official Redis stays.
    let m = migrated_text("redis: null\n");
    assert_eq!(at(&m, "redis.builtin"), None);
    assert!(!m.findings.contains_key("redis"), "{:?}", m.findings);
}
