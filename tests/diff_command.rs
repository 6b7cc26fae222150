//! The `diff` command: clean for every example with the built-in renderer and with real helm
//! 4 and 3; every kind of drift in a chart copy is caught and named; upgrade previews with
//! `--against`; exit codes 0, 1, 2.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn mailu_chart() -> Command {
    let mut cmd = Command::cargo_bin("mailu-chart").unwrap();
    cmd.current_dir(common::root());
    cmd
}

#[test]
fn every_example_is_clean_with_the_built_in_renderer_and_the_embedded_chart() {
    for example in common::examples() {
        mailu_chart()
            .args(["diff", "-f"])
            .arg(&example)
            .assert()
            .success()
            .stdout(contains("render and chart (built-in renderer) are equivalent"));
    }
}

#[test]
fn every_example_is_clean_with_real_helm_on_chart_out() {
    for (name, helm) in common::helms() {
        for example in common::examples() {
            let assert = mailu_chart()
                .args(["diff", "--engine", "helm", "--chart", "chart-out", "--helm"])
                .arg(&helm)
                .arg("-f")
                .arg(&example)
                .assert();
            let output = assert.get_output();
            assert!(
                output.status.success(),
                "{name} {}: {}",
                common::short(&example),
                String::from_utf8_lossy(&output.stdout)
            );
        }
    }
}

/// Quantities written as numbers (from a file helm reads them as float64, from --set as
/// int64) come out of the chart as they come out of render.
#[test]
fn quantities_written_as_numbers_render_alike_with_real_helm() {
    let values = common::root().join("tests/values/good/quantities-as-numbers.yaml");
    for (name, helm) in common::helms() {
        let assert = mailu_chart()
            .args(["diff", "--engine", "helm", "--chart", "chart-out", "--helm"])
            .arg(&helm)
            .arg("-f")
            .arg(&values)
            .args(["--set", "front.resources.limits.cpu=3", "--set", "front.resources.requests.cpu=0.125"])
            .assert();
        let output = assert.get_output();
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stdout));
    }
    mailu_chart().args(["diff", "-f"]).arg(&values).assert().success();
}

/// Common labels and annotations that share keys with a component's own are merged, the
/// component's value winning, as in render: printed one after the other they would give a
/// key twice in one mapping.
#[test]
fn overlapping_label_and_annotation_maps_merge_as_render_does() {
    let values = common::root().join("values-examples/full.yaml");
    let set = [
        "commonAnnotations.shared=common",
        "expose.ingress.annotations.shared=ingress",
        "admin.serviceAnnotations.shared=service",
        "admin.podAnnotations.shared=pod",
        "commonLabels.shared=common",
        "admin.podLabels.shared=pod",
    ];
    let args: Vec<&str> = set.iter().flat_map(|s| ["--set-string", *s]).collect();
    let mut engines = vec![Vec::new()];
    for (_, helm) in common::helms() {
        engines.push(vec!["--engine".into(), "helm".into(), "--helm".into(), helm.display().to_string()]);
    }
    for engine in engines {
        let assert = mailu_chart()
            .args(["diff", "--chart", "chart-out"])
            .args(&engine)
            .arg("-f")
            .arg(&values)
            .args(&args)
            .assert();
        let output = assert.get_output();
        assert!(output.status.success(), "{engine:?}: {}", String::from_utf8_lossy(&output.stdout));
    }
    let rendered = mailu_chart().arg("render").arg("-f").arg(&values).args(&args).assert().success();
    let text = String::from_utf8_lossy(&rendered.get_output().stdout).into_owned();
    assert!(text.contains("shared: ingress") && text.contains("shared: pod"), "the component's value wins");
}

/// Standard input read by `--set-file KEY=-` reaches a real helm too, through a file.
#[test]
fn a_file_set_from_standard_input_reaches_real_helm() {
    for (name, helm) in common::helms() {
        let assert = mailu_chart()
            .args(["diff", "--engine", "helm", "--chart", "chart-out", "--helm"])
            .arg(&helm)
            .args(["-f", "values-examples/minimal.yaml", "--set-file", "welcomeMessage.body=-"])
            .write_stdin("first line\nsecond line\n")
            .assert();
        let output = assert.get_output();
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stdout));
        // After `-f -` has read it, `--set-file KEY=-` reads nothing, in both renderers.
        let assert = mailu_chart()
            .args(["diff", "--engine", "helm", "--chart", "chart-out", "--helm"])
            .arg(&helm)
            .args(["-f", "-", "--set", "welcomeMessage.enabled=true", "--set-file", "welcomeMessage.body=-"])
            .write_stdin(std::fs::read("values-examples/minimal.yaml").unwrap())
            .assert();
        let output = assert.get_output();
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stdout));
    }
}

/// A copy of chart-out with one edit applied.
fn mutated(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&common::root().join("chart-out"), dir.path());
    edit(dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn replace(file: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{} does not contain {from:?}", file.display());
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// Runs diff on a chart with each engine available and checks it names what it must.
fn assert_caught(chart: &Path, expected: &[&str]) {
    let mut engines: Vec<Vec<String>> = vec![vec!["--engine".into(), "builtin".into()]];
    for (_, helm) in common::helms() {
        engines.push(vec!["--engine".into(), "helm".into(), "--helm".into(), helm.display().to_string()]);
    }
    for engine in engines {
        let output = mailu_chart()
            .args(["diff", "-f", "values-examples/full.yaml", "--chart"])
            .arg(chart)
            .args(&engine)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{engine:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for text in expected {
            assert!(stdout.contains(text), "{engine:?}: expected {text:?} in:\n{stdout}");
        }
    }
}

#[test]
fn a_changed_port_is_caught() {
    let chart = mutated(|d| replace(d.join("templates/admin/service.yaml"), "port: 8080", "port: 8081"));
    assert_caught(
        chart.path(),
        &["changed: Service mailu/mailu-admin (v1)", "spec.ports[http].port: 8080 -> 8081"],
    );
}

#[test]
fn a_removed_environment_variable_is_caught() {
    let chart = mutated(|d| {
        // From the ConfigMap's data, not from the pods' checksums of the parts they read.
        let helpers = d.join("templates/_helpers.tpl");
        let text = std::fs::read_to_string(&helpers).unwrap();
        let (before, after) = text.split_once("{{- define \"mailu.env.data\" -}}").unwrap();
        let line = "{{- $_ := set $data \"POSTMASTER\" $.Values.postmaster -}}\n";
        assert!(after.contains(line));
        std::fs::write(
            &helpers,
            format!("{before}{{{{- define \"mailu.env.data\" -}}}}{}", after.replacen(line, "", 1)),
        )
        .unwrap();
    });
    assert_caught(
        chart.path(),
        &["changed: ConfigMap mailu/mailu-env (v1)", "data.POSTMASTER: removed \"postmaster\""],
    );
}

#[test]
fn a_changed_label_is_caught() {
    let chart = mutated(|d| {
        replace(
            d.join("templates/_helpers.tpl"),
            "app.kubernetes.io/part-of: mailu",
            "app.kubernetes.io/part-of: mail",
        )
    });
    assert_caught(
        chart.path(),
        &[
            "changed: Deployment mailu/mailu-admin (apps/v1)",
            "metadata.labels[\"app.kubernetes.io/part-of\"]: \"mailu\" -> \"mail\"",
        ],
    );
}

#[test]
fn an_added_object_is_caught() {
    let chart = mutated(|d| {
        std::fs::write(
            d.join("templates/extra.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: {{ .Release.Namespace }}\ndata: {}\n",
        )
        .unwrap()
    });
    assert_caught(chart.path(), &["only in chart", "ConfigMap mailu/extra (v1)"]);
}

#[test]
fn a_removed_object_is_caught() {
    let chart = mutated(|d| std::fs::remove_file(d.join("templates/webdav/service.yaml")).unwrap());
    assert_caught(chart.path(), &["only in render: Service mailu/mailu-webdav (v1)"]);
}

#[test]
fn against_an_earlier_render_previews_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("earlier.yaml");
    let rendered = mailu_chart().args(["render", "-f", "values-examples/minimal.yaml"]).output().unwrap();
    std::fs::write(&earlier, &rendered.stdout).unwrap();
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--against"])
        .arg(&earlier)
        .assert()
        .success();
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--set", "timezone=Europe/Berlin", "--against"])
        .arg(&earlier)
        .assert()
        .code(1)
        .stdout(
            contains("changed: ConfigMap mailu/mailu-env (v1)")
                .and(contains("data.TZ: \"UTC\" -> \"Europe/Berlin\"")),
        );
    // Nothing deployed yet: every object is new, and the note says the file held none.
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "").unwrap();
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--output", "brief", "--against"])
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(contains("empty.yaml holds no objects: everything rendered is new"))
        .stdout(contains("only in render: Deployment mailu/mailu-admin (apps/v1)"));
    // `-` reads the earlier manifests from standard input (`helm get manifest ... |`), which
    // the values cannot read as well.
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--against", "-"])
        .write_stdin(rendered.stdout.clone())
        .assert()
        .success()
        .stdout(contains("standard input and render are equivalent"));
    mailu_chart()
        .args(["diff", "-f", "-", "--against", "-"])
        .write_stdin(std::fs::read("values-examples/minimal.yaml").unwrap())
        .assert()
        .code(2)
        .stderr(contains("standard input is read once"));
}

/// What `kubectl get ... -o yaml` prints of the objects `render` wrote, once applied: a `List`
/// whose objects carry what the server and `kubectl apply` set on every object, and `defaults`
/// merged into each Service's `spec`, as the server fills them in.
fn as_read_from_a_cluster(rendered: &[u8], defaults: serde_json::Value) -> String {
    let rendered = String::from_utf8_lossy(rendered);
    let objects = mailu_chart::diff::parse_stream(&rendered, "render").unwrap();
    let items: Vec<serde_json::Value> = objects
        .into_iter()
        .enumerate()
        .map(|(i, object)| {
            let mut json = object.value.to_json();
            let applied = json.to_string();
            let metadata = json["metadata"].as_object_mut().unwrap();
            metadata.insert("uid".into(), format!("00000000-0000-0000-0000-{i:012}").into());
            metadata.insert("resourceVersion".into(), (1000 + i).to_string().into());
            metadata.insert("creationTimestamp".into(), "2026-01-01T00:00:00Z".into());
            metadata.insert("generation".into(), 1.into());
            metadata.insert(
                "managedFields".into(),
                serde_json::json!([{"manager": "kubectl", "operation": "Update"}]),
            );
            let annotations = metadata.entry("annotations").or_insert_with(|| serde_json::json!({}));
            annotations["kubectl.kubernetes.io/last-applied-configuration"] = applied.into();
            json["status"] = serde_json::json!({});
            if json["kind"] == "Service" {
                for (key, value) in defaults.as_object().unwrap() {
                    json["spec"][key] = value.clone();
                }
            }
            json
        })
        .collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}});
    helm_engine::to_yaml(&helm_engine::Value::from_json(&list, true), helm_engine::KeyOrder::Sorted)
}

#[test]
fn against_objects_read_from_a_cluster_what_the_server_sets_on_every_object_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.yaml");
    let rendered = mailu_chart().args(["render", "-f", "values-examples/minimal.yaml"]).output().unwrap();
    std::fs::write(&live, as_read_from_a_cluster(&rendered.stdout, serde_json::json!({}))).unwrap();
    let diff = |set: &[&str]| {
        let mut command = mailu_chart();
        command.args(["diff", "-f", "values-examples/minimal.yaml", "--output", "brief"]).args(set);
        command.arg("--against").arg(&live).assert()
    };
    diff(&[]).success().stderr(contains(format!(
        "note: {} holds objects read from a cluster; what the API server sets on every object is left out, \
         but the defaults it fills in still differ (compare with `helm get manifest` for an exact preview)",
        live.display()
    )));
    // A change of the values still shows, and nothing the server wrote.
    diff(&["--set", "timezone=Europe/Berlin"])
        .code(1)
        .stdout(contains("changed: ConfigMap mailu/mailu-env (v1)").and(contains("Service").not()));
    // The defaults the server fills in remain differences, as the note says.
    std::fs::write(
        &live,
        as_read_from_a_cluster(&rendered.stdout, serde_json::json!({"clusterIP": "10.0.0.1"})),
    )
    .unwrap();
    diff(&[]).code(1).stdout(contains("changed: Service mailu/mailu-admin (v1)"));
}

#[test]
fn json_and_brief_reports() {
    let chart = mutated(|d| std::fs::remove_file(d.join("templates/redis/service.yaml")).unwrap());
    let output = mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--output", "json", "--chart"])
        .arg(chart.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["equivalent"], false);
    assert_eq!(report["onlyLeft"][0]["name"], "mailu-redis");
    assert_eq!(report["onlyLeft"][0]["source"], "mailu/templates/redis/service.yaml");
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--output", "brief", "--chart"])
        .arg(chart.path())
        .assert()
        .code(1)
        .stdout(contains("only in render: Service mailu/mailu-redis (v1)\n"));
}

#[test]
fn errors_exit_two() {
    mailu_chart()
        .args(["diff", "-f", "tests/values/bad/two-problems.yaml"])
        .assert()
        .code(2)
        .stderr(contains("the values are invalid"));
    mailu_chart()
        .args([
            "diff",
            "-f",
            "values-examples/minimal.yaml",
            "--engine",
            "helm",
            "--helm",
            "/nonexistent/helm",
        ])
        .assert()
        .code(2)
        .stderr(contains("cannot run /nonexistent/helm"));
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--against", "/nonexistent.yaml"])
        .assert()
        .code(2);
    mailu_chart().args(["diff", "--bogus"]).assert().code(2);
    // A chart folder that is not there is named as such, for either engine (helm would take
    // the relative name for a repository's chart).
    for engine in ["builtin", "helm"] {
        mailu_chart()
            .args([
                "diff",
                "-f",
                "values-examples/minimal.yaml",
                "--chart",
                "no-such-chart",
                "--engine",
                engine,
            ])
            .assert()
            .code(2)
            .stderr(contains("--chart no-such-chart: no such chart folder or archive"));
    }
}

#[test]
fn colour_follows_the_flag() {
    let chart = mutated(|d| replace(d.join("templates/admin/service.yaml"), "port: 8080", "port: 8081"));
    let output = mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--color", "always", "--chart"])
        .arg(chart.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("\x1b[31m"));
    let output = mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--chart"])
        .arg(chart.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\x1b'));
}

/// `--chart` takes a packaged chart as helm does, not only a folder.
#[test]
fn a_chart_archive_is_compared_too() {
    let files = mailu_chart::chart::chart_files().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("mailu.tgz");
    std::fs::write(
        &archive,
        common::tar_gz(files.iter().map(|f| (format!("mailu/{}", f.path), f.content.as_str()))),
    )
    .unwrap();
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--chart"])
        .arg(&archive)
        .assert()
        .success()
        .stdout(contains("equivalent"));
}

/// `--kube-version` reaches the renderer of the chart: helm is given it (a helm built without
/// its version information assumes a Kubernetes the chart refuses), and the built-in renderer
/// refuses what helm refuses.
#[test]
fn the_kube_version_reaches_the_chart_renderer() {
    for (name, helm) in common::helms() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("args");
        let wrapper = dir.path().join("helm");
        common::write_script(
            &wrapper,
            &format!("echo \"$@\" >> '{}'\nexec '{}' \"$@\"", log.display(), helm.display()),
        );
        mailu_chart()
            .args([
                "diff",
                "-f",
                "values-examples/minimal.yaml",
                "--engine",
                "helm",
                "--kube-version",
                "1.31.2",
            ])
            .arg("--helm")
            .arg(&wrapper)
            .assert()
            .success();
        let calls = std::fs::read_to_string(&log).unwrap();
        assert!(
            calls.lines().any(|l| l.starts_with("template ") && l.ends_with("--kube-version 1.31.2")),
            "{name}: {calls}"
        );
    }
    mailu_chart()
        .args([
            "diff",
            "-f",
            "values-examples/minimal.yaml",
            "--chart",
            "chart-out",
            "--kube-version",
            "1.28",
        ])
        .assert()
        .code(2)
        .stderr(contains("incompatible with Kubernetes v1.28"));
}

/// What diff reads besides the values is bounded by --max-input-size too: an --against file,
/// and what a helm run prints (a program that never stops printing is stopped). A helm
/// killed by a signal is named with the signal.
#[cfg(unix)]
#[test]
fn inputs_that_never_end_are_refused_and_a_killed_helm_is_named() {
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--against", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(
            "error: /dev/zero is larger than 64 MiB, the input size limit; raise it with --max-input-size\n",
        );
    let dir = tempfile::tempdir().unwrap();
    let endless = dir.path().join("endless-helm");
    common::write_script(&endless, "[ \"$1\" = version ] && { echo v4.0.0; exit 0; }\nexec yes");
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--engine", "helm", "--max-input-size", "1Mi", "--helm"])
        .arg(&endless)
        .assert()
        .code(2)
        .stderr("error: what helm printed is larger than 1 MiB, the input size limit; raise it with --max-input-size\n");
    let killed = dir.path().join("killed-helm");
    common::write_script(&killed, "[ \"$1\" = version ] && { echo v4.0.0; exit 0; }\nkill -9 $$");
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--engine", "helm", "--helm"])
        .arg(&killed)
        .assert()
        .code(2)
        .stderr("error: helm template failed (signal: 9 (SIGKILL))\n");
}
