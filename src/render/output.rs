//! The rendered objects printed the way `helm template` prints a chart, with the engine's
//! output assembly (install order, `# Source:` framing, `--show-only`, `--output-dir`), so
//! that `render` and the built-in renderer follow one implementation.

use std::io::Write;
use std::path::{Path, PathBuf};

use helm_engine::{KeyOrder, OutputDirError, ShowOnlyError, Value, push_framed_document, push_yaml};

use crate::render::{CHART_NAME, Manifest};

/// Orders manifests as Helm does: by template path (byte order), keeping each file's
/// documents in order, then a stable sort by kind.
pub fn install_order(manifests: &mut [Manifest]) {
    manifests.sort_by(|a, b| a.source.cmp(&b.source));
    helm_engine::sort_in_install_order(manifests, Manifest::kind);
}

/// The `# Source:` path of a manifest.
pub fn source_path(manifest: &Manifest) -> String {
    format!("{CHART_NAME}/{}", manifest.source)
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

/// [`stream`] written to `out` one document at a time, so that the whole stream is never in
/// memory at once.
pub fn write_stream(manifests: &[Manifest], out: &mut dyn Write) -> std::io::Result<()> {
    let mut text = String::new();
    for manifest in manifests {
        text.clear();
        push_framed(manifest, &mut text);
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn push_framed(manifest: &Manifest, out: &mut String) {
    push_framed_document(out, &source_path(manifest), |out| push_document(&manifest.object, out));
}

/// The manifests whose template path (`templates/...`) matches one of the patterns (shell
/// globs, as `helm template --show-only` takes them), in pattern order.
pub fn show_only(manifests: &[Manifest], patterns: &[String]) -> Result<Vec<Manifest>, ShowOnlyError> {
    helm_engine::show_only(manifests, patterns, |m| Some(m.source.as_str()))
}

/// Writes the manifests under `dir` as `helm template --output-dir` does (documents of one
/// template in one file); returns each file written, once, in order.
pub fn write_output_dir(manifests: &[Manifest], dir: &Path) -> Result<Vec<PathBuf>, OutputDirError> {
    let documents = manifests.iter().map(|m| (source_path(m), document(&m.object)));
    let mut files = helm_engine::write_output_dir(dir, documents)?;
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    Ok(files)
}
