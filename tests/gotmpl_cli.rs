//! `mailu-chart template` as a command: standard output, `--output-dir` and failures, compared
//! with `helm template` where helm is installed.

mod common;

use std::path::Path;

use assert_cmd::Command;

fn ours(args: &[&str]) -> std::process::Output {
    ours_with_env(args, &[])
}

/// `mailu-chart template ARGS` with no kubeconfig and no namespace from the environment (as
/// helm runs in these tests), but for the variables given.
fn ours_with_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::cargo_bin("mailu-chart").unwrap();
    command
        .current_dir(common::root())
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env_remove("HELM_NAMESPACE")
        .env_remove("HELM_KUBECONTEXT");
    for (name, value) in env {
        command.env(name, value);
    }
    command.arg("template").args(args).output().unwrap()
}

#[test]
fn a_render_error_is_a_failure_with_helms_message_and_hint() {
    // Failures while rendering: execution, parsing, the chart's kubeVersion. Helm adds its
    // hint to each; with --debug it prints the (empty) manifest instead.
    let cases: [(&str, &[&str]); 3] = [
        ("fail-error", &[]),
        ("parse-error-unclosed-action", &[]),
        ("obj-chart-kubeversion-incompatible", &["--kube-version", "1.29"]),
    ];
    for (case, args) in cases {
        let chart = format!("crates/helm-engine/tests/conformance/{case}/chart");
        let chart_args = [&[chart.as_str()], args].concat();
        let message =
            std::fs::read_to_string(format!("crates/helm-engine/tests/conformance/{case}/error.txt"))
                .unwrap();
        let message = message.trim_end();
        let out = ours(&chart_args);
        assert_eq!(out.status.code(), Some(1), "{case}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr,
            format!("error: {message}\n\nUse --debug flag to render out invalid YAML\n"),
            "{case}"
        );
        let debug = ours(&[&chart_args[..], &["--debug"]].concat());
        assert_eq!(debug.status.code(), Some(1), "{case}");
        assert_eq!(String::from_utf8_lossy(&debug.stdout), "\n", "{case}");
        assert_eq!(String::from_utf8_lossy(&debug.stderr), format!("error: {message}\n"), "{case}");
        for (name, helm) in common::helms() {
            let run = |extra: &[&str]| {
                common::command(&helm)
                    .arg("template")
                    .args(&chart_args)
                    .args(extra)
                    .current_dir(common::root())
                    .output()
                    .unwrap()
            };
            let theirs = String::from_utf8_lossy(&run(&[]).stderr).replacen("Error: ", "error: ", 1);
            // helm 3 words some messages its own way (the conformance suite lists them).
            if name == "helm 3" {
                assert!(
                    theirs.ends_with("\n\nUse --debug flag to render out invalid YAML\n"),
                    "{name} {case}"
                );
            } else {
                assert_eq!(theirs, stderr, "{name} {case}");
            }
            assert_eq!(run(&["--debug"]).stdout, debug.stdout, "{name} {case}");
        }
    }
}

#[test]
fn output_dir_writes_the_same_files_as_helm() {
    let ours_dir = tempfile::tempdir().unwrap();
    let chart = "crates/helm-engine/tests/conformance/out-kind-order/chart";
    let out = ours(&[chart, "--output-dir", &ours_dir.path().display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_to_string(ours_dir.path().join("c/templates/a.yaml")).unwrap();
    assert!(written.starts_with("---\n# Source: c/templates/a.yaml\n"), "{written}");
    let Some(helm) = common::Oracle::Helm4.find() else {
        return;
    };
    let helm_dir = tempfile::tempdir().unwrap();
    let theirs = common::command(&helm)
        .args(["template", chart, "--output-dir"])
        .arg(helm_dir.path())
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(theirs.status.success());
    for name in ["c/templates/a.yaml", "c/templates/b.yaml"] {
        let read = |dir: &Path| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(read(ours_dir.path()), read(helm_dir.path()), "{name}");
    }
    let strip =
        |text: &[u8], dir: &Path| String::from_utf8_lossy(text).replace(&dir.display().to_string(), "DIR");
    assert_eq!(strip(&out.stdout, ours_dir.path()), strip(&theirs.stdout, helm_dir.path()));
}

/// The same arguments given to `mailu-chart template` and to each installed helm: standard
/// output and exit status agree.
fn same_as_helm(args: &[&str], helm_args: &[&str]) {
    let out = ours(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    for (name, helm) in common::helms() {
        let theirs = common::command(&helm)
            .arg("template")
            .args(helm_args)
            .current_dir(common::root())
            .output()
            .unwrap();
        assert!(theirs.status.success(), "{name} {helm_args:?}: {}", String::from_utf8_lossy(&theirs.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{name} {args:?}"
        );
    }
}

/// `mailu-chart template ARGS` and helm 4's `helm template ARGS` agree on the exit status,
/// standard output and standard error: our `error: ` is helm's `Error: `, and a warning helm
/// logs (`level=WARN msg="<message>" urn=<address>`) is our `warning: <message>: <address>`.
fn same_as_helm_4_even_in_errors(helm: &Path, args: &[&str]) {
    let out = ours(args);
    let theirs = common::command(helm).arg("template").args(args).output().unwrap();
    assert_eq!(out.status.success(), theirs.status.success(), "{args:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&theirs.stdout), "{args:?}");
    let their_stderr: String = String::from_utf8_lossy(&theirs.stderr)
        .lines()
        .map(|line| match line.strip_prefix("level=WARN msg=\"").and_then(|l| l.split_once("\" urn=")) {
            Some((message, urn)) => format!("warning: {message}: {urn}\n"),
            None => format!("{line}\n"),
        })
        .collect();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).replacen("error: ", "Error: ", 1).trim_end(),
        their_stderr.trim_end(),
        "{args:?}"
    );
}

const HOOKS_CHART: &str = "crates/helm-engine/tests/conformance/out-hooks/chart";
/// A chart that prints `.Release.Name`, so the name given shows in the output.
const NAME_CHART: &str = "crates/helm-engine/tests/conformance/obj-release-defaults/chart";

/// helm's flags take the next argument as their value even when it starts with a dash.
#[test]
fn a_value_flag_takes_an_argument_that_starts_with_a_dash() {
    let chart = "crates/helm-engine/tests/conformance/set-value-starting-with-dash/chart";
    let args = ["x", chart, "--set", "-x=1", "--set-string", "-y=-2"];
    same_as_helm(&args, &args);
}

#[test]
fn the_release_name_is_the_first_argument_as_in_helm() {
    let args = ["demo", NAME_CHART, "-n", "apps"];
    same_as_helm(&args, &args);
    let out = String::from_utf8(ours(&args).stdout).unwrap();
    assert!(out.contains("demo"), "{out}");
}

#[test]
fn the_chart_alone_renders_as_release_name_like_helm() {
    same_as_helm(&[NAME_CHART], &[NAME_CHART]);
    same_as_helm(&["--generate-name", NAME_CHART], &["--generate-name", NAME_CHART]);
    same_as_helm(
        &["--name-template", "{{ \"named\" }}-x", NAME_CHART],
        &["--name-template", "{{ \"named\" }}-x", NAME_CHART],
    );
}

#[test]
fn name_templates_run_with_sprig_alone_and_no_data_as_in_helm() {
    // helm runs --name-template with Sprig's functions (`env` and `expandenv` included, Helm's
    // own left out) and nil data; what it prints, or the last line of its error, is compared.
    let env = [("NAME_PART", "from-env"), ("ODD", "a b")];
    let templates = [
        "{{ env \"NAME_PART\" }}",
        "{{ expandenv \"x-$NAME_PART-${NAME_PART}\" }}",
        "{{ expandenv \"$1$*$-x ${?} 5$ and $ alone ${} gone ${ODD} ${unclosed $é\" | sha1sum | trunc 8 }}a",
        "{{ .Release.Name }}",
        "{{ mustToJson . }}",
        "{{ fromJson \"[1\" | toString | sha1sum | trunc 6 }}a",
        "{{ include \"x\" . }}",
        "{{ toYaml 1 }}",
        "{{ fail \"stop\" }}",
        "{{ index . 1 }}",
        "{{ len . }}",
        "{{ define \"x\" }}a{{ end }}b{{ template \"x\" }}",
    ];
    let shown = |out: &std::process::Output| {
        if out.status.success() {
            String::from_utf8_lossy(&out.stdout).into_owned()
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().last().unwrap_or_default();
            last.replacen("error: ", "", 1).replacen("Error: ", "", 1).replacen(
                "release name check failed: ",
                "",
                1,
            )
        }
    };
    for template in templates {
        let args = ["--name-template", template, NAME_CHART];
        let out = shown(&ours_with_env(&args, &env));
        for (name, helm) in common::helms() {
            let mut command = common::command(&helm);
            command.arg("template").args(args).current_dir(common::root());
            for (variable, value) in env {
                command.env(variable, value);
            }
            assert_eq!(out, shown(&command.output().unwrap()), "{name} {template}");
        }
    }
}

#[test]
fn the_old_release_name_form_is_still_accepted() {
    // `--release-name` is helm's switch: the name after it is the first positional argument.
    let args = ["--release-name", "demo", NAME_CHART];
    same_as_helm(&args, &args);
    same_as_helm(&[NAME_CHART, "--release-name", "demo"], &["demo", NAME_CHART]);
    let out = String::from_utf8(ours(&args).stdout).unwrap();
    assert!(out.contains("demo"), "{out}");
    // A name Go would read as a boolean is still a name, and where both words name folders
    // helm's reading wins (release `tests`, chart NAME_CHART).
    for args in [["--release-name", "1", NAME_CHART], ["tests", "--release-name", NAME_CHART]] {
        same_as_helm(&args, &args);
    }
}

#[test]
fn switches_take_true_and_false_as_in_helm() {
    let args = [
        "demo",
        HOOKS_CHART,
        "--no-hooks=true",
        "--skip-tests=false",
        "--include-crds=1",
        "--release-name=F",
    ];
    same_as_helm(&args, &args);
    let hooks = |args: &[&str]| String::from_utf8(ours(args).stdout).unwrap().matches("helm.sh/hook").count();
    assert_eq!(hooks(&["demo", HOOKS_CHART, "--no-hooks=true"]), 0);
    assert!(hooks(&["demo", HOOKS_CHART, "--no-hooks=false"]) > 0);
    // Deprecated in helm 4, accepted with helm's warning.
    let out =
        ours(&["demo", HOOKS_CHART, "--atomic", "--force", "--keyring", "k", "--post-renderer-args", "x"]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Flag --atomic has been deprecated, use --rollback-on-failure instead"),
        "{stderr}"
    );
}

#[test]
fn the_namespace_comes_from_the_environment_and_the_kubeconfig_as_in_helm() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n\
         - {name: a, context: {cluster: c, namespace: from-context}}\n\
         - {name: b, context: {cluster: c, namespace: from-b}}\n\
         clusters:\n- {name: c, cluster: {server: 'https://127.0.0.1:1'}}\n",
    )
    .unwrap();
    let kubeconfig = kubeconfig.display().to_string();
    let namespace_of = |args: &[&str], env: &[(&str, &str)]| {
        let out = ours_with_env(&[&["demo", NAME_CHART], args].concat(), env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        ["from-context", "from-b", "from-env", "given", "default"]
            .into_iter()
            .find(|ns| text.contains(&format!("# demo {ns} ")))
            .map(str::to_string)
            .unwrap_or(text)
    };
    assert_eq!(namespace_of(&[], &[]), "default");
    assert_eq!(namespace_of(&[], &[("HELM_NAMESPACE", "from-env")]), "from-env");
    assert_eq!(namespace_of(&["-n", "given"], &[("HELM_NAMESPACE", "from-env")]), "given");
    assert_eq!(namespace_of(&[], &[("KUBECONFIG", &kubeconfig)]), "from-context");
    assert_eq!(namespace_of(&["--kubeconfig", &kubeconfig, "--kube-context", "b"], &[]), "from-b");
    assert_eq!(
        namespace_of(&["-n", ""], &[("KUBECONFIG", &kubeconfig), ("HELM_KUBECONTEXT", "b")]),
        "from-b"
    );
    for (name, helm) in common::helms() {
        for (args, env) in [
            (vec!["--kubeconfig", kubeconfig.as_str(), "--kube-context", "b"], vec![]),
            (vec![], vec![("HELM_NAMESPACE", "from-env")]),
        ] {
            let mut command = common::command(&helm);
            command.args(["template", "demo", NAME_CHART]).args(&args).current_dir(common::root());
            for (k, v) in &env {
                command.env(k, v);
            }
            let theirs = command.output().unwrap();
            assert_eq!(
                String::from_utf8_lossy(
                    &ours_with_env(&[&["demo", NAME_CHART], &args[..]].concat(), &env).stdout
                ),
                String::from_utf8_lossy(&theirs.stdout),
                "{name} {args:?} {env:?}"
            );
        }
    }
}

/// Every file `template` reads is bounded: a kubeconfig beyond --max-input-size and helm's
/// settings files beyond the engine's bound are refused at once, naming the file, where helm
/// would read a device such as /dev/zero until memory ran out. An unreadable kubeconfig is
/// passed over, as helm passes it over.
#[cfg(unix)]
#[test]
fn files_that_never_end_are_refused_naming_them() {
    let out = ours(&["demo", NAME_CHART, "--kubeconfig", "/dev/zero"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: /dev/zero is larger than 64 MiB, the input size limit; raise it with --max-input-size\n"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = ours_with_env(&["demo", NAME_CHART], &[("KUBECONFIG", "/dev/null/nothing")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let settings = [
        (
            vec!["--repository-config", "/dev/zero", "demo", "repo/chart"],
            "couldn't load repositories file (/dev/zero): file is larger than 268435456 bytes",
        ),
        (
            vec!["--registry-config", "/dev/zero", "demo", "oci://127.0.0.1:9/charts/c"],
            "/dev/zero holds more than 268435456 bytes, more than a settings file can",
        ),
        (
            vec!["--ca-file", "/dev/zero", "--repo", "https://127.0.0.1:9/", "demo", "c"],
            "can't read CA file: \"/dev/zero\": /dev/zero holds more than 268435456 bytes, more than a settings file can",
        ),
    ];
    for (args, says) in settings {
        let out = ours(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
}

#[test]
fn show_only_with_an_output_dir_fails_after_writing_as_in_helm() {
    let Some(helm) = common::Oracle::Helm4.find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let chart = "crates/helm-engine/tests/conformance/out-kind-order/chart";
    same_as_helm_4_even_in_errors(&helm, &["demo", chart, "--output-dir", &out, "-s", "templates/a.yaml"]);
    assert!(dir.path().join("c/templates/a.yaml").is_file());
}

#[test]
fn hooks_and_tests_are_left_out_like_helm_leaves_them_out() {
    for flag in ["--no-hooks", "--skip-tests"] {
        same_as_helm(&["demo", HOOKS_CHART, flag], &["demo", HOOKS_CHART, flag]);
    }
    let args = ["demo", HOOKS_CHART, "--skip-crds", "--description", "d", "--labels", "team=mail"];
    same_as_helm(&args, &args);
}

#[test]
fn release_name_puts_the_output_dir_under_the_release_like_helm() {
    let chart = "crates/helm-engine/tests/conformance/out-kind-order/chart";
    let ours_dir = tempfile::tempdir().unwrap();
    let dir = ours_dir.path().display().to_string();
    let out = ours(&["demo", chart, "--release-name", "--output-dir", &dir]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_to_string(ours_dir.path().join("demo/c/templates/a.yaml")).unwrap();
    for (name, helm) in common::helms() {
        let helm_dir = tempfile::tempdir().unwrap();
        let theirs = common::command(&helm)
            .args(["template", "demo", chart, "--release-name", "--output-dir"])
            .arg(helm_dir.path())
            .current_dir(common::root())
            .output()
            .unwrap();
        assert!(theirs.status.success(), "{name}");
        let helm_written = std::fs::read_to_string(helm_dir.path().join("demo/c/templates/a.yaml")).unwrap();
        assert_eq!(written, helm_written, "{name}");
    }
}

#[test]
fn bad_names_are_refused_with_helms_messages() {
    let cases: [(&[&str], &str, i32); 4] = [
        (&["a", "b", "c"], "expected at most two arguments, unexpected arguments: c", 1),
        (&["-g", "demo", HOOKS_CHART], "cannot set --generate-name and also specify a name", 1),
        (
            &["Bad_Name", HOOKS_CHART],
            "release name check failed: release name \"Bad_Name\": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53",
            1,
        ),
        (&["demo", "./no-such-chart"], "path \"./no-such-chart\" not found", 1),
    ];
    for (args, message, code) in cases {
        let out = ours(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), format!("error: {message}"), "{args:?}");
        for (name, helm) in common::helms() {
            let theirs = common::command(&helm)
                .arg("template")
                .args(args)
                .current_dir(common::root())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&theirs.stderr);
            // helm 3 does not say which check failed.
            let message = if name == "helm 3" {
                message.trim_start_matches("release name check failed: ")
            } else {
                message
            };
            assert_eq!(stderr.lines().last(), Some(format!("Error: {message}").as_str()), "{name} {args:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_a_chart_are_reported_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let chart = common::write_chart(
        dir.path(),
        "c",
        &[("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")],
    );
    std::os::unix::fs::symlink("cm.yaml", chart.join("templates/link.yaml")).unwrap();
    let out = ours(&[&chart.display().to_string()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("warning: found symbolic link in path: "), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("# Source: c/templates/link.yaml"));
}

/// A chart whose output is random (a password, a CA) and depends on the clock and zone.
fn random_chart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\nname: r\nversion: 1.0.0\n").unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    let template = "\
password: {{ randAlphaNum 16 | quote }}
ca: {{ (genCA \"ca\" 365).Cert | b64enc | quote }}
now: {{ now | date \"2006-01-02T15:04:05Z07:00\" | quote }}
";
    std::fs::write(dir.path().join("templates/t.yaml"), template).unwrap();
    dir
}

#[test]
fn a_random_seed_and_a_fixed_clock_give_the_same_output_twice() {
    let chart = random_chart();
    let chart = chart.path().display().to_string();
    let fixed = ["--now", "2024-05-01T12:00:00Z", "--time-zone", "Asia/Tokyo"];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = [chart.as_str()].into_iter().chain(extra.iter().copied()).collect();
        let out = ours(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let seeded = [&["--random-seed", "review-1"][..], &fixed[..]].concat();
    let first = run(&seeded);
    assert_eq!(first, run(&seeded));
    assert!(first.contains("now: \"2024-05-01T21:00:00+09:00\"\n"), "{first}");
    let other_seed = [&["--random-seed", "review-2"][..], &fixed[..]].concat();
    assert_ne!(first, run(&other_seed));
    // Without a seed, the values come from the system's generator, as in helm.
    assert_ne!(run(&fixed), run(&fixed));
}

#[test]
fn a_clock_or_zone_that_cannot_be_read_is_refused() {
    let chart = random_chart();
    let chart = chart.path().display().to_string();
    for (flags, message) in [
        (["--now", "yesterday"], "error: --now: invalid time \"yesterday\""),
        (["--time-zone", "Mars/Base"], "error: unknown time zone \"Mars/Base\""),
    ] {
        let args: Vec<&str> = [chart.as_str()].into_iter().chain(flags).collect();
        let out = ours(&args);
        assert_eq!(out.status.code(), Some(1), "{flags:?}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(message), "{flags:?}");
    }
}

/// A chart with one file that is not YAML beside two that are (one blank).
fn chart_with_invalid_yaml(dir: &Path) -> std::path::PathBuf {
    common::write_chart(
        dir,
        "c",
        &[("templates/a.yaml", "a: 1\n"), ("templates/b.yaml", "x: y: z\n"), ("templates/c.yaml", "\n  \n")],
    )
}

#[test]
fn debug_prints_the_rendered_files_before_a_yaml_error_as_helm_does() {
    let dir = tempfile::tempdir().unwrap();
    let chart = chart_with_invalid_yaml(dir.path()).display().to_string();
    let message = "YAML parse error on c/templates/b.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context";
    let plain = ours(&[&chart]);
    assert_eq!(plain.status.code(), Some(1));
    assert!(plain.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&plain.stderr).into_owned();
    assert_eq!(stderr, format!("error: {message}\n\nUse --debug flag to render out invalid YAML\n"));
    let debug = ours(&[&chart, "--debug"]);
    assert_eq!(debug.status.code(), Some(1));
    let dump = "---\n# Source: c/templates/a.yaml\na: 1\n\n---\n# Source: c/templates/b.yaml\nx: y: z\n";
    assert_eq!(String::from_utf8_lossy(&debug.stdout), dump);
    assert_eq!(String::from_utf8_lossy(&debug.stderr), format!("error: {message}\n"));
    // Helm prints the same files, in an order that changes from run to run.
    for (name, helm) in common::helms() {
        let theirs = common::command(&helm).args(["template", &chart, "--debug"]).output().unwrap();
        assert_eq!(theirs.status.code(), Some(1), "{name}");
        let sorted = |text: &[u8]| {
            let mut docs: Vec<String> =
                String::from_utf8_lossy(text).split("---\n").map(|d| d.trim_end().to_string()).collect();
            docs.sort();
            docs
        };
        assert_eq!(sorted(&debug.stdout), sorted(&theirs.stdout), "{name}");
        assert!(String::from_utf8_lossy(&theirs.stderr).contains(message), "{name}");
        // --show-only selects among them; a pattern that selects nothing is the error.
        for pattern in ["templates/a.yaml", "templates/z.yaml"] {
            let args = ["template", &chart, "--debug", "-s", pattern];
            let ours = ours(&args[1..]);
            let theirs = common::command(&helm).args(args).output().unwrap();
            assert_eq!(ours.status.code(), Some(1));
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&theirs.stdout),
                "{name}"
            );
            let error = String::from_utf8_lossy(&ours.stderr).into_owned();
            let error = error.strip_prefix("error: ").unwrap_or(&error).trim_end().to_string();
            assert!(String::from_utf8_lossy(&theirs.stderr).contains(&error), "{name} {pattern}: {error}");
        }
    }
}

/// A web server on this machine for as long as the test runs, answering a GET for one of
/// `files` (path, JSON text) with it and any other with `404 Not Found`; its address.
fn serve(files: &'static [(&'static str, &'static str)]) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut request = BufReader::new(&stream).lines().map_while(Result::ok);
            let first = request.next().unwrap_or_default();
            request.take_while(|line| !line.is_empty()).for_each(drop);
            let path = first.split_whitespace().nth(1).unwrap_or_default();
            let (status, body) = match files.iter().find(|(name, _)| *name == path) {
                Some((_, body)) => ("200 OK", *body),
                None => ("404 Not Found", "404 page not found"),
            };
            let _ = write!(
                &stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    address
}

/// A chart in `dir` whose schema checks the value `a` against the schema at `reference`,
/// with `values` as its values.yaml and `a` printed by its template; its path.
fn chart_referring_to(dir: &Path, reference: &str, values: &str) -> String {
    let schema = format!(r#"{{"properties": {{"a": {{"$ref": "{reference}"}}}}}}"#);
    let files = [
        ("values.yaml", values),
        ("values.schema.json", &schema),
        ("templates/t.yaml", "a: {{ .Values.a }}\n"),
    ];
    common::write_chart(dir, "c", &files).display().to_string()
}

#[test]
fn schemas_on_the_web_are_fetched_as_helm_fetches_them() {
    let address = serve(&[(
        "/size.json",
        r#"{"type": "object", "properties": {"size": {"type": "integer", "minimum": 3}}}"#,
    )]);
    let Some(helm) = common::Oracle::Helm4.find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Whether helm renders, for each schema and arguments: a schema fetched (the values
    // valid, then two violations in it), and a schema the server does not have.
    let cases: [(&str, &[&str], bool); 4] = [
        ("size.json", &[], true),
        ("size.json", &["--set", "a.size=1"], false),
        ("size.json", &["--set", "a.size=x"], false),
        ("gone.json", &[], false),
    ];
    for (at, (schema, args, renders)) in cases.into_iter().enumerate() {
        let chart = chart_referring_to(
            &dir.path().join(at.to_string()),
            &format!("{address}/{schema}"),
            "a:\n  size: 5\n",
        );
        let args = [&["demo", chart.as_str()], args].concat();
        assert_eq!(ours(&args).status.success(), renders, "{args:?}");
        same_as_helm_4_even_in_errors(&helm, &args);
    }
}

#[test]
fn schemas_in_files_and_at_urns_are_read_as_helm_reads_them() {
    let Some(helm) = common::Oracle::Helm4.find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let size = dir.path().join("size.json");
    std::fs::write(&size, r#"{"type": "integer", "minimum": 3}"#).unwrap();
    let size = size.display().to_string();
    // A file (valid values, then a violation), a file that is not there, a file that is not
    // JSON, and an address helm does not read but accepts anything at, with a warning.
    let cases: [(String, &[&str]); 5] = [
        (format!("file://{size}"), &[]),
        (format!("file://{size}"), &["--set", "a=1"]),
        (format!("file://{size}.gone"), &[]),
        (format!("file://{}", dir.path().display()), &[]),
        ("urn:example:size".to_string(), &[]),
    ];
    for (at, (reference, args)) in cases.iter().enumerate() {
        let chart = chart_referring_to(&dir.path().join(at.to_string()), reference, "a: 5\n");
        let args = [&["demo", chart.as_str()], *args].concat();
        same_as_helm_4_even_in_errors(&helm, &args);
    }
}

#[test]
fn values_files_given_by_url_are_fetched_as_helm_fetches_them() {
    let address = serve(&[("/values.yaml", "size: 7\nname: from-the-web\n"), ("/note.txt", "fetched")]);
    let Some(helm) = common::Oracle::Helm4.find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let chart = common::write_chart(
        dir.path(),
        "c",
        &[(
            "templates/t.yaml",
            "size: {{ .Values.size }}\nname: {{ .Values.name }}\nnote: {{ .Values.note }}\n",
        )],
    )
    .display()
    .to_string();
    let values = format!("{address}/values.yaml");
    let note = format!("note={address}/note.txt");
    let gone = format!("{address}/gone.yaml");
    // Fetched, fetched beside a --set-file URL, and a file the server does not have.
    let cases: [&[&str]; 3] = [&["-f", &values], &["-f", &values, "--set-file", &note], &["-f", &gone]];
    for args in cases {
        let args = [&["demo", chart.as_str()], args].concat();
        same_as_helm_4_even_in_errors(&helm, &args);
    }
    let rendered = ours(&["demo", &chart, "-f", &values, "--set-file", &note]);
    assert!(
        String::from_utf8_lossy(&rendered.stdout).contains("size: 7\nname: from-the-web\nnote: fetched\n")
    );
    // The input size limit holds for what is fetched too.
    let too_large = ours(&["demo", &chart, "-f", &values, "--max-input-size", "8"]);
    assert_eq!(too_large.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&too_large.stderr).contains("is larger than 8 bytes"));
}

#[test]
fn flags_for_helm_install_or_a_cluster_are_accepted_as_helm_accepts_them() {
    let args = [
        "demo",
        NAME_CHART,
        "--wait",
        "--timeout",
        "5m",
        "--timeout",
        "90s",
        "--create-namespace",
        "--hide-notes",
        "--render-subchart-notes",
        "--dry-run=client",
        "--server-side=false",
        "--force-conflicts",
        "--replace",
        "--rollback-on-failure",
        "--take-ownership",
        "--wait-for-jobs",
        "--disable-openapi-validation",
        "--kube-context",
        "nowhere",
        "--kubeconfig",
        "/nonexistent",
        "--kube-as-group",
        "a",
        "--kube-as-group",
        "b",
        "--qps",
        "5",
        "--burst-limit",
        "3",
        "--color",
        "never",
        "--colour",
        "auto",
        "--content-cache",
        "/nonexistent",
        "-n",
        "first",
        "-n",
        "apps",
    ];
    if let Some(helm) = common::Oracle::Helm4.find() {
        same_as_helm_4_even_in_errors(&helm, &args);
    }
    let out = ours(&args);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("apps"), "{out:?}");
    // Values helm refuses are refused.
    for (flag, value, reason) in [
        ("--timeout", "soon", "time: invalid duration \"soon\""),
        (
            "--dry-run",
            "sometimes",
            "invalid dry-run value (\"sometimes\"). Must be \"none\", \"server\", or \"client\"",
        ),
        ("--dry-run", "none", "invalid dry-run value (\"none\"). Must be \"server\" or \"client\""),
        ("--dry-run", "server", "--dry-run=server needs a cluster: this command renders without one"),
    ] {
        let out = ours(&[NAME_CHART, &format!("{flag}={value}")]);
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(reason), "{flag}: {out:?}");
    }
    // Flags that need a program of the caller's or a cluster are not offered: a usage error,
    // which exits 1 here as in helm.
    for flag in [&["--post-renderer", "./x"][..], &["--verify"], &["--validate"], &["--hide-secret"]] {
        let out = ours(&[&[NAME_CHART], flag].concat());
        assert_eq!(out.status.code(), Some(1), "{flag:?}");
        let expected = format!("error: unexpected argument '{}' found", flag[0]);
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(&expected), "{flag:?}: {out:?}");
    }
}

/// `mailu-chart template ARGS` and helm 4's `helm template ARGS` agree on the exit code and
/// the standard output (helm 3 lacks some of the flags).
fn same_code_and_output_as_helm(args: &[&str]) {
    let out = ours(args);
    if let Some(helm) = common::Oracle::Helm4.find() {
        let name = "helm 4";
        let theirs =
            common::command(&helm).arg("template").args(args).current_dir(common::root()).output().unwrap();
        assert_eq!(
            out.status.code(),
            theirs.status.code(),
            "{name} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{name} {args:?}"
        );
    }
}

#[test]
fn command_lines_are_read_as_helm_reads_them() {
    let chart = |more: &[&'static str]| [&["demo", HOOKS_CHART][..], more].concat();
    for args in [
        // The last spelling of a switch decides.
        vec!["demo", NAME_CHART, "--is-upgrade", "--is-upgrade=false"],
        chart(&["--no-hooks", "--no-hooks=0", "--skip-tests", "--skip-tests=F"]),
        // A flag whose value may be left out takes one only after `=`.
        vec!["demo", "--dry-run", HOOKS_CHART],
        vec!["demo", "--wait", HOOKS_CHART],
        chart(&["--dry-run", "client"]),
        chart(&["--server-side", "false"]),
        // Go's spellings of booleans and whole numbers.
        chart(&["--dry-run=1", "--server-side=T", "--burst-limit", "0x10"]),
        chart(&["--dry-run=none"]),
        // An empty value is no value.
        chart(&["-f", "", "--output-dir", "", "--ca-file", "", "--kube-version="]),
        // A certificate without its key asks for no TLS.
        chart(&["--cert-file", "/nonexistent"]),
        // One `=` makes one label, commas and all.
        chart(&["-l", "a=b,c"]),
        chart(&["-l", "a=b,c=d,e"]),
    ] {
        same_code_and_output_as_helm(&args);
    }
}

/// `-f`, `-a` and the several-pairs form of `-l` are each one record of comma-separated
/// values: double quotes keep a comma in a name, a quote out of place is refused (with the
/// message helm gives), an empty value names nothing.
#[test]
fn list_flags_are_read_as_comma_separated_values() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n").unwrap();
    std::fs::write(
        chart.join("templates/t.yaml"),
        "values: {{ toJson .Values }}\napis: {{ .Capabilities.APIVersions.Has \"x/v1\" }} \
         {{ .Capabilities.APIVersions.Has \"y,z/v1\" }} {{ .Capabilities.APIVersions.Has \"\" }}\n",
    )
    .unwrap();
    for (name, text) in [("a.yaml", "a: 1"), ("b.yaml", "b: 2"), ("x,y.yaml", "xy: 3"), ("q\"t.yaml", "q: 4")]
    {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (a, b, x_y, quote) = (path("a.yaml"), path("b.yaml"), path("x,y.yaml"), path("q\"t.yaml"));
    let chart = chart.display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["-f".into(), format!("{a},{b}")],
        vec!["-f".into(), format!("\"{x_y}\",{a}")],
        vec!["-f".into(), format!("\"{}\"", quote.replace('"', "\"\""))],
        vec!["-f".into(), "".into(), "-f".into(), a.clone()],
        vec!["-f".into(), format!("{a}\n{b}")],
        vec!["-f".into(), format!("\"{a}")],
        vec!["-f".into(), quote.clone()],
        vec!["-f".into(), format!("\"{a}\"x")],
        vec!["-f".into(), format!("\"{a}\n{b}")],
        vec!["-f".into(), "\n".into()],
        vec!["-a".into(), "x/v1,\"y,z/v1\"".into()],
        vec!["-a".into(), "x/v1,\"y".into()],
        vec!["-a".into(), "x/v1,,w/v1".into()],
        vec!["-a".into(), "".into()],
        vec!["-l".into(), "a=1,\"b=2,3\"".into()],
        vec!["-l".into(), "a=1,b\"=2".into()],
    ];
    let helm = common::Oracle::Helm4.find();
    for case in cases {
        let mut args: Vec<&str> = vec!["demo", &chart];
        args.extend(case.iter().map(String::as_str));
        let out = ours(&args);
        let Some(helm) = &helm else { continue };
        let theirs = common::command(helm).arg("template").args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            theirs.status.code(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&theirs.stdout), "{args:?}");
        let message = |stderr: &[u8]| {
            let text = String::from_utf8_lossy(stderr).to_string();
            text.trim().trim_start_matches("Error: ").trim_start_matches("error: ").to_string()
        };
        if message(&theirs.stderr).starts_with("invalid argument") {
            assert_eq!(message(&out.stderr), message(&theirs.stderr), "{args:?}");
        }
    }
}

#[test]
fn output_dir_paths_are_printed_and_placed_as_helm_places_them() {
    let chart = "crates/helm-engine/tests/conformance/out-crds-included/chart";
    assert!(common::root().join(chart).join("crds").is_dir(), "the chart has CRDs");
    for (name, helm) in common::helms() {
        let dir = tempfile::tempdir().unwrap();
        // A trailing slash stays in the printed paths; --release-name cleans the path, and
        // leaves the CRDs outside the release's folder.
        for extra in [&[][..], &["--release-name"][..]] {
            let given = format!("{}/./out/", dir.path().display());
            let mut args = vec!["demo", chart, "--include-crds", "--output-dir", &given];
            args.extend(extra);
            let theirs = common::command(&helm)
                .arg("template")
                .args(&args)
                .current_dir(common::root())
                .output()
                .unwrap();
            assert!(theirs.status.success(), "{name} {extra:?}");
            let listing = |root: &Path| {
                let mut files: Vec<String> = walk(root)
                    .into_iter()
                    .map(|f| f.strip_prefix(root).unwrap().display().to_string())
                    .collect();
                files.sort();
                files
            };
            let helm_files = listing(dir.path());
            std::fs::remove_dir_all(dir.path().join("out")).unwrap();
            let out = ours(&args);
            assert!(out.status.success(), "{extra:?}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&theirs.stdout),
                "{name} {extra:?}"
            );
            assert_eq!(listing(dir.path()), helm_files, "{name} {extra:?}");
            std::fs::remove_dir_all(dir.path().join("out")).unwrap();
        }
    }
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

/// `--set-file` takes any bytes, as helm does: a keystore or a DER certificate the chart
/// encodes with `b64enc` arrives byte for byte, and `len` counts its bytes.
#[test]
fn set_file_takes_a_binary_file_as_helm_does() {
    let dir = tempfile::tempdir().unwrap();
    let template = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\n\
                    data:\n  keystore: {{ .Values.keystore | b64enc }}\n  \
                    bytes: {{ .Values.keystore | len | quote }}\n";
    let chart = common::write_chart(dir.path(), "bin", &[("templates/secret.yaml", template)]);
    let keystore = dir.path().join("keystore.p12");
    let bytes: Vec<u8> = (0..=255u8).rev().chain(*b"caf\xe9").collect();
    std::fs::write(&keystore, &bytes).unwrap();
    let chart = chart.display().to_string();
    let set_file = format!("keystore={}", keystore.display());
    let args = ["k", chart.as_str(), "--set-file", set_file.as_str()];
    same_as_helm(&args, &args);
    let out = ours(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    let encoded = text.lines().find_map(|line| line.strip_prefix("  keystore: ")).unwrap();
    let coreutils = std::process::Command::new("base64").args(["-w0"]).arg(&keystore).output().unwrap();
    assert_eq!(encoded.as_bytes(), coreutils.stdout);
    assert!(text.contains("bytes: \"260\""), "{text}");
}
