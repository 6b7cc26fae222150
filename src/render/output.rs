//! Output assembly the way `helm template` does it: files in path order, documents in file
//! order, then a stable sort by kind in Helm's install order, each document framed as
//! `---\n# Source: <chart>/<path>\n<document>\n`. The kind order and the path globs are the
//! built-in renderer's, so both outputs follow one implementation.

use helm_engine::helm::glob::path_match as go_path_match;
use helm_engine::helm::output::compare_kinds;
use helm_engine::{KeyOrder, Value, to_yaml};

use crate::render::{CHART_NAME, Manifest};

/// Orders manifests as Helm does: by template path (byte order), keeping each file's
/// documents in order, then a stable sort by kind.
pub fn install_order(manifests: &mut [Manifest]) {
    manifests.sort_by(|a, b| a.source.cmp(&b.source));
    manifests.sort_by(|a, b| compare_kinds(a.kind(), b.kind()));
}

/// The `# Source:` path of a manifest.
pub fn source_path(manifest: &Manifest) -> String {
    format!("{CHART_NAME}/{}", manifest.source)
}

/// One object as YAML, keeping its field order, without the final newline.
pub fn document(object: &Value) -> String {
    let mut text = to_yaml(object, KeyOrder::AsGiven);
    while text.ends_with('\n') {
        text.pop();
    }
    text
}

/// The multi-document stream `helm template` would print.
pub fn stream(manifests: &[Manifest]) -> String {
    manifests
        .iter()
        .map(|m| format!("---\n# Source: {}\n{}\n", source_path(m), document(&m.object)))
        .collect()
}

/// The manifests whose template path (`templates/...`) matches one of the patterns (shell
/// globs, as `helm template --show-only` takes them), in pattern order; the first pattern that
/// matches nothing is returned as the error.
pub fn show_only(manifests: &[Manifest], patterns: &[String]) -> Result<Vec<Manifest>, String> {
    let mut selected = Vec::new();
    for pattern in patterns {
        let matching: Vec<&Manifest> =
            manifests.iter().filter(|m| go_path_match(pattern, &m.source) == Some(true)).collect();
        if matching.is_empty() {
            return Err(pattern.clone());
        }
        selected.extend(matching.into_iter().cloned());
    }
    Ok(selected)
}

/// The files `--output-dir` writes: path relative to the directory, and content. Documents of
/// the same template go into one file.
pub fn output_files(manifests: &[Manifest]) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for manifest in manifests {
        let path = source_path(manifest);
        let text = format!("---\n# Source: {path}\n{}\n", document(&manifest.object));
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, content)) => content.push_str(&text),
            None => files.push((path, text)),
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_sort_last_by_name() {
        use std::cmp::Ordering::Less;
        assert_eq!(compare_kinds("Deployment", "Certificate"), Less);
        assert_eq!(compare_kinds("Certificate", "IngressRouteTCP"), Less);
        assert_eq!(compare_kinds("Namespace", "ConfigMap"), Less);
    }
}
