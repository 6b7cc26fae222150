//! The `export` command: writes the whole chart or nothing, and never overwrites what is not
//! its own without --force.

mod common;

use assert_cmd::Command;
use predicates::str::contains;

fn mailu_chart() -> Command {
    Command::cargo_bin("mailu-chart").unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_writes_the_chart_and_may_replace_its_own_export() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    mailu_chart().arg("export").arg(&chart).assert().success().stdout("").stderr(contains("wrote the chart"));
    let files = mailu_chart::chart::chart_files().unwrap();
    for file in &files {
        assert_eq!(std::fs::read_to_string(chart.join(&file.path)).unwrap(), file.content, "{}", file.path);
    }
    // A previous export is replaced without --force, and nothing is left beside it.
    std::fs::write(chart.join("templates/stale.yaml"), "old").unwrap();
    mailu_chart().arg("export").arg(&chart).assert().success();
    assert!(!chart.join("templates/stale.yaml").exists());
    assert_eq!(entries(dir.path()), ["chart"]);
}

#[test]
fn export_refuses_a_directory_that_is_not_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "keep me").unwrap();
    mailu_chart()
        .arg("export")
        .arg(&target)
        .assert()
        .code(1)
        .stderr(contains("is not empty and does not hold a chart exported by mailu-chart; use --force"));
    assert_eq!(std::fs::read_to_string(target.join("notes.txt")).unwrap(), "keep me");
    mailu_chart().arg("export").arg(&target).arg("--force").assert().success();
    assert!(!target.join("notes.txt").exists());
    assert!(target.join("Chart.yaml").exists());
}

#[test]
fn a_failed_export_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    mailu_chart().arg("export").arg(file.join("chart")).assert().code(1).stderr(contains("cannot"));
    mailu_chart().arg("export").arg(&file).assert().code(1).stderr(contains("is not a directory"));
    assert_eq!(entries(dir.path()), ["a-file"]);
}
