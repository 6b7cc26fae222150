//! The `validate` and `schema` commands as a user runs them: exit codes, messages, and bad
//! input that must never panic.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn mailu_chart() -> Command {
    let mut cmd = Command::cargo_bin("mailu-chart").unwrap();
    cmd.current_dir(common::root());
    cmd
}

/// Runs `validate` on the given bytes (as a file) and returns (exit code, stderr).
fn validate_bytes(bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("values.yaml");
    std::fs::write(&path, bytes).unwrap();
    let output = mailu_chart().args(["validate", "-f"]).arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    (output.status.code().unwrap(), stderr)
}

#[test]
fn valid_values_exit_zero() {
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml"])
        .assert()
        .success()
        .stdout("")
        .stderr("the values are valid\n");
}

#[test]
fn invalid_values_exit_one_and_list_every_problem() {
    mailu_chart()
        .args(["validate", "-f", "tests/values/bad/two-problems.yaml"])
        .assert()
        .code(1)
        .stderr(contains("the values are invalid (2 problems)"))
        .stderr(contains("tests/values/bad/two-problems.yaml:4:9: domain: must be a lower-case DNS name"))
        .stderr(contains("tests/values/bad/two-problems.yaml:5:13: hostnames[0]:"));
}

#[test]
fn set_flags_are_named_as_the_origin() {
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "messageSizeLimitMb=0"])
        .assert()
        .code(1)
        .stderr(contains("--set messageSizeLimitMb=0: messageSizeLimitMb: must be at least 1, found 0"));
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "redis.port=1.5"])
        .assert()
        .code(1)
        .stderr(contains("redis.port: must be a whole number, found \"1.5\""));
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set-json", "redis.port=6380"])
        .assert()
        .success();
    // Setting a later item of a list keeps the file's earlier items, and their origin.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.yaml");
    std::fs::write(&file, "domain: example.com\nsubnet: 10.42.0.0/16\nhostnames: [Bad.example.com]\n")
        .unwrap();
    mailu_chart()
        .current_dir(dir.path())
        .args(["validate", "-f", "f.yaml", "--set", "hostnames[1]=b.example.com"])
        .assert()
        .code(1)
        .stderr(contains("f.yaml:3:13: hostnames[0]: must be a lower-case DNS name"));
    // The padding beyond the file's items is the flag's.
    mailu_chart()
        .current_dir(dir.path())
        .args(["validate", "-f", "f.yaml", "--set", "hostnames[2]=b.example.com"])
        .assert()
        .code(1)
        .stderr(contains("--set hostnames[2]=b.example.com: hostnames[1]: must be a string, found null"));
}

/// The paths of the problems `validate` lists, in the order it lists them.
fn listed_paths(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .map(|l| {
            let before_message = l.split(": ").collect::<Vec<_>>();
            // `file:line:col: path: message`, `file: path: message` (a key nobody set, with one
            // file), `--set text: path: message` or `path: message`.
            match before_message.as_slice() {
                [origin, path, ..]
                    if origin.contains(".yaml:")
                        || origin.ends_with(".yaml")
                        || origin.starts_with("--set") =>
                {
                    path.to_string()
                }
                [path, ..] => path.to_string(),
                [] => String::new(),
            }
        })
        .collect()
}

#[test]
fn problems_are_listed_in_the_order_the_inputs_were_given() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.yaml");
    let second = dir.path().join("second.yaml");
    // The first file's problem is on a later line than the second file's.
    std::fs::write(&first, "hostnames: [mail.example.com]\nsubnet: 10.42.0.0/16\n\n\nlogLevel: debug\n")
        .unwrap();
    std::fs::write(&second, "postmaster: a@b\n").unwrap();
    let output = mailu_chart()
        .args(["validate", "-f"])
        .arg(&first)
        .arg("-f")
        .arg(&second)
        .args(["--set", "webmail.type=rainloop"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Files in the order given, then flags, then keys nobody set (`domain`).
    assert_eq!(listed_paths(&stderr), ["logLevel", "postmaster", "webmail.type", "domain"], "{stderr}");

    // Flags in the order they were merged (helm's: --set-json, --set, --set-string, ...),
    // not by key.
    let output = mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "loglevel=z", "--set", "Domain=x"])
        .args(["--set-string", "front.Replicas=2", "--set-json", "zz=1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(listed_paths(&stderr), ["zz", "loglevel", "Domain", "front.Replicas"], "{stderr}");

    // Without files: the flags' problems still come before the keys nobody set.
    let output = mailu_chart().args(["validate", "--set", "webmail.type=rainloop"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(listed_paths(&stderr), ["webmail.type", "domain", "hostnames", "subnet"], "{stderr}");

    // With one file: flags, then keys nobody set.
    let output = mailu_chart()
        .args(["validate", "-f"])
        .arg(&second)
        .args(["--set", "webmail.type=rainloop"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        listed_paths(&stderr),
        ["postmaster", "webmail.type", "domain", "hostnames", "subnet"],
        "{stderr}"
    );
}

#[test]
fn conditional_requirements_point_at_the_condition() {
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "database.type=postgresql"])
        .assert()
        .code(1)
        .stderr(contains(
            "--set database.type=postgresql: database.postgresql.host: is required when database.type is \"postgresql\"",
        ));
}

#[test]
fn combinations_that_cannot_work_are_refused_with_the_reason() {
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "tls.source=none"])
        .assert()
        .code(1)
        .stderr(contains(
            "--set tls.source=none: expose.mail: must be \"none\", found \"loadBalancer\", when tls.source is \"none\": without TLS",
        ));
    mailu_chart()
        .args(["validate", "-f", "values-examples/traefik.yaml", "--set", "tls.source=letsencrypt"])
        .assert()
        .code(1)
        .stderr(contains(
            "expose.web: must be \"front\", found \"ingress\", when tls.source is \"letsencrypt\"",
        ));
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "expose.mail=traefik"])
        .assert()
        .code(1)
        .stderr(contains("expose.mail: must be \"loadBalancer\" or \"hostPort\", found \"traefik\", when expose.web is \"front\""));
}

#[test]
fn values_can_come_from_standard_input_and_comma_lists() {
    let text = std::fs::read("values-examples/minimal.yaml").unwrap();
    mailu_chart().args(["validate", "-f", "-"]).write_stdin(text).assert().success();
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml,tests/values/bad/log-level-lower-case.yaml"])
        .assert()
        .code(1)
        .stderr(contains("logLevel: must be one of"));
}

#[test]
fn set_file_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tz");
    std::fs::write(&path, "Europe/Paris").unwrap();
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set-file"])
        .arg(format!("timezone={}", path.display()))
        .assert()
        .success();
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set-file", "timezone=/nonexistent/tz"])
        .assert()
        .code(1)
        .stderr(contains("--set-file timezone=/nonexistent/tz: cannot read /nonexistent/tz: no such file"));
    // The Mailu values are text (`template` of any chart takes any bytes, as helm does).
    std::fs::write(&path, b"Europe/Par\xeds").unwrap();
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set-file"])
        .arg(format!("timezone={}", path.display()))
        .assert()
        .code(1)
        .stderr(contains(format!("{}: not valid UTF-8 text", path.display())));
}

#[test]
fn bad_set_syntax_is_an_error_naming_the_flag() {
    mailu_chart()
        .args(["validate", "--set", "domain"])
        .assert()
        .code(1)
        .stderr("error: --set domain: key \"domain\" has no value\n");
}

#[test]
fn a_missing_file_is_an_error() {
    mailu_chart()
        .args(["validate", "-f", "no-such-file.yaml"])
        .assert()
        .code(1)
        .stderr("error: cannot read no-such-file.yaml: no such file\n");
}

#[test]
fn usage_errors_exit_two() {
    mailu_chart().args(["validate", "--no-such-flag"]).assert().code(2);
    mailu_chart().arg("no-such-command").assert().code(2);
    mailu_chart().assert().code(2);
}

#[test]
fn yaml_syntax_errors_name_the_line() {
    let (code, stderr) = validate_bytes(b"domain: example.com\nhostnames: [mail.example.com\nsubnet: x\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("values.yaml:3:") && stderr.contains("invalid YAML"), "{stderr}");
    let (code, stderr) = validate_bytes(b"a:\n\tb: 1\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("values.yaml:2:"), "{stderr}");
}

#[test]
fn a_document_that_is_not_a_map_is_refused() {
    let (code, stderr) = validate_bytes(b"- a\n- b\n");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("values.yaml:1:1: a values document must be a map of keys, found a list"),
        "{stderr}"
    );
    let (code, stderr) = validate_bytes(b"just a string\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("found a string"), "{stderr}");
}

#[test]
fn an_empty_file_is_no_values() {
    let (code, stderr) = validate_bytes(b"");
    assert_eq!(code, 1);
    // The one values file is where the missing keys go.
    assert!(stderr.contains("values.yaml: domain: is required"), "{stderr}");
    let (code, _) = validate_bytes(b"# only a comment\n");
    assert_eq!(code, 1);
}

#[test]
fn a_quote_never_closed_is_found_at_the_end_with_a_hint() {
    let (code, stderr) = validate_bytes(b"domain: \"example.com\nhostnames: [mail.example.com]\n");
    assert_eq!(code, 1);
    // go-yaml's words and place (the end of the text), then what to look for.
    assert!(stderr.contains("values.yaml:3:1: invalid YAML: found unexpected end of stream\n"), "{stderr}");
    assert!(stderr.contains("hint: a quote opened earlier in the file is never closed"), "{stderr}");
}

#[test]
fn non_utf8_bytes_are_refused() {
    let (code, stderr) = validate_bytes(b"domain: example.com\nhostnames: [\xff\xfe]\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("not valid UTF-8 text (invalid byte at line 2)"), "{stderr}");
}

#[test]
fn a_multi_megabyte_file_is_handled() {
    let mut text = String::from("domain: example.com\nhostnames: [mail.example.com]\nsubnet: 10.42.0.0/16\n");
    text.push_str("admin:\n  podAnnotations:\n");
    for i in 0..60_000 {
        text.push_str(&format!("    example.com/annotation-{i}: \"value {i}\"\n"));
    }
    assert!(text.len() > 2_000_000);
    let (code, stderr) = validate_bytes(text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    // A huge invalid file reports its problem without drowning the user.
    text.push_str("bogus: 1\n");
    let (code, stderr) = validate_bytes(text.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("bogus: unknown key"), "{stderr}");
}

#[test]
fn inputs_larger_than_the_limit_are_refused_before_they_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, format!("domain: {}\n", "a".repeat(2000))).unwrap();
    let big = big.display().to_string();
    let limit = "is larger than 1 KiB, the input size limit; raise it with --max-input-size";
    let cases: [(&[&str], Option<&str>, String); 3] = [
        (&["-f", &big], None, format!("error: {big} {limit}\n")),
        (&["-f", "-"], Some("x"), format!("error: standard input {limit}\n")),
        (&["-f", "values-examples/minimal.yaml", "--set-file", &format!("domain={big}")], None, big.clone()),
    ];
    for (args, stdin, expected) in cases {
        for command in ["validate", "render"] {
            let mut cmd = mailu_chart();
            cmd.arg(command).args(args).args(["--max-input-size", "1Ki"]);
            if let Some(line) = stdin {
                cmd.write_stdin(line.repeat(2000));
            }
            cmd.assert().code(1).stdout("").stderr(contains(expected.as_str()).and(contains(limit)));
        }
    }
    // The same inputs within a raised limit are read (and then judged on their content).
    mailu_chart()
        .args(["validate", "-f", &big, "--max-input-size", "4Ki"])
        .assert()
        .code(1)
        .stderr(contains("input size limit").not());
}

#[test]
fn the_input_size_limit_takes_units_and_refuses_nonsense() {
    for good in ["65536", "64Ki", "1Mi", "1Gi"] {
        mailu_chart()
            .args(["validate", "-f", "values-examples/minimal.yaml", "--max-input-size", good])
            .assert()
            .success();
    }
    for bad in ["12x", "1.5Mi", "Mi", "99999999999999999999Gi"] {
        mailu_chart()
            .args(["validate", "-f", "values-examples/minimal.yaml", "--max-input-size", bad])
            .assert()
            .code(2)
            .stderr(contains("is not a size"));
    }
}

#[test]
fn deep_nesting_and_alias_bombs_are_refused_without_crashing() {
    let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let (code, stderr) = validate_bytes(deep.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("invalid YAML"), "{stderr}");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ('a'..='j').zip('b'..='k') {
        bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    let (code, stderr) = validate_bytes(bomb.as_bytes());
    assert_eq!(code, 1);
    assert!(stderr.contains("excessive aliasing"), "{stderr}");
}

#[test]
fn duplicate_keys_warn_but_do_not_fail() {
    let (code, stderr) = validate_bytes(
        b"domain: example.com\ndomain: example.org\nhostnames: [mail.example.com]\nsubnet: 10.42.0.0/16\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("values.yaml:2:1: key domain is given twice"),
        "{stderr}"
    );
}

#[test]
fn schema_prints_the_generated_draft07_schema() {
    let output = mailu_chart().arg("schema").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text, mailu_chart::values::schema::values_schema_text());
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["required"].as_array().map(Vec::len),
        schema["properties"].as_object().map(|p| p.len())
    );
}

#[test]
fn the_editor_schema_takes_any_part_of_valid_values_and_refuses_what_is_wrong_in_it() {
    let output = mailu_chart().args(["schema", "--for-editor"]).output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let yaml = |text: &str| -> serde_json::Value {
        let tree = helm_engine::load_yaml_documents(text).unwrap().remove(0).root.unwrap();
        tree.to_json()
    };
    for example in common::files_in("values-examples", "yaml") {
        let values = yaml(&std::fs::read_to_string(&example).unwrap());
        let errors: Vec<String> = validator.iter_errors(&values).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", example.display());
    }
    // A file with a part of the values; a condition the file sets applies, one it leaves to
    // the defaults does not.
    for valid in ["front: {replicas: 2}", "expose: {web: ingress}", "tls: {source: none}"] {
        assert!(validator.is_valid(&yaml(valid)), "{valid}");
    }
    for invalid in [
        "fornt: {replicas: 2}",
        "logLevel: info",
        "tls: {source: none}\nexpose: {mail: loadBalancer}",
        "front: {extraEnv: [{value: x}]}",
        "front: {tolerations: [{operater: Exists}]}",
    ] {
        assert!(!validator.is_valid(&yaml(invalid)), "{invalid}");
    }
}

#[test]
fn version_and_help_exit_zero() {
    mailu_chart().arg("--version").assert().success().stdout(contains(env!("CARGO_PKG_VERSION")));
    mailu_chart().arg("--help").assert().success().stdout(contains("validate").and(contains("schema")));
}

/// Dangerous but valid settings are accepted with a warning on standard error, by `validate`
/// and by `render` alike; render's manifests on standard output stay clean.
#[test]
fn dangerous_settings_are_warned_about_on_standard_error() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--set", "networkPolicy.enabled=false"],
            &["networkPolicy.enabled is false", "relay mail to anywhere", "ClamAV (3310)", "Tika (9998)"],
        ),
        (
            &["--set", "subnet=2001:db8:42::/56", "--set", "trust.allowPublicSubnet=true"],
            &["trust.allowPublicSubnet is true", "2001:db8:42::/56"],
        ),
        (
            &[
                "--set",
                "authentication.proxy.trustedNetworks={203.0.113.7/32}",
                "--set",
                "trust.allowPublicProxyAuthNetworks=true",
            ],
            &["trust.allowPublicProxyAuthNetworks is true", "203.0.113.7/32", "log in as any user"],
        ),
        (
            &["--set", "networkPolicy.webProxy.podLabels.a=b,networkPolicy.webProxy.namespaceLabels.c=d"],
            &["networkPolicy.webProxy has no effect without expose.web ingress or httpRoute"],
        ),
        (
            &["--set", "fetchmail.enabled=true,tls.inboundEnforce=true"],
            &["fetchmail.enabled with tls.inboundEnforce true", "turn scanning off for those accounts"],
        ),
        (
            &["--set", "clamav.enabled=true,clamav.replicas=2,clamav.persistence.size=20Gi"],
            &["clamav.persistence has no effect with clamav.replicas 2"],
        ),
        (
            &["--set", "rspamd.enabled=false,clamav.enabled=true,oletools.enabled=true"],
            &[
                "clamav.enabled has no effect with rspamd.enabled false",
                "oletools.enabled has no effect with rspamd.enabled false",
            ],
        ),
        (
            &["--set", "expose.mail=hostPort,front.replicas=2"],
            &["front.replicas has no effect with expose.hostPort.kind DaemonSet"],
        ),
    ];
    for (flags, expected) in cases {
        for command in ["validate", "render"] {
            let output = mailu_chart()
                .args([command, "-f", "values-examples/minimal.yaml"])
                .args(*flags)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{command} {flags:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            for text in *expected {
                assert!(stderr.contains(text), "{command} {flags:?}: {text:?} missing from\n{stderr}");
            }
            assert!(!String::from_utf8_lossy(&output.stdout).contains("warning"), "{command} {flags:?}");
        }
    }
    // Header sign-in behind an ingress controller or Gateway trusts whatever the proxy forwards.
    for (network, warned) in [("10.42.7.0/24", true), ("192.168.7.0/24", false)] {
        let output = mailu_chart()
            .args(["validate", "-f", "values-examples/gateway-api.yaml", "--set"])
            .arg(format!("authentication.proxy.trustedNetworks={{{network}}}"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{network}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.contains("must set the X-Auth-Email header on every request"),
            warned,
            "{network}: {stderr}"
        );
    }
    // A route with a filter of its own (the Gateway's authentication) is taken to set it.
    let output = mailu_chart()
        .args(["validate", "-f", "values-examples/gateway-api.yaml"])
        .args(["--set", "authentication.proxy.trustedNetworks={10.42.7.0/24}", "--set-json"])
        .arg(r#"expose.httpRoute.filters=[{"type":"ExtensionRef","extensionRef":{"group":"traefik.io","kind":"Middleware","name":"sso"}}]"#)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "the values are valid\n");
    // Safe values draw no warning: header logins from private networks only, or an override
    // that nothing uses.
    let safe: &[&[&str]] = &[
        &[],
        &["--set", "authentication.proxy.trustedNetworks={192.168.7.5/32}"],
        &["--set", "trust.allowPublicProxyAuthNetworks=true"],
        &["--set", "clamav.enabled=true,clamav.replicas=2"],
        &["--set", "clamav.enabled=true,clamav.persistence.size=20Gi"],
        &["--set", "expose.mail=hostPort,expose.hostPort.kind=Deployment,front.replicas=2"],
    ];
    for flags in safe {
        let output = mailu_chart()
            .args(["render", "-f", "values-examples/minimal.yaml"])
            .args(*flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{flags:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{flags:?}");
    }
}

/// Every bound on what a user feeds in ends the same way: a message naming the limit on
/// standard error, exit code 1, and nothing on standard output.
#[test]
fn bounds_end_with_a_message_exit_one_and_nothing_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, format!("domain: example.com\n# {}\n", "x".repeat(4096))).unwrap();
    let deep = dir.path().join("deep.yaml");
    std::fs::write(&deep, format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    // go-yaml's limit is 10,000 nested mappings and lists; the key `a` is the first.
    let deeper = dir.path().join("deeper.yaml");
    std::fs::write(&deeper, format!("a:\n  {}x\n", "- ".repeat(10_000))).unwrap();
    // As deep as go-yaml allows: read, then refused by the schema, without a crash.
    let deepest = dir.path().join("deepest.yaml");
    std::fs::write(&deepest, format!("front:\n  podAnnotations:\n    a:\n      {}x\n", "- ".repeat(9_997)))
        .unwrap();
    let chart = common::write_chart(
        dir.path(),
        "loop",
        &[(
            "templates/loop.yaml",
            "{{- define \"again\" }}{{ include \"again\" . }}{{ end }}\n{{ include \"again\" . }}\n",
        )],
    );
    let tpl = common::write_chart(
        dir.path(),
        "tpl",
        &[
            ("values.yaml", "again: '{{ tpl .Values.again . }}'\n"),
            ("templates/tpl.yaml", "{{ tpl .Values.again . }}\n"),
        ],
    );
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["render".into(), "-f".into(), path(&big), "--max-input-size".into(), "1Ki".into()],
            "the input size limit",
        ),
        (vec!["render".into(), "-f".into(), path(&deep)], "invalid YAML"),
        (
            vec!["render".into(), "-f".into(), path(&deeper)],
            "deeper.yaml:2:20001: invalid YAML: exceeded max depth of 10000",
        ),
        (
            vec!["validate".into(), "-f".into(), path(&deepest)],
            "front.podAnnotations.a: must be a string, found a list",
        ),
        (vec!["template".into(), path(&chart), "-f".into(), path(&deeper)], "exceeded max depth of 10000"),
        // helm's own message for an include that calls itself: a thousand nested levels.
        (vec!["template".into(), path(&chart)], "rendering template has a nested reference name: again"),
        // helm has no limit here and crashes when Go's stack overflows.
        (vec!["template".into(), path(&tpl)], "tpl calls nest more than 100 deep"),
    ];
    for (args, message) in cases {
        let output = mailu_chart().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?} wrote to standard output");
        assert!(stderr.contains(message), "{args:?}: {message:?} missing from {stderr}");
        assert!(stderr.len() < 200_000, "{args:?}: the message is {} bytes long", stderr.len());
    }
}

#[test]
fn places_set_fills_with_nulls_are_not_repeated_entries() {
    // helm fills hostnames[1] and [2] with nulls for `hostnames[3]=...`: each gets its own
    // problem, and they are not "the same entry twice".
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "hostnames[3]=x.example.com"])
        .assert()
        .code(1)
        .stderr(contains("the values are invalid (2 problems)"))
        .stderr(contains("hostnames[1]: must be a string, found null"))
        .stderr(contains("twice").not());
    mailu_chart()
        .args(["validate", "-f", "values-examples/minimal.yaml", "--set", "hostnames[1]=mail.example.com"])
        .assert()
        .code(1)
        .stderr(contains("hostnames: must not list the same entry twice"));
}

/// A key that is wrong in itself is reported alone: the rules that read it (or that are about
/// it) would only repeat the problem in other words, as JSON Schema's conditions hold for a
/// key that is missing.
#[test]
fn a_key_wrong_in_itself_is_reported_alone() {
    for (set, says) in [
        ("tls=null", "tls: is required, and null removes a key"),
        ("expose=null", "expose: is required, and null removes a key"),
        ("webmail=null", "webmail: is required, and null removes a key"),
        ("expose.mail=loadbalancer", "expose.mail: must be one of none, loadBalancer, hostPort, traefik"),
    ] {
        let output = mailu_chart()
            .args(["validate", "-f", "values-examples/minimal.yaml", "--set", set])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{set}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: the values are invalid (1 problem):\n"), "{set}: {stderr}");
        assert!(stderr.contains(says), "{set}: {stderr}");
    }
}

/// `validate` takes the release as `render` does, positional or flagged, and refuses a name or
/// namespace that `render` would refuse: a render command line validates as it is.
#[test]
fn validate_checks_the_release_render_would_use() {
    for args in [&["mail", "-n", "mail"][..], &["--release-name", "mail"][..], &[][..]] {
        mailu_chart()
            .args(["validate", "-f", "values-examples/minimal.yaml"])
            .args(args)
            .assert()
            .success()
            .stderr(predicates::str::contains("the values are valid"));
    }
    for (args, says) in [
        (&["MAIL"][..], "release name \"MAIL\" is invalid"),
        (&["-n", "Bad_NS"][..], "namespace \"Bad_NS\" is invalid"),
    ] {
        mailu_chart()
            .args(["validate", "-f", "values-examples/minimal.yaml"])
            .args(args)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(says));
    }
}

/// `enabled: false` switches the chart off only for a parent chart: alone, everything is
/// rendered, and the user is told so.
#[test]
fn enabled_false_is_read_by_a_parent_chart_only() {
    let plain = mailu_chart().args(["render", "-f", "values-examples/minimal.yaml"]).output().unwrap();
    let off = mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--set", "enabled=false"])
        .output()
        .unwrap();
    assert!(off.status.success());
    assert_eq!(off.stdout, plain.stdout);
    let stderr = String::from_utf8_lossy(&off.stderr);
    assert!(stderr.contains("warning: enabled is false, which only a parent chart reads"), "{stderr}");
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("enabled is false"));
}

/// An argument that is not UTF-8 (a file name in another encoding) is named, with the flag
/// it belongs to, instead of clap's message that names none; the exit code is the command's
/// usage error.
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"values-\xff.yaml");
    mailu_chart().args(["render", "-f"]).arg(name).assert().code(2).stderr(
        "error: argument 3 (the value of -f) is not valid UTF-8: \"values-\u{FFFD}.yaml\" (invalid bytes shown as \u{FFFD}); mailu-chart reads its arguments as UTF-8 text (for a file whose name is in another encoding, link to it under a UTF-8 name)\n",
    );
    // A path option reads any bytes: the argument clap refused is named, not the first
    // that is not UTF-8.
    mailu_chart()
        .args(["diff", "-f", "values-examples/minimal.yaml", "--against"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff.yaml"))
        .arg("--set")
        .arg(std::ffi::OsStr::from_bytes(b"a=\xfe"))
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: argument 7 (the value of --set) is not valid UTF-8: \"a=\u{FFFD}\"",
        ));
    let chart = std::ffi::OsStr::from_bytes(b"chart-\xff");
    mailu_chart()
        .args(["template", "demo"])
        .arg(chart)
        .assert()
        .code(1)
        .stderr(predicates::str::starts_with("error: argument 3 is not valid UTF-8: \"chart-\u{FFFD}\""));
}
