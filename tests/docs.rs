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
