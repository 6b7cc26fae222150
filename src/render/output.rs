//! Output assembly the way `helm template` does it: files in path order, documents in file
//! order, then a stable sort by kind in Helm's install order, each document framed as
//! `---\n# Source: <chart>/<path>\n<document>\n`.

use crate::render::{CHART_NAME, Manifest};
use crate::value::Value;
use crate::yaml::{KeyOrder, to_yaml};

/// Helm's install order of kinds; other kinds come after these, sorted by name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Where a kind sorts: its install position, or after all known kinds by name.
fn kind_rank(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(position) => (position, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// Orders manifests as Helm does: by template path (byte order), keeping each file's
/// documents in order, then a stable sort by kind.
pub fn install_order(manifests: &mut [Manifest]) {
    manifests.sort_by(|a, b| a.source.cmp(&b.source));
    manifests.sort_by(|a, b| kind_rank(a.kind()).cmp(&kind_rank(b.kind())));
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
        let matching: Vec<&Manifest> = manifests.iter().filter(|m| glob_match(pattern, &m.source)).collect();
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

/// Go's `filepath.Match` for `/`-separated paths: `*` and `?` do not cross `/`, `[...]`
/// classes (with `^` negation and ranges), and `\` escapes.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn class(pattern: &[char], c: char) -> Option<(bool, usize)> {
        // Returns whether `c` matches and how many pattern characters the class used.
        let mut i = 1;
        let negate = pattern.get(i) == Some(&'^');
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while i < pattern.len() {
            if pattern[i] == ']' && !first {
                return Some((matched != negate, i + 1));
            }
            first = false;
            let mut low = pattern[i];
            if low == '\\' {
                i += 1;
                low = *pattern.get(i)?;
            }
            let mut high = low;
            if pattern.get(i + 1) == Some(&'-') && pattern.get(i + 2).is_some_and(|c| *c != ']') {
                high = pattern[i + 2];
                i += 2;
            }
            if low <= c && c <= high {
                matched = true;
            }
            i += 1;
        }
        None
    }
    fn go(pattern: &[char], text: &[char]) -> bool {
        match pattern.first() {
            None => text.is_empty(),
            Some('*') => {
                let rest = &pattern[1..];
                (0..=text.len()).take_while(|&n| n == 0 || text[n - 1] != '/').any(|n| go(rest, &text[n..]))
            }
            Some('?') => !text.is_empty() && text[0] != '/' && go(&pattern[1..], &text[1..]),
            Some('[') => match (text.first(), class(pattern, *text.first().unwrap_or(&'\0'))) {
                (Some(c), Some((true, used))) if *c != '/' => go(&pattern[used..], &text[1..]),
                _ => false,
            },
            Some('\\') if pattern.len() > 1 => {
                text.first() == Some(&pattern[1]) && go(&pattern[2..], &text[1..])
            }
            Some(c) => text.first() == Some(c) && go(&pattern[1..], &text[1..]),
        }
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    go(&pattern, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_go() {
        assert!(glob_match("templates/admin/deployment.yaml", "templates/admin/deployment.yaml"));
        assert!(glob_match("templates/*/deployment.yaml", "templates/admin/deployment.yaml"));
        assert!(!glob_match("templates/*.yaml", "templates/admin/deployment.yaml"));
        assert!(glob_match("templates/[ab]dmin/*", "templates/admin/service.yaml"));
        assert!(!glob_match("templates/[^a]dmin/*", "templates/admin/service.yaml"));
        assert!(glob_match("templates/?dmin/*", "templates/admin/service.yaml"));
    }

    #[test]
    fn unknown_kinds_sort_last_by_name() {
        assert!(kind_rank("Deployment") < kind_rank("Certificate"));
        assert!(kind_rank("Certificate") < kind_rank("IngressRouteTCP"));
        assert!(kind_rank("Namespace") < kind_rank("ConfigMap"));
    }
}
