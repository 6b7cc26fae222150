//! A comparison written for people (paths of changed fields and a unified diff of each
//! changed object), for a quick look (one line per object) or for machines (JSON).

use std::fmt::Write as _;

use serde_json::json;
use similar::{ChangeTag, TextDiff};

use super::{Change, Object, Report};
use helm_engine::{KeyOrder, Value, to_yaml};

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Changed paths and a unified diff of every changed object.
    Diff,
    /// One line per object that differs.
    Brief,
    /// Everything as JSON.
    Json,
}

/// Terminal colours for the unified diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, color: &str, text: &str) -> String {
        if self.color { format!("{color}{text}{RESET}") } else { text.to_string() }
    }
}

/// A value in one line: strings quoted, collections as flow YAML-ish JSON, a float with its
/// fraction (`80.0`) so that it does not read like the integer it differs from.
fn short(value: &Value) -> String {
    if let Value::Float(f) = value {
        return format!("{f:?}");
    }
    let json = value.to_json();
    let text = serde_json::to_string(&json).unwrap_or_default();
    if text.chars().count() > 80 { format!("{}...", text.chars().take(77).collect::<String>()) } else { text }
}

fn change_line(change: &Change) -> String {
    match change {
        Change::Added { path, value } => format!("{path}: added {}", short(value)),
        Change::Removed { path, value } => format!("{path}: removed {}", short(value)),
        Change::Changed { path, left, right } => format!("{path}: {} -> {}", short(left), short(right)),
    }
}

/// An object as YAML with sorted keys, so that only real differences show in a line diff.
fn canonical(object: &Object) -> String {
    to_yaml(&object.value, KeyOrder::Sorted)
}

fn unified(left: &Object, right: &Object, names: (&str, &str), style: Style) -> String {
    let (a, b) = (canonical(left), canonical(right));
    let diff = TextDiff::from_lines(&a, &b);
    let mut out = String::new();
    out.push_str(&style.paint(RED, &format!("--- {}\n", names.0)));
    out.push_str(&style.paint(GREEN, &format!("+++ {}\n", names.1)));
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let (old, new) =
            (first.old_range().start..last.old_range().end, first.new_range().start..last.new_range().end);
        out.push_str(&style.paint(
            CYAN,
            &format!("@@ -{},{} +{},{} @@\n", old.start + 1, old.len(), new.start + 1, new.len()),
        ));
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value();
                let line = line.strip_suffix('\n').unwrap_or(line);
                match change.tag() {
                    ChangeTag::Delete => out.push_str(&style.paint(RED, &format!("-{line}"))),
                    ChangeTag::Insert => out.push_str(&style.paint(GREEN, &format!("+{line}"))),
                    ChangeTag::Equal => out.push_str(&format!(" {line}")),
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The report as text. `names` are the two sides (`render`, `chart (helm v4.1.4)`).
pub fn write(report: &Report, names: (&str, &str), format: Format, style: Style) -> String {
    match format {
        Format::Json => json_text(report, names),
        Format::Brief => {
            let mut out = String::new();
            for o in &report.only_left {
                let _ = writeln!(out, "only in {}: {}", names.0, o.key);
            }
            for o in &report.only_right {
                let _ = writeln!(out, "only in {}: {}", names.1, o.key);
            }
            for (l, _, changes) in &report.changed {
                let _ = writeln!(out, "changed: {} ({} fields)", l.key, changes.len());
            }
            out.push_str(&summary(report, names));
            out
        }
        Format::Diff => {
            let mut out = String::new();
            for o in &report.only_left {
                let _ = writeln!(out, "{}", style.paint(RED, &format!("only in {}: {}", names.0, o.key)));
            }
            for o in &report.only_right {
                let _ = writeln!(out, "{}", style.paint(GREEN, &format!("only in {}: {}", names.1, o.key)));
            }
            for (l, r, changes) in &report.changed {
                let _ = writeln!(out, "{}", style.paint(YELLOW, &format!("changed: {}", l.key)));
                for change in changes {
                    let _ = writeln!(out, "  {}", change_line(change));
                }
                out.push_str(&unified(l, r, names, style));
            }
            out.push_str(&summary(report, names));
            out
        }
    }
}

fn summary(report: &Report, names: (&str, &str)) -> String {
    if report.is_equivalent() {
        format!("{} and {} are equivalent: {} objects, all equal\n", names.0, names.1, report.equal)
    } else {
        format!(
            "{} and {} differ: {} equal, {} changed, {} only in {}, {} only in {}\n",
            names.0,
            names.1,
            report.equal,
            report.changed.len(),
            report.only_left.len(),
            names.0,
            report.only_right.len(),
            names.1
        )
    }
}

fn key_json(object: &Object) -> serde_json::Value {
    json!({
        "apiVersion": object.key.api_version,
        "kind": object.key.kind,
        "namespace": object.key.namespace,
        "name": object.key.name,
        "source": object.source,
    })
}

fn json_text(report: &Report, names: (&str, &str)) -> String {
    let changed: Vec<serde_json::Value> = report
        .changed
        .iter()
        .map(|(l, _, changes)| {
            let changes: Vec<serde_json::Value> = changes
                .iter()
                .map(|c| match c {
                    Change::Added { path, value } => json!({"path": path, "change": "added", "right": value.to_json()}),
                    Change::Removed { path, value } => json!({"path": path, "change": "removed", "left": value.to_json()}),
                    Change::Changed { path, left, right } => {
                        json!({"path": path, "change": "changed", "left": left.to_json(), "right": right.to_json()})
                    }
                })
                .collect();
            json!({"object": key_json(l), "changes": changes})
        })
        .collect();
    let document = json!({
        "equivalent": report.is_equivalent(),
        "left": names.0,
        "right": names.1,
        "equal": report.equal,
        "onlyLeft": report.only_left.iter().map(key_json).collect::<Vec<_>>(),
        "onlyRight": report.only_right.iter().map(key_json).collect::<Vec<_>>(),
        "changed": changed,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{compare, parse_stream};

    fn objects(text: &str) -> Vec<Object> {
        parse_stream(text, "t").unwrap()
    }

    #[test]
    fn short_values_stay_whole_up_to_eighty_characters() {
        // A JSON string of 80 characters: 78 letters and its quotes.
        let at_limit = Value::String("a".repeat(78));
        assert_eq!(short(&at_limit), format!("\"{}\"", "a".repeat(78)));
        let past_limit = Value::String("a".repeat(79));
        assert_eq!(short(&past_limit), format!("\"{}...", "a".repeat(76)));
        assert_eq!(short(&Value::Float(80.0)), "80.0");
    }

    #[test]
    fn a_changed_field_is_named_and_shown_in_a_unified_diff() {
        let left =
            objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\ndata: {TZ: UTC}\n");
        let right = objects(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\ndata: {TZ: Europe/Berlin}\n",
        );
        let report = compare(&left, &right);
        let text = write(&report, ("render", "chart"), Format::Diff, Style { color: false });
        assert!(
            text.contains("changed: ConfigMap ns/a (v1)\n  data.TZ: \"UTC\" -> \"Europe/Berlin\"\n"),
            "{text}"
        );
        assert!(text.contains("-  TZ: UTC\n+  TZ: Europe/Berlin\n"), "{text}");
        assert!(
            text.ends_with(
                "render and chart differ: 0 equal, 1 changed, 0 only in render, 0 only in chart\n"
            )
        );
        let brief = write(&report, ("render", "chart"), Format::Brief, Style { color: false });
        assert!(brief.starts_with("changed: ConfigMap ns/a (v1) (1 fields)\n"));
        let json: serde_json::Value =
            serde_json::from_str(&write(&report, ("render", "chart"), Format::Json, Style { color: false }))
                .unwrap();
        assert_eq!(json["changed"][0]["changes"][0]["path"], "data.TZ");
        assert_eq!(json["equivalent"], false);
    }

    #[test]
    fn colours_only_when_asked() {
        let left = objects("apiVersion: v1\nkind: A\nmetadata: {name: a}\n");
        let report = compare(&left, &[]);
        assert!(write(&report, ("l", "r"), Format::Diff, Style { color: true }).contains("\x1b[31m"));
        assert!(!write(&report, ("l", "r"), Format::Diff, Style { color: false }).contains('\x1b'));
    }
}
