//! The `render` command as a user runs it.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn mailu_chart() -> Command {
    let mut cmd = Command::cargo_bin("mailu-chart").unwrap();
    cmd.current_dir(common::root());
    cmd
}

#[test]
fn render_prints_helm_style_documents_on_stdout_only() {
    let output = mailu_chart().args(["render", "-f", "values-examples/minimal.yaml"]).output().unwrap();
    assert!(output.status.success());
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("---\n# Source: mailu/templates/"));
    // The library's stream is what the command prints.
    let expected = mailu_chart::render::output::stream(&common::render(
        &[&common::root().join("values-examples/minimal.yaml")],
        &[],
    ));
    assert_eq!(text, expected);
}

#[test]
fn show_only_selects_templates_and_names_a_missing_one() {
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "-s", "templates/admin/service.yaml"])
        .assert()
        .success()
        .stdout(
            contains("kind: Service")
                .and(contains("name: mailu-admin"))
                .and(predicates::str::contains("kind: Deployment").not()),
        );
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--show-only", "templates/nope.yaml"])
        .assert()
        .code(1)
        .stderr(
            "error: could not find template templates/nope.yaml among the objects rendered for these \
             values (their paths look like templates/admin/deployment.yaml)\n",
        );
}

#[test]
fn output_dir_writes_one_file_per_template() {
    let dir = tempfile::tempdir().unwrap();
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--output-dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr("")
        .stdout(contains(format!("wrote {}/mailu/templates/admin/deployment.yaml\n", dir.path().display())))
        .stdout(predicates::str::ends_with(".yaml\n\n"));
    let deployment =
        std::fs::read_to_string(dir.path().join("mailu/templates/admin/deployment.yaml")).unwrap();
    assert!(
        deployment.starts_with("---\n# Source: mailu/templates/admin/deployment.yaml\napiVersion: apps/v1\n")
    );
}

#[test]
fn release_name_and_namespace_shape_every_object() {
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--release-name", "mx", "-n", "mail"])
        .assert()
        .success()
        .stdout(
            contains("name: mx-admin")
                .and(contains("namespace: mail\n"))
                .and(contains("mx-admin.mail.svc.cluster.local")),
        );
}

/// `fullnameOverride` names the objects in place of a release name too long for them, or with
/// dots; the release name stays in the instance label, and must still be one helm takes.
#[test]
fn fullname_override_names_the_objects_and_the_release_keeps_its_label() {
    let release = "mail.example.com-production-eu-west-1-primary-x";
    let output = mailu_chart()
        .args(["render", release, "-n", "mail", "-f", "values-examples/minimal.yaml"])
        .args(["--set", "fullnameOverride=mx"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    let names: Vec<&str> =
        text.lines().filter_map(|l| l.strip_prefix("  name: ")).map(|n| n.trim_matches('"')).collect();
    assert!(names.len() > 20, "{names:?}");
    let namespace = names.iter().filter(|n| **n == "mail").count();
    assert!(names.iter().all(|n| n.starts_with("mx-") || *n == "mail"), "{names:?}");
    assert!(namespace <= 1, "{names:?}");
    assert!(text.contains("mx-admin.mail.svc.cluster.local"));
    assert!(text.contains(&format!("app.kubernetes.io/instance: {release}\n")));
    assert!(!text.contains(&format!("{release}-")));
    // The override does not lift helm's own rule.
    for (bad, says) in
        [("Mail", "helm takes lower-case letters"), (&*"a".repeat(54), "at most 53 characters")]
    {
        mailu_chart()
            .args(["render", bad, "-f", "values-examples/minimal.yaml", "--set", "fullnameOverride=mx"])
            .assert()
            .code(1)
            .stderr(contains(says));
    }
    // Without it, the release name says how to name the objects otherwise.
    mailu_chart()
        .args(["render", release, "-f", "values-examples/minimal.yaml"])
        .assert()
        .code(1)
        .stderr(contains("or name the objects with fullnameOverride"));
}

/// `helm template NAME CHART` habits: the release name may come first, as in helm, for every
/// command that names the release, but not twice.
#[test]
fn the_release_name_may_be_given_where_helm_takes_it() {
    let flagged = mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--release-name", "mx"])
        .assert()
        .success();
    let positional =
        mailu_chart().args(["render", "mx", "-f", "values-examples/minimal.yaml"]).assert().success();
    assert_eq!(positional.get_output().stdout, flagged.get_output().stdout);
    for command in ["dns", "graph"] {
        mailu_chart()
            .args([command, "mx", "-f", "values-examples/minimal.yaml"])
            .assert()
            .success()
            .stdout(contains("mx-front"));
    }
    mailu_chart()
        .args(["diff", "mx", "-f", "values-examples/minimal.yaml"])
        .assert()
        .success()
        .stdout(contains("equivalent"));
    mailu_chart()
        .args(["render", "mx", "--release-name", "my", "-f", "values-examples/minimal.yaml"])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with '--release-name <NAME>'"));
    // A second values file without its -f is not taken for a release name.
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "values-examples/full.yaml"])
        .assert()
        .code(2)
        .stderr(contains(
            "\"values-examples/full.yaml\" looks like a values file, not a release name: give values files with -f",
        ));
}

#[test]
fn every_command_that_names_the_release_refuses_names_kubernetes_would() {
    let bad = [
        ("--release-name", "X Y", "release name \"X Y\" is invalid"),
        ("-n", "Bad NS", "namespace \"Bad NS\" is invalid"),
    ];
    for command in ["render", "dns", "graph"] {
        for (flag, name, message) in bad {
            mailu_chart()
                .args([command, "-f", "values-examples/minimal.yaml", flag, name])
                .assert()
                .code(1)
                .stdout("")
                .stderr(contains(message));
        }
    }
}

#[test]
fn invalid_release_names_and_values_are_errors() {
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--release-name", "Bad_Name"])
        .assert()
        .code(1)
        .stderr(contains("release name \"Bad_Name\" is invalid"));
    let long = "a".repeat(45);
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--release-name", &long])
        .assert()
        .code(1)
        .stderr(contains("at most 44 characters"));
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "-n", "Bad"])
        .assert()
        .code(1)
        .stderr(contains("namespace \"Bad\" is invalid"));
    mailu_chart()
        .args(["render", "-f", "tests/values/bad/two-problems.yaml"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("the values are invalid (2 problems)"));
}

/// Every file and folder under `dir`, relative, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                pending.push(path);
            }
        }
    }
    found.sort();
    found
}

/// An earlier version wrote the files it could before the first error; now an error leaves
/// the directory as it was.
#[test]
fn output_dir_writes_every_file_or_none() {
    let dir = tempfile::tempdir().unwrap();
    // A file where a folder must go: postfix's templates come after admin's, which an
    // earlier version had already written by then.
    std::fs::create_dir_all(dir.path().join("mailu/templates")).unwrap();
    std::fs::write(dir.path().join("mailu/templates/postfix"), "in the way").unwrap();
    std::fs::write(dir.path().join("mailu/templates/admin-notes.txt"), "mine").unwrap();
    // The render is refused, naming what is in the way, and nothing changes.
    let refused_naming = |what: &str| {
        let before = listing(dir.path());
        mailu_chart()
            .args(["render", "-f", "values-examples/minimal.yaml", "--output-dir"])
            .arg(dir.path())
            .assert()
            .code(1)
            .stderr(contains(what));
        assert_eq!(listing(dir.path()), before);
    };
    refused_naming("mailu/templates/postfix");
    // A file that is a folder: the same.
    std::fs::remove_file(dir.path().join("mailu/templates/postfix")).unwrap();
    std::fs::create_dir_all(dir.path().join("mailu/templates/postfix/deployment.yaml")).unwrap();
    refused_naming("deployment.yaml");
    // Once the way is clear, every file is written and the user's own file is kept.
    std::fs::remove_dir(dir.path().join("mailu/templates/postfix/deployment.yaml")).unwrap();
    mailu_chart()
        .args(["render", "-f", "values-examples/minimal.yaml", "--output-dir"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("mailu/templates/postfix/deployment.yaml").is_file());
    assert_eq!(std::fs::read_to_string(dir.path().join("mailu/templates/admin-notes.txt")).unwrap(), "mine");
    assert!(!listing(dir.path()).iter().any(|f| f.ends_with(".tmp")));
}
