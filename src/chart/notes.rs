//! The DNS part of the chart's `NOTES.txt`: the zone file lines of [`crate::dns`] printed as
//! Go template text, so that `helm install` shows the records `mailu-chart dns` prints.

use super::go::unparen;
use crate::components::expr::Expr;
use crate::dns::{self, Line};

/// How far the notes indent the records.
const INDENT: &str = "   ";

/// The lines as template text. Each source line starts a new output line: every action
/// trims the newline before it, and each text line brings its own.
pub(super) fn dns_records() -> String {
    let lines = dns::lines(&dns::sections());
    let mut out = String::new();
    // Lines in a row under the same condition share one `if`.
    let mut rest = &lines[..];
    while let Some(first) = rest.first() {
        let same = rest
            .iter()
            .take_while(|l| l.when == first.when && l.each.is_none() && first.each.is_none())
            .count();
        let group = &rest[..same.max(1)];
        print_group(group, &mut out);
        rest = &rest[group.len()..];
    }
    // The source line after the block starts with its own trimming action.
    out.trim_end_matches('\n').to_string()
}

/// Lines under one condition (repeated ones alone in their group).
fn print_group(group: &[Line], out: &mut String) {
    let first = &group[0];
    let mut close = 0;
    if !first.when.is_always() {
        out.push_str(&format!("{{{{- if {} }}}}\n", unparen(&first.when.to_go())));
        close += 1;
    }
    if let Some(seq) = &first.each {
        out.push_str(&format!("{{{{- range {} }}}}\n", unparen(&seq.to_go())));
        close += 1;
    }
    for line in group {
        if line.text == Expr::lit("") {
            // A blank line: an action, since a trimming action would swallow an empty text line.
            out.push_str("{{- \"\\n\" }}\n");
        } else {
            out.push_str(INDENT);
            out.push_str(&line.text.to_go_text());
            out.push('\n');
        }
    }
    for _ in 0..close {
        out.push_str("{{- end }}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::expr::Cond;

    #[test]
    fn lines_under_one_condition_share_it() {
        let mut out = String::new();
        let line = |text| Line { text: Expr::lit(text), when: Cond::flag("a"), each: None };
        print_group(&[line("; x"), line("; y")], &mut out);
        assert_eq!(out, "{{- if $.Values.a }}\n   ; x\n   ; y\n{{- end }}\n");
    }
}
