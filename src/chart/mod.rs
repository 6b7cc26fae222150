//! Export: the Helm chart. Every object's template is the object's tree (see
//! [`crate::objects`]) printed as Go template text; minijinja templates (the sources in
//! `templates/`, embedded in the binary) write the chart's own files around them: `Chart.yaml`,
//! `values.yaml`, `README.md`, `NOTES.txt` and `_helpers.tpl`.

mod go;
mod notes;
mod print;
mod values_yaml;

use include_dir::{Dir, include_dir};
use minijinja::{Environment, syntax::SyntaxConfig, value::Value as JinjaValue};
use serde::Serialize;

use crate::objects;

pub use print::Printer;
pub use values_yaml::values_yaml_body;

/// The minijinja sources of the chart's own files.
static SOURCES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The annotation in `Chart.yaml` that marks a directory as an export of this tool.
pub const GENERATOR_ANNOTATION: &str = "mailu-chart/generator";

/// One file of the exported chart: its path inside the chart directory and its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    pub path: String,
    pub content: String,
}

/// A chart source that failed to render: a defect of this tool, reported clearly.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the chart file {path}: {message}")]
pub struct ExportError {
    pub path: String,
    pub message: String,
}

fn generator() -> String {
    format!("mailu-chart {}", env!("CARGO_PKG_VERSION"))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .variable_delimiters("[[", "]]")
        .comment_delimiters("[#", "#]")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the delimiters are valid");
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_loader(|name| Ok(SOURCES.get_file(name).and_then(|f| f.contents_utf8()).map(str::to_string)));
    env
}

fn render_source(
    env: &Environment<'_>,
    source: &str,
    path: &str,
    ctx: JinjaValue,
) -> Result<ExportFile, ExportError> {
    let error = |e: minijinja::Error| ExportError { path: path.to_string(), message: format!("{e:#}") };
    let template = env.get_template(source).map_err(error)?;
    let content = template.render(ctx).map_err(error)?;
    Ok(ExportFile { path: path.to_string(), content })
}

#[derive(Serialize)]
struct ImageCtx {
    name: &'static str,
    image: String,
}

/// Every file of the chart, in path order.
pub fn chart_files() -> Result<Vec<ExportFile>, ExportError> {
    let mut printer = Printer::default();
    let mut files: Vec<ExportFile> = objects::all()
        .iter()
        .map(|object| ExportFile { path: object.path.to_string(), content: printer.object(object) })
        .collect();
    let env = environment();
    let images: Vec<ImageCtx> =
        default_images().into_iter().map(|(name, image)| ImageCtx { name, image }).collect();
    let common = minijinja::context! {
        generator => generator(),
        version => env!("CARGO_PKG_VERSION"),
        description => "Mailu, a complete mail server, on Kubernetes",
        app_version => crate::values::Values::default().images.tag.to_string(),
        kube_version => crate::objects::KUBERNETES_VERSIONS,
        images => JinjaValue::from(minijinja::value::Serde(images)),
        helpers => printer.helpers(),
        body => values_yaml_body(),
        values_table => crate::values::reference::markdown_table().trim_end().to_string(),
        network_policy_off => wrap(&format!("WARNING: {}", crate::values::trust::NETWORK_POLICY_OFF), 92, "   "),
        dns_records => notes::dns_records(),
        rules_beyond_schema => crate::values::validate::RULES_BEYOND_SCHEMA
            .iter()
            .map(|rule| match rule.split_once(": ") {
                Some((key, what)) => format!("`{key}`: {what}"),
                None => rule.to_string(),
            })
            .collect::<Vec<_>>(),
    };
    for (source, path) in [
        ("chart/Chart.yaml", "Chart.yaml"),
        ("chart/values.yaml", "values.yaml"),
        ("chart/README.md", "README.md"),
        ("chart/helmignore", ".helmignore"),
        ("chart/NOTES.txt", "templates/NOTES.txt"),
        ("chart/_helpers.tpl", "templates/_helpers.tpl"),
    ] {
        files.push(render_source(&env, source, path, common.clone())?);
    }
    files.push(ExportFile {
        path: "values.schema.json".into(),
        content: crate::values::schema::values_schema_text(),
    });
    // Values for chart-testing (`ct lint`, `helm lint -f`): the chart requires keys that have
    // no default, so it does not lint on its defaults alone.
    for (name, content) in CI_VALUES {
        files.push(ExportFile { path: format!("ci/{name}-values.yaml"), content: content.to_string() });
    }
    for (name, content) in printer.files() {
        files.push(ExportFile { path: format!("files/{name}"), content: content.clone() });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let digest = digest(files.iter().map(|f| (f.path.as_str(), f.content.as_bytes())));
    if let Some(chart) = files.iter_mut().find(|f| f.path == "Chart.yaml") {
        chart.content.push_str(&format!("  {DIGEST_ANNOTATION}: \"{digest}\"\n"));
    }
    Ok(files)
}

/// The example values the chart carries in `ci/`: the smallest and the one with every
/// feature on.
const CI_VALUES: [(&str, &str); 2] = [
    ("minimal", include_str!("../../values-examples/minimal.yaml")),
    ("full", include_str!("../../values-examples/full.yaml")),
];

/// The annotation of `Chart.yaml` that holds the digest of the exported files (`Chart.yaml`
/// without this line included), so that a new export notices a chart edited since.
pub const DIGEST_ANNOTATION: &str = "mailu-chart/digest";

/// The SHA-256 of a chart's files, by path in byte order: each path, its content's length and
/// the content.
pub fn digest<'f>(files: impl IntoIterator<Item = (&'f str, &'f [u8])>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (path, content) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((content.len() as u64).to_be_bytes());
        hasher.update(content);
    }
    let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Whether the files of an export (`Chart.yaml` holding its digest line) are as it wrote them;
/// `None` when `Chart.yaml` has no digest (an export older than the digest). A digest line in
/// another form than the export writes (reformatted by hand or by `helm package`) means an
/// edited chart.
pub fn unedited(files: &[(String, Vec<u8>)]) -> Option<bool> {
    let chart = files.iter().find(|(path, _)| path == "Chart.yaml")?;
    let text = String::from_utf8_lossy(&chart.1);
    let line = text.lines().find(|l| l.trim_start().starts_with(&format!("{DIGEST_ANNOTATION}:")))?;
    let prefix = format!("  {DIGEST_ANNOTATION}: \"");
    let Some(recorded) = line.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix('"')) else {
        return Some(false);
    };
    let without = text.replacen(&format!("{line}\n"), "", 1);
    let mut sorted: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, content)| {
            (path.as_str(), if path == "Chart.yaml" { without.as_bytes() } else { content.as_slice() })
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    Some(digest(sorted) == recorded)
}

/// Words into lines of at most `width` characters, each after `indent` but the first.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join(&format!("\n{indent}"))
}

/// The default image of every component (for the chart's Artifact Hub annotations).
fn default_images() -> Vec<(&'static str, String)> {
    let values = helm_engine::Value::Map(crate::values::defaults_tree());
    let ctx = crate::eval::Ctx::new(&values, "mailu", "mailu");
    // The resolver runs as a sidecar of several components, and is an image of the chart too.
    let resolver = crate::components::resolver::component();
    crate::components::all()
        .iter()
        .chain(std::iter::once(&resolver))
        .map(|c| (c.name, c.image().eval(&ctx)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_renders() {
        let files = chart_files().unwrap();
        assert!(files.iter().any(|f| f.path == "templates/admin/deployment.yaml"));
        for file in &files {
            assert!(!file.content.contains("[["), "{} keeps a minijinja delimiter", file.path);
        }
    }

    #[test]
    fn the_notes_say_what_is_exposed_without_network_policies() {
        let files = chart_files().unwrap();
        let notes = &files.iter().find(|f| f.path == "templates/NOTES.txt").unwrap().content;
        let branch = notes.split("if not .Values.networkPolicy.enabled").nth(1).unwrap();
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words(branch).contains(&words(crate::values::trust::NETWORK_POLICY_OFF)));
        assert!(branch.lines().take(12).all(|line| line.len() <= 92), "{branch}");
    }

    #[test]
    fn wrapping_counts_the_indent_and_the_space_between_words() {
        // 3 + 1 + 3 fits in 7; 3 + 1 + 4 does not.
        assert_eq!(wrap("aaa bbb", 7, ""), "aaa bbb");
        assert_eq!(wrap("aaa bbbb", 7, ""), "aaa\nbbbb");
        assert_eq!(wrap("aaa bbb ccc", 9, "  "), "aaa bbb\n  ccc");
        assert_eq!(wrap("", 5, "  "), "");
    }

    #[test]
    fn every_object_has_a_template_of_its_own() {
        let objects = objects::all();
        let mut paths: Vec<&str> = objects.iter().map(|o| &*o.path).collect();
        paths.sort_unstable();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count, "two objects share a template path");
    }
}
