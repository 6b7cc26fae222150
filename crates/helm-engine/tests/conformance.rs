//! The renderer conformance suite: every chart under tests/conformance/<case>/chart is rendered by
//! our engine and compared with the output helm 4 gave (expected.txt, or error.txt for
//! the error message), which scripts/gen-conformance.sh generated. When helm 4 is installed
//! the expectations are also re-checked against it, so they cannot drift; helm 3 must agree
//! with our output except in the cases tests/conformance/helm3-differences.txt lists.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use helm_engine::{RenderOptions, UserValues, ValueInputs, load_chart, render_chart};

/// A case's command-line arguments (helm's spelling), one per line of its `args` file.
fn case_args(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("args"))
        .map(|t| t.lines().filter(|l| !l.is_empty()).map(String::from).collect())
        .unwrap_or_default()
}

/// Renders a case with our engine; Ok(stdout) or Err(message). Runs on a thread with the
/// main thread's usual stack (8 MiB): values nested thousands deep are copied and dropped
/// recursively on the caller's thread, more than a test thread's 2 MiB holds in a debug build.
fn render_case(dir: &Path) -> Result<String, String> {
    let dir = dir.to_path_buf();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || render_case_here(&dir))
        .expect("a thread")
        .join()
        .expect("rendering a case does not panic")
}

fn render_case_here(dir: &Path) -> Result<String, String> {
    let args = case_args(dir);
    let mut inputs = ValueInputs::default();
    let mut opts = RenderOptions::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "-f" | "--values" => {
                let name = value();
                let bytes = std::fs::read(dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
                inputs.files.push((name, bytes));
            }
            "--set" => inputs.set.push(value()),
            "--set-string" => inputs.set_string.push(value()),
            "--set-json" => inputs.set_json.push(value()),
            "--set-file" => inputs.set_file.push(value()),
            "--set-literal" => inputs.set_literal.push(value()),
            "--kube-version" => opts.kube_version = Some(value()),
            "-a" | "--api-versions" => opts.api_versions.extend(value().split(',').map(String::from)),
            "-s" | "--show-only" => opts.show_only.push(value()),
            "-n" | "--namespace" => opts.namespace = value(),
            "--name-template" => opts.release_name = value(),
            "--is-upgrade" => opts.is_upgrade = true,
            "--skip-tests" => opts.skip_tests = true,
            "--include-crds" => opts.include_crds = true,
            "--skip-schema-validation" => opts.skip_schema_validation = true,
            "--enable-dns" => opts.enable_dns = true,
            other => return Err(format!("the harness does not know the argument {other}")),
        }
    }
    let mut read_file = |path: &str| std::fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"));
    let user = UserValues::collect(&inputs, &mut read_file).map_err(|e| e.to_string())?;
    let chart = load_chart(&dir.join("chart")).map_err(|e| e.to_string())?;
    let output = render_chart(&chart, &user.values, &opts).and_then(|r| r.template_output(&opts));
    // Leaving the trees to the operating system changes nothing else.
    let leaving = RenderOptions { process_exits_after: true, ..opts.clone() };
    let output_leaving =
        render_chart(&chart, &user.values, &leaving).and_then(|r| r.template_output(&leaving));
    assert_eq!(output, output_leaving, "{}: with process_exits_after", dir.display());
    output.map_err(|e| e.to_string())
}

/// Runs a real helm on a case, returning what gen-conformance.sh would write:
/// Ok(stdout) or Err(message).
fn helm_case(helm: &Path, dir: &Path) -> Result<String, String> {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let output = Command::new(helm)
        .arg("template")
        .arg("chart")
        .args(case_args(dir))
        .current_dir(dir)
        .env("HELM_CONFIG_HOME", scratch.path().join("config"))
        .env("HELM_CACHE_HOME", scratch.path().join("cache"))
        .env("HELM_DATA_HOME", scratch.path().join("data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", helm.display()));
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines: Vec<&str> = text
        .split('\n')
        .filter(|l| {
            !l.starts_with("walk.go:") && !l.starts_with("WARNING:") && !l.starts_with("coalesce.go:")
        })
        .collect();
    let text = lines.join("\n");
    let text = match text.find("Error: ") {
        Some(i) => text[i + "Error: ".len()..].to_string(),
        None => text,
    };
    let text = match text.find("\n\nUse --debug flag to render out invalid YAML") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    Err(format!("{}\n", text.trim_end_matches('\n')))
}

/// The checked-in expectation of a case.
fn expectation(dir: &Path) -> Result<String, String> {
    if let Ok(text) = std::fs::read_to_string(dir.join("expected.txt")) {
        return Ok(text);
    }
    match std::fs::read_to_string(dir.join("error.txt")) {
        Ok(text) => Err(text),
        Err(_) => {
            panic!("{}: neither expected.txt nor error.txt; run scripts/gen-conformance.sh", dir.display())
        }
    }
}

fn agree(expected: &Result<String, String>, actual: &Result<String, String>) -> bool {
    match (expected, actual) {
        (Ok(e), Ok(a)) => e == a,
        (Err(e), Err(a)) => *e == format!("{}\n", a.trim_end_matches('\n')),
        _ => false,
    }
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(support::root().join("tests/conformance"))
        .expect("tests/conformance exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.join("chart").is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn show(r: &Result<String, String>) -> String {
    match r {
        Ok(t) => format!("output:\n{t}"),
        Err(t) => format!("error:\n{t}"),
    }
}

#[test]
fn our_renderer_matches_the_checked_in_helm_output() {
    let cases = cases();
    assert!(cases.len() >= 150, "the suite should hold at least 150 charts, found {}", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let expected = expectation(dir);
        let actual = render_case(dir);
        if !agree(&expected, &actual) {
            failures.push(format!(
                "--- {}\nexpected {}\nactual {}",
                support::short(dir),
                show(&expected),
                show(&actual)
            ));
        }
    }
    eprintln!("conformance: {} of {} charts agree with helm 4", cases.len() - failures.len(), cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} charts differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn checked_in_expectations_are_what_helm_4_prints() {
    let Some(helm) = support::Oracle::Helm4.find() else {
        return;
    };
    let mut drifted = Vec::new();
    for dir in cases() {
        let expected = expectation(&dir);
        let actual = helm_case(&helm, &dir);
        if expected != actual {
            drifted.push(format!(
                "--- {}\nchecked in {}\nhelm 4 {}",
                support::short(&dir),
                show(&expected),
                show(&actual)
            ));
        }
    }
    assert!(
        drifted.is_empty(),
        "expectations differ from helm 4 (run scripts/gen-conformance.sh):\n{}",
        drifted.join("\n")
    );
}

/// The cases where helm 3 prints something other than helm 4, as listed (one case name per
/// line, `#` starts a comment saying why) in tests/conformance/helm3-differences.txt.
fn listed_helm_3_differences() -> BTreeMap<String, String> {
    let path = support::root().join("tests/conformance/helm3-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter_map(|line| {
            let (name, why) = line.split_once('#').unwrap_or((line, ""));
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_string(), why.trim().to_string()))
        })
        .collect()
}

#[test]
fn helm_3_differs_only_where_listed() {
    let Some(helm) = support::Oracle::Helm3.find() else {
        return;
    };
    let listed = listed_helm_3_differences();
    for (name, why) in &listed {
        assert!(!why.is_empty(), "helm3-differences.txt: {name} needs a reason after `#`");
    }
    let mut differing = BTreeMap::new();
    for dir in cases() {
        let ours = render_case(&dir);
        let helm3 = helm_case(&helm, &dir);
        if !agree(&helm3, &ours) {
            let name = dir.file_name().expect("a case name").to_string_lossy().into_owned();
            differing.insert(name, format!("helm 3 {}\nours {}", show(&helm3), show(&ours)));
        }
    }
    let unlisted: Vec<String> = differing
        .iter()
        .filter(|(name, _)| !listed.contains_key(*name))
        .map(|(name, detail)| format!("--- {name}\n{detail}"))
        .collect();
    let agreeing: Vec<&String> = listed.keys().filter(|name| !differing.contains_key(*name)).collect();
    assert!(
        unlisted.is_empty() && agreeing.is_empty(),
        "helm 3 differs where helm3-differences.txt does not say so:\n{}\n\
         listed as differing but agreeing now: {agreeing:?}",
        unlisted.join("\n")
    );
}
