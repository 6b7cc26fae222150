//! Documentation that is generated from the code must be current. Run with
//! MAILU_CHART_UPDATE_DOCS=1 to rewrite the generated parts.

mod common;

fn replace_between(text: &str, start: &str, end: &str, body: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("marker {start} missing")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("marker {end} missing")) + from;
    format!("{}\n{}{}", &text[..from], body, &text[to..])
}

fn check_generated(file: &str, start: &str, end: &str, body: &str) {
    let path = common::root().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = replace_between(&text, start, end, body);
    if std::env::var("MAILU_CHART_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    assert!(text == expected, "{file} is stale; run MAILU_CHART_UPDATE_DOCS=1 cargo test --test docs");
}

#[test]
fn values_reference_is_current() {
    check_generated(
        "docs/values.md",
        "<!-- values-reference:start -->",
        "<!-- values-reference:end -->",
        &mailu_chart::values::reference::markdown_table(),
    );
}

#[test]
fn values_reference_lists_the_rules_beyond_the_schema() {
    let body: String =
        mailu_chart::values::validate::RULES_BEYOND_SCHEMA.iter().map(|rule| format!("- {rule}\n")).collect();
    check_generated(
        "docs/values.md",
        "<!-- rules-beyond-schema:start -->",
        "<!-- rules-beyond-schema:end -->",
        &body,
    );
}

#[test]
fn the_deployment_picture_is_current() {
    let example = common::root().join("values-examples/full.yaml");
    let values = mailu_chart::values::resolve(&common::user_values(&[&example], &[])).unwrap();
    let tree = mailu_chart::render::values_tree(&values);
    let release = mailu_chart::render::Release::default();
    let ctx = mailu_chart::eval::Ctx::new(&tree, &release.name, &release.namespace);
    let mermaid = mailu_chart::graph::mermaid(&mailu_chart::graph::build(&ctx));
    check_generated(
        "docs/deployment.md",
        "<!-- graph:start -->",
        "<!-- graph:end -->",
        &format!("```mermaid\n{mermaid}```\n"),
    );
}

#[test]
fn the_migration_table_is_current() {
    check_generated(
        "docs/migrate.md",
        "<!-- mapping:start -->",
        "<!-- mapping:end -->",
        &mailu_chart::migrate::docs::markdown(),
    );
    check_generated(
        "docs/migrate.md",
        "<!-- layout:start -->",
        "<!-- layout:end -->",
        &mailu_chart::migrate::docs::layout_markdown(),
    );
}

/// Whether a dotted key (`*` standing for any one key) is a key of the values: one of the
/// defaults' keys, or inside a map the values leave free (labels, Kubernetes objects,
/// `global`).
fn names_a_values_key(tree: &helm_engine::Value, parts: &[&str]) -> bool {
    use helm_engine::Value;
    let Some((first, rest)) = parts.split_first() else { return true };
    match tree {
        Value::Map(map) if *first == "*" => map.values().any(|v| names_a_values_key(v, rest)),
        Value::Map(map) => match map.get(*first) {
            Some(v) => names_a_values_key(v, rest),
            // An empty map by default is free-form: any key inside it is the user's.
            None => map.is_empty(),
        },
        // Indexes into lists, and keys inside a list's entries.
        Value::List(_) => true,
        _ => false,
    }
}

/// Every `a.b.c` in backquotes in the user documentation whose first key is a key of the
/// values names one that exists (a renamed key left in a page sends readers to an error).
#[test]
fn the_documentation_names_only_keys_that_exist() {
    let tree = helm_engine::Value::Map(mailu_chart::values::defaults_tree());
    let helm_engine::Value::Map(top) = &tree else { unreachable!() };
    let mut pages = vec![common::root().join("README.md"), common::root().join("SECURITY.md")];
    // migrate.md names the official chart's keys too, engine.md other charts'.
    pages.extend(
        common::files_in("docs", "md")
            .into_iter()
            .filter(|p| !p.ends_with("migrate.md") && !p.ends_with("engine.md")),
    );
    let mut wrong = Vec::new();
    let mut checked = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (i, quoted) in line.split('`').enumerate() {
                let is_key = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '-' | '_');
                if i % 2 == 0 || !quoted.contains('.') || !quoted.chars().all(is_key) {
                    continue;
                }
                let parts: Vec<&str> = quoted.split('.').collect();
                // Mailu's configuration files share names with components: `postfix.cf`.
                let is_file = parts.len() == 2 && ["cf", "conf", "master"].contains(&parts[1]);
                if !top.contains_key(parts[0]) || parts.iter().any(|p| p.is_empty()) || is_file {
                    continue;
                }
                checked += 1;
                if !names_a_values_key(&tree, &parts) {
                    wrong.push(format!("{}:{}: `{quoted}`", common::short(&page), n + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "keys that do not exist:\n{}", wrong.join("\n"));
    assert!(checked > 100, "only {checked} keys checked");
}
