//! The table of good and bad values files: every bad file names, in its `# error:` header,
//! exactly the key paths its problems must name, each with the line and column the problem
//! must point at (`domain@2:9`), or without one when the key is missing from the file; and in
//! its `# says:` lines exactly what the problems say.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use helm_engine::{Origin, UserValues, ValueInputs};
use mailu_chart::values;

fn resolve_file(path: &Path) -> Result<values::Values, values::InvalidValues> {
    let inputs = ValueInputs {
        files: vec![(common::short(path), std::fs::read(path).unwrap())],
        ..Default::default()
    };
    let user = UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())).unwrap();
    values::resolve(&user)
}

/// The problems a bad file declares in its `# error:` header line: `path@line:column`, or the
/// bare path of a problem that no place in the file holds.
pub fn expected_paths(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let header = text
        .lines()
        .find_map(|l| l.strip_prefix("# error:"))
        .unwrap_or_else(|| panic!("{} has no '# error:' header", path.display()));
    header.split_whitespace().map(str::to_string).collect()
}

/// The messages a bad file declares in its `# says:` lines.
fn expected_messages(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("# says: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_bad_file_fails_naming_exactly_its_keys() {
    let bad = common::files_in("tests/values/bad", "yaml");
    assert!(bad.len() >= 30, "the table needs at least 30 bad files, has {}", bad.len());
    let mut failures = Vec::new();
    for path in &bad {
        let expected = expected_paths(path);
        match resolve_file(path) {
            Ok(_) => {
                failures.push(format!("{}: accepted, expected problems at {expected:?}", common::short(path)))
            }
            Err(invalid) => {
                let name = common::short(path);
                let text = std::fs::read_to_string(path).unwrap();
                let got: BTreeSet<String> = invalid
                    .problems
                    .iter()
                    .map(|p| match &p.origin {
                        Origin::File { name: file, pos: Some(pos) } => {
                            assert_eq!(*file, name, "a problem of {name} names another file");
                            let line = text.lines().nth(pos.line - 1).unwrap_or_else(|| {
                                panic!("{name}: {}: line {} is past the end of the file", p.path, pos.line)
                            });
                            assert!(
                                pos.col >= 1 && pos.col <= line.chars().count(),
                                "{name}: {}: column {} is outside line {}",
                                p.path,
                                pos.col,
                                pos.line
                            );
                            format!("{}@{}:{}", p.path, pos.line, pos.col)
                        }
                        _ => p.path.to_string(),
                    })
                    .collect();
                if got != expected {
                    failures.push(format!("{name}: problems at {got:?}, expected {expected:?}\n{invalid}"));
                }
                let said: BTreeSet<String> = invalid.problems.iter().map(|p| p.message.clone()).collect();
                let expected_said = expected_messages(path);
                if said != expected_said {
                    failures.push(format!("{name}: says {said:?}, expected {expected_said:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_good_file_and_example_is_valid() {
    let mut files = common::files_in("tests/values/good", "yaml");
    files.extend(common::files_in("values-examples", "yaml"));
    assert!(common::files_in("values-examples", "yaml").len() >= 4);
    for path in files {
        if let Err(invalid) = resolve_file(&path) {
            panic!("{} is invalid:\n{invalid}", common::short(&path));
        }
    }
}

#[test]
fn problems_point_at_the_file_line_and_column() {
    let path = common::root().join("tests/values/bad/hostnames-second-invalid.yaml");
    let invalid = resolve_file(&path).unwrap_err();
    assert_eq!(
        invalid.problems[0].to_string(),
        "tests/values/bad/hostnames-second-invalid.yaml:4:31: hostnames[1]: must be a lower-case DNS name \
         with at least two labels, like example.com or mail.example.com, found \"mail_2.example.com\""
    );
}

#[test]
fn the_defaults_alone_name_the_required_keys() {
    let user = UserValues::collect(&ValueInputs::default(), &mut |_: &str| Err("no files".into())).unwrap();
    let invalid = values::resolve(&user).unwrap_err();
    let paths: Vec<String> = invalid.problems.iter().map(|p| p.path.to_string()).collect();
    assert_eq!(paths, ["domain", "hostnames", "subnet"]);
}
