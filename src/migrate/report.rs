//! The report of a migration, as text: every setting found and what became of it, the
//! defaults that differ, the Secrets to create and the keys to add.

use super::{Migration, Outcome};

pub(super) fn text(m: &Migration, sources: &[String], namespace: &str) -> String {
    let mut out = String::new();
    let count = m.findings.len() + m.repeated_defaults;
    out.push_str(&format!(
        "Read {} setting{} of Mailu's official chart from {}.\n",
        count,
        if count == 1 { "" } else { "s" },
        sources.join(", ")
    ));
    let section = |out: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title} ({}):\n", lines.len()));
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
    };
    section(
        &mut out,
        "Refused by the official chart (helm stops with the error quoted, so these values are not what runs now; they are migrated as written)",
        m.refused
            .iter()
            .map(|r| {
                format!("{}: \"{}\" ({} of the official chart)", r.keys.join(", "), r.message, r.template)
            })
            .collect(),
    );
    let pick = |keep: fn(&Outcome) -> Option<String>| -> Vec<String> {
        m.findings
            .iter()
            .filter_map(|(key, outcome)| keep(outcome).map(|rest| format!("{key}{rest}")))
            .collect()
    };
    section(
        &mut out,
        "Carried",
        pick(|o| match o {
            Outcome::Carried { to } => Some(format!(" -> {to}")),
            _ => None,
        }),
    );
    section(
        &mut out,
        "Changed",
        pick(|o| match o {
            Outcome::Changed { to, how } => Some(format!(" -> {to}: {how}")),
            _ => None,
        }),
    );
    section(
        &mut out,
        "Not carried",
        pick(|o| match o {
            Outcome::NotCarried { why } => Some(format!(": {why}")),
            _ => None,
        }),
    );
    section(
        &mut out,
        "Unknown",
        pick(|o| match o {
            Outcome::Unknown { why } => Some(format!(": {why}")),
            _ => None,
        }),
    );
    if m.repeated_defaults > 0 {
        out.push_str(&format!(
            "\n{} setting{} repeat{} the official default and count{} as not set.\n",
            m.repeated_defaults,
            if m.repeated_defaults == 1 { "" } else { "s" },
            if m.repeated_defaults == 1 { "s" } else { "" },
            if m.repeated_defaults == 1 { "s" } else { "" },
        ));
    }
    section(&mut out, "Defaults that differ", m.defaults.clone());
    section(&mut out, "Notes", m.notes.clone());
    if !m.secrets.is_empty() {
        out.push_str(&format!(
            "\nSecrets to create before installing ({}). The commands copy the passwords from the old release's Secrets\n\
             (which the official chart kept over the values), or take those of the official values where it made no\n\
             Secret. Run them with bash before removing the old release; do not keep them in a file. A copy does not\n\
             follow the Secret it was copied from: a password changed there later (by hand, or by what owns it,\n\
             such as External Secrets or Sealed Secrets) does not reach Mailu; to keep such a Secret, give it the\n\
             keys this chart reads and name it in the values instead.\n",
            m.secrets.len()
        ));
        for plan in &m.secrets {
            out.push_str(&format!("\n  # {}: {}\n", plan.name, plan.purpose));
            for line in plan.command(namespace).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    section(
        &mut out,
        "Before installing, add or correct",
        m.to_add.iter().map(|(key, what)| format!("{key}: {what}")).collect(),
    );
    out
}
