//! The workspace's layering holds: the helm-engine crate depends on nothing of Mailu and never
//! mentions it, and inside the engine every module imports only the layers below it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn engine_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/helm-engine")
}

/// Every file under `dir` (recursively), sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_engine_depends_on_no_mailu_package() {
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let output = Command::new(cargo)
        .args(["tree", "-p", "helm-engine", "-e", "normal,build,dev", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo} tree: {e}"));
    assert!(output.status.success(), "cargo tree failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    let packages: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    // Not vacuous: the tree is the engine's, with its dependencies.
    assert!(packages.first() == Some(&"helm-engine"), "the tree does not start with helm-engine:\n{tree}");
    assert!(packages.contains(&"saphyr-parser"), "the tree lacks the engine's dependencies:\n{tree}");
    let mailu: Vec<&&str> = packages.iter().filter(|p| p.to_lowercase().contains("mailu")).collect();
    assert!(mailu.is_empty(), "helm-engine depends on {mailu:?}:\n{tree}");
}

#[test]
fn the_engine_never_mentions_mailu() {
    let files = files_under(&engine_dir());
    assert!(files.iter().any(|f| f.ends_with("src/lib.rs")), "the engine's sources were not found");
    let mentions: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read(f).is_ok_and(|b| String::from_utf8_lossy(&b).to_lowercase().contains("mailu"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(mentions.is_empty(), "these engine files mention Mailu: {mentions:?}");
}

/// The engine's layers, bottom up, with the source paths that belong to each.
const LAYERS: &[(&str, &[&str])] = &[
    ("value", &["src/value/", "src/strconv.rs", "src/base64.rs", "src/go_unicode.rs", "src/beside.rs"]),
    ("yaml", &["src/yaml/"]),
    ("template", &["src/template/"]),
    ("funcs", &["src/funcs/"]),
    ("helm", &["src/helm/"]),
];

/// The modules (reached as `crate::<name>`) of each layer.
const MODULES: &[(&str, &[&str])] = &[
    ("value", &["value", "strconv", "base64", "go_unicode", "beside"]),
    ("yaml", &["yaml"]),
    ("template", &["template"]),
    ("funcs", &["funcs"]),
    ("helm", &["helm"]),
];

#[test]
fn engine_layers_import_only_the_layers_below_them() {
    let src = engine_dir().join("src");
    let mut checked = 0;
    let mut violations = Vec::new();
    for file in files_under(&src) {
        let relative = file.strip_prefix(engine_dir()).unwrap().to_string_lossy().replace('\\', "/");
        let Some(layer) = LAYERS.iter().position(|(_, paths)| paths.iter().any(|p| relative.starts_with(p)))
        else {
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        // The layering is the shipped code's: a unit test module may build its input with
        // any layer.
        let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
        // `super::super` and grouped `crate::{...}` paths would hide a module from the checks
        // below.
        if text.contains("super::super") || text.contains("crate::{") {
            violations.push(format!("{relative}: reaches modules through super::super or crate::{{...}}"));
        }
        for (above, modules) in &MODULES[layer + 1..] {
            for module in *modules {
                if text.contains(&format!("crate::{module}::")) || text.contains(&format!("crate::{module};"))
                {
                    violations.push(format!("{relative} ({}) imports the {above} layer", LAYERS[layer].0));
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} engine source files were checked");
    assert!(violations.is_empty(), "layering violations:\n{}", violations.join("\n"));
}

fn root_sources(folder: &str) -> Vec<(PathBuf, String)> {
    files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(folder))
        .into_iter()
        .filter(|f| {
            f.extension().is_some_and(|e| e == "rs" || e == "yaml" || e == "tpl" || e == "txt" || e == "md")
        })
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            (f, text)
        })
        .collect()
}

/// Every decision is written once: the literals that used to stand in both the Rust of render
/// and the templates of the chart now stand in one file of `src/` and `templates/` only.
#[test]
fn each_former_double_literal_stands_in_one_file() {
    let mut sources = root_sources("src");
    sources.extend(root_sources("templates"));
    // The migration names the official chart's keys (`ingress.proxyProtocol.*`), not decisions
    // of ours.
    let migrate = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/migrate");
    sources.retain(|(file, _)| !file.starts_with(&migrate));
    assert!(sources.len() > 20, "the sources were not found");
    // Traefik's `proxyProtocol` field is the quoted key; the LoadBalancer's is a values key.
    for literal in [
        "RuntimeDefault",
        "HostSNI",
        "resource-policy",
        "\"proxyProtocol\"",
        "loadBalancer.proxyProtocol",
        "smtp-limit",
    ] {
        let files: Vec<String> = sources
            .iter()
            .filter(|(_, text)| text.contains(literal))
            .map(|(f, _)| f.display().to_string())
            .collect();
        assert_eq!(files.len(), 1, "{literal} stands in {files:?}");
    }
}

/// The exporter and render are two printers of the same objects: neither imports the other,
/// and the Mailu side reaches the engine through its public API only.
#[test]
fn render_and_the_exporter_do_not_import_each_other() {
    for (folder, other) in [("src/chart", "crate::render"), ("src/render", "crate::chart")] {
        for (file, text) in root_sources(folder) {
            assert!(!text.contains(other), "{} imports {other}", file.display());
        }
    }
    for (file, text) in root_sources("src") {
        for line in text.lines().filter(|l| l.contains("helm_engine::")) {
            let path = line.split("helm_engine::").nth(1).unwrap_or_default();
            assert!(
                !["template::", "funcs::", "helm::", "yaml::", "strconv::"]
                    .iter()
                    .any(|m| path.starts_with(m)),
                "{} reaches into the engine: {line}",
                file.display()
            );
        }
    }
}
