//! `mailu-chart template` as a command: standard output, `--output-dir` and failures, compared
//! with `helm template` where helm is installed.

mod common;

use std::path::Path;

use assert_cmd::Command;

fn ours(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mailu-chart")
        .unwrap()
        .current_dir(common::root())
        .arg("template")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_render_error_is_a_failure_with_helms_message() {
    let out = ours(&["crates/helm-engine/tests/conformance/fail-error/chart"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end(), "error: execution error at (c/templates/t.yaml:2:3): boom");
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
    let theirs = std::process::Command::new(helm)
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
