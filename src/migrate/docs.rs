//! The mapping table of `docs/migrate.md`, printed from the same rules the migration applies.

use std::collections::HashMap;

use super::official::{CHART_VERSION, EXTRA_KEYS, LEAVES};
use super::table::{Fate, RULES, Rule};

/// The rule of every exact official key (`[]` kept), with the component it names.
fn exact_rules() -> HashMap<String, (&'static Rule, Option<&'static str>)> {
    let mut rules = HashMap::new();
    for rule in RULES {
        for (path, component) in rule.expand() {
            rules.insert(path, (rule, component));
        }
    }
    rules
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn code_list(keys: &str) -> String {
    keys.split(", ").map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

/// The "here" and "how" cells of a rule for one component.
fn cells(rule: &Rule, component: Option<&str>) -> (String, String) {
    let fill = |text: &str| text.replace("{c}", component.unwrap_or_default());
    match rule.fate {
        Fate::Carried { to, .. } => (code_list(&fill(to)), "the same".into()),
        Fate::Changed { to, how, .. } => (code_list(&fill(to)), fill(how)),
        Fate::Combined { to, how } => (code_list(&fill(to)), fill(how)),
        Fate::Secret { to, how } => (code_list(&fill(to)), fill(how)),
        Fate::Dropped { why } => ("—".into(), fill(why)),
    }
}

/// How many official leaves have a home here, and how many a reason.
pub struct Coverage {
    pub leaves: usize,
    pub with_home: usize,
    pub with_reason: usize,
}

pub fn coverage() -> Coverage {
    let rules = exact_rules();
    let mut coverage = Coverage { leaves: LEAVES.len(), with_home: 0, with_reason: 0 };
    for leaf in LEAVES.iter() {
        match rules.get(leaf.path).map(|(rule, _)| rule.fate) {
            // Every dropped setting says why (a law of the table, tested).
            Some(Fate::Dropped { .. }) => coverage.with_reason += 1,
            None => {}
            Some(_) => coverage.with_home += 1,
        }
    }
    coverage
}

fn default_cell(leaf: &super::official::Leaf) -> String {
    match &leaf.default {
        None => "(a script, known by its fingerprint)".into(),
        Some(value) => {
            let json = serde_json::to_string(&super::convert::normalize(value).to_json()).unwrap_or_default();
            if json.chars().count() > 40 {
                let short: String = json.chars().take(37).collect();
                format!("`{}…`", cell(&short))
            } else {
                format!("`{}`", cell(&json))
            }
        }
    }
}

/// The Markdown between the markers of `docs/migrate.md`.
pub fn markdown() -> String {
    let rules = exact_rules();
    let c = coverage();
    let percent = |n: usize| n as f64 * 100.0 / c.leaves as f64;
    let mut out = format!(
        "Of the {} settings of the official chart {CHART_VERSION}, **{} ({:.1}%) have a home here or a reason why not**: \
         {} ({:.1}%) land in a key here, {} ({:.1}%) have none, for the reason given.\n\n",
        c.leaves,
        c.with_home + c.with_reason,
        percent(c.with_home + c.with_reason),
        c.with_home,
        percent(c.with_home),
        c.with_reason,
        percent(c.with_reason),
    );
    out.push_str("| official key | official default | here | how, or why not |\n|---|---|---|---|\n");
    for leaf in LEAVES.iter() {
        let (here, how) = match rules.get(leaf.path) {
            Some((rule, component)) => cells(rule, *component),
            None => ("—".into(), "(no rule)".into()),
        };
        out.push_str(&format!("| `{}` | {} | {here} | {} |\n", leaf.path, default_cell(leaf), cell(&how)));
    }
    out.push_str(
        "\nKeys the official templates read that its values.yaml does not list, and keys it passes on \
         (`{c}` is any component):\n\n| official key | there | here | how, or why not |\n|---|---|---|---|\n",
    );
    for (key, there) in EXTRA_KEYS {
        let (rule, component) = rules.get(*key).copied().unwrap_or_else(|| {
            let rule = RULES.iter().find(|r| r.official == *key).expect("every extra key has a rule");
            (rule, None)
        });
        let (here, how) = cells(rule, component.or(if key.contains("{c}") { Some("{c}") } else { None }));
        out.push_str(&format!("| `{key}` | {there} | {here} | {} |\n", cell(&how)));
    }
    for rule in RULES.iter().filter(|r| r.official.ends_with(".*") || r.official.ends_with(".**")) {
        let (here, how) = cells(rule, if rule.each.is_empty() { None } else { Some("{c}") });
        let there = if rule.official.ends_with(".**") { "any key below" } else { "any other key" };
        out.push_str(&format!("| `{}` | {there} | {here} | {} |\n", rule.official, cell(&how)));
    }
    out
}

/// The table of where each component's data lies, there and here.
pub fn layout_markdown() -> String {
    let mut out = String::from("| component | on the official claims | on its claim here |\n|---|---|---|\n");
    for (component, there, here) in super::table::LAYOUT {
        out.push_str(&format!("| {component} | {there} | {here} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use helm_engine::Value;

    #[test]
    fn long_defaults_are_cut_after_37_characters_short_ones_shown_whole() {
        let leaf = |text: &str| super::super::official::Leaf {
            path: "x",
            default: Some(Value::String(text.into())),
            fingerprint: None,
        };
        // 38 characters and its two quotes: 40, shown whole.
        let forty = "a".repeat(38);
        assert_eq!(default_cell(&leaf(&forty)), format!("`\"{forty}\"`"));
        let forty_one = "a".repeat(39);
        assert_eq!(default_cell(&leaf(&forty_one)), format!("`\"{}…`", "a".repeat(36)));
        assert_eq!(default_cell(&leaf("a|b")), "`\"a\\|b\"`");
    }
}
