//! The command line that helps: `--help` of every command (snapshots, so that it changes only
//! on purpose), shell completions that work in bash, manual pages, and the messages a user
//! meets first (no values given, problems in the order the values were written).

mod common;

use assert_cmd::Command;
use predicates::str::contains;

const COMMANDS: [&str; 11] = [
    "render",
    "export",
    "diff",
    "template",
    "validate",
    "schema",
    "graph",
    "dns",
    "migrate",
    "completions",
    "man",
];

fn mailu_chart() -> Command {
    let mut cmd = Command::cargo_bin("mailu-chart").unwrap();
    cmd.current_dir(common::root());
    // Help wraps at the terminal's width; without a terminal clap uses 100 columns.
    cmd.env_remove("COLUMNS");
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let output = mailu_chart().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn help_of_every_command() {
    insta::assert_snapshot!("help", stdout_of(&["--help"]));
    for command in COMMANDS {
        let help = stdout_of(&[command, "--help"]);
        assert!(help.contains("Examples:\n  mailu-chart "), "{command} --help shows no example");
        insta::assert_snapshot!(format!("help-{command}"), help);
    }
}

#[test]
fn every_command_is_listed_in_the_help() {
    let help = stdout_of(&["--help"]);
    for command in COMMANDS {
        assert!(help.contains(&format!("\n  {command} ")), "{command} is missing from --help");
    }
}

#[test]
fn render_and_template_say_how_their_defaults_differ() {
    let render = stdout_of(&["render", "--help"]);
    assert!(render.contains("`template` defaults to release-name"), "{render}");
    let template = stdout_of(&["template", "--help"]);
    assert!(template.contains("`render` defaults to mailu"), "{template}");
}

/// Completes `words` (the last one being completed) with the bash completion script, the way
/// bash calls the completion function, and returns the candidates.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("mailu-chart.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let program = format!(
        r#"source '{script}'
function_name=$(complete -p mailu-chart | sed -E 's/.*-F ([^ ]+) .*/\1/')
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
"$function_name" mailu-chart '{current}' '{previous}'
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display(),
        words = quoted.join(" "),
        cword = words.len() - 1,
        current = words[words.len() - 1],
        previous = words[words.len() - 2],
    );
    let output = std::process::Command::new("bash").args(["--norc", "--noprofile", "-c", &program]).output();
    let output = output.expect("bash runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_values() {
    assert_eq!(bash_complete(&["mailu-chart", "ren"]), ["render"]);
    assert_eq!(bash_complete(&["mailu-chart", "d"]), ["diff", "dns"]);
    assert!(bash_complete(&["mailu-chart", "graph", "--fo"]).contains(&"--format".to_string()));
    assert_eq!(bash_complete(&["mailu-chart", "graph", "--format", ""]), ["mermaid", "dot", "svg"]);
    assert_eq!(bash_complete(&["mailu-chart", "dns", "--format", "j"]), ["json"]);
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for command in COMMANDS {
            assert!(script.contains(command), "the {shell} completions do not know {command}");
        }
    }
    mailu_chart().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn manual_pages() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq") || page.contains(".TH mailu-chart 1"), "{page}");
    assert!(page.contains(".TH mailu-chart 1"), "{page}");
    for command in COMMANDS {
        assert!(page.contains(command), "the manual page does not list {command}");
    }
    let dir = tempfile::tempdir().unwrap();
    mailu_chart().args(["man", "--output-dir"]).arg(dir.path()).assert().success();
    for command in COMMANDS {
        let file = dir.path().join(format!("mailu-chart-{command}.1"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(text.contains(&format!(".TH mailu-chart-{command} 1")), "{}", file.display());
    }
    assert!(dir.path().join("mailu-chart.1").is_file());
    // Pages are as readable as files written directly (the umask applies), not private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let probe = dir.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("mailu-chart.1")), mode(&probe));
    }
    let file = dir.path().join("mailu-chart.1");
    mailu_chart()
        .args(["man", "--output-dir"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains(format!("{} exists and is not a directory", file.display())));

    // A folder where one page goes: the page is named, and no page is written, not even
    // those before it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mailu-chart-render.1")).unwrap();
    let blocked = dir.path().join("mailu-chart-render.1");
    mailu_chart()
        .args(["man", "--output-dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(format!("error: cannot write {}: it is a directory\n", blocked.display()));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["mailu-chart-render.1"]);
}

#[test]
fn without_values_the_problems_end_with_a_hint() {
    mailu_chart().arg("validate").assert().code(1).stderr(
        contains("domain: is required")
            .and(contains("hint: no values were given; pass your values file with -f FILE")),
    );
    // With values given, no hint.
    let output = mailu_chart().args(["validate", "--set", "domain=example.com"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hint:"));
}

#[test]
fn problems_come_in_the_order_the_values_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.yaml");
    let second = dir.path().join("second.yaml");
    // In the first file, subnet comes before domain: file order wins over key order.
    std::fs::write(&first, "subnet: not-a-network\nhostnames: [mail.example.com]\ndomain: Example.com\n")
        .unwrap();
    std::fs::write(&second, "messageSizeLimitMb: 0\n").unwrap();
    let output = mailu_chart()
        .args(["validate", "--set", "logLevel=LOUD", "-f"])
        .arg(&first)
        .arg("-f")
        .arg(&second)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().skip(1).collect();
    let position = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle} in\n{stderr}"))
    };
    assert!(position("first.yaml:1:") < position("first.yaml:3:"), "{stderr}");
    assert!(position("first.yaml:3:") < position("second.yaml:1:"), "{stderr}");
    assert!(position("second.yaml:1:") < position("--set logLevel=LOUD"), "{stderr}");
}

use predicates::prelude::PredicateBooleanExt;
