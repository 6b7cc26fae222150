//! The exported chart: `chart-out/` is current, helm 4 and helm 3 lint it strictly, render
//! through it exactly the objects `mailu-chart render` renders, and refuse invalid values
//! through its schema.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use helm_engine::{UserValues, ValueInputs};
use mailu_chart::diff::{self, Change};
use mailu_chart::render::{Release, output};
use mailu_chart::values;

fn chart_out() -> PathBuf {
    common::root().join("chart-out")
}

/// Every file under a directory, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn chart_out_is_the_current_export() {
    let files = mailu_chart::chart::chart_files().unwrap();
    let expected: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(tree(&chart_out()), expected, "chart-out is stale: run `cargo run -- export chart-out`");
    for file in &files {
        let on_disk = std::fs::read_to_string(chart_out().join(&file.path)).unwrap();
        assert!(
            on_disk == file.content,
            "chart-out/{} is stale: run `cargo run -- export chart-out`",
            file.path
        );
    }
}

#[test]
fn the_schema_in_the_chart_is_the_schema_command_output() {
    let on_disk = std::fs::read_to_string(chart_out().join("values.schema.json")).unwrap();
    assert_eq!(on_disk, values::schema::values_schema_text());
}

#[test]
fn helm_lint_strict_passes_for_every_example() {
    for (name, helm) in common::helms() {
        for example in common::examples() {
            let mut args = vec!["lint".to_string(), "--strict".into(), chart_out().display().to_string()];
            args.extend(["-f".to_string(), example.display().to_string()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = common::run(&helm, &refs);
            let text =
                String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{name} lint --strict {}:\n{text}", common::short(&example));
        }
    }
}

/// One equivalence case: values files, flags, release and namespace.
struct Case {
    files: &'static [&'static str],
    set: &'static [&'static str],
    set_json: &'static [&'static str],
    release: &'static str,
    namespace: &'static str,
}

const fn case(files: &'static [&'static str], set: &'static [&'static str]) -> Case {
    Case { files, set, set_json: &[], release: "mailu", namespace: "mailu" }
}

const MINIMAL: &[&str] = &["values-examples/minimal.yaml"];
const FULL: &[&str] = &["values-examples/full.yaml"];

const TRAEFIK: &[&str] = &["values-examples/traefik.yaml"];

const CASES: &[Case] = &[
    case(&["values-examples/minimal.yaml"], &[]),
    case(&["values-examples/full.yaml"], &[]),
    case(&["values-examples/postgresql-external-redis.yaml"], &[]),
    case(TRAEFIK, &[]),
    case(&["values-examples/hostport.yaml"], &[]),
    case(&["values-examples/letsencrypt.yaml"], &[]),
    case(&["values-examples/gateway-api.yaml"], &[]),
    case(&["values-examples/everything.yaml"], &[]),
    case(MINIMAL, &["expose.mail=hostPort", "expose.hostPort.kind=Deployment", "tls.source=letsencrypt"]),
    case(MINIMAL, &["expose.mail=none", "expose.web=none", "tls.source=none"]),
    case(MINIMAL, &["expose.web=none", "tls.source=certManager", "tls.certManager.issuerKind=Issuer"]),
    // An external issuer (step-ca's), named by its kind and API group.
    case(
        MINIMAL,
        &[
            "expose.web=none",
            "tls.source=certManager",
            "tls.certManager.issuer=step",
            "tls.certManager.issuerKind=StepClusterIssuer",
            "tls.certManager.issuerGroup=certmanager.step.sm",
        ],
    ),
    case(TRAEFIK, &["expose.ports.imap=true", "expose.ports.pop3=true", "expose.ports.sieve=false"]),
    case(TRAEFIK, &["expose.mail=none"]),
    case(MINIMAL, &["webmail.enabled=true"]),
    case(MINIMAL, &["admin.ui=false"]),
    case(
        FULL,
        &["resolver.forwardZones={corp.internal,db.example}", "dovecot.serviceAccountName=mail-backup"],
    ),
    // A resource whose name is no Go template field name, given as text and as a number.
    case(
        MINIMAL,
        &[
            "admin.resources.limits.ephemeral-storage=2Gi",
            "admin.resources.requests.ephemeral-storage=1073741824",
        ],
    ),
    // Helm's global registry replaces each image's own (Mailu's, third-party and a digest-
    // pinned one), and the global pull secrets join the chart's without repeats.
    case(
        &["values-examples/everything.yaml"],
        &[
            "global.imageRegistry=registry.local:5000",
            "global.imagePullSecrets={regcred,other}",
            "images.pullSecrets={regcred}",
            "redis.image.repository=localhost/redis",
            "tika.image.repository=apache/tika",
            "clamav.image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ],
    ),
    case(MINIMAL, &["webmail.enabled=true", "webmail.type=snappymail"]),
    // `-` is no class (an empty storageClassName), for every claim or for one.
    case(MINIMAL, &["storage.storageClass=-", "dovecot.persistence.storageClass=fast"]),
    case(MINIMAL, &["storage.storageClass=slow", "admin.persistence.storageClass=-"]),
    case(MINIMAL, &["webmail.enabled=true", "dovecotSubmission.enabled=false"]),
    case(
        MINIMAL,
        &["clamav.enabled=true", "fetchmail.enabled=true", "webdav.enabled=true", "rspamd.enabled=false"],
    ),
    case(FULL, &["expose.web=front"]),
    case(FULL, &["expose.ports.submission=false", "expose.ports.pop3s=false", "expose.loadBalancer.ip="]),
    case(
        MINIMAL,
        &[
            "database.type=postgresql",
            "database.postgresql.host=pg.db.svc",
            "database.postgresql.port=6432",
            "database.postgresql.existingSecret.name=pg",
        ],
    ),
    case(MINIMAL, &["redis.builtin=false", "redis.host=redis.example.org", "redis.port=6380"]),
    case(
        MINIMAL,
        &[
            "database.type=mysql",
            "database.mysql.host=mariadb.db.svc",
            "database.mysql.existingSecret.name=mariadb",
            "webmail.enabled=true",
            "webmail.database.onServer=true",
            "webmail.database.existingSecret.name=roundcube-db",
        ],
    ),
    case(
        MINIMAL,
        &[
            "tika.enabled=true",
            "tika.replicas=2",
            "oletools.enabled=true",
            "front.replicas=3",
            "clamav.enabled=true",
            "clamav.replicas=2",
        ],
    ),
    case(FULL, &["networkPolicy.enabled=false"]),
    case(MINIMAL, &["subnet=fd00:42::/56", "namespace.create=true", "messageSizeLimitMb=1024"]),
    case(
        MINIMAL,
        &[
            "admin.persistence.existingClaim=old-admin",
            "storage.storageClass=fast",
            "dovecot.persistence.storageClass=bulk",
            "admin.resources.limits.cpu=",
            "front.resources.requests.memory=",
            "postfix.image.tag=2024.06.50",
            "admin.image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "clamav.enabled=true",
            "clamav.image.repository=mirror.example/clamav",
        ],
    ),
    Case {
        files: MINIMAL,
        set: &["webmail.enabled=true"],
        set_json: &[
            r#"admin.extraEnv=[{"name":"LOG_LEVEL","value":"DEBUG"}]"#,
            r#"dovecot.nodeSelector={"disk":"ssd"}"#,
            r#"postfix.tolerations=[{"key":"mail","operator":"Exists","effect":"NoSchedule"}]"#,
            r#"webmail.podAnnotations={"example.com/team":"mail"}"#,
            r#"clamav.podAnnotations={"a":"b"}"#,
            // Pull secrets by name and as maps, the same one twice: named once.
            r#"images.pullSecrets=["a","b"]"#,
            r#"global.imagePullSecrets=["b",{"name":"c"},{"name":"a"}]"#,
            r#"rspamd.affinity={"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}]}]}}}"#,
            r#"networkPolicy.ingressController={"namespaceLabels":{"kubernetes.io/metadata.name":"traefik"},"podLabels":{}}"#,
            r#"expose.loadBalancer={"class":"example.com/lb","sourceRanges":["192.0.2.0/24"],"ipFamilyPolicy":"RequireDualStack"}"#,
        ],
        release: "mailu",
        namespace: "mailu",
    },
    Case { files: FULL, set: &[], set_json: &[], release: "mx", namespace: "mail-system" },
    Case {
        files: MINIMAL,
        set: &["clusterDomain=k8s.internal"],
        set_json: &[],
        release: "a",
        namespace: "b",
    },
    // A release name with dots and past 44 characters: the objects take another name.
    Case {
        files: FULL,
        set: &["fullnameOverride=mail"],
        set_json: &[],
        release: "mail.example.com-production-eu-west-1-primary-x",
        namespace: "mail",
    },
];

fn describe(case: &Case) -> String {
    format!(
        "{:?} --set {:?} --set-json {:?} ({}/{})",
        case.files, case.set, case.set_json, case.release, case.namespace
    )
}

fn render_case(case: &Case) -> Vec<diff::Object> {
    let inputs = ValueInputs {
        files: case
            .files
            .iter()
            .map(|f| (f.to_string(), std::fs::read(common::root().join(f)).unwrap()))
            .collect(),
        set: case.set.iter().map(|s| s.to_string()).collect(),
        set_json: case.set_json.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let user = UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())).unwrap();
    let values = values::resolve(&user).unwrap_or_else(|e| panic!("{}: {e}", describe(case)));
    let release = Release { name: case.release.into(), namespace: case.namespace.into() };
    let mut manifests = mailu_chart::render::render(&values, &release).unwrap();
    output::install_order(&mut manifests);
    diff::parse_stream(&output::stream(&manifests), "render").unwrap()
}

fn helm_case(name: &str, helm: &Path, case: &Case) -> Result<Vec<diff::Object>, String> {
    let mut args = vec!["template".to_string(), case.release.into(), chart_out().display().to_string()];
    args.extend(["-n".to_string(), case.namespace.to_string()]);
    for f in case.files {
        args.extend(["-f".to_string(), common::root().join(f).display().to_string()]);
    }
    for s in case.set {
        args.extend(["--set".to_string(), s.to_string()]);
    }
    for s in case.set_json {
        args.extend(["--set-json".to_string(), s.to_string()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::run(helm, &refs);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    diff::parse_stream(&String::from_utf8(out.stdout).unwrap(), name).map_err(|e| e.to_string())
}

fn explain(report: &diff::Report) -> String {
    let mut lines = Vec::new();
    for o in &report.only_left {
        lines.push(format!("  only helm: {}", o.key));
    }
    for o in &report.only_right {
        lines.push(format!("  only render: {}", o.key));
    }
    for (l, _, changes) in &report.changed {
        for change in changes {
            let detail = match change {
                Change::Added { value, .. } => format!("only in render: {value:?}"),
                Change::Removed { value, .. } => format!("only in helm: {value:?}"),
                Change::Changed { left, right, .. } => format!("helm {left:?} != render {right:?}"),
            };
            lines.push(format!("  {} {}: {detail}", l.key, change.path()));
        }
    }
    lines.join("\n")
}

#[test]
fn helm_template_of_the_chart_equals_render() {
    let helms = common::helms();
    if helms.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in CASES {
        let ours = render_case(case);
        for (name, helm) in &helms {
            match helm_case(name, helm, case) {
                Err(e) => failures.push(format!("{name} {}: helm failed: {e}", describe(case))),
                Ok(theirs) => {
                    let report = diff::compare(&theirs, &ours);
                    if !report.is_equivalent() {
                        failures.push(format!("{name} {}:\n{}", describe(case), explain(&report)));
                    }
                    // Both sides name their templates the same way.
                    let sources = |objects: &[diff::Object]| -> BTreeSet<(String, Option<String>)> {
                        objects.iter().map(|o| (o.key.to_string(), o.source.clone())).collect()
                    };
                    if sources(&theirs) != sources(&ours) {
                        failures.push(format!("{name} {}: # Source paths differ", describe(case)));
                    }
                    // The order is the install order: the same objects in the same sequence.
                    let order = |objects: &[diff::Object]| -> Vec<String> {
                        objects.iter().map(|o| o.key.to_string()).collect()
                    };
                    if order(&theirs) != order(&ours) {
                        failures.push(format!(
                            "{name} {}: the objects come in another order
  helm:   {:?}
  render: {:?}",
                            describe(case),
                            order(&theirs),
                            order(&ours)
                        ));
                    }
                    compared += report.equal;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 500, "only {compared} objects compared");
}

fn is_beyond_schema(path: &Path) -> bool {
    std::fs::read_to_string(path).unwrap().lines().any(|l| l.starts_with("# beyond-schema"))
}

/// The error the chart's own checks (not its schema) stop a bad file with, if they do.
fn chart_fails(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# chart-fails: ").map(str::to_string))
}

#[test]
fn helm_refuses_the_bad_values_through_the_chart_schema() {
    for (name, helm) in common::helms() {
        for bad in common::files_in("tests/values/bad", "yaml") {
            let mut args = vec!["template".to_string(), "mailu".into(), chart_out().display().to_string()];
            args.extend(["-f".to_string(), bad.display().to_string()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = common::run(&helm, &refs);
            let stderr = String::from_utf8_lossy(&out.stderr);
            if let Some(error) = chart_fails(&bad) {
                assert!(!out.status.success(), "{name} accepted {}", common::short(&bad));
                assert!(stderr.contains(&error), "{name} {}: {stderr}", common::short(&bad));
            } else if is_beyond_schema(&bad) {
                assert!(out.status.success(), "{name} {}: {stderr}", common::short(&bad));
            } else {
                assert!(!out.status.success(), "{name} accepted {}", common::short(&bad));
                assert!(
                    stderr.contains("values don't meet the specifications of the schema"),
                    "{name} {}: {stderr}",
                    common::short(&bad)
                );
            }
        }
    }
}

#[test]
fn helm_names_the_keys_that_have_no_default() {
    // values.yaml leaves domain, hostnames and subnet out, so that helm reports them missing
    // by name rather than as the regular expression an empty default fails.
    let values = std::fs::read_to_string(chart_out().join("values.yaml")).unwrap();
    for key in ["domain", "hostnames", "subnet"] {
        assert!(!values.lines().any(|l| l.starts_with(&format!("{key}:"))), "{key} has a default");
        assert!(values.lines().any(|l| l.starts_with(&format!("# {key}:"))), "{key} is not shown");
    }
    for (name, helm) in common::helms() {
        let out = common::run(&helm, &["template", "mailu", &chart_out().display().to_string()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} rendered without the required values");
        for key in ["domain", "hostnames", "subnet"] {
            assert!(
                stderr.contains(&format!("'{key}'")) || stderr.contains(&format!("{key} is required")),
                "{name}: {stderr}"
            );
        }
        assert!(!stderr.contains("pattern"), "{name}: {stderr}");
    }
}

/// `helm upgrade` prints the notes too: they say what happened, and ask only for the Secrets
/// not there yet.
#[test]
fn the_notes_say_whether_the_release_was_installed_or_upgraded() {
    let chart = helm_engine::load_chart(&chart_out()).unwrap();
    let minimal = common::root().join("values-examples/minimal.yaml");
    let user = common::user_values(&[&minimal], &[]);
    for (is_upgrade, done) in [(false, "installed"), (true, "upgraded")] {
        let options = helm_engine::RenderOptions {
            release_name: "mailu".into(),
            namespace: "mailu".into(),
            is_upgrade,
            ..Default::default()
        };
        let notes = helm_engine::render_chart(&chart, &user.values, &options).unwrap().notes;
        assert!(
            notes.starts_with(&format!("Mailu is {done} as release mailu in namespace mailu.\n")),
            "{notes}"
        );
        assert!(notes.contains("those that do not exist yet"), "{notes}");
    }
    // The objects they name carry fullnameOverride's name; the pods' label the release's.
    let user = common::user_values(&[&minimal], &["fullnameOverride=mx", "expose.mail=hostPort"]);
    let options = helm_engine::RenderOptions {
        release_name: "mail.example".into(),
        namespace: "mail".into(),
        ..Default::default()
    };
    let notes = helm_engine::render_chart(&chart, &user.values, &options).unwrap().notes;
    assert!(notes.contains("exec deploy/mx-admin --"), "{notes}");
    assert!(
        notes.contains("-l app.kubernetes.io/instance=mail.example,app.kubernetes.io/component=front"),
        "{notes}"
    );
    assert!(!notes.contains("mail.example-"), "{notes}");
    // Without the admin pages, the notes send nobody to them.
    let user = common::user_values(&[&minimal], &["admin.ui=false"]);
    let options = helm_engine::RenderOptions { release_name: "mailu".into(), ..options };
    let notes = helm_engine::render_chart(&chart, &user.values, &options).unwrap().notes;
    assert!(!notes.contains("/admin\n"), "{notes}");
    assert!(notes.contains("The admin UI is off (`admin.ui: false`)"), "{notes}");
    assert!(notes.contains("flask mailu admin <user>"), "{notes}");
}

/// `artifacthub.io/images` in Chart.yaml lists every image the default values run, the
/// resolver sidecar's too.
#[test]
fn chart_yaml_lists_every_image_the_defaults_run() {
    let chart = std::fs::read_to_string(chart_out().join("Chart.yaml")).unwrap();
    let listed = chart.split("artifacthub.io/images: |\n").nth(1).unwrap();
    let listed = &listed[..listed.find("\n  mailu-chart/").unwrap() + 1];
    let mut defaults = values::Values::default();
    defaults.resolver.enabled = true;
    let manifests = mailu_chart::render::render(&defaults, &Release::default()).unwrap();
    let mut seen = 0;
    for manifest in &manifests {
        for key in ["spec.template.spec.containers", "spec.template.spec.initContainers"] {
            for container in manifest.object.get_dotted(key).and_then(|c| c.as_list()).into_iter().flatten() {
                let image = container.get_dotted("image").and_then(|i| i.as_str()).unwrap();
                assert!(listed.contains(&format!("image: {image}\n")), "{image} is not listed:\n{listed}");
                seen += 1;
            }
        }
    }
    assert!(seen > 5, "{seen}");
}

/// The chart as the dependency of an umbrella chart that switches it with the usual
/// `condition: mailu.enabled`: on, helm renders exactly what `render` renders (the parent's
/// global registry reaching every image); off, nothing of it. The built-in renderer agrees.
#[test]
fn an_umbrella_chart_switches_the_chart_with_its_condition() {
    let dir = tempfile::tempdir().unwrap();
    let umbrella = dir.path().join("umbrella");
    for file in mailu_chart::chart::chart_files().unwrap() {
        let path = umbrella.join("charts/mailu").join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.content).unwrap();
    }
    let chart_yaml = format!(
        "apiVersion: v2\nname: umbrella\nversion: 1.0.0\ndependencies:\n  - name: mailu\n    version: {}\n    \
         condition: mailu.enabled\n",
        env!("CARGO_PKG_VERSION")
    );
    std::fs::write(umbrella.join("Chart.yaml"), chart_yaml).unwrap();
    let minimal = common::root().join("values-examples/minimal.yaml");
    let mut values = String::from("global:\n  imageRegistry: mirror.local\nmailu:\n");
    for line in std::fs::read_to_string(&minimal).unwrap().lines().filter(|l| !l.starts_with('#')) {
        values.push_str(&format!("  {line}\n"));
    }
    std::fs::write(umbrella.join("values.yaml"), values).unwrap();
    let expected = common::render(&[&minimal], &["global.imageRegistry=mirror.local"]);
    let expected = diff::parse_stream(&output::stream(&expected), "render").unwrap();

    let ours = PathBuf::from(env!("CARGO_BIN_EXE_mailu-chart"));
    let mut renderers: Vec<(&str, PathBuf)> = common::helms();
    renderers.push(("mailu-chart", ours));
    let umbrella = umbrella.display().to_string();
    for (name, program) in renderers {
        for (enabled, objects) in [("true", expected.len()), ("false", 0)] {
            let set = format!("mailu.enabled={enabled}");
            let out = common::run(&program, &["template", "mailu", &umbrella, "-n", "mailu", "--set", &set]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{name} {set}: {}", String::from_utf8_lossy(&out.stderr));
            let theirs = diff::parse_stream(&stdout, name).unwrap();
            assert_eq!(theirs.len(), objects, "{name} {set}");
            if objects > 0 {
                let report = diff::compare(&theirs, &expected);
                assert!(report.is_equivalent(), "{name} {set}:\n{}", explain(&report));
            }
        }
    }
}

/// `render --kube-version` refuses what `helm template --kube-version` of the chart refuses,
/// in helm 4's words, and renders the same objects for every version it takes.
#[test]
fn render_takes_the_kube_versions_helm_takes_for_the_chart() {
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_mailu-chart"));
    let minimal = common::root().join("values-examples/minimal.yaml").display().to_string();
    let chart = chart_out().display().to_string();
    for (name, helm) in common::helms() {
        for version in ["1.28", "v1.28.15", "1.29", "1.29.0-eks-1", "v1.35.0", "bogus", "1"] {
            let theirs = common::run(
                &helm,
                &["template", "mailu", &chart, "-n", "mailu", "-f", &minimal, "--kube-version", version],
            );
            let mine = common::run(&ours, &["render", "-f", &minimal, "--kube-version", version]);
            let message = |out: &std::process::Output| {
                let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                stderr
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .replacen("Error: ", "", 1)
                    .replacen("error: ", "", 1)
            };
            assert_eq!(
                mine.status.success(),
                theirs.status.success(),
                "{name} {version}: {}",
                message(&theirs)
            );
            if theirs.status.success() {
                assert_eq!(mine.stdout, common::run(&ours, &["render", "-f", &minimal]).stdout, "{version}");
            } else if name == "helm 4" {
                // helm 3 writes the version it was given completed (`v1.28.0`).
                assert_eq!(message(&mine), message(&theirs), "{name} {version}");
            }
        }
    }
}
