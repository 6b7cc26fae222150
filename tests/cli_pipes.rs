//! Standard output and standard error whose reader is gone (`| head`, a closed terminal, a
//! supervisor that stopped listening): the command ends quietly with the exit code it would
//! have had, never with a panic (exit 101).

mod common;

use std::process::{Command, Stdio};

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn broken_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer.into()
}

fn mailu_chart(args: &[&str]) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("mailu-chart"));
    command.current_dir(common::root()).args(args).stdin(Stdio::null());
    command
}

/// Runs with both streams broken and returns the exit code.
fn code_with_both_broken(args: &[&str]) -> i32 {
    let status = mailu_chart(args).stdout(broken_pipe()).stderr(broken_pipe()).status().unwrap();
    status.code().expect("ended by a signal")
}

#[test]
fn broken_stderr_keeps_the_exit_code() {
    let cases: &[(&[&str], i32)] = &[
        // Each of these writes to standard error before it ends.
        (&["validate", "-f", "values-examples/minimal.yaml"], 0),
        (&["validate", "-f", "values-examples/minimal.yaml", "--set", "networkPolicy.enabled=false"], 0),
        (&["validate", "-f", "values-examples/minimal.yaml", "--set", "subnet=0.0.0.0/0"], 1),
        (&["render", "-f", "values-examples/minimal.yaml", "--set", "networkPolicy.enabled=false"], 0),
        (&["render", "-f", "no-such-file.yaml"], 1),
        (&["validate", "--no-such-flag"], 2),
    ];
    for (args, expected) in cases {
        let output = mailu_chart(args).stdout(Stdio::null()).stderr(broken_pipe()).output().unwrap();
        assert_eq!(output.status.code(), Some(*expected), "{args:?}");
        assert_eq!(code_with_both_broken(args), *expected, "{args:?} with both streams broken");
    }
}

#[test]
fn broken_stdout_ends_quietly() {
    let deployed = tempfile::NamedTempFile::new().unwrap();
    let full = common::render(&[&common::root().join("values-examples/full.yaml")], &[]);
    std::fs::write(deployed.path(), mailu_chart::render::output::stream(&full)).unwrap();
    let deployed = deployed.path().to_str().unwrap();
    for (args, expected) in [
        (&["render", "-f", "values-examples/full.yaml"][..], 0),
        (&["schema"][..], 0),
        (&["template", "chart-out", "-f", "values-examples/minimal.yaml"][..], 0),
        // A difference is still a difference when nobody reads the report.
        (&["diff", "-f", "values-examples/minimal.yaml", "--against", deployed][..], 1),
    ] {
        let output = mailu_chart(args).stdout(broken_pipe()).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"), "{args:?}");
        assert_eq!(code_with_both_broken(args), expected, "{args:?} with both streams broken");
    }
}

#[test]
fn export_and_output_dir_finish_their_work_with_stderr_broken() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    let status = mailu_chart(&["export"]).arg(&chart).stderr(broken_pipe()).status().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(chart.join("Chart.yaml").is_file());
    let out = dir.path().join("out");
    let status = mailu_chart(&["render", "-f", "values-examples/minimal.yaml", "--output-dir"])
        .arg(&out)
        .stderr(broken_pipe())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    // Every file, not only those written before the first report of one.
    let expected = common::render(&[&common::root().join("values-examples/minimal.yaml")], &[]);
    for manifest in &expected {
        assert!(out.join("mailu").join(&manifest.source).is_file(), "{}", manifest.source);
    }
}
