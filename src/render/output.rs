//! The rendered objects printed the way `helm template` prints a chart, with the engine's
//! output assembly (install order, `# Source:` framing, `--show-only`, `--output-dir`), so
//! that `render` and the built-in renderer follow one implementation.

use std::io::Write;

use helm_engine::{KeyOrder, OutputDirError, ShowOnlyError, Value, push_framed_document, push_yaml};

use crate::render::{CHART_NAME, Document, Manifest};

/// A rendered object as output assembly sees it: its template path and its kind.
pub trait Placed {
    /// Template path inside the chart, like `templates/admin/deployment.yaml`.
    fn source(&self) -> &str;
    fn kind(&self) -> &str;
}

impl Placed for Manifest {
    fn source(&self) -> &str {
        &self.source
    }
    fn kind(&self) -> &str {
        Manifest::kind(self)
    }
}

impl Placed for Document {
    fn source(&self) -> &str {
        &self.source
    }
    fn kind(&self) -> &str {
        &self.kind
    }
}

/// Orders objects as Helm does: by template path (byte order), keeping each file's
/// documents in order, then a stable sort by kind.
pub fn install_order<T: Placed>(objects: &mut [T]) {
    objects.sort_by(|a, b| a.source().cmp(b.source()));
    helm_engine::sort_in_install_order(objects, T::kind);
}

/// The `# Source:` path of an object.
pub fn source_path(object: &impl Placed) -> String {
    format!("{CHART_NAME}/{}", object.source())
}

/// One object as YAML, keeping its field order, without the final newline.
pub fn document(object: &Value) -> String {
    let mut text = String::new();
    push_document(object, &mut text);
    text
}

/// [`document`] appended to `out`.
fn push_document(object: &Value, out: &mut String) {
    let start = out.len();
    push_yaml(object, KeyOrder::AsGiven, out);
    while out.len() > start && out.ends_with('\n') {
        out.pop();
    }
}

/// The multi-document stream `helm template` would print.
pub fn stream(manifests: &[Manifest]) -> String {
    let mut out = String::new();
    for manifest in manifests {
        push_framed(manifest, &mut out);
    }
    out
}

/// The documents as `helm template` prints them, written to `out` one at a time.
pub fn write_documents(documents: &[Document], out: &mut dyn Write) -> std::io::Result<()> {
    let mut text = String::new();
    for document in documents {
        text.clear();
        push_framed_document(&mut text, &source_path(document), |out| out.push_str(&document.yaml));
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn push_framed(manifest: &Manifest, out: &mut String) {
    push_framed_document(out, &source_path(manifest), |out| push_document(&manifest.object, out));
}

/// The objects whose template path (`templates/...`) matches one of the patterns (shell
/// globs, as `helm template --show-only` takes them), in pattern order.
pub fn show_only<T: Placed + Clone>(objects: &[T], patterns: &[String]) -> Result<Vec<T>, ShowOnlyError> {
    helm_engine::show_only(objects, patterns, |o| Some(o.source()))
}

/// Writes the documents under `dir` as `helm template --output-dir` does (documents of one
/// template in one file); returns each file written, once, in order, as helm prints it.
pub fn write_output_dir(documents: &[Document], dir: &str) -> Result<Vec<String>, OutputDirError> {
    let documents = documents.iter().map(|d| (dir, source_path(d), d.yaml.as_str()));
    let mut files = helm_engine::write_output_dir(documents)?;
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    Ok(files)
}
